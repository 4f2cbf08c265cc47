//! Id patterns of new cases and meetings: `HZ-{year}-{seq:04}`. The next id is
//! one past the highest sequence already used that year, so an id in use is
//! never given again.

/// A parsed pattern: the text around `{seq}`, with `{year}` still in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    prefix: String,
    suffix: String,
    width: usize,
}

impl Pattern {
    /// Reads `…{seq}…` or `…{seq:04}…`; `None` without a sequence, or when an id
    /// could not be a file name (an id is the case file's name: no folders, no hidden files).
    pub(crate) fn parse(text: &str) -> Option<Pattern> {
        let start = text.find("{seq")?;
        let end = start + text[start..].find('}')?;
        let spec = &text[start + 4..end];
        let width = match spec.strip_prefix(':') {
            Some(w) => w.parse().ok().filter(|w: &usize| *w <= 12)?,
            None if spec.is_empty() => 0,
            None => return None,
        };
        let (prefix, suffix) = (&text[..start], &text[end + 1..]);
        let fixed = format!("{prefix}{suffix}");
        let unsafe_name = prefix.starts_with('.')
            || fixed.contains("..")
            || fixed
                .chars()
                .any(|c| matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control());
        (!unsafe_name).then(|| Pattern { prefix: prefix.to_string(), suffix: suffix.to_string(), width })
    }

    fn parts(&self, year: i32) -> (String, String) {
        (self.prefix.replace("{year}", &year.to_string()), self.suffix.replace("{year}", &year.to_string()))
    }

    /// The id with a sequence number.
    pub(crate) fn id(&self, year: i32, seq: u32) -> String {
        let (prefix, suffix) = self.parts(year);
        format!("{prefix}{seq:0width$}{suffix}", width = self.width)
    }

    /// The next id of a year, after every id in `existing` written with this pattern.
    pub(crate) fn next<'a>(&self, year: i32, existing: impl Iterator<Item = &'a str>) -> String {
        self.id(year, self.last(year, existing) + 1)
    }

    /// The highest sequence number of a year among `existing` (0 when none): a caller numbering
    /// many new ids counts on from it instead of searching every id again for each.
    pub(crate) fn last<'a>(&self, year: i32, existing: impl Iterator<Item = &'a str>) -> u32 {
        let (prefix, suffix) = self.parts(year);
        existing
            .filter_map(|id| id.strip_prefix(&prefix)?.strip_suffix(&suffix)?.parse::<u32>().ok())
            .max()
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_number_after_the_highest_in_use() {
        let p = Pattern::parse("HZ-{year}-{seq:04}").unwrap();
        assert_eq!(p.id(2026, 7), "HZ-2026-0007");
        let used = ["HZ-2026-0131", "HZ-2026-0175", "HZ-2025-0210", "HZ-2026-X"];
        assert_eq!(p.next(2026, used.iter().copied()), "HZ-2026-0176");
        assert_eq!(p.next(2027, used.iter().copied()), "HZ-2027-0001");
        let m = Pattern::parse("HZ-M-{year}-{seq}").unwrap();
        assert_eq!(m.next(2026, ["HZ-M-2026-23", "HZ-M-2026-25"].into_iter()), "HZ-M-2026-26");
        assert!(Pattern::parse("HZ-{year}").is_none() && Pattern::parse("{seq:x}").is_none());
        // An id names a file: a pattern that could reach another folder is refused.
        for bad in ["../../x-{seq}", "a/{seq}", ".{seq}", "a\\{seq}", "{seq}:x"] {
            assert!(Pattern::parse(bad).is_none(), "{bad}");
        }
    }
}
