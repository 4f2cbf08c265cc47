//! Official documents: snapshots of every format, layout checks on the PDF,
//! injection, reproducibility, numbering and missing fonts.
//! Needs the fonts and poppler-utils that `scripts/install-test-deps.sh` installs.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{copy_tree, fixture, qinqing, root};

fn render(repo: &Path, out: &Path, args: &[&str]) -> common::Run {
    let mut all = vec!["render"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    qinqing(repo, &all)
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} is needed ({e}): run scripts/install-test-deps.sh"));
    assert!(out.status.success(), "{cmd} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_text(pdf: &Path) -> String {
    tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

#[test]
fn demo_documents_snapshot() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path();
    let a = render(
        &root(),
        &o.join("a"),
        &["assignment", "--meeting", "HZ-M-2026-23", "--as-of", "2026-10-15", "--format", "md,html"],
    );
    assert_eq!(a.code, 0, "{}", a.stderr);
    // 2026-11-25: three departments have overdue clocks no notice covers yet (0131 and 0175 were supervised).
    let s = render(&root(), &o.join("s"), &["supervision", "--as-of", "2026-11-25", "--format", "md,html,pdf,docx"]);
    assert_eq!(s.code, 0, "{}", s.stderr);
    let b = render(
        &root(),
        &o.join("b"),
        &["bulletin", "--period", "2026-11", "--as-of", "2026-11-20", "--format", "md,html"],
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    // One assignment letter per lead department of the 23rd meeting; one notice per department to supervise.
    // HZ-2026-0133 is assigned on 10-16, after the date: four departments so far.
    assert_eq!(files(&o.join("a"), "md").len(), 4);
    assert_eq!(files(&o.join("s"), "md").len(), 3);
    for (name, dir) in [("assignment", "a"), ("supervision", "s"), ("bulletin", "b")] {
        let md = std::fs::read_to_string(&files(&o.join(dir), "md")[0]).unwrap();
        insta::assert_snapshot!(format!("{name}_md"), md);
        let html = std::fs::read_to_string(&files(&o.join(dir), "html")[0]).unwrap();
        insta::assert_snapshot!(format!("{name}_html"), html);
    }
    let pdf =
        files(&o.join("s"), "pdf").into_iter().find(|p| p.to_string_lossy().contains("市住房和城乡建设局")).unwrap();
    insta::assert_snapshot!("supervision_pdf_text", pdf_text(&pdf));
    let docx = pdf.with_extension("docx");
    let xml = tool("unzip", &["-p", docx.to_str().unwrap(), "word/document.xml"]);
    let text = docx_paragraphs(&xml);
    insta::assert_snapshot!("supervision_docx_text", text);
    // Word gets the standard's font names, so the recipient's Word uses its own fonts.
    assert!(xml.contains("仿宋_GB2312") && xml.contains("方正小标宋简体"));
    assert!(xml.contains("E60012"), "red mark and rule");
    // A4 and the standard's margins (top 37 mm, left 28 mm), in twips; odd and even footers differ.
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "A4");
    assert!(xml.contains(r#"w:top="2097""#) && xml.contains(r#"w:left="1587""#), "margins");
    let settings = tool("unzip", &["-p", docx.to_str().unwrap(), "word/settings.xml"]);
    assert!(settings.contains("evenAndOddHeaders"));
}

/// The text of `word/document.xml`, one paragraph per line.
fn docx_paragraphs(xml: &str) -> String {
    let mut out = String::new();
    for para in xml.split("</w:p>") {
        let mut line = String::new();
        for part in para.split("<w:t").skip(1) {
            if let Some((_, rest)) = part.split_once('>') {
                line.push_str(rest.split("</w:t>").next().unwrap_or(""));
            }
        }
        if !line.is_empty() {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Lines of a page as (y, x_min, x_max, text).
fn page_lines(pdf: &Path, page: u32) -> Vec<(f64, f64, f64, String)> {
    let all = common::pages(pdf);
    all[page as usize - 1].iter().map(|l| (l.top, l.left, l.right, l.text.clone())).collect()
}

#[test]
fn the_pdf_holds_the_gbt9704_grid_and_page_numbers() {
    let out = tempfile::tempdir().unwrap();
    let run = render(
        &fixture("render/long-text"),
        out.path(),
        &["bulletin", "--period", "2026-06", "--as-of", "2026-06-30", "--format", "pdf"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = &files(out.path(), "pdf")[0];
    let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    // Page 2 is a full page of body text: 22 lines of 28 characters, then the page number.
    let lines = page_lines(pdf, 2);
    // Inside the type area only (the 草稿 mark sits in the top margin).
    let top = 37.0 * 72.0 / 25.4 - 1.0;
    let body: Vec<&(f64, f64, f64, String)> = lines.iter().filter(|l| !l.3.contains('—') && l.0 > top).collect();
    assert_eq!(body.len(), 22, "{lines:#?}");
    for l in &body {
        assert_eq!(l.3.chars().count(), 28, "{l:?}");
    }
    // Lines are evenly spaced on the 225 mm / 22 grid.
    let pitch = 225.0 / 22.0 * 72.0 / 25.4;
    for pair in body.windows(2) {
        assert!((pair[1].0 - pair[0].0 - pitch).abs() < 0.2, "{pair:?}");
    }
    // Page numbers: — 2 — on the left of an even page, — 3 — on the right of an odd one.
    let page2 = lines.iter().find(|l| l.3.contains('2') && l.3.contains('—')).expect("page number 2");
    assert!(page2.2 < 595.0 / 2.0, "{page2:?}");
    let page3 = page_lines(pdf, 3).into_iter().find(|l| l.3.contains('3') && l.3.contains('—')).expect("page number 3");
    assert!(page3.1 > 595.0 / 2.0, "{page3:?}");
    // The attachment note the template declares.
    assert!(pdf_text(pdf).contains("附件：问题清单"));
    // The first page carries no page number in the letter layout, but does in the standard one.
    assert!(page_lines(pdf, 1).iter().any(|l| l.3.contains('—') && l.3.contains('1')));
}

#[test]
fn user_text_is_data_in_every_format() {
    let out = tempfile::tempdir().unwrap();
    let run =
        render(&fixture("render/injection"), out.path(), &["assignment", "--meeting", "M-1", "--as-of", "2026-06-05"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("缺少这些字符"), "emoji must have a font: {}", run.stderr);
    let md = std::fs::read_to_string(&files(out.path(), "md")[0]).unwrap();
    let html = std::fs::read_to_string(&files(out.path(), "html")[0]).unwrap();
    // Reading order (-raw): the table's columns are not interleaved.
    let pdf = tool("pdftotext", &["-raw", files(out.path(), "pdf")[0].to_str().unwrap(), "-"]);
    let docx =
        docx_paragraphs(&tool("unzip", &["-p", files(out.path(), "docx")[0].to_str().unwrap(), "word/document.xml"]));
    let joined = |s: &str| s.split_whitespace().collect::<String>();
    for literal in [
        "$x$*bold*<script>alert(1)</script>]",
        "#import\"evil.typ\":*{{x}}😀公司",
        "{%raw%}#setpage(width:1cm)\\|表格|注入|`code`[链接](http://x)]]",
    ] {
        assert!(joined(&pdf).contains(literal), "PDF lacks {literal}");
        let docx_text =
            joined(&docx).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
        assert!(docx_text.contains(literal), "DOCX lacks {literal}");
        let html_text = joined(&html)
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        assert!(html_text.contains(literal), "HTML lacks {literal}");
    }
    assert!(!html.contains("<script>"), "no live script in the HTML");
    // The Markdown, read by any Markdown reader, shows the same literal text and no markup.
    let mut md_html = String::new();
    pulldown_cmark::html::push_html(
        &mut md_html,
        pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::ENABLE_TABLES),
    );
    assert!(!md_html.contains("<script>") && !md_html.contains("<a href") && !md_html.contains("<code>"), "{md_html}");
    let md_text =
        joined(&md_html).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    for literal in ["$x$*bold*<script>alert(1)</script>]", "#import\"evil.typ\":*{{x}}😀公司"] {
        assert!(md_text.contains(literal), "Markdown lacks {literal}: {md}");
    }
    assert!(joined(&pdf).contains("结束"), "the whole 5,000-character problem is printed");
    // Heading numbers, counted once when the Markdown is parsed, reach the PDF, DOCX and HTML alike.
    for out in [&pdf, &docx, &html] {
        assert!(joined(out).contains("一、问题描述") && joined(out).contains("二、交办意见"));
    }
}

#[test]
fn rendering_is_reproducible() {
    let out = tempfile::tempdir().unwrap();
    for dir in ["one", "two"] {
        let run = render(&root(), &out.path().join(dir), &["supervision", "--as-of", "2026-11-25", "--dept", "交通局"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    for ext in ["pdf", "docx", "html", "md"] {
        let (a, b) = (&files(&out.path().join("one"), ext)[0], &files(&out.path().join("two"), ext)[0]);
        assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap(), "{ext} differs between runs");
    }
}

#[test]
fn issuing_takes_the_next_numbers_and_never_reuses_them() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&root(), dir.path());
    let repo = dir.path();
    let out = repo.join("out");
    // A draft shows the number without its sequence.
    let draft = render(
        repo,
        &repo.join("draft"),
        &["supervision", "--as-of", "2026-11-25", "--format", "md", "--dept", "住建局"],
    );
    assert_eq!(draft.code, 0);
    let md = std::fs::read_to_string(&files(&repo.join("draft"), "md")[0]).unwrap();
    assert!(md.contains("湖营商督〔2026〕 号") && md.contains("草稿"));
    let first = render(repo, &out, &["supervision", "--as-of", "2026-11-25", "--issue", "--format", "pdf"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    // The cases already record 湖营商督〔2026〕5号 and 6号: the three notices get 7, 8 and 9.
    let names: Vec<String> =
        files(&out, "pdf").iter().map(|p| p.file_name().unwrap().to_string_lossy().to_string()).collect();
    assert!(names.iter().any(|n| n.starts_with("湖营商督〔2026〕7号-")), "{names:?}");
    assert!(names.iter().any(|n| n.starts_with("湖营商督〔2026〕9号-")), "{names:?}");
    let text = pdf_text(&files(&out, "pdf")[0]);
    assert!(text.contains("湖营商督〔2026〕7号"), "number with 〔〕 and no space before 号:\n{text}");
    assert!(!text.contains("草 稿") && !text.contains("草稿"));
    // Again for a department whose clocks the notice covers: no new number.
    let args = ["supervision", "--as-of", "2026-11-25", "--issue", "--format", "md", "--dept", "交通局"];
    let again = render(repo, &out, &args);
    assert_eq!(again.code, 0);
    assert!(again.stderr.contains("已于 2026-11-25 督办"), "{}", again.stderr);
    assert!(files(&out, "md").is_empty());
    // A second notice when one is really meant: the next number.
    let mut reissue = args.to_vec();
    reissue.push("--reissue");
    assert_eq!(render(repo, &out, &reissue).code, 0);
    assert!(files(&out, "md").iter().any(|p| p.to_string_lossy().contains("湖营商督〔2026〕10号")));
    let register = std::fs::read_to_string(repo.join("issued.yaml")).unwrap();
    assert_eq!(register.matches("kind: supervision").count(), 4);
}

#[test]
fn without_cjk_fonts_the_pdf_is_refused_and_the_rest_is_written() {
    let out = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_qinqing"))
        .args(["--repo", fixture("render/injection").to_str().unwrap(), "render", "assignment", "--meeting", "M-1"])
        .args(["--as-of", "2026-06-05", "--out", out.path().to_str().unwrap()])
        .env("QINQING_NO_SYSTEM_FONTS", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("没有找到中文字体") && stderr.contains("fonts-noto-cjk"), "{stderr}");
    assert!(files(out.path(), "pdf").is_empty());
    for ext in ["md", "html", "docx"] {
        assert_eq!(files(out.path(), ext).len(), 1, "{ext}");
    }
}

#[test]
fn an_invalid_repository_gets_no_documents() {
    let out = tempfile::tempdir().unwrap();
    let run = render(&fixture("invalid/bad-files"), out.path(), &["supervision", "--as-of", "2026-06-30"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("qinqing check"), "{}", run.stderr);
    assert!(!out.path().exists() || std::fs::read_dir(out.path()).unwrap().next().is_none());
}

#[test]
fn dept_accepts_an_alias_like_case_files_do() {
    let out = tempfile::tempdir().unwrap();
    // 住建局 is an alias of 市住房和城乡建设局 in departments.yaml.
    let run =
        render(&root(), out.path(), &["supervision", "--as-of", "2026-11-25", "--dept", "住建局", "--format", "md"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = files(out.path(), "md");
    assert_eq!(md.len(), 1);
    assert!(md[0].to_string_lossy().contains("市住房和城乡建设局"));
}

/// The bulletin: its figures, the department table and the trend chart in
/// PDF (vector, drawn by typst), Word (a picture) and HTML (inline SVG).
#[test]
fn the_bulletin_carries_figures_and_the_trend_chart_in_every_format() {
    let out = tempfile::tempdir().unwrap();
    let b = render(
        &root(),
        out.path(),
        &["bulletin", "--period", "2026", "--as-of", "2026-11-20", "--format", "pdf,docx,html,md"],
    );
    assert_eq!(b.code, 0, "{}", b.stderr);
    let pdf = &files(out.path(), "pdf")[0];
    // Lines wrap where the layout wraps them; compare without white space.
    let text: String = pdf_text(pdf).chars().filter(|c| !c.is_whitespace()).collect();
    // A sentence may run over a page: its page number (—1—) and the draft mark come between.
    let text = (1..10).fold(text.replace("草稿", ""), |t, n| t.replace(&format!("—{n}—"), ""));
    // The same figures as `report --period 2026 --as-of 2026-11-20`.
    for expected in
        ["共收集企业反映问题21个", "交办件办结7个，交办件办结率38.89%", "按时答复率68.75%", "超期未办3个", "典型案例"]
    {
        assert!(text.contains(expected), "{expected} missing from the PDF");
    }
    // 市住房和城乡建设局 has 4 cases assigned in 2026: the only department numbered (minimum 3);
    // its row shows the measures ranked on first: 0 overdue, 100% on time, 0 late, 100% satisfied, 4 assigned.
    assert!(text.contains("1市住房和城乡建设局0100.00%0100.00%4"), "ranked: {text}");
    // The chart's own labels, drawn as text in the PDF.
    for label in ["收集", "满意率%", "2025年12月至2026年11月", "各月收集、本期办结、逾期件数及满意率"]
    {
        assert!(text.contains(label), "chart label {label} missing");
    }
    let docx = pdf.with_extension("docx");
    // The issuing organisation is the document's author, not "unknown"; the package stays valid.
    let core = tool("unzip", &["-p", docx.to_str().unwrap(), "docProps/core.xml"]);
    assert!(core.contains("<dc:creator>湖州市优化营商环境工作领导小组办公室</dc:creator>"), "{core}");
    assert!(core.contains("<cp:lastModifiedBy>湖州市优化营商环境工作领导小组办公室</cp:lastModifiedBy>"));
    tool("unzip", &["-tq", docx.to_str().unwrap()]);
    let listing = tool("unzip", &["-l", docx.to_str().unwrap()]);
    assert!(listing.contains("word/media/rIdChart1.png"), "the chart is a picture in Word: {listing}");
    let html = std::fs::read_to_string(pdf.with_extension("html")).unwrap();
    assert!(html.contains("<figure class=\"chart\"><svg"), "inline SVG in HTML");
    let md = std::fs::read_to_string(pdf.with_extension("md")).unwrap();
    assert!(md.contains("见 PDF、Word 或 HTML 版") && !md.contains("chart:"), "Markdown says where the chart is");
}

#[test]
fn a_template_naming_a_missing_chart_is_refused_with_the_names_there_are() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&root(), tmp.path());
    std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
    std::fs::write(tmp.path().join("templates/bulletin.md.tera"), "---\ntitle: 通报\n---\n![图](chart:pie)\n").unwrap();
    let b = render(tmp.path(), &tmp.path().join("out"), &["bulletin", "--period", "2026-11", "--format", "md"]);
    assert_eq!(b.code, 2, "{}", b.stderr);
    assert!(b.stderr.contains("不存在的图表「pie」") && b.stderr.contains("trend"), "{}", b.stderr);
}

#[test]
fn a_monthly_and_a_yearly_bulletin_never_overwrite_each_other() {
    let out = tempfile::tempdir().unwrap();
    for period in ["2026-11", "2026"] {
        let run =
            render(&root(), out.path(), &["bulletin", "--period", period, "--as-of", "2026-11-20", "--format", "md"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let names: Vec<String> =
        files(out.path(), "md").iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["2026-11-20-通报-2026年-各有关单位-草稿.md", "2026-11-20-通报-2026年11月-各有关单位-草稿.md"]);
}

#[test]
fn assignment_letters_are_dated_on_their_assignment_day_and_leave_out_closed_cases() {
    let names = |as_of: &str| {
        let out = tempfile::tempdir().unwrap();
        let run = render(
            &root(),
            out.path(),
            &["assignment", "--meeting", "HZ-M-2026-23", "--as-of", as_of, "--format", "md"],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let files = files(out.path(), "md");
        let dated: Vec<(String, String)> = files
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                (p.file_name().unwrap().to_string_lossy().into_owned(), text)
            })
            .collect();
        dated
    };
    let october = names("2026-10-20");
    let list: Vec<&str> = october.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        list,
        [
            "2026-10-15-交办函-国网湖州供电公司-草稿.md",
            "2026-10-15-交办函-市住房和城乡建设局-草稿.md",
            "2026-10-15-交办函-市委金融办-草稿.md",
            "2026-10-15-交办函-市自然资源和规划局-草稿.md",
            "2026-10-16-交办函-市住房和城乡建设局-草稿.md",
        ]
    );
    // The 10-16 letter holds only the case assigned that day (ids are Markdown-escaped in the .md copy).
    let (early, late) = (&october[1].1, &october[4].1);
    assert!(late.contains("现将以下1个问题") && late.contains("2026-0133"), "{late}");
    assert!(early.contains("2026-0134") && !early.contains("2026-0133"), "{early}");
    // By 11-20 HZ-2026-0135 is closed: 市委金融办's letter is no longer drawn.
    assert!(names("2026-11-20").iter().all(|(n, _)| !n.contains("市委金融办")));
}
