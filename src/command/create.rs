//! New meetings and cases: their ids from the patterns in `qinqing.yaml`,
//! their files placed in the repository's folders, checked before they are written.

use chrono::{Datelike, NaiveDate};

use super::{NotFound, Outcome, Refusal, Session, Thing, Written};
use crate::diag::closest;
use crate::edit::create::{case_text, meeting_text, NewCase, NewMeeting};
use crate::edit::{self, Edit};
use crate::model::ids::Pattern;
use crate::model::{Channel, Enterprise, Handling, Meeting, Named};
use crate::render::file_stem;

/// A request for a new meeting.
#[derive(Debug, Clone, Default)]
pub(crate) struct MeetingRequest {
    pub(crate) title: String,
    pub(crate) date: Option<NaiveDate>,
    pub(crate) theme: Option<String>,
    pub(crate) level: Option<String>,
    pub(crate) organiser: Option<String>,
    pub(crate) session: Option<u32>,
    pub(crate) hosts: Vec<String>,
    pub(crate) enterprises: Vec<String>,
    /// Its id (default: the next of `ids.meeting`).
    pub(crate) id: Option<String>,
    /// Its folder's name (default: 第N期恳谈会, or the id).
    pub(crate) folder: Option<String>,
    pub(crate) dry_run: bool,
}

/// A request for a new case.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaseRequest {
    pub(crate) title: String,
    pub(crate) enterprise: Option<Enterprise>,
    /// When received (default: the meeting's date).
    pub(crate) received: Option<NaiveDate>,
    pub(crate) channel: Option<Channel>,
    /// The meeting it was raised at: the case goes into its folder.
    pub(crate) meeting: Option<String>,
    pub(crate) level: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) handling: Option<Handling>,
    pub(crate) tags: Vec<String>,
    pub(crate) description: Option<String>,
    /// The online submission it is accepted from.
    pub(crate) submission: Option<String>,
    pub(crate) dry_run: bool,
}

/// A new file: what it holds and whether it was written.
#[derive(Debug)]
pub(crate) struct Created {
    /// The new meeting's or case's id.
    pub(crate) id: String,
    /// The file.
    pub(crate) written: Written,
    /// Something the user should know about where it went.
    pub(crate) note: Option<String>,
}

/// Creates a meeting's folder and `meeting.yaml`.
pub(crate) fn meeting(session: &mut Session, r: MeetingRequest) -> Outcome<Created> {
    super::planned_afresh(session, |s| meeting_once(s, r.clone()))
}

fn meeting_once(session: &mut Session, r: MeetingRequest) -> Outcome<Created> {
    let Some(date) = r.date else { return Err(Refusal::field("date", "缺少会议日期").into()) };
    if r.title.trim().is_empty() {
        return Err(Refusal::field("title", "会议名称不能为空").into());
    }
    let ledger = session.ledger();
    let id = match r.id {
        Some(id) => id,
        None => pattern(&ledger.settings.ids.meeting)?
            .next(date.year(), ledger.meetings.iter().map(|m| m.id.value.as_str())),
    };
    let given = r.folder.is_some();
    let mut folder = folder_name(&r.folder.unwrap_or_else(|| match r.session {
        Some(n) => format!("第{n}期恳谈会"),
        None => id.clone(),
    }));
    // Two meetings may share a number in a year (the city's and a county's): the
    // second gets a folder of its own, named with its id; a folder asked for is never shared.
    let taken =
        |f: &str| std::fs::symlink_metadata(session.root_dir().join(format!("cases/{}/{f}", date.year()))).is_ok();
    let mut moved = None;
    if taken(&folder) {
        if given {
            return Err(Refusal::field(
                "folder",
                format!("文件夹 cases/{}/{folder} 已有另一期恳谈会；请换一个文件夹名", date.year()),
            )
            .into());
        }
        let own = folder_name(&format!("{folder}-{id}"));
        moved = Some(folder);
        folder = own;
    }
    let m = NewMeeting {
        id: id.clone(),
        title: r.title,
        theme: r.theme,
        date: Some(date),
        level: r.level,
        organiser: r.organiser,
        session: r.session.map(|n| n.to_string()),
        hosts: r.hosts,
        enterprises: r.enterprises,
    };
    let rel = format!("cases/{}/{folder}/meeting.yaml", date.year());
    let edit = edit::new_file(session.scope(), &rel, meeting_text(&m))?;
    let mut created = finish(session, id, edit, r.dry_run)?;
    created.note =
        moved.map(|f| format!("cases/{}/{f} 已有另一期恳谈会，这一期放在 cases/{}/{folder}", date.year(), date.year()));
    Ok(created)
}

/// Creates a case file, numbered after every id in use that year.
pub(crate) fn case(session: &mut Session, r: CaseRequest) -> Outcome<Created> {
    super::planned_afresh(session, |s| case_once(s, r.clone()))
}

