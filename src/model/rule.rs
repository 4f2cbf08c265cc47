//! Deadline rules as data: what a rule file says, and the tables that read it.
//! The clocks they produce are computed in `check::clock`.

use serde::Serialize;

use crate::diag::{Pos, Severity};
use crate::model::field::{enum_values, field, Field, Ty};
use crate::model::{Case, Channel, Event, EventType, Handling, Named, Rating, ReplyResult, Settings};

/// One deadline rule from `rules/*.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    /// Stable id, e.g. `reply`.
    pub(crate) id: String,
    /// Chinese title, e.g. 交办后两周内办理回复.
    pub(crate) title: String,
    /// Case conditions; all must match.
    pub(crate) when: Vec<CaseCondition>,
    /// What opens a clock.
    pub(crate) start: Vec<Trigger>,
    /// What stops it.
    pub(crate) stop: Vec<Trigger>,
    /// The time limit.
    pub(crate) within: Within,
    /// The due-soon window.
    pub(crate) warn: Option<Interval>,
    /// Who must act.
    pub(crate) responsible: Responsible,
    /// Severity of an overdue clock.
    pub(crate) severity: Severity,
    /// What an overdue clock calls for, and when.
    pub(crate) notices: Vec<NoticeStep>,
    /// Whether a due date on a rest day moves to the next working day.
    pub(crate) roll: bool,
    /// The file the rule is defined in.
    pub(crate) file: String,
    /// Where the rule starts.
    pub(crate) pos: Pos,
}

impl Rule {
    /// Whether its clocks run on a notice's own deadline (started only by
    /// events that record a notice, as the 督办通知's 请于…前办结): they carry
    /// the escalation on, and are not counted again in on-time rates.
    pub(crate) fn is_notice_deadline(&self) -> bool {
        !self.start.is_empty()
            && self.start.iter().all(|t| matches!(t.on, TriggerOn::Event(k) if k.spec().records.is_some()))
    }
}

/// A case field a rule's `when` can match. Everything about one is in this
/// enum's `impl`: its key, its doc, how its values are read and how a case is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CaseField {
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

impl CaseField {
    /// Every field, in the order the schema lists them.
    pub(crate) const ALL: [CaseField; 5] =
        [CaseField::Level, CaseField::Handling, CaseField::Channel, CaseField::Category, CaseField::Tags];

    /// The `when:` table, for the reader and the schema.
    pub(crate) const FIELDS: [Field; 5] = [
        CaseField::Level.field(),
        CaseField::Handling.field(),
        CaseField::Channel.field(),
        CaseField::Category.field(),
        CaseField::Tags.field(),
    ];

    const fn field(self) -> Field {
        let (key, doc) = match self {
            CaseField::Level => ("level", "层级"),
            CaseField::Handling => ("handling", "办理方式"),
            CaseField::Channel => ("channel", "来源渠道"),
            CaseField::Category => ("category", "问题类别"),
            CaseField::Tags => ("tags", "标签（任一）"),
        };
        field(key, false, Ty::TextOrList, doc)
    }

    /// The key in a rule file.
    pub(crate) const fn key(self) -> &'static str {
        self.field().name
    }

    /// A value as written in a rule, normalised to what cases hold (English keys
    /// for enumerations, level keys for level labels); `None` if it is not a valid value.
    pub(crate) fn normalise(self, value: &str, settings: &Settings) -> Option<String> {
        match self {
            CaseField::Level => settings.level_key(value).map(str::to_string),
            CaseField::Handling => Handling::parse(value).map(|h| h.key().to_string()),
            CaseField::Channel => Channel::parse(value).map(|c| c.key().to_string()),
            CaseField::Category | CaseField::Tags => Some(value.to_string()),
        }
    }

    /// Whether a case's value of this field is any of `values` (normalised).
    pub(crate) fn matches(self, case: &Case, values: &[String]) -> bool {
        let any = |v: Option<&str>| v.is_some_and(|v| values.iter().any(|x| x == v));
        match self {
            CaseField::Level => any(case.level.as_ref().map(|l| l.value.as_str())),
            CaseField::Handling => any(case.handling.map(Named::key)),
            CaseField::Channel => any(case.channel.map(Named::key)),
            CaseField::Category => any(case.category.as_deref()),
            CaseField::Tags => case.tags.iter().any(|t| any(Some(t))),
        }
    }
}

