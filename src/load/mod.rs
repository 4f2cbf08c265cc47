//! Finding the repository, walking its files and reading them, in parallel and
//! never stopping at the first bad file.

pub(crate) mod cache;
pub(crate) mod calendar_file;
pub(crate) mod case;
pub(crate) mod decode;
pub(crate) mod reader;
pub(crate) mod rule_file;
pub(crate) mod settings;
pub(crate) mod sheet;
pub(crate) mod submission;
mod walk;
pub(crate) mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::diag::{Diagnostic, Pos, Sink};
use crate::model::rule::{Rule, BUILTIN_RULES};
use crate::model::{Case, Channel, Department, Meeting, Settings, Spanned, Submission};

/// The file that marks a case repository.
pub(crate) const SETTINGS_FILE: &str = "qinqing.yaml";

/// Everything read from a repository, with every problem found while reading.
#[derive(Debug)]
pub(crate) struct Repository {
    /// The repository root.
    pub(crate) root: PathBuf,
    /// `qinqing.yaml`.
    pub(crate) settings: Settings,
    /// `departments.yaml`, when the repository has one.
    pub(crate) departments: Option<Vec<Department>>,
    /// Every meeting, sorted by file.
    pub(crate) meetings: Vec<Meeting>,
    /// Every readable case, sorted by file, with meeting defaults applied.
    pub(crate) cases: Vec<Case>,
    /// Every readable online submission (`submissions/`), sorted by file.
    pub(crate) submissions: Vec<Submission>,
    /// The deadline rules in force.
    pub(crate) rules: Vec<Rule>,
    /// The working-day calendar.
    pub(crate) calendar: Calendar,
    /// How many case, meeting and submission files were read.
    pub(crate) files: usize,
    /// Problems found while reading.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Temporary files killed runs left under `cases/` (the walk sees them): a session removes them.
    pub(crate) left_behind: Vec<PathBuf>,
}

/// Options for reading a repository.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoadOptions {
    /// Read and write the parse cache (only for slim loads).
    pub(crate) cache: bool,
    /// How much of each case to keep.
    pub(crate) detail: Detail,
    /// Files under `cases/` read from these bytes instead of the disk (edits
    /// checked before they are written): paths relative to the root, and contents.
    pub(crate) overlay: Vec<(String, Vec<u8>)>,
}

/// How much of each case a command needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Detail {
    /// Everything: descriptions, reply texts, contacts (documents, `show`).
    #[default]
    Full,
    /// What deadlines, validation and listings need; free texts and personal
    /// data are dropped after validation, so `check` stays small and fast.
    Slim,
}

/// The result of reading one case or meeting file, as kept in the cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ParsedFile {
    /// What the file holds, if it could be read.
    pub(crate) content: Content,
    /// Problems found in the file on its own.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

/// A case or a meeting.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) enum Content {
    /// A case file.
    Case(Box<Case>),
    /// A meeting file.
    Meeting(Box<Meeting>),
    /// An online submission (under `submissions/`).
    Submission(Box<Submission>),
    /// Nothing usable.
    None,
}

