//! Who may see and record what: every role declared once, here. The web server
//! checks each page and form against this table, and `qinqing audit` checks
//! each commit against the same table; an exhaustive match over the event kinds
//! makes a new kind name which roles may record it before it compiles.

use crate::model::{named_enum, Case, EventType};

named_enum!(
    /// What an account is to the office.
    Role, "角色", {
    /// 营商办: everything.
    Office = "office" / "营商办",
    /// 部门联络员: the cases its department leads or co-handles.
    Department = "department" / "部门",
    /// 领导: everything but contacts, and instructions.
    Leader = "leader" / "领导",
    /// 企业: no account; its own case, through its receipt code: its rating, its answer to a pre-visit.
    Enterprise = "enterprise" / "企业",
    /// 公众: no account, no case; only where the office opens the submission form, a new submission.
    Public = "public" / "公众",
});

/// How an account stands to one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// The office, or a leader: every case.
    Whole,
    /// The department leads the case (now, or did before).
    Lead,
    /// The department co-handles it (now, or did before).
    Co,
    /// The enterprise whose case it is (its receipt code opened it).
    Own,
    /// Nothing: for a department the case does not exist.
    None,
}

impl Role {
    /// How an account of this role (of `department`, for a department) stands to a case.
    pub(crate) fn standing(self, department: Option<&str>, case: &Case) -> Standing {
        match self {
            Role::Office | Role::Leader => Standing::Whole,
            // What opened it is the code, not a name: whoever holds the code stands to its case as its own.
            Role::Enterprise => Standing::Own,
            // Anyone sends a submission; no case is anyone's.
            Role::Public => Standing::None,
            Role::Department => {
                let Some(dept) = department else { return Standing::None };
                let named = |n: &crate::model::Spanned<String>| n.value == dept;
                let leads = case.timeline.iter().any(|e| e.lead.as_ref().is_some_and(named));
                let co = case.timeline.iter().any(|e| e.co.iter().any(named));
                match (leads, co) {
                    (true, _) => Standing::Lead,
                    (false, true) => Standing::Co,
                    (false, false) => Standing::None,
                }
            }
        }
    }

    /// Whether an account standing so to a case may record an entry of this kind in it.
    pub(crate) const fn may_record(self, standing: Standing, kind: EventType) -> bool {
        use EventType as E;
        match (self, standing) {
            (_, Standing::None) => false,
            // The enterprise rates the answer to its own case and answers the office's pre-visit; nobody
            // else stands so to a case.
            (Role::Enterprise, Standing::Own) => matches!(kind, E::Evaluated | E::PreVisited),
            (Role::Enterprise | Role::Public, _) | (_, Standing::Own) => false,
            // The office records every step.
            (Role::Office, _) => true,
            // A leader's word is an instruction, written as a note.
            (Role::Leader, _) => matches!(kind, E::Note),
            // The lead signs for, sends back, replies; asks for more time (the extension the
            // office approves is the office's entry); notes.
            (Role::Department, Standing::Lead | Standing::Whole) => match kind {
                E::Acknowledged | E::Returned | E::Replied | E::ExtensionRequested | E::Note => true,
                E::Answered
                | E::Assigned
                | E::Extended
                | E::Evaluated
                | E::Supervised
                | E::Bulletined
                | E::Closed
                | E::PreVisited
                | E::JointMeeting
                | E::Transferred => false,
            },
            // A co-unit gives its opinion, as a note.
            (Role::Department, Standing::Co) => matches!(kind, E::Note),
        }
    }

    /// Whether accounts of the role exist (an enterprise has none: its receipt code opens its case).
    pub(crate) const fn has_accounts(self) -> bool {
        !matches!(self, Role::Enterprise | Role::Public)
    }

    /// Whether the role manages accounts (the office's administrators only; said per account).
    pub(crate) const fn may_administer(self) -> bool {
        matches!(self, Role::Office)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Named;

    fn case(timeline: &str) -> Case {
        let text = format!("id: T-1\ntitle: 测试\nreceived: 2026-06-03\ntimeline:\n{timeline}");
        let mut sink = crate::diag::Sink::new("cases/T-1.yaml");
        let node = crate::load::yaml::parse("cases/T-1.yaml", &text).unwrap().unwrap();
        crate::load::case::read_case("cases/T-1.yaml", &node, &mut sink).unwrap()
    }

    #[test]
    fn a_department_stands_to_the_cases_it_leads_or_co_handles_and_no_other() {
        let c = case(concat!(
            "  - { date: 2026-06-04, event: assigned, lead: 甲局, co: [乙局] }\n",
            "  - { date: 2026-06-08, event: transferred, to: 丙局 }\n",
        ));
        let d = Role::Department;
        assert_eq!(d.standing(Some("甲局"), &c), Standing::Lead, "led it before: its history stays its own");
        assert_eq!(d.standing(Some("丙局"), &c), Standing::Lead);
        assert_eq!(d.standing(Some("乙局"), &c), Standing::Co);
        assert_eq!(d.standing(Some("丁局"), &c), Standing::None);
        assert_eq!(d.standing(None, &c), Standing::None);
        assert_eq!(Role::Leader.standing(None, &c), Standing::Whole);
    }

    #[test]
    fn what_each_role_may_record_is_the_contracts_table() {
        let d = Role::Department;
        let lead: Vec<&str> =
            EventType::ALL.iter().filter(|(k, _, _)| d.may_record(Standing::Lead, *k)).map(|(_, en, _)| *en).collect();
        assert_eq!(lead, ["acknowledged", "returned", "extension_requested", "replied", "note"]);
        let co: Vec<&str> =
            EventType::ALL.iter().filter(|(k, _, _)| d.may_record(Standing::Co, *k)).map(|(_, en, _)| *en).collect();
        assert_eq!(co, ["note"]);
        assert!(EventType::ALL.iter().all(|(k, _, _)| !d.may_record(Standing::None, *k)));
        assert!(EventType::ALL.iter().all(|(k, _, _)| Role::Office.may_record(Standing::Whole, *k)));
        assert!(Role::Leader.may_record(Standing::Whole, EventType::Note));
        assert!(!Role::Leader.may_record(Standing::Whole, EventType::Replied));
        assert_eq!(Role::parse("部门"), Some(Role::Department));
        // The enterprise rates its own case's answer, and records nothing else anywhere.
        let e = Role::Enterprise;
        let own: Vec<&str> =
            EventType::ALL.iter().filter(|(k, _, _)| e.may_record(Standing::Own, *k)).map(|(_, en, _)| *en).collect();
        assert_eq!(own, ["evaluated", "pre_visited"]);
        assert!(EventType::ALL.iter().all(|(k, _, _)| !e.may_record(Standing::Whole, *k)));
        assert!(EventType::ALL.iter().all(|(k, _, _)| !Role::Office.may_record(Standing::Own, *k)));
        assert!(!e.has_accounts());
    }
}
