//! `qinqing render KIND`: official documents into `output/<kind>/`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use chrono::{Datelike, NaiveDate};

use crate::check::Snapshot;
use crate::load::{Detail, LoadOptions};
use crate::model::document::Layout;
use crate::model::{DocKind, Named};
use crate::render::document::Document;
use crate::render::fonts::{font_dirs, Fonts};
use crate::render::plan::{plan, Selection};
use crate::render::register::{self, Pattern};
use crate::render::template::Templates;
use crate::render::{file_stem, write_all, Format, Written};
use crate::report::period;
use crate::report::period::parse_period;
use crate::text::date_cn;

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
    /// 正式发文：从发文登记簿取下一个文号并登记（默认生成草稿）
    #[arg(long)]
    issue: bool,
    /// 输出目录（默认 output/<种类>/）
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let checked = super::open(repo, LoadOptions { cache: false, detail: Detail::Full })?;
    let repository = &checked.ledger;
    let today = super::as_of(None, repository);
    let mut as_of = args.as_of.unwrap_or(today);
    let errors = checked.errors().count();
    if errors > 0 {
        bail!("案件库有 {errors} 处错误，为免公文出错，未生成任何文书。请先运行 qinqing check 并改正");
    }
    let mut sel = Selection {
        meeting: args.meeting,
        case: args.case,
        from: args.from,
        to: args.to,
        dept: args.dept.as_deref().map(|d| repository.department_name(d)),
        period_label: None,
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
    let snapshot = repository.as_of(as_of);
    let out_dir = args.out.unwrap_or_else(|| repository.root.join("output").join(args.kind.key()));
    let job = Job { kind: args.kind, sel: &sel, as_of, formats: &args.format, out_dir: &out_dir, issue: args.issue };
    let Some((named, results)) = generate(&snapshot, &job, None)? else {
        eprintln!("截至 {as_of}，没有需要生成的{}。", args.kind.zh());
        return Ok(0);
    };
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
    let count: usize = results.iter().map(|w| w.files.len()).sum();
    eprintln!(
        "已生成 {} 份{}，{count} 个文件（{}）。",
        named.len(),
        args.kind.zh(),
        if args.issue { "正式发文，已登记文号" } else { "草稿" }
    );
    Ok(if failed { 2 } else { 0 })
}

/// The documents of a job with their file stems, and what was written of each.
pub(crate) type Generated = (Vec<(Document, String)>, Vec<Written>);

/// One batch of documents to write.
pub(crate) struct Job<'a> {
    /// Which kind.
    pub(crate) kind: DocKind,
    /// For what.
    pub(crate) sel: &'a Selection,
    /// As of (also the document date).
    pub(crate) as_of: NaiveDate,
    /// Formats to write.
    pub(crate) formats: &'a [Format],
    /// Where.
    pub(crate) out_dir: &'a Path,
    /// Take numbers from the register instead of writing drafts.
    pub(crate) issue: bool,
}

/// Plans, fills the templates, numbers (when issuing) and writes the documents
/// of a job; `None` when the kind calls for nothing. Fonts are loaded here
/// unless the caller already did.
pub(crate) fn generate(snapshot: &Snapshot, job: &Job, fonts: Option<&Fonts>) -> Result<Option<Generated>> {
    let (kind, as_of, repository) = (job.kind, job.as_of, snapshot.ledger);
    let planned = plan(snapshot, kind, job.sel)?;
    if planned.is_empty() {
        return Ok(None);
    }
    let templates = Templates::load(&repository.root)?;
    let pattern = Pattern(
        repository
            .settings
            .numbering
            .iter()
            .find(|(k, _)| k == kind.key())
            .map_or_else(|| "〔{year}〕{seq}号".to_string(), |(_, p)| p.clone()),
    );
    let mut docs: Vec<Document> = Vec::with_capacity(planned.len());
    for p in &planned {
        let r = templates.render(kind, &p.context, &p.charts)?;
        let s = &repository.settings;
        docs.push(Document {
            layout: kind.spec().layout.key(),
            draft: !job.issue,
            mark: match kind.spec().layout {
                Layout::Letter => s.organization_name.clone(),
                Layout::Standard => s.mark(),
            },
            number: pattern.draft(as_of.year()),
            title: r.title,
            recipients: if r.recipients.is_empty() { p.recipient.clone() } else { r.recipients },
            body: r.body,
            attachments: r.attachments,
            signature: s.organization_name.clone(),
            date: date_cn(as_of),
            cc: r.cc,
            printed_by: s.organization_name.clone(),
            printed_date: format!("{}印发", date_cn(as_of)),
            markdown: r.markdown,
        });
    }
    if job.issue {
        let used: Vec<String> = repository
            .cases
            .iter()
            .flat_map(|c| c.timeline.iter().filter_map(|e| e.doc().map(str::to_string)))
            .collect();
        let titles: Vec<(String, String)> = docs.iter().map(|d| (d.recipients.clone(), d.title.clone())).collect();
        let numbers = register::issue(&repository.root, kind, &pattern, as_of, &used, &titles)?;
        for (d, n) in docs.iter_mut().zip(numbers) {
            d.number = n;
        }
    }
    let named: Vec<(Document, String)> = docs
        .into_iter()
        .zip(&planned)
        .map(|(d, p)| {
            let stem = if d.draft {
                file_stem(&[&as_of.to_string(), kind.zh(), &p.recipient, "草稿"])
            } else {
                file_stem(&[&d.number, &p.recipient])
            };
            (d, stem)
        })
        .collect();
    let discovered;
    let fonts = match fonts {
        Some(f) => Some(f),
        None if job.formats.contains(&Format::Pdf) => {
            discovered = Fonts::discover(&font_dirs(&repository.root, &repository.settings.fonts));
            eprintln!("字体：{}", discovered.report());
            Some(&discovered)
        }
        None => None,
    };
    let bar = (std::io::stderr().is_terminal() && named.len() > 1).then(|| {
        let b = indicatif::ProgressBar::new(named.len() as u64);
        b.set_message(kind.zh());
        b
    });
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let results = write_all(&named, job.formats, fonts, job.out_dir, as_of, &tick);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    Ok(Some((named, results)))
}
