//! A batch of documents of one kind: planned, filled from the templates,
//! numbered when issued, and written in every format asked for.

use std::io::IsTerminal;
use std::path::Path;

use anyhow::Result;
use chrono::{Datelike, NaiveDate};

use crate::check::Snapshot;
use crate::model::document::Layout;
use crate::model::{DocKind, Named};
use crate::render::document::Document;
use crate::render::fonts::{font_dirs, Fonts};
use crate::render::plan::{plan, Selection};
use crate::render::register::{self, Pattern};
use crate::render::template::Templates;
use crate::render::{file_stem, write_all, Format, Written};
use crate::text::date_cn;

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
            number: pattern.draft(p.date.year()),
            title: r.title,
            recipients: if r.recipients.is_empty() { p.recipient.clone() } else { r.recipients },
            body: r.body,
            attachments: r.attachments,
            signature: s.organization_name.clone(),
            date: date_cn(p.date),
            cc: r.cc,
            printed_by: s.organization_name.clone(),
            printed_date: format!("{}印发", date_cn(p.date)),
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
                let distinct = p.distinct.as_deref().unwrap_or_default();
                file_stem(&[&p.date.to_string(), kind.zh(), distinct, &p.recipient, "草稿"])
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
