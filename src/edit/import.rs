//! A problem list (问题清单) to new cases: columns found by their Chinese
//! headers, each row checked as `check` would check the case it becomes, and
//! every problem placed at its cell. Pure: the sheet is read by `load::sheet`
//! and the cases are written by the caller.

use chrono::{Datelike, NaiveDate};

use crate::check::Ledger;
use crate::diag::{closest, did_you_mean};
use crate::edit::create::{NewAssignment, NewCase};
use crate::edit::{FieldValue, NewEvent};
use crate::load::case::check_credit_code;
use crate::load::reader::{parse_date, YEARS};
use crate::load::sheet::Sheet;
use crate::model::sheet::Column;
use crate::model::{Enterprise, EventType, Named, Source};

/// Where the header row is and which column holds what.
#[derive(Debug)]
pub(crate) struct Header {
    /// The header's row (from 0).
    pub(crate) row: usize,
    /// Each recognised column's position.
    pub(crate) columns: Vec<(usize, Column)>,
    /// Headed columns not read: a header not recognised, or a second column for
    /// a field already read (position, header text, the field it repeats).
    pub(crate) ignored: Vec<(usize, String, Option<Column>)>,
}

/// Rows looked at for the header: a title and a note or two may come first.
const HEADER_SEARCH: usize = 20;

