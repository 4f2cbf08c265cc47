//! A session: one repository opened for one or many commands, as typst's
//! `World` is for a compilation. It holds the root, where this run may write,
//! the checked ledger (read through the parse cache, kept current after each
//! write when the session lives on), the date source and git.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

use crate::check::{Checked, Ledger};
use crate::diag::Diagnostic;
use crate::edit::Edit;
use crate::fsx::Scope;
use crate::git::Git;
use crate::load::{self, Detail, LoadOptions};
use crate::model::Case;

/// How to open a session.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Open {
    /// Read and keep the parse cache (slim sessions only).
    pub(crate) cache: bool,
    /// How much of each case the ledger keeps: documents and exports with
    /// contacts need everything; writes, lists and `show` need the slim ledger.
    pub(crate) detail: Detail,
    /// Reload the ledger after each write (a long-running front end); a
    /// command that ends after its write leaves it as it was.
    pub(crate) follow_writes: bool,
    /// The date "today" is, when it is not the repository's today (a test, a
    /// server pinned to a date).
    pub(crate) today: Option<NaiveDate>,
}

impl Open {
    /// The slim ledger through the parse cache: what writes, lists and `show` need.
    pub(crate) fn slim() -> Open {
        Open { cache: true, detail: Detail::Slim, follow_writes: false, today: None }
    }

    /// Every field of every case (documents, exports with contacts).
    pub(crate) fn full() -> Open {
        Open { cache: false, detail: Detail::Full, follow_writes: false, today: None }
    }
}

/// One repository, opened.
pub(crate) struct Session {
    root: PathBuf,
    scope: Scope,
    open: Open,
    checked: Checked,
    recovered: usize,
    /// A past revision's unpacked folder, kept while the session reads it.
    _revision: Option<crate::git::Revision>,
}

impl Session {
    /// Finds the repository from `start` up, finishes a write a killed run
    /// left half done, and reads and checks it.
    pub(crate) fn open(start: &Path, open: Open) -> Result<Session> {
        let root = load::find_root(start)?;
        let scope = Scope::new(&root);
        // A write a killed run left half done is finished before anything is read.
        let recovered = crate::edit::journal::recover(&scope)?;
        let checked = read(&root, open)?;
        Ok(Session { root, scope, open, checked, recovered, _revision: None })
    }

    /// The repository found from `start` as it was at a git revision: read as
    /// it is, uncached, with no interrupted write to finish; the work tree
    /// and index are untouched. Nothing is written through such a session.
    pub(crate) fn at_revision(start: &Path, rev: &str, detail: Detail) -> Result<Session> {
        let root = load::find_root(start)?;
        let revision = Git::new(&root).checkout(rev)?;
        let open = Open { cache: false, detail, follow_writes: false, today: None };
        let dir = revision.dir.path().to_path_buf();
        let checked = read(&dir, open)?;
        Ok(Session { scope: Scope::new(&dir), root: dir, open, checked, recovered: 0, _revision: Some(revision) })
    }

    /// The commit a revision session reads, when it is one.
    pub(crate) fn commit(&self) -> Option<&str> {
        self._revision.as_ref().map(|r| r.commit.as_str())
    }

    /// Where this session may write: inside the repository, through no link.
    pub(crate) fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The checked repository.
    pub(crate) fn checked(&self) -> &Checked {
        &self.checked
    }

    /// The checked repository's ledger.
    pub(crate) fn ledger(&self) -> &Ledger {
        &self.checked.ledger
    }

    /// The checked ledger, for a command that ends with it (made public, say).
    pub(crate) fn into_ledger(self) -> Ledger {
        self.checked.ledger
    }

    /// How many files a killed run's journal had left to write, written on opening.
    pub(crate) fn recovered(&self) -> usize {
        self.recovered
    }

    /// The date a command looks at: the one given, or today in the repository's time zone.
    pub(crate) fn date(&self, given: Option<NaiveDate>) -> NaiveDate {
        given.or(self.open.today).unwrap_or_else(|| today(self.ledger()))
    }

    /// The repository's git.
    pub(crate) fn git(&self) -> Git<'_> {
        Git::new(&self.root)
    }

    /// A case read again from its file in full (descriptions, replies,
    /// contacts), made canonical as the ledger's cases are; `None` when the
    /// file can no longer be read as a case.
    pub(crate) fn full_case(&self, case: &Case) -> Result<Option<Case>> {
        let bytes = self.scope.read(&self.root.join(&case.file))?;
        Ok(crate::check::reread(self.ledger(), &case.file, &bytes))
    }

    /// The errors the edits would bring, as a full check of the repository
    /// with them in place would find them, found by checking only the edited
    /// files against the ledger's indexes.
    pub(crate) fn verdict(&self, edits: &[Edit]) -> Vec<Diagnostic> {
        let files: Vec<(&str, &[u8])> = edits.iter().map(|e| (e.rel.as_str(), e.after.as_bytes())).collect();
        crate::check::verdict(self.ledger(), &self.checked.diagnostics, &files)
    }

    /// A draft file for text written in an editor, holding `text` to start
    /// with: in the repository's cache folder, never beside the user's
    /// files, removed when dropped.
    pub(crate) fn draft(&self, text: &str) -> Result<tempfile::NamedTempFile> {
        let dir = crate::load::cache::dir(&self.root);
        self.scope.create_dir_all(&dir)?;
        let mut draft = tempfile::Builder::new().prefix("描述-").suffix(".txt").tempfile_in(&dir)?;
        std::io::Write::write_all(draft.as_file_mut(), text.as_bytes())?;
        Ok(draft)
    }

    /// Writes the edits all or none, and brings the ledger up to date when the session lives on.
    pub(crate) fn write(&mut self, edits: &[Edit]) -> Result<()> {
        crate::edit::write(&self.scope, edits)?;
        if self.open.follow_writes {
            self.checked = read(&self.root, self.open)?;
        }
        Ok(())
    }
}

fn read(root: &Path, open: Open) -> Result<Checked> {
    let opts =
        LoadOptions { cache: open.cache && open.detail == Detail::Slim, detail: open.detail, overlay: Vec::new() };
    Ok(crate::check::check(load::load(root, opts)?))
}

/// Today in the repository's time zone.
fn today(ledger: &Ledger) -> NaiveDate {
    chrono::Utc::now().with_timezone(&ledger.settings.timezone).date_naive()
}
