//! A problem list (问题清单) as a grid of text with cell positions: an Excel
//! (`.xlsx`, `.xls`, `.xlsb`) or OpenDocument (`.ods`) sheet through calamine,
//! or a CSV in UTF-8 (with or without a byte-order mark) or GBK/GB18030.

use std::path::Path;

use anyhow::{bail, Context, Result};
use calamine::{open_workbook_auto, Data, Reader};

/// Largest sheet file read, and most rows and columns: a problem list is
/// hundreds of rows and a few dozen columns. A workbook is a zip: what it
/// unpacks to is bounded too, before anything is unpacked.
pub(crate) const MAX_BYTES: u64 = 32 * 1024 * 1024;
const MAX_ROWS: usize = 100_000;
const MAX_COLS: usize = 1_000;
const MAX_UNPACKED: u64 = 256 * 1024 * 1024;

/// The first sheet of a file, every cell as text.
#[derive(Debug)]
pub(crate) struct Sheet {
    /// The file's name, as cells are cited (问题清单.xlsx).
    pub(crate) file: String,
    /// The sheet's name, or 第1张表 for a CSV.
    pub(crate) name: String,
    /// Rows from the first (row 1) on; each row from column A on.
    pub(crate) rows: Vec<Vec<String>>,
    /// How a CSV was decoded, when it was not UTF-8 (said to the user).
    pub(crate) encoding: Option<&'static str>,
    /// Cells whose value cannot be read as the clerk sees it (an error value, a
    /// formula never calculated): (row, column, why), reported at the cell.
    pub(crate) problems: Vec<(usize, usize, String)>,
}

impl Sheet {
    /// Where a cell is, as a clerk finds it: 问题清单.xlsx 第1张表!C12 (row and column from 0).
    pub(crate) fn cell(&self, row: usize, col: usize) -> String {
        format!("{} {}!{}{}", self.file, self.name, column_letters(col), row + 1)
    }
}

/// A, B, …, Z, AA, AB, …
pub(crate) fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Reads the first visible sheet of a file, or the one named.
pub(crate) fn read(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
    let file = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let meta = std::fs::metadata(path).with_context(|| format!("无法读取 {}", path.display()))?;
    // A FIFO or a device would block or never end: only a regular file is read.
    if !meta.is_file() {
        bail!("{file} 不是普通文件");
    }
    if meta.len() > MAX_BYTES {
        bail!("{file} 过大（{:.1} MB），问题清单不应超过 {} MB", meta.len() as f64 / 1_048_576.0, MAX_BYTES >> 20);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let sheet = match ext.as_str() {
        "csv" | "txt" => {
            if let Some(name) = sheet {
                bail!("{file} 是 CSV，只有一张表，不能用 --sheet {name}");
            }
            read_csv(file, &std::fs::read(path)?)?
        }
        "xlsx" | "xlsm" => {
            unpacked_size_is_bounded(&file, path)?;
            read_xlsx(file, path, sheet)?
        }
        "ods" => {
            unpacked_size_is_bounded(&file, path)?;
            read_workbook(file, path, sheet)?
        }
        "xls" | "xlsb" => read_workbook(file, path, sheet)?,
        _ => bail!("{file}：只能导入 .xlsx、.xls、.ods 或 .csv 文件"),
    };
    if sheet.rows.len() > MAX_ROWS {
        bail!("{}：超过 {MAX_ROWS} 行，请分成几个文件导入", sheet.file);
    }
    Ok(sheet)
}

/// A zip whose entries unpack to more than [`MAX_UNPACKED`] (a zip bomb, or
/// not a problem list) is refused before anything is unpacked.
fn unpacked_size_is_bounded(file: &str, path: &Path) -> Result<()> {
    let reader = std::fs::File::open(path).with_context(|| format!("无法读取 {file}"))?;
    let Ok(mut zip) = zip::ZipArchive::new(reader) else {
        bail!("{file} 无法作为表格打开：{}", workbook_error("zip"));
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else { bail!("{file} 已损坏（第{}个部件无法读取）", i + 1) };
        total = total.saturating_add(entry.size());
    }
    if total > MAX_UNPACKED {
        bail!("{file} 解压后有 {} MB，远超一份问题清单，未导入（上限 {} MB）", total >> 20, MAX_UNPACKED >> 20);
    }
    Ok(())
}

/// The sheet to read: the one named, else the first a person can see (a
/// very hidden first sheet is not the list).
fn choose<'a>(file: &str, sheets: &'a [calamine::Sheet], named: Option<&str>) -> Result<&'a calamine::Sheet> {
    let worksheets = || sheets.iter().filter(|s| s.typ == calamine::SheetType::WorkSheet);
    match named {
        Some(name) => worksheets().find(|s| s.name == name).ok_or_else(|| {
            let all: Vec<&str> = worksheets().map(|s| s.name.as_str()).collect();
            anyhow::anyhow!("{file} 中没有名为「{name}」的工作表；有：{}", all.join("、"))
        }),
        None => worksheets()
            .find(|s| s.visible == calamine::SheetVisible::Visible)
            .ok_or_else(|| anyhow::anyhow!("{file} 中没有可见的工作表")),
    }
}

