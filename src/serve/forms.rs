//! A case's forms, generated from the event declarations (`EventSpec`): which
//! steps a viewer may take next (the role table and where the case stands),
//! the inputs of each (a field's `Ty` decides the input, its `doc` the label),
//! and reading a posted form back into a `command::record` request.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{json, Value};

use super::auth::Viewer;
use crate::check::Ledger;
use crate::command::record::typed_value;
use crate::command::Refusal;
use crate::edit::FieldValue;
use crate::model::event::Step;
use crate::model::field::{Field, Need, Ty};
use crate::model::role::{Role, Standing};
use crate::model::{Case, EventType, Named, Status};

/// The longest text a field takes (a reply is a few pages at most).
pub(crate) const FIELD_LIMIT: usize = 20_000;

/// The steps the viewer may take next on the case, in the declarations' order.
pub(crate) fn next_steps(viewer: &Viewer, case: &Case, today: NaiveDate) -> Vec<EventType> {
    let standing = viewer.standing(case);
    let status = case.status_as_of(today);
    let lead = case.lead_as_of(today);
    let own = viewer.department.as_deref();
    // Signed for already since the case was last given to its lead.
    let acknowledged = case
        .events_as_of(today)
        .iter()
        .rev()
        .take_while(|e| !e.kind.spec().sets_lead())
        .any(|e| e.kind == EventType::Acknowledged);
    EventType::ALL
        .iter()
        .map(|(k, _, _)| *k)
        .filter(|&kind| {
            let spec = kind.spec();
            if spec.recording.is_none() || !viewer.role.may_record(standing, kind) {
                return false;
            }
            if status == Status::Closed && !spec.after_closing {
                return false;
            }
            if spec.needs == Step::Assignment && lead.is_none() {
                return false;
            }
            // A department acts for the case while it holds it; before or after, it may only note.
            if viewer.role == Role::Department && kind != EventType::Note && (lead != own || standing != Standing::Lead)
            {
                return false;
            }
            match kind {
                EventType::Acknowledged => matches!(status, Status::Assigned | Status::Reopened) && !acknowledged,
                EventType::Returned | EventType::ExtensionRequested => {
                    matches!(status, Status::Assigned | Status::Reopened)
                }
                EventType::Replied if viewer.role == Role::Department => {
                    matches!(status, Status::Assigned | Status::Reopened)
                }
                _ => true,
            }
        })
        .collect()
}

/// Whether the viewer's department co-handles the case now (named a co-unit by its latest assignment or transfer).
pub(crate) fn co_now(viewer: &Viewer, case: &Case, today: NaiveDate) -> bool {
    let Some(own) = viewer.department.as_deref() else { return false };
    case.events_as_of(today)
        .iter()
        .rev()
        .find(|e| e.kind.spec().sets_lead())
        .is_some_and(|e| e.co.iter().any(|c| c.value == own))
}

/// The fields a form shows for a kind: the declared ones but the date (a form's own input) and, for a
/// department, the department acting (it is the viewer's).
pub(crate) fn inputs(kind: EventType, viewer: &Viewer) -> Vec<&'static Field> {
    kind.spec()
        .fields
        .iter()
        .filter(|f| !matches!(f.name, "date" | "event"))
        .filter(|f| !(viewer.role == Role::Department && acting(kind, f)))
        .collect()
}

/// Whether the field names the department doing the step (`by` of a signing, a sending back, a reply).
fn acting(kind: EventType, f: &Field) -> bool {
    f.name == "by" && matches!(f.ty, Ty::Department) && kind != EventType::Answered
}

/// What a refused post filled in, and what was wrong with it (by field; "" for the form as a whole).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Filled<'a> {
    pub(crate) posted: &'a HashMap<String, String>,
    pub(crate) errors: &'a HashMap<String, String>,
}

