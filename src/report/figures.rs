//! The figures of a period as of a date, each rate with its numerator and
//! denominator, split by level, lead department, category and meeting.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::{ClockStatus, Snapshot};
use crate::model::event::Step;
use crate::model::{Case, EventType, Named, RateKind, Rating, ReplyResult};

/// A rate: which one, numerator, denominator, and their quotient (none when den is 0).
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Rate {
    /// Which rate it is (the office may print each its own way).
    #[serde(skip)]
    pub(crate) kind: RateKind,
    /// Numerator.
    pub(crate) num: u64,
    /// Denominator.
    pub(crate) den: u64,
    /// num ÷ den, unrounded; `None` when den is 0.
    pub(crate) value: Option<f64>,
}

impl Default for Rate {
    fn default() -> Rate {
        Rate { kind: RateKind::Closure, num: 0, den: 0, value: None }
    }
}

/// Two rates are equal when their counts are: which rate they are is for printing.
impl PartialEq for Rate {
    fn eq(&self, other: &Rate) -> bool {
        (self.num, self.den, self.value) == (other.num, other.den, other.value)
    }
}

impl Rate {
    #[cfg(test)]
    pub(crate) fn of(num: u64, den: u64) -> Rate {
        Rate::of_kind(RateKind::Closure, num, den)
    }

    pub(crate) fn of_kind(kind: RateKind, num: u64, den: u64) -> Rate {
        Rate { kind, num, den, value: (den > 0).then(|| num as f64 / den as f64) }
    }
}

/// The counts of one group (the totals, a level, a department…).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Figures {
    /// Cases received in the period.
    pub(crate) collected: u64,
    /// Cases answered on the spot in the period with a finished outcome (即刻解):
    /// a solution agreed at the meeting is still to be carried out, and is not one.
    pub(crate) answered: u64,
    /// Cases whose first assignment is in the period.
    pub(crate) assigned: u64,
    /// Cases with a reply in the period.
    pub(crate) replied: u64,
    /// Cases collected in the period whose latest reply or on-the-spot answer (as of the date) is `resolved`.
    pub(crate) resolved: u64,
    /// Cases collected in the period by the result they stand at as of the date
    /// (their latest reply or on-the-spot answer that states one): "8 raised, 7 agreed, 1 explained".
    pub(crate) by_result: ByResult,
    /// Cases with a `closed` event in the period (本期办结).
    pub(crate) closed: u64,
    /// Of the cases assigned in the period, those closed as of the date
    /// (交办件办结): the numerator of `closure_rate`, not the same as `closed`.
    pub(crate) assigned_closed: u64,
    /// Clocks overdue as of the date.
    pub(crate) overdue_now: u64,
    /// Of the cases assigned in the period, those closed as of the date.
    pub(crate) closure_rate: Rate,
    /// resolved ÷ collected.
    pub(crate) resolution_rate: Rate,
    /// Department clocks due in the period: met ÷ (met + late + overdue); a clock
    /// ended by a transfer after its due date is late.
    pub(crate) on_time_reply_rate: Rate,
    /// Cases rated in the period, each by its latest rating there:
    /// (satisfied + basically satisfied) ÷ cases rated.
    pub(crate) satisfaction_rate: Rate,
    #[serde(skip)]
    tally: Tally,
}

/// A count per reply result, in the results' declared order; written in JSON
/// as an object with every result's English key (zeros included), so its shape never changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ByResult([u64; ReplyResult::ALL.len()]);

impl ByResult {
    /// Each result with its count, in the declared order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (ReplyResult, u64)> + '_ {
        ReplyResult::ALL.iter().map(|(r, _, _)| (*r, self.0[*r as usize]))
    }
}

impl Serialize for ByResult {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (r, n) in self.iter() {
            map.serialize_entry(r.key(), &n)?;
        }
        map.end()
    }
}

/// Numerators and denominators before they become rates.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Tally {
    clocks_met: u64,
    clocks_late: u64,
    clocks_counted: u64,
    evaluations_good: u64,
    evaluations: u64,
}

impl Figures {
    /// Department clocks due in the period that were met on time.
    pub(crate) fn replied_on_time(&self) -> u64 {
        self.tally.clocks_met
    }

    /// Department clocks due in the period that stopped after their due date.
    pub(crate) fn replied_late(&self) -> u64 {
        self.tally.clocks_late
    }

    /// Department clocks due in the period and still running past it (overdue
    /// as of the date): the part of `overdue_now` that falls in the period.
    pub(crate) fn overdue_in_period(&self) -> u64 {
        self.tally.clocks_counted - self.tally.clocks_met - self.tally.clocks_late
    }

