//! Writing files safely: atomically, and never over a user's file.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Temporary files are private (0600); what we write is meant to be read like
/// any other file the user creates.
fn readable(tmp: &tempfile::NamedTempFile) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = tmp;
    Ok(())
}

/// Writes a new file atomically; fails if the file already exists.
pub fn write_new(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("无法在 {} 中写入", dir.display()))?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    readable(&tmp)?;
    tmp.persist_noclobber(path)
        .map_err(|e| e.error)
        .with_context(|| format!("无法写入 {}（文件已存在则不会覆盖）", path.display()))?;
    Ok(())
}

/// Replaces a generated file atomically (readers see the old or the new file, never half).
pub fn replace(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    readable(&tmp)?;
    tmp.persist(path).map_err(|e| e.error).with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}
