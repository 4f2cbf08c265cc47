//! A document: the frame's fields and a body of blocks parsed from Markdown.
//! Every text node is data; no output format ever interprets it as markup.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// An official document, ready for any output format.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Document {
    /// `standard` (通知, 通报) or `letter` (函).
    pub(crate) layout: &'static str,
    /// A draft shows the number without its sequence and a 草稿 mark.
    pub(crate) draft: bool,
    /// Issuing-office mark (发文机关标志).
    pub(crate) mark: String,
    /// Document number (发文字号).
    pub(crate) number: String,
    /// Title.
    pub(crate) title: String,
    /// The title's lines as they are set (see [`crate::render::title::lines`]).
    pub(crate) title_lines: Vec<String>,
    /// Addressee (主送机关).
    pub(crate) recipients: String,
    /// Body.
    pub(crate) body: Vec<Block>,
    /// Attachment names (附件说明).
    pub(crate) attachments: Vec<String>,
    /// Signature (署名).
    pub(crate) signature: String,
    /// Date written out (成文日期), e.g. 2026年6月20日.
    pub(crate) date: String,
    /// Copies to (抄送), if any.
    pub(crate) cc: Option<String>,
    /// Printing office (印发机关).
    pub(crate) printed_by: String,
    /// Printing date, e.g. 2026年6月20日印发.
    pub(crate) printed_date: String,
    /// Printed on one side: the 版记 goes on the last page rather than the last even one.
    pub(crate) single_sided: bool,
    /// The Markdown the body was parsed from.
    #[serde(skip)]
    pub(crate) markdown: String,
}

impl Document {
    /// Whether the last paragraph is short enough to keep on the page of the
    /// signature (about four lines), so the signature never stands alone.
    pub(crate) fn keep_last(&self) -> bool {
        self.attachments.is_empty()
            && matches!(self.body.last(), Some(Block::P { c }) if plain(c).chars().count() <= 120)
    }
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub(crate) enum Block {
    /// A paragraph.
    P {
        /// Its content.
        c: Vec<Inline>,
    },
    /// A heading, level 1 (一、) to 4 ((1)).
    H {
        /// Level.
        level: u8,
        /// Its number, e.g. （二）, counted once here for every output format.
        label: String,
        /// Its content.
        c: Vec<Inline>,
    },
    /// A list.
    List {
        /// Numbered or not.
        ordered: bool,
        /// Items, each its inline content.
        items: Vec<Vec<Inline>>,
    },
    /// A table.
    Table {
        /// Header cells.
        head: Vec<Vec<Inline>>,
        /// Rows of cells.
        rows: Vec<Vec<Vec<Inline>>>,
        /// Column widths: 0 fits the content, n takes n shares of what is left.
        widths: Vec<u32>,
    },
    /// A horizontal rule.
    Rule,
    /// A line set large (a receipt's code) and smaller lines under it, from a
    /// fenced block ```` ```display ```` in a template, centred; with
    /// ```` ```display chart:名称 ```` the chart stands to their left (a QR
    /// code beside the code it encodes). User text cannot open one: every
    /// backtick it holds is escaped.
    Display {
        /// The large line.
        v: String,
        /// The lines under it.
        under: Vec<String>,
        /// The picture beside, if any (empty when none).
        svg: String,
        /// Its width in millimetres.
        width_mm: u32,
        /// The same picture rasterised, for Word.
        #[serde(skip)]
        png: Vec<u8>,
    },
    /// A chart the template placed with `![标题](chart:名称)`.
    Chart {
        /// Its name in the template.
        name: String,
        /// Its title (the image's alternative text).
        title: String,
        /// The picture; empty when the template names a chart that does not exist.
        svg: String,
        /// Its width on the page in millimetres; 0 for the type area's width.
        width_mm: u32,
        /// The same picture rasterised, for Word.
        #[serde(skip)]
        png: Vec<u8>,
    },
}

/// A chart a template can place: SVG for PDF and HTML, PNG for Word.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Chart {
    /// The SVG.
    pub(crate) svg: String,
    /// The PNG.
    pub(crate) png: Vec<u8>,
    /// Its width on the page in millimetres; 0 for the type area's width.
    pub(crate) width_mm: u32,
}

