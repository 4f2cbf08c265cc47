//! The one way qinqing writes files: every file it writes (the register, the
//! parse cache, documents, reports, schemas, the site, case files) goes through here.
//!
//! - A file is written to a temporary file in its own folder, synced, and renamed
//!   over its name: a reader sees the old file or the new one, never half.
//! - A file that existed keeps its permissions; a new one gets the permissions
//!   any program's new file gets (0666 less the umask).
//! - A symbolic link is never followed: a link where a file is to be written,
//!   or in any folder of its path inside the repository ([`Scope`]), is
//!   refused, and lock files are opened with `O_NOFOLLOW`. Files the tool reads
//!   for itself (cache, register, journal, templates) are read through [`read`],
//!   which refuses a path that leads outside the repository.
//! - A whole folder (the site) is written as a fresh [`Tree`] and swapped in at once.

use std::fs::{File, OpenOptions, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Where a run may write: below a folder (the repository, or the folder a
/// command was told to write into), through real folders only, and read the
/// tool's own files only where they lead inside it. A value the session
/// holds and passes to every writer, not a setting of the process.
#[derive(Debug, Clone)]
pub(crate) struct Scope {
    root: PathBuf,
    canonical: PathBuf,
}

impl Scope {
    /// Writes below `root` go through no link; reads below it stay inside it.
    pub(crate) fn new(root: &Path) -> Scope {
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Scope { root: root.to_path_buf(), canonical }
    }

    /// The folder this scope guards.
    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// Refuses a path inside the scope with a link in one of its folders or itself. A
    /// relative path (a `--out` typed in the repository) is the working folder's, and
    /// the scope is recognised by its own path or its real one.
    fn refuse_links(&self, path: &Path) -> Result<()> {
        let absolute = |p: &Path| match std::env::current_dir() {
            Ok(cwd) if p.is_relative() => cwd.join(p),
            _ => p.to_path_buf(),
        };
        let path = absolute(path);
        let root = absolute(&self.root);
        let (base, rel) = match (path.strip_prefix(&root), path.strip_prefix(&self.canonical)) {
            (Ok(rel), _) => (root.clone(), rel.to_path_buf()),
            (_, Ok(rel)) => (self.canonical.clone(), rel.to_path_buf()),
            _ => return Ok(()),
        };
        let mut at = base;
        for part in rel.components() {
            at.push(part);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.file_type().is_symlink() => {
                    bail!("{} 是符号链接，qinqing 不会通过链接写入文件；请换成普通文件夹或文件", at.display())
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
        Ok(())
    }

    /// Reads a file the tool keeps in the repository, unless its path leads outside it.
    pub(crate) fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        if path.starts_with(&self.root) {
            if let Ok(target) = path.canonicalize() {
                if !target.starts_with(&self.canonical) {
                    return Err(std::io::Error::other(format!(
                        "{} 经符号链接指向案件库以外（{}），未读取",
                        path.display(),
                        target.display()
                    )));
                }
            }
        }
        std::fs::read(path)
    }

    /// Writes a new file atomically; fails if the file already exists.
    pub(crate) fn write_new(&self, path: &Path, contents: &[u8]) -> Result<()> {
        self.write_with(path, Mode::New, |f| f.write_all(contents))
    }

    /// Replaces a file atomically, keeping its permissions.
    pub(crate) fn replace(&self, path: &Path, contents: &[u8]) -> Result<()> {
        self.write_with(path, Mode::Replace, |f| f.write_all(contents))
    }

    /// Writes a file atomically with a writer callback (for streamed contents).
    pub(crate) fn write_with(
        &self,
        path: &Path,
        mode: Mode,
        fill: impl FnOnce(&mut File) -> std::io::Result<()>,
    ) -> Result<()> {
        let dir = folder_of(path);
        self.create_dir_all(dir)?;
        let existing = match std::fs::symlink_metadata(path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                bail!("{} 是符号链接，qinqing 不会通过链接写入文件；请换成普通文件或删除它", path.display())
            }
            Ok(meta) if meta.is_dir() => bail!("{} 是一个目录，无法写成文件", path.display()),
            Ok(_) if mode == Mode::New => bail!("{} 已存在，未覆盖", path.display()),
            Ok(meta) => Some(meta.permissions()),
            Err(_) => None,
        };
        let prefix = temp_prefix();
        let mut tmp = temp_builder(&prefix)
            .tempfile_in(dir)
            .with_context(|| format!("无法在 {} 中写入临时文件", dir.display()))?;
        fill(tmp.as_file_mut()).with_context(|| format!("无法写入 {}", path.display()))?;
        if let Some(permissions) = existing {
            tmp.as_file().set_permissions(permissions)?;
        }
        tmp.as_file().sync_all()?;
        let persisted = match mode {
            Mode::New => tmp.persist_noclobber(path).map(drop),
            Mode::Replace => tmp.persist(path).map(drop),
        };
        persisted.map_err(|e| e.error).with_context(|| match mode {
            Mode::New => format!("无法写入 {}（文件已存在则不会覆盖）", path.display()),
            Mode::Replace => format!("无法写入 {}", path.display()),
        })
    }

    /// Creates a folder and its parents.
    pub(crate) fn create_dir_all(&self, dir: &Path) -> Result<()> {
        self.refuse_links(dir)?;
        std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))
    }

    /// Opens a lock file, creating it; a symbolic link there is refused, never followed.
    pub(crate) fn lock_file(&self, path: &Path) -> Result<File> {
        self.create_dir_all(folder_of(path))?;
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.custom_flags(libc::O_NOFOLLOW);
        }
        options.open(path).with_context(|| format!("无法打开锁文件 {}（不能是符号链接）", path.display()))
    }

    /// A fresh, empty folder beside where a tree will go (see [`Tree`]).
    pub(crate) fn tree_beside(&self, dest: &Path, prefix: &str) -> Result<Tree> {
        let parent = folder_of(dest);
        self.create_dir_all(parent)?;
        let mut b = tempfile::Builder::new();
        let named = format!("{}{}", temp_prefix(), prefix.trim_start_matches('.'));
        b.prefix(&named);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(Permissions::from_mode(0o777));
        }
        let dir = b.tempdir_in(parent).with_context(|| format!("无法在 {} 中建立目录", parent.display()))?;
        Ok(Tree { dir, scope: self.clone() })
    }
}

