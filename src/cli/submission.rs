//! `qinqing submission list|show|accept|decline`: the online submissions waiting
//! for the office (`command::submissions`).

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;

use crate::command::{submissions, Open};
use crate::model::submission::Outcome;

#[derive(Debug, clap::Subcommand)]
pub(crate) enum SubmissionCommand {
    /// 列出网上提交（默认只列待受理的）
    List {
        /// 也列出已受理和不予受理的
        #[arg(long)]
        all: bool,
    },
    /// 显示一件提交的全部内容（含联系人和电话）
    Show {
        /// 提交编号
        id: String,
    },
    /// 受理：建立案件（来源渠道为线上，收到日期为提交日期），并在提交文件中记下建立的案件
    Accept {
        /// 提交编号
        id: String,
        /// 案件标题（默认取问题的第一句）
        #[arg(long)]
        title: Option<String>,
        #[command(flatten)]
        how: Decided,
    },
    /// 不予受理：写明理由（企业凭回执码可以看到）
    Decline {
        /// 提交编号
        id: String,
        /// 理由
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        how: Decided,
    },
}

/// When and how a decision is written.
#[derive(Debug, clap::Args)]
pub(crate) struct Decided {
    /// 决定日期（默认：今天；不能晚于今天）
    #[arg(long, value_parser = super::parse_date)]
    date: Option<NaiveDate>,
    /// 只显示将写入的内容，不写入
    #[arg(long)]
    dry_run: bool,
    /// 写入后用 git 提交（作者为本机 git 配置的用户）
    #[arg(long, conflicts_with = "dry_run")]
    commit: bool,
}

impl Decided {
    fn writing(&self) -> submissions::Writing {
        submissions::Writing { dry_run: self.dry_run, commit: self.commit }
    }
}

pub(crate) fn run(repo: Option<&Path>, command: SubmissionCommand) -> Result<u8> {
    let mut session = super::session(repo, Open::full())?;
    match command {
        SubmissionCommand::List { all } => {
            let ledger = session.ledger();
            let shown: Vec<_> = ledger.submissions.iter().filter(|s| all || s.waiting()).collect();
            if shown.is_empty() {
                eprintln!("{}", if all { "没有网上提交。" } else { "没有待受理的网上提交。" });
                return Ok(0);
            }
            let rows: Vec<Vec<String>> = shown
                .iter()
                .map(|s| {
                    let state = match s.decision.as_ref().map(|d| &d.outcome) {
                        Some(Outcome::Accepted(case)) => format!("已受理 {}", case.value),
                        _ => s.standing().to_string(),
                    };
                    vec![
                        s.id.value.clone(),
                        s.submitted.as_ref().map(|d| d.value.to_string()).unwrap_or_default(),
                        state,
                        s.enterprise.as_ref().map(|e| e.name.clone()).unwrap_or_else(|| "—".into()),
                        submissions::derived_title(&s.text),
                    ]
                })
                .collect();
            crate::output::emit(&crate::output::table::render(&["编号", "提交日期", "状态", "企业", "问题"], &rows))?;
            Ok(0)
        }
        SubmissionCommand::Show { id } => {
            let Some(s) = session.ledger().submission(&id) else {
                let ids = session.ledger().submissions.iter().map(|s| s.id.value.as_str());
                let hint = crate::diag::closest(&id, ids).map(|n| format!("，是否为「{n}」？")).unwrap_or_default();
                anyhow::bail!("找不到网上提交「{id}」{hint}");
            };
            let bytes = session.scope().read(&session.root_dir().join(&s.file))?;
            println!("{}", s.file);
            crate::output::emit(&String::from_utf8_lossy(&bytes))?;
            Ok(0)
        }
        SubmissionCommand::Accept { id, title, how } => {
            let date = session.date(how.date);
            match submissions::accept(&mut session, &id, title.as_deref(), date, how.writing()) {
                Ok(done) => {
                    super::shown(&done.written, &format!("已受理 {id}，建立案件 {}（来源渠道：线上）", done.id))
                }
                Err(f) => super::failed(f, |n| format!("受理会带来 {n} 处错误（见上），未写入。")),
            }
        }
        SubmissionCommand::Decline { id, reason, how } => {
            let date = session.date(how.date);
            match submissions::decline(&mut session, &id, &reason, date, how.writing()) {
                Ok(done) => super::shown(&done.written, &format!("已记下不予受理 {id}：{}", reason.trim())),
                Err(f) => super::failed(f, |n| format!("会带来 {n} 处错误（见上），未写入。")),
            }
        }
    }
}
