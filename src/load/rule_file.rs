//! Rule files: `rules/*.yaml`.

use crate::diag::{closest, did_you_mean, Pos, Severity, Sink};
use crate::load::reader::{self, MapReader};
use crate::load::yaml::{Node, Value};
use crate::model::field::enum_values;
use crate::model::rule::{
    parse_interval, parse_within, CaseCondition, CaseField, EventField, NoticeKind, NoticeStep, Responsible, Rule,
    Trigger, TriggerOn, NOTICE_FIELDS, RULE_FIELDS, RULE_FILE_FIELDS,
};
use crate::model::{EventType, Named, Settings};

/// Reads the rules of one file.
pub(crate) fn read_rules(file: &str, root: &Node, settings: &Settings, sink: &mut Sink) -> Vec<Rule> {
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
    if id.trim().is_empty() {
        let pos = m.get("id").map_or(m.pos, |n| n.pos);
        sink.error("empty-value", pos, "规则编号（id）是空的").hint("写一个编号，如 reply；延期事件用它指明延哪条规则");
        return None;
    }
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
    if responsible == Responsible::Office && !notices.is_empty() {
        let pos = m.get("notices").map_or(m.pos, |n| n.pos);
        sink.warning("notices-for-office", pos, "本办负责的时限不发督办通知或通报，notices 不起作用")
            .hint("超期会在 check 中报告给本办；如由主办部门负责，请写 responsible: assignee");
    }
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

fn interval(n: &Node, sink: &mut Sink) -> Option<crate::model::rule::Interval> {
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
    let kind = reader::named::<NoticeKind>(kind_node, sink)?;
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
                let Some(field) = EventField::ALL.into_iter().find(|f| f.key() == key) else {
                    let names = EventField::ALL.iter().map(|f| f.key());
                    let hint = closest(key, names.clone().chain(["event"]))
                        .map(did_you_mean)
                        .unwrap_or_else(|| format!("可用条件：event、{}", names.collect::<Vec<_>>().join("、")));
                    sink.error("unknown-field", k.pos, format!("起止条件中没有字段「{key}」")).hint(hint);
                    ok = false;
                    continue;
                };
                match field.normalise(&value) {
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

fn trigger_on(text: &str, pos: Pos, sink: &mut Sink) -> Option<TriggerOn> {
    if matches!(text, "received" | "收到") {
        return Some(TriggerOn::Received);
    }
    if matches!(text, "meeting" | "会议") {
        return Some(TriggerOn::Meeting);
    }
    if matches!(text, "intake" | "受理") {
        return Some(TriggerOn::Intake);
    }
    if let Some(kind) = EventType::parse(text) {
        return Some(TriggerOn::Event(kind));
    }
    let all = enum_values::<EventType>().into_iter().chain(["received", "meeting", "intake"]);
    let hint = closest(text, all).map(did_you_mean).unwrap_or_else(|| {
        format!("可选：received、meeting、intake、{}", crate::model::enums::spellings::<EventType>())
    });
    sink.error("unknown-event", pos, format!("未知事件类型「{text}」")).hint(hint);
    None
}

fn conditions(node: &Node, settings: &Settings, sink: &mut Sink) -> Vec<CaseCondition> {
    let Some(m) = MapReader::open(node, "when", &CaseField::FIELDS, sink) else { return Vec::new() };
    let mut out = Vec::new();
    for field in CaseField::ALL {
        let name = field.key();
        let Some(n) = m.get(name) else { continue };
        let mut values = Vec::new();
        for v in reader::texts(n, sink) {
            match field.normalise(&v.value, settings) {
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
