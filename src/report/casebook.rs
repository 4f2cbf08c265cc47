//! The case ledger (台账): one row per case as it stands on a date, in the
//! words of every other document. Pure: `output::casebook` writes it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::check::{ClockStatus, Snapshot};
use crate::model::{EventType, Named};

/// The columns, in order, as the sheet heads them. One declaration: the sheet,
/// the CSV and the tests read these.
pub(crate) const COLUMNS: [&str; 21] = [
    "编号",
    "收到日期",
    "渠道",
    "恳谈会",
    "企业",
    "反映问题",
    "类别",
    "办理方式",
    "主办",
    "协办",
    "交办日期",
    // The first reply beside the deadline it answered, so an on-time unit never looks late;
    // the latest reply apart.
    "首次答复期限",
    "首次答复日期",
    "最近答复日期",
    "办理结果",
    "承诺办结日期",
    "评价",
    "状态",
    "超期天数",
    "督办文号",
    "备注",
];

/// The two columns only `--with-contacts` adds, after 企业.
pub(crate) const CONTACT_COLUMNS: [&str; 2] = ["联系人", "联系电话"];

/// One case on the date.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CaseRow {
    pub(crate) id: String,
    pub(crate) received: Option<NaiveDate>,
    pub(crate) channel: String,
    pub(crate) meeting: String,
    pub(crate) enterprise: String,
    pub(crate) contact: String,
    pub(crate) phone: String,
    /// The title, and the description on the next line when there is one.
    pub(crate) problem: String,
    pub(crate) category: String,
    pub(crate) handling: String,
    pub(crate) lead: String,
    pub(crate) co: String,
    pub(crate) assigned: Option<NaiveDate>,
    /// The deadline of the first assignment's reply.
    pub(crate) reply_due: Option<NaiveDate>,
    /// The first reply (or answer) after that assignment.
    pub(crate) replied: Option<NaiveDate>,
    /// The latest reply or answer.
    pub(crate) last_replied: Option<NaiveDate>,
    /// The latest reply's or answer's result.
    pub(crate) result: String,
    /// The completion date the latest answer promised, while it stands.
    pub(crate) promise: Option<NaiveDate>,
    pub(crate) rating: String,
    pub(crate) status: String,
    /// Days past due of its most overdue clock; none when nothing is overdue.
    pub(crate) overdue_days: Option<i64>,
    pub(crate) supervision_docs: String,
    pub(crate) notes: String,
}

/// The rows of the chosen cases (ledger indexes, in the order given).
pub(crate) fn rows(snapshot: &Snapshot, chosen: &[usize]) -> Vec<CaseRow> {
    chosen.iter().map(|&i| row(snapshot, i)).collect()
}

