//! Importing a problem list (问题清单) from Excel, OpenDocument or CSV, or a
//! hotline's Open311 requests, into case files: every problem at its cell, a
//! row imported before recognised by the source its case records, all new
//! and updated files checked together and written all or none.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use chrono::{Datelike, NaiveDate};

use super::create::{find_meeting, pattern};
use super::{Outcome, Session, Written};
use crate::diag::Diagnostic;
use crate::edit::create::{case_text, NewCase};
use crate::edit::import::{find_header, plan, Defaults, Planned, Problem};
use crate::edit::update::SetField;
use crate::edit::{self, Edit};
use crate::load::sheet;
use crate::model::sheet::{Column, ValueMap};
use crate::model::{Case, Channel, Meeting, Named};

use crate::output::template_sheet::{self, ExampleRow};

/// A request to import a file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Import {
    /// The sheet, or `requests.json` when `open311`.
    pub(crate) file: PathBuf,
    /// The meeting the rows were raised at.
    pub(crate) meeting: Option<String>,
    /// The received date of rows without one.
    pub(crate) received: Option<NaiveDate>,
    /// The channel of rows not in a meeting.
    pub(crate) channel: Option<Channel>,
    /// Headers mapped to fields, before the repository's own (`import: columns:`).
    pub(crate) maps: Vec<(String, Column)>,
    /// Values mapped to what they mean, before the repository's own (`import: values:`).
    pub(crate) values: Vec<ValueMap>,
    /// Import the good rows when some are bad.
    pub(crate) skip_bad: bool,
    /// Write a corrected row's differences into its case.
    pub(crate) update: bool,
    /// Only plan.
    pub(crate) dry_run: bool,
    /// The file is an Open311 GeoReport v2 `requests.json`.
    pub(crate) open311: bool,
    /// The sheet to read (default: the first visible one).
    pub(crate) sheet: Option<String>,
    /// A headed column not read is an error, not a warning.
    pub(crate) strict: bool,
}

/// What an import found and did.
#[derive(Debug)]
pub(crate) struct Imported {
    /// The file's name, as problems name it.
    pub(crate) file: String,
    /// The encoding a CSV file was read in, when not UTF-8.
    pub(crate) encoding: Option<&'static str>,
    /// Rows imported before, and what differs.
    pub(crate) known: Vec<Known>,
    /// Rows that cannot become cases, each at its cell.
    pub(crate) problems: Vec<Problem>,
    /// Headed columns not read, in words (warnings).
    pub(crate) ignored: Vec<String>,
    /// What came of it.
    pub(crate) result: ImportResult,
}

/// A row imported before.
#[derive(Debug)]
pub(crate) struct Known {
    /// 第3行, 第2个请求.
    pub(crate) row: String,
    /// The case it became.
    pub(crate) id: String,
    /// Where that case was imported from: 问题清单-v4.xlsx 第12行.
    pub(crate) from: Option<String>,
    /// What the sheet says otherwise than the case: 问题标题「…」→「…」.
    pub(crate) differences: Vec<String>,
    /// Whether those differences are written into the case (`update`).
    pub(crate) updated: bool,
}

/// How an import ended.
#[derive(Debug)]
pub(crate) enum ImportResult {
    /// Some rows have problems and bad rows were not to be skipped: nothing written.
    RowsRefused {
        /// How many rows.
        rows: usize,
    },
    /// The new and updated cases would bring these errors: nothing written.
    Invalid(Vec<Diagnostic>),
    /// Written (or planned, for a dry run).
    Done {
        /// The files, new cases first.
        written: Written,
        /// How many are new cases.
        created: usize,
        /// Each new case in a line: its id, title, and who it goes to (交办 or 拟牵头, and 配合).
        summaries: Vec<String>,
    },
}

/// Imports a problem list or a hotline's requests.
pub(crate) fn import(session: &mut Session, request: Import) -> Outcome<Imported> {
    super::planned_afresh(session, |s| import_once(s, request.clone()))
}

