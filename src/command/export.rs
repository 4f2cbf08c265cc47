//! What other tools read: the case ledger (台账) as Excel or CSV, open
//! deadlines as iCalendar, cases as Open311 GeoReport v2. Each is made from
//! the published ledger (no contact, phone or ID) unless contacts are asked for.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::list::Filter;
use super::{require_no_errors, write_output, Outcome, Refusal, Session};
use crate::output::casebook;
use crate::report::casebook::rows;

/// A ledger's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SheetFormat {
    /// An Excel workbook.
    Xlsx,
    /// CSV in UTF-8 with a byte-order mark.
    Csv,
}

/// What an export wrote.
#[derive(Debug)]
pub(crate) struct Exported {
    /// The files (or the folder), relative to the root when inside it.
    pub(crate) shown: PathBuf,
    /// The date looked at.
    pub(crate) as_of: NaiveDate,
    /// How many rows, clocks or requests.
    pub(crate) count: usize,
    /// The second count: overdue rows, or services.
    pub(crate) other: usize,
    /// Whose clocks (a calendar): a department, or 全部.
    pub(crate) who: String,
}

/// `export ledger`.
pub(crate) fn ledger(
    session: Session,
    filter: &Filter,
    as_of: Option<NaiveDate>,
    format: SheetFormat,
    out: Option<PathBuf>,
    with_contacts: bool,
    force: bool,
) -> Outcome<Exported> {
    // Without contacts the ledger is the published one: no contact, phone or ID in any column.
    let (scope, ledger, as_of) = opened(session, "为免台账出错，未导出", as_of, !with_contacts)?;
    let snapshot = ledger.as_of(as_of);
    let chosen = filter.select(&snapshot)?;
    let rows = rows(&snapshot, &chosen);
    let (bytes, ext) = match format {
        SheetFormat::Xlsx => (casebook::xlsx(&rows, &ledger.settings.organization_name, as_of, with_contacts)?, "xlsx"),
        SheetFormat::Csv => (casebook::csv(&rows, with_contacts)?, "csv"),
    };
    let path = out.unwrap_or_else(|| ledger.root.join("output").join(format!("台账-截至{as_of}.{ext}")));
    write_output(&scope, &path, &bytes, force)?;
    let overdue = rows.iter().filter(|r| r.overdue_days.is_some()).count();
    Ok(Exported { shown: shown(&ledger.root, path), as_of, count: rows.len(), other: overdue, who: String::new() })
}

/// `export ics`.
pub(crate) fn ics(
    session: Session,
    dept: Option<&str>,
    as_of: Option<NaiveDate>,
    out: Option<PathBuf>,
    force: bool,
) -> Outcome<Exported> {
    // A calendar is shared: made from the published ledger, like the site.
    let (scope, ledger, as_of) = opened(session, "为免日历出错，未导出", as_of, true)?;
    let dept = dept.map(|d| ledger.department_name(d));
    if let (Some(d), Some(known)) = (&dept, &ledger.departments) {
        if !known.iter().any(|k| &k.name == d) {
            return Err(Refusal::field("dept", format!("未知部门「{d}」")).into());
        }
    }
    let snapshot = ledger.as_of(as_of);
    let clocks = crate::output::ics::open_clocks(&snapshot, dept.as_deref());
    let who = dept.clone().unwrap_or_else(|| "全部".to_string());
    let name = format!("{}：{who}的办理时限", ledger.settings.organization_short);
    let text = crate::output::ics::feed(&snapshot, &clocks, &name);
    let path = out.unwrap_or_else(|| {
        ledger.root.join("output").join(format!("{}.ics", crate::render::file_stem(&["时限", &who])))
    });
    write_output(&scope, &path, text.as_bytes(), force)?;
    Ok(Exported { shown: shown(&ledger.root, path), as_of, count: clocks.len(), other: 0, who })
}

/// `export open311`.
pub(crate) fn open311(
    session: Session,
    filter: &Filter,
    as_of: Option<NaiveDate>,
    out_dir: Option<PathBuf>,
    force: bool,
) -> Outcome<Exported> {
    // Another system reads it: the published ledger, as for the site.
    let (scope, ledger, as_of) = opened(session, "未导出", as_of, true)?;
    let snapshot = ledger.as_of(as_of);
    let chosen = filter.select(&snapshot)?;
    let services = crate::output::open311::services(&snapshot);
    let requests = crate::output::open311::requests(&snapshot, &chosen);
    let dir = out_dir.unwrap_or_else(|| ledger.root.join("output").join("open311"));
    for (name, json) in [
        ("services.json", serde_json::to_string_pretty(&services).map_err(anyhow::Error::from)?),
        ("requests.json", serde_json::to_string_pretty(&requests).map_err(anyhow::Error::from)?),
    ] {
        write_output(&scope, &dir.join(name), (json + "\n").as_bytes(), force)?;
    }
    Ok(Exported {
        shown: shown(&ledger.root, dir),
        as_of,
        count: requests.len(),
        other: services.len(),
        who: String::new(),
    })
}

/// What every export starts from: a repository without errors, its ledger
/// (published, unless contacts are asked for), where to write, and the date.
fn opened(
    session: Session,
    refusal: &'static str,
    as_of: Option<NaiveDate>,
    published: bool,
) -> Result<(crate::fsx::Scope, crate::check::Ledger, NaiveDate), Refusal> {
    require_no_errors(session.checked(), refusal)?;
    let as_of = session.date(as_of);
    let scope = session.scope().clone();
    let ledger = session.into_ledger();
    Ok((scope, if published { ledger.into_published() } else { ledger }, as_of))
}

/// A path as people read it: relative to the root when inside it.
fn shown(root: &std::path::Path, path: PathBuf) -> PathBuf {
    path.strip_prefix(root).map(PathBuf::from).unwrap_or(path)
}
