//! What a change did to the repository (`qinqing diff`): two checked
//! revisions looked at on the same date, compared case by case and clock by
//! clock. Pure: the revisions are loaded by the caller.

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::{Checked, ClockStatus, Snapshot};
use crate::diag::{Diagnostic, Pos, Severity};
use crate::model::{Event, Named};

/// A case, by id and title.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct CaseRef {
    pub(crate) id: String,
    pub(crate) title: String,
}

/// A timeline entry the change recorded (or removed).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct EventRef {
    pub(crate) case: String,
    pub(crate) date: NaiveDate,
    /// Its kind, in Chinese (交办, 答复…).
    pub(crate) kind: String,
    /// The entry as `show` reads it.
    pub(crate) reading: String,
}

/// A clock the change started, stopped, made overdue or cleared.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct ClockRef {
    pub(crate) case: String,
    pub(crate) rule: String,
    pub(crate) rule_title: String,
    pub(crate) start: NaiveDate,
    pub(crate) due: NaiveDate,
    /// Its status after the change (or before it, for a cleared finding), as in `check`'s JSON.
    pub(crate) status: String,
    pub(crate) days: Option<i64>,
    pub(crate) responsible: Option<String>,
}

/// A diagnostic, as `check` prints it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct DiagnosticRef {
    pub(crate) severity: String,
    pub(crate) code: String,
    pub(crate) file: String,
    pub(crate) line: u32,
    pub(crate) column: u32,
    pub(crate) message: String,
}

/// Everything the change did, each list in the order of the head's cases.
#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct Change {
    pub(crate) cases_added: Vec<CaseRef>,
    pub(crate) cases_removed: Vec<CaseRef>,
    pub(crate) events_recorded: Vec<EventRef>,
    /// Entries that were in the base and are gone or changed: history the office should not rewrite.
    pub(crate) events_removed: Vec<EventRef>,
    pub(crate) clocks_started: Vec<ClockRef>,
    pub(crate) clocks_stopped: Vec<ClockRef>,
    pub(crate) overdue_introduced: Vec<ClockRef>,
    pub(crate) overdue_cleared: Vec<ClockRef>,
    pub(crate) diagnostics_introduced: Vec<DiagnosticRef>,
    pub(crate) diagnostics_cleared: Vec<DiagnosticRef>,
}

impl Change {
    /// Whether the change introduced an error (its exit code says so).
    pub(crate) fn introduces_errors(&self) -> bool {
        self.diagnostics_introduced.iter().any(|d| d.severity == "error")
    }

    /// Whether nothing the report lists changed.
    pub(crate) fn is_empty(&self) -> bool {
        self.cases_added.is_empty()
            && self.cases_removed.is_empty()
            && self.events_recorded.is_empty()
            && self.events_removed.is_empty()
            && self.clocks_started.is_empty()
            && self.clocks_stopped.is_empty()
            && self.overdue_introduced.is_empty()
            && self.overdue_cleared.is_empty()
            && self.diagnostics_introduced.is_empty()
            && self.diagnostics_cleared.is_empty()
    }
}

fn clock_ref(c: &crate::check::Clock) -> ClockRef {
    ClockRef {
        case: c.case.id.value.clone(),
        rule: c.rule.id.clone(),
        rule_title: c.rule.title.clone(),
        start: c.start,
        due: c.due,
        status: c.status.key().to_string(),
        days: c.days,
        responsible: c.responsible.map(str::to_string),
    }
}

fn event_ref(case: &str, e: &Event) -> EventRef {
    EventRef { case: case.to_string(), date: e.date, kind: e.kind.zh().to_string(), reading: e.reading_text() }
}

/// An entry without its place in the file: a line moved is not a change.
fn unplaced(e: &Event) -> Event {
    Event { pos: Pos::start(), ..e.clone() }
}