/// Walks up from `start` to the folder holding `qinqing.yaml`.
pub(crate) fn find_root(start: &Path) -> Result<PathBuf> {
    let start = start.canonicalize().with_context(|| format!("无法访问目录 {}", start.display()))?;
    for dir in start.ancestors() {
        if dir.join(SETTINGS_FILE).is_file() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!("在 {} 及其上级目录中找不到 {SETTINGS_FILE}：请在案件库中运行，或用 --repo 指定案件库目录（新建案件库：qinqing init 目录）", start.display())
}

/// Reads a whole repository.
pub(crate) fn load(root: &Path, opts: LoadOptions) -> Result<Repository> {
    let mut diagnostics = Vec::new();
    let settings = read_yaml_file(root, SETTINGS_FILE, &mut diagnostics, settings::read_settings).unwrap_or_default();
    let departments = std::fs::symlink_metadata(root.join("departments.yaml")).is_ok().then(|| {
        read_yaml_file(root, "departments.yaml", &mut diagnostics, settings::read_departments).unwrap_or_default()
    });
    // A department's level is one of the repository's levels (figures split by it).
    for d in departments.iter().flatten() {
        if let Some(level) = d.level.as_deref().filter(|l| settings.level_key(l).is_none()) {
            let known: Vec<String> = settings.levels.iter().map(|(k, v)| format!("{k}（{v}）")).collect();
            diagnostics.push(
                Diagnostic::error(
                    "invalid-value",
                    "departments.yaml",
                    d.pos,
                    format!("「{}」的层级「{level}」不在 qinqing.yaml 的 levels 中", d.name),
                )
                .with_hint(format!("可选：{}", known.join("、"))),
            );
        }
    }
    let calendar = load_calendar(root, &settings, &mut diagnostics)?;
    let rules = load_rules(root, &settings, &mut diagnostics)?;

    let cache = opts.cache && opts.detail == Detail::Slim && opts.overlay.is_empty();
    let submitted: Vec<(String, Vec<u8>)> =
        opts.overlay.iter().filter(|(rel, _)| rel.starts_with(&format!("{}/", submission::FOLDER))).cloned().collect();
    let mut left_behind = Vec::new();
    let parsed = parse_cases(root, LoadOptions { cache, ..opts }, &mut diagnostics, &mut left_behind)?;
    let mut files = parsed.len();
    let mut cases = Vec::new();
    let mut meetings = Vec::new();
    for (_, file) in parsed {
        diagnostics.extend(file.diagnostics);
        match file.content {
            Content::Case(c) => cases.push(*c),
            Content::Meeting(m) => meetings.push(*m),
            Content::Submission(_) | Content::None => {}
        }
    }
    let submissions = parse_submissions(root, &submitted, &mut diagnostics, &mut left_behind);
    files += submissions.len();
    // Reports list cases by file; sorting once here keeps every later stage in order.
    cases.par_sort_unstable_by(|a, b| a.file.cmp(&b.file));
    meetings.sort_by(|a, b| a.file.cmp(&b.file));
    apply_meeting_defaults(&mut cases, &meetings.iter().collect::<Vec<_>>());
    Ok(Repository {
        root: root.to_path_buf(),
        settings,
        departments,
        meetings,
        cases,
        submissions,
        rules,
        calendar,
        files,
        diagnostics,
        left_behind,
    })
}

/// Reads every submission file under `submissions/` (a queue kept short: not cached), those in the
/// overlay (edits checked before they are written) from their bytes.
fn parse_submissions(
    root: &Path,
    overlay: &[(String, Vec<u8>)],
    out: &mut Vec<Diagnostic>,
    left_behind: &mut Vec<PathBuf>,
) -> Vec<Submission> {
    let walked = walk::yaml_files(root, &root.join(submission::FOLDER), true);
    out.extend(walked.problems);
    left_behind.extend(walked.left_behind);
    let on_disk: Vec<String> = walked
        .files
        .iter()
        .map(|(path, _)| relative(root, path))
        .filter(|rel| !overlay.iter().any(|(o, _)| o == rel))
        .collect();
    let from_disk = on_disk.par_iter().map(|rel| parse_file(rel, &root.join(rel), None));
    let edited = overlay.par_iter().map(|(rel, bytes)| parse_edited(rel, bytes));
    let mut submissions: Vec<Submission> = from_disk
        .chain(edited)
        .collect::<Vec<_>>()
        .into_iter()
        .filter_map(|parsed| {
            out.extend(parsed.diagnostics);
            match parsed.content {
                Content::Submission(s) => Some(*s),
                _ => None,
            }
        })
        .collect();
    submissions.sort_by(|a, b| a.file.cmp(&b.file));
    submissions
}

/// Reads one YAML file at the repository root with a reader; problems become diagnostics.
fn read_yaml_file<T>(
    root: &Path,
    rel: &str,
    out: &mut Vec<Diagnostic>,
    read: impl FnOnce(&yaml::Node, &mut Sink) -> T,
) -> Option<T> {
    if let Some(d) = walk::leads_outside(root, rel) {
        out.push(d);
        return None;
    }
    let bytes = match read_file(&root.join(rel), None) {
        Ok(b) => b,
        Err(e) => {
            out.push(e.diagnostic(rel));
            return None;
        }
    };
    let mut sink = Sink::new(rel);
    let value = parse_text(rel, &bytes, &mut sink).map(|node| read(&node, &mut sink));
    out.extend(sink.diagnostics);
    value
}

fn parse_text<'a>(rel: &str, bytes: &'a [u8], sink: &mut Sink) -> Option<yaml::Node<'a>> {
    let parsed = decode::decode(rel, bytes).and_then(|text| yaml::parse(rel, text));
    match parsed {
        Ok(Some(node)) => Some(node),
        Ok(None) => {
            sink.error("empty-file", Pos::start(), "文件没有内容").hint("请填写内容，或删除此文件");
            None
        }
        Err(d) => {
            sink.diagnostics.push(d);
            None
        }
    }
}