    fn finish(&mut self) {
        let t = self.tally;
        self.closure_rate = Rate::of_kind(RateKind::Closure, self.assigned_closed, self.assigned);
        self.resolution_rate = Rate::of_kind(RateKind::Resolution, self.resolved, self.collected);
        self.on_time_reply_rate = Rate::of_kind(RateKind::OnTimeReply, t.clocks_met, t.clocks_counted);
        self.satisfaction_rate = Rate::of_kind(RateKind::Satisfaction, t.evaluations_good, t.evaluations);
    }
}

/// Every count's JSON key and the one word it is printed under, in every
/// output (report, Excel, bulletin, site, chart): the same word is always the
/// same number. 本期办结 (closed in the period) and 交办件办结 (assigned in the
/// period and closed by the date) are two figures, named apart.
pub(crate) const COUNTS: [(&str, &str); 7] = [
    ("collected", "收集"),
    ("answered", "即刻解"),
    ("assigned", "交办"),
    ("replied", "答复"),
    ("resolved", "解决"),
    ("closed", "本期办结"),
    ("overdue_now", "超期未办"),
];
/// Every rate's JSON key and word.
pub(crate) const RATES: [(&str, &str); 4] = [
    ("closure_rate", "交办件办结率"),
    ("resolution_rate", "解决率"),
    ("on_time_reply_rate", "按时答复率"),
    ("satisfaction_rate", "满意率"),
];
/// All figures of a period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Report {
    /// First day, inclusive.
    pub(crate) from: NaiveDate,
    /// Last day, inclusive.
    pub(crate) to: NaiveDate,
    /// The date the repository is looked at.
    pub(crate) as_of: NaiveDate,
    /// Everything.
    pub(crate) totals: Figures,
    /// By level key.
    pub(crate) by_level: BTreeMap<String, Figures>,
    /// By lead department (cases), responsible department (clocks), or the
    /// lead of the assignment before an evaluation.
    pub(crate) by_department: BTreeMap<String, Figures>,
    /// By category.
    pub(crate) by_category: BTreeMap<String, Figures>,
    /// By meeting id.
    pub(crate) by_meeting: BTreeMap<String, Figures>,
    /// By channel key (meeting, online, written, hotline, visit).
    pub(crate) by_channel: BTreeMap<String, Figures>,
    /// The meetings held in the period.
    pub(crate) meetings: Meetings,
}

/// The meetings held in the period (their date in it, on or before the date
/// looked at), from `meeting.yaml`: "六期42场（市级6场、区县36场），参会企业家361位".
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Meetings {
    /// How many were held.
    pub(crate) held: u64,
    /// How many by level key (a meeting without a level is in none).
    pub(crate) by_level: BTreeMap<String, u64>,
    /// Enterprises attending, summed over the meetings (as each lists them).
    pub(crate) enterprises: u64,
    /// Each meeting: its id, title, date, level, enterprises attending and problems collected.
    pub(crate) list: Vec<HeldMeeting>,
}

impl Meetings {
    /// "召开恳谈会3场（市级2场、区县1场），参会企业12家，收集问题15个" — or that none was held.
    pub(crate) fn words(&self, settings: &crate::model::Settings, each_meeting: bool) -> String {
        let m = self;
        if m.held == 0 {
            return "本期没有召开恳谈会。".to_string();
        }
        let levels: Vec<String> = m.by_level.iter().map(|(k, n)| format!("{}{n}场", settings.level_label(k))).collect();
        let levels = if levels.is_empty() { String::new() } else { format!("（{}）", levels.join("、")) };
        let collected: u64 = m.list.iter().map(|x| x.collected).sum();
        let each: Vec<String> = m.list.iter().map(|x| format!("{} {}个", x.id, x.collected)).collect();
        let each = if each_meeting { format!("（{}）", each.join("、")) } else { String::new() };
        // A meeting.yaml that lists no enterprises says nothing of them: no "0 家".
        let attending = if m.enterprises > 0 { format!("，参会企业{}家", m.enterprises) } else { String::new() };
        format!("召开恳谈会{}场{levels}{attending}，收集问题{collected}个{each}。", m.held)
    }
}

/// One meeting held in the period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct HeldMeeting {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) date: NaiveDate,
    pub(crate) level: Option<String>,
    pub(crate) enterprises: u64,
    /// Problems of the meeting collected in the period (its `by_meeting` 收集).
    pub(crate) collected: u64,
}

/// The groups a case falls in, besides the totals.
struct Keys<'a> {
    level: Option<&'a str>,
    department: Option<&'a str>,
    category: Option<&'a str>,
    meeting: Option<&'a str>,
    channel: Option<&'static str>,
}

