//! Plain typed data: what the case repository says, after reading. No I/O.

pub mod enums;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use enums::{Channel, EventType, Handling, Named, Rating, ReplyResult, Status};

use crate::diag::Pos;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it starts in its file.
    pub pos: Pos,
}

impl<T> Spanned<T> {
    /// A value at a position.
    pub fn new(value: T, pos: Pos) -> Spanned<T> {
        Spanned { value, pos }
    }
}

/// One problem raised by an enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// Path relative to the repository root, with `/`.
    pub file: String,
    /// Unique id, also the file's name.
    pub id: Spanned<String>,
    /// Short title of the problem.
    pub title: String,
    /// Who raised it.
    pub enterprise: Option<Enterprise>,
    /// When it was raised (after meeting defaults are applied).
    pub received: Option<Spanned<NaiveDate>>,
    /// Whether the file itself writes `received` (even if unreadable).
    pub received_written: bool,
    /// How it reached the office (after meeting defaults).
    pub channel: Option<Channel>,
    /// The meeting it was raised at.
    pub meeting: Option<Spanned<String>>,
    /// `city` or `county` (a key of `levels` in the settings).
    pub level: Option<Spanned<String>>,
    /// Free category, e.g. 交通出行.
    pub category: Option<String>,
    /// How it is to be solved.
    pub handling: Option<Handling>,
    /// Free tags, e.g. 典型案例.
    pub tags: Vec<String>,
    /// Similar cases.
    pub related: Vec<Spanned<String>>,
    /// The problem as described.
    pub description: String,
    /// What happened, in order.
    pub timeline: Vec<Event>,
}

/// The enterprise behind a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enterprise {
    /// Registered name.
    pub name: String,
    /// 统一社会信用代码.
    pub credit_code: Option<String>,
    /// Contact person (personal data).
    pub contact: Option<String>,
    /// Phone (personal data).
    pub phone: Option<String>,
}

/// One timeline entry. Which fields may be set depends on `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Where the entry starts.
    pub pos: Pos,
    /// When it happened.
    pub date: NaiveDate,
    /// What happened.
    pub kind: EventType,
    /// The result of a reply.
    pub result: Option<ReplyResult>,
    /// The enterprise's rating.
    pub rating: Option<Rating>,
    /// Lead department (assigned).
    pub lead: Option<Spanned<String>>,
    /// Co-handling departments (assigned).
    pub co: Vec<Spanned<String>>,
    /// Who acted (answered, acknowledged, returned, replied).
    pub by: Option<Spanned<String>>,
    /// Free text: note, text, reason or comment.
    pub text: Option<String>,
    /// Fields only a few kinds have, boxed to keep every event small.
    pub details: Option<Box<EventDetails>>,
}

/// The fields of the less common event kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetails {
    /// Recipients (supervised).
    pub to: Vec<Spanned<String>>,
    /// Due-date override (assigned) or new due date (extended).
    pub due: Option<Spanned<NaiveDate>>,
    /// The rule an extension applies to.
    pub rule: Option<Spanned<String>>,
    /// Who approved an extension.
    pub approved_by: Option<String>,
    /// A document number (supervised, bulletined).
    pub doc: Option<String>,
}

impl Event {
    /// An event of a kind with no fields set.
    pub fn new(pos: Pos, date: NaiveDate, kind: EventType) -> Event {
        Event {
            pos,
            date,
            kind,
            result: None,
            rating: None,
            lead: None,
            co: Vec::new(),
            by: None,
            text: None,
            details: None,
        }
    }

    /// Recipients (supervised).
    pub fn to(&self) -> &[Spanned<String>] {
        self.details.as_ref().map_or(&[], |d| &d.to)
    }

    /// Due-date override (assigned) or new due date (extended).
    pub fn due(&self) -> Option<&Spanned<NaiveDate>> {
        self.details.as_ref().and_then(|d| d.due.as_ref())
    }

    /// The rule an extension applies to.
    pub fn rule(&self) -> Option<&Spanned<String>> {
        self.details.as_ref().and_then(|d| d.rule.as_ref())
    }

    /// A document number (supervised, bulletined).
    pub fn doc(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.doc.as_deref())
    }

    /// Who approved an extension.
    pub fn approved_by(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.approved_by.as_deref())
    }
}

/// A dialogue meeting; cases in its folder inherit its defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// Path relative to the repository root.
    pub file: String,
    /// Unique id.
    pub id: Spanned<String>,
    /// Title of the meeting.
    pub title: String,
    /// Theme.
    pub theme: Option<String>,
    /// When it was held.
    pub date: Option<NaiveDate>,
    /// Level of the meeting.
    pub level: Option<Spanned<String>>,
    /// Who hosted it.
    pub hosts: Vec<String>,
    /// Enterprises that took part.
    pub enterprises: Vec<String>,
}

impl Case {
    /// The lead department of the latest assignment as of a date: whom the
    /// case belongs to in lists, figures and the dashboard.
    pub fn lead_as_of(&self, as_of: NaiveDate) -> Option<&str> {
        self.timeline
            .iter()
            .rfind(|e| e.kind == EventType::Assigned && e.date <= as_of)
            .and_then(|e| e.lead.as_ref())
            .map(|l| l.value.as_str())
    }
}

