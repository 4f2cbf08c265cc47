//! Validation and rules together: what `check` reports as of a date.

pub mod validate;

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Diagnostic, Severity};
use crate::load::case::received_pos;
use crate::load::Repository;
use crate::model::{derive_status, Case, Status};
use crate::rules::{evaluate_case, Clock, ClockStatus, NoticeKind, Responsible};

/// One clock as reported: the JSON `clocks` entry. Borrows from the repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockRow<'a> {
    /// Case id.
    pub case: &'a str,
    /// Rule id.
    pub rule: &'a str,
    /// Start date.
    pub start: NaiveDate,
    /// Due date.
    pub due: NaiveDate,
    /// Status as of the date.
    pub status: ClockStatus,
    /// Stop date.
    pub stopped: Option<NaiveDate>,
    /// Days overdue or late.
    pub days: Option<i64>,
    /// Who must act.
    pub responsible: Option<&'a str>,
    /// Severity of the finding.
    pub severity: Option<Severity>,
    /// Notices due.
    pub notices: Vec<NoticeKind>,
    /// Case file.
    pub file: &'a str,
    /// Line of the clock's start.
    pub line: u32,
    /// The rule's title (for people; not in the JSON).
    #[serde(skip)]
    pub rule_title: &'a str,
}

impl ClockRow<'_> {
    /// The order overdue clocks are named in (notices, bulletins, the dashboard):
    /// most days overdue first, then by case id so the order is stable.
    pub fn worst_first(a: &&Self, b: &&Self) -> std::cmp::Ordering {
        b.days.cmp(&a.days).then(a.case.cmp(b.case))
    }
}

/// Counts for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Cases that exist as of the date.
    pub cases: usize,
    /// Case and meeting files read.
    pub files: usize,
    /// Diagnostics at error severity.
    pub errors: usize,
    /// Diagnostics at warning severity.
    pub warnings: usize,
    /// Overdue clocks.
    pub overdue: usize,
    /// Due-soon clocks.
    pub due_soon: usize,
}

/// What `check` found.
#[derive(Debug, Clone)]
pub struct CheckReport<'a> {
    /// The date checked as of.
    pub as_of: NaiveDate,
    /// Counts.
    pub summary: Summary,
    /// Problems with the input, sorted by file, line, column.
    pub diagnostics: Vec<Diagnostic>,
    /// Every clock, sorted by file, line, rule.
    pub clocks: Vec<ClockRow<'a>>,
}

impl<'a> CheckReport<'a> {
    /// The clocks that are findings (overdue or due soon).
    pub fn findings(&self) -> impl Iterator<Item = &ClockRow<'a>> {
        self.clocks.iter().filter(|c| c.status.is_finding())
    }

    /// The exit status: 2 for untrusted input, 1 for error findings, else 0.
    pub fn exit_code(&self, deny_warnings: bool) -> u8 {
        let bad_input = self.diagnostics.iter().any(|d| d.severity == Severity::Error || deny_warnings);
        let bad_clock = self.findings().any(|c| c.severity == Some(Severity::Error) || deny_warnings);
        if bad_input {
            2
        } else if bad_clock {
            1
        } else {
            0
        }
    }
}

/// Validates the repository and evaluates every clock as of the date.
/// Keeps every clock when `all_clocks`, else only the findings (the counts are
/// the same either way).
pub fn check(repo: &mut Repository, as_of: NaiveDate, all_clocks: bool) -> CheckReport<'_> {
    let mut diagnostics = std::mem::take(&mut repo.diagnostics);
    crate::timing::mark("load done");
    diagnostics.extend(validate::validate(repo));
    crate::timing::mark("validate");
    let repo = &*repo;
    let clocks = evaluate(repo, as_of);
    crate::timing::mark("evaluate");
    if let Some(first) = clocks.iter().find(|c| c.1) {
        let years = repo.calendar.years().map_or("（无）".to_string(), |(a, b)| format!("{a}—{b}年"));
        diagnostics.push(
            Diagnostic::warning(
                "calendar-out-of-range",
                first.0.file,
                crate::diag::Pos::new(first.0.line, 1),
                format!("期限超出节假日日历覆盖的年份（{years}），只按周末计算"),
            )
            .with_hint("国务院办公厅公布新一年节假日安排后，请更新 rules/calendars/ 中的日历"),
        );
    }
    let clocks: Vec<ClockRow> =
        clocks.into_iter().map(|(c, _)| c).filter(|c| all_clocks || c.status.is_finding()).collect();
    crate::timing::mark("collect");
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let summary = Summary {
        cases: repo.cases.iter().filter(|c| exists(c, as_of)).count(),
        files: repo.files,
        errors: diagnostics.iter().filter(|d| d.severity == Severity::Error).count(),
        warnings: diagnostics.iter().filter(|d| d.severity == Severity::Warning).count(),
        overdue: clocks.iter().filter(|c| c.status == ClockStatus::Overdue).count(),
        due_soon: clocks.iter().filter(|c| c.status == ClockStatus::DueSoon).count(),
    };
    CheckReport { as_of, summary, diagnostics, clocks }
}

