//! `qinqing serve` over HTTP: the real binary on a copy of the demonstration
//! repository (a git work tree), driven by a plain HTTP client on loopback.
//! Who sees what (every role × every page and form × a case in and out of
//! scope), and each of the server's defences, with a test that fails without it.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::{demo_copy, qinqing};

pub const AS_OF: &str = "2026-11-20";

/// The accounts every served repository has: (name, role, department, password).
pub const ACCOUNTS: &[(&str, &str, Option<&str>, &str)] = &[
    ("李某", "office", None, "office-pass-1"),
    ("王某", "department", Some("市交通运输局"), "dept-pass-123"),
    ("张某", "leader", None, "lead-pass-123"),
];

fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git").arg("-C").arg(repo).args(args).output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A copy of the demonstration repository, committed in git, with the accounts.
pub fn repository() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = demo_copy(dir.path());
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["-c", "user.name=营商办", "-c", "user.email=office@example.org", "commit", "-qm", "案件库"]);
    for (name, role, dept, password) in ACCOUNTS {
        let mut args = vec!["--repo", repo.to_str().expect("utf-8 path"), "user", "add", name, "--role", role];
        if let Some(d) = dept {
            args.extend(["--dept", d]);
        }
        args.push("--password-stdin");
        let mut child = Command::new(env!("CARGO_BIN_EXE_qinqing"))
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("user add runs");
        std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), password.as_bytes()).expect("password");
        drop(child.stdin.take());
        assert!(child.wait().expect("user add ends").success());
    }
    // The receipt codes' secret, as the office makes it before it hands out its first receipt.
    assert_eq!(qinqing(&repo, &["receipt", "rotate"]).code, 0);
    (dir, repo)
}

/// A running server; stopped when dropped.
pub struct Server {
    pub base: String,
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `qinqing serve` on a free loopback port, as of the demo's date.
pub fn serve(repo: &Path) -> Server {
    serve_with(repo, &[])
}

/// Starts `qinqing serve` with these environment variables (a receiver's address).
pub fn serve_with(repo: &Path, env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(repo)
        .args(["serve", "--listen", "127.0.0.1:0", "--as-of", AS_OF])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("serve starts");
    let mut first = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    out.read_line(&mut first).expect("first line");
    // The rest of what it prints is read and dropped.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let base = first.split("http://").nth(1).map(|a| format!("http://{}", a.trim().trim_end_matches('/')));
    let base = base.unwrap_or_else(|| panic!("serve said where it listens: {first:?}"));
    Server { base, child }
}

/// A browser-like client: keeps its login cookie and the form token of the last page.
pub struct Client {
    agent: ureq::Agent,
    pub base: String,
    pub cookie: Option<String>,
    pub token: String,
}

/// A response: status, body, where it sends to.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Client {
    pub fn new(server: &Server) -> Client {
        let agent = ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
        Client { agent, base: server.base.clone(), cookie: None, token: String::new() }
    }

    fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut r = r.expect("the server answers");
        let status = r.status().as_u16();
        let headers = r
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
            .collect::<Vec<_>>();
        let location = r.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
        let bytes = r.body_mut().with_config().limit(50 << 20).read_to_vec().unwrap_or_default();
        let body = String::from_utf8_lossy(&bytes).to_string();
        Reply { status, body, location, headers }
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        let reply = Client::reply(req.call());
        if let Some(t) = token_in(&reply.body) {
            self.token = t;
        }
        reply
    }

    /// Posts a form as the server's own page would (its Origin), with the login's token.
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let token = self.token.clone();
        let mut all: Vec<(&str, &str)> = vec![("token", token.as_str())];
        all.extend_from_slice(fields);
        let origin = self.base.clone();
        self.post_raw(path, &all, Some(&origin))
    }

    pub fn post_raw(&mut self, path: &str, fields: &[(&str, &str)], origin: Option<&str>) -> Reply {
        let mut req = self.agent.post(format!("{}{path}", self.base));
        if let Some(c) = &self.cookie {
            req = req.header("Cookie", c);
        }
        if let Some(o) = origin {
            req = req.header("Origin", o);
        }
        let reply = Client::reply(req.send_form(fields.iter().copied()));
        if let Some(c) = reply.headers.iter().find(|(k, _)| k == "set-cookie") {
            let pair = c.1.split(';').next().unwrap_or_default().to_string();
            self.cookie = if pair.ends_with('=') { None } else { Some(pair) };
        }
        if let Some(t) = token_in(&reply.body) {
            self.token = t;
        }
        reply
    }

    /// Logs in as one of [`ACCOUNTS`]; returns the login's reply.
    pub fn login(&mut self, name: &str) -> Reply {
        let password = ACCOUNTS.iter().find(|a| a.0 == name).map(|a| a.3).expect("a known account");
        let reply = self.post_raw("/login", &[("user", name), ("password", password)], Some(&self.base.clone()));
        assert_eq!(reply.status, 303, "{name} logs in: {}", reply.body);
        self.get("/");
        reply
    }
}

fn token_in(body: &str) -> Option<String> {
    let at = body.find("name=\"token\" value=\"")? + "name=\"token\" value=\"".len();
    Some(body[at..].chars().take_while(|c| *c != '"').collect())
}

/// The value of a form's hidden `version` on a case page.
pub fn version_in(body: &str) -> String {
    let at = body.find("name=\"version\" value=\"").expect("the page has a form") + "name=\"version\" value=\"".len();
    body[at..].chars().take_while(|c| *c != '"').collect()
}

/// Each case of the repository: (id, title, enterprise, whether 市交通运输局 ever held or co-handled it).
fn cases(repo: &Path) -> Vec<(String, String, String, bool)> {
    let run = qinqing(repo, &["list", "--format", "json", "--as-of", AS_OF]);
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("list json");
    list.as_array()
        .expect("a list")
        .iter()
        .map(|c| {
            let file = repo.join(c["file"].as_str().expect("file"));
            let text = std::fs::read_to_string(file).expect("case file");
            let enterprise = text
                .lines()
                .skip_while(|l| !l.starts_with("enterprise:"))
                .find_map(|l| l.trim().strip_prefix("name:").map(|n| n.trim().to_string()))
                .unwrap_or_default();
            let ours = text.contains("交通");
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["title"].as_str().unwrap_or_default().to_string(),
                enterprise,
                ours,
            )
        })
        .collect()
}

