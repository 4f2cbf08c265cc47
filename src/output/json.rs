//! `check --format json`: stable, versioned.

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::{CheckReport, Clock, ClockStatus, Summary};
use crate::diag::{Diagnostic, Severity};
use crate::model::rule::NoticeKind;

/// The version of the JSON format.
pub(crate) const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    as_of: NaiveDate,
    summary: Summary,
    diagnostics: &'a [Diagnostic],
    clocks: Vec<ClockJson<'a>>,
}

/// One clock as the JSON contract spells it (cli.md).
#[derive(Serialize)]
pub(crate) struct ClockJson<'a> {
    case: &'a str,
    rule: &'a str,
    start: NaiveDate,
    due: NaiveDate,
    status: ClockStatus,
    stopped: Option<NaiveDate>,
    days: Option<i64>,
    responsible: Option<&'a str>,
    severity: Option<Severity>,
    notices: &'a [NoticeKind],
    issued: Vec<IssuedJson<'a>>,
    file: &'a str,
    line: u32,
}

/// A notice issued for a clock: its kind, date and number.
#[derive(Serialize)]
pub(crate) struct IssuedJson<'a> {
    kind: NoticeKind,
    date: NaiveDate,
    doc: Option<&'a str>,
}

impl<'a> ClockJson<'a> {
    /// A clock's JSON entry.
    pub(crate) fn of(c: &'a Clock) -> ClockJson<'a> {
        ClockJson {
            case: &c.case.id.value,
            rule: &c.rule.id,
            start: c.start,
            due: c.due,
            status: c.status,
            stopped: c.stopped,
            days: c.days,
            responsible: c.responsible,
            severity: c.severity,
            notices: &c.notices,
            issued: c
                .issued
                .iter()
                .filter_map(|(kind, at)| c.case.timeline.get(*at).map(|e| (kind, e)))
                .map(|(kind, e)| IssuedJson { kind: *kind, date: e.date, doc: e.doc() })
                .collect(),
            file: &c.case.file,
            line: c.start_pos.line,
        }
    }
}

/// The report as JSON; only findings unless `all`.
pub(crate) fn render(report: &CheckReport, all: bool) -> String {
    let doc = Document {
        version: VERSION,
        as_of: report.as_of,
        summary: report.summary,
        diagnostics: &report.diagnostics,
        clocks: report.clocks(all).map(ClockJson::of).collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
