//! Recording one timeline entry in one or more cases: the request names the
//! kind, the cases and the values of the kind's declared fields; the entry is
//! planned in each file, checked against the ledger, written all or none and
//! committed when asked.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::{NotFound, Outcome, Refusal, Session, Thing, Written};
use crate::diag::closest;
use crate::edit::{self, FieldValue, NewEvent};
use crate::model::event::Targets;
use crate::model::field::{Field, Need, Ty};
use crate::model::{Case, EventType, Named, Status};

/// Which cases an entry goes into.
#[derive(Debug, Clone)]
pub(crate) enum Cases {
    /// These ids (one named twice is recorded once).
    Ids(Vec<String>),
    /// Every case of this meeting not yet assigned as of the date.
    UnassignedOf(String),
}

/// A request to record an entry.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// The kind of entry.
    pub(crate) kind: EventType,
    /// The cases to record it in.
    pub(crate) cases: Cases,
    /// Its date (default: today).
    pub(crate) date: Option<NaiveDate>,
    /// The values of its fields, by key, as the front end read them.
    pub(crate) values: Vec<(&'static str, FieldValue)>,
    /// Only plan: nothing is written.
    pub(crate) dry_run: bool,
    /// Commit the written files with git.
    pub(crate) commit: bool,
    /// Whose step it is, when not the configured git user's (a web account): the commit's author and trailers.
    pub(crate) signed: Option<crate::git::Signature>,
}

/// What was recorded.
#[derive(Debug)]
pub(crate) struct Recorded {
    /// The cases, in the order written.
    pub(crate) ids: Vec<String>,
    /// The kind recorded.
    pub(crate) kind: EventType,
    /// The files and whether they were written.
    pub(crate) written: Written,
    /// The commit message it has (or would have): `HZ-2026-0131 签收（市交通运输局）`.
    pub(crate) subject: String,
}

/// Records the entry in each case: plans the edits, checks them against the
/// ledger, and writes them only if none brings an error.
pub(crate) fn record(session: &mut Session, request: Record) -> Outcome<Recorded> {
    super::planned_afresh(session, |s| record_once(s, request.clone()))
}

