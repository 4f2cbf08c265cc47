//! Documents (`render`): drafts, or issued with numbers from the register and
//! recorded in the cases they cover.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use chrono::NaiveDate;

use super::{require_no_errors, Open, Outcome, Refusal, Session};
use crate::model::document::Selector;
use crate::model::rule::NoticeKind;
use crate::model::{AssignmentBy, DocKind, Named};
use crate::render::batch::{generate, Generated, Job};
use crate::render::plan::Selection;
use crate::render::{register, Format, Progress};
use crate::report::period::{self, parse_period};

/// A request for documents of one kind.
#[derive(Debug, Clone)]
pub(crate) struct Render {
    pub(crate) kind: DocKind,
    pub(crate) meeting: Option<String>,
    pub(crate) cases: Vec<String>,
    pub(crate) due: Option<NaiveDate>,
    pub(crate) from: Option<NaiveDate>,
    pub(crate) to: Option<NaiveDate>,
    pub(crate) period: Option<String>,
    pub(crate) dept: Option<String>,
    pub(crate) formats: Vec<Format>,
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) issue: bool,
    pub(crate) reissue: bool,
    pub(crate) out: Option<PathBuf>,
}

/// What a render made.
pub(crate) struct Rendered {
    /// The date the documents are dated and looked at.
    pub(crate) as_of: NaiveDate,
    /// The repository root (files are shown relative to it).
    pub(crate) root: PathBuf,
    /// The documents, or `None` when the kind called for nothing.
    pub(crate) generated: Option<Generated>,
    /// When nothing was called for: the notices already covering overdue clocks, in words.
    pub(crate) covered: Vec<String>,
    /// Files a killed run's write had left, written first.
    pub(crate) recovered: usize,
}

/// Makes the documents of a request.
pub(crate) fn render(start: &Path, r: Render, progress: &(dyn Fn(Progress) + Sync)) -> Outcome<Rendered> {
    // An issuing run holds the register from before it reads the repository until its numbers are
    // recorded: a second run waits, then sees what the first issued.
    let root = crate::load::find_root(start)?;
    let _lock = if r.issue { Some(register::Lock::take(&crate::fsx::Scope::new(&root))?) } else { None };
    let session = Session::open(start, Open::full())?;
    let repository = session.ledger();
    let today = session.date(None);
    let mut as_of = r.as_of.unwrap_or(today);
    require_no_errors(session.checked(), "为免公文出错，未生成任何文书")?;
    takes_what_is_given(&r)?;
    let mut sel = Selection {
        meeting: r.meeting.clone(),
        cases: r.cases.clone(),
        due: r.due,
        from: r.from,
        to: r.to,
        dept: r.dept.as_deref().map(|d| repository.department_name(d)),
        period_label: None,
        reissue: r.reissue,
    };
    if let (DocKind::Bulletin, Some(id)) = (r.kind, &r.meeting) {
        // A meeting's bulletin: from the day it was held to the date looked at.
        let m = super::create::find_meeting(&session, id)?;
        if r.period.is_some() || r.from.is_some() || r.to.is_some() {
            return Err(Refusal::field("period", "恳谈会的通报从会议召开之日起算，不另写期间").into());
        }
        let from = m.date.unwrap_or(as_of).min(as_of);
        (sel.from, sel.to, sel.period_label) = (Some(from), Some(as_of), Some(m.title.clone()));
    } else if r.kind == DocKind::Bulletin {
        // A bulletin is about a period, looked at on its last day (or today if sooner), as `report` does.
        let p = period::resolve(r.period.as_deref(), r.from, r.to, r.as_of, today)?;
        (sel.from, sel.to, sel.period_label, as_of) = (Some(p.from), Some(p.to), Some(p.label), p.as_of);
    } else if let Some(p) = &r.period {
        let (from, to, label) = parse_period(p)
            .ok_or_else(|| anyhow!("期间「{p}」无法识别，请写 2026-06、2026-Q2、2026 或一天 2026-03-18"))?;
        sel.from.get_or_insert(from);
        sel.to.get_or_insert(to);
        sel.period_label = Some(label);
    }
    // A meeting's assignment goes out as the office chose: letters, its list, or both.
    let kinds: &[DocKind] = match (r.kind, &sel.meeting, repository.settings.assignment_by) {
        (DocKind::Assignment, Some(_), AssignmentBy::List) => &[DocKind::List],
        (DocKind::Assignment, Some(_), AssignmentBy::Both) => &[DocKind::Assignment, DocKind::List],
        _ => std::slice::from_ref(&r.kind),
    };
    // Only a document that may show contacts reads the ledger itself; any other, the published copy.
    let published = repository.published();
    let (inside, outside) = (repository.as_of(as_of), published.as_of(as_of));
    let mut generated: Option<Generated> = None;
    for &kind in kinds {
        let snapshot = if kind.spec().shows_contacts { &inside } else { &outside };
        let out_dir = match (&r.out, kind == r.kind) {
            (Some(out), true) => out.clone(),
            _ => repository.root.join("output").join(kind.key()),
        };
        let job = Job {
            kind,
            sel: &sel,
            as_of,
            formats: &r.formats,
            out_dir: &out_dir,
            issue: r.issue,
            scope: session.scope(),
            progress,
        };
        generated = match (generated, generate(snapshot, &job, None)?) {
            (Some(mut a), Some(b)) => {
                a.named.extend(b.named);
                a.results.extend(b.results);
                a.already.extend(b.already);
                a.recorded.extend(b.recorded);
                a.withheld |= b.withheld;
                Some(a)
            }
            (a, b) => a.or(b),
        };
    }
    let snapshot = &outside;
    let covered =
        if generated.is_none() && r.kind == DocKind::Supervision { covered_by_notices(snapshot) } else { Vec::new() };
    Ok(Rendered { as_of, root: repository.root.clone(), generated, covered, recovered: session.recovered() })
}

/// A document kind takes only what it declares (`DocSpec::takes`): anything
/// else given is refused at its field, never ignored.
fn takes_what_is_given(r: &Render) -> Result<(), Refusal> {
    let given = [
        (Selector::Meeting, r.meeting.is_some()),
        (Selector::Case, !r.cases.is_empty()),
        (Selector::Period, r.period.is_some() || r.from.is_some() || r.to.is_some()),
        (Selector::Dept, r.dept.is_some()),
        (Selector::Due, r.due.is_some()),
    ];
    let takes = r.kind.spec().takes;
    match given.iter().find(|(s, g)| *g && !takes.contains(s)) {
        Some((s, _)) => {
            let ok: Vec<String> = takes.iter().map(|t| format!("--{}", t.field())).collect();
            Err(Refusal::field(
                s.field(),
                format!(
                    "{}不按 --{} 选取（可用：{}）",
                    r.kind.zh(),
                    s.field(),
                    if ok.is_empty() { "无".into() } else { ok.join("、") }
                ),
            ))
        }
        None => Ok(()),
    }
}

/// Which notices cover the overdue clocks that called for supervision.
fn covered_by_notices(snapshot: &crate::check::Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for c in snapshot.overdue() {
        if !c.called.contains(&NoticeKind::Supervision) {
            continue;
        }
        for (kind, at) in &c.issued {
            let Some(e) = c.case.timeline.get(*at) else { continue };
            out.push(format!(
                "{} {}（超期 {} 天）已于 {} {}：{}；确需再发请加 --reissue",
                c.case.id.value,
                c.rule.title,
                c.days.unwrap_or(0),
                e.date,
                kind.zh(),
                e.doc().unwrap_or("未写文号")
            ));
        }
    }
    out
}
