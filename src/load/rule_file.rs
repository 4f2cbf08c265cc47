//! Rule files: `rules/*.yaml`.

use crate::diag::{closest, did_you_mean, Pos, Severity, Sink};
use crate::load::reader::{self, enum_values, field, Field, MapReader, Ty};
use crate::load::yaml::{Node, Value};
use crate::model::{Channel, EventType, Handling, Named, Rating, ReplyResult, Settings};
use crate::rules::{
    parse_interval, parse_within, CaseCondition, CaseField, EventField, NoticeKind, NoticeStep, Responsible, Rule,
    Trigger, TriggerOn,
};

/// The keys of a rule file.
pub const RULE_FILE_FIELDS: &[Field] = &[field("rules", true, Ty::Custom, "时限规则列表")];

/// The keys of one rule.
pub const RULE_FIELDS: &[Field] = &[
    field("id", true, Ty::Text, "规则编号，如 reply；延期事件用它指明延哪条规则"),
    field("title", false, Ty::Text, "规则说明，如 交办后两周内办理回复"),
    field("when", false, Ty::Custom, "只对符合条件的案件计时：level、handling、channel、category、tags"),
    field("start", true, Ty::Custom, "起算事件：received 或事件类型，可带条件，可为列表"),
    field("stop", true, Ty::Custom, "止算事件，同上"),
    field("within", true, Ty::Text, "时限：2 workdays、14 days、2 weeks、1 month、end of month、end of next month"),
    field("warn", false, Ty::Text, "到期前提醒：N workdays 或 N days"),
    field(
        "responsible",
        false,
        Ty::Enum(|| vec!["office", "assignee"]),
        "责任方：office（本办）或 assignee（主办部门）",
    ),
    field("severity", false, Ty::Enum(|| vec!["error", "warning"]), "超期的严重程度，默认 error"),
    field("notices", false, Ty::Custom, "超期后应发的文书：{ after: 0 days, kind: supervision | bulletin }"),
    field("roll", false, Ty::Bool, "期限末日为休息日时顺延至下一工作日，默认 true"),
];

const NOTICE_FIELDS: &[Field] = &[
    field("after", true, Ty::Text, "超期多久后：N days 或 N workdays"),
    field("kind", true, Ty::Enum(|| vec!["supervision", "bulletin"]), "supervision（督办）或 bulletin（通报）"),
];

const WHEN_FIELDS: &[Field] = &[
    field("level", false, Ty::TextOrList, "层级"),
    field("handling", false, Ty::TextOrList, "办理方式"),
    field("channel", false, Ty::TextOrList, "来源渠道"),
    field("category", false, Ty::TextOrList, "问题类别"),
    field("tags", false, Ty::TextOrList, "标签（任一）"),
];

/// Reads the rules of one file.
pub fn read_rules(file: &str, root: &Node, settings: &Settings, sink: &mut Sink) -> Vec<Rule> {
    let Some(m) = MapReader::open(root, "规则文件", RULE_FILE_FIELDS, sink) else { return Vec::new() };
    let Some(list) = m.get("rules") else { return Vec::new() };
    let Value::Seq(items) = &list.value else {
        sink.error("wrong-type", list.pos, "rules 应为列表").hint("每条规则以「- id: …」开头");
        return Vec::new();
    };
    items.iter().filter_map(|n| read_rule(file, n, settings, sink)).collect()
}

fn read_rule(file: &str, node: &Node, settings: &Settings, sink: &mut Sink) -> Option<Rule> {
    let m = MapReader::open(node, "规则", RULE_FIELDS, sink)?;
    let id = m.text("id", sink)?;
    let start = m.get("start").map(|n| triggers(n, sink)).unwrap_or_default();
    let stop = m.get("stop").map(|n| triggers(n, sink)).unwrap_or_default();
    let within = m.get("within").and_then(|n| {
        let t = reader::text(n, sink)?;
        let w = parse_within(&t);
        if w.is_none() {
            sink.error("invalid-duration", n.pos, format!("时限「{t}」无法识别"))
                .hint("可写：2 workdays、14 days、2 weeks、1 month、end of month、end of next month");
        }
        w
    });
    let warn = m.get("warn").and_then(|n| interval(n, sink));
    let responsible = match m.text("responsible", sink).as_deref() {
        None | Some("office") => Responsible::Office,
        Some("assignee") => Responsible::Assignee,
        Some(other) => {
            let pos = m.get("responsible").map_or(m.pos, |n| n.pos);
            sink.error("invalid-value", pos, format!("责任方「{other}」无效"))
                .hint("可选：office（本办）、assignee（主办部门）");
            Responsible::Office
        }
    };
    let severity = match m.text("severity", sink).as_deref() {
        None | Some("error") => Severity::Error,
        Some("warning") => Severity::Warning,
        Some(other) => {
            let pos = m.get("severity").map_or(m.pos, |n| n.pos);
            sink.error("invalid-value", pos, format!("严重程度「{other}」无效")).hint("可选：error、warning");
            Severity::Error
        }
    };
    let notices = match m.get("notices") {
        Some(Node { value: Value::Seq(items), .. }) => items.iter().filter_map(|n| notice(n, sink)).collect(),
        Some(n) => {
            sink.error("wrong-type", n.pos, "notices 应为列表");
            Vec::new()
        }
        None => Vec::new(),
    };
    let when = m.get("when").map(|n| conditions(n, settings, sink)).unwrap_or_default();
    let roll = m.bool("roll", sink).unwrap_or(true);
    Some(Rule {
        title: m.text("title", sink).unwrap_or_else(|| id.clone()),
        id,
        when,
        start,
        stop,
        within: within?,
        warn,
        responsible,
        severity,
        notices,
        roll,
        file: file.to_string(),
        pos: node.pos,
    })
}

