//! The day's reminders (`notify`) to each department and the office, on
//! their configured channels, with a record of what was sent so a second run
//! the same day sends nothing twice.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{require_no_errors, Notices, Outcome, Session};
use crate::fsx::Scope;
use crate::model::notify::Channel;
use crate::output::notify::{send, Patience};
use crate::report::digest::{digests, Digest};

/// A request to remind.
#[derive(Debug, Clone, Default)]
pub(crate) struct Notify {
    /// The date the clocks are looked at.
    pub(crate) as_of: Option<NaiveDate>,
    /// Send (else only preview, through the notices' output).
    pub(crate) send: bool,
    /// The record of what was sent (default `.qinqing-cache/notify-sent.json`).
    pub(crate) state: Option<PathBuf>,
}

/// What a run sent.
#[derive(Debug)]
pub(crate) struct Notified {
    pub(crate) as_of: NaiveDate,
    /// Whether it sent (else previewed).
    pub(crate) sent: bool,
    pub(crate) delivered: usize,
    pub(crate) failed: usize,
    /// Digests with nothing new today.
    pub(crate) unchanged: usize,
    /// Recipients without a channel.
    pub(crate) unconfigured: Vec<String>,
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
fn read_state(scope: &Scope, path: &Path, notices: &mut dyn Notices) -> Sent {
    const MAX_BYTES: u64 = 4 * 1024 * 1024;
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.len() > MAX_BYTES) {
        notices.note(&format!("注意：{} 超过 4 MB，不是 qinqing 写的发送记录，按今天尚未发送处理。", path.display()));
        return Sent::default();
    }
    match scope.read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            notices.note(&format!("注意：发送记录 {} 已损坏（{e}），按今天尚未发送处理。", path.display()));
            Sent::default()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Sent::default(),
        Err(e) => {
            notices.note(&format!("注意：无法读取发送记录 {}（{e}），按今天尚未发送处理。", path.display()));
            Sent::default()
        }
    }
}

/// At most this many reminders go out at the same time.
const PARALLEL_SENDS: usize = 8;

/// One message on one channel.
struct Message {
    channel: Channel,
    subject: String,
    text: String,
    /// What a JSON webhook is posted besides the text.
    extra: serde_json::Value,
}

/// One digest to send on one channel.
struct Job {
    recipient: String,
    key: String,
    items: Vec<crate::report::digest::Item>,
    message: Message,
}

/// Sends messages, every recipient at once (a bounded number at a time): one slow receiver does not hold
/// the others back. Each message's outcome, in order.
fn send_all(messages: &[&Message], smtp: Option<&crate::model::notify::Smtp>) -> Vec<crate::output::notify::Outcome> {
    let patience = Patience::from_env();
    let mut outcomes = Vec::with_capacity(messages.len());
    for batch in messages.chunks(PARALLEL_SENDS) {
        let sent: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = batch
                .iter()
                .map(|m| s.spawn(move || send(&m.channel, smtp, &m.subject, &m.text, &m.extra, patience)))
                .collect();
            handles.into_iter().map(|h| h.join()).collect()
        });
        outcomes.extend(sent.into_iter().map(|o| {
            o.unwrap_or(crate::output::notify::Outcome { attempts: 0, error: Some("发送中出错".into()) })
        }));
    }
    outcomes
}

