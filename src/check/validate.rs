//! Checks across files: ids, departments, meetings, related cases, and whether
//! each timeline makes sense. Canonicalises department aliases as it goes.

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::diag::{closest, did_you_mean, Diagnostic, IdIndex, Pos};
use crate::load::Repository;
use crate::model::event::Step;
use crate::model::rule::Rule;
use crate::model::{Case, Department, Meeting, Named, Rating, Settings, Spanned};

/// How case ids are looked up: every id of a repository, or the ids of a
/// ledger with a few files edited (`check::incremental`).
pub(super) trait CaseIds {
    /// Whether a case has this id.
    fn contains(&self, id: &str) -> bool;
    /// The id one typing slip away, for a hint.
    fn closest(&self, id: &str) -> Option<&str>;
}

impl CaseIds for IdIndex<'_> {
    fn contains(&self, id: &str) -> bool {
        IdIndex::contains(self, id)
    }

    fn closest(&self, id: &str) -> Option<&str> {
        IdIndex::closest(self, id)
    }
}

/// What a case is checked against besides itself: settings, departments,
/// meetings and rules.
pub(super) struct Context<'a> {
    settings: &'a Settings,
    departments: Option<DepartmentIndex<'a>>,
    meeting_ids: IdIndex<'a>,
    rule_ids: Vec<&'a str>,
}

impl<'a> Context<'a> {
    /// The indexes of a repository's settings, departments, meetings and rules.
    pub(super) fn new(
        settings: &'a Settings,
        departments: Option<&'a [Department]>,
        meetings: &[&'a Meeting],
        rules: &'a [Rule],
    ) -> Context<'a> {
        Context {
            settings,
            departments: departments.map(DepartmentIndex::new),
            meeting_ids: IdIndex::new(meetings.iter().map(|m| m.id.value.as_str())),
            rule_ids: rules.iter().map(|r| r.id.as_str()).collect(),
        }
    }
}

/// Every cross-file problem in the repository, and the cases made canonical
/// (department names and aliases to full names, level labels to keys).
pub(super) fn validate(repo: &mut Repository) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    duplicate_ids(repo.cases.iter().map(|c| (&c.id, c.file.as_str())), "案件编号", &mut out);
    duplicate_ids(repo.meetings.iter().map(|m| (&m.id, m.file.as_str())), "会议编号", &mut out);
    // The departments reminders go to (`notify:`) are departments too.
    if let Some(departments) = repo.departments.as_deref() {
        let index = DepartmentIndex::new(departments);
        for (name, _) in repo.settings.notify.departments.iter_mut() {
            index.canonicalise_name(name, crate::load::SETTINGS_FILE, &mut out);
        }
    }
    let meetings: Vec<&Meeting> = repo.meetings.iter().collect();
    let context = Context::new(&repo.settings, repo.departments.as_deref(), &meetings, &repo.rules);
    // A meeting's level is checked once, in its own file; its cases inherit it unreported.
    for m in &repo.meetings {
        out.extend(meeting_problems(&context, m));
    }
    let case_ids = IdIndex::new(repo.cases.iter().map(|c| c.id.value.as_str()));
    let found: Vec<Vec<Diagnostic>> =
        repo.cases.par_iter().map(|case| case_problems(&context, &case_ids, case)).collect();
    out.extend(found.into_iter().flatten());
    let canonical: Vec<Vec<Diagnostic>> = repo.cases.par_iter_mut().map(|case| canonicalise(&context, case)).collect();
    out.extend(canonical.into_iter().flatten());
    out.extend(submission_problems(repo));
    out
}

