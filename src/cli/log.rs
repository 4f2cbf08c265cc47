//! `qinqing log ID`: every change to a case from the git history — which
//! entry or field each commit added or changed, its author and date — with
//! the edits the office should not make flagged.

use std::path::Path;

use anyhow::{anyhow, bail, Result};

use crate::diag::Sink;
use crate::load::git::{self, Commit};
use crate::load::{case::read_case, yaml};
use crate::model::Case;
use crate::report::audit::{trail, Step, LATE_RECORDING_DAYS};

/// Output formats of `log`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    /// 给人看的文本
    Text,
    /// JSON（"version": 1）
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 案件编号
    id: String,
    /// 输出格式
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

/// Every committed version of a case's file, parsed (`None` where it was deleted or unreadable).
pub(crate) fn versions(root: &Path, rel: &str) -> Result<Vec<(Commit, Option<Case>)>> {
    Ok(git::file_history(root, rel)?
        .into_iter()
        .map(|(commit, text)| {
            let case = text.and_then(|t| {
                let node = yaml::parse(rel, &t).ok().flatten()?;
                read_case(rel, &node, &mut Sink::new(rel))
            });
            (commit, case)
        })
        .collect())
}

fn who(c: &Commit) -> String {
    format!("{} {} {}", c.date.get(..10).unwrap_or(&c.date), c.author, &c.id[..7.min(c.id.len())])
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let checked = super::open(repo, super::slim(true))?;
    let ledger = &checked.ledger;
    let case = ledger.case(&args.id).ok_or_else(|| anyhow!("找不到案件「{}」", args.id))?;
    let versions = versions(&ledger.root, &case.file)?;
    if versions.is_empty() {
        bail!("{} 还没有提交到 git，没有历史可查", case.file);
    }
    let entries = trail(&versions);
    let flagged = entries
        .iter()
        .flat_map(|e| &e.steps)
        .filter(|s| matches!(s, Step::Rewritten { .. } | Step::Recorded { late: true, .. }))
        .count();
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({ "version": 1, "case": case.id.value, "file": case.file, "entries": entries, "flagged": flagged });
            crate::output::emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        }
        Format::Text => {
            let mut out = format!("{} 的修改记录（{}）\n", case.id.value, case.file);
            for e in &entries {
                out.push_str(&format!("\n{}\n", who(&e.commit)));
                for s in &e.steps {
                    out.push_str(&match s {
                        Step::Created => "  新建案件文件\n".to_string(),
                        Step::Deleted => "  删除案件文件\n".to_string(),
                        Step::Field { field } => format!("  改动字段 {field}\n"),
                        Step::Recorded { date, kind, reading, late, days_before_commit } => {
                            let flag = if *late {
                                format!("  ⚠ 事件日期早于提交 {days_before_commit} 天（超过 {LATE_RECORDING_DAYS} 天的补记）")
                            } else {
                                String::new()
                            };
                            format!("  记入 {date} {kind}：{reading}{flag}\n")
                        }
                        Step::Rewritten { date, kind, reading } => {
                            format!("  ⚠ 改写了已提交的事件 {date} {kind}：{reading}（被改动或删除）\n")
                        }
                    });
                }
            }
            if flagged > 0 {
                out.push_str(&format!("\n有 {flagged} 处应当注意的修改（⚠）。\n"));
            }
            crate::output::emit(&out)?;
        }
    }
    Ok(u8::from(flagged > 0))
}
