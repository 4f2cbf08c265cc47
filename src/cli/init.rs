//! `qinqing init DIR`: a new, commented repository skeleton.

use std::path::PathBuf;

use anyhow::{bail, Result};

use crate::calendar::BUILTIN_CN;
use crate::fsx::write_new;
use crate::model::rule::BUILTIN_RULES;
use crate::model::DocKind;
use crate::render::template;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 新案件库的目录（可以已存在，但其中不能已有同名文件）
    dir: PathBuf,
}

/// What `init` writes besides the templates, relative to the new repository.
const SKELETON: &[(&str, &str)] = &[
    ("qinqing.yaml", include_str!("../../init/qinqing.yaml")),
    ("departments.yaml", include_str!("../../init/departments.yaml")),
    ("rules/deadlines.yaml", BUILTIN_RULES),
    ("rules/calendars/cn.yaml", BUILTIN_CN),
    ("rules/calendars/local.yaml", include_str!("../../init/calendar-local.yaml")),
    ("cases/README.md", include_str!("../../init/cases-README.md")),
    (".gitignore", include_str!("../../init/gitignore")),
    ("templates/README.md", include_str!("../../init/templates-README.md")),
];

/// Every file `init` writes: the skeleton and each kind's built-in template.
fn files() -> Vec<(String, &'static str)> {
    let mut all: Vec<(String, &str)> = SKELETON.iter().map(|(p, t)| (p.to_string(), *t)).collect();
    let templates = DocKind::ALL_KINDS.map(|k| (format!("templates/{}", k.spec().template), template::builtin(k)));
    // The templates' README comes after the templates, as before.
    let readme = all.pop();
    all.extend(templates);
    all.extend(readme);
    all
}

pub(crate) fn run(args: Args) -> Result<u8> {
    let files = files();
    let existing: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).filter(|p| args.dir.join(p).exists()).collect();
    if !existing.is_empty() {
        bail!("{} 中已有以下文件，为免覆盖，未写入任何文件：{}", args.dir.display(), existing.join("、"));
    }
    for (path, text) in &files {
        write_new(&args.dir.join(path), text.as_bytes())?;
    }
    eprintln!("已在 {} 建立案件库。下一步：", args.dir.display());
    eprintln!("  1. 修改 qinqing.yaml 中的发文机关与字号，departments.yaml 中的部门；");
    eprintln!("  2. 在 cases/ 下按 cases/README.md 的样子登记案件；");
    eprintln!("  3. 运行 qinqing check --repo {} 检查。", args.dir.display());
    Ok(0)
}
