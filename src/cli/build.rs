//! `qinqing build`: check, then everything the rules call for as of the date
//! (supervision notices), the bulletin of the period, and the dashboard, into `output/`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};

use crate::diag::Severity;
use crate::load::LoadOptions;
use crate::model::{DocKind, Named};
use crate::output::site::{self, Site};
use crate::render::batch::{generate, Job};
use crate::render::fonts::{font_files, Fonts};
use crate::render::plan::Selection;
use crate::render::{file_stem, register, Format};
use crate::report::{chart, figures, trend};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    period: super::PeriodArgs,
    /// 公文的格式，逗号分隔
    #[arg(long, value_parser = super::parse_doc_format, value_delimiter = ',', default_value = "pdf,docx,html")]
    format: Vec<Format>,
    /// 输出目录（默认 output/）
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let started = Instant::now();
    let checked = super::open(repo, LoadOptions::default())?;
    let repository = &checked.ledger;
    let p = args.period.resolve(repository)?;
    let as_of = p.as_of;
    let errors: Vec<_> = checked.errors().collect();
    if !errors.is_empty() {
        for d in errors.iter().take(20) {
            eprintln!("{}:{}:{}: {}", d.file, d.line, d.column, d.message);
        }
        eprintln!("案件库有 {} 处错误，未生成公文和网站。请先运行 qinqing check 并改正。", errors.len());
        return Ok(2);
    }
    crate::timing::mark("load and validate");
    // Everything build writes is published: documents, the site, their copies.
    let repository = &checked.ledger.into_published();
    let snapshot = repository.as_of(as_of);
    let out = args.out.unwrap_or_else(|| repository.root.join("output"));

    // The documents the rules call for, as drafts: numbers are taken only by `render --issue`.
    let fonts = args
        .format
        .contains(&Format::Pdf)
        .then(|| Fonts::discover(&font_files(&repository.root, &repository.settings.fonts)));
    if let Some(f) = &fonts {
        eprintln!("字体：{}", f.report());
    }
    let mut documents = Vec::new();
    let mut failed = false;
    let bulletin_sel =
        Selection { from: Some(p.from), to: Some(p.to), period_label: Some(p.label.clone()), ..Selection::default() };
    // Supervision plans nothing when no clock calls for it; the bulletin is always due.
    let supervision_sel = Selection::default();
    for (kind, sel) in [(DocKind::Supervision, &supervision_sel), (DocKind::Bulletin, &bulletin_sel)] {
        let out_dir = out.join(kind.key());
        let job = Job { kind, sel, as_of, formats: &args.format, out_dir: &out_dir, issue: false };
        let Some(crate::render::batch::Generated { named, results, .. }) = generate(&snapshot, &job, fonts.as_ref())?
        else {
            continue;
        };
        for ((doc, _), written) in named.iter().zip(&results) {
            for f in &written.files {
                let ext = f.extension().map(|e| e.to_string_lossy().to_uppercase()).unwrap_or_default();
                documents.push((
                    kind.zh().to_string(),
                    format!("{}（{}，{ext}）", doc.title, doc.recipients),
                    f.clone(),
                ));
            }
            for problem in &written.problems {
                eprintln!("问题：{problem}");
                failed |= problem.is_fatal();
            }
        }
    }
    crate::timing::mark("documents");

    let report = figures::compute(&snapshot, p.from, p.to);
    let months = trend::monthly(&snapshot, &trend::months(repository, p.from, p.to, as_of));
    let svg = chart::trend_svg(&months)?;
    let bars: Vec<(&str, u64, u64)> =
        report.by_department.iter().map(|(d, f)| (d.as_str(), f.overdue_now, f.replied_late())).collect();
    let departments_svg = chart::departments_svg(&bars, 15)?;
    crate::timing::mark("figures");
    let register_path = repository.root.join(register::FILE);
    let issued = match crate::fsx::read(&register_path) {
        Ok(bytes) => register::read(&String::from_utf8(bytes).context("issued.yaml 不是 UTF-8 编码")?)?,
        Err(_) => Vec::new(),
    };
    // Files `render --issue` wrote for a registered number, if they are still in output/.
    for e in &issued {
        if let (Some(k), Some(to)) = (DocKind::parse(&e.kind), &e.to) {
            let stem = file_stem(&[&e.number, to]);
            for ext in ["pdf", "docx", "html"] {
                let file = out.join(k.key()).join(format!("{stem}.{ext}"));
                if file.is_file() {
                    let label = format!("{}（{to}，{}）", e.number, ext.to_uppercase());
                    documents.push((format!("已发{}", k.zh()), label, file));
                }
            }
        }
    }
    let site = Site {
        snapshot: &snapshot,
        report: &report,
        trend: &months,
        chart_svg: &svg,
        departments_svg: &departments_svg,
        period_label: &p.label,
        documents,
        issued,
    };
    let site_dir = out.join("site");
    let pages = site::write(&site, &site_dir)?;
    crate::timing::mark("site");

    let overdue = snapshot.overdue();
    let overdue_error = overdue.iter().any(|c| c.severity == Some(Severity::Error));
    let overdue = overdue.len();
    let shown = |d: &Path| d.strip_prefix(&repository.root).unwrap_or(d).display().to_string();
    eprintln!(
        "已生成网站 {}（{pages} 页）与 {} 个公文文件；截至 {as_of}，超期未办 {overdue} 项。用时 {:.1} 秒。",
        shown(&site_dir.join("index.html")),
        site.documents.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(if failed { 2 } else { u8::from(overdue_error) })
}
