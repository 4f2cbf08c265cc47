//! Clocks: each start of a rule opens one, the first stop after it closes it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::diag::{Pos, Severity};
use crate::model::{Case, Event, EventType, Named};
use crate::rules::due::{due_date, has_been_overdue_for, warn_start};
use crate::rules::{CaseCondition, CaseField, EventField, NoticeKind, Responsible, Rule, Trigger, TriggerOn};

/// Where a clock stands as of the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatus {
    /// Stopped on or before the due date.
    Met,
    /// Stopped after the due date.
    Late,
    /// Not stopped, and the date is past due.
    Overdue,
    /// Not stopped, due soon.
    DueSoon,
    /// Not stopped, not yet in the warn window.
    Pending,
    /// Replaced by a new start before stopping.
    Superseded,
}

impl ClockStatus {
    /// Stable key.
    pub fn key(self) -> &'static str {
        match self {
            ClockStatus::Met => "met",
            ClockStatus::Late => "late",
            ClockStatus::Overdue => "overdue",
            ClockStatus::DueSoon => "due_soon",
            ClockStatus::Pending => "pending",
            ClockStatus::Superseded => "superseded",
        }
    }
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            ClockStatus::Met => "按时",
            ClockStatus::Late => "逾期办结",
            ClockStatus::Overdue => "超期",
            ClockStatus::DueSoon => "即将到期",
            ClockStatus::Pending => "办理中",
            ClockStatus::Superseded => "已被替代",
        }
    }
    /// Whether the clock is a finding (reported without `--all`).
    pub fn is_finding(self) -> bool {
        matches!(self, ClockStatus::Overdue | ClockStatus::DueSoon)
    }
}

/// One run of a rule's clock on one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock<'a> {
    /// Index of the rule in the rule set.
    pub rule: usize,
    /// When it started.
    pub start: NaiveDate,
    /// Where its start is written (the event, or the `received` field).
    pub start_pos: Pos,
    /// When it is due.
    pub due: NaiveDate,
    /// Where it stands.
    pub status: ClockStatus,
    /// When it stopped, if it did.
    pub stopped: Option<NaiveDate>,
    /// Days overdue or late.
    pub days: Option<i64>,
    /// The lead department behind it (assignee rules), if assigned.
    pub lead: Option<&'a str>,
    /// Severity of the finding, if it is one.
    pub severity: Option<Severity>,
    /// Notices due as of the date.
    pub notices: Vec<NoticeKind>,
    /// Whether its dates fall outside the calendar's years.
    pub outside_calendar: bool,
}

/// A moment on a case's timeline: the received date, or an event.
enum Moment<'a> {
    Received(NaiveDate, Pos),
    Event(&'a Event),
}

impl Moment<'_> {
    fn date(&self) -> NaiveDate {
        match self {
            Moment::Received(d, _) => *d,
            Moment::Event(e) => e.date,
        }
    }
}

/// Every clock of every rule on one case, as of a date. Cases received after
/// the date and events after it do not exist yet.
pub fn evaluate_case<'a>(
    case: &'a Case,
    received_pos: Pos,
    rules: &[Rule],
    cal: &Calendar,
    as_of: NaiveDate,
) -> Vec<Clock<'a>> {
    if case.received.as_ref().is_some_and(|r| r.value > as_of) {
        return Vec::new();
    }
    let mut moments: Vec<Moment> = Vec::with_capacity(case.timeline.len() + 1);
    if let Some(r) = &case.received {
        moments.push(Moment::Received(r.value, received_pos));
    }
    moments.extend(case.timeline.iter().filter(|e| e.date <= as_of).map(Moment::Event));
    // Stable: `received` stays first among same-day moments, events keep file order.
    moments.sort_by_key(Moment::date);

    let mut clocks = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        if rule.when.iter().all(|c| case_matches(case, c)) {
            run_rule(index, rule, &moments, cal, as_of, &mut clocks);
        }
    }
    clocks
}

