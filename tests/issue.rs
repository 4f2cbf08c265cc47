//! Issuing closes the loop: `render --issue` records each notice in the cases it
//! covers together with the register; a covered clock takes no second number;
//! the notice's own deadline is a clock that calls for a bulletin when it
//! passes; and a run killed at any point leaves register and cases agreeing.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{check_json, copy_tree, qinqing, root};

/// A writable copy of the demonstration repository (no register yet).
fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    for part in ["cases", "rules", "templates"] {
        copy_tree(&root().join(part), &repo.join(part));
    }
    for file in ["qinqing.yaml", "departments.yaml"] {
        std::fs::copy(root().join(file), repo.join(file)).unwrap();
    }
    assert!(!repo.join("issued.yaml").exists());
    (dir, repo)
}

fn case_text(repo: &Path, rel: &str) -> String {
    std::fs::read_to_string(repo.join("cases/2026").join(rel)).unwrap()
}

/// Each clock of a case as (rule, status, notices, issued numbers).
fn clocks(repo: &Path, as_of: &str, case: &str) -> Vec<(String, String, Vec<String>, Vec<String>)> {
    let (json, _) = check_json(repo, as_of, &["--all"]);
    json["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["case"] == case)
        .map(|c| {
            let strings = |v: &serde_json::Value, key: &str| -> Vec<String> {
                v.as_array()
                    .unwrap()
                    .iter()
                    .map(|x| if key.is_empty() { x.as_str() } else { x[key].as_str() }.unwrap_or("").to_string())
                    .collect()
            };
            (
                c["rule"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                strings(&c["notices"], ""),
                strings(&c["issued"], "doc"),
            )
        })
        .collect()
}

fn register(repo: &Path) -> String {
    std::fs::read_to_string(repo.join("issued.yaml")).unwrap_or_default()
}

#[test]
fn the_ladder_follows_what_was_issued() {
    let (_dir, repo) = demo();
    // 2026-11-20: the redo clock of HZ-2026-0132 is one day overdue and calls for supervision.
    let redo = |as_of: &str| clocks(&repo, as_of, "HZ-2026-0132").into_iter().find(|c| c.0 == "redo").unwrap();
    assert_eq!((redo("2026-11-20").1.as_str(), redo("2026-11-20").2), ("overdue", vec!["supervision".to_string()]));
    let before = case_text(&repo, "第23期恳谈会/HZ-2026-0132.yaml");

    // Issue: one number, registered, and the event in the case with the notice's deadline.
    let run = qinqing(&repo, &["render", "supervision", "--as-of", "2026-11-20", "--format", "md", "--issue"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("湖营商督〔2026〕7号-市自然资源和规划局.md"), "{}", run.stdout);
    let after = case_text(&repo, "第23期恳谈会/HZ-2026-0132.yaml");
    assert_eq!(
        &after[before.len()..],
        "  - date: 2026-11-20\n    event: supervised\n    doc: 湖营商督〔2026〕7号\n    to: 市自然资源和规划局\n    due: 2026-11-27\n"
    );
    assert!(after.starts_with(&before), "only lines are added");
    assert_eq!(register(&repo).matches("kind: supervision").count(), 1);
    let notice =
        std::fs::read_to_string(repo.join("output/supervision/湖营商督〔2026〕7号-市自然资源和规划局.md")).unwrap();
    assert!(notice.contains("2026年11月27日"), "the notice states the deadline it records:\n{notice}");

    // The supervised clock no longer calls for supervision; the notice's deadline runs.
    let all = clocks(&repo, "2026-11-20", "HZ-2026-0132");
    let redo_now = all.iter().find(|c| c.0 == "redo").unwrap();
    assert_eq!((redo_now.2.len(), redo_now.3.clone()), (0, vec!["湖营商督〔2026〕7号".to_string()]));
    let deadline = all.iter().find(|c| c.0 == "supervision").unwrap();
    assert_eq!(deadline.1, "pending");

    // Issuing again: no new number, and the answer names the notice that covers the clock.
    let again = qinqing(&repo, &["render", "supervision", "--as-of", "2026-11-20", "--format", "md", "--issue"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains("HZ-2026-0132") && again.stderr.contains("湖营商督〔2026〕7号"), "{}", again.stderr);
    assert_eq!(register(&repo).matches("kind: supervision").count(), 1, "no second number");
    assert_eq!(case_text(&repo, "第23期恳谈会/HZ-2026-0132.yaml"), after);

    // The notice's deadline passes: the case is due for a bulletin, not for another notice.
    let all = clocks(&repo, "2026-11-30", "HZ-2026-0132");
    let deadline = all.iter().find(|c| c.0 == "supervision").unwrap();
    assert_eq!((deadline.1.as_str(), deadline.2.clone()), ("overdue", vec!["bulletin".to_string()]));
    assert!(all.iter().find(|c| c.0 == "redo").unwrap().2.is_empty());
    let draft = qinqing(&repo, &["render", "supervision", "--as-of", "2026-11-30", "--format", "md"]);
    assert!(!draft.stdout.contains("市自然资源和规划局"), "no second draft for the supervised clock: {}", draft.stdout);

    // The bulletin names only clocks whose rule calls for one, and records itself in them.
    let run = qinqing(
        &repo,
        &["render", "bulletin", "--period", "2026-11", "--as-of", "2026-11-30", "--format", "md", "--issue"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let file = run.stdout.lines().find(|l| l.ends_with(".md")).unwrap();
    let bulletin = std::fs::read_to_string(repo.join(file)).unwrap();
    // Every overdue clock is listed; those named for 通报 are marked in the last column.
    let named: BTreeSet<&str> = bulletin
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("HZ") && l.trim_end().ends_with("| 通报 |"))
        .filter_map(|l| l.split('|').nth(2))
        .map(str::trim)
        .collect();
    // 0131 and 0175 were supervised before and are past their notices' deadlines; 0171's reply
    // is 10 days overdue (its rule calls for a bulletin then); 0132's notice deadline passed.
    let expected: BTreeSet<&str> = ["HZ-2026-0131", "HZ-2026-0132", "HZ-2026-0171", "HZ-2026-0175"].into();
    assert_eq!(named, expected, "{bulletin}");
    // HZ-2026-0161 is overdue for assignment, the office's own clock: not a department's to be named.
    assert!(clocks(&repo, "2026-11-30", "HZ-2026-0161").iter().any(|c| c.0 == "assign" && c.1 == "overdue"));
    // Listed as overdue (the 超期未办 of 一 counts it), never named for 通报.
    let row = bulletin.lines().find(|l| l.contains("HZ-2026-0161")).expect("listed as overdue");
    assert!(row.trim_end().ends_with("| — |"), "{row}");
    let number = file.trim_start_matches("output/bulletin/").split('-').next().unwrap().to_string();
    for rel in ["第23期恳谈会/HZ-2026-0132.yaml", "其他渠道/HZ-2026-0171.yaml"] {
        let text = case_text(&repo, rel);
        assert!(text.ends_with(&format!("    event: bulletined\n    doc: {number}\n")), "{rel}:\n{text}");
    }
    let deadline = clocks(&repo, "2026-11-30", "HZ-2026-0132").into_iter().find(|c| c.0 == "supervision").unwrap();
    assert!(deadline.2.is_empty(), "bulletined: nothing more is called for");

    // The same bulletin again: the register already holds it.
    let again = qinqing(
        &repo,
        &["render", "bulletin", "--period", "2026-11", "--as-of", "2026-11-30", "--format", "md", "--issue"],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains(&number) && again.stderr.contains("--reissue"), "{}", again.stderr);
    assert_eq!(register(&repo).matches("kind: bulletin").count(), 1);
    // Unless a second one is really meant.
    let re = qinqing(
        &repo,
        &[
            "render",
            "bulletin",
            "--period",
            "2026-11",
            "--as-of",
            "2026-11-30",
            "--format",
            "md",
            "--issue",
            "--reissue",
        ],
    );
    assert_eq!(re.code, 0, "{}", re.stderr);
    assert_eq!(register(&repo).matches("kind: bulletin").count(), 2);
    let (_, code) = check_json(&repo, "2026-11-30", &[]);
    assert_ne!(code, 2, "the repository stays valid");
}

#[test]
fn office_clocks_are_reported_to_the_office_and_never_supervised() {
    let (_dir, repo) = demo();
    // HZ-2026-0161 (received 2026-11-18) is not assigned: the office's clock is overdue by 11-25.
    let assign = clocks(&repo, "2026-11-25", "HZ-2026-0161").into_iter().find(|c| c.0 == "assign").unwrap();
    assert_eq!((assign.1.as_str(), assign.2.len()), ("overdue", 0));
    let (json, _) = check_json(&repo, "2026-11-25", &[]);
    let office = json["clocks"].as_array().unwrap().iter().find(|c| c["case"] == "HZ-2026-0161").unwrap().clone();
    assert_eq!(office["responsible"], "湖州市营商办");
    let run = qinqing(&repo, &["render", "supervision", "--as-of", "2026-11-25", "--format", "md"]);
    assert!(!run.stdout.contains("营商办"), "{}", run.stdout);
}

#[test]
fn a_document_that_fails_is_not_issued_and_says_why() {
    let (_dir, repo) = demo();
    let before = case_text(&repo, "第23期恳谈会/HZ-2026-0132.yaml");
    // Without any Chinese font the PDF cannot be made: no number is taken, nothing is recorded.
    let out = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(&repo)
        .args(["render", "supervision", "--as-of", "2026-11-20", "--issue"])
        .env("QINQING_NO_SYSTEM_FONTS", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("没有找到中文字体"), "the problem is shown: {stderr}");
    assert!(stderr.contains("未登记文号，也未记入案件"), "{stderr}");
    assert!(!repo.join("issued.yaml").exists());
    assert_eq!(case_text(&repo, "第23期恳谈会/HZ-2026-0132.yaml"), before);
}

#[cfg(unix)]
#[test]
fn a_register_that_is_a_link_is_never_read_or_written() {
    let (dir, repo) = demo();
    let elsewhere = dir.path().join("elsewhere.yaml");
    std::fs::write(&elsewhere, "# 别处的文件\n").unwrap();
    std::os::unix::fs::symlink(&elsewhere, repo.join("issued.yaml")).unwrap();
    let run = qinqing(&repo, &["render", "supervision", "--as-of", "2026-11-20", "--format", "md", "--issue"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("不是普通文件"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "# 别处的文件\n");
    assert!(!case_text(&repo, "第23期恳谈会/HZ-2026-0132.yaml").contains("湖营商督〔2026〕7号"));
}

/// Numbers the register gave to supervision notices, and those recorded in the cases.
fn numbers(repo: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
    let registered = register(repo)
        .lines()
        .filter(|l| l.contains("kind: supervision"))
        .filter_map(|l| l.split("number: \"").nth(1)?.split('"').next().map(str::to_string))
        .collect();
    let mut recorded = BTreeSet::new();
    for entry in walkdir::WalkDir::new(repo.join("cases")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                if l.trim() == "event: supervised" && lines.get(i + 1).is_some_and(|n| n.contains("doc:")) {
                    let doc = lines[i + 1].split("doc:").nth(1).unwrap().trim().to_string();
                    if !doc.ends_with("5号") && !doc.ends_with("6号") {
                        recorded.insert(doc); // 5 and 6 are the demo's own, issued before the register
                    }
                }
            }
        }
    }
    (registered, recorded)
}

fn issue_with_fault(repo: &Path, fault: &str) -> std::process::ExitStatus {
    Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .args(["--repo"])
        .arg(repo)
        .args(["render", "supervision", "--as-of", "2026-11-25", "--format", "md", "--issue"])
        .env("QINQING_FAULT", fault)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
        .status
}

#[test]
fn a_run_killed_while_issuing_leaves_register_and_cases_agreeing() {
    // As of 2026-11-25 three departments call for notices (0132's redo, 0134's and 0171's replies):
    // four files change.
    for fault in ["journal", "1", "2", "3"] {
        let (_dir, repo) = demo();
        let status = issue_with_fault(&repo, fault);
        assert!(!status.success(), "{fault}: the run was killed");
        // Whatever reads the repository next finishes the change first.
        let run = qinqing(&repo, &["list"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("已补完上次中断的写入"), "{fault}: {}", run.stderr);
        let (registered, recorded) = numbers(&repo);
        assert_eq!(registered, recorded, "{fault}");
        assert_eq!(registered.len(), 3, "{fault}");
        // And issuing again takes no new number.
        let again = qinqing(&repo, &["render", "supervision", "--as-of", "2026-11-25", "--format", "md", "--issue"]);
        assert_eq!(again.code, 0, "{}", again.stderr);
        assert_eq!(numbers(&repo).0, registered, "{fault}");
    }
    // Killed with SIGKILL at moments through the run: the files always agree after recovery.
    for delay_ms in [0u64, 40, 80, 160, 320] {
        let (_dir, repo) = demo();
        let mut child = Command::new(env!("CARGO_BIN_EXE_qinqing"))
            .arg("--repo")
            .arg(&repo)
            .args(["render", "supervision", "--as-of", "2026-11-25", "--format", "md", "--issue"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(qinqing(&repo, &["list"]).code, 0);
        let (registered, recorded) = numbers(&repo);
        assert_eq!(registered, recorded, "killed after {delay_ms} ms");
    }
}

#[test]
fn two_issuers_at_once_take_distinct_numbers_and_cover_each_clock_once() {
    let (_dir, repo) = demo();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_qinqing"))
                .arg("--repo")
                .arg(&repo)
                .args(["render", "supervision", "--as-of", "2026-11-25", "--format", "md", "--issue"])
                .env("NO_COLOR", "1")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut r in runs {
        assert!(r.wait().unwrap().success());
    }
    let (registered, recorded) = numbers(&repo);
    assert_eq!(registered, recorded);
    assert_eq!(registered.len(), 3, "the second run found the clocks covered: {registered:?}");
}
