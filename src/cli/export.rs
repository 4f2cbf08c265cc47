//! `qinqing export`: what other tools read — the case ledger (台账) as Excel or
//! CSV, and open deadlines as an iCalendar feed.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::load::LoadOptions;
use crate::output::casebook;
use crate::report::casebook::rows;

/// What to export.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum ExportCommand {
    /// 案件台账：每件一行（编号、收到日期、渠道……督办文号、备注），Excel 或 CSV
    #[command(
        after_help = "示例：\n  qinqing export ledger --as-of 2026-11-20\n  qinqing export ledger --overdue --format csv --out 超期台账.csv\n  qinqing export ledger --dept 市交通运输局 --with-contacts --out 交通局台账.xlsx"
    )]
    Ledger(LedgerArgs),
    /// 日历：未办结时限的 iCalendar 订阅（每个时限一个到期日的全天事件，临近到期时提醒）
    #[command(
        after_help = "示例：\n  qinqing export ics --dept 市交通运输局 --out 交通局时限.ics\n  qinqing export ics --as-of 2026-11-20 --out 全部时限.ics --force"
    )]
    Ics(IcsArgs),
    /// Open311 GeoReport v2：services.json（问题类别）与 requests.json（每件案件一个请求），供热线平台读取
    #[command(after_help = "示例：\n  qinqing export open311 --as-of 2026-11-20 --out-dir output/open311")]
    Open311(Open311Args),
}

#[derive(Debug, clap::Args)]
pub(crate) struct Open311Args {
    #[command(flatten)]
    filter: super::list::Filter,
    /// 输出目录（默认 output/open311/），写 services.json 与 requests.json
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// 文件已存在时覆盖
    #[arg(long)]
    force: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct IcsArgs {
    /// 截至哪天（默认：今天）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<chrono::NaiveDate>,
    /// 只要这个部门负责的时限（全称或别名）；不写则全部
    #[arg(long)]
    dept: Option<String>,
    /// 输出文件（默认 output/时限-<部门或全部>.ics）
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// 文件已存在时覆盖（订阅用的文件每天重新导出时要加）
    #[arg(long)]
    force: bool,
}

/// A ledger's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LedgerFormat {
    /// Excel 工作簿
    Xlsx,
    /// CSV（UTF-8，带 BOM，Excel 可直接打开）
    Csv,
}

#[derive(Debug, clap::Args)]
pub(crate) struct LedgerArgs {
    #[command(flatten)]
    filter: super::list::Filter,
    /// 格式（默认按 --out 的扩展名，否则 xlsx）
    #[arg(long, value_enum)]
    format: Option<LedgerFormat>,
    /// 输出文件（默认 output/台账-截至<日期>.xlsx）
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// 包含企业联系人和联系电话（个人信息：台账只给需要回访的人）
    #[arg(long)]
    with_contacts: bool,
    /// 文件已存在时覆盖
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(repo: Option<&Path>, command: ExportCommand) -> Result<u8> {
    match command {
        ExportCommand::Ledger(a) => ledger(repo, a),
        ExportCommand::Ics(a) => ics(repo, a),
        ExportCommand::Open311(a) => open311(repo, a),
    }
}

fn open311(repo: Option<&Path>, args: Open311Args) -> Result<u8> {
    let checked = super::open(repo, LoadOptions::default())?;
    super::require_no_errors(&checked, "未导出")?;
    let as_of = super::as_of(args.filter.as_of, &checked.ledger);
    // Another system reads it: the published ledger, as for the site.
    let ledger = checked.ledger.into_published();
    let snapshot = ledger.as_of(as_of);
    let chosen = args.filter.select(&snapshot)?;
    let services = crate::output::open311::services(&snapshot);
    let requests = crate::output::open311::requests(&snapshot, &chosen);
    let dir = args.out_dir.unwrap_or_else(|| ledger.root.join("output").join("open311"));
    for (name, json) in [
        ("services.json", serde_json::to_string_pretty(&services)?),
        ("requests.json", serde_json::to_string_pretty(&requests)?),
    ] {
        super::report::write(&dir.join(name), (json + "\n").as_bytes(), args.force)?;
    }
    let shown = dir.strip_prefix(&ledger.root).unwrap_or(&dir);
    eprintln!("已写入 {}：{} 类服务，{} 件请求（截至 {as_of}）", shown.display(), services.len(), requests.len());
    Ok(0)
}

fn ics(repo: Option<&Path>, args: IcsArgs) -> Result<u8> {
    let checked = super::open(repo, LoadOptions::default())?;
    super::require_no_errors(&checked, "为免日历出错，未导出")?;
    let as_of = super::as_of(args.as_of, &checked.ledger);
    // A calendar is shared: made from the published ledger, like the site.
    let ledger = checked.ledger.into_published();
    let dept = args.dept.as_deref().map(|d| ledger.department_name(d));
    if let (Some(d), Some(known)) = (&dept, &ledger.departments) {
        if !known.iter().any(|k| &k.name == d) {
            bail!("未知部门「{d}」");
        }
    }
    let snapshot = ledger.as_of(as_of);
    let clocks = crate::output::ics::open_clocks(&snapshot, dept.as_deref());
    let who = dept.clone().unwrap_or_else(|| "全部".to_string());
    let name = format!("{}：{who}的办理时限", ledger.settings.organization_short);
    let text = crate::output::ics::feed(&snapshot, &clocks, &name);
    let path = args.out.unwrap_or_else(|| {
        ledger.root.join("output").join(format!("{}.ics", crate::render::file_stem(&["时限", &who])))
    });
    super::report::write(&path, text.as_bytes(), args.force)?;
    let shown = path.strip_prefix(&ledger.root).unwrap_or(&path);
    eprintln!("已写入 {}：{who}未办结的时限 {} 项（截至 {as_of}）", shown.display(), clocks.len());
    Ok(0)
}

fn ledger(repo: Option<&Path>, args: LedgerArgs) -> Result<u8> {
    let checked = super::open(repo, LoadOptions::default())?;
    super::require_no_errors(&checked, "为免台账出错，未导出")?;
    let as_of = super::as_of(args.filter.as_of, &checked.ledger);
    let format = args.format.unwrap_or_else(|| match args.out.as_ref().and_then(|p| p.extension()) {
        Some(e) if e.eq_ignore_ascii_case("csv") => LedgerFormat::Csv,
        _ => LedgerFormat::Xlsx,
    });
    // Without --with-contacts the ledger is the published one: no contact, phone or ID in any column.
    let ledger = if args.with_contacts { checked.ledger } else { checked.ledger.into_published() };
    let snapshot = ledger.as_of(as_of);
    let chosen = args.filter.select(&snapshot)?;
    let rows = rows(&snapshot, &chosen);
    let bytes = match format {
        LedgerFormat::Xlsx => casebook::xlsx(&rows, &ledger.settings.organization_name, as_of, args.with_contacts)?,
        LedgerFormat::Csv => casebook::csv(&rows, args.with_contacts)?,
    };
    let ext = match format {
        LedgerFormat::Xlsx => "xlsx",
        LedgerFormat::Csv => "csv",
    };
    let path = args.out.unwrap_or_else(|| ledger.root.join("output").join(format!("台账-截至{as_of}.{ext}")));
    super::report::write(&path, &bytes, args.force)?;
    let shown = path.strip_prefix(&ledger.root).unwrap_or(&path);
    let overdue = rows.iter().filter(|r| r.overdue_days.is_some()).count();
    eprintln!("已写入 {}：{} 件（截至 {as_of}，其中有超期的 {overdue} 件）", shown.display(), rows.len());
    Ok(0)
}
