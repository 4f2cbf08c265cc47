//! `qinqing import FILE`: a problem list (问题清单) from Excel, OpenDocument or
//! CSV into case files, every problem at its cell; a sheet imported again
//! creates nothing twice.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use chrono::{Datelike, NaiveDate};

use crate::edit::create::{case_text, NewCase};
use crate::edit::import::{find_header, plan, Defaults, Planned, Problem};
use crate::edit::{self, Edit};
use crate::load::{sheet, LoadOptions};
use crate::model::ids::Pattern;
use crate::model::sheet::Column;
use crate::model::{Case, Channel, Named};
use crate::output::template_sheet::{self, ExampleRow};
use crate::output::{self, Paint};

#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// 问题清单：.xlsx、.xls、.ods 或 .csv（UTF-8 或 GBK）
    #[arg(required_unless_present = "template")]
    file: Option<PathBuf>,
    /// 不导入，写一份空白的问题清单模板（表头、冻结首行、部门/渠道/类别下拉列表）到这个 .xlsx 文件
    #[arg(long, value_name = "FILE", conflicts_with_all = ["meeting", "received", "channel", "maps", "skip_bad", "dry_run"])]
    template: Option<PathBuf>,
    /// 与 --template 同用：文件已存在时覆盖
    #[arg(long, requires = "template")]
    force: bool,
    /// 与 --template 同用：填入三行示例（docs/samples 里的示例文件由此生成）
    #[arg(long, requires = "template", hide = true)]
    with_examples: bool,
    /// 导入到这期恳谈会（案件放进它的文件夹，收到日期和渠道随会议）
    #[arg(long, value_name = "ID")]
    meeting: Option<String>,
    /// 表中没有收到日期时用这个日期
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    received: Option<NaiveDate>,
    /// 不属于恳谈会的问题的来源渠道：online 线上、written 书面、hotline 热线、visit 走访
    #[arg(long, value_parser = super::create::parse_key::<Channel>)]
    channel: Option<&'static str>,
    /// 表头与字段的对应，如 --map 诉求描述=反映问题（可写多次；字段用模板里的列名）
    #[arg(long = "map", value_name = "表头=字段", value_parser = parse_map)]
    maps: Vec<(String, Column)>,
    /// 有问题的行跳过，其余照常导入（默认：有一行有问题就什么也不写）
    #[arg(long)]
    skip_bad: bool,
    /// 已导入过的行与案件不同时，把表中的问题标题、问题描述、企业名称、类别改进案件（只改这几行）
    #[arg(long)]
    update: bool,
    /// 只列出将要新建的案件，不写入
    #[arg(long)]
    dry_run: bool,
    /// FILE 是热线平台的 Open311 GeoReport v2 requests.json：每个请求导入为一件热线（hotline）案件
    #[arg(long, conflicts_with_all = ["meeting", "channel", "maps"])]
    open311: bool,
}

fn parse_map(s: &str) -> Result<(String, Column), String> {
    let (header, field) = s.split_once(['=', '＝']).ok_or("请写成 表头=字段，如 诉求描述=反映问题")?;
    let column = Column::parse(field)
        .ok_or_else(|| format!("「{field}」不是问题清单的字段；可用模板里的列名，如 反映问题、牵头单位"))?;
    Ok((header.trim().to_string(), column))
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let checked = super::open(repo, LoadOptions::default())?;
    let ledger = &checked.ledger;
    if let Some(path) = &args.template {
        return template(ledger, path, args.force, args.with_examples);
    }
    let Some(file) = &args.file else { bail!("请给出要导入的问题清单文件") };
    if args.open311 {
        return open311(ledger, file, &args);
    }
    let sheet = sheet::read(file)?;
    if let Some(enc) = sheet.encoding {
        eprintln!("{} 不是 UTF-8 编码，已按 {enc} 读取。", sheet.file);
    }
    // The command line's names first, then the repository's own (`import: columns:`).
    let mut maps = args.maps.clone();
    maps.extend(ledger.settings.import_columns.iter().filter_map(|(h, c)| Some((h.clone(), Column::parse(c)?))));
    let header = find_header(&sheet, &maps).map_err(|e| anyhow!(e))?;
    let meeting = match &args.meeting {
        Some(id) => Some(ledger.meeting(id).ok_or_else(|| {
            anyhow!("找不到恳谈会「{id}」；请先用 qinqing meeting new 新建这期恳谈会，再导入它的问题清单")
        })?),
        None => None,
    };
    let defaults = Defaults {
        received: args.received.or(meeting.and_then(|m| m.date)),
        in_meeting: meeting.is_some(),
        channel: args.channel,
    };
    let (planned, problems) = plan(&sheet, &header, ledger, &defaults);
    finish(ledger, meeting, &args, &sheet.file, planned, problems)
}

