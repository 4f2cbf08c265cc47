//! Online submissions: a question sent through the public form waits in
//! `submissions/` (a file of its own, checked like a case, counted nowhere)
//! until the office accepts it — a case with channel `online`, received the
//! day it was sent, naming the submission — or declines it with a reason the
//! sender reads through its receipt code. Every front end submits, accepts
//! and declines through here.

use chrono::{Datelike, NaiveDate};

use super::create::{case_edit, CaseRequest};
use super::{NotFound, Outcome, Refusal, Session, Thing, Written};
use crate::diag::closest;
use crate::edit;
use crate::edit::create::{decision_text, submission_text, NewSubmission};
use crate::load::submission::FOLDER;
use crate::model::{Channel, Enterprise, Submission, SubmissionSettings};

/// The longest a field of the form may be, in characters: the problem, and every other field.
pub(crate) const TEXT_LIMIT: usize = 5000;
const SHORT_LIMIT: usize = 100;

/// What the sender filled in, by the form's field names (a field not posted is empty).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub(crate) struct Form {
    pub(crate) enterprise: String,
    pub(crate) credit_code: String,
    pub(crate) contact: String,
    pub(crate) phone: String,
    pub(crate) category: String,
    pub(crate) text: String,
    pub(crate) meeting: String,
    /// Optional: where to tell the sender a reply came.
    pub(crate) email: String,
}

/// A write done: what was written, and the commit message it goes with.
pub(crate) struct Done {
    /// The submission's id (submit, decline) or the new case's (accept).
    pub(crate) id: String,
    /// The files.
    pub(crate) written: Written,
    /// The commit's subject.
    pub(crate) subject: String,
}

/// Takes a submission judged by [`judged_form`] into the queue: the day's and the queue's limits kept
/// (refused at the pseudo-field `limit`), nothing half-written.
pub(crate) fn submit(session: &mut Session, judged: &NewSubmission, limits: &SubmissionSettings) -> Outcome<Done> {
    super::planned_afresh(session, |s| submit_once(s, judged, limits))
}

fn submit_once(session: &mut Session, judged: &NewSubmission, limits: &SubmissionSettings) -> Outcome<Done> {
    let today = judged.submitted;
    let ledger = session.ledger();
    let waiting = ledger.submissions.iter().filter(|s| s.waiting()).count();
    if waiting >= limits.queue as usize {
        return Err(
            Refusal::field("limit", "待受理的提交已满，暂不接收新的提交；请稍后再试，或直接联系营商办。").into()
        );
    }
    let sent_today =
        ledger.submissions.iter().filter(|s| s.submitted.as_ref().is_some_and(|d| d.value == today)).count();
    if sent_today >= limits.per_day as usize {
        return Err(Refusal::field("limit", "今天收到的网上提交已达上限；请明天再提交，或直接联系营商办。").into());
    }
    let pattern = super::create::pattern(&ledger.settings.ids.submission)?;
    let id = pattern.next(today.year(), ledger.submissions.iter().map(|s| s.id.value.as_str()));
    let new = NewSubmission { id: id.clone(), ..judged.clone() };
    let rel = format!("{FOLDER}/{}/{id}.yaml", today.year());
    let edits = vec![edit::new_file(session.scope(), &rel, submission_text(&new))?];
    super::judge(session, &edits)?;
    let subject = format!("网上提交：{id}（{}）", new.enterprise.name);
    let written = super::write_planned(session, edits, false, false, &subject)?;
    Ok(Done { id, written, subject })
}

