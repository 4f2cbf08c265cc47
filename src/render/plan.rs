//! Which documents a kind produces for a selection, and the data of each.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};

use crate::check::due::due_date;
use crate::check::{Clock, ClockStatus, Ledger, Snapshot};
use crate::model::rule::{NoticeKind, Rule, TriggerOn};
use crate::model::{Case, DocKind, EventType, Named, ReportSettings};
use crate::render::document::{Chart, Charts};
use crate::report::figures::{self, Figures, Rate};
use crate::report::percent::{percent, with_counts};
use crate::report::{chart, ranking, trend};
use crate::text::date_cn;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub(crate) struct Selection {
    /// Cases of one meeting (assignment).
    pub(crate) meeting: Option<String>,
    /// Named cases (assignment: the one case; supervision: a notice on demand for these).
    pub(crate) cases: Vec<String>,
    /// The deadline a notice on demand sets (default: the notice rule's).
    pub(crate) due: Option<NaiveDate>,
    /// Start of a date range, inclusive.
    pub(crate) from: Option<NaiveDate>,
    /// End of a date range, inclusive.
    pub(crate) to: Option<NaiveDate>,
    /// Only this department.
    pub(crate) dept: Option<String>,
    /// A period label for bulletins, e.g. 2026年11月.
    pub(crate) period_label: Option<String>,
    /// Supervise again clocks a notice already covers (`--reissue`).
    pub(crate) reissue: bool,
    /// Receipt codes by case id: every case's for a receipt, and for an
    /// assignment or a list when the office asks for its own copy (`--codes`).
    pub(crate) codes: BTreeMap<String, String>,
    /// The server's public address (`serve.url`), which a receipt's QR code points into.
    pub(crate) address: Option<String>,
}

/// One document to write: who it goes to and its template context.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    /// The addressee, for the file name and the register.
    pub(crate) recipient: String,
    /// The document's date (成文日期): an assignment letter's is the day of the
    /// assignments it covers; other documents are dated as of the snapshot.
    pub(crate) date: NaiveDate,
    /// What else tells this document apart from others of its kind in a file
    /// name (a bulletin's period), if anything.
    pub(crate) distinct: Option<String>,
    /// What the document is about, for the register: with its kind and
    /// recipient it names the document (an issue of the same is a second notice).
    pub(crate) about: String,
    /// The cases whose timelines record the document when it is issued, and the
    /// event each gets.
    pub(crate) records: Vec<(usize, Recorded)>,
    /// The template context.
    pub(crate) context: Value,
    /// Charts the template may place.
    pub(crate) charts: Charts,
}

/// The timeline entry an issued document leaves in a case it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Recorded {
    /// `supervised`, to the department, with the notice's deadline.
    Supervised { to: String, due: NaiveDate },
    /// `bulletined`.
    Bulletined,
}

fn office(repo: &Ledger) -> Value {
    json!({ "name": repo.settings.organization_name, "short": repo.settings.organization_short })
}

pub(crate) fn common(repo: &Ledger, as_of: NaiveDate) -> Value {
    json!({ "office": office(repo), "as_of": as_of.to_string(), "as_of_cn": date_cn(as_of) })
}

pub(crate) fn merge(mut a: Value, b: Value) -> Value {
    if let (Some(a), Value::Object(b)) = (a.as_object_mut(), b) {
        a.extend(b);
    }
    a
}

