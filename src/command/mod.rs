//! The command stage: every operation a front end offers — record an event,
//! create a case or a meeting, import a list, issue documents, show a case —
//! as a function of a typed request on a [`Session`], returning a typed
//! outcome. The command line parses flags into requests, prints outcomes and
//! maps them to exit codes; a server maps the same outcomes to HTTP.
//!
//! Nothing here prints: what a front end shows is in the outcome, and what
//! happens while a command runs (progress, a font notice) reaches it through
//! the [`Notices`] it passes in.

pub(crate) mod accounts;
pub(crate) mod audit;
pub(crate) mod bench;
pub(crate) mod build;
pub(crate) mod correct;
pub(crate) mod create;
pub(crate) mod documents;
pub(crate) mod export;
pub(crate) mod import;
pub(crate) mod init;
pub(crate) mod list;
pub(crate) mod notify;
pub(crate) mod receipts;
pub(crate) mod record;
pub(crate) mod review;
pub(crate) mod session;
pub(crate) mod show;
pub(crate) mod submissions;

use anyhow::Error;

use crate::diag::Diagnostic;
use crate::edit::Edit;

pub(crate) use session::{Open, Session};

/// Why a command did not do what it was asked, in terms a front end can
/// show at the right place: a not-found id with its nearest, a value at its
/// field, the diagnostics the write would have brought.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// No case or meeting has this id.
    NotFound(NotFound),
    /// A value of the request is missing or makes no sense (a field, and why).
    Request {
        /// The request's field (a flag's or a form field's name), when there is one.
        field: Option<&'static str>,
        /// What is wrong, in Chinese.
        message: String,
    },
    /// The repository has errors, and what the command makes could be wrong.
    RepositoryErrors {
        /// What is refused: 不生成公文.
        doing: &'static str,
        /// The errors, at their file, line and column.
        diagnostics: Vec<Diagnostic>,
    },
    /// The edits would bring errors into the repository: nothing was written.
    Invalid {
        /// The files the refused write would have changed.
        files: Vec<String>,
        /// The errors, at their file, line and column.
        diagnostics: Vec<Diagnostic>,
        /// For each diagnostic, the request field it stands at, when the write knows (a recorded
        /// entry's key at that line and column): a form shows it beside that field.
        at: Vec<Option<&'static str>>,
    },
}

impl Refusal {
    /// A request refused for one field.
    pub(crate) fn field(field: &'static str, message: impl Into<String>) -> Refusal {
        Refusal::Request { field: Some(field), message: message.into() }
    }

    /// A request refused as a whole.
    pub(crate) fn request(message: impl Into<String>) -> Refusal {
        Refusal::Request { field: None, message: message.into() }
    }
}

/// What was looked for and not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotFound {
    /// A case or a meeting.
    pub(crate) thing: Thing,
    /// The id asked for.
    pub(crate) id: String,
    /// The nearest id there is, for a hint.
    pub(crate) nearest: Option<String>,
}

/// What kind of thing an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Thing {
    /// A case.
    Case,
    /// A meeting.
    Meeting,
    /// An online submission.
    Submission,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.thing {
            Thing::Case => "案件",
            Thing::Meeting => "恳谈会",
            Thing::Submission => "网上提交",
        };
        write!(f, "找不到{what}「{}」", self.id)?;
        match &self.nearest {
            Some(n) => write!(f, "；是否为「{n}」？"),
            None => Ok(()),
        }
    }
}

/// A command that did not complete: refused (nothing written), or failed
/// (the disk, git, a file that changed under it).
#[derive(Debug)]
pub(crate) enum Failure {
    /// Refused before anything was written.
    Refused(Refusal),
    /// Failed; the message says why.
    Failed(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Failed(e)
    }
}

impl From<Refusal> for Failure {
    fn from(r: Refusal) -> Failure {
        Failure::Refused(r)
    }
}

impl From<NotFound> for Failure {
    fn from(n: NotFound) -> Failure {
        Failure::Refused(Refusal::NotFound(n))
    }
}

/// What a command gives back, or why it did not.
pub(crate) type Outcome<T> = Result<T, Failure>;

/// A write: the edits planned, and whether they were written and committed.
#[derive(Debug)]
pub(crate) struct Written {
    /// Each file's edit, in the order written.
    pub(crate) edits: Vec<Edit>,
    /// Whether the files were written (false for a dry run).
    pub(crate) applied: bool,
    /// The commit made, when one was asked for.
    pub(crate) commit: Option<crate::git::Committed>,
}

