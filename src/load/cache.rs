//! The parse cache: per-file results keyed on path, size and modification time.
//!
//! Kept under `.qinqing-cache/` in the repository (self-ignored by git), safe to
//! delete, and never trusted when stale: any change of size or mtime, of the
//! tool's version or of the format reparses the file. Entries whose mtime is too
//! recent to be trusted (a write in the same clock tick could go unseen) are not
//! stored, as git does for its index.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::load::ParsedFile;

const FORMAT: &str = concat!("qinqing-parse-cache/1/", env!("CARGO_PKG_VERSION"));
const CHUNK: usize = 2048;

/// What identifies a file's contents without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: u128,
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Stamp { size: meta.len(), mtime_ns }
    }
}

#[derive(Serialize, Deserialize)]
struct Entry {
    path: String,
    stamp: Stamp,
    parsed: ParsedFile,
}

/// The cache folder of a repository.
pub fn dir(root: &Path) -> PathBuf {
    root.join(".qinqing-cache")
}

fn file(root: &Path) -> PathBuf {
    dir(root).join("parse.bin")
}

/// Reads the cache; a missing, foreign or damaged cache is simply empty.
pub fn read(root: &Path) -> HashMap<String, (Stamp, ParsedFile)> {
    let Ok(bytes) = std::fs::read(file(root)) else { return HashMap::new() };
    let Ok((header, rest)) = postcard::take_from_bytes::<(String, Vec<u32>)>(&bytes) else { return HashMap::new() };
    if header.0 != FORMAT {
        return HashMap::new();
    }
    let mut chunks = Vec::with_capacity(header.1.len());
    let mut at = 0usize;
    for len in &header.1 {
        let end = at + *len as usize;
        let Some(chunk) = rest.get(at..end) else { return HashMap::new() };
        chunks.push(chunk);
        at = end;
    }
    let decoded: Option<Vec<Vec<Entry>>> =
        chunks.par_iter().map(|c| postcard::from_bytes::<Vec<Entry>>(c).ok()).collect();
    decoded.unwrap_or_default().into_iter().flatten().map(|e| (e.path, (e.stamp, e.parsed))).collect()
}

/// Writes the cache atomically. Failures are ignored: the cache is an optimisation.
pub fn write(root: &Path, entries: &[(&str, Stamp, &ParsedFile)]) {
    let _ = try_write(root, entries);
}

fn try_write(root: &Path, entries: &[(&str, Stamp, &ParsedFile)]) -> std::io::Result<()> {
    let dir = dir(root);
    std::fs::create_dir_all(&dir)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(&ignore, "# qinqing 的解析缓存，可随时删除\n*\n")?;
    }
    let too_recent = SystemTime::now()
        .checked_sub(Duration::from_secs(2))
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let trusted: Vec<&(&str, Stamp, &ParsedFile)> =
        entries.iter().filter(|(_, s, _)| s.mtime_ns < too_recent).collect();
    let blobs: Vec<Vec<u8>> = trusted
        .par_chunks(CHUNK)
        .map(|chunk| {
            let owned: Vec<EntryRef> =
                chunk.iter().map(|(p, s, f)| EntryRef { path: p, stamp: *s, parsed: f }).collect();
            postcard::to_stdvec(&owned).unwrap_or_default()
        })
        .collect();
    let lens: Vec<u32> = blobs.iter().map(|b| b.len() as u32).collect();
    let header = postcard::to_stdvec(&(FORMAT, &lens)).map_err(std::io::Error::other)?;
    let mut tmp = tempfile::NamedTempFile::new_in(&dir)?;
    tmp.write_all(&header)?;
    for b in &blobs {
        tmp.write_all(b)?;
    }
    tmp.persist(file(root)).map_err(|e| e.error)?;
    Ok(())
}

#[derive(Serialize)]
struct EntryRef<'a> {
    path: &'a str,
    stamp: Stamp,
    parsed: &'a ParsedFile,
}