/// A step's date and the values of its fields, as a request takes them.
pub(crate) type StepValues = (Option<NaiveDate>, Vec<(&'static str, FieldValue)>);

/// One form's context: its inputs with the values and errors of a refused post.
pub(crate) fn form(
    ledger: &Ledger,
    viewer: &Viewer,
    case: &Case,
    kind: EventType,
    today: NaiveDate,
    version: &str,
    filled: Filled<'_>,
) -> Value {
    let Filled { posted, errors } = filled;
    let Some(recording) = kind.spec().recording else { return Value::Null };
    let mut fields = vec![json!({
        "name": "date", "label": "日期", "input": "date", "required": true,
        "value": posted.get("date").cloned().unwrap_or_else(|| today.to_string()),
        "error": errors.get("date"),
    })];
    for f in inputs(kind, viewer) {
        let (input, options) = input_of(ledger, f);
        let label = match (kind, viewer.role, f.name) {
            (EventType::Note, Role::Leader, "text") => "批示内容",
            (EventType::Note, Role::Department, "text") if co_now(viewer, case, today) => "协办意见",
            _ => f.doc,
        };
        let required = matches!(f.when_recorded, Need::Required | Need::Asked);
        let hint = match f.when_recorded {
            Need::Lead => Some("不填即主办部门"),
            _ if f.ty.is_list() => Some("多个用逗号分开"),
            _ => None,
        };
        fields.push(json!({
            "name": f.name, "label": label, "input": input, "required": required, "options": options,
            "list": matches!(f.ty, Ty::Departments), "hint": hint,
            "value": posted.get(f.name).cloned().unwrap_or_default(),
            "error": errors.get(f.name),
        }));
    }
    // What stands at no field this form shows is said under the form: nothing is left unsaid.
    let shown: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
    let general: Vec<&String> = errors.iter().filter(|(k, _)| !shown.contains(&k.as_str())).map(|(_, v)| v).collect();
    // A note is what each party writes in its own words: a leader's instruction, a co-unit's opinion.
    let (title, about) = match (kind, viewer.role) {
        (EventType::Note, Role::Leader) => ("批示", "领导批示，记入办理经过"),
        (EventType::Note, Role::Department) if co_now(viewer, case, today) => {
            ("协办意见", "协办单位的意见，记入办理经过")
        }
        _ => (kind.zh(), recording.about),
    };
    json!({
        "step": recording.command,
        "title": title,
        "about": about,
        "action": format!("/cases/{}/{}", case.id.value, recording.command),
        "version": version,
        "fields": fields,
        "errors": general,
        "submit": format!("提交{title}"),
    })
}

/// The input a field is typed in, and its choices.
pub(crate) fn input_of(ledger: &Ledger, f: &Field) -> (&'static str, Vec<Value>) {
    let departments = || -> Vec<Value> {
        ledger.departments.iter().flatten().map(|d| json!({ "value": d.name, "label": d.name })).collect()
    };
    match f.ty {
        Ty::Date => ("date", Vec::new()),
        Ty::Department => ("select", departments()),
        // Several departments: typed, with the names offered (a plain input does not fight an input method).
        Ty::Departments => ("text", departments()),
        Ty::Rule => (
            "select",
            ledger
                .rules
                .iter()
                .map(|r| json!({ "value": r.id, "label": format!("{}（{}）", r.title, r.id) }))
                .collect(),
        ),
        Ty::Named(values) => {
            ("select", values().into_iter().map(|(en, zh)| json!({ "value": en, "label": zh })).collect())
        }
        _ if f.long => ("textarea", Vec::new()),
        _ => ("text", Vec::new()),
    }
}

/// The fields a posted form holds besides the step's own: its login's token, the case's
/// version it was drawn on, and the preview button.
pub(crate) const FORM_KEYS: &[&str] = &["token", "version", "preview"];

/// A posted step read into the date and the values of the kind's fields; a field left
/// empty is not given, a field the form does not have is refused (never dropped).
pub(crate) fn read(
    kind: EventType,
    viewer: &Viewer,
    posted: &[(String, String)],
    on: Option<&Case>,
    today: NaiveDate,
) -> Result<StepValues, Refusal> {
    let shown = inputs(kind, viewer);
    let mut date = None;
    let mut values = Vec::new();
    for (key, text) in posted {
        if FORM_KEYS.contains(&key.as_str()) {
            continue;
        }
        if text.chars().count() > FIELD_LIMIT {
            let key = shown.iter().find(|f| f.name == key).map_or("text", |f| f.name);
            return Err(Refusal::field(key, format!("内容过长（不超过 {FIELD_LIMIT} 字）")));
        }
        if key == "date" {
            if !text.trim().is_empty() {
                let field = crate::model::field::field("date", true, Ty::Date, "日期");
                if let FieldValue::Date(d) = typed_value(&field, text)? {
                    // A step is recorded when it has happened.
                    if d > today {
                        return Err(Refusal::field("date", format!("日期 {d} 晚于今天（{today}）：办理过的事才记")));
                    }
                    date = Some(d);
                }
            }
            continue;
        }
        let Some(field) = shown.iter().find(|f| f.name == key) else {
            return Err(Refusal::request(format!("表单中有本步骤没有的项「{key}」，未受理")));
        };
        if text.trim().is_empty() {
            continue;
        }
        values.push((field.name, typed_value(field, text)?));
    }
    // A note says whose words it is: the entry has no author of its own, and the timeline is read by all.
    if kind == EventType::Note && viewer.role != Role::Office {
        let who = match (viewer.role, on) {
            (Role::Leader, _) => format!("批示（{}）：", viewer.name),
            (_, Some(case)) if co_now(viewer, case, today) => {
                format!("协办意见（{}）：", viewer.department.as_deref().unwrap_or_default())
            }
            _ => format!("{}：", viewer.department.as_deref().unwrap_or(&viewer.name)),
        };
        for (key, value) in &mut values {
            if let (&mut "text", FieldValue::Text(t)) = (key, value) {
                *t = format!("{who}{t}");
            }
        }
    }
    // A department acts as itself.
    if viewer.role == Role::Department {
        if let (Some(field), Some(dept)) = (kind.spec().fields.iter().find(|f| acting(kind, f)), &viewer.department) {
            values.push((field.name, FieldValue::Text(dept.clone())));
        }
    }
    Ok((date, values))
}
