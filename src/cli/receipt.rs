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
    /// 生成或更换回执码的密钥：更换后已发出的回执码全部失效，回执须重新生成
    Rotate {
        /// 不再询问，直接更换（已有密钥时，在脚本中必须写明）
        #[arg(long)]
        yes: bool,
    },
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::slim())?;
    let state = accounts::state_dir(session.root_dir(), args.state.as_deref());
    let done = match args.command {
        ReceiptCommand::Code { ids } => {
            // With serve.url, the page's whole address too (what the enterprise opens).
            let url = session.ledger().settings.serve_url.clone();
            if url.is_none() {
                eprintln!("（qinqing.yaml 没有有效的 serve.url：只列回执码，不列网址）");
            }
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
        ReceiptCommand::Rotate { yes } => {
            let had = receipts::has_secret(&state);
            if had && !yes {
                let question =
                    "更换密钥后，已发出的回执码和回执上的二维码全部失效，要重新生成回执发给企业。确定更换吗？";
                let sure = super::ask::interactive()
                    && inquire::Confirm::new(question).with_default(false).prompt().unwrap_or(false);
                if !sure {
                    anyhow::bail!(
                        "未更换：更换会让已发出的回执码全部失效。确定要换，请加 --yes（{}）",
                        state.join("receipt-secret").display()
                    );
                }
            }
            receipts::rotate(&state).map(|_| {
                if had {
                    "已更换回执码的密钥：已发出的回执码全部失效，请重新生成回执发给企业。\n".to_string()
                } else {
                    format!("已生成回执码的密钥（{}）。\n", state.join("receipt-secret").display())
                }
            })
        }
    };
    match done {
        Ok(text) => {
            crate::output::emit(&text)?;
            Ok(0)
        }
        Err(f) => super::failed(f, |_| String::new()),
    }
}
