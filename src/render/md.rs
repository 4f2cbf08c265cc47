//! The `.md` copy of a document: clean Markdown a clerk reads in a review or a
//! pull request, written from the parsed blocks (not from the template's
//! output, whose user text carries the engine's escapes: `75\.00\%`). A
//! character is escaped only where Markdown would read it as markup, so user
//! text stays literal and reads as written.

use std::fmt::Write;

use crate::render::document::{Block, Document, Inline};

/// The document as Markdown.
pub(crate) fn markdown(doc: &Document) -> String {
    let mut m = String::new();
    if doc.draft {
        m.push_str("> **草稿**\n\n");
    }
    let _ = write!(
        m,
        "**{}**\n\n{}\n\n# {}\n\n{}：\n\n",
        text(&doc.mark, Place::Inline),
        text(&doc.number, Place::LineStart),
        text(&doc.title, Place::Inline),
        text(&doc.recipients, Place::LineStart),
    );
    for block in &doc.body {
        write_block(&mut m, block);
        m.push('\n');
    }
    if !doc.attachments.is_empty() {
        let items: Vec<String> = doc.attachments.iter().map(|a| text(a, Place::Inline)).collect();
        let _ = writeln!(m, "附件：{}\n", items.join("　"));
    }
    let _ = writeln!(m, "{}  \n{}", text(&doc.signature, Place::LineStart), text(&doc.date, Place::LineStart));
    if let Some(cc) = doc.cc.as_deref().filter(|c| !c.is_empty()) {
        let _ = write!(m, "\n---\n\n抄送：{}。\n", text(cc, Place::Inline));
    }
    m
}

fn write_block(m: &mut String, block: &Block) {
    match block {
        Block::P { c } => {
            let _ = writeln!(m, "{}", inlines(c, Place::LineStart));
        }
        Block::H { level, label, c } => {
            let hashes = "#".repeat(usize::from((*level).clamp(1, 4)) + 1);
            let _ = writeln!(m, "{hashes} {}{}", text(label, Place::Inline), inlines(c, Place::Inline));
        }
        Block::List { ordered, items } => {
            for (i, item) in items.iter().enumerate() {
                let mark = if *ordered { format!("{}.", i + 1) } else { "-".to_string() };
                let _ = writeln!(m, "{mark} {}", inlines(item, Place::Inline));
            }
        }
        Block::Table { head, rows, .. } => {
            let row = |cells: &[Vec<Inline>]| {
                let cells: Vec<String> = cells.iter().map(|c| inlines(c, Place::Cell)).collect();
                format!("| {} |", cells.join(" | "))
            };
            let _ = writeln!(m, "{}", row(head));
            let _ = writeln!(m, "|{}", "---|".repeat(head.len()));
            for r in rows {
                let _ = writeln!(m, "{}", row(r));
            }
        }
        Block::Rule => m.push_str("---\n"),
        Block::Display { v, under, .. } => {
            let _ = writeln!(m, "**{}**", text(v, Place::Inline));
            for line in under {
                let _ = writeln!(m, "\n{}", text(line, Place::LineStart));
            }
        }
        // A chart cannot be drawn in Markdown; say where to see it.
        Block::Chart { title, .. } => {
            let _ = writeln!(m, "*［图：{}，见 PDF、Word 或 HTML 版］*", text(title, Place::Inline));
        }
    }
}

/// Where text stands: what could make Markdown read it as markup differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// At the start of a line: could open a heading, list, quote or code block.
    LineStart,
    /// Inside a line.
    Inline,
    /// Inside a table cell: a `|` would end the cell.
    Cell,
}

fn inlines(nodes: &[Inline], place: Place) -> String {
    let mut out = String::new();
    let mut here = place;
    for n in nodes {
        match n {
            Inline::Text { v } | Inline::Code { v } => out.push_str(&text(v, here)),
            Inline::Strong { c } => {
                let _ = write!(out, "**{}**", inlines(c, place.within()));
            }
            Inline::Emph { c } => {
                let _ = write!(out, "*{}*", inlines(c, place.within()));
            }
            // A table cell holds one line: a break there is a space.
            Inline::Br if place == Place::Cell => out.push(' '),
            Inline::Br => out.push_str("  \n"),
        }
        // After a line break the text starts a line: "# …" there would open a heading.
        here = if matches!(n, Inline::Br) && place != Place::Cell { Place::LineStart } else { place.within() };
    }
    out
}

impl Place {
    /// The place of what follows inside the same line.
    fn within(self) -> Place {
        if self == Place::Cell {
            Place::Cell
        } else {
            Place::Inline
        }
    }
}