/// The documents of a kind for a selection, as of the snapshot's date: each
/// kind's planner.
pub(crate) fn plan(snapshot: &Snapshot, kind: DocKind, sel: &Selection) -> Result<Vec<Planned>> {
    let mut out = match kind {
        DocKind::Assignment => assignment(snapshot, sel)?,
        DocKind::Supervision if !sel.cases.is_empty() => supervision_on_demand(snapshot, sel)?,
        DocKind::Supervision => supervision(snapshot, sel),
        DocKind::Bulletin => vec![bulletin(snapshot, sel)?],
        DocKind::List => vec![crate::render::list::plan(snapshot, sel)?],
        DocKind::Receipt => crate::render::receipt::plan(snapshot, sel)?,
    };
    // The office's own copy with the receipt codes is named apart from the copy that is sent.
    if !sel.codes.is_empty() && !kind.spec().carries_codes {
        for p in &mut out {
            p.distinct = Some(match p.distinct.take() {
                Some(d) => format!("{d}-含回执码"),
                None => "含回执码".to_string(),
            });
        }
    }
    // Only the kinds that take `--dept` get here with one (`DocSpec::takes`).
    if let Some(dept) = &sel.dept {
        let before = out.len();
        out.retain(|p| &p.recipient == dept);
        if before > 0 && out.is_empty() && !sel.cases.is_empty() {
            bail!("--case 给出的案件都不由「{dept}」主办");
        }
    }
    Ok(out)
}

fn assignment(snapshot: &Snapshot, sel: &Selection) -> Result<Vec<Planned>> {
    let (repo, as_of) = (snapshot.ledger, snapshot.as_of);
    if sel.meeting.is_none() && sel.cases.is_empty() && sel.from.is_none() && sel.to.is_none() {
        bail!("交办函需要指定范围：--meeting 会议编号、--case 案件编号，或 --from/--to 日期");
    }
    let meeting = match &sel.meeting {
        Some(id) => match repo.meeting(id) {
            Some(m) => Some(m),
            None => bail!("找不到会议「{id}」"),
        },
        None => None,
    };
    for id in &sel.cases {
        if repo.case(id).is_none() {
            bail!("找不到案件「{id}」");
        }
    }
    let chosen = repo.cases.iter().enumerate().filter(|(_, c)| crate::check::exists(c, as_of)).filter(|(_, c)| {
        let received = c.received.as_ref().map(|r| r.value);
        sel.meeting.as_ref().is_none_or(|m| c.meeting.as_ref().is_some_and(|x| &x.value == m))
            && (sel.cases.is_empty() || sel.cases.contains(&c.id.value))
            && sel.from.is_none_or(|f| received.is_some_and(|r| r >= f))
            && sel.to.is_none_or(|t| received.is_some_and(|r| r <= t))
    });
    // One letter per lead department and assignment day: a case is in the letter of the day it was last
    // assigned, and a closed case in none.
    let mut by_lead: BTreeMap<(String, NaiveDate), Vec<Value>> = BTreeMap::new();
    let mut co_all: BTreeMap<(String, NaiveDate), Vec<String>> = BTreeMap::new();
    for (index, case) in chosen.filter(|(_, c)| c.status_as_of(as_of) != crate::model::Status::Closed) {
        // The latest event that made the case's lead department what it is.
        let Some((at, assigned)) =
            case.events_as_of(as_of).iter().enumerate().rfind(|(_, e)| e.kind.spec().sets_lead())
        else {
            continue;
        };
        let Some(lead) = assigned.lead.as_ref().map(|l| l.value.clone()) else { continue };
        let due = snapshot
            .clocks_of(index)
            .iter()
            .find(|k| k.start_event == Some(at) && k.status != ClockStatus::Superseded && k.is_department_clock())
            .map(|k| k.due)
            .or(assigned.due().map(|d| d.value));
        let co: Vec<String> = assigned.co.iter().map(|c| c.value.clone()).collect();
        let key = (lead, assigned.date);
        co_all.entry(key.clone()).or_default().extend(co.iter().cloned());
        by_lead.entry(key).or_default().push(json!({
            "id": case.id.value, "title": case.title, "enterprise": enterprise(case),
            "description": case.description.trim(), "co": if co.is_empty() { "—".to_string() } else { co.join("、") },
            "due": due.map(|d| d.to_string()), "due_cn": due.map(date_cn).unwrap_or_else(|| "—".into()),
            "note": assigned.text, "assigned": assigned.date.to_string(),
            "code": sel.codes.get(&case.id.value),
            // The department calls the enterprise back: this letter alone shows whom to call.
            "contact": case.enterprise.as_ref().and_then(|e| e.contact.clone()),
            "phone": case.enterprise.as_ref().and_then(|e| e.phone.clone()),
        }));
    }
    // Who held the meeting: its organiser, else the office; and who attended for the government.
    let meeting_value = meeting.map(|m| {
        json!({ "id": m.id.value, "title": m.title, "theme": m.theme, "date_cn": m.date.map(date_cn),
                "organiser": m.organiser.clone().unwrap_or_else(|| repo.settings.organization_name.clone()),
                "hosts": if m.hosts.is_empty() { Value::Null } else { json!(m.hosts.join("、")) } })
    });
    Ok(by_lead
        .into_iter()
        .map(|((lead, date), cases)| {
            let mut cc = co_all.remove(&(lead.clone(), date)).unwrap_or_default();
            cc.sort();
            cc.dedup();
            let described = cases
                .iter()
                .filter(|c| c["description"].as_str().is_some_and(|d| !d.is_empty()) || c["contact"].is_string())
                .count();
            // A letter dated before the meeting sends its problems ahead, for the unit to prepare.
            let ahead = meeting.and_then(|m| m.date).is_some_and(|d| date < d);
            let context = merge(
                common(repo, date),
                json!({ "department": lead, "cases": cases, "meeting": meeting_value, "cc": cc.join("、"),
                        "described": described, "ahead": ahead, "codes": !sel.codes.is_empty() }),
            );
            let about = format!("{date} 交办");
            Planned {
                recipient: lead,
                date,
                distinct: None,
                about,
                records: Vec::new(),
                context,
                charts: Charts::new(),
            }
        })
        .collect())
}

