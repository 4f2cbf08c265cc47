//! The real binary on the demonstration repository and on fresh ones:
//! output snapshots in every format, exit codes, init, list, show, schema, cache.

use crate::common;

use common::{check_json, copy_tree, qinqing, root};

const DEMO_DATE: &str = "2026-11-20";

#[test]
fn demo_check_text_snapshot() {
    let run = qinqing(&root(), &["check", "--no-cache", "--as-of", DEMO_DATE]);
    assert_eq!(run.code, 1, "overdue clocks at error severity exit 1");
    insta::assert_snapshot!("demo_check_text", run.stdout);
}

#[test]
fn demo_check_json_snapshot() {
    let (report, code) = check_json(&root(), DEMO_DATE, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["version"], 1);
    // Three late clocks, and the deadlines of the two notices already issued for two of them.
    assert_eq!(report["summary"]["overdue"], 5);
    assert_eq!(report["summary"]["due_soon"], 3);
    insta::assert_json_snapshot!("demo_check_json", report);
}

#[test]
fn demo_check_all_clocks_json_snapshot() {
    let (report, _) = check_json(&root(), DEMO_DATE, &["--all"]);
    let statuses: std::collections::BTreeSet<&str> =
        report["clocks"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    let every: std::collections::BTreeSet<&str> =
        ["met", "late", "overdue", "due_soon", "pending", "superseded", "transferred"].into();
    assert_eq!(statuses, every, "the demonstration shows every clock status");
    insta::assert_json_snapshot!("demo_check_all_json", report);
}

#[test]
fn demo_check_junit_snapshot() {
    let run = qinqing(&root(), &["check", "--no-cache", "--format", "junit", "--as-of", DEMO_DATE]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.starts_with("<?xml"));
    assert_eq!(run.stdout.matches("<failure").count(), 5);
    insta::assert_snapshot!("demo_check_junit", run.stdout);
}

#[test]
fn demo_check_github_snapshot() {
    let run = qinqing(&root(), &["check", "--no-cache", "--format", "github", "--as-of", DEMO_DATE]);
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("::error ")).count(), 5);
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("::warning ")).count(), 3);
    insta::assert_snapshot!("demo_check_github", run.stdout);
}

#[test]
fn invalid_fixture_outputs_snapshot() {
    let repo = common::fixture("invalid/bad-files");
    let text = qinqing(&repo, &["check", "--no-cache", "--as-of", "2026-06-30"]);
    insta::assert_snapshot!("bad_files_text", text.stdout);
    let github = qinqing(&repo, &["check", "--no-cache", "--as-of", "2026-06-30", "--format", "github"]);
    insta::assert_snapshot!("bad_files_github", github.stdout);
    let junit = qinqing(&repo, &["check", "--no-cache", "--as-of", "2026-06-30", "--format", "junit"]);
    assert_eq!(junit.stdout.matches("<error ").count(), 15, "one error per invalid file");
    insta::assert_snapshot!("bad_files_junit", junit.stdout);
}

#[test]
fn as_of_hides_later_cases_and_events() {
    // On 2026-10-20 the 25th meeting (11-18) and its cases do not exist yet.
    let (report, _) = check_json(&root(), "2026-10-20", &["--all"]);
    let cases: std::collections::BTreeSet<&str> =
        report["clocks"].as_array().unwrap().iter().map(|c| c["case"].as_str().unwrap()).collect();
    assert!(!cases.contains("HZ-2026-0161"));
    assert_eq!(report["summary"]["cases"], 15);
    // The power-line reply (assigned 10-15) is still running then: 14 days, due 10-29.
    let reply = report["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case"] == "HZ-2026-0131" && c["rule"] == "reply")
        .unwrap()
        .clone();
    assert_eq!((reply["status"].as_str(), reply["due"].as_str()), (Some("pending"), Some("2026-10-29")));
}

#[test]
fn deny_warnings_turns_warnings_into_failures() {
    // 2026-08-13: the only finding is the due-soon assignment of HZ-2026-0102 (a warning).
    let plain = qinqing(&root(), &["check", "--no-cache", "--as-of", "2026-08-13"]);
    assert_eq!(plain.code, 0, "{}", plain.stdout);
    assert!(plain.stdout.contains("即将到期 1"), "{}", plain.stdout);
    let denied = qinqing(&root(), &["check", "--no-cache", "--as-of", "2026-08-13", "--deny", "warnings"]);
    assert_eq!(denied.code, 1);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(qinqing(&root(), &["check", "--as-of", "2026/6/3"]).code, 2);
    assert_eq!(qinqing(&root(), &["check", "--format", "xml"]).code, 2);
    let nowhere = tempfile::tempdir().unwrap();
    let run = qinqing(nowhere.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("qinqing.yaml"), "{}", run.stderr);
}

