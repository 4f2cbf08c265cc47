//! Word: the same document with the same page setup and the standard's font
//! names, so the recipient's Word uses its own 仿宋_GB2312 and a clerk can edit it.

use anyhow::Result;
use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing, LineSpacingType,
    PageMargin, Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run, RunFonts,
    SpecialIndentType, Table, TableCell, TableRow, VAlignType,
};

use crate::render::document::{Block, Document, Inline};
use crate::render::fonts::Role;

const RED: &str = "E60012";
/// Twips per millimetre.
const MM: f64 = 56.692_9;
/// Line pitch of 22 lines on 225 mm, in twips.
const PITCH: i32 = (225.0 * MM / 22.0) as i32;

fn run(text: &str, role: Role, half_points: usize) -> Run {
    Run::new()
        .add_text(text)
        .size(half_points)
        .fonts(RunFonts::new().east_asia(role.word_name()).ascii(role.word_name()).hi_ansi(role.word_name()))
}

fn body_run(text: &str) -> Run {
    run(text, Role::FangSong, 32).character_spacing(-4)
}

fn exact(p: Paragraph, twips: i32) -> Paragraph {
    p.line_spacing(LineSpacing::new().line(twips).line_rule(LineSpacingType::Exact).before(0).after(0))
}

fn body_paragraph() -> Paragraph {
    exact(Paragraph::new(), PITCH)
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
        .align(AlignmentType::Both)
}

fn inline_runs(mut p: Paragraph, nodes: &[Inline], role: Role, size: usize, bold: bool) -> Paragraph {
    for n in nodes {
        p = match n {
            Inline::Text { v } | Inline::Code { v } => {
                let r = if role == Role::FangSong && size == 32 { body_run(v) } else { run(v, role, size) };
                p.add_run(if bold { r.bold() } else { r })
            }
            Inline::Strong { c } => inline_runs(p, c, role, size, true),
            Inline::Emph { c } => inline_runs(p, c, Role::Kai, size, bold),
            Inline::Br => p.add_run(Run::new().add_break(docx_rs::BreakType::TextWrapping)),
        };
    }
    p
}

fn rule(color: &str, size: usize, style: BorderType) -> ParagraphBorders {
    ParagraphBorders::with_empty()
        .set(ParagraphBorder::new(ParagraphBorderPosition::Bottom).val(style).size(size).color(color))
}

fn page_footer(align: AlignmentType) -> Footer {
    let p = Paragraph::new()
        .align(align)
        .indent(Some(280), None, Some(280), None)
        .add_run(run("— ", Role::Song, 28))
        .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
        .add_run(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new())))
        .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
        .add_run(run("1", Role::Song, 28))
        .add_run(Run::new().add_field_char(FieldCharType::End, false))
        .add_run(run(" —", Role::Song, 28));
    Footer::new().add_paragraph(p)
}

/// A chart's picture, the width of the type area unless it has its own. Ids
/// are numbered per document (docx-rs counts them per process), so the bytes
/// are reproducible.
fn chart_run(png: &[u8], n: usize, width_mm: u32) -> Run {
    // Width and height from the PNG header (IHDR), in pixels.
    let px = |at: usize| png.get(at..at + 4).map_or(1, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]).max(1));
    let (w, h) = (px(16), px(20));
    let width_emu = if width_mm > 0 { width_mm.min(156) } else { 156 } * 36_000;
    let height_emu = (u64::from(width_emu) * u64::from(h) / u64::from(w)) as u32;
    let pic = Pic::new_with_dimensions(png.to_vec(), w, h).id(format!("rIdChart{n}")).size(width_emu, height_emu);
    Run::new().add_image(pic)
}

