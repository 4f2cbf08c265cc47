//! Every use of git, in one place: a repository as it was at a revision (read
//! without touching the work tree or the index: `git archive` of the
//! revision's tree below the folder the repository lives in, unpacked into a
//! temporary folder that `load` then reads like any repository), a file's
//! committed versions (`log`, `show --who`), and committing what a command wrote.
//!
//! The git command rather than a library (gix): every machine that has the
//! repository's history has git, the command's behaviour is what users and CI
//! already know, and each use is one or two plumbing calls.

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context, Result};

/// The file that marks a repository (as `load` names it; git comes before it).
const SETTINGS_FILE: &str = "qinqing.yaml";

/// A revision unpacked in a temporary folder (removed when dropped).
pub(crate) struct Revision {
    /// The folder holding the repository as it was.
    pub(crate) dir: tempfile::TempDir,
    /// The full commit id.
    pub(crate) commit: String,
}

/// The git of a repository (the folder holding `qinqing.yaml`, anywhere in a work tree).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Git<'a> {
    root: &'a Path,
}

/// Who a commit is by, when it is not the configured git user: a web account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    /// The author's name (the account's).
    pub(crate) name: String,
    /// The author's email (the account's, or empty).
    pub(crate) email: String,
    /// Trailers after the message: `Qinqing-Actor`, `Qinqing-Role`, `Qinqing-Event`.
    pub(crate) trailers: Vec<(&'static str, String)>,
}

/// Index entries a commit made without the index needs: (path from the top of the work tree, blob).
pub(crate) type IndexEntries = Vec<(String, String)>;

/// One write to commit: the bytes of its files (relative to the root), its message and whose it is.
pub(crate) struct Write<'a> {
    pub(crate) contents: &'a [(String, Vec<u8>)],
    pub(crate) message: &'a str,
    pub(crate) signed: &'a Signature,
}

/// A commit a command made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Committed {
    /// Its id.
    pub(crate) id: String,
    /// Its subject.
    pub(crate) subject: String,
}

