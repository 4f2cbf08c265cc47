//! Finding a repository's YAML files. A link is read when it leads to a file
//! inside the repository and reported when it does not; nothing is skipped
//! without a word but hidden entries and files that are not YAML.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Pos};
use crate::load::{cache, relative};

/// The YAML files below a folder, in name order, and what could not be read.
#[derive(Default)]
pub(crate) struct Walked {
    /// Each file with its stamp (of the file a link leads to).
    pub(crate) files: Vec<(PathBuf, Option<cache::Stamp>)>,
    /// Links that lead outside the repository, nowhere, or to a folder.
    pub(crate) problems: Vec<Diagnostic>,
}

/// `.yaml` or `.yml`, in any case (`.YAML` from a Windows tool is YAML too).
pub(crate) fn is_yaml(path: &Path) -> bool {
    path.extension()
        .and_then(|x| x.to_str())
        .is_some_and(|x| x.eq_ignore_ascii_case("yaml") || x.eq_ignore_ascii_case("yml"))
}

/// Every YAML file below `dir` (below its subfolders too when `recursive`).
/// Folders are read in parallel and files are stat'ed relative to their
/// folder, which is what makes a warm `check` on 100,000 files quick.
pub(crate) fn yaml_files(root: &Path, dir: &Path, recursive: bool) -> Walked {
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let entries = walk(root, &inside, dir, recursive);
    let mut out = Walked::default();
    for e in entries {
        match e {
            Entry::File(path, stamp) => out.files.push((path, stamp)),
            Entry::Problem(d) => out.problems.push(d),
        }
    }
    out
}

enum Entry {
    File(PathBuf, Option<cache::Stamp>),
    Problem(Diagnostic),
}

fn walk(root: &Path, inside: &Path, dir: &Path, recursive: bool) -> Vec<Entry> {
    let Ok(read) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut entries: Vec<std::fs::DirEntry> =
        read.filter_map(|e| e.ok()).filter(|e| !e.file_name().to_string_lossy().starts_with('.')).collect();
    entries.sort_by_key(|e| e.file_name());
    entries
        .par_iter()
        .flat_map_iter(|entry| {
            let path = entry.path();
            match entry.file_type() {
                Ok(k) if k.is_dir() => {
                    if recursive {
                        walk(root, inside, &path, recursive)
                    } else {
                        Vec::new()
                    }
                }
                Ok(k) if k.is_file() && is_yaml(&path) => {
                    let stamp = entry.metadata().ok().map(|m| cache::Stamp::of(&m));
                    vec![Entry::File(path, stamp)]
                }
                Ok(k) if k.is_symlink() => link(root, inside, path, recursive).into_iter().collect(),
                _ => Vec::new(),
            }
        })
        .collect()
}

/// A link: read when it leads to a YAML file inside the repository.
fn link(root: &Path, inside: &Path, path: PathBuf, recursive: bool) -> Option<Entry> {
    let rel = relative(root, &path);
    let problem = |code: &str, message: String, hint: &str| {
        Some(Entry::Problem(Diagnostic::error(code, &rel, Pos::start(), message).with_hint(hint)))
    };
    let target = match path.canonicalize() {
        Ok(t) => t,
        Err(_) if is_yaml(&path) => {
            return problem(
                "broken-link",
                "符号链接指向的文件不存在，未读取".into(),
                "请删除这个链接，或让它指向案件库中的文件",
            );
        }
        Err(_) => return None,
    };
    if !target.starts_with(inside) {
        if !is_yaml(&path) && !target.is_dir() {
            return None;
        }
        return problem(
            "link-outside-repository",
            format!("符号链接指向案件库以外（{}），未读取", target.display()),
            "案件库只读自己目录中的文件；请把文件复制进来",
        );
    }
    if target.is_dir() {
        // Following a folder link could read a folder twice or loop; the files belong where they are.
        return recursive.then(|| {
            Entry::Problem(
                Diagnostic::error("linked-folder", &rel, Pos::start(), "符号链接指向文件夹，未读取其中的文件")
                    .with_hint("请把案件放在这个文件夹本身里，不要用链接"),
            )
        });
    }
    if !is_yaml(&path) {
        return None;
    }
    let stamp = std::fs::metadata(&path).ok().map(|m| cache::Stamp::of(&m));
    Some(Entry::File(path, stamp))
}

/// A problem when a file named directly (`qinqing.yaml`, `departments.yaml`)
/// is a link that leads outside the repository.
pub(crate) fn leads_outside(root: &Path, rel: &str) -> Option<Diagnostic> {
    let path = root.join(rel);
    let linked = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    if !linked {
        return None;
    }
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    match path.canonicalize() {
        Ok(target) if target.starts_with(&inside) => None,
        Ok(target) => Some(
            Diagnostic::error(
                "link-outside-repository",
                rel,
                Pos::start(),
                format!("符号链接指向案件库以外（{}），未读取", target.display()),
            )
            .with_hint("案件库只读自己目录中的文件；请把文件复制进来"),
        ),
        Err(_) => Some(
            Diagnostic::error("broken-link", rel, Pos::start(), "符号链接指向的文件不存在，未读取")
                .with_hint("请删除这个链接，或让它指向案件库中的文件"),
        ),
    }
}
