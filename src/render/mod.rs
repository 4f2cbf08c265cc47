//! Official documents: templates → Markdown → a document → PDF (embedded
//! typst), DOCX, HTML and Markdown.

pub(crate) mod batch;
pub(crate) mod document;
pub(crate) mod docx;
pub(crate) mod fonts;
pub(crate) mod html;
pub(crate) mod list;
pub(crate) mod md;
pub(crate) mod pdf;
pub(crate) mod plan;
pub(crate) mod receipt;
pub(crate) mod register;
pub(crate) mod template;
pub(crate) mod title;

use std::path::PathBuf;

use anyhow::Result;
use chrono::NaiveDate;

use crate::render::document::Document;
use crate::render::fonts::Fonts;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// PDF in the GB/T 9704 layout.
    Pdf,
    /// Word.
    Docx,
    /// A standalone HTML page.
    Html,
    /// Markdown.
    Md,
}

impl Format {
    /// Every format, in the order they are written.
    pub(crate) const ALL: [Format; 4] = [Format::Pdf, Format::Docx, Format::Html, Format::Md];

    /// File extension.
    pub(crate) fn ext(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Md => "md",
        }
    }
}

/// A file name a clerk can read, without characters file systems refuse, and
/// not longer than they allow (`fsx::short_name`).
pub(crate) fn file_stem(parts: &[&str]) -> String {
    let stem = parts
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.chars()
                .map(|c| {
                    if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') || c.is_control() {
                        '_'
                    } else {
                        c
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-");
    crate::fsx::short_name(stem)
}

/// What happened to one document.
#[derive(Debug)]
pub(crate) struct Written {
    /// Files written.
    pub(crate) files: Vec<PathBuf>,
    /// Problems (a format that could not be written, missing glyphs).
    pub(crate) problems: Vec<Problem>,
}

/// A problem with one file of a document.
#[derive(Debug)]
pub(crate) enum Problem {
    /// The PDF was written, but the fonts lack some characters, which print as nothing.
    MissingGlyphs {
        /// The file.
        file: String,
        /// The characters.
        chars: String,
    },
    /// The file could not be written.
    Failed {
        /// The file.
        file: String,
        /// Why.
        error: anyhow::Error,
    },
}

impl Problem {
    /// Whether the document is unusable (the run fails): a missing file is,
    /// missing glyphs are reported but the file is there.
    pub(crate) fn is_fatal(&self) -> bool {
        match self {
            Problem::MissingGlyphs { .. } => false,
            Problem::Failed { .. } => true,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::MissingGlyphs { file, chars } => write!(
                f,
                "{file}：字体中缺少这些字符，PDF 中无法显示：{chars}（请安装含这些字符的字体，如 fonts-noto-color-emoji）"
            ),
            Problem::Failed { file, error } => write!(f, "{file}：{error:#}"),
        }
    }
}

/// Runs `work` for each of `count` items on plain worker threads, one item
/// at a time each, and gives the results in order.
///
/// Not on rayon's pool: typst lays out and writes a PDF with rayon, and a
/// rayon worker waiting for that work steals other queued jobs onto its own
/// stack; with documents queued on the same pool, about 95 renders nested on
/// one stack overflowed it at 250 PDFs, and every unfinished render kept its
/// memory. A plain thread waiting on rayon just waits.
pub(crate) fn each_document<T: Send>(count: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(count.max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= count {
                            break mine;
                        }
                        mine.push((i, work(i)));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// What happens while documents are made, for the caller to show (a
/// progress bar, the fonts found): rendering prints nothing itself.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Progress<'a> {
    /// The fonts PDFs are set in.
    Fonts(&'a str),
    /// This many documents of a kind are about to be made.
    Starting { kind: &'static str, count: usize },
    /// One more is made.
    Made,
    /// All are made.
    Finished,
}

/// Where a made file goes: its name (`stem.ext`) and bytes in, the path it
/// was written to out. Rendering makes bytes; storing them is the caller's step.
pub(crate) type Store<'a> = dyn Fn(&str, &[u8]) -> Result<PathBuf> + Sync + 'a;

/// Makes every format of every document, in parallel, and hands each file to
/// `store`. Fonts are loaded once, by the caller.
pub(crate) fn render_all(
    docs: &[(Document, String)],
    formats: &[Format],
    fonts: Option<&Fonts>,
    date: NaiveDate,
    store: &Store,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<Written> {
    each_document(docs.len(), |i| {
        let (doc, stem) = &docs[i];
        {
            let mut written = Written { files: Vec::new(), problems: Vec::new() };
            for format in formats {
                let name = format!("{stem}.{}", format.ext());
                let bytes: Result<Vec<u8>> = match format {
                    Format::Md => Ok(md::markdown(doc).into_bytes()),
                    Format::Html => Ok(html::render(doc).into_bytes()),
                    Format::Docx => docx::render(doc, &date.to_string()),
                    Format::Pdf => match fonts {
                        Some(f) => {
                            let missing = f.missing_glyphs(fonts::Role::FangSong, &all_text(doc));
                            if !missing.is_empty() {
                                written.problems.push(Problem::MissingGlyphs {
                                    file: format!("{stem}.pdf"),
                                    chars: missing.iter().collect(),
                                });
                            }
                            pdf::render(doc, f, date)
                        }
                        None => Err(anyhow::anyhow!("未加载字体")),
                    },
                };
                match bytes.and_then(|b| store(&name, &b)) {
                    Ok(path) => written.files.push(path),
                    Err(error) => written.problems.push(Problem::Failed { file: name, error }),
                }
            }
            progress(Progress::Made);
            written
        }
    })
}

/// All the text a document shows, for the glyph check.
fn all_text(doc: &Document) -> String {
    let mut s = format!("{}{}{}{}{}{}", doc.mark, doc.number, doc.title, doc.recipients, doc.signature, doc.date);
    s.push_str(&doc.markdown);
    s.extend(doc.attachments.iter().map(String::as_str));
    if let Some(cc) = &doc.cc {
        s.push_str(cc);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_glyphs_are_reported_but_a_failed_file_fails_the_run() {
        let glyphs = Problem::MissingGlyphs { file: "a.pdf".into(), chars: "𠀀".into() };
        let failed = Problem::Failed { file: "a.docx".into(), error: anyhow::anyhow!("磁盘已满") };
        assert!(!glyphs.is_fatal() && failed.is_fatal());
        assert!(glyphs.to_string().contains("缺少这些字符") && failed.to_string().contains("磁盘已满"));
    }
}
