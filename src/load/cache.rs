//! The parse cache: per-file results keyed on path, size and modification time.
//!
//! Kept under `.qinqing-cache/` in the repository (self-ignored by git), safe to
//! delete, and never trusted when stale: any change of size or mtime, of the
//! tool's version or of the format reparses the file. Entries whose mtime is too
//! recent to be trusted (a write in the same clock tick could go unseen) are not
//! stored, as git does for its index.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::load::ParsedFile;

// Bumped whenever a cached type changes shape (3: events gained reason, from, decision, participants;
// meetings organiser and session; 5: dates outside 1949–2100 are errors; 6: a key with no value is an
// error: older results are stale; 8: each chunk carries a CRC-32; 9: cases have a source; 10: a source has its row; 11: a case knows its meeting's date; 12: a proposed lead).
const FORMAT: &str = concat!("qinqing-parse-cache/18-empty-text/", env!("CARGO_PKG_VERSION"));
const CHUNK: usize = 2048;

/// What identifies a file's contents without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    /// Size in bytes.
    pub(crate) size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub(crate) mtime_ns: u128,
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub(crate) fn of(meta: &std::fs::Metadata) -> Stamp {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Stamp { size: meta.len(), mtime_ns }
    }
}

/// One cached file.
#[derive(Serialize, Deserialize)]
pub(crate) struct Entry {
    /// Path relative to the repository root.
    pub(crate) path: String,
    /// Size and mtime when it was parsed.
    pub(crate) stamp: Stamp,
    /// The result (taken out when used).
    pub(crate) parsed: Option<ParsedFile>,
}

/// The cache folder of a repository.
/// The cache folder's name.
pub(crate) const DIR: &str = ".qinqing-cache";

pub(crate) fn dir(root: &Path) -> PathBuf {
    root.join(DIR)
}

fn base_file(root: &Path) -> PathBuf {
    dir(root).join("parse.bin")
}

fn delta_file(root: &Path) -> PathBuf {
    dir(root).join("delta.bin")
}

/// What the cache holds: the base entries, then the delta entries, which
/// override base entries for the same path.
pub(crate) struct Cached {
    /// Base entries followed by delta entries.
    pub(crate) entries: Vec<Entry>,
    /// How many entries at the start come from the base.
    pub(crate) base_len: usize,
}

/// Reads the cache; a missing, foreign or damaged part is simply empty, so
/// its files are parsed again and the cache rebuilt. A damaged file must not
/// be decoded: postcard reads flipped bytes as other valid text (an unknown
/// department that is no typo of anyone's), so every chunk is checksummed.
pub(crate) fn read(root: &Path) -> Cached {
    let scope = crate::fsx::Scope::new(root);
    let mut entries = read_file(&scope, &base_file(root));
    let base_len = entries.len();
    if base_len > 0 {
        entries.extend(read_file(&scope, &delta_file(root)));
    }
    Cached { entries, base_len }
}

fn read_file(scope: &crate::fsx::Scope, path: &Path) -> Vec<Entry> {
    let Ok(bytes) = scope.read(path) else { return Vec::new() };
    let Ok((header, rest)) = postcard::take_from_bytes::<(String, Vec<(u32, u32)>)>(&bytes) else {
        return Vec::new();
    };
    if header.0 != FORMAT {
        return Vec::new();
    }
    let mut chunks = Vec::with_capacity(header.1.len());
    let mut at = 0usize;
    for (len, crc) in &header.1 {
        let end = at.saturating_add(*len as usize);
        let Some(chunk) = rest.get(at..end) else { return Vec::new() };
        chunks.push((chunk, *crc));
        at = end;
    }
    if at != rest.len() {
        return Vec::new();
    }
    let decoded: Option<Vec<Vec<Entry>>> = chunks
        .par_iter()
        .map(|(c, crc)| (crc32fast::hash(c) == *crc).then(|| postcard::from_bytes::<Vec<Entry>>(c).ok()).flatten())
        .collect();
    decoded.unwrap_or_default().into_iter().flatten().collect()
}

/// Whether a stamp is too recent to trust: a write within the same clock tick
/// could leave size and mtime unchanged.
pub(crate) fn too_recent(stamp: &Stamp) -> bool {
    stamp.mtime_ns >= trust_limit()
}

fn trust_limit() -> u128 {
    SystemTime::now()
        .checked_sub(Duration::from_secs(2))
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
}

/// One file's result, to be stored.
pub(crate) type Store<'a> = (&'a str, Stamp, &'a ParsedFile);

/// Stores what changed. `changed` (new results and earlier delta entries)
/// goes to the small delta file while it stays small; otherwise, or when
/// `rebuild`, everything is written as a new base and the delta removed.
/// Failures are ignored: the cache is an optimisation.
pub(crate) fn write(root: &Path, all: &[Store], changed: &[Store], rebuild: bool) {
    let small = changed.len() <= (all.len() / 20).max(1000);
    let _ = if rebuild || !small {
        write_file(root, &base_file(root), all).and_then(|_| match std::fs::remove_file(delta_file(root)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        })
    } else {
        write_file(root, &delta_file(root), changed)
    };
}

fn write_file(root: &Path, target: &Path, entries: &[Store]) -> anyhow::Result<()> {
    let dir = dir(root);
    let ignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        crate::fsx::Scope::new(root).write_new(&ignore, "# qinqing 的解析缓存，可随时删除\n*\n".as_bytes())?;
    }
    let trusted: Vec<&Store> = entries.iter().filter(|(_, s, _)| !too_recent(s)).collect();
    let blobs: Vec<Vec<u8>> = trusted
        .par_chunks(CHUNK)
        .map(|chunk| {
            let owned: Vec<EntryRef> =
                chunk.iter().map(|(p, s, f)| EntryRef { path: p, stamp: *s, parsed: Some(f) }).collect();
            postcard::to_stdvec(&owned).unwrap_or_default()
        })
        .collect();
    let lens: Vec<(u32, u32)> = blobs.iter().map(|b| (b.len() as u32, crc32fast::hash(b))).collect();
    let header = postcard::to_stdvec(&(FORMAT, &lens)).map_err(std::io::Error::other)?;
    crate::fsx::Scope::new(root).write_with(target, crate::fsx::Mode::Replace, |f| {
        f.write_all(&header)?;
        blobs.iter().try_for_each(|b| f.write_all(b))
    })
}

#[derive(Serialize)]
struct EntryRef<'a> {
    path: &'a str,
    stamp: Stamp,
    parsed: Option<&'a ParsedFile>,
}
