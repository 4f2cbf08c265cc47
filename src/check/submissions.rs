//! Online submissions across files: each names a meeting that exists, an
//! accepted one names the case it became and that case names it back, and a
//! case that says it came from a submission came from one accepted as it.

use crate::diag::Diagnostic;
use crate::model::submission::Outcome;
use crate::model::{Case, Submission};

/// What the checks look up: by id, in the tree being judged.
pub(super) struct Lookup<'a> {
    /// Whether a meeting exists.
    pub(super) meeting: &'a dyn Fn(&str) -> bool,
    /// The submission a case with this id says it came from (`Some(None)`: a case that names none).
    pub(super) case_submission: &'a dyn Fn(&str) -> Option<Option<&'a str>>,
    /// The submission with this id.
    pub(super) submission: &'a dyn Fn(&str) -> Option<&'a Submission>,
}

/// What is wrong with a submission beyond reading it.
pub(super) fn submission_problems(s: &Submission, look: &Lookup) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Some(m) = s.meeting.as_ref().filter(|m| !(look.meeting)(&m.value)) {
        out.push(Diagnostic::error("unknown-meeting", &s.file, m.pos, format!("未知会议「{}」", m.value)));
    }
    if let Some(Outcome::Accepted(case)) = s.decision.as_ref().map(|d| &d.outcome) {
        match (look.case_submission)(&case.value) {
            None => out.push(Diagnostic::error(
                "unknown-case",
                &s.file,
                case.pos,
                format!("受理后建立的案件「{}」不存在", case.value),
            )),
            Some(named) if named != Some(s.id.value.as_str()) => out.push(
                Diagnostic::error(
                    "submission-mismatch",
                    &s.file,
                    case.pos,
                    format!("案件「{}」没有写明来自提交 {}", case.value, s.id.value),
                )
                .with_hint(format!("案件文件应有 submission: {}", s.id.value)),
            ),
            Some(_) => {}
        }
    }
    out
}

/// A submission whose id is a case's: one receipt code would open both.
pub(super) fn same_as_a_case(s: &Submission) -> Diagnostic {
    Diagnostic::error("duplicate-id", &s.file, s.id.pos, format!("提交编号「{}」与一件案件的编号相同", s.id.value))
        .with_hint("网上提交的编号要与案件的区分开（qinqing.yaml 的 ids.submission）")
}

/// A case whose id is a submission's (reported at both files, as a write of either is refused).
pub(super) fn case_same_as_a_submission(c: &Case) -> Diagnostic {
    Diagnostic::error("duplicate-id", &c.file, c.id.pos, format!("案件编号「{}」与一件网上提交的编号相同", c.id.value))
}

/// What is wrong with a case's `submission`: it names one accepted as this case.
pub(super) fn case_problems(case: &Case, look: &Lookup) -> Option<Diagnostic> {
    let named = case.submission.as_ref()?;
    let at = |msg: String| Diagnostic::error("submission-mismatch", &case.file, named.pos, msg);
    match (look.submission)(&named.value).map(|s| s.decision.as_ref().map(|d| &d.outcome)) {
        None => Some(at(format!("提交「{}」不存在", named.value))),
        Some(Some(Outcome::Accepted(c))) if c.value == case.id.value => None,
        Some(_) => Some(
            at(format!("提交「{}」没有记为受理成本案件", named.value))
                .with_hint(format!("提交文件应有 accepted: {{ date: …, case: {} }}", case.id.value)),
        ),
    }
}
