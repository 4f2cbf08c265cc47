//! The command line: clap definitions; each command wires stages together.

mod args;
mod ask;
mod audit;
mod bench;
mod build;
mod check;
mod correct;
mod create;
mod diff;
mod export;
mod import;
mod init;
mod list;
mod log;
mod notify;
mod receipt;
mod record;
mod render;
mod report;
mod schema;
mod serve;
mod show;
mod submission;
mod user;

pub use args::parse;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};

use crate::command::{Failure, Open, Refusal, Session};
use crate::load;
use crate::model::{DocKind, Named};
use crate::output::{self, Paint};
use crate::render::Format as DocFormat;

/// 亲清 qinqing：政企恳谈会问题的台账、时限检查与公文生成。
#[derive(Debug, Parser)]
#[command(name = "qinqing", version, about, long_about = None, after_help = "示例：\n  qinqing check --as-of 2026-11-20\n  qinqing list --overdue\n  qinqing show HZ-2026-0107\n  qinqing init 新案件库")]
pub struct Cli {
    /// 案件库目录（默认：从当前目录向上查找 qinqing.yaml）
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) repo: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 新建案件库骨架（内置规则、节假日日历与示例，带中文注释）
    #[command(after_help = "示例：\n  qinqing init 湖州营商办案件库")]
    Init(init::Args),
    /// 校验全部文件并检查时限；CI 入口。退出码：0 无错误，1 有超期等错误，2 输入有误
    #[command(
        after_help = "示例：\n  qinqing check\n  qinqing check --as-of 2026-06-20 --format json\n  qinqing check --format junit > qinqing.xml\n  qinqing check --format github --deny warnings"
    )]
    Check(check::Args),
    /// 列出案件：状态、主办部门、下一期限
    #[command(
        after_help = "示例：\n  qinqing list --overdue\n  qinqing list --status 办理中 --dept 市交通运输局\n  qinqing list --meeting HZ-M-2026-23 --format json"
    )]
    List(list::Args),
    /// 查看一件案件：字段、办理过程与各项时限
    #[command(after_help = "示例：\n  qinqing show HZ-2026-0107 --as-of 2026-06-20")]
    Show(show::Args),
    /// 生成公文：交办函、督办通知、通报（PDF 按 GB/T 9704，另有 Word、HTML、Markdown）
    #[command(
        after_help = "示例：\n  qinqing render assignment --meeting HZ-M-2026-23 --as-of 2026-10-15\n  qinqing render supervision --as-of 2026-11-20 --format pdf,docx\n  qinqing render supervision --as-of 2026-11-20 --issue\n  qinqing render bulletin --period 2026-11 --as-of 2026-11-20"
    )]
    Render(render::Args),
    /// 统计：收集、交办、办结、解决、按时答复、满意等数字及比率，按层级、部门、类别、恳谈会分列
    #[command(
        after_help = "示例：\n  qinqing report --period 2026-06\n  qinqing report --period 2026-Q2 --format json\n  qinqing report --from 2026-06-01 --to 2026-06-15 --as-of 2026-06-20\n  qinqing report --period 2026 --format xlsx"
    )]
    Report(report::Args),
    /// 检查后生成规则要求的督办通知、本期通报和静态网站（output/site/），退出码同 check
    #[command(
        after_help = "示例：\n  qinqing build --as-of 2026-11-20\n  qinqing build --period 2026 --as-of 2026-11-20 --format html\n\n网站在 output/site/index.html，可直接用浏览器打开，或放到任何静态网站服务器上。"
    )]
    Build(build::Args),
    /// 审阅一次改动：对比两个版本（默认对比工作区），列出新增案件、记入的事件、停止与开始的时限、新出现与解除的超期、新增的检查问题
    #[command(
        after_help = "示例：\n  qinqing diff origin/main                     # 工作区相对 main 的改动\n  qinqing diff HEAD~1 HEAD --format json\n  qinqing diff $CI_MERGE_REQUEST_DIFF_BASE_SHA --as-of 2026-11-20 > comment.md"
    )]
    Diff(diff::Args),
    /// 一件案件的修改记录：每次提交记入或改动了哪条事件、哪个字段，提交人和日期；改写已提交事件、事件日期远早于提交的会标出
    #[command(after_help = "示例：\n  qinqing log HZ-2026-0131\n  qinqing log HZ-2026-0131 --format json")]
    Log(log::Args),
    /// 提醒：给各部门和本办发送即将到期、今天到期和已超期的时限（企业微信、钉钉、飞书、webhook、邮件）；同一天不重复发送
    #[command(
        after_help = "示例：\n  qinqing notify --as-of 2026-11-20            # 预览将发送的内容\n  qinqing notify --send                         # 发送（CI 中默认发送）"
    )]
    Notify(notify::Args),
    /// 导入问题清单（Excel、WPS/LibreOffice 表格或 CSV）为案件；每处问题指出单元格，重新导入不会重复建案
    #[command(
        after_help = "示例：\n  qinqing import 第26期问题清单.xlsx --meeting HZ-M-2026-26 --dry-run\n  qinqing import 热线转办.csv --channel hotline --received 2026-11-20\n  qinqing import 清单.xlsx --meeting HZ-M-2026-26 --map 诉求描述=反映问题 --skip-bad"
    )]
    Import(import::Args),
    /// 导出：案件台账（Excel、CSV）、时限日历（iCalendar）、Open311
    #[command(subcommand)]
    Export(export::ExportCommand),
    /// 输出各类文件的 JSON Schema，供编辑器（YAML 语言服务）提示与校验
    #[command(after_help = "示例：\n  qinqing schema case > schema/case.json\n  qinqing schema --all --out schema")]
    Schema(schema::Args),
    /// 恳谈会：meeting new 新建一期
    #[command(subcommand)]
    Meeting(create::MeetingCommand),
    /// 新建一件案件：编号按 qinqing.yaml 的 ids.case 自动编号
    #[command(
        after_help = "示例：\n  qinqing new --meeting HZ-M-2026-25 --title 园区断头路打通 --enterprise 湖州甲公司 --contact 王某 --phone 13800000000 --category 交通出行 --handling 协同解\n  qinqing new --received 2026-11-21 --channel 热线 --title 用电增容 --description-file 问题.txt\n  qinqing new --meeting HZ-M-2026-25 --editor          # 在终端中逐项提问，问题描述在编辑器中写"
    )]
    New(create::CaseArgs),
    /// 记录办理过程：交办、签收、答复、评价、办结……（由事件的声明生成，见 model/event.rs）
    #[command(flatten)]
    Record(record::RecordCommand),
    /// 撤销一件案件的最后一条记录（记错了时用）；发文时记入的督办、通报不能撤销
    #[command(after_help = "示例：\n  qinqing undo HZ-2026-0131 --dry-run\n  qinqing undo HZ-2026-0131")]
    Undo(record::UndoArgs),
    /// 给案件加标签（如 典型案例：通报中列为典型案例），只改 tags 这一行
    #[command(
        after_help = "示例：\n  qinqing tag HZ-2026-0131 典型案例\n  qinqing tag HZ-2026-0131 共性问题 要素保障 --dry-run"
    )]
    Tag(correct::TagArgs),
    /// 去掉案件的标签
    #[command(after_help = "示例：\n  qinqing untag HZ-2026-0131 典型案例")]
    Untag(correct::TagArgs),
    /// 部门名录：dept add 新增部门，dept rename 部门更名
    #[command(subcommand)]
    Dept(correct::DeptCommand),
    /// 网页服务：营商办、部门、领导在浏览器里查看和办理案件（默认只在本机 127.0.0.1:8080）
    #[command(
        after_help = "示例：\n  qinqing user add 李某 --role office --password-stdin < 密码.txt\n  qinqing serve\n  qinqing serve --listen 0.0.0.0:8080 --behind-proxy   # 经 nginx/Caddy 提供 HTTPS"
    )]
    Serve(serve::Args),
    /// 网页服务的账号：user add|list|disable|reset
    User(user::Args),
    /// 企业的回执码：receipt code 编号（企业凭它在网页上查看进度、评价答复）、receipt rotate（全部作废）
    Receipt(receipt::Args),
    /// 网上提交：submission list|show|accept|decline（qinqing.yaml 的 serve.submissions 打开 /submit 后，企业在网上提交的问题）
    #[command(
        subcommand,
        after_help = "示例：\n  qinqing submission list\n  qinqing submission accept WS-2026-0001 --title 园区道路夜间无路灯\n  qinqing submission decline WS-2026-0002 --reason 属于司法诉讼事项，请通过司法途径解决"
    )]
    Submission(submission::SubmissionCommand),
    /// 检查一段提交（如 origin/main..HEAD）有没有越权的改动，供 CI 使用
    #[command(after_help = "示例：\n  qinqing audit origin/main..HEAD")]
    Audit(audit::Args),
    /// 生成合成案件库，供性能测试（开发用）
    #[command(hide = true)]
    BenchGen(bench::Args),
    /// 公文 PDF 生成速度测试（开发用）
    #[command(hide = true)]
    BenchRender(bench::RenderArgs),
}