fn row(snapshot: &Snapshot, index: usize) -> CaseRow {
    let case = &snapshot.ledger.cases[index];
    let state = snapshot.state(index);
    let events = case.events_as_of(snapshot.as_of);
    let assignment = events.iter().enumerate().rfind(|(_, e)| e.kind.spec().sets_lead());
    let first_assignment = events.iter().position(|e| e.kind.spec().sets_lead());
    let clocks = snapshot.clocks_of(index);
    // The first reply deadline: the department clock the first assignment started.
    let reply_due = first_assignment
        .and_then(|at| clocks.iter().find(|k| k.start_event == Some(at) && k.is_department_clock()).map(|k| k.due));
    let answers = |e: &&crate::model::Event| matches!(e.kind, EventType::Replied | EventType::Answered);
    let first_reply =
        events.iter().skip(first_assignment.map_or(0, |a| a + 1)).find(answers).filter(|_| first_assignment.is_some());
    let reply = events.iter().rfind(answers);
    let rating = events.iter().rev().find_map(|e| e.rating);
    let overdue_days = clocks.iter().filter(|k| k.status == ClockStatus::Overdue).filter_map(|k| k.days).max();
    let joined = |parts: Vec<&str>| parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("、");
    let docs = joined(events.iter().filter(|e| e.kind == EventType::Supervised).filter_map(|e| e.doc()).collect());
    let notes: Vec<&str> =
        events.iter().filter(|e| e.kind == EventType::Note).filter_map(|e| e.text.as_deref()).map(str::trim).collect();
    let enterprise = case.enterprise.as_ref();
    let description = case.description.trim();
    CaseRow {
        id: case.id.value.clone(),
        received: case.received.as_ref().map(|r| r.value),
        channel: case.channel.map(|c| c.zh().to_string()).unwrap_or_default(),
        meeting: case.meeting.as_ref().map(|m| m.value.clone()).unwrap_or_default(),
        enterprise: enterprise.map(|e| e.name.clone()).unwrap_or_default(),
        contact: enterprise.and_then(|e| e.contact.clone()).unwrap_or_default(),
        phone: enterprise.and_then(|e| e.phone.clone()).unwrap_or_default(),
        problem: if description.is_empty() { case.title.clone() } else { format!("{}\n{description}", case.title) },
        category: case.category.clone().unwrap_or_default(),
        handling: case.handling.map(|h| h.zh().to_string()).unwrap_or_default(),
        // Not yet assigned: the lead a list before the meeting proposed, marked so.
        lead: match (state.lead, &case.proposed) {
            (Some(lead), _) => lead.to_string(),
            (None, Some(p)) => format!("（拟）{}", p.lead.value),
            (None, None) => String::new(),
        },
        co: assignment.map(|(_, e)| joined(e.co.iter().map(|c| c.value.as_str()).collect())).unwrap_or_default(),
        assigned: assignment.map(|(_, e)| e.date),
        reply_due,
        replied: first_reply.map(|e| e.date),
        last_replied: reply.map(|e| e.date),
        result: reply.and_then(|e| e.result).map(|r| r.zh().to_string()).unwrap_or_default(),
        promise: reply.and_then(|e| e.promise()).map(|p| p.value),
        rating: rating.map(|r| r.zh().to_string()).unwrap_or_default(),
        status: state.status.zh().to_string(),
        overdue_days,
        supervision_docs: docs,
        notes: notes.join("；"),
    }
}

/// One cell of the ledger, typed: a sheet writes dates as dates.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// Text (empty when there is none).
    Text(String),
    /// A date, if there is one.
    Date(Option<NaiveDate>),
    /// A count of days, if there is one.
    Days(Option<i64>),
}

impl Cell {
    /// The cell as text: dates as 2026-06-03.
    pub(crate) fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
            Cell::Days(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        }
    }
}

impl CaseRow {
    /// The cells in column order, with or without the contact columns.
    pub(crate) fn cells(&self, with_contacts: bool) -> Vec<Cell> {
        let t = |s: &String| Cell::Text(s.clone());
        let mut cells =
            vec![t(&self.id), Cell::Date(self.received), t(&self.channel), t(&self.meeting), t(&self.enterprise)];
        if with_contacts {
            cells.extend([t(&self.contact), t(&self.phone)]);
        }
        cells.extend([
            t(&self.problem),
            t(&self.category),
            t(&self.handling),
            t(&self.lead),
            t(&self.co),
            Cell::Date(self.assigned),
            Cell::Date(self.reply_due),
            Cell::Date(self.replied),
            Cell::Date(self.last_replied),
            t(&self.result),
            Cell::Date(self.promise),
            t(&self.rating),
            t(&self.status),
            Cell::Days(self.overdue_days),
            t(&self.supervision_docs),
            t(&self.notes),
        ]);
        cells
    }
}

/// The header, with or without the contact columns.
pub(crate) fn header(with_contacts: bool) -> Vec<&'static str> {
    let mut h: Vec<&str> = COLUMNS[..5].to_vec();
    if with_contacts {
        h.extend(CONTACT_COLUMNS);
    }
    h.extend(&COLUMNS[5..]);
    h
}
