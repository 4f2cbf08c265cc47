//! The enterprise's page, `/r/{code}`: no account — the receipt code opens
//! its own case (`command::receipts`), shown as the published ledger shows it
//! (contacts and phones masked, no staff named), with the steps, the open
//! deadlines and the replies; once a reply waits for its rating, the rating
//! form. A rating is the `evaluated` entry, `via: web`, recorded through the
//! command stage and committed as the enterprise's (`Qinqing-Role:
//! enterprise`). Lookups are limited per address; a wrong code and a revoked
//! one are the same "not found".

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde_json::{json, Value};

use super::view::{self, days_left, render};
use super::App;
use crate::command::record::{self, Cases, Record};
use crate::command::{receipts, Failure, Refusal, Session};
use crate::edit::FieldValue;
use crate::git::Signature;
use crate::model::{Case, EventType, Named, Rating};

/// Lookups from one address over this window…
const WINDOW: Duration = Duration::from_secs(10 * 60);
/// …of which this many may miss before the address waits.
const MISSES: usize = 10;

/// Misses per address, for the limit.
#[derive(Default)]
pub(crate) struct Lookups {
    misses: HashMap<IpAddr, Vec<Instant>>,
}

/// Whether the address may look up a code now. The lookup is counted as a miss at once, under the
/// lock (lookups at the same moment cannot all slip under the limit), and given back by [`found`].
fn may_look(app: &App, ip: IpAddr) -> bool {
    let now = Instant::now();
    let mut l = app.lookups.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    l.misses.retain(|_, t| {
        t.retain(|x| now.duration_since(*x) < WINDOW);
        !t.is_empty()
    });
    let misses = l.misses.entry(ip).or_default();
    if misses.len() >= MISSES {
        return false;
    }
    misses.push(now);
    true
}

/// The code looked up opened something: its lookup is not a miss.
fn found(app: &App, ip: IpAddr) {
    let mut l = app.lookups.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(t) = l.misses.get_mut(&ip) {
        t.pop();
    }
}

/// What a code opens: a case (its own, or the one its submission became), or a submission the office
/// has not made a case.
enum Opened<'s> {
    Case(usize, &'s Case),
    Submission(&'s crate::model::Submission),
}

fn open<'s>(app: &App, session: &'s Session, code: &str) -> Option<Opened<'s>> {
    // Read each time: `qinqing receipt rotate` at a terminal revokes every code at once.
    let secret = receipts::secret(&app.state_dir).ok()?;
    let index = app.code_index(session, &secret);
    let ledger = session.ledger();
    let id = index.find(code)?;
    let case_id = match ledger.submission(id) {
        Some(s) => match s.decision.as_ref().map(|d| &d.outcome) {
            Some(crate::model::submission::Outcome::Accepted(case)) => case.value.as_str(),
            _ => return Some(Opened::Submission(s)),
        },
        None => id,
    };
    let i = ledger.position(case_id)?;
    Some(Opened::Case(i, &ledger.cases[i]))
}

/// The case a code opens, if any.
fn opened<'s>(app: &App, session: &'s Session, code: &str) -> Option<(usize, &'s Case)> {
    match open(app, session, code)? {
        Opened::Case(i, case) => Some((i, case)),
        Opened::Submission(_) => None,
    }
}

fn not_found() -> Response {
    view::page(
        StatusCode::NOT_FOUND,
        "找不到",
        "回执码不对，或者已经失效。请核对回执上的回执码；仍然不行的，请联系营商办。",
    )
}

fn too_many() -> Response {
    view::page(StatusCode::TOO_MANY_REQUESTS, "请稍后再试", "查询次数过多，请 10 分钟后再试。")
}

/// The office's pre-visit question waiting for the enterprise's answer: the latest pre-visit that asks
/// one, with no pre-visit after it.
fn open_question(case: &Case, today: chrono::NaiveDate) -> Option<String> {
    let events = case.events_as_of(today);
    let asked = events.iter().rposition(|e| e.kind == EventType::PreVisited && e.question().is_some())?;
    let answered = events[asked + 1..].iter().any(|e| e.kind == EventType::PreVisited);
    (!answered).then(|| events[asked].question().unwrap_or_default().to_string())
}