/// The online submissions and the cases they became, each naming the other.
fn submission_problems(repo: &Repository) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    duplicate_ids(repo.submissions.iter().map(|s| (&s.id, s.file.as_str())), "提交编号", &mut out);
    let meetings: HashSet<&str> = repo.meetings.iter().map(|m| m.id.value.as_str()).collect();
    let cases: HashMap<&str, Option<&str>> =
        repo.cases.iter().map(|c| (c.id.value.as_str(), c.submission.as_ref().map(|s| s.value.as_str()))).collect();
    let submissions: HashMap<&str, &crate::model::Submission> =
        repo.submissions.iter().map(|s| (s.id.value.as_str(), s)).collect();
    let meeting = |id: &str| meetings.contains(id);
    let case_submission = |id: &str| cases.get(id).copied();
    let submission = |id: &str| submissions.get(id).copied();
    let look =
        super::submissions::Lookup { meeting: &meeting, case_submission: &case_submission, submission: &submission };
    for s in &repo.submissions {
        out.extend(super::submissions::submission_problems(s, &look));
        if cases.contains_key(s.id.value.as_str()) {
            out.push(super::submissions::same_as_a_case(s));
        }
    }
    out.extend(repo.cases.iter().filter_map(|c| super::submissions::case_problems(c, &look)));
    let same = repo.cases.iter().filter(|c| submissions.contains_key(c.id.value.as_str()));
    out.extend(same.map(super::submissions::case_same_as_a_submission));
    out
}

/// What is wrong with a meeting file beyond reading it: its level.
pub(super) fn meeting_problems(context: &Context, meeting: &Meeting) -> Option<Diagnostic> {
    meeting.level.as_ref().and_then(|level| invalid_level(context.settings, level, &meeting.file))
}

/// What is wrong with a case beyond reading it: a meeting, related case or
/// level that does not exist, no received date, a timeline that makes no sense.
pub(super) fn case_problems(context: &Context, case_ids: &dyn CaseIds, case: &Case) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    let at = |pos: Pos, code: &str, msg: String| Diagnostic::error(code, &case.file, pos, msg);
    if let Some(m) = &case.meeting {
        if !context.meeting_ids.contains(&m.value) {
            d.push(
                at(m.pos, "unknown-meeting", format!("未知会议「{}」", m.value))
                    .with_hint_opt(context.meeting_ids.closest(&m.value).map(did_you_mean)),
            );
        }
    }
    for r in &case.related {
        if !case_ids.contains(&r.value) {
            let hint = case_ids.closest(&r.value).map(did_you_mean);
            d.push(at(r.pos, "unknown-case", format!("关联案件「{}」不存在", r.value)).with_hint_opt(hint));
        }
    }
    if let Some(level) = case.level.as_ref().filter(|_| !case.level_from_meeting) {
        d.extend(invalid_level(context.settings, level, &case.file));
    }
    if case.received.is_none() && !case.received_written {
        d.push(
            at(case.id.pos, "missing-field", "案件缺少收到日期「received」".into())
                .with_hint("请写 received: 2026-06-03，或把案件放在有 meeting.yaml 的会议文件夹下"),
        );
    }
    timeline_sense(case, &context.rule_ids, &mut d);
    d
}

/// Makes a case canonical: its level label a key, its department names full
/// names; names that are not departments are reported.
pub(super) fn canonicalise(context: &Context, case: &mut Case) -> Vec<Diagnostic> {
    let mut d = Vec::new();
    if let Some(level) = case.level.as_mut() {
        if let Some(key) = context.settings.level_key(&level.value).filter(|k| *k != level.value) {
            level.value = key.to_string();
        }
    }
    if let Some(index) = &context.departments {
        index.canonicalise(case, &mut d);
    }
    d
}

/// A level that is neither a key nor a label of `levels` in the settings.
fn invalid_level(settings: &Settings, level: &Spanned<String>, file: &str) -> Option<Diagnostic> {
    settings.level_key(&level.value).is_none().then(|| {
        let keys: Vec<String> = settings.levels.iter().map(|(k, l)| format!("{k}（{l}）")).collect();
        Diagnostic::error("invalid-value", file, level.pos, format!("层级「{}」无效", level.value))
            .with_hint(format!("可选：{}", keys.join("、")))
    })
}

