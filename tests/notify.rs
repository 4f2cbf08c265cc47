//! `qinqing notify --send` against real receivers on the loopback interface,
//! started by the test: an HTTP server that records every request (and checks
//! DingTalk's signature), and a real SMTP server (Python's aiosmtpd), with
//! failures injected — a 500 then success, a receiver that never answers in
//! time, a refused connection.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use common::demo_copy;
use hmac::{Hmac, Mac};
use sha2::Sha256;

const SECRET: &str = "SECtest0123456789";

#[derive(Debug, Clone)]
struct Received {
    path: String,
    body: String,
    /// When the request came and when it was answered.
    span: (std::time::Instant, std::time::Instant),
}

/// An HTTP receiver: `/ok` answers errcode 0, `/flaky` fails its first request with a 500,
/// `/slow` answers after two seconds, `/ding` checks DingTalk's signature.
fn http_receiver() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log: Arc<Mutex<Vec<Received>>> = Arc::default();
    let seen = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || answer(stream, &seen));
        }
    });
    (port, log)
}

fn answer(mut stream: TcpStream, seen: &Mutex<Vec<Received>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body).to_string();
    let came = std::time::Instant::now();
    // Recorded as it comes (a client that gives up still counts), its end set when answered.
    let (earlier, at) = {
        let mut s = seen.lock().unwrap();
        let n = s.iter().filter(|r| r.path.split('?').next() == path.split('?').next()).count();
        s.push(Received { path: path.clone(), body: body.clone(), span: (came, came) });
        (n, s.len() - 1)
    };
    let (status, reply) = if path.starts_with("/redirect") {
        // To another place: a follower would GET it without the message and count its 200.
        let elsewhere = format!("http://{}/ok?landed=1", stream.local_addr().unwrap());
        let _ = write!(
            stream,
            "HTTP/1.1 302 Found\r\nLocation: {elsewhere}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        return;
    } else if path.starts_with("/echo") {
        ("400 Bad Request", format!("bad request for {path}"))
    } else if path.starts_with("/flaky") && earlier == 0 {
        ("500 Internal Server Error", r#"{"errcode":-1,"errmsg":"busy"}"#.to_string())
    } else if path.starts_with("/slow") {
        std::thread::sleep(Duration::from_secs(2));
        ("200 OK", r#"{"code":0}"#.to_string())
    } else if path.starts_with("/ding") {
        if dingtalk_signed(&path) {
            ("200 OK", r#"{"errcode":0,"errmsg":"ok"}"#.to_string())
        } else {
            ("200 OK", r#"{"errcode":310000,"errmsg":"sign not match"}"#.to_string())
        }
    } else {
        ("200 OK", r#"{"errcode":0,"errmsg":"ok"}"#.to_string())
    };
    seen.lock().unwrap()[at].span.1 = std::time::Instant::now();
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
        reply.len()
    );
}

/// DingTalk's check: sign = urlencode(base64(HmacSHA256(secret, "timestamp\nsecret"))).
fn dingtalk_signed(path: &str) -> bool {
    let query = path.split_once('?').map_or("", |(_, q)| q);
    let param = |k: &str| query.split('&').find_map(|p| p.strip_prefix(&format!("{k}="))).unwrap_or("");
    let (timestamp, sign) = (param("timestamp"), param("sign"));
    let mut mac = Hmac::<Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{timestamp}\n{SECRET}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let decoded = sign.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=");
    !timestamp.is_empty() && decoded == expected
}

/// A free port nothing listens on.
fn refused_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A real SMTP server (aiosmtpd) writing every message it accepts into a maildir.
struct Smtp {
    child: Child,
    port: u16,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_server(maildir: &Path) -> Smtp {
    let port = refused_port();
    let mut child = Command::new("/usr/bin/python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("aiosmtpd (python3-aiosmtpd) runs");
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Smtp { child, port };
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the SMTP server did not start");
}

fn mails(maildir: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(maildir.join("new")) else { return Vec::new() };
    dir.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap()).collect()
}

/// The demo's settings without its own `notify:` section, which the tests replace.
fn without_notify(settings: &str) -> String {
    let at = settings.find("\nnotify:").map_or(settings.len(), |i| i + 1);
    settings[..at].to_string()
}

fn notify(repo: &Path, env: &[(&str, String)]) -> common::Run {
    notify_with(repo, &[], env)
}

/// `qinqing notify --send` as of the demo's date, with more flags.
fn notify_with(repo: &Path, flags: &[&str], env: &[(&str, String)]) -> common::Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qinqing"));
    cmd.arg("--repo").arg(repo).args(["notify", "--send", "--as-of", "2026-11-20"]).args(flags);
    cmd.env("NO_COLOR", "1").env("QINQING_NOTIFY_PAUSE_MS", "20").env("QINQING_NOTIFY_TIMEOUT_MS", "500");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    common::Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap_or(-1),
    }
}

#[test]
fn each_recipient_gets_one_digest_failures_are_retried_and_reported_and_a_second_run_sends_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let maildir = tmp.path().join("mail");
    let smtp = smtp_server(&maildir);
    let (port, received) = http_receiver();
    let settings = without_notify(&std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap());
    let config = format!(
        "{settings}notify:
  default:
    wecom: {{ url_env: QQ_WECOM }}
  office:
    email: {{ to: [yingshang@example.org] }}
  departments:
    供电公司: {{ dingtalk: {{ url_env: QQ_DING, secret_env: QQ_DING_SECRET }} }}
    市商务局: {{ webhook: {{ url_env: QQ_FLAKY }} }}
    市自然资源和规划局: {{ feishu: {{ url_env: QQ_SLOW }} }}
    市交通运输局: {{ wecom: {{ url_env: QQ_REFUSED }} }}
  smtp: {{ host: 127.0.0.1, port: {}, security: none, from: qinqing@example.org }}
",
        smtp.port
    );
    std::fs::write(repo.join("qinqing.yaml"), config).unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("QQ_WECOM", format!("{base}/ok?key=abc")),
        ("QQ_DING", format!("{base}/ding?access_token=t")),
        ("QQ_DING_SECRET", SECRET.to_string()),
        ("QQ_FLAKY", format!("{base}/flaky")),
        ("QQ_SLOW", format!("{base}/slow")),
        ("QQ_REFUSED", format!("http://127.0.0.1:{}/x", refused_port())),
    ];
    let run = notify(&repo, &env);
    assert_eq!(run.code, 1, "two recipients were not reached: {}", run.stderr);
    let calls = |prefix: &str| {
        received.lock().unwrap().iter().filter(|r| r.path.starts_with(prefix)).cloned().collect::<Vec<_>>()
    };
    // Exactly one digest each where delivery worked: the signed DingTalk robot, the default robot, the mail.
    let ding = calls("/ding");
    assert_eq!(ding.len(), 1, "{ding:?}");
    assert!(dingtalk_signed(&ding[0].path));
    assert!(ding[0].body.contains("国网湖州供电公司") && ding[0].body.contains("已超期"), "{}", ding[0].body);
    assert_eq!(calls("/ok").len(), 1, "市住房和城乡建设局 by the default channel");
    // A 500 is retried: two requests, one digest delivered, with its items as data.
    let flaky = calls("/flaky");
    assert_eq!(flaky.len(), 2);
    let webhook: serde_json::Value = serde_json::from_str(&flaky[1].body).unwrap();
    assert_eq!(webhook["recipient"], "市商务局");
    assert_eq!(webhook["items"][0]["case"], "HZ-2026-0175");
    // A receiver that never answers in time is tried three times and reported; so is a refused connection.
    assert_eq!(calls("/slow").len(), 3);
    assert!(run.stderr.contains("发送失败：市自然资源和规划局（飞书），试了3次"), "{}", run.stderr);
    assert!(run.stderr.contains("发送失败：市交通运输局（企业微信），试了3次"), "{}", run.stderr);
    let mail = mails(&maildir);
    assert_eq!(mail.len(), 1, "the office's digest by mail");
    assert!(mail[0].contains("To: yingshang@example.org"), "{}", mail[0]);
    // No contact or phone in anything sent.
    let everything: String = received.lock().unwrap().iter().map(|r| r.body.clone()).chain(mail.clone()).collect();
    for secret in ["周某", "13800000131", "139 0572 0131"] {
        assert!(!everything.contains(secret), "{secret} was sent");
    }

    // The same day again: what was delivered is not sent again; what failed is tried again.
    let again = notify(&repo, &env);
    assert_eq!(again.code, 1);
    assert_eq!(calls("/ding").len(), 1);
    assert_eq!(calls("/ok").len(), 1);
    assert_eq!(calls("/flaky").len(), 2);
    assert_eq!(mails(&maildir).len(), 1);
    assert_eq!(calls("/slow").len(), 6);
    assert!(again.stderr.contains("今天已发过 4"), "{}", again.stderr);

    // A damaged record is set aside with a word, not trusted in part: today's reminders go again.
    std::fs::write(repo.join(".qinqing-cache/notify-sent.json"), "{\"version\": 1, \"sent\": [ {").unwrap();
    let damaged = notify(&repo, &env);
    assert!(damaged.stderr.contains("发送记录") && damaged.stderr.contains("已损坏"), "{}", damaged.stderr);
    assert_eq!(calls("/ding").len(), 2);
}

#[test]
fn without_send_outside_ci_it_only_shows_what_it_would_send() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let settings = without_notify(&std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap());
    std::fs::write(
        repo.join("qinqing.yaml"),
        format!("{settings}notify:\n  default:\n    wecom: {{ url_env: QQ_NOWHERE }}\n"),
    )
    .unwrap();
    // Outside CI (whatever the machine running the tests says).
    let out = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(&repo)
        .args(["notify", "--as-of", "2026-11-20"])
        .env_remove("CI")
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap());
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("→ 市商务局（企业微信）"), "{stdout}");
    assert!(stderr.contains("预览：未发送"));
    // In CI the default is to send; --dry-run keeps it a preview there too.
    let ci = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(&repo)
        .args(["notify", "--as-of", "2026-11-20"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(ci.status.code(), Some(1), "sending, and the robot's address is not set");
    let said = String::from_utf8_lossy(&ci.stderr);
    assert!(said.contains("环境变量 QQ_NOWHERE 未设置"), "{said}");
    assert!(said.contains("试了1次"), "a missing setting is not tried again: {said}");
    let _ = std::fs::remove_file(repo.join(".qinqing-cache/notify-sent.json"));
    let preview = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(&repo)
        .args(["notify", "--as-of", "2026-11-20", "--dry-run"])
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(preview.status.code(), Some(0));
    assert!(!repo.join(".qinqing-cache/notify-sent.json").exists(), "a preview records nothing");
}

#[test]
fn the_readme_shows_what_the_demo_sends_on_2026_11_20() {
    let out = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(common::root())
        .args(["notify", "--as-of", "2026-11-20"])
        .env_remove("CI")
        .output()
        .unwrap();
    let preview = String::from_utf8(out.stdout).unwrap();
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let shown: Vec<&str> = preview.lines().take(14).collect();
    assert!(readme.contains(&shown.join("\n")), "README's notify example is stale:\n{}", shown.join("\n"));
    // Every department with a clock to act on gets one, and the office its own with the overall count.
    for who in ["国网湖州供电公司（钉钉）", "市商务局（企业微信）", "湖州市营商办（邮件）"]
    {
        assert!(preview.contains(&format!("→ {who}")), "{preview}");
    }
    assert!(preview.contains("各部门超期：国网湖州供电公司2项、市商务局2项、市自然资源和规划局1项。"));
}

/// A redirect is not followed (the message would be lost and counted as sent), a receiver that
/// echoes the address never makes qinqing print the robot's key, and recipients are sent to
/// at the same time (the slow receiver's requests overlap).
#[test]
fn redirects_are_failures_secrets_are_never_printed_and_recipients_go_out_together() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let (port, received) = http_receiver();
    let settings = without_notify(&std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap());
    let config = format!(
        "{settings}notify:
  default:
    wecom: {{ url_env: QQ_SLOW }}
  departments:
    供电公司: {{ webhook: {{ url_env: QQ_REDIRECT }} }}
    市商务局: {{ wecom: {{ url_env: QQ_ECHO }} }}
"
    );
    std::fs::write(repo.join("qinqing.yaml"), config).unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("QQ_SLOW", format!("{base}/slow?key=SLOWKEY1234")),
        ("QQ_REDIRECT", format!("{base}/redirect?key=REDIRKEY1234")),
        ("QQ_ECHO", format!("{base}/echo?key=ECHOSECRET9876")),
    ];
    let run = notify(&repo, &env);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let calls = |prefix: &str| {
        received.lock().unwrap().iter().filter(|r| r.path.starts_with(prefix)).cloned().collect::<Vec<_>>()
    };
    assert_eq!(calls("/redirect").len(), 3, "a 302 is a failure, retried");
    assert!(calls("/ok").is_empty(), "the redirect was not followed");
    assert!(run.stderr.contains("发送失败：国网湖州供电公司"), "{}", run.stderr);
    assert!(run.stderr.contains("发送失败：市商务局"), "{}", run.stderr);
    for secret in ["SLOWKEY1234", "REDIRKEY1234", "ECHOSECRET9876"] {
        assert!(!run.stderr.contains(secret) && !run.stdout.contains(secret), "{secret} printed: {}", run.stderr);
    }
    // Nothing failed is recorded as sent.
    let sent = std::fs::read_to_string(repo.join(".qinqing-cache/notify-sent.json")).unwrap_or_default();
    assert!(!sent.contains("国网湖州供电公司") && !sent.contains("市商务局"), "{sent}");
    // The recipients by the default (slow) channel were sent to together: one after another, the
    // first recipient's three attempts would all come before the second's first; together, the
    // first two requests to arrive carry different recipients' digests (a retry repeats its body).
    let mut slow = calls("/slow");
    slow.sort_by_key(|r| r.span.0);
    assert!(slow.len() >= 6, "{} requests", slow.len());
    assert_ne!(slow[0].body, slow[1].body, "the second request is a retry of the first: sent one at a time");
}