/// Finds the header: the first row (among the first twenty) naming the
/// problem column and at least one other.
pub(crate) fn find_header(sheet: &Sheet, map: &[(String, Column)]) -> Result<Header, String> {
    for (row, cells) in sheet.rows.iter().take(HEADER_SEARCH).enumerate() {
        let mut columns: Vec<(usize, Column)> = Vec::new();
        let mut ignored = Vec::new();
        for (col, text) in cells.iter().enumerate() {
            match Column::of(text, map) {
                Some(c) if columns.iter().any(|(_, k)| *k == c) => {
                    ignored.push((col, text.trim().to_string(), Some(c)))
                }
                Some(c) => columns.push((col, c)),
                None if !text.trim().is_empty() => ignored.push((col, text.trim().to_string(), None)),
                None => {}
            }
        }
        if columns.len() >= 2 && columns.iter().any(|(_, c)| *c == Column::Problem) {
            return Ok(Header { row, columns, ignored });
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
    /// Whether that date was given (`--received`): written even in a meeting, whose
    /// date a case otherwise takes (a list collected before the meeting).
    pub(crate) received_given: bool,
    /// Whether the rows go into a meeting's folder (which gives the date and channel).
    pub(crate) in_meeting: bool,
    /// `--channel`: the rows' channel where the sheet says none.
    pub(crate) channel: Option<&'static str>,
    /// The year of a date written without one (8月14日): the meeting's, or `--received`'s.
    pub(crate) year: Option<i32>,
    /// What the office's own values mean (`--map-value`, `import: values:`).
    pub(crate) values: Vec<crate::model::sheet::ValueMap>,
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
    // A cell that cannot be read as shown (an error value, a formula never calculated) stops its row.
    let unreadable: std::collections::BTreeSet<usize> = sheet.problems.iter().map(|(r, _, _)| *r).collect();
    for (row, col, why) in &sheet.problems {
        let hint = Some("请在表格软件中改正这个单元格（或重新计算后保存）再导入".to_string());
        problems.push(Problem { cell: sheet.cell(*row, *col), code: "invalid-cell", message: why.clone(), hint });
    }
    for (row, cells) in sheet.rows.iter().enumerate().skip(header.row + 1) {
        if unreadable.contains(&row) {
            continue;
        }
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
        let parsed = sheet_date(&t, defaults.year);
        if parsed.is_none() && month_day(&t).is_some() {
            problem(
                c,
                "invalid-date",
                format!("{}「{t}」没有年份", c.name()),
                Some("请写完整的日期，或用 --meeting、--received 给出年份".into()),
            );
            return None;
        }
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
                    Some("日期请写作 2026-06-03、2026年6月3日、2026/6/3 或 6月3日".into()),
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
    // A cell may name several units: the first leads, the others help (县交通运输局、县林业局).
    let units = |c: Column| -> Vec<String> { value(c).map(|t| split_units(&t)).unwrap_or_default() };
    let mut named_leads = units(Column::Lead).into_iter();
    let lead = named_leads.next().map(|l| department(Column::Lead, &l, &mut problem));
    let mut co: Vec<String> = named_leads.map(|n| department(Column::Lead, &n, &mut problem)).collect();
    for n in units(Column::Co) {
        let full = department(Column::Co, &n, &mut problem);
        if !co.contains(&full) && lead.as_ref() != Some(&full) {
            co.push(full);
        }
    }
    let assigned_on = date(Column::Assigned, &mut problem);
    let due = date(Column::Due, &mut problem);
    let (assigned, proposed) = match (lead, assigned_on) {
        (Some(lead), Some(date)) => (Some(NewAssignment { date, lead, co, due }), None),
        // A list before the meeting names who is to handle each problem, so that they prepare:
        // kept as the proposed units, which `assign --meeting` assigns to. (A date that is there
        // but wrong was reported as such above.)
        (Some(lead), None) if value(Column::Assigned).is_none() => (None, Some((lead, co))),
        _ => (None, None),
    };
    let later = register_history(&assigned, &value, &mut problem, &date, defaults);
    let channel = value(Column::Channel).and_then(|t| {
        match crate::model::sheet::value_of::<crate::model::Channel>(Column::Channel, &t, &defaults.values) {
            Some(c) if defaults.in_meeting && !c.may_be_of_a_meeting() => {
                problem(
                    Column::Channel,
                    "invalid-value",
                    format!("来源渠道「{t}」与恳谈会矛盾：恳谈会的问题来自会上、线上或书面"),
                    Some("这一行不属于这期恳谈会的，请分开导入（不用 --meeting）".into()),
                );
                None
            }
            Some(c) => Some(c.key()),
            None => {
                let all = crate::model::enums::spellings::<crate::model::Channel>();
                problem(
                    Column::Channel,
                    "invalid-value",
                    format!("来源渠道「{t}」无效"),
                    Some(format!("可选：{all}；本办自己的写法可用 --map-value 来源渠道:{t}=热线 对应，或写进 qinqing.yaml 的 import: values:")),
                );
                None
            }
        }
    });
    // A level is one of the settings' levels, by key or label, or the office's own word mapped to one.
    let level = value(Column::Level).and_then(|t| {
        let word = crate::model::sheet::mapped(Column::Level, &t, &defaults.values);
        match ledger.settings.level_key(&word) {
            Some(key) => Some(key.to_string()),
            None => {
                let all: Vec<String> = ledger.settings.levels.iter().map(|(k, l)| format!("{k}（{l}）")).collect();
                problem(
                    Column::Level,
                    "invalid-value",
                    format!("层级「{t}」无效"),
                    Some(format!("可选：{}；本办自己的写法可用 --map-value 层级:{t}=… 对应", all.join("、"))),
                );
                None
            }
        }
    });
    let handling = value(Column::Handling).and_then(|t| {
        match crate::model::sheet::value_of::<crate::model::Handling>(Column::Handling, &t, &defaults.values) {
            Some(h) => Some(h.key()),
            None => {
                let all = crate::model::enums::spellings::<crate::model::Handling>();
                problem(
                    Column::Handling,
                    "invalid-value",
                    format!("办理方式「{t}」无效"),
                    Some(format!("可选：{all}；本办自己的写法可用 --map-value 办理方式:{t}=… 对应")),
                );
                None
            }
        }
    });
    let enterprise = value(Column::Enterprise);
    // A contact or phone belongs to an enterprise: without its name they would be dropped.
    if enterprise.is_none() {
        for c in [Column::Contact, Column::Phone, Column::CreditCode] {
            if value(c).is_some() {
                problem(
                    c,
                    "missing-field",
                    format!("写了{}，却没有企业名称", c.name()),
                    Some("请填写企业名称（合并的单元格请拆开或每行都填）".into()),
                );
                return None;
            }
        }
    }
    // What recognises the row when it comes again, from any file: its 序号 within a
    // meeting (numbers restart in every list), else its enterprise and problem.
    let key = match value(Column::Seq).filter(|_| defaults.in_meeting) {
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
                email: None,
            }),
            received: if defaults.in_meeting && !defaults.received_given {
                value(Column::Received).and(received)
            } else {
                received
            },
            // A meeting's case records a channel only when it came otherwise than at the meeting.
            channel: channel.or(defaults.channel).filter(|c| !(defaults.in_meeting && *c == "meeting")),
            category: value(Column::Category),
            description: Some(description),
            source: Some(Source { file: sheet.file.clone(), key, row: u32::try_from(row + 1).ok() }),
            assigned,
            proposed,
            later,
            level,
            handling,
            ..NewCase::default()
        },
    })
}

