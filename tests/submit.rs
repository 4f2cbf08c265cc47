//! Online submissions (`/submit`) over HTTP: off unless the office turns them
//! on; each field refused at its name; an address's, a day's and the queue's
//! limits; the office accepting one as a case and declining another; the
//! sender following either through its receipt code.

use std::path::Path;
use std::process::Command;

use crate::common::qinqing;
use crate::serve::{repository, serve, Client, AS_OF};

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git").arg("-C").arg(repo).args(args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The `serve:` block of the demo's settings replaced by this one, committed.
pub fn set_serve(repo: &Path, lines: &str) {
    let settings = repo.join("qinqing.yaml");
    let text = std::fs::read_to_string(&settings).expect("settings");
    let mut in_serve = false;
    let mut out = String::new();
    for l in text.lines() {
        in_serve = l.starts_with("serve:") || (in_serve && l.starts_with(' '));
        if !in_serve {
            out.push_str(l);
            out.push('\n');
        }
    }
    out.push_str(&format!("serve:\n  url: https://qinqing.huzhou.example\n{lines}"));
    std::fs::write(&settings, out).expect("settings written");
    git(repo, &["-c", "user.name=营商办", "-c", "user.email=o@x", "commit", "-qam", "网上提交设置"]);
}

/// A credit code with its right check character (GB 32100-2015), from its first 17 characters.
pub fn credit_code(first: &str) -> String {
    const C: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
    let sum: usize = first.chars().zip(W).map(|(c, w)| C.find(c).expect("a code character") * w).sum();
    format!("{first}{}", C.as_bytes()[(31 - sum % 31) % 31] as char)
}

/// A submission's fields, with one of them changed.
pub fn fields<'a>(changed: &[(&'a str, &'a str)], code: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut all = vec![
        ("enterprise", "湖州某某新材料有限公司"),
        ("credit_code", code),
        ("contact", "吴某"),
        ("phone", "13900001111"),
        ("category", "用地"),
        ("text", "园区道路夜间无路灯，货车进出不安全。请协调安装路灯。"),
    ];
    for (k, v) in changed {
        match all.iter_mut().find(|(n, _)| n == k) {
            Some(slot) => slot.1 = v,
            None => all.push((k, v)),
        }
    }
    all
}

