//! `build`: everything the rules call for as of a date (supervision notices),
//! the bulletin of the period, and the dashboard, all from the published ledger.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{Notices, Outcome, Refusal, Session};
use crate::diag::{Diagnostic, Severity};
use crate::model::{DocKind, Named};
use crate::output::site::{self, Site};
use crate::render::batch::{generate, Generated, Job};
use crate::render::fonts::{font_files, Fonts};
use crate::render::plan::Selection;
use crate::render::{file_stem, register, Format, Progress};
use crate::report::period::Period;
use crate::report::{chart, figures, trend};

/// What a build made.
#[derive(Debug)]
pub(crate) struct Built {
    /// The site's front page, relative to the root when inside it.
    pub(crate) index: PathBuf,
    /// How many pages the site has.
    pub(crate) pages: usize,
    /// How many document files it links.
    pub(crate) documents: usize,
    /// Overdue clocks as of the date.
    pub(crate) overdue: usize,
    /// Whether one of them is at error severity.
    pub(crate) overdue_error: bool,
    /// Whether a document failed to be written.
    pub(crate) failed: bool,
}

/// Builds into `out` (default `output/`); the repository must have no errors.
pub(crate) fn build(
    session: Session,
    period: &Period,
    formats: &[Format],
    out: Option<PathBuf>,
    notices: &mut dyn Notices,
    progress: &(dyn Fn(Progress) + Sync),
) -> Outcome<Built> {
    let errors: Vec<Diagnostic> = session.checked().errors().cloned().collect();
    if !errors.is_empty() {
        return Err(Refusal::RepositoryErrors { doing: "未生成公文和网站", diagnostics: errors }.into());
    }
    let as_of = period.as_of;
    let scope = session.scope().clone();
    // Everything build writes is published: documents, the site, their copies.
    let repository = &session.into_ledger().into_published();
    let snapshot = repository.as_of(as_of);
    let out = out.unwrap_or_else(|| repository.root.join("output"));
    // The documents the rules call for, as drafts: numbers are taken only by `render --issue`.
    let fonts = formats
        .contains(&Format::Pdf)
        .then(|| Fonts::discover(&font_files(&repository.root, &repository.settings.fonts)));
    if let Some(f) = &fonts {
        progress(Progress::Fonts(&f.report()));
    }
    let mut documents = Vec::new();
    let mut failed = false;
    let bulletin_sel = Selection {
        from: Some(period.from),
        to: Some(period.to),
        period_label: Some(period.label.clone()),
        ..Selection::default()
    };
    // Supervision plans nothing when no clock calls for it; the bulletin is always due.
    let supervision_sel = Selection::default();
    for (kind, sel) in [(DocKind::Supervision, &supervision_sel), (DocKind::Bulletin, &bulletin_sel)] {
        let out_dir = out.join(kind.key());
        let job = Job { kind, sel, as_of, formats, out_dir: &out_dir, issue: false, scope: &scope, progress };
        let Some(Generated { named, results, .. }) = generate(&snapshot, &job, fonts.as_ref())? else {
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
                notices.note(&format!("问题：{problem}"));
                failed |= problem.is_fatal();
            }
        }
    }
    crate::timing::mark("documents");
    let report = figures::compute(&snapshot, period.from, period.to);
    let months = trend::monthly(&snapshot, &trend::months(repository, period.from, period.to, as_of));
    let svg = chart::trend_svg(&months)?;
    let bars: Vec<(&str, u64, u64)> =
        report.by_department.iter().map(|(d, f)| (d.as_str(), f.overdue_now, f.replied_late())).collect();
    let departments_svg = chart::departments_svg(&bars, 15)?;
    crate::timing::mark("figures");
    let register_path = repository.root.join(register::FILE);
    let issued = match scope.read(&register_path) {
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
    let documents_count = documents.len();
    let site = Site {
        snapshot: &snapshot,
        report: &report,
        trend: &months,
        chart_svg: &svg,
        departments_svg: &departments_svg,
        period_label: &period.label,
        documents,
        issued,
    };
    let site_dir = out.join("site");
    let pages = site::write(&scope, &site, &site_dir)?;
    crate::timing::mark("site");
    let overdue = snapshot.overdue();
    let index = site_dir.join("index.html");
    let shown = |d: &Path| d.strip_prefix(&repository.root).map(Path::to_path_buf).unwrap_or_else(|_| d.to_path_buf());
    Ok(Built {
        index: shown(&index),
        pages,
        documents: documents_count,
        overdue: overdue.len(),
        overdue_error: overdue.iter().any(|c| c.severity == Some(Severity::Error)),
        failed,
    })
}
