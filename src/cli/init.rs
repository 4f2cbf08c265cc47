//! `qinqing init DIR`: a new, commented repository skeleton.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::command::init::{self, Office, EXAMPLE_NAME, EXAMPLE_SHORT};
use crate::git::Started;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 新案件库的目录（可以已存在，但其中不能已有同名文件）
    dir: PathBuf,
    /// 发文机关全称（在终端上未给出时会询问；不给则写示例名称，之后在 qinqing.yaml 中修改）
    #[arg(long, value_name = "全称")]
    name: Option<String>,
    /// 发文机关简称，用于表格和提示（默认同全称）
    #[arg(long, value_name = "简称")]
    short: Option<String>,
    /// 发文机关标志（红头）用的名称：全称或规范化简称（默认全称）
    #[arg(long, value_name = "名称")]
    mark: Option<String>,
}

/// The names: from the options, else asked at a terminal, else the examples.
/// The mark is the office's explicit choice, never derived from the short name.
fn office(args: &Args) -> Result<Office> {
    let interactive = super::ask::interactive();
    let name = match &args.name {
        Some(n) => n.trim().to_string(),
        None if interactive => super::ask::required(None, "--name", "发文机关全称", &[])?,
        None => EXAMPLE_NAME.to_string(),
    };
    let example = name == EXAMPLE_NAME;
    let short = match &args.short {
        Some(s) => s.trim().to_string(),
        None if interactive && !example => {
            super::ask::optional(None, "简称（用于表格和提示，回车则同全称）", &[])?.unwrap_or_else(|| name.clone())
        }
        None if example => EXAMPLE_SHORT.to_string(),
        None => name.clone(),
    };
    let mark = match &args.mark {
        Some(m) => m.trim().to_string(),
        None if interactive && !example && short != name => {
            let full = format!("全称：{name}");
            let choice = inquire::Select::new(
                "红头（发文机关标志）用全称还是规范化简称？",
                vec![full.clone(), format!("简称：{short}")],
            )
            .prompt()
            .context("已取消")?;
            if choice == full {
                name.clone()
            } else {
                short.clone()
            }
        }
        None => name.clone(),
    };
    for (option, value) in [("--name", &name), ("--short", &short), ("--mark", &mark)] {
        if value.is_empty() {
            bail!("{option} 不能为空");
        }
        // A name is one line of print: the red mark, the signature, every table.
        if value.chars().any(char::is_control) {
            bail!("{option} 不能含换行或控制字符");
        }
    }
    Ok(Office { name, short, mark })
}

pub(crate) fn run(args: Args) -> Result<u8> {
    init::refuse_existing(&args.dir)?;
    let office = office(&args)?;
    let started = init::init(&args.dir, &office)?;
    let dir = args.dir.display();
    eprintln!("已在 {dir} 建立案件库。");
    match started {
        Started::Committed => eprintln!("已建立 git 仓库并提交（之后可用 --commit 让每次记录各成一次提交）。"),
        Started::NotCommitted(why) => eprintln!(
            "已建立 git 仓库，但未能提交：{why}\n  请先设置 git config user.name 和 user.email，再运行 git -C {dir} add -A && git -C {dir} commit -m 新建案件库"
        ),
        Started::AlreadyInside => eprintln!("{dir} 已在一个 git 仓库中，新文件未提交，请自行 git add。"),
        Started::NoGit => eprintln!("本机没有 git：案件库照常可用；要记录修改历史、用 --commit，请安装 git 后运行 git init。"),
    }
    eprintln!("下一步：");
    if office.name == EXAMPLE_NAME {
        eprintln!("  1. 修改 qinqing.yaml 中的发文机关（全称、简称、红头用的名称）与字号，departments.yaml 中的部门；");
    } else {
        eprintln!("  1. 修改 qinqing.yaml 中的发文字号，departments.yaml 中的部门；");
    }
    eprintln!("  2. 新建一期恳谈会和它的问题：qinqing --repo {dir} meeting new --title … --date …，");
    eprintln!("     qinqing --repo {dir} new --meeting 会议编号 --title …（或 qinqing import 问题清单.xlsx --meeting 会议编号）；");
    eprintln!("  3. 记录办理过程：qinqing assign、reply、evaluate、close……（见 qinqing --help）；");
    eprintln!("  4. 检查：qinqing check --repo {dir}。");
    Ok(0)
}
