//! The pages a viewer reads: each role's start page, the case list with
//! `list`'s filters, a case with its forms, a meeting, the documents. A case a
//! department neither leads nor co-handles is not there for it: not listed,
//! not counted, and its page is the same "not found" as a case that does not exist.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};

use super::auth::Viewer;
use super::view::{self, days_left, render};
use super::{forms, App};
use crate::check::{exists, ClockStatus, Snapshot};
use crate::command::list::Filter;
use crate::command::{Refusal, Session};
use crate::model::role::{Role, Standing};
use crate::model::{Case, EventType, Named, Status};

/// The indexes of the cases the viewer sees that exist as of the date, by id.
fn visible(viewer: &Viewer, session: &Session, today: NaiveDate) -> Vec<usize> {
    let ledger = session.ledger();
    (0..ledger.cases.len())
        .filter(|&i| exists(&ledger.cases[i], today) && viewer.standing(&ledger.cases[i]) != Standing::None)
        .collect()
}

/// A case as a list row: what the viewer may read of it.
fn row(app: &App, viewer: &Viewer, session: &Session, case: &Case, today: NaiveDate) -> Value {
    let (title, enterprise) = shown_texts(app, viewer, session, case);
    let status = case.status_as_of(today);
    json!({
        "id": case.id.value, "title": title, "enterprise": enterprise, "status": status.zh(),
        "lead": case.lead_as_of(today).unwrap_or("—"),
    })
}

/// The title and the enterprise's name as the viewer may read them (a leader's are masked as published).
fn shown_texts(app: &App, viewer: &Viewer, session: &Session, case: &Case) -> (String, String) {
    let enterprise = case.enterprise.as_ref().map(|e| e.name.clone()).unwrap_or_default();
    if viewer.sees_contacts() {
        (case.title.clone(), enterprise)
    } else {
        let r = app.redactor(session);
        (r.text(&case.title), r.text(&enterprise))
    }
}

/// The viewer's start page.
pub(crate) async fn home(State(app): State<Arc<App>>, viewer: Viewer) -> Response {
    let role = viewer.role;
    let page = move |app: &App| {
        let session = app.read();
        let today = app.today(&session);
        match viewer.role {
            Role::Department => department_home(app, &viewer, &session, today),
            Role::Office => office_home(app, &viewer, &session, today),
            Role::Leader => leader_home(app, &viewer, &session, today),
            // No login has this role (the login refuses it): nothing of the office's side is there for it.
            Role::Enterprise | Role::Public => view::not_found(Some(&viewer)),
        }
    };
    match role {
        // A department looks at its own cases; the office and leaders at every case's clocks.
        Role::Department | Role::Enterprise | Role::Public => app.blocking(page).await,
        Role::Office | Role::Leader => app.whole(page).await,
    }
}

/// A list of cases on a start page.
struct Group {
    key: &'static str,
    title: &'static str,
    empty: &'static str,
    rows: Vec<Value>,
}

impl Group {
    fn new(key: &'static str, title: &'static str, empty: &'static str) -> Group {
        Group { key, title, empty, rows: Vec::new() }
    }

    fn json(self) -> Value {
        json!({ "key": self.key, "title": self.title, "empty": self.empty, "rows": self.rows })
    }
}

/// A row with the clock that matters: its due date and the days left.
fn clock_row(
    app: &App,
    viewer: &Viewer,
    session: &Session,
    case: &Case,
    clock: Option<&crate::check::Clock>,
    today: NaiveDate,
) -> Value {
    let mut r = row(app, viewer, session, case, today);
    if let Some(c) = clock {
        r["due"] = json!(c.due.to_string());
        r["clock"] = json!(c.rule.title);
        r["left"] = json!(days_left(c.due, today));
        r["tone"] = json!(match c.status {
            ClockStatus::Overdue => "bad",
            ClockStatus::DueSoon => "soon",
            _ => "",
        });
    }
    r
}

