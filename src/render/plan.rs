//! Which documents a kind produces for a selection, and the data of each.

use std::collections::{BTreeMap, HashMap};

use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};

use crate::check::{exists, ClockRow};
use crate::load::Repository;
use crate::model::{derive_status, Case, EventType, Named, ReportSettings};
use crate::render::document::{Chart, Charts};
use crate::render::{date_cn, DocKind};
use crate::report::figures::{self, Figures, Rate};
use crate::report::percent::{percent, with_counts};
use crate::report::{chart, ranking, trend};
use crate::rules::{ClockStatus, NoticeKind};

pub use crate::report::period::parse_period;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Cases of one meeting (assignment).
    pub meeting: Option<String>,
    /// One case (assignment).
    pub case: Option<String>,
    /// Start of a date range, inclusive.
    pub from: Option<NaiveDate>,
    /// End of a date range, inclusive.
    pub to: Option<NaiveDate>,
    /// Only this department.
    pub dept: Option<String>,
    /// A period label for bulletins, e.g. 2026年11月.
    pub period_label: Option<String>,
}

/// One document to write: who it goes to and its template context.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The addressee, for the file name and the register.
    pub recipient: String,
    /// The template context.
    pub context: Value,
    /// Charts the template may place.
    pub charts: Charts,
}

fn office(repo: &Repository) -> Value {
    json!({ "name": repo.settings.organization_name, "short": repo.settings.organization_short })
}

fn common(repo: &Repository, as_of: NaiveDate) -> Value {
    json!({ "office": office(repo), "as_of": as_of.to_string(), "as_of_cn": date_cn(as_of) })
}

fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// The documents of a kind for a selection, as of a date.
pub fn plan(
    repo: &Repository,
    clocks: &[ClockRow],
    kind: DocKind,
    sel: &Selection,
    as_of: NaiveDate,
) -> Result<Vec<Planned>> {
    let mut out = match kind {
        DocKind::Assignment => assignment(repo, clocks, sel, as_of)?,
        DocKind::Supervision => supervision(repo, clocks, as_of),
        DocKind::Bulletin => vec![bulletin(repo, clocks, sel, as_of)?],
    };
    if let Some(dept) = &sel.dept {
        out.retain(|p| &p.recipient == dept || kind == DocKind::Bulletin);
    }
    Ok(out)
}

fn assignment(repo: &Repository, clocks: &[ClockRow], sel: &Selection, as_of: NaiveDate) -> Result<Vec<Planned>> {
    if sel.meeting.is_none() && sel.case.is_none() && sel.from.is_none() && sel.to.is_none() {
        bail!("交办函需要指定范围：--meeting 会议编号、--case 案件编号，或 --from/--to 日期");
    }
    let meeting = match &sel.meeting {
        Some(id) => match repo.meetings.iter().find(|m| &m.id.value == id) {
            Some(m) => Some(m),
            None => bail!("找不到会议「{id}」"),
        },
        None => None,
    };
    if let Some(id) = &sel.case {
        if !repo.cases.iter().any(|c| &c.id.value == id) {
            bail!("找不到案件「{id}」");
        }
    }
    let chosen = repo.cases.iter().filter(|c| exists(c, as_of)).filter(|c| {
        let received = c.received.as_ref().map(|r| r.value);
        sel.meeting.as_ref().is_none_or(|m| c.meeting.as_ref().is_some_and(|x| &x.value == m))
            && sel.case.as_ref().is_none_or(|id| &c.id.value == id)
            && sel.from.is_none_or(|f| received.is_some_and(|r| r >= f))
            && sel.to.is_none_or(|t| received.is_some_and(|r| r <= t))
    });
    let mut by_lead: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    let mut co_all: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for case in chosen {
        let Some(assigned) = case.timeline.iter().rfind(|e| e.date <= as_of && e.kind == EventType::Assigned) else {
            continue;
        };
        let Some(lead) = assigned.lead.as_ref().map(|l| l.value.clone()) else { continue };
        let due = clocks
            .iter()
            .find(|k| {
                k.case == case.id.value
                    && k.line == assigned.pos.line
                    && k.status != ClockStatus::Superseded
                    && is_assignee(repo, k)
            })
            .map(|k| k.due)
            .or(assigned.due().map(|d| d.value));
        let co: Vec<String> = assigned.co.iter().map(|c| c.value.clone()).collect();
        co_all.entry(lead.clone()).or_default().extend(co.iter().cloned());
        by_lead.entry(lead).or_default().push(json!({
            "id": case.id.value, "title": case.title, "enterprise": enterprise(case),
            "description": case.description.trim(), "co": if co.is_empty() { "—".to_string() } else { co.join("、") },
            "due": due.map(|d| d.to_string()), "due_cn": due.map(date_cn).unwrap_or_else(|| "—".into()),
            "note": assigned.text, "assigned": assigned.date.to_string(),
        }));
    }
    let meeting_value = meeting
        .map(|m| json!({ "id": m.id.value, "title": m.title, "theme": m.theme, "date_cn": m.date.map(date_cn) }));
    Ok(by_lead
        .into_iter()
        .map(|(lead, cases)| {
            let mut cc = co_all.remove(&lead).unwrap_or_default();
            cc.sort();
            cc.dedup();
            let context = merge(
                common(repo, as_of),
                json!({ "department": lead, "cases": cases, "meeting": meeting_value, "cc": cc.join("、") }),
            );
            Planned { recipient: lead, context, charts: Charts::new() }
        })
        .collect())
}

