//! The ledger: the repository as checked, immutable and indexed. Every later
//! stage (lists, documents, figures, the site) reads only this, and the clocks
//! of a [`Snapshot`] of it as of a date.

use std::path::PathBuf;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::calendar::Calendar;
use crate::check::clock::{evaluate_case, Clock, ClockStatus, Context};
use crate::load::Repository;
use crate::model::rule::Rule;
use crate::model::{Case, Department, Meeting, Settings, Submission};

/// The checked repository: department names canonicalised, level labels
/// turned into keys, every timeline in date order, cases and meetings indexed.
#[derive(Debug)]
pub(crate) struct Ledger {
    /// The repository root.
    pub(crate) root: PathBuf,
    /// `qinqing.yaml`.
    pub(crate) settings: Settings,
    /// `departments.yaml`, when the repository has one.
    pub(crate) departments: Option<Vec<Department>>,
    /// Every meeting, sorted by file.
    pub(crate) meetings: Vec<Meeting>,
    /// Every readable case, sorted by file.
    pub(crate) cases: Vec<Case>,
    /// Every readable online submission, sorted by file (none in the published copy: a submission is
    /// not a case, published nowhere and counted nowhere).
    pub(crate) submissions: Vec<Submission>,
    /// The deadline rules in force.
    pub(crate) rules: Vec<Rule>,
    /// The working-day calendar.
    pub(crate) calendar: Calendar,
    /// How many case, meeting and submission files were read.
    pub(crate) files: usize,
    /// Case positions sorted by id, for lookups by id.
    by_id: Vec<u32>,
    /// Whether personal data is masked: the copy [`Ledger::published`] makes.
    pub(crate) public: bool,
    /// Temporary files killed runs left under `cases/`, for the session to remove.
    pub(crate) left_behind: Vec<PathBuf>,
}

impl Ledger {
    /// The checked repository, indexed (its reading problems already taken out).
    pub(super) fn new(repo: Repository) -> Ledger {
        let Repository {
            root,
            settings,
            departments,
            meetings,
            cases,
            submissions,
            rules,
            calendar,
            files,
            left_behind,
            ..
        } = repo;
        let mut by_id: Vec<u32> = (0..cases.len() as u32).collect();
        by_id.par_sort_by(|&a, &b| cases[a as usize].id.value.cmp(&cases[b as usize].id.value));
        Ledger {
            root,
            settings,
            departments,
            meetings,
            cases,
            submissions,
            rules,
            calendar,
            files,
            by_id,
            public: false,
            left_behind,
        }
    }

    /// The same ledger with other cases and meetings in the same order (ids unchanged).
    pub(super) fn with_cases(&self, cases: Vec<Case>, meetings: Vec<Meeting>, public: bool) -> Ledger {
        Ledger {
            root: self.root.clone(),
            settings: self.settings.clone(),
            departments: self.departments.clone(),
            meetings,
            cases,
            submissions: if public { Vec::new() } else { self.submissions.clone() },
            rules: self.rules.clone(),
            calendar: self.calendar.clone(),
            files: self.files,
            by_id: self.by_id.clone(),
            public,
            left_behind: Vec::new(),
        }
    }

    /// Takes in a write of existing cases' files without reading the repository
    /// again: each file's case replaced by its edited text, read as a load reads
    /// it (slim, when the ledger is). All or nothing: `false`, and nothing
    /// changed, when the write did more than that (a new file, an id changed,
    /// a file that is not a case), and the caller reads the repository again.
    pub(crate) fn take_in(&mut self, files: &[(&str, &[u8])], slim: bool) -> bool {
        let mut replaced = Vec::with_capacity(files.len());
        let mut submissions = Vec::new();
        for (rel, bytes) in files {
            if rel.starts_with(&format!("{}/", crate::load::submission::FOLDER)) {
                let crate::load::Content::Submission(s) = crate::load::parse_edited(rel, bytes).content else {
                    return false;
                };
                submissions.push(*s);
                continue;
            }
            let Some(mut case) = super::reread(self, rel, bytes) else { return false };
            let Some(i) = self.position(&case.id.value).filter(|&i| self.cases[i].file == *rel) else { return false };
            // A duplicated id: the index holds several files for it, and a full read sorts them out.
            if self.cases_with_id(&case.id.value).nth(1).is_some() {
                return false;
            }
            if slim {
                crate::load::slim(&mut case);
            }
            replaced.push((i, case));
        }
        for (i, case) in replaced {
            self.cases[i] = case;
        }
        // A submission's file replaced, or a new one placed in file order.
        for s in submissions {
            match self.submissions.binary_search_by(|x| x.file.cmp(&s.file)) {
                Ok(i) => self.submissions[i] = s,
                Err(i) => {
                    self.submissions.insert(i, s);
                    self.files += 1;
                }
            }
        }
        true
    }

