//! Clocks: each start of a rule opens one, the first stop after it closes it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::Calendar;
use crate::check::due::{due_date, has_been_overdue_for, warn_start};
use crate::diag::{Pos, Severity};
use crate::load::case::received_pos;
use crate::model::event::ClockEffect;
use crate::model::rule::{NoticeKind, Responsible, Rule, Trigger, TriggerOn, Within};
use crate::model::{Case, Event};

/// Where a clock stands as of the date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ClockStatus {
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
    /// Ended because the case moved to another department; lateness it had stays counted.
    Transferred,
}

impl ClockStatus {
    /// Whether the clock still runs: not stopped, superseded or handed on.
    pub(crate) fn is_running(self) -> bool {
        matches!(self, ClockStatus::Pending | ClockStatus::DueSoon | ClockStatus::Overdue)
    }

    /// Stable key.
    pub(crate) fn key(self) -> &'static str {
        match self {
            ClockStatus::Met => "met",
            ClockStatus::Late => "late",
            ClockStatus::Overdue => "overdue",
            ClockStatus::DueSoon => "due_soon",
            ClockStatus::Pending => "pending",
            ClockStatus::Superseded => "superseded",
            ClockStatus::Transferred => "transferred",
        }
    }
    /// Chinese name.
    pub(crate) fn zh(self) -> &'static str {
        match self {
            ClockStatus::Met => "按时",
            ClockStatus::Late => "逾期办结",
            ClockStatus::Overdue => "超期",
            ClockStatus::DueSoon => "即将到期",
            ClockStatus::Pending => "办理中",
            ClockStatus::Superseded => "已被替代",
            ClockStatus::Transferred => "已转办",
        }
    }
    /// Whether the clock is a finding (reported without `--all`).
    pub(crate) fn is_finding(self) -> bool {
        matches!(self, ClockStatus::Overdue | ClockStatus::DueSoon)
    }
}

/// One run of a rule's clock on one case, linked to its case, its rule and
/// the event that started it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Clock<'l> {
    /// The case.
    pub(crate) case: &'l Case,
    /// The case's place in the ledger.
    pub(crate) case_index: usize,
    /// The rule.
    pub(crate) rule: &'l Rule,
    /// The rule's place in the rule set (orders clocks of one case and line).
    pub(crate) rule_index: usize,
    /// The timeline entry that started it; `None` for the `received` date.
    pub(crate) start_event: Option<usize>,
    /// When it started.
    pub(crate) start: NaiveDate,
    /// Where its start is written (the event, or the `received` field).
    pub(crate) start_pos: Pos,
    /// When it is due.
    pub(crate) due: NaiveDate,
    /// Where it stands.
    pub(crate) status: ClockStatus,
    /// When it stopped, if it did.
    pub(crate) stopped: Option<NaiveDate>,
    /// Days overdue or late.
    pub(crate) days: Option<i64>,
    /// Who must act: the lead department at its start (assignee rules), or the
    /// office's short name (office rules).
    pub(crate) responsible: Option<&'l str>,
    /// Severity of the finding, if it is one.
    pub(crate) severity: Option<Severity>,
    /// Notices its rule calls for as of the date (a department clock's only:
    /// the office does not supervise itself).
    pub(crate) called: Vec<NoticeKind>,
    /// Notices issued for it while it ran: each kind with the timeline entry
    /// that records it (a `supervised` or `bulletined` event).
    pub(crate) issued: Vec<(NoticeKind, usize)>,
    /// Notices called for and not yet answered: once a notice covers a clock it
    /// calls for no other (after a 督办 the notice's own deadline carries the
    /// ladder on; a 通报 is its top).
    pub(crate) notices: Vec<NoticeKind>,
    /// Whether its dates fall outside the calendar's years.
    pub(crate) outside_calendar: bool,
}

impl Clock<'_> {
    /// Whether the clock belongs to the assigned department (a department
    /// clock: counted in on-time rates, supervised, named in bulletins).
    pub(crate) fn is_department_clock(&self) -> bool {
        self.rule.responsible == Responsible::Assignee
    }

    /// Whether a supervision notice has covered it.
    pub(crate) fn supervised(&self) -> bool {
        self.issued.iter().any(|(k, _)| *k == NoticeKind::Supervision)
    }

    /// Whether a bulletin should name it: overdue, its rule calls for a
    /// bulletin, and it is not waiting on a supervision notice's own deadline
    /// (which, when it passes, is named instead).
    pub(crate) fn to_bulletin(&self) -> bool {
        self.status == ClockStatus::Overdue && self.called.contains(&NoticeKind::Bulletin) && !self.supervised()
    }

    /// The order overdue clocks are named in (notices, bulletins, the dashboard):
    /// most days overdue first, then by case id so the order is stable.
    pub(crate) fn worst_first(a: &&Self, b: &&Self) -> std::cmp::Ordering {
        b.days.cmp(&a.days).then(a.case.id.value.cmp(&b.case.id.value))
    }
}

