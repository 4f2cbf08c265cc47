//! `qinqing notify`: the day's reminders to each department and the office,
//! on their configured channels; safe to run from a daily CI job.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

use crate::command::notify::{notify, Notified, Notify};
use crate::command::{Open, ToStderr};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 截至哪天（默认：案件库时区的今天）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<NaiveDate>,
    /// 真正发送（在 CI 中是默认）
    #[arg(long, conflicts_with = "dry_run")]
    send: bool,
    /// 只显示将要发送的内容（不在 CI 中时是默认）
    #[arg(long)]
    dry_run: bool,
    /// 已发送记录（默认 .qinqing-cache/notify-sent.json；CI 应缓存它）
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::full())?;
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    let request = Notify { as_of: args.as_of, send: args.send || (in_ci && !args.dry_run), state: args.state };
    let Notified { as_of, sent, delivered, failed, unchanged, unconfigured } =
        match notify(session, request, &mut ToStderr) {
            Ok(n) => n,
            Err(f) => return super::failed(f, |_| String::new()),
        };
    for r in &unconfigured {
        eprintln!("未发送：{r} 没有配置提醒渠道（qinqing.yaml 的 notify.departments 或 notify.default）");
    }
    if !sent {
        eprintln!("（预览：未发送。加 --send 发送；在 CI 中默认发送）");
        return Ok(0);
    }
    eprintln!(
        "截至 {as_of}：送达 {delivered}，失败 {failed}，今天已发过 {unchanged}，未配置渠道 {}。",
        unconfigured.len()
    );
    Ok(u8::from(failed > 0 || !unconfigured.is_empty()))
}
