//! Looking at one case: `show` (its fields, timeline and clocks as of a date,
//! who recorded each entry) and `log` (its audit trail from git). The ledger
//! finds the case through its index; only that case's file is read in full.

use chrono::NaiveDate;

use super::record::find_case;
use super::{Outcome, Refusal, Session};
use crate::check::Snapshot;
use crate::diag::Sink;
use crate::git::Commit;
use crate::load::{case::read_case, yaml};
use crate::model::Case;
use crate::report::audit::{self, Entry};

/// One case as of a date.
pub(crate) struct Shown<'s> {
    /// The case read in full (description, reply texts, contacts).
    pub(crate) case: Case,
    /// Its position in the ledger: the snapshot's clocks and state are looked up by it.
    pub(crate) index: usize,
    /// Its clocks as of the date.
    pub(crate) snapshot: Snapshot<'s>,
    /// The date looked at.
    pub(crate) as_of: NaiveDate,
    /// Who recorded each timeline entry: the commit that first had it, when asked for.
    pub(crate) recorders: Option<Vec<Option<Commit>>>,
}

/// Shows a case as of a date; with `who`, the recorder of each entry from git.
pub(crate) fn show<'s>(session: &'s Session, id: &str, as_of: Option<NaiveDate>, who: bool) -> Outcome<Shown<'s>> {
    let as_of = session.date(as_of);
    let found = find_case(session, id)?;
    let ledger = session.ledger();
    let index = ledger.position(id).unwrap_or_default();
    let case = session
        .full_case(found)?
        .ok_or_else(|| Refusal::request(format!("{} 已无法读取为案件，请运行 qinqing check", found.file)))?;
    let recorders = if who {
        let versions = versions(session, &case.file)?;
        Some(audit::recorders(&versions, &case.timeline).into_iter().map(|c| c.cloned()).collect())
    } else {
        None
    };
    Ok(Shown { case, index, snapshot: ledger.one_case_as_of(index, as_of), as_of, recorders })
}

/// A case's audit trail.
pub(crate) struct Trail {
    /// The case's id.
    pub(crate) id: String,
    /// Its file.
    pub(crate) file: String,
    /// Each commit and what it did.
    pub(crate) entries: Vec<Entry>,
    /// How many steps are flagged (a committed entry rewritten, an entry recorded late).
    pub(crate) flagged: usize,
    /// The clone is shallow: older commits are not there to read.
    pub(crate) partial: bool,
}

/// Every change to a case from git.
pub(crate) fn log(session: &Session, id: &str) -> Outcome<Trail> {
    let case = find_case(session, id)?;
    let versions = versions(session, &case.file)?;
    if versions.is_empty() {
        return Err(Refusal::request(format!("{} 还没有提交到 git，没有历史可查", case.file)).into());
    }
    let entries = audit::trail(&versions);
    let flagged = entries.iter().flat_map(|e| &e.steps).filter(|s| s.flagged()).count();
    let partial = session.git().is_shallow();
    Ok(Trail { id: case.id.value.clone(), file: case.file.clone(), entries, flagged, partial })
}

/// Every committed version of a case's file, parsed (`None` where it was deleted or unreadable).
fn versions(session: &Session, rel: &str) -> anyhow::Result<Vec<(Commit, Option<Case>)>> {
    Ok(session
        .git()
        .file_history(rel)?
        .into_iter()
        .map(|(commit, text)| {
            let case = text.and_then(|t| {
                let node = yaml::parse(rel, &t).ok().flatten()?;
                read_case(rel, &node, &mut Sink::new(rel))
            });
            (commit, case)
        })
        .collect())
}