fn import_once(session: &mut Session, request: Import) -> Outcome<Imported> {
    if request.open311 {
        return open311(session, request);
    }
    let sheet = sheet::read(&request.file, request.sheet.as_deref())?;
    let ledger = session.ledger();
    // The request's names first, then the repository's own (`import: columns:`).
    let mut maps = request.maps.clone();
    maps.extend(ledger.settings.import_columns.iter().filter_map(|(h, c)| Some((h.clone(), Column::parse(c)?))));
    let header = find_header(&sheet, &maps).map_err(|e| anyhow!(e))?;
    // A headed column not read loses what is under it: said, and refused with --strict.
    let mut ignored: Vec<String> = header
        .ignored
        .iter()
        .map(|(col, text, repeats)| match repeats {
            Some(c) => format!("{}「{text}」是第二个「{}」列，没有导入", sheet.cell(header.row, *col), c.name()),
            None => format!("{}「{text}」不是认得的表头，这一列没有导入", sheet.cell(header.row, *col)),
        })
        .collect();
    // Filled cells in a column with no header at all (blank, or past the last header).
    let headed =
        |col: usize| header.columns.iter().any(|(c, _)| *c == col) || header.ignored.iter().any(|(c, _, _)| *c == col);
    let mut unheaded: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for (row, cells) in sheet.rows.iter().enumerate().skip(header.row + 1) {
        for (col, cell) in cells.iter().enumerate() {
            if !cell.trim().is_empty() && !headed(col) {
                unheaded.entry(col).or_insert(row);
            }
        }
    }
    ignored.extend(
        unheaded
            .iter()
            .map(|(col, row)| format!("{} 所在的一列没有表头，其中写了的内容没有导入", sheet.cell(*row, *col))),
    );
    if request.strict && !ignored.is_empty() {
        return Err(super::Refusal::field(
            "strict",
            format!("{}；可用 --map 表头=字段 对应，或去掉 --strict", ignored.join("；")),
        )
        .into());
    }
    let meeting = match &request.meeting {
        Some(id) => Some(find_meeting(session, id).map_err(|_| {
            anyhow!("找不到恳谈会「{id}」；请先用 qinqing meeting new 新建这期恳谈会，再导入它的问题清单")
        })?),
        None => None,
    };
    if let (Some(m), Some(c)) = (meeting, request.channel) {
        if !c.may_be_of_a_meeting() {
            return Err(super::Refusal::field(
                "channel",
                format!("来源渠道「{}」与恳谈会「{}」矛盾：恳谈会的问题来自会上、线上或书面", c.zh(), m.id.value),
            )
            .into());
        }
    }
    let mut values = request.values.clone();
    values.extend(ledger.settings.import_values.iter().cloned());
    let received = request.received.or(meeting.and_then(|m| m.date));
    let defaults = Defaults {
        received,
        received_given: request.received.is_some(),
        in_meeting: meeting.is_some(),
        channel: request.channel.map(Named::key),
        year: meeting.and_then(|m| m.date).or(request.received).map(|d| d.year()),
        values,
    };
    let (planned, problems) = plan(&sheet, &header, ledger, &defaults);
    let meeting = meeting.cloned();
    let result = finish(session, meeting.as_ref(), &request, planned, &problems)?;
    Ok(Imported { file: sheet.file, encoding: sheet.encoding, known: result.0, problems, result: result.1, ignored })
}

