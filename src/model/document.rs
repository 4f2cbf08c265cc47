//! Document kinds: every kind declared once, here. Its planner (`render::plan`)
//! and its built-in template (`render::template`) are exhaustive matches over
//! [`DocKind`], so a new kind does not compile until both exist.

use crate::model::field::{field, Field, Ty};
use crate::model::named_enum;

named_enum!(
    /// The kinds of document.
    DocKind, "公文种类", {
    /// 交办函 (letter layout), one per lead department.
    Assignment = "assignment" / "交办函",
    /// 督办通知, one per department with clocks that call for supervision.
    Supervision = "supervision" / "督办通知",
    /// 通报, one per period (or per meeting).
    Bulletin = "bulletin" / "通报",
    /// 问题清单 / 责任清单: a meeting's problems with their units and deadlines,
    /// one document to every responsible unit under one number.
    List = "list" / "责任清单",
    /// 受理回执, one per case, to the enterprise: what was received, the
    /// deadlines it can expect, its receipt code and the code's QR code.
    Receipt = "receipt" / "受理回执",
});

/// What a command line or a form may narrow a document to; a kind takes only
/// the ones it declares, and any other given is refused, never ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Selector {
    /// `--meeting`.
    Meeting,
    /// `--case` (one or more).
    Case,
    /// `--period`, `--from`, `--to`.
    Period,
    /// `--dept`.
    Dept,
    /// `--due`: the deadline a notice sets.
    Due,
    /// `--codes`: each case's receipt code, in the office's own copy.
    Codes,
}

impl Selector {
    /// The request's field (the flag without dashes).
    pub(crate) fn field(self) -> &'static str {
        match self {
            Selector::Meeting => "meeting",
            Selector::Case => "case",
            Selector::Period => "period",
            Selector::Dept => "dept",
            Selector::Due => "due",
            Selector::Codes => "codes",
        }
    }
}

/// The GB/T 9704 frame a document is laid out in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// The standard document layout (通知, 通报).
    Standard,
    /// The letter layout (信函格式, 函).
    Letter,
}

impl Layout {
    /// The key the typst frame and the HTML page read.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Layout::Standard => "standard",
            Layout::Letter => "letter",
        }
    }
}

/// Everything about one document kind besides its planner and template text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DocSpec {
    /// Its layout.
    pub(crate) layout: Layout,
    /// Its template's file name, built in and overridable in `templates/`.
    pub(crate) template: &'static str,
    /// Its entry in `numbering:` of qinqing.yaml; `None` for a kind that is
    /// never numbered nor registered (a receipt is handed to the enterprise).
    pub(crate) numbering: Option<Field>,
    /// Whether every document of the kind carries its cases' receipt codes
    /// (others carry them only when asked, `Selector::Codes`).
    pub(crate) carries_codes: bool,
    /// Whether it may show enterprises' contacts and phones: only a document
    /// that goes to the department that must call the enterprise back. Any
    /// other is made from the published ledger (`Ledger::published`).
    pub(crate) shows_contacts: bool,
    /// What it may be narrowed to.
    pub(crate) takes: &'static [Selector],
}

impl DocKind {
    /// Every kind, in the order they are listed to users.
    pub(crate) const ALL_KINDS: [DocKind; 5] =
        [DocKind::Assignment, DocKind::List, DocKind::Supervision, DocKind::Bulletin, DocKind::Receipt];

    /// The declaration of this kind.
    pub(crate) const fn spec(self) -> &'static DocSpec {
        match self {
            DocKind::Assignment => {
                const S: DocSpec = DocSpec {
                    layout: Layout::Letter,
                    template: "assignment.md.tera",
                    numbering: Some(field("assignment", false, Ty::Text, "交办函字号，如 湖营商交〔{year}〕{seq}号")),
                    shows_contacts: true,
                    carries_codes: false,
                    takes: &[Selector::Meeting, Selector::Case, Selector::Period, Selector::Dept, Selector::Codes],
                };
                &S
            }
            DocKind::Supervision => {
                const S: DocSpec = DocSpec {
                    layout: Layout::Standard,
                    template: "supervision.md.tera",
                    numbering: Some(field("supervision", false, Ty::Text, "督办通知字号")),
                    shows_contacts: false,
                    carries_codes: false,
                    takes: &[Selector::Case, Selector::Dept, Selector::Due],
                };
                &S
            }
            DocKind::Bulletin => {
                const S: DocSpec = DocSpec {
                    layout: Layout::Standard,
                    template: "bulletin.md.tera",
                    numbering: Some(field("bulletin", false, Ty::Text, "通报字号")),
                    shows_contacts: false,
                    carries_codes: false,
                    takes: &[Selector::Period, Selector::Meeting],
                };
                &S
            }
            DocKind::List => {
                const S: DocSpec = DocSpec {
                    layout: Layout::Standard,
                    template: "list.md.tera",
                    numbering: Some(field(
                        "list",
                        false,
                        Ty::Text,
                        "责任清单字号，如 湖营商清〔{year}〕{seq}号；不写时用交办函的",
                    )),
                    // It goes to every unit at once: no unit sees another's enterprise contacts.
                    shows_contacts: false,
                    carries_codes: false,
                    takes: &[Selector::Meeting, Selector::Codes],
                };
                &S
            }
            DocKind::Receipt => {
                const S: DocSpec = DocSpec {
                    layout: Layout::Letter,
                    template: "receipt.md.tera",
                    numbering: None,
                    // It goes to the enterprise, and may be passed on: made from the published ledger.
                    shows_contacts: false,
                    carries_codes: true,
                    takes: &[Selector::Meeting, Selector::Case],
                };
                &S
            }
        }
    }

    /// The `numbering:` table of qinqing.yaml, one entry per kind.
    pub(crate) const NUMBERING_FIELDS: [Field; 4] = [
        numbering_of(DocKind::Assignment),
        numbering_of(DocKind::List),
        numbering_of(DocKind::Supervision),
        numbering_of(DocKind::Bulletin),
    ];

    /// Whether documents of this kind take numbers from the register.
    pub(crate) const fn numbered(self) -> bool {
        self.spec().numbering.is_some()
    }
}

/// A numbered kind's `numbering:` entry (a kind without one does not compile into the table).
const fn numbering_of(kind: DocKind) -> Field {
    match kind.spec().numbering {
        Some(f) => f,
        None => panic!("a kind in the numbering table must be numbered"),
    }
}
