//! The commands that record events, on a repository full of comments, Chinese
//! values and odd quoting: only the new lines are added, every other byte stays;
//! bad records are refused with the diagnostics `check` prints, and nothing is written.

use crate::common;

use std::path::{Path, PathBuf};

use common::{copy_tree, fixture, qinqing};

/// A writable copy of the edit fixture.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("repo");
    copy_tree(&fixture("edit"), &root);
    (dir, root)
}

fn case_file(root: &Path, id: &str) -> PathBuf {
    root.join("cases/会议").join(format!("{id}.yaml"))
}

/// The file after the edit must be the file before with lines added in one
/// place: removing them gives back the original bytes.
fn only_added(before: &str, after: &str) -> String {
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let tail = old[head..].iter().rev().zip(new[head..].iter().rev()).take_while(|(a, b)| a == b).count();
    assert_eq!(head + tail, old.len(), "lines of the original were changed:\n{after}");
    new[head..new.len() - tail].concat()
}

fn record(root: &Path, id: &str, args: &[&str]) -> (String, String) {
    let before = std::fs::read_to_string(case_file(root, id)).unwrap();
    let run = qinqing(root, args);
    assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
    let after = std::fs::read_to_string(case_file(root, id)).unwrap();
    (only_added(&before, &after), after)
}

#[test]
fn each_file_keeps_its_bytes_and_the_new_entry_follows_its_style() {
    let (_dir, root) = repo();
    // All-Chinese file with comments: Chinese values, the full department name, quoting where needed.
    let (added, after) = record(
        &root,
        "E-1",
        &["reply", "E-1", "--by", "交通局", "--result", "resolved", "--text", "已延伸: 4路 #2", "--date", "2026-06-10"],
    );
    assert_eq!(
        added,
        "  - date: 2026-06-10\n    event: 答复\n    by: 测试市交通运输局\n    result: 已解决\n    text: \"已延伸: 4路 #2\"\n"
    );
    insta::assert_snapshot!("edit_e1_block_chinese", after);
    // Flow entries indented four: a flow entry at the same place.
    let (added, _) = record(&root, "E-2", &["evaluate", "E-2", "--rating", "基本满意", "--date", "2026-06-12"]);
    assert_eq!(added, "    - { date: 2026-06-12, event: evaluated, rating: basically_satisfied }\n");
    // No timeline yet.
    let (added, _) =
        record(&root, "E-3", &["assign", "E-3", "--lead", "供电公司", "--co", "交通局", "--date", "2026-06-02"]);
    assert_eq!(
        added,
        "timeline:\n  - date: 2026-06-02\n    event: assigned\n    lead: 国网测试供电公司\n    co: [测试市交通运输局]\n"
    );
    // CRLF and dashes at column one.
    let (added, _) = record(&root, "E-4", &["note", "E-4", "--text", "电话催办", "--date", "2026-06-04"]);
    assert_eq!(added, "- date: 2026-06-04\r\n  event: note\r\n  text: 电话催办\r\n");
    // The repository still checks clean, and the entries are read back.
    let run = qinqing(&root, &["check", "--no-cache", "--as-of", "2026-06-12"]);
    assert!(run.stdout.contains("错误 0"), "{}", run.stdout);
    let show = qinqing(&root, &["show", "E-1", "--as-of", "2026-06-12"]);
    assert!(show.stdout.contains("答复  测试市交通运输局；已解决；已延伸: 4路 #2"), "{}", show.stdout);
}

