//! Wording shared by every stage that prints for people: dates in Chinese,
//! HTML escaping and the masking of personal data. Below every stage that uses it.

pub mod mask;
pub(crate) mod words;

use chrono::{Datelike, NaiveDate};

/// 2026年6月20日: Arabic numerals, no leading zeros.
pub(crate) fn date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