/// `field` is any of `values` (values normalised to English keys where enumerated).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CaseCondition {
    /// The case field.
    pub(crate) field: CaseField,
    /// The accepted values.
    pub(crate) values: Vec<String>,
}

/// What opens or stops a clock.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Trigger {
    /// `received`, or an event type.
    pub(crate) on: TriggerOn,
    /// Event field conditions, all of which must match (values normalised).
    pub(crate) conditions: Vec<(EventField, String)>,
}

/// The date a trigger looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TriggerOn {
    /// The case's `received` date.
    Received,
    /// The date of the case's meeting (a case in no meeting has none).
    Meeting,
    /// When the office has the question in hand: the later of its received date
    /// and its meeting's date (a question sent in before the meeting is taken up at it).
    Intake,
    /// A timeline event.
    Event(EventType),
}

/// An event field a trigger can test (`{ event: evaluated, rating: unsatisfied }`).
/// Everything about one is in this enum's `impl`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventField {
    /// `rating` of an evaluation.
    Rating,
    /// `result` of a reply.
    Result,
    /// `lead` of an assignment.
    Lead,
    /// `by` of an event.
    By,
    /// Whether an answer or reply settles the matter (`true`), or leaves it
    /// open with a promise (`false`: being solved, agreed, planned). An answer
    /// without a result settles it.
    Finished,
}

impl EventField {
    /// Every field.
    pub(crate) const ALL: [EventField; 5] =
        [EventField::Rating, EventField::Result, EventField::Lead, EventField::By, EventField::Finished];

    /// The key in a trigger.
    pub(crate) const fn key(self) -> &'static str {
        match self {
            EventField::Rating => "rating",
            EventField::Result => "result",
            EventField::Lead => "lead",
            EventField::By => "by",
            EventField::Finished => "finished",
        }
    }

    /// A condition's value normalised to what events hold; `None` if invalid.
    pub(crate) fn normalise(self, value: &str) -> Option<String> {
        match self {
            EventField::Rating => Rating::parse(value).map(|r| r.key().to_string()),
            EventField::Result => ReplyResult::parse(value).map(|r| r.key().to_string()),
            EventField::Lead | EventField::By => Some(value.to_string()),
            EventField::Finished => match value.to_ascii_lowercase().as_str() {
                "true" | "是" => Some("true".into()),
                "false" | "否" => Some("false".into()),
                _ => None,
            },
        }
    }

    /// The event's value of this field.
    pub(crate) fn of(self, e: &Event) -> Option<&str> {
        match self {
            EventField::Rating => e.rating.map(Named::key),
            EventField::Result => e.result.map(Named::key),
            EventField::Lead => e.lead.as_ref().map(|s| s.value.as_str()),
            EventField::By => e.by.as_ref().map(|s| s.value.as_str()),
            EventField::Finished => (e.kind.spec().step == crate::model::event::Step::Answer)
                .then_some(if e.unfinished() { "false" } else { "true" }),
        }
    }
}

/// The spellings a trigger's `event` takes: `received`, `meeting`, `intake` and every event kind.
pub(crate) fn trigger_names() -> Vec<&'static str> {
    let mut names = enum_values::<EventType>();
    names.extend(["received", "meeting", "intake"]);
    names
}

/// The keys of a trigger written as a mapping.
pub(crate) const TRIGGER_FIELDS: &[Field] = &[
    field("event", true, Ty::Enum(trigger_names), "起止事件：received 或事件类型"),
    field(EventField::Rating.key(), false, Ty::Text, "评价为此值时才算"),
    field(EventField::Result.key(), false, Ty::Text, "办理结果为此值时才算"),
    field(EventField::Lead.key(), false, Ty::Text, "主办部门为此值时才算"),
    field(EventField::By.key(), false, Ty::Text, "办理部门为此值时才算"),
    field(
        EventField::Finished.key(),
        false,
        Ty::Bool,
        "true：答复已办结（已解决、政策解释、无法解决）；false：正在解决、达成方案、列入计划",
    ),
];

/// The keys of a rule file.
pub(crate) const RULE_FILE_FIELDS: &[Field] = &[field("rules", true, Ty::List(RULE_FIELDS), "时限规则列表")];