#[test]
fn every_role_sees_and_does_only_what_the_table_allows() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    let all = cases(&repo);
    let (inside, outside): (Vec<_>, Vec<_>) = all.iter().partition(|c| c.3);
    assert!(inside.len() >= 3 && outside.len() >= 10, "the demo has cases both ways");
    let lead = "HZ-2026-0171"; // 市交通运输局 leads it, to sign for
    let co = "HZ-2026-0175"; // 市交通运输局 co-handles it
    let out = outside.iter().find(|c| c.0 == "HZ-2026-0131").expect("a case of another department");
    let meeting = "HZ-M-2026-23";
    let head = git(&repo, &["rev-parse", "HEAD"]);

    // (role, path) → the status each role gets; forms are posted as previews (nothing is written).
    let pages: Vec<String> = vec![
        "/".into(),
        "/cases".into(),
        "/cases?overdue=1".into(),
        format!("/cases/{lead}"),
        format!("/cases/{co}"),
        format!("/cases/{}", out.0),
        format!("/meetings/{meeting}"),
        "/documents".into(),
        "/cases/NO-SUCH-CASE".into(),
    ];
    let mut bodies_of_department = Vec::new();
    for (name, role, _, _) in ACCOUNTS {
        let mut c = Client::new(&server);
        c.login(name);
        for path in &pages {
            let r = c.get(path);
            let expected: u16 = match (*role, path.as_str()) {
                (_, "/cases/NO-SUCH-CASE") => 404,
                ("department", p) if p == format!("/cases/{}", out.0) => 404,
                // None of its cases is of that meeting: the meeting is not there for it either.
                ("department", p) if p == format!("/meetings/{meeting}") => 404,
                ("department" | "leader", "/documents") => 403,
                _ => 200,
            };
            assert_eq!(r.status, expected, "{role} GET {path}: {}", &r.body[..r.body.len().min(400)]);
            if *role == "department" {
                bodies_of_department.push((path.clone(), r.body));
            }
        }
        // Every step of every kind, on a case in scope and one out of it.
        let steps = [
            "ack",
            "return",
            "request-extension",
            "reply",
            "note",
            "assign",
            "extend",
            "evaluate",
            "close",
            "answer",
            "transfer",
            "pre-visit",
            "joint",
        ];
        for case in [lead, co, out.0.as_str()] {
            let page = c.get(&format!("/cases/{case}"));
            let version = if page.status == 200 && page.body.contains("name=\"version\"") {
                version_in(&page.body)
            } else {
                String::new()
            };
            for step in steps {
                let r = c.post(&format!("/cases/{case}/{step}"), &[("version", &version), ("preview", "1")]);
                let allowed = match (*role, case) {
                    ("office", _) => true,
                    ("department", c) if c == lead => {
                        matches!(step, "ack" | "return" | "request-extension" | "reply" | "note")
                    }
                    ("department", c) if c == co => step == "note",
                    ("leader", _) => step == "note",
                    _ => false,
                };
                let hidden = *role == "department" && case == out.0;
                let ok = match (allowed, hidden) {
                    (_, true) => r.status == 404,
                    // Allowed: the preview, or the form back with what is missing (422); a step that
                    // makes no sense where the case stands is refused like one not allowed.
                    (true, false) => matches!(r.status, 200 | 422 | 403),
                    (false, false) => r.status == 403,
                };
                assert!(ok, "{role} POST {step} on {case}: {} {}", r.status, &r.body[..r.body.len().min(300)]);
                if *role == "department" {
                    bodies_of_department.push((format!("POST {case}/{step}"), r.body));
                }
            }
        }
        let r = c.post(&format!("/meetings/{meeting}/assign"), &[("case", "HZ-2026-0161")]);
        assert_eq!(r.status == 403, *role != "office", "{role} assigns: {}", r.status);
        // Forms refused before anything is made (no case ticked, a period that is none): allowed or not.
        for (kind, field) in [("supervision", ("due", "")), ("bulletin", ("period", "不是期间"))] {
            let r = c.post(&format!("/documents/{kind}"), &[field]);
            assert_eq!(r.status == 403, *role != "office", "{role} makes a {kind}: {}", r.status);
        }
    }
    // Each party's note in its own words; the list's filters as `list` takes them.
    let mut leader = Client::new(&server);
    leader.login("张某");
    assert!(leader.get(&format!("/cases/{lead}")).body.contains("提交批示"));
    let mut dept = Client::new(&server);
    dept.login("王某");
    assert!(dept.get(&format!("/cases/{co}")).body.contains("提交协办意见"));
    let all_rows = leader.get("/cases").body.matches("<tr").count();
    let city = leader.get("/cases?level=city");
    assert!(city.status == 200 && city.body.matches("<tr").count() < all_rows);
    let r = leader.get("/cases?level=nowhere");
    assert!(r.status == 422 && r.body.contains("未知层级"), "{}", r.status);
    // Nothing of a case out of its scope reaches the department: not its id, title or enterprise.
    for (what, body) in &bodies_of_department {
        for (id, title, enterprise, _) in &outside {
            for word in [id, title, enterprise].into_iter().filter(|w| w.chars().count() >= 4) {
                assert!(!body.contains(word.as_str()), "{what} shows the department {word:?} (case {id})");
            }
        }
    }
    assert_eq!(git(&repo, &["rev-parse", "HEAD"]), head, "previews and refusals commit nothing");
    assert!(git(&repo, &["status", "--porcelain"]).trim().is_empty(), "nor write anything");
}

/// Announces a form of `len` bytes and reads the answer before sending any of it: its status.
fn announced_post(server: &Server, path: &str, cookie: Option<&str>, len: usize) -> u16 {
    use std::io::{Read, Write};
    let addr = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr).expect("connects");
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: {}\r\n{cookie}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len}\r\n\r\n",
        server.base
    );
    stream.write_all(head.as_bytes()).expect("sends the head");
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10))).expect("timeout");
    let mut answer = [0u8; 64];
    let n = stream.read(&mut answer).expect("an answer before the body");
    let text = String::from_utf8_lossy(&answer[..n]);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[test]
