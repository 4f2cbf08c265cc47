//! Several files written as one step. A rename is atomic for one file only, so
//! a change to several (the cases a notice covers and the register that gives
//! it its number; a batch of records) is first written whole to a journal,
//! then applied file by file, then the journal is removed. A run killed midway
//! leaves the journal; the next command that opens the repository finishes it
//! before reading anything, so the files never disagree for longer than that.
//!
//! Written by hand: what is needed is small (a list of whole-file contents with
//! what each file must hold before), and no crate journals a handful of text
//! files with these checks.

use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::edit::Edit;
use crate::fsx::Scope;

/// The write side's own folder: the journal, the edit lock, the write
/// generation and the register's lock. Not the cache (which may be deleted at
/// any time): deleting a journal of a half-done write would leave a notice's
/// number in a case and not in the register. Created owner-only, as a journal
/// holds whole case files.
pub(crate) const DIR: &str = ".qinqing-journal";
const FILE: &str = "journal.json";
const LOCK: &str = "edit.lock";

/// The write side's folder of a repository.
pub(crate) fn dir(root: &Path) -> std::path::PathBuf {
    root.join(DIR)
}

/// Makes the folder owner-only (creating it when it is not there): a journal holds whole
/// case files, with their contacts' phones.
pub(crate) fn make_dir(scope: &Scope) -> Result<()> {
    let d = dir(scope.root());
    scope.create_dir_all(&d)?;
    // Never committed, even in a repository whose .gitignore predates the folder.
    let ignore = d.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        // Another run may have made it in between: that is as good.
        if let Err(e) = scope.write_new(&ignore, b"*\n") {
            if std::fs::symlink_metadata(&ignore).is_err() {
                return Err(e);
            }
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let owner_only = std::fs::Permissions::from_mode(0o700);
        if std::fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir() && m.permissions().mode() & 0o777 != 0o700) {
            std::fs::set_permissions(&d, owner_only).with_context(|| format!("无法设置 {DIR} 的权限"))?;
        }
    }
    Ok(())
}
/// How many writes the repository has had: a writer planned on the ledger of
/// one generation writes only if no other write came in between (its ids,
/// duplicates and references were judged against that ledger).
const GENERATION: &str = "generation";

/// Another write came since the edits were planned: nothing was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stale;

impl std::fmt::Display for Stale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "案件库在读取之后有其他写入（可能有人同时在写），为免编号重复或依据过时，未写入任何文件；请重新运行命令"
        )
    }
}

impl std::error::Error for Stale {}

/// The repository's write generation (0 before the first write).
pub(crate) fn generation(scope: &Scope) -> u64 {
    let path = dir(scope.root()).join(GENERATION);
    scope.read(&path).ok().and_then(|b| String::from_utf8(b).ok()?.trim().parse().ok()).unwrap_or(0)
}
/// A journal holds whole case files and the register; anything larger is not one qinqing wrote.
const MAX_JOURNAL_BYTES: u64 = 256 << 20;

#[derive(Serialize, Deserialize)]
struct Journal {
    files: Vec<Entry>,
}

/// One file: what it must hold before (`None`: it must not exist) and after.
#[derive(Serialize, Deserialize)]
struct Entry {
    rel: String,
    before: Option<String>,
    after: String,
}