#[test]
fn init_writes_a_repository_that_checks_clean_and_never_clobbers() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("新案件库");
    let run = qinqing(dir.path(), &["init", repo.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for f in [
        "qinqing.yaml",
        "departments.yaml",
        "rules/deadlines.yaml",
        "rules/calendars/cn.yaml",
        "cases/README.md",
        ".gitignore",
        "templates/assignment.md.tera",
        "templates/supervision.md.tera",
        "templates/bulletin.md.tera",
    ] {
        assert!(repo.join(f).is_file(), "{f}");
    }
    let (report, code) = check_json(&repo, "2026-11-20", &["--all"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["diagnostics"], serde_json::json!([]));

    std::fs::write(repo.join("qinqing.yaml"), "organization: { name: 已改过的设置 }\n").unwrap();
    let again = qinqing(dir.path(), &["init", repo.to_str().unwrap()]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("qinqing.yaml"));
    assert_eq!(std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap(), "organization: { name: 已改过的设置 }\n");

    // Given the office's names, the red mark shows the full name unless told otherwise, never the short one.
    let county = dir.path().join("县库");
    let args =
        ["init", county.to_str().unwrap(), "--name", "长兴县优化营商环境工作领导小组办公室", "--short", "县营商办"];
    assert_eq!(qinqing(dir.path(), &args).code, 0);
    let settings = std::fs::read_to_string(county.join("qinqing.yaml")).unwrap();
    assert!(settings.contains("  short: 县营商办 "), "{settings}");
    assert!(settings.contains("  mark: 长兴县优化营商环境工作领导小组办公室 "), "{settings}");
    let (report, code) = check_json(&county, "2026-11-20", &["--all"]);
    assert_eq!((code, &report["diagnostics"]), (0, &serde_json::json!([])));

    // An empty or multi-line name is refused before anything is written.
    for (option, bad) in [("--name", ""), ("--short", "  "), ("--mark", "县营商办\n文件")] {
        let empty = dir.path().join(format!("空{}", option.trim_start_matches('-')));
        let mut args = vec!["init", empty.to_str().unwrap(), option, bad];
        if option != "--name" {
            args.extend(["--name", "某县营商办"]);
        }
        let run = qinqing(dir.path(), &args);
        assert_eq!(run.code, 2, "{option} {bad:?}: {}", run.stderr);
        assert!(run.stderr.contains(&format!("{option} 不能")), "{}", run.stderr);
        assert!(!empty.join("qinqing.yaml").exists(), "nothing written for {option} {bad:?}");
    }
}

#[test]
fn list_filters_and_show() {
    let run = qinqing(&root(), &["list", "--as-of", DEMO_DATE, "--overdue", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let ids: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["HZ-2026-0131", "HZ-2026-0132", "HZ-2026-0175"]);

    let run =
        qinqing(&root(), &["list", "--as-of", DEMO_DATE, "--dept", "人社局", "--status", "办理中", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["id"], "HZ-2026-0174");
    assert_eq!(rows[0]["next_due"], "2026-11-27");

    let run = qinqing(
        &root(),
        &["list", "--as-of", DEMO_DATE, "--level", "区县", "--meeting", "HZ-M-2026-25", "--format", "json"],
    );
    let rows: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 4);

    let text = qinqing(&root(), &["list", "--as-of", DEMO_DATE]);
    insta::assert_snapshot!("demo_list_text", text.stdout);

    let show = qinqing(&root(), &["show", "HZ-2026-0102", "--as-of", DEMO_DATE]);
    insta::assert_snapshot!("demo_show_text", show.stdout);
    let json = qinqing(&root(), &["show", "HZ-2026-0132", "--as-of", DEMO_DATE, "--format", "json"]);
    let case: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(case["status"], "reopened");
    let missing = qinqing(&root(), &["show", "HZ-2026-013"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("是否为"), "{}", missing.stderr);
}

#[test]
fn committed_schemas_are_current() {
    for kind in ["case", "meeting", "submission", "departments", "rules", "calendar", "settings"] {
        let run = qinqing(&root(), &["schema", kind]);
        assert_eq!(run.code, 0);
        let committed = std::fs::read_to_string(root().join("schema").join(format!("{kind}.json"))).unwrap();
        assert_eq!(run.stdout, committed, "schema/{kind}.json is stale: run `qinqing schema --all --out schema`");
    }
}

#[test]
fn cache_gives_the_same_answer_and_notices_changes() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root(), dir.path());
    let repo = dir.path();
    // Files written within the last two seconds are never cached (a change in the
    // same clock tick could go unseen). Copied files are that new, and dated ahead
    // here so that a slow copy on a busy machine cannot age them: nothing is stored.
    let ahead = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(repo.join("cases")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            std::fs::File::options().write(true).open(entry.path()).unwrap().set_modified(ahead).unwrap();
        }
    }
    let _ = qinqing(repo, &["check", "--format", "json", "--as-of", DEMO_DATE]);
    assert!(!repo.join(".qinqing-cache/parse.bin").exists());
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for entry in walkdir::WalkDir::new(repo.join("cases")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            std::fs::File::options().write(true).open(entry.path()).unwrap().set_modified(old).unwrap();
        }
    }
    let cold = qinqing(repo, &["check", "--format", "json", "--as-of", DEMO_DATE, "--all"]);
    assert!(repo.join(".qinqing-cache/parse.bin").is_file());
    assert!(repo.join(".qinqing-cache/.gitignore").is_file());
    let warm = qinqing(repo, &["check", "--format", "json", "--as-of", DEMO_DATE, "--all"]);
    assert_eq!(cold.stdout, warm.stdout);

    // A changed file is reparsed, never served stale.
    let case = repo.join("cases/2026/第23期恳谈会/HZ-2026-0131.yaml");
    let text = std::fs::read_to_string(&case).unwrap().replace("lead: 国网湖州供电公司", "lead: 国网湖州供电");
    std::fs::write(&case, text).unwrap();
    let (report, code) = check_json(repo, DEMO_DATE, &[]);
    let _ = code;
    let changed = qinqing(repo, &["check", "--format", "json", "--as-of", DEMO_DATE]);
    let cached: serde_json::Value = serde_json::from_str(&changed.stdout).unwrap();
    assert_eq!(cached["diagnostics"], report["diagnostics"]);
    assert_eq!(cached["diagnostics"][0]["code"], "unknown-department");

    // Once the edit is old enough to trust, it is stored in the small delta, not a new base.
    let base = std::fs::metadata(repo.join(".qinqing-cache/parse.bin")).unwrap().modified().unwrap();
    std::fs::File::options().write(true).open(&case).unwrap().set_modified(old).unwrap();
    let stored = qinqing(repo, &["check", "--format", "json", "--as-of", DEMO_DATE]);
    assert_eq!(stored.stdout, changed.stdout);
    assert!(repo.join(".qinqing-cache/delta.bin").is_file());
    assert_eq!(std::fs::metadata(repo.join(".qinqing-cache/parse.bin")).unwrap().modified().unwrap(), base);
    let again = qinqing(repo, &["check", "--format", "json", "--as-of", DEMO_DATE]);
    assert_eq!(again.stdout, changed.stdout);

    // A removed file rebuilds the base and drops the delta; the case is gone from the report.
    std::fs::remove_file(&case).unwrap();
    let removed = qinqing(repo, &["check", "--format", "json", "--as-of", DEMO_DATE]);
    assert!(!removed.stdout.contains("HZ-2026-0131"));
    assert!(!repo.join(".qinqing-cache/delta.bin").exists());

    // A damaged cache is ignored.
    std::fs::write(repo.join(".qinqing-cache/parse.bin"), b"garbage").unwrap();
    let damaged = qinqing(repo, &["check", "--format", "json", "--as-of", DEMO_DATE]);
    assert_eq!(damaged.stdout, removed.stdout);
}