/// Output formats of `list`, `show` and `log` (the others have their own sets).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    /// 给人看的文本
    Text,
    /// JSON
    Json,
}

/// `--period`, `--from`, `--to` and `--as-of` of `report` and `build`.
#[derive(Debug, clap::Args)]
pub(crate) struct PeriodArgs {
    /// 统计期间：2026-06（月）、2026-Q2（季度）或 2026（年）；默认为截至日所在月份
    #[arg(long, value_name = "PERIOD")]
    period: Option<String>,
    /// 期间开始日（含），与 --to 配合使用
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    from: Option<NaiveDate>,
    /// 期间结束日（含）
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    to: Option<NaiveDate>,
    /// 截至哪天（默认：期间最后一天，若尚未到则为今天）
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
}

impl PeriodArgs {
    /// The period asked for, and the date it is looked at.
    fn resolve(&self, session: &Session) -> Result<crate::report::period::Period> {
        crate::report::period::resolve(self.period.as_deref(), self.from, self.to, self.as_of, session.date(None))
    }
}

/// Reads `--format` values of documents: pdf, docx, html, md.
fn parse_doc_format(s: &str) -> Result<DocFormat, String> {
    DocFormat::ALL.into_iter().find(|f| f.ext() == s.trim()).ok_or_else(|| "可选：pdf、docx、html、md".to_string())
}

