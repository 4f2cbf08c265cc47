//! Plain typed data: what the case repository says, after reading. No I/O.

pub(crate) mod document;
pub(crate) mod enums;
pub(crate) mod event;
pub(crate) mod field;
pub(crate) mod ids;
pub(crate) mod notify;
pub(crate) mod role;
pub(crate) mod rule;
pub(crate) mod sheet;
pub(crate) mod submission;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub(crate) use document::DocKind;
pub(crate) use enums::{named_enum, Channel, Handling, Named, RateKind, Rating, ReplyResult, Status, Via};
pub(crate) use event::{EventType, Piece, StatusEffect};
pub(crate) use submission::Submission;

use crate::diag::Pos;

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Spanned<T> {
    /// The value.
    pub(crate) value: T,
    /// Where it starts in its file.
    pub(crate) pos: Pos,
}

impl<T> Spanned<T> {
    /// A value at a position.
    pub(crate) fn new(value: T, pos: Pos) -> Spanned<T> {
        Spanned { value, pos }
    }
}

/// One problem raised by an enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Case {
    /// Path relative to the repository root, with `/`.
    pub(crate) file: String,
    /// Unique id, also the file's name.
    pub(crate) id: Spanned<String>,
    /// Short title of the problem.
    pub(crate) title: String,
    /// Who raised it.
    pub(crate) enterprise: Option<Enterprise>,
    /// When it was raised (after meeting defaults are applied).
    pub(crate) received: Option<Spanned<NaiveDate>>,
    /// Whether the file itself writes `received` (even if unreadable).
    pub(crate) received_written: bool,
    /// How it reached the office (after meeting defaults).
    pub(crate) channel: Option<Channel>,
    /// The meeting it was raised at.
    pub(crate) meeting: Option<Spanned<String>>,
    /// That meeting's date (after meeting defaults): a clock may start at it.
    #[serde(default)]
    pub(crate) meeting_date: Option<NaiveDate>,
    /// `city` or `county` (a key of `levels` in the settings).
    pub(crate) level: Option<Spanned<String>>,
    /// Whether `level` is the meeting's: a wrong one is reported once, at `meeting.yaml`.
    pub(crate) level_from_meeting: bool,
    /// Free category, e.g. 交通出行.
    pub(crate) category: Option<String>,
    /// How it is to be solved.
    pub(crate) handling: Option<Handling>,
    /// Free tags, e.g. 典型案例.
    pub(crate) tags: Vec<String>,
    /// Similar cases.
    pub(crate) related: Vec<Spanned<String>>,
    /// The problem as described.
    pub(crate) description: String,
    /// The sheet row it was imported from.
    pub(crate) source: Option<Source>,
    /// The online submission it was accepted from.
    pub(crate) submission: Option<Spanned<String>>,
    /// The units a list before the meeting named, not yet assigned (拟牵头单位).
    #[serde(default)]
    pub(crate) proposed: Option<Proposed>,
    /// What happened, in order.
    pub(crate) timeline: Vec<Event>,
}

/// Where an imported case came from: the sheet's file name and the row's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Source {
    /// The file's name, without its folder.
    pub(crate) file: String,
    /// What recognises the row in any file it comes again in: its 序号 (in a
    /// meeting), a hotline's ticket number, or a digest of its enterprise and problem.
    pub(crate) key: String,
    /// The row it was on (from 1), for telling the user where a case came from.
    pub(crate) row: Option<u32>,
}

/// The units proposed to handle a case before it is assigned (a list before
/// the meeting names them so they prepare): `assign --meeting` without `--lead` assigns to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Proposed {
    /// The proposed lead department.
    pub(crate) lead: Spanned<String>,
    /// The proposed co-handling departments.
    pub(crate) co: Vec<Spanned<String>>,
}

