//! The one boundary personal data does not cross: the published copy of the
//! ledger. The site, bulletins, supervision notices and every copy `build`
//! publishes are made from it; only the assignment letter, which goes to the
//! department that must call the enterprise back, reads the ledger itself.

use rayon::prelude::*;

use crate::check::Ledger;
use crate::model::{Case, Event, Meeting};
use crate::text::mask::{self, Redactor};

impl Ledger {
    /// A copy with every contact and phone masked, and every free text
    /// (titles, descriptions, replies, notes, reasons, meetings' texts) passed
    /// through a [`Redactor`] that knows every contact name of the repository.
    /// Ids, dates, departments and rules are kept, so clocks and figures are
    /// the same as the ledger's.
    pub(crate) fn published(&self) -> Ledger {
        self.with_cases(self.cases.clone(), self.meetings.clone(), false).into_published()
    }

    /// The published copy made in place, for a command that needs nothing
    /// else (`build`): 100,000 cases are not held twice.
    pub(crate) fn into_published(mut self) -> Ledger {
        let r = self.redactor();
        self.cases.par_iter_mut().for_each(|c| published_case(c, &r));
        self.meetings.iter_mut().for_each(|m| published_meeting(m, &r));
        self.submissions.clear();
        self.public = true;
        self
    }
}

impl Ledger {
    /// What masks this ledger's personal data in a text: phones, ID numbers and every contact name
    /// it holds, cases' and submissions' (a server keeps one per ledger and masks one case at a time with
    /// [`published_case`]).
    pub(crate) fn redactor(&self) -> Redactor {
        // A submission's sender is a contact too (its own page, and a case accepted from it, are masked with it).
        let enterprises = self.cases.iter().filter_map(|c| c.enterprise.as_ref());
        let senders = self.submissions.iter().filter_map(|s| s.enterprise.as_ref());
        Redactor::new(enterprises.chain(senders).filter_map(|e| e.contact.as_deref()))
    }
}

/// One case made as the published ledger has it: contacts and phones masked, free texts redacted.
pub(crate) fn published_case(c: &mut Case, r: &Redactor) {
    c.title = r.text(&c.title);
    c.description = r.text(&c.description);
    c.category = c.category.as_deref().map(|t| r.text(t));
    c.tags = c.tags.iter().map(|t| r.text(t)).collect();
    if let Some(e) = &mut c.enterprise {
        e.name = r.text(&e.name);
        e.contact = e.contact.as_deref().map(mask::name);
        e.phone = e.phone.as_deref().map(mask::phone);
        e.email = None;
    }
    for e in &mut c.timeline {
        published_event(e, r);
    }
}

fn published_event(e: &mut Event, r: &Redactor) {
    e.text = e.text.as_deref().map(|t| r.text(t));
    if let Some(by) = &mut e.by {
        by.value = r.text(&by.value);
    }
    if let Some(d) = &mut e.details {
        for t in [&mut d.approved_by, &mut d.reason, &mut d.decision, &mut d.question].into_iter().flatten() {
            *t = r.text(t);
        }
        for p in &mut d.participants {
            *p = r.text(p);
        }
    }
}

fn published_meeting(m: &mut Meeting, r: &Redactor) {
    m.title = r.text(&m.title);
    m.theme = m.theme.as_deref().map(|t| r.text(t));
    m.organiser = m.organiser.as_deref().map(|t| r.text(t));
    m.session = m.session.as_deref().map(|t| r.text(t));
    m.hosts = m.hosts.iter().map(|h| r.text(h)).collect();
    m.enterprises = m.enterprises.iter().map(|h| r.text(h)).collect();
}

#[cfg(test)]
mod tests {
    use crate::check::fixture;
    use crate::text::mask;

    #[test]
    fn the_published_ledger_holds_no_contact_phone_or_id_and_the_same_clocks() {
        let ledger = fixture(".");
        let public = ledger.published();
        assert!(public.public && !ledger.public);
        let contacts: Vec<&str> =
            ledger.cases.iter().filter_map(|c| c.enterprise.as_ref()?.contact.as_deref()).collect();
        assert!(!contacts.is_empty());
        let text = serde_json::to_string(&public.cases).unwrap();
        for c in &contacts {
            assert!(!text.contains(c), "{c} in the published ledger");
        }
        assert!(!mask::has_phone(&text.replace("\\n", " ")));
        let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let (a, b) = (ledger.as_of(as_of), public.as_of(as_of));
        assert_eq!(a.clocks.len(), b.clocks.len());
        assert!(a.clocks.iter().zip(&b.clocks).all(|(x, y)| x.due == y.due && x.status == y.status));
    }
}