/// Writes every edit or none: under the repository's edit lock each file must
/// still be what its edit was planned on, and — when `planned_at` is given —
/// no other write may have come since that generation; the whole change is
/// journalled, then applied, and the generation counted on.
pub(crate) fn apply(scope: &Scope, edits: &[Edit], planned_at: Option<u64>) -> Result<()> {
    let root = scope.root();
    make_dir(scope)?;
    let lock = scope.lock_file(&dir(root).join(LOCK))?;
    lock.lock().context("无法锁定案件库")?;
    let result = (|| {
        finish(scope)?;
        let now = generation(scope);
        if planned_at.is_some_and(|g| g != now) {
            return Err(anyhow::Error::new(Stale));
        }
        let mut files = Vec::with_capacity(edits.len());
        for e in edits {
            inside(root, &e.rel)?;
            let now = read(scope, &e.rel)?;
            let planned_on = if e.new { None } else { Some(e.before.as_slice()) };
            if now.as_deref() != planned_on {
                if e.new {
                    bail!("{} 已存在，未覆盖", e.rel);
                }
                bail!("{} 在读取之后被改动过（可能有人同时在改），未写入任何文件；请重新运行命令", e.rel);
            }
            let before = match planned_on {
                Some(b) => Some(String::from_utf8(b.to_vec()).with_context(|| format!("{} 不是 UTF-8 文本", e.rel))?),
                None => None,
            };
            files.push(Entry { rel: e.rel.clone(), before, after: e.after.clone() });
        }
        let journal = Journal { files };
        let path = dir(root).join(FILE);
        scope.replace(&path, &serde_json::to_vec(&journal)?)?;
        fault("journal");
        replay(scope, &journal)?;
        std::fs::remove_file(&path).with_context(|| format!("无法删除 {}", path.display()))?;
        scope.replace(&dir(root).join(GENERATION), format!("{}\n", now + 1).as_bytes())
    })();
    let _ = lock.unlock();
    result
}

/// Finishes a change a killed run left half done; the number of files it wrote.
pub(crate) fn recover(scope: &Scope) -> Result<usize> {
    let root = scope.root();
    // A journal in the cache (where an older qinqing kept it) is never replayed: CI restores
    // that folder from elsewhere, and what comes from elsewhere may not write the repository.
    let path = dir(root).join(FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(0);
    }
    make_dir(scope)?;
    let lock = scope.lock_file(&dir(root).join(LOCK))?;
    lock.lock().context("无法锁定案件库")?;
    let result = finish(scope);
    let _ = lock.unlock();
    result
}

/// Replays a journal left behind, under the lock; the files written.
fn finish(scope: &Scope) -> Result<usize> {
    let root = scope.root();
    let path = dir(root).join(FILE);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e).with_context(|| format!("无法读取 {}", path.display())),
    };
    // The journal may come with a repository someone else committed: it is never followed through a
    // link, never read whole when it is huge, and writes only case files inside the repository.
    if !meta.is_file() || meta.len() > MAX_JOURNAL_BYTES {
        bail!("{DIR}/{FILE} 不是 qinqing 写的日志（是链接、目录或过大），未补写任何文件；请核对后删除它");
    }
    let bytes = scope.read(&path).with_context(|| format!("无法读取 {}", path.display()))?;
    // The journal is written atomically: one that cannot be read was damaged afterwards
    // (a disk, a copy, a hand), and what it held is unknown. Stop, and say what to look at.
    let Ok(journal) = serde_json::from_slice::<Journal>(&bytes) else {
        bail!(
            "{DIR}/{FILE}（上次中断的写入的日志）已损坏，无法补完，未读写任何文件。请用 git status 核对案件文件和 issued.yaml 是否完整，然后删除这个文件再运行"
        );
    };
    let written = replay(scope, &journal)?;
    std::fs::remove_file(&path).with_context(|| format!("无法删除 {}", path.display()))?;
    // The interrupted write landed: it counts as one.
    let next = generation(scope) + 1;
    scope.replace(&dir(root).join(GENERATION), format!("{next}\n").as_bytes())?;
    Ok(written)
}

/// Brings each file of the journal to its new contents; a file already there is
/// left alone, and one that is neither before nor after stops the replay.
fn replay(scope: &Scope, journal: &Journal) -> Result<usize> {
    let root = scope.root();
    for entry in &journal.files {
        inside(root, &entry.rel)?;
    }
    let mut written = 0;
    for entry in &journal.files {
        let now = read(scope, &entry.rel)?;
        if now.as_deref() == Some(entry.after.as_bytes()) {
            continue;
        }
        if now.as_deref() != entry.before.as_ref().map(String::as_bytes) {
            bail!("无法补完上次中断的写入：{} 已被改动。请核对该文件，然后删除 {DIR}/{FILE}", entry.rel);
        }
        scope.replace(&root.join(&entry.rel), entry.after.as_bytes())?;
        written += 1;
        fault(&written.to_string());
    }
    Ok(written)
}