/// The enterprise behind a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Enterprise {
    /// Registered name.
    pub(crate) name: String,
    /// 统一社会信用代码.
    pub(crate) credit_code: Option<String>,
    /// Contact person (personal data).
    pub(crate) contact: Option<String>,
    /// Phone (personal data).
    pub(crate) phone: Option<String>,
    /// Email, for telling it a reply came (personal data).
    #[serde(default)]
    pub(crate) email: Option<String>,
}

/// One timeline entry. Which fields may be set depends on `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Event {
    /// Where the entry starts.
    pub(crate) pos: Pos,
    /// When it happened.
    pub(crate) date: NaiveDate,
    /// What happened.
    pub(crate) kind: EventType,
    /// The result of a reply.
    pub(crate) result: Option<ReplyResult>,
    /// The enterprise's rating.
    pub(crate) rating: Option<Rating>,
    /// Lead department (assigned).
    pub(crate) lead: Option<Spanned<String>>,
    /// Co-handling departments (assigned).
    pub(crate) co: Vec<Spanned<String>>,
    /// Who acted (answered, acknowledged, returned, replied).
    pub(crate) by: Option<Spanned<String>>,
    /// Free text: note, text, reason or comment.
    pub(crate) text: Option<String>,
    /// Fields only a few kinds have, boxed to keep every event small.
    pub(crate) details: Option<Box<EventDetails>>,
}

/// The fields of the less common event kinds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct EventDetails {
    /// Recipients (supervised).
    pub(crate) to: Vec<Spanned<String>>,
    /// Due-date override (assigned) or new due date (extended).
    pub(crate) due: Option<Spanned<NaiveDate>>,
    /// The completion date promised with an unfinished outcome (replied, answered).
    pub(crate) promise: Option<Spanned<NaiveDate>>,
    /// The rule an extension applies to.
    pub(crate) rule: Option<Spanned<String>>,
    /// Who approved an extension.
    pub(crate) approved_by: Option<String>,
    /// A document number (supervised, bulletined).
    pub(crate) doc: Option<String>,
    /// Why (returned, extended, closed, transferred).
    pub(crate) reason: Option<String>,
    /// The department a transfer takes the case from.
    pub(crate) from: Option<Spanned<String>>,
    /// What a joint meeting decided.
    pub(crate) decision: Option<String>,
    /// Who took part in a joint meeting.
    pub(crate) participants: Vec<String>,
    /// How an evaluation came (evaluated).
    pub(crate) via: Option<Via>,
    /// What the office asked the enterprise before the formal reply (pre_visited), for it to answer.
    pub(crate) question: Option<String>,
}

impl Event {
    /// An event of a kind with no fields set.
    pub(crate) fn new(pos: Pos, date: NaiveDate, kind: EventType) -> Event {
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
    pub(crate) fn to(&self) -> &[Spanned<String>] {
        self.details.as_ref().map_or(&[], |d| &d.to)
    }

    /// Due-date override (assigned) or new due date (extended).
    pub(crate) fn due(&self) -> Option<&Spanned<NaiveDate>> {
        self.details.as_ref().and_then(|d| d.due.as_ref())
    }

    /// The completion date promised with an unfinished outcome (replied, answered).
    pub(crate) fn promise(&self) -> Option<&Spanned<NaiveDate>> {
        self.details.as_ref().and_then(|d| d.promise.as_ref())
    }

    /// Whether it leaves the matter open with a promise to finish: an answer or
    /// reply whose outcome is unfinished (being solved, agreed, planned).
    pub(crate) fn unfinished(&self) -> bool {
        self.result.is_some_and(|r| !r.finished())
    }

    /// The rule an extension applies to.
    pub(crate) fn rule(&self) -> Option<&Spanned<String>> {
        self.details.as_ref().and_then(|d| d.rule.as_ref())
    }

    /// A document number (supervised, bulletined).
    pub(crate) fn doc(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.doc.as_deref())
    }

