//! The write side: a command (an event to record) becomes the lines to add to
//! a case file; the edit is applied to a copy, the repository is checked with
//! the copy in place, and only then is the file written — through the one
//! atomic writer, refusing if the file changed since it was read.

pub(crate) mod append;
pub(crate) mod create;
pub(crate) mod scalar;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::check::check;
use crate::diag::{Diagnostic, Severity};
use crate::load::{self, LoadOptions};

pub(crate) use append::{FieldValue, NewEvent};

/// An edit of one file, planned and not yet written.
#[derive(Debug)]
pub(crate) struct Edit {
    /// The repository root.
    pub(crate) root: PathBuf,
    /// The file, relative to the root, with `/`.
    pub(crate) rel: String,
    /// The file as it was read.
    pub(crate) before: Vec<u8>,
    /// The file as it will be written.
    pub(crate) after: String,
    /// Whether the file is new (and must not exist when written).
    pub(crate) new: bool,
}

impl Edit {
    fn path(&self) -> PathBuf {
        self.root.join(&self.rel)
    }

    /// The change as a unified diff, as `git diff` would show it: one hunk, the
    /// added lines (and an old last line that gains its line break).
    pub(crate) fn diff(&self) -> String {
        let before = String::from_utf8_lossy(&self.before);
        let old: Vec<&str> = before.split_inclusive('\n').collect();
        let new: Vec<&str> = self.after.split_inclusive('\n').collect();
        let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        let tail = old[head..].iter().rev().zip(new[head..].iter().rev()).take_while(|(a, b)| a == b).count();
        let (removed, added) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
        let from = if self.new { "/dev/null".to_string() } else { format!("a/{}", self.rel) };
        let start = |n: usize| if n == 0 { head } else { head + 1 };
        let mut out = format!(
            "--- {from}\n+++ b/{}\n@@ -{},{} +{},{} @@\n",
            self.rel,
            start(removed.len()),
            removed.len(),
            start(added.len()),
            added.len()
        );
        for (sign, lines) in [('-', removed), ('+', added)] {
            for line in lines {
                out.push(sign);
                out.push_str(line.trim_end_matches(['\r', '\n']));
                out.push('\n');
                if !line.ends_with('\n') {
                    out.push_str("\\ No newline at end of file\n");
                }
            }
        }
        out
    }
}

/// Plans the addition of an event to a case's file.
pub(crate) fn add_event(root: &Path, rel: &str, event: &NewEvent) -> Result<Edit> {
    let before = std::fs::read(root.join(rel)).with_context(|| format!("无法读取 {rel}"))?;
    let text = std::str::from_utf8(&before).with_context(|| format!("{rel} 不是 UTF-8 文本"))?;
    let after = append::append_event(text, event).map_err(|e| anyhow::anyhow!("{rel}：{e}"))?;
    Ok(Edit { root: root.to_path_buf(), rel: rel.to_string(), before, after, new: false })
}

/// Plans a new file; one that exists already is refused.
pub(crate) fn new_file(root: &Path, rel: &str, text: String) -> Result<Edit> {
    if std::fs::symlink_metadata(root.join(rel)).is_ok() {
        bail!("{rel} 已存在，未覆盖");
    }
    Ok(Edit { root: root.to_path_buf(), rel: rel.to_string(), before: Vec::new(), after: text, new: true })
}

/// The repository checked once with every edit in place: the problems at error
/// severity that stop them — in an edited file, or in the files every case
/// depends on (settings, which also number new files, and the department registry).
pub(crate) fn check_edits(edits: &[Edit]) -> Result<Vec<Diagnostic>> {
    let Some(first) = edits.first() else { return Ok(Vec::new()) };
    let overlay = edits.iter().map(|e| (e.rel.clone(), e.after.clone().into_bytes())).collect();
    let checked = check(load::load(&first.root, LoadOptions { overlay, ..LoadOptions::default() })?);
    let mut depends: Vec<&str> = edits.iter().map(|e| e.rel.as_str()).collect();
    depends.extend([load::SETTINGS_FILE, "departments.yaml"]);
    let stops = |d: &Diagnostic| d.severity == Severity::Error && depends.contains(&d.file.as_str());
    Ok(checked.diagnostics.into_iter().filter(stops).collect())
}

/// Writes the edit: under the repository's edit lock, the file is read again and
/// must still be what the edit was planned on, else nothing is written.
pub(crate) fn write(edit: &Edit) -> Result<()> {
    let lock = crate::fsx::lock_file(&load::cache::dir(&edit.root).join("edit.lock"))?;
    lock.lock().context("无法锁定案件库")?;
    let result = (|| {
        if edit.new {
            return crate::fsx::write_new(&edit.path(), edit.after.as_bytes());
        }
        let now = std::fs::read(edit.path()).with_context(|| format!("无法读取 {}", edit.rel))?;
        if now != edit.before {
            bail!("{} 在读取之后被改动过（可能有人同时在改），未写入；请重新运行命令", edit.rel);
        }
        crate::fsx::replace(&edit.path(), edit.after.as_bytes())
    })();
    let _ = lock.unlock();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EventType;

    fn note(text: &str) -> NewEvent {
        let date = "2026-06-05".parse().unwrap();
        NewEvent { date, kind: EventType::Note, fields: vec![("text", FieldValue::Text(text.into()))] }
    }

    #[test]
    fn a_file_changed_after_it_was_read_is_not_written_and_keeps_the_change() {
        let dir = tempfile::tempdir().unwrap();
        let rel = "cases/A-1.yaml";
        std::fs::create_dir_all(dir.path().join("cases")).unwrap();
        std::fs::write(dir.path().join(rel), "id: A-1\ntitle: 甲\n").unwrap();
        // Two writers plan on the same bytes; the first wins, the second refuses and loses nothing.
        let first = add_event(dir.path(), rel, &note("先写")).unwrap();
        let second = add_event(dir.path(), rel, &note("后写")).unwrap();
        write(&first).unwrap();
        let err = write(&second).unwrap_err().to_string();
        assert!(err.contains("被改动过"), "{err}");
        let now = std::fs::read_to_string(dir.path().join(rel)).unwrap();
        assert!(now.contains("先写") && !now.contains("后写"), "{now}");
        // A hand edit in between is kept too.
        let third = add_event(dir.path(), rel, &note("第三")).unwrap();
        std::fs::write(dir.path().join(rel), format!("{now}# 手工加的注释\n")).unwrap();
        assert!(write(&third).is_err());
        assert!(std::fs::read_to_string(dir.path().join(rel)).unwrap().ends_with("# 手工加的注释\n"));
    }

    #[test]
    fn the_diff_shows_only_the_added_lines() {
        let edit = Edit {
            root: PathBuf::from("/r"),
            rel: "cases/A.yaml".into(),
            before: b"a: 1\nb: 2\n".to_vec(),
            after: "a: 1\nx: 9\nb: 2\n".into(),
            new: false,
        };
        assert_eq!(edit.diff(), "--- a/cases/A.yaml\n+++ b/cases/A.yaml\n@@ -1,0 +2,1 @@\n+x: 9\n");
        // A last line without a line break gains one: it shows as changed, as git shows it.
        let edit = Edit { before: b"a: 1\nb: 2".to_vec(), after: "a: 1\nb: 2\nx: 9\n".into(), ..edit };
        assert_eq!(
            edit.diff(),
            "--- a/cases/A.yaml\n+++ b/cases/A.yaml\n@@ -2,1 +2,2 @@\n-b: 2\n\\ No newline at end of file\n+b: 2\n+x: 9\n"
        );
    }
}