/// Creates what is new, says what was there, and writes all or nothing.
fn finish(
    session: &mut Session,
    meeting: Option<&Meeting>,
    request: &Import,
    planned: Vec<Planned>,
    problems: &[Problem],
) -> Result<(Vec<Known>, ImportResult)> {
    let ledger = session.ledger();
    // Rows already imported, from whatever file: found by what recognises them (the 序号 within
    // the meeting, the hotline's ticket, the enterprise and problem), or — as earlier versions
    // recorded them — by the file's name and the key.
    let scope_of = |file: &str, meeting: Option<&str>| -> String {
        if file == "open311" {
            "open311".to_string()
        } else {
            meeting.unwrap_or_default().to_string()
        }
    };
    let mut by_key: HashMap<(String, &str), &Case> = HashMap::new();
    let mut by_file: HashMap<(&str, &str), &Case> = HashMap::new();
    for c in &ledger.cases {
        if let Some(s) = &c.source {
            by_key
                .entry((scope_of(&s.file, c.meeting.as_ref().map(|m| m.value.as_str())), s.key.as_str()))
                .or_insert(c);
            by_file.entry((s.file.as_str(), s.key.as_str())).or_insert(c);
        }
    }
    let row_scope = scope_of(if request.open311 { "open311" } else { "" }, meeting.map(|m| m.id.value.as_str()));
    let imported = |p: &Planned| -> Option<&Case> {
        let s = p.case.source.as_ref()?;
        by_key
            .get(&(row_scope.clone(), s.key.as_str()))
            .or_else(|| by_file.get(&(s.file.as_str(), s.key.as_str())))
            .copied()
    };
    let (new, again): (Vec<Planned>, Vec<Planned>) = planned.into_iter().partition(|p| imported(p).is_none());
    let mut known = Vec::new();
    let mut updates = Vec::new();
    for p in &again {
        let Some(slim) = imported(p) else { continue };
        // The description is compared as the file has it: the ledger keeps no free text.
        let case = session.full_case(slim)?.unwrap_or_else(|| slim.clone());
        let differences = differences(&case, &p.case);
        let updated = request.update && !differences.is_empty();
        if updated {
            let fields: Vec<SetField> = differences.iter().map(|d| d.field).collect();
            updates.push(edit::set_fields(session.scope(), &case.file, &fields)?);
        }
        let from = case.source.as_ref().map(|s| match s.row {
            Some(r) if s.file != "open311" => format!("{} 第{r}行", s.file),
            Some(r) => format!("热线第{r}个请求"),
            None => s.file.clone(),
        });
        known.push(Known {
            row: row_name(request, p.row),
            id: case.id.value.clone(),
            from,
            differences: differences.iter().map(Difference::words).collect(),
            updated,
        });
    }
    if !problems.is_empty() && !request.skip_bad {
        let rows: std::collections::BTreeSet<&str> = problems.iter().map(|p| p.cell.as_str()).collect();
        return Ok((known, ImportResult::RowsRefused { rows: rows.len() }));
    }
    let (mut edits, summaries) = new_files(session, meeting, request, new)?;
    let created = edits.len();
    edits.extend(updates);
    let found = session.verdict(&edits);
    if !found.is_empty() {
        return Ok((known, ImportResult::Invalid(found)));
    }
    if !request.dry_run {
        session.write(&edits)?;
    }
    let written = Written { edits, applied: !request.dry_run, commit: None };
    Ok((known, ImportResult::Done { written, created, summaries }))
}

/// How a row is named: a sheet's row, or a request's place in requests.json.
fn row_name(request: &Import, row: usize) -> String {
    if request.open311 {
        format!("第{}个请求", row + 1)
    } else {
        format!("第{}行", row + 1)
    }
}

