//! The repository's git history: `check --rev` checks a past revision as a
//! checkout of it would be checked, and `diff` reports what a change did, on
//! a fixture history committed step by step in the test.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{demo_copy, qinqing};

fn git(repo: &Path, args: &[&str]) -> String {
    git_as(repo, "张三", args)
}

/// Runs git as an author, on a fixed date, so histories are the same on every run.
fn git_as(repo: &Path, author: &str, args: &[&str]) -> String {
    let name = format!("user.name={author}");
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["-c", &name, "-c", "user.email=office@example.org", "-c", "commit.gpgsign=false"])
        .args(["-c", "core.quotepath=false"])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00+08:00")
        .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00+08:00")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The demo committed once (tag `base`), then a change: a reply recorded, a note added,
/// a new case, an assignment date rewritten, and a typo that is an error.
fn history(dir: &Path) -> std::path::PathBuf {
    let repo = demo_copy(dir);
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "演示案件库"]);
    git(&repo, &["tag", "base"]);
    let ok = |args: &[&str]| {
        let run = qinqing(&repo, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    };
    ok(&[
        "reply",
        "HZ-2026-0175",
        "--by",
        "市商务局",
        "--date",
        "2026-11-19",
        "--result",
        "resolved",
        "--text",
        "已协调物流配套",
    ]);
    ok(&["note", "HZ-2026-0131", "--date", "2026-11-20", "--text", "电话催办"]);
    ok(&[
        "new",
        "--received",
        "2026-11-20",
        "--channel",
        "hotline",
        "--title",
        "用电增容审批慢",
        "--enterprise",
        "湖州庚公司",
    ]);
    let file = repo.join("cases/2026/第23期恳谈会/HZ-2026-0132.yaml");
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "- date: 2026-10-15\n    event: assigned",
        "- date: 2026-10-16\n    event: assigned",
        1,
    );
    std::fs::write(&file, text).unwrap();
    git(&repo, &["add", "-A"]);
    git_as(&repo, "李四", &["commit", "-q", "-m", "记录答复与备注"]);
    let meeting = repo.join("cases/2026/第23期恳谈会/HZ-2026-0133.yaml");
    let text = std::fs::read_to_string(&meeting).unwrap().replacen("lead: ", "lead: 市交通局X", 1);
    std::fs::write(&meeting, text).unwrap();
    repo
}

