//! `qinqing check`.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;
use clap::ValueEnum;

use crate::command::{Open, Session};
use crate::load::Detail;
use crate::output::{self, Paint};

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Format {
    /// 给人看的文本
    Text,
    /// 稳定的 JSON（"version": 1）
    Json,
    /// JUnit XML，供 CI 测试报表
    Junit,
    /// GitHub Actions 注释
    Github,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 检查截至哪天（默认：案件库时区的今天），如 2026-06-20
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<NaiveDate>,
    /// 输出格式
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// 列出全部时限，而不只是超期与即将到期的
    #[arg(long)]
    all: bool,
    /// 把警告也当作错误（--deny warnings）
    #[arg(long, value_name = "LEVEL", value_parser = ["warnings"])]
    deny: Option<String>,
    /// 不读写解析缓存（.qinqing-cache/）
    #[arg(long)]
    no_cache: bool,
    /// 检查 git 历史中的某个版本（提交号、分支、标签，如 HEAD~3），不改动工作区
    #[arg(long, value_name = "REV")]
    rev: Option<String>,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    // A past revision is unpacked into a temporary folder and checked there.
    let opened = match &args.rev {
        Some(rev) => super::revision(repo, rev, Detail::Slim),
        None => super::session(repo, Open { cache: !args.no_cache, ..Open::slim() }),
    };
    // A tool reading JSON gets JSON even when there is no repository to check.
    let session = match (opened, args.format) {
        (Ok(s), _) => s,
        (Err(e), Format::Json) => {
            let doc = serde_json::json!({
                "version": 1,
                "summary": { "cases": 0, "files": 0, "errors": 1, "warnings": 0, "overdue": 0, "due_soon": 0 },
                "diagnostics": [{ "severity": "error", "code": "no-repository", "file": "", "line": 0, "column": 0,
                                  "message": format!("{e:#}"), "hint": null }],
                "clocks": [],
            });
            output::emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
            return Ok(2);
        }
        (Err(e), _) => return Err(e),
    };
    // Leaked on purpose: the process ends right after the report, and freeing
    // a hundred thousand cases one by one would only delay the exit.
    let session: &Session = Box::leak(Box::new(session));
    let report = crate::command::check(session, args.as_of);
    let text = match args.format {
        Format::Text => output::text::render(&report, args.all, Paint(output::colour_wanted())),
        Format::Json => output::json::render(&report, args.all),
        Format::Junit => output::junit::render(&report),
        Format::Github => output::github::render(&report),
    };
    crate::timing::mark("render");
    output::emit(&text)?;
    crate::timing::mark("write");
    Ok(report.exit_code(args.deny.is_some()))
}
