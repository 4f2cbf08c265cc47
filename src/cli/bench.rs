//! `qinqing bench-gen N DIR` and `bench-render N`: benchmark helpers (hidden).

use std::path::PathBuf;

use anyhow::Result;

use crate::command::{bench, ToStderr};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 案件数
    cases: usize,
    /// 目录（须不存在或为空）
    dir: PathBuf,
    /// 随机种子
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RenderArgs {
    /// 文书份数
    count: usize,
}

pub(crate) fn run(args: Args) -> Result<u8> {
    bench::generate(args.cases, &args.dir, args.seed)?;
    eprintln!("已在 {} 生成 {} 件合成案件", args.dir.display(), args.cases);
    Ok(0)
}

pub(crate) fn run_render(args: RenderArgs) -> Result<u8> {
    println!("{}", bench::render_pdfs(args.count, &mut ToStderr)?);
    Ok(0)
}
