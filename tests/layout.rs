//! The GB/T 9704 layout read back from real PDFs, the way a reader checks a
//! page: the 28-character grid (26 after an indent), headings never stranded at
//! a page's foot, the signature with the body, the 版记 on the last (even) page,
//! and the letter's red double line as two strokes with a gap. Every demo
//! document and long synthetic ones (many headings at every position) are checked.

use crate::common;

use std::path::{Path, PathBuf};

use common::{copy_tree, demo_copy, fixture, pages, qinqing, root, tool, Line};

const MM: f64 = 72.0 / 25.4;
const LEFT: f64 = 28.0 * MM;
const RIGHT: f64 = 595.276 - 26.0 * MM;
/// One character's advance on the grid: 156 mm holds 28.
const ADVANCE: f64 = 16.0 - 0.25;

/// Lines in the body's 3号 type: body text, headings, signature (not tables, title, page numbers or 版记).
fn body(page: &[Line]) -> Vec<&Line> {
    page.iter().filter(|l| (l.height - 16.0).abs() < 0.5 && l.top > 37.0 * MM - 2.0).collect()
}

/// A heading of the first two levels, 一、 or （一）. (1. and (1) cannot be told
/// from a numbered list on the page; the synthetic documents use the first two.)
fn is_heading(text: &str) -> bool {
    let numeral = |c: char| "一二三四五六七八九十".contains(c);
    let bracketed = text.strip_prefix('（');
    let rest = bracketed.unwrap_or(text);
    let after = rest.trim_start_matches(numeral);
    after.len() < rest.len() && after.starts_with(if bracketed.is_some() { '）' } else { '、' })
}

fn page_number(page: &[Line]) -> Option<String> {
    page.iter().find(|l| l.text.starts_with('—') && l.text.ends_with('—')).map(|l| l.text.clone())
}

/// Characters that may not start a line, and those that may not end one.
const NO_START: &str = "，。、；：？！）》」』”’〕】";
const NO_END: &str = "（《「『“‘〔【";

/// The grid: a line of pure Chinese text that the next line continues holds 28
/// characters, 26 after a 2-character indent; one fewer when a character moved
/// down so that no line starts with closing punctuation or ends with an opening
/// bracket, one more when a line-end rule compressed a closing mark.
fn grid_errors(name: &str, pages: &[Vec<Line>]) -> Vec<String> {
    let mut errors = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        let lines = body(page);
        for (i, pair) in lines.windows(2).enumerate() {
            let (line, next) = (pair[0], pair[1]);
            let continued = (next.left - LEFT).abs() < 1.0 && (next.top - line.top - 225.0 / 22.0 * MM).abs() < 1.0;
            let pure = line.text.chars().all(|c| !c.is_ascii());
            if !continued || !pure || is_heading(&line.text) {
                continue;
            }
            let indent = ((line.left - LEFT) / ADVANCE).round() as usize;
            if indent != 0 && indent != 2 {
                continue;
            }
            let expected = 28 - indent;
            let count = line.text.chars().count();
            let moved_down = count + 1 == expected
                && (next.text.chars().nth(1).is_some_and(|c| NO_START.contains(c))
                    || next.text.chars().next().is_some_and(|c| NO_END.contains(c)));
            let compressed = count == expected + 1 && line.text.chars().last().is_some_and(|c| NO_START.contains(c));
            if count != expected && !moved_down && !compressed {
                errors.push(format!("{name} p{} l{}: {count} characters, not {expected}: {}", p + 1, i + 1, line.text));
            }
            if (line.right - RIGHT).abs() > ADVANCE {
                errors.push(format!(
                    "{name} p{} l{}: ends at {:.1}, not at the margin: {}",
                    p + 1,
                    i + 1,
                    line.right,
                    line.text
                ));
            }
        }
    }
    errors
}