/// Renders a document to DOCX bytes.
pub(crate) fn render(doc: &Document, date_iso: &str) -> Result<Vec<u8>> {
    let mut d = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top((37.0 * MM) as i32)
                .left((28.0 * MM) as i32)
                .right((26.0 * MM) as i32)
                .bottom((35.0 * MM) as i32)
                .footer((28.0 * MM) as i32 - 400),
        )
        .created_at(&format!("{date_iso}T00:00:00Z"))
        .updated_at(&format!("{date_iso}T00:00:00Z"))
        .footer(page_footer(AlignmentType::Right))
        .even_footer(page_footer(AlignmentType::Left));
    let mark_size = ((15.0_f64).min(156.0 / doc.mark.chars().count().max(1) as f64) * 2.834_6 * 2.0) as usize;
    let mark =
        Paragraph::new().align(AlignmentType::Center).add_run(run(&doc.mark, Role::XiaoBiaoSong, mark_size).color(RED));
    if doc.layout == "letter" {
        d = d.first_footer(Footer::new());
        d = d.add_paragraph(mark.set_borders(rule(RED, 18, BorderType::ThickThinSmallGap)));
        d = d.add_paragraph(exact(Paragraph::new(), PITCH).align(AlignmentType::Right).add_run(body_run(&doc.number)));
    } else {
        d = d.add_paragraph(exact(Paragraph::new(), (35.0 * MM) as i32));
        d = d.add_paragraph(mark);
        d = d.add_paragraph(exact(Paragraph::new(), PITCH));
        let number = exact(Paragraph::new(), PITCH).align(AlignmentType::Center).add_run(body_run(&doc.number));
        d = d.add_paragraph(number.set_borders(rule(RED, 8, BorderType::Single)));
    }
    d = d.add_paragraph(exact(Paragraph::new(), PITCH));
    let mut title = Paragraph::new().align(AlignmentType::Center);
    for (i, line) in doc.title_lines.iter().enumerate() {
        let mut r = run(line, Role::XiaoBiaoSong, 44);
        if i + 1 < doc.title_lines.len() {
            r = r.add_break(docx_rs::BreakType::TextWrapping);
        }
        title = title.add_run(r);
    }
    d = d.add_paragraph(title);
    d = d.add_paragraph(exact(Paragraph::new(), PITCH));
    d = d.add_paragraph(exact(Paragraph::new(), PITCH).add_run(body_run(&format!("{}：", doc.recipients))));
    let mut charts = 0;
    for block in &doc.body {
        d = match block {
            Block::P { c } => d.add_paragraph(inline_runs(body_paragraph(), c, Role::FangSong, 32, false)),
            Block::H { level, label, c } => {
                let role = [Role::Hei, Role::Kai, Role::FangSong, Role::FangSong][(*level as usize).clamp(1, 4) - 1];
                let p = body_paragraph().add_run(run(label, role, 32));
                d.add_paragraph(inline_runs(p, c, role, 32, false))
            }
            Block::List { ordered, items } => {
                let mut d = d;
                for (k, item) in items.iter().enumerate() {
                    let mark = if *ordered { format!("{}. ", k + 1) } else { "· ".to_string() };
                    let p = body_paragraph().add_run(body_run(&mark));
                    d = d.add_paragraph(inline_runs(p, item, Role::FangSong, 32, false));
                }
                d
            }
            Block::Table { head, rows, .. } => {
                let cell = |nodes: &Vec<Inline>, role: Role| {
                    TableCell::new().add_paragraph(inline_runs(Paragraph::new(), nodes, role, 24, false))
                };
                let mut trs = vec![TableRow::new(head.iter().map(|h| cell(h, Role::Hei)).collect())];
                trs.extend(rows.iter().map(|r| TableRow::new(r.iter().map(|c| cell(c, Role::FangSong)).collect())));
                d.add_table(Table::new(trs))
            }
            Block::Rule => d.add_paragraph(Paragraph::new().set_borders(rule("000000", 4, BorderType::Single))),
            Block::Display { v, under, png, width_mm, .. } => {
                let mut text = TableCell::new()
                    .vertical_align(VAlignType::Center)
                    .add_paragraph(Paragraph::new().add_run(run(v, Role::Hei, 48).character_spacing(40)));
                for line in under {
                    text = text.add_paragraph(Paragraph::new().add_run(run(line, Role::FangSong, 24)));
                }
                if png.is_empty() {
                    d.add_table(Table::new(vec![TableRow::new(vec![text])]).clear_all_border())
                } else {
                    charts += 1;
                    let picture = TableCell::new()
                        .vertical_align(VAlignType::Center)
                        .add_paragraph(Paragraph::new().add_run(chart_run(png, charts, *width_mm)));
                    d.add_table(Table::new(vec![TableRow::new(vec![picture, text])]).clear_all_border())
                }
            }
            Block::Chart { title, png, width_mm, .. } => {
                charts += 1;
                let d = d.add_paragraph(
                    Paragraph::new().align(AlignmentType::Center).add_run(chart_run(png, charts, *width_mm)),
                );
                d.add_paragraph(exact(Paragraph::new(), PITCH).align(AlignmentType::Center).add_run(run(
                    title,
                    Role::Kai,
                    28,
                )))
            }
        };
    }
    if !doc.attachments.is_empty() {
        d = d.add_paragraph(exact(Paragraph::new(), PITCH));
        let names: Vec<String> = if doc.attachments.len() == 1 {
            doc.attachments.clone()
        } else {
            doc.attachments.iter().enumerate().map(|(i, a)| format!("{}.{a}", i + 1)).collect()
        };
        d = d.add_paragraph(body_paragraph().add_run(body_run(&format!("附件：{}", names.join("　")))));
    }
    d = d.add_paragraph(exact(Paragraph::new(), PITCH));
    d = d.add_paragraph(
        exact(Paragraph::new(), PITCH)
            .align(AlignmentType::Right)
            .indent(None, None, Some(640), None)
            .add_run(body_run(&doc.signature)),
    );
    d = d.add_paragraph(
        exact(Paragraph::new(), PITCH)
            .align(AlignmentType::Right)
            .indent(None, None, Some(640), None)
            .add_run(body_run(&doc.date)),
    );
    let imprint =
        |text: &str| Paragraph::new().indent(Some(280), None, Some(280), None).add_run(run(text, Role::FangSong, 28));
    let thick = |p: Paragraph| {
        p.set_borders(
            ParagraphBorders::with_empty()
                .set(ParagraphBorder::new(ParagraphBorderPosition::Top).val(BorderType::Single).size(8).color("000000"))
                .set(
                    ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                        .val(BorderType::Single)
                        .size(8)
                        .color("000000"),
                ),
        )
    };
    d = d.add_paragraph(exact(Paragraph::new(), PITCH));
    if let Some(cc) = &doc.cc {
        d = d.add_paragraph(thick(imprint(&format!("抄送：{cc}。"))));
    }
    if doc.layout == "standard" {
        d = d.add_paragraph(thick(imprint(&format!("{}　　{}", doc.printed_by, doc.printed_date))));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    d.build().pack(&mut out)?;
    with_author(out.into_inner(), &doc.signature)
}

/// The document's author and last editor are the issuing organisation. docx-rs
/// writes "unknown" and offers no setter, so its `docProps/core.xml` is
/// rewritten in the package; every other part is copied as it is.
fn with_author(package: Vec<u8>, author: &str) -> Result<Vec<u8>> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(package))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let name = crate::text::escape_html(author);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i)?;
        let part_name = part.name()?.to_string();
        if part_name != "docProps/core.xml" {
            out.raw_copy_file(part)?;
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml)?;
        let xml = xml.replace("<dc:creator>unknown</dc:creator>", &format!("<dc:creator>{name}</dc:creator>")).replace(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            &format!("<cp:lastModifiedBy>{name}</cp:lastModifiedBy>"),
        );
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(part.compression())
            .last_modified_time(part.last_modified().unwrap_or_default());
        out.start_file(part_name, options)?;
        out.write_all(xml.as_bytes())?;
    }
    Ok(out.finish()?.into_inner())
}