fn record_once(session: &mut Session, request: Record) -> Outcome<Recorded> {
    let Record { kind, cases, date, values, dry_run, commit, signed } = request;
    let spec = kind.spec();
    // Cases assigned with no lead given (a meeting's unassigned cases, or several ticked on a
    // meeting's page): each goes to the lead its list before the meeting proposed.
    let lead_key = spec.lead_key.filter(|k| !values.iter().any(|(v, _)| v == k));
    let fields = declared_values(kind, values, lead_key)?;
    let date = session.date(date);
    let ledger = session.ledger();
    let ids = match cases {
        Cases::Ids(mut ids) => {
            let mut seen = HashSet::new();
            ids.retain(|id| seen.insert(id.clone()));
            if ids.is_empty() {
                return Err(Refusal::request("请写案件编号").into());
            }
            if spec.recording.is_some_and(|r| r.targets == Targets::One) && ids.len() > 1 {
                return Err(Refusal::request(format!("「{}」一次只记一件案件", kind.zh())).into());
            }
            ids
        }
        Cases::UnassignedOf(meeting) => unassigned_of_meeting(session, &meeting, date)?,
    };
    // Departments are written by their full names, whatever short name or alias was typed.
    let fields: Vec<(&'static str, FieldValue)> = fields
        .into_iter()
        .map(|(field, value)| {
            let value = match (field.ty, value) {
                (Ty::Department, FieldValue::Text(t)) => FieldValue::Text(ledger.department_name(&t)),
                (Ty::Departments, FieldValue::List(l)) => {
                    FieldValue::List(l.iter().map(|d| ledger.department_name(d)).collect())
                }
                (_, other) => other,
            };
            (field.name, value)
        })
        .collect();
    let mut edits = Vec::with_capacity(ids.len());
    let mut without = Vec::new();
    for id in &ids {
        let case = find_case(session, id)?;
        // What may not follow a closing is refused now, not left for `check` to warn about.
        if !spec.after_closing {
            let closing = case
                .timeline
                .iter()
                .rfind(|e| e.kind.spec().step == crate::model::event::Step::Closing && e.date <= date);
            if let Some(c) = closing {
                return Err(Refusal::request(format!(
                    "{id} 已于 {} 办结，其后不能再记「{}」；如确需重新办理，先用 qinqing undo {id} 撤销办结",
                    c.date,
                    kind.zh()
                ))
                .into());
            }
        }
        let mut fields = fields.clone();
        // A department acting that is not named is the case's lead at the entry's date.
        for field in spec.fields.iter().filter(|f| f.when_recorded == Need::Lead) {
            if fields.iter().any(|(k, _)| *k == field.name) {
                continue;
            }
            match case.lead_as_of(date) {
                Some(lead) => fields.push((field.name, FieldValue::Text(lead.to_string()))),
                None => {
                    return Err(
                        Refusal::field(field.name, format!("{id} 尚未交办，没有主办部门；请写明{}", field.doc)).into()
                    )
                }
            }
            fields.sort_by_key(|(k, _)| spec.fields.iter().position(|f| f.name == *k));
        }
        if let Some(key) = lead_key {
            let Some(p) = &case.proposed else {
                without.push(id.clone());
                continue;
            };
            fields.push((key, FieldValue::Text(p.lead.value.clone())));
            if !p.co.is_empty() && !fields.iter().any(|(k, _)| *k == "co") {
                fields.push(("co", FieldValue::List(p.co.iter().map(|c| c.value.clone()).collect())));
            }
            fields.sort_by_key(|(k, _)| spec.fields.iter().position(|f| f.name == *k));
        }
        let event = NewEvent { date, kind, fields };
        edits.push(edit::add_event(session.scope(), &case.file, &event)?);
    }
    crate::timing::mark("record: planned");
    if !without.is_empty() {
        return Err(Refusal::field(
            lead_key.unwrap_or("lead"),
            format!("{} 没有拟牵头单位，不知交给谁；请指定主办部门，或逐件交办", without.join("、")),
        )
        .into());
    }
    let problems = session.verdict(&edits);
    crate::timing::mark("record: judged");
    if !problems.is_empty() {
        let files = edits.iter().map(|e| e.rel.clone()).collect();
        let at = problems.iter().map(|d| field_at(kind, &edits, d)).collect();
        return Err(Refusal::Invalid { files, diagnostics: problems, at }.into());
    }
    if dry_run {
        let subject = subject(&ids, kind, &fields);
        return Ok(Recorded { ids, kind, written: Written { edits, applied: false, commit: None }, subject });
    }
    session.write(&edits)?;
    crate::timing::mark("record: written and taken in");
    let subject = subject(&ids, kind, &fields);
    let commit = if commit {
        let files: Vec<&str> = edits.iter().map(|e| e.rel.as_str()).collect();
        Some(session.git().commit_signed(&files, &subject, signed.as_ref())?)
    } else {
        None
    };
    Ok(Recorded { ids, kind, written: Written { edits, applied: true, commit }, subject })
}

/// What `undo` took out.
#[derive(Debug)]
pub(crate) struct Undone {
    /// The case.
    pub(crate) id: String,
    /// The entry's kind and date.
    pub(crate) kind: EventType,
    pub(crate) date: NaiveDate,
    /// The file, and whether it was written.
    pub(crate) written: Written,
    /// The entry taken out was committed to git (taking it out rewrites history: `log` will say so).
    pub(crate) committed: bool,
}

/// Takes the last entry out of a case's timeline (a step recorded by mistake),
/// changing no other byte; an entry an issued document recorded is refused.
pub(crate) fn undo(session: &mut Session, id: &str, dry_run: bool, commit: bool) -> Outcome<Undone> {
    super::planned_afresh(session, |s| undo_once(s, id, dry_run, commit))
}

fn undo_once(session: &mut Session, id: &str, dry_run: bool, commit: bool) -> Outcome<Undone> {
    let case = find_case(session, id)?.clone();
    if session.full_case(&case)?.is_some_and(|c| c.timeline.is_empty()) {
        return Err(
            Refusal::request(format!("{id} 还没有任何办理记录，没有可撤销的（标签用 qinqing untag 去掉）")).into()
        );
    }
    let before = session.scope().read(&session.root_dir().join(&case.file)).map_err(anyhow::Error::from)?;
    let text =
        String::from_utf8(before.clone()).map_err(|_| Refusal::request(format!("{} 不是 UTF-8 文本", case.file)))?;
    let (after, line) =
        crate::edit::append::remove_last_event(&text).map_err(|e| Refusal::request(format!("{}：{e}", case.file)))?;
    let full = session.full_case(&case)?.unwrap_or(case.clone());
    let Some(entry) = full.timeline.iter().find(|e| e.pos.line == line) else {
        return Err(Refusal::request(format!("{} 第{line}行的记录无法读取，请直接修改文件", case.file)).into());
    };
    // A notice is recorded by issuing it, under a number in the register: not undone by hand.
    if entry.kind.spec().records.is_some() {
        let doc = entry.doc().map(|d| format!("（{d}）")).unwrap_or_default();
        return Err(Refusal::request(format!(
            "{id} 的最后一条是发文时记入的「{}」{doc}，已登记在发文登记簿中，不能撤销",
            entry.kind.zh()
        ))
        .into());
    }
    let (kind, date) = (entry.kind, entry.date);
    // The file as committed holds the entry: undoing it is a change to what git already has.
    let committed = session.git().text_at("HEAD", &case.file).is_some_and(|t| t.as_bytes() == before.as_slice());
    let edits = vec![crate::edit::Edit { rel: case.file.clone(), before, after, new: false }];
    let problems = session.verdict(&edits);
    if !problems.is_empty() {
        return Err(Refusal::Invalid { files: vec![case.file.clone()], diagnostics: problems, at: Vec::new() }.into());
    }
    if dry_run {
        return Ok(Undone {
            id: id.to_string(),
            kind,
            date,
            written: Written { edits, applied: false, commit: None },
            committed,
        });
    }
    session.write(&edits)?;
    let commit = if commit {
        Some(session.git().commit(&[case.file.as_str()], &format!("{id} 撤销{}（{date}）", kind.zh()))?)
    } else {
        None
    };
    Ok(Undone { id: id.to_string(), kind, date, written: Written { edits, applied: true, commit }, committed })
}

/// The case with this id, or what it is not found as (with the nearest id).
pub(crate) fn find_case<'s>(session: &'s Session, id: &str) -> Result<&'s Case, NotFound> {
    let ledger = session.ledger();
    ledger.case(id).ok_or_else(|| {
        // An id one typing slip away (as `check` hints), else the most alike.
        let ids = || ledger.cases.iter().map(|c| c.id.value.as_str());
        let nearest = crate::diag::IdIndex::new(ids()).closest(id).or_else(|| closest(id, ids()));
        NotFound { thing: Thing::Case, id: id.to_string(), nearest: nearest.map(str::to_string) }
    })
}