/// Hotline requests (Open311 GeoReport v2 `requests.json`) as `hotline` cases, each
/// recorded with the source `open311` and its `service_request_id`, so a request that comes
/// again in tomorrow's file is recognised.
fn open311(session: &mut Session, request: Import) -> Outcome<Imported> {
    let path = &request.file;
    let file = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    // The same bound as a sheet: a hotline's day is kilobytes, not gigabytes.
    let meta =
        std::fs::metadata(path).map_err(|e| anyhow!("无法读取 {}：{}", path.display(), crate::text::io_words(&e)))?;
    // A FIFO would block, a device never end: only a regular file is read.
    if !meta.is_file() {
        return Err(anyhow!("{} 不是普通文件（管道、设备、文件夹不读）", path.display()).into());
    }
    let size = meta.len();
    if size > sheet::MAX_BYTES {
        return Err(anyhow!(
            "{file} 过大（{:.1} MB），不超过 {} MB 才导入",
            size as f64 / 1_048_576.0,
            sheet::MAX_BYTES >> 20
        )
        .into());
    }
    let bytes = session.scope().read(path).map_err(|e| anyhow!("无法读取 {}：{e}", path.display()))?;
    let requests: Vec<serde_json::Value> = serde_json::from_slice(&bytes).map_err(|e| {
        anyhow!("{file} 不是 Open311 请求列表（JSON 数组）：第{}行第{}列处不合格式", e.line(), e.column())
    })?;
    let tz = session.ledger().settings.timezone;
    let mut planned = Vec::new();
    let mut problems = Vec::new();
    for (i, r) in requests.iter().enumerate() {
        let at = |field: &str| format!("{file} 第{}个请求 {field}", i + 1);
        let text = |field: &str| r.get(field).and_then(|v| v.as_str()).map(str::trim).filter(|t| !t.is_empty());
        let mut problem = |field: &str, code: &'static str, message: String| {
            problems.push(Problem { cell: at(field), code, message, hint: None });
        };
        let id = match r.get("service_request_id") {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => {
                problem("service_request_id", "missing-field", "请求没有 service_request_id".into());
                continue;
            }
        };
        let Some(description) = text("description") else {
            problem("description", "missing-field", "请求没有 description（问题内容）".into());
            continue;
        };
        let received = match text("requested_datetime").map(chrono::DateTime::parse_from_rfc3339) {
            Some(Ok(t)) => Some(t.with_timezone(&tz).date_naive()),
            Some(Err(_)) => {
                problem("requested_datetime", "invalid-date", "requested_datetime 不是 ISO 8601 时间".into());
                continue;
            }
            None => request.received,
        };
        let Some(received) = received else {
            problem(
                "requested_datetime",
                "missing-field",
                "请求没有 requested_datetime，也没有用 --received 给出".into(),
            );
            continue;
        };
        planned.push(Planned {
            row: i,
            case: NewCase {
                title: crate::edit::import::title_of(description),
                received: Some(received),
                channel: Some(Channel::Hotline.key()),
                category: text("service_name").map(str::to_string),
                description: Some(description.to_string()),
                source: Some(crate::model::Source {
                    file: "open311".to_string(),
                    key: id,
                    row: u32::try_from(i + 1).ok(),
                }),
                ..NewCase::default()
            },
        });
    }
    let request = Import { channel: Some(Channel::Hotline), ..request };
    let (known, result) = finish(session, None, &request, planned, &problems)?;
    Ok(Imported { file, encoding: None, known, problems, result, ignored: Vec::new() })
}

/// A field the sheet says otherwise than the case it became: the words for the
/// report, and the edit `update` makes. A field the sheet leaves empty says nothing.
struct Difference<'a> {
    what: &'static str,
    was: String,
    field: SetField<'a>,
}

impl Difference<'_> {
    fn words(&self) -> String {
        format!("{}「{}」→「{}」", self.what, self.was, self.field.value)
    }
}

fn differences<'a>(case: &Case, row: &'a NewCase) -> Vec<Difference<'a>> {
    let mut out = Vec::new();
    let mut differ = |what: &'static str, was: Option<&str>, now: Option<&'a str>, parent, key| {
        let (was, now) = (was.unwrap_or("").trim(), now.map(str::trim).filter(|n| !n.is_empty()));
        if let Some(now) = now.filter(|n| *n != was) {
            out.push(Difference { what, was: was.to_string(), field: SetField { parent, key, value: now } });
        }
    };
    differ("问题标题", Some(&case.title), Some(&row.title), None, "title");
    differ("问题描述", Some(&case.description), row.description.as_deref(), None, "description");
    // Only an enterprise the case already has is renamed: the file has its `enterprise:` block.
    if let Some(e) = &case.enterprise {
        differ("企业", Some(&e.name), row.enterprise.as_ref().map(|e| e.name.as_str()), Some("enterprise"), "name");
    }
    differ("类别", case.category.as_deref(), row.category.as_deref(), None, "category");
    out
}