/// Sends (or previews) the day's digests; the repository must have no errors.
pub(crate) fn notify(session: Session, request: Notify, notices: &mut dyn Notices) -> Outcome<Notified> {
    require_no_errors(session.checked(), "为免提醒出错，未发送")?;
    let as_of = session.date(request.as_of);
    let scope = session.scope().clone();
    // Digests name enterprises, never contacts: made from the published ledger.
    let ledger = session.into_ledger().into_published();
    let settings = &ledger.settings;
    let sending = request.send;
    let snapshot = ledger.as_of(as_of);
    let all = digests(&snapshot);
    let state_path = request.state.unwrap_or_else(|| crate::load::cache::dir(&ledger.root).join("notify-sent.json"));
    let mut state = read_state(&scope, &state_path, notices);
    state.version = 1;
    state.sent.retain(|e| (as_of - e.date).num_days() < KEEP_DAYS);
    let office = settings.organization_short.as_str();
    let (mut delivered, mut failed, mut unchanged, mut unconfigured) = (0, 0, 0, Vec::new());
    let mut jobs: Vec<Job> = Vec::new();
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
                notices.output(&format!("→ {}（{}）\n{text}\n", digest.recipient, channel_name(channel)));
                continue;
            }
            let extra = serde_json::json!({ "recipient": digest.recipient, "as_of": as_of, "items": part.items });
            jobs.push(Job {
                recipient: digest.recipient.clone(),
                key,
                items: part.items,
                message: Message { channel: channel.clone(), subject, text, extra },
            });
        }
    }
    let messages: Vec<&Message> = jobs.iter().map(|j| &j.message).collect();
    let outcomes = send_all(&messages, settings.notify.smtp.as_ref());
    for (job, outcome) in jobs.into_iter().zip(outcomes) {
        let tag = |i: &crate::report::digest::Item| format!("{}@{:?}", i.key, i.stage);
        match outcome.error {
            None => {
                delivered += 1;
                notices.note(&format!(
                    "已发送：{}（{}）{}项",
                    job.recipient,
                    channel_name(&job.message.channel),
                    job.items.len()
                ));
                let mut items: Vec<String> = job.items.iter().map(tag).collect();
                items.push(format!("digest@{as_of}"));
                state.sent.push(SentEntry { date: as_of, recipient: job.recipient.clone(), channel: job.key, items });
            }
            Some(e) => {
                failed += 1;
                notices.note(&format!(
                    "发送失败：{}（{}），试了{}次：{e}",
                    job.recipient,
                    channel_name(&job.message.channel),
                    outcome.attempts
                ));
            }
        }
    }
    if sending {
        scope.replace(
            &state_path,
            (serde_json::to_string_pretty(&state).map_err(anyhow::Error::from)? + "\n").as_bytes(),
        )?;
    }
    Ok(Notified { as_of, sent: sending, delivered, failed, unchanged, unconfigured })
}

/// What telling enterprises did.
#[derive(Debug, Default)]
pub(crate) struct Told {
    /// Messages delivered.
    pub(crate) delivered: usize,
    /// Messages that failed (tried again at the next run).
    pub(crate) failed: usize,
    /// Replies whose enterprise has no address on any configured channel.
    pub(crate) unreachable: Vec<String>,
}

/// The record of the enterprises told: in the state folder, with the secret the messages' codes come
/// from (`qinqing notify --enterprises` and the web server share it, so no reply is told twice; unlike the
/// cache, nobody deletes it to make room).
const ENTERPRISES_RECORD: &str = "notify-enterprises.json";

