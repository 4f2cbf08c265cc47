//! `check --format github`: workflow commands that annotate files in a pull request.

use std::fmt::Write;

use crate::check::CheckReport;
use crate::check::ClockStatus;
use crate::diag::Severity;

/// One annotation per diagnostic and per finding.
pub(crate) fn render(report: &CheckReport) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let mut message = d.message.clone();
        if let Some(h) = &d.hint {
            message.push_str("\n提示：");
            message.push_str(h);
        }
        line(&mut out, d.severity, &d.file, d.line, Some(d.column), &format!("qinqing {}", d.code), &message);
    }
    for c in report.clocks(false) {
        let who = c.responsible.unwrap_or("未交办");
        let message = match c.status {
            ClockStatus::Overdue => format!(
                "{} {}：{}，{} 到期，已超期 {} 天（{who}）",
                c.case.id.value,
                c.rule.title,
                c.rule.id,
                c.due,
                c.days.unwrap_or(0)
            ),
            ClockStatus::DueSoon
            | ClockStatus::Pending
            | ClockStatus::Met
            | ClockStatus::Late
            | ClockStatus::Superseded
            | ClockStatus::Transferred => {
                format!("{} {}：{}，{} 到期（{who}）", c.case.id.value, c.rule.title, c.rule.id, c.due)
            }
        };
        let severity = c.severity.unwrap_or(Severity::Warning);
        line(
            &mut out,
            severity,
            &c.case.file,
            c.start_pos.line,
            None,
            &format!("qinqing {}", c.status.key()),
            &message,
        );
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "::notice title=qinqing check::{} 件案件，错误 {}，警告 {}，超期 {}，即将到期 {}（截至 {}）",
        s.cases, s.errors, s.warnings, s.overdue, s.due_soon, report.as_of
    );
    out
}

fn line(out: &mut String, severity: Severity, file: &str, line: u32, col: Option<u32>, title: &str, message: &str) {
    let kind = match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let col = col.map(|c| format!(",col={c}")).unwrap_or_default();
    let _ =
        writeln!(out, "::{kind} file={},line={line}{col},title={}::{}", property(file), property(title), data(message));
}

/// Escapes a message, as the runner's toolkit does.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(super::data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
    }
}