/// One write's commit: the files it wrote, its message and whose it is.
pub(crate) struct ToCommit {
    pub(crate) edits: Vec<Edit>,
    pub(crate) subject: String,
    pub(crate) signed: crate::git::Signature,
}

/// Commits writes one after another, each from the bytes it wrote — whatever the files hold by now — as
/// its account's (a server that lets the next write in before it commits), then tells the index once.
/// A write whose commit fails is said so; the others are committed still.
pub(crate) fn commit_written(root: &std::path::Path, writes: &[ToCommit]) -> Vec<Outcome<crate::git::Committed>> {
    let git = crate::git::Git::new(root);
    let contents: Vec<Vec<(String, Vec<u8>)>> =
        writes.iter().map(|w| w.edits.iter().map(|e| (e.rel.clone(), e.after.as_bytes().to_vec())).collect()).collect();
    let run: Vec<crate::git::Write> = writes
        .iter()
        .zip(&contents)
        .map(|(w, c)| crate::git::Write { contents: c, message: &w.subject, signed: &w.signed })
        .collect();
    let mut entries = Vec::new();
    // All in one run; when that cannot be (HEAD detached, moved meanwhile), one by one.
    let made = git.commit_run(&run);
    crate::timing::mark(&format!("commit: a run of {}", run.len()));
    let mut out: Vec<Outcome<crate::git::Committed>> = match made {
        Ok((committed, index)) => {
            entries = index;
            committed.into_iter().map(Ok).collect()
        }
        Err(_) => run
            .iter()
            .map(|w| {
                let (committed, index) = git.commit_leaving_index(w.contents, w.message, w.signed)?;
                entries.extend(index);
                Ok(committed)
            })
            .collect(),
    };
    let told = git.update_index(&entries);
    crate::timing::mark("commit: index told");
    if let Err(e) = told {
        let why = format!("{e:#}");
        for o in &mut out {
            if o.is_ok() {
                *o = Err(Failure::Failed(anyhow::anyhow!(
                    "已提交，但 git 的暂存区没有更新（{why}）；运行 git reset -q 可恢复"
                )));
            }
        }
    }
    out
}

/// The commit HEAD of the repository at `root` is at, if any (a server notices a `git pull` by it).
pub(crate) fn head(root: &std::path::Path) -> Option<String> {
    crate::git::Git::new(root).head()
}

/// Refused when the case files or the register hold changes nobody committed: a document issued now
/// would record itself in them, and its commit would carry those changes under the account's name.
pub(crate) fn nothing_uncommitted(session: &Session) -> Result<(), Refusal> {
    let git = session.git();
    if git.head().is_none() {
        return Ok(());
    }
    let changed =
        git.uncommitted(&["cases", crate::render::register::FILE]).map_err(|e| Refusal::request(format!("{e:#}")))?;
    if changed.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = changed.iter().take(5).map(String::as_str).collect();
    let more = if changed.len() > 5 { format!(" 等 {} 个文件", changed.len()) } else { String::new() };
    Err(Refusal::request(format!(
        "案件库有尚未提交的改动（{}{more}）：先提交或撤销这些改动，再在网页上发文",
        shown.join("、")
    )))
}

/// The first parent of a commit (a server checks its commits were made on the HEAD it knew).
pub(crate) fn parent_of(root: &std::path::Path, commit: &str) -> Option<String> {
    crate::git::Git::new(root).parent_of(commit)
}

/// Lets git pack the objects many commits left loose, when it is time (a server, now and then).
pub(crate) fn tidy_git(root: &std::path::Path) -> Outcome<()> {
    Ok(crate::git::Git::new(root).tidy()?)
}

/// Refused when a file a signed write would change holds changes git has not committed (someone is
/// editing it at a terminal): the write's commit would carry them under the account's name. A file
/// not there yet, or a repository without commits, has nothing to mix up.
pub(crate) fn as_committed(session: &Session, files: &[&str]) -> Result<(), Refusal> {
    let git = session.git();
    if git.head().is_none() {
        return Ok(());
    }
    for f in files {
        let Ok(now) = session.scope().read(&session.root_dir().join(f)) else { continue };
        if git.text_at("HEAD", f).is_none_or(|t| t.as_bytes() != now.as_slice()) {
            return Err(Refusal::request(format!(
                "{f} 有尚未提交的改动（可能有人正在终端上修改这件案件）：先提交或撤销这些改动，再在网页上办理"
            )));
        }
    }
    Ok(())
}

