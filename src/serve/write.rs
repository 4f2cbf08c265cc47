//! The forms that change something: a step on a case, a meeting's cases
//! assigned at once, a supervision notice issued. Each is checked (the form's
//! login token, the role table, the case's version it was drawn on), then
//! handed to the command stage — the same request the command line makes —
//! which judges, writes and commits it as the viewer's.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use super::auth::Viewer;
use super::commits::Pending;
use super::pages::{case_for, case_page, documents_page, failure_text, meeting_page, version_of, CaseView, DocsView};
use super::{forms, view, App};
use crate::command::record::{self, Cases, Record};
use crate::command::{Failure, Refusal};
use crate::model::role::Role;
use crate::model::{DocKind, EventType, Named, Status};

/// A posted form, its fields in order (a field may come several times: checkboxes).
type Posted = Vec<(String, String)>;

/// Whether the form carries the viewer's login token (a form from another page does not).
fn token_ok(viewer: &Viewer, posted: &Posted) -> bool {
    posted.iter().any(|(k, v)| k == "token" && v == &viewer.form_token)
}

fn refused_token(viewer: &Viewer) -> Response {
    view::page_for(
        viewer,
        StatusCode::FORBIDDEN,
        "请求被拒绝",
        "表单已过期或不是从本系统的页面提交的，请刷新页面后重试。",
    )
}