/// An .xlsx read cell by cell: nothing is allocated for the empty cells
/// between A1 and a far cell (XFD1048576 in a 2 KB file), and a cell past the
/// bounds is refused at its address.
fn read_xlsx(file: String, path: &Path, named: Option<&str>) -> Result<Sheet> {
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(path).map_err(|e: calamine::XlsxError| {
        anyhow::anyhow!("{file} 无法作为表格打开：{}", workbook_error(&e.to_string()))
    })?;
    let name = choose(&file, book.sheets_metadata(), named)?.name.clone();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut problems = Vec::new();
    {
        let mut cells = book
            .worksheet_cells_reader(&name)
            .map_err(|e| anyhow::anyhow!("{file} 的工作表「{name}」无法读取：{}", workbook_error(&e.to_string())))?;
        while let Some(cell) = cells
            .next_cell_with_formula()
            .map_err(|e| anyhow::anyhow!("{file} 读取中出错：{}", workbook_error(&e.to_string())))?
        {
            let (row, col) = (cell.pos.0 as usize, cell.pos.1 as usize);
            let value: Data = cell.value.into();
            let text = cell_text(&value);
            if text.is_empty() && cell.formula.is_none() {
                continue;
            }
            if row >= MAX_ROWS || col >= MAX_COLS {
                bail!(
                    "{file} {name}!{}{} 超出问题清单的范围（最多 {MAX_ROWS} 行、{MAX_COLS} 列），未导入；请删去这个单元格或另存为只含问题清单的表",
                    column_letters(col),
                    row + 1
                );
            }
            match (&value, &cell.formula) {
                (Data::Error(e), _) => problems.push((row, col, format!("单元格是错误值 {}", error_text(e)))),
                (Data::Empty, Some(f)) => {
                    problems.push((row, col, format!("公式「={f}」没有计算结果（表格保存时未计算）")));
                }
                _ => {}
            }
            if matches!(value, Data::Error(_)) {
                continue;
            }
            if rows.len() <= row {
                rows.resize(row + 1, Vec::new());
            }
            let r = &mut rows[row];
            if r.len() <= col {
                r.resize(col + 1, String::new());
            }
            r[col] = text;
        }
    }
    // A merged cell shows its value in every cell it covers (企业名称 merged over three rows).
    if let Ok(merged) = book.merge_cells_by_sheet_name(&name) {
        // Filled no wider than the columns in use, and no more cells than the sheet's bound:
        // one merge over B2:ALL30000 must not make a hundred million copies.
        let widest = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut budget: usize = MAX_ROWS * 20;
        for d in &merged {
            let (top, left) = (d.start.0 as usize, d.start.1 as usize);
            let bottom = (d.end.0 as usize).min(rows.len().saturating_sub(1));
            let right = (d.end.1 as usize).min(widest.saturating_sub(1));
            let cells = (bottom + 1).saturating_sub(top).saturating_mul((right + 1).saturating_sub(left));
            budget = budget.checked_sub(cells).ok_or_else(|| {
                anyhow::anyhow!(
                    "{file} {name}!{}{} 起的合并单元格过大，未导入；请取消合并后另存再导入",
                    column_letters(left),
                    top + 1
                )
            })?;
            let Some(value) = rows.get(top).and_then(|r: &Vec<String>| r.get(left)).filter(|v| !v.is_empty()).cloned()
            else {
                continue;
            };
            for row in rows.iter_mut().take(bottom + 1).skip(top) {
                if row.len() <= right {
                    row.resize(right + 1, String::new());
                }
                for cell in row.iter_mut().take(right + 1).skip(left) {
                    if cell.is_empty() {
                        cell.clone_from(&value);
                    }
                }
            }
        }
    }
    Ok(Sheet { file, name, rows, encoding: None, problems })
}

