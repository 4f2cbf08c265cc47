//! At a terminal, `new` and `assign` ask for what they were not given, with
//! completion from the repository; without one they never wait, they say which
//! option is missing. The terminal is a real pseudo-terminal (`script`, from
//! util-linux) fed with keystrokes.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{demo_copy, qinqing};

fn demo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let repo = demo_copy(&dir.path().join("repo"));
    (dir, repo)
}

/// Runs qinqing in a pseudo-terminal with the keystrokes as its input.
fn at_terminal(repo: &Path, args: &str, keys: &str) -> (i32, String) {
    let command = format!("{} --repo '{}' {args}", env!("CARGO_BIN_EXE_qinqing"), repo.display());
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .env_remove("QINQING_NO_PROMPT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("script (util-linux) runs");
    child.stdin.take().unwrap().write_all(keys.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string())
}

#[test]
fn missing_values_are_asked_for_with_completion() {
    let (_dir, repo) = demo();
    // Title; the received date's default (today); no enterprise; 交通 + Tab completes the category; no description.
    let (code, screen) = at_terminal(&repo, "new --channel hotline --received 2026-11-21", "园区断头路\r\r交通\t\r\r");
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("问题标题") && screen.contains("问题类别"), "{screen}");
    let file = repo.join("cases/2026/热线/HZ-2026-0176.yaml");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|_| panic!("written: {screen}"));
    assert_eq!(
        text,
        "id: HZ-2026-0176\ntitle: 园区断头路\nreceived: 2026-11-21\nchannel: hotline\ncategory: 交通出行\n"
    );
    // The lead department completes from the registry: 住房 + Tab is 市住房和城乡建设局.
    let (code, screen) = at_terminal(&repo, "assign HZ-2026-0176 --date 2026-11-23", "住房\t\r");
    assert_eq!(code, 0, "{screen}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.ends_with("    event: assigned\n    lead: 市住房和城乡建设局\n"), "{text}");
}

#[test]
fn without_a_terminal_a_missing_value_is_an_error_not_a_wait() {
    let (_dir, repo) = demo();
    let run = qinqing(&repo, &["new", "--channel", "hotline", "--received", "2026-11-21"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("缺少 --title"), "{}", run.stderr);
    let run = qinqing(&repo, &["assign", "HZ-2026-0161"]);
    assert!(run.code == 2 && run.stderr.contains("缺少 --lead"), "{}", run.stderr);
}

#[test]
fn the_description_can_be_written_in_the_editor() {
    let (dir, repo) = demo();
    // An "editor" that writes two lines above the instructions, as a person would.
    let editor = dir.path().join("editor.sh");
    std::fs::write(&editor, "#!/bin/sh\nprintf '主干道未打通，\\n货车绕行十公里。\\n%s' \"$(cat \"$1\")\" > \"$1\"\n")
        .unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(&repo)
        .args(["new", "--title", "断头路", "--channel", "visit", "--received", "2026-11-21", "--editor"])
        .env("EDITOR", format!("sh {}", editor.display()))
        .env_remove("VISUAL")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = std::fs::read_to_string(repo.join("cases/2026/走访/HZ-2026-0176.yaml")).unwrap();
    assert!(text.ends_with("description: |\n  主干道未打通，\n  货车绕行十公里。\n"), "{text}");
    // The draft is gone from the cache folder.
    let left: Vec<_> = std::fs::read_dir(repo.join(".qinqing-cache"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("描述-"))
        .collect();
    assert!(left.is_empty());
    // An editor that leaves bytes that are not text, or far too many, writes nothing.
    for (name, script, said) in [
        ("binary.sh", "#!/bin/sh\nprintf '\\377\\376bad' > \"$1\"\n", "须为 UTF-8"),
        ("huge.sh", "#!/bin/sh\nhead -c 5000000 /dev/zero | tr '\\0' 'a' > \"$1\"\n", "编辑后的文字过大"),
    ] {
        let editor = dir.path().join(name);
        std::fs::write(&editor, script).unwrap();
        let run = Command::new(env!("CARGO_BIN_EXE_qinqing"))
            .arg("--repo")
            .arg(&repo)
            .args(["new", "--title", "另一件", "--channel", "visit", "--received", "2026-11-21", "--editor"])
            .env("EDITOR", format!("sh {}", editor.display()))
            .env_remove("VISUAL")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(said), "{name}: {stderr}");
        assert!(!repo.join("cases/2026/走访/HZ-2026-0177.yaml").exists(), "{name}");
    }
}

#[test]
fn init_asks_for_the_office_and_which_name_the_red_mark_shows() {
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("县库");
    // Full name; short name; ↓ picks the short name for the mark.
    let (code, screen) = at_terminal(
        dir.path(),
        &format!("init '{}'", new.display()),
        "长兴县优化营商环境工作领导小组办公室\r县营商办\r\x1b[B\r",
    );
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("发文机关全称") && screen.contains("红头"), "{screen}");
    let settings = std::fs::read_to_string(new.join("qinqing.yaml")).unwrap();
    assert!(settings.contains("  name: 长兴县优化营商环境工作领导小组办公室\n"), "{settings}");
    assert!(settings.contains("  short: 县营商办 "), "{settings}");
    assert!(settings.contains("  mark: 县营商办 "), "{settings}");
}
