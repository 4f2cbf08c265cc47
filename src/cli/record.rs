//! The commands that record a timeline entry: `note`, `assign`, `ack`,
//! `return`, `transfer`, `extend`, `reply`, `answer`, `pre-visit`,
//! `evaluate`, `joint`, `close`. Each turns its flags into one entry; the rest
//! (checking before writing, the diff, the write, the commit) is shared.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;

use crate::check::Ledger;
use crate::diag::closest;
use crate::edit::{self, FieldValue, NewEvent};
use crate::load::LoadOptions;
use crate::model::{EventType, Named, Rating, ReplyResult, Status};
use crate::output::{self, Paint};

/// What every recording command takes.
#[derive(Debug, clap::Args)]
pub(crate) struct Common {
    /// 事件日期（默认：案件库时区的今天），如 2026-06-04
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    date: Option<NaiveDate>,
    /// 只显示将要添加的内容（diff），不写入
    #[arg(long)]
    dry_run: bool,
    /// 写入后用 git 提交（作者为本机 git 配置的用户）
    #[arg(long)]
    commit: bool,
}

/// One case id and the common flags.
#[derive(Debug, clap::Args)]
pub(crate) struct One {
    /// 案件编号
    id: String,
    #[command(flatten)]
    common: Common,
}

/// One or more case ids (the same entry recorded in each, all or none) and the common flags.
#[derive(Debug, clap::Args)]
pub(crate) struct Several {
    /// 案件编号（可以多个）
    #[arg(required = true)]
    ids: Vec<String>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
pub(crate) struct NoteArgs {
    #[command(flatten)]
    case: Several,
    /// 备注内容
    #[arg(long, value_parser = non_empty)]
    text: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct AssignArgs {
    /// 案件编号（可以多个）
    ids: Vec<String>,
    /// 交办这期恳谈会全部尚未交办的案件
    #[arg(long, value_name = "ID")]
    meeting: Option<String>,
    /// 主办部门（全称、简称或别名；在终端中不写则提问，可补全）
    #[arg(long, value_parser = non_empty)]
    lead: Option<String>,
    /// 协办部门，逗号分隔
    #[arg(long, value_delimiter = ',')]
    co: Vec<String>,
    /// 交办意见
    #[arg(long)]
    note: Option<String>,
    /// 本次交办的办理时限（覆盖规则计算的日期）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    due: Option<NaiveDate>,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ByArgs {
    #[command(flatten)]
    case: Several,
    /// 办理部门
    #[arg(long, value_parser = non_empty)]
    by: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReturnArgs {
    #[command(flatten)]
    case: One,
    /// 退回的部门
    #[arg(long, value_parser = non_empty)]
    by: String,
    /// 退回理由
    #[arg(long, value_parser = non_empty)]
    reason: String,
}

#[derive(Debug, clap::Args)]
pub(crate) struct TransferArgs {
    #[command(flatten)]
    case: One,
    /// 新的主办部门
    #[arg(long, value_parser = non_empty)]
    to: String,
    /// 原主办部门（默认不写）
    #[arg(long)]
    from: Option<String>,
    /// 协办部门，逗号分隔
    #[arg(long, value_delimiter = ',')]
    co: Vec<String>,
    /// 转办理由
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ExtendArgs {
    #[command(flatten)]
    case: One,
    /// 延期的时限规则编号，如 reply
    #[arg(long, value_parser = non_empty)]
    rule: String,
    /// 延期后的期限
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    due: NaiveDate,
    /// 批准人
    #[arg(long)]
    approved_by: Option<String>,
    /// 延期理由
    #[arg(long)]
    reason: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct ReplyArgs {
    #[command(flatten)]
    case: One,
    /// 答复的部门
    #[arg(long, value_parser = non_empty)]
    by: String,
    /// 办理结果：resolved 已解决、in_progress 正在解决、planned 列入计划、explained 政策解释、unresolvable 无法解决
    #[arg(long, value_parser = parse_named::<ReplyResult>)]
    result: Option<(&'static str, &'static str)>,
    /// 答复内容
    #[arg(long, conflicts_with = "text_file")]
    text: Option<String>,
    /// 从文件读答复内容（UTF-8 文本）
    #[arg(long, value_name = "FILE")]
    text_file: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct AnswerArgs {
    #[command(flatten)]
    case: One,
    /// 现场答复人或部门（如 市长）
    #[arg(long)]
    by: Option<String>,
    /// 办理结果（已解决的计入「解决」）
    #[arg(long, value_parser = parse_named::<ReplyResult>)]
    result: Option<(&'static str, &'static str)>,
    /// 答复内容
    #[arg(long)]
    text: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct PreVisitArgs {
    #[command(flatten)]
    case: One,
    /// 预回访的人或部门
    #[arg(long)]
    by: Option<String>,
    /// 企业的意见
    #[arg(long)]
    text: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct EvaluateArgs {
    #[command(flatten)]
    case: Several,
    /// 企业评价：satisfied 满意、basically_satisfied 基本满意、unsatisfied 不满意
    #[arg(long, value_parser = parse_named::<Rating>)]
    rating: (&'static str, &'static str),
    /// 企业意见
    #[arg(long)]
    comment: Option<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct JointArgs {
    #[command(flatten)]
    case: One,
    /// 联席会议的决定
    #[arg(long, value_parser = non_empty)]
    decision: String,
    /// 参会单位，逗号分隔
    #[arg(long, value_delimiter = ',')]
    participants: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CloseArgs {
    #[command(flatten)]
    case: Several,
    /// 办结说明
    #[arg(long)]
    note: Option<String>,
    /// 理由（企业不满意仍办结时必填），如 经联席会议研究
    #[arg(long)]
    reason: Option<String>,
}

use super::{non_empty, parse_named};

type Fields = Vec<(&'static str, FieldValue)>;

fn text(fields: &mut Fields, key: &'static str, value: Option<String>) {
    if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
        fields.push((key, FieldValue::Text(v)));
    }
}

fn list(fields: &mut Fields, key: &'static str, values: Vec<String>) {
    let values: Vec<String> = values.into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
    if !values.is_empty() {
        fields.push((key, FieldValue::List(values)));
    }
}

fn named(fields: &mut Fields, key: &'static str, value: Option<(&'static str, &'static str)>) {
    if let Some((en, zh)) = value {
        fields.push((key, FieldValue::Named(en, zh)));
    }
}

pub(crate) fn note(repo: Option<&Path>, a: NoteArgs) -> Result<u8> {
    let mut f = Fields::new();
    text(&mut f, "text", Some(a.text));
    record(repo, Cases::Ids(a.case.ids), &a.case.common, EventType::Note, f)
}

pub(crate) fn assign(repo: Option<&Path>, a: AssignArgs) -> Result<u8> {
    let lead = match a.lead {
        Some(lead) => lead,
        None if super::ask::interactive() => {
            let ledger = super::open(repo, LoadOptions::default())?.ledger;
            let names: Vec<String> =
                ledger.departments.iter().flatten().flat_map(|d| d.names().map(str::to_string)).collect();
            super::ask::required(None, "--lead", "主办部门", &names)?
        }
        None => bail!("缺少 --lead（主办部门）"),
    };
    let mut f = Fields::new();
    text(&mut f, "lead", Some(lead));
    list(&mut f, "co", a.co);
    text(&mut f, "note", a.note);
    if let Some(d) = a.due {
        f.push(("due", FieldValue::Date(d)));
    }
    let cases = match (a.meeting, a.ids.is_empty()) {
        (Some(m), true) => Cases::UnassignedOf(m),
        (None, false) => Cases::Ids(a.ids),
        (Some(_), false) => bail!("请只用一种方式指定案件：编号，或 --meeting"),
        (None, true) => bail!("请写要交办的案件编号，或用 --meeting 交办一期恳谈会全部尚未交办的案件"),
    };
    record(repo, cases, &a.common, EventType::Assigned, f)
}

pub(crate) fn ack(repo: Option<&Path>, a: ByArgs) -> Result<u8> {
    let mut f = Fields::new();
    text(&mut f, "by", Some(a.by));
    record(repo, Cases::Ids(a.case.ids), &a.case.common, EventType::Acknowledged, f)
}

pub(crate) fn send_back(repo: Option<&Path>, a: ReturnArgs) -> Result<u8> {
    let mut f = Fields::new();
    text(&mut f, "by", Some(a.by));
    text(&mut f, "reason", Some(a.reason));
    record(repo, Cases::Ids(vec![a.case.id]), &a.case.common, EventType::Returned, f)
}

pub(crate) fn transfer(repo: Option<&Path>, a: TransferArgs) -> Result<u8> {
    let mut f = Fields::new();
    text(&mut f, "from", a.from);
    text(&mut f, "to", Some(a.to));
    list(&mut f, "co", a.co);
    text(&mut f, "reason", a.reason);
    record(repo, Cases::Ids(vec![a.case.id]), &a.case.common, EventType::Transferred, f)
}

pub(crate) fn extend(repo: Option<&Path>, a: ExtendArgs) -> Result<u8> {
    let mut f = Fields::new();
    text(&mut f, "rule", Some(a.rule));
    f.push(("due", FieldValue::Date(a.due)));
    text(&mut f, "approved_by", a.approved_by);
    text(&mut f, "reason", a.reason);
    record(repo, Cases::Ids(vec![a.case.id]), &a.case.common, EventType::Extended, f)
}

pub(crate) fn reply(repo: Option<&Path>, a: ReplyArgs) -> Result<u8> {
    let body = match a.text_file {
        Some(file) => Some(super::read_text_file(&file)?),
        None => a.text,
    };
    let mut f = Fields::new();
    text(&mut f, "by", Some(a.by));
    named(&mut f, "result", a.result);
    text(&mut f, "text", body.map(|b| b.trim().to_string()));
    record(repo, Cases::Ids(vec![a.case.id]), &a.case.common, EventType::Replied, f)
}

pub(crate) fn answer(repo: Option<&Path>, a: AnswerArgs) -> Result<u8> {
    let mut f = Fields::new();
    text(&mut f, "by", a.by);
    named(&mut f, "result", a.result);
    text(&mut f, "text", a.text);
    record(repo, Cases::Ids(vec![a.case.id]), &a.case.common, EventType::Answered, f)
}

pub(crate) fn pre_visit(repo: Option<&Path>, a: PreVisitArgs) -> Result<u8> {
    let mut f = Fields::new();
    text(&mut f, "by", a.by);
    text(&mut f, "text", a.text);
    record(repo, Cases::Ids(vec![a.case.id]), &a.case.common, EventType::PreVisited, f)
}

pub(crate) fn evaluate(repo: Option<&Path>, a: EvaluateArgs) -> Result<u8> {
    let mut f = Fields::new();
    named(&mut f, "rating", Some(a.rating));
    text(&mut f, "comment", a.comment);
    record(repo, Cases::Ids(a.case.ids), &a.case.common, EventType::Evaluated, f)
}

pub(crate) fn joint(repo: Option<&Path>, a: JointArgs) -> Result<u8> {
    let mut f = Fields::new();
    text(&mut f, "decision", Some(a.decision));
    list(&mut f, "participants", a.participants);
    record(repo, Cases::Ids(vec![a.case.id]), &a.case.common, EventType::JointMeeting, f)
}

pub(crate) fn close(repo: Option<&Path>, a: CloseArgs) -> Result<u8> {
    let mut f = Fields::new();
    text(&mut f, "note", a.note);
    text(&mut f, "reason", a.reason);
    record(repo, Cases::Ids(a.case.ids), &a.case.common, EventType::Closed, f)
}

/// Which cases a command records in.
enum Cases {
    /// These ids (one named twice is recorded once).
    Ids(Vec<String>),
    /// Every case of this meeting not yet assigned as of the date.
    UnassignedOf(String),
}

impl Cases {
    fn ids(self, ledger: &Ledger, as_of: NaiveDate) -> Result<Vec<String>> {
        match self {
            Cases::Ids(mut ids) => {
                let mut seen = std::collections::HashSet::new();
                ids.retain(|id| seen.insert(id.clone()));
                Ok(ids)
            }
            Cases::UnassignedOf(meeting) => unassigned_of_meeting(ledger, &meeting, as_of),
        }
    }
}

/// The cases of a meeting not yet assigned as of the date.
fn unassigned_of_meeting(ledger: &Ledger, meeting: &str, as_of: NaiveDate) -> Result<Vec<String>> {
    if ledger.meeting(meeting).is_none() {
        let near = closest(meeting, ledger.meetings.iter().map(|m| m.id.value.as_str()));
        bail!("找不到恳谈会「{meeting}」{}", near.map(|n| format!("；是否为「{n}」？")).unwrap_or_default());
    }
    let ids: Vec<String> = ledger
        .cases_as_of(as_of)
        .filter(|c| c.meeting.as_ref().is_some_and(|m| m.value == meeting))
        .filter(|c| matches!(c.status_as_of(as_of), Status::Received | Status::Returned))
        .map(|c| c.id.value.clone())
        .collect();
    if ids.is_empty() {
        bail!("恳谈会「{meeting}」没有尚未交办的案件");
    }
    Ok(ids)
}

/// Records one entry in each case: plans the edits, checks the repository with
/// each in place, and writes them only if none brings an error.
fn record(repo: Option<&Path>, cases: Cases, common: &Common, kind: EventType, fields: Fields) -> Result<u8> {
    let checked = super::open(repo, LoadOptions::default())?;
    let ledger = &checked.ledger;
    let date = common.date.unwrap_or_else(|| super::as_of(None, ledger));
    let ids = cases.ids(ledger, date)?;
    // Departments are written by their full names, whatever short name or alias was typed.
    let by_is_department = kind.spec().by_is_department;
    let fields: Fields = fields
        .into_iter()
        .map(|(key, value)| {
            let department = matches!(key, "lead" | "co" | "to" | "from") || (key == "by" && by_is_department);
            let value = match value {
                FieldValue::Text(t) if department => FieldValue::Text(ledger.department_name(&t)),
                FieldValue::List(l) if department => {
                    FieldValue::List(l.iter().map(|d| ledger.department_name(d)).collect())
                }
                other => other,
            };
            (key, value)
        })
        .collect();
    let mut edits = Vec::new();
    for id in &ids {
        let Some(case) = ledger.case(id) else {
            let near = closest(id, ledger.cases.iter().map(|c| c.id.value.as_str()));
            bail!("找不到案件「{id}」{}", near.map(|n| format!("；是否为「{n}」？")).unwrap_or_default());
        };
        let event = NewEvent { date, kind, fields: fields.clone() };
        edits.push(edit::add_event(&ledger.root, &case.file, &event)?);
    }
    let problems = edit::check_edits(&edits)?;
    if !problems.is_empty() {
        output::emit(&output::text::diagnostics(&problems, Paint(output::colour_wanted())))?;
        eprintln!("这样记录会带来 {} 处错误（见上），未写入任何文件。", problems.len());
        return Ok(2);
    }
    if common.dry_run {
        for e in &edits {
            output::emit(&e.diff())?;
        }
        eprintln!("（--dry-run：未写入）");
        return Ok(0);
    }
    edit::write(&edits)?;
    for (id, e) in ids.iter().zip(&edits) {
        eprintln!("已记录 {id} {}（{}）", kind.zh(), e.rel);
    }
    if common.commit {
        let files: Vec<&str> = edits.iter().map(|e| e.rel.as_str()).collect();
        let what = fields.first().map(|(_, v)| v.words()).unwrap_or_default();
        let subject = match ids.as_slice() {
            [one] => {
                format!("{one} {}{}", kind.zh(), if what.is_empty() { String::new() } else { format!("（{what}）") })
            }
            many => format!("{} 等 {} 件 {}（{what}）", many[0], many.len(), kind.zh()),
        };
        commit(&ledger.root, &files, &subject)?;
    }
    Ok(0)
}

/// Commits the files with a message a reviewer can read, as the configured git user.
fn commit(root: &Path, files: &[&str], message: &str) -> Result<()> {
    let git = |args: &[&str]| -> Result<()> {
        let out = Command::new("git").arg("-C").arg(root).args(args).output().context("无法运行 git")?;
        if !out.status.success() {
            bail!("git {} 失败：{}", args[0], String::from_utf8_lossy(&out.stderr).trim());
        }
        Ok(())
    };
    let mut add = vec!["add", "--"];
    add.extend(files);
    git(&add)?;
    let mut commit = vec!["commit", "--quiet", "-m", message, "--"];
    commit.extend(files);
    git(&commit)?;
    eprintln!("已提交：{message}");
    Ok(())
}
