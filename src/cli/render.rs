//! `qinqing render KIND`: official documents into `output/<kind>/`.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

use crate::command::documents::{render, Render, Rendered};
use crate::model::{DocKind, Named};
use crate::render::batch::Generated;
use crate::render::Format;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 文书种类：assignment（交办函）、list（责任清单）、supervision（督办通知）、bulletin（通报）、receipt（受理回执，给企业）
    #[arg(value_parser = super::parse_doc_kind)]
    kind: DocKind,
    /// 交办函、责任清单、回执：某期恳谈会的问题；通报：某期恳谈会的通报
    #[arg(long, value_name = "ID")]
    meeting: Option<String>,
    /// 交办函、回执：这些案件；督办通知：对这些案件督办（不论是否超期，如不满意重办并督办），逗号分隔或多次给出
    #[arg(long, value_name = "ID", value_delimiter = ',', num_args = 1..)]
    case: Vec<String>,
    /// 督办通知：限定的办结期限（默认按督办时限规则，5个工作日）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    due: Option<NaiveDate>,
    /// 收到日期自（含）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    from: Option<NaiveDate>,
    /// 收到日期至（含）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    to: Option<NaiveDate>,
    /// 通报的期间：2026-06、2026-Q2、2026，或一天 2026-03-18
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
    /// 正式发文：从发文登记簿取下一个文号并登记，并在所涉案件中记入督办或通报事件（默认生成草稿）
    #[arg(long)]
    issue: bool,
    /// 与 --issue 同用：已督办的超期案件再发一份督办通知，已登记的同一文书再发一次（取新号）
    #[arg(long, requires = "issue")]
    reissue: bool,
    /// 输出目录（默认 output/<种类>/）
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// 交办函、责任清单：加一列回执码（本办留存的底稿，不发给部门）
    #[arg(long)]
    codes: bool,
    /// 回执码密钥所在的状态文件夹（默认：案件库中的 .qinqing-private/，与 qinqing serve 的 --state 相同）
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let start = match repo {
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir()?,
    };
    let kind = args.kind;
    let request = Render {
        kind,
        meeting: args.meeting,
        cases: args.case,
        due: args.due,
        from: args.from,
        to: args.to,
        period: args.period,
        dept: args.dept,
        formats: args.format,
        as_of: args.as_of,
        issue: args.issue,
        reissue: args.reissue,
        signed: None,
        out: args.out,
        codes: args.codes,
        state: args.state,
    };
    let bar = super::ProgressBar::default();
    let Rendered { as_of, root, generated, kinds_made, covered, recovered } =
        match render(&start, request, &|p| bar.show(p)) {
            Ok(r) => r,
            Err(f) => return super::failed(f, |_| String::new()),
        };
    super::recovered(recovered);
    let Some(Generated { named, results, already, recorded, withheld }) = generated else {
        eprintln!("截至 {as_of}，没有需要生成的{}。", kind.zh());
        for line in covered {
            eprintln!("{line}");
        }
        return Ok(0);
    };
    for (to, number, date) in &already {
        eprintln!("{to}：同一{}已于 {date} 发文（{number}），未再取号；确需再发请加 --reissue", kind.zh());
    }
    let mut failed = false;
    for w in &results {
        for f in &w.files {
            println!("{}", f.strip_prefix(&root).unwrap_or(f).display());
        }
        for p in &w.problems {
            eprintln!("问题：{p}");
            failed |= p.is_fatal();
        }
    }
    if named.is_empty() {
        return Ok(0);
    }
    if withheld {
        eprintln!("有文书未能生成（见上），未登记文号，也未记入案件；改正后重新运行（文号不变）。");
        return Ok(2);
    }
    let count: usize = results.iter().map(|w| w.files.len()).sum();
    let made: Vec<String> = kinds_made.iter().map(|(k, n)| format!("{n} 份{}", k.zh())).collect();
    eprintln!(
        "已生成 {}，{count} 个文件（{}）。",
        made.join("、"),
        if args.issue {
            "正式发文，已登记文号"
        } else if kind.numbered() {
            "草稿"
        } else {
            "不编文号"
        }
    );
    if !recorded.is_empty() {
        eprintln!("已在 {} 件案件中记入{}：{}", recorded.len(), kind.zh(), recorded.join("、"));
    }
    Ok(if failed { 2 } else { 0 })
}
