//! `qinqing meeting new` and `qinqing new`: new meeting and case files, their ids
//! from the patterns in qinqing.yaml, checked before they are written.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use chrono::NaiveDate;

use super::ask;
use crate::command::create::{self, CaseRequest, Created, MeetingRequest};
use crate::command::Open;
use crate::model::{Channel, Enterprise, Handling};

#[derive(Debug, clap::Subcommand)]
pub(crate) enum MeetingCommand {
    /// 新建一期恳谈会：cases/<年>/<文件夹>/meeting.yaml
    #[command(
        after_help = "示例：\n  qinqing meeting new --title 亲清直通车·政企恳谈会（第二十六期） --date 2026-12-03 --session 26 --theme 稳岗用工 --hosts 市长 --enterprises 湖州甲公司,湖州乙公司"
    )]
    New(MeetingArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct MeetingArgs {
    /// 会议名称
    #[arg(long, value_parser = super::non_empty)]
    title: String,
    /// 会议日期
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    date: NaiveDate,
    /// 主题
    #[arg(long)]
    theme: Option<String>,
    /// 层级：city（市级）或 county（区县）
    #[arg(long)]
    level: Option<String>,
    /// 主办单位（召开会议的单位），不写则为本办
    #[arg(long)]
    organiser: Option<String>,
    /// 期数
    #[arg(long)]
    session: Option<u32>,
    /// 主持或出席的领导，逗号分隔
    #[arg(long, value_delimiter = ',')]
    hosts: Vec<String>,
    /// 参会企业，逗号分隔
    #[arg(long, value_delimiter = ',')]
    enterprises: Vec<String>,
    /// 会议编号（默认按 qinqing.yaml 的 ids.meeting 自动编号）
    #[arg(long)]
    id: Option<String>,
    /// 文件夹名（默认「第N期恳谈会」，没有期数时用编号）
    #[arg(long)]
    folder: Option<String>,
    /// 只显示将要写入的内容
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CaseArgs {
    /// 问题标题（在终端中不写则提问）
    #[arg(long, value_parser = super::non_empty)]
    title: Option<String>,
    /// 企业名称
    #[arg(long)]
    enterprise: Option<String>,
    /// 统一社会信用代码
    #[arg(long, requires = "enterprise")]
    credit_code: Option<String>,
    /// 联系人（公开时隐去）
    #[arg(long, requires = "enterprise")]
    contact: Option<String>,
    /// 联系电话（公开时隐去）
    #[arg(long, requires = "enterprise")]
    phone: Option<String>,
    /// 企业的电子邮箱（不公开；有了答复时通知企业，见 notify.enterprises）
    #[arg(long, requires = "enterprise")]
    email: Option<String>,
    /// 收到日期（在恳谈会下可不写，取会议日期）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    received: Option<NaiveDate>,
    /// 来源渠道：meeting 恳谈会、online 线上、written 书面、hotline 热线、visit 走访
    #[arg(long, value_parser = super::parse_enum::<Channel>)]
    channel: Option<Channel>,
    /// 所属恳谈会编号（案件文件放在会议文件夹下）
    #[arg(long)]
    meeting: Option<String>,
    /// 层级
    #[arg(long)]
    level: Option<String>,
    /// 问题类别
    #[arg(long)]
    category: Option<String>,
    /// 办理方式：immediate 即刻解、coordinated 协同解、closed_loop 闭环解、joint 联席会议
    #[arg(long, value_parser = super::parse_enum::<Handling>)]
    handling: Option<Handling>,
    /// 标签，逗号分隔
    #[arg(long, value_delimiter = ',')]
    tags: Vec<String>,
    /// 问题描述
    #[arg(long, conflicts_with_all = ["description_file", "editor"])]
    description: Option<String>,
    /// 从文件读问题描述
    #[arg(long, value_name = "FILE", conflicts_with = "editor")]
    description_file: Option<PathBuf>,
    /// 在编辑器（$VISUAL 或 $EDITOR）中写问题描述
    #[arg(long)]
    editor: bool,
    /// 只显示将要写入的内容
    #[arg(long)]
    dry_run: bool,
}

pub(crate) fn meeting(repo: Option<&Path>, command: MeetingCommand) -> Result<u8> {
    let MeetingCommand::New(a) = command;
    let mut session = super::session(repo, Open::slim())?;
    let request = MeetingRequest {
        title: a.title,
        date: Some(a.date),
        theme: a.theme,
        level: a.level,
        organiser: a.organiser,
        session: a.session,
        hosts: a.hosts,
        enterprises: a.enterprises,
        id: a.id,
        folder: a.folder,
        dry_run: a.dry_run,
    };
    finish(create::meeting(&mut session, request), "恳谈会")
}

pub(crate) fn case(repo: Option<&Path>, a: CaseArgs) -> Result<u8> {
    let mut session = super::session(repo, Open::slim())?;
    let meeting = match &a.meeting {
        Some(id) => match create::find_meeting(&session, id) {
            Ok(m) => Some(m.clone()),
            Err(n) => return super::failed(n.into(), |_| String::new()),
        },
        None => None,
    };
    // Missing values are asked for at a terminal; categories complete from those the repository uses.
    let title = ask::required(a.title, "--title", "问题标题", &[])?;
    let received = match a.received.or(meeting.as_ref().and_then(|m| m.date)) {
        Some(d) => d,
        None if ask::interactive() => ask::date(None, "--received", "收到日期", session.date(None))?,
        None => bail!("请用 --received 写收到日期（或用 --meeting 放进一期恳谈会）"),
    };
    let enterprise = ask::optional(a.enterprise, "企业名称", &[])?;
    let mut categories: Vec<String> = session.ledger().cases.iter().filter_map(|c| c.category.clone()).collect();
    categories.sort();
    categories.dedup();
    let category = ask::optional(a.category, "问题类别", &categories)?;
    let description = match (a.description_file, a.editor) {
        (Some(f), _) => Some(super::read_text_file(&f)?),
        (None, true) => ask::in_editor(&session, "问题描述")?,
        (None, false) => ask::optional(a.description, "问题描述", &[])?,
    };
    let request = CaseRequest {
        title,
        enterprise: enterprise.map(|name| Enterprise {
            name,
            credit_code: a.credit_code,
            contact: a.contact,
            phone: a.phone,
            email: a.email,
        }),
        received: if meeting.is_some() { a.received } else { Some(received) },
        channel: a.channel,
        meeting: a.meeting,
        level: a.level,
        category,
        handling: a.handling,
        tags: a.tags,
        description,
        submission: None,
        dry_run: a.dry_run,
    };
    finish(create::case(&mut session, request), "案件")
}

/// Prints the new file (or its diff for a dry run), or why it was refused.
fn finish(outcome: crate::command::Outcome<Created>, what: &str) -> Result<u8> {
    let Created { id, written, note } = match outcome {
        Ok(c) => c,
        Err(f) => {
            // The file that would have been made, for the message.
            let rel = match &f {
                crate::command::Failure::Refused(crate::command::Refusal::Invalid { files, .. }) => files.join("、"),
                _ => String::new(),
            };
            return super::failed(f, |n| format!("新建 {rel} 会带来 {n} 处错误（见上），未写入。"));
        }
    };
    let Some(edit) = written.edits.first() else { return Ok(0) };
    if let Some(n) = note {
        eprintln!("{n}");
    }
    if !written.applied {
        crate::output::emit(&edit.diff())?;
        eprintln!("（--dry-run：未写入）");
        return Ok(0);
    }
    println!("{}", edit.rel);
    eprintln!("已新建{what} {id}");
    Ok(0)
}
