//! An online submission (线上提交): a question an enterprise sent through the
//! public form, waiting in `submissions/` until the office accepts it (it
//! becomes a case) or declines it with a reason. Not a case: counted nowhere.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Enterprise, Spanned};

/// One submission file, `submissions/<year>/<id>.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Submission {
    /// Its file, relative to the root.
    pub(crate) file: String,
    /// Its id, from `ids.submission`.
    pub(crate) id: Spanned<String>,
    /// The day it was sent.
    pub(crate) submitted: Option<Spanned<NaiveDate>>,
    /// Who sent it.
    pub(crate) enterprise: Option<Enterprise>,
    /// The kind of problem, as the sender put it.
    pub(crate) category: Option<String>,
    /// The meeting it is for, if the sender chose one.
    pub(crate) meeting: Option<Spanned<String>>,
    /// The problem.
    pub(crate) text: String,
    /// What the office decided, once it has.
    pub(crate) decision: Option<Decision>,
}

/// The office's decision on a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Decision {
    /// When.
    pub(crate) date: NaiveDate,
    /// What.
    pub(crate) outcome: Outcome,
    /// Where it is written.
    pub(crate) pos: crate::diag::Pos,
}

/// Accepted as a case, or declined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Outcome {
    /// `accepted: { date, case }`: the case it became.
    Accepted(Spanned<String>),
    /// `declined: { date, reason }`: the reason the sender sees.
    Declined(String),
}

impl Submission {
    /// Whether it still waits for the office.
    pub(crate) fn waiting(&self) -> bool {
        self.decision.is_none()
    }

    /// Where it stands, in words.
    pub(crate) fn standing(&self) -> &'static str {
        match self.decision.as_ref().map(|d| &d.outcome) {
            None => "待受理",
            Some(Outcome::Accepted(_)) => "已受理",
            Some(Outcome::Declined(_)) => "不予受理",
        }
    }
}