pub(crate) fn enterprise(case: &Case) -> String {
    case.enterprise.as_ref().map(|e| e.name.clone()).unwrap_or_default()
}

/// The clocks a supervision notice covers: those that call for one and have
/// not had one (or every one that calls for one, when a second notice is meant).
fn calls_for_supervision(c: &Clock, reissue: bool) -> bool {
    let kinds = if reissue { &c.called } else { &c.notices };
    kinds.contains(&NoticeKind::Supervision)
}

/// The deadline a notice issued on a date sets: by the rule its `supervised`
/// event starts (the built-in `supervision`), else five working days.
pub(crate) fn notice_deadline(repo: &Ledger, date: NaiveDate) -> NaiveDate {
    let started_by_notice =
        |r: &&Rule| r.is_notice_deadline() && r.start.iter().any(|t| t.on == TriggerOn::Event(EventType::Supervised));
    match repo.rules.iter().find(started_by_notice) {
        Some(rule) => due_date(&repo.calendar, date, rule.within, rule.roll),
        None => repo.calendar.add_workdays(date, 5),
    }
}

fn supervision(snapshot: &Snapshot, sel: &Selection) -> Vec<Planned> {
    let (repo, as_of) = (snapshot.ledger, snapshot.as_of);
    let mut by_dept: BTreeMap<&str, Vec<&Clock>> = BTreeMap::new();
    for c in snapshot.overdue() {
        if let (true, Some(dept)) = (calls_for_supervision(c, sel.reissue), c.responsible) {
            by_dept.entry(dept).or_default().push(c);
        }
    }
    let new_due = notice_deadline(repo, as_of);
    by_dept
        .into_iter()
        .map(|(dept, items)| {
            let mut records: Vec<(usize, Recorded)> = items
                .iter()
                .map(|c| (c.case_index, Recorded::Supervised { to: dept.to_string(), due: new_due }))
                .collect();
            // A case with two clocks in the notice records it once.
            records.sort_by_key(|(i, _)| *i);
            records.dedup();
            let about = items.iter().map(|c| format!("{} {}", c.case.id.value, c.rule.id)).collect::<Vec<_>>();
            let items: Vec<Value> = items
                .iter()
                .map(|c| {
                    json!({ "id": c.case.id.value, "title": c.case.title, "enterprise": enterprise(c.case),
                            "rule": c.rule.id, "rule_title": c.rule.title, "start": c.start.to_string(),
                            "due": c.due.to_string(), "due_cn": date_cn(c.due), "days": c.days })
                })
                .collect();
            let context = merge(
                common(repo, as_of),
                json!({ "department": dept, "items": items, "new_due": new_due.to_string(), "new_due_cn": date_cn(new_due) }),
            );
            Planned {
                recipient: dept.to_string(),
                date: as_of,
                distinct: None,
                about: about.join("、"),
                records,
                context,
                charts: Charts::new(),
            }
        })
        .collect()
}

