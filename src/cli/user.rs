//! `qinqing user add|list|disable|reset`: the web server's accounts (in the
//! state folder, never in git). Passwords come on standard input only: never
//! in a command line, which other users and the shell's history can see.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::command::accounts::{self, NewAccount};
use crate::command::Open;
use crate::model::role::Role;
use crate::model::Named;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 状态文件夹（默认：案件库中的 .qinqing-private/）
    #[arg(long, value_name = "DIR", global = true)]
    state: Option<PathBuf>,
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(Debug, clap::Subcommand)]
enum UserCommand {
    /// 新建账号：角色 office（营商办）、department（部门，须写 --dept）、leader（领导）
    #[command(
        after_help = "示例：\n  qinqing user add 王某 --role department --dept 市交通运输局 --password-stdin < 密码.txt"
    )]
    Add {
        /// 登录用的名称
        name: String,
        /// 角色：office、department、leader（也可写 营商办、部门、领导）
        #[arg(long)]
        role: String,
        /// 部门账号所属的部门
        #[arg(long)]
        dept: Option<String>,
        /// 邮箱（写入提交记录的作者）
        #[arg(long)]
        email: Option<String>,
        /// 可以管理账号（营商办账号）
        #[arg(long)]
        admin: bool,
        /// 从标准输入读密码（至少 8 个字符）；不写则给出一次性链接，由本人设密码
        #[arg(long)]
        password_stdin: bool,
    },
    /// 列出账号
    List,
    /// 停用账号（不能再登录）
    Disable {
        /// 账号名称
        name: String,
    },
    /// 重设密码并启用
    Reset {
        /// 账号名称
        name: String,
        /// 从标准输入读新密码；不写则旧密码作废，给出一次性链接由本人重设
        #[arg(long)]
        password_stdin: bool,
    },
}

/// What to do with a one-time link: send it to the person (it is the only way in). With `serve.url` in
/// qinqing.yaml the link is whole; else the server's address is to be put in front.
fn link_words(name: &str, token: &str, url: Option<&str>) -> String {
    let path = accounts::setup_path(token);
    match url {
        Some(url) => format!("\n把下面的链接发给{name}本人，在浏览器中打开后自己设密码（72 小时内有效，只能用一次）：\n  {url}{path}"),
        None => format!(
            "\n把下面的链接发给{name}本人，在浏览器中打开后自己设密码（72 小时内有效，只能用一次；把「服务地址」换成 qinqing serve 的地址，如 http://192.168.1.10:8080，或在 qinqing.yaml 写 serve: {{ url: … }}）：\n  服务地址{path}"
        ),
    }
}

/// The password on standard input: its first line, as typed.
fn password() -> Result<String> {
    let mut text = String::new();
    std::io::stdin().take(4096).read_to_string(&mut text)?;
    let line = text.lines().next().unwrap_or("").to_string();
    if line.is_empty() {
        bail!("标准输入中没有密码");
    }
    Ok(line)
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::slim())?;
    let state = accounts::state_dir(session.root_dir(), args.state.as_deref());
    let url = session.ledger().settings.serve_url.clone();
    let done = match args.command {
        UserCommand::Add { name, role, dept, email, admin, password_stdin } => {
            let password = if password_stdin { Some(password()?) } else { None };
            let new = NewAccount { name, role, department: dept, email, admin, password };
            accounts::add(&session, &state, new).map(|added| {
                let a = added.account;
                let role = a.role().map_or("?", Role::zh);
                let dept = a.department.map(|d| format!("，{d}")).unwrap_or_default();
                let link = added.link.map(|t| link_words(&a.name, &t, url.as_deref())).unwrap_or_default();
                format!("已新建账号 {}（{role}{dept}）{link}", a.name)
            })
        }
        UserCommand::List => accounts::list(&state).map(|all| {
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|a| {
                    vec![
                        a.name.clone(),
                        a.role().map_or("?", Role::zh).to_string(),
                        a.department.clone().unwrap_or_else(|| "—".into()),
                        if a.admin { "是".into() } else { "—".into() },
                        match (a.disabled, a.password.is_empty()) {
                            (true, _) => "已停用".into(),
                            (false, true) => "待设密码（一次性链接）".into(),
                            (false, false) => "可用".into(),
                        },
                    ]
                })
                .collect();
            crate::output::table::render(&["账号", "角色", "部门", "管理账号", "状态"], &rows)
        }),
        UserCommand::Disable { name } => accounts::disable(&state, &name).map(|()| format!("已停用账号 {name}")),
        UserCommand::Reset { name, password_stdin } => {
            let pw = if password_stdin { Some(password()?) } else { None };
            accounts::reset(&state, &name, pw.as_deref()).map(|link| match link {
                Some(t) => format!("{name} 的旧密码已作废{}", link_words(&name, &t, url.as_deref())),
                None => format!("已重设 {name} 的密码"),
            })
        }
    };
    match done {
        Ok(text) => {
            crate::output::emit(&format!("{}\n", text.trim_end()))?;
            Ok(0)
        }
        Err(f) => super::failed(f, |_| String::new()),
    }
}
