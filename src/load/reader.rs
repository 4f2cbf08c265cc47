//! Typed reading of YAML nodes, reporting every problem with its position.
//!
//! Each kind of mapping is described by a table of [`Field`]s (`model::field`);
//! the same tables drive the unknown-key check here and the JSON Schema.

use chrono::{Datelike, NaiveDate};

use rustc_hash::FxHashSet;

use crate::diag::{closest, did_you_mean, Pos, Sink};
use crate::load::yaml::{Node, Value};
use crate::model::enums::spellings;
use crate::model::field::{Field, Ty};
use crate::model::{Named, Spanned};

/// A mapping whose keys were checked against a field table.
pub(crate) struct MapReader<'n> {
    entries: &'n [(Node<'n>, Node<'n>)],
    /// Where the mapping starts.
    pub(crate) pos: Pos,
}

impl<'n> MapReader<'n> {
    /// Checks a node is a mapping with known, unique keys and every required key.
    pub(crate) fn open(node: &'n Node<'n>, what: &str, fields: &[Field], sink: &mut Sink) -> Option<MapReader<'n>> {
        let Value::Map(entries) = &node.value else {
            sink.error("wrong-type", node.pos, format!("{what}应为映射（键: 值），实为{}", node.kind_name()))
                .hint("请写成「字段: 值」的形式，每个字段一行");
            return None;
        };
        // A set, not a list: a file of 300,000 keys must not take minutes.
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        for (key, value) in entries {
            // A key with no value (or an empty list or mapping) is never read as absent: someone
            // meant to write something.
            let field = key.as_str().and_then(|name| fields.iter().find(|f| f.name == name));
            // A required list left empty (`start: []`) has no value either; an optional one says
            // "none", and `timeline: []` or a calendar's `years: []` say there is nothing yet.
            let may_be_empty =
                field.is_none_or(|f| !f.required || matches!(f.ty, Ty::Timeline | Ty::List(_) | Ty::Any));
            let empty = match &value.value {
                Value::Null => true,
                Value::Seq(items) => items.is_empty() && !may_be_empty,
                Value::Map(items) => items.is_empty() && !may_be_empty,
                _ => false,
            };
            if let (true, Some(name)) = (empty, key.as_str()) {
                let (code, hint) = match field {
                    Some(f) if f.required => ("missing-field", format!("必填：{name}：{}", f.doc)),
                    Some(f) => ("empty-value", format!("请填写，或不需要时删掉这一行（{name}：{}）", f.doc)),
                    None => ("empty-value", "不需要时删掉这一行".to_string()),
                };
                sink.error(code, key.pos, format!("{what}的字段「{name}」没有值")).hint(hint);
            }
            let Some(name) = key.as_str() else {
                sink.error("wrong-type", key.pos, "字段名应为文本");
                continue;
            };
            if !seen.insert(name) {
                sink.error("duplicate-key", key.pos, format!("字段「{name}」重复出现"))
                    .hint("同一层只能写一次，请删除或合并重复的字段");
            }
            if !fields.iter().any(|f| f.name == name) {
                let hint = match closest(name, fields.iter().map(|f| f.name)) {
                    Some(near) => did_you_mean(near),
                    None => format!("可用字段：{}；自定义内容请放在 extra 下", names(fields)),
                };
                sink.error("unknown-field", key.pos, format!("{what}中没有字段「{name}」")).hint(hint);
            }
        }
        for f in fields.iter().filter(|f| f.required) {
            if !seen.contains(&f.name) {
                sink.error("missing-field", node.pos, format!("{what}缺少必填字段「{}」", f.name))
                    .hint(format!("{}：{}", f.name, f.doc));
            }
        }
        Some(MapReader { entries, pos: node.pos })
    }

    /// The value of a key (the first, if repeated), unless it is null (which
    /// `open` reported; an empty list reads as no items, and was reported too).
    pub(crate) fn get(&self, name: &str) -> Option<&'n Node<'n>> {
        self.entries.iter().find(|(k, _)| k.as_str() == Some(name)).map(|(_, v)| v).filter(|v| v.value != Value::Null)
    }

    /// The position of a key, for messages about it.
    pub(crate) fn key_pos(&self, name: &str) -> Option<Pos> {
        self.entries.iter().find(|(k, _)| k.as_str() == Some(name)).map(|(k, _)| k.pos)
    }

    /// A text field.
    pub(crate) fn text(&self, name: &str, sink: &mut Sink) -> Option<String> {
        self.get(name).and_then(|n| text(n, sink))
    }

    /// A text field with its position.
    pub(crate) fn spanned_text(&self, name: &str, sink: &mut Sink) -> Option<Spanned<String>> {
        self.get(name).and_then(|n| text(n, sink).map(|t| Spanned::new(t, n.pos)))
    }

    /// A date field.
    pub(crate) fn date(&self, name: &str, sink: &mut Sink) -> Option<Spanned<NaiveDate>> {
        self.get(name).and_then(|n| date(n, sink).map(|d| Spanned::new(d, n.pos)))
    }

    /// An enumerated field.
    pub(crate) fn named<T: Named>(&self, name: &str, sink: &mut Sink) -> Option<T> {
        self.get(name).and_then(|n| named::<T>(n, sink))
    }

    /// One text or a list of texts.
    pub(crate) fn texts(&self, name: &str, sink: &mut Sink) -> Vec<Spanned<String>> {
        self.get(name).map(|n| texts(n, sink)).unwrap_or_default()
    }

    /// A boolean field.
    pub(crate) fn bool(&self, name: &str, sink: &mut Sink) -> Option<bool> {
        let node = self.get(name)?;
        match node.as_str() {
            Some("true" | "True" | "TRUE" | "是") => Some(true),
            Some("false" | "False" | "FALSE" | "否") => Some(false),
            _ => {
                sink.error("wrong-type", node.pos, format!("「{name}」应为 true 或 false"));
                None
            }
        }
    }
}