impl Report {
    fn each(&mut self, keys: &Keys, department: Option<&str>, f: impl Fn(&mut Figures)) {
        f(&mut self.totals);
        let groups = [
            (&mut self.by_level, keys.level),
            (&mut self.by_department, department.or(keys.department)),
            (&mut self.by_category, keys.category),
            (&mut self.by_meeting, keys.meeting),
            (&mut self.by_channel, keys.channel),
        ];
        for (map, key) in groups {
            if let Some(k) = key {
                // Look up before inserting: the key is allocated once per group, not once per case.
                match map.get_mut(k) {
                    Some(figures) => f(figures),
                    None => f(map.entry(k.to_string()).or_default()),
                }
            }
        }
    }
}

/// Computes the figures of `[from, to]` as of the snapshot's date. Events and
/// cases after the date do not exist.
pub(crate) fn compute(snapshot: &Snapshot, from: NaiveDate, to: NaiveDate) -> Report {
    let as_of = snapshot.as_of;
    let mut r = Report { from, to, as_of, ..Report::default() };
    let in_period = |d: NaiveDate| d >= from && d <= to && d <= as_of;
    let keys = |c| case_keys(c, as_of);
    for case in snapshot.ledger.cases.iter().filter(|c| c.received.as_ref().is_some_and(|d| d.value <= as_of)) {
        // Everything counted needs the receipt or an event in the period: skip the rest cheaply.
        let received_in = case.received.as_ref().is_some_and(|d| in_period(d.value));
        if !received_in && !case.timeline.iter().any(|e| in_period(e.date)) {
            continue;
        }
        let k = keys(case);
        let events = case.events_as_of(as_of);
        let has = |kind: EventType| events.iter().any(|e| e.kind == kind && in_period(e.date));
        let collected = received_in;
        let first_assigned = events.iter().find(|e| e.kind == EventType::Assigned).map(|e| e.date);
        let assigned = first_assigned.is_some_and(in_period);
        let closed_by_date = events.iter().any(|e| e.kind == EventType::Closed);
        // The latest answer that states a result, a reply or one on the spot, is where the case stands.
        let standing = collected
            .then(|| events.iter().rev().filter(|e| e.kind.spec().step == Step::Answer).find_map(|e| e.result))
            .flatten();
        let resolved = standing == Some(ReplyResult::Resolved);
        let answered = events.iter().any(|e| e.kind == EventType::Answered && in_period(e.date) && !e.unfinished());
        let (replied, closed) = (has(EventType::Replied), has(EventType::Closed));
        let counted = collected || answered || assigned || replied || resolved || closed;
        if counted {
            r.each(&k, None, |f| {
                f.collected += u64::from(collected);
                f.answered += u64::from(answered);
                f.assigned += u64::from(assigned);
                f.replied += u64::from(replied);
                f.resolved += u64::from(resolved);
                if let Some(r) = standing {
                    f.by_result.0[r as usize] += 1;
                }
                f.closed += u64::from(closed);
                f.assigned_closed += u64::from(assigned && closed_by_date);
            });
        }
        // Satisfaction is over cases: a case's latest rating in the period counts
        // once (a 不满意 followed by a 满意 after the redo is one satisfied case),
        // for the lead department as it stood when the enterprise rated it.
        if let Some((e, lead)) =
            events.iter().zip(case.leads()).filter(|(e, _)| e.kind == EventType::Evaluated && in_period(e.date)).last()
        {
            let good = matches!(e.rating, Some(Rating::Satisfied | Rating::BasicallySatisfied));
            r.each(&Keys { department: None, ..keys(case) }, lead, |f| {
                f.tally.evaluations += 1;
                f.tally.evaluations_good += u64::from(good);
            });
        }
    }
    for c in &snapshot.clocks {
        // A notice's own deadline is the same matter as the clock it supervises: counted once.
        let overdue = c.status == ClockStatus::Overdue && !c.rule.is_notice_deadline();
        // A clock ended by a transfer counts only when the department was already late then.
        let late = c.status == ClockStatus::Late || (c.status == ClockStatus::Transferred && c.days.is_some());
        let counted = (late || matches!(c.status, ClockStatus::Met | ClockStatus::Overdue))
            && in_period(c.due)
            && c.is_department_clock()
            && !c.rule.is_notice_deadline();
        // Most clocks of a large repository are neither: skip them before working out their groups.
        if !overdue && !counted {
            continue;
        }
        let k = Keys { department: None, ..keys(c.case) };
        if overdue {
            r.each(&k, c.responsible, |f| f.overdue_now += 1);
        }
        if counted {
            let met = c.status == ClockStatus::Met;
            r.each(&k, c.responsible, |f| {
                f.tally.clocks_counted += 1;
                f.tally.clocks_met += u64::from(met);
                f.tally.clocks_late += u64::from(late);
            });
        }
    }
    r.meetings = meetings_held(snapshot, &r, from, to);
    r.totals.finish();
    for map in [&mut r.by_level, &mut r.by_department, &mut r.by_category, &mut r.by_meeting, &mut r.by_channel] {
        // A group can be created by a case whose counts in the period are all zero.
        map.retain(|_, f| *f != Figures::default());
        map.values_mut().for_each(Figures::finish);
    }
    r
}