/// A text file named on the command line (a reply, a description): UTF-8, and no
/// larger than a case file may be.
fn read_text_file(path: &Path) -> Result<String> {
    let mb = load::MAX_FILE_BYTES >> 20;
    read_text(path).map_err(|problem| match problem {
        TextProblem::Unreadable(e) => anyhow::anyhow!("无法读取 {}：{e}", path.display()),
        TextProblem::TooLarge => anyhow::anyhow!("{} 过大（超过 {mb} MB），案件文件不超过 {mb} MB", path.display()),
        TextProblem::NotUtf8 => anyhow::anyhow!("无法读取 {}（须为 UTF-8 文本）", path.display()),
        TextProblem::NotAFile => {
            anyhow::anyhow!("{} 不是普通文件（管道、设备、文件夹不读），请给出一个文本文件", path.display())
        }
    })
}

/// Why a text file given to a writing command was not taken.
enum TextProblem {
    Unreadable(std::io::Error),
    TooLarge,
    NotUtf8,
    NotAFile,
}

/// UTF-8 text of at most a case file's size, from a regular file only: a FIFO
/// would block until someone writes to it, a device may never end. At most
/// one byte past the limit is read.
fn read_text(path: &Path) -> Result<String, TextProblem> {
    use std::io::Read;
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return Err(TextProblem::NotAFile),
        Err(e) => return Err(TextProblem::Unreadable(e)),
        Ok(_) => {}
    }
    let limit = load::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(TextProblem::Unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(TextProblem::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| TextProblem::NotUtf8)
}

/// A flag that must say something.
fn non_empty(s: &str) -> Result<String, String> {
    Some(s.trim()).filter(|t| !t.is_empty()).map(str::to_string).ok_or_else(|| "不能为空".to_string())
}

/// An enumerated value in English or Chinese.
fn parse_enum<T: Named>(s: &str) -> Result<T, String> {
    T::parse(s.trim()).ok_or_else(|| format!("可选：{}", crate::model::enums::spellings::<T>()))
}

/// Reads a document kind in English or Chinese.
fn parse_doc_kind(s: &str) -> Result<DocKind, String> {
    DocKind::parse(s.trim()).ok_or_else(|| format!("可选：{}", crate::model::enums::spellings::<DocKind>()))
}

