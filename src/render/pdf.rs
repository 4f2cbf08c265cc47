//! PDF through the typst compiler, embedded: a `World` that serves only the
//! GB/T 9704 frame and the document as JSON data. No file, package or network
//! access, and the date is fixed, so the same input gives the same bytes.

use std::sync::OnceLock;

use anyhow::{anyhow, Result};
use chrono::{Datelike, NaiveDate};
use serde_json::json;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

use crate::render::document::Document;
use crate::render::fonts::{Fonts, Role};

const FRAME: &str = include_str!("assets/gbt9704.typ");

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// The id of one of the two files the world serves. Only ever called with
/// the constant paths below, never with user data.
fn file_id(path: &'static str) -> FileId {
    RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).expect("a constant, valid virtual path")).intern()
}

struct DocWorld<'a> {
    fonts: &'a Fonts,
    main: Source,
    data: Bytes,
    data_id: FileId,
    today: Datetime,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }
    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.store.book()
    }
    fn main(&self) -> FileId {
        self.main.id()
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.store.font(index)
    }
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// The document's data as the frame reads it: text only, fonts by role.
pub(crate) fn frame_data(doc: &Document, fonts: &Fonts) -> serde_json::Value {
    let family = |r: Role| fonts.family(r).map(|c| c.family.clone()).unwrap_or_default();
    let mut value = serde_json::to_value(doc).unwrap_or_default();
    let mut budget = PUNCTUATION_SPLITS;
    // The title's lines as inline nodes too: 《…》、《…》 in a title keeps its width.
    value["title_lines"] = json!(doc.title_lines.iter().map(|l| json!([{ "t": "text", "v": l }])).collect::<Vec<_>>());
    keep_punctuation_apart(&mut value["title_lines"], &mut budget);
    keep_punctuation_apart(&mut value["body"], &mut budget);
    value["keep_last"] = json!(doc.keep_last());
    value["fonts"] = json!({
        "xbs": family(Role::XiaoBiaoSong), "fang": family(Role::FangSong), "hei": family(Role::Hei),
        "kai": family(Role::Kai), "song": family(Role::Song),
        "fallback": fonts.fallback.first().cloned().unwrap_or_else(|| family(Role::Song)),
        // A substitute for 小标宋 is a regular 宋体 face: its bold is closer to the real thing.
        "xbs_weight": if fonts.family(Role::XiaoBiaoSong).is_some_and(|c| c.substitute) { "bold" } else { "regular" },
    });
    value
}

/// Full-width marks that typst squeezes when two are shaped side by side.
const CJK_PUNCTUATION: &str = "，。、；：？！）》」』”’〕】（《「『“‘〔【";

/// How many adjacent marks a document keeps apart. Prose has a few dozen; a
/// flood of marks in user text would otherwise cost a text run each (slow,
/// and memory grows with it), so past this it is printed as typst sets it.
const PUNCTUATION_SPLITS: usize = 2000;

/// Adjacent CJK marks ("）、") keep their full width: typst squeezes a pair it
/// shapes together, so the second mark of each pair goes in an `alt` node (set
/// in a style that changes nothing visible, and so shaped on its own).
fn keep_punctuation_apart(value: &mut serde_json::Value, budget: &mut usize) {
    use serde_json::Value;
    match value {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for mut item in std::mem::take(items) {
                match (item.get("t").and_then(Value::as_str), item.get("v").and_then(Value::as_str)) {
                    (Some("text"), Some(text)) if *budget > 0 => out.extend(split_marks(text, budget)),
                    _ => {
                        keep_punctuation_apart(&mut item, budget);
                        out.push(item);
                    }
                }
            }
            *items = out;
        }
        Value::Object(map) => map.values_mut().for_each(|v| keep_punctuation_apart(v, budget)),
        _ => {}
    }
}