/// Whether the case's latest answer waits for the enterprise's rating.
fn awaits_rating(case: &Case, today: chrono::NaiveDate) -> bool {
    case.answer_awaiting_rating(today).is_some()
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Shown {
    #[serde(default)]
    rated: String,
    #[serde(default)]
    answered: String,
    #[serde(default)]
    submitted: String,
}

pub(crate) async fn page(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(shown): Query<Shown>,
) -> Response {
    let ip = super::auth::client(&app, peer, &headers);
    if !may_look(&app, ip) {
        return too_many();
    }
    app.blocking(move |app| {
        let session = app.read();
        // Shown as the code's own, whatever way it was typed.
        let code = receipts::formatted(&code).unwrap_or(code);
        let index = match open(app, &session, &code) {
            Some(Opened::Case(index, _)) => index,
            Some(Opened::Submission(s)) => {
                found(app, ip);
                return super::submissions::public_page(app, &session, s, &code, !shown.submitted.is_empty());
            }
            None => return not_found(),
        };
        found(app, ip);
        let banner = match (shown.rated.is_empty(), shown.answered.is_empty()) {
            (false, _) => Some("感谢您的评价，已记录。".to_string()),
            (_, false) => Some("您的意见已记录，营商办会据此督促办理。".to_string()),
            _ => None,
        };
        case_page(app, &session, index, &code, banner, HashMap::new(), StatusCode::OK)
    })
    .await
}

/// The enterprise's case as published: steps, open deadlines, replies, and the rating form when one is due.
fn case_page(
    app: &App,
    session: &Session,
    index: usize,
    code: &str,
    banner: Option<String>,
    errors: HashMap<&'static str, String>,
    status: StatusCode,
) -> Response {
    let today = app.today(session);
    let ledger = session.ledger();
    let found = &ledger.cases[index];
    let Ok(Some(mut case)) = session.full_case(found) else { return not_found() };
    crate::check::published_case(&mut case, &app.redactor(session));
    // Staff are not named to the enterprise: who approved an extension stays with the office.
    for e in &mut case.timeline {
        if let Some(d) = &mut e.details {
            d.approved_by = None;
        }
    }
    let snapshot = ledger.one_case_as_of(index, today);
    let deadlines: Vec<Value> = snapshot
        .clocks_of(index)
        .iter()
        .filter(|c| c.status.is_running())
        .map(|c| json!({ "what": c.rule.title, "who": c.responsible.unwrap_or("—"), "due": c.due.to_string(), "left": days_left(c.due, today) }))
        .collect();
    let steps: Vec<Value> = case
        .events_as_of(today)
        .iter()
        .map(|e| json!({ "date": e.date.to_string(), "kind": e.kind.zh(), "reading": e.reading_text() }))
        .collect();
    let ratings: Vec<Value> = Rating::ALL.iter().map(|(_, en, zh)| json!({ "value": en, "label": zh })).collect();
    render(
        status,
        "enterprise.html",
        json!({
            "title": "办理进度",
            "banner": banner,
            "code": code,
            "case": {
                "id": case.id.value, "title": case.title,
                "enterprise": case.enterprise.as_ref().map(|e| e.name.as_str()).unwrap_or("—"),
                "received": case.received.as_ref().map(|r| r.value.to_string()),
                "status": case.status_as_of(today).zh(),
                "lead": case.lead_as_of(today),
                "description": case.description.trim(),
            },
            "steps": steps, "deadlines": deadlines,
            "rate": awaits_rating(found, today), "ratings": ratings,
            // Masked as the rest of the page is.
            "question": open_question(&case, today),
            "errors": errors,
        }),
    )
}

/// What a step's work gives: a page (refused), or the step written, its commit awaited.
enum Posted {
    Page(Response),
    Committing(super::commits::Pending, String),
}

/// The values of a step the enterprise posts, judged on its case as the file has it now (what its page
/// showed), or why not at a field of its form.
type Judged = Result<Vec<(&'static str, FieldValue)>, (&'static str, String)>;

/// A step the enterprise posts from its page (never by a GET: a link a chat app opens records nothing):
/// the code's case, judged by `judge`, recorded through the command stage and committed as the
/// enterprise's; then its page again with `done` saying so.
async fn post_step(
    app: Arc<App>,
    ip: IpAddr,
    code: String,
    kind: EventType,
    done: &'static str,
    judge: impl FnOnce(&Case, chrono::NaiveDate) -> Judged + Send + 'static,
) -> Response {
    if !may_look(&app, ip) {
        return too_many();
    }
    let turn = app.writing.acquire().await;
    let answer = app
        .blocking_for(move |app| -> Posted {
            let mut session = app.write();
            // A command's write since the ledger was read: judged on the repository as it is now.
            if session.stale() {
                let _ = session.refresh();
            }
            let today = app.today(&session);
            let Some((index, case)) = opened(app, &session, &code) else { return Posted::Page(not_found()) };
            found(app, ip);
            let refuse = |session: &Session, field: &'static str, why: String| {
                let errors = HashMap::from([(field, why)]);
                Posted::Page(case_page(app, session, index, &code, None, errors, StatusCode::UNPROCESSABLE_ENTITY))
            };
            let Some(full) = session.full_case(case).ok().flatten() else { return Posted::Page(not_found()) };
            let values = match judge(&full, today) {
                Ok(v) => v,
                Err((field, why)) => return refuse(&session, field, why),
            };
            let first = values.first().map_or("text", |(k, _)| *k);
            if let Err(r) = app.committer.as_committed(&session, &[case.file.as_str()]) {
                return refuse(&session, first, crate::serve::pages::failure_text(&Failure::from(r)));
            }
            let id = case.id.value.clone();
            let enterprise = case.enterprise.as_ref().map(|e| e.name.clone()).unwrap_or_else(|| "企业".into());
            let request = Record {
                kind,
                cases: Cases::Ids(vec![id.clone()]),
                date: None,
                values,
                dry_run: false,
                commit: false,
                signed: None,
            };
            match record::record(&mut session, request) {
                Ok(recorded) => {
                    let signed = enterprise_signature(enterprise, &id, kind);
                    let pending = app.committer.queue(recorded.written.edits, recorded.subject, signed);
                    Posted::Committing(pending, code.clone())
                }
                Err(Failure::Refused(Refusal::Request { field, message })) => {
                    refuse(&session, field.unwrap_or(first), message)
                }
                Err(f) => refuse(&session, first, crate::serve::pages::failure_text(&f)),
            }
        })
        .await;
    drop(turn);
    match answer {
        None => (StatusCode::INTERNAL_SERVER_ERROR, "内部错误").into_response(),
        Some(Posted::Page(page)) => page,
        Some(Posted::Committing(pending, code)) => match pending.await {
            Ok(Ok(_)) => Redirect::to(&format!("/r/{code}?{done}=1")).into_response(),
            _ => view::page(StatusCode::INTERNAL_SERVER_ERROR, "未能提交", "已记下，但提交没有完成；请联系营商办。"),
        },
    }
}