/// The path of a file relative to the root, with `/`.
pub(crate) fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

fn load_calendar(root: &Path, settings: &Settings, out: &mut Vec<Diagnostic>) -> Result<Calendar> {
    let dir = root.join("rules/calendars");
    let mut base = None;
    let mut additions = Vec::new();
    let walked = walk::yaml_files(root, &dir, false);
    out.extend(walked.problems);
    for (path, _) in walked.files {
        let rel = relative(root, &path);
        let Some(file) = read_yaml_file(root, &rel, out, calendar_file::read_calendar) else { continue };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if stem == settings.calendar {
            base = Some(file);
        } else {
            additions.push(file);
        }
    }
    let base = match base {
        Some(b) => b,
        None if settings.calendar == "cn" => calendar_file::builtin_file(),
        None => {
            out.push(
                Diagnostic::error(
                    "unknown-calendar",
                    SETTINGS_FILE,
                    settings.calendar_pos,
                    format!("找不到节假日日历「{}」", settings.calendar),
                )
                .with_hint(format!(
                    "请建立 rules/calendars/{}.yaml，或写 calendar: cn 使用内置日历",
                    settings.calendar
                )),
            );
            calendar_file::builtin_file()
        }
    };
    Ok(calendar_file::assemble(&base, &additions))
}

fn load_rules(root: &Path, settings: &Settings, out: &mut Vec<Diagnostic>) -> Result<Vec<Rule>> {
    let mut rules: Vec<Rule> = Vec::new();
    let walked = walk::yaml_files(root, &root.join("rules"), false);
    // A rules file that cannot be read is reported, and the built-in rules are not put in its place.
    let unread = !walked.problems.is_empty();
    out.extend(walked.problems);
    let paths: Vec<PathBuf> = walked.files.into_iter().map(|(p, _)| p).collect();
    if paths.is_empty() && !unread {
        let mut sink = Sink::new("<内置>/rules/deadlines.yaml");
        if let Ok(Some(node)) = yaml::parse(sink.file, BUILTIN_RULES) {
            rules = rule_file::read_rules(sink.file, &node, settings, &mut sink);
        }
        out.extend(sink.diagnostics);
        return Ok(rules);
    }
    for path in paths {
        let rel = relative(root, &path);
        let read = |node: &yaml::Node, sink: &mut Sink| rule_file::read_rules(&rel, node, settings, sink);
        for rule in read_yaml_file(root, &rel, out, read).unwrap_or_default() {
            if let Some(first) = rules.iter().find(|r| r.id == rule.id) {
                out.push(
                    Diagnostic::error("duplicate-rule", &rule.file, rule.pos, format!("规则编号「{}」重复", rule.id))
                        .with_hint(format!("已在 {}:{} 定义", first.file, first.pos.line)),
                );
                continue;
            }
            rules.push(rule);
        }
    }
    Ok(rules)
}

