//! The check stage: validation across files and the deadline rules. It takes
//! the loaded repository and returns the [`Ledger`] every later stage reads,
//! with the problems found; clocks come from a [`Snapshot`] of the ledger on a date.

pub(crate) mod clock;
pub(crate) mod due;
mod incremental;
pub(crate) mod ledger;
mod publish;
mod submissions;
mod validate;

use chrono::NaiveDate;
use serde::Serialize;

use crate::diag::{Diagnostic, Pos, Severity};
use crate::load::Repository;

pub(crate) use clock::{Clock, ClockStatus};
pub(crate) use incremental::{reread, verdict};
pub(crate) use ledger::{exists, CaseState, Ledger, Snapshot};
pub(crate) use publish::published_case;

/// The ledger and every problem with the input, sorted by file, line, column.
pub(crate) struct Checked {
    /// The checked repository.
    pub(crate) ledger: Ledger,
    /// Problems found while reading and checking.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// The problems at error severity: commands that publish figures or
    /// documents refuse to run on them.
    pub(crate) fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error)
    }
}

/// Validates a loaded repository and builds its ledger.
pub(crate) fn check(mut repo: Repository) -> Checked {
    let mut diagnostics = std::mem::take(&mut repo.diagnostics);
    crate::timing::mark("load done");
    diagnostics.extend(validate::validate(&mut repo));
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // One order for every later stage: the date order of events (validation
    // has already reported any that are out of order in the file).
    for case in &mut repo.cases {
        if !case.timeline.is_sorted_by_key(|e| e.date) {
            case.timeline.sort_by_key(|e| e.date);
        }
    }
    crate::timing::mark("validate");
    Checked { ledger: Ledger::new(repo), diagnostics }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Summary {
    /// Cases that exist as of the date.
    pub(crate) cases: usize,
    /// Case and meeting files read.
    pub(crate) files: usize,
    /// Diagnostics at error severity.
    pub(crate) errors: usize,
    /// Diagnostics at warning severity.
    pub(crate) warnings: usize,
    /// Overdue clocks.
    pub(crate) overdue: usize,
    /// Due-soon clocks.
    pub(crate) due_soon: usize,
}

/// What `check` reports as of a date.
pub(crate) struct CheckReport<'l> {
    /// The date checked as of.
    pub(crate) as_of: NaiveDate,
    /// Counts.
    pub(crate) summary: Summary,
    /// Problems with the input, sorted by file, line, column.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Every clock, sorted by file, line, rule.
    pub(crate) snapshot: Snapshot<'l>,
}

impl<'l> CheckReport<'l> {
    /// The clocks to report: the findings (overdue or due soon), or all.
    pub(crate) fn clocks(&self, all: bool) -> impl Iterator<Item = &Clock<'l>> {
        self.snapshot.clocks.iter().filter(move |c| all || c.status.is_finding())
    }

    /// The exit status: 2 for untrusted input, 1 for error findings, else 0.
    pub(crate) fn exit_code(&self, deny_warnings: bool) -> u8 {
        let bad_input = self.diagnostics.iter().any(|d| d.severity == Severity::Error || deny_warnings);
        let bad_clock = self.clocks(false).any(|c| c.severity == Some(Severity::Error) || deny_warnings);
        if bad_input {
            2
        } else if bad_clock {
            1
        } else {
            0
        }
    }
}

/// Evaluates every clock as of the date and adds what only a date can tell
/// (a due date beyond the calendar's years) to the problems.
pub(crate) fn report(checked: &Checked, as_of: NaiveDate) -> CheckReport<'_> {
    let ledger = &checked.ledger;
    let snapshot = ledger.as_of(as_of);
    crate::timing::mark("evaluate");
    let mut diagnostics = checked.diagnostics.clone();
    if let Some(first) = snapshot.clocks.iter().find(|c| c.outside_calendar) {
        let years = ledger.calendar.years().map_or("（无）".to_string(), |(a, b)| format!("{a}—{b}年"));
        diagnostics.push(
            Diagnostic::warning(
                "calendar-out-of-range",
                &first.case.file,
                Pos::new(first.start_pos.line, 1),
                format!("期限超出节假日日历覆盖的年份（{years}），只按周末计算"),
            )
            .with_hint("国务院办公厅公布新一年节假日安排后，请更新 rules/calendars/ 中的日历"),
        );
        diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    let summary = Summary {
        cases: ledger.cases_as_of(as_of).count(),
        files: ledger.files,
        errors: diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
        warnings: diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
        overdue: snapshot.clocks.iter().filter(|c| c.status == ClockStatus::Overdue).count(),
        due_soon: snapshot.clocks.iter().filter(|c| c.status == ClockStatus::DueSoon).count(),
    };
    CheckReport { as_of, summary, diagnostics, snapshot }
}

/// A fixture repository of the project, read, checked and free of problems (for unit tests).
#[cfg(test)]
pub(crate) fn fixture(rel: &str) -> Ledger {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let loaded = crate::load::load(&root, crate::load::LoadOptions::default()).expect("the fixture loads");
    let checked = check(loaded);
    assert!(checked.diagnostics.is_empty(), "{rel}: {:?}", checked.diagnostics);
    checked.ledger
}