/// Lines of body type never crowd each other: at least 1.25 × 16 pt apart (the
/// closest a squeezed closing may set them), so nothing is printed over anything.
fn crowded_lines(name: &str, pages: &[Vec<Line>]) -> Vec<String> {
    let mut errors = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        for pair in body(page).windows(2) {
            if pair[1].top - pair[0].top < 1.25 * 16.0 - 0.5 {
                errors.push(format!("{name} p{}: {:?} over {:?}", p + 1, pair[1].text, pair[0].text));
            }
        }
    }
    errors
}

/// A heading has at least two lines of what follows below it on its page.
fn stranded_headings(name: &str, pages: &[Vec<Line>]) -> Vec<String> {
    let mut errors = Vec::new();
    for (p, page) in pages.iter().enumerate() {
        let content: Vec<&Line> = page
            .iter()
            .filter(|l| l.top > 37.0 * MM - 2.0 && page_number(std::slice::from_ref(*l)).is_none())
            .filter(|l| !l.text.starts_with("抄送") && !l.text.ends_with("印发"))
            .collect();
        for (i, l) in content.iter().enumerate() {
            if is_heading(&l.text) && content.len() - i - 1 < 2 {
                errors.push(format!("{name} p{}: heading in the last two lines: {}", p + 1, l.text));
            }
        }
    }
    errors
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    v.sort();
    v
}

fn render(repo: &Path, out: &Path, args: &[&str]) {
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "pdf", "--out", out.to_str().unwrap()]);
    let run = qinqing(repo, &all);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
}

/// Every document of the demonstration repository.
fn demo_pdfs(out: &Path) -> Vec<PathBuf> {
    let repo = root();
    render(&repo, &out.join("a"), &["assignment", "--meeting", "HZ-M-2026-23", "--as-of", "2026-10-15"]);
    render(&repo, &out.join("s"), &["supervision", "--as-of", "2026-11-20"]);
    render(&repo, &out.join("b"), &["bulletin", "--period", "2026", "--as-of", "2026-11-20"]);
    render(&repo, &out.join("m"), &["bulletin", "--period", "2026-11", "--as-of", "2026-11-20"]);
    pdfs(out)
}

/// Chinese text of about `n` characters with the punctuation of real prose.
fn prose(n: usize, seed: usize) -> String {
    const PHRASES: &[&str] = &[
        "企业反映的问题由营商办交办有关部门办理",
        "各部门要按时答复企业",
        "对企业不满意的问题要重新办理",
        "确实无法解决的要做好解释说明",
        "办理情况纳入年度考核（营商环境）",
        "请各单位高度重视",
        "逐项研究提出解决办法",
        "并于规定时限内书面答复",
    ];
    const MARKS: &[&str] = &["，", "；", "。", "、", "："];
    let mut s = String::new();
    let mut k = seed;
    while s.chars().count() < n {
        s.push_str(PHRASES[k % PHRASES.len()]);
        s.push_str(MARKS[(k / 3) % MARKS.len()]);
        k += 7;
    }
    let mut cut: String = s.chars().take(n.saturating_sub(1)).collect();
    while cut.ends_with(|c: char| NO_START.contains(c) || NO_END.contains(c)) {
        cut.pop();
    }
    cut.push('。');
    cut
}