/// Reads every case and meeting file under `cases/`, in parallel, reusing cached results.
fn parse_cases(
    root: &Path,
    opts: LoadOptions,
    out: &mut Vec<Diagnostic>,
    left_behind: &mut Vec<PathBuf>,
) -> Result<Vec<(String, ParsedFile)>> {
    crate::timing::mark("start");
    let walked = walk::yaml_files(root, &root.join("cases"), true);
    out.extend(walked.problems);
    left_behind.extend(walked.left_behind);
    let (mut paths, stamps): (Vec<PathBuf>, Vec<Option<cache::Stamp>>) = walked.files.into_iter().unzip();
    let mut stamps: Vec<(String, Option<cache::Stamp>)> =
        paths.iter().zip(stamps).map(|(path, stamp)| (relative(root, path), stamp)).collect();
    // New files checked before they are written are read from the overlay.
    for (rel, _) in opts.overlay.iter().filter(|(rel, _)| !rel.starts_with(&format!("{}/", submission::FOLDER))) {
        if !stamps.iter().any(|(r, _)| r == rel) {
            paths.push(root.join(rel));
            stamps.push((rel.clone(), None));
        }
    }
    crate::timing::mark("walk and stat");
    let mut cached = if opts.cache { cache::read(root) } else { cache::Cached { entries: Vec::new(), base_len: 0 } };
    crate::timing::mark("cache read");
    // Delta entries come after base entries, so the index keeps the newer one.
    let index: rustc_hash::FxHashMap<&str, usize> =
        cached.entries.iter().enumerate().map(|(i, e)| (e.path.as_str(), i)).collect();
    let hits: Vec<Option<usize>> = stamps
        .iter()
        .map(|(rel, stamp)| {
            index.get(rel.as_str()).copied().filter(|&i| stamp.as_ref() == Some(&cached.entries[i].stamp))
        })
        .collect();
    // Entries for files that are gone make the base worth rebuilding.
    let gone = stamps.iter().filter(|(rel, _)| index.contains_key(rel.as_str())).count() != index.len();
    drop(index);
    let from_delta: Vec<bool> = hits.iter().map(|h| h.is_some_and(|i| i >= cached.base_len)).collect();
    let no_base = cached.base_len == 0;
    // Hits are moved out of the cache; only misses are read and parsed.
    let mut slots: Vec<Option<ParsedFile>> =
        hits.into_iter().map(|hit| hit.and_then(|i| cached.entries[i].parsed.take())).collect();
    drop(cached);
    let misses: Vec<usize> = (0..slots.len()).filter(|&i| slots[i].is_none()).collect();
    let fresh: Vec<ParsedFile> = misses
        .par_iter()
        .map(|&i| {
            let mut parsed = match opts.overlay.iter().find(|(rel, _)| *rel == stamps[i].0) {
                Some((rel, bytes)) => parse_bytes(rel, &paths[i], Ok(bytes.clone())),
                None => parse_file(&stamps[i].0, &paths[i], stamps[i].1.map(|s| s.size)),
            };
            if let (Detail::Slim, Content::Case(case)) = (opts.detail, &mut parsed.content) {
                slim(case);
            }
            parsed
        })
        .collect();
    for (i, parsed) in misses.iter().zip(fresh) {
        slots[*i] = Some(parsed);
    }
    let results: Vec<(String, ParsedFile)> =
        stamps.iter().zip(slots).filter_map(|((rel, _), p)| Some((rel.clone(), p?))).collect();
    // Write only when there is something new to keep: a miss old enough to
    // trust, or entries for files that are gone.
    let worth_storing = misses.iter().any(|&i| stamps[i].1.as_ref().is_some_and(|s| !cache::too_recent(s)));
    if opts.cache && (worth_storing || gone) {
        let is_miss: Vec<bool> = slots_missed(results.len(), &misses);
        let mut all = Vec::with_capacity(results.len());
        let mut changed = Vec::new();
        for (i, ((rel, parsed), (_, stamp))) in results.iter().zip(&stamps).enumerate() {
            let Some(stamp) = *stamp else { continue };
            all.push((rel.as_str(), stamp, parsed));
            if is_miss[i] || from_delta[i] {
                changed.push((rel.as_str(), stamp, parsed));
            }
        }
        cache::write(root, &all, &changed, gone || no_base);
        crate::timing::mark("cache write");
    }
    Ok(results)
}

fn slots_missed(len: usize, misses: &[usize]) -> Vec<bool> {
    let mut out = vec![false; len];
    for &i in misses {
        out[i] = true;
    }
    out
}

/// Drops what only documents need: free texts and personal data (document
/// numbers stay: `check` says which notice covers a clock).
pub(crate) fn slim(case: &mut Case) {
    case.description = String::new();
    if let Some(e) = case.enterprise.as_mut() {
        e.contact = None;
        e.phone = None;
        e.email = None;
        e.credit_code = None;
    }
    for e in case.timeline.iter_mut() {
        e.text = None;
        if let Some(d) = e.details.as_mut() {
            d.approved_by = None;
        }
    }
}

/// Reads a whole file. With the size known from the walk this is open, one
/// read and close: system calls are the larger part of reading 100,000 small files.
fn read_file(path: &Path, size: Option<u64>) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let size = match size {
        Some(s) => s,
        None => file.metadata()?.len(),
    };
    if size > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge(size));
    }
    let mut buf = vec![0u8; size as usize + 1];
    let mut filled = 0;
    loop {
        let n = file.read(&mut buf[filled..])?;
        filled += n;
        if n == 0 || filled < buf.len() {
            break;
        }
        // The file grew since it was stat'ed: keep reading to the end, within the limit.
        if buf.len() as u64 > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge(buf.len() as u64));
        }
        buf.resize(buf.len() * 2, 0);
    }
    buf.truncate(filled);
    Ok(buf)
}