    /// The submission with an id.
    pub(crate) fn submission(&self, id: &str) -> Option<&Submission> {
        self.submissions.iter().find(|s| s.id.value == id)
    }

    /// The case with an id (the first, if the id is duplicated).
    pub(crate) fn case(&self, id: &str) -> Option<&Case> {
        self.position(id).map(|i| &self.cases[i])
    }

    /// Where the case with an id is in `cases` (the first, if the id is duplicated).
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        let at = self.by_id.partition_point(|&i| self.cases[i as usize].id.value.as_str() < id);
        self.by_id.get(at).map(|&i| i as usize).filter(|&i| self.cases[i].id.value == id)
    }

    /// Every case with an id (more than one when the id is duplicated).
    pub(crate) fn cases_with_id<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Case> + 'a {
        let at = self.by_id.partition_point(|&i| self.cases[i as usize].id.value.as_str() < id);
        self.by_id[at..].iter().map(|&i| &self.cases[i as usize]).take_while(move |c| c.id.value == id)
    }

    /// The meeting with an id.
    pub(crate) fn meeting(&self, id: &str) -> Option<&Meeting> {
        self.meetings.iter().find(|m| m.id.value == id)
    }

    /// The full name of a department written by its name or an alias, as case
    /// files may; unknown names (or no departments.yaml) are kept as given.
    pub(crate) fn department_name(&self, name: &str) -> String {
        let name = name.trim();
        self.departments
            .iter()
            .flatten()
            .find(|d| d.names().any(|n| n == name))
            .map_or_else(|| name.to_string(), |d| d.name.clone())
    }

    /// The full name of a department a user typed (a filter, an account), or why it is none:
    /// not in the registry, with the nearest name. Without a registry every name is taken.
    pub(crate) fn known_department(&self, name: &str) -> Result<String, String> {
        let name = name.trim();
        let Some(known) = self.departments.as_deref() else { return Ok(name.to_string()) };
        match known.iter().find(|d| d.names().any(|n| n == name)) {
            Some(d) => Ok(d.name.clone()),
            None => {
                let hint = crate::diag::closest(name, known.iter().map(|d| d.name.as_str()))
                    .map(|n| format!("；是否为「{n}」？"))
                    .unwrap_or_default();
                Err(format!("部门名录中没有「{name}」{hint}"))
            }
        }
    }

    /// The cases that exist as of a date (received on or before it; cases
    /// without a date are kept).
    pub(crate) fn cases_as_of(&self, as_of: NaiveDate) -> impl Iterator<Item = &Case> {
        self.cases.iter().filter(move |c| exists(c, as_of))
    }

    /// Every clock of every case as of a date.
    pub(crate) fn as_of(&self, as_of: NaiveDate) -> Snapshot<'_> {
        self.evaluate(as_of, None)
    }

    /// The clocks of one case as of a date (`show` needs no others).
    pub(crate) fn one_case_as_of(&self, index: usize, as_of: NaiveDate) -> Snapshot<'_> {
        self.evaluate(as_of, Some(index))
    }

    /// The clocks of a case that is not (or not yet) the ledger's — one a write would make — judged by the
    /// ledger's rules and calendar as if it stood at `index`: what a preview of a write shows.
    pub(crate) fn clocks_of<'a>(&'a self, case: &'a Case, index: usize, as_of: NaiveDate) -> Vec<Clock<'a>> {
        evaluate_case(case, index, &self.context(as_of))
    }

    fn context(&self, as_of: NaiveDate) -> Context<'_> {
        let office = Some(self.settings.organization_short.as_str()).filter(|s| !s.is_empty());
        Context { rules: &self.rules, calendar: &self.calendar, office, as_of }
    }

    fn evaluate(&self, as_of: NaiveDate, only: Option<usize>) -> Snapshot<'_> {
        let cx = self.context(as_of);
        // One case (a case page): its clocks, and every other case's empty range, without visiting them.
        if let Some(i) = only.filter(|&i| i < self.cases.len()) {
            let clocks = evaluate_case(&self.cases[i], i, &cx);
            let n = clocks.len();
            let starts = (0..=self.cases.len()).map(|k| if k <= i { 0 } else { n }).collect();
            return Snapshot { ledger: self, as_of, clocks, starts };
        }
        self.evaluate_where(cx, |i| only.is_none_or(|o| o == i))
    }

    /// Every clock of some cases as of a date (a department's own): the others have none in the snapshot.
    pub(crate) fn some_as_of(&self, indexes: &[usize], as_of: NaiveDate) -> Snapshot<'_> {
        let mut wanted = vec![false; self.cases.len()];
        for &i in indexes {
            if let Some(w) = wanted.get_mut(i) {
                *w = true;
            }
        }
        self.evaluate_where(self.context(as_of), |i| wanted[i])
    }

    fn evaluate_where<'a>(&'a self, cx: Context<'a>, wanted: impl Fn(usize) -> bool + Sync) -> Snapshot<'a> {
        let as_of = cx.as_of;
        let per_case: Vec<Vec<Clock>> = self
            .cases
            .par_iter()
            .enumerate()
            .map(|(i, case)| if wanted(i) { evaluate_case(case, i, &cx) } else { Vec::new() })
            .collect();
        let mut starts = Vec::with_capacity(self.cases.len() + 1);
        let mut clocks = Vec::with_capacity(per_case.iter().map(Vec::len).sum());
        for mut c in per_case {
            starts.push(clocks.len());
            clocks.append(&mut c);
        }
        starts.push(clocks.len());
        Snapshot { ledger: self, as_of, clocks, starts }
    }
}

