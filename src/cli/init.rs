//! `qinqing init DIR`: a new, commented repository skeleton.

use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::calendar::BUILTIN_CN;
use crate::fsx::write_new;
use crate::rules::BUILTIN_RULES;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 新案件库的目录（可以已存在，但其中不能已有同名文件）
    dir: PathBuf,
}

/// What `init` writes, relative to the new repository.
pub const SKELETON: &[(&str, &str)] = &[
    ("qinqing.yaml", include_str!("../../init/qinqing.yaml")),
    ("departments.yaml", include_str!("../../init/departments.yaml")),
    ("rules/deadlines.yaml", BUILTIN_RULES),
    ("rules/calendars/cn.yaml", BUILTIN_CN),
    ("rules/calendars/local.yaml", include_str!("../../init/calendar-local.yaml")),
    ("cases/README.md", include_str!("../../init/cases-README.md")),
    (".gitignore", include_str!("../../init/gitignore")),
    ("templates/assignment.md.tera", include_str!("../render/templates/assignment.md.tera")),
    ("templates/supervision.md.tera", include_str!("../render/templates/supervision.md.tera")),
    ("templates/bulletin.md.tera", include_str!("../render/templates/bulletin.md.tera")),
    ("templates/README.md", include_str!("../../init/templates-README.md")),
];

pub fn run(args: Args) -> Result<u8> {
    let existing: Vec<&str> = SKELETON.iter().map(|(p, _)| *p).filter(|p| args.dir.join(p).exists()).collect();
    if !existing.is_empty() {
        bail!("{} 中已有以下文件，为免覆盖，未写入任何文件：{}", args.dir.display(), existing.join("、"));
    }
    for (path, text) in SKELETON {
        write_new(&args.dir.join(path), text.as_bytes())?;
    }
    eprintln!("已在 {} 建立案件库。下一步：", args.dir.display());
    eprintln!("  1. 修改 qinqing.yaml 中的发文机关与字号，departments.yaml 中的部门；");
    eprintln!("  2. 在 cases/ 下按 cases/README.md 的样子登记案件；");
    eprintln!("  3. 运行 qinqing check --repo {} 检查。", args.dir.display());
    Ok(0)
}