fn interval(n: &Node, sink: &mut Sink) -> Option<crate::rules::Interval> {
    let t = reader::text(n, sink)?;
    let i = parse_interval(&t);
    if i.is_none() {
        sink.error("invalid-duration", n.pos, format!("时长「{t}」无法识别")).hint("可写：N workdays 或 N days");
    }
    i
}

fn notice(node: &Node, sink: &mut Sink) -> Option<NoticeStep> {
    let m = MapReader::open(node, "notices 项", NOTICE_FIELDS, sink)?;
    let after = interval(m.get("after")?, sink)?;
    let kind_node = m.get("kind")?;
    let kind = match reader::text(kind_node, sink)?.as_str() {
        "supervision" | "督办" => NoticeKind::Supervision,
        "bulletin" | "通报" => NoticeKind::Bulletin,
        other => {
            sink.error("invalid-value", kind_node.pos, format!("文书种类「{other}」无效"))
                .hint("可选：supervision（督办）、bulletin（通报）");
            return None;
        }
    };
    Some(NoticeStep { after, kind })
}

/// `received`, an event type, `{ event: …, field: value }`, or a list of those.
fn triggers(node: &Node, sink: &mut Sink) -> Vec<Trigger> {
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(|n| trigger(n, sink)).collect(),
        _ => trigger(node, sink).into_iter().collect(),
    }
}

fn trigger(node: &Node, sink: &mut Sink) -> Option<Trigger> {
    match &node.value {
        Value::Str(s) => Some(Trigger { on: trigger_on(s, node.pos, sink)?, conditions: Vec::new() }),
        Value::Map(entries) => {
            let mut on = None;
            let mut conditions = Vec::new();
            let mut ok = true;
            for (k, v) in entries {
                let Some(key) = k.as_str() else { continue };
                let Some(value) = reader::text(v, sink) else {
                    ok = false;
                    continue;
                };
                if key == "event" {
                    on = trigger_on(&value, v.pos, sink);
                    ok &= on.is_some();
                    continue;
                }
                let Some(field) = EventField::ALL.iter().find(|(_, name)| *name == key).map(|(f, _)| *f) else {
                    let names = EventField::ALL.iter().map(|(_, n)| *n);
                    let hint = closest(key, names.clone().chain(["event"]))
                        .map(did_you_mean)
                        .unwrap_or_else(|| format!("可用条件：event、{}", names.collect::<Vec<_>>().join("、")));
                    sink.error("unknown-field", k.pos, format!("起止条件中没有字段「{key}」")).hint(hint);
                    ok = false;
                    continue;
                };
                match normalise(field, &value) {
                    Some(v) => conditions.push((field, v)),
                    None => {
                        sink.error("invalid-value", v.pos, format!("条件值「{value}」无效"));
                        ok = false;
                    }
                }
            }
            if on.is_none() && ok {
                sink.error("missing-field", node.pos, "起止条件缺少「event」")
                    .hint("例如：{ event: evaluated, rating: unsatisfied }");
            }
            Some(Trigger { on: on?, conditions }).filter(|_| ok)
        }
        _ => {
            sink.error("wrong-type", node.pos, "起止事件应为事件类型、映射或列表");
            None
        }
    }
}

fn normalise(field: EventField, value: &str) -> Option<String> {
    match field {
        EventField::Rating => Rating::parse(value).map(|r| r.key().to_string()),
        EventField::Result => ReplyResult::parse(value).map(|r| r.key().to_string()),
        EventField::Lead | EventField::By => Some(value.to_string()),
    }
}

fn trigger_on(text: &str, pos: Pos, sink: &mut Sink) -> Option<TriggerOn> {
    if matches!(text, "received" | "收到" | "受理") {
        return Some(TriggerOn::Received);
    }
    if let Some(kind) = EventType::parse(text) {
        return Some(TriggerOn::Event(kind));
    }
    let all = enum_values::<EventType>().into_iter().chain(["received"]);
    let hint = closest(text, all)
        .map(did_you_mean)
        .unwrap_or_else(|| format!("可选：received、{}", crate::model::enums::spellings::<EventType>()));
    sink.error("unknown-event", pos, format!("未知事件类型「{text}」")).hint(hint);
    None
}

fn conditions(node: &Node, settings: &Settings, sink: &mut Sink) -> Vec<CaseCondition> {
    let Some(m) = MapReader::open(node, "when", WHEN_FIELDS, sink) else { return Vec::new() };
    let mut out = Vec::new();
    for (name, field) in [
        ("level", CaseField::Level),
        ("handling", CaseField::Handling),
        ("channel", CaseField::Channel),
        ("category", CaseField::Category),
        ("tags", CaseField::Tags),
    ] {
        let Some(n) = m.get(name) else { continue };
        let mut values = Vec::new();
        for v in reader::texts(n, sink) {
            let normal = match field {
                CaseField::Level => settings.level_key(&v.value).map(str::to_string),
                CaseField::Handling => Handling::parse(&v.value).map(|h| h.key().to_string()),
                CaseField::Channel => Channel::parse(&v.value).map(|c| c.key().to_string()),
                CaseField::Category | CaseField::Tags => Some(v.value.clone()),
            };
            match normal {
                Some(x) => values.push(x),
                None => {
                    sink.error("invalid-value", v.pos, format!("{name} 的取值「{}」无效", v.value));
                }
            }
        }
        out.push(CaseCondition { field, values });
    }
    out
}