fn read_workbook(file: String, path: &Path, named: Option<&str>) -> Result<Sheet> {
    let mut book = open_workbook_auto(path)
        .map_err(|e| anyhow::anyhow!("{file} 无法作为表格打开：{}", workbook_error(&e.to_string())))?;
    let name = choose(&file, book.sheets_metadata(), named)?.name.clone();
    let range = book
        .worksheet_range(&name)
        .map_err(|e| anyhow::anyhow!("{file} 的工作表「{name}」无法读取：{}", workbook_error(&e.to_string())))?;
    // A range starts at its first used cell; rows and columns are counted from A1.
    let (top, left) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); top];
    let mut problems = Vec::new();
    for (i, r) in range.rows().enumerate() {
        let mut row = vec![String::new(); left];
        for (j, d) in r.iter().enumerate() {
            if let Data::Error(e) = d {
                problems.push((top + i, left + j, format!("单元格是错误值 {}", error_text(e))));
                row.push(String::new());
            } else {
                row.push(cell_text(d));
            }
        }
        rows.push(row);
    }
    Ok(Sheet { file, name, rows, encoding: None, problems })
}

/// An Excel error value as Excel shows it.
fn error_text(e: &calamine::CellErrorType) -> &'static str {
    use calamine::CellErrorType as E;
    match e {
        E::Div0 => "#DIV/0!",
        E::NA => "#N/A",
        E::Name => "#NAME?",
        E::Null => "#NULL!",
        E::Num => "#NUM!",
        E::Ref => "#REF!",
        E::Value => "#VALUE!",
        E::GettingData => "#GETTING_DATA",
    }
}

/// A reading library's error in words a clerk can act on (its own are English).
fn workbook_error(raw: &str) -> &'static str {
    let lower = raw.to_ascii_lowercase();
    if lower.contains("zip") || lower.contains("archive") {
        "文件不是完好的表格（压缩结构损坏），请用表格软件打开后另存再导入"
    } else if lower.contains("xml") || lower.contains("utf") {
        "表格内容的结构有误，请用表格软件打开后另存再导入"
    } else if lower.contains("password") || lower.contains("encrypt") {
        "表格设有密码，请去掉密码后再导入"
    } else {
        "文件已损坏或不是这种格式的表格，请用表格软件打开后另存再导入"
    }
}

/// A cell as a clerk typed it: whole numbers without ".0", dates as 2026-06-03.
fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let days = dt.as_f64().floor() as i64;
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(days)))
                .map(|d| d.to_string())
                .unwrap_or_default()
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => error_text(e).to_string(),
        Data::Empty => String::new(),
    }
}

fn read_csv(file: String, bytes: &[u8]) -> Result<Sheet> {
    let (text, encoding) = decode(bytes);
    // Excel's "Unicode text" separates with tabs: a first line with tabs and no commas is read so.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.contains('\t') && !first.contains(',') { b'\t' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{file} 第{}行无法读取", i + 1))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(Sheet { file, name: "第1张表".to_string(), rows, encoding, problems: Vec::new() })
}

/// UTF-8 (a byte-order mark dropped), else GB18030, which reads GBK and GB2312 too:
/// what Excel on a Chinese Windows writes as "CSV".
fn decode(bytes: &[u8]) -> (String, Option<&'static str>) {
    // UTF-16 as Excel's "Unicode text" writes it, known by its byte-order mark.
    for (bom, encoding, name) in
        [(&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, "UTF-16LE"), (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, "UTF-16BE")]
    {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, _) = encoding.decode_without_bom_handling(rest);
            return (text.into_owned(), Some(name));
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(t) => (t.to_string(), None),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), Some("GBK/GB18030"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_text_is_read_as_utf16_not_gbk() {
        let text = "反映问题\t企业名称\n道路破损\t甲公司\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let sheet = read_csv("清单.txt".into(), &bytes).unwrap();
        assert_eq!(sheet.encoding, Some("UTF-16LE"));
        assert_eq!(sheet.rows[1], ["道路破损", "甲公司"]);
    }

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        let letters: Vec<String> = [0, 2, 25, 26, 27, 51, 52, 701, 702].iter().map(|&c| column_letters(c)).collect();
        assert_eq!(letters, ["A", "C", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    #[test]
    fn a_gbk_csv_is_recognised_and_said() {
        let (gbk, _, _) = encoding_rs::GBK.encode("序号,企业名称\n1,湖州某某公司\n");
        let sheet = read_csv("清单.csv".into(), &gbk).unwrap();
        assert_eq!(sheet.encoding, Some("GBK/GB18030"));
        assert_eq!(sheet.rows[1], ["1", "湖州某某公司"]);
        let utf8 = read_csv("清单.csv".into(), "\u{feff}序号,企业名称\n".as_bytes()).unwrap();
        assert_eq!((utf8.encoding, utf8.rows[0][0].as_str()), (None, "序号"));
        assert_eq!(utf8.cell(11, 2), "清单.csv 第1张表!C12");
    }
}
