//! A case file: `cases/**/<id>.yaml`.

use crate::diag::{Pos, Sink};
use crate::load::reader::MapReader;
use crate::load::yaml::{Node, Value};
use crate::model::field::{enum_values, field, Field, Ty};
use crate::model::{Case, Channel, Enterprise, Event, EventDetails, EventType, Handling, Named, Source};

/// The keys of a case file.
pub(crate) const CASE_FIELDS: &[Field] = &[
    field("id", true, Ty::Text, "案件编号，全库唯一，文件名为「编号.yaml」"),
    field("title", true, Ty::Text, "问题标题"),
    field("enterprise", false, Ty::Map(ENTERPRISE_FIELDS), "反映问题的企业"),
    field("received", false, Ty::Date, "收到问题的日期；恳谈会文件夹下的案件默认取会议日期"),
    field("channel", false, Ty::Enum(enum_values::<Channel>), "来源渠道"),
    field("meeting", false, Ty::Text, "所属恳谈会编号"),
    field("level", false, Ty::Text, "层级：city（市级）或 county（区县）"),
    field("category", false, Ty::Text, "问题类别，如 交通出行"),
    field("handling", false, Ty::Enum(enum_values::<Handling>), "办理方式"),
    field("tags", false, Ty::TextOrList, "标签，如 共性问题、典型案例"),
    field("related", false, Ty::TextOrList, "举一反三：类似案件的编号"),
    field("description", false, Ty::Text, "问题描述"),
    field(
        "source",
        false,
        Ty::Map(SOURCE_FIELDS),
        "从表格导入的案件：来自哪个文件的哪一行（qinqing import 写，重新导入时据此不重复建案）",
    ),
    field("submission", false, Ty::Text, "网上提交受理而来的案件：提交编号（qinqing submission accept 写）"),
    field(
        "proposed",
        false,
        Ty::Map(PROPOSED_FIELDS),
        "拟牵头单位：会前问题清单写的责任单位，尚未交办（qinqing assign --meeting 不写 --lead 时交给它）",
    ),
    field("timeline", false, Ty::Timeline, "办理过程，按日期先后排列"),
    field("extra", false, Ty::Any, "本地自定义字段，原样保留、不做检查"),
];

/// The keys of the `proposed` mapping.
pub(crate) const PROPOSED_FIELDS: &[Field] =
    &[field("lead", true, Ty::Department, "拟牵头单位"), field("co", false, Ty::Departments, "拟配合单位")];

/// The keys of the `enterprise` mapping.
pub(crate) const ENTERPRISE_FIELDS: &[Field] = &[
    field("name", true, Ty::Text, "企业名称"),
    field("credit_code", false, Ty::Text, "统一社会信用代码（18位，按 GB 32100-2015 校验）"),
    field("contact", false, Ty::Text, "联系人（个人信息，公开时脱敏）"),
    field("phone", false, Ty::Text, "联系电话（个人信息，公开时脱敏）"),
    field("email", false, Ty::Text, "电子邮箱（个人信息，不公开）：有了答复时通知企业（notify.enterprises.email）"),
];

/// The keys of the `source` mapping.
pub(crate) const SOURCE_FIELDS: &[Field] = &[
    field("file", true, Ty::Text, "导入的表格文件名，如 问题清单.xlsx"),
    field(
        "key",
        true,
        Ty::Text,
        "认出这一行的依据（换了文件名也认得）：导入到恳谈会时为序号，热线为工单号，其他为企业名称与问题的摘要",
    ),
    field("row", false, Ty::Int, "导入时所在的行号（从 1 起）"),
];