fn names(fields: &[Field]) -> String {
    fields.iter().map(|f| f.name).collect::<Vec<_>>().join("、")
}

/// A scalar as text; numbers and booleans are taken as written.
pub(crate) fn text(node: &Node, sink: &mut Sink) -> Option<String> {
    match &node.value {
        // `title: ""`: written, but empty — someone meant to write something.
        Value::Str(s) if s.trim().is_empty() => {
            sink.error("empty-value", node.pos, "这里的值是空的").hint("请填写，或删掉这一项");
            None
        }
        Value::Str(s) => Some(s.to_string()),
        // `event: ~`, an empty list item: never read as absent.
        Value::Null => {
            sink.error("empty-value", node.pos, "这里没有值").hint("请填写，或删掉这一项");
            None
        }
        _ => {
            sink.error("wrong-type", node.pos, format!("应为文本，实为{}", node.kind_name()));
            None
        }
    }
}

/// One text or a list of texts, each with its position.
pub(crate) fn texts(node: &Node, sink: &mut Sink) -> Vec<Spanned<String>> {
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(|n| text(n, sink).map(|t| Spanned::new(t, n.pos))).collect(),
        _ => text(node, sink).map(|t| vec![Spanned::new(t, node.pos)]).unwrap_or_default(),
    }
}

/// An enumerated value in English or Chinese.
pub(crate) fn named<T: Named>(node: &Node, sink: &mut Sink) -> Option<T> {
    let t = text(node, sink)?;
    let found = T::parse(t.trim());
    if found.is_none() {
        let all: Vec<&str> = T::ALL.iter().flat_map(|(_, en, zh)| [*en, *zh]).collect();
        let hint = match closest(t.trim(), all) {
            Some(near) => format!("{}可选：{}", did_you_mean(near), spellings::<T>()),
            None => format!("可选：{}", spellings::<T>()),
        };
        sink.error("invalid-value", node.pos, format!("{}「{t}」无效", T::WHAT)).hint(hint);
    }
    found
}