#[test]
fn a_dry_run_prints_the_diff_and_writes_nothing() {
    let (_dir, root) = repo();
    let before = std::fs::read(case_file(&root, "E-1")).unwrap();
    let run = qinqing(&root, &["close", "E-1", "--note", "已办结", "--date", "2026-06-20", "--dry-run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with("--- a/cases/会议/E-1.yaml\n+++ b/cases/会议/E-1.yaml\n@@ -18,0 +19,3 @@\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("+    event: 办结\n"));
    assert_eq!(std::fs::read(case_file(&root, "E-1")).unwrap(), before);
}

#[test]
fn bad_records_are_refused_with_the_diagnostics_and_nothing_is_written() {
    let (_dir, root) = repo();
    let files: Vec<Vec<u8>> =
        ["E-1", "E-2", "E-3"].iter().map(|id| std::fs::read(case_file(&root, id)).unwrap()).collect();
    // An invalid value: the accepted spellings are listed.
    let run = qinqing(&root, &["evaluate", "E-2", "--rating", "很好"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("满意"), "{}", run.stderr);
    // An unknown department: check's diagnostic, with its hint.
    let run = qinqing(&root, &["assign", "E-3", "--lead", "交通运输局", "--date", "2026-06-02"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("未知部门「交通运输局」 [unknown-department]"), "{}", run.stdout);
    assert!(run.stdout.contains("提示：是否为「测试市交通运输局」？"), "{}", run.stdout);
    // An evaluation before any reply.
    let run = qinqing(&root, &["evaluate", "E-3", "--rating", "满意", "--date", "2026-06-05"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("[evaluation-before-reply]"), "{}", run.stdout);
    // Closing an unsatisfied case without a reason.
    assert_eq!(qinqing(&root, &["evaluate", "E-2", "--rating", "不满意", "--date", "2026-06-12"]).code, 0);
    let run = qinqing(&root, &["close", "E-2", "--date", "2026-06-13"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("[closed-without-reason]"), "{}", run.stdout);
    let e2 = std::fs::read_to_string(case_file(&root, "E-2")).unwrap();
    assert!(!e2.contains("closed"), "nothing written: {e2}");
    assert_eq!(std::fs::read(case_file(&root, "E-1")).unwrap(), files[0]);
    assert_eq!(std::fs::read(case_file(&root, "E-3")).unwrap(), files[2]);
    // An unknown case.
    let run = qinqing(&root, &["note", "E-9", "--text", "x"]);
    assert!(run.code == 2 && run.stderr.contains("找不到案件「E-9」"), "{}", run.stderr);
}

#[test]
fn two_writers_at_once_both_land_on_different_cases() {
    let (_dir, root) = repo();
    let spawn = |id: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_qinqing"))
            .arg("--repo")
            .arg(&root)
            .args(["note", id, "--text", "同时写入", "--date", "2026-06-05"])
            .spawn()
            .unwrap()
    };
    let (mut a, mut b) = (spawn("E-1"), spawn("E-2"));
    assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
    for id in ["E-1", "E-2"] {
        assert!(std::fs::read_to_string(case_file(&root, id)).unwrap().contains("同时写入"), "{id}");
    }
}

#[test]
fn two_writers_on_one_case_never_lose_a_record() {
    // Whichever way the race goes, a writer either lands after the other or refuses because the
    // file changed after it read it; a record that reports success is in the file, whole.
    let mut refused = 0;
    for round in 0..6 {
        let (_dir, root) = repo();
        let before = std::fs::read_to_string(case_file(&root, "E-1")).unwrap();
        let spawn = |text: String| {
            std::process::Command::new(env!("CARGO_BIN_EXE_qinqing"))
                .arg("--repo")
                .arg(&root)
                .args(["note", "E-1", "--text", &text, "--date", "2026-06-05"])
                .env("NO_COLOR", "1")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(format!("甲{round}")), spawn(format!("乙{round}")));
        let after = std::fs::read_to_string(case_file(&root, "E-1")).unwrap();
        assert!(after.starts_with(&before), "the original bytes stay");
        for (child, text) in [(a, format!("甲{round}")), (b, format!("乙{round}"))] {
            let out = child.wait_with_output().unwrap();
            let after = std::fs::read_to_string(case_file(&root, "E-1")).unwrap();
            if out.status.success() {
                assert!(after.contains(&format!("text: {text}\n")), "{text} reported success:\n{after}");
            } else {
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(stderr.contains("被改动"), "{stderr}");
                assert!(!after.contains(&text));
                refused += 1;
            }
        }
        assert_ne!(qinqing(&root, &["check", "--no-cache", "--as-of", "2026-06-05"]).code, 2, "still valid");
    }
    eprintln!("{refused} of 12 writers refused");
}

#[test]
fn commit_records_the_change_in_git_as_the_configured_author() {
    let (_dir, root) = repo();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "core.quotePath=false", "-C"])
            .arg(&root)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q"]);
    git(&["config", "user.name", "测试科员"]);
    git(&["config", "user.email", "clerk@example.invalid"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "初始"]);
    std::fs::write(root.join("untracked-work.txt"), "草稿").unwrap();
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(&root)
        .args(["reply", "E-2", "--by", "供电公司", "--result", "resolved", "--date", "2026-06-08", "--commit"])
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(git(&["log", "-1", "--format=%an|%s"]).trim(), "测试科员|E-2 答复（国网测试供电公司）");
    assert_eq!(git(&["show", "--name-only", "--format=", "HEAD"]).trim(), "cases/会议/E-2.yaml");
    assert!(git(&["status", "--porcelain"]).contains("untracked-work.txt"), "other work is not committed");
}

#[test]
fn an_empty_required_value_is_refused_before_anything_is_read() {
    let (_dir, root) = repo();
    let before = std::fs::read(case_file(&root, "E-1")).unwrap();
    for args in
        [&["note", "E-1", "--text", "  "][..], &["assign", "E-1", "--lead", ""], &["joint", "E-1", "--decision", ""]]
    {
        let run = qinqing(&root, args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("不能为空"), "{args:?}: {}", run.stderr);
    }
    assert_eq!(std::fs::read(case_file(&root, "E-1")).unwrap(), before);
}

#[test]
fn new_meetings_and_cases_get_the_next_ids_and_are_checked_before_they_are_written() {
    let (_dir, root) = repo();
    let run = qinqing(
        &root,
        &[
            "meeting",
            "new",
            "--title",
            "测试恳谈会（第二期）",
            "--date",
            "2026-07-01",
            "--session",
            "2",
            "--hosts",
            "市长",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.trim(), "cases/2026/第2期恳谈会/meeting.yaml");
    let meeting = std::fs::read_to_string(root.join("cases/2026/第2期恳谈会/meeting.yaml")).unwrap();
    assert_eq!(meeting, "id: M-2026-1\ntitle: 测试恳谈会（第二期）\ndate: 2026-07-01\nsession: 2\nhosts: [市长]\n");
    // Two cases in the meeting: the second takes the next number; the meeting's date is their received date.
    for (title, file) in [("断头路: 打通 #1", "2026-0001"), ("公交延伸", "2026-0002")] {
        let run = qinqing(
            &root,
            &["new", "--meeting", "M-2026-1", "--title", title, "--enterprise", "测试甲公司", "--phone", "13800000000"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert_eq!(run.stdout.trim(), format!("cases/2026/第2期恳谈会/{file}.yaml"));
    }
    let first = std::fs::read_to_string(root.join("cases/2026/第2期恳谈会/2026-0001.yaml")).unwrap();
    assert_eq!(
        first,
        "id: \"2026-0001\"\ntitle: \"断头路: 打通 #1\"\nenterprise:\n  name: 测试甲公司\n  phone: \"13800000000\"\n"
    );
    let (report, code) = common::check_json(&root, "2026-07-01", &["--all"]);
    assert_eq!(
        (code, &report["diagnostics"]),
        (1, &serde_json::json!([])),
        "valid; the new cases are due for assignment"
    );
    // A bad credit code is check's diagnostic, and nothing is written.
    let run = qinqing(
        &root,
        &[
            "new",
            "--received",
            "2026-07-02",
            "--channel",
            "热线",
            "--title",
            "用电",
            "--enterprise",
            "乙公司",
            "--credit-code",
            "91330500MA2B3C4D5X",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("[invalid-credit-code]"), "{}", run.stdout);
    assert!(!root.join("cases/2026/热线").exists());
    // A dry run shows the whole new file.
    let run =
        qinqing(&root, &["new", "--received", "2026-07-02", "--channel", "hotline", "--title", "用电", "--dry-run"]);
    assert!(run.stdout.starts_with("--- /dev/null\n+++ b/cases/2026/热线/2026-0003.yaml\n"), "{}", run.stdout);
    assert!(!root.join("cases/2026/热线").exists());
}

#[test]
fn a_reply_text_file_must_be_text_of_a_case_file_s_size() {
    let (dir, root) = repo();
    let before = std::fs::read(case_file(&root, "E-2")).unwrap();
    let huge = dir.path().join("答复.txt");
    std::fs::write(&huge, "很".repeat(2_000_000)).unwrap();
    let binary = dir.path().join("答复.bin");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    // A device without a size (old code: read until memory ran out), and a FIFO no one writes to
    // (old code: waited for ever): not regular files, refused before they are opened.
    let endless = std::path::PathBuf::from("/dev/zero");
    let fifo = dir.path().join("管道");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    for file in [&huge, &binary, &endless, &fifo] {
        let run = qinqing(&root, &["reply", "E-2", "--by", "供电公司", "--text-file", file.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        assert!(
            run.stderr.contains("过大") || run.stderr.contains("UTF-8") || run.stderr.contains("不是普通文件"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read(case_file(&root, "E-2")).unwrap(), before);
}

#[test]
fn an_id_pattern_that_leaves_the_folder_is_refused_and_a_case_named_twice_is_recorded_once() {
    let (_dir, root) = repo();
    let settings = root.join("qinqing.yaml");
    let original = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, format!("{original}ids:\n  case: \"../../escape-{{seq}}\"\n")).unwrap();
    let run = qinqing(&root, &["new", "--received", "2026-07-02", "--title", "越界"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stdout.contains("qinqing.yaml") && run.stdout.contains("编号格式"), "{}", run.stdout);
    assert!(!root.join("cases/2026").exists() && !root.parent().unwrap().join("escape-1.yaml").exists());
    std::fs::write(&settings, original).unwrap();
    let (added, _) = record(&root, "E-2", &["assign", "E-2", "E-2", "--lead", "交通局", "--date", "2026-06-06"]);
    assert_eq!(added.matches("event: assigned").count(), 1, "{added}");
}

#[test]
fn assigning_a_meeting_takes_only_its_unassigned_cases_and_a_bad_batch_writes_none() {
    let (_dir, root) = repo();
    let before: Vec<Vec<u8>> =
        ["E-1", "E-2", "E-3"].iter().map(|id| std::fs::read(case_file(&root, id)).unwrap()).collect();
    // One unknown department in a batch of two: neither file is written.
    let run = qinqing(&root, &["assign", "E-3", "E-2", "--lead", "不存在局", "--date", "2026-06-06"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout.matches("[unknown-department]").count(), 2, "{}", run.stdout);
    assert_eq!(std::fs::read(case_file(&root, "E-3")).unwrap(), before[2]);
    assert_eq!(std::fs::read(case_file(&root, "E-2")).unwrap(), before[1]);
    // The meeting's only unassigned case is E-3.
    let (added, _) = record(&root, "E-3", &["assign", "--meeting", "M-1", "--lead", "交通局", "--date", "2026-06-02"]);
    assert!(added.contains("lead: 测试市交通运输局"), "{added}");
    assert_eq!(std::fs::read(case_file(&root, "E-1")).unwrap(), before[0]);
    assert_eq!(std::fs::read(case_file(&root, "E-2")).unwrap(), before[1]);
    let run = qinqing(&root, &["assign", "--meeting", "M-1", "--lead", "交通局", "--date", "2026-06-03"]);
    assert!(run.code == 2 && run.stderr.contains("没有尚未交办的案件"), "{}", run.stderr);
}

/// Every option of `new` and `meeting new` reaches the file; a channel given
/// inside a meeting is written, and one that contradicts the meeting is refused.
#[test]
fn every_option_of_new_and_meeting_new_reaches_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = common::demo_copy(&tmp.path().join("repo"));
    let meeting = qinqing(
        &repo,
        &[
            "meeting",
            "new",
            "--title",
            "第九十九期恳谈会",
            "--date",
            "2026-12-10",
            "--theme",
            "稳岗",
            "--level",
            "county",
            "--organiser",
            "某县营商办",
            "--session",
            "99",
            "--hosts",
            "县长,副县长",
            "--enterprises",
            "甲公司,乙公司",
            "--id",
            "HZ-M-2026-99",
            "--folder",
            "九十九期",
        ],
    );
    assert_eq!(meeting.code, 0, "{}", meeting.stderr);
    let text = std::fs::read_to_string(repo.join("cases/2026/九十九期/meeting.yaml")).unwrap();
    for line in [
        "id: HZ-M-2026-99",
        "title: 第九十九期恳谈会",
        "theme: 稳岗",
        "date: 2026-12-10",
        "level: county",
        "organiser: 某县营商办",
        "session: 99",
        "hosts: [县长, 副县长]",
        "enterprises: [甲公司, 乙公司]",
    ] {
        assert!(text.lines().any(|l| l == line), "no «{line}» in\n{text}");
    }
    let run = qinqing(
        &repo,
        &[
            "new",
            "--meeting",
            "HZ-M-2026-99",
            "--channel",
            "线上",
            "--title",
            "线上提交的问题",
            "--enterprise",
            "丙公司",
            "--credit-code",
            "91110000600037341L",
            "--contact",
            "赵某",
            "--phone",
            "13900000009",
            "--received",
            "2026-12-08",
            "--level",
            "city",
            "--category",
            "用工",
            "--handling",
            "协同解",
            "--tags",
            "共性问题,会前",
            "--description",
            "会前在线上提交",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = repo.join(run.stdout.trim());
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(file.starts_with(repo.join("cases/2026/九十九期")), "{}", file.display());
    for line in [
        "title: 线上提交的问题",
        "  name: 丙公司",
        "  credit_code: 91110000600037341L",
        "  contact: 赵某",
        "  phone: \"13900000009\"",
        "received: 2026-12-08",
        "channel: online",
        "level: city",
        "category: 用工",
        "handling: coordinated",
        "tags: [共性问题, 会前]",
        "description: 会前在线上提交",
    ] {
        assert!(text.lines().any(|l| l == line), "no «{line}» in\n{text}");
    }
    // A hotline call is not a meeting's question: refused, saying why, nothing written.
    let before = std::fs::read_dir(repo.join("cases/2026/九十九期")).unwrap().count();
    let run = qinqing(&repo, &["new", "--meeting", "HZ-M-2026-99", "--channel", "热线", "--title", "热线来电"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("与恳谈会「HZ-M-2026-99」矛盾") && run.stderr.contains("--channel"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(repo.join("cases/2026/九十九期")).unwrap().count(), before);
}

/// Two meetings with the same number in a year (the city's and a county's)
/// get folders of their own; only the same id is a duplicate.
#[test]
fn meetings_with_the_same_number_get_their_own_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = common::demo_copy(&tmp.path().join("repo"));
    let new = |id: &str, level: &str| {
        qinqing(
            &repo,
            &[
                "meeting",
                "new",
                "--title",
                "恳谈会",
                "--date",
                "2026-12-10",
                "--session",
                "1",
                "--id",
                id,
                "--level",
                level,
            ],
        )
    };
    let city = new("HZ-M-2026-C1", "city");
    assert_eq!(city.code, 0, "{}", city.stderr);
    assert_eq!(city.stdout.trim(), "cases/2026/第1期恳谈会/meeting.yaml");
    let county = new("HZ-M-2026-X1", "county");
    assert_eq!(county.code, 0, "{}", county.stderr);
    assert_eq!(county.stdout.trim(), "cases/2026/第1期恳谈会-HZ-M-2026-X1/meeting.yaml");
    assert!(
        county.stderr.contains("已有另一期恳谈会，这一期放在 cases/2026/第1期恳谈会-HZ-M-2026-X1"),
        "{}",
        county.stderr
    );
    let again = new("HZ-M-2026-C1", "city");
    assert_eq!(again.code, 2, "the same id twice is a duplicate: {}", again.stderr);
    assert!(again.stdout.contains("duplicate-id"), "{}", again.stdout);
    let asked = qinqing(&repo, &["meeting", "new", "--title", "x", "--date", "2026-12-11", "--folder", "第1期恳谈会"]);
    assert!(
        asked.code == 2 && asked.stderr.contains("已有另一期恳谈会") && asked.stderr.contains("--folder"),
        "{}",
        asked.stderr
    );
}

/// `undo` takes out the last entry and gives back the file byte for byte; an
/// entry an issued notice recorded is refused, naming the notice.
#[test]
fn undo_gives_back_the_file_and_refuses_an_issued_notice() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = common::demo_copy(&tmp.path().join("repo"));
    let file = repo.join("cases/2026/第23期恳谈会/HZ-2026-0131.yaml");
    let original = std::fs::read(&file).unwrap();
    let note = qinqing(&repo, &["note", "HZ-2026-0131", "--text", "记错了的一条", "--date", "2026-11-20"]);
    assert_eq!(note.code, 0, "{}", note.stderr);
    let dry = qinqing(&repo, &["undo", "HZ-2026-0131", "--dry-run"]);
    assert!(dry.code == 0 && dry.stdout.contains("-    text: 记错了的一条"), "{}{}", dry.stdout, dry.stderr);
    let undo = qinqing(&repo, &["undo", "HZ-2026-0131"]);
    assert_eq!(undo.code, 0, "{}", undo.stderr);
    assert!(undo.stderr.contains("已撤销 HZ-2026-0131 的最后一条记录：2026-11-20 备注"), "{}", undo.stderr);
    assert_eq!(std::fs::read(&file).unwrap(), original, "byte for byte");
    // The demo's own last note, then the supervision notice under it: that one stays.
    assert_eq!(qinqing(&repo, &["undo", "HZ-2026-0131"]).code, 0);
    let before = std::fs::read(&file).unwrap();
    let refused = qinqing(&repo, &["undo", "HZ-2026-0131"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("湖营商督〔2026〕5号") && refused.stderr.contains("不能撤销"),
        "{}",
        refused.stderr
    );
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

/// A write whose file would pass the 4 MB a case file may be is refused (the case would
/// otherwise vanish from every list), judged on the file written, not on what was typed.
#[test]
fn a_write_that_would_make_a_case_too_large_is_refused() {
    let (dir, root) = repo();
    let file = case_file(&root, "E-2");
    let text = std::fs::read_to_string(&file).unwrap();
    // Just under the limit, with a long description of its own.
    let pad = 4 * 1024 * 1024 - text.len() - 2_000;
    let big = text.replacen("title:", &format!("description: {}\ntitle:", "a".repeat(pad)), 1);
    std::fs::write(&file, &big).unwrap();
    let note = "很".repeat(1_000);
    let run = qinqing(&root, &["note", "E-2", "--text", &note]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("file-too-large") || run.stdout.contains("超过"), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), big, "nothing written");
    drop(dir);
}

/// What is typed is taken as typed or refused at its flag: a text that starts with a dash is
/// a value; a control character is refused naming the flag and the character, for a new case
/// as for an entry; `check --rev` outside git says there is no git, not that a version is missing.
#[test]
fn typed_text_is_a_value_or_refused_at_its_flag() {
    let (dir, root) = repo();
    let run = qinqing(&root, &["note", "E-2", "--text", "-2%的增长"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(std::fs::read_to_string(case_file(&root, "E-2")).unwrap().contains("text: \"-2%的增长\""));
    let bell = "甲\u{7}乙";
    for args in [
        vec!["note", "E-2", "--text", bell],
        vec!["new", "--received", "2026-07-02", "--title", "园区", "--description", bell],
    ] {
        let run = qinqing(&root, &args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("U+0007") && run.stderr.contains("（--"), "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("二进制"), "{}", run.stderr);
    }
    let outside = qinqing(&root, &["check", "--rev", "HEAD"]);
    assert_eq!(outside.code, 2);
    assert!(outside.stderr.contains("不在 git 仓库中"), "{}", outside.stderr);
    drop(dir);
}
