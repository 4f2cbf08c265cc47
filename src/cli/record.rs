//! The commands that record a timeline entry (`note`, `assign`, `ack`,
//! `return`, `transfer`, `extend`, `reply`, `answer`, `pre-visit`,
//! `evaluate`, `joint`, `close`), generated from the event declarations
//! (`model/event.rs`): a kind's `recording` names its subcommand, help and
//! examples, its fields are the flags (with their help, type and whether they
//! must be given). A new recordable kind needs nothing here.

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;
use clap::{Arg, ArgAction, ArgMatches, Command};

use super::{ask, non_empty, parse_date};
use crate::command::record::{self, Cases, Record, Recorded};
use crate::command::{Failure, Open, Refusal, Session};
use crate::edit::FieldValue;
use crate::model::event::{Recording, Targets};
use crate::model::field::{parse_named, Field, Need, Ty};
use crate::model::{EventType, Named};

/// One recording subcommand, as parsed: the kind and its flags.
#[derive(Debug, Clone)]
pub(crate) struct RecordCommand {
    kind: EventType,
    matches: ArgMatches,
}

/// The kinds people record, with their commands.
fn recordable() -> impl Iterator<Item = (EventType, &'static Recording)> {
    EventType::ALL.iter().filter_map(|(kind, _, _)| Some((*kind, kind.spec().recording.as_ref()?)))
}

/// The flag of a field: `approved_by` is `--approved-by`.
fn flag(field: &Field) -> String {
    field.name.replace('_', "-")
}

/// The fields a command takes (every declared field but the date and kind).
fn inputs(kind: EventType) -> impl Iterator<Item = &'static Field> {
    kind.spec().fields.iter().filter(|f| !matches!(f.name, "date" | "event"))
}

/// The subcommand of a kind, built from its declaration.
fn command(kind: EventType, recording: &Recording) -> Command {
    let examples: Vec<String> = recording.examples.iter().map(|e| format!("  {e}")).collect();
    let mut cmd =
        Command::new(recording.command).about(recording.about).after_help(format!("示例：\n{}", examples.join("\n")));
    cmd = match recording.targets {
        Targets::One => cmd.arg(Arg::new("ids").value_name("ID").required(true).help("案件编号")),
        Targets::Several => {
            cmd.arg(Arg::new("ids").value_name("IDS").required(true).num_args(1..).help("案件编号（可以多个）"))
        }
        Targets::SeveralOrMeeting => cmd
            .arg(Arg::new("ids").value_name("IDS").num_args(0..).help("案件编号（可以多个）"))
            .arg(Arg::new("meeting").long("meeting").value_name("ID").conflicts_with("ids").help(format!(
                "{}这期恳谈会全部尚未交办的案件{}",
                kind.zh(),
                if kind.spec().lead_key.is_some() {
                    "（不写主办部门时，各件交给会前清单的拟牵头单位）"
                } else {
                    ""
                }
            ))),
    };
    for field in inputs(kind) {
        let mut arg = Arg::new(field.name).long(flag(field)).value_name(field.name.to_uppercase()).help(help(field));
        arg = match field.ty {
            Ty::Date => arg.value_name("DATE").value_parser(parse_date),
            Ty::Named(values) => arg.value_parser(move |s: &str| {
                parse_named(values, s).ok_or_else(|| {
                    let all: Vec<String> = values().iter().map(|(en, zh)| format!("{en}（{zh}）")).collect();
                    format!("可选：{}", all.join("、"))
                })
            }),
            _ if field.ty.is_list() => arg.value_delimiter(',').action(ArgAction::Append),
            _ => arg.value_parser(non_empty),
        };
        // Free text may start with a dash (「-2%的增长」, 「—」 typed as "-"): a value, not a flag.
        if matches!(field.ty, Ty::Text) {
            arg = arg.allow_hyphen_values(true);
        }
        if field.when_recorded == Need::Required {
            arg = if field.long {
                arg.required_unless_present(format!("{}_file", field.name))
            } else {
                arg.required(true)
            };
        }
        cmd = cmd.arg(arg);
        if field.long {
            let file = format!("{}-file", flag(field));
            cmd = cmd.arg(
                Arg::new(format!("{}_file", field.name))
                    .long(file)
                    .value_name("FILE")
                    .value_parser(clap::value_parser!(PathBuf))
                    .conflicts_with(field.name)
                    .help(format!("从文件读{}（UTF-8 文本）", field.doc)),
            );
        }
    }
    cmd.arg(
        Arg::new("date")
            .long("date")
            .value_name("DATE")
            .value_parser(parse_date)
            .help("事件日期（默认：案件库时区的今天），如 2026-06-04"),
    )
    .arg(Arg::new("dry_run").long("dry-run").action(ArgAction::SetTrue).help("只显示将要添加的内容（diff），不写入"))
    .arg(
        Arg::new("commit")
            .long("commit")
            .action(ArgAction::SetTrue)
            .help("写入后用 git 提交（作者为本机 git 配置的用户）"),
    )
}

