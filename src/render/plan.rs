//! Which documents a kind produces for a selection, and the data of each.

use std::collections::{BTreeMap, HashMap};

use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};

use crate::check::{exists, ClockRow};
use crate::load::Repository;
use crate::model::{Case, EventType};
use crate::render::{date_cn, DocKind};
use crate::rules::{ClockStatus, NoticeKind, Responsible};

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
}

/// Parses `--period`: `2026-06`, `2026-Q2` or `2026`, into (from, to, label).
pub fn parse_period(p: &str) -> Option<(NaiveDate, NaiveDate, String)> {
    let p = p.trim();
    let end_of =
        |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1)?.checked_add_months(chrono::Months::new(1))?.pred_opt();
    if let Some((y, q)) = p.split_once("-Q").or_else(|| p.split_once("-q")) {
        let (y, q): (i32, u32) = (y.parse().ok()?, q.parse().ok()?);
        if !(1..=4).contains(&q) {
            return None;
        }
        let label = format!("{y}年第{}季度", ["一", "二", "三", "四"][q as usize - 1]);
        return Some((NaiveDate::from_ymd_opt(y, q * 3 - 2, 1)?, end_of(y, q * 3)?, label));
    }
    if let Some((y, m)) = p.split_once('-') {
        let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
        return Some((NaiveDate::from_ymd_opt(y, m, 1)?, end_of(y, m)?, format!("{y}年{m}月")));
    }
    let y: i32 = p.parse().ok()?;
    Some((NaiveDate::from_ymd_opt(y, 1, 1)?, NaiveDate::from_ymd_opt(y, 12, 31)?, format!("{y}年")))
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
        DocKind::Bulletin => vec![bulletin(repo, clocks, sel, as_of)],
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
            Planned { recipient: lead, context }
        })
        .collect())
}

fn is_assignee(repo: &Repository, clock: &ClockRow) -> bool {
    repo.rules.iter().any(|r| r.id == clock.rule && r.responsible == Responsible::Assignee)
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
            items.sort_by(|a, b| b.days.cmp(&a.days).then(a.case.cmp(b.case)));
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
            Planned { recipient: dept.to_string(), context }
        })
        .collect()
}

fn bulletin(repo: &Repository, clocks: &[ClockRow], sel: &Selection, as_of: NaiveDate) -> Planned {
    let label = sel.period_label.clone().unwrap_or_else(|| format!("{}年{}月", as_of.year(), as_of.month()));
    let mut overdue: Vec<&ClockRow> =
        clocks.iter().filter(|c| c.status == ClockStatus::Overdue && is_assignee(repo, c)).collect();
    overdue.sort_by(|a, b| b.days.cmp(&a.days).then(a.case.cmp(b.case)));
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
    let context = merge(
        common(repo, as_of),
        json!({ "period_label": label, "from": sel.from.map(|d| d.to_string()), "to": sel.to.map(|d| d.to_string()),
                "overdue": rows, "departments": departments }),
    );
    Planned { recipient: "各有关单位".to_string(), context }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        let (f, t, l) = parse_period("2026-06").unwrap();
        assert_eq!((f.to_string(), t.to_string(), l.as_str()), ("2026-06-01".into(), "2026-06-30".into(), "2026年6月"));
        let (f, t, l) = parse_period("2026-Q4").unwrap();
        assert_eq!(
            (f.to_string(), t.to_string(), l.as_str()),
            ("2026-10-01".into(), "2026-12-31".into(), "2026年第四季度")
        );
        let (f, t, _) = parse_period("2024-02").unwrap();
        assert_eq!((f.to_string(), t.to_string()), ("2024-02-01".into(), "2024-02-29".into()));
        assert_eq!(parse_period("2026").unwrap().2, "2026年");
        assert!(
            parse_period("2026-13").is_none() && parse_period("2026-Q5").is_none() && parse_period("六月").is_none()
        );
    }
}
