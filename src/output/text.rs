//! `check --format text`: for people, grouped by file, with a one-line summary.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::check::ClockStatus;
use crate::check::{CheckReport, Clock};
use crate::diag::{Diagnostic, Severity};
use crate::model::Named;
use crate::output::Paint;

enum Item<'a> {
    Diag(&'a Diagnostic),
    Clock(&'a Clock<'a>),
}

/// The report as text; findings only unless `all`.
pub(crate) fn render(report: &CheckReport, all: bool, paint: Paint) -> String {
    let clocks: Vec<&Clock> = report.clocks(all).collect();
    let mut out = grouped(&report.diagnostics, &clocks, paint);
    let _ = writeln!(out, "{}", summary_line(report, paint));
    out
}

/// Problems alone, grouped by file exactly as `check` prints them (commands
/// that refuse an edit show its problems so).
pub(crate) fn diagnostics(diagnostics: &[Diagnostic], paint: Paint) -> String {
    grouped(diagnostics, &[], paint)
}

fn grouped(diagnostics: &[Diagnostic], clocks: &[&Clock], paint: Paint) -> String {
    let mut by_file: BTreeMap<&str, Vec<(u32, u32, Item)>> = BTreeMap::new();
    for d in diagnostics {
        by_file.entry(&d.file).or_default().push((d.line, d.column, Item::Diag(d)));
    }
    for c in clocks {
        by_file.entry(&c.case.file).or_default().push((c.start_pos.line, 0, Item::Clock(c)));
    }
    let mut out = String::new();
    for (file, mut items) in by_file {
        items.sort_by_key(|(line, col, _)| (*line, *col));
        let _ = writeln!(out, "{}", paint.bold(file));
        for (line, col, item) in items {
            let place = if col > 0 { format!("{line}:{col}") } else { line.to_string() };
            match item {
                Item::Diag(d) => {
                    let label = match d.severity {
                        Severity::Error => paint.red("错误"),
                        Severity::Warning => paint.yellow("警告"),
                    };
                    let _ = writeln!(out, "  {place:<7} {label} {} [{}]", d.message, d.code);
                    if let Some(h) = &d.hint {
                        let _ = writeln!(out, "          {}", paint.dim(&format!("提示：{h}")));
                    }
                }
                Item::Clock(c) => {
                    let _ = writeln!(out, "  {place:<7} {}", clock_line(c, paint));
                }
            }
        }
        out.push('\n');
    }
    out
}

fn clock_line(c: &Clock, paint: Paint) -> String {
    let label = match c.status {
        ClockStatus::Overdue if c.severity == Some(Severity::Error) => paint.red("超期"),
        ClockStatus::Overdue => paint.yellow("超期"),
        ClockStatus::DueSoon => paint.yellow("将到期"),
        ClockStatus::Met
        | ClockStatus::Late
        | ClockStatus::Pending
        | ClockStatus::Superseded
        | ClockStatus::Transferred => c.status.zh().to_string(),
    };
    let who = c.responsible.unwrap_or("未交办");
    let mut s = format!(
        "{label} {} {}（{}）· {who} · {} 起算，{} 到期",
        c.case.id.value, c.rule.title, c.rule.id, c.start, c.due
    );
    match c.status {
        ClockStatus::Overdue => {
            let _ = write!(s, "，已超期 {} 天", c.days.unwrap_or(0));
        }
        ClockStatus::Late => {
            let _ = write!(
                s,
                "，{} 办结，逾期 {} 天",
                c.stopped.map(|d| d.to_string()).unwrap_or_default(),
                c.days.unwrap_or(0)
            );
        }
        ClockStatus::Met => {
            let _ = write!(s, "，{} 办结", c.stopped.map(|d| d.to_string()).unwrap_or_default());
        }
        ClockStatus::Transferred => {
            let _ = write!(s, "，{} 转办", c.stopped.map(|d| d.to_string()).unwrap_or_default());
            if let Some(days) = c.days {
                let _ = write!(s, "，转办时已逾期 {days} 天");
            }
        }
        ClockStatus::DueSoon | ClockStatus::Pending | ClockStatus::Superseded => {}
    }
    for part in ladder(c) {
        let _ = write!(s, " · {part}");
    }
    s
}

/// Where a clock stands on the escalation ladder, in words: the notices issued
/// for it (已督办（文号）) and those it calls for (应督办、通报).
pub(crate) fn ladder(c: &Clock) -> Vec<String> {
    let mut out: Vec<String> = c
        .issued
        .iter()
        .map(|(kind, at)| match c.case.timeline.get(*at).and_then(|e| e.doc()) {
            Some(doc) => format!("已{}（{doc}）", kind.zh()),
            None => format!("已{}", kind.zh()),
        })
        .collect();
    if !c.notices.is_empty() {
        let n: Vec<&str> = c.notices.iter().map(|n| n.zh()).collect();
        out.push(format!("应{}", n.join("、")));
    }
    out
}

/// The one-line summary.
pub(crate) fn summary_line(report: &CheckReport, paint: Paint) -> String {
    let s = &report.summary;
    let text = format!(
        "检查 {} 个文件、{} 件案件（截至 {}）：错误 {}，警告 {}；超期 {}，即将到期 {}",
        s.files, s.cases, report.as_of, s.errors, s.warnings, s.overdue, s.due_soon
    );
    if s.errors > 0 || report.clocks(false).any(|c| c.severity == Some(Severity::Error)) {
        paint.red(&text)
    } else if s.warnings > 0 || s.due_soon > 0 || s.overdue > 0 {
        paint.yellow(&text)
    } else {
        paint.green(&text)
    }
}
