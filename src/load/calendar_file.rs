//! Holiday calendar files: `rules/calendars/*.yaml`.

use chrono::Datelike;

use crate::calendar::{Calendar, Declared, BUILTIN_CN};
use crate::diag::Sink;
use crate::load::reader::MapReader;
use crate::load::yaml::{self, Node, Value};
use crate::model::field::{field, Field, Ty};

/// The keys of a calendar file.
pub(crate) const CALENDAR_FIELDS: &[Field] = &[
    field("name", false, Ty::Text, "日历名称"),
    field("years", true, Ty::List(YEAR_FIELDS), "逐年列出放假日与调休上班日"),
];

const YEAR_FIELDS: &[Field] = &[
    field("year", true, Ty::Int, "年份"),
    field("holidays", false, Ty::List(HOLIDAY_FIELDS), "放假日：{ name, from, to }"),
    field("workdays", false, Ty::List(WORKDAY_FIELDS), "调休上班的周末：{ name, date }"),
];

const HOLIDAY_FIELDS: &[Field] = &[
    field("name", true, Ty::Text, "节日名称"),
    field("from", true, Ty::Date, "放假第一天"),
    field("to", true, Ty::Date, "放假最后一天"),
];

const WORKDAY_FIELDS: &[Field] = &[field("name", false, Ty::Text, "说明"), field("date", true, Ty::Date, "上班日期")];

/// What one calendar file declares.
#[derive(Debug, Clone, Default)]
pub(crate) struct CalendarFile {
    /// The years the file declares, as (first, last).
    pub(crate) years: Option<(i32, i32)>,
    /// Declared days, in file order.
    pub(crate) declared: Vec<Declared>,
}

/// Reads a calendar file; problems go to the sink and the rest is still used.
pub(crate) fn read_calendar(root: &Node, sink: &mut Sink) -> CalendarFile {
    let mut out = CalendarFile::default();
    let Some(m) = MapReader::open(root, "日历文件", CALENDAR_FIELDS, sink) else { return out };
    // Not used for counting days, but a name that is a list or a mapping is a mistake to say.
    let _ = m.text("name", sink);
    let Some(years) = m.get("years") else { return out };
    let Value::Seq(items) = &years.value else {
        sink.error("wrong-type", years.pos, "years 应为列表").hint("每年以「- year: 2026」开头");
        return out;
    };
    for item in items {
        let Some(y) = MapReader::open(item, "年份", YEAR_FIELDS, sink) else { continue };
        let Some(year_node) = y.get("year") else { continue };
        let Some(year) = year_node.as_str().and_then(|t| t.parse::<i32>().ok()).filter(|y| (1949..=2200).contains(y))
        else {
            sink.error("invalid-value", year_node.pos, "year 应为 1949—2200 之间的四位年份");
            continue;
        };
        out.years = Some(match out.years {
            None => (year, year),
            Some((a, b)) => (a.min(year), b.max(year)),
        });
        for node in list(&y, "holidays", sink) {
            let Some(h) = MapReader::open(node, "放假安排", HOLIDAY_FIELDS, sink) else { continue };
            let (Some(name), Some(from), Some(to)) = (h.text("name", sink), h.date("from", sink), h.date("to", sink))
            else {
                continue;
            };
            if to.value < from.value {
                sink.error("invalid-value", to.pos, "放假最后一天早于第一天");
                continue;
            }
            if from.value.year() != year || to.value.year() > year + 1 {
                sink.error("invalid-value", from.pos, format!("放假日期不在 {year} 年"))
                    .hint("每年的放假安排写在该年的 year 之下");
                continue;
            }
            out.declared.push(Declared::Holiday { name, from: from.value, to: to.value });
        }
        for node in list(&y, "workdays", sink) {
            let Some(w) = MapReader::open(node, "调休上班日", WORKDAY_FIELDS, sink) else { continue };
            let Some(date) = w.date("date", sink) else { continue };
            if date.value.year() != year {
                sink.error("invalid-value", date.pos, format!("调休上班日不在 {year} 年"))
                    .hint("每年的调休写在该年的 year 之下");
                continue;
            }
            let name = w.text("name", sink).unwrap_or_else(|| "调休上班".to_string());
            out.declared.push(Declared::Workday { name, date: date.value });
        }
    }
    out
}

fn list<'n>(m: &MapReader<'n>, key: &str, sink: &mut Sink) -> &'n [Node<'n>] {
    match m.get(key) {
        Some(Node { value: Value::Seq(items), .. }) => items,
        Some(n) => {
            sink.error("wrong-type", n.pos, format!("{key} 应为列表"));
            &[]
        }
        None => &[],
    }
}

/// Builds a calendar from a base file and local additions applied after it.
pub(crate) fn assemble(base: &CalendarFile, additions: &[CalendarFile]) -> Calendar {
    let Some(years) = base.years else { return Calendar::weekends_only() };
    let declared: Vec<Declared> =
        base.declared.iter().chain(additions.iter().flat_map(|a| &a.declared)).cloned().collect();
    Calendar::new(years, &declared)
}

/// The built-in Chinese calendar.
pub(crate) fn builtin_file() -> CalendarFile {
    let mut sink = Sink::new("rules/calendars/cn.yaml");
    let root = yaml::parse(sink.file, BUILTIN_CN).ok().flatten();
    let file = root.map(|r| read_calendar(&r, &mut sink)).unwrap_or_default();
    debug_assert!(sink.diagnostics.is_empty(), "built-in calendar is valid: {:?}", sink.diagnostics);
    file
}

/// The built-in Chinese calendar, assembled.
#[cfg(test)]
pub(crate) fn builtin() -> Calendar {
    assemble(&builtin_file(), &[])
}