/// A field's help line: its description, and what a command line needs to know.
fn help(field: &Field) -> String {
    let mut help = field.doc.to_string();
    match field.ty {
        Ty::Department => help.push_str("（全称、简称或别名）"),
        Ty::Named(values) => {
            let all: Vec<String> = values().iter().map(|(en, zh)| format!("{en} {zh}")).collect();
            help.push_str(&format!("：{}", all.join("、")));
        }
        _ => {}
    }
    if field.ty.is_list() {
        help.push_str("，逗号分隔");
    }
    if field.when_recorded == Need::Lead {
        help.push_str("（不写则为案件当前的主办部门）");
    }
    if field.when_recorded == Need::Asked {
        help.push_str("（在终端中不写则提问，可补全）");
    }
    help
}

impl clap::FromArgMatches for RecordCommand {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let Some((name, sub)) = matches.subcommand() else {
            return Err(clap::Error::new(clap::error::ErrorKind::MissingSubcommand));
        };
        recordable()
            .find(|(_, r)| r.command == name)
            .map(|(kind, _)| RecordCommand { kind, matches: sub.clone() })
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidSubcommand))
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

impl clap::Subcommand for RecordCommand {
    fn augment_subcommands(cmd: Command) -> Command {
        recordable().fold(cmd, |cmd, (kind, recording)| cmd.subcommand(command(kind, recording)))
    }

    fn augment_subcommands_for_update(cmd: Command) -> Command {
        Self::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        recordable().any(|(_, r)| r.command == name)
    }
}

/// Records the entry: the flags become the request, the outcome is printed.
pub(crate) fn run(repo: Option<&std::path::Path>, c: RecordCommand) -> Result<u8> {
    let mut session = super::session(repo, Open::slim())?;
    let request = request(&session, &c)?;
    match record::record(&mut session, request) {
        Ok(recorded) => printed(&recorded),
        // A value read from a file is named by the file's flag.
        Err(Failure::Refused(Refusal::Request { field: Some(f), message }))
            if c.matches.try_get_one::<PathBuf>(&format!("{f}_file")).ok().flatten().is_some() =>
        {
            Err(anyhow::anyhow!("{message}（--{}-file）", f.replace('_', "-")))
        }
        Err(f) => super::failed(f, |n| format!("这样记录会带来 {n} 处错误（见上），未写入任何文件。")),
    }
}