    /// Who approved an extension.
    pub(crate) fn question(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.question.as_deref())
    }

    /// How an evaluation came.
    pub(crate) fn via(&self) -> Option<Via> {
        self.details.as_ref().and_then(|d| d.via)
    }

    /// Who approved an extension.
    pub(crate) fn approved_by(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.approved_by.as_deref())
    }

    /// Why (returned, extended, closed).
    pub(crate) fn reason(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.reason.as_deref())
    }

    /// The department a transfer takes the case from.
    pub(crate) fn from(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.from.as_ref()).map(|f| f.value.as_str())
    }

    /// What a joint meeting decided.
    pub(crate) fn decision(&self) -> Option<&str> {
        self.details.as_ref().and_then(|d| d.decision.as_deref())
    }

    /// Who took part in a joint meeting.
    pub(crate) fn participants(&self) -> &[String] {
        self.details.as_ref().map_or(&[], |d| &d.participants)
    }
}

/// A dialogue meeting; cases in its folder inherit its defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Meeting {
    /// Path relative to the repository root.
    pub(crate) file: String,
    /// Unique id.
    pub(crate) id: Spanned<String>,
    /// Title of the meeting.
    pub(crate) title: String,
    /// Theme.
    pub(crate) theme: Option<String>,
    /// When it was held.
    pub(crate) date: Option<NaiveDate>,
    /// Level of the meeting.
    pub(crate) level: Option<Spanned<String>>,
    /// Who held it (主办单位); the office when absent.
    pub(crate) organiser: Option<String>,
    /// Its number in a series (期数).
    pub(crate) session: Option<String>,
    /// Who hosted it.
    pub(crate) hosts: Vec<String>,
    /// Enterprises that took part.
    pub(crate) enterprises: Vec<String>,
}

impl Case {
    /// The lead department as of a date (of the latest event whose kind sets
    /// it): whom the case belongs to in lists, figures, documents and the dashboard.
    /// The timeline is in date order (`check` puts it so).
    pub(crate) fn lead_as_of(&self, as_of: NaiveDate) -> Option<&str> {
        self.leads().take(self.events_as_of(as_of).len()).last().flatten()
    }

    /// The lead department as it stands at each event of the timeline (that
    /// event included), in one pass: whom an evaluation, or a clock the event
    /// starts, counts for. The one definition of who holds a case.
    pub(crate) fn leads(&self) -> impl Iterator<Item = Option<&str>> {
        let mut lead = None;
        self.timeline.iter().map(move |e| {
            if e.kind.spec().sets_lead() {
                lead = e.lead.as_ref().map(|l| l.value.as_str());
            }
            lead
        })
    }

    /// Status as of a date.
    pub(crate) fn status_as_of(&self, as_of: NaiveDate) -> Status {
        derive_status(self.events_as_of(as_of))
    }

    /// The timeline as of a date: the events dated on or before it.
    pub(crate) fn events_as_of(&self, as_of: NaiveDate) -> &[Event] {
        &self.timeline[..self.timeline.partition_point(|e| e.date <= as_of)]
    }

    /// The latest answer (a reply, or one at the meeting) as of a date while it waits for the enterprise's
    /// rating: none rated since, and the case not closed. With its place in [`Case::events_as_of`].
    pub(crate) fn answer_awaiting_rating(&self, as_of: NaiveDate) -> Option<(usize, &Event)> {
        let events = self.events_as_of(as_of);
        let at = events.iter().rposition(|e| e.kind.spec().step == event::Step::Answer)?;
        let rated = events[at..].iter().any(|e| e.kind == EventType::Evaluated);
        (!rated && self.status_as_of(as_of) != Status::Closed).then(|| (at, &events[at]))
    }
}

impl Meeting {
    /// The folder whose cases belong to this meeting, relative, with `/`.
    pub(crate) fn folder(&self) -> &str {
        self.file.rsplit_once('/').map_or("", |(dir, _)| dir)
    }
}

