//! `qinqing notify`: the day's reminders to each department and the office,
//! on their configured channels; safe to run from a daily CI job.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::load::LoadOptions;
use crate::model::notify::Channel;
use crate::output::notify::{send, Patience};
use crate::report::digest::{digests, Digest};

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

/// What has been sent: one entry per recipient, channel and day, with the clocks and stages it covered.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Sent {
    version: u32,
    sent: Vec<SentEntry>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct SentEntry {
    date: NaiveDate,
    recipient: String,
    channel: String,
    /// `case/rule/start@stage`.
    items: Vec<String>,
}

/// How many days of the record are kept.
const KEEP_DAYS: i64 = 31;

fn channel_name(c: &Channel) -> &'static str {
    match c {
        Channel::WeCom { .. } => "企业微信",
        Channel::DingTalk { .. } => "钉钉",
        Channel::Feishu { .. } => "飞书",
        Channel::Webhook { .. } => "webhook",
        Channel::Email { .. } => "邮件",
    }
}

/// The record of what was sent. A missing one is empty; a damaged or oversized one is set
/// aside with a word (reminders may then be sent again today), never trusted in part.
fn read_state(path: &Path) -> Sent {
    const MAX_BYTES: u64 = 4 * 1024 * 1024;
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.len() > MAX_BYTES) {
        eprintln!("注意：{} 超过 4 MB，不是 qinqing 写的发送记录，按今天尚未发送处理。", path.display());
        return Sent::default();
    }
    match crate::fsx::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            eprintln!("注意：发送记录 {} 已损坏（{e}），按今天尚未发送处理。", path.display());
            Sent::default()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Sent::default(),
        Err(e) => {
            eprintln!("注意：无法读取发送记录 {}（{e}），按今天尚未发送处理。", path.display());
            Sent::default()
        }
    }
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let checked = super::open(repo, LoadOptions::default())?;
    super::require_no_errors(&checked, "为免提醒出错，未发送")?;
    let as_of = super::as_of(args.as_of, &checked.ledger);
    // Digests name enterprises, never contacts: made from the published ledger.
    let ledger = checked.ledger.into_published();
    let settings = &ledger.settings;
    let in_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    let sending = args.send || (in_ci && !args.dry_run);
    let snapshot = ledger.as_of(as_of);
    let all = digests(&snapshot);
    let state_path = args.state.unwrap_or_else(|| crate::load::cache::dir(&ledger.root).join("notify-sent.json"));
    let mut state = read_state(&state_path);
    state.version = 1;
    state.sent.retain(|e| (as_of - e.date).num_days() < KEEP_DAYS);
    let patience = Patience::from_env();
    let office = settings.organization_short.as_str();
    let (mut delivered, mut failed, mut unchanged, mut unconfigured) = (0, 0, 0, Vec::new());
    for digest in &all {
        let channels: &[Channel] = if digest.office {
            &settings.notify.office
        } else {
            settings
                .notify
                .departments
                .iter()
                // `check` made each name the department's full name (or reported it).
                .find(|(name, _)| name.value == digest.recipient)
                .map_or(&settings.notify.default[..], |(_, c)| &c[..])
        };
        if channels.is_empty() {
            unconfigured.push(digest.recipient.clone());
            continue;
        }
        for channel in channels {
            let key = channel.key().to_string();
            let done: Vec<&String> = state
                .sent
                .iter()
                .filter(|e| e.date == as_of && e.recipient == digest.recipient && e.channel == key)
                .flat_map(|e| &e.items)
                .collect();
            let tag = |i: &crate::report::digest::Item| format!("{}@{:?}", i.key, i.stage);
            let new: Vec<_> = digest.items.iter().filter(|i| !done.contains(&&tag(i))).cloned().collect();
            // The office's digest goes once a day, whole; a department's carries what it has not had today.
            let nothing_new = if digest.office { !done.is_empty() } else { new.is_empty() };
            if nothing_new {
                unchanged += 1;
                continue;
            }
            let part = Digest { items: if digest.office { digest.items.clone() } else { new }, ..digest.clone() };
            let text = part.text(office, as_of, digest.office.then_some(&all[..]));
            let subject = format!("【{office}】{}：办理时限提醒（截至{as_of}）", digest.recipient);
            if !sending {
                println!("→ {}（{}）\n{text}", digest.recipient, channel_name(channel));
                continue;
            }
            let extra = serde_json::json!({ "recipient": digest.recipient, "as_of": as_of, "items": part.items });
            let outcome = send(channel, settings.notify.smtp.as_ref(), &subject, &text, &extra, patience);
            match outcome.error {
                None => {
                    delivered += 1;
                    eprintln!("已发送：{}（{}）{}项", digest.recipient, channel_name(channel), part.items.len());
                    let mut items: Vec<String> = part.items.iter().map(tag).collect();
                    items.push(format!("digest@{as_of}"));
                    state.sent.push(SentEntry {
                        date: as_of,
                        recipient: digest.recipient.clone(),
                        channel: key,
                        items,
                    });
                }
                Some(e) => {
                    failed += 1;
                    eprintln!(
                        "发送失败：{}（{}），试了{}次：{e}",
                        digest.recipient,
                        channel_name(channel),
                        outcome.attempts
                    );
                }
            }
        }
    }
    for r in &unconfigured {
        eprintln!("未发送：{r} 没有配置提醒渠道（qinqing.yaml 的 notify.departments 或 notify.default）");
    }
    if !sending {
        eprintln!("（预览：未发送。加 --send 发送；在 CI 中默认发送）");
        return Ok(0);
    }
    crate::fsx::replace(&state_path, (serde_json::to_string_pretty(&state)? + "\n").as_bytes())?;
    eprintln!(
        "截至 {as_of}：送达 {delivered}，失败 {failed}，今天已发过 {unchanged}，未配置渠道 {}。",
        unconfigured.len()
    );
    Ok(u8::from(failed > 0 || !unconfigured.is_empty()))
}
