//! `qinqing render KIND`: official documents into `output/<kind>/`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Result};
use chrono::NaiveDate;

use crate::load::LoadOptions;
use crate::model::rule::NoticeKind;
use crate::model::{DocKind, Named};
use crate::render::batch::{generate, Generated, Job};
use crate::render::plan::Selection;
use crate::render::register;
use crate::render::Format;
use crate::report::period;
use crate::report::period::parse_period;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 文书种类：assignment（交办函）、supervision（督办通知）、bulletin（通报）
    #[arg(value_parser = super::parse_doc_kind)]
    kind: DocKind,
    /// 交办函：某期恳谈会的全部问题
    #[arg(long, value_name = "ID")]
    meeting: Option<String>,
    /// 交办函：单个案件
    #[arg(long, value_name = "ID")]
    case: Option<String>,
    /// 收到日期自（含）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    from: Option<NaiveDate>,
    /// 收到日期至（含）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    to: Option<NaiveDate>,
    /// 通报的期间：2026-06、2026-Q2 或 2026
    #[arg(long, value_name = "PERIOD")]
    period: Option<String>,
    /// 只生成发给这个部门的文书
    #[arg(long, value_name = "NAME")]
    dept: Option<String>,
    /// 输出格式，逗号分隔
    #[arg(long, value_parser = super::parse_doc_format, value_delimiter = ',', default_value = "pdf,docx,html,md")]
    format: Vec<Format>,
    /// 成文日期及检查截至的日期（默认：今天）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<NaiveDate>,
    /// 正式发文：从发文登记簿取下一个文号并登记，并在所涉案件中记入督办或通报事件（默认生成草稿）
    #[arg(long)]
    issue: bool,
    /// 与 --issue 同用：已督办的超期案件再发一份督办通知，已登记的同一文书再发一次（取新号）
    #[arg(long, requires = "issue")]
    reissue: bool,
    /// 输出目录（默认 output/<种类>/）
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    // An issuing run holds the register from before it reads the repository until its numbers are
    // recorded: a second run waits, then sees what the first issued.
    let _lock = if args.issue { Some(register::Lock::take(&super::root(repo)?)?) } else { None };
    let checked = super::open(repo, LoadOptions::default())?;
    let repository = &checked.ledger;
    let today = super::as_of(None, repository);
    let mut as_of = args.as_of.unwrap_or(today);
    super::require_no_errors(&checked, "为免公文出错，未生成任何文书")?;
    let mut sel = Selection {
        meeting: args.meeting,
        case: args.case,
        from: args.from,
        to: args.to,
        dept: args.dept.as_deref().map(|d| repository.department_name(d)),
        period_label: None,
        reissue: args.reissue,
    };
    if args.kind == DocKind::Bulletin {
        // A bulletin is about a period, looked at on its last day (or today if sooner), as `report` does.
        let p = period::resolve(args.period.as_deref(), args.from, args.to, args.as_of, today)?;
        (sel.from, sel.to, sel.period_label, as_of) = (Some(p.from), Some(p.to), Some(p.label), p.as_of);
    } else if let Some(p) = &args.period {
        let (from, to, label) =
            parse_period(p).ok_or_else(|| anyhow!("期间「{p}」无法识别，请写 2026-06、2026-Q2 或 2026"))?;
        sel.from.get_or_insert(from);
        sel.to.get_or_insert(to);
        sel.period_label = Some(label);
    }
    // Only a document that may show contacts reads the ledger itself; any other, the published copy.
    let published;
    let ledger = if args.kind.spec().shows_contacts {
        repository
    } else {
        published = repository.published();
        &published
    };
    let snapshot = ledger.as_of(as_of);
    let out_dir = args.out.unwrap_or_else(|| repository.root.join("output").join(args.kind.key()));
    let job = Job { kind: args.kind, sel: &sel, as_of, formats: &args.format, out_dir: &out_dir, issue: args.issue };
    let Some(Generated { named, results, already, recorded, withheld }) = generate(&snapshot, &job, None)? else {
        eprintln!("截至 {as_of}，没有需要生成的{}。", args.kind.zh());
        if args.kind == DocKind::Supervision {
            covered_by_notices(&snapshot);
        }
        return Ok(0);
    };
    for (to, number, date) in &already {
        eprintln!("{to}：同一{}已于 {date} 发文（{number}），未再取号；确需再发请加 --reissue", args.kind.zh());
    }
    let mut failed = false;
    for w in &results {
        for f in &w.files {
            println!("{}", f.strip_prefix(&repository.root).unwrap_or(f).display());
        }
        for p in &w.problems {
            eprintln!("问题：{p}");
            failed |= p.is_fatal();
        }
    }
    if named.is_empty() {
        return Ok(0);
    }
    if withheld {
        eprintln!("有文书未能生成（见上），未登记文号，也未记入案件；改正后重新运行（文号不变）。");
        return Ok(2);
    }
    let count: usize = results.iter().map(|w| w.files.len()).sum();
    eprintln!(
        "已生成 {} 份{}，{count} 个文件（{}）。",
        named.len(),
        args.kind.zh(),
        if args.issue { "正式发文，已登记文号" } else { "草稿" }
    );
    if !recorded.is_empty() {
        eprintln!("已在 {} 件案件中记入{}：{}", recorded.len(), args.kind.zh(), recorded.join("、"));
    }
    Ok(if failed { 2 } else { 0 })
}

/// Says which notices cover the overdue clocks that called for supervision.
fn covered_by_notices(snapshot: &crate::check::Snapshot) {
    for c in snapshot.overdue() {
        if !c.called.contains(&NoticeKind::Supervision) {
            continue;
        }
        for (kind, at) in &c.issued {
            let Some(e) = c.case.timeline.get(*at) else { continue };
            eprintln!(
                "{} {}（超期 {} 天）已于 {} {}：{}；确需再发请加 --reissue",
                c.case.id.value,
                c.rule.title,
                c.days.unwrap_or(0),
                e.date,
                kind.zh(),
                e.doc().unwrap_or("未写文号")
            );
        }
    }
}