/// Reads a case from its parsed file. `None` when it is too broken to use.
pub(crate) fn read_case(file: &str, root: &Node, sink: &mut Sink) -> Option<Case> {
    let m = MapReader::open(root, "案件文件", CASE_FIELDS, sink)?;
    let id = m.spanned_text("id", sink)?;
    let name = file.rsplit('/').next().unwrap_or(file);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    if stem != id.value {
        sink.error("file-name-mismatch", id.pos, format!("编号「{}」与文件名「{stem}」不一致", id.value))
            .hint(format!("请把文件改名为 {}.yaml，或改正编号", id.value));
    }
    let enterprise = m.get("enterprise").and_then(|n| read_enterprise(n, sink));
    let timeline = match m.get("timeline") {
        Some(Node { value: Value::Seq(items), .. }) => items.iter().filter_map(|n| read_event(n, sink)).collect(),
        Some(n) => {
            sink.error("wrong-type", n.pos, format!("timeline 应为列表，实为{}", n.kind_name()))
                .hint("每个事件以「- date: …」开头");
            Vec::new()
        }
        None => Vec::new(),
    };
    Some(Case {
        file: file.to_string(),
        title: m.text("title", sink).unwrap_or_default(),
        enterprise,
        received: m.date("received", sink),
        received_written: m.key_pos("received").is_some(),
        level_from_meeting: false,
        meeting_date: None,
        channel: m.named("channel", sink),
        meeting: m.spanned_text("meeting", sink),
        level: m.spanned_text("level", sink),
        category: m.text("category", sink),
        handling: m.named("handling", sink),
        tags: m.texts("tags", sink).into_iter().map(|t| t.value).collect(),
        related: m.texts("related", sink),
        description: m.text("description", sink).unwrap_or_default(),
        source: m.get("source").and_then(|n| {
            let s = MapReader::open(n, "source", SOURCE_FIELDS, sink)?;
            let row = match s.get("row") {
                Some(node) => match crate::load::reader::text(node, sink)?.parse::<u32>() {
                    Ok(n) if n > 0 => Some(n),
                    _ => {
                        sink.error("invalid-value", node.pos, "source.row 应为正整数（表格中的行号）");
                        None
                    }
                },
                None => None,
            };
            Some(Source { file: s.text("file", sink)?, key: s.text("key", sink)?, row })
        }),
        submission: m.spanned_text("submission", sink),
        proposed: m.get("proposed").and_then(|n| {
            let p = MapReader::open(n, "proposed", PROPOSED_FIELDS, sink)?;
            Some(crate::model::Proposed { lead: p.spanned_text("lead", sink)?, co: p.texts("co", sink) })
        }),
        timeline,
        id,
    })
}

pub(crate) fn read_enterprise(node: &Node, sink: &mut Sink) -> Option<Enterprise> {
    let m = MapReader::open(node, "enterprise", ENTERPRISE_FIELDS, sink)?;
    let credit_code = m.spanned_text("credit_code", sink);
    if let Some(code) = &credit_code {
        if let Err(problem) = check_credit_code(code.value.trim()) {
            sink.error("invalid-credit-code", code.pos, format!("统一社会信用代码「{}」无效：{problem}", code.value))
                .hint("请核对营业执照上的18位代码（GB 32100-2015）");
        }
    }
    let email = m.spanned_text("email", sink);
    if let Some(e) = email.as_ref().filter(|e| !looks_like_email(e.value.trim())) {
        sink.error("invalid-value", e.pos, format!("电子邮箱「{}」的格式不对", e.value)).hint("写作 name@example.com");
    }
    Some(Enterprise {
        name: m.text("name", sink).unwrap_or_default(),
        credit_code: credit_code.map(|c| c.value),
        contact: m.text("contact", sink),
        phone: m.text("phone", sink),
        email: email.map(|e| e.value),
    })
}