/// A file the journal may write: what qinqing writes in several files at once —
/// a case or meeting file under `cases/`, a submission, the register, the department registry —
/// named by a plain relative path, reached through no symbolic link. Never the
/// settings, the rules or anything else a journal from elsewhere would like to change.
fn inside(root: &Path, rel: &str) -> Result<()> {
    let path = Path::new(rel);
    let plain = path.components().all(|c| matches!(c, std::path::Component::Normal(_)));
    // The register is `issued.yaml` (`render::register::FILE`, a later stage).
    // Accepting an online submission writes its file under `submissions/` with the new case.
    let ours = rel.starts_with("cases/")
        || rel.starts_with("submissions/")
        || rel == "issued.yaml"
        || rel == "departments.yaml";
    if rel.is_empty() || !plain || !ours || path.extension().is_none_or(|e| e != "yaml") {
        bail!("{DIR}/{FILE} 要写的「{rel}」不是案件库内的 YAML 文件，未补写任何文件；请核对后删除它");
    }
    let mut at = root.to_path_buf();
    for part in path.components() {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!("{rel} 经过符号链接 {}，qinqing 不会通过链接写入；未补写任何文件", at.display());
        }
    }
    Ok(())
}

fn read(scope: &Scope, rel: &str) -> Result<Option<Vec<u8>>> {
    match scope.read(&scope.root().join(rel)) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("无法读取 {rel}")),
    }
}

