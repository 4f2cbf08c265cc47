//! The document number register (发文登记簿): `issued.yaml` in the repository.
//! Append-only. An issuing run holds its [`Lock`] from before it reads the
//! repository; [`take`] computes the numbers and the new text, which is written
//! together with the cases the documents are recorded in (one `edit::write`),
//! so two runs never take the same number and register and cases agree.

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
    /// Read after NFKC and without spaces: 湖营商督〔2026〕７号 and 湖营商督〔2026〕 7 号 are number 7,
    /// which must never be issued again.
    pub(crate) fn seq_of(&self, number: &str, year: i32) -> Option<u32> {
        use unicode_normalization::UnicodeNormalization;
        let plain = |s: &str| s.nfkc().filter(|c| !c.is_whitespace()).collect::<String>();
        let filled = plain(&self.0.replace("{year}", &year.to_string()));
        let (prefix, suffix) = filled.split_once("{seq}")?;
        plain(number).strip_prefix(prefix)?.strip_suffix(suffix)?.parse().ok()
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
    /// What it is about (a bulletin's period, the clocks a notice covers).
    pub(crate) about: Option<String>,
}

/// The register's lock: held by an issuing run from before it reads the
/// repository until its numbers are recorded, so two runs at once never take
/// the same number or cover the same clock twice.
pub(crate) struct Lock(std::fs::File);

impl Lock {
    /// Waits for and takes the lock.
    pub(crate) fn take(scope: &crate::fsx::Scope) -> Result<Lock> {
        crate::edit::journal::make_dir(scope)?;
        let file = scope.lock_file(&crate::edit::journal::dir(scope.root()).join("issued.lock"))?;
        file.lock().context("无法锁定发文登记簿")?;
        Ok(Lock(file))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// A document to register.
#[derive(Debug, Clone)]
pub(crate) struct NewEntry {
    /// Addressee.
    pub(crate) to: String,
    /// Title.
    pub(crate) title: String,
    /// What it is about (see `Planned::about`).
    pub(crate) about: String,
    /// Its date (成文日期): an assignment letter's is the day of the assignment it sends.
    pub(crate) date: NaiveDate,
}

/// The register with numbers taken for new documents of a kind: the numbers and
/// the register's new text. `used` are numbers already written in case files
/// (e.g. `supervised` events), which are never given again either.
pub(crate) fn take(
    existing: &str,
    kind: DocKind,
    pattern: &Pattern,
    date: NaiveDate,
    used: &[String],
    docs: &[NewEntry],
) -> Result<(Vec<String>, String)> {
    let entries = read(existing)?;
    let year = chrono::Datelike::year(&date);
    let last_registered =
        entries.iter().filter(|e| e.kind == kind.key() && e.year == year).map(|e| e.seq).max().unwrap_or(0);
    let last_used = used.iter().filter_map(|n| pattern.seq_of(n, year)).max().unwrap_or(0);
    let mut next = last_registered.max(last_used);
    let mut text = if existing.trim().is_empty() { HEADER.to_string() } else { existing.to_string() };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let mut numbers = Vec::new();
    for doc in docs {
        next += 1;
        let number = pattern.number(year, next);
        let q = |s: &str| serde_json::to_string(s).unwrap_or_default();
        text.push_str(&format!(
            "- {{ kind: {}, year: {year}, seq: {next}, number: {}, date: {}, to: {}, title: {}, about: {} }}\n",
            kind.key(),
            q(&number),
            doc.date,
            q(&doc.to),
            q(&doc.title),
            q(&doc.about)
        ));
        numbers.push(number);
    }
    Ok((numbers, text))
}

/// The registered document of a kind to a recipient about the same thing, if any.
pub(crate) fn find<'e>(entries: &'e [Entry], kind: DocKind, to: &str, about: &str) -> Option<&'e Entry> {
    entries
        .iter()
        .rev()
        .find(|e| e.kind == kind.key() && e.to.as_deref() == Some(to) && e.about.as_deref() == Some(about))
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
        crate::model::field::field("about", false, crate::model::field::Ty::Text, ""),
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
                about: m.text("about", &mut sink),
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
        assert_eq!(p.seq_of("湖营商督〔2026〕７号", 2026), Some(7), "full-width digits");
        assert_eq!(p.seq_of("湖营商督〔２０２６〕 12 号", 2026), Some(12));
        assert_eq!(p.seq_of("湖营商督〔2025〕5号", 2026), None);
        assert_eq!(p.seq_of("湖营商通〔2026〕3号", 2026), None);
    }

    fn entry(to: &str, title: &str) -> NewEntry {
        NewEntry {
            to: to.into(), title: title.into(), about: "2026年11月".into(), date: "2026-11-20".parse().unwrap()
        }
    }

    #[test]
    fn numbers_continue_after_registered_and_used_numbers_and_are_never_reused() {
        let p = Pattern("测督〔{year}〕{seq}号".into());
        let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let used = vec!["测督〔2026〕5号".to_string()];
        let (first, text) =
            take("", DocKind::Supervision, &p, date, &used, &[entry("甲局", "标题：含 # 与 \"引号\"")]).unwrap();
        assert_eq!(first, ["测督〔2026〕6号"]);
        let (two, text) =
            take(&text, DocKind::Supervision, &p, date, &[], &[entry("乙局", "t"), entry("丙局", "t")]).unwrap();
        assert_eq!(two, ["测督〔2026〕7号", "测督〔2026〕8号"]);
        let entries = read(&text).unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[0].title.as_deref(), Some("标题：含 # 与 \"引号\""));
        assert!(text.starts_with("# 发文登记簿"));
        assert_eq!(find(&entries, DocKind::Supervision, "乙局", "2026年11月").map(|e| e.seq), Some(7));
        assert!(find(&entries, DocKind::Bulletin, "乙局", "2026年11月").is_none());
        // Another kind and another year start at 1.
        let (other, _) = take(
            &text,
            DocKind::Bulletin,
            &Pattern("测通〔{year}〕{seq}号".into()),
            date,
            &[],
            &[entry("各单位", "t")],
        )
        .unwrap();
        assert_eq!(other, ["测通〔2026〕1号"]);
    }

    #[test]
    fn a_damaged_register_stops_issuing() {
        assert!(read("- { kind: supervision, year: abc, seq: 1, number: x }\n").is_err());
        assert!(read("not: a list\n").is_err());
        assert!(read("- { kind: supervision, year: 2026, seq: 1, number: x, about: [a, b] }\n").is_err());
        assert!(read("# only comments\n").unwrap().is_empty());
    }
}