/// A department cases can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Department {
    /// Full name, used on documents.
    pub(crate) name: String,
    /// Short name.
    pub(crate) short: Option<String>,
    /// Other names accepted in case files.
    pub(crate) aliases: Vec<String>,
    /// `city` or `county`.
    pub(crate) level: Option<String>,
    /// Where it is defined.
    pub(crate) pos: Pos,
}

impl Department {
    /// Every name a case file may use for it: the full name, the short name and the aliases.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.short.as_deref()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// Repository settings from `qinqing.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Settings {
    /// The issuing office's full name.
    pub(crate) organization_name: String,
    /// The issuing office's short name.
    pub(crate) organization_short: String,
    /// The IANA time zone that decides what "today" is, read once.
    pub(crate) timezone: chrono_tz::Tz,
    /// Name of the base holiday calendar.
    pub(crate) calendar: String,
    /// Where the calendar is named (for messages).
    pub(crate) calendar_pos: Pos,
    /// Document number patterns by kind.
    pub(crate) numbering: Vec<(String, String)>,
    /// Level keys and their Chinese labels, in order.
    pub(crate) levels: Vec<(String, String)>,
    /// The name in the issuing-office mark (全称 or 规范化简称), the office's
    /// explicit choice; default: the full name. Never derived from `short`.
    pub(crate) organization_mark: Option<String>,
    /// Extra font folders, relative to the repository.
    pub(crate) fonts: Vec<String>,
    /// Documents are printed on one side: the 版记 goes on the last page, odd or even.
    pub(crate) single_sided: bool,
    /// How a meeting's problems go out when assigned (`assignment:`).
    pub(crate) assignment_by: AssignmentBy,
    /// Id patterns of new cases and meetings, with `{year}` and `{seq}` or `{seq:04}`.
    pub(crate) ids: IdPatterns,
    /// How figures are printed and ranked.
    pub(crate) report: ReportSettings,
    /// A city's own problem-list headers and the columns they are (`import: columns:`).
    pub(crate) import_columns: Vec<(String, String)>,
    /// `import: values:`: what the office's own values in a column mean.
    pub(crate) import_values: Vec<crate::model::sheet::ValueMap>,
    /// Where reminders go (`notify:`).
    pub(crate) notify: notify::NotifySettings,
    /// The web server's address as people reach it (`serve.url`): links in receipts and one-time links.
    pub(crate) serve_url: Option<String>,
    /// The office's contact line printed on receipts (`serve.contact`).
    pub(crate) serve_contact: Option<String>,
    /// Online submissions (`serve.submissions` and its limits).
    pub(crate) submissions: SubmissionSettings,
}

/// `ids:` in qinqing.yaml: how new cases and meetings are numbered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IdPatterns {
    /// Cases, e.g. `HZ-{year}-{seq:04}`.
    pub(crate) case: String,
    /// Meetings, e.g. `HZ-M-{year}-{seq}`.
    pub(crate) meeting: String,
    /// Online submissions, e.g. `WS-{year}-{seq:04}`.
    pub(crate) submission: String,
}

impl Default for IdPatterns {
    fn default() -> Self {
        IdPatterns {
            case: "{year}-{seq:04}".into(),
            meeting: "M-{year}-{seq}".into(),
            submission: "WS-{year}-{seq:04}".into(),
        }
    }
}

/// The public submission form (`serve: { submissions: true }`) and its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SubmissionSettings {
    /// Whether `/submit` is served.
    pub(crate) open: bool,
    /// Submissions one address may send in a day.
    pub(crate) per_address: u32,
    /// Submissions taken in a day, from everyone.
    pub(crate) per_day: u32,
    /// Submissions that may wait for the office at once: a full queue takes no more.
    pub(crate) queue: u32,
}

impl Default for SubmissionSettings {
    fn default() -> Self {
        SubmissionSettings { open: false, per_address: 5, per_day: 100, queue: 200 }
    }
}

