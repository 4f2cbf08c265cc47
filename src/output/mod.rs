//! Everything qinqing writes for people and programs besides the documents:
//! the check report in each format, the figures as tables, CSV and Excel, the
//! JSON Schemas and the static site. One small module per format.

pub(crate) mod casebook;
pub(crate) mod change;
pub(crate) mod csv_cell;
pub(crate) mod github;
pub(crate) mod ics;
pub(crate) mod json;
pub(crate) mod junit;
pub(crate) mod notify;
pub(crate) mod open311;
pub(crate) mod report;
pub(crate) mod schema;
pub(crate) mod site;
pub(crate) mod text;
pub(crate) mod xlsx;

use std::io::IsTerminal;

/// Whether to colour text for people: stdout is a terminal and `NO_COLOR` is unset.
pub(crate) fn colour_wanted() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// ANSI styling that can be switched off.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Paint(pub bool);

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    /// Red, for errors and overdue clocks.
    pub(crate) fn red(self, t: &str) -> String {
        self.wrap("31;1", t)
    }
    /// Yellow, for warnings.
    pub(crate) fn yellow(self, t: &str) -> String {
        self.wrap("33;1", t)
    }
    /// Green, for a clean result.
    pub(crate) fn green(self, t: &str) -> String {
        self.wrap("32;1", t)
    }
    /// Bold, for headings.
    pub(crate) fn bold(self, t: &str) -> String {
        self.wrap("1", t)
    }
    /// Dim, for hints.
    pub(crate) fn dim(self, t: &str) -> String {
        self.wrap("2", t)
    }
}

pub(crate) mod table;
pub(crate) mod template_sheet;

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub(crate) fn emit(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