/// Adds an email to a case file's enterprise (after its phone line), as an office would.
fn with_email(repo: &Path, rel: &str, email: &str) {
    let path = repo.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    let at = text.find("  phone:").expect("a phone line");
    let end = at + text[at..].find('\n').unwrap() + 1;
    std::fs::write(&path, format!("{}  email: {email}\n{}", &text[..end], &text[end..])).unwrap();
}

#[test]
fn an_enterprise_is_told_where_to_read_its_reply_once_and_never_what_it_says() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let maildir = tmp.path().join("mail");
    let smtp = smtp_server(&maildir);
    let (port, received) = http_receiver();
    let settings = without_notify(&std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap());
    std::fs::write(
        repo.join("qinqing.yaml"),
        format!(
            "{settings}notify:\n  enterprises:\n    sms: {{ url_env: QQ_SMS }}\n    email: true\n  smtp: {{ host: 127.0.0.1, port: {}, security: none, from: qinqing@example.gov.cn }}\n",
            smtp.port
        ),
    )
    .unwrap();
    with_email(&repo, "cases/2026/其他渠道/HZ-2026-0171.yaml", "qin@example.com");
    assert_eq!(common::qinqing(&repo, &["receipt", "rotate"]).code, 0);
    let reply = "货车通行证改为当日办结，已于11月20日起执行。";
    let r = common::qinqing(
        &repo,
        &["reply", "HZ-2026-0171", "--result", "resolved", "--text", reply, "--date", "2026-11-20"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let codes = common::qinqing(&repo, &["receipt", "code", "HZ-2026-0171"]);
    let address = codes.stdout.split_whitespace().nth(2).expect("the page's address").to_string();
    assert!(address.starts_with("https://qinqing.huzhou.example/r/"), "{address}");
    let env = [("QQ_SMS", format!("http://127.0.0.1:{port}/sms"))];
    let said = notify_with(&repo, &["--enterprises"], &env).stderr;
    assert!(said.contains("告知企业：送达"), "{said}");
    // The SMS gateway got the case's mobile number and the address, and not a word of the reply.
    let sms: Vec<Received> = received.lock().unwrap().iter().filter(|r| r.path == "/sms").cloned().collect();
    let ours: Vec<&Received> = sms.iter().filter(|r| r.body.contains("HZ-2026-0171")).collect();
    assert_eq!(ours.len(), 1, "{sms:?}");
    let body: serde_json::Value = serde_json::from_str(&ours[0].body).unwrap();
    assert_eq!(body["phone"], "13800000171");
    assert_eq!(body["address"], address.as_str());
    assert!(body["text"].as_str().unwrap().contains(&address));
    for r in &sms {
        assert!(
            !r.body.contains("通行证改为当日办结") && !r.body.contains("当日办结"),
            "a reply's text sent: {}",
            r.body
        );
        // Rated already (满意, closed), or 不满意 with its redo not yet answered: nothing to rate.
        for rated in ["HZ-2026-0173", "HZ-2026-0135", "HZ-2026-0132"] {
            assert!(!r.body.contains(rated), "{rated} asked to rate again: {}", r.body);
        }
    }
    assert!(sms.iter().any(|r| r.body.contains("HZ-2026-0133")), "the demo's reply waiting for its rating: {sms:?}");
    // The mail went to the enterprise's address, with the address and not the reply.
    let mail = mails(&maildir);
    let to_firm: Vec<&String> = mail.iter().filter(|m| m.contains("qin@example.com")).collect();
    assert_eq!(to_firm.len(), 1, "{mail:?}");
    let decoded = decode_mail(to_firm[0]);
    assert!(decoded.contains(&address) && !decoded.contains("当日办结"), "{decoded}");
    // Told once: a second run sends nothing more.
    let before = received.lock().unwrap().len();
    let again = notify_with(&repo, &["--enterprises"], &env).stderr;
    assert!(again.contains("告知企业：送达 0"), "{again}");
    assert_eq!(received.lock().unwrap().len(), before);
    assert_eq!(mails(&maildir).len(), mail.len());
    // Without the flag, no enterprise is told; the record's folder option needs the flag.
    let r = common::qinqing(&repo, &["notify", "--dry-run", "--state-dir", "x", "--as-of", "2026-11-20"]);
    assert_ne!(r.code, 0, "--state-dir alone is refused");
}

/// A mail's body as text (quoted-printable or base64 parts decoded by Python's email package).
fn decode_mail(raw: &str) -> String {
    let script = "import sys,email\nm=email.message_from_string(sys.stdin.read())\nfor p in m.walk():\n  if not p.is_multipart(): print(p.get_payload(decode=True).decode('utf-8'))";
    let mut child = Command::new("/usr/bin/python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(raw.as_bytes()).unwrap();
    String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
}

#[test]
fn a_reply_given_on_the_web_tells_its_enterprise_at_once() {
    use crate::serve::{repository, serve_with, version_in, Client};
    let (_dir, repo) = repository();
    let (port, received) = http_receiver();
    let settings = without_notify(&std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap());
    std::fs::write(
        repo.join("qinqing.yaml"),
        format!("{settings}notify:\n  enterprises:\n    sms: {{ url_env: QQ_SMS }}\n"),
    )
    .unwrap();
    let git = |args: &[&str]| Command::new("git").arg("-C").arg(&repo).args(args).output().unwrap();
    git(&["-c", "user.name=营商办", "-c", "user.email=o@x", "commit", "-qam", "告知企业"]);
    let url = format!("http://127.0.0.1:{port}/sms");
    let server = serve_with(&repo, &[("QQ_SMS", &url), ("QINQING_NOTIFY_PAUSE_MS", "20")]);
    let mut dept = Client::new(&server);
    dept.login("王某");
    let version = version_in(&dept.get("/cases/HZ-2026-0171").body);
    let text = "货车通行证改为当日办结。";
    let r = dept.post("/cases/HZ-2026-0171/reply", &[("version", &version), ("result", "已解决"), ("text", text)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let told = (0..100).find_map(|_| {
        let got = received.lock().unwrap().iter().find(|r| r.path == "/sms").cloned();
        if got.is_none() {
            std::thread::sleep(Duration::from_millis(100));
        }
        got
    });
    let told = told.expect("the enterprise was told within ten seconds");
    let body: serde_json::Value = serde_json::from_str(&told.body).unwrap();
    assert_eq!(body["case"], "HZ-2026-0171");
    assert_eq!(body["phone"], "13800000171");
    assert!(body["address"].as_str().unwrap().contains("/r/"));
    assert!(!told.body.contains("当日办结"), "the reply's text was sent: {}", told.body);
    // Recorded: `qinqing notify --enterprises` later does not tell it again.
    std::thread::sleep(Duration::from_millis(300));
    let before = received.lock().unwrap().len();
    let out = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(&repo)
        .args(["notify", "--send", "--enterprises", "--as-of", "2026-11-20"])
        .env("QQ_SMS", &url)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    let again: Vec<Received> = received.lock().unwrap()[before..].to_vec();
    assert!(!again.iter().any(|r| r.body.contains("HZ-2026-0171")), "told twice: {said}");
}