/// A long bulletin: headings of two levels after paragraphs of every length,
/// then `tail` more lines of text before the closing paragraph.
fn synthetic(dir: &Path, tail: usize, printing: &str) -> PathBuf {
    let repo = dir.join(format!("synthetic-{tail}-{printing}"));
    copy_tree(&fixture("render/long-text"), &repo);
    std::fs::write(
        repo.join("qinqing.yaml"),
        format!(
            "organization: {{ name: 测试市营商办, short: 测试营商办 }}\nnumbering: {{ bulletin: \"测通〔{{year}}〕{{seq}}号\" }}\nprinting: {printing}\n"
        ),
    )
    .unwrap();
    let mut md = String::from("---\ntitle: 关于版式检查的通报\nrecipients: 各有关单位\ncc: 各区县营商办\n---\n");
    for k in 0..14 {
        md.push_str(&format!("# 第{k}项检查\n\n{}\n\n", prose(10 + k * 23 % 120, k)));
        if k % 3 == 0 {
            md.push_str(&format!("## 具体情况\n\n{}\n\n", prose(20 + k * 11, k + 1)));
        }
    }
    md.push_str(&format!("{}\n\n", prose(28 * tail + 20, 99)));
    // A list right before the closing: its last line has no space below of its own.
    md.push_str(&format!("1. {}\n2. {}\n\n", prose(40, 3), prose(30, 5)));
    md.push_str("# 工作要求\n\n请各单位认真对照检查，于5个工作日内报送整改情况。\n");
    std::fs::write(repo.join("templates/bulletin.md.tera"), md).unwrap();
    let out = dir.join(format!("out-{tail}-{printing}"));
    render(&repo, &out, &["bulletin", "--period", "2026-06", "--as-of", "2026-06-30"]);
    pdfs(&out).remove(0)
}

