//! New case and meeting files, written the way the format reference shows them.

use chrono::NaiveDate;

use super::scalar::{flow_list, scalar};
use crate::model::Enterprise;

/// A new case.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewCase {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) enterprise: Option<Enterprise>,
    pub(crate) received: Option<NaiveDate>,
    pub(crate) channel: Option<&'static str>,
    pub(crate) meeting: Option<String>,
    pub(crate) level: Option<String>,
    pub(crate) category: Option<String>,
    pub(crate) handling: Option<&'static str>,
    pub(crate) tags: Vec<String>,
    pub(crate) description: Option<String>,
    /// The sheet row it is imported from.
    pub(crate) source: Option<crate::model::Source>,
    /// The online submission it was accepted from.
    pub(crate) submission: Option<String>,
    /// An assignment the sheet already records.
    pub(crate) assigned: Option<NewAssignment>,
    /// The units a list before the meeting names, not yet assigned: (lead, co).
    pub(crate) proposed: Option<(String, Vec<String>)>,
    /// What a register records after the assignment (a reply, a rating, a notice,
    /// the closing), in date order.
    pub(crate) later: Vec<super::NewEvent>,
}

/// The first timeline entry of an imported case: an assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewAssignment {
    pub(crate) date: NaiveDate,
    pub(crate) lead: String,
    pub(crate) co: Vec<String>,
    pub(crate) due: Option<NaiveDate>,
}

/// A new meeting.
#[derive(Debug, Clone, Default)]
pub(crate) struct NewMeeting {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) theme: Option<String>,
    pub(crate) date: Option<NaiveDate>,
    pub(crate) level: Option<String>,
    pub(crate) organiser: Option<String>,
    pub(crate) session: Option<String>,
    pub(crate) hosts: Vec<String>,
    pub(crate) enterprises: Vec<String>,
}

struct Lines(String);

impl Lines {
    fn text(&mut self, indent: &str, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.0.push_str(&format!("{indent}{key}: {}\n", scalar(v, false)));
        }
    }
    fn raw(&mut self, key: &str, value: Option<String>) {
        if let Some(v) = value {
            self.0.push_str(&format!("{key}: {v}\n"));
        }
    }
    fn list(&mut self, key: &str, values: &[String]) {
        if !values.is_empty() {
            self.0.push_str(&format!("{key}: {}\n", flow_list(values)));
        }
    }
    /// Several lines as a literal block, one line as a scalar.
    fn long(&mut self, key: &str, value: Option<&str>) {
        let Some(v) = value.map(str::trim_end).filter(|v| !v.is_empty()) else { return };
        if !v.contains('\n') {
            return self.text("", key, Some(v));
        }
        // An explicit indentation keeps a first line that starts with spaces.
        let indicator = if v.starts_with(' ') { "|2" } else { "|" };
        self.0.push_str(&format!("{key}: {indicator}\n"));
        for line in v.lines() {
            self.0.push_str(if line.is_empty() { "\n" } else { "  " });
            if !line.is_empty() {
                self.0.push_str(line);
                self.0.push('\n');
            }
        }
    }
}

/// The text of a new case file.
pub(crate) fn case_text(c: &NewCase) -> String {
    let mut l = Lines(String::new());
    l.text("", "id", Some(&c.id));
    l.text("", "title", Some(&c.title));
    if let Some(e) = &c.enterprise {
        l.0.push_str("enterprise:\n");
        l.text("  ", "name", Some(&e.name));
        l.text("  ", "credit_code", e.credit_code.as_deref());
        l.text("  ", "contact", e.contact.as_deref());
        l.text("  ", "phone", e.phone.as_deref());
        l.text("  ", "email", e.email.as_deref());
    }
    l.raw("received", c.received.map(|d| d.to_string()));
    l.raw("channel", c.channel.map(str::to_string));
    l.text("", "meeting", c.meeting.as_deref());
    l.text("", "level", c.level.as_deref());
    l.text("", "category", c.category.as_deref());
    l.raw("handling", c.handling.map(str::to_string));
    l.list("tags", &c.tags);
    l.long("description", c.description.as_deref());
    if let Some(s) = &c.source {
        l.0.push_str("source:\n");
        l.text("  ", "file", Some(&s.file));
        l.text("  ", "key", Some(&s.key));
        l.raw("  row", s.row.map(|r| r.to_string()));
    }
    l.text("", "submission", c.submission.as_deref());
    if let Some((lead, co)) = &c.proposed {
        l.0.push_str("proposed:\n");
        l.text("  ", "lead", Some(lead));
        if !co.is_empty() {
            l.0.push_str(&format!("  co: {}\n", flow_list(co)));
        }
    }
    if c.assigned.is_some() || !c.later.is_empty() {
        l.0.push_str("timeline:\n");
    }
    if let Some(a) = &c.assigned {
        l.0.push_str(&format!("  - date: {}\n    event: assigned\n", a.date));
        l.text("    ", "lead", Some(&a.lead));
        if !a.co.is_empty() {
            l.0.push_str(&format!("    co: {}\n", flow_list(&a.co)));
        }
        if let Some(d) = a.due {
            l.0.push_str(&format!("    due: {d}\n"));
        }
    }
    for e in &c.later {
        l.0.push_str(&super::append::entry_text(e));
    }
    l.0
}