/// Numbers the new cases after every id in use and places each file.
fn new_files(
    session: &Session,
    meeting: Option<&Meeting>,
    request: &Import,
    new: Vec<Planned>,
) -> Result<(Vec<Edit>, Vec<String>)> {
    let ledger = session.ledger();
    let pattern =
        pattern(&ledger.settings.ids.case).map_err(|_| anyhow!("编号格式「{}」无效", ledger.settings.ids.case))?;
    // The last number of each year is looked up once; new ids count on from it.
    let mut last: HashMap<i32, u32> = HashMap::new();
    let mut edits = Vec::with_capacity(new.len());
    let mut summaries = Vec::with_capacity(new.len());
    for p in new {
        let mut case = p.case;
        let Some(received) = case.received.or(meeting.and_then(|m| m.date)) else {
            bail!("第{}行没有收到日期", p.row + 1);
        };
        let year = received.year();
        let seq =
            last.entry(year).or_insert_with(|| pattern.last(year, ledger.cases.iter().map(|c| c.id.value.as_str())));
        *seq += 1;
        case.id = pattern.id(year, *seq);
        // Outside a meeting, a case goes into its channel's folder: the row's, else the request's.
        let channel = case.channel.and_then(Channel::parse).or(request.channel);
        let folder = match (meeting, channel) {
            (Some(m), _) => m.folder().to_string(),
            (None, Some(c)) => format!("cases/{year}/{}", c.zh()),
            (None, None) => format!("cases/{year}/其他渠道"),
        };
        let co = |co: &[String]| if co.is_empty() { String::new() } else { format!("，配合 {}", co.join("、")) };
        let to = match (&case.assigned, &case.proposed) {
            (Some(a), _) => format!("{} 交办 {}{}", a.date, a.lead, co(&a.co)),
            (None, Some((lead, c))) => format!("拟牵头 {lead}{}", co(c)),
            (None, None) => "待交办".to_string(),
        };
        let later: Vec<&str> = case.later.iter().map(|e| e.kind.zh()).collect();
        let later = if later.is_empty() { String::new() } else { format!("；又记 {}", later.join("、")) };
        summaries.push(format!("{} {}：{to}{later}", case.id, case.title));
        edits.push(edit::new_file(session.scope(), &format!("{folder}/{}.yaml", case.id), case_text(&case))?);
    }
    Ok((edits, summaries))
}

/// Three rows in the demonstration's words, for the shipped sample.
const EXAMPLES: [ExampleRow; 3] = [
    [
        "1",
        "湖州甲科技有限公司",
        "91350100M000100Y43",
        "园区道路破损严重，货车通行困难，雨天积水。",
        "基础设施",
        "李某",
        "13900000001",
        "",
        "",
        "市交通运输局",
        "市住房和城乡建设局",
        "2026-11-23",
        "2026-12-07",
        "",
    ],
    [
        "2",
        "湖州乙食品有限公司",
        "",
        "出口退税办理周期长，资金占用大。",
        "惠企政策",
        "赵某",
        "13900000002",
        "",
        "",
        "",
        "",
        "",
        "",
        "企业希望年底前解决",
    ],
    [
        "3",
        "湖州丙机械有限公司",
        "91110000600037341L",
        "招工难，希望举办专场招聘会。",
        "人才用工",
        "",
        "",
        "",
        "",
        "人社局",
        "",
        "2026-11-23",
        "",
        "",
    ],
];

/// A blank problem list written.
#[derive(Debug)]
pub(crate) struct Template {
    /// How many departments its drop-down list offers.
    pub(crate) departments: usize,
    /// How many categories.
    pub(crate) categories: usize,
}

/// Writes a blank problem list (with the demonstration's rows when `examples`).
pub(crate) fn template(session: &Session, path: &Path, force: bool, examples: bool) -> Outcome<Template> {
    let ledger = session.ledger();
    let departments: Vec<String> = match &ledger.departments {
        Some(ds) => ds.iter().map(|d| d.name.clone()).collect(),
        None => {
            let mut seen: Vec<String> =
                ledger.cases.iter().filter_map(|c| c.lead_as_of(NaiveDate::MAX)).map(str::to_string).collect();
            seen.sort();
            seen.dedup();
            seen
        }
    };
    let channels: Vec<&str> =
        Channel::ALL.iter().map(|(c, _, _)| c.zh()).filter(|c| *c != Channel::Meeting.zh()).collect();
    let mut categories: Vec<String> = ledger.cases.iter().filter_map(|c| c.category.clone()).collect();
    categories.sort();
    categories.dedup();
    let rows: &[ExampleRow] = if examples { &EXAMPLES } else { &[] };
    let bytes =
        template_sheet::template(&ledger.settings.organization_name, &departments, &channels, &categories, rows)?;
    super::write_output(session.scope(), path, &bytes, force)?;
    Ok(Template { departments: departments.len(), categories: categories.len() })
}