fn department_home(app: &App, viewer: &Viewer, session: &Session, today: NaiveDate) -> Response {
    let ledger = session.ledger();
    let own = viewer.department.as_deref();
    let mut to_sign = Group::new("to-sign", "待签收", "没有待签收的案件");
    let mut to_answer = Group::new("to-answer", "待答复", "没有待答复的案件");
    let mut overdue = Group::new("overdue", "已超期", "没有超期的案件");
    let mut soon = Group::new("due-soon", "即将到期", "近期没有到期的案件");
    let mut returned = Group::new("returned", "已退回，待重新交办", "没有退回的案件");
    let mut co = Group::new("co", "协办", "没有协办的案件");
    let ours = visible(viewer, session, today);
    let snapshot = ledger.some_as_of(&ours, today);
    for i in ours {
        let case = &ledger.cases[i];
        let mine: Vec<&crate::check::Clock> =
            snapshot.clocks_of(i).iter().filter(|c| c.status.is_running() && c.responsible == own).collect();
        let first = mine.iter().min_by_key(|c| c.due).copied();
        let r = || clock_row(app, viewer, session, case, first, today);
        let status = case.status_as_of(today);
        if status == Status::Returned {
            // Sent back by this department, waiting for the office to assign it again.
            let by_us = case.events_as_of(today).iter().rev().find(|e| e.kind == EventType::Returned);
            if by_us.is_some_and(|e| e.by.as_ref().map(|b| b.value.as_str()) == own) {
                returned.rows.push(r());
            }
        } else if case.lead_as_of(today) == own {
            if matches!(status, Status::Assigned | Status::Reopened) {
                let steps = forms::next_steps(viewer, case, today);
                if steps.contains(&EventType::Acknowledged) {
                    to_sign.rows.push(r());
                } else {
                    to_answer.rows.push(r());
                }
            }
            if mine.iter().any(|c| c.status == ClockStatus::Overdue) {
                overdue.rows.push(r());
            } else if mine.iter().any(|c| c.status == ClockStatus::DueSoon) {
                soon.rows.push(r());
            }
        } else if status != Status::Closed && forms::co_now(viewer, case, today) {
            co.rows.push(r());
        }
    }
    let groups: Vec<Value> = [to_sign, to_answer, overdue, soon, returned, co].into_iter().map(Group::json).collect();
    render(
        StatusCode::OK,
        "home.html",
        json!({
            "title": "待办", "heading": format!("{}的待办", own.unwrap_or_default()),
            "today": format!("{} 的情况", crate::text::date_cn(today)),
            "groups": groups, "viewer": view::viewer(viewer),
        }),
    )
}

fn office_home(app: &App, viewer: &Viewer, session: &Session, today: NaiveDate) -> Response {
    let groups = app.overview("office", today, || office_day(app, viewer, session, today));
    render(
        StatusCode::OK,
        "home.html",
        json!({
            "title": "今日", "heading": "今日工作",
            "today": format!("{} 的情况", crate::text::date_cn(today)),
            "groups": groups, "viewer": view::viewer(viewer),
        }),
    )
}