/// A new online submission.
#[derive(Debug, Clone)]
pub(crate) struct NewSubmission {
    pub(crate) id: String,
    pub(crate) submitted: NaiveDate,
    pub(crate) enterprise: Enterprise,
    pub(crate) category: Option<String>,
    pub(crate) meeting: Option<String>,
    pub(crate) text: String,
}

/// The text of a new submission file.
pub(crate) fn submission_text(s: &NewSubmission) -> String {
    let mut l = Lines(String::new());
    l.text("", "id", Some(&s.id));
    l.raw("submitted", Some(s.submitted.to_string()));
    l.0.push_str("enterprise:\n");
    l.text("  ", "name", Some(&s.enterprise.name));
    l.text("  ", "credit_code", s.enterprise.credit_code.as_deref());
    l.text("  ", "contact", s.enterprise.contact.as_deref());
    l.text("  ", "phone", s.enterprise.phone.as_deref());
    l.text("  ", "email", s.enterprise.email.as_deref());
    l.text("", "category", s.category.as_deref());
    l.text("", "meeting", s.meeting.as_deref());
    l.long("text", Some(&s.text));
    l.0
}

/// The office's decision on a submission, as the lines appended to its file:
/// `accepted: { date, case }` or `declined: { date, reason }`.
pub(crate) fn decision_text(date: NaiveDate, accepted_as: Result<&str, &str>) -> String {
    let mut l = Lines(String::new());
    match accepted_as {
        Ok(case) => {
            l.0.push_str("accepted:\n");
            l.raw("  date", Some(date.to_string()));
            l.text("  ", "case", Some(case));
        }
        Err(reason) => {
            l.0.push_str("declined:\n");
            l.raw("  date", Some(date.to_string()));
            l.text("  ", "reason", Some(reason));
        }
    }
    l.0
}

/// The text of a new meeting file.
pub(crate) fn meeting_text(m: &NewMeeting) -> String {
    let mut l = Lines(String::new());
    l.text("", "id", Some(&m.id));
    l.text("", "title", Some(&m.title));
    l.text("", "theme", m.theme.as_deref());
    l.raw("date", m.date.map(|d| d.to_string()));
    l.text("", "level", m.level.as_deref());
    l.text("", "organiser", m.organiser.as_deref());
    l.raw("session", m.session.clone());
    l.list("hosts", &m.hosts);
    l.list("enterprises", &m.enterprises);
    l.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_case_reads_back_as_written() {
        let c = NewCase {
            id: "HZ-2026-0176".into(),
            title: "用电: 增容 #1".into(),
            enterprise: Some(Enterprise {
                name: "湖州某某公司".into(),
                credit_code: None,
                contact: Some("王某".into()),
                phone: Some("13800000000".into()),
                email: None,
            }),
            received: "2026-06-03".parse().ok(),
            channel: Some("hotline"),
            tags: vec!["共性问题".into()],
            description: Some("第一行\n\n  缩进的第二行\n".into()),
            ..NewCase::default()
        };
        let text = case_text(&c);
        assert!(text.contains("title: \"用电: 增容 #1\"\n") && text.contains("  phone: \"13800000000\"\n"), "{text}");
        let mut sink = crate::diag::Sink::new("cases/HZ-2026-0176.yaml");
        let node = crate::load::yaml::parse(sink.file, &text).unwrap().unwrap();
        let case = crate::load::case::read_case(sink.file, &node, &mut sink).unwrap();
        assert!(sink.diagnostics.is_empty(), "{:?}", sink.diagnostics);
        assert_eq!(case.title, "用电: 增容 #1");
        assert_eq!(case.description, "第一行\n\n  缩进的第二行\n");
        assert_eq!(case.enterprise.unwrap().phone.as_deref(), Some("13800000000"));
    }
}
