//! The reminders `qinqing notify` sends: one digest per recipient — each
//! department, and the office — of its clocks that fall due soon, fall due
//! today, or are overdue, with what happens next. Short enough for a phone
//! screen; enterprises are named, contacts never (made from the published ledger).

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::{Clock, ClockStatus, Snapshot};
use crate::model::rule::{Interval, NoticeKind};
use crate::model::Named;
use crate::text::date_cn;

/// Where a clock stands, for a reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Stage {
    /// Past its due date.
    Overdue,
    /// Due today.
    DueToday,
    /// In its warn window.
    DueSoon,
}

impl Stage {
    fn zh(self) -> &'static str {
        match self {
            Stage::Overdue => "已超期",
            Stage::DueToday => "今天到期",
            Stage::DueSoon => "即将到期",
        }
    }
}

/// One clock in a digest.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Item {
    /// case/rule/start: the same clock from one day to the next.
    pub(crate) key: String,
    pub(crate) case: String,
    pub(crate) title: String,
    pub(crate) enterprise: Option<String>,
    pub(crate) rule: String,
    pub(crate) due: NaiveDate,
    pub(crate) stage: Stage,
    /// Days overdue, or days left.
    pub(crate) days: i64,
    /// What happens next (督办, 通报), in words.
    pub(crate) next: String,
}

/// One recipient's reminder.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Digest {
    /// A department's full name, or the office's short name.
    pub(crate) recipient: String,
    /// Whether it is the office's own digest.
    pub(crate) office: bool,
    pub(crate) items: Vec<Item>,
}

fn stage(c: &Clock, as_of: NaiveDate) -> Option<Stage> {
    match c.status {
        ClockStatus::Overdue => Some(Stage::Overdue),
        ClockStatus::DueSoon | ClockStatus::Pending if c.due == as_of => Some(Stage::DueToday),
        ClockStatus::DueSoon => Some(Stage::DueSoon),
        _ => None,
    }
}

fn interval(i: Interval) -> String {
    match i {
        Interval::Workdays(0) | Interval::Days(0) => "当天".to_string(),
        Interval::Workdays(n) => format!("{n}个工作日"),
        Interval::Days(n) => format!("{n}天"),
    }
}

/// What comes next for a clock: the notice it already calls for, or the next step of its rule.
fn next(c: &Clock) -> String {
    if !c.notices.is_empty() {
        let kinds: Vec<&str> = c.notices.iter().map(|k| k.zh()).collect();
        return format!("应予{}", kinds.join("、"));
    }
    let done = |k: NoticeKind| c.called.contains(&k) || c.issued.iter().any(|(i, _)| *i == k);
    match c.rule.notices.iter().find(|s| !done(s.kind)) {
        Some(s) if c.status == ClockStatus::Overdue => format!("超期{}后{}", interval(s.after), s.kind.zh()),
        Some(s) => format!("逾期将{}", s.kind.zh()),
        None => String::new(),
    }
}

fn item(c: &Clock, stage: Stage, as_of: NaiveDate) -> Item {
    Item {
        key: format!("{}/{}/{}", c.case.id.value, c.rule.id, c.start),
        case: c.case.id.value.clone(),
        title: c.case.title.clone(),
        enterprise: c.case.enterprise.as_ref().map(|e| e.name.clone()),
        rule: c.rule.title.clone(),
        due: c.due,
        stage,
        days: match stage {
            Stage::Overdue => c.days.unwrap_or(0),
            _ => (c.due - as_of).num_days(),
        },
        next: next(c),
    }
}

/// Every recipient's digest, departments by name, the office last; recipients with nothing are left out.
pub(crate) fn digests(snapshot: &Snapshot) -> Vec<Digest> {
    let as_of = snapshot.as_of;
    let office = snapshot.ledger.settings.organization_short.clone();
    let mut by_recipient: std::collections::BTreeMap<String, Vec<Item>> = std::collections::BTreeMap::new();
    let mut office_items = Vec::new();
    for c in &snapshot.clocks {
        let Some(stage) = stage(c, as_of) else { continue };
        let it = item(c, stage, as_of);
        match c.responsible {
            Some(r) if c.is_department_clock() => by_recipient.entry(r.to_string()).or_default().push(it),
            _ => office_items.push(it),
        }
    }
    let order = |items: &mut Vec<Item>| {
        items.sort_by(|a, b| a.stage.cmp(&b.stage).then(b.days.cmp(&a.days)).then(a.key.cmp(&b.key)))
    };
    let mut out: Vec<Digest> = by_recipient
        .into_iter()
        .map(|(recipient, mut items)| {
            order(&mut items);
            Digest { recipient, office: false, items }
        })
        .collect();
    order(&mut office_items);
    if !office_items.is_empty() || !out.is_empty() {
        out.push(Digest { recipient: office, office: true, items: office_items });
    }
    out
}

impl Digest {
    /// The message: a line of counts, then one short line per clock.
    pub(crate) fn text(&self, office: &str, as_of: NaiveDate, overall: Option<&[Digest]>) -> String {
        let count = |s: Stage| self.items.iter().filter(|i| i.stage == s).count();
        let mut parts = Vec::new();
        for s in [Stage::Overdue, Stage::DueToday, Stage::DueSoon] {
            let n = count(s);
            if n > 0 {
                parts.push(format!("{}{n}项", s.zh()));
            }
        }
        let mut out = format!("【{office}】{}：截至{}，", self.recipient, date_cn(as_of));
        if parts.is_empty() {
            out.push_str("本办负责的时限都在期限内。\n");
        } else {
            out.push_str(&format!("{}。\n", parts.join("，")));
        }
        for (n, i) in self.items.iter().enumerate() {
            let when = match i.stage {
                Stage::Overdue => format!("{}到期，已超期{}天", date_cn(i.due), i.days),
                Stage::DueToday => "今天到期".to_string(),
                Stage::DueSoon => format!("{}到期，还有{}天", date_cn(i.due), i.days),
            };
            let who = i.enterprise.as_deref().map(|e| format!("（{e}）")).unwrap_or_default();
            let then = if i.next.is_empty() { String::new() } else { format!("；{}", i.next) };
            out.push_str(&format!("{}. {} {}{who}\n   {}：{when}{then}\n", n + 1, i.case, i.title, i.rule));
        }
        // The office also sees where every department stands.
        if let Some(all) = overall {
            let overdue: Vec<String> = all
                .iter()
                .filter(|d| !d.office)
                .filter_map(|d| {
                    let n = d.items.iter().filter(|i| i.stage == Stage::Overdue).count();
                    (n > 0).then(|| format!("{}{n}项", d.recipient))
                })
                .collect();
            if !overdue.is_empty() {
                out.push_str(&format!("各部门超期：{}。\n", overdue.join("、")));
            }
        }
        out
    }
}