fn diagnostic_ref(d: &Diagnostic) -> DiagnosticRef {
    DiagnosticRef {
        severity: if d.severity == Severity::Error { "error" } else { "warning" }.to_string(),
        code: d.code.clone(),
        file: d.file.clone(),
        line: d.line,
        column: d.column,
        message: d.message.clone(),
    }
}

/// What the change from `base` to `head` did, both looked at on the same date.
pub(crate) fn compare(base: (&Checked, &Snapshot), head: (&Checked, &Snapshot)) -> Change {
    let (base_checked, base_snap) = base;
    let (head_checked, head_snap) = head;
    let (old, new) = (&base_checked.ledger, &head_checked.ledger);
    let mut change = Change::default();
    for case in &new.cases {
        match old.case(&case.id.value) {
            None => change.cases_added.push(CaseRef { id: case.id.value.clone(), title: case.title.clone() }),
            Some(was) => {
                // Entries compared as a multiset, without positions.
                let mut before: Vec<Event> = was.timeline.iter().map(unplaced).collect();
                for e in &case.timeline {
                    let e0 = unplaced(e);
                    match before.iter().position(|b| *b == e0) {
                        Some(i) => {
                            before.swap_remove(i);
                        }
                        None => change.events_recorded.push(event_ref(&case.id.value, e)),
                    }
                }
                let mut gone: Vec<&Event> =
                    was.timeline.iter().filter(|w| before.iter().any(|b| *b == unplaced(w))).collect();
                gone.sort_by_key(|e| e.date);
                change.events_removed.extend(gone.into_iter().map(|e| event_ref(&case.id.value, e)));
            }
        }
    }
    for was in &old.cases {
        if new.case(&was.id.value).is_none() {
            change.cases_removed.push(CaseRef { id: was.id.value.clone(), title: was.title.clone() });
        }
    }
    // Clocks by case, rule and start: the same clock in both revisions.
    let key = |c: &crate::check::Clock| (c.case.id.value.clone(), c.rule.id.clone(), c.start);
    let before: rustc_hash::FxHashMap<_, &crate::check::Clock> = base_snap.clocks.iter().map(|c| (key(c), c)).collect();
    let after: rustc_hash::FxHashMap<_, &crate::check::Clock> = head_snap.clocks.iter().map(|c| (key(c), c)).collect();
    for c in &head_snap.clocks {
        match before.get(&key(c)) {
            None if c.status.is_running() => change.clocks_started.push(clock_ref(c)),
            Some(b) if b.status.is_running() && matches!(c.status, ClockStatus::Met | ClockStatus::Late) => {
                change.clocks_stopped.push(clock_ref(c))
            }
            _ => {}
        }
        let was_overdue = before.get(&key(c)).is_some_and(|b| b.status == ClockStatus::Overdue);
        if c.status == ClockStatus::Overdue && !was_overdue {
            change.overdue_introduced.push(clock_ref(c));
        }
    }
    for b in &base_snap.clocks {
        if b.status == ClockStatus::Overdue && after.get(&key(b)).is_none_or(|c| c.status != ClockStatus::Overdue) {
            let now = after.get(&key(b)).map_or_else(|| clock_ref(b), |c| clock_ref(c));
            change.overdue_cleared.push(now);
        }
    }
    // A diagnostic is the same one when its file, code and message are: its line may move.
    let key = |d: &Diagnostic| (d.file.clone(), d.code.clone(), d.message.clone());
    let before: rustc_hash::FxHashSet<_> = base_checked.diagnostics.iter().map(key).collect();
    let after: rustc_hash::FxHashSet<_> = head_checked.diagnostics.iter().map(key).collect();
    change.diagnostics_introduced =
        head_checked.diagnostics.iter().filter(|d| !before.contains(&key(d))).map(diagnostic_ref).collect();
    change.diagnostics_cleared =
        base_checked.diagnostics.iter().filter(|d| !after.contains(&key(d))).map(diagnostic_ref).collect();
    change
}
