//! A problem list (问题清单) to new cases: columns found by their Chinese
//! headers, each row checked as `check` would check the case it becomes, and
//! every problem placed at its cell. Pure: the sheet is read by `load::sheet`
//! and the cases are written by the caller.

use chrono::{Datelike, NaiveDate};

use crate::check::Ledger;
use crate::diag::{closest, did_you_mean};
use crate::edit::create::{NewAssignment, NewCase};
use crate::load::case::check_credit_code;
use crate::load::reader::{parse_date, YEARS};
use crate::load::sheet::Sheet;
use crate::model::sheet::Column;
use crate::model::{Enterprise, Named, Source};

/// Where the header row is and which column holds what.
#[derive(Debug)]
pub(crate) struct Header {
    /// The header's row (from 0).
    pub(crate) row: usize,
    /// Each recognised column's position.
    pub(crate) columns: Vec<(usize, Column)>,
}

/// Rows looked at for the header: a title and a note or two may come first.
const HEADER_SEARCH: usize = 20;

/// Finds the header: the first row (among the first twenty) naming the
/// problem column and at least one other.
pub(crate) fn find_header(sheet: &Sheet, map: &[(String, Column)]) -> Result<Header, String> {
    for (row, cells) in sheet.rows.iter().take(HEADER_SEARCH).enumerate() {
        let mut columns: Vec<(usize, Column)> = Vec::new();
        for (col, text) in cells.iter().enumerate() {
            if let Some(c) = Column::of(text, map) {
                if !columns.iter().any(|(_, k)| *k == c) {
                    columns.push((col, c));
                }
            }
        }
        if columns.len() >= 2 && columns.iter().any(|(_, c)| *c == Column::Problem) {
            return Ok(Header { row, columns });
        }
    }
    Err(format!(
        "{} 的前{HEADER_SEARCH}行中没有找到表头：需要一行写有「反映问题」（或 诉求内容、问题描述 等）及至少一个其他列名，如「企业名称」",
        sheet.file
    ))
}

/// A problem with a row, at its cell, in `check`'s words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// 问题清单.xlsx 第1张表!C12
    pub(crate) cell: String,
    pub(crate) code: &'static str,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

/// One row as a case to be: everything but its id.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    /// The row (from 0).
    pub(crate) row: usize,
    /// The case, with its source; `id` is left empty.
    pub(crate) case: NewCase,
}

/// What the caller adds to every row.
#[derive(Debug, Clone, Default)]
pub(crate) struct Defaults {
    /// The received date when the sheet has none (a meeting's date, `--received`).
    pub(crate) received: Option<NaiveDate>,
    /// Whether the rows go into a meeting's folder (which gives the date and channel).
    pub(crate) in_meeting: bool,
    /// `--channel`, for rows not in a meeting.
    pub(crate) channel: Option<&'static str>,
}

/// Every data row below the header: planned cases, and the problems of the rows that cannot be.
pub(crate) fn plan(
    sheet: &Sheet,
    header: &Header,
    ledger: &Ledger,
    defaults: &Defaults,
) -> (Vec<Planned>, Vec<Problem>) {
    let mut planned = Vec::new();
    let mut problems = Vec::new();
    for (row, cells) in sheet.rows.iter().enumerate().skip(header.row + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut found = Vec::new();
        if let Some(p) = plan_row(sheet, header, ledger, defaults, row, cells, &mut found) {
            if found.is_empty() {
                planned.push(p);
            }
        }
        problems.extend(found);
    }
    (planned, problems)
}

