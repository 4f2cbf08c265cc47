//! `qinqing diff BASE [HEAD]`: what a change did to the cases, for a review.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use crate::load::{git, Detail, LoadOptions};
use crate::output;
use crate::report::change::compare;

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
    let root = super::root(repo)?;
    let base_rev = git::checkout(&root, &args.base)?;
    let head_rev = match &args.head {
        Some(h) => Some(git::checkout(&root, h)?),
        None => None,
    };
    let short = |r: &git::Revision| r.commit.chars().take(7).collect::<String>();
    let head_label = head_rev.as_ref().map_or_else(|| "工作区".to_string(), short);
    let base_label = short(&base_rev);
    // Full detail: an entry whose text was rewritten is a change too.
    let head = match &head_rev {
        Some(r) => super::open_revision(r, Detail::Full)?,
        None => super::open(Some(&root), LoadOptions::default())?,
    };
    let base = super::open_revision(&base_rev, Detail::Full)?;
    let as_of = super::as_of(args.as_of, &head.ledger);
    let (base_snap, head_snap) = (base.ledger.as_of(as_of), head.ledger.as_of(as_of));
    let change = compare((&base, &base_snap), (&head, &head_snap));
    let text = match args.format {
        Format::Markdown => output::change::markdown(&change, &base_label, &head_label, as_of),
        Format::Json => output::change::json(&change, &base_label, &head_label, as_of),
    };
    output::emit(&text)?;
    Ok(u8::from(change.introduces_errors()))
}
