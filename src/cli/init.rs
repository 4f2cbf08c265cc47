//! `qinqing init DIR`: a new, commented repository skeleton.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::command::init::{self, Office, EXAMPLE_NAME, EXAMPLE_SHORT};

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
    init::init(&args.dir, &office)?;
    eprintln!("已在 {} 建立案件库。下一步：", args.dir.display());
    if office.name == EXAMPLE_NAME {
        eprintln!("  1. 修改 qinqing.yaml 中的发文机关（全称、简称、红头用的名称）与字号，departments.yaml 中的部门；");
    } else {
        eprintln!("  1. 修改 qinqing.yaml 中的发文字号，departments.yaml 中的部门；");
    }
    eprintln!("  2. 在 cases/ 下按 cases/README.md 的样子登记案件；");
    eprintln!("  3. 运行 qinqing check --repo {} 检查。", args.dir.display());
    Ok(0)
}