/// Runs a write, planning it again on a fresh ledger when another write
/// landed since the ledger was read (a colleague's `new` took the next id):
/// a few times, then the refusal stands.
pub(crate) fn planned_afresh<T>(
    session: &mut Session,
    mut attempt: impl FnMut(&mut Session) -> Outcome<T>,
) -> Outcome<T> {
    let mut tries = 0;
    loop {
        if session.stale() {
            session.refresh()?;
        }
        match attempt(session) {
            Err(Failure::Failed(e)) if e.downcast_ref::<crate::edit::journal::Stale>().is_some() && tries < 3 => {
                tries += 1;
                session.refresh()?;
            }
            other => return other,
        }
    }
}

/// Every clock as of a date, and the repository's problems: `check`.
pub(crate) fn check(session: &Session, as_of: Option<chrono::NaiveDate>) -> crate::check::CheckReport<'_> {
    crate::check::report(session.checked(), session.date(as_of))
}

/// The figures of a period (`report`); the repository must have no errors.
pub(crate) fn figures(
    session: &Session,
    period: &crate::report::period::Period,
) -> Outcome<crate::report::figures::Report> {
    require_no_errors(session.checked(), "统计数字会不完整，未输出")?;
    crate::timing::mark("validate");
    // Figures are published (their groups name categories and meetings users wrote): from the published ledger.
    let published = session.ledger().published();
    let report = crate::report::figures::compute(&published.as_of(period.as_of), period.from, period.to);
    crate::timing::mark("figures");
    Ok(report)
}

/// A leader's figures: the period's, with the dashboard's charts and its figures block.
pub(crate) struct Dashboard {
    /// The figures as the dashboard shows them (HTML, every text escaped).
    pub(crate) figures_html: String,
    /// The monthly trend (SVG).
    pub(crate) trend_svg: String,
    /// Departments' overdue and late replies (SVG).
    pub(crate) departments_svg: String,
}

/// The figures and charts of a period, from the published ledger, as `build`'s dashboard has them.
pub(crate) fn dashboard(session: &Session, period: &crate::report::period::Period) -> Outcome<Dashboard> {
    use crate::report::{chart, trend};
    require_no_errors(session.checked(), "统计数字会不完整，未输出")?;
    let published = session.ledger().published();
    let snapshot = published.as_of(period.as_of);
    let report = crate::report::figures::compute(&snapshot, period.from, period.to);
    let months = trend::monthly(&snapshot, &trend::months(&published, period.from, period.to, period.as_of));
    let bars: Vec<(&str, u64, u64)> =
        report.by_department.iter().map(|(d, f)| (d.as_str(), f.overdue_now, f.replied_late())).collect();
    let ctx = crate::output::site::pages::Context {
        settings: &published.settings,
        as_of: period.as_of,
        period_label: &period.label,
    };
    Ok(Dashboard {
        figures_html: crate::output::site::pages::figures_block(&ctx, &report.totals),
        trend_svg: chart::trend_svg(&months)?,
        departments_svg: chart::departments_svg(&bars, 15)?,
    })
}

/// Text given to a command holds no control character but line breaks and tabs:
/// a bell or an escape in a description is a paste gone wrong, and would make
/// the case file read as binary. Refused at its field, saying which and where.
pub(crate) fn plain_text(field: &'static str, words: &str, text: &str) -> Result<(), Refusal> {
    // A carriage return belongs before a line feed (a Windows line end); alone it is a control character.
    let chars: Vec<char> = text.chars().collect();
    let stray = |i: usize, c: char| {
        c.is_control() && !matches!(c, '\n' | '\t') && !(c == '\r' && chars.get(i + 1) == Some(&'\n'))
    };
    match chars.iter().enumerate().find(|(i, c)| stray(*i, **c)).map(|(i, c)| (i, *c)) {
        Some((at, c)) => Err(Refusal::field(
            field,
            format!("{words}的第{}个字符是控制字符 U+{:04X}，看不见也读不出；请删去后再写", at + 1, c as u32),
        )),
        // An invisible mark that turns the text around: a name would be shown reversed.
        None => match chars.iter().position(|c| is_direction_mark(*c)) {
            Some(at) => Err(Refusal::field(
                field,
                format!(
                    "{words}的第{}个字符是改变文字方向的不可见字符 U+{:04X}；请删去后再写",
                    at + 1,
                    chars[at] as u32
                ),
            )),
            None => Ok(()),
        },
    }
}

