//! `qinqing build`'s dashboard: a static site under `output/site/`, written
//! into a fresh folder and swapped in whole, so a reader never sees half a site
//! and pages of deleted cases do not linger.

pub mod mask;
pub mod pages;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use chrono::Datelike;
use rayon::prelude::*;

use crate::check::ClockRow;
use crate::load::Repository;
use crate::model::Case;
use crate::report::figures::Report;
use crate::report::trend::Month;
use pages::{slug, Context};

/// The file that marks a folder as a site qinqing wrote (and may replace).
pub const MARKER: &str = ".qinqing-site";

/// Everything the site shows.
pub struct Site<'a> {
    /// The repository.
    pub repo: &'a Repository,
    /// Every clock as of the date.
    pub clocks: &'a [ClockRow<'a>],
    /// The figures of the period.
    pub report: &'a Report,
    /// The monthly trend.
    pub trend: &'a [Month],
    /// The trend chart.
    pub chart_svg: &'a str,
    /// Departments' overdue and late replies as bars.
    pub departments_svg: &'a str,
    /// How the period is named.
    pub period_label: &'a str,
    /// Documents to copy in: (kind, label, file).
    pub documents: Vec<(String, String, PathBuf)>,
    /// The register's entries: (number, kind, recipient, title, date).
    pub issued: Vec<crate::render::register::Entry>,
}

/// Writes the site to `dir`, replacing a previous one. Returns the number of pages.
pub fn write(site: &Site, dir: &Path) -> Result<usize> {
    if dir.exists() && !dir.join(MARKER).exists() {
        bail!("{} 已存在且不是 qinqing 生成的网站，未覆盖；请换一个目录或先移走它", dir.display());
    }
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("无法创建目录 {}", parent.display()))?;
    let fresh = tempfile::Builder::new().prefix(".site-").tempdir_in(parent)?;
    let pages = write_into(site, fresh.path())?;
    crate::timing::mark("site pages");
    // Swap: the old site moves aside, the new one takes its name, the old one is removed.
    let fresh = fresh.keep();
    let old = parent.join(format!(".site-old-{}", std::process::id()));
    if dir.exists() {
        std::fs::rename(dir, &old).with_context(|| format!("无法替换 {}", dir.display()))?;
    }
    std::fs::rename(&fresh, dir).with_context(|| format!("无法写入 {}", dir.display()))?;
    if old.exists() {
        remove_tree(&old).with_context(|| format!("无法删除旧网站 {}", old.display()))?;
    }
    crate::timing::mark("old site removed");
    Ok(pages)
}

/// Removes a previous site: its files in parallel (a hundred thousand unlinks
/// dominate), then the folders.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().try_for_each(std::fs::remove_file)?;
    std::fs::remove_dir_all(dir)
}

fn write_into<'s>(site: &'s Site, root: &Path) -> Result<usize> {
    let repo = site.repo;
    let ctx = Context { settings: &repo.settings, as_of: site.report.as_of, period_label: site.period_label };
    for sub in ["assets", "cases", "departments", "lists", "documents"] {
        std::fs::create_dir_all(root.join(sub))?;
    }
    let put = |rel: &str, text: &str| -> Result<()> {
        std::fs::write(root.join(rel), text).with_context(|| format!("无法写入 {rel}"))
    };
    put(MARKER, "qinqing build 生成的网站；再次构建时整个替换。\n")?;
    put("assets/site.css", pages::CSS)?;

    let existing: Vec<&Case> = repo.cases.iter().filter(|c| crate::check::exists(c, ctx.as_of)).collect();
    let mut clocks_of: HashMap<&str, Vec<&ClockRow>> = HashMap::with_capacity(existing.len());
    for c in site.clocks {
        clocks_of.entry(c.case).or_default().push(c);
    }
    let with_clocks = |c: &'s Case| -> (&'s Case, &[&ClockRow]) {
        (c, clocks_of.get(c.id.value.as_str()).map_or(&[][..], Vec::as_slice))
    };
    let ids: HashSet<&str> = existing.iter().map(|c| c.id.value.as_str()).collect();

    // Case pages, in parallel: the bulk of the work on a large repository.
    existing.par_iter().try_for_each(|case| {
        let (_, clocks) = with_clocks(case);
        let html = pages::case(&ctx, case, clocks, &|id| ids.contains(id));
        put(&format!("cases/{}.html", slug(&case.id.value)), &html)
    })?;

    // Department pages: every registered department, and any lead not in the registry.
    let mut by_lead: BTreeMap<&str, Vec<&Case>> = BTreeMap::new();
    for case in &existing {
        if let Some(l) = case.lead_as_of(ctx.as_of) {
            by_lead.entry(l).or_default().push(case);
        }
    }
    let mut departments: Vec<&str> = repo.departments.iter().flatten().map(|d| d.name.as_str()).collect();
    departments.extend(by_lead.keys().copied());
    departments.extend(site.report.by_department.keys().map(String::as_str));
    departments.extend(site.clocks.iter().filter_map(|c| c.responsible));
    departments.sort_unstable();
    departments.dedup();
    departments.par_iter().try_for_each(|name| {
        let cases: Vec<_> = by_lead.get(name).map(|cs| cs.iter().map(|c| with_clocks(c)).collect()).unwrap_or_default();
        let html = pages::department(&ctx, name, site.report.by_department.get(*name), &cases);
        put(&format!("departments/{}.html", slug(name)), &html)
    })?;

    // Case lists by year received.
    let mut by_year: BTreeMap<String, Vec<&Case>> = BTreeMap::new();
    for case in &existing {
        let year = case.received.as_ref().map_or_else(|| "未知".to_string(), |r| r.value.year().to_string());
        by_year.entry(year).or_default().push(case);
    }
    by_year.par_iter().try_for_each(|(year, cases)| {
        let rows: Vec<_> = cases.iter().map(|c| with_clocks(c)).collect();
        let body = format!(
            "<section><h2>{}年收到的案件（{}件）</h2>\n{}</section>\n",
            year,
            cases.len(),
            pages::case_rows(&ctx, &rows, 1)
        );
        put(&format!("lists/{}.html", slug(year)), &pages::page(&ctx, 1, &format!("{year}年案件"), &body))
    })?;
    let years: Vec<(String, usize)> = by_year.iter().rev().map(|(y, c)| (y.clone(), c.len())).collect();

    // Documents, copied in so the site stands alone.
    let mut documents = Vec::new();
    for (kind, label, file) in &site.documents {
        let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let rel = format!("documents/{}", slug(&name));
        std::fs::copy(file, root.join(&rel)).with_context(|| format!("无法复制 {}", file.display()))?;
        documents.push((kind.clone(), label.clone(), rel));
    }

    let mut overdue: Vec<&ClockRow> =
        site.clocks.iter().filter(|c| c.status == crate::rules::ClockStatus::Overdue).collect();
    overdue.sort_by(ClockRow::worst_first);
    let titles: HashMap<&str, &str> = existing.iter().map(|c| (c.id.value.as_str(), c.title.as_str())).collect();
    let with_page: HashSet<&str> = departments.iter().copied().collect();
    let links = pages::Links { years: &years, documents: &documents, issued: &site.issued };
    let index = pages::index(&ctx, site, &overdue, &titles, &with_page, &links);
    put("index.html", &index)?;
    Ok(existing.len() + departments.len() + by_year.len() + 1)
}