/// A moment on a case's timeline: a date of the case itself (received, its
/// meeting, its intake: see `TriggerOn`), or an event (with its index).
enum Moment<'a> {
    Case(TriggerOn, NaiveDate, Pos),
    Event(usize, &'a Event),
}

impl Moment<'_> {
    fn date(&self) -> NaiveDate {
        match self {
            Moment::Case(_, d, _) => *d,
            Moment::Event(_, e) => e.date,
        }
    }
}

/// What a case's clocks are evaluated against.
pub(crate) struct Context<'l> {
    /// The rules in force.
    pub(crate) rules: &'l [Rule],
    /// The working-day calendar.
    pub(crate) calendar: &'l Calendar,
    /// The office's short name, responsible for office rules.
    pub(crate) office: Option<&'l str>,
    /// The date looked at.
    pub(crate) as_of: NaiveDate,
}

/// Every clock of every rule on one case, as of a date, ordered by the line of
/// their start, then rule, then start date. Cases received after the date and
/// events after it do not exist yet. The timeline is in date order.
pub(crate) fn evaluate_case<'l>(case: &'l Case, case_index: usize, cx: &Context<'l>) -> Vec<Clock<'l>> {
    if case.received.as_ref().is_some_and(|r| r.value > cx.as_of) {
        return Vec::new();
    }
    let mut moments: Vec<Moment> = Vec::with_capacity(case.timeline.len() + 3);
    let pos = received_pos(case);
    if let Some(r) = &case.received {
        moments.push(Moment::Case(TriggerOn::Received, r.value, pos));
    }
    if let Some(m) = case.meeting_date.filter(|m| *m <= cx.as_of) {
        moments.push(Moment::Case(TriggerOn::Meeting, m, pos));
    }
    // Intake: the later of the two (the received date for a case in no meeting).
    let intake = case.received.as_ref().map(|r| r.value).into_iter().chain(case.meeting_date).max();
    if let Some(d) = intake.filter(|d| *d <= cx.as_of) {
        moments.push(Moment::Case(TriggerOn::Intake, d, pos));
    }
    moments
        .extend(case.timeline.iter().enumerate().filter(|(_, e)| e.date <= cx.as_of).map(|(i, e)| Moment::Event(i, e)));
    // Stable: the case's own dates stay first among same-day moments, events keep their order.
    moments.sort_by_key(Moment::date);

    let leads: Vec<Option<&str>> = case.leads().collect();
    let redo = redo_assignments(case);
    // Which kinds of moment the case has: a rule none of whose starts is among them has no clock
    // here, and most cases never see most rules' starts (an unsatisfied rating, a notice).
    let present = moments.iter().fold(0u64, |bits, m| bits | moment_bit(m));
    let mut clocks = Vec::new();
    for (index, rule) in cx.rules.iter().enumerate() {
        let can_start = rule.start.iter().any(|t| present & trigger_bit(t) != 0);
        if can_start && rule.when.iter().all(|c| c.field.matches(case, &c.values)) {
            run_rule(
                &CaseAt { case, index: case_index, leads: &leads, redo: &redo },
                index,
                rule,
                &moments,
                cx,
                &mut clocks,
            );
        }
    }
    clocks.sort_by_key(|c| (c.start_pos.line, c.rule_index, c.start));
    clocks
}

/// A case, its place in the ledger, its lead at each event, and which events
/// re-assign it while it is reopened (computed once per case).
struct CaseAt<'l, 'a> {
    case: &'l Case,
    index: usize,
    leads: &'a [Option<&'l str>],
    redo: &'a [bool],
}

/// For each event: whether it is an assignment made while the case is reopened
/// after an unsatisfied rating (重办). Such an assignment hands the redo on: it
/// starts no clock of its own, and its `due` and lead become the running redo
/// clock's — one clock for one redo, not a second beside it.
fn redo_assignments(case: &Case) -> Vec<bool> {
    use crate::model::event::Step;
    // From an unsatisfied rating until the next answer or closing the case is being redone;
    // a sign-for, an extension or a return in between does not end the redo.
    let mut redoing = false;
    case.timeline
        .iter()
        .map(|e| {
            let redo = redoing && e.kind == crate::model::EventType::Assigned;
            if e.rating == Some(crate::model::Rating::Unsatisfied) {
                redoing = true;
            } else if matches!(e.kind.spec().step, Step::Answer | Step::Closing) || e.rating.is_some() {
                redoing = false;
            }
            redo
        })
        .collect()
}

