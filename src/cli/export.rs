//! `qinqing export`: what other tools read — the case ledger (台账) as Excel or
//! CSV, and open deadlines as an iCalendar feed.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::command::export::{self, SheetFormat};
use crate::command::Open;

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

/// Reads `--format` of `export ledger`: xlsx or csv.
fn parse_sheet_format(s: &str) -> Result<SheetFormat, String> {
    match s.trim() {
        "xlsx" => Ok(SheetFormat::Xlsx),
        "csv" => Ok(SheetFormat::Csv),
        _ => Err("可选：xlsx（Excel 工作簿）、csv（UTF-8，带 BOM，Excel 可直接打开）".to_string()),
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct LedgerArgs {
    #[command(flatten)]
    filter: super::list::Filter,
    /// 格式：xlsx 或 csv（默认按 --out 的扩展名，否则 xlsx）
    #[arg(long, value_parser = parse_sheet_format)]
    format: Option<SheetFormat>,
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
    let session = super::session(repo, Open::full())?;
    match export::open311(session, &args.filter.request(), args.filter.as_of, args.out_dir, args.force) {
        Ok(e) => {
            eprintln!("已写入 {}：{} 类服务，{} 件请求（截至 {}）", e.shown.display(), e.other, e.count, e.as_of);
            Ok(0)
        }
        Err(f) => super::failed(f, |_| String::new()),
    }
}

fn ics(repo: Option<&Path>, args: IcsArgs) -> Result<u8> {
    let session = super::session(repo, Open::full())?;
    match export::ics(session, args.dept.as_deref(), args.as_of, args.out, args.force) {
        Ok(e) => {
            eprintln!("已写入 {}：{}未办结的时限 {} 项（截至 {}）", e.shown.display(), e.who, e.count, e.as_of);
            Ok(0)
        }
        Err(f) => super::failed(f, |_| String::new()),
    }
}

fn ledger(repo: Option<&Path>, args: LedgerArgs) -> Result<u8> {
    let session = super::session(repo, Open::full())?;
    // The format is --format's, else the file's extension says it; an extension that says
    // neither (台账.txt) is refused rather than given a workbook under a text file's name.
    let format = match (args.format, args.out.as_ref().and_then(|p| p.extension()).map(|e| e.to_ascii_lowercase())) {
        (Some(f), _) => f,
        (None, Some(e)) if e == "csv" => SheetFormat::Csv,
        (None, Some(e)) if e == "xlsx" => SheetFormat::Xlsx,
        (None, None) => SheetFormat::Xlsx,
        (None, Some(e)) => {
            bail!(
                "--out 的扩展名「.{}」既不是 .xlsx 也不是 .csv；请改用这两种之一，或用 --format 指定",
                e.to_string_lossy()
            )
        }
    };
    let filter = args.filter.request();
    match export::ledger(session, &filter, args.filter.as_of, format, args.out, args.with_contacts, args.force) {
        Ok(e) => {
            eprintln!("已写入 {}：{} 件（截至 {}，其中有超期的 {} 件）", e.shown.display(), e.count, e.as_of, e.other);
            Ok(0)
        }
        Err(f) => super::failed(f, |_| String::new()),
    }
}
