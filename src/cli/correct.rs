//! `qinqing tag` / `untag` and `qinqing dept add|rename`: flags to requests,
//! the change shown as a diff.

use anyhow::Result;

use crate::command::correct::{self, DepartmentChange, NewDepartment, Tagging};
use crate::command::Open;

/// `qinqing tag ID TAG…` and `untag`.
#[derive(Debug, clap::Args)]
pub(crate) struct TagArgs {
    /// 案件编号
    id: String,
    /// 标签，可写多个，如 典型案例
    #[arg(required = true)]
    tags: Vec<String>,
    /// 只显示改动（diff），不写入
    #[arg(long)]
    dry_run: bool,
    /// 写入后用 git 提交
    #[arg(long)]
    commit: bool,
}

/// `qinqing dept`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum DeptCommand {
    /// 在部门名录（departments.yaml）末尾新增一个部门，文件其余内容一字不动
    #[command(after_help = "示例：\n  qinqing dept add 市数据局 --short 数据局 --alias 市大数据局 --level city")]
    Add(DeptAddArgs),
    /// 部门更名：改 name，旧名自动加入 aliases，已有案件中的旧名照常识别
    #[command(after_help = "示例：\n  qinqing dept rename 市教育局 市教育和体育局")]
    Rename(DeptRenameArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct DeptAddArgs {
    /// 部门全称（用于案件和公文）
    name: String,
    /// 简称
    #[arg(long)]
    short: Option<String>,
    /// 别名，逗号分隔
    #[arg(long, value_delimiter = ',')]
    alias: Vec<String>,
    /// 层级，如 city、county（qinqing.yaml 的 levels）
    #[arg(long)]
    level: Option<String>,
    /// 只显示改动（diff），不写入
    #[arg(long)]
    dry_run: bool,
    /// 写入后用 git 提交
    #[arg(long)]
    commit: bool,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DeptRenameArgs {
    /// 现在的名称（全称、简称或别名）
    old: String,
    /// 新的全称
    new: String,
    /// 只显示改动（diff），不写入
    #[arg(long)]
    dry_run: bool,
    /// 写入后用 git 提交
    #[arg(long)]
    commit: bool,
}

/// Tags or untags a case.
pub(crate) fn tag(repo: Option<&std::path::Path>, a: TagArgs, remove: bool) -> Result<u8> {
    let mut session = super::session(repo, Open::slim())?;
    let request = Tagging { id: a.id.clone(), tags: a.tags.clone(), remove, dry_run: a.dry_run, commit: a.commit };
    let done = if remove { "已去掉" } else { "已加上" };
    match correct::tag(&mut session, request) {
        Ok(w) => super::shown(&w, &format!("{} {done}标签 {}", a.id, a.tags.join("、"))),
        Err(f) => super::failed(f, |n| format!("改动会带来 {n} 处错误（见上），未写入。")),
    }
}

/// Adds or renames a department.
pub(crate) fn dept(repo: Option<&std::path::Path>, c: DeptCommand) -> Result<u8> {
    let mut session = super::session(repo, Open::slim())?;
    let change = match c {
        DeptCommand::Add(a) => DepartmentChange::Add(NewDepartment {
            name: a.name,
            short: a.short,
            aliases: a.alias,
            level: a.level,
            dry_run: a.dry_run,
            commit: a.commit,
        }),
        DeptCommand::Rename(a) => {
            DepartmentChange::Rename { old: a.old, new: a.new, dry_run: a.dry_run, commit: a.commit }
        }
    };
    match correct::department(&mut session, change) {
        Ok((w, done)) => {
            let note =
                if done.contains("更名") { "（旧名保留为别名，已有案件照常识别）" } else { "" };
            super::shown(&w, &format!("已完成：{done}{note}"))
        }
        Err(f) => super::failed(f, |n| format!("部门名录会有 {n} 处错误（见上），未写入。")),
    }
}