fn run_rule<'l>(
    at: &CaseAt<'l, '_>,
    index: usize,
    rule: &'l Rule,
    moments: &[Moment<'l>],
    cx: &Context<'l>,
    out: &mut Vec<Clock<'l>>,
) {
    let first = out.len();
    let mut open: Option<Clock> = None;
    let mut last_event: Option<usize> = None;
    for m in moments {
        if let Moment::Event(i, _) = m {
            last_event = Some(*i);
        }
        let stops = rule.stop.iter().any(|t| triggers(t, m));
        if let Moment::Event(_, e) = m {
            // What the kind does to a running clock besides starting and stopping it.
            match e.kind.spec().clock {
                ClockEffect::EndsDepartmentClocks if rule.responsible == Responsible::Assignee => {
                    if let Some(mut ended) = open.take_if(|c| m.date() >= c.start && c.responsible.is_some()) {
                        ended.status = ClockStatus::Transferred;
                        ended.stopped = Some(m.date());
                        out.push(ended);
                    }
                }
                ClockEffect::MovesDueOfItsRule if !stops => {
                    let names_rule = e.rule().is_some_and(|r| r.value == rule.id);
                    if let (Some(clock), true, Some(due)) = (open.as_mut(), names_rule, e.due()) {
                        clock.due = due.value;
                    }
                }
                ClockEffect::EndsDepartmentClocks
                | ClockEffect::MovesDueOfItsRule
                | ClockEffect::DueOfClocksItStarts
                | ClockEffect::None => {}
            }
            if let (Moment::Event(i, _), Some(clock)) = (m, open.as_mut()) {
                let started_by_rating = clock
                    .start_event
                    .and_then(|s| at.case.timeline.get(s))
                    .is_some_and(|s| s.kind == crate::model::EventType::Evaluated);
                let hands_on = at.redo.get(*i).copied().unwrap_or(false) && started_by_rating;
                if hands_on && clock.is_department_clock() && m.date() >= clock.start {
                    // A redo already past its deadline stays late: moving it is an extension's (`extend`, approved).
                    if let Some(due) = e.due().filter(|_| m.date() <= clock.due) {
                        clock.due = due.value;
                    }
                    clock.responsible = at.leads.get(*i).copied().flatten();
                }
            }
            // A department clock started before the case had a lead (a promise made at the
            // meeting, before assignment) is held by the department the case goes to.
            if let Some(clock) = open.as_mut().filter(|c| c.is_department_clock() && c.responsible.is_none()) {
                if let (Moment::Event(i, _), true) = (m, e.kind.spec().sets_lead()) {
                    clock.responsible = at.leads.get(*i).copied().flatten();
                }
            }
            // A notice recorded on the case covers the running clocks of the department it went to.
            if let (Some(kind), Some(clock), Moment::Event(i, _)) = (e.kind.spec().records, open.as_mut(), m) {
                let addressed = e.to().is_empty() || e.to().iter().any(|t| Some(t.value.as_str()) == clock.responsible);
                if clock.is_department_clock() && addressed && m.date() >= clock.start {
                    clock.issued.push((kind, *i));
                }
            }
        }
        if let Some(clock) = open.as_mut() {
            if stops && m.date() >= clock.start {
                clock.stopped = Some(m.date());
                out.extend(open.take());
            }
        }
        // A rule timed by a promise starts only where a date is promised.
        let promised = match m {
            Moment::Event(_, e) => e.promise().map(|p| p.value),
            Moment::Case(..) => None,
        };
        let hands_on_redo = matches!(m, Moment::Event(i, _) if at.redo.get(*i).copied().unwrap_or(false));
        let starts = rule.start.iter().any(|t| triggers(t, m))
            && (rule.within != Within::Promise || promised.is_some())
            && !hands_on_redo;
        if starts {
            if let Some(mut old) = open.take() {
                old.status = ClockStatus::Superseded;
                out.push(old);
            }
            let (start_event, start_pos, override_due) = match m {
                Moment::Case(_, _, pos) => (None, *pos, None),
                Moment::Event(i, e) if rule.within == Within::Promise => (Some(*i), e.pos, promised),
                Moment::Event(i, e) => {
                    let due = e.due().filter(|_| e.kind.spec().clock == ClockEffect::DueOfClocksItStarts);
                    (Some(*i), e.pos, due.map(|d| d.value))
                }
            };
            let due = override_due.unwrap_or_else(|| due_date(cx.calendar, m.date(), rule.within, rule.roll));
            let responsible = match rule.responsible {
                Responsible::Assignee => last_event.and_then(|i| at.leads.get(i).copied().flatten()),
                Responsible::Office => cx.office,
            };
            open = Some(Clock {
                case: at.case,
                case_index: at.index,
                rule,
                rule_index: index,
                start_event,
                start: m.date(),
                start_pos,
                due,
                status: ClockStatus::Pending,
                stopped: None,
                days: None,
                responsible,
                severity: None,
                called: Vec::new(),
                issued: Vec::new(),
                notices: Vec::new(),
                outside_calendar: false,
            });
        }
    }
    out.extend(open);
    for clock in &mut out[first..] {
        settle(clock, rule, cx.calendar, cx.as_of);
    }
}