/// A text node as text and `alt` nodes, alternating inside each run of marks.
fn split_marks(text: &str, budget: &mut usize) -> Vec<serde_json::Value> {
    let mut nodes = Vec::new();
    let (mut piece, mut alt, mut previous_mark) = (String::new(), false, false);
    for c in text.chars() {
        let mark = CJK_PUNCTUATION.contains(c);
        if mark && previous_mark && *budget > 0 {
            *budget -= 1;
            nodes.push(json!({ "t": if alt { "alt" } else { "text" }, "v": std::mem::take(&mut piece) }));
            alt = !alt;
        } else if !mark && alt {
            // Back to the plain style once the run of marks ends.
            nodes.push(json!({ "t": "alt", "v": std::mem::take(&mut piece) }));
            alt = false;
        }
        piece.push(c);
        previous_mark = mark;
    }
    nodes.push(json!({ "t": if alt { "alt" } else { "text" }, "v": piece }));
    nodes.retain(|n| n["v"].as_str().is_some_and(|v| !v.is_empty()));
    nodes
}

/// Renders a document to PDF bytes.
pub(crate) fn render(doc: &Document, fonts: &Fonts, date: NaiveDate) -> Result<Vec<u8>> {
    if fonts.roles.is_none() {
        return Err(anyhow!(
            "没有找到中文字体，无法生成 PDF（其他格式照常生成）。请安装字体，例如 Debian/Ubuntu：apt-get install fonts-noto-cjk；\
             或把仿宋_GB2312、方正小标宋简体等字体文件放进案件库的 fonts/ 目录"
        ));
    }
    let data = serde_json::to_vec(&frame_data(doc, fonts))?;
    let today =
        Datetime::from_ymd(date.year(), date.month() as u8, date.day() as u8).ok_or_else(|| anyhow!("日期超出范围"))?;
    let world = DocWorld {
        fonts,
        main: Source::new(file_id("/main.typ"), FRAME.to_string()),
        data: Bytes::new(data),
        data_id: file_id("/data.json"),
        today,
    };
    let compiled = typst::compile::<PagedDocument>(&world);
    // typst memoizes across compilations; without eviction a batch of a
    // thousand documents keeps every one's intermediate results. Entries used in
    // the last few compilations stay, so documents still share work.
    comemo::evict(8);
    let paged = compiled.output.map_err(|errors| {
        let text: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        anyhow!("排版失败：{}", text.join("；"))
    })?;
    // The frame places the closing and the 版记 by where the body ends; a layout
    // that did not settle could put a page number or the 版记 in the wrong place.
    if let Some(w) =
        compiled.warnings.iter().find(|w| w.message.contains("converge") || w.message.contains("stabilize"))
    {
        return Err(anyhow!("排版未能稳定（{}），没有生成这份 PDF；请把这份文书的 Markdown 报告给维护者", w.message));
    }
    let options = PdfOptions {
        ident: Smart::Custom(format!("qinqing/{}/{}", doc.number, doc.title)),
        creator: Smart::Custom(Some("qinqing".to_string())),
        timestamp: Some(Timestamp::new_utc(today)),
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|errors| {
        let text: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        anyhow!("生成 PDF 失败：{}", text.join("；"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_marks_are_set_apart_within_a_budget() {
        let parts = |text: &str, budget: usize| -> Vec<(String, String)> {
            let mut b = budget;
            split_marks(text, &mut b)
                .iter()
                .map(|n| (n["t"].as_str().unwrap().to_string(), n["v"].as_str().unwrap().to_string()))
                .collect()
        };
        let p = |t: &str, v: &str| (t.to_string(), v.to_string());
        assert_eq!(parts("甲（乙）、丙", 10), [p("text", "甲（乙）"), p("alt", "、"), p("text", "丙")]);
        // A run of three: the middle one apart from both neighbours.
        assert_eq!(parts("甲）、“乙", 10), [p("text", "甲）"), p("alt", "、"), p("text", "“乙")]);
        assert_eq!(parts("没有相邻的标点，照旧。", 10), [p("text", "没有相邻的标点，照旧。")]);
        // Past the budget, text stays whole: a flood of marks costs no more than text.
        assert_eq!(parts("，。，。", 1), [p("text", "，"), p("alt", "。，。")]);
        let mut value = json!([{ "t": "p", "c": [{ "t": "text", "v": "，。".repeat(50_000) }] }]);
        let mut budget = PUNCTUATION_SPLITS;
        keep_punctuation_apart(&mut value, &mut budget);
        assert_eq!(budget, 0);
        assert!(value[0]["c"].as_array().unwrap().len() <= PUNCTUATION_SPLITS + 1);
    }
}
