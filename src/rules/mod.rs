//! Deadline rules: what they say, and the clocks they produce as of a date.

pub mod clock;
pub mod due;

use serde::Serialize;

use crate::diag::{Pos, Severity};
use crate::model::EventType;

pub use clock::{evaluate_case, Clock, ClockStatus};

/// One deadline rule from `rules/*.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Stable id, e.g. `reply`.
    pub id: String,
    /// Chinese title, e.g. 交办后两周内办理回复.
    pub title: String,
    /// Case conditions; all must match.
    pub when: Vec<CaseCondition>,
    /// What opens a clock.
    pub start: Vec<Trigger>,
    /// What stops it.
    pub stop: Vec<Trigger>,
    /// The time limit.
    pub within: Within,
    /// The due-soon window.
    pub warn: Option<Interval>,
    /// Who must act.
    pub responsible: Responsible,
    /// Severity of an overdue clock.
    pub severity: Severity,
    /// What an overdue clock calls for, and when.
    pub notices: Vec<NoticeStep>,
    /// Whether a due date on a rest day moves to the next working day.
    pub roll: bool,
    /// The file the rule is defined in.
    pub file: String,
    /// Where the rule starts.
    pub pos: Pos,
}

/// A case field a rule's `when` can match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseField {
    /// `level`.
    Level,
    /// `handling`.
    Handling,
    /// `channel`.
    Channel,
    /// `category`.
    Category,
    /// `tags` (any tag matches).
    Tags,
}

/// `field` is any of `values` (values normalised to English keys where enumerated).
#[derive(Debug, Clone, PartialEq)]
pub struct CaseCondition {
    /// The case field.
    pub field: CaseField,
    /// The accepted values.
    pub values: Vec<String>,
}

/// What opens or stops a clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// `received`, or an event type.
    pub on: TriggerOn,
    /// Event field conditions, all of which must match (values normalised).
    pub conditions: Vec<(EventField, String)>,
}

/// The date a trigger looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerOn {
    /// The case's `received` date.
    Received,
    /// A timeline event.
    Event(EventType),
}

/// An event field a trigger can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventField {
    /// `rating` of an evaluation.
    Rating,
    /// `result` of a reply.
    Result,
    /// `lead` of an assignment.
    Lead,
    /// `by` of an event.
    By,
}

impl EventField {
    /// Every field with its key.
    pub const ALL: &'static [(EventField, &'static str)] = &[
        (EventField::Rating, "rating"),
        (EventField::Result, "result"),
        (EventField::Lead, "lead"),
        (EventField::By, "by"),
    ];
}

/// A rule's time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// The N-th working day after the start.
    Workdays(u32),
    /// N calendar days (weeks are 7N days).
    Days(u32),
    /// The same day N months later, clamped to the month's end.
    Months(u32),
    /// The last day of the start's month plus N months.
    EndOfMonth(u32),
}

/// A span of working or calendar days (warn windows, notice delays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    /// Working days.
    Workdays(u32),
    /// Calendar days.
    Days(u32),
}

/// Who has to act on a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Responsible {
    /// The office itself.
    Office,
    /// The lead department of the assignment.
    Assignee,
}

/// A notice an overdue clock calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// 督办通知.
    Supervision,
    /// 通报.
    Bulletin,
}

impl NoticeKind {
    /// Stable key.
    pub fn key(self) -> &'static str {
        match self {
            NoticeKind::Supervision => "supervision",
            NoticeKind::Bulletin => "bulletin",
        }
    }
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            NoticeKind::Supervision => "督办",
            NoticeKind::Bulletin => "通报",
        }
    }
}

/// One step of a rule's notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeStep {
    /// How long the clock must have been overdue.
    pub after: Interval,
    /// What it calls for.
    pub kind: NoticeKind,
}

/// Parses a time limit: `2 workdays`, `14 days`, `2 weeks`, `1 month`,
/// `end of month`, `end of next month`, or the Chinese `2个工作日`, `14天`,
/// `2周`, `1个月`, `当月底`, `次月底`.
pub fn parse_within(text: &str) -> Option<Within> {
    let t = text.trim();
    match t {
        "end of month" | "当月底" | "月底" => return Some(Within::EndOfMonth(0)),
        "end of next month" | "次月底" => return Some(Within::EndOfMonth(1)),
        _ => {}
    }
    let (n, unit) = split_number(t)?;
    match unit {
        "workday" | "workdays" | "工作日" | "个工作日" => Some(Within::Workdays(n)),
        "day" | "days" | "天" | "日" => Some(Within::Days(n)),
        "week" | "weeks" | "周" | "星期" | "个星期" => Some(Within::Days(n.checked_mul(7)?)),
        "month" | "months" | "月" | "个月" => Some(Within::Months(n)),
        _ => None,
    }
}

/// Parses a window or delay: `N workdays` or `N days` (weeks as 7N days).
pub fn parse_interval(text: &str) -> Option<Interval> {
    match parse_within(text)? {
        Within::Workdays(n) => Some(Interval::Workdays(n)),
        Within::Days(n) => Some(Interval::Days(n)),
        _ => None,
    }
}

/// Longest time limit accepted: ten years of days. Longer ones are mistakes,
/// and walking day by day through them would take unbounded time.
pub const MAX_DURATION: u32 = 3660;

fn split_number(t: &str) -> Option<(u32, &str)> {
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let n: u32 = t[..digits].parse().ok()?;
    (n <= MAX_DURATION).then_some((n, t[digits..].trim()))
}

/// The built-in default rules, written by `init`.
pub const BUILTIN_RULES: &str = include_str!("../../rules/deadlines.yaml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_english_and_chinese() {
        assert_eq!(parse_within("2 workdays"), Some(Within::Workdays(2)));
        assert_eq!(parse_within("1 workday"), Some(Within::Workdays(1)));
        assert_eq!(parse_within("14 days"), Some(Within::Days(14)));
        assert_eq!(parse_within("0 days"), Some(Within::Days(0)));
        assert_eq!(parse_within("2 weeks"), Some(Within::Days(14)));
        assert_eq!(parse_within("3 months"), Some(Within::Months(3)));
        assert_eq!(parse_within("end of month"), Some(Within::EndOfMonth(0)));
        assert_eq!(parse_within("end of next month"), Some(Within::EndOfMonth(1)));
        assert_eq!(parse_within("2个工作日"), Some(Within::Workdays(2)));
        assert_eq!(parse_within("14天"), Some(Within::Days(14)));
        assert_eq!(parse_within("次月底"), Some(Within::EndOfMonth(1)));
        assert_eq!(parse_within("two weeks"), None);
        assert_eq!(parse_within("2 fortnights"), None);
        assert_eq!(parse_within("4000000000 workdays"), None);
        assert_eq!(parse_within("3661 days"), None);
        assert_eq!(parse_within("3660 days"), Some(Within::Days(3660)));
        assert_eq!(parse_interval("3 days"), Some(Interval::Days(3)));
        assert_eq!(parse_interval("end of month"), None);
    }
}