/// How a meeting's problems go out when they are assigned (`assignment:` in qinqing.yaml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum AssignmentBy {
    /// A letter to each lead department (交办函).
    Letters,
    /// One list to all responsible units under one number (责任清单).
    List,
    /// Both.
    Both,
}

/// `report:` in qinqing.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ReportSettings {
    /// Decimals of a printed percentage.
    pub(crate) decimals: u32,
    /// Cut extra decimals instead of rounding them (some offices publish so).
    pub(crate) truncate: bool,
    /// Departments with fewer assigned cases are not ranked.
    pub(crate) min_cases: u32,
    /// A rate's own decimals and cutting, where the office publishes it
    /// differently (办结率 95.96% cut, 满意率 95.8%), by `RateKind`.
    pub(crate) per_rate: [RateFormat; 4],
}

/// One rate's own way of printing; what it leaves out is the report's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RateFormat {
    /// Decimals.
    pub(crate) decimals: Option<u32>,
    /// Cut instead of rounding.
    pub(crate) truncate: Option<bool>,
}

impl ReportSettings {
    /// The decimals a rate is printed with.
    pub(crate) fn decimals_of(&self, kind: RateKind) -> u32 {
        self.per_rate[kind as usize].decimals.unwrap_or(self.decimals)
    }

    /// Whether a rate's extra decimals are cut.
    pub(crate) fn truncates(&self, kind: RateKind) -> bool {
        self.per_rate[kind as usize].truncate.unwrap_or(self.truncate)
    }

    /// How rates are printed, for a table's footnote: "四舍五入保留2位小数", or each
    /// rate named where they differ ("交办件办结率截尾保留2位小数，满意率四舍五入保留1位小数…").
    pub(crate) fn describe(&self) -> String {
        let way = |k: RateKind| {
            format!("{}保留{}位小数", if self.truncates(k) { "截尾" } else { "四舍五入" }, self.decimals_of(k))
        };
        let ways: Vec<String> = RateKind::ALL.iter().map(|(k, _, _)| way(*k)).collect();
        if ways.iter().all(|w| *w == ways[0]) {
            return ways[0].clone();
        }
        RateKind::ALL.iter().zip(&ways).map(|((k, _, _), w)| format!("{}{w}", k.zh())).collect::<Vec<_>>().join("，")
    }
}

impl Default for ReportSettings {
    fn default() -> Self {
        ReportSettings { decimals: 2, truncate: false, min_cases: 3, per_rate: [RateFormat::default(); 4] }
    }
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            organization_name: String::new(),
            organization_short: String::new(),
            timezone: chrono_tz::Asia::Shanghai,
            calendar: "cn".to_string(),
            calendar_pos: Pos::start(),
            numbering: Vec::new(),
            levels: vec![("city".into(), "市级".into()), ("county".into(), "区县".into())],
            organization_mark: None,
            fonts: Vec::new(),
            single_sided: false,
            assignment_by: AssignmentBy::Letters,
            ids: IdPatterns::default(),
            report: ReportSettings::default(),
            import_columns: Vec::new(),
            import_values: Vec::new(),
            notify: notify::NotifySettings::default(),
            serve_url: None,
            serve_contact: None,
            submissions: SubmissionSettings::default(),
        }
    }
}

impl Settings {
    /// The name the issuing-office mark (发文机关标志) shows: `organization.mark`
    /// without a trailing 文件 (older repositories wrote the whole mark), else the full name.
    pub(crate) fn mark_name(&self) -> &str {
        match self.organization_mark.as_deref() {
            Some(mark) => mark.strip_suffix("文件").filter(|m| !m.is_empty()).unwrap_or(mark),
            None => &self.organization_name,
        }
    }

    /// The mark of a standard document (name + 文件); a letter's mark is the name alone.
    pub(crate) fn mark(&self) -> String {
        format!("{}文件", self.mark_name())
    }

    /// The Chinese label of a level key (市级 for city); the key itself if it has none.
    pub(crate) fn level_label<'a>(&'a self, key: &'a str) -> &'a str {
        self.levels.iter().find(|(k, _)| k == key).map_or(key, |(_, label)| label.as_str())
    }