/// Runs the command line; returns the process exit code.
/// An error as one line, its causes after it, the operating system's own
/// (English) words replaced by Chinese ones.
pub fn error_words(e: &anyhow::Error) -> String {
    e.chain()
        .map(|cause| match cause.downcast_ref::<std::io::Error>() {
            Some(io) => crate::text::io_words(io).to_string(),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join("：")
}

pub fn run(cli: Cli) -> Result<u8> {
    let repo = cli.repo.as_deref();
    match cli.command {
        Command::Init(a) => init::run(a),
        Command::Check(a) => check::run(repo, a),
        Command::List(a) => list::run(repo, a),
        Command::Show(a) => show::run(repo, a),
        Command::Render(a) => render::run(repo, a),
        Command::Report(a) => report::run(repo, a),
        Command::Build(a) => build::run(repo, a),
        Command::Export(c) => export::run(repo, c),
        Command::Import(a) => import::run(repo, a),
        Command::Diff(a) => diff::run(repo, a),
        Command::Log(a) => log::run(repo, a),
        Command::Notify(a) => notify::run(repo, a),
        Command::Schema(a) => schema::run(a),
        Command::Meeting(c) => create::meeting(repo, c),
        Command::New(a) => create::case(repo, a),
        Command::Record(c) => record::run(repo, c),
        Command::Undo(a) => record::undo(repo, a),
        Command::Tag(a) => correct::tag(repo, a, false),
        Command::Untag(a) => correct::tag(repo, a, true),
        Command::Dept(c) => correct::dept(repo, c),
        Command::Serve(a) => serve::run(repo, a),
        Command::User(a) => user::run(repo, a),
        Command::Receipt(a) => receipt::run(repo, a),
        Command::Submission(c) => submission::run(repo, c),
        Command::Audit(a) => audit::run(repo, a),
        Command::BenchGen(a) => bench::run(a),
        Command::BenchRender(a) => bench::run_render(a),
    }
}

/// Opens the repository (`--repo`, or the folder holding `qinqing.yaml` from
/// here up) for one command, saying when a killed run's write was finished first.
fn session(repo: Option<&Path>, open: Open) -> Result<Session> {
    let start = match repo {
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir().context("无法读取当前目录")?,
    };
    let session = Session::open(&start, open)?;
    recovered(session.recovered());
    Ok(session)
}

/// Says that a write a killed run left half done was finished first.
fn recovered(files: usize) {
    if files > 0 {
        eprintln!("已补完上次中断的写入（{files} 个文件）。");
    }
}

/// The repository as it was at a git revision, for one command.
fn revision(repo: Option<&Path>, rev: &str, detail: load::Detail) -> Result<Session> {
    let start = match repo {
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir().context("无法读取当前目录")?,
    };
    Session::at_revision(&start, rev, detail)
}

/// What a write changed (its diff), and that it was done, or only planned (`--dry-run`), and its commit.
fn shown(w: &crate::command::Written, done: &str) -> Result<u8> {
    for e in &w.edits {
        crate::output::emit(&e.diff())?;
    }
    if w.applied {
        eprintln!("{done}");
    } else {
        eprintln!("（--dry-run：未写入）");
    }
    if let Some(c) = &w.commit {
        eprintln!("已提交：{}", c.subject);
    }
    Ok(0)
}

/// Prints why a command did not complete and gives its exit code (2): the
/// diagnostics a refused write would have brought, with `invalid` saying so
/// for `n` of them; anything else as the one-line error `main` prints.
fn failed(failure: Failure, invalid: impl Fn(usize) -> String) -> Result<u8> {
    match failure {
        Failure::Failed(e) => Err(e),
        Failure::Refused(Refusal::NotFound(n)) => Err(anyhow::anyhow!("{n}")),
        // A request's field is the flag of the same name.
        Failure::Refused(Refusal::Request { field: Some(f), message }) => {
            Err(anyhow::anyhow!("{message}（--{}）", f.replace('_', "-")))
        }
        Failure::Refused(Refusal::Request { field: None, message }) => Err(anyhow::anyhow!(message)),
        Failure::Refused(Refusal::Invalid { diagnostics, .. }) => {
            output::emit(&output::text::diagnostics(&diagnostics, Paint(output::colour_wanted())))?;
            eprintln!("{}", invalid(diagnostics.len()));
            Ok(2)
        }
        Failure::Refused(Refusal::RepositoryErrors { doing, diagnostics }) => {
            for d in diagnostics.iter().take(5) {
                eprintln!("{d}");
            }
            if diagnostics.len() > 5 {
                eprintln!("……另有 {} 处", diagnostics.len() - 5);
            }
            Err(anyhow::anyhow!("案件库有 {} 处错误，{doing}。请先运行 qinqing check 并改正", diagnostics.len()))
        }
    }
}

/// Shows documents being made: the fonts, and a bar on a terminal when there are several.
#[derive(Default)]
struct ProgressBar(std::sync::Mutex<Option<indicatif::ProgressBar>>);

impl ProgressBar {
    fn show(&self, progress: crate::render::Progress) {
        use crate::render::Progress;
        use std::io::IsTerminal;
        let Ok(mut bar) = self.0.lock() else { return };
        match progress {
            Progress::Fonts(report) => eprintln!("字体：{report}"),
            Progress::Starting { kind, count } if count > 1 && std::io::stderr().is_terminal() => {
                let b = indicatif::ProgressBar::new(count as u64);
                b.set_message(kind);
                *bar = Some(b);
            }
            Progress::Starting { .. } => {}
            Progress::Made => {
                if let Some(b) = bar.as_ref() {
                    b.inc(1);
                }
            }
            Progress::Finished => {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
            }
        }
    }
}

/// Parses `--as-of` and other date arguments.
fn parse_date(s: &str) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    let years = crate::load::reader::YEARS;
    match crate::load::reader::parse_date(s.trim()) {
        Ok(d) if !years.contains(&d.year()) => Err(format!("日期应在 {} 年至 {} 年之间", years.start(), years.end())),
        Ok(d) => Ok(d),
        Err(Some(iso)) => Err(format!("日期请写作 {iso}")),
        Err(None) => Err("日期请写作 2026-06-20 的形式".to_string()),
    }
}