#[test]
fn a_key_with_no_value_is_an_error_at_its_line_never_an_absent_key() {
    let dir = tempfile::tempdir().unwrap();
    let repo = common::demo_copy(&dir.path().join("repo"));
    // Old behaviour: the blank id made the 22-day overdue case vanish and check exit 0.
    let case = repo.join("cases/2026/第23期恳谈会/HZ-2026-0131.yaml");
    let text = std::fs::read_to_string(&case).unwrap().replacen("id: HZ-2026-0131", "id:", 1);
    std::fs::write(&case, text).unwrap();
    let settings = std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap();
    std::fs::write(repo.join("qinqing.yaml"), format!("{settings}printing:\n")).unwrap();
    let (report, code) = check_json(&repo, DEMO_DATE, &[]);
    assert_eq!(code, 2, "{report}");
    let empty: Vec<(String, u64, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "empty-value" || d["code"] == "missing-field")
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    let settings_line = settings.lines().count() as u64 + 1;
    // The blank id is a required key without a value (missing-field, at its line); printing is optional (empty-value).
    assert_eq!(
        empty,
        [
            ("cases/2026/第23期恳谈会/HZ-2026-0131.yaml".to_string(), 1, 1),
            ("qinqing.yaml".to_string(), settings_line, 1)
        ]
    );
    let codes: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"missing-field") && codes.contains(&"empty-value"), "{codes:?}");
}