/// Fault injection for the tests that kill a run midway: with
/// `QINQING_FAULT=journal` the process dies right after the journal is written,
/// with `QINQING_FAULT=N` right after the N-th file.
fn fault(point: &str) {
    if std::env::var("QINQING_FAULT").is_ok_and(|p| p == point) {
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::cache;

    fn edit(root: &Path, rel: &str, after: &str) -> Edit {
        let before = std::fs::read(root.join(rel)).unwrap_or_default();
        let new = !root.join(rel).exists();
        Edit { rel: rel.into(), before, after: after.into(), new }
    }

    #[test]
    fn all_files_are_written_or_none() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("cases")).unwrap();
        std::fs::write(root.join("cases/a.yaml"), "a: 1\n").unwrap();
        std::fs::write(root.join("cases/b.yaml"), "b: 1\n").unwrap();
        let edits = [
            edit(root, "cases/a.yaml", "a: 2\n"),
            edit(root, "cases/b.yaml", "b: 2\n"),
            edit(root, "cases/c/new.yaml", "c\n"),
        ];
        // b changes underneath: nothing is written.
        std::fs::write(root.join("cases/b.yaml"), "b: changed\n").unwrap();
        assert!(apply(&Scope::new(root), &edits, None).is_err());
        assert_eq!(std::fs::read_to_string(root.join("cases/a.yaml")).unwrap(), "a: 1\n");
        assert!(!root.join("cases/c/new.yaml").exists());
        let edits = [
            edit(root, "cases/a.yaml", "a: 2\n"),
            edit(root, "cases/b.yaml", "b: 2\n"),
            edit(root, "cases/c/new.yaml", "c\n"),
        ];
        apply(&Scope::new(root), &edits, None).unwrap();
        assert_eq!(std::fs::read_to_string(root.join("cases/b.yaml")).unwrap(), "b: 2\n");
        assert_eq!(std::fs::read_to_string(root.join("cases/c/new.yaml")).unwrap(), "c\n");
        assert!(!dir(root).join(FILE).exists());
        assert_eq!(std::fs::read_to_string(dir(root).join(".gitignore")).unwrap(), "*\n", "git never takes it");
    }

    #[test]
    fn a_journal_left_behind_is_finished_and_a_conflict_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("cases")).unwrap();
        std::fs::write(root.join("cases/a.yaml"), "a: 2\n").unwrap(); // already applied
        std::fs::write(root.join("cases/b.yaml"), "b: 1\n").unwrap(); // not yet
        let journal = Journal {
            files: vec![
                Entry { rel: "cases/a.yaml".into(), before: Some("a: 1\n".into()), after: "a: 2\n".into() },
                Entry { rel: "cases/b.yaml".into(), before: Some("b: 1\n".into()), after: "b: 2\n".into() },
            ],
        };
        // In the cache (restored from elsewhere in CI): never replayed.
        let old = cache::dir(root).join(FILE);
        Scope::new(root).replace(&old, &serde_json::to_vec(&journal).unwrap()).unwrap();
        assert_eq!(recover(&Scope::new(root)).unwrap(), 0);
        assert_eq!(std::fs::read_to_string(root.join("cases/b.yaml")).unwrap(), "b: 1\n");
        let path = dir(root).join(FILE);
        Scope::new(root).replace(&path, &serde_json::to_vec(&journal).unwrap()).unwrap();
        assert_eq!(recover(&Scope::new(root)).unwrap(), 1);
        assert_eq!(std::fs::read_to_string(root.join("cases/b.yaml")).unwrap(), "b: 2\n");
        assert!(!path.exists());
        assert_eq!(recover(&Scope::new(root)).unwrap(), 0);
        // A file that is neither: the journal stays for a person to look at.
        std::fs::write(root.join("cases/b.yaml"), "b: 9\n").unwrap();
        Scope::new(root).replace(&path, &serde_json::to_vec(&journal).unwrap()).unwrap();
        let err = recover(&Scope::new(root)).unwrap_err().to_string();
        assert!(err.contains("cases/b.yaml") && err.contains("已被改动"), "{err}");
        assert!(path.exists());
        // A journal damaged after it was written (cut short) stops the run, saying what to look at.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let err = recover(&Scope::new(root)).unwrap_err().to_string();
        assert!(err.contains("已损坏") && err.contains("git status"), "{err}");
        assert!(path.exists(), "kept for a person to look at");
    }

    #[cfg(unix)]
    #[test]
    fn a_committed_journal_never_writes_outside_the_repository() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, outside) = (tmp.path().join("repo"), tmp.path().join("outside"));
        std::fs::create_dir_all(root.join("cases")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("cases/link")).unwrap();
        std::fs::create_dir_all(dir(&root)).unwrap();
        let path = dir(&root).join(FILE);
        let journal_to = |rel: &str| {
            let j = Journal { files: vec![Entry { rel: rel.into(), before: None, after: "x: 1\n".into() }] };
            Scope::new(&root).replace(&path, &serde_json::to_vec(&j).unwrap()).unwrap();
        };
        for rel in [
            "../outside/a.yaml",
            "/tmp/a.yaml",
            "cases/link/a.yaml",
            "cases/a.sh",
            "",
            "qinqing.yaml",
            "rules/evil.yaml",
        ] {
            journal_to(rel);
            let err = recover(&Scope::new(&root)).unwrap_err().to_string();
            assert!(err.contains("未补写任何文件"), "{rel}: {err}");
        }
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0, "nothing written outside");
        // A journal that is a link, or too large to be one, is refused without being read.
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", &path).unwrap();
        assert!(recover(&Scope::new(&root)).unwrap_err().to_string().contains("不是 qinqing 写的日志"));
        std::fs::remove_file(&path).unwrap();
        std::fs::File::create(&path).unwrap().set_len(MAX_JOURNAL_BYTES + 1).unwrap();
        assert!(recover(&Scope::new(&root)).unwrap_err().to_string().contains("过大"));
    }
}
