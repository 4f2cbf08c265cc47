//! `qinqing build`'s dashboard: a static site under `output/site/`, written
//! into a fresh folder and swapped in whole, so a reader never sees half a site
//! and pages of deleted cases do not linger.

pub(crate) mod pages;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use chrono::Datelike;
use rayon::prelude::*;

use crate::check::Snapshot;
use crate::fsx::Tree;
use crate::report::figures::Report;
use crate::report::trend::Month;
use pages::{slug, Context, Row};

/// The file that marks a folder as a site qinqing wrote (and may replace).
pub(crate) const MARKER: &str = ".qinqing-site";

/// Everything the site shows.
pub(crate) struct Site<'a> {
    /// The ledger and its clocks as of the date.
    pub(crate) snapshot: &'a Snapshot<'a>,
    /// The figures of the period.
    pub(crate) report: &'a Report,
    /// The monthly trend.
    pub(crate) trend: &'a [Month],
    /// The trend chart.
    pub(crate) chart_svg: &'a str,
    /// Departments' overdue and late replies as bars.
    pub(crate) departments_svg: &'a str,
    /// How the period is named.
    pub(crate) period_label: &'a str,
    /// Documents to copy in: (kind, label, file).
    pub(crate) documents: Vec<(String, String, PathBuf)>,
    /// The register's entries.
    pub(crate) issued: Vec<crate::render::register::Entry>,
}

/// Writes the site to `dir`, replacing a previous one. Returns the number of pages.
pub(crate) fn write(scope: &crate::fsx::Scope, site: &Site, dir: &Path) -> Result<usize> {
    if !site.snapshot.ledger.public {
        bail!("内部错误：网站须由脱敏后的案件库生成");
    }
    if dir.exists() && !dir.join(MARKER).exists() {
        bail!("{} 已存在且不是 qinqing 生成的网站，未覆盖；请换一个目录或先移走它", dir.display());
    }
    let tree = scope.tree_beside(dir, ".site-")?;
    let pages = write_into(site, &tree)?;
    crate::timing::mark("site pages");
    tree.commit(dir, remove_tree)?;
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

fn write_into(site: &Site, tree: &Tree) -> Result<usize> {
    let snapshot = site.snapshot;
    let repo = snapshot.ledger;
    let ctx = Context { settings: &repo.settings, as_of: snapshot.as_of, period_label: site.period_label };
    for sub in ["assets", "cases", "departments", "lists", "documents"] {
        tree.mkdir(sub)?;
    }
    let put = |rel: &str, text: &str| tree.put(rel, text.as_bytes());
    put(MARKER, "qinqing build 生成的网站；再次构建时整个替换。\n")?;
    put("assets/site.css", pages::CSS)?;

    // Each existing case with where it stands.
    let existing: Vec<Row> = (0..repo.cases.len())
        .filter(|&i| crate::check::exists(&repo.cases[i], ctx.as_of))
        .map(|i| (&repo.cases[i], snapshot.state(i), i))
        .collect();
    let known = |id: &str| repo.case(id).is_some_and(|c| crate::check::exists(c, ctx.as_of));

    // Case pages, in parallel: the bulk of the work on a large repository.
    existing.par_iter().try_for_each(|(case, state, i)| {
        let html = pages::case(&ctx, case, state, snapshot.clocks_of(*i), &known);
        put(&format!("cases/{}.html", slug(&case.id.value)), &html)
    })?;

    // Department pages: every registered department, and any lead not in the registry.
    let mut by_lead: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in &existing {
        if let Some(l) = row.1.lead {
            by_lead.entry(l).or_default().push(row);
        }
    }
    let mut departments: Vec<&str> = repo.departments.iter().flatten().map(|d| d.name.as_str()).collect();
    departments.extend(by_lead.keys().copied());
    departments.extend(site.report.by_department.keys().map(String::as_str));
    departments.extend(snapshot.clocks.iter().filter_map(|c| c.responsible));
    departments.sort_unstable();
    departments.dedup();
    departments.par_iter().try_for_each(|name| {
        let cases: Vec<&Row> = by_lead.get(name).cloned().unwrap_or_default();
        let html = pages::department(&ctx, name, site.report.by_department.get(*name), &cases);
        put(&format!("departments/{}.html", slug(name)), &html)
    })?;

    // Case lists by year received.
    let mut by_year: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    for row in &existing {
        let year = row.0.received.as_ref().map_or_else(|| "未知".to_string(), |r| r.value.year().to_string());
        by_year.entry(year).or_default().push(row);
    }
    by_year.par_iter().try_for_each(|(year, rows)| {
        let body = format!(
            "<section><h2>{}年收到的案件（{}件）</h2>\n{}</section>\n",
            year,
            rows.len(),
            pages::case_rows(rows, 1)
        );
        put(&format!("lists/{}.html", slug(year)), &pages::page(&ctx, 1, &format!("{year}年案件"), &body))
    })?;
    let years: Vec<(String, usize)> = by_year.iter().rev().map(|(y, c)| (y.clone(), c.len())).collect();

    // Documents, copied in so the site stands alone.
    let mut documents = Vec::new();
    for (kind, label, file) in &site.documents {
        let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let rel = format!("documents/{}", slug(&name));
        tree.copy_in(&rel, file)?;
        documents.push((kind.clone(), label.clone(), rel));
    }

    let overdue = snapshot.overdue();
    let with_page: HashSet<&str> = departments.iter().copied().collect();
    let links = pages::Links { years: &years, documents: &documents, issued: &site.issued };
    let index = pages::index(&ctx, site, &overdue, &with_page, &links);
    put("index.html", &index)?;
    Ok(existing.len() + departments.len() + by_year.len() + 1)
}