/// Charts by name.
pub(crate) type Charts = std::collections::BTreeMap<String, Chart>;

/// Inline content.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "t", rename_all = "lowercase")]
pub(crate) enum Inline {
    /// Plain text, shown exactly.
    Text {
        /// The text.
        v: String,
    },
    /// Bold.
    Strong {
        /// Content.
        c: Vec<Inline>,
    },
    /// Emphasis.
    Emph {
        /// Content.
        c: Vec<Inline>,
    },
    /// Inline code, shown as text.
    Code {
        /// The text.
        v: String,
    },
    /// A line break.
    Br,
}

/// The plain text of inline content.
pub(crate) fn plain(nodes: &[Inline]) -> String {
    let mut out = String::new();
    for n in nodes {
        match n {
            Inline::Text { v } | Inline::Code { v } => out.push_str(v),
            Inline::Strong { c } | Inline::Emph { c } => out.push_str(&plain(c)),
            Inline::Br => out.push('\n'),
        }
    }
    out
}

/// Header cells, rows, and whether the header is still being read.
type TableParts = (Vec<Vec<Inline>>, Vec<Vec<Vec<Inline>>>, bool);

/// Parses Markdown into blocks. Raw HTML is kept as text, never as markup.
pub(crate) fn parse_markdown(md: &str) -> Vec<Block> {
    parse_markdown_with(md, &Charts::new())
}

