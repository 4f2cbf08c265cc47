//! Official documents: templates → Markdown → a document → PDF (embedded
//! typst), DOCX, HTML and Markdown.

pub mod document;
pub mod docx;
pub mod fonts;
pub mod html;
pub mod pdf;
pub mod plan;
pub mod register;
pub mod template;

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use crate::render::document::Document;
use crate::render::fonts::Fonts;

/// The kinds of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DocKind {
    /// 交办函 (letter layout), one per lead department.
    Assignment,
    /// 督办通知, one per department with clocks that call for supervision.
    Supervision,
    /// 通报, one per period.
    Bulletin,
}

impl DocKind {
    /// Stable key.
    pub fn key(self) -> &'static str {
        match self {
            DocKind::Assignment => "assignment",
            DocKind::Supervision => "supervision",
            DocKind::Bulletin => "bulletin",
        }
    }
    /// The kind of a stable key, as the register writes it.
    pub fn from_key(key: &str) -> Option<DocKind> {
        [DocKind::Assignment, DocKind::Supervision, DocKind::Bulletin].into_iter().find(|k| k.key() == key)
    }
    /// Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            DocKind::Assignment => "交办函",
            DocKind::Supervision => "督办通知",
            DocKind::Bulletin => "通报",
        }
    }
    /// Letter layout (函) or the standard layout.
    pub fn layout(self) -> &'static str {
        match self {
            DocKind::Assignment => "letter",
            _ => "standard",
        }
    }
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
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
    /// File extension.
    pub fn ext(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Md => "md",
        }
    }
}

/// 2026年6月20日: Arabic numerals, no leading zeros.
pub fn date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// A file name a clerk can read, without characters file systems refuse.
pub fn file_stem(parts: &[&str]) -> String {
    parts
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
        .join("-")
}

/// What happened to one document.
#[derive(Debug)]
pub struct Written {
    /// Files written.
    pub files: Vec<PathBuf>,
    /// Problems (a format that could not be written, missing glyphs).
    pub problems: Vec<String>,
}

/// Writes every format of every document, in parallel. Fonts are loaded once,
/// by the caller; `tick` is called after each document (progress bar).
pub fn write_all(
    docs: &[(Document, String)],
    formats: &[Format],
    fonts: Option<&Fonts>,
    out_dir: &Path,
    date: NaiveDate,
    tick: &(dyn Fn() + Sync),
) -> Vec<Written> {
    docs.par_iter()
        .map(|(doc, stem)| {
            let mut written = Written { files: Vec::new(), problems: Vec::new() };
            for format in formats {
                let path = out_dir.join(format!("{stem}.{}", format.ext()));
                let bytes: Result<Vec<u8>> = match format {
                    Format::Md => Ok(html::markdown(doc).into_bytes()),
                    Format::Html => Ok(html::render(doc).into_bytes()),
                    Format::Docx => docx::render(doc, &date.to_string()),
                    Format::Pdf => match fonts {
                        Some(f) => {
                            let missing = f.missing_glyphs(fonts::Role::FangSong, &all_text(doc));
                            if !missing.is_empty() {
                                written.problems.push(format!(
                                    "{stem}.pdf：字体中缺少这些字符，PDF 中无法显示：{}（请安装含这些字符的字体，如 fonts-noto-color-emoji）",
                                    missing.iter().collect::<String>()
                                ));
                            }
                            pdf::render(doc, f, date)
                        }
                        None => Err(anyhow::anyhow!("未加载字体")),
                    },
                };
                match bytes.and_then(|b| crate::fsx::replace(&path, &b)) {
                    Ok(()) => written.files.push(path),
                    Err(e) => written.problems.push(format!("{stem}.{}：{e:#}", format.ext())),
                }
            }
            tick();
            written
        })
        .collect()
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
