//! `qinqing audit BASE..HEAD`, for CI: every commit that says whose it is
//! (the trailers `Qinqing-Actor: 部门/姓名` and `Qinqing-Role: department`
//! the web server writes) is held to what its role may do, by the same table
//! the server enforces (`model::role`): a department's commit may only add
//! entries it may record, to the cases it leads or co-handles, and never change
//! a line already there. A commit without the trailers is the office's own
//! (made at a terminal) and is not judged here.

use super::{Outcome, Session};
use crate::diag::Sink;
use crate::model::role::{Role, Standing};
use crate::model::{Case, Named};

/// One thing a commit did that its role may not.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Violation {
    /// The commit.
    pub(crate) commit: String,
    /// Its actor, as its trailer says.
    pub(crate) actor: String,
    /// The file.
    pub(crate) file: String,
    /// What it did, in words.
    pub(crate) what: String,
}

/// What the audit found.
#[derive(Debug)]
pub(crate) struct Audited {
    /// Commits in the range.
    pub(crate) commits: usize,
    /// Of them, those with a role's trailers (judged).
    pub(crate) judged: usize,
    pub(crate) violations: Vec<Violation>,
}

/// Audits the commits of a range.
pub(crate) fn audit(session: &Session, range: &str) -> Outcome<Audited> {
    let git = session.git();
    let commits = git.commits_in(range)?;
    let mut violations = Vec::new();
    let mut judged = 0;
    for c in &commits {
        if c.role.is_empty() {
            continue;
        }
        judged += 1;
        let mut say = |file: &str, what: String| {
            violations.push(Violation { commit: c.id.clone(), actor: c.actor.clone(), file: file.to_string(), what });
        };
        let Some(role) = Role::parse(&c.role) else {
            say("", format!("Qinqing-Role「{}」不是已知角色", c.role));
            continue;
        };
        // A department's actor is 部门/姓名: the department is what its scope is.
        let department = c.actor.split_once('/').map(|(d, _)| d.trim().to_string());
        if role == Role::Department && department.as_deref().is_none_or(str::is_empty) {
            say("", format!("部门的提交没有写明部门（Qinqing-Actor「{}」）", c.actor));
            continue;
        }
        // An enterprise's code opens one case: a commit of its touches that one.
        if role == Role::Enterprise && c.files.len() != 1 {
            say("", format!("企业的提交涉及 {} 个文件（只能是它自己的一件案件）", c.files.len()));
            continue;
        }
        // Anyone's commit is one new submission, undecided: nothing else.
        if role == Role::Public {
            let new_submission = |(status, file): &(char, String)| {
                *status == 'A'
                    && file.starts_with(&format!("{}/", crate::load::submission::FOLDER))
                    && file.ends_with(".yaml")
                    && git.text_at(&c.id, file).is_some_and(|text| undecided_submission(file, &text))
            };
            match c.files.as_slice() {
                [one] if new_submission(one) => {}
                _ => say(
                    "",
                    format!(
                        "公众的提交只能新建一件待受理的网上提交，这个提交涉及：{}",
                        c.files.iter().map(|(s, f)| format!("{f}（{s}）")).collect::<Vec<_>>().join("、")
                    ),
                ),
            }
            continue;
        }
        for (status, file) in &c.files {
            let case_file = file.starts_with("cases/") && file.ends_with(".yaml") && !file.ends_with("/meeting.yaml");
            if role == Role::Office {
                continue;
            }
            if !case_file {
                say(file, format!("{}的提交改动了案件以外的文件", role.zh()));
                continue;
            }
            if *status != 'M' {
                say(file, format!("{}的提交新建、删除或移动了案件文件（{status}）", role.zh()));
                continue;
            }
            let before = c.parent.as_deref().and_then(|p| git.text_at(p, file));
            let after = git.text_at(&c.id, file);
            let (Some(before), Some(after)) = (before, after) else {
                say(file, "读不到改动前后的文件".to_string());
                continue;
            };
            let canonical = |name: &str| session.ledger().department_name(name);
            judge(role, department.as_deref(), file, &before, &after, &canonical, &mut say);
        }
    }
    Ok(Audited { commits: commits.len(), judged, violations })
}

/// Whether a file reads as a submission the office has not decided on.
fn undecided_submission(file: &str, text: &str) -> bool {
    let mut sink = Sink::new(file);
    let Ok(Some(node)) = crate::load::yaml::parse(file, text) else { return false };
    crate::load::submission::read_submission(file, &node, &mut sink).is_some_and(|s| s.waiting())
        && sink.diagnostics.is_empty()
}

/// One case file's change by a role.
fn judge(
    role: Role,
    department: Option<&str>,
    file: &str,
    before: &str,
    after: &str,
    canonical: &dyn Fn(&str) -> String,
    say: &mut impl FnMut(&str, String),
) {
    // Only lines added: an edit changes no line already there.
    let old: Vec<&str> = before.split_inclusive('\n').collect();
    let new: Vec<&str> = after.split_inclusive('\n').collect();
    let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let tail = old[head..].iter().rev().zip(new[head..].iter().rev()).take_while(|(a, b)| a == b).count();
    if old.len() > head + tail {
        say(file, format!("改动了已有的第{}行（只能添加记录）", head + 1));
        return;
    }
    let (Some(mut was), Some(now)) = (read(file, before), read(file, after)) else {
        say(file, "案件文件读不通".to_string());
        return;
    };
    // Lines only added, and still the same case with the same entries before the new ones: an
    // entry slipped between others, or a line added inside one (a due date), is a change.
    let kept = was.timeline.len() <= now.timeline.len()
        && was.timeline.iter().zip(&now.timeline).all(|(a, b)| plain(a) == plain(b))
        && plain(&Case { timeline: Vec::new(), ..was.clone() }) == plain(&Case { timeline: Vec::new(), ..now.clone() });
    if !kept {
        say(file, "改动了已有的记录或字段（只能在办理过程末尾添加记录）".to_string());
        return;
    }
    // Names as the registry has them now (a renamed department's old name is its alias).
    for e in &mut was.timeline {
        for n in e.lead.iter_mut().chain(e.co.iter_mut()) {
            n.value = canonical(&n.value);
        }
    }
    let standing = role.standing(department, &was);
    if standing == Standing::None {
        say(file, format!("{} 不是{}主办或协办的案件", was.id.value, department.unwrap_or("该部门")));
        return;
    }
    for e in now.timeline.iter().skip(was.timeline.len()) {
        if !role.may_record(standing, e.kind) {
            let how = match standing {
                Standing::Co => "协办单位",
                Standing::Lead => "主办单位",
                Standing::Whole | Standing::Own | Standing::None => role.zh(),
            };
            say(file, format!("{how}不能记录「{}」（{} {}）", e.kind.zh(), was.id.value, e.date));
        }
    }
}

/// A value as data, without where it was written (positions shift when lines are added above).
fn plain<T: serde::Serialize>(value: &T) -> serde_json::Value {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("pos");
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(value).unwrap_or_default();
    strip(&mut v);
    v
}

fn read(file: &str, text: &str) -> Option<Case> {
    let node = crate::load::yaml::parse(file, text).ok()??;
    crate::load::case::read_case(file, &node, &mut Sink::new(file))
}