fn meetings_held(snapshot: &Snapshot, r: &Report, from: NaiveDate, to: NaiveDate) -> Meetings {
    let mut out = Meetings::default();
    for m in &snapshot.ledger.meetings {
        let Some(date) = m.date.filter(|d| *d >= from && *d <= to && *d <= snapshot.as_of) else { continue };
        let level = m.level.as_ref().map(|l| l.value.clone());
        out.held += 1;
        if let Some(l) = &level {
            *out.by_level.entry(l.clone()).or_default() += 1;
        }
        let enterprises = m.enterprises.len() as u64;
        out.enterprises += enterprises;
        let collected = r.by_meeting.get(&m.id.value).map_or(0, |f| f.collected);
        out.list.push(HeldMeeting {
            id: m.id.value.clone(),
            title: m.title.clone(),
            date,
            level,
            enterprises,
            collected,
        });
    }
    out.list.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    out
}

fn case_keys(c: &Case, as_of: NaiveDate) -> Keys<'_> {
    Keys {
        level: c.level.as_ref().map(|l| l.value.as_str()),
        department: c.lead_as_of(as_of),
        category: c.category.as_deref(),
        meeting: c.meeting.as_ref().map(|m| m.value.as_str()),
        channel: c.channel.map(crate::model::Named::key),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tests/fixtures/report/basic/README.md shows how each expected value was computed.
    #[test]
    fn figures_match_the_hand_computed_fixture() {
        let ledger = crate::check::fixture("tests/fixtures/report/basic");
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let snapshot = ledger.as_of(d("2026-06-30"));
        let r = compute(&snapshot, d("2026-06-01"), d("2026-06-30"));
        let t = &r.totals;
        assert_eq!(
            (t.collected, t.answered, t.assigned, t.replied, t.resolved, t.closed, t.overdue_now),
            (3, 1, 2, 3, 1, 2, 1)
        );
        assert_eq!((t.assigned_closed, t.closure_rate), (1, Rate::of(1, 2)));
        assert_eq!(t.resolution_rate, Rate::of(1, 3));
        assert_eq!(t.on_time_reply_rate, Rate::of(3, 4));
        // Over cases: R-1 satisfied, R-3 unsatisfied, R-6 unsatisfied then satisfied (counts once, satisfied).
        assert_eq!(t.satisfaction_rate, Rate::of(2, 3));
        let c = &r.by_department["丙局"];
        assert_eq!((c.replied, c.on_time_reply_rate, c.satisfaction_rate), (1, Rate::of(1, 1), Rate::of(1, 1)));

        let a = &r.by_department["甲局"];
        assert_eq!((a.collected, a.assigned, a.replied, a.resolved, a.closed, a.overdue_now), (1, 1, 2, 1, 1, 0));
        assert_eq!((a.closure_rate, a.resolution_rate), (Rate::of(1, 1), Rate::of(1, 1)));
        assert_eq!((a.on_time_reply_rate, a.satisfaction_rate), (Rate::of(2, 2), Rate::of(1, 2)));
        let b = &r.by_department["乙局"];
        assert_eq!((b.collected, b.assigned, b.replied, b.overdue_now), (1, 1, 0, 1));
        assert_eq!((b.closure_rate, b.on_time_reply_rate), (Rate::of(0, 1), Rate::of(0, 1)));
        assert_eq!(b.satisfaction_rate, Rate::default(), "zero denominator has no value");

        let county = &r.by_level["county"];
        assert_eq!((county.collected, county.replied, county.overdue_now), (0, 1, 0));
        assert_eq!(county.resolution_rate.value, None);
        assert_eq!((county.on_time_reply_rate, county.satisfaction_rate), (Rate::of(1, 1), Rate::of(0, 1)));
        assert_eq!(r.by_category["交通出行"].collected, 3);
        assert!(!r.by_department.contains_key("市长"), "answered.by is not a department");
    }

    #[test]
    fn rates_carry_their_numbers() {
        let rate = Rate::of(119, 124);
        assert_eq!((rate.num, rate.den), (119, 124));
        assert!((rate.value.unwrap() - 0.959_677).abs() < 1e-6);
        assert_eq!(Rate::of(0, 0).value, None);
    }
}