/// The invisible characters that change the direction text is shown in.
fn is_direction_mark(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refused when the edits would bring errors into the repository (each at its file, line and column).
pub(crate) fn judge(session: &Session, edits: &[Edit]) -> Result<(), Refusal> {
    let problems = session.verdict(edits);
    if problems.is_empty() {
        return Ok(());
    }
    let files = edits.iter().map(|e| e.rel.clone()).collect();
    Err(Refusal::Invalid { files, diagnostics: problems, at: Vec::new() })
}

/// Judged edits written (unless a dry run), and committed when asked.
pub(crate) fn write_planned(
    session: &mut Session,
    edits: Vec<Edit>,
    dry_run: bool,
    commit: bool,
    subject: &str,
) -> Outcome<Written> {
    if dry_run {
        return Ok(Written { edits, applied: false, commit: None });
    }
    session.write(&edits)?;
    let commit = if commit {
        let files: Vec<&str> = edits.iter().map(|e| e.rel.as_str()).collect();
        Some(session.git().commit(&files, subject)?)
    } else {
        None
    };
    Ok(Written { edits, applied: true, commit })
}

/// Refuses to go on with a repository that has errors: a document, sheet or
/// reminder made from it could be wrong.
pub(crate) fn require_no_errors(checked: &crate::check::Checked, doing: &'static str) -> Result<(), Refusal> {
    let errors: Vec<Diagnostic> = checked.errors().cloned().collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Refusal::RepositoryErrors { doing, diagnostics: errors })
    }
}

/// What happens while a command runs, for the front end to show as it goes.
pub(crate) trait Notices: Send {
    /// A note for the user (an encoding detected, a font substituted).
    fn note(&mut self, message: &str);
    /// A piece of what the command produces, as it is produced (a preview).
    fn output(&mut self, text: &str);
}

/// Notices printed as they come, to standard error (the command line).
pub(crate) struct ToStderr;

impl Notices for ToStderr {
    fn note(&mut self, message: &str) {
        eprintln!("{message}");
    }

    fn output(&mut self, text: &str) {
        print!("{text}");
    }
}

/// Writes a file into a folder a command was told to write into (`schema --out`).
pub(crate) fn write_into(dir: &std::path::Path, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
    // A folder typed relative to here goes through no link on the way (as `--out` never does),
    // and the folder named is not a link itself.
    let mut at = std::path::PathBuf::new();
    let relative = dir.is_relative();
    for part in dir.components() {
        at.push(part);
        let last = at.as_path() == dir;
        if (relative || last) && std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            anyhow::bail!("{} 是符号链接，qinqing 不会通过链接写入文件；请换成普通文件夹", at.display());
        }
    }
    crate::fsx::Scope::new(dir).replace(&dir.join(name), bytes)
}

/// Writes a file a command was told to write (a report, a template, a
/// schema) atomically; an existing file is kept unless `force`.
pub(crate) fn write_output(
    scope: &crate::fsx::Scope,
    path: &std::path::Path,
    bytes: &[u8],
    force: bool,
) -> anyhow::Result<()> {
    if force {
        scope.replace(path, bytes)
    } else {
        scope.write_new(path, bytes).map_err(|e| {
            if path.exists() {
                anyhow::anyhow!("{} 已存在，未覆盖；如需覆盖请加 --force", path.display())
            } else {
                e
            }
        })
    }
}

/// A copy of the demonstration repository, for tests that write.
#[cfg(test)]
pub(crate) fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["cases", "rules"] {
        for entry in walkdir::WalkDir::new(from.join(part)) {
            let entry = entry.expect("walk");
            let rel = entry.path().strip_prefix(from).expect("inside");
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(dir.path().join(rel)).expect("mkdir");
            } else {
                std::fs::copy(entry.path(), dir.path().join(rel)).expect("copy");
            }
        }
    }
    for file in ["qinqing.yaml", "departments.yaml"] {
        std::fs::copy(from.join(file), dir.path().join(file)).expect("copy");
    }
    dir
}
