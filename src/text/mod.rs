//! Wording shared by every stage that prints for people: dates in Chinese,
//! HTML escaping and the masking of personal data. Below every stage that uses it.

pub mod mask;
pub(crate) mod words;

use chrono::{Datelike, NaiveDate};

/// 2026年6月20日: Arabic numerals, no leading zeros.
pub(crate) fn date_cn(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An operating system's error in words a clerk reads (its own are English).
pub fn io_words(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "找不到这个文件或文件夹",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已经存在",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::NotADirectory => "路径中有一层不是文件夹",
        K::InvalidData => "内容不是有效的文字",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "文件系统是只读的",
        K::TimedOut => "超时",
        K::Interrupted => "被中断",
        K::UnexpectedEof => "文件意外结束",
        _ => "无法读写",
    }
}
