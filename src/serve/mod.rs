//! `qinqing serve`: the office, the departments and leaders on the same
//! repository from a browser. A front end like the command line: every page
//! reads the session's ledger, every form becomes a request of the command
//! stage (`command::record`, `command::documents`), and each accepted write is
//! a commit whose author is the account and whose trailers `qinqing audit`
//! checks in CI. Who may see and record what is `model::role`'s table, read
//! here for each page and form.
//!
//! axum on tokio serves; the ledger work (reading, judging, writing, git) runs
//! on blocking threads (`App::blocking`). Pages are Tera templates with
//! autoescape, no script at all, and a Content-Security-Policy that allows
//! nothing from elsewhere.

mod app;
mod auth;
mod commits;
mod enterprise;
mod forms;
mod guard;
mod pages;
mod submissions;
mod view;
mod write;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;

pub(crate) use app::App;

/// How to serve.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Where the repository is (found from here up).
    pub(crate) repo: PathBuf,
    /// The address to listen on.
    pub(crate) listen: SocketAddr,
    /// The state folder (accounts), when not the repository's `.qinqing-private/`.
    pub(crate) state: Option<PathBuf>,
    /// The date the pages look at, when not today (tests, a demonstration).
    pub(crate) as_of: Option<NaiveDate>,
    /// Behind a TLS reverse proxy: cookies are `Secure`, the client's address is `X-Forwarded-For`'s.
    pub(crate) behind_proxy: bool,
}

/// The largest request body taken (a form; a 10 MB paste is refused before it is read).
pub(crate) const BODY_LIMIT: usize = 256 * 1024;

/// Serves until interrupted; `ready` is told the address once it listens.
pub(crate) fn run(options: Options, ready: impl FnOnce(SocketAddr)) -> Result<()> {
    let app = Arc::new(App::open(&options)?);
    if !options.listen.ip().is_loopback() && !app.has_accounts() {
        bail!(
            "只有本机地址（127.0.0.1）可以在没有账号时监听：{} 会让网络上的任何人看到案件库。先用 qinqing user add 建账号",
            options.listen
        );
    }
    // A few threads for the ledger work: pages take milliseconds, and each thread that ever ran one keeps
    // its allocator's memory (tokio would start up to 512).
    let runtime = tokio::runtime::Builder::new_multi_thread().max_blocking_threads(8).enable_all().build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .with_context(|| format!("无法监听 {}", options.listen))?;
        ready(listener.local_addr()?);
        tokio::spawn(app::follow_outside_changes(app.clone()));
        let service = router(app).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}

fn router(app: Arc<App>) -> Router {
    // The public form reads a larger body, so that a text far too long is refused at its field.
    let submit = Router::new()
        .route("/submit", get(submissions::form).post(submissions::submit))
        .layer(axum::extract::DefaultBodyLimit::max(submissions::BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(submissions::BODY_LIMIT));
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/welcome/{token}", get(auth::welcome_page).post(auth::welcome_set))
        .route("/cases", get(pages::cases))
        .route("/cases/{id}", get(pages::case))
        .route("/cases/{id}/{step}", post(write::record))
        .route("/meetings/{id}", get(pages::meeting))
        .route("/meetings/{id}/assign", post(write::assign))
        .route("/documents", get(pages::documents))
        .route("/documents/{kind}", post(write::document))
        .route("/documents/files/{kind}/{name}", get(pages::document_file))
        .route("/r/{code}", get(enterprise::page))
        .route("/r/{code}/rate", post(enterprise::rate))
        .route("/r/{code}/answer", post(enterprise::answer))
        .route("/submissions", get(submissions::list))
        .route("/submissions/{id}", get(submissions::show))
        .route("/submissions/{id}/{what}", post(submissions::decide))
        .route("/style.css", get(pages::style))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(submit)
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(guard::same_origin))
        .layer(guard::always("content-security-policy", guard::CSP))
        .layer(guard::always("x-content-type-options", "nosniff"))
        .layer(guard::always("referrer-policy", "same-origin"))
        .layer(guard::always("x-frame-options", "DENY"))
        .with_state(app)
}