/// Whether a case exists as of a date (cases without a date are kept).
pub fn exists(case: &Case, as_of: NaiveDate) -> bool {
    case.received.as_ref().is_none_or(|r| r.value <= as_of)
}

/// Every clock of every case, with whether it fell outside the calendar,
/// in the order of the cases (sorted by file) and, within a case, by line and rule.
pub fn evaluate(repo: &Repository, as_of: NaiveDate) -> Vec<(ClockRow<'_>, bool)> {
    repo.cases.par_iter().flat_map_iter(|case| clocks_of(repo, case, as_of)).collect()
}

/// The clocks of one case, by line and rule, with whether each fell outside the calendar.
pub fn clocks_of<'a>(repo: &'a Repository, case: &'a Case, as_of: NaiveDate) -> Vec<(ClockRow<'a>, bool)> {
    let mut rows: Vec<(ClockRow, bool)> = evaluate_case(case, received_pos(case), &repo.rules, &repo.calendar, as_of)
        .into_iter()
        .map(|clock| {
            let outside = clock.outside_calendar;
            (row(repo, case, clock), outside)
        })
        .collect();
    rows.sort_by(|(a, _), (b, _)| (a.line, a.rule, a.start).cmp(&(b.line, b.rule, b.start)));
    rows
}

fn row<'a>(repo: &'a Repository, case: &'a Case, clock: Clock<'a>) -> ClockRow<'a> {
    let rule = &repo.rules[clock.rule];
    let responsible = match rule.responsible {
        Responsible::Office => Some(repo.settings.organization_short.as_str()).filter(|s| !s.is_empty()),
        Responsible::Assignee => clock.lead,
    };
    ClockRow {
        case: &case.id.value,
        rule: &rule.id,
        start: clock.start,
        due: clock.due,
        status: clock.status,
        stopped: clock.stopped,
        days: clock.days,
        responsible,
        severity: clock.severity,
        notices: clock.notices,
        file: &case.file,
        line: clock.start_pos.line,
        rule_title: &rule.title,
    }
}

/// A case as it stands on a date: status, lead department, next due date.
#[derive(Debug, Clone, Serialize)]
pub struct CaseState {
    /// Derived status.
    pub status: Status,
    /// Lead department of the latest assignment.
    pub lead: Option<String>,
    /// Earliest due date of a running clock.
    pub next_due: Option<NaiveDate>,
    /// Whether a clock is overdue.
    pub overdue: bool,
}

/// The state of a case as of a date, given its clock rows.
pub fn case_state<'a: 'b, 'b>(
    case: &Case,
    as_of: NaiveDate,
    clocks: impl IntoIterator<Item = &'b ClockRow<'a>>,
) -> CaseState {
    let events = case.timeline.iter().filter(|e| e.date <= as_of);
    let lead = case.lead_as_of(as_of).map(str::to_string);
    let mut next_due = None;
    let mut overdue = false;
    for c in clocks {
        if matches!(c.status, ClockStatus::Pending | ClockStatus::DueSoon | ClockStatus::Overdue) {
            next_due = Some(next_due.map_or(c.due, |d: NaiveDate| d.min(c.due)));
        }
        overdue |= c.status == ClockStatus::Overdue;
    }
    CaseState { status: derive_status(events), lead, next_due, overdue }
}
