//! Bytes to text: UTF-8 only, with a helpful word for GBK files and binary junk.

use crate::diag::{Diagnostic, Pos};

/// Turns a file's bytes into text, or says why it cannot be read as YAML.
pub(crate) fn decode<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(
            Diagnostic::error("empty-file", file, Pos::start(), "文件为空").with_hint("请填写内容，或删除此文件")
        );
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(binary(file, bytes, at));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => match bytes.iter().position(|&b| is_junk_control(b)) {
            Some(at) => Err(binary(file, bytes, at)),
            None => Ok(text),
        },
        Err(e) if looks_like_gbk(bytes) => {
            // GBK byte pairs can happen to be valid UTF-8, so the UTF-8 error may come
            // late; the clerk needs the place where the Chinese text starts.
            let at = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(e.valid_up_to());
            let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let (prefix, _) = encoding_rs::GBK.decode_without_bom_handling(&bytes[line_start..at]);
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let pos = Pos::new(line, prefix.chars().count() as u32 + 1);
            Err(Diagnostic::error("not-utf8", file, pos, "文件不是 UTF-8 编码")
                .with_hint("文件似乎是 GBK（GB2312/GB18030）编码，请在编辑器中另存为 UTF-8"))
        }
        Err(e) => {
            let pos = pos_of_byte(bytes, e.valid_up_to());
            Err(Diagnostic::error("not-utf8", file, pos, "文件不是 UTF-8 编码")
                .with_hint("请在编辑器中另存为 UTF-8 编码"))
        }
    }
}

/// ASCII control characters that never appear in a hand-written YAML file.
fn is_junk_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7F
}

fn binary(file: &str, bytes: &[u8], at: usize) -> Diagnostic {
    Diagnostic::error("binary-file", file, pos_of_byte(bytes, at), "文件含有二进制内容，不是文本文件")
        .with_hint("案件文件应为 UTF-8 编码的 YAML 文本")
}

/// GBK text decodes cleanly and mostly into CJK ideographs.
fn looks_like_gbk(bytes: &[u8]) -> bool {
    let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(bytes);
    if had_errors {
        return false;
    }
    let non_ascii: Vec<char> = text.chars().filter(|c| !c.is_ascii()).collect();
    let cjk = non_ascii
        .iter()
        .filter(|&&c| {
            ('\u{4E00}'..='\u{9FFF}').contains(&c)
                || ('\u{3000}'..='\u{303F}').contains(&c)
                || ('\u{FF00}'..='\u{FFEF}').contains(&c)
        })
        .count();
    !non_ascii.is_empty() && cjk * 10 >= non_ascii.len() * 8
}

/// The line and column (in characters) of a byte offset, counting only valid UTF-8 before it.
pub(crate) fn pos_of_byte(bytes: &[u8], at: usize) -> Pos {
    let before = &bytes[..at.min(bytes.len())];
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() as u32 + 1;
    Pos::new(line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_accepts_utf8() {
        assert_eq!(decode("a", b"\xEF\xBB\xBFid: x\r\n").unwrap(), "id: x\r\n");
    }

    #[test]
    fn empty_and_whitespace_files_are_empty() {
        assert_eq!(decode("a", b"").unwrap_err().code, "empty-file");
        assert_eq!(decode("a", b"\xEF\xBB\xBF \n\n").unwrap_err().code, "empty-file");
    }

    #[test]
    fn gbk_is_recognised() {
        let (gbk, _, _) = encoding_rs::GBK.encode("id: HZ-1\ntitle: 园区公交线路延伸\n");
        let d = decode("a", &gbk).unwrap_err();
        assert_eq!(d.code, "not-utf8");
        assert_eq!((d.line, d.column), (2, 8));
        assert!(d.hint.unwrap().contains("GBK"));
    }

    #[test]
    fn binary_junk_is_reported_where_it_starts() {
        let d = decode("a", b"id: x\nab\x00\x01").unwrap_err();
        assert_eq!((d.code.as_str(), d.line, d.column), ("binary-file", 2, 3));
        assert_eq!(decode("a", b"id: \x07x").unwrap_err().code, "binary-file");
    }
}
