#!/usr/bin/env python3
"""Load on a running `qinqing serve` (issue 23): N clients on loopback, each logged in as the office.

Three runs, each client as fast as it is answered (no pause between requests):
- views: random case pages;
- writes: notes, each on a case of its own (the page read for its form, then the post; only the post is
  timed, and it includes the git commit): every client writing at once, the worst case;
- mixed: each client ten case pages, then a note, over and over (a liaison reads before answering).
Afterwards every accepted note must be in its case file exactly once and be one commit: no write lost
or duplicated.

Usage: bench-serve.py BASE_URL REPO CLIENTS VIEWS_PER_CLIENT WRITES_PER_CLIENT < open-case-ids
Prints one JSON object: latencies (ms) p50/p99, throughput (requests/s), lost, duplicated.
"""
import http.client, json, random, re, subprocess, sys, threading, time, urllib.parse

base, repo, clients, views, writes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
host = base.split("//", 1)[1]
ids = [l.strip() for l in sys.stdin if l.strip()]
random.seed(1)
RUN = int(time.time())  # notes of an earlier run on the same repository are not this run's


def conn():
    return http.client.HTTPConnection(host, timeout=120)


def login(c):
    body = urllib.parse.urlencode({"user": "bench-office", "password": "bench-office-pw"})
    c.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Origin": base})
    r = c.getresponse(); r.read()
    cookie = r.getheader("Set-Cookie").split(";")[0]
    c.request("GET", "/", headers={"Cookie": cookie}); page = c.getresponse().read().decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return cookie, token


def pct(xs, p):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(len(xs) * p / 100))], 1) if xs else None


def viewer(n, out):
    c = conn(); cookie, _ = login(c)
    for _ in range(views):
        t = time.perf_counter()
        c.request("GET", "/cases/" + random.choice(ids), headers={"Cookie": cookie})
        r = c.getresponse(); r.read()
        out.append(((time.perf_counter() - t) * 1000, r.status))


def writer(n, mine, out, notes, views_out=None):
    c = conn(); cookie, token = login(c)
    for k, case in enumerate(mine):
        for _ in range(10 if views_out is not None else 0):
            t = time.perf_counter()
            c.request("GET", "/cases/" + random.choice(ids), headers={"Cookie": cookie})
            r = c.getresponse(); r.read()
            views_out.append(((time.perf_counter() - t) * 1000, r.status))
        c.request("GET", "/cases/" + case, headers={"Cookie": cookie})
        page = c.getresponse().read().decode()
        version = re.search(r'name="version" value="([^"]+)"', page).group(1)
        text = f"压测备注-{RUN}-{'m' if views_out is not None else 'w'}{n}-{k}"
        body = urllib.parse.urlencode({"token": token, "version": version, "date": "", "text": text})
        t = time.perf_counter()
        c.request("POST", f"/cases/{case}/note", body,
                  {"Cookie": cookie, "Origin": base, "Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse(); r.read()
        out.append(((time.perf_counter() - t) * 1000, r.status))
        if r.status == 303:
            notes.append((case, text))


def run(target, args_of):
    out, threads = [], []
    start = time.perf_counter()
    for n in range(clients):
        th = threading.Thread(target=target, args=args_of(n, out)); th.start(); threads.append(th)
    for th in threads:
        th.join()
    wall = time.perf_counter() - start
    return out, wall


start_head = subprocess.run(["git", "-C", repo, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
views_out, views_wall = run(viewer, lambda n, out: (n, out))
notes = []
random.shuffle(ids)
per = [ids[n * writes:(n + 1) * writes] for n in range(clients)]
writes_out, writes_wall = run(writer, lambda n, out: (n, per[n], out, notes))
# Mixed: other cases than the write-only run's.
rest = ids[clients * writes:]
per = [rest[n * writes:(n + 1) * writes] for n in range(clients)]
mixed_views = []
mixed_out, mixed_wall = run(writer, lambda n, out: (n, per[n], out, notes, mixed_views))

# Every accepted note in its file exactly once, and one commit each.
grep = subprocess.run(["git", "-C", repo, "grep", "-h", "压测备注-"], capture_output=True, text=True).stdout
found = re.findall(rf"压测备注-{RUN}-[mw]\d+-\d+", grep)
lost = sum(1 for _, t in notes if t not in found)
duplicated = len(found) - len(set(found))
commits = int(subprocess.run(["git", "-C", repo, "rev-list", "--count", f"{start_head}..HEAD"],
                             capture_output=True, text=True).stdout.strip() or 0)
lat = lambda xs: [x for x, _ in xs]
print(json.dumps({
    "clients": clients,
    "views": {"count": len(views_out), "errors": sum(1 for _, s in views_out if s != 200),
              "p50_ms": pct(lat(views_out), 50), "p99_ms": pct(lat(views_out), 99),
              "per_second": round(len(views_out) / views_wall, 1)},
    "writes": {"count": len(writes_out), "accepted": sum(1 for _, s in writes_out if s == 303),
               "refused": sum(1 for _, s in writes_out if s != 303),
               "p50_ms": pct(lat(writes_out), 50), "p99_ms": pct(lat(writes_out), 99),
               "per_second": round(len(writes_out) / writes_wall, 1)},
    "mixed": {"views_p50_ms": pct(lat(mixed_views), 50), "views_p99_ms": pct(lat(mixed_views), 99),
              "writes_p50_ms": pct(lat(mixed_out), 50), "writes_p99_ms": pct(lat(mixed_out), 99),
              "requests_per_second": round((len(mixed_views) + len(mixed_out)) / mixed_wall, 1),
              "errors": sum(1 for _, s in mixed_views if s != 200) + sum(1 for _, s in mixed_out if s != 303)},
    "lost": lost, "duplicated": duplicated, "commits": commits, "accepted": len(notes),
}, ensure_ascii=False))
