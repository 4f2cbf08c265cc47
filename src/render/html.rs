//! HTML for the dashboard and for review: one self-contained page, every text
//! escaped, laid out like the paper document.

use std::fmt::Write;

use crate::render::document::{Block, Document, Inline};

use crate::text::escape_html as escape;

fn inline(nodes: &[Inline]) -> String {
    let mut out = String::new();
    for n in nodes {
        match n {
            Inline::Text { v } => out.push_str(&escape(v)),
            Inline::Code { v } => {
                let _ = write!(out, "<code>{}</code>", escape(v));
            }
            Inline::Strong { c } => {
                let _ = write!(out, "<strong>{}</strong>", inline(c));
            }
            Inline::Emph { c } => {
                let _ = write!(out, "<em>{}</em>", inline(c));
            }
            Inline::Br => out.push_str("<br>"),
        }
    }
    out
}

const STYLE: &str = "body{margin:0;background:#eee;font-family:'仿宋_GB2312','FangSong','FandolFang R','STFangsong',serif}\
.page{box-sizing:border-box;width:210mm;min-height:297mm;margin:1em auto;padding:37mm 26mm 35mm 28mm;background:#fff;font-size:16pt;line-height:28.99pt;color:#000}\
.mark{color:#e60012;text-align:center;font-family:'方正小标宋简体','FZXiaoBiaoSong-B05S','FandolSong',serif;font-weight:bold;margin:0}\
.number{text-align:center;margin:2em 0 0}.letter .number{text-align:right}\
.rule{border:0;border-top:1px solid #e60012;margin:4mm 0 0}.letter .rule{border-top:3px double #e60012}\
h1{font-size:22pt;line-height:1.5;text-align:center;font-family:'方正小标宋简体','FZXiaoBiaoSong-B05S','FandolSong',serif;margin:2em 0 1em}\
p{margin:0;text-indent:2em;text-align:justify}.to{text-indent:0}\
.h1{font-family:'黑体','SimHei','FandolHei',sans-serif}.h2{font-family:'楷体_GB2312','KaiTi','FandolKai',serif}\
table{border-collapse:collapse;width:100%;font-size:12pt;line-height:1.5;margin:.5em 0}td,th{border:1px solid #000;padding:2pt 4pt;text-align:left;vertical-align:top}\
.sign{text-align:right;text-indent:0;padding-right:2em}.imprint{margin-top:3em;border-top:2px solid #000;border-bottom:2px solid #000;font-size:14pt}\
.imprint p{text-indent:0;padding:0 1em}.display{display:flex;align-items:center;justify-content:center;gap:6mm;margin:.5em 0}.display p{text-indent:0}\
.display .big{font-size:24pt;line-height:1.6;letter-spacing:.1em;font-family:'黑体','SimHei','FandolHei',sans-serif}\
.display .under{font-size:12pt;line-height:1.5;word-break:break-all}.display .beside svg{width:100%;height:auto;display:block}\
figure.chart[style] svg{width:100%;height:auto}.draft{position:absolute;right:2em;top:1em;color:#e60012;font-family:sans-serif;letter-spacing:.5em}";

/// Renders a document as a standalone HTML page.
pub(crate) fn render(doc: &Document) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<div class=\"page {}\" style=\"position:relative\">\n",
        escape(&doc.title),
        escape(doc.layout)
    );
    if doc.draft {
        h.push_str("<div class=\"draft\">草稿</div>\n");
    }
    let mark_size = (15.0_f64).min(156.0 / doc.mark.chars().count().max(1) as f64);
    let _ =
        writeln!(h, "<p class=\"mark\" style=\"font-size:{mark_size:.1}mm;text-indent:0\">{}</p>", escape(&doc.mark));
    let _ = writeln!(h, "<p class=\"number\" style=\"text-indent:0\">{}</p>\n<hr class=\"rule\">", escape(&doc.number));
    let title: Vec<String> = doc.title_lines.iter().map(|l| escape(l)).collect();
    let _ = writeln!(h, "<h1>{}</h1>\n<p class=\"to\">{}：</p>", title.join("<br>"), escape(&doc.recipients));
    for b in &doc.body {
        match b {
            Block::P { c } => {
                let _ = writeln!(h, "<p>{}</p>", inline(c));
            }
            Block::H { level, label, c } => {
                let _ = writeln!(h, "<p class=\"h{}\">{}{}</p>", level, escape(label), inline(c));
            }
            Block::List { ordered, items } => {
                for (k, item) in items.iter().enumerate() {
                    let mark = if *ordered { format!("{}. ", k + 1) } else { "· ".to_string() };
                    let _ = writeln!(h, "<p>{}{}</p>", escape(&mark), inline(item));
                }
            }
            Block::Table { head, rows, .. } => {
                h.push_str("<table>\n<thead><tr>");
                for c in head {
                    let _ = write!(h, "<th>{}</th>", inline(c));
                }
                h.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    h.push_str("<tr>");
                    for c in r {
                        let _ = write!(h, "<td>{}</td>", inline(c));
                    }
                    h.push_str("</tr>\n");
                }
                h.push_str("</tbody>\n</table>\n");
            }
            Block::Rule => h.push_str("<hr>\n"),
            // The SVG is drawn by qinqing from figures (numbers and fixed labels); no user text is in it.
            Block::Chart { title, svg, width_mm, .. } => {
                let width =
                    if *width_mm > 0 { format!(" style=\"width:{width_mm}mm;margin:0 auto\"") } else { String::new() };
                let _ = writeln!(
                    h,
                    "<figure class=\"chart\"{width}>{}<figcaption>{}</figcaption></figure>",
                    svg.trim(),
                    escape(title)
                );
            }
            // The picture beside is drawn by qinqing (a QR code); no user text is in it.
            Block::Display { v, under, svg, width_mm, .. } => {
                h.push_str("<div class=\"display\">");
                if !svg.is_empty() {
                    let _ = write!(h, "<div class=\"beside\" style=\"width:{width_mm}mm\">{}</div>", svg.trim());
                }
                let _ = write!(h, "<div><p class=\"big\">{}</p>", escape(v));
                for line in under {
                    let _ = write!(h, "<p class=\"under\">{}</p>", escape(line));
                }
                h.push_str("</div></div>\n");
            }
        }
    }
    if !doc.attachments.is_empty() {
        let _ =
            writeln!(h, "<p>附件：{}</p>", doc.attachments.iter().map(|a| escape(a)).collect::<Vec<_>>().join("　"));
    }
    let _ = writeln!(
        h,
        "<p class=\"sign\" style=\"margin-top:2em\">{}</p>\n<p class=\"sign\">{}</p>",
        escape(&doc.signature),
        escape(&doc.date)
    );
    h.push_str("<div class=\"imprint\">\n");
    if let Some(cc) = &doc.cc {
        let _ = writeln!(h, "<p>抄送：{}。</p>", escape(cc));
    }
    if doc.layout == "standard" {
        let _ = writeln!(
            h,
            "<p>{}<span style=\"float:right\">{}</span></p>",
            escape(&doc.printed_by),
            escape(&doc.printed_date)
        );
    }
    h.push_str("</div>\n</div>\n</body>\n</html>\n");
    h
}