/// Parses Markdown, placing `![标题](chart:名称)` charts. Only a template can
/// write one: user text has every `!`, `[` and `(` escaped.
pub(crate) fn parse_markdown_with(md: &str, charts: &Charts) -> Vec<Block> {
    let mut blocks = Vec::new();
    // Stack of open inline containers; the bottom one collects the current block's content.
    let mut inlines: Vec<Vec<Inline>> = Vec::new();
    let mut list: Option<(bool, Vec<Vec<Inline>>)> = None;
    let mut table: Option<TableParts> = None;
    let mut row: Vec<Vec<Inline>> = Vec::new();
    let mut counters = [0usize; 4];
    let mut chart: Option<String> = None;
    // An open display block: the chart beside it, and its text so far.
    let mut display: Option<(Option<String>, String)> = None;
    let push_inline = |inlines: &mut Vec<Vec<Inline>>, node: Inline| {
        if inlines.is_empty() {
            inlines.push(Vec::new());
        }
        if let Some(top) = inlines.last_mut() {
            match (top.last_mut(), node) {
                (Some(Inline::Text { v }), Inline::Text { v: more }) => v.push_str(&more),
                (_, node) => top.push(node),
            }
        }
    };
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::TableCell) => {
                inlines = vec![Vec::new()]
            }
            Event::Start(Tag::Strong | Tag::Emphasis) => inlines.push(Vec::new()),
            Event::End(TagEnd::Strong) => {
                let c = inlines.pop().unwrap_or_default();
                push_inline(&mut inlines, Inline::Strong { c });
            }
            Event::End(TagEnd::Emphasis) => {
                let c = inlines.pop().unwrap_or_default();
                push_inline(&mut inlines, Inline::Emph { c });
            }
            Event::End(TagEnd::Paragraph) => {
                let c = inlines.pop().unwrap_or_default();
                match list.as_mut() {
                    Some((_, items)) => items.push(c),
                    // A paragraph that held only a chart leaves nothing behind.
                    None if c.is_empty() => {}
                    None => blocks.push(Block::P { c }),
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(name) = dest_url.strip_prefix("chart:") {
                    chart = Some(name.to_string());
                    inlines.push(Vec::new());
                }
            }
            Event::End(TagEnd::Image) => {
                if let Some(name) = chart.take() {
                    let title = plain(&inlines.pop().unwrap_or_default());
                    let c = charts.get(&name).cloned().unwrap_or_default();
                    blocks.push(Block::Chart { name, title, svg: c.svg, png: c.png, width_mm: c.width_mm });
                }
            }
            Event::End(TagEnd::Heading(level)) => {
                let c = inlines.pop().unwrap_or_default();
                let i = (level as usize).clamp(1, 4) - 1;
                counters[i] += 1;
                counters.iter_mut().skip(i + 1).for_each(|n| *n = 0);
                blocks.push(Block::H { level: i as u8 + 1, label: heading_label(i, counters[i]), c });
            }
            Event::Start(Tag::List(first)) => list = Some((first.is_some(), Vec::new())),
            Event::End(TagEnd::Item) => {
                // Tight list items have no paragraph: their content is still open.
                if let (Some(c), Some((_, items))) = (inlines.pop().filter(|c| !c.is_empty()), list.as_mut()) {
                    items.push(c);
                }
            }
            Event::End(TagEnd::List(_)) => {
                if let Some((ordered, items)) = list.take() {
                    blocks.push(Block::List { ordered, items });
                }
            }
            Event::Start(Tag::Table(_)) => table = Some((Vec::new(), Vec::new(), true)),
            Event::End(TagEnd::TableHead) => {
                if let Some(t) = table.as_mut() {
                    t.0 = std::mem::take(&mut row);
                    t.2 = false;
                }
            }
            Event::End(TagEnd::TableRow) => {
                if let Some(t) = table.as_mut() {
                    t.1.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::TableCell) => row.push(inlines.pop().unwrap_or_default()),
            Event::End(TagEnd::Table) => {
                if let Some((head, rows, _)) = table.take() {
                    let widths = column_widths(&head, &rows);
                    blocks.push(Block::Table { head, rows, widths });
                }
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("display") =>
            {
                let beside = info.split_whitespace().find_map(|w| w.strip_prefix("chart:")).map(str::to_string);
                display = Some((beside, String::new()))
            }
            Event::Text(t) if display.is_some() => {
                if let Some((_, text)) = display.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((beside, text)) = display.take() {
                    let mut lines = text.lines().map(|l| unescape(l.trim())).filter(|l| !l.is_empty());
                    let v = lines.next().unwrap_or_default();
                    let picture = beside.and_then(|name| charts.get(&name)).cloned().unwrap_or_default();
                    blocks.push(Block::Display {
                        v,
                        under: lines.collect(),
                        svg: picture.svg,
                        width_mm: picture.width_mm,
                        png: picture.png,
                    });
                }
            }
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                push_inline(&mut inlines, Inline::Text { v: t.to_string() })
            }
            Event::Code(t) => push_inline(&mut inlines, Inline::Code { v: t.to_string() }),
            // Chinese text joins lines without a space.
            Event::SoftBreak => {}
            Event::HardBreak => push_inline(&mut inlines, Inline::Br),
            Event::Rule => blocks.push(Block::Rule),
            _ => {}
        }
    }
    blocks
}

/// A display block's text as a paragraph's would read: a template's values
/// arrive escaped for Markdown ([`escape_markdown`]), and a fenced block keeps
/// backslashes, so each escape is read back to its character here.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && next.is_ascii_punctuation() => {
                out.push(next);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// 一、 （一） 1. (1) for heading levels 1 to 4 (0-based here).
fn heading_label(level0: usize, n: usize) -> String {
    match level0 {
        0 => format!("{}、", chinese_number(n)),
        1 => format!("（{}）", chinese_number(n)),
        2 => format!("{n}."),
        _ => format!("({n})"),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for headings).
fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n % 10] }),
        20..=99 => format!("{}十{}", D[n / 10], if n.is_multiple_of(10) { "" } else { D[n % 10] }),
        _ => n.to_string(),
    }
}

