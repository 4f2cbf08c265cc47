//! `qinqing serve` in a real browser: Debian's headless Chromium driven
//! through its WebDriver (chromedriver), phone-sized as a department's liaison
//! answers from WeChat's browser. The office assigns a meeting's cases and
//! issues a supervision notice from the page; the department signs for one,
//! sends one back (first without a reason: the form comes back with the error
//! at its field), replies to one; the git history then holds one commit per
//! accepted form, by the account with its trailers, and `qinqing audit` passes.
//! An enterprise sends a question online, the office accepts and assigns it,
//! a department replies, the enterprise rates it 不满意 (the redo clock runs),
//! the department replies again, the enterprise rates it 满意.
//! With `QINQING_SCREENSHOTS=DIR` the pages are kept as PNG (scripts/samples.sh).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use crate::common::qinqing;
use crate::serve::{repository, serve, ACCOUNTS};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port()
}

/// chromedriver on a free loopback port, and a headless Chromium session phone-sized.
async fn browser() -> (Driver, Client) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = free_port();
    let driver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver runs: scripts/install-test-deps.sh installs Debian's chromium-driver");
    let driver = Driver(driver);
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--hide-scrollbars", "--window-size=412,915", "--lang=zh-CN"],
        }
    }))
    .expect("capabilities");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if let Ok(c) = ClientBuilder::rustls().expect("tls").capabilities(caps.clone()).connect(&url).await {
            return (driver, c);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start on {url}");
}

