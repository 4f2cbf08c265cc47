//! `qinqing export ledger`: the case ledger (台账) as a sheet people print —
//! a title and the date, a frozen header with filters, columns as wide as
//! their Chinese text, the problem text wrapped, overdue cases highlighted,
//! dates as Excel dates — or as CSV. The same ledger gives the same bytes.

use anyhow::{anyhow, Result};
use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, FormatPattern, Workbook, Worksheet,
    XlsxError,
};
use unicode_width::UnicodeWidthStr;

use crate::report::casebook::{header, CaseRow, Cell};
use crate::text::date_cn;

/// The widest a column grows for its text (Excel's units; a Chinese character
/// is two); longer text wraps, and the row grows to show all of it.
const WIDEST: [(&str, f64); 2] = [("反映问题", 46.0), ("备注", 30.0)];
const WIDEST_OTHER: f64 = 22.0;
/// Points per line of text at the default size.
const LINE_HEIGHT: f64 = 15.0;

/// The workbook's bytes.
pub(crate) fn xlsx(rows: &[CaseRow], office: &str, as_of: NaiveDate, with_contacts: bool) -> Result<Vec<u8>> {
    write(rows, office, as_of, with_contacts).map_err(|e| anyhow!("无法生成 Excel 文件：{e}"))
}

/// The CSV's bytes: UTF-8 with a byte-order mark, so Excel opens the Chinese as Chinese.
pub(crate) fn csv(rows: &[CaseRow], with_contacts: bool) -> Result<Vec<u8>> {
    let mut w = ::csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(header(with_contacts))?;
    for r in rows {
        let cells: Vec<String> = r.cells(with_contacts).iter().map(Cell::text).collect();
        w.write_record(cells.iter().map(|c| super::csv_cell::text(c).into_owned()))?;
    }
    w.into_inner().map_err(|e| anyhow!("无法生成 CSV：{e}"))
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

fn write(rows: &[CaseRow], office: &str, as_of: NaiveDate, with_contacts: bool) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let title = format!("{office}企业反映问题台账");
    wb.set_properties(
        &DocProperties::new().set_title(&title).set_author(office).set_creation_datetime(&excel_date(as_of)?),
    );
    let head = header(with_contacts);
    let last_col = (head.len() - 1) as u16;
    let ws = wb.add_worksheet();
    ws.set_name("台账")?;
    let cell = |f: Format| f.set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    let overdue = |f: Format| f.set_background_color(Color::RGB(0xFFC7CE)).set_pattern(FormatPattern::Solid);
    let text = cell(Format::new());
    let wrapped = cell(Format::new().set_text_wrap().set_align(FormatAlign::Top));
    let date = cell(Format::new().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Center));
    let number = cell(Format::new().set_num_format("0").set_align(FormatAlign::Center));
    let formats = [text, wrapped, date, number];
    let highlighted = formats.clone().map(overdue);

    ws.merge_range(
        0,
        0,
        0,
        last_col,
        &title,
        &Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center),
    )?;
    ws.merge_range(1, 0, 1, last_col, &format!("截至{}，共{}件", date_cn(as_of), rows.len()), &Format::new())?;
    let head_format =
        cell(Format::new().set_bold().set_align(FormatAlign::Center).set_background_color(Color::RGB(0xD9E1F2)));
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &head_format)?;
    }
    // Widths first (each column as wide as its widest text, up to its limit), then the cells.
    let cells: Vec<Vec<Cell>> = rows.iter().map(|r| r.cells(with_contacts)).collect();
    let widths: Vec<f64> = head
        .iter()
        .enumerate()
        .map(|(c, h)| {
            let widest = cells.iter().map(|row| cell_width(&row[c])).fold(display_width(h), f64::max);
            let limit = WIDEST.iter().find(|(name, _)| name == h).map_or(WIDEST_OTHER, |(_, w)| *w);
            (widest + 2.0).clamp(6.0, limit)
        })
        .collect();
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for (i, (r, row_cells)) in rows.iter().zip(&cells).enumerate() {
        let row = 3 + i as u32;
        let fs = if r.overdue_days.is_some() { &highlighted } else { &formats };
        let mut lines = 1usize;
        for (c, value) in row_cells.iter().enumerate() {
            let col = c as u16;
            match value {
                Cell::Date(Some(d)) => {
                    ws.write_datetime_with_format(row, col, excel_date(*d)?, &fs[2])?;
                }
                Cell::Days(Some(n)) => {
                    ws.write_number_with_format(row, col, *n as f64, &fs[3])?;
                }
                other => {
                    let t = other.text();
                    lines = lines.max(lines_needed(&t, widths[c]));
                    ws.write_string_with_format(row, col, &t, &fs[1])?;
                }
            }
        }
        // Spreadsheet programs keep the stored height of a row: a wrapped cell shows all its lines only
        // when the row is made tall enough here.
        if lines > 1 {
            ws.set_row_height(row, LINE_HEIGHT * lines as f64)?;
        }
    }
    let last_row = 2 + rows.len() as u32;
    ws.set_freeze_panes(3, 1)?;
    ws.autofilter(2, 0, last_row.max(3), last_col)?;
    print_setup(ws)?;
    let note = "注：红底为有超期时限的案件；超期天数为其中超期最久的一项。由 qinqing 生成。";
    ws.write_string(last_row + 2, 0, note)?;
    wb.save_to_buffer()
}

/// A4 landscape, one page wide, the header repeated on every page.
fn print_setup(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(2, 2)?;
    Ok(())
}

/// Width in Excel's units (a Chinese character is two), of the widest line.
fn display_width(s: &str) -> f64 {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0) as f64 * 1.1
}

fn cell_width(cell: &Cell) -> f64 {
    match cell {
        Cell::Date(_) => 10.0,
        Cell::Days(_) => 4.0,
        Cell::Text(t) => display_width(t),
    }
}

/// How many lines a text takes in a column of this width.
fn lines_needed(text: &str, width: f64) -> usize {
    let per_line = (width - 1.0).max(1.0);
    text.lines().map(|l| ((UnicodeWidthStr::width(l) as f64 / per_line).ceil() as usize).max(1)).sum::<usize>().max(1)
}
