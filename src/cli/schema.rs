//! `qinqing schema`.

use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::output::emit;
use crate::output::schema::{schema, KINDS};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 文件种类：case、meeting、submission、departments、rules、calendar、settings
    kind: Option<String>,
    /// 输出全部种类（与 --out 同用，每种一个 <种类>.json）
    #[arg(long, requires = "out")]
    all: bool,
    /// 写入的目录（生成的文件会被更新）
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) fn run(args: Args) -> Result<u8> {
    let kinds: Vec<&str> = match (&args.kind, args.all) {
        (Some(k), false) => vec![k.as_str()],
        (None, true) => KINDS.iter().map(|(k, _)| *k).collect(),
        _ => {
            let list: Vec<String> = KINDS.iter().map(|(k, what)| format!("  {k:<12} {what}")).collect();
            bail!("请指定一种文件，或用 --all --out DIR：\n{}", list.join("\n"));
        }
    };
    for kind in kinds {
        let Some(value) = schema(kind) else {
            bail!("未知种类「{kind}」；可选：{}", KINDS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join("、"));
        };
        let text = serde_json::to_string_pretty(&value)? + "\n";
        match &args.out {
            Some(dir) => crate::command::write_into(dir, &format!("{kind}.json"), text.as_bytes())?,
            None => emit(&text)?,
        }
    }
    Ok(0)
}