/// The keys of one rule.
pub(crate) const RULE_FIELDS: &[Field] = &[
    field("id", true, Ty::Text, "规则编号，如 reply；延期事件用它指明延哪条规则"),
    field("title", false, Ty::Text, "规则说明，如 交办后两周内办理回复"),
    field(
        "when",
        false,
        Ty::Map(&CaseField::FIELDS),
        "只对符合条件的案件计时：level、handling、channel、category、tags",
    ),
    field("start", true, Ty::Triggers, "起算事件：received 或事件类型，可带条件，可为列表"),
    field("stop", true, Ty::Triggers, "止算事件，同上"),
    field(
        "within",
        true,
        Ty::Text,
        "时限：2 workdays、14 days、2 weeks、1 month、end of month、end of next month；promise 为起算事件写明的承诺办结日期",
    ),
    field("warn", false, Ty::Text, "到期前提醒：N workdays 或 N days"),
    field(
        "responsible",
        false,
        Ty::Enum(|| vec!["office", "assignee"]),
        "责任方：office（本办）或 assignee（主办部门）",
    ),
    field("severity", false, Ty::Enum(|| vec!["error", "warning"]), "超期的严重程度，默认 error"),
    field(
        "notices",
        false,
        Ty::List(NOTICE_FIELDS),
        "超期后应发的文书：{ after: 0 days, kind: supervision | bulletin }",
    ),
    field("roll", false, Ty::Bool, "期限末日为休息日时顺延至下一工作日，默认 true"),
];

/// The keys of one step of a rule's `notices`.
pub(crate) const NOTICE_FIELDS: &[Field] = &[
    field("after", true, Ty::Text, "超期多久后：N days 或 N workdays"),
    field("kind", true, Ty::Enum(enum_values::<NoticeKind>), "supervision（督办）或 bulletin（通报）"),
];

/// A rule's time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Within {
    /// The N-th working day after the start.
    Workdays(u32),
    /// N calendar days (weeks are 7N days).
    Days(u32),
    /// The same day N months later, clamped to the month's end.
    Months(u32),
    /// The last day of the start's month plus N months.
    EndOfMonth(u32),
    /// The completion date its starting event promises (`promise:`); an event
    /// promising nothing starts no clock of such a rule.
    Promise,
}

/// A span of working or calendar days (warn windows, notice delays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Interval {
    /// Working days.
    Workdays(u32),
    /// Calendar days.
    Days(u32),
}

/// Who has to act on a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Responsible {
    /// The office itself.
    Office,
    /// The lead department of the assignment.
    Assignee,
}

crate::model::named_enum!(
    /// A notice an overdue clock calls for.
    NoticeKind, "文书种类", {
    /// 督办通知.
    Supervision = "supervision" / "督办",
    /// 通报.
    Bulletin = "bulletin" / "通报",
});

/// One step of a rule's notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NoticeStep {
    /// How long the clock must have been overdue.
    pub(crate) after: Interval,
    /// What it calls for.
    pub(crate) kind: NoticeKind,
}

/// Parses a time limit: `2 workdays`, `14 days`, `2 weeks`, `1 month`,
/// `end of month`, `end of next month`, or the Chinese `2个工作日`, `14天`,
/// `2周`, `1个月`, `当月底`, `次月底`.
pub(crate) fn parse_within(text: &str) -> Option<Within> {
    let t = text.trim();
    match t {
        "end of month" | "当月底" | "月底" => return Some(Within::EndOfMonth(0)),
        "end of next month" | "次月底" => return Some(Within::EndOfMonth(1)),
        "promise" | "承诺日期" => return Some(Within::Promise),
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
pub(crate) fn parse_interval(text: &str) -> Option<Interval> {
    match parse_within(text)? {
        Within::Workdays(n) => Some(Interval::Workdays(n)),
        Within::Days(n) => Some(Interval::Days(n)),
        _ => None,
    }
}

/// Longest time limit accepted: ten years of days. Longer ones are mistakes,
/// and walking day by day through them would take unbounded time.
pub(crate) const MAX_DURATION: u32 = 3660;

fn split_number(t: &str) -> Option<(u32, &str)> {
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let n: u32 = t[..digits].parse().ok()?;
    (n <= MAX_DURATION).then_some((n, t[digits..].trim()))
}

/// The built-in default rules, written by `init`.
pub(crate) const BUILTIN_RULES: &str = include_str!("../../rules/deadlines.yaml");

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