/// Creates what is new, says what was there, and writes all or nothing.
fn finish(
    ledger: &crate::check::Ledger,
    meeting: Option<&crate::model::Meeting>,
    args: &Args,
    file: &str,
    planned: Vec<Planned>,
    problems: Vec<Problem>,
) -> Result<u8> {
    // Rows already imported, found by the source their cases recorded.
    let sources: HashMap<(&str, &str), &Case> =
        ledger.cases.iter().filter_map(|c| c.source.as_ref().map(|s| ((s.file.as_str(), s.key.as_str()), c))).collect();
    let imported = |p: &Planned| -> Option<&Case> {
        let s = p.case.source.as_ref()?;
        sources.get(&(s.file.as_str(), s.key.as_str())).copied()
    };
    let (new, known): (Vec<Planned>, Vec<Planned>) = planned.into_iter().partition(|p| imported(p).is_none());
    let mut updates = Vec::new();
    for p in &known {
        let Some(case) = imported(p) else { continue };
        let differences = differences(case, &p.case);
        let words = differences.iter().map(Difference::words).collect::<Vec<_>>().join("；");
        if differences.is_empty() {
            eprintln!("{}已导入为 {}，无变化。", row_name(args, p.row), case.id.value);
        } else if args.update {
            eprintln!("{}已导入为 {}，按表更新：{words}", row_name(args, p.row), case.id.value);
            let fields: Vec<_> = differences.iter().map(|d| d.field).collect();
            updates.push(edit::set_fields(&ledger.root, &case.file, &fields)?);
        } else {
            eprintln!("{}已导入为 {}，表中与案件不同（未改动案件）：{}", row_name(args, p.row), case.id.value, words);
        }
    }
    if !problems.is_empty() {
        output::emit(&problem_lines(&problems))?;
        let rows: std::collections::BTreeSet<&str> = problems.iter().map(|p| p.cell.as_str()).collect();
        if !args.skip_bad {
            eprintln!(
                "{file} 有 {} 处问题（见上），未导入任何一行。改正后重新导入，或加 --skip-bad 只导入没有问题的行。",
                rows.len()
            );
            return Ok(2);
        }
    }
    let mut edits = new_files(ledger, meeting, args, new)?;
    let created = edits.len();
    edits.extend(updates);
    let found = edit::check_edits(&edits)?;
    if !found.is_empty() {
        output::emit(&output::text::diagnostics(&found, Paint(output::colour_wanted())))?;
        eprintln!("导入的案件会带来 {} 处错误（见上），未写入。", found.len());
        return Ok(2);
    }
    let skipped =
        if problems.is_empty() { String::new() } else { "；有问题的行已跳过（见上）".to_string() };
    if args.dry_run {
        for e in &edits {
            println!("{}", e.rel);
        }
        for e in edits.iter().filter(|e| !e.new) {
            output::emit(&e.diff())?;
        }
        eprintln!("（--dry-run：将新建 {created} 件、更新 {} 件案件，未写入{skipped}）", edits.len() - created);
        return Ok(0);
    }
    edit::write(&edits)?;
    for e in &edits {
        println!("{}", e.rel);
    }
    let updated = edits.len() - created;
    let also = if updated > 0 { format!("，更新 {updated} 件") } else { String::new() };
    eprintln!("已从 {file} 新建 {created} 件案件{also}{skipped}。");
    Ok(if problems.is_empty() { 0 } else { 1 })
}