/// Decides a clock's status, days, severity and notices as of the date.
fn settle(clock: &mut Clock<'_>, rule: &Rule, cal: &Calendar, as_of: NaiveDate) {
    clock.outside_calendar = !cal.covers(clock.start) || !cal.covers(clock.due);
    match clock.status {
        ClockStatus::Superseded => return,
        ClockStatus::Transferred => {
            // Days the department was late by when the case left it.
            clock.days = clock.stopped.filter(|s| *s > clock.due).map(|s| (s - clock.due).num_days());
            return;
        }
        ClockStatus::Met | ClockStatus::Late | ClockStatus::Overdue | ClockStatus::DueSoon | ClockStatus::Pending => {}
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
            // A department clock nobody holds yet (a promise made at the meeting, the case not
            // yet assigned) calls for no notice: there is no one to send it to; assigning is the office's.
            if clock.is_department_clock() && clock.responsible.is_some() {
                clock.called = rule
                    .notices
                    .iter()
                    .filter(|n| has_been_overdue_for(cal, clock.due, as_of, n.after))
                    .map(|n| n.kind)
                    .collect();
                clock.called.sort();
                clock.called.dedup();
            }
            if clock.issued.is_empty() {
                clock.notices.clone_from(&clock.called);
            }
        }
        None if rule.warn.is_some_and(|w| as_of >= warn_start(cal, clock.due, w)) => {
            clock.status = ClockStatus::DueSoon;
            clock.severity = Some(Severity::Warning);
        }
        None => clock.status = ClockStatus::Pending,
    }
}

// The bits below hold every event kind.
const _: () = assert!(<crate::model::EventType as crate::model::Named>::ALL.len() < 61);

/// One bit per kind of moment: bits 0–2 the case's own dates, bit 3 + n the n-th event kind.
fn moment_bit(m: &Moment) -> u64 {
    match m {
        Moment::Case(on, ..) => case_bit(*on),
        Moment::Event(_, e) => 8 << (e.kind as u32),
    }
}

fn case_bit(on: TriggerOn) -> u64 {
    match on {
        TriggerOn::Received => 1,
        TriggerOn::Meeting => 2,
        TriggerOn::Intake => 4,
        TriggerOn::Event(kind) => 8 << (kind as u32),
    }
}

fn trigger_bit(t: &Trigger) -> u64 {
    case_bit(t.on)
}