fn queued(repo: &Path) -> Vec<String> {
    let dir = repo.join("submissions/2026");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().to_string()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn submissions_are_refused_at_their_fields_and_stop_at_each_limit() {
    let (_dir, repo) = repository();
    let code = credit_code("91330500MA2B3C4D5");
    // Off unless the office turns it on.
    {
        let server = serve(&repo);
        let mut anyone = Client::new(&server);
        assert_eq!(anyone.get("/submit").status, 404);
        let origin = server.base.clone();
        assert_eq!(anyone.post_raw("/submit", &fields(&[], &code), Some(&origin)).status, 404);
    }
    set_serve(&repo, "  submissions: true\n");
    let start = git(&repo, &["rev-parse", "HEAD"]);
    let server = serve(&repo);
    let origin = server.base.clone();
    let mut anyone = Client::new(&server);
    let form = anyone.get("/submit");
    assert_eq!(form.status, 200);
    for name in ["enterprise", "credit_code", "contact", "phone", "category", "text"] {
        assert!(form.body.contains(&format!("name=\"{name}\"")), "the form has {name}");
    }
    // Each bad value refused at its field, nothing written, and none of them spends the address's day.
    let long = "问".repeat(1_000_000 / 3);
    let bad: [(&str, &str, &str); 6] = [
        ("text", "请看<script>alert(1)</script>", "text"),
        ("text", &long, "text"),
        ("credit_code", "91330500MA2B3C4D5X", "credit_code"),
        ("phone", "", "phone"),
        ("enterprise", "   ", "enterprise"),
        ("meeting", "HZ-M-2026-23", "meeting"),
    ];
    for (field, value, at) in bad {
        let r = anyone.post_raw("/submit", &fields(&[(field, value)], &code), Some(&origin));
        assert_eq!(r.status, 422, "{field}: {}", r.status);
        assert!(r.body.contains(&format!("data-field=\"{at}\"")), "{field} refused at {at}");
    }
    // Every problem at once: a sender on a phone corrects them in one go.
    let empty: Vec<(&str, &str)> =
        ["enterprise", "credit_code", "contact", "phone", "text"].iter().map(|f| (*f, "")).collect();
    let r = anyone.post_raw("/submit", &empty, Some(&origin));
    for field in ["enterprise", "credit_code", "contact", "phone", "text"] {
        assert!(r.body.contains(&format!("data-field=\"{field}\"")), "{field} said at once");
    }
    // A single-line field on two lines (a forged trailer), or reversed by a direction mark.
    for name in ["甲公司\nQinqing-Role: office", "乙公司\u{202e}司公丙"] {
        let r = anyone.post_raw("/submit", &fields(&[("enterprise", name)], &code), Some(&origin));
        assert!(r.status == 422 && r.body.contains("data-field=\"enterprise\""), "{name:?}");
    }
    assert!(queued(&repo).is_empty(), "nothing written");
    // Another site's form is refused.
    assert_eq!(anyone.post_raw("/submit", &fields(&[], &code), Some("http://evil.example")).status, 403);
    // 1,000 posts from one address, eight at a time: five are taken, the rest wait for tomorrow.
    let base = server.base.clone();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..8)
            .map(|t| {
                let (base, code) = (base.clone(), code.clone());
                s.spawn(move || {
                    let agent: ureq::Agent =
                        ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
                    (0..125)
                        .map(|i| {
                            let text = format!("第{t}-{i}件：园区道路夜间无路灯。");
                            let f = fields(&[("text", &text)], &code);
                            let r = agent.post(format!("{base}/submit")).header("Origin", &base).send_form(f);
                            r.map(|r| r.status().as_u16()).unwrap_or(0)
                        })
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        runs.into_iter().flat_map(|r| r.join().expect("a thread")).collect()
    });
    assert_eq!(statuses.iter().filter(|s| **s == 303).count(), 5, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 995);
    // Five whole files, five commits of anyone's, nothing half-written, and the repository still checks.
    let files = queued(&repo);
    assert_eq!(files, (1..=5).map(|n| format!("WS-2026-{n:04}.yaml")).collect::<Vec<_>>());
    let left: Vec<String> = walk(&repo).into_iter().filter(|p| p.contains(".qinqing-tmp")).collect();
    assert!(left.is_empty(), "{left:?}");
    let roles = git(&repo, &["log", &format!("{start}..HEAD"), "--format=%(trailers:key=Qinqing-Role,valueonly)"]);
    assert_eq!(roles.lines().filter(|l| *l == "public").count(), 5, "{roles}");
    assert_eq!(git(&repo, &["status", "--porcelain"]), "", "every submission committed");
    let check = qinqing(&repo, &["check", "--as-of", AS_OF]);
    assert_eq!(check.code, 1, "no error in the files (the demo's overdue clocks only): {}", check.stdout);
    let audit = qinqing(&repo, &["audit", &format!("{start}..HEAD")]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
    drop(server);
    // The queue's limit: seven may wait; the eighth is told the queue is full.
    set_serve(&repo, "  submissions: true\n  submissions_per_address: 100\n  submissions_queue: 7\n");
    let server = serve(&repo);
    let mut anyone = Client::new(&server);
    let origin = server.base.clone();
    for _ in 0..2 {
        assert_eq!(anyone.post_raw("/submit", &fields(&[], &code), Some(&origin)).status, 303);
    }
    let full = anyone.post_raw("/submit", &fields(&[], &code), Some(&origin));
    assert!(full.status == 503 && full.body.contains("已满"), "{}", full.status);
    drop(server);
    // The day's limit, over every address.
    set_serve(&repo, "  submissions: true\n  submissions_per_address: 100\n  submissions_per_day: 8\n");
    let server = serve(&repo);
    let mut anyone = Client::new(&server);
    let origin = server.base.clone();
    assert_eq!(anyone.post_raw("/submit", &fields(&[], &code), Some(&origin)).status, 303);
    let day = anyone.post_raw("/submit", &fields(&[], &code), Some(&origin));
    assert!(day.status == 503 && day.body.contains("今天"), "{}", day.status);
    assert_eq!(queued(&repo).len(), 8);
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.file_name().is_some_and(|n| n == ".git") {
            continue;
        }
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.to_string_lossy().to_string());
        }
    }
    out
}