/// Whether an existing file may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Only a new file: an existing one is never clobbered.
    New,
    /// Replace the file if it exists.
    Replace,
}

/// Longest file name (in bytes, before the extension) qinqing makes from a
/// name: file systems allow 255 bytes, and a Chinese character takes three.
pub(crate) const MAX_NAME_BYTES: usize = 160;

/// A name made short enough for a file name: cut at a character boundary and
/// ended with a checksum of the whole, so two long names that begin alike
/// still get different files, and the same name always the same file.
pub(crate) fn short_name(name: String) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name;
    }
    let mut cut = MAX_NAME_BYTES - 9;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{:08x}", &name[..cut], crc32fast::hash(name.as_bytes()))
}

fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Temporary files are created readable as any new file is (0666 less the
/// umask), not private, so what is renamed into place reads like the user's own files.
/// What every temporary file or folder qinqing makes is named with: the
/// prefix, then the writing process's id, so a later run can tell what a
/// killed run left (its process is gone) from what a running one is writing.
pub(crate) const TEMP_PREFIX: &str = ".qinqing-tmp-";

fn temp_prefix() -> String {
    format!("{TEMP_PREFIX}{}-", std::process::id())
}

/// Whether a name is a temporary file or folder a run that has ended left behind.
pub(crate) fn is_left_behind(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(TEMP_PREFIX) else { return false };
    let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<i32>().ok()) else {
        // Named before process ids were (an older qinqing): nothing writes it any more.
        return true;
    };
    pid != std::process::id() as i32 && !alive(pid)
}

#[cfg(unix)]
fn alive(pid: i32) -> bool {
    // Signal 0 checks the process exists; EPERM means it does, as another user's.
    pid > 0
        && (unsafe { libc::kill(pid, 0) } == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
}

#[cfg(not(unix))]
fn alive(_pid: i32) -> bool {
    true
}

/// Removes what killed runs left: temporary files (which may hold a whole case
/// with its contact's phone) and half-written site folders, named in `found`
/// (the load's walk of `cases/` and `rules/` sees them) or lying directly in
/// `folders`. A link is removed as a link, never followed. Returns how many.
pub(crate) fn sweep(found: &[PathBuf], folders: impl IntoIterator<Item = PathBuf>) -> usize {
    let mut paths: Vec<PathBuf> = found.to_vec();
    for dir in folders {
        let Ok(read) = std::fs::read_dir(&dir) else { continue };
        paths.extend(read.flatten().filter(|e| is_left_behind(&e.file_name().to_string_lossy())).map(|e| e.path()));
    }
    let mut removed = 0;
    for path in paths {
        let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        if !is_left_behind(&name) {
            continue;
        }
        let gone = match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(&path),
            Ok(_) => std::fs::remove_file(&path),
            Err(e) => Err(e),
        };
        removed += usize::from(gone.is_ok());
    }
    removed
}

fn temp_builder(prefix: &str) -> tempfile::Builder<'_, 'static> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(Permissions::from_mode(0o666));
    }
    b
}