/// The form's fields, each judged at its name as of `today`: required ones
/// present, lengths kept, no control or direction-changing characters
/// ([`super::plain_text`]), single-line fields on one line, no markup, the
/// credit code's check character right. Every problem at once (a sender on a
/// phone corrects them in one go), or the submission to [`submit`].
pub(crate) fn judged_form(
    session: &Session,
    form: &Form,
    today: NaiveDate,
) -> Result<NewSubmission, Vec<(&'static str, String)>> {
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let mut field = |name: &'static str, words: &str, value: &str, required: bool, limit: usize| -> Option<String> {
        let value = value.trim();
        let why = if value.is_empty() {
            required.then(|| format!("请填写{words}"))
        } else if value.chars().count() > limit {
            Some(format!("{words}太长：不超过 {limit} 字"))
        } else if let Err(Refusal::Request { message, .. }) = super::plain_text(name, words, value) {
            Some(message)
        } else if name != "text" && value.contains(['\n', '\r']) {
            Some(format!("{words}只能写一行"))
        } else {
            markup(value).map(|tag| format!("{words}里不能有网页代码（{tag}）；请只写文字"))
        };
        match why {
            Some(why) => {
                problems.push((name, why));
                None
            }
            None => (!value.is_empty()).then(|| value.to_string()),
        }
    };
    let name = field("enterprise", "企业名称", &form.enterprise, true, SHORT_LIMIT);
    let code = field("credit_code", "统一社会信用代码", &form.credit_code, true, 18 * 2);
    let contact = field("contact", "联系人", &form.contact, true, 30);
    let phone = field("phone", "联系电话", &form.phone, true, 30);
    let email = field("email", "电子邮箱", &form.email, false, SHORT_LIMIT);
    let category = field("category", "问题类别", &form.category, false, 30);
    let text = field("text", "问题", &form.text, true, TEXT_LIMIT);
    let meeting = field("meeting", "恳谈会", &form.meeting, false, SHORT_LIMIT);
    let code = code.map(|c| c.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase());
    if let Some(c) = &code {
        if let Err(why) = crate::load::case::check_credit_code(c) {
            problems.push(("credit_code", format!("统一社会信用代码「{c}」无效：{why}；请核对营业执照")));
        }
    }
    if let Some(p) = &phone {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        if !p.chars().all(|c| c.is_ascii_digit() || " -+()（）转".contains(c)) || !(7..=20).contains(&digits) {
            problems.push(("phone", "联系电话应为手机号或带区号的固定电话，如 13800000000、0572-2000000".to_string()));
        }
    }
    if let Some(e) = email.as_deref().filter(|e| !crate::load::case::looks_like_email(e)) {
        problems.push(("email", format!("电子邮箱「{e}」的格式不对，应如 name@example.com；可以不填")));
    }
    if let Some(id) = &meeting {
        match session.ledger().meeting(id) {
            None => problems.push(("meeting", format!("没有编号为「{id}」的恳谈会"))),
            Some(m) if m.date.is_some_and(|d| d < today) => problems.push((
                "meeting",
                format!(
                    "「{}」已于 {} 召开；请不选恳谈会直接提交",
                    m.title,
                    m.date.map(|d| d.to_string()).unwrap_or_default()
                ),
            )),
            Some(_) => {}
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(NewSubmission {
        id: String::new(),
        submitted: today,
        enterprise: Enterprise { name: name.unwrap_or_default(), credit_code: code, contact, phone, email },
        category,
        meeting,
        text: text.unwrap_or_default(),
    })
}

/// A tag-like piece of markup in a text (`<script`, `</a`, `<!--`), if any: such
/// text is refused at its field, though every page would show it as text anyway.
fn markup(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).position(|w| w[0] == '<' && (w[1].is_ascii_alphabetic() || "/!?".contains(w[1]))).map(|at| {
        let tag: String = chars[at..].iter().take_while(|c| !c.is_whitespace() && **c != '>').take(12).collect();
        format!("{tag}…")
    })
}

/// How a decision is written: planned only, and committed when written.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Writing {
    pub(crate) dry_run: bool,
    pub(crate) commit: bool,
}

/// The office accepts a waiting submission: a new case (channel online,
/// received the day it was sent, the submission's text as its description)
/// and the submission's `accepted` lines, written together or not at all.
pub(crate) fn accept(
    session: &mut Session,
    id: &str,
    title: Option<&str>,
    date: NaiveDate,
    how: Writing,
) -> Outcome<Done> {
    super::planned_afresh(session, |s| accept_once(s, id, title, date, how))
}

fn accept_once(session: &mut Session, id: &str, title: Option<&str>, date: NaiveDate, how: Writing) -> Outcome<Done> {
    let s = waiting(session, id, date)?.clone();
    let received = s.submitted.as_ref().map(|d| d.value).unwrap_or(date);
    let title = match title.map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        Some(_) => return Err(Refusal::field("title", "请写问题标题").into()),
        None => derived_title(&s.text),
    };
    let request = CaseRequest {
        title,
        enterprise: s.enterprise.clone(),
        received: Some(received),
        channel: Some(Channel::Online),
        meeting: s.meeting.as_ref().map(|m| m.value.clone()),
        category: s.category.clone(),
        description: Some(s.text.clone()),
        submission: Some(s.id.value.clone()),
        ..CaseRequest::default()
    };
    let (case_id, case) = case_edit(session, request)?;
    let decision = edit::append_lines(session.scope(), &s.file, &decision_text(date, Ok(&case_id)))?;
    let edits = vec![case, decision];
    super::judge(session, &edits)?;
    let subject = format!("受理网上提交：{}，建案 {case_id}", s.id.value);
    let written = super::write_planned(session, edits, how.dry_run, how.commit, &subject)?;
    Ok(Done { id: case_id, written, subject })
}

/// The office declines a waiting submission, with the reason its sender will read.
pub(crate) fn decline(session: &mut Session, id: &str, reason: &str, date: NaiveDate, how: Writing) -> Outcome<Done> {
    super::planned_afresh(session, |s| decline_once(s, id, reason, date, how))
}