/// A date written as `YYYY-MM-DD`; other spellings get the ISO form suggested.
pub(crate) fn date(node: &Node, sink: &mut Sink) -> Option<NaiveDate> {
    let t = text(node, sink)?;
    let t = t.trim();
    match parse_date(t) {
        Ok(d) if !YEARS.contains(&d.year()) => {
            sink.error("invalid-date", node.pos, format!("日期「{t}」超出 {} 年至 {} 年", YEARS.start(), YEARS.end()))
                .hint("请检查年份：案件、事件和日历的日期都在这个范围内");
            None
        }
        Ok(d) => Some(d),
        Err(suggestion) => {
            let message = if suggestion.is_none() && looks_iso(t) {
                format!("日期「{t}」不存在")
            } else {
                format!("日期「{t}」格式不对")
            };
            let hint = match suggestion {
                Some(iso) => format!("日期请写作 {iso}"),
                None => "日期请写作 2026-06-03 的形式（年-月-日）".to_string(),
            };
            sink.error("invalid-date", node.pos, message).hint(hint);
            None
        }
    }
}

/// The years a date in a repository or on the command line may have: a year
/// like 0000 or -001 is a typing slip, and would make a clock thousands of years overdue.
pub(crate) const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

fn looks_iso(t: &str) -> bool {
    t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-'
}

/// Parses `YYYY-MM-DD`; on failure, the ISO form of a recognisable other spelling.
pub(crate) fn parse_date(t: &str) -> Result<NaiveDate, Option<String>> {
    if looks_iso(t) {
        return NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| None);
    }
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月', '日', '号']).filter(|p| !p.is_empty()).collect();
    if let [y, m, d] = parts[..] {
        if let (Ok(y), Ok(m), Ok(d)) = (y.trim().parse::<i32>(), m.trim().parse::<u32>(), d.trim().parse::<u32>()) {
            if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
                return Err(Some(date.format("%Y-%m-%d").to_string()));
            }
        }
    }
    Err(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_other_spellings_get_the_iso_form() {
        assert_eq!(parse_date("2026-06-03").unwrap(), NaiveDate::from_ymd_opt(2026, 6, 3).unwrap());
        assert_eq!(parse_date("2026/6/3").unwrap_err().as_deref(), Some("2026-06-03"));
        assert_eq!(parse_date("2026年6月3日").unwrap_err().as_deref(), Some("2026-06-03"));
        assert_eq!(parse_date("2026-6-3").unwrap_err().as_deref(), Some("2026-06-03"));
        assert_eq!(parse_date("2026.06.03").unwrap_err().as_deref(), Some("2026-06-03"));
        assert_eq!(parse_date("2026-02-30").unwrap_err(), None);
        assert_eq!(parse_date("六月三日").unwrap_err(), None);
    }

    #[test]
    fn dates_outside_1949_to_2100_are_errors_at_their_place() {
        let read = |text: &str| {
            let node = crate::load::yaml::parse("c.yaml", text).unwrap().unwrap();
            let crate::load::yaml::Value::Map(entries) = &node.value else { panic!("{text}") };
            let mut sink = Sink::new("c.yaml");
            let found = date(&entries[0].1, &mut sink);
            (found, sink.diagnostics)
        };
        for bad in ["-001-06-01", "0000-01-01", "1948-12-31", "2101-01-01"] {
            let (found, diagnostics) = read(&format!("received: {bad}\n"));
            assert_eq!(found, None, "{bad}");
            let d = &diagnostics[0];
            assert_eq!((d.code.as_str(), d.line, d.column), ("invalid-date", 1, 11), "{bad}");
        }
        assert!(read("received: 2100-12-31\n").0.is_some());
        assert!(read("received: 1949-10-01\n").0.is_some());
    }
}