fn each_defence_refuses_what_it_is_for() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    let case = "HZ-2026-0171";
    let mut dept = Client::new(&server);
    dept.login("王某");
    let page = dept.get(&format!("/cases/{case}"));
    let version = version_in(&page.body);

    // Every page forbids script, outside resources and framing.
    let csp = page.headers.iter().find(|(k, _)| k == "content-security-policy").map(|(_, v)| v.clone());
    let csp = csp.expect("a Content-Security-Policy");
    assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"), "{csp}");
    assert!(page.headers.iter().any(|(k, v)| k == "x-frame-options" && v == "DENY"));

    // A form posted from another site: refused by its Origin, even with the login's cookie and token.
    let token = dept.token.clone();
    let fields = [("token", token.as_str()), ("version", version.as_str()), ("date", AS_OF)];
    let r = dept.post_raw(&format!("/cases/{case}/ack"), &fields, Some("http://evil.example"));
    assert_eq!(r.status, 403, "{}", r.body);
    // With the right Origin but without the login's form token: refused.
    let origin = server.base.clone();
    let r = dept.post_raw(&format!("/cases/{case}/ack"), &[("version", &version), ("date", AS_OF)], Some(&origin));
    assert_eq!(r.status, 403, "{}", r.body);
    // Without a session: refused.
    let mut nobody = Client::new(&server);
    let r = nobody.post_raw(&format!("/cases/{case}/ack"), &fields, Some(&origin));
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(nobody.get("/cases").location.as_deref(), Some("/login"), "a page without a session goes to the login");

    // A 10 MB field: refused before it is read (the answer comes before the body is sent).
    let status = announced_post(&server, &format!("/cases/{case}/return"), dept.cookie.as_deref(), 10 << 20);
    assert_eq!(status, 413);
    // A long but bounded field: refused at its field.
    let long = "a".repeat(30_000);
    let r = dept.post(&format!("/cases/{case}/return"), &[("version", &version), ("reason", &long)]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("data-field=\"reason\""), "the error stands at its field");
    assert_eq!(git(&repo, &["rev-parse", "HEAD"]), head, "nothing refused was committed");

    // Script in every text field of a reply: written and shown as text, never as markup.
    let script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let r = dept.post(
        &format!("/cases/{case}/reply"),
        &[("version", &version), ("date", AS_OF), ("result", "resolved"), ("text", script)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = dept.get(&format!("/cases/{case}"));
    assert!(!page.body.contains("<script>") && !page.body.contains("<img src=x"), "script shown as markup");
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;") || page.body.contains("&lt;script&gt;"));

    // A form drawn before that reply is refused, with the case as it is now.
    let r = dept.post(&format!("/cases/{case}/note"), &[("version", &version), ("text", "旧页面上写的")]);
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("有了新的记录") && r.body.contains("答复"), "the case as it is now");

    // Logged out, the same cookie opens nothing.
    let cookie = dept.cookie.clone();
    dept.post("/logout", &[]);
    dept.cookie = cookie;
    let r = dept.post(&format!("/cases/{case}/note"), &[("version", &version_in(&page.body)), ("text", "退出后")]);
    assert_eq!(r.status, 403);
    assert_eq!(dept.get("/").location.as_deref(), Some("/login"));

    // Logins: a wrong password and an unknown name get the same answer; after five failures, a while of refusals.
    let mut guess = Client::new(&server);
    let wrong = guess.post_raw("/login", &[("user", "王某"), ("password", "wrong-password")], Some(&origin));
    let unknown = guess.post_raw("/login", &[("user", "无此人"), ("password", "wrong-password")], Some(&origin));
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert_eq!(wrong.body.replace("王某", ""), unknown.body.replace("无此人", ""), "no account enumeration");
    for _ in 0..4 {
        guess.post_raw("/login", &[("user", "王某"), ("password", "wrong-password")], Some(&origin));
    }
    let r = guess.post_raw("/login", &[("user", "王某"), ("password", "dept-pass-123")], Some(&origin));
    assert_eq!(r.status, 429, "the right password waits too once the limit is reached");
    // A colleague behind the same address is not locked out by it.
    let r = guess.post_raw("/login", &[("user", "李某"), ("password", "office-pass-1")], Some(&origin));
    assert_eq!(r.status, 303);
    let commits = git(&repo, &["rev-list", &format!("{head}..HEAD")]);
    assert_eq!(commits.lines().count(), 1, "one accepted form, one commit");
}

#[test]
fn a_server_refuses_to_listen_beyond_loopback_without_accounts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = demo_copy(dir.path());
    let run = qinqing(&repo, &["serve", "--listen", "0.0.0.0:0"]);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("qinqing user add"), "{}", run.stderr);
}

