//! A batch of documents of one kind: planned, filled from the templates,
//! numbered when issued, and written in every format asked for.

use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use chrono::{Datelike, NaiveDate};

use crate::check::{Ledger, Snapshot};
use crate::edit::append::append_event;
use crate::edit::{Edit, FieldValue, NewEvent};
use crate::fsx::Scope;
use crate::model::document::Layout;
use crate::model::EventType;
use crate::model::{DocKind, Named};
use crate::render::document::Document;
use crate::render::fonts::{font_files, Fonts};
use crate::render::plan::{plan, Planned, Recorded, Selection};
use crate::render::register::{self, Pattern};
use crate::render::template::Templates;
use crate::render::{file_stem, render_all, Format, Progress, Written};
use crate::text::date_cn;

/// What a job produced.
pub(crate) struct Generated {
    /// The documents with their file stems.
    pub(crate) named: Vec<(Document, String)>,
    /// What was written of each.
    pub(crate) results: Vec<Written>,
    /// Documents not issued again because the register holds them: (recipient, number, date).
    pub(crate) already: Vec<(String, String, String)>,
    /// Cases whose timelines now record the issued documents.
    pub(crate) recorded: Vec<String>,
    /// Issuing was withheld because a document failed: no number taken, nothing recorded.
    pub(crate) withheld: bool,
}

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
    /// Where this run may write.
    pub(crate) scope: &'a Scope,
    /// Told what happens as the documents are made.
    pub(crate) progress: &'a (dyn Fn(Progress) + Sync),
}

