//! `qinqing report --format xlsx`: an Excel 台账 the office can forward as it
//! is: a title, the period, a sheet per section, rates as percentages formatted
//! exactly as printed elsewhere, and each rate's numerator and denominator.

use anyhow::{anyhow, Result};
use chrono::Datelike;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::model::Settings;
use crate::output::report::{counts, period_line, rates, sections, COUNT_COLUMNS, RATE_COLUMNS};
use crate::report::figures::Report;
use crate::report::percent::printed_fraction;

/// The workbook's bytes. The same report gives the same bytes (the document
/// date is the as-of date).
pub(crate) fn render(report: &Report, settings: &Settings) -> Result<Vec<u8>> {
    write(report, settings).map_err(|e| anyhow!("无法生成 Excel 文件：{e}"))
}

fn write(report: &Report, settings: &Settings) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut wb = Workbook::new();
    let title = format!("{}企业反映问题办理情况统计", settings.organization_name);
    let d = report.as_of;
    let created = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
    wb.set_properties(
        &DocProperties::new().set_title(&title).set_author(&settings.organization_name).set_creation_datetime(&created),
    );
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
    let title_format = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let head = border(Format::new().set_bold().set_align(FormatAlign::Center).set_text_wrap());
    let text = border(Format::new());
    let number = border(Format::new().set_num_format("0"));
    // Each rate's cells show as many decimals as that rate is printed with.
    let pct = |kind| {
        let zeros = "0".repeat(settings.report.decimals_of(kind) as usize);
        border(Format::new().set_num_format(if zeros.is_empty() { "0%".to_string() } else { format!("0.{zeros}%") }))
    };
    let centred = border(Format::new().set_align(FormatAlign::Center));

    let mut header = vec!["名称".to_string()];
    header.extend(COUNT_COLUMNS.iter().map(|c| c.to_string()));
    for r in RATE_COLUMNS {
        header.extend([r.to_string(), format!("{r}（分子/分母）")]);
    }
    header.extend(crate::output::report::result_columns().map(|r| format!("结果：{r}")));
    let last_col = (header.len() - 1) as u16;
    for section in sections(report, settings) {
        let ws = wb.add_worksheet();
        ws.set_name(section.title)?;
        ws.merge_range(0, 0, 0, last_col, &title, &title_format)?;
        ws.merge_range(1, 0, 1, last_col, &format!("{}　{}", section.title, period_line(report)), &Format::new())?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, h, &head)?;
        }
        ws.set_row_height(2, 30)?;
        ws.set_column_width(0, 24)?;
        for c in 1..=last_col {
            ws.set_column_width(c, 9)?;
        }
        for (i, (name, f)) in section.rows.iter().enumerate() {
            let row = 3 + i as u32;
            ws.write_string_with_format(row, 0, name, &text)?;
            let mut col = 1u16;
            for n in counts(f) {
                ws.write_number_with_format(row, col, n as f64, &number)?;
                col += 1;
            }
            for r in rates(f) {
                match printed_fraction(r, &settings.report) {
                    Some(v) => ws.write_number_with_format(row, col, v, &pct(r.kind))?,
                    None => ws.write_string_with_format(row, col, "—", &centred)?,
                };
                ws.write_string_with_format(row, col + 1, format!("{}/{}", r.num, r.den), &centred)?;
                col += 2;
            }
            for (_, n) in f.by_result.iter() {
                ws.write_number_with_format(row, col, n as f64, &number)?;
                col += 1;
            }
        }
        ws.set_freeze_panes(3, 1)?;
        let note_row = 4 + section.rows.len() as u32;
        ws.write_string(
            note_row,
            0,
            format!("注：比率为分子÷分母，{}；分母为 0 时记「—」。由 qinqing 生成。", settings.report.describe()),
        )?;
    }
    wb.save_to_buffer()
}
