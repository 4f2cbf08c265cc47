//! Online submissions on the server: the public form (`/submit`, served only
//! when `serve.submissions` is on), the page its receipt code opens while the
//! office has not accepted it, and the office's queue (`/submissions`) where
//! it accepts one as a case or declines it with a reason. Every write goes
//! through `command::submissions` and is committed like any other: a
//! submission as `Qinqing-Role: public`, a decision as the office account's.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde_json::{json, Value};

use super::auth::Viewer;
use super::view::{self, render};
use super::App;
use crate::command::submissions::{self, Done};
use crate::command::{receipts, Failure, Refusal, Session};
use crate::git::Signature;
use crate::model::role::Role;
use crate::model::submission::Outcome;
use crate::model::{Named, Submission};

/// The largest submission form read: a text far beyond the field's limit is still read, and refused at
/// its field; beyond this the request is refused whole.
pub(crate) const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// What one address sent, over the last day, for its limit.
#[derive(Default)]
pub(crate) struct Senders {
    sent: HashMap<IpAddr, Vec<Instant>>,
}

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Whose sending an address is: an IPv6 address by its /64 (one household or office network picks any
/// address within it), an IPv4 address as it is.
fn sender(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

impl Senders {
    /// Takes a place for the address if it has not used its day's: `false` when it has.
    fn take(&mut self, ip: IpAddr, limit: u32) -> bool {
        let ip = sender(ip);
        let now = Instant::now();
        self.sent.retain(|_, t| {
            t.retain(|x| now.duration_since(*x) < DAY);
            !t.is_empty()
        });
        let sent = self.sent.entry(ip).or_default();
        if sent.len() >= limit as usize {
            return false;
        }
        sent.push(now);
        true
    }

    /// Gives back the place of a submission that was refused (nothing was written for it).
    fn give_back(&mut self, ip: IpAddr) {
        if let Some(t) = self.sent.get_mut(&sender(ip)) {
            t.pop();
        }
    }
}

/// The values to fill the form again with: none that is far too long to show again.
fn refill(posted: &submissions::Form) -> Value {
    let mut values = serde_json::to_value(posted).unwrap_or_default();
    if let Value::Object(fields) = &mut values {
        for v in fields.values_mut() {
            if v.as_str().is_some_and(|s| s.chars().count() > submissions::TEXT_LIMIT) {
                *v = json!("");
            }
        }
    }
    values
}

/// The form, with what went wrong at each field.
fn form_page(
    session: &Session,
    today: chrono::NaiveDate,
    posted: &submissions::Form,
    errors: HashMap<&str, String>,
    status: StatusCode,
) -> Response {
    let ledger = session.ledger();
    // Meetings still ahead (or undated): a question sent for one is prepared for it.
    let meetings: Vec<Value> = ledger
        .meetings
        .iter()
        .filter(|m| m.date.is_none_or(|d| d >= today))
        .map(|m| json!({ "id": m.id.value, "title": m.title, "date": m.date.map(|d| d.to_string()) }))
        .collect();
    render(
        status,
        "submit.html",
        json!({
            "title": "网上反映问题", "meetings": meetings, "posted": refill(posted), "errors": errors,
            "contact": ledger.settings.serve_contact, "limit": submissions::TEXT_LIMIT,
            "fields": [
                { "name": "enterprise", "label": "企业名称 *", "auto": "organization" },
                { "name": "credit_code", "label": "统一社会信用代码 *", "auto": "off" },
                { "name": "contact", "label": "联系人 *", "auto": "name" },
                { "name": "phone", "label": "联系电话 *", "auto": "tel" },
                { "name": "email", "label": "电子邮箱（可不填；有了答复时通知您）", "auto": "email" },
                { "name": "category", "label": "问题类别（如 用地、融资、审批）", "auto": "off" },
            ],
        }),
    )
}

/// `GET /submit`.
pub(crate) async fn form(State(app): State<Arc<App>>) -> Response {
    app.blocking(|app| {
        let session = app.read();
        if !session.ledger().settings.submissions.open {
            return view::not_found(None);
        }
        form_page(&session, app.today(&session), &submissions::Form::default(), HashMap::new(), StatusCode::OK)
    })
    .await
}

/// What the blocking part of a submission gives.
enum Sent {
    Page(Response),
    Committing(super::commits::Pending, String),
}

/// `POST /submit`: the address's limit, then the command stage's checks and limits; a submission taken
/// is committed as anyone's, and its sender sent to its code's page.
pub(crate) async fn submit(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(posted): Form<submissions::Form>,
) -> Response {
    let ip = super::auth::client(&app, peer, &headers);
    let (open, limits) = {
        let session = app.read();
        let s = session.ledger().settings.submissions;
        (s.open, s)
    };
    if !open {
        return view::not_found(None);
    }
    if !app.senders.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take(ip, limits.per_address) {
        return view::page(
            StatusCode::TOO_MANY_REQUESTS,
            "今天不能再提交",
            &format!("同一网络地址一天最多提交 {} 件。请明天再提交，或直接联系营商办。", limits.per_address),
        );
    }
    let turn = app.writing.acquire().await;
    let answer = app
        .blocking_for(move |app| -> Sent {
            let mut session = app.write();
            if session.stale() {
                let _ = session.refresh();
            }
            let today = app.today(&session);
            let limits = session.ledger().settings.submissions;
            let refused = |session: &Session, field: &'static str, why: String| {
                let status =
                    if field == "limit" { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::UNPROCESSABLE_ENTITY };
                Sent::Page(form_page(session, today, &posted, HashMap::from([(field, why)]), status))
            };
            // Every field's problem at once.
            let judged = match submissions::judged_form(&session, &posted, today) {
                Ok(j) => j,
                Err(problems) => {
                    let errors: HashMap<&str, String> = problems.into_iter().collect();
                    return Sent::Page(form_page(&session, today, &posted, errors, StatusCode::UNPROCESSABLE_ENTITY));
                }
            };
            let secret = match receipts::secret(&app.state_dir) {
                Ok(s) => s,
                Err(f) => return refused(&session, "limit", crate::serve::pages::failure_text(&f)),
            };
            match submissions::submit(&mut session, &judged, &limits) {
                Ok(Done { id, written, subject }) => {
                    let pending = app.committer.queue(written.edits, subject, public_signature(&id));
                    Sent::Committing(pending, receipts::code(&secret, &id))
                }
                Err(Failure::Refused(Refusal::Request { field, message })) => {
                    refused(&session, field.unwrap_or("text"), message)
                }
                Err(f) => refused(&session, "text", crate::serve::pages::failure_text(&f)),
            }
        })
        .await;
    drop(turn);
    match answer {
        Some(Sent::Committing(pending, code)) => match pending.await {
            Ok(Ok(_)) => Redirect::to(&format!("/r/{code}?submitted=1")).into_response(),
            _ => view::page(StatusCode::INTERNAL_SERVER_ERROR, "未能提交", "已收到，但保存没有完成；请联系营商办。"),
        },
        Some(Sent::Page(page)) => {
            // Nothing was written: the place is given back.
            app.senders.lock().unwrap_or_else(std::sync::PoisonError::into_inner).give_back(ip);
            page
        }
        None => (StatusCode::INTERNAL_SERVER_ERROR, "内部错误").into_response(),
    }
}

/// Whose a submission's commit is: anyone's (the name the sender typed is in the subject; as an author's
/// name git could refuse it).
fn public_signature(id: &str) -> Signature {
    Signature {
        name: "网上提交".to_string(),
        email: String::new(),
        trailers: vec![
            ("Qinqing-Actor", format!("公众/{id}")),
            ("Qinqing-Role", Role::Public.key().to_string()),
            ("Qinqing-Event", "submitted".to_string()),
        ],
    }
}

/// The page a code opens while its submission is not a case: received and waiting, or declined and why.
/// As published: no contact, no phone, the text masked.
pub(crate) fn public_page(app: &App, session: &Session, s: &Submission, code: &str, just_sent: bool) -> Response {
    let redactor = app.redactor(session);
    let reason = match s.decision.as_ref().map(|d| &d.outcome) {
        Some(Outcome::Declined(why)) => Some(redactor.text(why)),
        _ => None,
    };
    let meeting = s.meeting.as_ref().and_then(|m| session.ledger().meeting(&m.value)).map(|m| m.title.clone());
    render(
        StatusCode::OK,
        "submitted.html",
        json!({
            "title": "网上提交",
            "banner": just_sent.then_some("已收到您反映的问题。请记下下面的回执码，凭它随时查看受理和办理情况。"),
            "code": code,
            "submission": {
                "id": s.id.value, "submitted": s.submitted.as_ref().map(|d| d.value.to_string()),
                "enterprise": s.enterprise.as_ref().map(|e| redactor.text(&e.name)),
                "category": s.category.as_deref().map(|c| redactor.text(c)), "meeting": meeting,
                "text": redactor.text(&s.text), "standing": s.standing(), "reason": reason,
                "decided": s.decision.as_ref().map(|d| d.date.to_string()),
            },
            "contact": session.ledger().settings.serve_contact,
        }),
    )
}

/// `GET /submissions`: the office's queue, waiting ones first.
pub(crate) async fn list(State(app): State<Arc<App>>, viewer: Viewer) -> Response {
    app.blocking(move |app| {
        if viewer.role != Role::Office {
            return view::not_found(Some(&viewer));
        }
        let session = app.read();
        let mut rows: Vec<&Submission> = session.ledger().submissions.iter().collect();
        // Waiting first, the newest first.
        rows.sort_by(|a, b| b.waiting().cmp(&a.waiting()).then_with(|| b.file.cmp(&a.file)));
        let rows: Vec<Value> = rows.iter().map(|s| row(s)).collect();
        let open = session.ledger().settings.submissions.open;
        render(
            StatusCode::OK,
            "submissions.html",
            json!({ "title": "网上提交", "rows": rows, "open": open, "viewer": view::viewer(&viewer) }),
        )
    })
    .await
}

/// A submission in a list.
pub(crate) fn row(s: &Submission) -> Value {
    let case = match s.decision.as_ref().map(|d| &d.outcome) {
        Some(Outcome::Accepted(c)) => Some(c.value.clone()),
        _ => None,
    };
    json!({
        "id": s.id.value, "href": format!("/submissions/{}", s.id.value),
        "title": submissions::derived_title(&s.text),
        "enterprise": s.enterprise.as_ref().map(|e| e.name.clone()).unwrap_or_default(),
        "submitted": s.submitted.as_ref().map(|d| d.value.to_string()), "standing": s.standing(), "case": case,
    })
}

/// `GET /submissions/{id}`: everything the sender wrote (the office sees contacts), and the decision forms.
pub(crate) async fn show(State(app): State<Arc<App>>, viewer: Viewer, Path(id): Path<String>) -> Response {
    app.blocking(move |app| {
        let session = app.read();
        detail(app, &session, &viewer, &id, &json!({ "title": "", "reason": "" }), HashMap::new(), StatusCode::OK)
    })
    .await
}

fn detail(
    app: &App,
    session: &Session,
    viewer: &Viewer,
    id: &str,
    posted: &Value,
    errors: HashMap<String, String>,
    status: StatusCode,
) -> Response {
    let Some(s) = session.ledger().submission(id).filter(|_| viewer.role == Role::Office) else {
        return view::not_found(Some(viewer));
    };
    let e = s.enterprise.as_ref();
    let meeting = s.meeting.as_ref().map(|m| {
        let title = session.ledger().meeting(&m.value).map(|x| x.title.clone()).unwrap_or_default();
        json!({ "id": m.value, "title": title })
    });
    let reason = match s.decision.as_ref().map(|d| &d.outcome) {
        Some(Outcome::Declined(why)) => Some(why.clone()),
        _ => None,
    };
    render(
        status,
        "submission.html",
        json!({
            "title": format!("网上提交 {}", s.id.value), "viewer": view::viewer(viewer),
            "s": row(s), "text": s.text, "meeting": meeting, "category": s.category, "reason": reason,
            "decided": s.decision.as_ref().map(|d| d.date.to_string()), "waiting": s.waiting(),
            "enterprise": { "name": e.map(|e| e.name.clone()), "credit_code": e.and_then(|e| e.credit_code.clone()),
                            "contact": e.and_then(|e| e.contact.clone()), "phone": e.and_then(|e| e.phone.clone()),
                            "email": e.and_then(|e| e.email.clone()) },
            "suggested": submissions::derived_title(&s.text), "posted": posted, "errors": errors,
            // For a sender who lost it (the office may tell it again, after a rotation too).
            "code": receipts::secret(&app.state_dir).ok().map(|secret| receipts::code(&secret, &s.id.value)),
        }),
    )
}

/// A decision written (its commit to await, then where to go), or the page that says why not.
enum Decided {
    Committing(super::commits::Pending, String),
    Page(Response),
}

/// `POST /submissions/{id}/accept` and `/decline`: the office's decision, committed as its account's.
pub(crate) async fn decide(
    State(app): State<Arc<App>>,
    viewer: Viewer,
    Path((id, what)): Path<(String, String)>,
    Form(posted): Form<Vec<(String, String)>>,
) -> Response {
    let turn = app.writing.acquire().await;
    let answer = app
        .blocking_for(move |app| -> Decided {
            if viewer.role != Role::Office || !matches!(what.as_str(), "accept" | "decline") {
                return Decided::Page(view::not_found(Some(&viewer)));
            }
            if !posted.iter().any(|(k, v)| k == "token" && v == &viewer.form_token) {
                return Decided::Page(view::page_for(
                    &viewer,
                    StatusCode::FORBIDDEN,
                    "请求被拒绝",
                    "表单已过期或不是从本系统的页面提交的，请刷新页面后重试。",
                ));
            }
            let mut session = app.write();
            if session.stale() {
                let _ = session.refresh();
            }
            let today = app.today(&session);
            let value = |k: &str| posted.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
            let field = if what == "accept" { "title" } else { "reason" };
            // A submission file someone is editing at a terminal: its lines would go into this account's commit.
            if let Some(s) = session.ledger().submission(&id) {
                if let Err(r) = app.committer.as_committed(&session, &[s.file.as_str()]) {
                    let errors =
                        HashMap::from([(field.to_string(), crate::serve::pages::failure_text(&Failure::from(r)))]);
                    let refill = json!({ "title": value("title"), "reason": value("reason") });
                    return Decided::Page(detail(app, &session, &viewer, &id, &refill, errors, StatusCode::CONFLICT));
                }
            }
            let done = if what == "accept" {
                submissions::accept(&mut session, &id, Some(&value("title")), today, submissions::Writing::default())
            } else {
                submissions::decline(&mut session, &id, &value("reason"), today, submissions::Writing::default())
            };
            match done {
                Ok(Done { id: made, written, subject }) => {
                    let event = if what == "accept" { "submission-accepted" } else { "submission-declined" };
                    let pending = app.committer.queue(written.edits, subject, viewer.signature(event));
                    let to = if what == "accept" { format!("/cases/{made}") } else { format!("/submissions/{id}") };
                    Decided::Committing(pending, to)
                }
                Err(f) => {
                    let (field, message) = match &f {
                        Failure::Refused(Refusal::Request { field, message }) => {
                            (field.unwrap_or(if what == "accept" { "title" } else { "reason" }), message.clone())
                        }
                        other => (
                            if what == "accept" { "title" } else { "reason" },
                            crate::serve::pages::failure_text(other),
                        ),
                    };
                    let refill = json!({ "title": value("title"), "reason": value("reason") });
                    let errors = HashMap::from([(field.to_string(), message)]);
                    Decided::Page(detail(
                        app,
                        &session,
                        &viewer,
                        &id,
                        &refill,
                        errors,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    ))
                }
            }
        })
        .await;
    drop(turn);
    match answer {
        Some(Decided::Committing(pending, to)) => match pending.await {
            Ok(Ok(_)) => Redirect::to(&to).into_response(),
            _ => {
                view::page(StatusCode::INTERNAL_SERVER_ERROR, "未能提交", "已写入，但提交没有完成；请查看 git status。")
            }
        },
        Some(Decided::Page(page)) => page,
        None => (StatusCode::INTERNAL_SERVER_ERROR, "内部错误").into_response(),
    }
}
