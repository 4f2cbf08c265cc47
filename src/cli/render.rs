//! `qinqing render KIND`: official documents into `output/<kind>/`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use chrono::NaiveDate;

use crate::load::LoadOptions;
use crate::model::{DocKind, Named};
use crate::render::batch::{generate, Job};
use crate::render::plan::Selection;
use crate::render::Format;
use crate::report::period;
use crate::report::period::parse_period;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 文书种类：assignment（交办函）、supervision（督办通知）、bulletin（通报）
    #[arg(value_parser = super::parse_doc_kind)]
    kind: DocKind,
    /// 交办函：某期恳谈会的全部问题
    #[arg(long, value_name = "ID")]
    meeting: Option<String>,
    /// 交办函：单个案件
    #[arg(long, value_name = "ID")]
    case: Option<String>,
    /// 收到日期自（含）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    from: Option<NaiveDate>,
    /// 收到日期至（含）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    to: Option<NaiveDate>,
    /// 通报的期间：2026-06、2026-Q2 或 2026
    #[arg(long, value_name = "PERIOD")]
    period: Option<String>,
    /// 只生成发给这个部门的文书
    #[arg(long, value_name = "NAME")]
    dept: Option<String>,
    /// 输出格式，逗号分隔
    #[arg(long, value_parser = super::parse_doc_format, value_delimiter = ',', default_value = "pdf,docx,html,md")]
    format: Vec<Format>,
    /// 成文日期及检查截至的日期（默认：今天）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<NaiveDate>,
    /// 正式发文：从发文登记簿取下一个文号并登记（默认生成草稿）
    #[arg(long)]
    issue: bool,
    /// 输出目录（默认 output/<种类>/）
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let checked = super::open(repo, LoadOptions::default())?;
    let repository = &checked.ledger;
    let today = super::as_of(None, repository);
    let mut as_of = args.as_of.unwrap_or(today);
    let errors = checked.errors().count();
    if errors > 0 {
        bail!("案件库有 {errors} 处错误，为免公文出错，未生成任何文书。请先运行 qinqing check 并改正");
    }
    let mut sel = Selection {
        meeting: args.meeting,
        case: args.case,
        from: args.from,
        to: args.to,
        dept: args.dept.as_deref().map(|d| repository.department_name(d)),
        period_label: None,
    };
    if args.kind == DocKind::Bulletin {
        // A bulletin is about a period, looked at on its last day (or today if sooner), as `report` does.
        let p = period::resolve(args.period.as_deref(), args.from, args.to, args.as_of, today)?;
        (sel.from, sel.to, sel.period_label, as_of) = (Some(p.from), Some(p.to), Some(p.label), p.as_of);
    } else if let Some(p) = &args.period {
        let (from, to, label) =
            parse_period(p).ok_or_else(|| anyhow!("期间「{p}」无法识别，请写 2026-06、2026-Q2 或 2026"))?;
        sel.from.get_or_insert(from);
        sel.to.get_or_insert(to);
        sel.period_label = Some(label);
    }
    let snapshot = repository.as_of(as_of);
    let out_dir = args.out.unwrap_or_else(|| repository.root.join("output").join(args.kind.key()));
    let job = Job { kind: args.kind, sel: &sel, as_of, formats: &args.format, out_dir: &out_dir, issue: args.issue };
    let Some((named, results)) = generate(&snapshot, &job, None)? else {
        eprintln!("截至 {as_of}，没有需要生成的{}。", args.kind.zh());
        return Ok(0);
    };
    let mut failed = false;
    for w in &results {
        for f in &w.files {
            println!("{}", f.strip_prefix(&repository.root).unwrap_or(f).display());
        }
        for p in &w.problems {
            eprintln!("问题：{p}");
            failed |= p.is_fatal();
        }
    }
    let count: usize = results.iter().map(|w| w.files.len()).sum();
    eprintln!(
        "已生成 {} 份{}，{count} 个文件（{}）。",
        named.len(),
        args.kind.zh(),
        if args.issue { "正式发文，已登记文号" } else { "草稿" }
    );
    Ok(if failed { 2 } else { 0 })
}