pub(super) fn duplicate_ids<'a>(
    items: impl Iterator<Item = (&'a Spanned<String>, &'a str)>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut first: HashMap<&str, (&str, Pos)> = HashMap::default();
    let mut reported_first = HashSet::default();
    for (id, file) in items {
        match first.get(id.value.as_str()) {
            None => {
                first.insert(&id.value, (file, id.pos));
            }
            Some(&(other, other_pos)) => {
                out.push(
                    Diagnostic::error(
                        "duplicate-id",
                        file,
                        id.pos,
                        format!("{what}「{}」重复：{other} 与 {file}", id.value),
                    )
                    .with_hint(format!("另见 {other}:{}；编号须全库唯一", other_pos.line)),
                );
                if reported_first.insert(other) {
                    out.push(
                        Diagnostic::error(
                            "duplicate-id",
                            other,
                            other_pos,
                            format!("{what}「{}」重复：{other} 与 {file}", id.value),
                        )
                        .with_hint(format!("另见 {file}:{}；编号须全库唯一", id.pos.line)),
                    );
                }
            }
        }
    }
}

/// A promised completion date: after the answer, and given exactly when the
/// outcome is unfinished (else nothing holds the department to it).
fn promise_problems(case: &Case, e: &crate::model::Event, d: &mut Vec<Diagnostic>) {
    let Some(result) = e.result else { return };
    match (result.finished(), e.promise()) {
        (false, None) => d.push(
            Diagnostic::warning(
                "promise-missing",
                &case.file,
                e.pos,
                format!("办理结果为「{}」，没有写承诺办结日期，这件事没有时限", result.zh()),
            )
            .with_hint("请写 promise: 承诺办结的日期（命令行 --promise 2026-12-31），到期未办结即超期"),
        ),
        (true, Some(p)) => d.push(
            Diagnostic::warning(
                "promise-when-finished",
                &case.file,
                p.pos,
                format!("办理结果为「{}」，已办结的结果不需要承诺办结日期", result.zh()),
            )
            .with_hint("承诺办结日期只用于正在解决、达成方案、列入计划；请删除 promise 或改正办理结果"),
        ),
        (false, Some(p)) if p.value < e.date => d.push(Diagnostic::error(
            "invalid-value",
            &case.file,
            p.pos,
            format!("承诺办结日期 {} 早于答复日期 {}", p.value, e.date),
        )),
        (false, Some(_)) | (true, None) => {}
    }
}

/// Events out of order, before `received`, or where they make no sense: each
/// kind's declaration says which step it is and which it needs.
fn timeline_sense(case: &Case, rule_ids: &[&str], d: &mut Vec<Diagnostic>) {
    let at = |pos: Pos, code: &str, msg: String| Diagnostic::error(code, &case.file, pos, msg);
    let mut previous: Option<chrono::NaiveDate> = None;
    let (mut assigned, mut answered, mut closed) = (false, false, false);
    // Whether the latest rating so far is 不满意: a closing then needs its reason.
    let mut unsatisfied = false;
    for e in &case.timeline {
        let name = e.kind.zh();
        let spec = e.kind.spec();
        if let Some(p) = previous.filter(|p| e.date < *p) {
            d.push(
                at(e.pos, "event-out-of-order", format!("「{name}」事件日期 {} 早于上一事件 {p}", e.date))
                    .with_hint("事件请按日期先后排列，并核对日期是否写错"),
            );
        }
        previous = Some(previous.map_or(e.date, |p| p.max(e.date)));
        if let Some(r) = case.received.as_ref().filter(|r| e.date < r.value) {
            d.push(
                at(e.pos, "event-before-received", format!("「{name}」事件日期 {} 早于收到日期 {}", e.date, r.value))
                    .with_hint("请核对事件日期或 received"),
            );
        }
        if closed && !spec.after_closing {
            d.push(
                Diagnostic::warning(
                    "event-after-closed",
                    &case.file,
                    e.pos,
                    format!("案件已办结，其后又有「{name}」事件"),
                )
                .with_hint("如需重新办理，请删除或改正原「办结」事件"),
            );
        }
        match spec.needs {
            Step::Assignment if !assigned => d.push(
                at(e.pos, "event-without-assignment", format!("尚未交办就有「{name}」事件"))
                    .with_hint("请先记录「交办」（assigned）事件，或核对事件类型"),
            ),
            Step::Answer if !answered => d.push(
                at(e.pos, "evaluation-before-reply", format!("尚未答复就有「{name}」事件"))
                    .with_hint("满意度评价应在部门答复（replied）之后"),
            ),
            Step::None | Step::Assignment | Step::Answer | Step::Closing => {}
        }
        if let Some(rating) = e.rating {
            unsatisfied = rating == Rating::Unsatisfied;
        }
        if spec.step == Step::Closing && unsatisfied && e.reason().is_none() {
            d.push(
                at(
                    e.pos,
                    "closed-without-reason",
                    "企业评价不满意，其后没有满意或基本满意的评价，办结须写明理由".into(),
                )
                .with_hint("办结时加 --reason 写明理由（案件文件中为 reason:），如 --reason 经联席会议研究，企业诉求不符合政策；或先重办并记录新的评价"),
            );
        }
        match spec.step {
            Step::Assignment => assigned = true,
            Step::Answer => answered = true,
            Step::Closing => closed = true,
            Step::None => {}
        }
        if let (Some((due_word, date_word)), Some(due)) = (spec.due_words, e.due()) {
            if due.value < e.date {
                d.push(at(due.pos, "invalid-value", format!("{due_word} {} 早于{date_word} {}", due.value, e.date)));
            }
        }
        promise_problems(case, e, d);
        if let Some(rule) = e.rule() {
            if !rule_ids.contains(&rule.value.as_str()) {
                let hint = closest(&rule.value, rule_ids.iter().copied())
                    .map(did_you_mean)
                    .unwrap_or_else(|| format!("可选：{}", rule_ids.join("、")));
                d.push(at(rule.pos, "unknown-rule", format!("未知时限规则「{}」", rule.value)).with_hint(hint));
            }
        }
    }
}