    /// The level key for a key or its label.
    pub(crate) fn level_key(&self, text: &str) -> Option<&str> {
        self.levels.iter().find(|(k, l)| k == text || l == text).map(|(k, _)| k.as_str())
    }
}

/// The status a case is in, as of its (already date-filtered) timeline: each
/// kind's [`StatusEffect`] decides.
pub(crate) fn derive_status<'a>(events: impl IntoIterator<Item = &'a Event>) -> Status {
    events.into_iter().fold(Status::Received, derive_status_after)
}

/// The status after one more event.
pub(crate) fn derive_status_after(status: Status, e: &Event) -> Status {
    match e.kind.spec().status {
        _ if status == Status::Closed => Status::Closed,
        StatusEffect::Closes => Status::Closed,
        StatusEffect::Keeps => status,
        StatusEffect::Sets(s) => s,
        // A solution agreed at the meeting is still to be assigned and carried out.
        StatusEffect::Answers if e.unfinished() => status,
        StatusEffect::Answers => Status::Answered,
        StatusEffect::Rates if e.rating == Some(Rating::Unsatisfied) => Status::Reopened,
        StatusEffect::Rates => Status::Evaluated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_red_mark_is_the_offices_choice_never_its_short_name() {
        let mut s = Settings {
            organization_name: "长兴县优化营商环境工作领导小组办公室".into(),
            organization_short: "县营商办".into(),
            ..Settings::default()
        };
        assert_eq!(s.mark_name(), "长兴县优化营商环境工作领导小组办公室");
        assert_eq!(s.mark(), "长兴县优化营商环境工作领导小组办公室文件");
        s.organization_mark = Some("长兴县营商办".into());
        assert_eq!((s.mark_name(), s.mark().as_str()), ("长兴县营商办", "长兴县营商办文件"));
        // Older repositories wrote the whole mark: the letter's mark is the name without 文件.
        s.organization_mark = Some("长兴县营商办文件".into());
        assert_eq!((s.mark_name(), s.mark().as_str()), ("长兴县营商办", "长兴县营商办文件"));
    }

    fn ev(kind: EventType) -> Event {
        Event::new(Pos::start(), NaiveDate::from_ymd_opt(2026, 6, 3).unwrap(), kind)
    }

    #[test]
    fn the_lead_follows_each_event_that_sets_it() {
        let with_lead = |kind, lead: &str| {
            let mut e = ev(kind);
            e.lead = Some(Spanned::new(lead.into(), Pos::start()));
            e
        };
        let case = Case {
            file: "cases/A.yaml".into(),
            id: Spanned::new("A".into(), Pos::start()),
            title: String::new(),
            enterprise: None,
            received: None,
            received_written: false,
            level_from_meeting: false,
            meeting_date: None,
            channel: None,
            meeting: None,
            level: None,
            category: None,
            handling: None,
            tags: Vec::new(),
            related: Vec::new(),
            description: String::new(),
            source: None,
            submission: None,
            proposed: None,
            timeline: vec![
                ev(EventType::Note),
                with_lead(EventType::Assigned, "甲局"),
                ev(EventType::Replied),
                with_lead(EventType::Transferred, "乙局"),
            ],
        };
        assert_eq!(case.leads().collect::<Vec<_>>(), [None, Some("甲局"), Some("甲局"), Some("乙局")]);
        assert_eq!(case.lead_as_of("2026-06-03".parse().unwrap()), Some("乙局"));
        assert_eq!(case.lead_as_of("2026-06-02".parse().unwrap()), None, "nothing before the date");
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
        assert_eq!(derive_status(&[ev(Assigned), ev(PreVisited), ev(JointMeeting)]), Status::Assigned);
        assert_eq!(derive_status(&[ev(Assigned), ev(Replied), ev(Transferred)]), Status::Assigned);
    }
}
