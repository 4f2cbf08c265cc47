//! `qinqing audit BASE..HEAD`: the commits of a range held to what their roles may do.

use std::path::Path;

use anyhow::Result;

use crate::command::audit::{self, Audited};
use crate::command::Open;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 提交范围，如 origin/main..HEAD
    range: String,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::slim())?;
    let Audited { commits, judged, violations } = match audit::audit(&session, &args.range) {
        Ok(a) => a,
        Err(f) => return super::failed(f, |_| String::new()),
    };
    let mut out = String::new();
    for v in &violations {
        // Only the parts the commit has: no actor (a role's trailers without one), no single file.
        let at: Vec<&str> = [v.actor.as_str(), v.file.as_str()].into_iter().filter(|p| !p.is_empty()).collect();
        let at = if at.is_empty() { String::new() } else { format!(" {}", at.join("：")) };
        out.push_str(&format!("{}{at}：{}\n", &v.commit[..v.commit.len().min(12)], v.what));
    }
    out.push_str(&format!("检查 {commits} 个提交，其中网页服务写的 {judged} 个；越权 {} 处\n", violations.len()));
    crate::output::emit(&out)?;
    Ok(u8::from(!violations.is_empty()))
}
