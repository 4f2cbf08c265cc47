//! An online submission file: `submissions/<year>/<id>.yaml` (see `model::submission`).

use crate::diag::Sink;
use crate::load::case::{read_enterprise, ENTERPRISE_FIELDS};
use crate::load::reader::MapReader;
use crate::load::yaml::Node;
use crate::model::field::{field, Field, Ty};
use crate::model::submission::{Decision, Outcome};
use crate::model::Submission;

/// The folder the submissions are kept in.
pub(crate) const FOLDER: &str = "submissions";

/// The keys of a submission file.
pub(crate) const SUBMISSION_FIELDS: &[Field] = &[
    field("id", true, Ty::Text, "提交编号，文件名为「编号.yaml」"),
    field("submitted", true, Ty::Date, "企业在网上提交的日期；受理后即案件的收到日期"),
    field("enterprise", true, Ty::Map(ENTERPRISE_FIELDS), "提交问题的企业（联系人、电话是个人信息，公开时不显示）"),
    field("category", false, Ty::Text, "问题类别，企业填写"),
    field("meeting", false, Ty::Text, "企业选择的恳谈会编号"),
    field("text", true, Ty::Text, "企业反映的问题"),
    field(
        "accepted",
        false,
        Ty::Map(ACCEPTED_FIELDS),
        "已受理：受理日期和由此建立的案件（qinqing submission accept 写）",
    ),
    field(
        "declined",
        false,
        Ty::Map(DECLINED_FIELDS),
        "不予受理：日期和理由，企业凭回执码可见（qinqing submission decline 写）",
    ),
];

/// The keys of `accepted`.
pub(crate) const ACCEPTED_FIELDS: &[Field] =
    &[field("date", true, Ty::Date, "受理日期"), field("case", true, Ty::Text, "建立的案件编号")];

/// The keys of `declined`.
pub(crate) const DECLINED_FIELDS: &[Field] =
    &[field("date", true, Ty::Date, "决定日期"), field("reason", true, Ty::Text, "不予受理的理由，企业可见")];

/// Reads a submission from its parsed file. `None` when it is too broken to use.
pub(crate) fn read_submission(file: &str, root: &Node, sink: &mut Sink) -> Option<Submission> {
    let m = MapReader::open(root, "提交文件", SUBMISSION_FIELDS, sink)?;
    let id = m.spanned_text("id", sink)?;
    let name = file.rsplit('/').next().unwrap_or(file);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    if stem != id.value {
        sink.error("file-name-mismatch", id.pos, format!("编号「{}」与文件名「{stem}」不一致", id.value))
            .hint(format!("请把文件改名为 {}.yaml，或改正编号", id.value));
    }
    let accepted = m.get("accepted").and_then(|n| {
        let a = MapReader::open(n, "accepted", ACCEPTED_FIELDS, sink)?;
        let date = a.date("date", sink)?;
        Some(Decision { date: date.value, outcome: Outcome::Accepted(a.spanned_text("case", sink)?), pos: n.pos })
    });
    let declined = m.get("declined").and_then(|n| {
        let d = MapReader::open(n, "declined", DECLINED_FIELDS, sink)?;
        let date = d.date("date", sink)?;
        Some(Decision { date: date.value, outcome: Outcome::Declined(d.text("reason", sink)?), pos: n.pos })
    });
    if let (Some(_), Some(d)) = (&accepted, &declined) {
        sink.error("conflicting-decision", d.pos, "同一件提交不能既受理又不予受理")
            .hint("保留实际作出的那个决定，删掉另一个");
    }
    Some(Submission {
        file: file.to_string(),
        submitted: m.date("submitted", sink),
        enterprise: m.get("enterprise").and_then(|n| read_enterprise(n, sink)),
        category: m.text("category", sink),
        meeting: m.spanned_text("meeting", sink),
        text: m.text("text", sink).unwrap_or_default(),
        decision: accepted.or(declined),
        id,
    })
}
