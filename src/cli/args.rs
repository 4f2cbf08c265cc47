//! The command line's own mistakes, said in Chinese: clap's messages are
//! English, and a clerk reads 「缺少必须写的参数」, not "the following required
//! arguments were not provided". Help and version go out as clap writes them.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// Parses the command line; a mistake is printed in Chinese with the usage
/// line, and the process ends with exit code 2 (help and version with 0).
pub fn parse() -> super::Cli {
    use clap::Parser;
    match super::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            if e.kind() == ErrorKind::DisplayVersion {
                e.exit();
            }
            if e.kind() == ErrorKind::DisplayHelp {
                print!("{}", help_in_chinese(&e.to_string()));
                std::process::exit(0);
            }
            eprintln!("{}", chinese(&e));
            std::process::exit(2);
        }
    }
}

/// clap's help with its own English headings and words in Chinese (ours are written in Chinese).
fn help_in_chinese(help: &str) -> String {
    const WORDS: [(&str, &str); 15] = [
        ("Possible values:", "可选值："),
        ("[default: ", "[默认："),
        ("[possible values: ", "[可选："),
        ("Print help (see a summary with '-h')", "显示帮助（-h 看摘要）"),
        ("(see a summary with '-h')", "（-h 看摘要）"),
        ("Usage: ", "用法："),
        ("\nArguments:\n", "\n参数：\n"),
        ("\nOptions:\n", "\n选项：\n"),
        ("\nCommands:\n", "\n命令：\n"),
        ("Print this message or the help of the given subcommand(s)", "显示本帮助，或某个命令的帮助"),
        ("Print help (see more with '--help')", "显示帮助（--help 更详细）"),
        ("Print help", "显示帮助"),
        ("Print version", "显示版本"),
        ("[OPTIONS]", "[选项]"),
        ("<COMMAND>", "<命令>"),
    ];
    WORDS.iter().fold(help.to_string(), |h, (en, zh)| h.replace(en, zh))
}

/// The error in Chinese: what is wrong, the usage line, where to look.
fn chinese(e: &clap::Error) -> String {
    let get = |k: ContextKind| e.get(k).map(words).unwrap_or_default();
    let arg = get(ContextKind::InvalidArg);
    let value = get(ContextKind::InvalidValue);
    let what = match e.kind() {
        ErrorKind::MissingRequiredArgument => format!("缺少必须写的参数：{arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少要做的事（子命令），如 check、list、new、assign".to_string()
        }
        ErrorKind::InvalidValue => {
            let valid = get(ContextKind::ValidValue);
            let valid = if valid.is_empty() { String::new() } else { format!("；可选：{valid}") };
            if value.is_empty() {
                format!("参数 {arg} 需要写一个值{valid}")
            } else {
                format!("参数 {arg} 的值「{value}」无效{valid}")
            }
        }
        ErrorKind::ValueValidation => {
            // Our own parsers say why in Chinese; that is the error's source.
            let why = std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_default();
            format!("参数 {arg} 的值「{value}」无效：{why}")
        }
        ErrorKind::UnknownArgument => {
            let near = get(ContextKind::SuggestedArg);
            let near = if near.is_empty() { String::new() } else { format!("；是否为 {near}？") };
            format!("不认识的参数「{arg}」{near}")
        }
        ErrorKind::InvalidSubcommand => {
            let sub = get(ContextKind::InvalidSubcommand);
            let near = get(ContextKind::SuggestedSubcommand);
            let near = if near.is_empty() { String::new() } else { format!("；是否为 {near}？") };
            format!("不认识的命令「{sub}」{near}")
        }
        ErrorKind::ArgumentConflict => {
            let prior = get(ContextKind::PriorArg);
            if prior.is_empty() || prior == arg {
                format!("参数 {arg} 只能写一次")
            } else {
                format!("参数 {arg} 与 {prior} 不能同时写")
            }
        }
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("参数 {arg} 的值的个数不对")
        }
        ErrorKind::NoEquals => format!("参数 {arg} 要写成 {arg}=值"),
        ErrorKind::InvalidUtf8 => "参数不是 UTF-8 文字".to_string(),
        _ => "命令写法有误".to_string(),
    };
    let rendered = e.render().to_string();
    let usage = rendered
        .lines()
        .find_map(|l| l.strip_prefix("Usage: "))
        .map(|u| format!("\n\n用法：{}", u.replace("[OPTIONS]", "[选项]").replace("<COMMAND>", "<命令>")))
        .unwrap_or_default();
    format!("错误：{what}{usage}\n\n更多信息请加 --help")
}

/// A context value as words.
fn words(v: &ContextValue) -> String {
    match v {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(list) => list.join("、"),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::StyledStrs(list) => list.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("、"),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}
