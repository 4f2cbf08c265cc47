//! Logging in and out, and who a request is from. A login is a random token
//! kept in memory (a restart logs everyone out; nothing of it in git or on
//! disk), sent as an HttpOnly, SameSite=Strict cookie; each login also has a
//! form token every form carries. Failed logins are counted per address and
//! refused for a while after a few; an unknown name and a wrong password get
//! the same answer in the same time (`accounts::verify`).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use rand_core::{OsRng, RngCore};

use super::view::page;
use super::App;
use crate::command::accounts::{self, Account};
use crate::git::Signature;
use crate::model::role::{Role, Standing};
use crate::model::{Case, Named};

const COOKIE: &str = "qinqing_session";
/// A login lasts this long without use…
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// …and never longer than this.
const LONGEST: Duration = Duration::from_secs(24 * 3600);
/// Failed logins from one address counted over this window…
const WINDOW: Duration = Duration::from_secs(10 * 60);
/// …of which this many stop the next attempts until the window has passed.
const ALLOWED_FAILURES: usize = 5;

/// One logged-in account.
#[derive(Debug, Clone)]
pub(crate) struct Login {
    pub(crate) account: Account,
    pub(crate) role: Role,
    /// The token every form of this login carries.
    pub(crate) form_token: String,
    started: Instant,
    last: Instant,
}

/// Who a request comes from: a logged-in account.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    pub(crate) name: String,
    pub(crate) role: Role,
    pub(crate) department: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) form_token: String,
}

impl Viewer {
    /// How the viewer stands to a case (for a department, `None` means it does not exist).
    pub(crate) fn standing(&self, case: &Case) -> Standing {
        match self.role {
            // An enterprise stands to a case through its code, never through a login (which refuses it).
            Role::Enterprise => Standing::None,
            role => role.standing(self.department.as_deref(), case),
        }
    }

    /// Whether the viewer sees contacts and phones (a leader does not).
    pub(crate) fn sees_contacts(&self) -> bool {
        matches!(self.role, Role::Office | Role::Department)
    }

