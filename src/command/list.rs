//! Which cases: the filters `list`, `export` and a server's case list share.

use chrono::NaiveDate;

use super::Refusal;
use crate::check::{exists, Snapshot};
use crate::model::{Named, Status};

/// A selection of cases.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    /// The status they are in (either language).
    pub(crate) status: Option<String>,
    /// Their lead department (full name, short name or alias).
    pub(crate) dept: Option<String>,
    /// Only cases with an overdue clock.
    pub(crate) overdue: bool,
    /// Their level (key or label).
    pub(crate) level: Option<String>,
    /// Their meeting.
    pub(crate) meeting: Option<String>,
}

impl Filter {
    /// The indexes of the cases that exist as of the snapshot's date and pass every filter, by id.
    pub(crate) fn select(&self, snapshot: &Snapshot) -> Result<Vec<usize>, Refusal> {
        let ledger = snapshot.ledger;
        let status = match &self.status {
            Some(s) => match Status::parse(s.trim()) {
                Some(st) => Some(st),
                None => {
                    return Err(Refusal::field(
                        "status",
                        format!("未知状态「{s}」；可选：{}", crate::model::enums::spellings::<Status>()),
                    ))
                }
            },
            None => None,
        };
        let level = self.level.as_deref().map(|l| ledger.settings.level_key(l).unwrap_or(l).to_string());
        let dept = self.dept.as_deref().map(|d| ledger.department_name(d));
        let mut out: Vec<usize> = (0..ledger.cases.len())
            .filter(|&index| {
                let case = &ledger.cases[index];
                if !exists(case, snapshot.as_of) {
                    return false;
                }
                let state = snapshot.state(index);
                status.is_none_or(|s| s == state.status)
                    && dept.as_deref().is_none_or(|d| state.lead == Some(d))
                    && (!self.overdue || state.overdue)
                    && level.as_deref().is_none_or(|l| case.level.as_ref().is_some_and(|x| x.value == l))
                    && self.meeting.as_deref().is_none_or(|m| case.meeting.as_ref().is_some_and(|x| x.value == m))
            })
            .collect();
        out.sort_by(|&a, &b| ledger.cases[a].id.value.cmp(&ledger.cases[b].id.value));
        Ok(out)
    }
}

/// The cases a filter selects as of a date: the snapshot and their indexes.
pub(crate) fn list<'s>(
    session: &'s super::Session,
    filter: &Filter,
    as_of: Option<NaiveDate>,
) -> super::Outcome<(Snapshot<'s>, Vec<usize>)> {
    let snapshot = session.ledger().as_of(session.date(as_of));
    let chosen = filter.select(&snapshot)?;
    Ok((snapshot, chosen))
}