fn case_once(session: &mut Session, r: CaseRequest) -> Outcome<Created> {
    let dry_run = r.dry_run;
    let (id, edit) = case_edit(session, r)?;
    finish(session, id, edit, dry_run)
}

/// A new case's id and file, not yet checked against the ledger nor written.
pub(crate) fn case_edit(session: &Session, r: CaseRequest) -> Outcome<(String, Edit)> {
    if r.title.trim().is_empty() {
        return Err(Refusal::field("title", "问题标题不能为空").into());
    }
    super::plain_text("title", "问题标题", &r.title)?;
    if r.title.contains(['\n', '\r']) {
        return Err(Refusal::field("title", "问题标题只能写一行").into());
    }
    super::plain_text("description", "问题描述", r.description.as_deref().unwrap_or(""))?;
    super::plain_text("category", "问题类别", r.category.as_deref().unwrap_or(""))?;
    if let Some(e) = &r.enterprise {
        for (field, words, text) in [
            ("enterprise", "企业名称", Some(e.name.as_str())),
            ("contact", "联系人", e.contact.as_deref()),
            ("phone", "联系电话", e.phone.as_deref()),
        ] {
            super::plain_text(field, words, text.unwrap_or(""))?;
        }
        if let Some(email) = e.email.as_deref().filter(|m| !crate::load::case::looks_like_email(m.trim())) {
            return Err(Refusal::field("email", format!("电子邮箱「{email}」的格式不对，应如 name@example.com")).into());
        }
    }
    let meeting = match &r.meeting {
        Some(id) => Some(find_meeting(session, id)?),
        None => None,
    };
    let Some(received) = r.received.or(meeting.and_then(|m| m.date)) else {
        return Err(Refusal::field("received", "请写收到日期（或放进一期恳谈会）").into());
    };
    // A meeting's online and written questions are its cases with their own channel;
    // a hotline call or a visit is not a meeting's case.
    if let (Some(m), Some(c)) = (meeting, r.channel) {
        if !c.may_be_of_a_meeting() {
            return Err(Refusal::field(
                "channel",
                format!(
                    "来源渠道「{}」与恳谈会「{}」矛盾：恳谈会的问题来自会上、线上或书面，{}的问题请不要放进恳谈会",
                    c.zh(),
                    m.id.value,
                    c.zh()
                ),
            )
            .into());
        }
    }
    let ledger = session.ledger();
    let id =
        pattern(&ledger.settings.ids.case)?.next(received.year(), ledger.cases.iter().map(|c| c.id.value.as_str()));
    let folder = match (meeting, r.channel) {
        (Some(m), _) => m.folder().to_string(),
        (None, Some(c)) => format!("cases/{}/{}", received.year(), c.zh()),
        (None, None) => format!("cases/{}/其他渠道", received.year()),
    };
    let in_meeting = meeting.is_some();
    let c = NewCase {
        id: id.clone(),
        title: r.title,
        enterprise: r.enterprise,
        // A case in a meeting's folder takes the meeting's date unless told otherwise.
        received: if in_meeting { r.received } else { Some(received) },
        // Given, it is written: inside a meeting too (a question sent in online for it).
        channel: r.channel.map(Named::key),
        meeting: None,
        level: r.level,
        category: r.category,
        handling: r.handling.map(Named::key),
        tags: r.tags,
        description: r.description,
        source: None,
        submission: r.submission,
        proposed: None,
        later: Vec::new(),
        assigned: None,
    };
    let edit = edit::new_file(session.scope(), &format!("{folder}/{id}.yaml"), case_text(&c))?;
    Ok((id, edit))
}

/// The meeting with this id, or what it is not found as.
pub(crate) fn find_meeting<'s>(session: &'s Session, id: &str) -> Result<&'s Meeting, NotFound> {
    let ledger = session.ledger();
    ledger.meeting(id).ok_or_else(|| NotFound {
        thing: Thing::Meeting,
        id: id.to_string(),
        nearest: closest(id, ledger.meetings.iter().map(|m| m.id.value.as_str())).map(str::to_string),
    })
}

pub(super) fn pattern(text: &str) -> Result<Pattern, Refusal> {
    Pattern::parse(text).ok_or_else(|| Refusal::request(format!("编号格式「{text}」无效")))
}

/// A folder name that stays one folder.
fn folder_name(s: &str) -> String {
    let name = file_stem(&[s.trim()]).replace("..", "_");
    if name.is_empty() || name.starts_with('.') {
        format!("_{name}")
    } else {
        name
    }
}

/// Checks the new file against the ledger, then writes it (unless a dry run).
fn finish(session: &mut Session, id: String, edit: Edit, dry_run: bool) -> Outcome<Created> {
    let edits = vec![edit];
    super::judge(session, &edits)?;
    let written = super::write_planned(session, edits, dry_run, false, "")?;
    Ok(Created { id, written, note: None })
}
