//! What a change did (`diff`): two versions of the repository — revisions
//! from git, or the work tree — compared on one date.

use std::path::Path;

use chrono::NaiveDate;

use super::{Open, Outcome, Session};
use crate::load::Detail;
use crate::report::change::{compare, Change};

/// A change between two versions, and how to name them.
#[derive(Debug)]
pub(crate) struct Reviewed {
    /// What it did.
    pub(crate) change: Change,
    /// The base's short commit id.
    pub(crate) base: String,
    /// The head's short commit id, or 工作区.
    pub(crate) head: String,
    /// The date both were looked at.
    pub(crate) as_of: NaiveDate,
    /// Files a killed run's write had left in the work tree, written first.
    pub(crate) recovered: usize,
}

/// Compares `base` with `head` (default: the work tree) as of a date.
pub(crate) fn diff(start: &Path, base: &str, head: Option<&str>, as_of: Option<NaiveDate>) -> Outcome<Reviewed> {
    // Full detail: an entry whose text was rewritten is a change too.
    let base = Session::at_revision(start, base, Detail::Full)?;
    let head = match head {
        Some(h) => Session::at_revision(start, h, Detail::Full)?,
        None => Session::open(start, Open::full())?,
    };
    let short = |s: &Session| s.commit().map(|c| c.chars().take(7).collect::<String>());
    let head_label = short(&head).unwrap_or_else(|| "工作区".to_string());
    let base_label = short(&base).unwrap_or_default();
    let as_of = head.date(as_of);
    let (base_snap, head_snap) = (base.ledger().as_of(as_of), head.ledger().as_of(as_of));
    let change = compare((base.checked(), &base_snap), (head.checked(), &head_snap));
    Ok(Reviewed { change, base: base_label, head: head_label, as_of, recovered: head.recovered() })
}
