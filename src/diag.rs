//! Diagnostics as values: every problem with the input, whatever stage found it.

use serde::{Deserialize, Serialize};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Severity {
    /// The input cannot be trusted as it stands.
    Error,
    /// Worth a look; fails the run only with `--deny warnings`.
    Warning,
}

/// A position in a file: 1-based line and 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub(crate) struct Pos {
    /// 1-based line.
    pub(crate) line: u32,
    /// 1-based column, counted in characters.
    pub(crate) column: u32,
}

impl Pos {
    /// A position from 1-based line and column.
    pub(crate) fn new(line: u32, column: u32) -> Pos {
        Pos { line, column }
    }
    /// The start of a file.
    pub(crate) fn start() -> Pos {
        Pos { line: 1, column: 1 }
    }
}

/// One problem with the input: where it starts, a stable code, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Diagnostic {
    /// Error or warning.
    pub(crate) severity: Severity,
    /// Stable kebab-case code, for scripts and documentation.
    pub(crate) code: String,
    /// Path relative to the repository root, with `/`.
    pub(crate) file: String,
    /// 1-based line.
    pub(crate) line: u32,
    /// 1-based column in characters.
    pub(crate) column: u32,
    /// What is wrong, in Chinese.
    pub(crate) message: String,
    /// How to fix it, when we can tell (always present in JSON, null when none).
    pub(crate) hint: Option<String>,
}

/// A diagnostic on one line, as every one-line message prints it:
/// `file:line:column: message [code]`.
impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}: {} [{}]", self.file, self.line, self.column, self.message, self.code)
    }
}

impl Diagnostic {
    /// An error at a position.
    pub(crate) fn error(code: &str, file: &str, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, file, pos, message)
    }

    /// A warning at a position.
    pub(crate) fn warning(code: &str, file: &str, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, file, pos, message)
    }

    fn new(severity: Severity, code: &str, file: &str, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code: code.to_string(),
            file: file.to_string(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Sets the hint of a diagnostic already recorded.
    pub(crate) fn hint(&mut self, hint: impl Into<String>) {
        self.hint = Some(hint.into());
    }

    /// Adds a hint when there is one.
    pub(crate) fn with_hint_opt(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint;
        self
    }

    /// The order diagnostics are reported in: file, line, column, code.
    pub(crate) fn sort_key(&self) -> (&str, u32, u32, &str) {
        (&self.file, self.line, self.column, &self.code)
    }
}

/// Collects diagnostics for one file.
#[derive(Debug)]
pub(crate) struct Sink<'a> {
    /// The file the diagnostics are about.
    pub(crate) file: &'a str,
    /// What has been collected so far.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Sink<'a> {
    /// An empty sink for a file.
    pub(crate) fn new(file: &'a str) -> Sink<'a> {
        Sink { file, diagnostics: Vec::new() }
    }

    /// Records an error and returns it for adding a hint.
    pub(crate) fn error(&mut self, code: &str, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::error(code, self.file, pos, message))
    }

    /// Records a warning and returns it for adding a hint.
    pub(crate) fn warning(&mut self, code: &str, pos: Pos, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::warning(code, self.file, pos, message))
    }

    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.diagnostics.push(d);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }
}

/// The known name closest to `word`, when it is close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(&str, f64)> = None;
    for c in candidates {
        let score = strsim::normalized_damerau_levenshtein(word, c);
        let contains = !word.is_empty() && (c.contains(word) || word.contains(c));
        let score = if contains { score.max(0.7) } else { score };
        if score >= 0.5 && best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}

/// Ids to suggest from when a repository may hold any number of them: a hint
/// is looked up, never searched for, so a pull request full of typos costs the
/// same in a repository of 100 cases or 100,000.
pub(crate) struct IdIndex<'a> {
    ids: rustc_hash::FxHashSet<&'a str>,
    /// The characters ids are written with (at most [`IdIndex::ALPHABET`]).
    alphabet: Vec<char>,
}

impl<'a> IdIndex<'a> {
    /// How many distinct characters variants are made from.
    const ALPHABET: usize = 64;
    /// Ids longer than this get no hint: the variants would be too many.
    const LONGEST: usize = 64;

    /// An index of ids.
    pub(crate) fn new(ids: impl IntoIterator<Item = &'a str>) -> IdIndex<'a> {
        let ids: rustc_hash::FxHashSet<&str> = ids.into_iter().collect();
        let mut counts: std::collections::BTreeMap<char, usize> = std::collections::BTreeMap::new();
        for c in ids.iter().flat_map(|id| id.chars()) {
            *counts.entry(c).or_default() += 1;
        }
        let mut alphabet: Vec<(char, usize)> = counts.into_iter().collect();
        alphabet.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let alphabet = alphabet.into_iter().take(Self::ALPHABET).map(|(c, _)| c).collect();
        IdIndex { ids, alphabet }
    }

    /// Whether an id is known.
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    /// The known id one typing slip away (a character left out, added, changed,
    /// or two swapped), the smallest if several are.
    pub(crate) fn closest(&self, word: &str) -> Option<&'a str> {
        let chars: Vec<char> = word.chars().collect();
        if chars.is_empty() || chars.len() > Self::LONGEST {
            return None;
        }
        let mut best: Option<&'a str> = None;
        let mut consider = |v: Vec<char>| {
            let v: String = v.into_iter().collect();
            if let Some(&id) = self.ids.get(v.as_str()) {
                if id != word && best.is_none_or(|b| id < b) {
                    best = Some(id);
                }
            }
        };
        for i in 0..chars.len() {
            let mut v = chars.clone();
            v.remove(i);
            consider(v);
            if i + 1 < chars.len() {
                let mut v = chars.clone();
                v.swap(i, i + 1);
                consider(v);
            }
            for &c in &self.alphabet {
                if c != chars[i] {
                    let mut v = chars.clone();
                    v[i] = c;
                    consider(v);
                }
            }
        }
        for i in 0..=chars.len() {
            for &c in &self.alphabet {
                let mut v = chars.clone();
                v.insert(i, c);
                consider(v);
            }
        }
        best
    }
}

/// The usual hint for a likely typo.
pub(crate) fn did_you_mean(name: &str) -> String {
    format!("是否为「{name}」？")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_index_suggests_the_id_one_slip_away() {
        let index = IdIndex::new(["HZ-2026-0131", "HZ-2026-0132", "HZ-2026-0101"]);
        assert!(index.contains("HZ-2026-0131") && !index.contains("HZ-2026-013"));
        assert_eq!(index.closest("HZ-2026-013"), Some("HZ-2026-0131"), "left out");
        assert_eq!(index.closest("HZ-2026-01311"), Some("HZ-2026-0131"), "added");
        assert_eq!(index.closest("HZ-2026-0139"), Some("HZ-2026-0131"), "changed: the smallest of two");
        assert_eq!(index.closest("HZ-2026-1031"), Some("HZ-2026-0131"), "swapped");
        assert_eq!(index.closest("ZZ-1999-9999"), None);
        assert_eq!(index.closest(""), None);
    }
}