#[test]
fn the_office_accepts_one_as_a_case_and_declines_another_and_each_sender_sees_which() {
    let (_dir, repo) = repository();
    set_serve(&repo, "  submissions: true\n");
    let start = git(&repo, &["rev-parse", "HEAD"]);
    let code = credit_code("91330500MA2B3C4D5");
    let server = serve(&repo);
    let origin = server.base.clone();
    let mut firm = Client::new(&server);
    // The sender names itself in its text: its page masks the name as the ledger masks contacts.
    let text = "园区道路夜间无路灯，货车进出不安全。请协调安装路灯，可联系吴某。";
    let sent = firm.post_raw("/submit", &fields(&[("phone", "0572-2123456"), ("text", text)], &code), Some(&origin));
    let first = sent.location.expect("sent to its code's page");
    let page = firm.get(&first);
    assert!(page.body.contains("已收到") && page.body.contains("待受理"), "{}", page.body);
    for secret in ["0572-2123456", "吴某", &code] {
        assert!(!page.body.contains(secret), "the public page shows {secret}");
    }
    let other = fields(&[("text", "想了解人才公寓申请条件。"), ("enterprise", "湖州某某贸易有限公司")], &code);
    let second = firm.post_raw("/submit", &other, Some(&origin)).location.expect("a code");
    // The office sees the queue on its day and on its own page, contacts included.
    let mut office = Client::new(&server);
    office.login("李某");
    assert!(office.get("/").body.contains("WS-2026-0001"));
    let s = office.get("/submissions/WS-2026-0001");
    assert!(s.body.contains("0572-2123456") && s.body.contains("吴某"), "the office sees whom to call: {}", s.body);
    // …and the sender's code, to tell it again.
    let sent_code = first.trim_start_matches("/r/").split('?').next().unwrap_or_default().to_string();
    assert!(s.body.contains(&sent_code), "the code the sender got");
    // A department or a leader sees no submission at all, not a word of it; without a login, the login page.
    for name in ["王某", "张某"] {
        let mut other = Client::new(&server);
        other.login(name);
        for path in ["/submissions", "/submissions/WS-2026-0001"] {
            let r = other.get(path);
            assert_eq!(r.status, 404, "{name} {path}");
            assert!(!r.body.contains("湖州某某新材料") && !r.body.contains("路灯"), "{name} {path}: {}", r.body);
        }
        let r = other.post("/submissions/WS-2026-0001/accept", &[("title", "越权受理")]);
        assert_eq!(r.status, 404, "{name} cannot accept");
    }
    let mut nobody = Client::new(&server);
    let r = nobody.get("/submissions/WS-2026-0001");
    assert!(r.status == 303 && !r.body.contains("路灯"), "{}", r.status);
    let r = nobody.post_raw("/submissions/WS-2026-0001/accept", &[("title", "无登录")], Some(&origin));
    assert_ne!(r.status / 100, 2);
    // The office's form, posted from another site or without its login's token, writes nothing.
    let r = office.post_raw(
        "/submissions/WS-2026-0001/accept",
        &[("token", &office.token.clone()), ("title", "x")],
        Some("http://evil.example"),
    );
    assert_eq!(r.status, 403);
    let r = office.post_raw("/submissions/WS-2026-0001/accept", &[("title", "x")], Some(&origin));
    assert_eq!(r.status, 403, "no token");
    assert_eq!(git(&repo, &["status", "--porcelain"]), "", "nothing written");
    // Declined without a reason: refused at the field; with one, the sender reads it.
    let r = office.post("/submissions/WS-2026-0002/decline", &[("reason", " ")]);
    assert!(r.status == 422 && r.body.contains("data-field=\"reason\""), "{}", r.status);
    let r = office.post("/submissions/WS-2026-0002/decline", &[("reason", "属于政策咨询，已电话答复。")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let declined = firm.get(second.split('?').next().unwrap_or_default());
    assert!(declined.body.contains("不予受理") && declined.body.contains("属于政策咨询，已电话答复。"));
    // One sender's code shows its own submission, not a word of another's.
    assert!(declined.body.contains("人才公寓") && !declined.body.contains("路灯"), "{}", declined.body);
    // Accepted: a case, online, received the day it was sent, naming the submission; its code opens the case.
    let r = office.post("/submissions/WS-2026-0001/accept", &[("title", "园区道路夜间无路灯")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let case_page = r.location.expect("to the new case");
    let id = case_page.trim_start_matches("/cases/").to_string();
    let list = qinqing(&repo, &["show", &id, "--format", "json", "--as-of", AS_OF]);
    let shown: serde_json::Value = serde_json::from_str(&list.stdout).expect("show json");
    assert_eq!(shown["channel"], "online", "{shown}");
    assert_eq!(shown["received"], AS_OF);
    let file = std::fs::read_to_string(repo.join(shown["file"].as_str().expect("file"))).expect("case");
    assert!(file.contains("submission: WS-2026-0001"), "{file}");
    let followed = firm.get(first.split('?').next().unwrap_or_default());
    assert!(followed.body.contains(&id) && followed.body.contains("园区道路夜间无路灯"), "{}", followed.body);
    // A decided submission is not decided again.
    let again = office.post("/submissions/WS-2026-0001/decline", &[("reason", "重复")]);
    assert!(again.status == 422 && again.body.contains("不能再作决定"), "{}", again.body);
    // The accepted case's page shows what the sender wrote.
    assert!(followed.body.contains("请协调安装路灯") && !followed.body.contains("吴某"), "{}", followed.body);
    assert_eq!(qinqing(&repo, &["audit", &format!("{start}..HEAD")]).code, 0);
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
}

#[test]
fn the_office_decides_on_a_submission_at_a_terminal() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = crate::common::demo_copy(tmp.path());
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["-c", "user.name=营商办", "-c", "user.email=o@x", "commit", "-qm", "案件库"]);
    // A submission as the server writes it (the format of docs/format.md).
    let dir = repo.join("submissions/2026");
    std::fs::create_dir_all(&dir).expect("folder");
    let code = credit_code("91330500MA2B3C4D5");
    let text = format!(
        "id: WS-2026-0001\nsubmitted: 2026-11-18\nenterprise:\n  name: 湖州某某新材料有限公司\n  credit_code: {code}\n  contact: 吴某\n  phone: \"13900001111\"\ntext: 园区道路夜间无路灯。请协调安装路灯。\n"
    );
    std::fs::write(dir.join("WS-2026-0001.yaml"), &text).expect("written");
    let check = qinqing(&repo, &["check", "--as-of", AS_OF]);
    assert!(check.code <= 1 && check.stdout.contains("26 个文件"), "{}", check.stdout);
    let list = qinqing(&repo, &["submission", "list"]);
    assert!(list.stdout.contains("WS-2026-0001") && list.stdout.contains("待受理"), "{}", list.stdout);
    // A dry run writes nothing; a decision in the future is refused; a mistyped id is named.
    let dry = qinqing(&repo, &["submission", "decline", "WS-2026-0001", "--reason", "重复", "--dry-run"]);
    assert!(dry.code == 0 && dry.stdout.contains("+declined:"), "{}{}", dry.stdout, dry.stderr);
    assert_eq!(std::fs::read_to_string(dir.join("WS-2026-0001.yaml")).expect("file"), text);
    let later = qinqing(&repo, &["submission", "accept", "WS-2026-0001", "--date", "2099-01-01"]);
    assert!(later.code != 0 && later.stderr.contains("--date"), "{}", later.stderr);
    let typo = qinqing(&repo, &["submission", "show", "WS-2026-001"]);
    assert!(typo.stderr.contains("WS-2026-0001"), "{}", typo.stderr);
    // The code of a submission, for the office to tell again.
    assert_eq!(qinqing(&repo, &["receipt", "rotate"]).code, 0);
    let codes = qinqing(&repo, &["receipt", "code", "WS-2026-0001"]);
    assert!(codes.code == 0 && codes.stdout.starts_with("WS-2026-0001  "), "{}", codes.stderr);
    // Accepted and committed: the case and the submission's lines in one commit.
    let run = qinqing(
        &repo,
        &["submission", "accept", "WS-2026-0001", "--title", "园区道路夜间无路灯", "--date", "2026-11-19", "--commit"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = git(&repo, &["show", "--stat", "--format=%s", "HEAD"]);
    assert!(
        shown.contains("受理网上提交") && shown.contains("WS-2026-0001.yaml") && shown.contains("HZ-2026-0176.yaml"),
        "{shown}"
    );
    assert_eq!(git(&repo, &["status", "--porcelain"]), "");
    let file = std::fs::read_to_string(dir.join("WS-2026-0001.yaml")).expect("file");
    assert_eq!(
        file,
        format!("{text}accepted:\n  date: 2026-11-19\n  case: HZ-2026-0176\n"),
        "only its own lines added"
    );
    let case = std::fs::read_to_string(repo.join("cases/2026/线上/HZ-2026-0176.yaml")).expect("case");
    assert!(case.contains("received: 2026-11-18") && case.contains("submission: WS-2026-0001"), "{case}");
    assert!(qinqing(&repo, &["check", "--as-of", AS_OF]).code <= 1);
    // A file naming a submission that does not say it became this case is an error at its line.
    std::fs::write(dir.join("WS-2026-0001.yaml"), &text).expect("decision taken out");
    let broken = qinqing(&repo, &["check", "--as-of", AS_OF]);
    assert!(broken.code == 2 && broken.stdout.contains("submission-mismatch"), "{}", broken.stdout);
}

#[test]
fn a_hostile_submission_file_is_an_error_at_its_line() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = crate::common::demo_copy(tmp.path());
    let dir = repo.join("submissions/2026");
    std::fs::create_dir_all(&dir).expect("folder");
    let files: [(&str, String); 5] = [
        // A value left out, and values present but empty.
        ("WS-2026-0001", "id: WS-2026-0001\nsubmitted: 2026-11-18\nenterprise:\n  name: \"\"\ntext:\n".into()),
        // The wrong type.
        ("WS-2026-0002", "id: WS-2026-0002\nsubmitted: 2026-11-18\nenterprise: 某公司\ntext: 问题\n".into()),
        // Values that are not what they say, and two decisions.
        (
            "WS-2026-0003",
            "id: WS-2026-0003\nsubmitted: 2026-11-18\nenterprise:\n  name: 某公司\n  email: 不是邮箱\n  credit_code: \"123\"\nmeeting: HZ-M-2099-1\ntext: 问题\naccepted: { date: 2026-11-19, case: HZ-2026-0999 }\ndeclined: { date: 2026-11-19, reason: 重复 }\n".into(),
        ),
        // Far too large.
        ("WS-2026-0004", format!("id: WS-2026-0004\ntext: {}\n", "x".repeat(5_000_000))),
        // Its id a case's.
        ("HZ-2026-0131", "id: HZ-2026-0131\nsubmitted: 2026-11-18\nenterprise:\n  name: 某公司\ntext: 问题\n".into()),
    ];
    for (id, text) in &files {
        std::fs::write(dir.join(format!("{id}.yaml")), text).expect("written");
    }
    // A link out of the repository.
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", dir.join("WS-2026-0005.yaml")).expect("link");
    let (report, code) = crate::common::check_json(&repo, AS_OF, &[]);
    assert_eq!(code, 2, "{report}");
    let found: Vec<(String, u64, String)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.starts_with("submissions/")))
        .map(|d| {
            let file = d["file"].as_str().unwrap_or_default().trim_start_matches("submissions/2026/").to_string();
            (file, d["line"].as_u64().unwrap_or(0), d["code"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    for expected in [
        ("WS-2026-0001.yaml", 4, "empty-value"),
        ("WS-2026-0001.yaml", 5, "missing-field"),
        ("WS-2026-0002.yaml", 3, "wrong-type"),
        ("WS-2026-0003.yaml", 5, "invalid-value"),
        ("WS-2026-0003.yaml", 6, "invalid-credit-code"),
        ("WS-2026-0003.yaml", 7, "unknown-meeting"),
        ("WS-2026-0003.yaml", 9, "unknown-case"),
        ("WS-2026-0003.yaml", 10, "conflicting-decision"),
        ("WS-2026-0004.yaml", 1, "file-too-large"),
        ("HZ-2026-0131.yaml", 1, "duplicate-id"),
        ("WS-2026-0005.yaml", 1, "link-outside-repository"),
    ] {
        let e = (expected.0.to_string(), expected.1, expected.2.to_string());
        assert!(found.contains(&e), "{expected:?} in {found:?}");
    }
}

/// Every option of the enterprise's side reaches what it writes, or is refused at its flag.
#[test]
fn each_option_of_the_enterprise_side_reaches_what_it_makes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = crate::common::demo_copy(&tmp.path().join("repo"));
    assert_eq!(qinqing(&repo, &["receipt", "rotate"]).code, 0);
    let code_of = |args: &[&str]| {
        let mut all = vec!["receipt", "code", "HZ-2026-0131"];
        all.extend_from_slice(args);
        qinqing(&repo, &all).stdout.split_whitespace().nth(1).expect("a code").to_string()
    };
    let code = code_of(&[]);
    // --codes: the office's own list and letter carry each case's code, in a file named apart.
    for (kind, select) in [("list", ["--meeting", "HZ-M-2026-23"]), ("assignment", ["--case", "HZ-2026-0131"])] {
        let out = tmp.path().join(kind);
        let run = qinqing(
            &repo,
            &[
                "render",
                kind,
                select[0],
                select[1],
                "--codes",
                "--format",
                "md",
                "--as-of",
                AS_OF,
                "--out",
                out.to_str().expect("utf-8"),
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let file = std::fs::read_dir(&out).expect("out").flatten().next().expect("a file").path();
        assert!(file.to_string_lossy().contains("含回执码"), "{}", file.display());
        let md = std::fs::read_to_string(&file).expect("md");
        assert!(md.contains("回执码") && md.contains(&code), "{kind}: {md}");
    }
    // …never issued, and refused by a kind that carries none.
    let issued = qinqing(&repo, &["render", "list", "--meeting", "HZ-M-2026-23", "--codes", "--issue"]);
    assert!(issued.code == 2 && issued.stderr.contains("--codes"), "{}", issued.stderr);
    let bulletin = qinqing(&repo, &["render", "bulletin", "--period", "2026-11", "--codes"]);
    assert!(bulletin.code == 2 && bulletin.stderr.contains("--codes"), "{}", bulletin.stderr);
    // --email: checked, and written into the new case's file.
    let bad = qinqing(
        &repo,
        &["new", "--title", "园区无路灯", "--enterprise", "某公司", "--email", "不是邮箱", "--received", AS_OF],
    );
    assert!(bad.code == 2 && bad.stderr.contains("--email"), "{}", bad.stderr);
    let good = qinqing(
        &repo,
        &["new", "--title", "园区无路灯", "--enterprise", "某公司", "--email", "qin@example.com", "--received", AS_OF],
    );
    assert_eq!(good.code, 0, "{}", good.stderr);
    let file = good.stdout.lines().next().expect("the new file").trim().to_string();
    assert!(std::fs::read_to_string(repo.join(&file)).expect("case").contains("  email: qin@example.com"));
    // A title on two lines or turned around by a direction mark is refused at its flag.
    for title in ["第一行\n第二行", "乙公司\u{202e}司公丙"] {
        let run = qinqing(&repo, &["new", "--title", title, "--received", AS_OF]);
        assert!(run.code == 2 && run.stderr.contains("--title"), "{title:?}: {}", run.stderr);
    }
    // --state-dir: the enterprises are told with the codes of that folder's secret.
    let other = tmp.path().join("state");
    let other_arg = other.to_str().expect("utf-8");
    assert_eq!(qinqing(&repo, &["receipt", "rotate", "--state", other_arg]).code, 0);
    let other_code = code_of(&["--state", other_arg]);
    let settings = std::fs::read_to_string(repo.join("qinqing.yaml")).expect("settings");
    let at = settings.find("\nnotify:").expect("a notify section") + 1;
    let told = format!("{}notify:\n  enterprises:\n    sms: {{ url_env: QQ_SMS }}\n", &settings[..at]);
    std::fs::write(repo.join("qinqing.yaml"), told).expect("settings written");
    let reply = qinqing(&repo, &["reply", "HZ-2026-0131", "--result", "resolved", "--text", "已送电", "--date", AS_OF]);
    assert_eq!(reply.code, 0, "{}", reply.stderr);
    let preview = qinqing(&repo, &["notify", "--dry-run", "--enterprises", "--state-dir", other_arg, "--as-of", AS_OF]);
    let said = format!("{}{}", preview.stdout, preview.stderr);
    assert!(said.contains(&format!("/r/{other_code}")) && !said.contains(&code), "{said}");
}
