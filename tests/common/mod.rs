//! Helpers shared by the integration tests: run the real binary on a fixture.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The project root, which is also the demonstration repository.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture repository.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// What a run of the binary gave.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `qinqing` with arguments in a repository (no colour, no cache unless asked).
pub fn qinqing(repo: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .arg("--repo")
        .arg(repo)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs");
    Run {
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        code: out.status.code().unwrap_or(-1),
    }
}

/// `check --format json` parsed.
pub fn check_json(repo: &Path, as_of: &str, extra: &[&str]) -> (serde_json::Value, i32) {
    let mut args = vec!["check", "--no-cache", "--format", "json", "--as-of", as_of];
    args.extend_from_slice(extra);
    let run = qinqing(repo, &args);
    let value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("JSON output ({e}): {}", run.stdout));
    (value, run.code)
}

/// Copies a directory tree (for tests that write into a repository).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        if rel.components().any(|c| {
            c.as_os_str() == "target"
                || c.as_os_str() == ".git"
                || c.as_os_str() == ".qinqing-cache"
                || c.as_os_str() == "output"
        }) {
            continue;
        }
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}