/// The office's day: what is due today, overdue, to supervise, to assign (the same for every office account).
fn office_day(app: &App, viewer: &Viewer, session: &Session, today: NaiveDate) -> Value {
    let ledger = session.ledger();
    let snapshot = ledger.as_of(today);
    let mut due_today = Group::new("due-today", "今天到期", "今天没有到期的时限");
    let mut overdue = Group::new("overdue", "已超期", "没有超期的时限");
    let mut notices = Group::new("notices-due", "应发督办", "没有需要督办的案件");
    let mut to_assign = Group::new("to-assign", "待交办", "没有待交办的案件");
    let mut extensions = Group::new("extension-requests", "延期申请", "没有待批的延期申请");
    for (i, case) in ledger.cases.iter().enumerate() {
        if !exists(case, today) {
            continue;
        }
        let clocks = snapshot.clocks_of(i);
        let worst = clocks.iter().filter(|c| c.status == ClockStatus::Overdue).min_by_key(|c| c.due);
        if let Some(c) = clocks.iter().find(|c| c.status.is_running() && c.due == today) {
            due_today.rows.push(clock_row(app, viewer, session, case, Some(c), today));
        }
        if let Some(c) = worst {
            overdue.rows.push(clock_row(app, viewer, session, case, Some(c), today));
        }
        let calling = clocks.iter().find(|c| c.notices.contains(&crate::model::rule::NoticeKind::Supervision));
        if let Some(c) = calling {
            notices.rows.push(clock_row(app, viewer, session, case, Some(c), today));
        }
        // A department asked for more time and no extension has come since: the office decides.
        let events = case.events_as_of(today);
        let asked = events.iter().rposition(|e| e.kind == EventType::ExtensionRequested);
        if asked.is_some_and(|a| !events[a..].iter().any(|e| e.kind == EventType::Extended)) {
            let c = clocks.iter().filter(|c| c.status.is_running()).min_by_key(|c| c.due);
            extensions.rows.push(clock_row(app, viewer, session, case, c, today));
        }
        if matches!(snapshot.state(i).status, Status::Received | Status::Returned) {
            let c = clocks.iter().filter(|c| c.status.is_running()).min_by_key(|c| c.due);
            to_assign.rows.push(clock_row(app, viewer, session, case, c, today));
        }
    }
    // Questions sent online, waiting for the office to accept or decline them.
    let mut submitted = Group::new("new-submissions", "网上提交待受理", "没有待受理的网上提交");
    submitted.rows = ledger.submissions.iter().filter(|s| s.waiting()).map(super::submissions::row).collect();
    Value::Array([due_today, overdue, notices, extensions, to_assign, submitted].into_iter().map(Group::json).collect())
}

fn leader_home(app: &App, viewer: &Viewer, session: &Session, today: NaiveDate) -> Response {
    let year = format!("{}", today.year());
    let period = match crate::report::period::resolve(Some(&year), None, None, Some(today), today) {
        Ok(p) => p,
        Err(e) => return view::page_for(viewer, StatusCode::INTERNAL_SERVER_ERROR, "无法统计", &format!("{e:#}")),
    };
    let made = app.overview("leader", today, || match crate::command::dashboard(session, &period) {
        Ok(d) => json!({ "figures": format!("{}<figure class=\"chart\">{}</figure><figure class=\"chart\">{}</figure>",
            d.figures_html, d.trend_svg.trim(), d.departments_svg.trim()) }),
        Err(f) => json!({ "error": failure_text(&f) }),
    });
    if let Some(why) = made["error"].as_str() {
        return view::page_for(viewer, StatusCode::CONFLICT, "暂不能统计", why);
    }
    render(
        StatusCode::OK,
        "home.html",
        json!({
            "title": "概况", "heading": format!("{}办理情况", period.label),
            "today": format!("数据截至{}", crate::text::date_cn(today)),
            "figures": made["figures"], "groups": [], "viewer": view::viewer(viewer),
        }),
    )
}

/// A failure in words, for a page.
pub(crate) fn failure_text(f: &crate::command::Failure) -> String {
    use crate::command::Failure;
    match f {
        Failure::Refused(Refusal::NotFound(n)) => n.to_string(),
        Failure::Refused(Refusal::Request { message, .. }) => message.clone(),
        Failure::Refused(Refusal::RepositoryErrors { doing, diagnostics }) => {
            format!("案件库有 {} 处错误，{doing}", diagnostics.len())
        }
        Failure::Refused(Refusal::Invalid { diagnostics, .. }) => {
            diagnostics.iter().map(|d| d.message.clone()).collect::<Vec<_>>().join("；")
        }
        Failure::Failed(e) => format!("{e:#}"),
    }
}

/// The case list's filters, as `list` takes them.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    dept: String,
    #[serde(default)]
    meeting: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    overdue: String,
}