fn triggers(t: &Trigger, m: &Moment) -> bool {
    match (t.on, m) {
        (TriggerOn::Event(kind), Moment::Event(_, e)) => {
            e.kind == kind && t.conditions.iter().all(|(f, v)| f.of(e).is_some_and(|x| x == v))
        }
        (TriggerOn::Event(_), Moment::Case(..)) => false,
        (on, Moment::Case(at, ..)) => on == *at,
        (_, Moment::Event(..)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Sink;
    use crate::load::calendar_file::builtin;
    use crate::load::{case::read_case, rule_file::read_rules, yaml};
    use crate::model::rule::BUILTIN_RULES;
    use crate::model::Settings;

    fn eval<'l>(case: &'l Case, rules: &'l [Rule], cal: &'l Calendar, as_of: &str) -> Vec<Clock<'l>> {
        evaluate_case(case, 0, &Context { rules, calendar: cal, office: None, as_of: as_of.parse().unwrap() })
    }

    fn rules() -> Vec<Rule> {
        let mut sink = Sink::new("rules.yaml");
        let node = yaml::parse("rules.yaml", BUILTIN_RULES).unwrap().unwrap();
        let rules = read_rules("rules.yaml", &node, &Settings::default(), &mut sink);
        assert!(sink.diagnostics.is_empty(), "{:?}", sink.diagnostics);
        rules
    }

    fn case(timeline: &str) -> Case {
        // An empty timeline is written as one: a key with no value is an error.
        let timeline = if timeline.is_empty() { " []\n" } else { timeline };
        let text = format!("id: T-1\ntitle: 测试\nreceived: 2026-06-03\nhandling: coordinated\ntimeline:\n{timeline}");
        let mut sink = Sink::new("cases/T-1.yaml");
        let node = yaml::parse("cases/T-1.yaml", &text).unwrap().unwrap();
        let case = read_case("cases/T-1.yaml", &node, &mut sink).unwrap();
        assert!(sink.diagnostics.is_empty(), "{:?}", sink.diagnostics);
        case
    }

    /// (rule id, start, due, status, stopped, days) of a clock.
    type Row = (String, String, String, ClockStatus, Option<String>, Option<i64>);

    fn clocks(case: &Case, as_of: &str) -> Vec<Row> {
        let rules = rules();
        let cal = builtin();
        let out = eval(case, &rules, &cal, as_of);
        out.iter()
            .map(|c| {
                (
                    c.rule.id.clone(),
                    c.start.to_string(),
                    c.due.to_string(),
                    c.status,
                    c.stopped.map(|d| d.to_string()),
                    c.days,
                )
            })
            .collect()
    }

    fn find<'a>(all: &'a [Row], rule: &str) -> Vec<&'a Row> {
        all.iter().filter(|c| c.0 == rule).collect()
    }

    #[test]
    fn met_and_late() {
        // Received Wed 06-03: assign due Fri 06-05. Assigned 06-04 (met); reply due 06-18, replied 06-22 (late 4).
        let c = case("  - { date: 2026-06-04, event: assigned, lead: 某局 }\n  - { date: 2026-06-22, event: replied, by: 某局 }\n");
        let all = clocks(&c, "2026-06-30");
        assert_eq!(find(&all, "assign")[0].3, ClockStatus::Met);
        let reply = find(&all, "reply")[0];
        assert_eq!((reply.2.as_str(), reply.3, reply.5), ("2026-06-18", ClockStatus::Late, Some(4)));
    }

    #[test]
    fn overdue_due_soon_and_pending_depend_on_the_date() {
        let c = case("  - { date: 2026-06-04, event: assigned, lead: 某局 }\n");
        // Reply due 06-18 with a 3-day warn window from 06-15.
        assert_eq!(find(&clocks(&c, "2026-06-14"), "reply")[0].3, ClockStatus::Pending);
        assert_eq!(find(&clocks(&c, "2026-06-15"), "reply")[0].3, ClockStatus::DueSoon);
        assert_eq!(find(&clocks(&c, "2026-06-18"), "reply")[0].3, ClockStatus::DueSoon);
        let late = clocks(&c, "2026-06-21");
        let reply = find(&late, "reply")[0];
        assert_eq!((reply.3, reply.5), (ClockStatus::Overdue, Some(3)));
    }

    #[test]
    fn assign_warn_window_counts_working_days() {
        // Received Wed 06-03, assign due Fri 06-05, warn 1 workday: due soon from Thu 06-04.
        let c = case("");
        assert_eq!(find(&clocks(&c, "2026-06-03"), "assign")[0].3, ClockStatus::Pending);
        assert_eq!(find(&clocks(&c, "2026-06-04"), "assign")[0].3, ClockStatus::DueSoon);
        assert_eq!(find(&clocks(&c, "2026-06-08"), "assign")[0].3, ClockStatus::Overdue);
    }

    #[test]
    fn a_new_start_supersedes_the_open_clock() {
        let c = case("  - { date: 2026-06-04, event: assigned, lead: 甲局 }\n  - { date: 2026-06-08, event: assigned, lead: 乙局 }\n");
        let (rules, cal) = (rules(), builtin());
        let out = eval(&c, &rules, &cal, "2026-06-10");
        let replies: Vec<&Clock> = out.iter().filter(|k| k.rule.id == "reply").collect();
        assert_eq!(replies.len(), 2);
        assert_eq!((replies[0].status, replies[0].responsible), (ClockStatus::Superseded, Some("甲局")));
        assert_eq!(
            (replies[1].status, replies[1].responsible, replies[1].due.to_string().as_str()),
            (ClockStatus::Pending, Some("乙局"), "2026-06-22")
        );
    }

    #[test]
    fn returned_restarts_assignment_and_stops_the_reply() {
        let c = case(
            "  - { date: 2026-06-04, event: assigned, lead: 甲局 }\n  - { date: 2026-06-08, event: returned, by: 甲局 }\n",
        );
        let all = clocks(&c, "2026-06-12");
        assert_eq!(find(&all, "reply")[0].3, ClockStatus::Met);
        let assign = find(&all, "assign");
        assert_eq!(assign.len(), 2);
        // Returned Mon 06-08: due Wed 06-10, overdue 2 days on 06-12.
        assert_eq!((assign[1].2.as_str(), assign[1].3, assign[1].5), ("2026-06-10", ClockStatus::Overdue, Some(2)));
    }

    #[test]
    fn a_promise_is_a_deadline_until_a_finished_reply() {
        // Replied 06-10 "being solved, by 06-30": the promise clock runs to 06-30 for the lead.
        let c = case(concat!(
            "  - { date: 2026-06-04, event: assigned, lead: 某局 }\n",
            "  - { date: 2026-06-10, event: replied, by: 某局, result: in_progress, promise: 2026-06-30 }\n",
        ));
        let (rules, cal) = (rules(), builtin());
        let out = eval(&c, &rules, &cal, "2026-07-03");
        let promise = out.iter().find(|k| k.rule.id == "promise").unwrap();
        assert_eq!(
            (promise.due.to_string().as_str(), promise.status, promise.days),
            ("2026-06-30", ClockStatus::Overdue, Some(3))
        );
        assert_eq!((promise.responsible, promise.notices.as_slice()), (Some("某局"), &[NoticeKind::Supervision][..]));
        // A finished reply stops it; a reply without a promise starts none.
        let c = case(concat!(
            "  - { date: 2026-06-04, event: assigned, lead: 某局 }\n",
            "  - { date: 2026-06-10, event: replied, by: 某局, result: in_progress, promise: 2026-06-30 }\n",
            "  - { date: 2026-06-29, event: replied, by: 某局, result: resolved }\n",
        ));
        let all = clocks(&c, "2026-07-03");
        let promises = find(&all, "promise");
        assert_eq!(promises.len(), 1);
        assert_eq!((promises[0].3, promises[0].4.as_deref()), (ClockStatus::Met, Some("2026-06-29")));
        // A second promise after the first passed: the first is late, the second runs.
        let c = case(concat!(
            "  - { date: 2026-06-04, event: assigned, lead: 某局 }\n",
            "  - { date: 2026-06-10, event: replied, by: 某局, result: planned, promise: 2026-06-30 }\n",
            "  - { date: 2026-07-02, event: replied, by: 某局, result: in_progress, promise: 2026-08-31 }\n",
        ));
        let all = clocks(&c, "2026-07-03");
        let promises = find(&all, "promise");
        assert_eq!((promises[0].3, promises[0].5), (ClockStatus::Late, Some(2)));
        assert_eq!((promises[1].2.as_str(), promises[1].3), ("2026-08-31", ClockStatus::Pending));
    }

    #[test]
    fn a_solution_agreed_at_the_meeting_is_still_assigned_and_its_promise_goes_to_the_lead() {
        // Agreed on the spot 06-03 with a promise: the office must still assign it (due 06-05).
        let c = case("  - { date: 2026-06-03, event: answered, by: 市长, result: agreed, promise: 2026-07-31 }\n");
        let (rules, cal) = (rules(), builtin());
        let out = eval(&c, &rules, &cal, "2026-06-08");
        let assign = out.iter().find(|k| k.rule.id == "assign").unwrap();
        assert_eq!(assign.status, ClockStatus::Overdue);
        assert_eq!(crate::model::derive_status(&c.timeline), crate::model::Status::Received);
        // Its promise passed before anyone holds it: overdue, calling for no notice (there is no one to send it to).
        let out = eval(&c, &rules, &cal, "2026-08-03");
        let promise = out.iter().find(|k| k.rule.id == "promise").unwrap();
        assert_eq!((promise.status, promise.responsible, promise.notices.len()), (ClockStatus::Overdue, None, 0));
        // Assigned 06-04: the promise is the lead's.
        let c = case(concat!(
            "  - { date: 2026-06-03, event: answered, by: 市长, result: agreed, promise: 2026-07-31 }\n",
            "  - { date: 2026-06-04, event: assigned, lead: 某局 }\n",
        ));
        let out = eval(&c, &rules, &cal, "2026-08-03");
        let promise = out.iter().find(|k| k.rule.id == "promise").unwrap();
        assert_eq!((promise.responsible, promise.status), (Some("某局"), ClockStatus::Overdue));
        assert_eq!(out.iter().find(|k| k.rule.id == "assign").unwrap().status, ClockStatus::Met);
        // Solved on the spot: no assignment needed.
        let c = case("  - { date: 2026-06-03, event: answered, by: 市长, result: resolved }\n");
        let out = eval(&c, &rules, &cal, "2026-06-08");
        assert_eq!(out.iter().find(|k| k.rule.id == "assign").unwrap().status, ClockStatus::Met);
    }

    #[test]
    fn assigning_a_reopened_case_sets_the_redo_deadline_and_starts_no_second_clock() {
        let c = case(concat!(
            "  - { date: 2026-06-04, event: assigned, lead: 甲局 }\n",
            "  - { date: 2026-06-10, event: replied, by: 甲局, result: explained }\n",
            "  - { date: 2026-06-15, event: evaluated, rating: unsatisfied }\n",
            "  - { date: 2026-06-16, event: assigned, lead: 乙局, due: 2026-06-20 }\n",
        ));
        let (rules, cal) = (rules(), builtin());
        let out = eval(&c, &rules, &cal, "2026-06-23");
        let department: Vec<&Clock> = out.iter().filter(|k| k.is_department_clock() && k.stopped.is_none()).collect();
        assert_eq!(department.len(), 1, "{department:?}");
        let redo = department[0];
        assert_eq!(redo.rule.id, "redo");
        assert_eq!((redo.due.to_string().as_str(), redo.responsible, redo.days), ("2026-06-20", Some("乙局"), Some(3)));
        // Signed for in between, then re-assigned: still the redo's assignment, no second clock.
        let c2 = case(concat!(
            "  - { date: 2026-06-04, event: assigned, lead: 甲局 }\n",
            "  - { date: 2026-06-10, event: replied, by: 甲局, result: explained }\n",
            "  - { date: 2026-06-15, event: evaluated, rating: unsatisfied }\n",
            "  - { date: 2026-06-16, event: acknowledged, by: 甲局 }\n",
            "  - { date: 2026-06-17, event: assigned, lead: 乙局, due: 2026-06-24 }\n",
        ));
        let out = eval(&c2, &rules, &cal, "2026-06-23");
        let running: Vec<&str> =
            out.iter().filter(|k| k.is_department_clock() && k.stopped.is_none()).map(|k| k.rule.id.as_str()).collect();
        assert_eq!(running, ["redo"], "{out:?}");
        // A redo already past its deadline when re-assigned stays late: moving it is an extension's.
        let c = case(concat!(
            "  - { date: 2026-06-04, event: assigned, lead: 甲局 }\n",
            "  - { date: 2026-06-10, event: replied, by: 甲局, result: explained }\n",
            "  - { date: 2026-06-15, event: evaluated, rating: unsatisfied }\n",
            "  - { date: 2026-07-06, event: assigned, lead: 乙局, due: 2026-07-20 }\n",
        ));
        let out = eval(&c, &rules, &cal, "2026-07-08");
        let redo = out.iter().find(|k| k.rule.id == "redo").unwrap();
        assert_eq!((redo.due.to_string().as_str(), redo.status), ("2026-06-30", ClockStatus::Overdue));
    }

    #[test]
    fn extensions_and_due_overrides() {
        let c = case(
            "  - { date: 2026-06-04, event: assigned, lead: 某局, due: 2026-06-10 }\n  - { date: 2026-06-09, event: extended, rule: reply, due: 2026-07-15 }\n",
        );
        let all = clocks(&c, "2026-07-01");
        let reply = find(&all, "reply")[0];
        assert_eq!((reply.2.as_str(), reply.3), ("2026-07-15", ClockStatus::Pending));
        // An extension of another rule leaves the reply clock alone.
        let c = case(
            "  - { date: 2026-06-04, event: assigned, lead: 某局 }\n  - { date: 2026-06-09, event: extended, rule: evaluate, due: 2026-07-15 }\n",
        );
        assert_eq!(find(&clocks(&c, "2026-07-01"), "reply")[0].2, "2026-06-18");
    }

    #[test]
    fn unsatisfied_rating_opens_redo_and_notices_follow_the_steps() {
        let c = case(
            "  - { date: 2026-06-04, event: assigned, lead: 某局 }\n  - { date: 2026-06-10, event: replied, by: 某局 }\n  - { date: 2026-06-15, event: evaluated, rating: 不满意 }\n",
        );
        let (rules, cal) = (rules(), builtin());
        // Redo: 10 workdays after Mon 06-15, skipping 端午 Fri 06-19: due Tue 06-30.
        let out = eval(&c, &rules, &cal, "2026-07-01");
        let redo = out.iter().find(|k| k.rule.id == "redo").unwrap();
        assert_eq!(
            (redo.due.to_string().as_str(), redo.status, redo.responsible),
            ("2026-06-30", ClockStatus::Overdue, Some("某局"))
        );
        assert_eq!(redo.notices, vec![NoticeKind::Supervision]);
        // The reply clock: overdue 10+ days calls for a bulletin too.
        let c = case("  - { date: 2026-06-04, event: assigned, lead: 某局 }\n");
        let out = eval(&c, &rules, &cal, "2026-06-28");
        let reply = out.iter().find(|k| k.rule.id == "reply").unwrap();
        assert_eq!(reply.notices, vec![NoticeKind::Supervision, NoticeKind::Bulletin]);
        let out = eval(&c, &rules, &cal, "2026-06-27");
        let reply = out.iter().find(|k| k.rule.id == "reply").unwrap();
        assert_eq!(reply.notices, vec![NoticeKind::Supervision]);
    }

    #[test]
    fn events_after_the_date_do_not_exist_yet() {
        let c = case("  - { date: 2026-06-04, event: assigned, lead: 某局 }\n  - { date: 2026-06-10, event: replied, by: 某局 }\n");
        let all = clocks(&c, "2026-06-05");
        assert_eq!(find(&all, "reply")[0].3, ClockStatus::Pending);
        assert!(find(&all, "evaluate").is_empty());
        assert!(clocks(&c, "2026-06-02").is_empty(), "received after the date: no case yet");
    }

    #[test]
    fn immediate_rule_applies_only_to_immediate_cases() {
        let mut c = case("  - { date: 2026-06-03, event: answered, by: 市长 }\n");
        assert!(find(&clocks(&c, "2026-06-10"), "immediate").is_empty());
        c.handling = Some(crate::model::Handling::Immediate);
        let all = clocks(&c, "2026-06-10");
        assert_eq!(find(&all, "immediate")[0].3, ClockStatus::Met);
        assert_eq!(find(&all, "assign")[0].3, ClockStatus::Met, "answering on the spot stops the assignment clock");
    }

    #[test]
    fn clocks_outside_the_calendar_are_flagged() {
        let text = "id: T-2\ntitle: 年底\nreceived: 2026-12-30\n";
        let mut sink = Sink::new("cases/T-2.yaml");
        let node = yaml::parse("cases/T-2.yaml", text).unwrap().unwrap();
        let c = read_case("cases/T-2.yaml", &node, &mut sink).unwrap();
        let (rules, cal) = (rules(), builtin());
        let out = eval(&c, &rules, &cal, "2027-01-05");
        // 2026-12-30 (Wed) + 2 workdays with weekends only in 2027: Thu 12-31, Fri 2027-01-01.
        assert_eq!(out[0].due.to_string(), "2027-01-01");
        assert!(out[0].outside_calendar);
    }

    #[test]
    fn a_question_sent_in_before_its_meeting_is_assigned_from_the_meeting() {
        // Received Wednesday 2026-06-03 online for the meeting of Monday 2026-06-08: the
        // two working days to assign count from the meeting, not from the question.
        let mut c = case("");
        c.meeting_date = "2026-06-08".parse().ok();
        let all = clocks(&c, "2026-06-08");
        let assign = find(&all, "assign");
        assert_eq!(assign.len(), 1, "{all:?}");
        assert_eq!((assign[0].1.as_str(), assign[0].2.as_str()), ("2026-06-08", "2026-06-10"));
        assert_eq!(assign[0].3, ClockStatus::Pending, "not overdue on the meeting's day");
        // Before the meeting there is nothing to assign yet.
        assert!(find(&clocks(&c, "2026-06-05"), "assign").is_empty());
        // A question received after its meeting counts from its own date.
        let mut late = case("");
        late.meeting_date = "2026-06-01".parse().ok();
        let assign = clocks(&late, "2026-06-03");
        assert_eq!(find(&assign, "assign")[0].1, "2026-06-03");
        // A rule may start at either explicitly.
        let text = "rules:\n  - { id: r, start: received, stop: assigned, within: 1 day }\n  - { id: m, start: meeting, stop: assigned, within: 1 day }\n";
        let mut sink = Sink::new("r.yaml");
        let node = yaml::parse("r.yaml", text).unwrap().unwrap();
        let explicit = read_rules("r.yaml", &node, &Settings::default(), &mut sink);
        assert!(sink.diagnostics.is_empty(), "{:?}", sink.diagnostics);
        let cal = builtin();
        let out = eval(&c, &explicit, &cal, "2026-06-08");
        let starts: Vec<(&str, String)> = out.iter().map(|k| (k.rule.id.as_str(), k.start.to_string())).collect();
        assert_eq!(starts, [("r", "2026-06-03".to_string()), ("m", "2026-06-08".to_string())]);
    }
}