/// Department names and aliases, for checking and canonicalising case files.
struct DepartmentIndex<'a> {
    canonical: HashMap<&'a str, &'a str>,
    all_names: Vec<&'a str>,
}

impl<'a> DepartmentIndex<'a> {
    fn new(departments: &'a [Department]) -> DepartmentIndex<'a> {
        let mut canonical = HashMap::default();
        let mut all_names = Vec::new();
        for d in departments {
            all_names.push(d.name.as_str());
            for name in d.names() {
                canonical.insert(name, d.name.as_str());
            }
        }
        DepartmentIndex { canonical, all_names }
    }

    fn suggest(&self, name: &str) -> Option<&'a str> {
        let candidates = self.canonical.keys().copied();
        closest(name, candidates)
            .map(|near| self.canonical[near])
            .or_else(|| closest(name, self.all_names.iter().copied()))
    }

    /// Replaces aliases by full names; reports names that are not departments.
    fn canonicalise(&self, case: &mut Case, out: &mut Vec<Diagnostic>) {
        if let Some(p) = case.proposed.as_mut() {
            for name in std::iter::once(&mut p.lead).chain(p.co.iter_mut()) {
                self.canonicalise_name(name, &case.file, out);
            }
        }
        // The kind's declaration says which of its fields name departments.
        for e in case.timeline.iter_mut() {
            for field in e.kind.spec().fields.iter().filter(|f| f.ty.names_departments()) {
                for name in e.names_mut(field.name) {
                    self.canonicalise_name(name, &case.file, out);
                }
            }
        }
    }

    /// One name written as a department, in `file`: made the full name, or reported.
    fn canonicalise_name(&self, name: &mut Spanned<String>, file: &str, out: &mut Vec<Diagnostic>) {
        match self.canonical.get(name.value.trim()) {
            Some(full) => {
                if name.value != *full {
                    name.value = full.to_string();
                }
            }
            None => out.push(
                Diagnostic::error("unknown-department", file, name.pos, format!("未知部门「{}」", name.value))
                    .with_hint(
                        self.suggest(&name.value)
                            .map(did_you_mean)
                            .unwrap_or_else(|| "请在 departments.yaml 中登记该部门，或改用已登记的名称".into()),
                    ),
            ),
        }
    }
}
