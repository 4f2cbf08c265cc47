//! `qinqing report`: the figures of a period as a table, JSON, CSV or XLSX.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::command::Open;
use crate::output::{self, report as out};

/// Output formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// 对齐的文本表格
    Text,
    /// 稳定的 JSON（"version": 1）
    Json,
    /// CSV（UTF-8；写入文件时带 BOM，Excel 可直接打开）
    Csv,
    /// Excel 台账（写入文件）
    Xlsx,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    period: super::PeriodArgs,
    /// 输出格式
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// 写入此文件（xlsx 默认 output/report/统计-<开始>-<结束>.xlsx；其他格式默认输出到屏幕）
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// 覆盖 --out 指定的已存在文件
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::slim())?;
    let p = args.period.resolve(&session)?;
    let report = match crate::command::figures(&session, &p) {
        Ok(r) => r,
        Err(f) => return super::failed(f, |_| String::new()),
    };
    let repository = session.ledger();
    let settings = &repository.settings;
    let bytes = match args.format {
        Format::Text => out::text(&report, settings).into_bytes(),
        Format::Json => out::json(&report).into_bytes(),
        Format::Csv => out::csv(&report, settings)?.into_bytes(),
        Format::Xlsx => output::xlsx::render(&report, settings)?,
    };
    // A file the user names is never overwritten without --force; the
    // default workbook under output/ is qinqing's own and is regenerated.
    let file = match (args.out, args.format) {
        (Some(f), _) => Some((f, args.force)),
        (None, Format::Xlsx) => {
            Some((repository.root.join("output").join("report").join(format!("统计-{}-{}.xlsx", p.from, p.to)), true))
        }
        (None, _) => None,
    };
    match file {
        Some((path, overwrite)) => {
            // Excel reads a CSV file as the local code page unless it starts with a byte-order mark.
            let bytes = if args.format == Format::Csv { [&b"\xEF\xBB\xBF"[..], &bytes].concat() } else { bytes };
            crate::command::write_output(session.scope(), &path, &bytes, overwrite)?;
            let shown = path.strip_prefix(&repository.root).unwrap_or(&path);
            eprintln!("已写入 {}（{}）", shown.display(), out::period_line(&report));
        }
        None => output::emit(&String::from_utf8_lossy(&bytes))?,
    }
    crate::timing::mark("write");
    Ok(0)
}
