//! JSON Schemas of every file kind, built from the same field tables the
//! reader checks, so editors and the checker never disagree.

use serde_json::{json, Map, Value};

use crate::load::calendar_file::CALENDAR_FIELDS;
use crate::load::case::{event_fields, CASE_FIELDS};
use crate::load::reader::{Field, Ty};
use crate::load::rule_file::{RULE_FIELDS, RULE_FILE_FIELDS};
use crate::load::settings::{DEPARTMENT_FIELDS, MEETING_FIELDS, SETTINGS_FIELDS};
use crate::model::{EventType, Named};

/// The file kinds that have a schema, with what they are.
pub const KINDS: &[(&str, &str)] = &[
    ("case", "案件文件 cases/**/<编号>.yaml"),
    ("meeting", "会议文件 cases/**/meeting.yaml"),
    ("departments", "部门名录 departments.yaml"),
    ("rules", "时限规则 rules/*.yaml"),
    ("calendar", "节假日日历 rules/calendars/*.yaml"),
    ("settings", "案件库设置 qinqing.yaml"),
];

/// The schema of one file kind, or `None` for an unknown kind.
pub fn schema(kind: &str) -> Option<Value> {
    let (title, body) = match kind {
        "case" => ("qinqing 案件文件", case_schema()),
        "meeting" => ("qinqing 会议文件", object(MEETING_FIELDS)),
        "departments" => ("qinqing 部门名录", json!({ "type": "array", "items": object(DEPARTMENT_FIELDS) })),
        "rules" => ("qinqing 时限规则", rules_schema()),
        "calendar" => ("qinqing 节假日日历", calendar_schema()),
        "settings" => ("qinqing 案件库设置", settings_schema()),
        _ => return None,
    };
    let mut v = body;
    if let Value::Object(m) = &mut v {
        m.insert("$schema".into(), json!("http://json-schema.org/draft-07/schema#"));
        m.insert("$id".into(), json!(format!("https://qinqing.invalid/schema/{kind}.json")));
        m.insert("title".into(), json!(title));
    }
    Some(v)
}

fn object(fields: &[Field]) -> Value {
    let mut props = Map::new();
    for f in fields {
        let mut p = ty(f.ty);
        if let Value::Object(m) = &mut p {
            m.insert("description".into(), json!(f.doc));
        }
        props.insert(f.name.into(), p);
    }
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.name).collect();
    json!({ "type": "object", "properties": props, "required": required, "additionalProperties": false })
}

fn ty(t: Ty) -> Value {
    match t {
        Ty::Text => json!({ "type": ["string", "number", "boolean"] }),
        Ty::Date => json!({ "type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$" }),
        Ty::Int => json!({ "type": "integer" }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Enum(values) => json!({ "enum": values() }),
        Ty::TextOrList => {
            json!({ "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] })
        }
        Ty::TextList => json!({ "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] }),
        Ty::Map(fields) => object(fields),
        Ty::Any | Ty::Custom => json!({}),
    }
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    if let Some(Value::Object(props)) = base.get_mut("properties") {
        if let Some(Value::Object(p)) = props.get_mut(key) {
            if let Value::Object(v) = value {
                p.extend(v);
            }
        }
    }
    base
}

fn case_schema() -> Value {
    let events: Vec<Value> = EventType::ALL
        .iter()
        .map(|(kind, en, zh)| {
            let mut o = object(event_fields(*kind));
            o["properties"]["event"] = json!({ "enum": [en, zh], "description": format!("{zh}（{en}）") });
            o
        })
        .collect();
    with(object(CASE_FIELDS), "timeline", json!({ "type": "array", "items": { "oneOf": events } }))
}

fn rules_schema() -> Value {
    let event_names: Vec<&str> = EventType::ALL.iter().flat_map(|(_, en, zh)| [*en, *zh]).chain(["received"]).collect();
    let trigger = json!({ "anyOf": [
        { "enum": event_names },
        { "type": "object", "properties": {
            "event": { "enum": event_names },
            "rating": { "type": "string" }, "result": { "type": "string" },
            "lead": { "type": "string" }, "by": { "type": "string" } },
          "required": ["event"], "additionalProperties": false }
    ]});
    let triggers = json!({ "anyOf": [trigger, { "type": "array", "items": trigger }] });
    let condition = json!({ "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] });
    let when = json!({ "type": "object", "additionalProperties": false, "properties": {
        "level": condition, "handling": condition, "channel": condition, "category": condition, "tags": condition } });
    let notices = json!({ "type": "array", "items": { "type": "object", "additionalProperties": false,
        "required": ["after", "kind"],
        "properties": { "after": { "type": "string" }, "kind": { "enum": ["supervision", "bulletin", "督办", "通报"] } } } });
    let mut rule = object(RULE_FIELDS);
    rule = with(rule, "start", triggers.clone());
    rule = with(rule, "stop", triggers);
    rule = with(rule, "when", when);
    rule = with(rule, "notices", notices);
    with(object(RULE_FILE_FIELDS), "rules", json!({ "type": "array", "items": rule }))
}

fn calendar_schema() -> Value {
    let year = json!({ "type": "object", "additionalProperties": false, "required": ["year"], "properties": {
        "year": { "type": "integer" },
        "holidays": { "type": "array", "items": { "type": "object", "additionalProperties": false,
            "required": ["name", "from", "to"],
            "properties": { "name": { "type": "string" }, "from": { "type": "string" }, "to": { "type": "string" } } } },
        "workdays": { "type": "array", "items": { "type": "object", "additionalProperties": false,
            "required": ["date"], "properties": { "name": { "type": "string" }, "date": { "type": "string" } } } } } });
    with(object(CALENDAR_FIELDS), "years", json!({ "type": "array", "items": year }))
}

fn settings_schema() -> Value {
    with(object(SETTINGS_FIELDS), "levels", json!({ "type": "object", "additionalProperties": { "type": "string" } }))
}