/// How a row is named: a sheet's row, or a request's place in requests.json.
fn row_name(args: &Args, row: usize) -> String {
    if args.open311 {
        format!("第{}个请求", row + 1)
    } else {
        format!("第{}行", row + 1)
    }
}

/// Hotline requests (Open311 GeoReport v2 `requests.json`) as `hotline` cases, each
/// recorded with the source `open311` and its `service_request_id`, so a request that comes
/// again in tomorrow's file is recognised.
fn open311(ledger: &crate::check::Ledger, path: &Path, args: &Args) -> Result<u8> {
    let file = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    // The same bound as a sheet: a hotline's day is kilobytes, not gigabytes.
    let size = std::fs::metadata(path).map_err(|e| anyhow!("无法读取 {}：{e}", path.display()))?.len();
    if size > sheet::MAX_BYTES {
        bail!("{file} 过大（{:.1} MB），不超过 {} MB 才导入", size as f64 / 1_048_576.0, sheet::MAX_BYTES >> 20);
    }
    let bytes = crate::fsx::read(path).map_err(|e| anyhow!("无法读取 {}：{e}", path.display()))?;
    let requests: Vec<serde_json::Value> =
        serde_json::from_slice(&bytes).map_err(|e| anyhow!("{file} 不是 Open311 请求列表（JSON 数组）：{e}"))?;
    let tz: chrono_tz::Tz = ledger.settings.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
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
            None => args.received,
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
                source: Some(crate::model::Source { file: "open311".to_string(), key: id }),
                ..NewCase::default()
            },
        });
    }
    let args = Args { channel: Some(Channel::Hotline.key()), ..args.clone() };
    finish(ledger, None, &args, &file, planned, problems)
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

fn template(ledger: &crate::check::Ledger, path: &Path, force: bool, examples: bool) -> Result<u8> {
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
    super::report::write(path, &bytes, force)?;
    eprintln!(
        "已写入问题清单模板 {}（牵头单位 {} 个、类别 {} 个可从下拉列表选）。填好后：qinqing import {} --meeting 恳谈会编号",
        path.display(),
        departments.len(),
        categories.len(),
        path.display()
    );
    Ok(0)
}

/// A field the sheet says otherwise than the case it became: the words for the
/// report, and the edit `--update` makes. A field the sheet leaves empty says nothing.
struct Difference<'a> {
    what: &'static str,
    was: String,
    field: crate::edit::update::SetField<'a>,
}

fn differences<'a>(case: &Case, row: &'a NewCase) -> Vec<Difference<'a>> {
    use crate::edit::update::SetField;
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

impl Difference<'_> {
    fn words(&self) -> String {
        format!("{}「{}」→「{}」", self.what, self.was, self.field.value)
    }
}

fn problem_lines(problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        out.push_str(&format!("{}: {} [{}]\n", p.cell, p.message, p.code));
        if let Some(h) = &p.hint {
            out.push_str(&format!("    提示：{h}\n"));
        }
    }
    out
}

/// Numbers the new cases after every id in use and places each file.
fn new_files(
    ledger: &crate::check::Ledger,
    meeting: Option<&crate::model::Meeting>,
    args: &Args,
    new: Vec<Planned>,
) -> Result<Vec<Edit>> {
    let pattern = Pattern::parse(&ledger.settings.ids.case)
        .ok_or_else(|| anyhow!("编号格式「{}」无效", ledger.settings.ids.case))?;
    // The last number of each year is looked up once; new ids count on from it.
    let mut last: HashMap<i32, u32> = HashMap::new();
    let mut edits = Vec::with_capacity(new.len());
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
        let folder = match (meeting, args.channel) {
            (Some(m), _) => m.folder().to_string(),
            (None, Some(c)) => format!("cases/{year}/{}", Channel::parse(c).map_or(c, Named::zh)),
            (None, None) => format!("cases/{year}/其他渠道"),
        };
        edits.push(edit::new_file(&ledger.root, &format!("{folder}/{}.yaml", case.id), case_text(&case))?);
    }
    Ok(edits)
}
