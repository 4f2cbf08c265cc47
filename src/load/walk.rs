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
    /// Temporary files a killed run left (`fsx::TEMP_PREFIX`), for the session to remove.
    pub(crate) left_behind: Vec<PathBuf>,
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
            Entry::LeftBehind(path) => out.left_behind.push(path),
        }
    }
    out
}

enum Entry {
    File(PathBuf, Option<cache::Stamp>),
    Problem(Diagnostic),
    LeftBehind(PathBuf),
}

fn walk(root: &Path, inside: &Path, dir: &Path, recursive: bool) -> Vec<Entry> {
    let Ok(read) = std::fs::read_dir(dir) else { return Vec::new() };
    let (entries, hidden): (Vec<std::fs::DirEntry>, Vec<std::fs::DirEntry>) =
        read.filter_map(|e| e.ok()).partition(|e| !e.file_name().to_string_lossy().starts_with('.'));
    let left_behind: Vec<Entry> = hidden
        .iter()
        .filter(|e| crate::fsx::is_left_behind(&e.file_name().to_string_lossy()))
        .map(|e| Entry::LeftBehind(e.path()))
        .collect();
    let mut entries = entries;
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
        .collect::<Vec<Entry>>()
        .into_iter()
        .chain(left_behind)
        .collect()
}

/// Where a link leads, when that is a file or folder inside the repository;
/// otherwise the problem to report (a link that leads nowhere, or outside).
fn link_target(inside: &Path, path: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
    match path.canonicalize() {
        Ok(target) if target.starts_with(inside) => Ok(target),
        Ok(target) => Err(Diagnostic::error(
            "link-outside-repository",
            rel,
            Pos::start(),
            format!("符号链接指向案件库以外（{}），未读取", target.display()),
        )
        .with_hint("案件库只读自己目录中的文件；请把文件复制进来")),
        Err(_) => Err(Diagnostic::error("broken-link", rel, Pos::start(), "符号链接指向的文件不存在，未读取")
            .with_hint("请删除这个链接，或让它指向案件库中的文件")),
    }
}

/// A link: read when it leads to a YAML file inside the repository. A link to
/// a file that is not YAML is passed over like the file would be.
fn link(root: &Path, inside: &Path, path: PathBuf, recursive: bool) -> Option<Entry> {
    let rel = relative(root, &path);
    match link_target(inside, &path, &rel) {
        Err(_) if !is_yaml(&path) && !path.is_dir() => None,
        Err(problem) => Some(Entry::Problem(problem)),
        // Following a folder link could read a folder twice or loop; the files belong where they are.
        Ok(target) if target.is_dir() => recursive.then(|| {
            Entry::Problem(
                Diagnostic::error("linked-folder", &rel, Pos::start(), "符号链接指向文件夹，未读取其中的文件")
                    .with_hint("请把案件放在这个文件夹本身里，不要用链接"),
            )
        }),
        Ok(_) if !is_yaml(&path) => None,
        Ok(_) => {
            let stamp = std::fs::metadata(&path).ok().map(|m| cache::Stamp::of(&m));
            Some(Entry::File(path, stamp))
        }
    }
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
    link_target(&inside, &path, rel).err()
}
