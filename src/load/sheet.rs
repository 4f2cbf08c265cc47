//! A problem list (问题清单) as a grid of text with cell positions: an Excel
//! (`.xlsx`, `.xls`, `.xlsb`) or OpenDocument (`.ods`) sheet through calamine,
//! or a CSV in UTF-8 (with or without a byte-order mark) or GBK/GB18030.

use std::path::Path;

use anyhow::{bail, Context, Result};
use calamine::{open_workbook_auto, Data, Reader};

/// Largest sheet file read, and most rows: a problem list is hundreds of rows.
pub(crate) const MAX_BYTES: u64 = 32 * 1024 * 1024;
const MAX_ROWS: usize = 100_000;

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

/// Reads the first sheet of a file.
pub(crate) fn read(path: &Path) -> Result<Sheet> {
    let file = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let size = std::fs::metadata(path).with_context(|| format!("无法读取 {}", path.display()))?.len();
    if size > MAX_BYTES {
        bail!("{file} 过大（{:.1} MB），问题清单不应超过 {} MB", size as f64 / 1_048_576.0, MAX_BYTES >> 20);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let sheet = match ext.as_str() {
        "csv" | "txt" => read_csv(file, &std::fs::read(path)?)?,
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => read_workbook(file, path)?,
        _ => bail!("{file}：只能导入 .xlsx、.xls、.ods 或 .csv 文件"),
    };
    if sheet.rows.len() > MAX_ROWS {
        bail!("{}：超过 {MAX_ROWS} 行，请分成几个文件导入", sheet.file);
    }
    Ok(sheet)
}

fn read_workbook(file: String, path: &Path) -> Result<Sheet> {
    let mut book = open_workbook_auto(path).with_context(|| format!("{file} 无法作为表格打开"))?;
    let name = book.sheet_names().first().cloned().unwrap_or_else(|| "第1张表".to_string());
    let range = match book.worksheet_range_at(0) {
        Some(r) => r.with_context(|| format!("{file} 的第一张表无法读取"))?,
        None => bail!("{file} 中没有工作表"),
    };
    // A range starts at its first used cell; rows and columns are counted from A1.
    let (top, left) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); top];
    for r in range.rows() {
        let mut row = vec![String::new(); left];
        row.extend(r.iter().map(cell_text));
        rows.push(row);
    }
    Ok(Sheet { file, name, rows, encoding: None })
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
        Data::Error(e) => format!("#{e:?}"),
        Data::Empty => String::new(),
    }
}

fn read_csv(file: String, bytes: &[u8]) -> Result<Sheet> {
    let (text, encoding) = decode(bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{file} 第{}行无法读取", i + 1))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(Sheet { file, name: "第1张表".to_string(), rows, encoding })
}

/// UTF-8 (a byte-order mark dropped), else GB18030, which reads GBK and GB2312 too:
/// what Excel on a Chinese Windows writes as "CSV".
fn decode(bytes: &[u8]) -> (String, Option<&'static str>) {
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
