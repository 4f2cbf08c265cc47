//! A case's audit trail (`qinqing log`): from every committed version of its
//! file, which entries each commit recorded, by whom and when, and the edits
//! the office should not make — a recorded entry changed or removed after it
//! was committed, or an entry dated long before the commit that recorded it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::diag::Pos;
use crate::git::Commit;
use crate::model::{Case, Event, Named};

/// An entry recorded long after its date is flagged: a note typed up a week
/// later is ordinary, a reply back-dated by a month is not.
pub(crate) const LATE_RECORDING_DAYS: i64 = 30;

/// One thing a commit did to the case.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "what", rename_all = "snake_case")]
pub(crate) enum Step {
    /// The file appeared.
    Created,
    /// A timeline entry was added.
    Recorded { date: NaiveDate, kind: String, reading: String, days_before_commit: i64, late: bool },
    /// A committed entry was changed or removed: history rewritten.
    Rewritten { date: NaiveDate, kind: String, reading: String },
    /// A field other than the timeline changed.
    Field { field: String },
    /// The file was deleted.
    Deleted,
}

impl Step {
    /// Whether the office should look at it: a committed entry rewritten, an entry recorded late.
    pub(crate) fn flagged(&self) -> bool {
        matches!(self, Step::Rewritten { .. } | Step::Recorded { late: true, .. })
    }
}

/// A commit and what it did.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Entry {
    pub(crate) commit: Commit,
    pub(crate) steps: Vec<Step>,
}

fn unplaced(e: &Event) -> Event {
    Event { pos: Pos::start(), ..e.clone() }
}

fn reading(e: &Event) -> String {
    e.reading_text()
}

/// The commit's date (its own calendar day).
fn commit_day(c: &Commit) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(c.date.get(..10)?, "%Y-%m-%d").ok()
}

/// The trail of a case from its versions, oldest first (`None`: deleted, or unreadable then).
pub(crate) fn trail(versions: &[(Commit, Option<Case>)]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut previous: Option<&Case> = None;
    for (commit, case) in versions {
        let mut steps = Vec::new();
        match (previous, case) {
            (Some(_), None) => steps.push(Step::Deleted),
            (None, None) => {}
            (None, Some(now)) => {
                steps.push(Step::Created);
                // A file committed with its history already in it (a case moved in from elsewhere, or the
                // repository's first commit) records old entries by nature: not flagged as late.
                steps.extend(recorded(commit, &[], &now.timeline, false));
            }
            (Some(was), Some(now)) => {
                for (name, a, b) in
                    [("title", &was.title, &now.title), ("description", &was.description, &now.description)]
                {
                    if a != b {
                        steps.push(Step::Field { field: name.to_string() });
                    }
                }
                if was.enterprise != now.enterprise {
                    steps.push(Step::Field { field: "enterprise".to_string() });
                }
                if was.category != now.category {
                    steps.push(Step::Field { field: "category".to_string() });
                }
                let mut left: Vec<Event> = now.timeline.iter().map(unplaced).collect();
                for e in &was.timeline {
                    match left.iter().position(|n| *n == unplaced(e)) {
                        Some(i) => {
                            left.swap_remove(i);
                        }
                        None => steps.push(Step::Rewritten {
                            date: e.date,
                            kind: e.kind.zh().to_string(),
                            reading: reading(e),
                        }),
                    }
                }
                steps.extend(recorded(commit, &was.timeline, &now.timeline, true));
            }
        }
        previous = case.as_ref();
        if !steps.is_empty() {
            out.push(Entry { commit: commit.clone(), steps });
        }
    }
    out
}

/// The entries of `now` that `was` does not have, as recorded by the commit.
fn recorded(commit: &Commit, was: &[Event], now: &[Event], flag_late: bool) -> Vec<Step> {
    let mut before: Vec<Event> = was.iter().map(unplaced).collect();
    let day = commit_day(commit);
    let mut out = Vec::new();
    for e in now {
        match before.iter().position(|b| *b == unplaced(e)) {
            Some(i) => {
                before.swap_remove(i);
            }
            None => {
                let days = day.map_or(0, |d| (d - e.date).num_days());
                out.push(Step::Recorded {
                    date: e.date,
                    kind: e.kind.zh().to_string(),
                    reading: reading(e),
                    days_before_commit: days,
                    late: flag_late && days > LATE_RECORDING_DAYS,
                });
            }
        }
    }
    out
}

/// Who recorded each entry of the case as it stands: the commit that added an
/// equal entry last (entries not yet committed have none).
pub(crate) fn recorders<'c>(versions: &'c [(Commit, Option<Case>)], timeline: &[Event]) -> Vec<Option<&'c Commit>> {
    timeline
        .iter()
        .map(|e| {
            let target = unplaced(e);
            let mut found = None;
            let mut had = false;
            for (commit, case) in versions {
                let has = case.as_ref().is_some_and(|c| c.timeline.iter().any(|x| unplaced(x) == target));
                if has && !had {
                    found = Some(commit);
                }
                had = has;
            }
            found
        })
        .collect()
}