fn run_rule<'a>(
    index: usize,
    rule: &Rule,
    moments: &[Moment<'a>],
    cal: &Calendar,
    as_of: NaiveDate,
    out: &mut Vec<Clock<'a>>,
) {
    let mut open: Option<Clock> = None;
    let mut lead: Option<&'a str> = None;
    for m in moments {
        if let Moment::Event(e) = m {
            if e.kind == EventType::Assigned {
                lead = e.lead.as_ref().map(|l| l.value.as_str());
            }
        }
        if let Some(clock) = open.as_mut() {
            if rule.stop.iter().any(|t| triggers(t, m)) && m.date() >= clock.start {
                clock.stopped = Some(m.date());
                out.extend(open.take());
            } else if let Moment::Event(e) = m {
                let names_rule = e.rule().is_some_and(|r| r.value == rule.id);
                if let (EventType::Extended, true, Some(due)) = (e.kind, names_rule, e.due()) {
                    clock.due = due.value;
                }
            }
        }
        if rule.start.iter().any(|t| triggers(t, m)) {
            if let Some(mut old) = open.take() {
                old.status = ClockStatus::Superseded;
                out.push(old);
            }
            let (start_pos, override_due) = match m {
                Moment::Received(_, pos) => (*pos, None),
                Moment::Event(e) => (e.pos, e.due().filter(|_| e.kind == EventType::Assigned).map(|d| d.value)),
            };
            let due = override_due.unwrap_or_else(|| due_date(cal, m.date(), rule.within, rule.roll));
            open = Some(Clock {
                rule: index,
                start: m.date(),
                start_pos,
                due,
                status: ClockStatus::Pending,
                stopped: None,
                days: None,
                lead: if rule.responsible == Responsible::Assignee { lead } else { None },
                severity: None,
                notices: Vec::new(),
                outside_calendar: false,
            });
        }
    }
    out.extend(open);
    for clock in out.iter_mut().filter(|c| c.rule == index) {
        settle(clock, rule, cal, as_of);
    }
}

/// Decides a clock's status, days, severity and notices as of the date.
fn settle(clock: &mut Clock<'_>, rule: &Rule, cal: &Calendar, as_of: NaiveDate) {
    clock.outside_calendar = !cal.covers(clock.start) || !cal.covers(clock.due);
    if clock.status == ClockStatus::Superseded {
        return;
    }
    match clock.stopped {
        Some(stop) if stop <= clock.due => clock.status = ClockStatus::Met,
        Some(stop) => {
            clock.status = ClockStatus::Late;
            clock.days = Some((stop - clock.due).num_days());
        }
        None if as_of > clock.due => {
            clock.status = ClockStatus::Overdue;
            clock.days = Some((as_of - clock.due).num_days());
            clock.severity = Some(rule.severity);
            clock.notices = rule
                .notices
                .iter()
                .filter(|n| has_been_overdue_for(cal, clock.due, as_of, n.after))
                .map(|n| n.kind)
                .collect();
            clock.notices.sort();
            clock.notices.dedup();
        }
        None if rule.warn.is_some_and(|w| as_of >= warn_start(cal, clock.due, w)) => {
            clock.status = ClockStatus::DueSoon;
            clock.severity = Some(Severity::Warning);
        }
        None => clock.status = ClockStatus::Pending,
    }
}

fn triggers(t: &Trigger, m: &Moment) -> bool {
    match (t.on, m) {
        (TriggerOn::Received, Moment::Received(..)) => true,
        (TriggerOn::Event(kind), Moment::Event(e)) => {
            e.kind == kind && t.conditions.iter().all(|(f, v)| event_field(e, *f).is_some_and(|x| x == v))
        }
        _ => false,
    }
}

fn event_field(e: &Event, f: EventField) -> Option<&str> {
    match f {
        EventField::Rating => e.rating.map(Named::key),
        EventField::Result => e.result.map(Named::key),
        EventField::Lead => e.lead.as_ref().map(|s| s.value.as_str()),
        EventField::By => e.by.as_ref().map(|s| s.value.as_str()),
    }
}

fn case_matches(case: &Case, c: &CaseCondition) -> bool {
    let any = |v: Option<&str>| v.is_some_and(|v| c.values.iter().any(|x| x == v));
    match c.field {
        CaseField::Level => any(case.level.as_ref().map(|l| l.value.as_str())),
        CaseField::Handling => any(case.handling.map(Named::key)),
        CaseField::Channel => any(case.channel.map(Named::key)),
        CaseField::Category => any(case.category.as_deref()),
        CaseField::Tags => case.tags.iter().any(|t| any(Some(t))),
    }
}