fn read_event(node: &Node, sink: &mut Sink) -> Option<Event> {
    let Value::Map(entries) = &node.value else {
        sink.error("wrong-type", node.pos, format!("事件应为映射，实为{}", node.kind_name()))
            .hint("例如：- { date: 2026-06-04, event: assigned, lead: 市交通运输局 }");
        return None;
    };
    let kind_entry = entries.iter().find(|(k, _)| k.as_str() == Some("event"));
    let kind = match kind_entry {
        // `event: ~` names no kind: the entry is not a kind-less event to drop.
        Some((key, n)) if n.value == Value::Null => {
            sink.error("missing-field", key.pos, "事件的字段「event」没有值")
                .hint(format!("可选：{}", crate::model::enums::spellings::<EventType>()));
            return None;
        }
        Some((_, n)) => crate::load::reader::named::<EventType>(n, sink)?,
        None => {
            sink.error("missing-field", node.pos, "事件缺少必填字段「event」")
                .hint(format!("可选：{}", crate::model::enums::spellings::<EventType>()));
            return None;
        }
    };
    let what = format!("「{}」事件", kind.zh());
    let m = MapReader::open(node, &what, kind.spec().fields, sink)?;
    let date = m.date("date", sink)?;
    let mut e = Event::new(node.pos, date.value, kind);
    // The department that becomes the lead is `lead` of an assignment, `to` of a transfer.
    let lead_key = kind.spec().lead_key;
    e.lead = lead_key.and_then(|k| m.spanned_text(k, sink));
    e.co = m.texts("co", sink);
    e.by = m.spanned_text("by", sink);
    e.result = m.named("result", sink);
    e.rating = m.named("rating", sink);
    let details = EventDetails {
        to: if lead_key == Some("to") { Vec::new() } else { m.texts("to", sink) },
        due: m.date("due", sink),
        promise: m.date("promise", sink),
        rule: m.spanned_text("rule", sink),
        approved_by: m.text("approved_by", sink),
        doc: m.text("doc", sink),
        reason: m.text("reason", sink),
        from: m.spanned_text("from", sink),
        decision: m.text("decision", sink),
        participants: m.texts("participants", sink).into_iter().map(|p| p.value).collect(),
        via: m.named("via", sink),
        question: m.text("question", sink),
    };
    e.details = (details != EventDetails::default()).then(|| Box::new(details));
    e.text = ["text", "note", "reason", "comment"].iter().find_map(|k| m.text(k, sink));
    Some(e)
}

/// One `@` between a local part and a dotted domain, nothing that is not an address character.
pub(crate) fn looks_like_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else { return false };
    let ok = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    !local.is_empty()
        && local.chars().all(ok)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.chars().all(|c| c.is_ascii_alphanumeric() || ".-".contains(c))
}

const CREDIT_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Checks a unified social credit code (GB 32100-2015): length, characters, check character.
pub(crate) fn check_credit_code(code: &str) -> Result<(), String> {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(format!("应为18位，实为{}位", chars.len()));
    }
    let mut values = Vec::with_capacity(18);
    for (i, c) in chars.iter().enumerate() {
        match CREDIT_CHARS.find(*c) {
            Some(v) => values.push(v as u32),
            None => return Err(format!("第{}位「{c}」不是有效字符（不用 I、O、Z、S、V 和小写字母）", i + 1)),
        }
    }
    let expected = credit_check_char(&values[..17]);
    if chars[17] != expected {
        return Err(format!("校验位应为「{expected}」"));
    }
    Ok(())
}

/// The check character for the values (0..31) of a code's first 17 characters.
pub(crate) fn credit_check_char(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
    CREDIT_CHARS.as_bytes()[((31 - sum % 31) % 31) as usize] as char
}

/// Where the case's `received` date comes from, for clocks started by it.
pub(crate) fn received_pos(case: &Case) -> Pos {
    case.received.as_ref().map(|r| r.pos).or(case.meeting.as_ref().map(|m| m.pos)).unwrap_or(case.id.pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_codes_are_checksummed() {
        // Published example codes from the standard's appendix and public registers.
        assert!(check_credit_code("91350100M000100Y43").is_ok());
        assert!(check_credit_code("91110000600037341L").is_ok());
        assert!(check_credit_code("91110000600037341M").unwrap_err().contains("校验位应为「L」"));
        assert!(check_credit_code("9111000060003734").is_err());
        assert!(check_credit_code("91110000600037341I").is_err());
    }
}