/// The request the flags make: every flag given becomes a value of its field.
fn request(session: &Session, c: &RecordCommand) -> Result<Record> {
    let RecordCommand { kind, matches } = c;
    let kind = *kind;
    let mut values = Vec::new();
    for field in inputs(kind) {
        let value = match field.ty {
            Ty::Date => matches.get_one::<NaiveDate>(field.name).map(|d| FieldValue::Date(*d)),
            Ty::Named(_) => {
                matches.get_one::<(&'static str, &'static str)>(field.name).map(|(en, zh)| FieldValue::Named(en, zh))
            }
            _ if field.ty.is_list() => {
                matches.get_many::<String>(field.name).map(|v| FieldValue::List(v.cloned().collect()))
            }
            _ => {
                let file = if field.long { matches.get_one::<PathBuf>(&format!("{}_file", field.name)) } else { None };
                match file {
                    Some(path) => Some(FieldValue::Text(super::read_text_file(path)?.trim().to_string())),
                    None => matches.get_one::<String>(field.name).cloned().map(FieldValue::Text),
                }
            }
        };
        // A meeting's cases may each go to the lead their list proposed: nothing to ask then.
        let whole_meeting = matches.try_get_one::<String>("meeting").ok().flatten().is_some();
        let value = match (value, field.when_recorded) {
            (None, Need::Asked) if !whole_meeting => Some(FieldValue::Text(asked(session, field)?)),
            (value, _) => value,
        };
        values.extend(value.map(|v| (field.name, v)));
    }
    let ids: Vec<String> = matches.get_many::<String>("ids").map(|v| v.cloned().collect()).unwrap_or_default();
    let cases = match matches.try_get_one::<String>("meeting").ok().flatten() {
        Some(m) => Cases::UnassignedOf(m.clone()),
        None if ids.is_empty() => {
            anyhow::bail!("请写要{}的案件编号，或用 --meeting {}一期恳谈会全部尚未交办的案件", kind.zh(), kind.zh())
        }
        None => Cases::Ids(ids),
    };
    Ok(Record {
        kind,
        cases,
        date: matches.get_one::<NaiveDate>("date").copied(),
        values,
        dry_run: matches.get_flag("dry_run"),
        commit: matches.get_flag("commit"),
        signed: None,
    })
}

/// A value a command must have and was not given: asked for at a terminal,
/// with the repository's departments to complete from; else an error naming the flag.
fn asked(session: &Session, field: &Field) -> Result<String> {
    let names: Vec<String> = if field.ty.names_departments() {
        session.ledger().departments.iter().flatten().flat_map(|d| d.names().map(str::to_string)).collect()
    } else {
        Vec::new()
    };
    ask::required(None, &format!("--{}", flag(field)), field.doc, &names)
}

/// What was recorded, or the diff of a dry run.
fn printed(recorded: &Recorded) -> Result<u8> {
    let written = &recorded.written;
    if !written.applied {
        for e in &written.edits {
            crate::output::emit(&e.diff())?;
        }
        eprintln!("（--dry-run：未写入）");
        return Ok(0);
    }
    for (id, e) in recorded.ids.iter().zip(&written.edits) {
        eprintln!("已记录 {id} {}（{}）", recorded.kind.zh(), e.rel);
    }
    if let Some(c) = &written.commit {
        eprintln!("已提交：{}", c.subject);
    }
    Ok(0)
}

/// `qinqing undo ID`.
#[derive(Debug, clap::Args)]
pub(crate) struct UndoArgs {
    /// 案件编号
    id: String,
    /// 只显示将要删去的内容（diff），不写入
    #[arg(long)]
    dry_run: bool,
    /// 写入后用 git 提交
    #[arg(long)]
    commit: bool,
}