/// The posted fields by name (several values of one name joined by line breaks), to fill a form again.
fn by_name(posted: &Posted) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    for (k, v) in posted.iter().filter(|(k, _)| !forms::FORM_KEYS.contains(&k.as_str())) {
        out.entry(k.clone())
            .and_modify(|e| {
                e.push('\n');
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    out
}

/// A refusal as errors by field ("" for the form as a whole).
fn errors_of(f: &Failure) -> HashMap<String, String> {
    let mut out = HashMap::new();
    match f {
        Failure::Refused(Refusal::Request { field: Some(field), message }) => {
            out.insert((*field).to_string(), message.clone());
        }
        // What the written entry would bring, beside the field it came from (else under the form).
        Failure::Refused(Refusal::Invalid { diagnostics, at, .. }) => {
            for (i, d) in diagnostics.iter().enumerate() {
                let key = at.get(i).copied().flatten().unwrap_or_default().to_string();
                let said = out.entry(key).or_default();
                if !said.is_empty() {
                    said.push('；');
                }
                said.push_str(&d.message);
            }
        }
        other => {
            out.insert(String::new(), failure_text(other));
        }
    }
    out
}

/// A step on a case: `/cases/{id}/{step}` with the step's fields.
pub(crate) async fn record(
    State(app): State<Arc<App>>,
    viewer: Viewer,
    Path((id, step)): Path<(String, String)>,
    Form(posted): Form<Posted>,
) -> Response {
    let turn = app.writing.acquire().await;
    let answer = app.blocking_for(move |app| record_step(app, viewer, &id, &step, &posted)).await;
    drop(turn);
    finish(&app, answer).await
}

/// What a write's handler gives: a page, or a step written whose commit is awaited before the page after.
pub(crate) enum Answer {
    Page(Response),
    Committing { pending: Pending, viewer: Viewer, then: Box<dyn FnOnce(&App) -> Response + Send> },
}

impl From<Response> for Answer {
    fn from(r: Response) -> Answer {
        Answer::Page(r)
    }
}

/// The page a write's handler ends with: after its commit, awaited without holding a thread.
async fn finish(app: &Arc<App>, answer: Option<Answer>) -> Response {
    match answer {
        None => (StatusCode::INTERNAL_SERVER_ERROR, "内部错误").into_response(),
        Some(Answer::Page(r)) => r,
        Some(Answer::Committing { pending, viewer, then }) => match committed(pending.await) {
            Ok(()) => app.blocking(then).await,
            Err(why) => view::page_for(&viewer, StatusCode::INTERNAL_SERVER_ERROR, "未能提交", &why),
        },
    }
}

fn record_step(app: &App, viewer: Viewer, id: &str, step: &str, posted: &Posted) -> Answer {
    let viewer = &viewer;
    crate::timing::mark("form: in");
    let mut session = app.write();
    // A command's write since the ledger was read: judged on the repository as it is now.
    if session.stale() {
        let _ = session.refresh();
    }
    crate::timing::mark("form: session taken");
    let today = app.today(&session);
    let Some((_, case)) = case_for(viewer, &session, id) else { return view::not_found(Some(viewer)).into() };
    let kind = EventType::by_command(step);
    let Some(kind) = kind else { return view::not_found(Some(viewer)).into() };
    if !token_ok(viewer, posted) {
        return refused_token(viewer).into();
    }
    let refill = by_name(posted);
    // Drawn on another version of the case: refused, with the case as it is now.
    let drawn = posted.iter().find(|(k, _)| k == "version").map(|(_, v)| v.as_str());
    if drawn != Some(version_of(&session, case).as_str()) {
        let banner = (
            "warn",
            "这件案件在您打开页面之后有了新的记录（见下），您填写的内容没有提交；请核对后重新提交。".to_string(),
        );
        let v = CaseView {
            status: Some(StatusCode::CONFLICT),
            banner: Some(banner),
            step: Some(kind),
            posted: refill,
            ..CaseView::default()
        };
        return case_page(app, viewer, &session, id, v).into();
    }
    if !forms::next_steps(viewer, case, today).contains(&kind) {
        return view::page_for(
            viewer,
            StatusCode::FORBIDDEN,
            "不能办理",
            &format!("您不能在这件案件上「{}」。", kind.zh()),
        )
        .into();
    }
    // A file someone is editing at a terminal: its uncommitted lines would go into this account's commit.
    if let Err(r) = app.committer.as_committed(&session, &[case.file.as_str()]) {
        let v = CaseView {
            status: Some(StatusCode::CONFLICT),
            banner: Some(("warn", failure_text(&Failure::from(r)))),
            step: Some(kind),
            posted: refill,
            ..CaseView::default()
        };
        return case_page(app, viewer, &session, id, v).into();
    }
    let preview = posted.iter().any(|(k, v)| k == "preview" && !v.is_empty());
    let request = forms::read(kind, viewer, posted, Some(case), today).map(|(date, values)| Record {
        kind,
        cases: Cases::Ids(vec![id.to_string()]),
        date,
        values,
        dry_run: preview,
        // Committed off the session's lock, in order (`commits`).
        commit: false,
        signed: None,
    });
    let outcome = request.map_err(Failure::from).and_then(|r| record::record(&mut session, r));
    match outcome {
        Ok(recorded) if preview => {
            let edit = recorded.written.edits.first();
            let lines = edit.map(|e| added_lines(&String::from_utf8_lossy(&e.before), &e.after)).unwrap_or_default();
            let after = edit.and_then(|e| crate::check::reread(session.ledger(), &e.rel, e.after.as_bytes()));
            let effect =
                after.as_ref().map(|a| effect(&session, case_index(&session, id), a, today)).unwrap_or_default();
            // The entry as the timeline will read it: the one written last in the file.
            let entry = after
                .as_ref()
                .and_then(|a| a.timeline.iter().max_by_key(|e| e.pos.line))
                .map(|e| format!("{} {} {}", e.date, e.kind.zh(), e.reading_text()))
                .unwrap_or_default();
            let preview = serde_json::json!({ "entry": entry, "lines": lines, "effect": effect });
            let banner = ("warn", format!("以下是预览，尚未提交：{effect}。核对无误后按「提交{}」。", kind.zh()));
            let v = CaseView {
                banner: Some(banner),
                step: Some(kind),
                posted: refill,
                preview: Some(preview),
                ..CaseView::default()
            };
            case_page(app, viewer, &session, id, v).into()
        }
        Ok(recorded) => {
            let pending = app.committer.queue(recorded.written.edits, recorded.subject, viewer.signature(kind.key()));
            let to = format!("/cases/{id}?done={step}");
            let case = id.to_string();
            let then = Box::new(move |app: &App| {
                // A reply committed: its enterprise is told where to read it (never what it says).
                if kind == EventType::Replied {
                    tell_enterprise(app, &case);
                }
                Redirect::to(&to).into_response()
            });
            Answer::Committing { pending, viewer: viewer.clone(), then }
        }
        Err(f) => {
            let v = CaseView {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                banner: Some(("error", format!("未记录「{}」：请按提示修改后重新提交。", kind.zh()))),
                step: Some(kind),
                posted: refill,
                errors: errors_of(&f),
                ..CaseView::default()
            };
            case_page(app, viewer, &session, id, v).into()
        }
    }
}

/// Tells a case's enterprise, off the request, that its case has a reply (when `notify.enterprises` says
/// how): the send may take seconds, the department's page does not wait for it.
fn tell_enterprise(app: &App, id: &str) {
    let session = app.read();
    let ledger = session.ledger();
    if !crate::command::notify::tells_enterprises(&ledger.settings) {
        return;
    }
    let Some(case) = ledger.case(id).cloned() else { return };
    let (settings, state_dir, today) = (ledger.settings.clone(), app.state_dir.clone(), app.today(&session));
    drop(session);
    std::thread::spawn(move || {
        let mut log = crate::command::ToStderr;
        let told = crate::command::notify::tell_enterprises(&settings, &[&case], &state_dir, today, true, &mut log);
        if let Err(f) = told {
            eprintln!("qinqing serve：未能告知企业 {}：{}", case.id.value, failure_text(&f));
        }
    });
}

fn case_index(session: &crate::command::Session, id: &str) -> usize {
    session.ledger().position(id).unwrap_or_default()
}

/// What a write will do to the case, in words: the clocks it stops and starts, its new status
/// ("停止「交办后两周内办理回复」时限（按时）；状态变为待评价").
fn effect(
    session: &crate::command::Session,
    index: usize,
    after: &crate::model::Case,
    today: chrono::NaiveDate,
) -> String {
    let ledger = session.ledger();
    let before_case = &ledger.cases[index];
    let snapshot = ledger.one_case_as_of(index, today);
    let before = snapshot.clocks_of(index);
    let now = ledger.clocks_of(after, index, today);
    let same = |a: &crate::check::Clock, b: &crate::check::Clock| a.rule_index == b.rule_index && a.start == b.start;
    let mut words = Vec::new();
    for c in &now {
        match before.iter().find(|b| same(b, c)) {
            Some(b) if b.stopped.is_none() && c.stopped.is_some() => {
                words.push(format!("停止「{}」时限（{}）", c.rule.title, c.status.zh()));
            }
            Some(_) => {}
            None if c.stopped.is_none() => words.push(format!("开始「{}」时限，期限 {}", c.rule.title, c.due)),
            None => {}
        }
    }
    let (was, will) = (before_case.status_as_of(today), after.status_as_of(today));
    if was != will {
        words.push(format!("状态由「{}」变为「{}」", was.zh(), will.zh()));
    }
    if words.is_empty() {
        "时限与状态不变".to_string()
    } else {
        words.join("；")
    }
}

/// A queued commit's outcome: `Err` says, in words, that the step is written but not committed.
fn committed(
    outcome: Result<crate::command::Outcome<crate::git::Committed>, tokio::sync::oneshot::error::RecvError>,
) -> Result<(), String> {
    match outcome {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(f)) => {
            Err(format!("已记入案件文件，但 git 提交失败：{}。请告诉营商办（用 git status 查看）。", failure_text(&f)))
        }
        Err(_) => Err("已记入案件文件，但提交没有完成。请告诉营商办（用 git status 查看）。".to_string()),
    }
}

/// The lines an edit adds, for a preview.
fn added_lines(before: &str, after: &str) -> String {
    let common = before.lines().zip(after.lines()).take_while(|(a, b)| a == b).count();
    after
        .lines()
        .skip(common)
        .take(after.lines().count().saturating_sub(before.lines().count()).max(1))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Several of a meeting's cases assigned at once (the office).
pub(crate) async fn assign(
    State(app): State<Arc<App>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(posted): Form<Posted>,
) -> Response {
    if viewer.role != Role::Office {
        return view::page_for(&viewer, StatusCode::FORBIDDEN, "不能办理", "交办由营商办办理。");
    }
    let turn = app.writing.acquire().await;
    let answer = app
        .blocking_for(move |app| -> Answer {
            let mut session = app.write();
            // A command's write since the ledger was read: judged on the repository as it is now.
            if session.stale() {
                let _ = session.refresh();
            }
            if session.ledger().meeting(&id).is_none() {
                return view::not_found(Some(&viewer)).into();
            }
            if !token_ok(&viewer, &posted) {
                return refused_token(&viewer).into();
            }
            let ids: Vec<String> = posted.iter().filter(|(k, _)| k == "case").map(|(_, v)| v.clone()).collect();
            let others: Posted = posted.iter().filter(|(k, _)| k != "case").cloned().collect();
            let refill = by_name(&posted);
            let refuse = |session: &crate::command::Session, f: &Failure| {
                meeting_page(
                    app,
                    &viewer,
                    session,
                    &id,
                    Some(("error", "未交办：请按提示修改后重新提交。".to_string())),
                    refill.clone(),
                    errors_of(f),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
            };
            if ids.is_empty() {
                return refuse(&session, &Refusal::request("请勾选要交办的问题").into()).into();
            }
            // Only this meeting's cases still waiting to be assigned: a page drawn before someone else
            // assigned them, or the same form posted twice, assigns nothing again.
            let today = app.today(&session);
            let ledger = session.ledger();
            let waiting = |case: &str| {
                ledger.case(case).is_some_and(|c| {
                    c.meeting.as_ref().is_some_and(|m| m.value == id)
                        && matches!(c.status_as_of(today), Status::Received | Status::Returned)
                })
            };
            let gone: Vec<&str> = ids.iter().map(String::as_str).filter(|c| !waiting(c)).collect();
            if !gone.is_empty() {
                let why =
                    format!("{} 已经交办，或不是这期恳谈会待交办的问题；页面已刷新，请核对后重新勾选", gone.join("、"));
                return refuse(&session, &Refusal::request(why).into()).into();
            }
            let files: Vec<String> = ids.iter().filter_map(|c| ledger.case(c)).map(|c| c.file.clone()).collect();
            let files: Vec<&str> = files.iter().map(String::as_str).collect();
            if let Err(r) = app.committer.as_committed(&session, &files) {
                return refuse(&session, &r.into()).into();
            }
            let request =
                forms::read(EventType::Assigned, &viewer, &others, None, today).map(|(date, values)| Record {
                    kind: EventType::Assigned,
                    cases: Cases::Ids(ids.clone()),
                    date,
                    values,
                    dry_run: false,
                    commit: false,
                    signed: None,
                });
            // With no lead given, the command gives each case the lead its list before the meeting proposed.
            match request.map_err(Failure::from).and_then(|r| record::record(&mut session, r)) {
                Ok(recorded) => {
                    let signed = viewer.signature(EventType::Assigned.key());
                    let pending = app.committer.queue(recorded.written.edits, recorded.subject, signed);
                    // Answered with a redirect: reloading the page after does not post the form again.
                    let to = format!("/meetings/{id}?assigned={}", recorded.ids.join(","));
                    let then = Box::new(move |_: &App| Redirect::to(&to).into_response());
                    Answer::Committing { pending, viewer, then }
                }
                Err(f) => refuse(&session, &f).into(),
            }
        })
        .await;
    drop(turn);
    finish(&app, answer).await
}

/// A document from the documents page: a supervision notice for the cases ticked, or the bulletin of a
/// period; a draft (no number, nothing recorded), or issued (a number from the register, recorded in the
/// cases it covers, committed as the account's).
pub(crate) async fn document(
    State(app): State<Arc<App>>,
    viewer: Viewer,
    Path(kind): Path<String>,
    Form(posted): Form<Posted>,
) -> Response {
    if viewer.role != Role::Office {
        return view::page_for(&viewer, StatusCode::FORBIDDEN, "不能办理", "公文由营商办发出。");
    }
    let kind = match kind.as_str() {
        "supervision" => DocKind::Supervision,
        "bulletin" => DocKind::Bulletin,
        _ => return view::not_found(Some(&viewer)),
    };
    let _turn = app.writing.acquire().await;
    app.blocking(move |app| issue(app, &viewer, kind, &posted)).await
}

fn issue(app: &App, viewer: &Viewer, kind: DocKind, posted: &Posted) -> Response {
    let mut session = app.write();
    // A command's write since the ledger was read: judged on the repository as it is now.
    if session.stale() {
        let _ = session.refresh();
    }
    if !token_ok(viewer, posted) {
        return refused_token(viewer);
    }
    let ticked: Vec<String> = posted.iter().filter(|(k, _)| k == "case").map(|(_, v)| v.clone()).collect();
    let refuse = |session: &crate::command::Session, field: Option<&str>, why: String| {
        let v = DocsView {
            form: Some(kind.key()),
            field: field.map(str::to_string),
            errors: vec![why],
            ticked: ticked.clone(),
            ..DocsView::default()
        };
        documents_page(app, viewer, session, DocsView { status: Some(StatusCode::UNPROCESSABLE_ENTITY), ..v })
    };
    let takes: &[&str] = match kind {
        DocKind::Supervision => &["case", "due", "reissue"],
        _ => &["period"],
    };
    if let Some((k, _)) =
        posted.iter().find(|(k, _)| !takes.contains(&k.as_str()) && !matches!(k.as_str(), "token" | "draft"))
    {
        return refuse(&session, None, format!("表单中有不认识的项「{k}」，未受理"));
    }
    let value =
        |key: &str| posted.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_string()).filter(|v| !v.is_empty());
    let ids: Vec<String> = posted.iter().filter(|(k, _)| k == "case").map(|(_, v)| v.clone()).collect();
    if kind == DocKind::Supervision && ids.is_empty() {
        return refuse(&session, None, "请勾选要督办的案件".to_string());
    }
    let due = match value("due") {
        None => None,
        Some(text) => {
            let field = crate::model::field::field("due", false, crate::model::field::Ty::Date, "督办期限");
            match record::typed_value(&field, &text) {
                Ok(crate::edit::FieldValue::Date(d)) => Some(d),
                Ok(_) => None,
                Err(f) => return refuse(&session, Some("due"), failure_text(&Failure::from(f))),
            }
        }
    };
    let draft = value("draft").is_some();
    let request = crate::command::documents::Render {
        kind,
        meeting: None,
        cases: ids,
        due,
        from: None,
        to: None,
        period: value("period"),
        dept: None,
        formats: vec![crate::render::Format::Pdf, crate::render::Format::Docx],
        as_of: app.as_of,
        issue: !draft,
        reissue: value("reissue").is_some(),
        out: None,
        codes: false,
        state: None,
        signed: (!draft).then(|| {
            let event = match kind {
                DocKind::Supervision => EventType::Supervised,
                _ => EventType::Bulletined,
            };
            viewer.signature(event.key())
        }),
    };
    // Documents are made on a session of their own (the whole ledger; contacts in none of these), and
    // commit by themselves: after every step queued before.
    app.committer.flush();
    if !draft {
        if let Err(r) = crate::command::nothing_uncommitted(&session) {
            return refuse(&session, None, failure_text(&Failure::from(r)));
        }
    }
    // HEAD held while the document commits, so the look for outside commits does not take it for one.
    let mut known = app.committer.head.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let root = session.root_dir().to_path_buf();
    let outcome = crate::command::documents::render(&root, request, &|_| {});
    if session.stale() {
        let _ = session.refresh();
    }
    // Known to be at the document's commit only if it was made on the HEAD known before.
    let now = crate::command::head(&root);
    if now != *known && now.as_deref().and_then(|h| crate::command::parent_of(&root, h)) == *known {
        *known = now;
    }
    drop(known);
    match outcome {
        Ok(r) => {
            let text = match &r.generated {
                Some(g) if g.withheld => "公文生成出错，未发文、未取号".to_string(),
                Some(g) if draft => format!("已生成{}草稿 {} 份（见下方「草稿」），未取号", kind.zh(), g.named.len()),
                Some(g) => {
                    let numbers: Vec<&str> = g.named.iter().map(|(d, _)| d.number.as_str()).collect();
                    let recorded = if g.recorded.is_empty() {
                        String::new()
                    } else {
                        format!("，记入 {}", g.recorded.join("、"))
                    };
                    let titles: Vec<&str> = g.named.iter().map(|(d, _)| d.title.as_str()).collect();
                    format!("已发{} {}（{}）{recorded}", kind.zh(), numbers.join("、"), titles.join("；"))
                }
                None => format!("没有需要发的{}", kind.zh()),
            };
            documents_page(app, viewer, &session, DocsView { banner: Some(("ok", text)), ..DocsView::default() })
        }
        Err(f) => refuse(&session, None, failure_text(&f)),
    }
}
