//! `qinqing init DIR`: a new, commented repository skeleton.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::calendar::BUILTIN_CN;
use crate::fsx::write_new;
use crate::model::rule::BUILTIN_RULES;
use crate::model::DocKind;
use crate::render::template;

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

/// The office's names, as given or asked for; the skeleton's examples otherwise.
struct Office {
    name: String,
    short: String,
    mark: String,
}

const EXAMPLE_NAME: &str = "某某市优化营商环境工作领导小组办公室";
const EXAMPLE_SHORT: &str = "某某市营商办";

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

/// The settings file with the office's names in place of the examples.
fn settings(office: &Office) -> String {
    let quoted = |t: &str| crate::edit::scalar::scalar(t, false);
    include_str!("../../init/qinqing.yaml")
        .replacen(&format!("name: {EXAMPLE_NAME}"), &format!("name: {}", quoted(&office.name)), 1)
        .replacen(&format!("short: {EXAMPLE_SHORT}"), &format!("short: {}", quoted(&office.short)), 1)
        .replacen(&format!("mark: {EXAMPLE_NAME}"), &format!("mark: {}", quoted(&office.mark)), 1)
}

/// What `init` writes besides the templates, relative to the new repository.
const SKELETON: &[(&str, &str)] = &[
    ("departments.yaml", include_str!("../../init/departments.yaml")),
    ("rules/deadlines.yaml", BUILTIN_RULES),
    ("rules/calendars/cn.yaml", BUILTIN_CN),
    ("rules/calendars/local.yaml", include_str!("../../init/calendar-local.yaml")),
    ("cases/README.md", include_str!("../../init/cases-README.md")),
    (".gitignore", include_str!("../../init/gitignore")),
    ("templates/README.md", include_str!("../../init/templates-README.md")),
];

/// Every file `init` writes: the settings, the skeleton and each kind's built-in template.
fn files(settings: String) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = vec![("qinqing.yaml".to_string(), settings)];
    all.extend(SKELETON.iter().map(|(p, t)| (p.to_string(), t.to_string())));
    let templates =
        DocKind::ALL_KINDS.map(|k| (format!("templates/{}", k.spec().template), template::builtin(k).to_string()));
    // The templates' README comes after the templates, as before.
    let readme = all.pop();
    all.extend(templates);
    all.extend(readme);
    all
}

pub(crate) fn run(args: Args) -> Result<u8> {
    // Refuse before asking anything: the paths do not depend on the answers.
    let paths: Vec<String> = files(String::new()).into_iter().map(|(p, _)| p).collect();
    let existing: Vec<&str> = paths.iter().map(String::as_str).filter(|p| args.dir.join(p).exists()).collect();
    if !existing.is_empty() {
        bail!("{} 中已有以下文件，为免覆盖，未写入任何文件：{}", args.dir.display(), existing.join("、"));
    }
    let office = office(&args)?;
    let files = files(settings(&office));
    for (path, text) in &files {
        write_new(&args.dir.join(path), text.as_bytes())?;
    }
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