/// A notice for named cases whether or not a clock is overdue (不满意 → 重办并督办;
/// a leader's instruction): one per lead department, covering each case's running
/// department clocks, with its own deadline.
fn supervision_on_demand(snapshot: &Snapshot, sel: &Selection) -> Result<Vec<Planned>> {
    let (repo, as_of) = (snapshot.ledger, snapshot.as_of);
    let new_due = sel.due.unwrap_or_else(|| notice_deadline(repo, as_of));
    if new_due < as_of {
        bail!("督办通知限定的期限 {new_due} 早于发文日期 {as_of}");
    }
    // Each department's cases: (ledger index, case, its running department clocks).
    type Named<'s, 'l> = Vec<(usize, &'l Case, Vec<&'s Clock<'l>>)>;
    let mut by_dept: BTreeMap<&str, Named> = BTreeMap::new();
    for id in &sel.cases {
        let Some(index) = repo.cases.iter().position(|c| &c.id.value == id) else {
            bail!("找不到案件「{id}」");
        };
        let case = &repo.cases[index];
        if !crate::check::exists(case, as_of) {
            bail!("{id} 截至 {as_of} 尚未收到");
        }
        if case.status_as_of(as_of) == crate::model::Status::Closed {
            bail!("{id} 已办结，不再督办");
        }
        let Some(lead) = case.lead_as_of(as_of) else { bail!("{id} 尚未交办，没有可督办的主办部门") };
        let running: Vec<&Clock> = snapshot
            .clocks_of(index)
            .iter()
            .filter(|c| c.is_department_clock() && c.stopped.is_none() && c.status != ClockStatus::Superseded)
            .filter(|c| c.status != ClockStatus::Transferred && !c.rule.is_notice_deadline())
            .collect();
        // A clock a notice already covers is not supervised again unless asked (--reissue):
        // a second notice would replace the first's deadline and hide that it passed.
        if !sel.reissue {
            if let Some((_, at)) = running.iter().flat_map(|c| &c.issued).find(|(k, _)| *k == NoticeKind::Supervision) {
                let doc = case.timeline.get(*at).and_then(|e| e.doc().map(|d| format!("（{d}）"))).unwrap_or_default();
                let date = case.timeline.get(*at).map(|e| e.date.to_string()).unwrap_or_default();
                bail!("{id} 已于 {date} 督办{doc}，再发一份会替换那份通知的期限；确需再督办请加 --issue --reissue（网页上勾选「已督办过的再发一份」）");
            }
        }
        by_dept.entry(lead).or_default().push((index, case, running));
    }
    Ok(by_dept
        .into_iter()
        .map(|(dept, cases)| {
            let records = cases
                .iter()
                .map(|(i, _, _)| (*i, Recorded::Supervised { to: dept.to_string(), due: new_due }))
                .collect();
            let about = cases.iter().map(|(_, c, _)| format!("{} 督办", c.id.value)).collect::<Vec<_>>().join("、");
            let items: Vec<Value> = cases
                .iter()
                .map(|(_, c, clocks)| {
                    // The most pressing running clock says what is asked and by when.
                    let clock = clocks.iter().min_by_key(|k| k.due);
                    json!({ "id": c.id.value, "title": c.title, "enterprise": enterprise(c),
                            "rule_title": clock.map_or("按要求办理", |k| k.rule.title.as_str()),
                            "due_cn": clock.map_or_else(|| "—".to_string(), |k| date_cn(k.due)),
                            "days": clock.and_then(|k| k.days),
                            "status": c.status_as_of(as_of).zh(),
                            "rating": c.events_as_of(as_of).iter().rfind(|e| e.kind == EventType::Evaluated)
                                .and_then(|e| e.rating).map(|r| r.zh()) })
                })
                .collect();
            let overdue = items.iter().filter(|i| i["days"].is_number()).count();
            let context = merge(
                common(repo, as_of),
                json!({ "department": dept, "items": items, "on_demand": true, "overdue_count": overdue,
                        "new_due": new_due.to_string(), "new_due_cn": date_cn(new_due) }),
            );
            Planned {
                recipient: dept.to_string(),
                date: as_of,
                distinct: None,
                about,
                records,
                context,
                charts: Charts::new(),
            }
        })
        .collect())
}

fn bulletin(snapshot: &Snapshot, sel: &Selection) -> Result<Planned> {
    let (repo, as_of) = (snapshot.ledger, snapshot.as_of);
    let (from, to) = match (sel.from, sel.to) {
        (Some(f), Some(t)) => (f, t),
        _ => bail!("通报需要指定期间：--period 2026-06，或 --from/--to"),
    };
    let label = sel.period_label.clone().unwrap_or_else(|| format!("{}年{}月", to.year(), to.month()));
    let report = figures::compute(snapshot, from, to);
    let settings = &repo.settings.report;
    // A meeting's bulletin is about its problems alone.
    let meeting = match &sel.meeting {
        Some(id) => match repo.meeting(id) {
            Some(m) => Some((m, crate::render::list::rows(snapshot, id, &BTreeMap::new()))),
            None => bail!("找不到会议「{id}」"),
        },
        None => None,
    };
    let concerned = |c: &Clock| meeting.as_ref().is_none_or(|(_, rows)| rows.cases.contains(&c.case_index));
    // 超期未办: every overdue clock the figures count (a notice's own deadline is the same
    // matter as the clock it supervises), each marked when it is named for 通报.
    let named_for_bulletin: Vec<&Clock> =
        snapshot.overdue().into_iter().filter(|c| c.to_bulletin() && concerned(c)).collect();
    let named =
        |c: &Clock| named_for_bulletin.iter().any(|n| n.case_index == c.case_index && n.responsible == c.responsible);
    let overdue: Vec<&Clock> =
        snapshot.overdue().into_iter().filter(|c| !c.rule.is_notice_deadline() && concerned(c)).collect();
    let mut records: Vec<(usize, Recorded)> =
        named_for_bulletin.iter().map(|c| (c.case_index, Recorded::Bulletined)).collect();
    records.sort_by_key(|(i, _)| *i);
    records.dedup();
    let mut departments: Vec<&str> = named_for_bulletin.iter().filter_map(|c| c.responsible).collect();
    departments.sort();
    departments.dedup();
    let rows: Vec<Value> = overdue
        .iter()
        .map(|c| {
            json!({ "department": c.responsible.unwrap_or("—"), "id": c.case.id.value,
                    "title": c.case.title, "rule_title": c.rule.title,
                    "due": c.due.to_string(), "due_cn": date_cn(c.due), "days": c.days,
                    "named": named(c) })
        })
        .collect();
    let (basis, ranked_on) = ranking::rank(snapshot, &report, settings.min_cases);
    let table: Vec<Value> = ranking::departments(&ranked_on, settings.min_cases)
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
        .enumerate()
        .filter(|(i, c)| {
            c.tags.iter().any(|t| t == "典型案例")
                && active_in(c, from, to.min(as_of))
                && meeting.as_ref().is_none_or(|(_, rows)| rows.cases.contains(i))
        })
        .map(|(_, c)| {
            let reply =
                c.events_as_of(as_of).iter().rfind(|e| e.kind == EventType::Replied).and_then(|e| e.text.clone());
            json!({ "id": c.id.value, "title": c.title, "enterprise": enterprise(c),
                    "department": c.lead_as_of(as_of).unwrap_or("—"),
                    "status": c.status_as_of(as_of).zh(), "reply": reply.map(|r| r.trim().to_string()) })
        })
        .collect();
    let group = match &meeting {
        Some((m, _)) => report.by_meeting.get(&m.id.value).cloned().unwrap_or_default(),
        None => report.totals.clone(),
    };
    let trend = trend::monthly(snapshot, &trend::months(repo, from, to, as_of));
    let svg = chart::trend_svg(&trend)?;
    let png = chart::png(&svg, &crate::render::fonts::font_files(&repo.root, &repo.settings.fonts), 2.0)?;
    let unranked = table.iter().filter(|r| r["ranked"] == json!(false)).count();
    let shown_to = to.min(as_of);
    let context = merge(
        common(repo, as_of),
        json!({ "period_label": label, "from": from.to_string(), "to": to.to_string(),
                "from_cn": date_cn(from), "to_cn": date_cn(shown_to),
                // A period of one day is one date (the daily 晾晒 of a hotline report).
                "period_cn": if from == shown_to { date_cn(from) } else { format!("{}至{}", date_cn(from), date_cn(shown_to)) },
                "one_day": from == to,
                "meetings": {
                    "held": report.meetings.held, "enterprises": report.meetings.enterprises,
                    "collected": report.meetings.list.iter().map(|m| m.collected).sum::<u64>(),
                    "levels": report.meetings.by_level.iter()
                        .map(|(k, n)| format!("{}{n}场", repo.settings.level_label(k))).collect::<Vec<_>>().join("、") },
                "figures": figures_value(&group, settings),
                // Where the period's problems came from, in the channels' own order.
                "by_channel": crate::model::Channel::ALL.iter().filter_map(|(c, key, _)| {
                    let n = if meeting.is_some() { 0 } else { report.by_channel.get(*key).map_or(0, |f| f.collected) };
                    (n > 0).then(|| json!({ "channel": c.zh(), "key": key, "collected": n }))
                }).collect::<Vec<_>>(),
                "department_table": if meeting.is_some() { json!([]) } else { json!(table) },
                "min_cases": settings.min_cases, "unranked": unranked,
                "ranking_basis": basis.words(), "ranked_on_year": basis != ranking::Basis::Period,
                "overdue": rows, "named_count": rows.iter().filter(|r| r["named"] == json!(true)).count(),
                "departments": departments, "typical": typical,
                "meeting": meeting.as_ref().map(|(m, _)| crate::render::list::meeting_value(repo, m)),
                "meeting_rows": meeting.as_ref().map(|(_, r)| json!(r.rows)),
                "meeting_outcomes": meeting.as_ref().map(|(_, r)| r.outcomes.clone()) }),
    );
    let mut charts = Charts::new();
    charts.insert("trend".to_string(), Chart { svg, png, width_mm: 0 });
    Ok(Planned {
        recipient: "各有关单位".to_string(),
        date: as_of,
        distinct: Some(label.clone()),
        about: label,
        records,
        context,
        charts,
    })
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
    // The results besides 已解决 (printed as 解决, its own count), in their declared order.
    let other_results: Vec<Value> = f
        .by_result
        .iter()
        .filter(|(r, n)| *n > 0 && *r != crate::model::ReplyResult::Resolved)
        .map(|(r, n)| json!({ "word": r.zh(), "key": r.key(), "n": n }))
        .collect();
    json!({ "collected": f.collected, "answered": f.answered, "assigned": f.assigned, "replied": f.replied,
            "resolved": f.resolved, "closed": f.closed, "assigned_closed": f.assigned_closed,
            "other_results": other_results,
            "overdue_now": f.overdue_now,
            "closure_rate": rate_value(&f.closure_rate, s), "resolution_rate": rate_value(&f.resolution_rate, s),
            "on_time_reply_rate": rate_value(&f.on_time_reply_rate, s),
            "satisfaction_rate": rate_value(&f.satisfaction_rate, s) })
}