/// `init` starts git and commits the skeleton, so `--commit` works from the first record.
#[test]
fn init_starts_git_and_commits_the_skeleton() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("新库");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .args(["init", repo.to_str().unwrap(), "--name", "某县营商办"])
        .env("GIT_AUTHOR_NAME", "测试科员")
        .env("GIT_AUTHOR_EMAIL", "kc@example.invalid")
        .env("GIT_COMMITTER_NAME", "测试科员")
        .env("GIT_COMMITTER_EMAIL", "kc@example.invalid")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.contains("已建立 git 仓库并提交") && stderr.contains("meeting new"), "{stderr}");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git").arg("-C").arg(&repo).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert_eq!(git(&["log", "--format=%s"]).trim(), "qinqing init：新建案件库");
    assert_eq!(git(&["status", "--porcelain"]).trim(), "", "everything committed");
    assert!(git(&["ls-files"]).contains("qinqing.yaml"));
}

/// A mistake on the command line is said in Chinese, with the usage line; exit code 2.
#[test]
fn argument_errors_are_in_chinese() {
    for (args, said) in [
        (&["reply"][..], "缺少必须写的参数"),
        (&["frobnicate"], "不认识的命令「frobnicate」"),
        (&["check", "--format", "xml"], "的值「xml」无效；可选：text、json、junit、github"),
        (&["check", "--bogus"], "不认识的参数「--bogus」"),
        (&["reply", "HZ-2026-0131", "--result", "好"], "的值「好」无效：可选："),
        (&["list", "--as-of", "明天"], "日期请写作"),
        (&["assign", "HZ-2026-0131", "--meeting", "HZ-M-2026-25"], "不能同时写"),
    ] {
        let run = qinqing(&root(), args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.starts_with("错误：") && run.stderr.contains(said), "{args:?}: {}", run.stderr);
        if args == ["reply"] {
            assert!(run.stderr.contains("用法：qinqing reply"), "{}", run.stderr);
        }
        for english in
            ["error:", "Usage:", "the following", "invalid value", "unexpected argument", "For more information"]
        {
            assert!(!run.stderr.contains(english), "{args:?}: {}", run.stderr);
        }
    }
}

/// Help pages speak Chinese too: clap's own headings and words are translated.
#[test]
fn help_is_in_chinese() {
    for args in
        [&["--help"][..], &["tag", "--help"], &["render", "--help"], &["dept", "--help"], &["dept", "add", "--help"]]
    {
        let run = qinqing(&root(), args);
        assert_eq!(run.code, 0, "{args:?}");
        assert!(run.stdout.contains("用法：") && run.stdout.contains("显示帮助"), "{args:?}: {}", run.stdout);
        for english in
            ["Usage:", "Options:", "Arguments:", "Commands:", "Print help", "[OPTIONS]", "[default:", "Possible values"]
        {
            assert!(!run.stdout.contains(english), "{args:?}: {english} in {}", run.stdout);
        }
    }
}