/// A folder written file by file out of sight, then swapped in whole, so a
/// reader never sees half of it and nothing of an older one lingers.
pub(crate) struct Tree {
    dir: tempfile::TempDir,
    scope: Scope,
}

impl Tree {
    /// Creates a folder inside the tree.
    pub(crate) fn mkdir(&self, rel: &str) -> Result<()> {
        self.scope.create_dir_all(&self.dir.path().join(rel))
    }

    /// Writes a new file inside the tree. The tree is fresh and ours, so the
    /// file is created exclusively (a link or an existing file there is an error).
    pub(crate) fn put(&self, rel: &str, contents: &[u8]) -> Result<()> {
        let path = self.dir.path().join(rel);
        let mut f =
            OpenOptions::new().write(true).create_new(true).open(&path).with_context(|| format!("无法写入 {rel}"))?;
        f.write_all(contents).with_context(|| format!("无法写入 {rel}"))
    }

    /// Copies a file into the tree.
    pub(crate) fn copy_in(&self, rel: &str, from: &Path) -> Result<()> {
        let bytes = self.scope.read(from).with_context(|| format!("无法读取 {}", from.display()))?;
        self.put(rel, &bytes)
    }

    /// Puts the tree at `dest`, replacing what was there (which `may_replace`
    /// must approve). The old tree is moved aside first and deleted after.
    pub(crate) fn commit(self, dest: &Path, remove_old: impl FnOnce(&Path) -> std::io::Result<()>) -> Result<()> {
        if std::fs::symlink_metadata(dest).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!("{} 是符号链接，qinqing 不会替换它；请删除链接或换一个输出目录", dest.display());
        }
        let fresh: PathBuf = self.dir.keep();
        let old = folder_of(dest).join(format!(".qinqing-old-{}", std::process::id()));
        let had_old = dest.exists();
        if had_old {
            std::fs::rename(dest, &old).with_context(|| format!("无法替换 {}", dest.display()))?;
        }
        std::fs::rename(&fresh, dest).with_context(|| format!("无法写入 {}", dest.display()))?;
        if had_old {
            remove_old(&old).with_context(|| format!("无法删除旧目录 {}", old.display()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_at_a_character_and_stay_distinct() {
        assert_eq!(short_name("国网湖州供电公司".into()), "国网湖州供电公司");
        let a = short_name(format!("{}甲", "很长的部门名称".repeat(20)));
        let b = short_name(format!("{}乙", "很长的部门名称".repeat(20)));
        assert!(a.len() <= MAX_NAME_BYTES && b.len() <= MAX_NAME_BYTES, "{a}");
        assert_ne!(a, b);
        assert!(a.starts_with("很长的部门名称很长"));
        assert_eq!(a, short_name(format!("{}甲", "很长的部门名称".repeat(20))), "the same name, the same file");
    }

    #[cfg(unix)]
    fn mode(p: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    #[test]
    fn replacing_keeps_the_permissions_and_new_files_are_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("issued.yaml");
        let scope = Scope::new(dir.path());
        scope.write_new(&file, b"a\n").unwrap();
        assert_eq!(mode(&file) & 0o044, 0o044, "a new file is readable like the user's own");
        std::fs::set_permissions(&file, Permissions::from_mode(0o640)).unwrap();
        scope.replace(&file, b"b\n").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"b\n");
        assert_eq!(mode(&file), 0o640, "the register keeps its mode after an issue");
        assert!(scope.write_new(&file, b"c\n").is_err(), "never clobbers");
        assert_eq!(std::fs::read(&file).unwrap(), b"b\n");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        std::fs::write(&outside, "keep").unwrap();
        let scope = Scope::new(dir.path());
        let link = dir.path().join("link.yaml");
        std::os::unix::fs::symlink(&outside, &link).unwrap();
        assert!(scope.replace(&link, b"x").is_err());
        assert!(scope.lock_file(&link).is_err());
        let dangling = dir.path().join("dangling");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(scope.write_new(&dangling, b"x").is_err());
        assert!(!dir.path().join("nowhere").exists());
        assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
    }

    #[test]
    fn a_tree_is_swapped_in_whole() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("site");
        for round in ["one", "two"] {
            let tree = Scope::new(dir.path()).tree_beside(&dest, ".site-").unwrap();
            tree.mkdir("cases").unwrap();
            tree.put(&format!("cases/{round}.html"), round.as_bytes()).unwrap();
            assert!(tree.put(&format!("cases/{round}.html"), b"again").is_err());
            tree.commit(&dest, |old| std::fs::remove_dir_all(old)).unwrap();
        }
        assert!(dest.join("cases/two.html").is_file());
        assert!(!dest.join("cases/one.html").exists(), "nothing of the older tree lingers");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
