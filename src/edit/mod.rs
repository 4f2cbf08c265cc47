//! The write side: a command (an event to record) becomes the lines to add to
//! a case file; the edit is applied to a copy, the repository is checked with
//! the copy in place, and only then is the file written — through the one
//! atomic writer, refusing if the file changed since it was read.

pub(crate) mod append;
pub(crate) mod create;
pub(crate) mod import;
pub(crate) mod journal;
pub(crate) mod lists;
pub(crate) mod scalar;
pub(crate) mod update;

use anyhow::{bail, Context, Result};

use crate::fsx::Scope;

pub(crate) use append::{FieldValue, NewEvent};

/// An edit of one file, planned and not yet written.
#[derive(Debug)]
pub(crate) struct Edit {
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
pub(crate) fn add_event(scope: &Scope, rel: &str, event: &NewEvent) -> Result<Edit> {
    let root = scope.root();
    let before = scope.read(&root.join(rel)).with_context(|| format!("无法读取 {rel}"))?;
    let text = std::str::from_utf8(&before).with_context(|| format!("{rel} 不是 UTF-8 文本"))?;
    let after = append::append_event(text, event).map_err(|e| anyhow::anyhow!("{rel}：{e}"))?;
    Ok(Edit { rel: rel.to_string(), before, after, new: false })
}

/// Plans setting fields of a case file (`import --update`), changing only their lines.
pub(crate) fn set_fields(scope: &Scope, rel: &str, fields: &[update::SetField]) -> Result<Edit> {
    let root = scope.root();
    let before = scope.read(&root.join(rel)).with_context(|| format!("无法读取 {rel}"))?;
    let text = std::str::from_utf8(&before).with_context(|| format!("{rel} 不是 UTF-8 文本"))?;
    let after = update::set_fields(text, fields).map_err(|e| anyhow::anyhow!("{rel}：{e}"))?;
    Ok(Edit { rel: rel.to_string(), before, after, new: false })
}

/// Plans lines added at the end of a file (a submission's decision): the file's
/// own line ends kept, a last line without one given one, nothing else changed.
pub(crate) fn append_lines(scope: &Scope, rel: &str, lines: &str) -> Result<Edit> {
    let root = scope.root();
    let before = scope.read(&root.join(rel)).with_context(|| format!("无法读取 {rel}"))?;
    let text = std::str::from_utf8(&before).with_context(|| format!("{rel} 不是 UTF-8 文本"))?;
    let crlf = text.contains("\r\n");
    let mut after = text.to_string();
    let end = if crlf { "\r\n" } else { "\n" };
    if !after.is_empty() && !after.ends_with('\n') {
        after.push_str(end);
    }
    for line in lines.lines() {
        after.push_str(line);
        after.push_str(end);
    }
    Ok(Edit { rel: rel.to_string(), before, after, new: false })
}

/// Plans a new file; one that exists already is refused.
pub(crate) fn new_file(scope: &Scope, rel: &str, text: String) -> Result<Edit> {
    let root = scope.root();
    if std::fs::symlink_metadata(root.join(rel)).is_ok() {
        bail!("{rel} 已存在，未覆盖");
    }
    Ok(Edit { rel: rel.to_string(), before: Vec::new(), after: text, new: true })
}

/// The repository checked once with every edit in place: the problems at error
/// severity that would stop them. The slow, obvious way, kept as the property
/// test's oracle for [`crate::check::verdict`], which writes use — in an edited file, or in the files every case
/// depends on (settings, which also number new files, and the department registry).
#[cfg(test)]
pub(crate) fn check_edits(root: &std::path::Path, edits: &[Edit]) -> Result<Vec<crate::diag::Diagnostic>> {
    use crate::diag::{Diagnostic, Severity};
    use crate::load::{self, LoadOptions};
    let overlay = edits.iter().map(|e| (e.rel.clone(), e.after.clone().into_bytes())).collect();
    let checked = crate::check::check(load::load(root, LoadOptions { overlay, ..LoadOptions::default() })?);
    let mut depends: Vec<&str> = edits.iter().map(|e| e.rel.as_str()).collect();
    depends.extend([load::SETTINGS_FILE, "departments.yaml"]);
    let stops = |d: &Diagnostic| d.severity == Severity::Error && depends.contains(&d.file.as_str());
    Ok(checked.diagnostics.into_iter().filter(stops).collect())
}

/// Writes every edit or none: under the repository's edit lock each file must
/// still be what its edit was planned on, else nothing is written (see [`journal`]).
pub(crate) fn write(scope: &Scope, edits: &[Edit], planned_at: Option<u64>) -> Result<()> {
    journal::apply(scope, edits, planned_at)
}
