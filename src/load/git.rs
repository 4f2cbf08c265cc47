//! A repository as it was at a git revision, read without touching the work
//! tree or the index: `git archive` of the revision's tree (below the folder
//! the repository lives in) unpacked into a temporary folder, which `load`
//! then reads like any repository.
//!
//! The git command rather than a library (gix): every machine that has the
//! repository's history has git, the command's behaviour is what users and CI
//! already know, and reading a revision is two plumbing calls.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};

/// A revision unpacked in a temporary folder (removed when dropped).
pub(crate) struct Revision {
    /// The folder holding the repository as it was.
    pub(crate) dir: tempfile::TempDir,
    /// The full commit id.
    pub(crate) commit: String,
}

/// Runs git in a folder and gives its standard output.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("无法运行 git：请安装 git")?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}

/// The commit a revision names, checked to be one.
pub(crate) fn commit_of(root: &Path, rev: &str) -> Result<String> {
    // A revision that looks like an option is not passed on as one.
    if rev.starts_with('-') || rev.trim().is_empty() {
        bail!("版本「{rev}」无效");
    }
    let out = git(root, &["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{rev}^{{commit}}")])
        .map_err(|_| anyhow!("在 git 历史中找不到版本「{rev}」"))?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The repository's folder relative to the top of its git work tree ("" at the top), with `/`.
pub(crate) fn prefix(root: &Path) -> Result<String> {
    let out =
        git(root, &["rev-parse", "--show-prefix"]).map_err(|e| anyhow!("{} 不在 git 仓库中：{e}", root.display()))?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The repository as it was at `rev`.
pub(crate) fn checkout(root: &Path, rev: &str) -> Result<Revision> {
    let commit = commit_of(root, rev)?;
    let prefix = prefix(root)?;
    let tree = if prefix.is_empty() { commit.clone() } else { format!("{commit}:{}", prefix.trim_end_matches('/')) };
    let dir = tempfile::Builder::new().prefix("qinqing-rev-").tempdir()?;
    // git's archive streams straight into tar: a large repository is never held in memory.
    let mut archive = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["archive", "--format=tar", &tree])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("无法运行 git：请安装 git")?;
    let stream = archive.stdout.take().ok_or_else(|| anyhow!("无法读取 git archive 的输出"))?;
    let unpacked = Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(dir.path())
        .stdin(Stdio::from(stream))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .context("无法运行 tar")?;
    let archived = archive.wait_with_output()?;
    if !archived.status.success() {
        bail!("无法读出版本 {rev}：{}", String::from_utf8_lossy(&archived.stderr).trim());
    }
    if !unpacked.status.success() {
        bail!("无法展开版本 {rev}：{}", String::from_utf8_lossy(&unpacked.stderr).trim());
    }
    if !dir.path().join(crate::load::SETTINGS_FILE).is_file() {
        bail!("版本 {rev} 中没有 {}：那时这里还不是案件库", crate::load::SETTINGS_FILE);
    }
    Ok(Revision { dir, commit })
}

/// Who committed a version of a file, and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Commit {
    pub(crate) id: String,
    pub(crate) author: String,
    pub(crate) email: String,
    /// The commit date, as git records it (ISO 8601 with its offset).
    pub(crate) date: String,
}

/// Every committed version of a file, oldest first, following renames: the
/// commit and the file's text then (`None` where the commit deleted it).
pub(crate) fn file_history(root: &Path, rel: &str) -> Result<Vec<(Commit, Option<String>)>> {
    let log = git(
        root,
        &[
            "-c",
            "core.quotepath=false",
            "log",
            "--follow",
            "--name-status",
            "--format=%x1e%H%x1f%an%x1f%ae%x1f%cI",
            "--",
            rel,
        ],
    )?;
    let log = String::from_utf8_lossy(&log);
    let mut out = Vec::new();
    for record in log.split('\u{1e}').filter(|r| !r.trim().is_empty()) {
        let mut lines = record.lines();
        let head: Vec<&str> = lines.next().unwrap_or("").split('\u{1f}').collect();
        let [id, author, email, date] = head[..] else { continue };
        // The path at that commit (relative to the top of the work tree) and whether it was deleted there.
        let status = lines.find(|l| !l.trim().is_empty()).unwrap_or("");
        let code = status.split('\t').next().unwrap_or("");
        // A rename lists the old path then the new one: the file's path is the last.
        let path = status.rsplit('\t').next().filter(|p| *p != code).unwrap_or("").to_string();
        let commit =
            Commit { id: id.to_string(), author: author.to_string(), email: email.to_string(), date: date.to_string() };
        if code.starts_with('D') || path.is_empty() {
            out.push((commit, None));
            continue;
        }
        let text = git(root, &["show", &format!("{id}:{path}")]).ok().map(|b| String::from_utf8_lossy(&b).into_owned());
        out.push((commit, text));
    }
    out.reverse();
    Ok(out)
}