/// Plans, fills the templates, numbers (when issuing) and writes the documents
/// of a job; `None` when the kind calls for nothing. Fonts are loaded here
/// unless the caller already did.
///
/// Issuing (the caller holds the register's [`register::Lock`] from before it
/// read the repository): a document the register already holds (same kind,
/// recipient and subject) is not issued again unless `--reissue`; the new
/// numbers, and the `supervised`/`bulletined` entries of the cases each
/// document covers, are checked, the documents written, and then register and
/// cases written as one step — or, if a document failed, nothing.
pub(crate) fn generate(snapshot: &Snapshot, job: &Job, fonts: Option<&Fonts>) -> Result<Option<Generated>> {
    let (kind, as_of, repository) = (job.kind, job.as_of, snapshot.ledger);
    if !kind.spec().shows_contacts && !repository.public {
        bail!("内部错误：{}须由脱敏后的案件库生成", kind.zh());
    }
    let planned = plan(snapshot, kind, job.sel)?;
    if planned.is_empty() {
        return Ok(None);
    }
    // A kind without numbers (a receipt) is never a draft and never issued.
    if job.issue && !kind.numbered() {
        bail!("{}不编文号、不登记，不用 --issue", kind.zh());
    }
    let templates = Templates::load(job.scope)?;
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
            draft: !job.issue && kind.numbered(),
            mark: match kind.spec().layout {
                Layout::Letter => s.mark_name().to_string(),
                Layout::Standard => s.mark(),
            },
            number: if kind.numbered() { pattern.draft(p.date.year()) } else { String::new() },
            title_lines: crate::render::title::lines(&r.title),
            title: r.title,
            recipients: if r.recipients.is_empty() { p.recipient.clone() } else { r.recipients },
            body: r.body,
            attachments: r.attachments,
            signature: s.organization_name.clone(),
            date: date_cn(p.date),
            cc: r.cc,
            printed_by: s.organization_name.clone(),
            printed_date: format!("{}印发", date_cn(p.date)),
            single_sided: s.single_sided,
            markdown: r.markdown,
        });
    }
    let mut already = Vec::new();
    let mut recording = None;
    let mut planned = planned;
    if job.issue {
        let register_path = repository.root.join(register::FILE);
        if std::fs::symlink_metadata(&register_path).is_ok_and(|m| !m.is_file()) {
            bail!("{} 不是普通文件（是链接或目录），不从中取号", register::FILE);
        }
        let existing = match job.scope.read(&register_path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).context("无法读取发文登记簿 issued.yaml"),
        };
        let text = String::from_utf8(existing.clone().unwrap_or_default()).context("issued.yaml 不是 UTF-8 文本")?;
        let entries = register::read(&text)?;
        let mut keep = Vec::with_capacity(planned.len());
        for (d, p) in docs.into_iter().zip(planned) {
            match register::find(&entries, kind, &p.recipient, &p.about).filter(|_| !job.sel.reissue) {
                Some(e) => already.push((p.recipient, e.number.clone(), e.date.clone().unwrap_or_default())),
                None => keep.push((d, p)),
            }
        }
        if keep.is_empty() {
            return Ok(Some(Generated {
                named: Vec::new(),
                results: Vec::new(),
                already,
                recorded: Vec::new(),
                withheld: false,
            }));
        }
        (docs, planned) = keep.into_iter().unzip();
        let used: Vec<String> = repository
            .cases
            .iter()
            .flat_map(|c| c.timeline.iter().filter_map(|e| e.doc().map(str::to_string)))
            .collect();
        let entries: Vec<register::NewEntry> = docs
            .iter()
            .zip(&planned)
            .map(|(d, p)| register::NewEntry {
                to: p.recipient.clone(),
                title: d.title.clone(),
                about: p.about.clone(),
                date: p.date,
            })
            .collect();
        let (numbers, register_text) = register::take(&text, kind, &pattern, as_of, &used, &entries)?;
        for (d, n) in docs.iter_mut().zip(&numbers) {
            d.number = n.clone();
        }
        let mut edits = record_in_cases(job.scope, repository, &planned, &numbers, as_of)?;
        let files: Vec<(&str, &[u8])> = edits.iter().map(|e| (e.rel.as_str(), e.after.as_bytes())).collect();
        // Documents are made from a repository without errors: only the new entries can bring one.
        let problems = crate::check::verdict(repository, &[], &files);
        if let Some(d) = problems.first() {
            bail!("把发文记入案件会带来错误，未发文：{d}");
        }
        let mut recorded: Vec<String> = planned
            .iter()
            .flat_map(|p| &p.records)
            .filter_map(|(i, _)| repository.cases.get(*i).map(|c| c.id.value.clone()))
            .collect();
        recorded.sort();
        recorded.dedup();
        edits.push(Edit {
            rel: register::FILE.to_string(),
            new: existing.is_none(),
            before: existing.unwrap_or_default(),
            after: register_text,
        });
        recording = Some((edits, recorded));
    }
    let named: Vec<(Document, String)> = docs
        .into_iter()
        .zip(&planned)
        .map(|(d, p)| {
            let distinct = p.distinct.as_deref().unwrap_or_default();
            let stem = if d.draft {
                file_stem(&[&p.date.to_string(), kind.zh(), distinct, &p.recipient, "草稿"])
            } else if !kind.numbered() {
                file_stem(&[&p.date.to_string(), kind.zh(), distinct, &p.recipient])
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
            discovered = Fonts::discover(&font_files(&repository.root, &repository.settings.fonts));
            (job.progress)(Progress::Fonts(&discovered.report()));
            Some(&discovered)
        }
        None => None,
    };
    (job.progress)(Progress::Starting { kind: kind.zh(), count: named.len() });
    let store = |name: &str, bytes: &[u8]| -> Result<std::path::PathBuf> {
        let path = job.out_dir.join(name);
        job.scope.replace(&path, bytes)?;
        Ok(path)
    };
    let results = render_all(&named, job.formats, fonts, as_of, &store, job.progress);
    (job.progress)(Progress::Finished);
    let mut recorded = Vec::new();
    let mut withheld = false;
    if let Some((edits, ids)) = recording {
        // A document that failed is not issued: its number is not taken, nothing is recorded, and the
        // caller reports the problems (a rerun gives the same numbers).
        withheld = results.iter().flat_map(|w| &w.problems).any(|p| p.is_fatal());
        if !withheld {
            crate::edit::write(job.scope, &edits, None)?;
            recorded = ids;
        }
    }
    Ok(Some(Generated { named, results, already, recorded, withheld }))
}

/// The case-file edits that record issued documents: for each document, the
/// entry (`supervised` or `bulletined`, dated on the issue day, with the number)
/// appended to every case it covers; a case covered twice gets both entries.
fn record_in_cases(
    scope: &Scope,
    repository: &Ledger,
    planned: &[Planned],
    numbers: &[String],
    date: NaiveDate,
) -> Result<Vec<Edit>> {
    let mut edits: Vec<Edit> = Vec::new();
    for (p, number) in planned.iter().zip(numbers) {
        for (case_index, recorded) in &p.records {
            let Some(case) = repository.cases.get(*case_index) else { continue };
            let doc = ("doc", FieldValue::Text(number.clone()));
            let event = match recorded {
                Recorded::Supervised { to, due } => NewEvent {
                    date,
                    kind: EventType::Supervised,
                    fields: vec![doc, ("to", FieldValue::Text(to.clone())), ("due", FieldValue::Date(*due))],
                },
                Recorded::Bulletined => NewEvent { date, kind: EventType::Bulletined, fields: vec![doc] },
            };
            match edits.iter_mut().find(|e| e.rel == case.file) {
                Some(e) => {
                    e.after = append_event(&e.after, &event).map_err(|err| anyhow!("{}：{err}", e.rel))?;
                }
                None => edits.push(crate::edit::add_event(scope, &case.file, &event)?),
            }
        }
    }
    Ok(edits)
}
