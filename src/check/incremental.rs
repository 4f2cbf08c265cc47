//! Checking a few edited files against a checked ledger, instead of checking
//! the whole repository again: what a write costs is what it touches.
//!
//! The verdict is the one a full check of the edited tree would give for the
//! files a write is judged on (the edited files, `qinqing.yaml`,
//! `departments.yaml`): the same reading of each edited file, the same meeting
//! defaults, and the same cross-file checks (`validate::case_problems`, the
//! duplicate ids of the ids the edited files hold), asked of the ledger's
//! indexes with the edited files in place of what they were. A property test
//! (`command/session.rs`) compares the two on random edits.

use rustc_hash::FxHashSet as HashSet;

use crate::check::validate::{self, CaseIds};
use crate::check::Ledger;
use crate::diag::{Diagnostic, IdIndex, Severity};
use crate::load::{self, Content};
use crate::model::{Case, Meeting, Submission};

/// The errors that would stop a write of these files (path relative to the
/// root, and the bytes to be written), as a full check of the edited tree
/// would report them, sorted by file, line and column. `known` are the
/// ledger's own diagnostics (those of `qinqing.yaml` and `departments.yaml`
/// count: the edits cannot change them).
pub(crate) fn verdict(ledger: &Ledger, known: &[Diagnostic], files: &[(&str, &[u8])]) -> Vec<Diagnostic> {
    let edited: HashSet<&str> = files.iter().map(|(rel, _)| *rel).collect();
    let mut out = Vec::new();
    let mut cases = Vec::new();
    let mut new_meetings = Vec::new();
    let mut submissions = Vec::new();
    for (rel, bytes) in files {
        let parsed = load::parse_edited(rel, bytes);
        out.extend(parsed.diagnostics);
        match parsed.content {
            Content::Case(c) => cases.push(*c),
            Content::Meeting(m) => new_meetings.push(*m),
            Content::Submission(s) => submissions.push(*s),
            Content::None => {}
        }
    }
    out.extend(submission_problems(ledger, &edited, &cases, &new_meetings, &submissions));
    // The meetings of the edited tree, in file order as a load has them.
    let mut meetings: Vec<&Meeting> =
        ledger.meetings.iter().filter(|m| !edited.contains(m.file.as_str())).chain(&new_meetings).collect();
    meetings.sort_by(|a, b| a.file.cmp(&b.file));
    load::apply_meeting_defaults(&mut cases, &meetings);
    let ids = EditedIds { ledger, edited: &edited, cases: &cases, all: std::cell::OnceCell::new() };
    let context = validate::Context::new(&ledger.settings, ledger.departments.as_deref(), &meetings, &ledger.rules);
    for m in &new_meetings {
        out.extend(validate::meeting_problems(&context, m));
    }
    for case in &cases {
        out.extend(validate::case_problems(&context, &ids, case));
    }
    drop(ids);
    for case in &mut cases {
        out.extend(validate::canonicalise(&context, case));
    }
    out.extend(duplicates(ledger, &edited, &cases, &new_meetings));
    // What the edits cannot change but a write is still judged on.
    let shared = [load::SETTINGS_FILE, "departments.yaml"];
    out.extend(known.iter().filter(|d| shared.contains(&d.file.as_str())).cloned());
    out.retain(|d| {
        d.severity == Severity::Error && (edited.contains(d.file.as_str()) || shared.contains(&d.file.as_str()))
    });
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// The edited tree's submissions and the cases naming them: each edited
/// submission's id new to the tree, and every reference between them whole.
fn submission_problems(
    ledger: &Ledger,
    edited: &HashSet<&str>,
    cases: &[Case],
    new_meetings: &[Meeting],
    submissions: &[Submission],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let kept = |s: &&Submission| !edited.contains(s.file.as_str());
    for s in submissions {
        let twice = ledger.submissions.iter().filter(kept).chain(submissions).filter(|o| o.id.value == s.id.value);
        if let Some(other) = twice.map(|o| &o.file).find(|f| *f != &s.file) {
            out.push(Diagnostic::error(
                "duplicate-id",
                &s.file,
                s.id.pos,
                format!("提交编号「{}」重复：{other} 与 {}", s.id.value, s.file),
            ));
        }
    }
    let meeting = |id: &str| {
        new_meetings.iter().any(|m| m.id.value == id)
            || ledger.meeting(id).is_some_and(|m| !edited.contains(m.file.as_str()))
    };
    let case_submission = |id: &str| -> Option<Option<&str>> {
        match cases.iter().find(|c| c.id.value == id) {
            Some(c) => Some(c.submission.as_ref().map(|s| s.value.as_str())),
            None => ledger
                .case(id)
                .filter(|c| !edited.contains(c.file.as_str()))
                .map(|c| c.submission.as_ref().map(|s| s.value.as_str())),
        }
    };
    let submission = |id: &str| -> Option<&Submission> {
        submissions
            .iter()
            .find(|s| s.id.value == id)
            .or_else(|| ledger.submissions.iter().filter(kept).find(|s| s.id.value == id))
    };
    let look =
        super::submissions::Lookup { meeting: &meeting, case_submission: &case_submission, submission: &submission };
    for s in submissions {
        out.extend(super::submissions::submission_problems(s, &look));
        if case_submission(&s.id.value).is_some() {
            out.push(super::submissions::same_as_a_case(s));
        }
    }
    // A new case whose id a submission has.
    out.extend(
        cases.iter().filter(|c| submission(&c.id.value).is_some()).map(super::submissions::case_same_as_a_submission),
    );
    out.extend(cases.iter().filter_map(|c| super::submissions::case_problems(c, &look)));
    out
}

/// A case read again in full from its bytes, as the ledger holds its cases:
/// its meeting's defaults applied, department names and level made canonical,
/// its timeline in date order.
pub(crate) fn reread(ledger: &Ledger, rel: &str, bytes: &[u8]) -> Option<Case> {
    let Content::Case(case) = load::parse_edited(rel, bytes).content else { return None };
    let mut cases = vec![*case];
    let meetings: Vec<&Meeting> = ledger.meetings.iter().collect();
    load::apply_meeting_defaults(&mut cases, &meetings);
    let context = validate::Context::new(&ledger.settings, ledger.departments.as_deref(), &meetings, &ledger.rules);
    let mut case = cases.pop()?;
    validate::canonicalise(&context, &mut case);
    case.timeline.sort_by_key(|e| e.date);
    Some(case)
}

/// The case ids of the edited tree: the ledger's, but those of edited files,
/// and the edited cases'. Hints need every id: that index is built only when
/// an unknown id is found.
struct EditedIds<'a> {
    ledger: &'a Ledger,
    edited: &'a HashSet<&'a str>,
    cases: &'a [Case],
    all: std::cell::OnceCell<IdIndex<'a>>,
}