/// Takes out the case's last entry, showing what goes.
pub(crate) fn undo(repo: Option<&std::path::Path>, a: UndoArgs) -> Result<u8> {
    let mut session = super::session(repo, Open::slim())?;
    match record::undo(&mut session, &a.id, a.dry_run, a.commit) {
        Ok(u) => {
            for e in &u.written.edits {
                crate::output::emit(&e.diff())?;
            }
            if u.committed {
                eprintln!("注意：这条记录已提交到 git；撤销它是改写已提交的记录，qinqing log 会标出。记错的记录也可以不撤销，另记一条备注说明。");
            }
            if u.written.applied {
                eprintln!("已撤销 {} 的最后一条记录：{} {}", u.id, u.date, u.kind.zh());
            } else {
                eprintln!("（--dry-run：未写入）");
            }
            if let Some(c) = &u.written.commit {
                eprintln!("已提交：{}", c.subject);
            }
            Ok(0)
        }
        Err(f) => super::failed(f, |n| format!("撤销会带来 {n} 处错误（见上），未写入。")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every recordable kind has its command, and each command's flags are
    /// exactly its declared fields (and the flags every command shares).
    #[test]
    fn the_commands_are_the_declarations() {
        let commands: Vec<&str> = recordable().map(|(_, r)| r.command).collect();
        assert_eq!(
            commands,
            [
                "answer",
                "assign",
                "ack",
                "return",
                "extend",
                "request-extension",
                "reply",
                "evaluate",
                "close",
                "note",
                "pre-visit",
                "joint",
                "transfer"
            ]
        );
        for (kind, recording) in recordable() {
            let cmd = command(kind, recording);
            let mut flags: Vec<String> = cmd.get_arguments().filter_map(|a| a.get_long().map(str::to_string)).collect();
            flags.sort();
            let mut expected: Vec<String> = inputs(kind).map(flag).collect();
            expected.extend(inputs(kind).filter(|f| f.long).map(|f| format!("{}-file", flag(f))));
            expected.extend(["date", "dry-run", "commit"].map(String::from));
            if recording.targets == Targets::SeveralOrMeeting {
                expected.push("meeting".into());
            }
            expected.sort();
            assert_eq!(flags, expected, "{}", recording.command);
            cmd.debug_assert();
        }
    }

    /// Every flag of every recording command reaches the file: each command
    /// is run (as a dry run) with every flag given, and each value is in the entry.
    #[test]
    fn every_flag_reaches_the_file() {
        use clap::{FromArgMatches, Subcommand};
        let dir = crate::command::demo_copy();
        let mut session = Session::open(dir.path(), Open::slim()).expect("opens");
        for (kind, recording) in recordable() {
            // Assigned, answered and rated, not yet closed: every kind may follow.
            let mut argv: Vec<String> = vec!["qinqing".into(), recording.command.into(), "HZ-2026-0104".into()];
            let mut expected: Vec<String> = Vec::new();
            for field in inputs(kind) {
                let (given, written) = match field.ty {
                    Ty::Date => ("2026-12-31".to_string(), "2026-12-31".to_string()),
                    Ty::Department => ("交通局".to_string(), "市交通运输局".to_string()),
                    Ty::Departments => ("交通局,教育局".to_string(), "[市交通运输局, 市教育局]".to_string()),
                    Ty::Rule => ("reply".to_string(), "reply".to_string()),
                    Ty::Named(values) => {
                        // An unfinished result (达成方案), as `promise` is given too.
                        let (en, zh) = values()[usize::from(field.name == "result")];
                        (zh.to_string(), en.to_string())
                    }
                    Ty::TextOrList => ("甲,乙".to_string(), "[甲, 乙]".to_string()),
                    _ => (format!("写给{}的话", field.name), format!("写给{}的话", field.name)),
                };
                argv.push(format!("--{}", flag(field)));
                argv.push(given);
                expected.push(format!("{}: {written}", field.name));
            }
            argv.extend(["--date", "2026-12-01", "--dry-run"].map(String::from));
            let cli = clap::Command::new("qinqing");
            let matches = RecordCommand::augment_subcommands(cli).try_get_matches_from(&argv).expect("parses");
            let command = RecordCommand::from_arg_matches(&matches).expect("a recording command");
            let request = request(&session, &command).expect("a request");
            assert!(request.dry_run);
            let recorded =
                record::record(&mut session, request).unwrap_or_else(|f| panic!("{}: {f:?}", recording.command));
            let entry = &recorded.written.edits[0].after;
            for line in &expected {
                assert!(entry.contains(line), "{}: no «{line}» in\n{entry}", recording.command);
            }
            assert!(!recorded.written.applied, "a dry run writes nothing");
        }
    }
}
