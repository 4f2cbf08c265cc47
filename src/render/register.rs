//! The document number register (发文登记簿): `issued.yaml` in the repository.
//! Append-only; each issue rewrites it atomically under an exclusive lock, so
//! two runs at once never take the same number.

use std::path::Path;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;

use crate::diag::Sink;
use crate::load::reader::MapReader;
use crate::load::yaml::{self, Value};
use crate::model::{DocKind, Named};

/// The register file, relative to the repository root.
pub(crate) const FILE: &str = "issued.yaml";

const HEADER: &str =
    "# 发文登记簿：qinqing render --issue 自动登记，已登记的字号不再使用。\n# 只追加、不修改；请勿删改已有条目。\n";

/// A document number pattern with `{year}` and `{seq}`.
#[derive(Debug, Clone)]
pub(crate) struct Pattern(pub String);

impl Pattern {
    /// The number for a year and sequence; no leading zeros, no 第.
    pub(crate) fn number(&self, year: i32, seq: u32) -> String {
        self.0.replace("{year}", &year.to_string()).replace("{seq}", &seq.to_string())
    }

    /// A draft's number: the sequence left blank, as 〔2026〕 号.
    pub(crate) fn draft(&self, year: i32) -> String {
        self.0.replace("{year}", &year.to_string()).replace("{seq}", " ")
    }

    /// The sequence of a number written with this pattern, if it is one.
    pub(crate) fn seq_of(&self, number: &str, year: i32) -> Option<u32> {
        let filled = self.0.replace("{year}", &year.to_string());
        let (prefix, suffix) = filled.split_once("{seq}")?;
        number.trim().strip_prefix(prefix)?.strip_suffix(suffix)?.parse().ok()
    }
}

/// One registered number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    /// Document kind.
    pub(crate) kind: String,
    /// Year of the number.
    pub(crate) year: i32,
    /// Sequence within kind and year.
    pub(crate) seq: u32,
    /// The number as written.
    pub(crate) number: String,
    /// Date issued.
    pub(crate) date: Option<String>,
    /// Addressee.
    pub(crate) to: Option<String>,
    /// Title.
    pub(crate) title: Option<String>,
}

/// Takes the next numbers for `titles.len()` documents of a kind and records
/// them. `used` are numbers already written in case files (e.g. `supervised`
/// events), which are never given again either.
pub(crate) fn issue(
    root: &Path,
    kind: DocKind,
    pattern: &Pattern,
    date: NaiveDate,
    used: &[String],
    titles: &[(String, String)],
) -> Result<Vec<String>> {
    let path = root.join(FILE);
    let lock_path = crate::load::cache::dir(root).join("issued.lock");
    let lock = crate::fsx::lock_file(&lock_path)?;
    lock.lock().context("无法锁定发文登记簿")?;
    // Read, number and write back while holding the lock, so numbers are never shared.
    let result = (|| -> Result<Vec<String>> {
        let existing = if path.exists() { std::fs::read_to_string(&path)? } else { String::new() };
        let entries = read(&existing)?;
        let year = chrono::Datelike::year(&date);
        let last_registered =
            entries.iter().filter(|e| e.kind == kind.key() && e.year == year).map(|e| e.seq).max().unwrap_or(0);
        let last_used = used.iter().filter_map(|n| pattern.seq_of(n, year)).max().unwrap_or(0);
        let mut next = last_registered.max(last_used);
        let mut text = if existing.trim().is_empty() { HEADER.to_string() } else { existing.clone() };
        if !text.ends_with('\n') {
            text.push('\n');
        }
        let mut numbers = Vec::new();
        for (to, title) in titles {
            next += 1;
            let number = pattern.number(year, next);
            let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
            text.push_str(&format!(
                "- {{ kind: {}, year: {year}, seq: {next}, number: {}, date: {date}, to: {}, title: {} }}\n",
                kind.key(),
                q(&number),
                q(to),
                q(title)
            ));
            numbers.push(number);
        }
        crate::fsx::replace(&path, text.as_bytes())?;
        Ok(numbers)
    })();
    let _ = lock.unlock();
    result
}