fn given(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

pub(crate) async fn cases(State(app): State<Arc<App>>, viewer: Viewer, Query(q): Query<ListQuery>) -> Response {
    let whole = viewer.role != Role::Department;
    let page = move |app: &App| {
        let session = app.read();
        let today = app.today(&session);
        let ledger = session.ledger();
        let filter = Filter {
            status: given(&q.status),
            dept: given(&q.dept),
            overdue: !q.overdue.is_empty(),
            level: given(&q.level),
            meeting: given(&q.meeting),
        };
        // A department's list is its own cases (found once): the clocks of no other are looked at, and a
        // meeting of none of them is as unknown as one that does not exist (no hint drawn from the others).
        let ours = (!matches!(viewer.role, Role::Office | Role::Leader)).then(|| visible(&viewer, &session, today));
        // The meetings the viewer may pick: a department's are those of its own cases.
        let theirs: std::collections::HashSet<&str> = match &ours {
            Some(ours) => {
                ours.iter().filter_map(|&i| ledger.cases[i].meeting.as_ref().map(|m| m.value.as_str())).collect()
            }
            None => ledger.meetings.iter().map(|m| m.id.value.as_str()).collect(),
        };
        let selected = match filter.meeting.as_deref() {
            Some(m) if ours.is_some() && !theirs.contains(m) => {
                Err(Refusal::field("meeting", format!("找不到恳谈会「{m}」")))
            }
            _ => select(&session, ours.as_deref(), &filter, today),
        };
        let (rows, error) = match selected {
            Ok(indexes) => (indexes, None),
            Err(r) => (Vec::new(), Some(failure_text(&r.into()))),
        };
        let rows: Vec<Value> = rows
            .into_iter()
            .map(|(i, overdue, due)| {
                let mut r = row(app, &viewer, &session, &ledger.cases[i], today);
                r["overdue"] = json!(overdue);
                r["due"] = json!(due.map(|d| d.to_string()).unwrap_or_default());
                r
            })
            .collect();
        let statuses: Vec<Value> = Status::ALL.iter().map(|(_, k, zh)| json!({ "key": k, "zh": zh })).collect();
        let departments: Vec<&str> = match viewer.role {
            Role::Department => Vec::new(),
            _ => ledger.departments.iter().flatten().map(|d| d.name.as_str()).collect(),
        };
        let meetings: Vec<Value> = ledger
            .meetings
            .iter()
            .filter(|m| theirs.contains(m.id.value.as_str()))
            .map(|m| {
                let title =
                    if viewer.sees_contacts() { m.title.clone() } else { app.redactor(&session).text(&m.title) };
                json!({ "id": m.id.value, "title": title })
            })
            .collect();
        render(
            if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK },
            "cases.html",
            json!({
                "title": "案件", "rows": rows, "error": error, "statuses": statuses, "departments": departments,
                "meetings": meetings, "viewer": view::viewer(&viewer),
                "levels": ledger.settings.levels.iter().map(|(k, v)| json!({ "key": k, "label": v })).collect::<Vec<_>>(),
                "filter": { "status": q.status, "dept": q.dept, "meeting": q.meeting, "level": q.level, "overdue": !q.overdue.is_empty() },
            }),
        )
    };
    if whole {
        app.whole(page).await
    } else {
        app.blocking(page).await
    }
}

/// The cases a filter selects among those the viewer sees — `ours` for a department, every case
/// else: (index, overdue, next due date).
fn select(
    session: &Session,
    ours: Option<&[usize]>,
    filter: &Filter,
    today: NaiveDate,
) -> Result<Vec<(usize, bool, Option<NaiveDate>)>, Refusal> {
    let ledger = session.ledger();
    let one = |s: &Snapshot, i: usize| {
        let st = s.state(i);
        (i, st.overdue, st.next_due)
    };
    match ours {
        // The clocks of its own cases only; the same filters `list` applies, then only those cases.
        Some(ours) => {
            let s = ledger.some_as_of(ours, today);
            let ours: std::collections::HashSet<usize> = ours.iter().copied().collect();
            Ok(filter.select(&s)?.into_iter().filter(|i| ours.contains(i)).map(|i| one(&s, i)).collect())
        }
        None => {
            let s = ledger.as_of(today);
            Ok(filter.select(&s)?.into_iter().map(|i| one(&s, i)).collect())
        }
    }
}