#[test]
fn check_of_a_past_revision_equals_check_of_its_checkout() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = history(&tmp.path().join("repo"));
    let at_rev = qinqing(&repo, &["check", "--rev", "base", "--as-of", "2026-11-20", "--format", "json", "--all"]);
    let checkout = tmp.path().join("checkout");
    Command::new("git").args(["clone", "-q", "--branch", "base"]).arg(&repo).arg(&checkout).output().unwrap();
    let there = qinqing(&checkout, &["check", "--no-cache", "--as-of", "2026-11-20", "--format", "json", "--all"]);
    assert_eq!(at_rev.code, there.code);
    assert_eq!(at_rev.stdout, there.stdout);
    // The work tree was not touched: its uncommitted typo is still there, and git sees no other change.
    assert_eq!(git(&repo, &["status", "--porcelain"]).trim(), "M cases/2026/第23期恳谈会/HZ-2026-0133.yaml");
    let bad = qinqing(&repo, &["check", "--rev", "--upload-pack=touch /tmp/x"]);
    assert_eq!(bad.code, 2, "an option is not a revision");
    let unknown = qinqing(&repo, &["check", "--rev", "no-such-tag"]);
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("在 git 历史中找不到版本「no-such-tag」"), "{}", unknown.stderr);
    // A repository that is not under git says so, for diff and log alike.
    let plain = demo_copy(&tmp.path().join("plain"));
    for args in [&["diff", "HEAD"][..], &["log", "HZ-2026-0131"][..]] {
        let run = qinqing(&plain, args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("git"), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn diff_reports_what_the_change_did() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = history(&tmp.path().join("repo"));
    // The committed change, base to HEAD, as a comment and as JSON.
    let markdown = qinqing(&repo, &["diff", "base", "HEAD", "--as-of", "2026-11-20"]);
    assert_eq!(markdown.code, 0, "{}", markdown.stderr);
    let commits: Vec<String> =
        ["base", "HEAD"].iter().map(|r| git(&repo, &["rev-parse", "--short=7", r]).trim().to_string()).collect();
    let text = markdown.stdout.replace(&commits[0], "BASE").replace(&commits[1], "HEAD");
    insta::assert_snapshot!("diff_markdown", text);
    let json = qinqing(&repo, &["diff", "base", "HEAD", "--as-of", "2026-11-20", "--format", "json"]);
    let json = json.stdout.replace(&commits[0], "BASE").replace(&commits[1], "HEAD");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    insta::assert_json_snapshot!("diff_json", value);
    // The work tree against HEAD: the typo is a new error, and the exit code says so.
    let work = qinqing(&repo, &["diff", "HEAD", "--as-of", "2026-11-20", "--format", "json"]);
    assert_eq!(work.code, 1);
    let value: serde_json::Value = serde_json::from_str(&work.stdout).unwrap();
    assert_eq!(value["head"], "工作区");
    assert_eq!(value["diagnostics_introduced"][0]["code"], "unknown-department");
    // Changing the lead of a recorded assignment is a rewrite of history, and said so.
    assert_eq!(value["events_removed"][0]["case"], "HZ-2026-0133");
}

#[test]
fn log_names_who_recorded_each_entry_and_flags_rewritten_history() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = history(&tmp.path().join("repo"));
    let run = qinqing(&repo, &["log", "HZ-2026-0132", "--format", "json"]);
    assert_eq!(run.code, 1, "a rewrite is flagged in the exit code: {}", run.stderr);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let entries = value["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{value}");
    assert_eq!(entries[0]["commit"]["author"], "张三");
    assert_eq!(entries[0]["steps"][0]["what"], "created");
    assert_eq!(entries[1]["commit"]["author"], "李四");
    let steps = entries[1]["steps"].as_array().unwrap();
    assert!(
        steps.iter().any(|s| s["what"] == "rewritten" && s["date"] == "2026-10-15" && s["kind"] == "交办"),
        "{value}"
    );
    assert!(steps.iter().any(|s| s["what"] == "recorded" && s["date"] == "2026-10-16"), "{value}");
    assert_eq!(value["flagged"], 2, "the rewrite, and the new entry dated 35 days before its commit");

    // Every entry of a case, with who recorded it; a late entry is flagged.
    let run = qinqing(&repo, &["log", "HZ-2026-0175"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("李四") && run.stdout.contains("记入 2026-11-19 答复：市商务局；已解决；已协调物流配套"),
        "{}",
        run.stdout
    );
    let show = qinqing(&repo, &["show", "HZ-2026-0175", "--who", "--format", "json", "--as-of", "2026-11-20"]);
    let value: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    let timeline = value["timeline"].as_array().unwrap();
    assert!(timeline.iter().all(|e| e["recorded_by"].is_string()), "every committed entry has its recorder: {value}");
    let (last, first) = (timeline.last().unwrap(), &timeline[0]);
    assert_eq!(last["recorded_by"], "李四 2026-11-20");
    assert_eq!(first["recorded_by"], "张三 2026-11-20");
    let ok = qinqing(&repo, &["note", "HZ-2025-0210", "--date", "2025-03-20", "--text", "补记：三月已电话回访"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    git(&repo, &["add", "-A"]);
    git_as(&repo, "王五", &["commit", "-q", "-m", "补记"]);
    let run = qinqing(&repo, &["log", "HZ-2025-0210"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("王五") && run.stdout.contains("⚠ 事件日期早于提交 610 天"), "{}", run.stdout);
    let show = qinqing(&repo, &["show", "HZ-2025-0210", "--who", "--as-of", "2026-11-20"]);
    assert!(show.stdout.contains("记录人") && show.stdout.contains("王五 2026-11-20"), "{}", show.stdout);
}

/// In a shallow clone `log` says that older changes are not there to list, instead of
/// showing part of a case's history as if it were all of it.
#[test]
fn log_in_a_shallow_clone_says_the_history_is_partial() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = history(&tmp.path().join("full"));
    git(&repo, &["checkout", "-q", "--", "."]);
    let shallow = tmp.path().join("shallow");
    let url = format!("file://{}", repo.display());
    git(tmp.path(), &["clone", "-q", "--depth", "1", &url, shallow.to_str().unwrap()]);
    let run = qinqing(&shallow, &["log", "HZ-2026-0131"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("浅克隆"), "{}", run.stderr);
    let full = qinqing(&repo, &["log", "HZ-2026-0131"]);
    assert!(!full.stderr.contains("浅克隆"), "{}", full.stderr);
}

/// `qinqing audit` holds each commit the web server writes (its trailers say whose it is) to its
/// role's table: a department adds what it may, to its own cases, and changes no line already there.
#[test]
fn audit_finds_what_a_role_may_not_do_and_passes_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    // As `init` leaves a repository: the tool's own folders ignored.
    std::fs::copy(common::root().join("init/gitignore"), repo.join(".gitignore")).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "演示案件库"]);
    git(&repo, &["tag", "base"]);
    let trailers = "Qinqing-Actor: 国网湖州供电公司/王某\nQinqing-Role: department";
    let commit_as_department = |message: &str| {
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", message, "-m", trailers]);
    };
    let record = |args: &[&str]| {
        let run = qinqing(&repo, args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    };
    // Allowed: the lead replies to its own case.
    record(&["reply", "HZ-2026-0131", "--result", "已解决", "--text", "已通电", "--date", "2026-11-20"]);
    commit_as_department("HZ-2026-0131 答复");
    let clean = qinqing(&repo, &["audit", "base..HEAD"]);
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    assert!(clean.stdout.contains("越权 0 处"), "{}", clean.stdout);
    // Not allowed: a note on another department's case; a closing of its own; a changed line.
    record(&["note", "HZ-2026-0175", "--text", "越权备注", "--date", "2026-11-20"]);
    commit_as_department("越权备注");
    record(&["close", "HZ-2026-0131", "--date", "2026-11-21"]);
    commit_as_department("自行办结");
    let file = repo.join("cases/2026/第23期恳谈会/HZ-2026-0131.yaml");
    let text = std::fs::read_to_string(&file).unwrap().replacen("text: 已通电", "text: 早已通电", 1);
    std::fs::write(&file, text).unwrap();
    commit_as_department("改写答复");
    // A line slipped inside an existing entry (extending its own deadline) is a change too.
    let file = repo.join("cases/2026/第23期恳谈会/HZ-2026-0131.yaml");
    let text = std::fs::read_to_string(&file).unwrap().replacen(
        "    lead: 国网湖州供电公司\n",
        "    lead: 国网湖州供电公司\n    due: 2027-12-31\n",
        1,
    );
    std::fs::write(&file, text).unwrap();
    commit_as_department("自行延期");
    // A commit without the trailers is the office's, made at a terminal: not judged.
    record(&["note", "HZ-2026-0175", "--text", "本办备注", "--date", "2026-11-21"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "本办备注"]);
    let run = qinqing(&repo, &["audit", "base..HEAD"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for says in ["HZ-2026-0175 不是国网湖州供电公司主办或协办的案件", "主办单位不能记录「办结」", "改动了已有的第"]
    {
        assert!(run.stdout.contains(says), "{says}: {}", run.stdout);
    }
    assert!(run.stdout.contains("检查 6 个提交，其中网页服务写的 5 个；越权 4 处"), "{}", run.stdout);
    // An enterprise (its receipt code, no account) rates the answer to its case, and nothing else.
    git(&repo, &["tag", "rated"]);
    let commit_as = |message: &str, trailers: &str| {
        git(&repo, &["add", "-A"]);
        git(&repo, &["commit", "-q", "-m", message, "-m", trailers]);
    };
    let enterprise = "Qinqing-Actor: 企业/HZ-2026-0133\nQinqing-Role: enterprise";
    record(&["evaluate", "HZ-2026-0133", "--rating", "满意", "--date", "2026-11-21"]);
    commit_as("企业评价", enterprise);
    let clean = qinqing(&repo, &["audit", "rated..HEAD"]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    record(&["note", "HZ-2026-0133", "--text", "企业的备注", "--date", "2026-11-21"]);
    commit_as("企业备注", enterprise);
    record(&["evaluate", "HZ-2026-0172", "--rating", "满意", "--date", "2026-11-21"]);
    record(&["note", "HZ-2026-0175", "--text", "另一件", "--date", "2026-11-21"]);
    commit_as("两件一起", enterprise);
    let run = qinqing(&repo, &["audit", "rated..HEAD"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.stdout.contains("企业不能记录「备注」") && run.stdout.contains("企业的提交涉及 2 个文件"),
        "{}",
        run.stdout
    );
}

/// Undoing an entry already committed says that it rewrites what git has; an entry not yet
/// committed goes without a word.
#[test]
fn undo_of_a_committed_entry_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    std::fs::copy(common::root().join("init/gitignore"), repo.join(".gitignore")).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    let note = |text: &str| {
        assert_eq!(qinqing(&repo, &["note", "HZ-2026-0131", "--text", text, "--date", "2026-11-20"]).code, 0)
    };
    note("已提交的备注");
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "备注"]);
    let run = qinqing(&repo, &["undo", "HZ-2026-0131"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("已提交到 git"), "{}", run.stderr);
    git(&repo, &["commit", "-q", "-am", "撤销"]);
    note("未提交的备注");
    let run = qinqing(&repo, &["undo", "HZ-2026-0131"]);
    assert!(run.code == 0 && !run.stderr.contains("已提交到 git"), "{}", run.stderr);
}
