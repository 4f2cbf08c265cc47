//! JSON Schemas of every file kind, built from the same field tables the
//! reader checks, so editors and the checker never disagree. No fragment is
//! written by hand: every shape is a `Ty` of a table.

use serde_json::{json, Map, Value};

use crate::load::calendar_file::CALENDAR_FIELDS;
use crate::load::case::CASE_FIELDS;
use crate::load::settings::{DEPARTMENT_FIELDS, MEETING_FIELDS, SETTINGS_FIELDS};
use crate::load::submission::SUBMISSION_FIELDS;
use crate::model::field::{Field, Ty};
use crate::model::rule::{trigger_names, RULE_FILE_FIELDS, TRIGGER_FIELDS};
use crate::model::{EventType, Named};

/// The file kinds that have a schema, with what they are.
pub(crate) const KINDS: &[(&str, &str)] = &[
    ("case", "案件文件 cases/**/<编号>.yaml"),
    ("meeting", "会议文件 cases/**/meeting.yaml"),
    ("submission", "网上提交 submissions/<年>/<编号>.yaml"),
    ("departments", "部门名录 departments.yaml"),
    ("rules", "时限规则 rules/*.yaml"),
    ("calendar", "节假日日历 rules/calendars/*.yaml"),
    ("settings", "案件库设置 qinqing.yaml"),
];

/// The schema of one file kind, or `None` for an unknown kind.
pub(crate) fn schema(kind: &str) -> Option<Value> {
    let (title, body) = match kind {
        "case" => ("qinqing 案件文件", case_schema()),
        "meeting" => ("qinqing 会议文件", object(MEETING_FIELDS)),
        "submission" => ("qinqing 网上提交", object(SUBMISSION_FIELDS)),
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

/// The schema of a value of a shape; every shape comes from a reader's table.
fn ty(t: Ty) -> Value {
    let text_or_list =
        || json!({ "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] });
    match t {
        Ty::Text | Ty::Department | Ty::Rule => json!({ "type": ["string", "number", "boolean"] }),
        Ty::Date => json!({ "type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$" }),
        Ty::Int => json!({ "type": "integer" }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Enum(values) => json!({ "enum": values() }),
        Ty::Named(values) => json!({ "enum": values().into_iter().flat_map(|(en, zh)| [en, zh]).collect::<Vec<_>>() }),
        Ty::TextOrList | Ty::Departments => text_or_list(),
        Ty::Map(fields) => object(fields),
        Ty::List(fields) => json!({ "type": "array", "items": object(fields) }),
        Ty::Dict => json!({ "type": "object", "additionalProperties": { "type": "string" } }),
        Ty::PerRate(inner) => {
            let names: Vec<&str> = crate::model::RateKind::ALL
                .iter()
                .flat_map(|(_, en, zh)| [*en, *zh])
                .chain(crate::model::RateKind::SHORT.iter().map(|(_, s)| *s))
                .collect();
            let one = ty(*inner);
            json!({ "anyOf": [one.clone(), {
                "type": "object",
                "propertyNames": { "enum": names },
                "additionalProperties": one
            }] })
        }
        Ty::Dicts => json!({
            "type": "object",
            "additionalProperties": { "type": "object", "additionalProperties": { "type": "string" } }
        }),
        Ty::Timeline => {
            let events: Vec<Value> = EventType::ALL
                .iter()
                .map(|(kind, en, zh)| {
                    let mut o = object(kind.spec().fields);
                    o["properties"]["event"] = json!({ "enum": [en, zh], "description": format!("{zh}（{en}）") });
                    o
                })
                .collect();
            json!({ "type": "array", "items": { "oneOf": events } })
        }
        Ty::Triggers => {
            let trigger = json!({ "anyOf": [{ "enum": trigger_names() }, object(TRIGGER_FIELDS)] });
            json!({ "anyOf": [trigger, { "type": "array", "items": trigger }] })
        }
        Ty::Any => json!({}),
    }
}

fn case_schema() -> Value {
    object(CASE_FIELDS)
}

fn rules_schema() -> Value {
    object(RULE_FILE_FIELDS)
}

fn calendar_schema() -> Value {
    object(CALENDAR_FIELDS)
}

fn settings_schema() -> Value {
    object(SETTINGS_FIELDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::Object(props)) = m.get("properties") {
                    out.extend(props.keys().cloned());
                }
                if let Some(Value::Array(values)) = m.get("enum") {
                    out.extend(values.iter().filter_map(|x| x.as_str().map(str::to_string)));
                }
                m.values().for_each(|x| names(x, out));
            }
            Value::Array(items) => items.iter().for_each(|x| names(x, out)),
            _ => {}
        }
    }

    /// docs/format.md is the users' reference: it must name every key and value the reader accepts.
    #[test]
    fn the_settings_schema_takes_what_the_reader_takes() {
        // 单面 and 截尾 are read; an editor checking against the schema must not flag them.
        let settings = schema("settings").unwrap();
        let printing = &settings["properties"]["printing"]["enum"];
        // One value for every rate, or one per rate.
        let rounding = &settings["properties"]["report"]["properties"]["rounding"]["anyOf"][0]["enum"];
        let per_rate = &settings["properties"]["report"]["properties"]["rounding"]["anyOf"][1];
        assert_eq!(&per_rate["additionalProperties"]["enum"], rounding);
        assert!(per_rate["propertyNames"]["enum"].as_array().unwrap().iter().any(|v| v == "办结率"));
        for (values, spelling) in
            [(printing, "单面"), (printing, "double-sided"), (rounding, "截尾"), (rounding, "round")]
        {
            assert!(values.as_array().unwrap().iter().any(|v| v == spelling), "{spelling}: {values}");
        }
    }

    #[test]
    fn the_format_reference_names_every_field_and_value() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/format.md")).unwrap();
        let mut all = Vec::new();
        for (kind, _) in KINDS {
            names(&schema(kind).unwrap(), &mut all);
        }
        all.sort();
        all.dedup();
        assert!(all.len() > 100, "{} names", all.len());
        let missing: Vec<&String> = all
            .iter()
            .filter(|n| if n.is_ascii() { !doc.contains(&format!("`{n}`")) } else { !doc.contains(n.as_str()) })
            .collect();
        assert!(missing.is_empty(), "docs/format.md does not mention: {missing:?}");
    }
}