/// Columns of ids, dates and counts (at most 14 half-width characters, as
/// 2026年11月18日) fit their content; every other column shares the rest of the
/// line in proportion to the average display width of its cells (the header
/// only when there are no rows).
fn column_widths(head: &[Vec<Inline>], rows: &[Vec<Vec<Inline>>]) -> Vec<u32> {
    // Display width in full-width characters: ASCII counts half.
    let width = |c: &Vec<Inline>| plain(c).chars().map(|ch| if ch.is_ascii() { 1 } else { 2 }).sum::<usize>();
    (0..head.len())
        .map(|i| {
            // A dash stands for nothing: it does not make a column of names narrow.
            let body: Vec<usize> =
                rows.iter().filter_map(|r| r.get(i)).filter(|c| plain(c).trim() != "—").map(width).collect();
            let header = head.get(i).map(width).unwrap_or(0);
            let longest = body.iter().copied().max().unwrap_or(0).max(header);
            let average = if body.is_empty() { header } else { body.iter().sum::<usize>() / body.len() };
            if longest <= 14 {
                0
            } else {
                (average / 2).clamp(4, 30) as u32
            }
        })
        .collect()
}

/// Escapes text for Markdown: every ASCII punctuation mark gets a backslash,
/// and line breaks become spaces, so user text can never start a heading, a
/// list, a table cell or a code block. Used as Tera's escape function.
pub(crate) fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut pending_space = false;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() && c != '\u{3000}' {
            pending_space = prev.is_some();
            continue;
        }
        // Chinese joins broken lines without a space; only Latin words need one.
        if pending_space && prev.is_some_and(|p| p.is_ascii()) && c.is_ascii() {
            out.push(' ');
        }
        pending_space = false;
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_numbers_restart_below_a_new_parent() {
        let blocks = parse_markdown("# 甲\n\n## 子\n\n## 子\n\n### 孙\n\n# 乙\n\n## 子\n\n#### 深\n");
        let labels: Vec<&str> = blocks
            .iter()
            .filter_map(|b| if let Block::H { label, .. } = b { Some(label.as_str()) } else { None })
            .collect();
        assert_eq!(labels, ["一、", "（一）", "（二）", "1.", "二、", "（一）", "(1)"]);
        assert_eq!(
            (chinese_number(10), chinese_number(12), chinese_number(21), chinese_number(30)),
            ("十".into(), "十二".into(), "二十一".into(), "三十".into())
        );
    }

    #[test]
    fn escaped_user_text_comes_back_exactly() {
        let nasty = "#import \"x\": *  $x$ *bold* <script>alert(1)</script> {{ x }} ] | `c` \\ 1. 2) - [a](b)\n\n# 标题\n    code";
        let md = format!("正文：{}", escape_markdown(nasty));
        let blocks = parse_markdown(&md);
        assert_eq!(blocks.len(), 1, "{blocks:?}");
        let Block::P { c } = &blocks[0] else { panic!("{blocks:?}") };
        let expected =
            "#import \"x\": * $x$ *bold* <script>alert(1)</script> {{ x }} ] | `c` \\ 1. 2) - [a](b) #标题code";
        assert_eq!(plain(c), format!("正文：{expected}"));
        assert_eq!(escape_markdown("未接入，\n  生产线 ok\nthen"), "未接入，生产线ok then");
    }

    #[test]
    fn headings_lists_and_tables() {
        let md = "# 总体情况\n\n正文**加粗**\n第二行\n\n## 具体要求\n\n1. 甲\n2. 乙\n\n| 编号 | 问题 |\n|---|---|\n| A-1 | 公交 \\| 线路 |\n";
        let blocks = parse_markdown(md);
        assert_eq!(
            blocks[0],
            Block::H { level: 1, label: "一、".into(), c: vec![Inline::Text { v: "总体情况".into() }] }
        );
        assert_eq!(
            blocks[2],
            Block::H { level: 2, label: "（一）".into(), c: vec![Inline::Text { v: "具体要求".into() }] }
        );
        let Block::P { c } = &blocks[1] else { panic!() };
        assert_eq!(plain(c), "正文加粗第二行");
        assert!(matches!(&blocks[3], Block::List { ordered: true, items } if items.len() == 2));
        let Block::Table { head, rows, widths } = &blocks[4] else { panic!("{blocks:?}") };
        assert_eq!(widths, &[0, 0]);
        assert_eq!(plain(&head[1]), "问题");
        assert_eq!(plain(&rows[0][1]), "公交 | 线路");
    }
}