/// Inside another git work tree `init` starts no second repository, and says so.
#[test]
fn init_inside_a_git_work_tree_starts_no_second_repository() {
    let dir = tempfile::tempdir().unwrap();
    let status =
        std::process::Command::new("git").arg("-C").arg(dir.path()).args(["init", "--quiet"]).status().unwrap();
    assert!(status.success());
    let repo = dir.path().join("案件库");
    let run = qinqing(dir.path(), &["init", repo.to_str().unwrap(), "--name", "某县营商办"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("已在一个 git 仓库中") && !repo.join(".git").exists(), "{}", run.stderr);
}

/// `qinqing user`: an account made with its password on standard input, listed, disabled; the
/// password never appears anywhere but as its hash, in a folder git ignores.
#[test]
fn accounts_are_made_from_standard_input_and_kept_out_of_git() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let repo = common::demo_copy(tmp.path());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .args([
            "--repo",
            repo.to_str().unwrap(),
            "user",
            "add",
            "王某",
            "--role",
            "部门",
            "--dept",
            "交通局",
            "--password-stdin",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all("秘密口令abcd\n".as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("已新建账号 王某（部门，市交通运输局）"));
    let listed = qinqing(&repo, &["user", "list"]);
    assert!(listed.stdout.contains("王某") && listed.stdout.contains("市交通运输局") && listed.stdout.contains("可用"));
    let stored = std::fs::read_to_string(repo.join(".qinqing-private/accounts.json")).unwrap();
    assert!(stored.contains("$argon2id$") && !stored.contains("秘密口令"), "{stored}");
    assert_eq!(std::fs::read_to_string(repo.join(".qinqing-private/.gitignore")).unwrap(), "*\n");
    assert_eq!(qinqing(&repo, &["user", "disable", "王某"]).code, 0);
    assert!(qinqing(&repo, &["user", "list"]).stdout.contains("已停用"));
    // No password on the command line: without one, a one-time link for the person to set it.
    let run = qinqing(&repo, &["user", "add", "李某", "--role", "office"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("https://qinqing.huzhou.example/welcome/"), "{}", run.stdout);
    assert!(qinqing(&repo, &["user", "list"]).stdout.contains("待设密码"));
    assert_eq!(qinqing(&repo, &["user", "add", "赵某", "--role", "office", "--password", "x"]).code, 2);
}

/// With `serve.url` in qinqing.yaml, the links people are given are whole addresses; a url that is
/// not one is an error at its place.
#[test]
fn the_servers_address_makes_whole_links() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = crate::common::demo_copy(tmp.path());
    let settings = repo.join("qinqing.yaml");
    // The demo's settings without their `serve:` block.
    let demo = std::fs::read_to_string(&settings).unwrap();
    let mut in_serve = false;
    let text: String = demo
        .lines()
        .filter(|l| {
            in_serve = l.starts_with("serve:") || (in_serve && l.starts_with(' '));
            !in_serve
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(!text.contains("qinqing.huzhou.example"));
    // Without the address: the path to put after it, and no receipt (its QR code needs the address).
    std::fs::write(&settings, &text).unwrap();
    let run = qinqing(&repo, &["user", "add", "钱某", "--role", "office"]);
    assert!(run.stdout.contains("服务地址/welcome/"), "{}", run.stdout);
    let run = qinqing(&repo, &["render", "receipt", "--case", "HZ-2026-0131", "--format", "md"]);
    assert!(run.code != 0 && run.stderr.contains("serve: { url"), "{}", run.stderr);
    std::fs::write(
        &settings,
        format!("{text}\nserve:\n  url: https://qinqing.example.gov.cn/\n  contact: 营商办 0572-1234567\n"),
    )
    .unwrap();
    let run = qinqing(&repo, &["user", "add", "李某", "--role", "office"]);
    assert!(run.stdout.contains("\n  https://qinqing.example.gov.cn/welcome/"), "{}", run.stdout);
    // No secret yet: no code is made up quietly (it would open nothing); rotate makes the first.
    let run = qinqing(&repo, &["receipt", "code", "HZ-2026-0131"]);
    assert!(run.code != 0 && run.stderr.contains("receipt rotate") && run.stdout.is_empty(), "{}", run.stderr);
    assert!(qinqing(&repo, &["receipt", "rotate"]).stdout.contains("已生成"));
    let run = qinqing(&repo, &["receipt", "code", "HZ-2026-0131"]);
    let code = run.stdout.split_whitespace().nth(1).unwrap().to_string();
    assert!(run.stdout.contains(&format!("https://qinqing.example.gov.cn/r/{code}")), "{}", run.stdout);
    // A case that does not exist has no code: said with the nearest id, nothing printed for it.
    let run = qinqing(&repo, &["receipt", "code", "HZ-2026-0131", "HZ-2026-9999"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("找不到案件「HZ-2026-9999」") && run.stdout.is_empty(), "{}", run.stderr);
    // An empty address is no address either.
    std::fs::write(&settings, format!("{text}\nserve:\n  url: \"\"\n")).unwrap();
    let (report, code) = crate::common::check_json(&repo, "2026-11-20", &[]);
    assert_eq!(code, 2, "{report}");
    std::fs::write(&settings, format!("{text}\nserve:\n  url: qinqing.example.gov.cn\n")).unwrap();
    let (report, code) = crate::common::check_json(&repo, "2026-11-20", &[]);
    assert_eq!(code, 2, "{report}");
    assert!(report.to_string().contains("serve.url「qinqing.example.gov.cn」不是网址"), "{report}");
}