#[test]
fn every_demo_document_keeps_the_grid_and_no_heading_stands_at_a_page_foot() {
    let dir = tempfile::tempdir().unwrap();
    let files = demo_pdfs(dir.path());
    assert!(files.len() >= 7, "{files:?}");
    let mut errors = Vec::new();
    let mut indented_lines = 0;
    let mut headings = 0;
    for pdf in &files {
        let name = pdf.file_name().unwrap().to_string_lossy().to_string();
        let pages = pages(pdf);
        errors.extend(grid_errors(&name, &pages));
        errors.extend(stranded_headings(&name, &pages));
        errors.extend(crowded_lines(&name, &pages));
        indented_lines +=
            pages.iter().flat_map(|p| body(p)).filter(|l| (l.left - LEFT - 2.0 * ADVANCE).abs() < 1.0).count();
        headings += pages.iter().flatten().filter(|l| is_heading(&l.text)).count();
    }
    assert!(indented_lines > 10, "the check saw the indented first lines");
    assert!(headings > 10, "the check saw the headings ({headings})");
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn a_long_document_keeps_the_grid_its_headings_and_its_signature_with_the_body() {
    let dir = tempfile::tempdir().unwrap();
    // The closing lands at every height of an odd and then an even page as the
    // text before it grows a line at a time.
    let mut blank_pages = 0;
    for tail in 0..36 {
        let pdf = synthetic(dir.path(), tail, "double-sided");
        let name = format!("tail {tail}");
        let pages = pages(&pdf);
        let mut errors = grid_errors(&name, &pages);
        errors.extend(stranded_headings(&name, &pages));
        errors.extend(crowded_lines(&name, &pages));
        assert!(errors.is_empty(), "{errors:#?}");

        // After page 1, body lines sit on the 22-line grid from the type area's top;
        // a page filled to its last grid line holds 22 (the signature's page may be set closer).
        let pitch = 225.0 / 22.0 * MM;
        for (p, page) in pages.iter().enumerate().skip(1) {
            if page.iter().any(|l| l.text == "2026年6月30日") {
                continue;
            }
            let lines = body(page);
            let slots: Vec<f64> = lines.iter().map(|l| (l.top - 37.0 * MM) / pitch).collect();
            for (l, slot) in lines.iter().zip(&slots) {
                assert!(
                    (slot - slot.round()).abs() < 0.02 && *slot < 21.5,
                    "{name} page {}: off the grid: {l:?}",
                    p + 1
                );
            }
            if slots.last().is_some_and(|s| s.round() == 21.0) && slots.first().is_some_and(|s| s.round() == 0.0) {
                assert_eq!(lines.len(), 22, "{name} page {}", p + 1);
            }
        }

        // Double-sided: an even number of pages, the 版记 on the last one, the signature with body text.
        assert!(pages.len().is_multiple_of(2), "{name}: {} pages", pages.len());
        let last = pages.last().unwrap();
        assert!(last.iter().any(|l| l.text.ends_with("印发")), "{name}: 版记 not on the last page");
        let (signed, page) = pages
            .iter()
            .enumerate()
            .find(|(_, p)| p.iter().any(|l| l.text == "2026年6月30日"))
            .unwrap_or_else(|| panic!("{name}: no date"));
        let above =
            body(page).iter().filter(|l| l.top < page.iter().find(|l| l.text == "测试市营商办").unwrap().top).count();
        assert!(above >= 2, "{name}: the signature on page {} has {above} lines of body above it", signed + 1);

        // A blank page before the 版记 page: neither is numbered; every other page is.
        for (p, page) in pages.iter().enumerate() {
            let blank = page.iter().all(|l| l.top < 37.0 * MM - 2.0 || page_number(std::slice::from_ref(l)).is_some());
            let after_blank = p > 0
                && pages[p - 1]
                    .iter()
                    .all(|l| l.top < 37.0 * MM - 2.0 || page_number(std::slice::from_ref(l)).is_some());
            let number = page_number(page);
            if blank || after_blank {
                blank_pages += usize::from(blank);
                assert_eq!(number, None, "{name} page {}", p + 1);
            } else {
                let digits: String = number.unwrap_or_default().chars().filter(char::is_ascii_digit).collect();
                assert_eq!(digits, (p + 1).to_string(), "{name} page {}", p + 1);
            }
        }
    }
    // Some closings ended on an even page with no room left for the 版记.
    assert!(blank_pages > 0, "no run needed a blank page");
}

/// The demo repository with the supervision template replaced by a short one.
fn short_notice_repo(dir: &Path, printing: Option<&str>) -> PathBuf {
    let repo = demo_copy(&dir.join(format!("repo-{}", printing.unwrap_or("default"))));
    let mut settings = std::fs::read_to_string(root().join("qinqing.yaml")).unwrap();
    if let Some(p) = printing {
        settings.push_str(&format!("printing: {p}\n"));
    }
    std::fs::write(repo.join("qinqing.yaml"), settings).unwrap();
    std::fs::create_dir_all(repo.join("templates")).unwrap();
    std::fs::write(
        repo.join("templates/supervision.md.tera"),
        "---\ntitle: 关于督促办理企业反映问题的通知\ncc: 市发展和改革委员会\n---\n\
         你单位牵头办理的{% for i in items %}{{ i.id }}{% endfor %}已超过办理时限，尚未办结。\n\n\
         请于{{ new_due_cn }}前办结，将办理结果书面答复企业。\n",
    )
    .unwrap();
    repo
}

#[test]
fn the_signature_stays_with_the_body_and_the_imprint_goes_to_the_last_even_page() {
    let dir = tempfile::tempdir().unwrap();
    // The demo's one-problem notice, double-sided: body and signature on page 1,
    // page 2 holds only the 版记 and its page number.
    render(&root(), &dir.path().join("demo"), &["supervision", "--as-of", "2026-11-20"]);
    let two = pages(&pdfs(&dir.path().join("demo"))[0]);
    assert_eq!(two.len(), 2);
    assert!(two[0].iter().any(|l| l.text == "2026年11月20日"), "{:#?}", two[0]);
    assert!(body(&two[1]).is_empty(), "{:#?}", two[1]);
    assert!(two[1].iter().any(|l| l.text.ends_with("印发")));
    let digits = |n: Option<String>| n.map(|n| n.chars().filter(char::is_ascii_digit).collect::<String>());
    assert_eq!(digits(page_number(&two[1])), Some("2".into()));

    // A short notice: two pages double-sided (the 版记 on the back), one page single-sided.
    for (printing, expected) in [(None, 2), (Some("single-sided"), 1)] {
        let repo = short_notice_repo(dir.path(), printing);
        let out = dir.path().join(format!("out-{expected}"));
        render(&repo, &out, &["supervision", "--as-of", "2026-11-20"]);
        let pages = pages(&pdfs(&out)[0]);
        assert_eq!(pages.len(), expected, "{printing:?}: {pages:#?}");
        assert!(pages[0].iter().any(|l| l.text == "2026年11月20日"));
        assert!(pages[expected - 1].iter().any(|l| l.text.ends_with("印发")));
        assert!(pages[expected - 1].iter().any(|l| l.text.starts_with("抄送")));
    }
}

/// Red runs down a one-pixel column of a page at 600 dpi, in millimetres from `from_mm`.
fn red_runs(pdf: &Path, page: u32, x_mm: f64, from_mm: f64, to_mm: f64) -> Vec<(f64, f64)> {
    let px = |mm: f64| (mm / 25.4 * 600.0).round() as i64;
    let dir = tempfile::tempdir().unwrap();
    let stem = dir.path().join("column");
    let p = page.to_string();
    let (x, y, h) = (px(x_mm).to_string(), px(from_mm).to_string(), (px(to_mm) - px(from_mm)).to_string());
    let args = ["-r", "600", "-f", &p, "-l", &p, "-x", &x, "-y", &y, "-W", "1", "-H", &h, "-singlefile"];
    let mut all: Vec<&str> = args.to_vec();
    all.extend_from_slice(&[pdf.to_str().unwrap(), stem.to_str().unwrap()]);
    tool("pdftoppm", &all);
    let ppm = std::fs::read(dir.path().join("column.ppm")).unwrap();
    // P6 header: magic, width, height, maxval, each followed by one whitespace byte.
    let mut fields = 0;
    let mut start = 0;
    for (i, b) in ppm.iter().enumerate() {
        if b.is_ascii_whitespace() {
            fields += 1;
            if fields == 4 {
                start = i + 1;
                break;
            }
        }
    }
    let pixels = &ppm[start..];
    let mut runs = Vec::new();
    let mut open: Option<usize> = None;
    for (row, rgb) in pixels.chunks(3).enumerate() {
        let red = rgb[0] > 180 && rgb[1] < 120 && rgb[2] < 120;
        match (red, open) {
            (true, None) => open = Some(row),
            (false, Some(s)) => {
                runs.push((s, row));
                open = None;
            }
            _ => {}
        }
    }
    if let Some(s) = open {
        runs.push((s, pixels.len() / 3));
    }
    let mm = |r: usize| r as f64 * 25.4 / 600.0;
    runs.into_iter().map(|(s, e)| (from_mm + mm(s), mm(e - s))).collect()
}

#[test]
fn the_letters_red_double_lines_are_two_strokes_with_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    render(&root(), dir.path(), &["assignment", "--case", "HZ-2026-0134", "--as-of", "2026-10-15"]);
    let pdf = &pdfs(dir.path())[0];
    // Under the mark (30 mm from the top edge): thick above thin.
    let top = red_runs(pdf, 1, 105.0, 41.0, 70.0);
    assert_eq!(top.len(), 2, "{top:?}");
    let ((y1, thick), (y2, thin)) = (top[0], top[1]);
    assert!(thick > 1.5 * thin, "thick over thin: {top:?}");
    assert!(y2 - (y1 + thick) >= 0.4, "a visible gap: {top:?}");
    // 20 mm above the bottom edge: thin above thick, the lower stroke's foot at 20 mm.
    let foot = red_runs(pdf, 1, 105.0, 297.0 - 35.0, 297.0 - 10.0);
    assert_eq!(foot.len(), 2, "{foot:?}");
    assert!(foot[1].1 > 1.5 * foot[0].1, "thin over thick: {foot:?}");
    assert!(foot[1].0 - (foot[0].0 + foot[0].1) >= 0.4, "a visible gap: {foot:?}");
    assert!((297.0 - (foot[1].0 + foot[1].1) - 20.0).abs() < 0.3, "{foot:?}");
    // Both 170 mm long: red at 105 ± 84 mm, none at ± 86 mm.
    assert_eq!(red_runs(pdf, 1, 105.0 - 84.0, 41.0, 70.0).len(), 2);
    assert!(red_runs(pdf, 1, 105.0 + 86.0, 41.0, 70.0).is_empty());
}
