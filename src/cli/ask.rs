//! Asking for what a command was not given, when a person is at a terminal
//! (inquire): required values are asked for, with completion from the
//! repository's departments and categories; a script never waits on a prompt,
//! it gets an error naming the option instead.

use std::io::IsTerminal;

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use inquire::autocompletion::{Autocomplete, Replacement};
use inquire::validator::Validation;
use inquire::{CustomUserError, Text};

/// Whether prompts may be shown: stdin and stderr are a terminal, and
/// `QINQING_NO_PROMPT` is not set.
pub(crate) fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal() && std::env::var_os("QINQING_NO_PROMPT").is_none()
}

/// A required value: the one given, else asked for, else an error naming the option.
pub(crate) fn required(given: Option<String>, option: &str, label: &str, choices: &[String]) -> Result<String> {
    if let Some(v) = given.filter(|v| !v.trim().is_empty()) {
        return Ok(v);
    }
    if !interactive() {
        bail!("缺少 {option}（{label}）");
    }
    let message = format!("{label}：");
    let mut prompt = Text::new(&message).with_validator(|s: &str| {
        Ok(if s.trim().is_empty() { Validation::Invalid("不能为空".into()) } else { Validation::Valid })
    });
    if !choices.is_empty() {
        prompt = prompt.with_autocomplete(Choices(choices.to_vec())).with_help_message("Tab 补全，↑↓ 选择，回车确认");
    }
    Ok(prompt.prompt().context("已取消")?.trim().to_string())
}

/// An optional value: the one given, else asked for at a terminal (Enter skips).
pub(crate) fn optional(given: Option<String>, label: &str, choices: &[String]) -> Result<Option<String>> {
    if given.is_some() || !interactive() {
        return Ok(given);
    }
    let message = format!("{label}（可回车跳过）：");
    let mut prompt = Text::new(&message);
    if !choices.is_empty() {
        prompt = prompt.with_autocomplete(Choices(choices.to_vec())).with_help_message("Tab 补全，↑↓ 选择，回车确认");
    }
    let answer = prompt.prompt().context("已取消")?;
    Ok(Some(answer.trim().to_string()).filter(|s| !s.is_empty()))
}

/// A date: the one given, else asked for at a terminal with a default.
pub(crate) fn date(given: Option<NaiveDate>, option: &str, label: &str, default: NaiveDate) -> Result<NaiveDate> {
    if let Some(d) = given {
        return Ok(d);
    }
    if !interactive() {
        bail!("缺少 {option}（{label}）");
    }
    let answer = Text::new(&format!("{label}："))
        .with_default(&default.to_string())
        .with_validator(|s: &str| {
            Ok(match super::parse_date(s) {
                Ok(_) => Validation::Valid,
                Err(e) => Validation::Invalid(e.into()),
            })
        })
        .prompt()
        .context("已取消")?;
    super::parse_date(&answer).map_err(anyhow::Error::msg)
}

/// Text written in the user's editor (`$VISUAL`, `$EDITOR`, else `vi`): lines
/// starting with `#` are instructions and are dropped; empty text is `None`.
pub(crate) fn in_editor(session: &crate::command::Session, label: &str) -> Result<Option<String>> {
    let editor = std::env::var("VISUAL")
        .ok()
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let header = format!("\n# 请在上面写{label}。以 # 开头的行不会写入；保存并退出编辑器即完成，留空则不写。\n");
    let draft = session.draft(&header)?;
    // The editor may be a command with arguments ("code --wait"): run it through the shell.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("qinqing-editor")
        .arg(draft.path())
        .status()
        .with_context(|| format!("无法启动编辑器 {editor}"))?;
    if !status.success() {
        bail!("编辑器 {editor} 异常退出，未写入");
    }
    // The same limits as a --text-file: a case file's size, UTF-8.
    let text = super::read_text(draft.path()).map_err(|problem| match problem {
        super::TextProblem::Unreadable(e) => anyhow::anyhow!("无法读取编辑后的文字：{e}"),
        super::TextProblem::TooLarge => {
            anyhow::anyhow!("编辑后的文字过大，案件文件不超过 {} MB，未写入", crate::load::MAX_FILE_BYTES >> 20)
        }
        super::TextProblem::NotUtf8 => anyhow::anyhow!("编辑后的文字须为 UTF-8，未写入"),
        super::TextProblem::NotAFile => anyhow::anyhow!("编辑器留下的不是普通文件，未写入"),
    })?;
    let kept: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with('#')).collect();
    let kept = kept.join("\n").trim().to_string();
    Ok(Some(kept).filter(|t| !t.is_empty()))
}

/// Completion from a list of names: every name containing what was typed.
#[derive(Clone)]
struct Choices(Vec<String>);

impl Choices {
    fn matching(&self, input: &str) -> Vec<String> {
        let input = input.trim();
        let mut out: Vec<String> = self.0.iter().filter(|c| c.contains(input)).cloned().collect();
        // Names that start with the input first.
        out.sort_by_key(|c| !c.starts_with(input));
        out
    }
}

impl Autocomplete for Choices {
    fn get_suggestions(&mut self, input: &str) -> Result<Vec<String>, CustomUserError> {
        Ok(self.matching(input))
    }

    fn get_completion(&mut self, input: &str, highlighted: Option<String>) -> Result<Replacement, CustomUserError> {
        Ok(match highlighted {
            Some(h) => Some(h),
            None => match self.matching(input).as_slice() {
                [only] => Some(only.clone()),
                _ => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_offers_names_containing_the_input_and_completes_a_single_one() {
        let mut c = Choices(vec!["市交通运输局".into(), "交通局".into(), "市教育局".into()]);
        assert_eq!(c.get_suggestions("交通").unwrap(), ["交通局", "市交通运输局"]);
        assert_eq!(c.get_completion("教育", None).unwrap(), Some("市教育局".to_string()));
        assert_eq!(c.get_completion("市", None).unwrap(), None);
        assert_eq!(c.get_completion("市", Some("市教育局".into())).unwrap(), Some("市教育局".to_string()));
    }
}
