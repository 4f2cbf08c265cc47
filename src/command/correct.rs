//! Corrections by command: a case's tags (典型案例…), and the department
//! registry (a new department, a renamed one). Each changes only its own
//! lines, is read back to be sure it holds exactly what was meant, and is
//! written all or nothing like every other write.

use super::record::find_case;
use super::{Outcome, Refusal, Session, Written};
use crate::diag::Sink;
use crate::edit::lists::{self, Place};
use crate::edit::Edit;
use crate::model::Department;

/// Keys a new `tags:` goes before, in a case file's usual order.
const AFTER_TAGS: [&str; 4] = ["description", "source", "timeline", "extra"];

/// A request to tag or untag a case.
#[derive(Debug, Clone)]
pub(crate) struct Tagging {
    /// The case.
    pub(crate) id: String,
    /// The tags to add (or, with `remove`, take out).
    pub(crate) tags: Vec<String>,
    /// Take them out.
    pub(crate) remove: bool,
    /// Only plan.
    pub(crate) dry_run: bool,
    /// Commit the file.
    pub(crate) commit: bool,
}

/// Adds tags to a case or takes them out, changing only its `tags:` lines.
pub(crate) fn tag(session: &mut Session, t: Tagging) -> Outcome<Written> {
    super::planned_afresh(session, |s| tag_once(s, t.clone()))
}

fn tag_once(session: &mut Session, t: Tagging) -> Outcome<Written> {
    let case = find_case(session, &t.id)?.clone();
    let before = session.scope().read(&session.root_dir().join(&case.file)).map_err(anyhow::Error::from)?;
    let mut text =
        String::from_utf8(before.clone()).map_err(|_| Refusal::request(format!("{} 不是 UTF-8 文本", case.file)))?;
    // The tags as the file holds them now (another write may have come since the ledger was read).
    let mut tags = reread_case(&case.file, &text).map_or(case.tags.clone(), |c| c.tags);
    for tag in &t.tags {
        let tag = tag.trim();
        if tag.is_empty() {
            return Err(Refusal::request("标签不能为空").into());
        }
        if tag.chars().any(|c| c.is_control() || matches!(c, ',' | '[' | ']' | '{' | '}' | '#')) {
            return Err(
                Refusal::request(format!("标签「{tag}」含有不能用在标签里的字符（, [ ] {{ }} # 或控制字符）")).into()
            );
        }
        match (t.remove, tags.iter().position(|x| x == tag)) {
            (false, Some(_)) => return Err(Refusal::request(format!("{} 已有标签「{tag}」", t.id)).into()),
            (true, None) => return Err(Refusal::request(format!("{} 没有标签「{tag}」", t.id)).into()),
            (false, None) => tags.push(tag.to_string()),
            (true, Some(i)) => {
                tags.remove(i);
            }
        }
    }
    let place = Place { key: "tags", at: 0, lines: (0, usize::MAX), before: &AFTER_TAGS };
    for tag in &t.tags {
        let edited =
            if t.remove { lists::remove(&text, &place, tag.trim()) } else { lists::add(&text, &place, tag.trim()) };
        text = edited.map_err(|e| Refusal::request(format!("{}：{e}", case.file)))?;
    }
    // Read back: the file must hold exactly these tags, else its shape was one not to edit by hand.
    let read = reread_case(&case.file, &text);
    if read.as_ref().map(|c| &c.tags) != Some(&tags) {
        return Err(Refusal::request(format!("{} 的 tags 写法特殊，未能只改这一项；请直接编辑文件", case.file)).into());
    }
    let edits = vec![Edit { rel: case.file.clone(), before, after: text, new: false }];
    super::judge(session, &edits)?;
    let words = t.tags.iter().map(|x| x.trim()).collect::<Vec<_>>().join("、");
    let subject = format!("{} {}标签 {words}", t.id, if t.remove { "去掉" } else { "加上" });
    super::write_planned(session, edits, t.dry_run, t.commit, &subject)
}