/// Reads the register; a damaged register stops issuing rather than risk a reused number.
pub(crate) fn read(text: &str) -> Result<Vec<Entry>> {
    if text.trim().lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
        return Ok(Vec::new());
    }
    let mut sink = Sink::new(FILE);
    let Some(root) =
        yaml::parse(FILE, text).map_err(|d| anyhow::anyhow!("{FILE}:{}:{} {}", d.line, d.column, d.message))?
    else {
        return Ok(Vec::new());
    };
    let Value::Seq(items) = &root.value else { bail!("{FILE} 应为列表，请勿手工改动") };
    let fields = &[
        crate::model::field::field("kind", true, crate::model::field::Ty::Text, ""),
        crate::model::field::field("year", true, crate::model::field::Ty::Int, ""),
        crate::model::field::field("seq", true, crate::model::field::Ty::Int, ""),
        crate::model::field::field("number", true, crate::model::field::Ty::Text, ""),
        crate::model::field::field("date", false, crate::model::field::Ty::Date, ""),
        crate::model::field::field("to", false, crate::model::field::Ty::Text, ""),
        crate::model::field::field("title", false, crate::model::field::Ty::Text, ""),
    ];
    let mut out = Vec::new();
    for item in items {
        let Some(m) = MapReader::open(item, "登记条目", fields, &mut sink) else { continue };
        let (Some(kind), Some(year), Some(seq), Some(number)) = (
            m.text("kind", &mut sink),
            m.text("year", &mut sink),
            m.text("seq", &mut sink),
            m.text("number", &mut sink),
        ) else {
            continue;
        };
        match (year.parse(), seq.parse()) {
            (Ok(year), Ok(seq)) => out.push(Entry {
                kind,
                year,
                seq,
                number,
                date: m.text("date", &mut sink),
                to: m.text("to", &mut sink),
                title: m.text("title", &mut sink),
            }),
            _ => bail!("{FILE}:{} 年份或序号不是数字，请勿手工改动", item.pos.line),
        }
    }
    if let Some(d) = sink.diagnostics.first() {
        bail!("{FILE}:{}:{} {}（登记簿有误时不发新号，以免重号）", d.line, d.column, d.message);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_number_and_recognise() {
        let p = Pattern("湖营商督〔{year}〕{seq}号".into());
        assert_eq!(p.number(2026, 7), "湖营商督〔2026〕7号");
        assert_eq!(p.draft(2026), "湖营商督〔2026〕 号");
        assert_eq!(p.seq_of("湖营商督〔2026〕5号", 2026), Some(5));
        assert_eq!(p.seq_of("湖营商督〔2025〕5号", 2026), None);
        assert_eq!(p.seq_of("湖营商通〔2026〕3号", 2026), None);
    }

    #[test]
    fn issuing_continues_after_registered_and_used_numbers_and_never_reuses() {
        let dir = tempfile::tempdir().unwrap();
        let p = Pattern("测督〔{year}〕{seq}号".into());
        let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let used = vec!["测督〔2026〕5号".to_string()];
        let first = issue(
            dir.path(),
            DocKind::Supervision,
            &p,
            date,
            &used,
            &[("甲局".into(), "标题：含 # 与 \"引号\"".into())],
        )
        .unwrap();
        assert_eq!(first, ["测督〔2026〕6号"]);
        let two = issue(
            dir.path(),
            DocKind::Supervision,
            &p,
            date,
            &[],
            &[("乙局".into(), "t".into()), ("丙局".into(), "t".into())],
        )
        .unwrap();
        assert_eq!(two, ["测督〔2026〕7号", "测督〔2026〕8号"]);
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert_eq!(read(&text).unwrap().len(), 3);
        assert!(text.starts_with("# 发文登记簿"));
        // Another kind and another year start at 1.
        let other = issue(
            dir.path(),
            DocKind::Bulletin,
            &Pattern("测通〔{year}〕{seq}号".into()),
            date,
            &[],
            &[("各单位".into(), "t".into())],
        )
        .unwrap();
        assert_eq!(other, ["测通〔2026〕1号"]);
    }

    #[cfg(unix)]
    #[test]
    fn issuing_keeps_the_register_s_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = Pattern("权〔{year}〕{seq}号".into());
        let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let one = [("甲局".to_string(), "t".to_string())];
        issue(dir.path(), DocKind::Supervision, &p, date, &[], &one).unwrap();
        let file = dir.path().join(FILE);
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o044, 0o044, "readable by the group");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o664)).unwrap();
        issue(dir.path(), DocKind::Supervision, &p, date, &[], &one).unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o664, "was 0600 before");
    }

    #[test]
    fn concurrent_issuers_get_distinct_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let p = Pattern("并〔{year}〕{seq}号".into());
        let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (root, p) = (root.clone(), p.clone());
                std::thread::spawn(move || {
                    issue(&root, DocKind::Supervision, &p, date, &[], &[(format!("局{i}"), "t".into())]).unwrap()
                })
            })
            .collect();
        let mut all: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 8);
    }

    #[test]
    fn a_damaged_register_stops_issuing() {
        assert!(read("- { kind: supervision, year: abc, seq: 1, number: x }\n").is_err());
        assert!(read("not: a list\n").is_err());
        assert!(read("# only comments\n").unwrap().is_empty());
    }
}
