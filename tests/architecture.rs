//! The pipeline's shape, enforced: every module imports only from the stages
//! before it (docs/architecture.md), and clap stays in the command line.

use std::path::{Path, PathBuf};

/// The stages in pipeline order; a module may use its own stage and earlier ones.
const STAGES: &[&[&str]] = &[
    &["diag", "calendar", "text", "fsx", "git", "timing"],
    &["model"],
    &["load"],
    &["check"],
    &["edit"],
    &["report"],
    &["render"],
    &["output"],
    &["command"],
    // The front ends: the command line, and the web server it starts.
    &["cli", "serve"],
];

fn rank(module: &str) -> Option<usize> {
    STAGES.iter().position(|s| s.contains(&module))
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a source file belongs to.
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
    first.trim_end_matches(".rs").to_string()
}

/// A file's code without its unit tests (fixtures there may come from any stage).
fn code(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn sources() -> Vec<PathBuf> {
    walkdir::WalkDir::new(src())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn no_module_imports_from_a_later_stage() {
    let mut wrong = Vec::new();
    let mut seen = 0;
    for file in sources() {
        let module = module_of(&file);
        if module == "lib" || module == "main" {
            continue;
        }
        let own = rank(&module).unwrap_or_else(|| panic!("{module} is in no stage: add it to STAGES and the docs"));
        let text = code(&file);
        for (at, _) in text.match_indices("crate::") {
            let used: String = text[at + 7..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            seen += 1;
            match rank(&used) {
                Some(r) if r <= own => {}
                _ => {
                    wrong.push(format!("{}: {module} uses crate::{used}", file.strip_prefix(src()).unwrap().display()))
                }
            }
        }
    }
    assert!(seen > 100, "the scan found the imports ({seen})");
    assert!(wrong.is_empty(), "imports against the pipeline:\n{}", wrong.join("\n"));
}

#[test]
fn clap_stays_in_the_command_line() {
    for file in sources() {
        let module = module_of(&file);
        if module != "cli" && module != "main" {
            assert!(!code(&file).contains("clap"), "{} mentions clap", file.display());
        }
    }
}

/// The command line parses flags, calls the command stage, prints and maps
/// outcomes to exit codes: it writes no file, checks no repository and runs no git.
#[test]
fn the_command_line_only_wires() {
    let forbidden = [
        "std::fs::write",
        "fsx::",
        "Scope::new",
        "write_new(",
        ".replace(&",
        "load::load(",
        "check::check(",
        "check_edits",
        "edit::write",
        "journal::",
        "\"git\"",
        "git::Git",
    ];
    let mut wrong = Vec::new();
    for file in sources() {
        if !matches!(module_of(&file).as_str(), "cli" | "serve") {
            continue;
        }
        let text = code(&file);
        for f in forbidden {
            if text.contains(f) {
                wrong.push(format!("{}: {f}", file.strip_prefix(src()).unwrap().display()));
            }
        }
    }
    assert!(wrong.is_empty(), "a front end does what the command stage should:\n{}", wrong.join("\n"));
}
