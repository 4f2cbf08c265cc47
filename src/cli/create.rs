//! `qinqing meeting new` and `qinqing new`: new meeting and case files, their ids
//! from the patterns in qinqing.yaml, checked before they are written.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use chrono::{Datelike, NaiveDate};

use super::ask;
use crate::edit::create::{case_text, meeting_text, NewCase, NewMeeting};
use crate::edit::{self, Edit};
use crate::load::LoadOptions;
use crate::model::ids::Pattern;
use crate::model::{Channel, Handling, Named};
use crate::output::{self, Paint};
use crate::render::file_stem;

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
    /// 收到日期（在恳谈会下可不写，取会议日期）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    received: Option<NaiveDate>,
    /// 来源渠道：meeting 恳谈会、online 线上、written 书面、hotline 热线、visit 走访
    #[arg(long, value_parser = parse_key::<Channel>)]
    channel: Option<&'static str>,
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
    #[arg(long, value_parser = parse_key::<Handling>)]
    handling: Option<&'static str>,
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

pub(super) fn parse_key<T: Named>(s: &str) -> Result<&'static str, String> {
    super::parse_named::<T>(s).map(|(en, _)| en)
}

/// A folder name that stays one folder.
fn folder_name(s: &str) -> String {
    let name = file_stem(&[s.trim()]).replace("..", "_");
    if name.is_empty() || name.starts_with('.') {
        format!("_{name}")
    } else {
        name
    }
}

pub(crate) fn meeting(repo: Option<&Path>, command: MeetingCommand) -> Result<u8> {
    let MeetingCommand::New(a) = command;
    let checked = super::open(repo, LoadOptions::default())?;
    let ledger = &checked.ledger;
    let id = match a.id {
        Some(id) => id,
        None => pattern(&ledger.settings.ids.meeting)?
            .next(a.date.year(), ledger.meetings.iter().map(|m| m.id.value.as_str())),
    };
    let folder = folder_name(&a.folder.unwrap_or_else(|| match a.session {
        Some(n) => format!("第{n}期恳谈会"),
        None => id.clone(),
    }));
    let m = NewMeeting {
        id: id.clone(),
        title: a.title,
        theme: a.theme,
        date: Some(a.date),
        level: a.level,
        organiser: a.organiser,
        session: a.session.map(|n| n.to_string()),
        hosts: a.hosts,
        enterprises: a.enterprises,
    };
    let rel = format!("cases/{}/{folder}/meeting.yaml", a.date.year());
    let edit = edit::new_file(&ledger.root, &rel, meeting_text(&m))?;
    finish(&edit, a.dry_run, &format!("恳谈会 {id}"))
}

pub(crate) fn case(repo: Option<&Path>, a: CaseArgs) -> Result<u8> {
    let checked = super::open(repo, LoadOptions::default())?;
    let ledger = &checked.ledger;
    let meeting = match &a.meeting {
        Some(id) => match ledger.meeting(id) {
            Some(m) => Some(m),
            None => bail!("找不到恳谈会「{id}」"),
        },
        None => None,
    };
    // Missing values are asked for at a terminal; categories complete from those the repository uses.
    let title = ask::required(a.title, "--title", "问题标题", &[])?;
    let received = match a.received.or(meeting.and_then(|m| m.date)) {
        Some(d) => d,
        None if ask::interactive() => ask::date(None, "--received", "收到日期", super::as_of(None, ledger))?,
        None => bail!("请用 --received 写收到日期（或用 --meeting 放进一期恳谈会）"),
    };
    let enterprise = ask::optional(a.enterprise, "企业名称", &[])?;
    let mut categories: Vec<String> = ledger.cases.iter().filter_map(|c| c.category.clone()).collect();
    categories.sort();
    categories.dedup();
    let category = ask::optional(a.category, "问题类别", &categories)?;
    let description = match (a.description_file, a.editor) {
        (Some(f), _) => Some(super::read_text_file(&f)?),
        (None, true) => ask::in_editor(&ledger.root, "问题描述")?,
        (None, false) => ask::optional(a.description, "问题描述", &[])?,
    };
    let id =
        pattern(&ledger.settings.ids.case)?.next(received.year(), ledger.cases.iter().map(|c| c.id.value.as_str()));
    let folder = match (meeting, a.channel) {
        (Some(m), _) => m.folder().to_string(),
        (None, Some(c)) => format!("cases/{}/{}", received.year(), Channel::parse(c).map_or(c, Named::zh)),
        (None, None) => format!("cases/{}/其他渠道", received.year()),
    };
    let c = NewCase {
        id: id.clone(),
        title,
        enterprise: enterprise.map(|name| crate::model::Enterprise {
            name,
            credit_code: a.credit_code,
            contact: a.contact,
            phone: a.phone,
        }),
        // A case in a meeting's folder takes the meeting's date unless told otherwise.
        received: if meeting.is_some() { a.received } else { Some(received) },
        channel: a.channel.filter(|_| meeting.is_none()),
        meeting: None,
        level: a.level,
        category,
        handling: a.handling,
        tags: a.tags,
        description,
        source: None,
        assigned: None,
    };
    let edit = edit::new_file(&ledger.root, &format!("{folder}/{id}.yaml"), case_text(&c))?;
    finish(&edit, a.dry_run, &format!("案件 {id}"))
}

fn pattern(text: &str) -> Result<Pattern> {
    Pattern::parse(text).ok_or_else(|| anyhow::anyhow!("编号格式「{text}」无效"))
}

/// Checks the repository with the new file in place, then writes it (or shows it).
fn finish(edit: &Edit, dry_run: bool, what: &str) -> Result<u8> {
    let problems = edit::check_edits(std::slice::from_ref(edit))?;
    if !problems.is_empty() {
        output::emit(&output::text::diagnostics(&problems, Paint(output::colour_wanted())))?;
        eprintln!("新建 {} 会带来 {} 处错误（见上），未写入。", edit.rel, problems.len());
        return Ok(2);
    }
    if dry_run {
        output::emit(&edit.diff())?;
        eprintln!("（--dry-run：未写入）");
        return Ok(0);
    }
    edit::write(std::slice::from_ref(edit))?;
    println!("{}", edit.rel);
    eprintln!("已新建{what}");
    Ok(0)
}