/// What a register's outcome columns record after the assignment — the reply,
/// the rating, a supervision notice, the closing — as entries in date order;
/// a row whose columns contradict each other is a problem at the cell that does.
// The row's readers are the closures of `plan_row`, passed as they are; a type
// alias for the problem reporter does not keep the lifetimes they were inferred with.
#[allow(clippy::type_complexity)]
fn register_history(
    assigned: &Option<NewAssignment>,
    value: &dyn Fn(Column) -> Option<String>,
    problem: &mut dyn FnMut(Column, &'static str, String, Option<String>),
    date: &dyn Fn(Column, &mut dyn FnMut(Column, &'static str, String, Option<String>)) -> Option<NaiveDate>,
    defaults: &Defaults,
) -> Vec<NewEvent> {
    use crate::model::sheet::{value_of, RegisterState};
    use crate::model::{Rating, ReplyResult};
    let mut out = Vec::new();
    let choice =
        |c: Column, what: &str, all: String, problem: &mut dyn FnMut(Column, &'static str, String, Option<String>)| {
            let t = value(c)?;
            let found = match c {
                Column::Result => value_of::<ReplyResult>(c, &t, &defaults.values).map(|v| (v.key(), v.zh())),
                Column::Rating => value_of::<Rating>(c, &t, &defaults.values).map(|v| (v.key(), v.zh())),
                _ => value_of::<RegisterState>(c, &t, &defaults.values).map(|v| (v.key(), v.zh())),
            };
            if found.is_none() {
                problem(
                    c,
                    "invalid-value",
                    format!("{what}「{t}」无效"),
                    Some(format!("可选：{all}；本办自己的写法可用 --map-value {}:{t}=… 对应", c.name())),
                );
            }
            found
        };
    let result = choice(Column::Result, "办理结果", crate::model::enums::spellings::<ReplyResult>(), problem);
    let rating = choice(Column::Rating, "评价", crate::model::enums::spellings::<Rating>(), problem);
    let state = choice(Column::State, "办理状态", "已办结、办理中".to_string(), problem);
    let replied = date(Column::Replied, problem);
    let evaluated = date(Column::Evaluated, problem);
    let closed = date(Column::Closed, problem);
    let supervised = date(Column::SupervisedOn, problem);
    let text = value(Column::ReplyText);
    let lead = assigned.as_ref().map(|a| a.lead.clone());
    // A date written but unreadable was reported at its cell: nothing that needs it is reported again.
    let unreadable = |c: Column, read: Option<NaiveDate>| read.is_none() && value(c).is_some();
    let no_assignment = assigned.is_none() && (unreadable(Column::Assigned, None) || value(Column::Lead).is_some());
    let reply_unreadable = unreadable(Column::Replied, replied);
    // The reply: its date, by the lead, with its result and text.
    let says_reply = replied.is_some() || result.is_some() || text.is_some();
    let mut answered_on = None;
    if says_reply {
        match (&lead, replied) {
            (None, _) if no_assignment => {}
            (None, _) => problem(
                if replied.is_some() { Column::Replied } else { Column::Result },
                "event-without-assignment",
                "有答复却没有交办（牵头单位和交办日期）".into(),
                Some("请填写牵头单位和交办日期".into()),
            ),
            (Some(_), None) if value(Column::Replied).is_none() => problem(
                if result.is_some() { Column::Result } else { Column::ReplyText },
                "missing-field",
                "写了办理结果或答复内容，却没有答复日期".into(),
                Some("请填写「答复日期」".into()),
            ),
            (Some(lead), Some(on)) => {
                if assigned.as_ref().is_some_and(|a| on < a.date) {
                    problem(Column::Replied, "event-out-of-order", format!("答复日期 {on} 早于交办日期"), None);
                }
                let mut fields = vec![("by", FieldValue::Text(lead.clone()))];
                if let Some((en, zh)) = result {
                    fields.push(("result", FieldValue::Named(en, zh)));
                }
                if let Some(t) = &text {
                    fields.push(("text", FieldValue::Text(t.clone())));
                }
                out.push(NewEvent { date: on, kind: EventType::Replied, fields });
                answered_on = Some(on);
            }
            (Some(_), None) => {}
        }
    }
    // A supervision notice: its number and its date.
    if let Some(doc) = value(Column::Supervised) {
        match (supervised, &lead) {
            (Some(on), Some(lead)) => out.push(NewEvent {
                date: on,
                kind: EventType::Supervised,
                fields: vec![("doc", FieldValue::Text(doc)), ("to", FieldValue::Text(lead.clone()))],
            }),
            (None, _) if value(Column::SupervisedOn).is_none() => problem(
                Column::Supervised,
                "missing-field",
                "写了督办文号，却没有督办日期".into(),
                Some("请加「督办日期」列".into()),
            ),
            (_, None) => problem(Column::Supervised, "event-without-assignment", "有督办却没有交办".into(), None),
            (None, Some(_)) => {}
        }
    }
    // The rating: on its date, else the closing's, else the reply's.
    if let Some((en, zh)) = rating {
        match answered_on {
            None if reply_unreadable || no_assignment => {}
            None => problem(
                Column::Rating,
                "evaluation-before-reply",
                "有评价却没有答复（答复日期）".into(),
                Some("企业评价的是部门的答复：请填写答复日期".into()),
            ),
            Some(on) => {
                let at = evaluated.or(closed).unwrap_or(on);
                if at < on {
                    problem(Column::Evaluated, "event-out-of-order", format!("评价日期 {at} 早于答复日期 {on}"), None);
                }
                out.push(NewEvent {
                    date: at,
                    kind: EventType::Evaluated,
                    fields: vec![("rating", FieldValue::Named(en, zh))],
                });
            }
        }
    } else if evaluated.is_some() {
        problem(
            Column::Evaluated,
            "missing-field",
            "有评价日期，却没有评价".into(),
            Some("请填写「评价」（满意、基本满意、不满意）".into()),
        );
    }
    // The closing, and what the register's state says of it.
    match (state.map(|(en, _)| en), closed) {
        (Some("closed"), None) if value(Column::Closed).is_none() => problem(
            Column::State,
            "missing-field",
            "办理状态为已办结，却没有办结日期".into(),
            Some("请填写「办结日期」".into()),
        ),
        (Some("open"), Some(_)) => {
            problem(Column::State, "invalid-value", "办理状态为办理中，却有办结日期".into(), None);
        }
        _ => {}
    }
    if let Some(on) = closed {
        match answered_on {
            None if reply_unreadable || no_assignment => {}
            None => problem(
                Column::Closed,
                "event-without-assignment",
                "有办结日期却没有答复（答复日期）".into(),
                Some("请填写答复日期".into()),
            ),
            Some(answer) if on < answer => {
                problem(Column::Closed, "event-out-of-order", format!("办结日期 {on} 早于答复日期 {answer}"), None)
            }
            Some(_) => {
                let mut fields = Vec::new();
                // Closed although unsatisfied: the register's remark is the reason, else it is missing.
                if rating.is_some_and(|(en, _)| en == "unsatisfied") {
                    match value(Column::Note) {
                        Some(n) => fields.push(("reason", FieldValue::Text(n))),
                        None => problem(
                            Column::Closed,
                            "closed-without-reason",
                            "企业评价不满意仍办结，须写明理由".into(),
                            Some("请在「备注」中写明理由，如 经联席会议研究，企业诉求不符合政策".into()),
                        ),
                    }
                }
                out.push(NewEvent { date: on, kind: EventType::Closed, fields });
            }
        }
    }
    out.sort_by_key(|e| e.date);
    out
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

/// The longest title made from a problem's text.
const TITLE_CHARS: usize = 30;

/// A title from the problem text: its first sentence (up to 。；！？ or a line
/// break) when it fits in thirty characters; else cut at the last comma or
/// pause within the thirty, else at a word boundary (jieba), never mid-word.
pub(crate) fn title_of(text: &str) -> String {
    let sentence: String =
        text.trim().chars().take_while(|c| !matches!(c, '。' | '；' | ';' | '\n' | '！' | '？' | '!' | '?')).collect();
    let sentence = sentence.trim();
    if sentence.chars().count() <= TITLE_CHARS {
        return sentence.trim_end_matches(['，', ',', '、']).to_string();
    }
    let head: String = sentence.chars().take(TITLE_CHARS).collect();
    // The last clause boundary that leaves a title of some length.
    if let Some((at, _)) = head.char_indices().rfind(|(_, c)| matches!(c, '，' | ',' | '、' | '：' | ':')) {
        if head[..at].chars().count() >= 8 {
            return head[..at].to_string();
        }
    }
    // A word boundary within the limit (one character for the ellipsis).
    let mut title = String::new();
    for word in crate::text::words::words(sentence) {
        if title.chars().count() + word.chars().count() > TITLE_CHARS - 1 {
            break;
        }
        title.push_str(word);
    }
    if title.is_empty() {
        title = sentence.chars().take(TITLE_CHARS - 1).collect();
    }
    format!("{}…", title.trim_end())
}

/// The units a cell names: split on 、，,；;／/ and line breaks.
pub(crate) fn split_units(cell: &str) -> Vec<String> {
    cell.split(['、', ',', '，', ';', '；', '/', '／', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// `8月14日` (month and day) as numbers.
fn month_day(t: &str) -> Option<(u32, u32)> {
    let (m, rest) = t.trim().split_once('月')?;
    let d = rest.trim().trim_end_matches(['日', '号']);
    Some((m.trim().parse().ok()?, d.trim().parse().ok()?))
}

/// A date as offices write it in a sheet: 2026-06-03, 2026年6月3日, 2026/6/3,
/// 2026.6.3, an Excel serial number (45810), or 6月3日 in `year`.
pub(crate) fn sheet_date(t: &str, year: Option<i32>) -> Option<NaiveDate> {
    let t = t.trim();
    match parse_date(t) {
        Ok(d) => return Some(d),
        Err(Some(iso)) => return NaiveDate::parse_from_str(&iso, "%Y-%m-%d").ok(),
        Err(None) => {}
    }
    if let Some((m, d)) = month_day(t) {
        return NaiveDate::from_ymd_opt(year?, m, d);
    }
    // An Excel date stored as a number shows as five digits (1954 to 2173).
    if t.len() == 5 && t.bytes().all(|b| b.is_ascii_digit()) {
        let days: i64 = t.parse().ok()?;
        return NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days));
    }
    None
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
    fn a_title_is_the_first_sentence_cut_at_a_clause_or_a_word() {
        // A short sentence whole, commas and all: not cut at the first comma.
        assert_eq!(title_of("园区公交线路未延伸，员工通勤不便。另有一事"), "园区公交线路未延伸，员工通勤不便");
        // A long one at its last pause within thirty characters.
        let long = "企业新建厂房的专用电力线路接入进度严重滞后，已经影响到设备调试和投产计划，希望供电公司加快办理";
        assert_eq!(title_of(long), "企业新建厂房的专用电力线路接入进度严重滞后");
        // No pause: at a word boundary, never inside a word.
        let title = title_of("关于加快推进高新技术产业园区配套基础设施建设和公共交通线路延伸工作的建议");
        assert!(title.ends_with('…') && title.chars().count() <= TITLE_CHARS, "{title}");
        assert!(title.starts_with("关于加快推进高新技术产业园区"), "{title}");
        let n = title_of(&"长".repeat(40)).chars().count();
        assert!((20..=TITLE_CHARS).contains(&n), "{n}");
    }

    #[test]
    fn dates_and_units_as_offices_write_them() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(sheet_date("2024年8月14日", None), d(2024, 8, 14));
        assert_eq!(sheet_date("2024/8/14", None), d(2024, 8, 14));
        assert_eq!(sheet_date("2024.8.14", None), d(2024, 8, 14));
        assert_eq!(sheet_date("8月14日", Some(2024)), d(2024, 8, 14));
        assert_eq!(sheet_date("8月14日", None), None);
        assert_eq!(sheet_date("45518", None), d(2024, 8, 14));
        assert_eq!(sheet_date("2024", None), None);
        assert_eq!(sheet_date("下周", Some(2024)), None);
        assert_eq!(
            split_units("县交通运输局、县林业局／县水利局\n县财政局"),
            ["县交通运输局", "县林业局", "县水利局", "县财政局"]
        );
    }

    #[test]
    fn channel_values_as_offices_write_them() {
        use crate::model::sheet::{value_of, ValueMap};
        use crate::model::Channel;
        let none: &[ValueMap] = &[];
        assert_eq!(value_of::<Channel>(Column::Channel, "12345热线", none), Some(Channel::Hotline));
        assert_eq!(value_of::<Channel>(Column::Channel, "政企恳谈会", none), Some(Channel::Meeting));
        assert_eq!(value_of::<Channel>(Column::Channel, "企业服务码", none), Some(Channel::Online));
        assert_eq!(value_of::<Channel>(Column::Channel, "大走访", none), Some(Channel::Visit));
        assert_eq!(value_of::<Channel>(Column::Channel, "来信", none), Some(Channel::Written));
        assert_eq!(value_of::<Channel>(Column::Channel, "两会建议", none), None);
        let maps = [ValueMap::parse("来源渠道:两会建议=书面").unwrap()];
        assert_eq!(value_of::<Channel>(Column::Channel, "两会建议", &maps), Some(Channel::Written));
        assert!(ValueMap::parse("金额:1=2").is_err() && ValueMap::parse("来源渠道:=热线").is_err());
    }
}
