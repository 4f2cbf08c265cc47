//! A new repository (`init`): the settings with the office's names, the
//! departments, the built-in rules and calendars, each kind's template, and
//! commented examples. Nothing is written where a file of that name exists.

use std::path::Path;

use anyhow::{bail, Result};

use crate::calendar::BUILTIN_CN;
use crate::fsx::Scope;
use crate::model::rule::BUILTIN_RULES;
use crate::model::DocKind;
use crate::render::template;

/// The office's names, as given or asked for; the skeleton's examples otherwise.
pub(crate) struct Office {
    pub(crate) name: String,
    pub(crate) short: String,
    pub(crate) mark: String,
}

/// The skeleton's example names, written when none is given.
pub(crate) const EXAMPLE_NAME: &str = "某某市优化营商环境工作领导小组办公室";
pub(crate) const EXAMPLE_SHORT: &str = "某某市营商办";

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

/// Refuses a folder that already holds a file `init` would write (before
/// anything is asked: the paths do not depend on the answers).
pub(crate) fn refuse_existing(dir: &Path) -> Result<()> {
    let paths: Vec<String> = files(String::new()).into_iter().map(|(p, _)| p).collect();
    let existing: Vec<&str> = paths.iter().map(String::as_str).filter(|p| dir.join(p).exists()).collect();
    if !existing.is_empty() {
        bail!("{} 中已有以下文件，为免覆盖，未写入任何文件：{}", dir.display(), existing.join("、"));
    }
    Ok(())
}

/// Writes the new repository's files into `dir`, then starts git there and
/// commits them (`--commit` and the CI templates need it); what git did.
pub(crate) fn init(dir: &Path, office: &Office) -> Result<crate::git::Started> {
    refuse_existing(dir)?;
    let scope = Scope::new(dir);
    for (path, text) in &files(settings(office)) {
        scope.write_new(&dir.join(path), text.as_bytes())?;
    }
    Ok(crate::git::start(dir, "qinqing init：新建案件库"))
}