fn reread_case(file: &str, text: &str) -> Option<crate::model::Case> {
    let node = crate::load::yaml::parse(file, text).ok()??;
    let mut sink = Sink::new(file);
    crate::load::case::read_case(file, &node, &mut sink)
}

/// The registry's file.
const REGISTRY: &str = "departments.yaml";

/// A department to add.
#[derive(Debug, Clone)]
pub(crate) struct NewDepartment {
    pub(crate) name: String,
    pub(crate) short: Option<String>,
    pub(crate) aliases: Vec<String>,
    pub(crate) level: Option<String>,
    pub(crate) dry_run: bool,
    pub(crate) commit: bool,
}

/// What a change of the registry does.
#[derive(Debug, Clone)]
pub(crate) enum DepartmentChange {
    /// A new entry at the end.
    Add(NewDepartment),
    /// A new full name; the old one kept as an alias, so every case that names it still reads.
    Rename { old: String, new: String, dry_run: bool, commit: bool },
}

/// Adds or renames a department in `departments.yaml`, every other byte kept.
/// Returns what was written and what it did, in words (the commit subject).
pub(crate) fn department(session: &mut Session, change: DepartmentChange) -> Outcome<(Written, String)> {
    super::planned_afresh(session, |s| department_once(s, change.clone()))
}

fn department_once(session: &mut Session, change: DepartmentChange) -> Outcome<(Written, String)> {
    let path = session.root_dir().join(REGISTRY);
    let before =
        session.scope().read(&path).map_err(|_| Refusal::request("没有 departments.yaml（部门名录），请先建立"))?;
    let text = String::from_utf8(before.clone()).map_err(|_| Refusal::request("departments.yaml 不是 UTF-8 文本"))?;
    // The registry as the file holds it now (another write may have come since the ledger was read).
    let known: Vec<Department> = crate::load::yaml::parse(REGISTRY, &text)
        .ok()
        .flatten()
        .map(|n| crate::load::settings::read_departments(&n, &mut Sink::new(REGISTRY)))
        .unwrap_or_default();
    // A name already naming a department (its name, short name or an alias) would name two.
    let taken = |name: &str, except: Option<&str>| {
        known.iter().find(|d| Some(d.name.as_str()) != except && d.names().any(|n| n == name)).map(|d| d.name.clone())
    };
    let nonempty = |field: &'static str, v: &str| {
        if v.trim().is_empty() {
            Err(refusal(field, format!("{}不能为空", words(field))))
        } else {
            Ok(v.trim().to_string())
        }
    };
    let (after, expected, subject, dry_run, commit) = match change {
        DepartmentChange::Add(d) => {
            let name = nonempty("name", &d.name)?;
            let mut names = vec![("name", name.clone())];
            if let Some(s) = &d.short {
                names.push(("short", nonempty("short", s)?));
            }
            for a in &d.aliases {
                names.push(("alias", nonempty("alias", a)?));
            }
            for (i, (field, n)) in names.iter().enumerate() {
                if names[..i].iter().any(|(_, m)| m == n) {
                    return Err(refusal(field, format!("「{n}」写了两次（全称、简称、别名各不相同）")).into());
                }
                if let Some(owner) = taken(n, None) {
                    return Err(refusal(field, format!("「{n}」已是「{owner}」的名称")).into());
                }
            }
            if let Some(level) = &d.level {
                if session.ledger().settings.level_key(level).is_none() {
                    let levels: Vec<String> =
                        session.ledger().settings.levels.iter().map(|(k, v)| format!("{k}（{v}）")).collect();
                    return Err(Refusal::field(
                        "level",
                        format!("层级「{level}」不在 qinqing.yaml 的 levels 中：{}", levels.join("、")),
                    )
                    .into());
                }
            }
            let entry = entry_text(&name, d.short.as_deref(), &d.aliases, d.level.as_deref());
            let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
            let mut after = text.clone();
            if !after.is_empty() && !after.ends_with('\n') {
                after.push_str(newline);
            }
            after.push_str(&entry.replace('\n', newline));
            (after, Some(name.clone()), format!("部门名录 新增 {name}"), d.dry_run, d.commit)
        }
        DepartmentChange::Rename { old, new, dry_run, commit } => {
            let new = nonempty("new", &new)?;
            let Some(dept) = known.iter().find(|d| d.names().any(|n| n == old.trim())) else {
                let nearest = crate::diag::closest(&old, known.iter().map(|d| d.name.as_str()));
                let hint = nearest.map(|n| format!("；是否为「{n}」？")).unwrap_or_default();
                return Err(Refusal::request(format!("部门名录中没有「{old}」{hint}")).into());
            };
            if new == dept.name {
                return Err(Refusal::request(format!("「{}」的全称已经是「{new}」", old.trim())).into());
            }
            if let Some(owner) = taken(&new, Some(&dept.name)) {
                return Err(Refusal::request(format!("「{new}」已是「{owner}」的名称")).into());
            }
            let after = rename(&text, dept, &new).map_err(|e| Refusal::request(format!("departments.yaml：{e}")))?;
            (after, Some(new.clone()), format!("部门名录 {} 更名为 {new}", dept.name), dry_run, commit)
        }
    };
    // Read back: the registry reads without a problem and holds what was meant.
    let node = crate::load::yaml::parse(REGISTRY, &after).ok().flatten();
    let mut sink = Sink::new(REGISTRY);
    let read = node.map(|n| crate::load::settings::read_departments(&n, &mut sink)).unwrap_or_default();
    let holds = expected.as_deref().is_none_or(|name| read.iter().any(|d| d.name == name));
    if !sink.diagnostics.is_empty() || !holds || read.len() < known.len() {
        return Err(Refusal::Invalid {
            files: vec![REGISTRY.to_string()],
            diagnostics: sink.diagnostics,
            at: Vec::new(),
        }
        .into());
    }
    let edits = vec![Edit { rel: REGISTRY.to_string(), before, after, new: false }];
    Ok((super::write_planned(session, edits, dry_run, commit, &subject)?, subject))
}