impl CaseIds for EditedIds<'_> {
    fn contains(&self, id: &str) -> bool {
        self.cases.iter().any(|c| c.id.value == id)
            || self.ledger.cases_with_id(id).any(|c| !self.edited.contains(c.file.as_str()))
    }

    fn closest(&self, id: &str) -> Option<&str> {
        let all = self.all.get_or_init(|| {
            IdIndex::new(
                self.ledger
                    .cases
                    .iter()
                    .filter(|c| !self.edited.contains(c.file.as_str()))
                    .chain(self.cases)
                    .map(|c| c.id.value.as_str()),
            )
        });
        all.closest(id)
    }
}

/// Duplicate ids among the edited files' cases and meetings and the rest of
/// the tree, reported as the full check reports them (in file order).
fn duplicates(ledger: &Ledger, edited: &HashSet<&str>, cases: &[Case], meetings: &[Meeting]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let ids: HashSet<&str> = cases.iter().map(|c| c.id.value.as_str()).collect();
    let mut holders: Vec<&Case> = cases.iter().collect();
    for id in ids {
        holders.extend(ledger.cases_with_id(id).filter(|c| !edited.contains(c.file.as_str())));
    }
    holders.sort_by(|a, b| a.file.cmp(&b.file));
    validate::duplicate_ids(holders.iter().map(|c| (&c.id, c.file.as_str())), "案件编号", &mut out);
    let ids: HashSet<&str> = meetings.iter().map(|m| m.id.value.as_str()).collect();
    let mut holders: Vec<&Meeting> = meetings.iter().collect();
    holders.extend(
        ledger.meetings.iter().filter(|m| ids.contains(m.id.value.as_str()) && !edited.contains(m.file.as_str())),
    );
    holders.sort_by(|a, b| a.file.cmp(&b.file));
    validate::duplicate_ids(holders.iter().map(|m| (&m.id, m.file.as_str())), "会议编号", &mut out);
    out
}
