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
        // A filter that names nothing this repository has is a typing slip, not an empty list.
        let level = match self.level.as_deref() {
            Some(l) => match ledger.settings.level_key(l.trim()) {
                Some(k) => Some(k.to_string()),
                None => {
                    let known: Vec<String> =
                        ledger.settings.levels.iter().map(|(k, v)| format!("{k}（{v}）")).collect();
                    return Err(Refusal::field("level", format!("未知层级「{l}」；可选：{}", known.join("、"))));
                }
            },
            None => None,
        };
        let dept = match self.dept.as_deref() {
            Some(d) => Some(ledger.known_department(d).map_err(|why| Refusal::field("dept", why))?),
            None => None,
        };
        if let Some(m) = self.meeting.as_deref().filter(|m| ledger.meeting(m).is_none()) {
            let hint = crate::diag::closest(m, ledger.meetings.iter().map(|x| x.id.value.as_str()))
                .map(|n| format!("；是否为「{n}」？"))
                .unwrap_or_default();
            return Err(Refusal::field("meeting", format!("找不到恳谈会「{m}」{hint}")));
        }
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