/// Text escaped only where Markdown would read markup: emphasis and code marks,
/// brackets, backslashes, raw HTML and entities anywhere; a heading, list, quote
/// or numbered-list opener at the start of a line; `|` in a table cell.
fn text(s: &str, place: Place) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let chars: Vec<char> = s.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect();
    let mut start = place == Place::LineStart;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        if start {
            // Leading spaces would make an indented code block.
            if c == ' ' {
                continue;
            }
            start = false;
            if matches!(c, '#' | '>' | '-' | '+' | '=') {
                out.push('\\');
                out.push(c);
                continue;
            }
            if c.is_ascii_digit() {
                // "1. " or "1) " would open a numbered list: escape the mark after the digits.
                let digits = chars[i..].iter().take_while(|d| d.is_ascii_digit()).count();
                if let Some(&mark @ ('.' | ')')) = chars.get(i + digits) {
                    out.extend(&chars[i..i + digits]);
                    out.push('\\');
                    out.push(mark);
                    return out + &text(&chars[i + digits + 1..].iter().collect::<String>(), Place::Inline);
                }
            }
        }
        let escape = match c {
            '\\' | '*' | '_' | '`' | '[' | ']' => true,
            // Raw HTML starts with < and a letter, / , ! or ?.
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            // An entity (&amp; &#12;) would be decoded.
            '&' => next.is_some_and(|n| n == '#' || n.is_ascii_alphanumeric()),
            '|' => place == Place::Cell,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::document::parse_markdown;

    fn paragraph(v: &str) -> Block {
        Block::P { c: vec![Inline::Text { v: v.into() }] }
    }

    #[test]
    fn figures_ids_and_dates_read_as_written() {
        let mut m = String::new();
        write_block(&mut m, &paragraph("满意率75.00%，HZ-2026-0131（2026年11月9日）：1.5万元；A+B=C"));
        assert_eq!(m, "满意率75.00%，HZ-2026-0131（2026年11月9日）：1.5万元；A+B=C\n");
    }

    #[test]
    fn user_text_stays_literal_through_the_markdown() {
        let hostile = [
            "# 不是标题",
            "1. 不是列表",
            "2026) 也不是",
            "- 减号开头",
            "> 引用",
            "    四个空格",
            "*星号* 和 _下划线_ 和 **粗**",
            "`代码` 与 [链接](http://x) 与 ![图](chart:trend)",
            "<script>alert(1)</script> &amp; &#35; & 单独",
            "反斜杠 \\ 结尾\\",
            "竖线 | 在段中",
            "+ 加号 = 等号",
        ];
        for s in hostile {
            let mut m = String::new();
            write_block(&mut m, &paragraph(s));
            let back = parse_markdown(&m);
            let want = s.trim_start();
            assert_eq!(back, vec![paragraph(want)], "{s:?} → {m:?}");
        }
        // After a line break, text that would open a heading or a quote stays text.
        let broken = Block::P {
            c: vec![Inline::Text { v: "甲".into() }, Inline::Br, Inline::Text { v: "# 乙 > 丙".into() }],
        };
        let mut m = String::new();
        write_block(&mut m, &broken);
        assert_eq!(parse_markdown(&m), vec![broken], "{m:?}");
        // In a table a | stays inside its cell.
        let table = Block::Table {
            head: vec![vec![Inline::Text { v: "单位".into() }], vec![Inline::Text { v: "问题".into() }]],
            rows: vec![vec![vec![Inline::Text { v: "市局".into() }], vec![Inline::Text { v: "甲|乙 *丙*".into() }]]],
            widths: vec![0, 0],
        };
        let mut m = String::new();
        write_block(&mut m, &table);
        let Block::Table { rows, .. } = &parse_markdown(&m)[0] else { panic!("{m}") };
        assert_eq!(rows[0][1], vec![Inline::Text { v: "甲|乙 *丙*".into() }], "{m}");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::render::document::parse_markdown;

    proptest! {
        /// Any text a user can type comes back from the Markdown exactly (less
        /// leading spaces and collapsed runs of spaces, which Markdown does not keep).
        #[test]
        fn any_paragraph_reads_back_as_written(s in "[ a-z0-9#>+=.)(\\-*_`\\[\\]!<>&;|\\\\/%:？（）。，企业问题]{1,40}") {
            let mut m = String::new();
            write_block(&mut m, &Block::P { c: vec![Inline::Text { v: s.clone() }] });
            let want: String = s.trim().to_string();
            prop_assume!(!want.is_empty());
            let back = parse_markdown(&m);
            let got = match back.as_slice() {
                [Block::P { c }] => crate::render::document::plain(c),
                other => panic!("{s:?} → {m:?} → {other:?}"),
            };
            prop_assert_eq!(got.trim_end(), want.trim_end(), "{:?}", m);
        }
    }
}
