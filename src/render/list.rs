//! The meeting's list (问题清单 / 责任清单): every problem of a meeting with its
//! enterprise, lead and co-units, deadline and — after the meeting — outcome,
//! sent to all responsible units at once under one number. Before the meeting
//! it is the list units prepare from (with the proposed units); after it, the
//! responsibility list the office assigns by.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde_json::{json, Value};

use crate::check::Snapshot;
use crate::model::event::Step;
use crate::model::{EventType, Named, Status};
use crate::render::document::Charts;
use crate::render::plan::{common, enterprise, merge, Planned, Selection};
use crate::text::date_cn;

/// A meeting's problems as the list and a meeting's bulletin show them.
pub(crate) struct Rows {
    /// One per problem, in the ledger's order.
    pub(crate) rows: Vec<Value>,
    /// The responsible units, sorted.
    pub(crate) units: Vec<String>,
    /// What the meeting reached, by result: "达成方案7个、政策解释1个".
    pub(crate) outcomes: String,
    /// The case indexes listed.
    pub(crate) cases: Vec<usize>,
}

/// Every problem of a meeting as of the snapshot's date.
pub(crate) fn rows(snapshot: &Snapshot, id: &str, codes: &BTreeMap<String, String>) -> Rows {
    let (repo, as_of) = (snapshot.ledger, snapshot.as_of);
    let mut units: Vec<String> = Vec::new();
    let mut rows: Vec<Value> = Vec::new();
    let mut cases = Vec::new();
    let mut outcomes: Vec<(&'static str, usize)> = Vec::new();
    for (index, case) in repo.cases.iter().enumerate() {
        if case.meeting.as_ref().is_none_or(|m| m.value != id) || !crate::check::exists(case, as_of) {
            continue;
        }
        cases.push(index);
        let events = case.events_as_of(as_of);
        let (lead, co, proposed) = match case.lead_as_of(as_of) {
            Some(lead) => {
                let assigned = events.iter().rfind(|e| e.kind.spec().sets_lead());
                let co: Vec<String> =
                    assigned.map(|e| e.co.iter().map(|c| c.value.clone()).collect()).unwrap_or_default();
                (Some(lead.to_string()), co, false)
            }
            None => match &case.proposed {
                Some(p) => (Some(p.lead.value.clone()), p.co.iter().map(|c| c.value.clone()).collect(), true),
                None => (None, Vec::new(), false),
            },
        };
        units.extend(lead.iter().cloned());
        units.extend(co.iter().cloned());
        // The deadline it works to: its running department clock's (a reply, a redo, a promise);
        // when none runs, what the latest answer promised, else its latest assignment's deadline.
        let clocks = snapshot.clocks_of(index);
        let running = clocks
            .iter()
            .filter(|k| k.is_department_clock() && k.stopped.is_none())
            .filter(|k| k.status != crate::check::ClockStatus::Superseded)
            .map(|k| k.due)
            .min();
        let promised =
            events.iter().rev().find(|e| e.kind.spec().step == Step::Answer).and_then(|e| e.promise()).map(|p| p.value);
        let assigned_at = events.iter().rposition(|e| e.kind.spec().sets_lead());
        let assigned_due = assigned_at
            .and_then(|at| clocks.iter().find(|k| k.start_event == Some(at) && k.is_department_clock()).map(|k| k.due));
        let status = case.status_as_of(as_of);
        // A closed case works to nothing.
        let due = if status == Status::Closed { None } else { running.or(promised).or(assigned_due) };
        // What the meeting reached: its on-the-spot answer's result.
        let at_meeting = events.iter().filter(|e| e.kind == EventType::Answered).find_map(|e| e.result);
        if let Some(r) = at_meeting {
            match outcomes.iter_mut().find(|(w, _)| *w == r.zh()) {
                Some((_, n)) => *n += 1,
                None => outcomes.push((r.zh(), 1)),
            }
        }
        let standing = events.iter().rev().filter(|e| e.kind.spec().step == Step::Answer).find_map(|e| e.result);
        rows.push(json!({
            "n": rows.len() + 1, "id": case.id.value, "code": codes.get(&case.id.value), "title": case.title, "enterprise": enterprise(case),
            // A problem settled at the meeting has no unit: it needs none.
            "lead": lead.map(|l| if proposed { format!("（拟）{l}") } else { l }).unwrap_or_else(|| {
                if status == Status::Answered { "—".into() } else { "待定".into() }
            }),
            "co": if co.is_empty() { "—".to_string() } else { co.join("、") },
            "due_cn": due.map(date_cn).unwrap_or_else(|| "—".into()),
            "outcome": at_meeting.map(|r| r.zh()).unwrap_or("—"),
            // The result it stands at, and what its status adds (a closed case, an unsatisfied one redone).
            "standing": match (standing, status) {
                (Some(r), Status::Closed) => format!("{}（已办结）", r.zh()),
                (Some(r), Status::Reopened) => format!("{}（企业不满意，重办中）", r.zh()),
                (Some(r), _) => r.zh().to_string(),
                (None, s) => s.zh().to_string(),
            },
        }));
    }
    units.sort();
    units.dedup();
    let outcomes = outcomes.iter().map(|(w, n)| format!("{w}{n}个")).collect::<Vec<_>>().join("、");
    Rows { rows, units, outcomes, cases }
}

/// The list of the selected meeting as of the snapshot's date.
pub(crate) fn plan(snapshot: &Snapshot, sel: &Selection) -> Result<Planned> {
    let (repo, as_of) = (snapshot.ledger, snapshot.as_of);
    let Some(id) = &sel.meeting else { bail!("责任清单需要指定恳谈会：--meeting 会议编号") };
    let Some(meeting) = repo.meeting(id) else { bail!("找不到会议「{id}」") };
    let held = meeting.date.is_some_and(|d| d <= as_of);
    let Rows { rows, units, outcomes, .. } = rows(snapshot, id, &sel.codes);
    if rows.is_empty() {
        bail!("会议「{id}」截至 {as_of} 没有问题，不生成责任清单");
    }
    let context = merge(
        common(repo, as_of),
        json!({
            "meeting": meeting_value(repo, meeting),
            "held": held, "rows": rows, "units": units.join("、"), "outcomes": outcomes,
            "codes": !sel.codes.is_empty(),
        }),
    );
    Ok(Planned {
        // The units are named in the document; its file and the register name it once.
        recipient: "各责任单位".to_string(),
        date: as_of,
        distinct: Some(meeting.id.value.clone()),
        about: format!("{} 责任清单", meeting.id.value),
        records: Vec::new(),
        context,
        charts: Charts::new(),
    })
}

/// A meeting for templates.
pub(crate) fn meeting_value(repo: &crate::check::Ledger, meeting: &crate::model::Meeting) -> Value {
    json!({ "id": meeting.id.value, "title": meeting.title, "theme": meeting.theme,
            "date_cn": meeting.date.map(date_cn),
            "organiser": meeting.organiser.clone().unwrap_or_else(|| repo.settings.organization_name.clone()) })
}