/// A text the enterprise typed: trimmed, and not beyond what any form field takes.
fn typed(field: &'static str, text: &str) -> Result<String, (&'static str, String)> {
    let text = text.trim().to_string();
    if text.chars().count() > super::forms::FIELD_LIMIT {
        return Err((field, format!("内容过长（不超过 {} 字）", super::forms::FIELD_LIMIT)));
    }
    Ok(text)
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Rated {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
}

/// A rating of the latest answer: 不满意 asks why.
pub(crate) async fn rate(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(posted): Form<Rated>,
) -> Response {
    let ip = super::auth::client(&app, peer, &headers);
    post_step(app, ip, code, EventType::Evaluated, "rated", move |case, today| {
        if !awaits_rating(case, today) {
            return Err(("rating", "这次答复已经评价过了；有新的答复后可以再评价。".to_string()));
        }
        let Some(rating) = Rating::parse(posted.rating.trim()) else {
            return Err(("rating", "请选择 满意、基本满意 或 不满意".to_string()));
        };
        let comment = typed("comment", &posted.comment)?;
        if rating == Rating::Unsatisfied && comment.is_empty() {
            return Err(("comment", "请写明不满意的原因，以便重新办理".to_string()));
        }
        let mut values =
            vec![("rating", FieldValue::Named(rating.key(), rating.zh())), ("via", FieldValue::Named("web", "网页"))];
        if !comment.is_empty() {
            values.push(("comment", FieldValue::Text(comment)));
        }
        Ok(values)
    })
    .await
}

#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Answered {
    #[serde(default)]
    text: String,
}

/// The enterprise's answer to the office's pre-visit question: a pre-visit entry of its own.
pub(crate) async fn answer(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(posted): Form<Answered>,
) -> Response {
    let ip = super::auth::client(&app, peer, &headers);
    post_step(app, ip, code, EventType::PreVisited, "answered", move |case, today| {
        if open_question(case, today).is_none() {
            return Err(("answer", "没有待回答的问题（已经回答过了）".to_string()));
        }
        let text = typed("answer", &posted.text)?;
        if text.is_empty() {
            return Err(("answer", "请写下您的意见".to_string()));
        }
        Ok(vec![("by", FieldValue::Text("企业（网页）".into())), ("text", FieldValue::Text(text))])
    })
    .await
}

/// Whose a commit of the enterprise's is: its name as the author, its case in the actor.
fn enterprise_signature(name: String, id: &str, kind: EventType) -> Signature {
    Signature {
        name,
        email: String::new(),
        trailers: vec![
            ("Qinqing-Actor", format!("企业/{id}")),
            ("Qinqing-Role", "enterprise".to_string()),
            ("Qinqing-Event", kind.key().to_string()),
        ],
    }
}