    /// Who the viewer is in a commit: 市交通运输局/王某 for a department, the name for others.
    pub(crate) fn actor(&self) -> String {
        match &self.department {
            Some(d) => format!("{d}/{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The commit's author and trailers for a step of this kind.
    pub(crate) fn signature(&self, event: &str) -> Signature {
        Signature {
            name: self.name.clone(),
            email: self.email.clone().unwrap_or_default(),
            trailers: vec![
                ("Qinqing-Actor", self.actor()),
                ("Qinqing-Role", self.role.key().to_string()),
                ("Qinqing-Event", event.to_string()),
            ],
        }
    }
}

/// Why a request has no viewer.
pub(crate) enum NoLogin {
    /// A page: go and log in.
    ToLogin,
    /// A form: refused.
    Refused,
}

impl IntoResponse for NoLogin {
    fn into_response(self) -> Response {
        match self {
            NoLogin::ToLogin => Redirect::to("/login").into_response(),
            NoLogin::Refused => {
                page(StatusCode::FORBIDDEN, "未登录", "请先登录；登录已过期或已退出的，请重新登录后再提交。")
            }
        }
    }
}

impl FromRequestParts<Arc<App>> for Viewer {
    type Rejection = NoLogin;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Viewer, NoLogin> {
        let refused = if parts.method == Method::GET || parts.method == Method::HEAD {
            NoLogin::ToLogin
        } else {
            NoLogin::Refused
        };
        let Some(token) = cookie(&parts.headers) else { return Err(refused) };
        let mut logins = app.logins.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let Some(login) = logins.get_mut(&token) else { return Err(refused) };
        if now.duration_since(login.last) > IDLE || now.duration_since(login.started) > LONGEST {
            logins.remove(&token);
            return Err(refused);
        }
        // Disabled, or its password reset, since it logged in: the login ends now.
        if !accounts::still_opens(&app.state_dir, &login.account) {
            logins.remove(&token);
            return Err(refused);
        }
        login.last = now;
        Ok(Viewer {
            name: login.account.name.clone(),
            role: login.role,
            department: login.account.department.clone(),
            email: login.account.email.clone(),
            form_token: login.form_token.clone(),
        })
    }
}

/// The session token the request's cookie carries.
fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| kv.trim().strip_prefix(COOKIE)?.strip_prefix('=').map(str::to_string))
        .filter(|t| !t.is_empty())
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The address a request comes from: the connection's, or behind a proxy the one it forwarded.
pub(crate) fn client(app: &App, peer: SocketAddr, headers: &HeaderMap) -> IpAddr {
    if app.behind_proxy {
        let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        if let Some(ip) = forwarded.and_then(|v| v.rsplit(',').next()).and_then(|v| v.trim().parse().ok()) {
            return ip;
        }
    }
    peer.ip()
}

pub(crate) async fn login_page() -> Response {
    super::view::login(StatusCode::OK, "", None)
}

#[derive(serde::Deserialize)]
pub(crate) struct Credentials {
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(c): Form<Credentials>,
) -> Response {
    let ip = client(&app, peer, &headers);
    let now = Instant::now();
    let name = c.user.trim().to_string();
    {
        // Counted per address and name (colleagues behind one address do not lock each other out), and
        // per address over every name (guessing many names is slowed down too).
        let mut failures = app.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        failures.retain(|_, times| {
            times.retain(|t| now.duration_since(*t) < WINDOW);
            !times.is_empty()
        });
        let mine = failures.get(&(ip, name.clone())).map(Vec::as_slice).unwrap_or_default();
        let all: Vec<Instant> =
            failures.iter().filter(|((a, _), _)| *a == ip).flat_map(|(_, t)| t.iter().copied()).collect();
        let first = match (mine.len() >= ALLOWED_FAILURES, all.len() >= ALLOWED_FAILURES * 10) {
            (true, _) => mine.first().copied(),
            (false, true) => all.iter().min().copied(),
            (false, false) => None,
        };
        if let Some(first) = first {
            let wait = WINDOW.saturating_sub(now.duration_since(first)).as_secs().div_ceil(60);
            return super::view::login(
                StatusCode::TOO_MANY_REQUESTS,
                &c.user,
                Some(format!("登录失败次数过多，请 {wait} 分钟后再试")),
            );
        }
    }
    if c.user.trim().is_empty() || c.password.is_empty() {
        return super::view::login(StatusCode::UNPROCESSABLE_ENTITY, &c.user, Some("请填写账号和密码".to_string()));
    }
    let user = c.user.clone();
    let state = app.state_dir.clone();
    let permit = app.hashing.acquire().await;
    let hashing = app.clone();
    let verified =
        tokio::task::spawn_blocking(move || hashing.hashers.install(|| accounts::verify(&state, &c.user, &c.password)))
            .await;
    drop(permit);
    // Only a role that has accounts logs in (an account file edited by hand to say "enterprise" does not).
    let opened = verified.ok().flatten().and_then(|a| a.role().filter(|r| r.has_accounts()).map(|r| (a, r)));
    let Some((account, role)) = opened else {
        app.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).entry((ip, name)).or_default().push(now);
        return super::view::login(StatusCode::UNAUTHORIZED, &user, Some("账号或密码不对".to_string()));
    };
    app.failures.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&(ip, name));
    let token = random_token();
    {
        let mut logins = app.logins.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        logins.retain(|_, l| now.duration_since(l.last) <= IDLE && now.duration_since(l.started) <= LONGEST);
        logins.insert(token.clone(), Login { account, role, form_token: random_token(), started: now, last: now });
    }
    let secure = if app.behind_proxy { "; Secure" } else { "" };
    let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", LONGEST.as_secs());
    let mut response = Redirect::to("/").into_response();
    if let Ok(v) = cookie.parse() {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

pub(crate) async fn logout(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers) {
        app.logins.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&token);
    }
    let mut response = Redirect::to("/login").into_response();
    if let Ok(v) = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0").parse() {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// The page a one-time link opens: set the password (the link is the only proof who it is).
pub(crate) async fn welcome_page(State(app): State<Arc<App>>, Path(token): Path<String>) -> Response {
    let state = app.state_dir.clone();
    let found = tokio::task::spawn_blocking(move || accounts::awaiting(&state, &token).map(|a| (a, token))).await;
    match found.ok().flatten() {
        Some((a, token)) => welcome(StatusCode::OK, &a, &token, None),
        None => super::view::not_found(None),
    }
}

fn welcome(status: StatusCode, a: &Account, token: &str, error: Option<String>) -> Response {
    super::view::render(
        status,
        "welcome.html",
        serde_json::json!({ "title": "设置密码", "name": a.name, "dept": a.department, "token": token, "error": error }),
    )
}

#[derive(serde::Deserialize)]
pub(crate) struct NewPassword {
    #[serde(default)]
    password: String,
    #[serde(default)]
    again: String,
}

pub(crate) async fn welcome_set(
    State(app): State<Arc<App>>,
    Path(token): Path<String>,
    Form(p): Form<NewPassword>,
) -> Response {
    let state = app.state_dir.clone();
    let _permit = app.hashing.acquire().await;
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        let Some(account) = accounts::awaiting(&state, &token) else { return super::view::not_found(None) };
        if p.password != p.again {
            return welcome(StatusCode::UNPROCESSABLE_ENTITY, &account, &token, Some("两次输入的密码不一样".into()));
        }
        match app.hashers.install(|| accounts::redeem(&state, &token, &p.password)) {
            Ok(_) => super::view::page(StatusCode::OK, "密码已设置", "密码已设置，请用新密码登录。"),
            Err(f) => {
                let why = super::pages::failure_text(&f);
                welcome(StatusCode::UNPROCESSABLE_ENTITY, &account, &token, Some(why))
            }
        }
    })
    .await
    .unwrap_or_else(|_| super::view::page(StatusCode::INTERNAL_SERVER_ERROR, "内部错误", "请稍后再试"))
}
