//! `qinqing log ID`: every change to a case from the git history — which
//! entry or field each commit added or changed, its author and date — with
//! the edits the office should not make flagged.

use std::path::Path;

use anyhow::Result;

use super::Format;
use crate::command::show::{log, Trail};
use crate::command::Open;
use crate::git::Commit;
use crate::report::audit::{Step, LATE_RECORDING_DAYS};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 案件编号
    id: String,
    /// 输出格式
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

fn who(c: &Commit) -> String {
    format!("{} {} {}", c.date.get(..10).unwrap_or(&c.date), c.author, &c.id[..7.min(c.id.len())])
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::slim())?;
    let Trail { id, file, entries, flagged, partial } = match log(&session, &args.id) {
        Ok(t) => t,
        Err(f) => return super::failed(f, |_| String::new()),
    };
    if partial {
        eprintln!("注意：这是浅克隆（git clone --depth），只有部分历史，更早的修改没有列出；完整历史请先 git fetch --unshallow");
    }
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({ "version": 1, "case": id, "file": file, "entries": entries, "flagged": flagged, "partial": partial });
            crate::output::emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        }
        Format::Text => {
            let mut out = format!("{id} 的修改记录（{file}）\n");
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
