//! The README's walk-through (日常操作 → 一期恳谈会，从开会到办结) runs as
//! written, in a fresh folder, and gives what it says: 8 problems, 7 solutions
//! agreed at the meeting and 1 explained, one list under one number, the
//! unsatisfied one supervised the same day, a passed promise supervised, all
//! closed — in fewer than 40 command lines and no YAML typed.

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
    assert!(stdout.contains("应督办"), "check shows the passed promise calling for supervision:\n{stdout}");
    assert!(stdout.contains("承诺的办结日期前办结（promise）"), "the promise is the clock overdue:\n{stdout}");
    // Right after the meeting: "8 raised, 7 agreed, 1 explained", in the report's words.
    assert!(stdout.contains("合计：收集8个，达成方案7个、政策解释1个。"), "{stdout}");

    let repo = dir.path().join("某县案件库");
    let cases = repo.join("cases/2026/第1期恳谈会");
    let texts: Vec<String> =
        (1..=8).map(|n| std::fs::read_to_string(cases.join(format!("XX-2026-{n:04}.yaml"))).unwrap()).collect();
    assert!(texts.iter().all(|t| t.contains("event: closed")), "all closed");
    // Supervised on demand the day it was rated 不满意, then for the passed promise.
    assert!(texts[6].contains("event: supervised") && texts[6].contains("doc: 某营商督〔2026〕1号"), "{}", texts[6]);
    assert!(texts[7].contains("event: supervised") && texts[7].contains("doc: 某营商督〔2026〕2号"), "{}", texts[7]);
    assert!(texts[7].contains("promise: 2026-11-20"), "{}", texts[7]);
    let register = std::fs::read_to_string(repo.join("issued.yaml")).unwrap();
    assert_eq!(register.matches("kind: list").count(), 1, "one list, one number: {register}");
    assert_eq!(register.matches("kind: assignment").count(), 0);
    assert_eq!(register.matches("kind: supervision").count(), 2);
    // The list: addressed to every unit, each problem with its lead, co-units, deadline and what the meeting reached.
    let list_dir = repo.join("output/list");
    let md = std::fs::read_dir(&list_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "md"));
    let list = std::fs::read_to_string(md.expect("the list in Markdown")).unwrap();
    assert!(list.contains("某营商清〔2026〕1号"), "{list}");
    assert!(
        list.contains("市交通运输局、市发展和改革委员会") || list.contains("市发展和改革委员会、市交通运输局"),
        "{list}"
    );
    assert!(
        list.contains("县营商办召开政企恳谈会（第一期）（项目落地），企业共反映问题8个，会上政策解释1个、达成方案7个"),
        "{list}"
    );
    assert_eq!(list.matches("| 达成方案 |").count(), 7, "{list}");
    // The meeting's bulletin lists what the meeting reached, row by row, and agrees with its own counts.
    let meeting = crate::process::bulletin(&repo, &["--meeting", "XX-M-2026-1", "--as-of", "2026-11-27"]);
    assert!(meeting.contains("会上结果"), "{meeting}");
    crate::process::agrees_with_itself(&meeting, "walkthrough meeting");
    let run = qinqing(&repo, &["report", "--period", "2026", "--as-of", "2026-11-27", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let totals = &report["totals"];
    let figures: Vec<u64> = ["collected", "answered", "resolved", "closed", "overdue_now"]
        .iter()
        .map(|k| totals[*k].as_u64().unwrap_or_else(|| panic!("{k} in {totals}")))
        .collect();
    assert_eq!(figures, [8, 1, 7, 8, 0], "collected, on the spot, solved, closed, overdue");
    assert_eq!(totals["by_result"]["explained"], 1);
    let (_, code) = common::check_json(&repo, "2026-11-27", &[]);
    assert_eq!(code, 0, "nothing left open");
}
