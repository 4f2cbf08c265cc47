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
use super::pages::{case_for, case_page, documents_page, failure_text, meeting_page, version_of, CaseView};
use super::{forms, view, App};
use crate::command::record::{self, Cases, Record};
use crate::command::{Failure, Refusal};
use crate::model::role::Role;
use crate::model::{EventType, Named};

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
    app.blocking(move |app| record_step(app, &viewer, &id, &step, &posted)).await
}

fn record_step(app: &App, viewer: &Viewer, id: &str, step: &str, posted: &Posted) -> Response {
    let mut session = app.write();
    let today = app.today(&session);
    let Some((_, case)) = case_for(viewer, &session, id) else { return view::not_found(Some(viewer)) };
    let kind =
        EventType::ALL.iter().map(|(k, _, _)| *k).find(|k| k.spec().recording.is_some_and(|r| r.command == step));
    let Some(kind) = kind else { return view::not_found(Some(viewer)) };
    if !token_ok(viewer, posted) {
        return refused_token(viewer);
    }
    if !forms::next_steps(viewer, case, today).contains(&kind) {
        return view::page_for(
            viewer,
            StatusCode::FORBIDDEN,
            "不能办理",
            &format!("您不能在这件案件上「{}」。", kind.zh()),
        );
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
        return case_page(app, viewer, &session, id, v);
    }
    let preview = posted.iter().any(|(k, v)| k == "preview" && !v.is_empty());
    let request = forms::read(kind, viewer, posted).map(|(date, values)| Record {
        kind,
        cases: Cases::Ids(vec![id.to_string()]),
        date,
        values,
        dry_run: preview,
        commit: true,
        signed: Some(viewer.signature(kind.key())),
    });
    let outcome = request.map_err(Failure::from).and_then(|r| record::record(&mut session, r));
    match outcome {
        Ok(recorded) if preview => {
            let edit = recorded.written.edits.first();
            let lines = edit.map(|e| added_lines(&String::from_utf8_lossy(&e.before), &e.after)).unwrap_or_default();
            let effect = edit
                .and_then(|e| crate::check::reread(session.ledger(), &e.rel, e.after.as_bytes()))
                .map(|c| format!("记录后状态：{}", c.status_as_of(today).zh()))
                .unwrap_or_default();
            let preview = serde_json::json!({ "file": edit.map(|e| e.rel.clone()), "lines": lines, "effect": effect });
            let v = CaseView { step: Some(kind), posted: refill, preview: Some(preview), ..CaseView::default() };
            case_page(app, viewer, &session, id, v)
        }
        Ok(recorded) => {
            app.committed(&session);
            let _ = recorded;
            Redirect::to(&format!("/cases/{id}?done={step}")).into_response()
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
            case_page(app, viewer, &session, id, v)
        }
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
    app.blocking(move |app| {
        let mut session = app.write();
        if session.ledger().meeting(&id).is_none() {
            return view::not_found(Some(&viewer));
        }
        if !token_ok(&viewer, &posted) {
            return refused_token(&viewer);
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
            return refuse(&session, &Refusal::request("请勾选要交办的问题").into());
        }
        let request = forms::read(EventType::Assigned, &viewer, &others).map(|(date, values)| Record {
            kind: EventType::Assigned,
            cases: Cases::Ids(ids.clone()),
            date,
            values,
            dry_run: false,
            commit: true,
            signed: Some(viewer.signature(EventType::Assigned.key())),
        });
        // With no lead given, the command gives each case the lead its list before the meeting proposed.
        match request.map_err(Failure::from).and_then(|r| record::record(&mut session, r)) {
            Ok(recorded) => {
                app.committed(&session);
                let banner = format!("已交办 {} 件：{}", recorded.ids.len(), recorded.ids.join("、"));
                meeting_page(
                    app,
                    &viewer,
                    &session,
                    &id,
                    Some(("ok", banner)),
                    HashMap::new(),
                    HashMap::new(),
                    StatusCode::OK,
                )
            }
            Err(f) => refuse(&session, &f),
        }
    })
    .await
}

/// A supervision notice issued from the documents page for the cases ticked.
pub(crate) async fn supervision(State(app): State<Arc<App>>, viewer: Viewer, Form(posted): Form<Posted>) -> Response {
    if viewer.role != Role::Office {
        return view::page_for(&viewer, StatusCode::FORBIDDEN, "不能办理", "公文由营商办发出。");
    }
    app.blocking(move |app| {
        let session = app.write();
        if !token_ok(&viewer, &posted) {
            return refused_token(&viewer);
        }
        let ids: Vec<String> = posted.iter().filter(|(k, _)| k == "case").map(|(_, v)| v.clone()).collect();
        let due_text = posted.iter().find(|(k, _)| k == "due").map(|(_, v)| v.trim().to_string()).unwrap_or_default();
        if let Some((k, _)) = posted.iter().find(|(k, _)| !matches!(k.as_str(), "case" | "due" | "token" | "reissue")) {
            let errors = vec![format!("表单中有不认识的项「{k}」，未受理")];
            return documents_page(app, &viewer, &session, None, None, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
        if ids.is_empty() {
            let errors = vec!["请勾选要督办的案件".to_string()];
            return documents_page(app, &viewer, &session, None, None, errors, StatusCode::UNPROCESSABLE_ENTITY);
        }
        let due = if due_text.is_empty() {
            None
        } else {
            let field = crate::model::field::field("due", false, crate::model::field::Ty::Date, "督办期限");
            match record::typed_value(&field, &due_text) {
                Ok(crate::edit::FieldValue::Date(d)) => Some(d),
                Ok(_) | Err(_) => {
                    let why = "督办期限请写作 2026-06-20 的形式".to_string();
                    return documents_page(
                        app,
                        &viewer,
                        &session,
                        None,
                        Some(why),
                        Vec::new(),
                        StatusCode::UNPROCESSABLE_ENTITY,
                    );
                }
            }
        };
        let root = session.root_dir().to_path_buf();
        let as_of = app.as_of;
        let request = crate::command::documents::Render {
            kind: crate::model::DocKind::Supervision,
            meeting: None,
            cases: ids,
            due,
            from: None,
            to: None,
            period: None,
            dept: None,
            formats: vec![crate::render::Format::Pdf, crate::render::Format::Docx],
            as_of,
            issue: true,
            reissue: posted.iter().any(|(k, v)| k == "reissue" && !v.is_empty()),
            out: None,
            signed: Some(viewer.signature(EventType::Supervised.key())),
        };
        // Documents are made on a session of their own (the whole ledger, contacts for none of them).
        let mut session = session;
        let outcome = crate::command::documents::render(&root, request, &|_| {});
        if session.stale() {
            let _ = session.refresh();
        }
        app.committed(&session);
        match outcome {
            Ok(r) => {
                let text = match &r.generated {
                    Some(g) if g.withheld => "公文生成出错，未发文、未取号".to_string(),
                    Some(g) => {
                        let numbers: Vec<&str> = g.named.iter().map(|(d, _)| d.number.as_str()).collect();
                        format!("已发督办通知 {}，记入 {}", numbers.join("、"), g.recorded.join("、"))
                    }
                    None => "没有需要发的督办通知".to_string(),
                };
                documents_page(app, &viewer, &session, Some(("ok", text)), None, Vec::new(), StatusCode::OK)
            }
            Err(f) => {
                let errors = vec![failure_text(&f)];
                documents_page(app, &viewer, &session, None, None, errors, StatusCode::UNPROCESSABLE_ENTITY)
            }
        }
    })
    .await
}
