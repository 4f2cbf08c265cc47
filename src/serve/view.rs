//! Pages: Tera templates, compiled into the binary, with autoescape (every
//! user text is data); a page's context is built by `pages` and `write`.

use std::sync::OnceLock;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::auth::Viewer;
use crate::model::Named;

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("message.html", include_str!("templates/message.html")),
    ("login.html", include_str!("templates/login.html")),
    ("welcome.html", include_str!("templates/welcome.html")),
    ("home.html", include_str!("templates/home.html")),
    ("cases.html", include_str!("templates/cases.html")),
    ("case.html", include_str!("templates/case.html")),
    ("form.html", include_str!("templates/form.html")),
    ("meeting.html", include_str!("templates/meeting.html")),
    ("documents.html", include_str!("templates/documents.html")),
    ("enterprise.html", include_str!("templates/enterprise.html")),
    ("submit.html", include_str!("templates/submit.html")),
    ("submitted.html", include_str!("templates/submitted.html")),
    ("submissions.html", include_str!("templates/submissions.html")),
    ("submission.html", include_str!("templates/submission.html")),
];

/// The style sheet (served from `/style.css`: the policy allows no inline style).
pub(crate) const STYLE: &str = include_str!("templates/style.css");

/// The compiled templates, or why they do not compile.
fn tera() -> Result<&'static tera::Tera, &'static str> {
    static TERA: OnceLock<Result<tera::Tera, String>> = OnceLock::new();
    TERA.get_or_init(|| {
        let mut t = tera::Tera::default();
        t.add_raw_templates(TEMPLATES.iter().copied()).map_err(|e| chain(&e))?;
        t.autoescape_on(vec![".html"]);
        Ok(t)
    })
    .as_ref()
    .map_err(String::as_str)
}

/// Compiles the templates at start, so a broken one stops the server before it listens.
pub(crate) fn templates() -> anyhow::Result<()> {
    tera().map(|_| ()).map_err(|e| anyhow::anyhow!("页面模板有误：{e}"))
}

fn chain(e: &tera::Error) -> String {
    let mut why = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        why = format!("{why}: {s}");
        source = s.source();
    }
    why
}

/// What every page's header needs about the viewer.
pub(crate) fn viewer(v: &Viewer) -> Value {
    let label = match &v.department {
        Some(d) => format!("{d} · {}", v.name),
        None => format!("{} · {}", v.role.zh(), v.name),
    };
    json!({ "name": v.name, "role": v.role.key(), "label": label, "token": v.form_token })
}

/// A page from a template and its context.
pub(crate) fn render(status: StatusCode, template: &str, context: Value) -> Response {
    let ctx = tera::Context::from_value(context).unwrap_or_default();
    match tera().map_err(str::to_string).and_then(|t| t.render(template, &ctx).map_err(|e| chain(&e))) {
        Ok(html) => (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        Err(why) => {
            eprintln!("qinqing serve：页面生成失败：{why}");
            (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "页面生成失败")
                .into_response()
        }
    }
}

/// A page that only says something (an error, a refusal).
pub(crate) fn page(status: StatusCode, title: &str, message: &str) -> Response {
    render(status, "message.html", json!({ "title": title, "message": message }))
}

/// A page that says something, with the viewer's header.
pub(crate) fn page_for(v: &Viewer, status: StatusCode, title: &str, message: &str) -> Response {
    render(status, "message.html", json!({ "title": title, "message": message, "viewer": viewer(v) }))
}

/// The login page, with what went wrong.
pub(crate) fn login(status: StatusCode, user: &str, error: Option<String>) -> Response {
    render(status, "login.html", json!({ "title": "登录", "user": user, "error": error }))
}

/// Not found: the same page whether the thing does not exist or the viewer may not see it.
pub(crate) fn not_found(v: Option<&Viewer>) -> Response {
    let message = "找不到这个页面：地址有误，或者您无权查看。";
    match v {
        Some(v) => page_for(v, StatusCode::NOT_FOUND, "找不到", message),
        None => page(StatusCode::NOT_FOUND, "找不到", message),
    }
}

/// A date in Chinese with the days left or past, for a clock.
pub(crate) fn days_left(due: chrono::NaiveDate, today: chrono::NaiveDate) -> String {
    let d = (due - today).num_days();
    match d {
        0 => "今天到期".to_string(),
        d if d > 0 => format!("还剩 {d} 天"),
        d => format!("超期 {} 天", -d),
    }
}