/// Tells each enterprise whose case has a reply waiting for its rating that it was not told of (recorded
/// up to `as_of`, within the record's month): a message with its receipt code's page address — never the
/// reply's text — by SMS gateway to its mobile number and by mail to its email, as `notify.enterprises`
/// says. Reads the full cases (the addresses), sends nothing when previewing.
pub(crate) fn tell_enterprises(
    settings: &crate::model::Settings,
    cases: &[&crate::model::Case],
    state_dir: &Path,
    as_of: NaiveDate,
    send: bool,
    notices: &mut dyn Notices,
) -> Outcome<Told> {
    if !tells_enterprises(settings) {
        return Err(super::Refusal::field(
            "enterprises",
            "qinqing.yaml 没有配置 notify.enterprises（sms 或 email），不知道怎样告知企业",
        )
        .into());
    }
    let Some(url) = settings.serve_url.as_deref() else {
        return Err(super::Refusal::request(
            "给企业的消息要带查看进度的网址：请在 qinqing.yaml 写 serve: { url: … }（notify.enterprises 已配置）",
        )
        .into());
    };
    let secret = super::receipts::secret(state_dir)?;
    // One teller at a time, in any process (the server's reply threads, a scheduled `notify`): the record
    // is read, the messages sent and the record written under the lock, so no reply is told twice.
    let private = Scope::new(state_dir);
    let lock = private.lock_file(&state_dir.join("notify-enterprises.lock"))?;
    lock.lock().map_err(anyhow::Error::from)?;
    let path = state_dir.join(ENTERPRISES_RECORD);
    let mut state = read_state(&private, &path, notices);
    state.version = 1;
    state.sent.retain(|e| (as_of - e.date).num_days() < KEEP_DAYS);
    let (channels, office) = (&settings.notify.enterprises, settings.organization_short.as_str());
    let contact = settings.serve_contact.as_deref().map(|c| format!("如有疑问请联系：{c}。")).unwrap_or_default();
    let mut told = Told::default();
    let mut jobs: Vec<(String, String, Message)> = Vec::new();
    for case in cases {
        // Only a reply that waits for its rating: one rated (or followed by a 不满意 and a redo not yet
        // answered), an answer at the meeting, a closed case ask the enterprise nothing.
        let Some((at, reply)) = case.answer_awaiting_rating(as_of) else { continue };
        if reply.kind != crate::model::EventType::Replied || (as_of - reply.date).num_days() >= KEEP_DAYS {
            continue;
        }
        let events = case.events_as_of(as_of);
        let n = events[..=at].iter().filter(|e| e.kind == reply.kind).count();
        let (id, key) = (&case.id.value, format!("reply:{}:{n}:{}", case.id.value, reply.date));
        let address = format!("{url}/r/{}", super::receipts::code(&secret, id));
        let text = format!("【{office}】您反映的问题（{id}）已有答复，请打开 {address} 查看并评价。{contact}");
        let subject = format!("【{office}】您反映的问题已有答复（{id}）");
        let enterprise = case.enterprise.as_ref();
        let mobile = enterprise.and_then(|e| e.phone.as_deref()).and_then(mobile_number);
        let email = enterprise.and_then(|e| e.email.clone()).filter(|_| channels.email);
        let sms = channels.sms.clone().zip(mobile).map(|(url_env, phone)| {
            (Channel::Webhook { url_env }, json!({ "phone": phone, "case": id, "address": address }))
        });
        let ways = [sms, email.map(|to| (Channel::Email { to: vec![to] }, serde_json::Value::Null))];
        let ways: Vec<_> = ways.into_iter().flatten().collect();
        if ways.is_empty() {
            told.unreachable.push(id.clone());
        }
        for (channel, extra) in ways {
            let said = |e: &SentEntry| {
                e.recipient == *id && e.channel == enterprise_channel(&channel) && e.items.contains(&key)
            };
            if state.sent.iter().any(said) {
                continue;
            }
            if !send {
                notices.output(&format!("→ {id}（{}）\n{text}\n", enterprise_channel(&channel)));
                continue;
            }
            let message = Message { channel, subject: subject.clone(), text: text.clone(), extra };
            jobs.push((id.clone(), key.clone(), message));
        }
    }
    if !send || jobs.is_empty() {
        return Ok(told);
    }
    let messages: Vec<&Message> = jobs.iter().map(|(_, _, m)| m).collect();
    let outcomes = send_all(&messages, settings.notify.smtp.as_ref());
    for ((id, key, m), outcome) in jobs.iter().zip(outcomes) {
        let channel = enterprise_channel(&m.channel);
        match outcome.error {
            None => {
                told.delivered += 1;
                notices.note(&format!("已告知企业：{id}（{channel}）"));
                let entry =
                    SentEntry { date: as_of, recipient: id.clone(), channel: channel.into(), items: vec![key.clone()] };
                state.sent.push(entry);
            }
            Some(e) => {
                told.failed += 1;
                notices.note(&format!("未能告知企业：{id}（{channel}），试了{}次：{e}", outcome.attempts));
            }
        }
    }
    let bytes = serde_json::to_string_pretty(&state).map_err(anyhow::Error::from)? + "\n";
    super::accounts::write_private(state_dir, ENTERPRISES_RECORD, bytes.as_bytes())?;
    Ok(told)
}

/// Whether the repository says how to tell enterprises (`notify.enterprises`).
pub(crate) fn tells_enterprises(settings: &crate::model::Settings) -> bool {
    settings.notify.enterprises.sms.is_some() || settings.notify.enterprises.email
}

/// How an enterprise's channel is named in the record and in messages.
fn enterprise_channel(c: &Channel) -> &'static str {
    match c {
        Channel::Email { .. } => "邮件",
        _ => "短信",
    }
}

/// The first mainland mobile number in a phone field (11 digits from 1[3-9]), if any: a landline gets no SMS.
pub(crate) fn mobile_number(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().collect();
    let mut run = String::new();
    for c in digits.iter().chain(std::iter::once(&' ')) {
        if c.is_ascii_digit() {
            run.push(*c);
            continue;
        }
        if matches!(c, '-' | ' ') && !run.is_empty() && run.len() < 11 && run.starts_with('1') {
            continue;
        }
        let tail = run.strip_prefix("86").filter(|r| r.len() == 11).unwrap_or(&run);
        if tail.len() == 11 && tail.starts_with('1') && tail.as_bytes()[1] >= b'3' {
            return Some(tail.to_string());
        }
        run.clear();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::mobile_number;

    #[test]
    fn a_mobile_number_is_found_and_a_landline_is_not_one() {
        assert_eq!(mobile_number("13800000131").as_deref(), Some("13800000131"));
        assert_eq!(mobile_number("138-0000-0131").as_deref(), Some("13800000131"));
        assert_eq!(mobile_number("+86 13800000131").as_deref(), Some("13800000131"));
        assert_eq!(mobile_number("0572-2123456 / 13900001111").as_deref(), Some("13900001111"));
        assert_eq!(mobile_number("0572-2123456"), None);
        assert_eq!(mobile_number("12345678901"), None);
    }
}