fn is_assignee(repo: &Repository, clock: &ClockRow) -> bool {
    repo.is_department_rule(clock.rule)
}

fn enterprise(case: &Case) -> String {
    case.enterprise.as_ref().map(|e| e.name.clone()).unwrap_or_default()
}

/// Cases by id, built once per document kind (a bulletin may list thousands of clocks).
fn cases_by_id(repo: &Repository) -> HashMap<&str, &Case> {
    repo.cases.iter().map(|c| (c.id.value.as_str(), c)).collect()
}

fn supervision(repo: &Repository, clocks: &[ClockRow], as_of: NaiveDate) -> Vec<Planned> {
    let mut by_dept: BTreeMap<&str, Vec<&ClockRow>> = BTreeMap::new();
    for c in clocks.iter().filter(|c| c.status == ClockStatus::Overdue && c.notices.contains(&NoticeKind::Supervision))
    {
        if let (true, Some(dept)) = (is_assignee(repo, c), c.responsible) {
            by_dept.entry(dept).or_default().push(c);
        }
    }
    let new_due = repo.calendar.add_workdays(as_of, 5);
    let cases = cases_by_id(repo);
    by_dept
        .into_iter()
        .map(|(dept, mut items)| {
            items.sort_by(ClockRow::worst_first);
            let items: Vec<Value> = items
                .iter()
                .map(|c| {
                    let case = cases.get(c.case).copied();
                    json!({ "id": c.case, "title": case.map(|x| x.title.as_str()).unwrap_or_default(),
                            "enterprise": case.map(enterprise).unwrap_or_default(),
                            "rule": c.rule, "rule_title": c.rule_title, "start": c.start.to_string(),
                            "due": c.due.to_string(), "due_cn": date_cn(c.due), "days": c.days })
                })
                .collect();
            let context = merge(
                common(repo, as_of),
                json!({ "department": dept, "items": items, "new_due": new_due.to_string(), "new_due_cn": date_cn(new_due) }),
            );
            Planned { recipient: dept.to_string(), context, charts: Charts::new() }
        })
        .collect()
}