/// The case a viewer asked for, if it may see it: else not found, the same either way.
pub(crate) fn case_for<'s>(viewer: &Viewer, session: &'s Session, id: &str) -> Option<(usize, &'s Case)> {
    let ledger = session.ledger();
    let i = ledger.position(id)?;
    let case = &ledger.cases[i];
    (viewer.standing(case) != Standing::None).then_some((i, case))
}

/// `?done=STEP` after a step was recorded: the page says so.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Done {
    #[serde(default)]
    done: String,
}

pub(crate) async fn case(
    State(app): State<Arc<App>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    app.blocking(move |app| {
        let session = app.read();
        let recorded = EventType::by_command(&done.done).map(|k| ("ok", format!("已记录「{}」并提交。", k.zh())));
        case_page(app, &viewer, &session, &id, CaseView { banner: recorded, ..CaseView::default() })
    })
    .await
}

/// What a case page shows besides the case: a note at the top, a refused form's values and errors.
#[derive(Debug, Default)]
pub(crate) struct CaseView {
    pub(crate) status: Option<StatusCode>,
    pub(crate) banner: Option<(&'static str, String)>,
    pub(crate) step: Option<EventType>,
    pub(crate) posted: HashMap<String, String>,
    pub(crate) errors: HashMap<String, String>,
    pub(crate) preview: Option<Value>,
}

/// A case page as the viewer may see it, with the forms of its next steps.
pub(crate) fn case_page(app: &App, viewer: &Viewer, session: &Session, id: &str, v: CaseView) -> Response {
    let Some((index, found)) = case_for(viewer, session, id) else { return view::not_found(Some(viewer)) };
    let today = app.today(session);
    let Ok((Some(mut case), bytes)) = session.full_case_and_bytes(found) else {
        return view::page_for(viewer, StatusCode::CONFLICT, "无法读取", "案件文件已无法读取，请联系营商办。");
    };
    if !viewer.sees_contacts() {
        crate::check::published_case(&mut case, &app.redactor(session));
    }
    let version = version(&bytes);
    let snapshot = session.ledger().one_case_as_of(index, today);
    let clocks: Vec<Value> = snapshot
        .clocks_of(index)
        .iter()
        .filter(|c| c.status != ClockStatus::Superseded)
        .map(|c| {
            json!({
                "rule": c.rule.title, "responsible": c.responsible.unwrap_or("—"), "due": c.due.to_string(),
                "status": c.status.zh(), "key": c.status.key(),
                "left": if c.status.is_running() { days_left(c.due, today) } else { String::new() },
            })
        })
        .collect();
    let timeline: Vec<Value> = case
        .events_as_of(today)
        .iter()
        .map(
            |e| json!({ "date": e.date.to_string(), "kind": e.kind.zh(), "reading": e.reading_text(), "text": e.text }),
        )
        .collect();
    let forms: Vec<Value> = forms::next_steps(viewer, found, today)
        .into_iter()
        .map(|kind| {
            let mine = v.step == Some(kind);
            let empty = HashMap::new();
            let (posted, errors) = if mine { (&v.posted, &v.errors) } else { (&empty, &empty) };
            let mut f =
                forms::form(session.ledger(), viewer, found, kind, today, &version, forms::Filled { posted, errors });
            if mine {
                f["preview"] = v.preview.clone().unwrap_or(Value::Null);
            }
            f
        })
        .collect();
    let enterprise = case.enterprise.as_ref();
    // A leader sees no contact at all (not even masked); the office and the departments call back.
    let contact = enterprise
        .filter(|_| viewer.sees_contacts())
        .map(|e| [e.contact.as_deref(), e.phone.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" "))
        .filter(|c| !c.is_empty());
    let co: Vec<String> = case
        .events_as_of(today)
        .iter()
        .rev()
        .find(|e| e.kind.spec().sets_lead())
        .map(|e| e.co.iter().map(|c| c.value.clone()).collect())
        .unwrap_or_default();
    let status = case.status_as_of(today);
    render(
        v.status.unwrap_or(StatusCode::OK),
        "case.html",
        json!({
            "title": case.id.value,
            "banner": v.banner.map(|(tone, text)| {
                let form = v.step.filter(|_| tone != "ok").and_then(|k| k.spec().recording).map(|r| r.command);
                json!({ "tone": tone, "text": text, "form": form })
            }),
            "case": {
                "id": case.id.value, "title": case.title, "status": status.zh(), "status_key": status.key(),
                "lead": case.lead_as_of(today), "co": co.join("、"),
                "enterprise": enterprise.map(|e| e.name.as_str()).unwrap_or("—"),
                "contact": contact, "received": case.received.as_ref().map(|r| r.value.to_string()),
                "meeting": case.meeting.as_ref().map(|m| m.value.as_str()), "description": case.description,
            },
            "clocks": clocks, "timeline": timeline, "forms": forms, "viewer": view::viewer(viewer),
        }),
    )
}

/// What a case's file is now, in short: a form carries it, and a post on a case changed since is refused.
pub(crate) fn version_of(session: &Session, case: &Case) -> String {
    version(&session.scope().read(&session.root_dir().join(&case.file)).unwrap_or_default())
}

/// A file's version, from its bytes.
fn version(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `?assigned=ID,ID` after a meeting's cases were assigned: the page says so.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Assigned {
    #[serde(default)]
    assigned: String,
}

pub(crate) async fn meeting(
    State(app): State<Arc<App>>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(done): Query<Assigned>,
) -> Response {
    app.blocking(move |app| {
        let session = app.read();
        // Only the ids this meeting has are repeated on the page.
        let ids: Vec<&str> = done
            .assigned
            .split(',')
            .filter(|c| {
                case_for(&viewer, &session, c).is_some_and(|(_, x)| x.meeting.as_ref().is_some_and(|m| m.value == id))
            })
            .collect();
        let banner = (!ids.is_empty()).then(|| ("ok", format!("已交办 {} 件：{}", ids.len(), ids.join("、"))));
        meeting_page(app, &viewer, &session, &id, banner, HashMap::new(), HashMap::new(), StatusCode::OK)
    })
    .await
}

/// A meeting's problems (those the viewer sees); the office assigns several at once.
#[allow(clippy::too_many_arguments)]
pub(crate) fn meeting_page(
    app: &App,
    viewer: &Viewer,
    session: &Session,
    id: &str,
    banner: Option<(&'static str, String)>,
    posted: HashMap<String, String>,
    errors: HashMap<String, String>,
    status: StatusCode,
) -> Response {
    let ledger = session.ledger();
    let Some(meeting) = ledger.meeting(id) else { return view::not_found(Some(viewer)) };
    let today = app.today(session);
    // A department knows a meeting through its cases: one with none of them is not there for it.
    let ours = visible(viewer, session, today);
    if viewer.role == Role::Department
        && !ours.iter().any(|&i| ledger.cases[i].meeting.as_ref().is_some_and(|m| m.value == id))
    {
        return view::not_found(Some(viewer));
    }
    let checked: Vec<&str> = posted.get("case").map(|c| c.split('\n').collect()).unwrap_or_default();
    let rows: Vec<Value> = ours
        .into_iter()
        .map(|i| &ledger.cases[i])
        .filter(|c| c.meeting.as_ref().is_some_and(|m| m.value == id))
        .map(|c| {
            let mut r = row(app, viewer, session, c, today);
            let status = c.status_as_of(today);
            r["assignable"] = json!(matches!(status, Status::Received | Status::Returned));
            r["checked"] = json!(checked.contains(&c.id.value.as_str()));
            if c.lead_as_of(today).is_none() {
                r["lead"] = json!(c.proposed.as_ref().map(|p| format!("（拟）{}", p.lead.value)).unwrap_or_default());
            }
            r
        })
        .collect();
    let assign = (viewer.role == Role::Office).then(|| {
        let spec = EventType::Assigned.spec();
        let mut fields = vec![json!({ "name": "date", "label": "交办日期", "input": "date",
            "value": posted.get("date").cloned().unwrap_or_else(|| today.to_string()), "error": errors.get("date") })];
        for f in spec.fields.iter().filter(|f| !matches!(f.name, "date" | "event")) {
            let (input, options) = forms::input_of(ledger, f);
            fields.push(json!({ "name": f.name, "label": f.doc, "input": input, "options": options,
                "value": posted.get(f.name).cloned().unwrap_or_default(), "error": errors.get(f.name),
                "hint": if f.ty.is_list() { Some("多个用逗号分开") } else { None } }));
        }
        let shown: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
        let general: Vec<&String> =
            errors.iter().filter(|(k, _)| !shown.contains(&k.as_str())).map(|(_, v)| v).collect();
        json!({ "fields": fields, "errors": general })
    });
    let title = if viewer.sees_contacts() { meeting.title.clone() } else { app.redactor(session).text(&meeting.title) };
    render(
        status,
        "meeting.html",
        json!({
            "title": title, "banner": banner.map(|(tone, text)| json!({ "tone": tone, "text": text })),
            "meeting": { "id": meeting.id.value, "title": title, "date": meeting.date.map(|d| d.to_string()) },
            "rows": rows, "assign": assign, "viewer": view::viewer(viewer),
        }),
    )
}

pub(crate) async fn documents(State(app): State<Arc<App>>, viewer: Viewer) -> Response {
    if viewer.role != Role::Office {
        return view::page_for(&viewer, StatusCode::FORBIDDEN, "无权查看", "公文由营商办发出。");
    }
    app.whole(move |app| {
        let session = app.read();
        documents_page(app, &viewer, &session, DocsView::default())
    })
    .await
}

/// What the documents page shows besides the documents: what was done, what was wrong and where.
#[derive(Debug, Default)]
pub(crate) struct DocsView {
    pub(crate) status: Option<StatusCode>,
    pub(crate) banner: Option<(&'static str, String)>,
    /// The form a refusal is about (`supervision`, `bulletin`), and its field.
    pub(crate) form: Option<&'static str>,
    pub(crate) field: Option<String>,
    pub(crate) errors: Vec<String>,
    /// The cases a refused form had ticked, ticked again.
    pub(crate) ticked: Vec<String>,
}

/// The office's documents: cases to supervise, the period's bulletin, drafts, and the register with the files to download.
pub(crate) fn documents_page(app: &App, viewer: &Viewer, session: &Session, v: DocsView) -> Response {
    let ledger = session.ledger();
    let today = app.today(session);
    let snapshot = ledger.as_of(today);
    let mut overdue = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for c in snapshot.overdue() {
        if c.is_department_clock() && seen.insert(c.case_index) {
            let mut row = clock_row(app, viewer, session, c.case, Some(c), today);
            // Already supervised: a second notice replaces the first's deadline (tick 再发一份).
            let issued: Vec<String> = c
                .issued
                .iter()
                .filter(|(k, _)| *k == crate::model::rule::NoticeKind::Supervision)
                .filter_map(|(_, e)| c.case.timeline.get(*e).and_then(|e| e.doc().map(str::to_string)))
                .collect();
            row["checked"] = json!(v.ticked.contains(&c.case.id.value));
            if c.supervised() {
                row["supervised"] = json!(if issued.is_empty() {
                    "已督办".to_string()
                } else {
                    format!("已督办（{}）", issued.join("、"))
                });
            }
            overdue.push(row);
        }
    }
    let register = session.root_dir().join(crate::render::register::FILE);
    let entries = session
        .scope()
        .read(&register)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| crate::render::register::read(&t).ok())
        .unwrap_or_default();
    let link = |kind: crate::model::DocKind, name: &str| format!("/documents/files/{}/{}", kind.key(), name);
    let issued: Vec<Value> = entries
        .iter()
        .rev()
        .map(|e| {
            let kind = crate::model::DocKind::parse(&e.kind);
            let files: Vec<Value> = kind
                .map(|k| {
                    document_files(session, k)
                        .into_iter()
                        .filter(|n| n.starts_with(&e.number))
                        .map(|n| json!({ "href": link(k, &n), "label": format_of(&n) }))
                        .collect()
                })
                .unwrap_or_default();
            json!({
                "number": e.number, "date": e.date, "kind": kind.map(|k| k.zh()).unwrap_or(e.kind.as_str()),
                "to": e.to, "files": files,
            })
        })
        .collect();
    let drafts: Vec<Value> = [crate::model::DocKind::Supervision, crate::model::DocKind::Bulletin]
        .into_iter()
        .flat_map(|k| {
            document_files(session, k)
                .into_iter()
                .filter(|n| n.contains("草稿"))
                .map(move |n| json!({ "href": link(k, &n), "label": n, "kind": k.zh() }))
        })
        .collect();
    let error_of = |form: &str| if v.form == Some(form) { v.errors.clone() } else { Vec::new() };
    let field_error = |form: &str, field: &str| {
        (v.form == Some(form) && v.field.as_deref() == Some(field)).then(|| v.errors.join("；"))
    };
    render(
        v.status.unwrap_or(StatusCode::OK),
        "documents.html",
        json!({
            "title": "公文", "banner": v.banner.map(|(tone, text)| json!({ "tone": tone, "text": text })),
            "overdue": overdue, "issued": issued, "drafts": drafts,
            "supervision": { "errors": if field_error("supervision", "due").is_some() { Vec::new() } else { error_of("supervision") },
                             "due_error": field_error("supervision", "due") },
            "bulletin": { "errors": error_of("bulletin"), "period": today.format("%Y-%m").to_string() },
            "viewer": view::viewer(viewer),
        }),
    )
}

fn format_of(name: &str) -> String {
    name.rsplit('.').next().unwrap_or_default().to_uppercase()
}

/// The PDF and Word files of a kind under `output/KIND/` (issued and drafts): plain files only, by name.
fn document_files(session: &Session, kind: crate::model::DocKind) -> Vec<String> {
    let dir = session.root_dir().join("output").join(kind.key());
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".pdf") || n.ends_with(".docx"))
        .collect();
    out.sort();
    out.reverse();
    out
}

pub(crate) async fn document_file(
    State(app): State<Arc<App>>,
    viewer: Viewer,
    Path((kind, name)): Path<(String, String)>,
) -> Response {
    if viewer.role != Role::Office {
        return view::not_found(Some(&viewer));
    }
    app.blocking(move |app| {
        let session = app.read();
        let Some(kind) = crate::model::DocKind::parse(&kind) else { return view::not_found(Some(&viewer)) };
        // Only a file the documents page lists: a name with a path in it, a link, anything else is not found.
        let files = document_files(&session, kind);
        if !files.contains(&name) {
            return view::not_found(Some(&viewer));
        }
        let path = session.root_dir().join("output").join(kind.key()).join(&name);
        let Ok(bytes) = session.scope().read(&path) else { return view::not_found(Some(&viewer)) };
        let mime = if name.ends_with(".pdf") {
            "application/pdf"
        } else {
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        };
        let disposition = format!("attachment; filename*=UTF-8''{}", percent(&name));
        ([(header::CONTENT_TYPE, mime.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
    })
    .await
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], view::STYLE).into_response()
}

pub(crate) async fn not_found(viewer: Result<Viewer, super::auth::NoLogin>) -> Response {
    view::not_found(viewer.ok().as_ref())
}
