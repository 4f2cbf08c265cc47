//! `qinqing diff BASE [HEAD]`: what a change did to the cases, for a review.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use crate::command::review::diff;
use crate::output;

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    /// 可直接贴到合并请求评论里的 Markdown
    Markdown,
    /// 稳定的 JSON（"version": 1）
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 基准版本（提交号、分支、标签，如 origin/main）
    base: String,
    /// 对比的版本（默认：工作区，即当前文件）
    head: Option<String>,
    /// 两边都按这一天看时限（默认：案件库时区的今天）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<NaiveDate>,
    /// 输出格式
    #[arg(long, value_enum, default_value = "markdown")]
    format: Format,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let start = match repo {
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir()?,
    };
    let r = match diff(&start, &args.base, args.head.as_deref(), args.as_of) {
        Ok(r) => r,
        Err(f) => return super::failed(f, |_| String::new()),
    };
    super::recovered(r.recovered);
    let text = match args.format {
        Format::Markdown => output::change::markdown(&r.change, &r.base, &r.head, r.as_of),
        Format::Json => output::change::json(&r.change, &r.base, &r.head, r.as_of),
    };
    output::emit(&text)?;
    Ok(u8::from(r.change.introduces_errors()))
}
