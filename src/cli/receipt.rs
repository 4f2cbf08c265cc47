//! `qinqing receipt code ID…` and `qinqing receipt rotate`: the enterprises' receipt codes
//! (`command::receipts`), kept in the state folder.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::command::{accounts, receipts, Open};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 状态文件夹（默认：案件库中的 .qinqing-private/）
    #[arg(long, value_name = "DIR", global = true)]
    state: Option<PathBuf>,
    #[command(subcommand)]
    command: ReceiptCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ReceiptCommand {
    /// 列出案件的回执码（企业凭它查看办理进度、评价答复）
    Code {
        /// 案件编号（可以多个）
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// 更换回执码的密钥：已发出的回执码全部失效，回执须重新生成
    Rotate,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::slim())?;
    let state = accounts::state_dir(session.root_dir(), args.state.as_deref());
    let done = match args.command {
        ReceiptCommand::Code { ids } => {
            // With serve.url, the page's whole address too (what the enterprise opens).
            let url = session.ledger().settings.serve_url.clone();
            receipts::codes(&session, &state, &ids).map(|codes| {
                codes
                    .iter()
                    .map(|(id, code)| match &url {
                        Some(u) => format!("{id}  {code}  {u}/r/{code}\n"),
                        None => format!("{id}  {code}\n"),
                    })
                    .collect::<String>()
            })
        }
        ReceiptCommand::Rotate => receipts::rotate(&state)
            .map(|_| "已更换回执码的密钥：已发出的回执码全部失效，请重新生成回执发给企业。\n".to_string()),
    };
    match done {
        Ok(text) => {
            crate::output::emit(&text)?;
            Ok(0)
        }
        Err(f) => super::failed(f, |_| String::new()),
    }
}