/// Every contact name and phone number the repository's case files hold.
fn personal_data(repo: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(repo.join("cases")).into_iter().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        for line in text.lines() {
            let line = line.trim();
            for key in ["contact:", "phone:"] {
                if let Some(v) = line.strip_prefix(key) {
                    let v = v.trim().trim_matches(|c| c == '"' || c == '\'').to_string();
                    if v.chars().count() >= 2 {
                        out.push(v);
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn a_leader_reads_no_contact_and_changes_made_outside_show_within_seconds() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    // The header names the account (张某 is also a contact in the demo): that is not a case's data.
    let personal: Vec<String> =
        personal_data(&repo).into_iter().filter(|p| !ACCOUNTS.iter().any(|a| a.0 == p)).collect();
    assert!(personal.len() >= 10, "the demo has contacts and phones: {personal:?}");
    let mut leader = Client::new(&server);
    leader.login("张某");
    let ids: Vec<String> = cases(&repo).into_iter().map(|c| c.0).collect();
    let mut pages = vec!["/".to_string(), "/cases".to_string(), "/meetings/HZ-M-2026-23".to_string()];
    pages.extend(ids.iter().map(|id| format!("/cases/{id}")));
    for path in &pages {
        let r = leader.get(path);
        assert_eq!(r.status, 200, "{path}");
        for p in &personal {
            assert!(!r.body.contains(p.as_str()), "the leader's {path} shows {p}");
        }
    }
    // The office sees the contact (it calls back).
    let mut office = Client::new(&server);
    office.login("李某");
    assert!(office.get("/cases/HZ-2026-0171").body.contains("13800000171"));

    // A command at a terminal, and a commit pulled from elsewhere: both on the pages within seconds.
    let run = qinqing(&repo, &["note", "HZ-2026-0131", "--text", "终端上记的备注", "--date", AS_OF]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let seen = |office: &mut Client, what: &str| {
        (0..100).any(|_| {
            let found = office.get("/cases/HZ-2026-0131").body.contains(what);
            if !found {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            found
        })
    };
    assert!(seen(&mut office, "终端上记的备注"), "a command's write is seen");
    let file = walkdir::WalkDir::new(repo.join("cases"))
        .into_iter()
        .flatten()
        .find(|e| e.file_name().to_string_lossy() == "HZ-2026-0131.yaml")
        .expect("the case file")
        .into_path();
    let mut text = std::fs::read_to_string(&file).expect("read");
    text.push_str("  - date: 2026-11-20\n    event: note\n    text: 同事推送的备注\n");
    std::fs::write(&file, text).expect("written by hand");
    git(&repo, &["-c", "user.name=同事", "-c", "user.email=c@example.org", "commit", "-qam", "同事的备注"]);
    assert!(seen(&mut office, "同事推送的备注"), "a pulled commit is seen");
}

#[test]
fn a_one_time_link_lets_the_liaison_set_a_password_once() {
    let (_dir, repo) = repository();
    let run = qinqing(&repo, &["user", "add", "赵某", "--role", "department", "--dept", "市商务局"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let at = run.stdout.find("/welcome/").expect("a link");
    let path = run.stdout[at..].trim().to_string();
    assert!(path.starts_with("/welcome/") && path.len() > 40, "{}", run.stdout);
    let server = serve(&repo);
    let mut c = Client::new(&server);
    assert_eq!(c.get(&path).status, 200);
    let origin = server.base.clone();
    let r = c.post_raw(&path, &[("password", "商务局联络员的密码1"), ("again", "商务局联络员的密码2")], Some(&origin));
    assert_eq!(r.status, 422, "two different passwords");
    let r = c.post_raw(&path, &[("password", "商务局联络员的密码1"), ("again", "商务局联络员的密码1")], Some(&origin));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(c.get(&path).status, 404, "the link works once");
    let r = c.post_raw("/login", &[("user", "赵某"), ("password", "商务局联络员的密码1")], Some(&origin));
    assert_eq!(r.status, 303, "the password set through the link opens the account");
    assert!(c.get("/").body.contains("市商务局的待办"));
}

#[test]
fn a_preview_says_what_the_write_will_do_and_writes_nothing() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    let mut dept = Client::new(&server);
    dept.login("王某");
    let page = dept.get("/cases/HZ-2026-0171");
    let version = version_in(&page.body);
    let fields = [("version", version.as_str()), ("result", "已解决"), ("text", "已办结"), ("preview", "1")];
    let r = dept.post("/cases/HZ-2026-0171/reply", &fields);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("停止「交办后两周内办理回复」时限（按时）"), "{}", r.body);
    assert!(r.body.contains("状态由「办理中」变为「待评价」"), "{}", r.body);
    assert!(r.body.contains("event: replied"), "the lines to be written");
    assert!(git(&repo, &["status", "--porcelain"]).is_empty(), "a preview writes nothing");
    // A date before the assignment: what the written entry would bring stands beside the date.
    let r = dept.post("/cases/HZ-2026-0171/note", &[("version", &version), ("date", "2026-11-01"), ("text", "补记")]);
    assert_eq!(r.status, 422, "{}", r.body);
    let at = r.body.find("data-field=\"date\"").expect("an error at the date");
    assert!(r.body[at..].contains("2026-11-01") || r.body[at..].contains("早于"), "{}", &r.body[at..at + 300]);
}

#[test]
fn the_office_views_drafts_before_it_issues_and_downloads_what_it_issued() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    let mut office = Client::new(&server);
    office.login("李某");
    office.get("/documents");
    let r = office.post("/documents/supervision", &[("case", "HZ-2026-0132"), ("draft", "1")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("已生成督办通知草稿"), "{}", r.body);
    let r = office.post("/documents/bulletin", &[("period", "2026-11"), ("draft", "1")]);
    assert!(r.body.contains("已生成通报草稿"), "{}", r.body);
    let links: Vec<String> = r
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|h| h.replace("&#x2F;", "/"))
        .filter(|h| h.starts_with("/documents/files/") && h.ends_with(".pdf"))
        .collect();
    assert_eq!(links.len(), 2, "a supervision and a bulletin draft: {links:?}");
    for link in &links {
        let file = office.get(link);
        assert_eq!(file.status, 200);
        assert!(file.body.starts_with("%PDF"), "{link} is a PDF");
    }
    assert_eq!(git(&repo, &["rev-parse", "HEAD"]), head, "a draft commits nothing");
    assert!(!repo.join("issued.yaml").exists(), "and takes no number");
    // A name that is not one of the listed files, and a path, are not found.
    assert_eq!(office.get("/documents/files/supervision/..%2F..%2Fqinqing.yaml").status, 404);
    assert_eq!(office.get("/documents/files/supervision/nothing.pdf").status, 404);
    // A bad date at its field.
    let r = office.post("/documents/supervision", &[("case", "HZ-2026-0132"), ("due", "明年")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("data-field=\"due\""), "{}", r.body);
    assert!(r.body.contains("value=\"HZ-2026-0132\" checked"), "the ticks are kept");
    // Issued: a number, recorded in the case, one commit by the account.
    let r = office.post("/documents/supervision", &[("case", "HZ-2026-0132")]);
    assert!(r.body.contains("已发督办通知") && r.body.contains("HZ-2026-0132"), "{}", r.body);
    let log = git(&repo, &["log", "-1", "--format=%an|%(trailers:key=Qinqing-Event,valueonly,separator=)"]);
    assert_eq!(log, "李某|supervised");
    let stat = git(&repo, &["show", "--stat", "--format=", "HEAD"]);
    assert!(
        stat.contains("issued.yaml") && stat.contains("HZ-2026-0132.yaml") && stat.contains("2 files changed"),
        "{stat}"
    );
}

#[test]
fn forms_posted_at_once_are_each_one_commit_of_exactly_their_own_step() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    // Cases open as of the date: the office notes on each; the department on its own.
    let open = ["HZ-2026-0131", "HZ-2026-0132", "HZ-2026-0133", "HZ-2026-0175", "HZ-2026-0161"];
    let mut threads = Vec::new();
    for (k, case) in open.iter().enumerate() {
        let mut office = Client::new(&server);
        office.login("李某");
        let case = case.to_string();
        threads.push(std::thread::spawn(move || {
            let version = version_in(&office.get(&format!("/cases/{case}")).body);
            let text = format!("并发备注-{k}");
            let r = office.post(&format!("/cases/{case}/note"), &[("version", &version), ("text", &text)]);
            (r.status, case, text, "李某")
        }));
    }
    let mut dept = Client::new(&server);
    dept.login("王某");
    threads.push(std::thread::spawn(move || {
        let version = version_in(&dept.get("/cases/HZ-2026-0171").body);
        let r = dept.post("/cases/HZ-2026-0171/note", &[("version", &version), ("text", "部门的并发备注")]);
        (r.status, "HZ-2026-0171".to_string(), "部门的并发备注".to_string(), "王某")
    }));
    let done: Vec<_> = threads.into_iter().map(|t| t.join().expect("a client")).collect();
    assert!(done.iter().all(|d| d.0 == 303), "{done:?}");
    let commits = git(&repo, &["rev-list", "--reverse", &format!("{head}..HEAD")]);
    assert_eq!(commits.lines().count(), done.len(), "one commit per form");
    for commit in commits.lines() {
        let author = git(&repo, &["log", "-1", "--format=%an", commit]);
        let diff = git(&repo, &["-c", "core.quotePath=false", "show", "--format=", "--unified=0", commit]);
        let added: Vec<&str> = diff.lines().filter(|l| l.starts_with('+') && !l.starts_with("+++")).collect();
        let ours = done.iter().find(|d| diff.contains(&format!("{}.yaml", d.1))).expect("a form's case");
        assert_eq!(author, ours.3, "{commit}");
        assert!(added.iter().any(|l| l.contains(&ours.2)), "{commit} adds its own note: {diff}");
        assert!(!done.iter().any(|d| d.2 != ours.2 && diff.contains(&d.2)), "{commit} holds another form's step");
    }
    let audit = qinqing(&repo, &["audit", &format!("{head}..HEAD")]);
    assert_eq!(audit.code, 0, "{}", audit.stdout);
    assert!(git(&repo, &["status", "--porcelain", "--untracked-files=no"]).is_empty());
}

#[test]
fn a_department_asks_for_more_time_and_the_office_sees_the_request() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    let mut dept = Client::new(&server);
    dept.login("王某");
    let page = dept.get("/cases/HZ-2026-0171");
    assert!(page.body.contains("id=\"step-request-extension\""), "the lead may ask for more time");
    let version = version_in(&page.body);
    let fields = [("version", version.as_str()), ("due", "2026-12-31"), ("reason", "需协调交警部门")];
    let r = dept.post("/cases/HZ-2026-0171/request-extension", &fields);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        git(&repo, &["log", "-1", "--format=%(trailers:key=Qinqing-Event,valueonly,separator=)"]),
        "extension_requested"
    );
    let mut office = Client::new(&server);
    office.login("李某");
    let home = office.get("/");
    let at = home.body.find("延期申请").expect("the office's day lists requests");
    assert!(home.body[at..].contains("HZ-2026-0171"), "the request is listed");
    // Approved with an extension: no longer waiting.
    let page = office.get("/cases/HZ-2026-0171");
    let version = version_in(&page.body);
    let fields = [("version", version.as_str()), ("rule", "reply"), ("due", "2026-12-31"), ("reason", "同意")];
    assert_eq!(office.post("/cases/HZ-2026-0171/extend", &fields).status, 303);
    let home = office.get("/");
    let at = home.body.find("延期申请").expect("the group");
    let group = &home.body[at..at + home.body[at..].find("</section>").expect("its end")];
    assert!(!group.contains("HZ-2026-0171"), "{group}");
    assert_eq!(qinqing(&repo, &["audit", "HEAD~2..HEAD"]).code, 0);
}

#[test]
fn a_liaisons_day_holds_together() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    let mut dept = Client::new(&server);
    dept.login("王某");
    // A date after today: not recorded.
    let version = version_in(&dept.get("/cases/HZ-2026-0171").body);
    let r = dept.post("/cases/HZ-2026-0171/note", &[("version", &version), ("date", "2026-12-01"), ("text", "x")]);
    assert!(r.status == 422 && r.body.contains("data-field=\"date\""), "{}", r.status);
    // A note says whose words it is.
    let r = dept.post("/cases/HZ-2026-0171/note", &[("version", &version), ("text", "已电话联系企业")]);
    assert_eq!(r.status, 303);
    assert!(dept.get("/cases/HZ-2026-0171").body.contains("市交通运输局：已电话联系企业"));
    // Sent back: on the start page under 已退回 until the office assigns it again.
    let version = version_in(&dept.get("/cases/HZ-2026-0171").body);
    let r = dept.post("/cases/HZ-2026-0171/return", &[("version", &version), ("reason", "属住建部门职责")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let home = dept.get("/").body;
    let at = home.find("id=\"returned\"").expect("the group");
    assert!(home[at..].split("</section>").next().unwrap_or_default().contains("HZ-2026-0171"), "listed as sent back");
    // Someone editing the file at a terminal: the web write would carry those lines, so it waits.
    let mut office = Client::new(&server);
    office.login("李某");
    let page = office.get("/cases/HZ-2026-0131");
    let file = walkdir::WalkDir::new(repo.join("cases"))
        .into_iter()
        .flatten()
        .find(|e| e.file_name().to_string_lossy() == "HZ-2026-0131.yaml")
        .expect("the file")
        .into_path();
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replacen("title: ", "title: 改过的", 1)).expect("edited at a terminal");
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let page = office.get("/cases/HZ-2026-0131").body.replace(&page.body[..0], "");
    let r = office.post("/cases/HZ-2026-0131/note", &[("version", &version_in(&page)), ("text", "网页上的备注")]);
    assert_eq!(r.status, 409, "{}", r.status);
    assert!(r.body.contains("尚未提交的改动"), "says why");
    assert!(!git(&repo, &["log", "-1", "--format=%B"]).contains("网页上的备注"));
    // A leader's note is an instruction, with the leader's name.
    let mut leader = Client::new(&server);
    leader.login("张某");
    let version = version_in(&leader.get("/cases/HZ-2026-0175").body);
    assert_eq!(leader.post("/cases/HZ-2026-0175/note", &[("version", &version), ("text", "抓紧办理")]).status, 303);
    // (The office reads it as written; 张某 is also a contact's name in the demo, masked on a leader's pages.)
    assert!(office.get("/cases/HZ-2026-0175").body.contains("批示（张某）：抓紧办理"));
}

#[test]
fn an_assignment_is_made_once_and_a_disabled_account_is_logged_out() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    let mut office = Client::new(&server);
    office.login("李某");
    let page = office.get("/meetings/HZ-M-2026-25");
    assert_eq!(page.status, 200);
    let r = office.post("/meetings/HZ-M-2026-25/assign", &[("case", "HZ-2026-0161"), ("lead", "市市场监督管理局")]);
    assert_eq!(r.status, 303, "answered with a redirect: {}", r.body);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    // The same form again (a reload, a page drawn before): nothing assigned twice.
    let r = office.post("/meetings/HZ-M-2026-25/assign", &[("case", "HZ-2026-0161"), ("lead", "市市场监督管理局")]);
    assert!(r.status == 422 && r.body.contains("已经交办"), "{}", r.status);
    // A case of another meeting: refused too.
    let r = office.post("/meetings/HZ-M-2026-25/assign", &[("case", "HZ-2026-0131"), ("lead", "市市场监督管理局")]);
    assert_eq!(r.status, 422);
    assert_eq!(git(&repo, &["rev-parse", "HEAD"]), head);
    // Disabled at the terminal: the open login ends at once.
    let mut dept = Client::new(&server);
    dept.login("王某");
    assert_eq!(qinqing(&repo, &["user", "disable", "王某"]).code, 0);
    assert_eq!(dept.get("/").location.as_deref(), Some("/login"));
}

#[test]
fn the_servers_own_commits_hide_neither_a_pull_nor_the_next_write() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    let mut office = Client::new(&server);
    office.login("李某");
    // A case committed elsewhere (a pull), then at once a form: the case still shows within seconds.
    // Written by hand, as a pull writes it: no command of qinqing's, so only HEAD tells.
    let id = "HZ-2026-0190".to_string();
    let text =
        "id: HZ-2026-0190\ntitle: 拉取来的案件\nreceived: 2026-11-19\nchannel: hotline\nenterprise:\n  name: 某公司\n";
    std::fs::write(repo.join("cases/2026/HZ-2026-0190.yaml"), text).expect("written");
    git(&repo, &["add", "-A", "cases"]);
    git(&repo, &["-c", "user.name=同事", "-c", "user.email=c@x", "commit", "-qm", "同事新建的案件"]);
    let version = version_in(&office.get("/cases/HZ-2026-0131").body);
    assert_eq!(office.post("/cases/HZ-2026-0131/note", &[("version", &version), ("text", "第一笔")]).status, 303);
    // …and a second step on the same case right after the first: the first's queued commit is no one's stray edit.
    let version = version_in(&office.get("/cases/HZ-2026-0131").body);
    let r = office.post("/cases/HZ-2026-0131/note", &[("version", &version), ("text", "第二笔")]);
    assert_eq!(r.status, 303, "{}", &r.body[..r.body.len().min(500)]);
    let seen = (0..60).any(|_| {
        let found = office.get(&format!("/cases/{id}")).status == 200;
        if !found {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        found
    });
    assert!(seen, "the pulled case is read although the server committed right after it");
    // Ids a department may not see are not repeated back to it.
    let mut dept = Client::new(&server);
    dept.login("王某");
    let r = dept.get("/meetings/HZ-M-2026-23?assigned=HZ-2026-0131");
    assert!(!r.body.contains("HZ-2026-0131"));
    let r = dept.get("/cases?meeting=HZ-M-2026-2");
    assert!(!r.body.contains("是否为"), "no hint drawn from meetings it has no case in");
}

#[test]
fn an_enterprise_follows_its_case_with_its_code_and_rates_the_answer() {
    let (_dir, repo) = repository();
    let codes = qinqing(&repo, &["receipt", "code", "HZ-2026-0133"]);
    assert_eq!(codes.code, 0, "{}", codes.stderr);
    let code = codes.stdout.split_whitespace().nth(1).expect("a code").to_string();
    let server = serve(&repo);
    let head = git(&repo, &["rev-parse", "HEAD"]);
    let mut firm = Client::new(&server);
    let page = firm.get(&format!("/r/{code}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("HZ-2026-0133") && page.body.contains("评价这次答复"), "{}", page.body);
    for p in personal_data(&repo) {
        assert!(!page.body.contains(p.as_str()), "the enterprise's page shows {p}");
    }
    // A link opened by a chat app rates nothing; another site's form is refused.
    assert_ne!(firm.get(&format!("/r/{code}/rate?rating=satisfied")).status, 200);
    let origin = server.base.clone();
    let rate = format!("/r/{code}/rate");
    let r = firm.post_raw(&rate, &[("rating", "satisfied")], Some("http://evil.example"));
    assert_eq!(r.status, 403);
    let r = firm.post_raw(&format!("/r/{code}/answer"), &[("text", "x")], Some("http://evil.example"));
    assert_eq!(r.status, 403);
    // A control character pasted into the comment: refused at its field, as a command refuses it.
    let r = firm.post_raw(&rate, &[("rating", "unsatisfied"), ("comment", "响铃\u{7}")], Some(&origin));
    assert!(r.status == 422 && r.body.contains("data-field=\"comment\""), "{}", r.status);
    // A 30,000-character comment: refused at its field.
    let long = "a".repeat(30_000);
    let r = firm.post_raw(&rate, &[("rating", "unsatisfied"), ("comment", &long)], Some(&origin));
    assert!(r.status == 422 && r.body.contains("data-field=\"comment\""), "{}", r.status);
    // 不满意 asks why.
    let r = firm.post_raw(&rate, &[("rating", "unsatisfied")], Some(&origin));
    assert!(r.status == 422 && r.body.contains("data-field=\"comment\""), "{}", r.status);
    assert_eq!(git(&repo, &["rev-parse", "HEAD"]), head, "nothing recorded yet");
    let r = firm.post_raw(&rate, &[("rating", "unsatisfied"), ("comment", "消防验收仍要排队")], Some(&origin));
    assert_eq!(r.status, 303, "{}", r.body);
    let log = git(&repo, &["log", "-1", "--format=%(trailers:key=Qinqing-Role,valueonly,separator=)|%(trailers:key=Qinqing-Event,valueonly,separator=)"]);
    assert_eq!(log, "enterprise|evaluated");
    assert!(git(&repo, &["show", "HEAD"]).contains("via: web"), "the channel it came by");
    assert_eq!(qinqing(&repo, &["audit", &format!("{head}..HEAD")]).code, 0);
    // Unsatisfied: the case is handled again; the same answer is not rated twice.
    assert!(firm.get(&format!("/r/{code}")).body.contains("重办中"));
    let r = firm.post_raw(&rate, &[("rating", "satisfied")], Some(&origin));
    assert_eq!(r.status, 422, "rated once");
    // The office asks before its next reply (预回访); the enterprise answers on its page, once.
    let asked = qinqing(
        &repo,
        &[
            "pre-visit",
            "HZ-2026-0133",
            "--by",
            "营商办",
            "--question",
            "拟于12月底前完成验收，是否认可？",
            "--date",
            AS_OF,
        ],
    );
    assert_eq!(asked.code, 0, "{}", asked.stderr);
    git(&repo, &["-c", "user.name=营商办", "-c", "user.email=o@x", "commit", "-qam", "预回访"]);
    let before = git(&repo, &["rev-parse", "HEAD"]);
    let seen = (0..60).any(|_| {
        let page = firm.get(&format!("/r/{code}")).body;
        let found = page.contains("是否认可") && page.contains("id=\"answer\"");
        if !found {
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        found
    });
    assert!(seen, "the question is on the enterprise's page");
    let answer = format!("/r/{code}/answer");
    assert_eq!(firm.post_raw(&answer, &[("text", "  ")], Some(&origin)).status, 422, "an empty answer");
    let r = firm.post_raw(&answer, &[("text", "认可，请按期完成")], Some(&origin));
    let at = r.body.find("data-field=\"answer\"").unwrap_or(0);
    assert_eq!(r.status, 303, "{}", &r.body[at..(at + 300).min(r.body.len())]);
    assert!(git(&repo, &["show", "HEAD"]).contains("认可，请按期完成"));
    assert_eq!(qinqing(&repo, &["audit", &format!("{before}..HEAD")]).code, 0);
    assert_eq!(firm.post_raw(&answer, &[("text", "再说一次")], Some(&origin)).status, 422, "answered once");
    // A wrong code and a revoked one look the same; guessing is slowed down.
    let wrong = firm.get("/r/ABCD-EFGH-JKLM");
    assert_eq!(wrong.status, 404);
    // Rotating asks first: a script must say --yes.
    let unsure = qinqing(&repo, &["receipt", "rotate"]);
    assert!(unsure.code != 0 && unsure.stderr.contains("--yes"), "{}", unsure.stderr);
    assert_eq!(firm.get(&format!("/r/{code}")).status, 200, "nothing rotated");
    assert_eq!(qinqing(&repo, &["receipt", "rotate", "--yes"]).code, 0);
    let revoked = firm.get(&format!("/r/{code}"));
    assert_eq!((revoked.status, revoked.body.clone()), (404, wrong.body));
    let statuses: Vec<u16> = (0..12).map(|i| firm.get(&format!("/r/ABCD-EFGH-{i:04}")).status).collect();
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[test]
fn each_code_opens_its_own_case_and_no_public_page_shows_personal_data() {
    let (_dir, repo) = repository();
    let all = cases(&repo);
    let ids: Vec<&str> = all.iter().map(|c| c.0.as_str()).collect();
    let mut args = vec!["receipt", "code"];
    args.extend(ids.iter().copied());
    let run = qinqing(&repo, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let codes: Vec<(String, String)> = run
        .stdout
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.to_string()))
        })
        .collect();
    assert_eq!(codes.len(), all.len());
    let personal: Vec<String> = personal_data(&repo);
    let server = serve(&repo);
    let mut anyone = Client::new(&server);
    let mut pages = vec![anyone.get("/login").body, anyone.get("/welcome/0123456789abcdef").body];
    for (id, code) in &codes {
        let page = anyone.get(&format!("/r/{code}"));
        assert_eq!(page.status, 200, "{id}");
        // Its own case, and no other's title.
        assert!(page.body.contains(id.as_str()), "{id}");
        for (other, title, _, _) in &all {
            if other != id && title.chars().count() >= 6 {
                assert!(!page.body.contains(title.as_str()), "{id}'s page shows {other}'s title");
            }
        }
        pages.push(page.body);
    }
    for body in &pages {
        for p in &personal {
            assert!(!body.contains(p.as_str()), "a public page shows {p}");
        }
        assert!(!body.contains("330501198512240019") && !body.contains("13800000171"));
    }
}

/// The files of one extension under a folder, sorted.
fn files_in(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == ext)).collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn a_receipts_qr_code_opens_the_page_that_shows_the_same_code() {
    use crate::common::tool;
    let (dir, repo) = repository();
    let out = dir.path().join("receipts");
    let made = qinqing(
        &repo,
        &["render", "receipt", "--meeting", "HZ-M-2026-23", "--as-of", AS_OF, "--out", out.to_str().expect("utf-8")],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let pdfs = files_in(&out, "pdf");
    assert_eq!(pdfs.len(), 5, "one receipt per problem of the meeting");
    let pdf = pdfs.iter().find(|p| p.to_string_lossy().contains("HZ-2026-0133")).expect("HZ-2026-0133's receipt");
    // The QR code, read off the printed page by an independent decoder (zbar), is the page's address.
    let png = dir.path().join("receipt");
    tool(
        "pdftoppm",
        &["-r", "150", "-png", "-f", "1", "-l", "1", pdf.to_str().expect("utf-8"), png.to_str().expect("utf-8")],
    );
    let page_png = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("receipt-")))
        .expect("the page's picture");
    let decoded =
        String::from_utf8(tool("zbarimg", &["-q", "--raw", page_png.to_str().expect("utf-8")])).expect("text");
    let address = decoded.trim();
    let code = address.strip_prefix("https://qinqing.huzhou.example/r/").expect("the served address of qinqing.yaml");
    // The office's command gives the same code for the case.
    let listed = qinqing(&repo, &["receipt", "code", "HZ-2026-0133"]);
    assert!(listed.stdout.contains(&format!("HZ-2026-0133  {code}  {address}")), "{}", listed.stdout);
    // The code and its address are printed as text, in every format.
    let text = String::from_utf8(tool("pdftotext", &[pdf.to_str().expect("utf-8"), "-"])).expect("text");
    assert!(text.contains(code) && text.contains(address), "{text}");
    assert!(!text.contains("草稿"), "a receipt is handed out as it is");
    let stem = pdf.with_extension("");
    for ext in ["md", "html"] {
        let body = std::fs::read_to_string(stem.with_extension(ext)).expect("the receipt");
        assert!(body.contains(code) && body.contains(address), "{ext}: {body}");
    }
    let docx = stem.with_extension("docx");
    let xml =
        String::from_utf8(tool("unzip", &["-p", docx.to_str().expect("utf-8"), "word/document.xml"])).expect("xml");
    assert!(xml.contains(code) && xml.contains(address));
    assert!(
        tool("unzip", &["-l", docx.to_str().expect("utf-8")]).windows(4).any(|w| w == b".png"),
        "the QR code in Word"
    );
    // Made from the published ledger: no contact or phone of any enterprise.
    for p in personal_data(&repo) {
        assert!(!text.contains(p.as_str()), "the receipt shows {p}");
    }
    // The address opens the case's page, which shows the same code.
    let server = serve(&repo);
    let page = Client::new(&server).get(&format!("/r/{code}"));
    assert_eq!(page.status, 200);
    assert!(page.body.contains("HZ-2026-0133") && page.body.contains(&format!("回执码 {code}")), "{}", page.body);
    // What a receipt says is true of the case now: one closed at its meeting promises no assignment.
    let closed = dir.path().join("closed");
    let out = closed.to_str().expect("utf-8");
    let made = qinqing(
        &repo,
        &["render", "receipt", "--case", "HZ-2026-0106", "--format", "md", "--as-of", AS_OF, "--out", out],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let md = std::fs::read_to_string(&files_in(&closed, "md")[0]).expect("the receipt");
    assert!(md.contains("该问题已办结") && !md.contains("交办") && !md.contains("将按规定"), "{md}");
    // One sent back is not said to be handled by the unit that returned it; what assignment will start is listed.
    let back = qinqing(
        &repo,
        &["return", "HZ-2026-0174", "--by", "市人力资源和社会保障局", "--reason", "不属本单位职责", "--date", AS_OF],
    );
    assert_eq!(back.code, 0, "{}", back.stderr);
    let returned = dir.path().join("returned");
    let out = returned.to_str().expect("utf-8");
    let made = qinqing(
        &repo,
        &["render", "receipt", "--case", "HZ-2026-0174", "--format", "md", "--as-of", AS_OF, "--out", out],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let md = std::fs::read_to_string(&files_in(&returned, "md")[0]).expect("the receipt");
    assert!(md.contains("退回") && md.contains("重新交办") && md.contains("自交办之日起算"), "{md}");
    assert!(!md.contains("牵头办理"), "{md}");
    // `--state` names the folder whose secret the codes come from.
    let state = dir.path().join("other-state");
    let state_arg = state.to_str().expect("utf-8");
    assert_eq!(qinqing(&repo, &["receipt", "rotate", "--state", state_arg]).code, 0);
    let other = qinqing(&repo, &["receipt", "code", "HZ-2026-0133", "--state", state_arg]);
    let other_code = other.stdout.split_whitespace().nth(1).expect("a code").to_string();
    assert_ne!(other_code, code);
    let elsewhere = dir.path().join("elsewhere");
    let out = elsewhere.to_str().expect("utf-8");
    let made = qinqing(
        &repo,
        &["render", "receipt", "--case", "HZ-2026-0133", "--format", "md", "--state", state_arg, "--out", out],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let md = std::fs::read_to_string(&files_in(&elsewhere, "md")[0]).expect("the receipt");
    assert!(md.contains(&other_code) && !md.contains(code), "{md}");
    // A receipt is never numbered nor issued.
    let issued = qinqing(&repo, &["render", "receipt", "--case", "HZ-2026-0133", "--issue"]);
    assert!(issued.code != 0 && issued.stderr.contains("--issue"), "{}", issued.stderr);
}

#[test]
fn ten_thousand_guessed_codes_find_no_case_and_are_slowed_down() {
    let (_dir, repo) = repository();
    let server = serve(&repo);
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    // Codes of the real alphabet and length, from a fixed seed (a run is repeatable).
    let mut seed: u64 = 0x2026_1206;
    let mut guess = || {
        let code: String = (0..12)
            .map(|_| {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                ALPHABET[(seed >> 59) as usize % ALPHABET.len()] as char
            })
            .collect();
        format!("{}-{}-{}", &code[..4], &code[4..8], &code[8..])
    };
    let guesses: Vec<String> = (0..10_000).map(|_| guess()).collect();
    let base = server.base.clone();
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let runs: Vec<_> = guesses
            .chunks(2_500)
            .map(|chunk| {
                let base = base.clone();
                s.spawn(move || {
                    let agent: ureq::Agent =
                        ureq::Agent::config_builder().max_redirects(0).http_status_as_error(false).build().into();
                    chunk
                        .iter()
                        .map(|c| agent.get(format!("{base}/r/{c}")).call().map(|r| r.status().as_u16()).unwrap_or(0))
                        .collect::<Vec<u16>>()
                })
            })
            .collect();
        runs.into_iter().flat_map(|r| r.join().expect("a thread")).collect()
    });
    assert!(!statuses.contains(&200), "a guessed code opened a case");
    // Ten misses in ten minutes, then every lookup from the address waits.
    assert_eq!(statuses.iter().filter(|s| **s == 404).count(), 10, "{:?}", &statuses[..20]);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 9_990);
    // The real code waits too, from that address: the limit is the address's, not the code's.
    let code =
        qinqing(&repo, &["receipt", "code", "HZ-2026-0131"]).stdout.split_whitespace().nth(1).map(str::to_string);
    assert_eq!(Client::new(&server).get(&format!("/r/{}", code.expect("a code"))).status, 429);
}