/// Largest file read: case files are about a kilobyte, and a stray dump named
/// `.yaml` must not exhaust memory.
pub(crate) const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a file could not be read.
enum ReadError {
    Io(std::io::Error),
    TooLarge(u64),
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> ReadError {
        ReadError::Io(e)
    }
}

impl ReadError {
    fn diagnostic(&self, rel: &str) -> Diagnostic {
        match self {
            ReadError::Io(e) => Diagnostic::error("unreadable-file", rel, Pos::start(), format!("无法读取文件：{e}")),
            ReadError::TooLarge(n) => Diagnostic::error(
                "file-too-large",
                rel,
                Pos::start(),
                format!("文件过大（{:.1} MB），未读取", *n as f64 / 1_048_576.0),
            )
            .with_hint(format!("案件库中的 YAML 文件不应超过 {} MB；请检查是否误放了其他文件", MAX_FILE_BYTES >> 20)),
        }
    }
}

/// Reads one file under `cases/`: a meeting if named `meeting.yaml`, else a case.
pub(crate) fn parse_file(rel: &str, path: &Path, size: Option<u64>) -> ParsedFile {
    parse_bytes(rel, path, read_file(path, size))
}

/// Reads a case or meeting file from bytes (an edit not yet written), as a load would read it.
pub(crate) fn parse_edited(rel: &str, bytes: &[u8]) -> ParsedFile {
    parse_bytes(rel, Path::new(rel), Ok(bytes.to_vec()))
}

/// Reads one file's bytes under `cases/`.
fn parse_bytes(rel: &str, path: &Path, read: Result<Vec<u8>, ReadError>) -> ParsedFile {
    let mut sink = Sink::new(rel);
    // Bytes not yet written (an edit) are held to the size a file on disk is.
    let read =
        read.and_then(
            |b| if b.len() as u64 > MAX_FILE_BYTES { Err(ReadError::TooLarge(b.len() as u64)) } else { Ok(b) },
        );
    let content = match read {
        Err(e) => {
            sink.diagnostics.push(e.diagnostic(rel));
            Content::None
        }
        Ok(bytes) => match parse_text(rel, &bytes, &mut sink) {
            None => Content::None,
            Some(node) => {
                let is_meeting = path.file_stem().is_some_and(|n| n.eq_ignore_ascii_case("meeting"));
                if rel.starts_with(&format!("{}/", submission::FOLDER)) {
                    submission::read_submission(rel, &node, &mut sink)
                        .map_or(Content::None, |s| Content::Submission(Box::new(s)))
                } else if is_meeting {
                    settings::read_meeting(rel, &node, &mut sink)
                        .map_or(Content::None, |m| Content::Meeting(Box::new(m)))
                } else {
                    case::read_case(rel, &node, &mut sink).map_or(Content::None, |c| Content::Case(Box::new(c)))
                }
            }
        },
    };
    ParsedFile { content, diagnostics: sink.diagnostics }
}

/// Cases in a meeting's folder (or naming it) take its date, channel and level.
pub(crate) fn apply_meeting_defaults(cases: &mut [Case], meetings: &[&Meeting]) {
    let by_id: HashMap<&str, &Meeting> = meetings.iter().map(|m| (m.id.value.as_str(), *m)).collect();
    let by_folder: HashMap<&str, &Meeting> = meetings.iter().map(|m| (m.folder(), *m)).collect();
    for case in cases.iter_mut() {
        let named = case.meeting.as_ref().and_then(|m| by_id.get(m.value.as_str()).copied());
        let folder = || {
            let mut dir = case.file.as_str();
            while let Some((parent, _)) = dir.rsplit_once('/') {
                if let Some(m) = by_folder.get(parent) {
                    return Some(*m);
                }
                dir = parent;
            }
            None
        };
        let explicit_other = case.meeting.is_some() && named.is_none();
        let Some(meeting) = named.or_else(|| if explicit_other { None } else { folder() }) else { continue };
        let at = case.meeting.as_ref().map_or(case.id.pos, |m| m.pos);
        case.meeting_date = meeting.date;
        if case.meeting.is_none() {
            case.meeting = Some(Spanned::new(meeting.id.value.clone(), at));
        }
        if case.received.is_none() {
            case.received = meeting.date.map(|d| Spanned::new(d, at));
        }
        if case.channel.is_none() {
            case.channel = Some(Channel::Meeting);
        }
        if case.level.is_none() {
            case.level = meeting.level.clone();
            case.level_from_meeting = case.level.is_some();
        }
    }
}