fn bulletin(repo: &Repository, clocks: &[ClockRow], sel: &Selection, as_of: NaiveDate) -> Result<Planned> {
    let (from, to) = match (sel.from, sel.to) {
        (Some(f), Some(t)) => (f, t),
        _ => bail!("通报需要指定期间：--period 2026-06，或 --from/--to"),
    };
    let label = sel.period_label.clone().unwrap_or_else(|| format!("{}年{}月", to.year(), to.month()));
    let report = figures::compute(repo, clocks, from, to, as_of);
    let settings = &repo.settings.report;
    let mut overdue: Vec<&ClockRow> =
        clocks.iter().filter(|c| c.status == ClockStatus::Overdue && is_assignee(repo, c)).collect();
    overdue.sort_by(ClockRow::worst_first);
    let cases = cases_by_id(repo);
    let mut departments: Vec<&str> = overdue.iter().filter_map(|c| c.responsible).collect();
    departments.sort();
    departments.dedup();
    let rows: Vec<Value> = overdue
        .iter()
        .map(|c| {
            let case = cases.get(c.case).copied();
            json!({ "department": c.responsible.unwrap_or("—"), "id": c.case,
                    "title": case.map(|x| x.title.as_str()).unwrap_or_default(), "rule_title": c.rule_title,
                    "due": c.due.to_string(), "due_cn": date_cn(c.due), "days": c.days })
        })
        .collect();
    let table: Vec<Value> = ranking::departments(&report, settings.min_cases)
        .iter()
        .map(|r| {
            let f = r.figures;
            json!({ "rank": r.rank.map_or_else(|| "—".to_string(), |n| n.to_string()), "ranked": r.rank.is_some(),
                    "department": r.department, "assigned": f.assigned, "on_time": f.replied_on_time(),
                    "late": f.replied_late(), "overdue_now": f.overdue_now,
                    "on_time_rate": rate_value(&f.on_time_reply_rate, settings),
                    "satisfaction": rate_value(&f.satisfaction_rate, settings) })
        })
        .collect();
    let typical: Vec<Value> = repo
        .cases
        .iter()
        .filter(|c| c.tags.iter().any(|t| t == "典型案例") && active_in(c, from, to.min(as_of)))
        .map(|c| {
            let events = c.timeline.iter().filter(|e| e.date <= as_of);
            let reply = events.clone().rfind(|e| e.kind == EventType::Replied).and_then(|e| e.text.clone());
            json!({ "id": c.id.value, "title": c.title, "enterprise": enterprise(c),
                    "department": c.lead_as_of(as_of).unwrap_or("—"),
                    "status": derive_status(events).zh(), "reply": reply.map(|r| r.trim().to_string()) })
        })
        .collect();
    let trend = trend::monthly(repo, clocks, &trend::months(repo, from, to, as_of), as_of);
    let svg = chart::trend_svg(&trend)?;
    let png = chart::png(&svg, &crate::render::fonts::font_dirs(&repo.root, &repo.settings.fonts), 2.0)?;
    let unranked = table.iter().filter(|r| r["ranked"] == json!(false)).count();
    let context = merge(
        common(repo, as_of),
        json!({ "period_label": label, "from": from.to_string(), "to": to.to_string(),
                "from_cn": date_cn(from), "to_cn": date_cn(to.min(as_of)),
                "figures": figures_value(&report.totals, settings),
                "department_table": table, "min_cases": settings.min_cases, "unranked": unranked,
                "overdue": rows, "departments": departments, "typical": typical }),
    );
    let mut charts = Charts::new();
    charts.insert("trend".to_string(), Chart { svg, png });
    Ok(Planned { recipient: "各有关单位".to_string(), context, charts })
}

/// Whether anything happened to a case in `[from, to]`.
fn active_in(c: &Case, from: NaiveDate, to: NaiveDate) -> bool {
    let within = |d: NaiveDate| d >= from && d <= to;
    c.received.as_ref().is_some_and(|r| within(r.value)) || c.timeline.iter().any(|e| within(e.date))
}

/// A rate for templates: the percentage ("—" at den 0), with counts, and its parts.
fn rate_value(r: &Rate, s: &ReportSettings) -> Value {
    json!({ "pct": percent(r, s), "full": with_counts(r, s), "num": r.num, "den": r.den })
}

/// The figures of a group for templates: counts, and each rate as [`rate_value`].
fn figures_value(f: &Figures, s: &ReportSettings) -> Value {
    json!({ "collected": f.collected, "answered": f.answered, "assigned": f.assigned, "replied": f.replied,
            "resolved": f.resolved, "closed": f.closed, "overdue_now": f.overdue_now,
            "closure_rate": rate_value(&f.closure_rate, s), "resolution_rate": rate_value(&f.resolution_rate, s),
            "on_time_reply_rate": rate_value(&f.on_time_reply_rate, s),
            "satisfaction_rate": rate_value(&f.satisfaction_rate, s) })
}