fn decline_once(session: &mut Session, id: &str, reason: &str, date: NaiveDate, how: Writing) -> Outcome<Done> {
    let s = waiting(session, id, date)?.clone();
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Refusal::field("reason", "请写明不予受理的理由（企业凭回执码可以看到）").into());
    }
    super::plain_text("reason", "理由", reason)?;
    let edits = vec![edit::append_lines(session.scope(), &s.file, &decision_text(date, Err(reason)))?];
    super::judge(session, &edits)?;
    let subject = format!("不予受理网上提交：{}", s.id.value);
    let written = super::write_planned(session, edits, how.dry_run, how.commit, &subject)?;
    Ok(Done { id: s.id.value.clone(), written, subject })
}

/// The submission with an id, still waiting, decided no earlier than it was sent and no later than today.
fn waiting<'s>(session: &'s Session, id: &str, date: NaiveDate) -> Outcome<&'s Submission> {
    if date > session.date(None) {
        return Err(Refusal::field("date", format!("决定日期 {date} 晚于今天")).into());
    }
    let ledger = session.ledger();
    let Some(s) = ledger.submission(id) else {
        let nearest = closest(id, ledger.submissions.iter().map(|s| s.id.value.as_str())).map(str::to_string);
        return Err(Refusal::NotFound(NotFound { thing: Thing::Submission, id: id.to_string(), nearest }).into());
    };
    if let Some(d) = &s.decision {
        return Err(Refusal::request(format!("{id} 已于 {} 决定「{}」，不能再作决定", d.date, s.standing())).into());
    }
    if let Some(sent) = s.submitted.as_ref().filter(|d| d.value > date) {
        return Err(Refusal::field("date", format!("决定日期不能早于提交日期 {}", sent.value)).into());
    }
    Ok(s)
}

/// A case's title from a submission's text: its first sentence, at most 30 characters, with any phone
/// or ID number in it masked (a title is shown wherever the case is).
pub(crate) fn derived_title(text: &str) -> String {
    let text = crate::text::mask::phones_in(text);
    let first: String = text.trim().chars().take_while(|c| !"。！？；\n!?;".contains(*c)).collect();
    let first = first.trim();
    if first.chars().count() <= 30 {
        first.to_string()
    } else {
        format!("{}…", first.chars().take(29).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::Edit;

    /// The verdict a write is judged by and a full check of the edited tree find the same problems in a
    /// submission and the case it became.
    #[test]
    fn a_submission_and_its_case_are_judged_alike_by_the_verdict_and_a_full_check() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let ledger = crate::check::fixture(".");
        let submission = "id: WS-2026-0001\nsubmitted: 2026-11-18\nenterprise:\n  name: 湖州某某公司\ntext: 园区无路灯。\naccepted:\n  date: 2026-11-19\n  case: HZ-2026-0900\n";
        let named = "id: HZ-2026-0900\ntitle: 园区无路灯\nreceived: 2026-11-18\nsubmission: WS-2026-0001\n";
        let silent = "id: HZ-2026-0900\ntitle: 园区无路灯\nreceived: 2026-11-18\n";
        let twin = "id: WS-2026-0001\ntitle: 同号\nreceived: 2026-11-18\n";
        for (case_rel, case, errors) in [
            ("cases/2026/HZ-2026-0900.yaml", named, 0),
            ("cases/2026/HZ-2026-0900.yaml", silent, 1),
            ("cases/2026/WS-2026-0001.yaml", twin, 3),
        ] {
            let edits = [
                Edit {
                    rel: "submissions/2026/WS-2026-0001.yaml".into(),
                    before: Vec::new(),
                    after: submission.into(),
                    new: true,
                },
                Edit { rel: case_rel.into(), before: Vec::new(), after: case.into(), new: true },
            ];
            let files: Vec<(&str, &[u8])> = edits.iter().map(|e| (e.rel.as_str(), e.after.as_bytes())).collect();
            let codes = |ds: Vec<crate::diag::Diagnostic>| {
                let mut c: Vec<(String, String)> = ds.into_iter().map(|d| (d.file, d.code)).collect();
                c.sort();
                c
            };
            let fast = codes(crate::check::verdict(&ledger, &[], &files));
            let slow = codes(crate::edit::check_edits(root, &edits).expect("checked"));
            assert_eq!(fast, slow, "{case}");
            assert_eq!(fast.len(), errors, "{case}: {fast:?}");
        }
    }

    #[test]
    fn a_title_is_the_first_sentence_kept_short() {
        assert_eq!(derived_title("园区道路夜间无路灯。已多次反映。"), "园区道路夜间无路灯");
        let long = "我公司位于开发区的新建厂房因为周边市政道路尚未完工导致大型货车无法进出影响投产";
        assert_eq!(derived_title(long).chars().count(), 30);
        assert!(derived_title(long).ends_with('…'));
        assert_eq!(derived_title("请联系手机13712345678。"), "请联系手机137****5678");
    }

    #[test]
    fn markup_is_found_and_comparisons_are_not() {
        assert!(markup("请看<script>alert(1)</script>").is_some_and(|t| t.starts_with("<script")));
        assert!(markup("a</b").is_some());
        assert!(markup("<!-- x -->").is_some());
        assert_eq!(markup("用电负荷 <5 千瓦，成本<10%"), None);
    }
}
