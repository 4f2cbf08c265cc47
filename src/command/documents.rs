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
    /// Each case's receipt code in an assignment or a list (the office's own copy).
    pub(crate) codes: bool,
    /// The state folder the receipt codes' secret is in (default: the repository's).
    pub(crate) state: Option<PathBuf>,
    /// When issuing, commit the register and the cases it recorded in, by this account (a web account).
    pub(crate) signed: Option<crate::git::Signature>,
}

/// What a render made.
pub(crate) struct Rendered {
    /// The date the documents are dated and looked at.
    pub(crate) as_of: NaiveDate,
    /// The repository root (files are shown relative to it).
    pub(crate) root: PathBuf,
    /// The documents, or `None` when the kind called for nothing.
    pub(crate) generated: Option<Generated>,
    /// Each kind made and how many (a meeting's assignment may be letters and a list).
    pub(crate) kinds_made: Vec<(DocKind, usize)>,
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
    if let Some(d) = &r.dept {
        repository.known_department(d).map_err(|why| Refusal::field("dept", why))?;
    }
    let mut r = r;
    let mut seen = std::collections::HashSet::new();
    r.cases.retain(|c| seen.insert(c.clone()));
    // A format named twice is made once.
    let mut formats = Vec::new();
    for f in r.formats.drain(..) {
        if !formats.contains(&f) {
            formats.push(f);
        }
    }
    r.formats = formats;
    let mut sel = Selection {
        meeting: r.meeting.clone(),
        cases: r.cases.clone(),
        due: r.due,
        from: r.from,
        to: r.to,
        dept: r.dept.as_deref().map(|d| repository.department_name(d)),
        period_label: None,
        reissue: r.reissue,
        codes: std::collections::BTreeMap::new(),
        address: repository.settings.serve_url.clone(),
    };
    // Receipt codes: on every receipt; on an assignment or a list only in the office's own copy.
    if r.kind == DocKind::Receipt && sel.address.is_none() {
        return Err(Refusal::request(
            "回执上的二维码指向企业查看进度的网页，需要本办网页服务的网址：请在 qinqing.yaml 写 serve: { url: … }",
        )
        .into());
    }
    if r.kind.spec().carries_codes || r.codes {
        if r.codes && r.issue {
            return Err(
                Refusal::field("codes", "带回执码的是本办留存的底稿，不正式发文：去掉 --codes 再 --issue").into()
            );
        }
        let secret = super::receipts::secret(&super::accounts::state_dir(&root, r.state.as_deref()))?;
        // The codes of the cases the documents can name: those named, a meeting's, else every case's.
        let of_meeting = |c: &crate::model::Case| {
            sel.meeting.as_ref().is_some_and(|m| c.meeting.as_ref().is_some_and(|x| &x.value == m))
        };
        let everyone = sel.cases.is_empty() && sel.meeting.is_none();
        sel.codes = repository
            .cases
            .iter()
            .filter(|c| everyone || sel.cases.contains(&c.id.value) || of_meeting(c))
            .map(|c| (c.id.value.clone(), super::receipts::code(&secret, &c.id.value)))
            .collect();
    } else if r.state.is_some() {
        return Err(Refusal::field("state", format!("{}不带回执码，不读状态文件夹", r.kind.zh())).into());
    }
    if let (DocKind::Bulletin, Some(id)) = (r.kind, &r.meeting) {
        // A meeting's bulletin: from the day it was held to the date looked at.
        let m = super::create::find_meeting(&session, id)?;
        if r.period.is_some() || r.from.is_some() || r.to.is_some() {
            return Err(Refusal::field("period", "恳谈会的通报从会议召开之日起算，不另写期间").into());
        }
        let from = m.date.unwrap_or(as_of).min(as_of);
        // The label titles a published document and names its file: masked as the rest is.
        let label = crate::text::mask::phones_in(&m.title);
        (sel.from, sel.to, sel.period_label) = (Some(from), Some(as_of), Some(label));
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
    // The list goes to every unit of the whole meeting: it is not narrowed to a case or a department.
    if kinds.contains(&DocKind::List) && r.kind == DocKind::Assignment {
        if let Some(flag) = [("case", !r.cases.is_empty()), ("dept", r.dept.is_some())].iter().find(|(_, g)| *g) {
            return Err(Refusal::field(
                flag.0,
                format!(
                    "本案件库一期恳谈会交办时发责任清单（qinqing.yaml 的 assignment），清单按整期发给全部责任单位，不按 --{} 选取",
                    flag.0
                ),
            )
            .into());
        }
    }
    // Only a document that may show contacts reads the ledger itself; any other, the published copy.
    let published = repository.published();
    let (inside, outside) = (repository.as_of(as_of), published.as_of(as_of));
    let mut generated: Option<Generated> = None;
    let mut kinds_made: Vec<(DocKind, usize)> = Vec::new();
    for &kind in kinds {
        let snapshot = if kind.spec().shows_contacts { &inside } else { &outside };
        // `--out` holds every kind made; else each kind its own folder.
        let out_dir = r.out.clone().unwrap_or_else(|| repository.root.join("output").join(kind.key()));
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
        let made = generate(snapshot, &job, None)?;
        if let Some(m) = &made {
            kinds_made.push((kind, m.named.len()));
        }
        generated = match (generated, made) {
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
    // Issued from the web: the register and the cases that now record the documents, committed as the account's.
    let issued = generated.as_ref().filter(|g| r.issue && !g.withheld && !g.recorded.is_empty());
    if let (Some(g), Some(signed)) = (issued, &r.signed) {
        let mut files = vec![register::FILE.to_string()];
        files.extend(g.recorded.iter().filter_map(|id| repository.case(id)).map(|c| c.file.clone()));
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        let subject = format!(
            "发文：{}（{}）",
            kinds_made.iter().map(|(k, _)| k.zh()).collect::<Vec<_>>().join("、"),
            g.recorded.join("、")
        );
        session.git().commit_signed(&files, &subject, Some(signed))?;
    }
    let snapshot = &outside;
    // Nothing called for: which notices already cover the overdue clocks (not for a notice on demand).
    let covered = if generated.is_none() && r.kind == DocKind::Supervision && r.cases.is_empty() {
        covered_by_notices(snapshot)
    } else {
        Vec::new()
    };
    Ok(Rendered {
        as_of,
        root: repository.root.clone(),
        generated,
        kinds_made,
        covered,
        recovered: session.recovered(),
    })
}

/// A document kind takes only what it declares (`DocSpec::takes`): anything
/// else given is refused at its field, never ignored.
fn takes_what_is_given(r: &Render) -> Result<(), Refusal> {
    // Each option given, under the flag the user typed.
    let given = [
        (Selector::Meeting, "meeting", r.meeting.is_some()),
        (Selector::Case, "case", !r.cases.is_empty()),
        (Selector::Period, "period", r.period.is_some()),
        (Selector::Period, "from", r.from.is_some()),
        (Selector::Period, "to", r.to.is_some()),
        (Selector::Dept, "dept", r.dept.is_some()),
        (Selector::Due, "due", r.due.is_some()),
        (Selector::Codes, "codes", r.codes),
    ];
    let takes = r.kind.spec().takes;
    if r.issue && !r.kind.numbered() {
        return Err(Refusal::field("issue", format!("{}不编文号、不登记，直接生成即可，不用 --issue", r.kind.zh())));
    }
    match given.iter().find(|(s, _, g)| *g && !takes.contains(s)) {
        Some((Selector::Codes, flag, _)) => Err(Refusal::field(
            flag,
            format!("{}不带回执码（--codes 只用于交办函、责任清单的本办底稿；回执本身就印有回执码）", r.kind.zh()),
        )),
        Some((_, flag, _)) => {
            let ok: Vec<String> = takes.iter().map(|t| format!("--{}", t.field())).collect();
            let ok = if ok.is_empty() { "无".to_string() } else { ok.join("、") };
            Err(Refusal::field(flag, format!("{}不按 --{flag} 选取（可用：{ok}）", r.kind.zh())))
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
