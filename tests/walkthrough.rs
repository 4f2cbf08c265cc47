//! The README's walk-through (日常操作 → 一期恳谈会，从开会到办结) runs as
//! written, in a fresh folder, and gives what it says: 8 problems, 3 solved on
//! the spot, 7 solved, 1 explained, the unsatisfied one supervised, all closed —
//! in fewer than 40 command lines and no YAML typed.

use crate::common;

use std::process::Command;

use common::{qinqing, root};

/// The command lines of the README block after `<!-- walkthrough -->`.
fn walkthrough() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let after = readme.split("<!-- walkthrough -->").nth(1).expect("the README marks its walk-through");
    let block = after.split("```sh\n").nth(1).unwrap().split("```").next().unwrap();
    block.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).map(str::to_string).collect()
}

#[test]
fn the_readme_walkthrough_runs_as_written() {
    let lines = walkthrough();
    assert!(lines.len() < 40, "{} command lines", lines.len());
    assert!(lines.iter().all(|l| l.starts_with("qinqing ")), "only qinqing commands: no YAML typed");
    // Each line, then its exit status, in one shell (the first line changes into the new repository).
    let script: String = lines.iter().map(|l| format!("{l}\necho \"exit $?\" >&2\n")).collect();
    let dir = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_qinqing")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(dir.path())
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let codes: Vec<&str> = stderr.lines().filter_map(|l| l.strip_prefix("exit ")).collect();
    assert_eq!(codes.len(), lines.len(), "{stderr}");
    for (line, code) in lines.iter().zip(&codes) {
        // `check` exits 1 while a clock is overdue: that is what the walk-through shows.
        let expected = if line.starts_with("qinqing check") { "1" } else { "0" };
        assert_eq!(*code, expected, "{line}\n{stdout}\n{stderr}");
    }
    assert!(stdout.contains("应督办"), "check shows the overdue redo calling for supervision:\n{stdout}");

    let repo = dir.path().join("某县案件库");
    let cases = repo.join("cases/2026/第1期恳谈会");
    let texts: Vec<String> =
        (1..=8).map(|n| std::fs::read_to_string(cases.join(format!("XX-2026-{n:04}.yaml"))).unwrap()).collect();
    assert!(texts.iter().all(|t| t.contains("event: closed")), "all closed");
    assert!(texts[7].contains("event: supervised") && texts[7].contains("doc: 某营商督〔2026〕1号"), "{}", texts[7]);
    let register = std::fs::read_to_string(repo.join("issued.yaml")).unwrap();
    assert_eq!(register.matches("kind: assignment").count(), 3, "one letter per lead department");
    assert_eq!(register.matches("kind: supervision").count(), 1);
    // The letters say who held the meeting and who attended; co-handling and descriptions only where there are some.
    let letter = |name: &str| std::fs::read_to_string(repo.join("output/assignment").join(name)).unwrap();
    let transport = letter("某营商交〔2026〕1号-市交通运输局.md");
    assert!(transport.contains("县营商办召开政企恳谈会（第一期），县长、分管副县长出席，主题为"), "{transport}");
    assert!(!transport.contains("会同协办单位") && !transport.contains("问题描述"), "{transport}");
    assert!(letter("某营商交〔2026〕3号-市自然资源和规划局.md").contains("会同协办单位逐项研究"));
    let run = qinqing(&repo, &["report", "--period", "2026", "--as-of", "2026-11-27", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let totals = &report["totals"];
    let figures: Vec<u64> = ["collected", "answered", "resolved", "closed", "overdue_now"]
        .iter()
        .map(|k| totals[*k].as_u64().unwrap_or_else(|| panic!("{k} in {totals}")))
        .collect();
    assert_eq!(figures, [8, 3, 7, 8, 0], "collected, on the spot, solved, closed, overdue");
    let (_, code) = common::check_json(&repo, "2026-11-27", &[]);
    assert_eq!(code, 0, "nothing left open");
}