fn plan_row(
    sheet: &Sheet,
    header: &Header,
    ledger: &Ledger,
    defaults: &Defaults,
    row: usize,
    cells: &[String],
    problems: &mut Vec<Problem>,
) -> Option<Planned> {
    let at = |c: Column| header.columns.iter().find(|(_, k)| *k == c).map(|(col, _)| *col);
    let value =
        |c: Column| at(c).and_then(|col| cells.get(col)).map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let cell_of = |c: Column| sheet.cell(row, at(c).unwrap_or(0));
    let mut problem = |c: Column, code: &'static str, message: String, hint: Option<String>| {
        problems.push(Problem { cell: cell_of(c), code, message, hint });
    };

    let Some(text) = value(Column::Problem) else {
        problem(
            Column::Problem,
            "missing-field",
            "这一行没有写反映的问题".into(),
            Some("请填写问题内容，或删掉这一行".into()),
        );
        return None;
    };
    let date = |c: Column, problem: &mut dyn FnMut(Column, &'static str, String, Option<String>)| {
        let t = value(c)?;
        let parsed = match parse_date(&t) {
            Ok(d) => Some(d),
            Err(Some(iso)) => NaiveDate::parse_from_str(&iso, "%Y-%m-%d").ok(),
            Err(None) => None,
        };
        match parsed {
            Some(d) if YEARS.contains(&d.year()) => Some(d),
            Some(_) => {
                problem(c, "invalid-date", format!("{}「{t}」超出 1949 年至 2100 年", c.name()), None);
                None
            }
            None => {
                problem(
                    c,
                    "invalid-date",
                    format!("{}「{t}」不是日期", c.name()),
                    Some("日期请写作 2026-06-03".into()),
                );
                None
            }
        }
    };
    let received = date(Column::Received, &mut problem).or(defaults.received);
    if received.is_none() && !defaults.in_meeting {
        problem(
            Column::Problem,
            "missing-field",
            "这一行没有收到日期".into(),
            Some("请在表中加「收到日期」列，或用 --received 给出，或用 --meeting 导入到一期恳谈会".into()),
        );
    }
    let credit_code = value(Column::CreditCode);
    if let Some(code) = &credit_code {
        if let Err(why) = check_credit_code(code) {
            problem(Column::CreditCode, "invalid-credit-code", format!("统一社会信用代码「{code}」无效：{why}"), None);
        }
    }
    let department = |c: Column, name: &str, problem: &mut dyn FnMut(Column, &'static str, String, Option<String>)| {
        let full = ledger.department_name(name);
        let known = ledger.departments.as_ref().is_none_or(|ds| ds.iter().any(|d| d.name == full));
        if !known {
            let names = ledger.departments.iter().flatten().flat_map(|d| d.names());
            let hint = closest(name, names).map(|n| did_you_mean(&ledger.department_name(n)));
            problem(c, "unknown-department", format!("未知部门「{name}」"), hint);
        }
        full
    };
    let lead = value(Column::Lead).map(|l| department(Column::Lead, &l, &mut problem));
    let co: Vec<String> = value(Column::Co)
        .map(|t| {
            t.split(['、', ',', '，', ';', '；', '/', '\n'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| department(Column::Co, n, &mut problem))
                .collect()
        })
        .unwrap_or_default();
    let assigned_on = date(Column::Assigned, &mut problem);
    let due = date(Column::Due, &mut problem);
    let assigned = match (lead, assigned_on) {
        (Some(lead), Some(date)) => Some(NewAssignment { date, lead, co, due }),
        // A date that is there but wrong was reported as such above.
        (Some(_), None) if value(Column::Assigned).is_none() => {
            problem(
                Column::Lead,
                "missing-field",
                "写了牵头单位，却没有交办日期".into(),
                Some("请填写「交办日期」；尚未交办的，删去牵头单位，交办时用 qinqing assign".into()),
            );
            None
        }
        _ => None,
    };
    let channel = value(Column::Channel).and_then(|t| match crate::model::Channel::parse(&t) {
        Some(c) => Some(c.key()),
        None => {
            let all = crate::model::enums::spellings::<crate::model::Channel>();
            problem(Column::Channel, "invalid-value", format!("来源渠道「{t}」无效"), Some(format!("可选：{all}")));
            None
        }
    });
    let enterprise = value(Column::Enterprise);
    let key = match value(Column::Seq) {
        Some(seq) => seq,
        None => digest(enterprise.as_deref().unwrap_or(""), &text),
    };
    let title = value(Column::Title).unwrap_or_else(|| title_of(&text));
    let note = value(Column::Note);
    let description = match note {
        Some(n) => format!("{text}\n备注：{n}"),
        None => text,
    };
    Some(Planned {
        row,
        case: NewCase {
            id: String::new(),
            title,
            enterprise: enterprise.map(|name| Enterprise {
                name,
                credit_code,
                contact: value(Column::Contact),
                phone: value(Column::Phone),
            }),
            received: if defaults.in_meeting { value(Column::Received).and(received) } else { received },
            channel: if defaults.in_meeting { None } else { channel.or(defaults.channel) },
            category: value(Column::Category),
            description: Some(description),
            source: Some(Source { file: sheet.file.clone(), key }),
            assigned,
            ..NewCase::default()
        },
    })
}

/// A row's key when the sheet has no 序号: its enterprise and the start of its problem.
fn digest(enterprise: &str, problem: &str) -> String {
    let start: String = problem.chars().filter(|c| !c.is_whitespace()).take(24).collect();
    if enterprise.is_empty() {
        start
    } else {
        format!("{enterprise}：{start}")
    }
}

/// A title from the problem text: its first clause, at most thirty characters.
pub(crate) fn title_of(text: &str) -> String {
    let first: String =
        text.trim().chars().take_while(|c| !matches!(c, '。' | '；' | ';' | '，' | ',' | '\n' | '！' | '？')).collect();
    let first = first.trim();
    if first.chars().count() <= 30 {
        first.to_string()
    } else {
        format!("{}…", first.chars().take(29).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_by_their_names_and_synonyms() {
        assert_eq!(Column::of("反映问题（必填）", &[]), Some(Column::Problem));
        assert_eq!(Column::of(" * 诉求内容 ", &[]), Some(Column::Problem));
        assert_eq!(Column::of("责任单位", &[]), Some(Column::Lead));
        assert_eq!(Column::of("协办单位", &[]), Some(Column::Co));
        assert_eq!(Column::of("诉求描述", &[("诉求描述".into(), Column::Problem)]), Some(Column::Problem));
        assert_eq!(Column::of("金额", &[]), None);
    }

    #[test]
    fn a_title_is_the_first_clause() {
        assert_eq!(title_of("园区公交线路未延伸，员工通勤不便。"), "园区公交线路未延伸");
        assert_eq!(title_of(&"长".repeat(40)), format!("{}…", "长".repeat(29)));
    }
}