/// Whether a case exists as of a date (cases without a date are kept).
pub(crate) fn exists(case: &Case, as_of: NaiveDate) -> bool {
    case.received.as_ref().is_none_or(|r| r.value <= as_of)
}

/// The ledger looked at on a date: every clock, in the order of the cases and,
/// within a case, by line, rule and start.
pub(crate) struct Snapshot<'l> {
    /// The ledger.
    pub(crate) ledger: &'l Ledger,
    /// The date.
    pub(crate) as_of: NaiveDate,
    /// Every clock.
    pub(crate) clocks: Vec<Clock<'l>>,
    /// Where each case's clocks start in `clocks` (one more entry than cases).
    starts: Vec<usize>,
}

impl<'l> Snapshot<'l> {
    /// The clocks of the case at `index` in the ledger.
    pub(crate) fn clocks_of(&self, index: usize) -> &[Clock<'l>] {
        match (self.starts.get(index), self.starts.get(index + 1)) {
            (Some(&a), Some(&b)) => &self.clocks[a..b],
            _ => &[],
        }
    }

    /// The clocks that are overdue, worst first.
    pub(crate) fn overdue(&self) -> Vec<&Clock<'l>> {
        let mut out: Vec<&Clock> = self.clocks.iter().filter(|c| c.status == ClockStatus::Overdue).collect();
        out.sort_by(Clock::worst_first);
        out
    }

    /// A case as it stands: status, lead department, next due date.
    pub(crate) fn state(&self, index: usize) -> CaseState<'l> {
        let case = &self.ledger.cases[index];
        let mut next_due = None;
        let mut overdue = false;
        for c in self.clocks_of(index) {
            if c.status.is_running() {
                next_due = Some(next_due.map_or(c.due, |d: NaiveDate| d.min(c.due)));
            }
            overdue |= c.status == ClockStatus::Overdue;
        }
        CaseState { status: case.status_as_of(self.as_of), lead: case.lead_as_of(self.as_of), next_due, overdue }
    }
}

/// A case as it stands on a date.
#[derive(Debug, Clone)]
pub(crate) struct CaseState<'l> {
    /// Derived status.
    pub(crate) status: crate::model::Status,
    /// Lead department.
    pub(crate) lead: Option<&'l str>,
    /// Earliest due date of a running clock.
    pub(crate) next_due: Option<NaiveDate>,
    /// Whether a clock is overdue.
    pub(crate) overdue: bool,
}