/// A refusal at a flag (`short`, `alias`), or of the request (the names given in order).
fn refusal(field: &'static str, message: String) -> Refusal {
    match field {
        "short" | "alias" | "level" => Refusal::field(field, message),
        _ => Refusal::request(message),
    }
}

/// A field's words, for messages.
fn words(field: &str) -> &'static str {
    match field {
        "name" => "部门名称",
        "short" => "简称",
        "alias" => "别名",
        _ => "新名称",
    }
}

fn entry_text(name: &str, short: Option<&str>, aliases: &[String], level: Option<&str>) -> String {
    use crate::edit::scalar::{flow_list, scalar};
    let mut out = format!("- name: {}\n", scalar(name, false));
    if let Some(s) = short {
        out.push_str(&format!("  short: {}\n", scalar(s.trim(), false)));
    }
    let aliases: Vec<String> = aliases.iter().map(|a| a.trim().to_string()).collect();
    if !aliases.is_empty() {
        out.push_str(&format!("  aliases: {}\n", flow_list(&aliases)));
    }
    if let Some(l) = level {
        out.push_str(&format!("  level: {}\n", scalar(l, false)));
    }
    out
}

/// The registry with one department's `name:` line changed and its old name added to its aliases.
fn rename(text: &str, dept: &Department, new: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // The entry starts at its `- name:` line (its position) and runs to the next `- `.
    let start = dept.pos.line.saturating_sub(1) as usize;
    let Some(first) = lines.get(start).filter(|l| l.trim_start().starts_with("- ") && !l.contains('{')) else {
        return Err(format!("「{}」的条目写在一行里（{{ name: … }}），不便只改这一项，请直接编辑文件", dept.name));
    };
    let end = (start + 1..lines.len()).find(|&i| lines[i].starts_with("- ")).unwrap_or(lines.len());
    let name_line = (start..end)
        .find(|&i| {
            let l = if i == start { first.trim_start().trim_start_matches("- ") } else { lines[i].trim_start() };
            l.starts_with("name:")
        })
        .ok_or_else(|| format!("「{}」的条目中找不到 name", dept.name))?;
    let line = lines[name_line];
    let key_at = line.find("name:").unwrap_or(0);
    let newline = if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else {
        ""
    };
    let comment =
        line.trim_end_matches(['\r', '\n']).find(" #").map(|c| &line.trim_end_matches(['\r', '\n'])[c..]).unwrap_or("");
    let renamed = format!("{}name: {}{comment}{newline}", &line[..key_at], crate::edit::scalar::scalar(new, false));
    let mut out: String = lines[..name_line].concat();
    out.push_str(&renamed);
    out.push_str(&lines[name_line + 1..].concat());
    // The old name becomes an alias (unless it is one already, or the short name).
    if dept.short.as_deref() == Some(dept.name.as_str()) || dept.aliases.contains(&dept.name) {
        return Ok(out);
    }
    let place = Place { key: "aliases", at: 2, lines: (start, end), before: &["level"] };
    lists::add(&out, &place, &dept.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{demo_copy, Open};

    #[test]
    fn a_tag_is_added_and_taken_out_and_the_file_comes_back() {
        let dir = demo_copy();
        let mut session = Session::open(dir.path(), Open::slim()).expect("opens");
        let file = dir.path().join("cases/2026/第23期恳谈会/HZ-2026-0135.yaml");
        let original = std::fs::read(&file).unwrap();
        let tagging = |tags: &[&str], remove| Tagging {
            id: "HZ-2026-0135".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            remove,
            dry_run: false,
            commit: false,
        };
        tag(&mut session, tagging(&["典型案例"], false)).expect("tagged");
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("tags: [共性问题, 典型案例]"), "{text}");
        assert!(matches!(tag(&mut session, tagging(&["典型案例"], false)), Err(super::super::Failure::Refused(_))));
        tag(&mut session, tagging(&["典型案例"], true)).expect("untagged");
        assert_eq!(std::fs::read(&file).unwrap(), original, "every byte back");
    }

    #[test]
    fn a_department_is_added_and_renamed_keeping_its_old_name() {
        let dir = demo_copy();
        let mut session = Session::open(dir.path(), Open::slim()).expect("opens");
        let file = dir.path().join("departments.yaml");
        let original = std::fs::read_to_string(&file).unwrap();
        let add = NewDepartment {
            name: "市数据局".into(),
            short: Some("数据局".into()),
            aliases: vec!["市大数据局".into()],
            level: Some("city".into()),
            dry_run: false,
            commit: false,
        };
        department(&mut session, DepartmentChange::Add(add.clone())).expect("added");
        // The same name twice in one entry, and a rename to the name it has, are refused.
        let twice =
            NewDepartment {
                name: "市统计局".into(), aliases: vec!["市统计局".into()], short: None, ..add.clone()
            };
        assert!(department(&mut session, DepartmentChange::Add(twice)).is_err());
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text,
            format!("{original}- name: 市数据局\n  short: 数据局\n  aliases: [市大数据局]\n  level: city\n")
        );
        // A name another department answers to is refused.
        let clash = NewDepartment { name: "交通局".into(), ..add };
        assert!(department(&mut session, DepartmentChange::Add(clash)).is_err());
        let rename = |old: &str, new: &str| DepartmentChange::Rename {
            old: old.into(),
            new: new.into(),
            dry_run: false,
            commit: false,
        };
        department(&mut session, rename("市教育局", "市教育和体育局")).expect("renamed");
        let renamed = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            renamed,
            text.replace(
                "- name: 市教育局\n  short: 教育局\n",
                "- name: 市教育和体育局\n  short: 教育局\n  aliases: [市教育局]\n"
            )
        );
        // The cases that name the old department still read.
        let checked = crate::check::check(crate::load::load(dir.path(), crate::load::LoadOptions::default()).unwrap());
        assert!(
            checked.diagnostics.iter().all(|d| d.severity != crate::diag::Severity::Error),
            "{:?}",
            checked.diagnostics
        );
        assert!(department(&mut session, rename("市教育厅", "x")).is_err());
        assert!(department(&mut session, rename("教育局", "市教育和体育局")).is_err(), "already its name");
    }
}
