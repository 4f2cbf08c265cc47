//! `qinqing import --template`: the blank problem list (问题清单) the office
//! sends to hosts and enterprises — the headers `import` reads, a frozen
//! header row, drop-down lists of the registry's departments, the channels and
//! the categories in use (kept on a hidden 选项 sheet, as a list longer than
//! 255 characters cannot live in the validation itself), and dates as dates.

use anyhow::{anyhow, Result};
use rust_xlsxwriter::{
    Color, DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook,
    XlsxError,
};

/// The columns, in order, with their widths and what goes in them.
pub(crate) const COLUMNS: [(&str, f64, &str); 14] = [
    ("序号", 6.0, "本表内的编号，重新导入时据此认出已建的案件"),
    ("企业名称", 26.0, "营业执照上的全称"),
    ("统一社会信用代码", 22.0, "18位"),
    ("反映问题", 48.0, "必填：问题的具体内容"),
    ("问题类别", 12.0, "从下拉列表中选，或自己填写"),
    ("联系人", 10.0, "企业联系人（个人信息，只用于回访）"),
    ("联系电话", 15.0, "企业联系电话（个人信息，只用于回访）"),
    ("来源渠道", 10.0, "恳谈会线上、书面提交的问题填线上、书面；不是恳谈会的问题：线上、书面、热线、走访"),
    ("收到日期", 12.0, "不是恳谈会的问题必填，如 2026-11-20"),
    ("牵头单位", 24.0, "从下拉列表中选；已交办的再填交办日期，未填交办日期的为拟牵头单位（会前送单位准备）"),
    ("配合单位", 24.0, "多个用「、」分隔"),
    ("交办日期", 12.0, "已交办的填写"),
    ("办理时限", 12.0, "不填则按规则计算"),
    ("备注", 20.0, ""),
];

/// A filled row for the sample: one value per column.
pub(crate) type ExampleRow = [&'static str; 14];

/// The template's bytes; `examples` fills rows in (the shipped sample).
pub(crate) fn template(
    office: &str,
    departments: &[String],
    channels: &[&str],
    categories: &[String],
    examples: &[ExampleRow],
) -> Result<Vec<u8>> {
    write(office, departments, channels, categories, examples).map_err(|e| anyhow!("无法生成问题清单模板：{e}"))
}

fn write(
    office: &str,
    departments: &[String],
    channels: &[&str],
    categories: &[String],
    examples: &[ExampleRow],
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed date keeps the bytes the same whenever the template is written.
    wb.set_properties(
        &DocProperties::new()
            .set_title("问题清单")
            .set_author(office)
            .set_creation_datetime(&ExcelDateTime::from_ymd(2026, 1, 1)?),
    );
    let last = (COLUMNS.len() - 1) as u16;
    let rows = 500u32;
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xD9E1F2));
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    let date = Format::new().set_border(FormatBorder::Thin).set_num_format("yyyy-mm-dd").set_align(FormatAlign::Top);
    let text = Format::new().set_border(FormatBorder::Thin).set_num_format("@").set_align(FormatAlign::Top);

    let ws = wb.add_worksheet();
    ws.set_name("问题清单")?;
    ws.merge_range(0, 0, 0, last, &format!("{office}　问题清单"), &Format::new().set_bold().set_font_size(14))?;
    for (c, (name, width, note)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(1, c, *name, &head)?;
        ws.set_column_width(c, *width)?;
        let format = match *name {
            "收到日期" | "交办日期" | "办理时限" => &date,
            // Typed as text, so a credit code or a phone keeps its digits.
            "统一社会信用代码" | "联系电话" | "序号" => &text,
            _ => &cell,
        };
        ws.set_column_format(c, format)?;
        if !note.is_empty() {
            ws.add_data_validation(
                1,
                c,
                1,
                c,
                &DataValidation::new().allow_any_value().set_input_title(*name)?.set_input_message(*note)?,
            )?;
        }
    }
    ws.set_freeze_panes(2, 0)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(1, 1)?;
    let list = |sheet_col: char, n: usize| Formula::new(format!("=选项!${sheet_col}$2:${sheet_col}${}", n.max(1) + 1));
    let col_of = |name: &str| COLUMNS.iter().position(|(n, _, _)| *n == name).map_or(0, |i| i as u16);
    for (name, sheet_col, n, strict) in [
        ("牵头单位", 'A', departments.len(), true),
        ("来源渠道", 'B', channels.len(), true),
        ("问题类别", 'C', categories.len(), false),
    ] {
        let c = col_of(name);
        let v = DataValidation::new().allow_list_formula(list(sheet_col, n)).show_error_message(strict);
        ws.add_data_validation(2, c, rows, c, &v)?;
    }
    for (r, row) in examples.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let (r, c) = (2 + r as u32, c as u16);
            match chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
                Ok(d) => {
                    let d = ExcelDateTime::from_ymd(
                        chrono::Datelike::year(&d) as u16,
                        chrono::Datelike::month(&d) as u8,
                        chrono::Datelike::day(&d) as u8,
                    )?;
                    ws.write_datetime_with_format(r, c, d, &date)?
                }
                Err(_) => ws.write_string_with_format(r, c, *value, &cell)?,
            };
        }
    }

    let options = wb.add_worksheet();
    options.set_name("选项")?;
    for (c, (title, values)) in [
        ("牵头单位", departments.to_vec()),
        ("来源渠道", channels.iter().map(|s| s.to_string()).collect()),
        ("问题类别", categories.to_vec()),
    ]
    .into_iter()
    .enumerate()
    {
        options.write_string(0, c as u16, title)?;
        options.set_column_width(c as u16, 24)?;
        for (r, v) in values.iter().enumerate() {
            options.write_string(1 + r as u32, c as u16, v)?;
        }
    }
    options.set_hidden(true);
    wb.save_to_buffer()
}