impl<'a> Git<'a> {
    /// The git of the repository at `root`.
    pub(crate) fn new(root: &'a Path) -> Git<'a> {
        Git { root }
    }

    /// The repository as it was at `rev`.
    pub(crate) fn checkout(&self, rev: &str) -> Result<Revision> {
        checkout(self.root, rev)
    }

    /// Whether the clone holds only part of the history (`git clone --depth`): a
    /// file's history read from it is partial, and must be said to be.
    pub(crate) fn is_shallow(&self) -> bool {
        git(self.root, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|o| o.starts_with(b"true"))
    }

    /// The commits of a range (`BASE..HEAD`), oldest first: each with its `Qinqing-Actor`
    /// and `Qinqing-Role` trailers (empty when absent) and the files it changed
    /// (status letter, path relative to the repository).
    pub(crate) fn commits_in(&self, range: &str) -> Result<Vec<Changed>> {
        if range.starts_with('-') || range.trim().is_empty() {
            bail!("版本范围「{range}」无效");
        }
        if git(self.root, &["rev-parse", "--is-inside-work-tree"]).is_err() {
            bail!("{} 不在 git 仓库中", self.root.display());
        }
        let prefix = prefix(self.root)?;
        let ids = git(self.root, &["rev-list", "--reverse", "--end-of-options", range])
            .map_err(|_| anyhow!("在 git 历史中找不到版本范围「{range}」"))?;
        let mut out = Vec::new();
        for id in String::from_utf8_lossy(&ids).split_whitespace() {
            let head = git(
                self.root,
                &[
                    "show",
                    "-s",
                    "--format=%(trailers:key=Qinqing-Actor,valueonly,separator=)%x1f%(trailers:key=Qinqing-Role,valueonly,separator=)%x1f%P",
                    id,
                ],
            )?;
            let head = String::from_utf8_lossy(&head);
            let parts: Vec<&str> = head.trim_end().split('\u{1f}').collect();
            let [actor, role, parents] = parts[..] else { continue };
            let names = git(
                self.root,
                &["-c", "core.quotepath=false", "diff-tree", "--no-commit-id", "-r", "--name-status", "-M", id],
            )?;
            let files = String::from_utf8_lossy(&names)
                .lines()
                .filter_map(|l| {
                    let (status, path) = l.split_once('\t')?;
                    // A rename lists old then new: the new path, after the repository's folder; a file
                    // outside that folder is named from the top of the work tree, marked so.
                    let path = path.rsplit('\t').next()?;
                    let rel =
                        path.strip_prefix(&prefix).map_or_else(|| format!("（案件库以外）/{path}"), str::to_string);
                    Some((status.chars().next()?, rel))
                })
                .collect();
            out.push(Changed {
                id: id.to_string(),
                actor: actor.trim().to_string(),
                role: role.trim().to_string(),
                parent: parents.split_whitespace().next().map(str::to_string),
                files,
            });
        }
        Ok(out)
    }

    /// A file's text at a commit (a path relative to the repository), if it was there.
    pub(crate) fn text_at(&self, commit: &str, rel: &str) -> Option<String> {
        let prefix = prefix(self.root).ok()?;
        git(self.root, &["show", &format!("{commit}:{prefix}{rel}")])
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// Every committed version of a file, oldest first (see [`file_history`]).
    pub(crate) fn file_history(&self, rel: &str) -> Result<Vec<(Commit, Option<String>)>> {
        file_history(self.root, rel)
    }

    /// Commits exactly these files (paths relative to the root) with a message,
    /// as the configured git user; other staged changes stay staged, uncommitted.
    pub(crate) fn commit(&self, files: &[&str], message: &str) -> Result<Committed> {
        self.commit_signed(files, message, None)
    }

    /// Commits exactly these files, as [`Git::commit`]; with a signature, the
    /// account is the author, the server the committer, and the trailers say
    /// whose step it was (`qinqing audit` reads them).
    pub(crate) fn commit_signed(&self, files: &[&str], message: &str, signed: Option<&Signature>) -> Result<Committed> {
        if let Some(s) = signed {
            return self.commit_written(files, message, s);
        }
        let mut add = vec!["add", "--"];
        add.extend(files);
        git(self.root, &add).map_err(|e| anyhow!("git add 失败：{e}"))?;
        let mut commit = vec!["commit", "--quiet", "-m", message, "--"];
        commit.extend(files);
        git(self.root, &commit).map_err(|e| anyhow!("git commit 失败：{e}"))?;
        let id = git(self.root, &["rev-parse", "HEAD"])?;
        Ok(Committed { id: String::from_utf8_lossy(&id).trim().to_string(), subject: message.to_string() })
    }

    /// Commits files a server wrote without `git add` and `git commit`, which read and rewrite the whole
    /// index twice (a quarter of a second at 100,000 files): the blobs are written, the trees of the
    /// folders they are in rebuilt from HEAD's, the commit made and HEAD moved only if it has not moved
    /// meanwhile; then the index is told of the new blobs, so the work tree stays clean. Other staged
    /// changes stay staged. Hooks do not run: what the server writes is checked by the command stage and
    /// audited in CI.
    fn commit_written(&self, files: &[&str], message: &str, signed: &Signature) -> Result<Committed> {
        let mut contents = Vec::with_capacity(files.len());
        for f in files {
            contents.push((f.to_string(), std::fs::read(self.root.join(f))?));
        }
        self.commit_contents(&contents, message, signed)
    }

    /// Commits these contents of these files (relative to the root), as [`Git::commit_signed`] does for
    /// a signed commit — whatever the files hold on disk by now: a server that wrote a file and let the
    /// next write in before committing commits what it wrote, and the next commit what that one wrote.
    pub(crate) fn commit_contents(
        &self,
        contents: &[(String, Vec<u8>)],
        message: &str,
        signed: &Signature,
    ) -> Result<Committed> {
        let (committed, entries) = self.commit_leaving_index(contents, message, signed)?;
        self.update_index(&entries)?;
        Ok(committed)
    }

    /// [`Git::commit_contents`] without telling the index: the commit, and the index entries it needs
    /// (path from the top of the work tree, blob) for [`Git::update_index`].
    pub(crate) fn commit_leaving_index(
        &self,
        contents: &[(String, Vec<u8>)],
        message: &str,
        signed: &Signature,
    ) -> Result<(Committed, IndexEntries)> {
        let text = |out: Vec<u8>| String::from_utf8_lossy(&out).trim().to_string();
        let failed = |e: anyhow::Error| anyhow!("git commit 失败：{e}");
        let head = text(git(self.root, &["rev-parse", "--verify", "HEAD"]).map_err(failed)?);
        let prefix = text(git(self.root, &["rev-parse", "--show-prefix"]).map_err(failed)?);
        let mut changed = std::collections::BTreeMap::new();
        for (rel, bytes) in contents {
            // The path gives the blob the file's attributes (line ends, filters), as `git add` would.
            let path = format!("--path={rel}");
            let blob =
                text(git_input(self.root, &["hash-object", "-w", "--stdin", &path], &[], bytes).map_err(failed)?);
            changed.insert(format!("{prefix}{rel}"), blob);
        }
        let top = format!("{head}^{{tree}}");
        let tree = self.tree_with(Some(&top), "", &changed).map_err(failed)?;
        let full = format!("{message}\n\n{}\n", trailers(signed));
        let env = [
            ("GIT_AUTHOR_NAME", signed.name.as_str()),
            ("GIT_AUTHOR_EMAIL", signed.email.as_str()),
            ("GIT_COMMITTER_NAME", "qinqing serve"),
            ("GIT_COMMITTER_EMAIL", "qinqing-serve@localhost"),
        ];
        let commit =
            text(git_input(self.root, &["commit-tree", &tree, "-p", &head], &env, full.as_bytes()).map_err(failed)?);
        // Moved only from where it was read: a commit made meanwhile is never lost.
        let reflog = format!("commit: {message}");
        git(self.root, &["update-ref", "-m", &reflog, "HEAD", &commit, &head]).map_err(failed)?;
        Ok((Committed { id: commit, subject: message.to_string() }, changed.into_iter().collect()))
    }

    /// Several writes committed one after another in one `git fast-import` run on the branch HEAD is
    /// on (a dozen git processes per commit become one per run): each its own commit, from its own
    /// bytes, by its own account. The branch is moved only if it has not moved meanwhile (fast-import
    /// refuses what would not be a fast-forward), else nothing is committed and the caller commits one
    /// by one. Returns the commits and the index entries they need (for [`Git::update_index`]).
    pub(crate) fn commit_run(&self, writes: &[Write<'_>]) -> Result<(Vec<Committed>, IndexEntries)> {
        let text = |out: Vec<u8>| String::from_utf8_lossy(&out).trim().to_string();
        let branch = text(git(self.root, &["symbolic-ref", "-q", "HEAD"])?);
        let head = text(git(self.root, &["rev-parse", "--verify", "HEAD"])?);
        let prefix = text(git(self.root, &["rev-parse", "--show-prefix"])?);
        if branch.is_empty() || head.is_empty() {
            bail!("HEAD 不在分支上");
        }
        let now = chrono::Utc::now().timestamp();
        // Names go between the header's markers: none of them inside.
        let clean = |s: &str| s.chars().filter(|c| !matches!(c, '<' | '>' | '\n' | '\r')).collect::<String>();
        let mut stream = Vec::new();
        let mut mark = 0;
        let mut blobs = Vec::new();
        let mut commits = Vec::new();
        for (n, w) in writes.iter().enumerate() {
            let mut files = Vec::new();
            for (rel, bytes) in w.contents {
                mark += 1;
                stream.extend_from_slice(format!("blob\nmark :{mark}\ndata {}\n", bytes.len()).as_bytes());
                stream.extend_from_slice(bytes);
                stream.push(b'\n');
                let path = format!("{prefix}{rel}");
                if path.contains('\n') || path.starts_with('"') {
                    bail!("文件名无法交给 git fast-import：{path}");
                }
                blobs.push((mark, path.clone()));
                files.push((mark, path));
            }
            mark += 1;
            commits.push(mark);
            let message = format!("{}\n\n{}\n", w.message, trailers(w.signed));
            stream.extend_from_slice(
                format!(
                    "commit {branch}\nmark :{mark}\nauthor {} <{}> {now} +0000\ncommitter qinqing serve <qinqing-serve@localhost> {now} +0000\ndata {}\n",
                    clean(&w.signed.name),
                    clean(&w.signed.email),
                    message.len()
                )
                .as_bytes(),
            );
            stream.extend_from_slice(message.as_bytes());
            if n == 0 {
                stream.extend_from_slice(format!("from {head}\n").as_bytes());
            }
            for (blob, path) in files {
                stream.extend_from_slice(format!("M 100644 :{blob} {path}\n").as_bytes());
            }
            stream.push(b'\n');
        }
        stream.extend_from_slice(b"done\n");
        let marks = tempfile::NamedTempFile::new()?;
        let export = format!("--export-marks={}", marks.path().display());
        // Few objects go in loose, as a commit's would (no pack per run); `gc --auto` packs them in time.
        git_input(
            self.root,
            &["-c", "fastimport.unpackLimit=1000", "fast-import", "--quiet", "--done", &export],
            &[],
            &stream,
        )?;
        let marked: std::collections::HashMap<u32, String> = std::fs::read_to_string(marks.path())?
            .lines()
            .filter_map(|l| {
                let (m, sha) = l.split_once(' ')?;
                Some((m.trim_start_matches(':').parse().ok()?, sha.trim().to_string()))
            })
            .collect();
        let id = |m: &u32| marked.get(m).cloned().ok_or_else(|| anyhow!("git fast-import 没有给出 :{m}"));
        let committed = commits
            .iter()
            .zip(writes)
            .map(|(m, w)| Ok(Committed { id: id(m)?, subject: w.message.to_string() }))
            .collect::<Result<Vec<_>>>()?;
        let entries = blobs.iter().map(|(m, path)| Ok((path.clone(), id(m)?))).collect::<Result<Vec<_>>>()?;
        // fast-import has moved the branch (it exits with an error, moving nothing, when the branch was
        // moved meanwhile): these commits are made, whatever moves it next.
        Ok((committed, entries))
    }

    /// Tells the index of blobs committed with [`Git::commit_leaving_index`] (paths from the top of the
    /// work tree; a later entry for a path wins), so the work tree shows no change: one rewrite of the
    /// index for a run of commits.
    pub(crate) fn update_index(&self, entries: &[(String, String)]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let latest: std::collections::BTreeMap<&str, &str> =
            entries.iter().map(|(p, b)| (p.as_str(), b.as_str())).collect();
        let mut index = vec!["update-index".to_string(), "--add".to_string()];
        for (path, blob) in latest {
            index.push("--cacheinfo".into());
            index.push(format!("100644,{blob},{path}"));
        }
        let index: Vec<&str> = index.iter().map(String::as_str).collect();
        let top = git(self.root, &["rev-parse", "--show-toplevel"]).map_err(|e| anyhow!("git 失败：{e}"))?;
        let top = String::from_utf8_lossy(&top).trim().to_string();
        git(Path::new(&top), &index).map_err(|e| anyhow!("git update-index 失败：{e}"))?;
        Ok(())
    }

    /// The tree of folder `dir` (relative to the top of the work tree, `""` for the top) as `head` has it,
    /// with the changed files' blobs in place; only the folders on their way are read and rebuilt.
    fn tree_with(
        &self,
        tree: Option<&str>,
        dir: &str,
        changed: &std::collections::BTreeMap<String, String>,
    ) -> Result<String> {
        // A folder the tree does not have yet starts empty; any other failure to read it stops the commit
        // (an empty listing taken for the top would commit the removal of everything else).
        let listing = match tree {
            Some(t) => git(self.root, &["ls-tree", "-z", "--full-tree", t])?,
            None => Vec::new(),
        };
        let mut entries: std::collections::BTreeMap<String, (String, String, String)> =
            std::collections::BTreeMap::new();
        for record in listing.split(|b| *b == 0).filter(|r| !r.is_empty()) {
            let record = String::from_utf8_lossy(record);
            let Some((meta, name)) = record.split_once('\t') else { continue };
            let mut meta = meta.split(' ');
            let (Some(mode), Some(kind), Some(hash)) = (meta.next(), meta.next(), meta.next()) else { continue };
            entries.insert(name.to_string(), (mode.to_string(), kind.to_string(), hash.to_string()));
        }
        let here = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let mut folders = std::collections::BTreeSet::new();
        for (path, blob) in changed.iter().filter(|(p, _)| p.starts_with(&here)) {
            match path[here.len()..].split_once('/') {
                None => {
                    let name = path[here.len()..].to_string();
                    let mode = entries.get(&name).map_or_else(|| "100644".to_string(), |e| e.0.clone());
                    entries.insert(name, (mode, "blob".into(), blob.clone()));
                }
                Some((folder, _)) => {
                    folders.insert(folder.to_string());
                }
            }
        }
        for folder in folders {
            let inner = entries.get(&folder).filter(|e| e.1 == "tree").map(|e| e.2.clone());
            let tree = self.tree_with(inner.as_deref(), &format!("{here}{folder}"), changed)?;
            entries.insert(folder, ("040000".into(), "tree".into(), tree));
        }
        let mut input = Vec::new();
        for (name, (mode, kind, hash)) in &entries {
            input.extend_from_slice(format!("{mode} {kind} {hash}\t{name}").as_bytes());
            input.push(0);
        }
        let out = git_input(self.root, &["mktree", "-z"], &[], &input)?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    /// The files under these paths (relative to the root) that differ from HEAD or git does not track.
    pub(crate) fn uncommitted(&self, paths: &[&str]) -> Result<Vec<String>> {
        let mut args = vec!["-c", "core.quotePath=false", "status", "--porcelain", "-z", "--untracked-files=all", "--"];
        args.extend(paths);
        let out = git(self.root, &args)?;
        Ok(out
            .split(|b| *b == 0)
            .filter(|r| r.len() > 3)
            .map(|r| String::from_utf8_lossy(&r[3..]).into_owned())
            .collect())
    }

    /// The first parent of a commit.
    pub(crate) fn parent_of(&self, commit: &str) -> Option<String> {
        git(self.root, &["rev-parse", "--verify", "--quiet", &format!("{commit}^")])
            .ok()
            .map(|o| String::from_utf8_lossy(&o).trim().to_string())
    }

    /// Lets git pack what commits made loose, when it thinks it is time (`git gc --auto`: nothing most times).
    pub(crate) fn tidy(&self) -> Result<()> {
        git(self.root, &["gc", "--auto", "--quiet"]).map(drop)
    }

    /// The files with unresolved merge conflicts (a server refuses to start on them).
    pub(crate) fn unmerged(&self) -> Vec<String> {
        git(self.root, &["diff", "--name-only", "--diff-filter=U"])
            .map(|o| String::from_utf8_lossy(&o).lines().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// The commit HEAD points at, if any (a server notices a `git pull` by it).
    pub(crate) fn head(&self) -> Option<String> {
        git(self.root, &["rev-parse", "--verify", "--quiet", "HEAD"])
            .ok()
            .map(|o| String::from_utf8_lossy(&o).trim().to_string())
    }
}

/// What `init` could do with git in a new repository's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Started {
    /// A git repository was started and the skeleton committed.
    Committed,
    /// Started, but the commit failed (no user name or email configured): why.
    NotCommitted(String),
    /// The folder is already inside a git work tree: its files are left for the user to add.
    AlreadyInside,
    /// git is not installed.
    NoGit,
}

/// Starts a git repository in `dir` and commits everything in it (a new
/// repository's skeleton), unless git is missing or `dir` is already in a work tree.
pub(crate) fn start(dir: &Path, message: &str) -> Started {
    if Command::new("git").arg("--version").stdin(Stdio::null()).output().is_err() {
        return Started::NoGit;
    }
    if git(dir, &["rev-parse", "--is-inside-work-tree"]).is_ok() {
        return Started::AlreadyInside;
    }
    if let Err(e) = git(dir, &["init", "--quiet"]) {
        return Started::NotCommitted(e.to_string());
    }
    let committed = git(dir, &["add", "--all"]).and_then(|_| git(dir, &["commit", "--quiet", "-m", message]));
    match committed {
        Ok(_) => Started::Committed,
        Err(e) => Started::NotCommitted(e.to_string()),
    }
}

/// Runs git in a folder and gives its standard output.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
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

/// Runs git with an environment and bytes on its standard input.
fn git_input(dir: &Path, args: &[&str], env: &[(&str, &str)], input: &[u8]) -> Result<Vec<u8>> {
    use std::io::Write;
    let mut child = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("无法运行 git：请安装 git")?;
    let mut stdin = child.stdin.take().context("git 的标准输入")?;
    // Written from a thread: git may answer before it has read everything.
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output()?;
    let _ = writer.join();
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}

/// A signature's trailers, one per line.
fn trailers(s: &Signature) -> String {
    s.trailers.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("\n")
}

/// The commit a revision names, checked to be one.
fn commit_of(root: &Path, rev: &str) -> Result<String> {
    // A revision that looks like an option is not passed on as one.
    if rev.starts_with('-') || rev.trim().is_empty() {
        bail!("版本「{rev}」无效");
    }
    if git(root, &["rev-parse", "--is-inside-work-tree"]).is_err() {
        bail!("{} 不在 git 仓库中，没有版本「{rev}」可读（先 git init 并提交，或在 git 仓库里运行）", root.display());
    }
    let out = git(root, &["rev-parse", "--verify", "--quiet", "--end-of-options", &format!("{rev}^{{commit}}")])
        .map_err(|_| anyhow!("在 git 历史中找不到版本「{rev}」"))?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The repository's folder relative to the top of its git work tree ("" at the top), with `/`.
fn prefix(root: &Path) -> Result<String> {
    let out =
        git(root, &["rev-parse", "--show-prefix"]).map_err(|e| anyhow!("{} 不在 git 仓库中：{e}", root.display()))?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The repository as it was at `rev`.
fn checkout(root: &Path, rev: &str) -> Result<Revision> {
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
    if !dir.path().join(SETTINGS_FILE).is_file() {
        bail!("版本 {rev} 中没有 {}：那时这里还不是案件库", SETTINGS_FILE);
    }
    Ok(Revision { dir, commit })
}

/// A commit of a range, as `audit` reads it.
#[derive(Debug, Clone)]
pub(crate) struct Changed {
    pub(crate) id: String,
    /// `Qinqing-Actor`: 市交通运输局/王某.
    pub(crate) actor: String,
    /// `Qinqing-Role`: department, office, leader.
    pub(crate) role: String,
    /// Its first parent.
    pub(crate) parent: Option<String>,
    /// Each file it changed: git's status letter (A, M, D, R…) and the path.
    pub(crate) files: Vec<(char, String)>,
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
fn file_history(root: &Path, rel: &str) -> Result<Vec<(Commit, Option<String>)>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git").arg("-C").arg(dir).args(args).output().expect("git runs");
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    #[test]
    fn a_signed_commit_holds_exactly_its_files_and_leaves_the_index_clean() {
        // The repository is a folder below the top of the work tree; a colleague has something staged.
        let top = tempfile::tempdir().expect("tempdir");
        let root = top.path().join("营商办/案件库");
        std::fs::create_dir_all(root.join("cases/2026")).expect("mkdir");
        std::fs::write(root.join("cases/2026/A-1.yaml"), "id: A-1\n").expect("write");
        std::fs::write(top.path().join("other.txt"), "one\n").expect("write");
        run(top.path(), &["init", "-q"]);
        run(top.path(), &["add", "-A"]);
        run(top.path(), &["-c", "user.name=o", "-c", "user.email=o@x", "commit", "-qm", "start"]);
        std::fs::write(top.path().join("other.txt"), "two\n").expect("write");
        run(top.path(), &["add", "other.txt"]);
        // One changed file, one new in a new folder.
        std::fs::write(root.join("cases/2026/A-1.yaml"), "id: A-1\ntitle: 改\n").expect("write");
        std::fs::create_dir_all(root.join("cases/2027")).expect("mkdir");
        std::fs::write(root.join("cases/2027/B-1.yaml"), "id: B-1\n").expect("write");
        let signed = Signature {
            name: "王某".into(),
            email: "w@example.org".into(),
            trailers: vec![("Qinqing-Role", "department".into())],
        };
        let git = Git::new(&root);
        let done =
            git.commit_signed(&["cases/2026/A-1.yaml", "cases/2027/B-1.yaml"], "两件", Some(&signed)).expect("commits");
        assert_eq!(run(top.path(), &["rev-parse", "HEAD"]), done.id);
        let files = run(top.path(), &["-c", "core.quotePath=false", "show", "--name-status", "--format=", "HEAD"]);
        assert_eq!(files, "M\t营商办/案件库/cases/2026/A-1.yaml\nA\t营商办/案件库/cases/2027/B-1.yaml");
        let who = run(top.path(), &["log", "-1", "--format=%an <%ae>|%cn|%B"]);
        assert_eq!(who, "王某 <w@example.org>|qinqing serve|两件\n\nQinqing-Role: department");
        // The colleague's staged change is still staged, not committed; nothing else differs from HEAD.
        assert_eq!(run(top.path(), &["diff", "--cached", "--name-only"]), "other.txt");
        assert_eq!(run(top.path(), &["status", "--porcelain"]), "M  other.txt");
        assert_eq!(run(top.path(), &["show", "HEAD:other.txt"]), "one");
    }

    #[test]
    fn a_run_of_writes_is_one_commit_each_from_its_own_bytes() {
        let top = tempfile::tempdir().expect("tempdir");
        let root = top.path().join("案件库");
        std::fs::create_dir_all(root.join("cases")).expect("mkdir");
        std::fs::write(root.join("cases/A-1.yaml"), "id: A-1\n").expect("write");
        run(top.path(), &["init", "-q"]);
        run(top.path(), &["add", "-A"]);
        run(top.path(), &["-c", "user.name=o", "-c", "user.email=o@x", "commit", "-qm", "start"]);
        let start = run(top.path(), &["rev-parse", "HEAD"]);
        // Two writes of one file: the second's bytes are what the file holds; the first commit has its own.
        let first = vec![("cases/A-1.yaml".to_string(), b"id: A-1\nnote: 1\n".to_vec())];
        let second = vec![
            ("cases/A-1.yaml".to_string(), b"id: A-1\nnote: 1\nnote: 2\n".to_vec()),
            ("cases/B-1.yaml".to_string(), b"id: B-1\n".to_vec()),
        ];
        std::fs::write(root.join("cases/A-1.yaml"), &second[0].1).expect("write");
        std::fs::write(root.join("cases/B-1.yaml"), &second[1].1).expect("write");
        let who = |name: &str| Signature {
            name: name.into(),
            email: String::new(),
            trailers: vec![("Qinqing-Role", "office".into())],
        };
        let (a, b) = (who("甲<某>"), who("乙某"));
        let git = Git::new(&root);
        let writes = [
            Write { contents: &first, message: "一", signed: &a },
            Write { contents: &second, message: "二", signed: &b },
        ];
        let (done, entries) = git.commit_run(&writes).expect("one run");
        git.update_index(&entries).expect("index");
        assert_eq!(run(top.path(), &["rev-list", "--count", &format!("{start}..HEAD")]), "2");
        assert_eq!(run(top.path(), &["rev-parse", "HEAD"]), done[1].id);
        assert_eq!(run(top.path(), &["show", &format!("{}:案件库/cases/A-1.yaml", done[0].id)]), "id: A-1\nnote: 1");
        assert_eq!(
            run(top.path(), &["log", "-1", "--format=%an|%cn|%B", &done[0].id]),
            "甲某|qinqing serve|一\n\nQinqing-Role: office"
        );
        assert_eq!(run(top.path(), &["status", "--porcelain"]), "", "the work tree and index agree with HEAD");
        // Detached, there is no branch to run on: the caller commits one by one.
        run(top.path(), &["checkout", "-q", "--detach"]);
        assert!(git.commit_run(&writes).is_err());
    }
}