impl Meeting {
    /// The folder whose cases belong to this meeting, relative, with `/`.
    pub fn folder(&self) -> &str {
        self.file.rsplit_once('/').map_or("", |(dir, _)| dir)
    }
}

/// A department cases can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Department {
    /// Full name, used on documents.
    pub name: String,
    /// Short name.
    pub short: Option<String>,
    /// Other names accepted in case files.
    pub aliases: Vec<String>,
    /// `city` or `county`.
    pub level: Option<String>,
    /// Where it is defined.
    pub pos: Pos,
}

impl Department {
    /// Every name a case file may use for it: the full name and the aliases.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// Repository settings from `qinqing.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// The issuing office's full name.
    pub organization_name: String,
    /// The issuing office's short name.
    pub organization_short: String,
    /// IANA time zone that decides what "today" is.
    pub timezone: String,
    /// Name of the base holiday calendar.
    pub calendar: String,
    /// Where the calendar is named (for messages).
    pub calendar_pos: Pos,
    /// Document number patterns by kind.
    pub numbering: Vec<(String, String)>,
    /// Level keys and their Chinese labels, in order.
    pub levels: Vec<(String, String)>,
    /// Issuing-office mark of standard documents; default: short name + 文件.
    pub organization_mark: Option<String>,
    /// Extra font folders, relative to the repository.
    pub fonts: Vec<String>,
    /// How figures are printed and ranked.
    pub report: ReportSettings,
}

/// `report:` in qinqing.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSettings {
    /// Decimals of a printed percentage.
    pub decimals: u32,
    /// Cut extra decimals instead of rounding them (some offices publish so).
    pub truncate: bool,
    /// Departments with fewer assigned cases are not ranked.
    pub min_cases: u32,
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings { decimals: 2, truncate: false, min_cases: 3 }
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            organization_name: String::new(),
            organization_short: String::new(),
            timezone: "Asia/Shanghai".to_string(),
            calendar: "cn".to_string(),
            calendar_pos: Pos::start(),
            numbering: Vec::new(),
            levels: vec![("city".into(), "市级".into()), ("county".into(), "区县".into())],
            organization_mark: None,
            fonts: Vec::new(),
            report: ReportSettings::default(),
        }
    }
}

impl Settings {
    /// The issuing-office mark (发文机关标志) of standard documents.
    pub fn mark(&self) -> String {
        self.organization_mark.clone().unwrap_or_else(|| format!("{}文件", self.organization_short))
    }

    /// The Chinese label of a level key (市级 for city); the key itself if it has none.
    pub fn level_label<'a>(&'a self, key: &'a str) -> &'a str {
        self.levels.iter().find(|(k, _)| k == key).map_or(key, |(_, label)| label.as_str())
    }

    /// The level key for a key or its label.
    pub fn level_key(&self, text: &str) -> Option<&str> {
        self.levels.iter().find(|(k, l)| k == text || l == text).map(|(k, _)| k.as_str())
    }
}

/// The status a case is in, as of its (already date-filtered) timeline.
pub fn derive_status<'a>(events: impl IntoIterator<Item = &'a Event>) -> Status {
    let mut latest: Option<&Event> = None;
    for e in events {
        match e.kind {
            EventType::Closed => return Status::Closed,
            EventType::Note | EventType::Supervised | EventType::Bulletined => {}
            _ => latest = Some(e),
        }
    }
    match latest {
        None => Status::Received,
        Some(e) => match e.kind {
            EventType::Evaluated if e.rating == Some(Rating::Unsatisfied) => Status::Reopened,
            EventType::Evaluated => Status::Evaluated,
            EventType::Replied => Status::Replied,
            EventType::Assigned | EventType::Acknowledged | EventType::Extended => Status::Assigned,
            EventType::Returned => Status::Returned,
            _ => Status::Answered,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: EventType) -> Event {
        Event::new(Pos::start(), NaiveDate::from_ymd_opt(2026, 6, 3).unwrap(), kind)
    }

    #[test]
    fn status_follows_the_latest_meaningful_event() {
        use EventType::*;
        assert_eq!(derive_status(&[]), Status::Received);
        assert_eq!(derive_status(&[ev(Assigned), ev(Note), ev(Supervised)]), Status::Assigned);
        assert_eq!(derive_status(&[ev(Assigned), ev(Returned)]), Status::Returned);
        assert_eq!(derive_status(&[ev(Assigned), ev(Replied)]), Status::Replied);
        let mut bad = ev(Evaluated);
        bad.rating = Some(Rating::Unsatisfied);
        assert_eq!(derive_status(&[ev(Assigned), ev(Replied), bad.clone()]), Status::Reopened);
        assert_eq!(derive_status(&[ev(Assigned), ev(Replied), bad, ev(Assigned)]), Status::Assigned);
        assert_eq!(derive_status(&[ev(Answered)]), Status::Answered);
        assert_eq!(derive_status(&[ev(Closed), ev(Note)]), Status::Closed);
        assert_eq!(derive_status(&[ev(Replied), ev(Evaluated)]), Status::Evaluated);
    }
}
