//! `qinqing notify`: the day's reminders to each department and the office,
//! on their configured channels; safe to run from a daily CI job.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;

use crate::command::notify::{notify, tell_enterprises, Notified, Notify};
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
    /// 也告知企业：近一个月有了答复、还没告知过的，按 notify.enterprises 发短信或邮件（只发查看进度的网址）
    #[arg(long)]
    enterprises: bool,
    /// 与 --enterprises 同用：回执码密钥所在的状态文件夹（默认 .qinqing-private/，同 qinqing serve 的 --state）
    #[arg(long, value_name = "DIR", requires = "enterprises")]
    state_dir: Option<PathBuf>,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::full())?;
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    let send = args.send || (in_ci && !args.dry_run);
    // Enterprises first, from the full ledger (their addresses); the digests then from the published one.
    let told = if args.enterprises {
        let outcome = crate::command::require_no_errors(session.checked(), "为免告知出错，未发送")
            .map_err(crate::command::Failure::from)
            .and_then(|()| {
                let state_dir = crate::command::accounts::state_dir(session.root_dir(), args.state_dir.as_deref());
                let as_of = session.date(args.as_of);
                {
                    let ledger = session.ledger();
                    let cases: Vec<&crate::model::Case> = ledger.cases.iter().collect();
                    tell_enterprises(&ledger.settings, &cases, &state_dir, as_of, send, &mut ToStderr)
                }
            });
        match outcome {
            Ok(t) => Some(t),
            Err(f) => return super::failed(f, |_| String::new()),
        }
    } else {
        None
    };
    let request = Notify { as_of: args.as_of, send, state: args.state };
    let Notified { as_of, sent, delivered, failed, unchanged, unconfigured } =
        match notify(session, request, &mut ToStderr) {
            Ok(n) => n,
            Err(f) => return super::failed(f, |_| String::new()),
        };
    for r in &unconfigured {
        eprintln!("未发送：{r} 没有配置提醒渠道（qinqing.yaml 的 notify.departments 或 notify.default）");
    }
    let told = told.unwrap_or_default();
    for id in &told.unreachable {
        eprintln!("未告知企业：{id} 没有手机号或邮箱（按 notify.enterprises 的渠道）");
    }
    if !sent {
        eprintln!("（预览：未发送。加 --send 发送；在 CI 中默认发送）");
        return Ok(0);
    }
    if args.enterprises {
        eprintln!("告知企业：送达 {}，失败 {}。", told.delivered, told.failed);
    }
    eprintln!(
        "截至 {as_of}：送达 {delivered}，失败 {failed}，今天已发过 {unchanged}，未配置渠道 {}。",
        unconfigured.len()
    );
    Ok(u8::from(failed > 0 || told.failed > 0 || !unconfigured.is_empty()))
}
