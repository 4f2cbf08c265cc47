//! Aligned text tables: columns measured in display width, so Chinese lines up.

use unicode_width::UnicodeWidthStr;

/// Renders rows under a header, columns separated by two spaces.
pub(crate) fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.width());
            }
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut text = String::new();
        for (i, cell) in cells.enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(cell);
            if i + 1 < widths.len() {
                text.push_str(&" ".repeat(widths[i].saturating_sub(cell.width())));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn chinese_columns_align_by_display_width() {
        let t = super::render(
            &["编号", "部门"],
            &[vec!["A-1".into(), "市交通运输局".into()], vec!["HZ-2026-0001".into(), "x".into()]],
        );
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "编号          部门");
        assert_eq!(lines[1], "A-1           市交通运输局");
        assert_eq!(lines[2], "HZ-2026-0001  x");
    }
}