/// Clicks a button that submits a form, and waits for the page it leads to (the old one gone, the new one there).
async fn click_and_load(c: &Client, button: Locator<'_>) {
    let old = c.find(Locator::Css("html")).await.expect("a page");
    c.find(button).await.expect("the button").click().await.expect("clicked");
    for _ in 0..2400 {
        if old.tag_name().await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.wait().at_most(Duration::from_secs(120)).for_element(Locator::Css("main")).await.expect("the next page");
}

fn shots() -> Option<PathBuf> {
    std::env::var_os("QINQING_SCREENSHOTS").map(PathBuf::from)
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
    if let Some(dir) = shots() {
        std::fs::create_dir_all(&dir).expect("screenshot folder");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
    }
}

async fn login(c: &Client, base: &str, name: &str) {
    let password = ACCOUNTS.iter().find(|a| a.0 == name).map(|a| a.3).expect("account");
    c.goto(&format!("{base}/login")).await.expect("login page");
    c.find(Locator::Id("user")).await.expect("user").send_keys(name).await.expect("typed");
    c.find(Locator::Id("password")).await.expect("password").send_keys(password).await.expect("typed");
    click_and_load(c, Locator::Css("form.login button")).await;
    let header = c.find(Locator::Css(".who")).await.expect("logged in").text().await.expect("text");
    assert!(header.contains(name), "{header}");
}

async fn logout(c: &Client) {
    click_and_load(c, Locator::Css(".logout button")).await;
    assert!(c.current_url().await.expect("url").path().ends_with("/login"));
}

async fn text(c: &Client) -> String {
    match c.find(Locator::Css("main")).await {
        Ok(main) => main.text().await.expect("text"),
        Err(e) => panic!("no page ({e}): {}", c.source().await.unwrap_or_default()),
    }
}

/// Ticks a case's box on the current page.
async fn tick(c: &Client, case: &str) {
    let css = format!("input[name=case][value='{case}']");
    c.find(Locator::Css(&css)).await.expect("the case's box").click().await.expect("ticked");
}

/// Submits the form of a step on the current case page.
async fn submit(c: &Client, step: &str) {
    click_and_load(c, Locator::Css(&format!("#step-{step} button[type=submit]:not([name=preview])"))).await;
}

async fn fill(c: &Client, step: &str, field: &str, value: &str) {
    let input = c.find(Locator::Id(&format!("{step}-{field}"))).await.expect("the field");
    input.clear().await.ok();
    input.send_keys(value).await.expect("typed");
}

/// A new meeting with three problems, committed as the office's work at a terminal.
fn meeting_with_problems(repo: &Path) -> (String, Vec<String>) {
    let run = qinqing(repo, &["meeting", "new", "--title", "政企恳谈会（浏览器测试）", "--date", "2026-11-19"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let id = run.stderr.split_whitespace().find(|w| w.starts_with("HZ-M-")).expect("meeting id").to_string();
    let id = id.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-').to_string();
    let mut cases = Vec::new();
    for (title, enterprise) in [
        ("物流园区道路破损", "湖州甲物流有限公司"),
        ("公交站点设置不便", "湖州乙制造有限公司"),
        ("货车限行时段过长", "湖州丙运输有限公司"),
    ] {
        let run = qinqing(
            repo,
            &[
                "new",
                "--meeting",
                &id,
                "--title",
                title,
                "--enterprise",
                enterprise,
                "--contact",
                "孙某",
                "--phone",
                "13900001111",
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let case = run.stderr.split_whitespace().find(|w| w.starts_with("HZ-2026-")).expect("case id");
        cases.push(case.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '-').to_string());
    }
    let git = |args: &[&str]| {
        let out = Command::new("git").arg("-C").arg(repo).args(args).output().expect("git");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    git(&["add", "-A"]);
    git(&["-c", "user.name=营商办", "-c", "user.email=office@example.org", "commit", "-qm", "新一期恳谈会"]);
    git(&["tag", "before-browser"]);
    (id, cases)
}

/// The commits of a range, oldest first, each the fields of a `git log` format (separated by `%x1f`).
fn log_fields(repo: &Path, range: &str, format: &str) -> Vec<Vec<String>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["log", "--reverse", &format!("--format={format}%x1e"), range])
        .output()
        .expect("git log");
    String::from_utf8_lossy(&out.stdout)
        .split('\u{1e}')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|r| r.split('\u{1f}').map(|f| f.trim().to_string()).collect())
        .collect()
}

fn git_log(repo: &Path) -> Vec<(String, String, String, String)> {
    let format = "%an%x1f%cn%x1f%(trailers:key=Qinqing-Actor,valueonly,separator=)%x1f%(trailers:key=Qinqing-Event,valueonly,separator=)";
    log_fields(repo, "before-browser..HEAD", format)
        .into_iter()
        .map(|f| (f[0].clone(), f[1].clone(), f[2].clone(), f[3].clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_office_and_a_department_work_a_meeting_in_the_browser() {
    let (_dir, repo) = repository();
    let (meeting, cases) = meeting_with_problems(&repo);
    let server = serve(&repo);
    let base = server.base.clone();
    let (_driver, c) = browser().await;

    // The office assigns the meeting's three problems to one department at once.
    login(&c, &base, "李某").await;
    shot(&c, "office-start").await;
    c.goto(&format!("{base}/meetings/{meeting}")).await.expect("meeting page");
    for case in &cases {
        tick(&c, case).await;
    }
    let lead = c.find(Locator::Id("assign-lead")).await.expect("lead");
    lead.select_by_value("市交通运输局").await.expect("lead chosen");
    click_and_load(&c, Locator::Css("#assign button[type=submit]")).await;
    let page = text(&c).await;
    assert!(page.contains("已交办 3 件"), "{page}");

    // …and issues a supervision notice for an overdue case from the documents page.
    c.goto(&format!("{base}/documents")).await.expect("documents");
    tick(&c, "HZ-2026-0132").await;
    click_and_load(&c, Locator::Css("#supervision button[name=draft]")).await;
    let page = text(&c).await;
    assert!(page.contains("已生成督办通知草稿") && page.contains("草稿.pdf"), "{page}");
    tick(&c, "HZ-2026-0132").await;
    click_and_load(&c, Locator::Css("#supervision button[type=submit]:not([name=draft])")).await;
    let page = text(&c).await;
    assert!(page.contains("已发督办通知") && page.contains("HZ-2026-0132"), "{page}");
    assert!(page.contains("PDF"), "the issued notice can be downloaded: {page}");
    logout(&c).await;

    // The department sees its own cases, and only those.
    login(&c, &base, "王某").await;
    let start = text(&c).await;
    for case in &cases {
        assert!(start.contains(case.as_str()), "{case} on the department's start page: {start}");
    }
    assert!(!start.contains("HZ-2026-0131"), "another department's case");
    shot(&c, "department-start").await;

    // Signs for the first.
    c.goto(&format!("{base}/cases/{}", cases[0])).await.expect("case");
    submit(&c, "ack").await;
    assert!(text(&c).await.contains("已记录「签收」"));

    // Sends the second back: without a reason the form comes back with the error beside the field.
    c.goto(&format!("{base}/cases/{}", cases[1])).await.expect("case");
    submit(&c, "return").await;
    let error =
        c.find(Locator::Css("#step-return .field-error[data-field=reason]")).await.expect("the error at its field");
    assert!(error.text().await.expect("text").contains("退回理由"));
    let form = c.find(Locator::Id("step-return")).await.expect("the form");
    let png = form.screenshot().await.expect("the refused form");
    if let Some(dir) = shots() {
        std::fs::write(dir.join("refused-form.png"), png).expect("screenshot written");
    }
    fill(&c, "return", "reason", "属住建部门职责，请改交市住房和城乡建设局").await;
    submit(&c, "return").await;
    assert!(text(&c).await.contains("已记录「退回」"));

    // Replies to the third.
    c.goto(&format!("{base}/cases/{}", cases[2])).await.expect("case");
    let result = c.find(Locator::Id("reply-result")).await.expect("result");
    result.select_by_value("resolved").await.expect("chosen");
    fill(&c, "reply", "text", "已调整货车限行时段，自12月1日起执行。").await;
    submit(&c, "reply").await;
    let page = text(&c).await;
    assert!(page.contains("已记录「答复」") && page.contains("待评价"), "{page}");
    shot(&c, "department-case").await;
    logout(&c).await;

    // A leader's figures.
    login(&c, &base, "张某").await;
    assert!(text(&c).await.contains("办理情况"));
    shot(&c, "leader-start").await;
    // An enterprise with its receipt code: its case, and the rating form once the answer waits for it.
    let codes = qinqing(&repo, &["receipt", "code", "HZ-2026-0172"]);
    let code = codes.stdout.split_whitespace().nth(1).expect("a code").to_string();
    c.goto(&format!("{base}/r/{code}")).await.expect("the enterprise's page");
    let page = text(&c).await;
    assert!(page.contains("HZ-2026-0172") && page.contains("评价这次答复"), "{page}");
    shot(&c, "enterprise").await;
    c.close().await.expect("browser closed");

    // One commit per accepted form, by the account, committed by the server, with its trailers.
    let log = git_log(&repo);
    let events: Vec<&str> = log.iter().map(|l| l.3.as_str()).collect();
    assert_eq!(events, ["assigned", "supervised", "acknowledged", "returned", "replied"], "{log:?}");
    for (author, committer, actor, event) in &log {
        assert_eq!(committer, "qinqing serve");
        let expected = if matches!(event.as_str(), "assigned" | "supervised") {
            ("李某", "李某")
        } else {
            ("王某", "市交通运输局/王某")
        };
        assert_eq!((author.as_str(), actor.as_str()), expected, "{event}");
    }
    let status = Command::new("git")
        .arg("-C")
        .arg(&repo)
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .expect("git status");
    assert!(status.stdout.is_empty(), "the work tree and index are clean: {}", String::from_utf8_lossy(&status.stdout));
    let audit = qinqing(&repo, &["audit", "before-browser..HEAD"]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
}

/// The events of the commits since a tag, with each commit's role.
fn roles_and_events(repo: &Path, since: &str) -> Vec<(String, String)> {
    let format =
        "%(trailers:key=Qinqing-Role,valueonly,separator=)%x1f%(trailers:key=Qinqing-Event,valueonly,separator=)";
    log_fields(repo, &format!("{since}..HEAD"), format).into_iter().map(|f| (f[0].clone(), f[1].clone())).collect()
}

/// Whether `qinqing check` has a running clock of this rule for the case.
fn running_clock(repo: &Path, case: &str, rule: &str) -> bool {
    let run = qinqing(repo, &["check", "--all", "--format", "json", "--as-of", crate::serve::AS_OF]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("check json");
    report["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .any(|c| c["case"] == case && c["rule"] == rule && c["stopped"].is_null())
}

/// The enterprise rates the latest answer on its page.
async fn rate(c: &Client, base: &str, code: &str, rating: &str, comment: &str) -> String {
    c.goto(&format!("{base}/r/{code}")).await.expect("the enterprise's page");
    let css = format!("input[name=rating][value={rating}]");
    c.find(Locator::Css(&css)).await.expect("the rating").click().await.expect("chosen");
    if !comment.is_empty() {
        c.find(Locator::Id("comment")).await.expect("comment").send_keys(comment).await.expect("typed");
    }
    click_and_load(c, Locator::Css("#rate button[type=submit]")).await;
    text(c).await
}

/// A department's liaison replies to a case.
async fn reply(c: &Client, base: &str, case: &str, words: &str) {
    login(c, base, "王某").await;
    c.goto(&format!("{base}/cases/{case}")).await.expect("case");
    c.find(Locator::Id("reply-result")).await.expect("result").select_by_value("resolved").await.expect("chosen");
    fill(c, "reply", "text", words).await;
    submit(c, "reply").await;
    assert!(text(c).await.contains("已记录「答复」"));
    logout(c).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_enterprise_submits_online_rates_an_answer_unsatisfied_and_the_next_satisfied() {
    let (_dir, repo) = repository();
    crate::submit::set_serve(&repo, "  submissions: true\n");
    let tag = Command::new("git").arg("-C").arg(&repo).args(["tag", "before-enterprise"]).output().expect("git");
    assert!(tag.status.success());
    let server = serve(&repo);
    let base = server.base.clone();
    let (_driver, c) = browser().await;

    // The enterprise sends its question from its phone and gets its code at once.
    c.goto(&format!("{base}/submit")).await.expect("the form");
    let code = crate::submit::credit_code("91330500MA2B3C4D5");
    for (field, value) in [
        ("enterprise", "湖州某某新材料有限公司"),
        ("credit_code", code.as_str()),
        ("contact", "吴某"),
        ("phone", "13900001111"),
        ("category", "基础设施"),
        ("text", "园区道路夜间无路灯，货车进出不安全。请协调安装路灯。"),
    ] {
        c.find(Locator::Id(&format!("f-{field}"))).await.expect("the field").send_keys(value).await.expect("typed");
    }
    shot(&c, "submit").await;
    click_and_load(&c, Locator::Css("#submit button[type=submit]")).await;
    let page = text(&c).await;
    assert!(page.contains("已收到") && page.contains("待受理"), "{page}");
    let receipt = c.find(Locator::Css("[data-code]")).await.expect("the code").text().await.expect("text");
    assert_eq!(receipt.len(), 14, "{receipt}");
    shot(&c, "submitted").await;

    // The office accepts it as a case and assigns it.
    login(&c, &base, "李某").await;
    assert!(text(&c).await.contains("WS-2026-0001"), "the office's day lists the new submission");
    c.goto(&format!("{base}/submissions")).await.expect("the queue");
    assert!(text(&c).await.contains("待受理"));
    shot(&c, "office-submissions").await;
    c.goto(&format!("{base}/submissions/WS-2026-0001")).await.expect("the submission");
    assert!(text(&c).await.contains(&receipt), "the office sees the sender's code");
    shot(&c, "office-submission").await;
    click_and_load(&c, Locator::Css("#accept button[type=submit]")).await;
    let url = c.current_url().await.expect("url");
    let case = url.path().trim_start_matches("/cases/").to_string();
    assert!(case.starts_with("HZ-2026-"), "{url}");
    fill(&c, "assign", "lead", "市交通运输局").await;
    submit(&c, "assign").await;
    assert!(text(&c).await.contains("已记录「交办」"));
    logout(&c).await;

    // A department replies; the enterprise opens its code, finds the answer wanting, and says why.
    reply(&c, &base, &case, "已安排现场查看，路灯纳入明年计划。").await;
    let page = rate(&c, &base, &receipt, "unsatisfied", "路灯要等到明年，夜间货车仍不安全").await;
    assert!(page.contains("感谢您的评价") && page.contains("重办中"), "{page}");
    shot(&c, "enterprise-rated").await;
    assert!(running_clock(&repo, &case, "redo"), "the redo clock runs in check");

    // The department replies again; this time the enterprise is satisfied.
    reply(&c, &base, &case, "已协调供电部门，12月10日前安装临时照明。").await;
    assert!(!running_clock(&repo, &case, "redo"), "the second reply stops the redo clock");
    let page = rate(&c, &base, &receipt, "satisfied", "").await;
    assert!(page.contains("感谢您的评价"), "{page}");
    c.close().await.expect("browser closed");

    // Each step is a commit of its own, with whose it is; the audit passes.
    let log = roles_and_events(&repo, "before-enterprise");
    let expected = [
        ("public", "submitted"),
        ("office", "submission-accepted"),
        ("office", "assigned"),
        ("department", "replied"),
        ("enterprise", "evaluated"),
        ("department", "replied"),
        ("enterprise", "evaluated"),
    ];
    let got: Vec<(&str, &str)> = log.iter().map(|(r, e)| (r.as_str(), e.as_str())).collect();
    assert_eq!(got, expected);
    let audit = qinqing(&repo, &["audit", "before-enterprise..HEAD"]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
    let shown = qinqing(&repo, &["show", &case, "--format", "json", "--as-of", crate::serve::AS_OF]);
    let shown: serde_json::Value = serde_json::from_str(&shown.stdout).expect("show json");
    assert_eq!(shown["channel"], "online");
    assert_eq!(shown["status"], "evaluated", "rated 满意: {shown}");
}
