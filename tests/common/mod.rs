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

/// A copy of the demonstration repository's cases, rules, settings and registry at `repo`.
pub fn demo_copy(repo: &Path) -> PathBuf {
    for part in ["cases", "rules"] {
        copy_tree(&root().join(part), &repo.join(part));
    }
    for file in ["qinqing.yaml", "departments.yaml"] {
        std::fs::copy(root().join(file), repo.join(file)).expect("copy");
    }
    repo.to_path_buf()
}

/// One line of text on a page, as poppler reads it back.
#[derive(Debug, Clone)]
pub struct Line {
    pub top: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub text: String,
}

/// Runs a tool and returns its output; panics with its error when it fails.
pub fn tool(cmd: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The pages' lines, top to bottom; pieces poppler splits at one height are joined.
pub fn pages(pdf: &Path) -> Vec<Vec<Line>> {
    let xml = String::from_utf8(tool("pdftotext", &["-bbox-layout", pdf.to_str().unwrap(), "-"])).unwrap();
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        tag.split(&key).nth(1).and_then(|r| r.split('"').next()).and_then(|v| v.parse().ok()).unwrap_or(0.0)
    };
    xml.split("<page ")
        .skip(1)
        .map(|page| {
            let mut pieces: Vec<Line> = page
                .split("<line ")
                .skip(1)
                .map(|l| {
                    let head = l.split('>').next().unwrap_or("");
                    let text: String = l
                        .split("<word ")
                        .skip(1)
                        .map(|w| w.split_once('>').map(|(_, t)| t.split("</word>").next().unwrap_or("")).unwrap_or(""))
                        .collect::<String>()
                        .replace("&amp;", "&")
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&quot;", "\"");
                    let top = attr(head, "yMin");
                    Line {
                        top,
                        height: attr(head, "yMax") - top,
                        left: attr(head, "xMin"),
                        right: attr(head, "xMax"),
                        text,
                    }
                })
                .collect();
            pieces.sort_by(|a, b| a.top.total_cmp(&b.top).then(a.left.total_cmp(&b.left)));
            let mut lines: Vec<Line> = Vec::new();
            for p in pieces {
                match lines.last_mut() {
                    Some(l) if (l.top - p.top).abs() < 0.5 && (l.height - p.height).abs() < 0.5 => {
                        l.right = l.right.max(p.right);
                        l.text.push_str(&p.text);
                    }
                    _ => lines.push(p),
                }
            }
            lines
        })
        .collect()
}

/// Every file below a folder, in path order.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// Every file below a folder with its bytes: to see that a run changed nothing there.
pub fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files(dir).into_iter().map(|f| (f.clone(), std::fs::read(&f).expect("read"))).collect()
}
