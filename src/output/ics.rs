//! `qinqing export ics`: open deadlines as an iCalendar feed a department
//! subscribes to. One all-day event per open clock on its due date, with a
//! reminder at the start of the rule's warn window; each clock keeps its UID
//! (case, rule, start) from one export to the next, so a re-export updates a
//! subscribed calendar instead of duplicating it, and an event's stamp and
//! sequence change only when its case does.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, EventStatus};

use crate::check::due::warn_start;
use crate::check::{Clock, ClockStatus, Snapshot};
use crate::text::date_cn;

/// The clocks a feed holds: open ones (pending, due soon, overdue), for one
/// department (`Some(name)`) or all, in the snapshot's order.
pub(crate) fn open_clocks<'s, 'l>(snapshot: &'s Snapshot<'l>, dept: Option<&'s str>) -> Vec<&'s Clock<'l>> {
    snapshot
        .clocks
        .iter()
        .filter(|c| c.status.is_running())
        .filter(|c| dept.is_none_or(|d| c.responsible == Some(d)))
        .collect()
}

/// The feed's text (RFC 5545).
pub(crate) fn feed(snapshot: &Snapshot, clocks: &[&Clock], name: &str) -> String {
    let mut cal = Calendar::new();
    cal.name(name).description(&format!("截至{}未办结的时限，由 qinqing 生成", date_cn(snapshot.as_of)));
    for c in clocks {
        cal.push(event(snapshot, c));
    }
    cal.done().to_string()
}

/// Midnight UTC of a date: the stamps are dates, not the time of the export.
fn stamp(d: NaiveDate) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
}

fn uid(c: &Clock) -> String {
    format!("{}/{}/{}@qinqing", c.case.id.value, c.rule.id, c.start)
}

fn event(snapshot: &Snapshot, c: &Clock) -> icalendar::Event {
    let events = c.case.events_as_of(snapshot.as_of);
    let warn_from = c.rule.warn.map(|w| warn_start(&snapshot.ledger.calendar, c.due, w));
    // What a calendar compares: the last change to the case or to the clock's state (the warn window
    // opening, the deadline passing), and how many there have been. Nothing here changes from one day
    // to the next unless one of those happens, so a daily re-export leaves a subscribed calendar alone.
    let (changed, transitions) = match c.status {
        ClockStatus::Overdue => (c.due + Duration::days(1), 1 + u32::from(warn_from.is_some())),
        ClockStatus::DueSoon => (warn_from.unwrap_or(c.start), 1),
        _ => (c.start, 0),
    };
    let changed = events.last().map_or(c.start, |e| e.date).max(c.start).max(changed);
    let who = c.responsible.unwrap_or("—");
    let summary = format!("{} {}（{who}）", c.case.id.value, c.rule.title);
    let description = format!(
        "{}\n时限：{}，{}起算，{}到期\n责任单位：{who}",
        c.case.title,
        c.rule.title,
        date_cn(c.start),
        date_cn(c.due)
    );
    let mut e = icalendar::Event::new();
    e.uid(&uid(c))
        .timestamp(stamp(changed))
        .last_modified(stamp(changed))
        .sequence(events.len() as u32 + transitions)
        // An all-day event ends, exclusively, the next day (RFC 5545 3.6.1).
        .starts(c.due)
        .ends(c.due + Duration::days(1))
        .summary(&summary)
        .description(&description)
        .status(EventStatus::Confirmed);
    if let Some(from) = warn_from {
        // At nine in the morning on the first day of the warn window.
        let days = (c.due - from).num_days();
        let mut alarm = Alarm::display(&format!("{summary} {}到期", date_cn(c.due)), -Duration::hours(24 * days - 9));
        alarm.uid(&format!("{}/alarm", uid(c))).timestamp(stamp(changed));
        e.alarm(alarm.done());
    }
    e.add_property("CATEGORIES", c.status.zh());
    e.done()
}