/// The values given, each matched to its declared field; a value for a field
/// the kind does not have is refused (a front end never drops what it was given),
/// and a field the kind needs when recorded must have one.
fn declared_values(
    kind: EventType,
    values: Vec<(&'static str, FieldValue)>,
    from_each_case: Option<&str>,
) -> Result<Vec<(&'static Field, FieldValue)>, Refusal> {
    let spec = kind.spec();
    let mut out = Vec::with_capacity(values.len());
    for (key, value) in values {
        let Some(field) = spec.fields.iter().find(|f| f.name == key && !matches!(f.name, "date" | "event")) else {
            return Err(Refusal::field(key, format!("「{}」没有「{key}」这一项", kind.zh())));
        };
        let empty = match &value {
            FieldValue::Text(t) => t.trim().is_empty(),
            FieldValue::List(l) => l.iter().all(|v| v.trim().is_empty()),
            FieldValue::Date(_) | FieldValue::Named(..) => false,
        };
        let value = match value {
            FieldValue::List(l) => {
                FieldValue::List(l.into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect())
            }
            other => other,
        };
        // A value given but empty is refused, never dropped.
        if empty {
            return Err(Refusal::field(field.name, format!("{}不能为空", field.doc)));
        }
        match &value {
            FieldValue::Text(t) => super::plain_text(field.name, field.doc, t)?,
            FieldValue::List(l) => l.iter().try_for_each(|t| super::plain_text(field.name, field.doc, t))?,
            FieldValue::Date(_) | FieldValue::Named(..) => {}
        }
        out.push((field, value));
    }
    if let Some(missing) =
        spec.fields.iter().filter(|f| !matches!(f.name, "date" | "event") && Some(f.name) != from_each_case).find(|f| {
            !matches!(f.when_recorded, Need::Optional | Need::Lead) && !out.iter().any(|(g, _)| g.name == f.name)
        })
    {
        return Err(Refusal::field(missing.name, format!("缺少{}", missing.doc)));
    }
    promise_goes_with_the_result(&out)?;
    // Written in the order the kind declares its fields.
    out.sort_by_key(|(f, _)| spec.fields.iter().position(|g| g.name == f.name));
    Ok(out)
}

/// An unfinished outcome (being solved, agreed, planned) needs the date it
/// promises, which becomes the department's deadline; a finished one takes none.
fn promise_goes_with_the_result(values: &[(&'static Field, FieldValue)]) -> Result<(), Refusal> {
    use crate::model::ReplyResult;
    let result = values.iter().find_map(|(f, v)| match v {
        FieldValue::Named(key, _) if f.name == "result" => ReplyResult::parse(key),
        _ => None,
    });
    let promised = values.iter().any(|(f, _)| f.name == "promise");
    match result {
        Some(r) if !r.finished() && !promised => {
            Err(Refusal::field("promise", format!("办理结果为「{}」，请写明承诺办结日期（到期未办结即超期）", r.zh())))
        }
        Some(r) if r.finished() && promised => {
            Err(Refusal::field("promise", format!("办理结果为「{}」，已办结的结果不写承诺办结日期", r.zh())))
        }
        None if promised => {
            Err(Refusal::field("result", "写了承诺办结日期，请同时写明办理结果（如 正在解决、达成方案、列入计划）"))
        }
        Some(_) | None => Ok(()),
    }
}

/// A value typed for one of a kind's fields (a web form's field), read as the
/// command line reads its flag: a date as `2026-06-03`, a result or rating in
/// either language, departments and texts as a list split at commas.
pub(crate) fn typed_value(field: &Field, text: &str) -> Result<FieldValue, Refusal> {
    use chrono::Datelike;
    let t = text.trim();
    match field.ty {
        Ty::Date => match crate::load::reader::parse_date(t) {
            Ok(d) if crate::load::reader::YEARS.contains(&d.year()) => Ok(FieldValue::Date(d)),
            Ok(_) | Err(None) => Err(Refusal::field(field.name, format!("{}：请写作 2026-06-20 的形式", field.doc))),
            Err(Some(iso)) => Err(Refusal::field(field.name, format!("{}：请写作 {iso}", field.doc))),
        },
        Ty::Named(values) => match crate::model::field::parse_named(values, t) {
            Some((en, zh)) => Ok(FieldValue::Named(en, zh)),
            None => {
                let known: Vec<&str> = values().into_iter().map(|(_, zh)| zh).collect();
                Err(Refusal::field(field.name, format!("{}「{t}」无法识别；可选：{}", field.doc, known.join("、"))))
            }
        },
        ty if ty.is_list() => {
            Ok(FieldValue::List(t.split([',', '，', '、', '\n']).map(|v| v.trim().to_string()).collect()))
        }
        _ => Ok(FieldValue::Text(text.replace("\r\n", "\n").trim().to_string())),
    }
}

/// The field of the recorded entry a diagnostic stands at, when its line is one the edit added: the
/// last of the kind's keys written at or before its column on that line (an entry's own position, at
/// the start of its line, is its first key: the date).
fn field_at(kind: EventType, edits: &[edit::Edit], d: &crate::diag::Diagnostic) -> Option<&'static str> {
    let e = edits.iter().find(|e| e.rel == d.file)?;
    let before = String::from_utf8_lossy(&e.before);
    let same = before.lines().zip(e.after.lines()).take_while(|(a, b)| a == b).count();
    let line = usize::try_from(d.line).ok()?.checked_sub(1)?;
    if line < same {
        return None;
    }
    let text: Vec<char> = e.after.lines().nth(line)?.chars().collect();
    let column = usize::try_from(d.column).unwrap_or(1).saturating_sub(1);
    // Every key of the kind on the line, by where it starts.
    let mut keys: Vec<(usize, &'static str)> = Vec::new();
    for f in kind.spec().fields.iter().filter(|f| f.name != "event") {
        let key: Vec<char> = format!("{}:", f.name).chars().collect();
        for i in 0..text.len().saturating_sub(key.len() - 1) {
            let starts_word = i == 0 || !(text[i - 1].is_alphanumeric() || text[i - 1] == '_');
            if starts_word && text[i..].starts_with(&key) {
                keys.push((i, f.name));
            }
        }
    }
    keys.sort();
    keys.iter().rev().find(|(i, _)| *i <= column).or(keys.first()).map(|(_, name)| *name)
}

/// The cases of a meeting not yet assigned as of the date.
fn unassigned_of_meeting(session: &Session, meeting: &str, as_of: NaiveDate) -> Outcome<Vec<String>> {
    let ledger = session.ledger();
    if ledger.meeting(meeting).is_none() {
        let nearest = closest(meeting, ledger.meetings.iter().map(|m| m.id.value.as_str())).map(str::to_string);
        return Err(NotFound { thing: Thing::Meeting, id: meeting.to_string(), nearest }.into());
    }
    let ids: Vec<String> = ledger
        .cases_as_of(as_of)
        .filter(|c| c.meeting.as_ref().is_some_and(|m| m.value == meeting))
        .filter(|c| matches!(c.status_as_of(as_of), Status::Received | Status::Returned))
        .map(|c| c.id.value.clone())
        .collect();
    if ids.is_empty() {
        return Err(Refusal::field("meeting", format!("恳谈会「{meeting}」没有尚未交办的案件")).into());
    }
    Ok(ids)
}

/// A commit subject a reviewer can read: the case, what was recorded, its first value.
fn subject(ids: &[String], kind: EventType, fields: &[(&'static str, FieldValue)]) -> String {
    // A subject line, not the text: a long reply is in the file, its first words here.
    let words = fields.first().map(|(_, v)| v.words()).unwrap_or_default();
    let first_line = words.lines().next().unwrap_or_default();
    let what = if first_line.chars().count() > 40 || first_line.len() < words.len() {
        format!("{}…", first_line.chars().take(40).collect::<String>())
    } else {
        words
    };
    match ids {
        [one] => format!("{one} {}{}", kind.zh(), if what.is_empty() { String::new() } else { format!("（{what}）") }),
        many => format!("{} 等 {} 件 {}（{what}）", many[0], many.len(), kind.zh()),
    }
}

#[cfg(test)]
mod tests {
    //! The command as a library call: what a front end gets back.

    use super::*;
    use crate::command::{demo_copy, Failure, Open};

    fn request(kind: EventType, ids: &[&str], values: Vec<(&'static str, FieldValue)>) -> Record {
        Record {
            kind,
            cases: Cases::Ids(ids.iter().map(|s| s.to_string()).collect()),
            date: Some("2026-11-25".parse().expect("a date")),
            values,
            dry_run: false,
            commit: false,
            signed: None,
        }
    }

    fn text(s: &str) -> FieldValue {
        FieldValue::Text(s.to_string())
    }

    #[test]
    fn an_unknown_case_is_not_found_with_the_nearest_id() {
        let dir = demo_copy();
        let mut session = Session::open(dir.path(), Open::slim()).expect("opens");
        let r = record(&mut session, request(EventType::Note, &["HZ-2026-013"], vec![("text", text("催办"))]));
        match r {
            Err(Failure::Refused(Refusal::NotFound(n))) => {
                assert_eq!((n.thing, n.id.as_str()), (Thing::Case, "HZ-2026-013"));
                // One typing slip away (a character left out), the smallest of those: 0103, 0131…0135.
                assert_eq!(n.nearest.as_deref(), Some("HZ-2026-0103"));
                assert_eq!(n.to_string(), "找不到案件「HZ-2026-013」；是否为「HZ-2026-0103」？");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_value_is_refused_at_its_field_and_nothing_is_written() {
        let dir = demo_copy();
        let mut session = Session::open(dir.path(), Open::slim()).expect("opens");
        let file = dir.path().join(&session.ledger().case("HZ-2026-0131").expect("a demo case").file);
        let before = std::fs::read(&file).expect("read");
        let cases: [(Vec<(&'static str, FieldValue)>, &str); 3] = [
            (vec![("lead", text("交通局")), ("rating", FieldValue::Named("satisfied", "满意"))], "rating"),
            (vec![("co", FieldValue::List(vec!["交通局".into()]))], "lead"),
            (vec![("lead", text("  "))], "lead"),
        ];
        for (values, field) in cases {
            match record(&mut session, request(EventType::Assigned, &["HZ-2026-0131"], values)) {
                Err(Failure::Refused(Refusal::Request { field: Some(f), .. })) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        // A department that does not exist: refused with the diagnostic at its line and column.
        match record(&mut session, request(EventType::Assigned, &["HZ-2026-0131"], vec![("lead", text("市交通局"))]))
        {
            Err(Failure::Refused(Refusal::Invalid { files, diagnostics, at })) => {
                assert_eq!(files, [session.ledger().case("HZ-2026-0131").expect("case").file.clone()]);
                assert!(diagnostics.iter().any(|d| d.code == "unknown-department" && d.line > 1), "{diagnostics:?}");
                // …and said to stand at the field it came from.
                let lead = diagnostics.iter().position(|d| d.code == "unknown-department").expect("the diagnostic");
                assert_eq!(at[lead], Some("lead"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(std::fs::read(&file).expect("read"), before, "nothing written");
    }

    #[test]
    fn a_dry_run_plans_and_a_write_keeps_a_long_lived_session_current() {
        let dir = demo_copy();
        let open = Open { follow_writes: true, ..Open::slim() };
        let mut session = Session::open(dir.path(), open).expect("opens");
        let entries = |s: &Session| s.ledger().case("HZ-2026-0131").expect("case").timeline.len();
        let before = entries(&session);
        let mut dry = request(EventType::Note, &["HZ-2026-0131"], vec![("text", text("电话催办"))]);
        dry.dry_run = true;
        let planned = record(&mut session, dry).expect("planned");
        assert!(!planned.written.applied && planned.written.edits[0].diff().contains("+    text: 电话催办"));
        assert_eq!(entries(&session), before);
        // An alias is written as the department's full name.
        let done =
            record(&mut session, request(EventType::Acknowledged, &["HZ-2026-0131"], vec![("by", text("供电公司"))]))
                .expect("recorded");
        assert!(done.written.applied);
        assert!(done.written.edits[0].after.ends_with("    by: 国网湖州供电公司\n"), "{}", done.written.edits[0].after);
        assert_eq!(entries(&session), before + 1, "the session's ledger has the new entry");
    }

    #[test]
    fn a_write_planned_before_another_write_is_planned_again() {
        // Two sessions read the same repository; the first writes; the second, judged on what it
        // read before, may not write as planned (a new case could take the first's id): it reads
        // the repository again and plans again.
        let dir = demo_copy();
        let mut first = Session::open(dir.path(), Open::slim()).expect("opens");
        let mut second = Session::open(dir.path(), Open::slim()).expect("opens");
        let case = || crate::command::create::CaseRequest {
            title: "用电增容".into(),
            received: "2026-11-21".parse().ok(),
            channel: Some(crate::model::Channel::Hotline),
            ..Default::default()
        };
        let a = crate::command::create::case(&mut first, case()).expect("written");
        let b = crate::command::create::case(&mut second, case()).expect("written");
        assert_ne!(a.id, b.id, "the second took the next id, not the same");
        // The stale write itself is refused by the journal, typed.
        let edits =
            [crate::edit::new_file(&crate::fsx::Scope::new(dir.path()), "cases/x.yaml", "id: X\n".into()).unwrap()];
        let stale = crate::edit::write(&crate::fsx::Scope::new(dir.path()), &edits, Some(0)).unwrap_err();
        assert!(
            stale.downcast_ref::<crate::edit::journal::Stale>().is_some() && stale.to_string().contains("有其他写入")
        );
        assert!(!dir.path().join("cases/x.yaml").exists());
    }

    #[test]
    fn a_reply_or_acknowledgement_without_by_is_the_lead_s() {
        let dir = demo_copy();
        let mut session = Session::open(dir.path(), Open::slim()).expect("opens");
        let mut ack = request(EventType::Acknowledged, &["HZ-2026-0131"], Vec::new());
        ack.dry_run = true;
        let planned = record(&mut session, ack).expect("planned");
        assert!(planned.written.edits[0].after.ends_with("    event: acknowledged\n    by: 国网湖州供电公司\n"));
        let reply =
            request(EventType::Replied, &["HZ-2026-0131"], vec![("result", FieldValue::Named("resolved", "已解决"))]);
        let done = record(&mut session, reply).expect("written");
        assert!(done.written.edits[0]
            .after
            .contains("    event: replied\n    by: 国网湖州供电公司\n    result: resolved\n"));
        // A case not yet assigned has no lead to default to: the field is asked for.
        match record(&mut session, request(EventType::Acknowledged, &["HZ-2026-0161"], Vec::new())) {
            Err(Failure::Refused(Refusal::Request { field: Some("by"), message })) => {
                assert!(message.contains("尚未交办"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn what_may_not_follow_a_closing_is_refused_when_written() {
        let dir = demo_copy();
        let mut session = Session::open(dir.path(), Open::slim()).expect("opens");
        let rating = vec![("rating", FieldValue::Named("satisfied", "满意"))];
        match record(&mut session, request(EventType::Evaluated, &["HZ-2026-0101"], rating)) {
            Err(Failure::Refused(Refusal::Request { message, .. })) => {
                assert!(message.contains("已于 2026-09-10 办结") && message.contains("qinqing undo"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        // A note may follow a closing.
        record(&mut session, request(EventType::Note, &["HZ-2026-0101"], vec![("text", text("回访"))]))
            .expect("written");
    }

    #[test]
    fn an_unfinished_outcome_is_recorded_with_its_promise_and_a_finished_one_without() {
        let dir = demo_copy();
        let mut session = Session::open(dir.path(), Open::slim()).expect("opens");
        let in_progress = ("result", FieldValue::Named("in_progress", "正在解决"));
        let promise = ("promise", FieldValue::Date("2026-12-20".parse().unwrap()));
        let refused = |r: Outcome<Recorded>| match r {
            Err(Failure::Refused(Refusal::Request { field, message })) => (field, message),
            other => panic!("{other:?}"),
        };
        let (field, message) =
            refused(record(&mut session, request(EventType::Replied, &["HZ-2026-0131"], vec![in_progress.clone()])));
        assert_eq!(field, Some("promise"), "{message}");
        let resolved = ("result", FieldValue::Named("resolved", "已解决"));
        let (field, _) = refused(record(
            &mut session,
            request(EventType::Replied, &["HZ-2026-0131"], vec![resolved, promise.clone()]),
        ));
        assert_eq!(field, Some("promise"));
        let done = record(&mut session, request(EventType::Replied, &["HZ-2026-0131"], vec![in_progress, promise]))
            .expect("written");
        assert!(done.written.edits[0].after.contains("    result: in_progress\n    promise: 2026-12-20\n"));
    }
}
