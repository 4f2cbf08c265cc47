//! `check --format json`: stable, versioned.

use serde::Serialize;

use crate::check::{CheckReport, ClockRow, Summary};
use crate::diag::Diagnostic;

/// The version of the JSON format.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    as_of: chrono::NaiveDate,
    summary: Summary,
    diagnostics: &'a [Diagnostic],
    clocks: Vec<&'a ClockRow<'a>>,
}

/// The report as JSON; only findings unless `all`.
pub fn render(report: &CheckReport, all: bool) -> String {
    let clocks = report.clocks.iter().filter(|c| all || c.status.is_finding()).collect();
    let doc = Document {
        version: VERSION,
        as_of: report.as_of,
        summary: report.summary,
        diagnostics: &report.diagnostics,
        clocks,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
