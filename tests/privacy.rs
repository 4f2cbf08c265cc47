//! Personal data never leaves in anything published: a contact's name and
//! every phone and ID format typed anywhere in a case is masked in the
//! bulletin, the supervision notices (PDF, DOCX, HTML, Markdown), the site
//! and the copies `build` puts in it; the assignment letter, which goes to
//! the department that must call back, still shows them.

use crate::common;

use std::path::{Path, PathBuf};

use common::{demo_copy, files, qinqing, tool};
use qinqing::text::mask;

/// What the hostile-input probes typed: 23 forms of phone and ID number.
const TYPED: [&str; 23] = [
    "13912345678",
    "139 1234 5678",
    "139-1234-5678",
    "+86 13912345670",
    "0572-2345678",
    "(0572)2345671",
    "（0572）3456789",
    "2345672",
    "23456783",
    "１３７００１３７００１",
    "Tel13700137000",
    "136.0013.6000",
    "+86-572-7654321",
    "0086-13912345679",
    "33050119900307123X",
    "330501199003071234",
    "330501900307123",
    // The second probe: 86 without +, a letter after, the second of two, spaces no reader sees, Chinese numerals.
    "86-13500135000",
    "13200132000x",
    "13912345663/13912345664",
    "139\u{a0}1234\u{a0}5675",
    "139\u{200b}1234\u{200b}5676",
    "一三九一二三四五六六三",
];

const CONTACT: &str = "钱多多";
const OTHER_CONTACT: &str = "孙晓梅";

/// The demo with a contact's name in a typical case's title and every form in its reply,
/// and the overdue case's title naming its own contact.
fn hostile_demo(dir: &Path) -> PathBuf {
    let repo = demo_copy(dir);
    let typical = repo.join("cases/2026/第21期恳谈会/HZ-2026-0101.yaml");
    let text = std::fs::read_to_string(&typical).unwrap();
    let reply = format!("请联系{CONTACT}，电话 {}。", TYPED.join("、"));
    let text = text
        .replace("title: 园区公交线路延伸至智能装备产业园", &format!("title: {CONTACT}反映园区公交线路延伸"))
        .replace("contact: 王某", &format!("contact: {CONTACT}"))
        .replace("category: 交通出行", "category: 交通出行（来电13912345668）")
        .replace("text: 已安排4路和12路延伸至园区，", &format!("text: {reply}已安排4路和12路延伸至园区，"));
    std::fs::write(&typical, text).unwrap();
    let overdue = repo.join("cases/2026/第23期恳谈会/HZ-2026-0131.yaml");
    let text = std::fs::read_to_string(&overdue).unwrap();
    let text = text.replacen("contact: 周某", &format!("contact: {OTHER_CONTACT}"), 1);
    let text = text.replacen("title: ", &format!("title: {OTHER_CONTACT}（身份证330501198512240019）反映"), 1);
    // A pre-visit's question to the enterprise names its contact and a phone too.
    let text = format!(
        "{text}  - date: 2026-11-10\n    event: pre_visited\n    by: 营商办\n    question: 请{OTHER_CONTACT}回电 13912345668 确认接电时间\n"
    );
    std::fs::write(&overdue, text).unwrap();
    let check = qinqing(&repo, &["check", "--no-cache", "--as-of", "2026-11-20"]);
    assert!(!check.stderr.contains("error") && check.code != 2, "{}{}", check.stdout, check.stderr);
    repo
}

/// A file's text as a reader sees it, whatever the format.
fn text_of(file: &Path) -> String {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    let raw = match ext {
        "pdf" => String::from_utf8(tool("pdftotext", &[file.to_str().unwrap(), "-"])).unwrap(),
        "docx" => {
            let xml = String::from_utf8(tool("unzip", &["-p", file.to_str().unwrap(), "word/document.xml"])).unwrap();
            tags_out(&xml)
        }
        "html" | "htm" => tags_out(&std::fs::read_to_string(file).unwrap()),
        "md" => std::fs::read_to_string(file).unwrap().replace('\\', ""),
        "csv" | "json" | "txt" => std::fs::read_to_string(file).unwrap(),
        "xlsx" => {
            let xml = String::from_utf8(tool("unzip", &["-p", file.to_str().unwrap(), "xl/sharedStrings.xml"]))
                .unwrap_or_default();
            tags_out(&xml)
        }
        _ => return String::new(),
    };
    raw.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

fn tags_out(xml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every personal datum the published file shows, reading its text whole
/// (line breaks removed, so a number a PDF wrapped is still found).
/// The office's service line in the demo's `serve.contact`.
const OFFICE_LINE: &str = "0572-2000000";

fn leaks(file: &Path) -> Vec<String> {
    let text = text_of(file);
    let joined: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut found = Vec::new();
    for secret in [CONTACT, OTHER_CONTACT, "13800000101", "13800000131"].iter().chain(&TYPED) {
        let secret: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
        if joined.contains(&secret) {
            found.push(secret);
        }
    }
    // The office's own public line (`serve.contact`), which it prints on receipts for enterprises to call,
    // is the one number a published page may hold.
    for line in text.lines().map(|l| l.replace(OFFICE_LINE, "")) {
        if mask::has_phone(&line) {
            found.push(format!("a number in «{line}»"));
        }
    }
    found
}

#[test]
fn nothing_published_shows_a_contact_a_phone_or_an_id() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = hostile_demo(tmp.path());

    // Positive control: the assignment letter goes to the department and shows the contact,
    // so the reader below does see personal data where it is.
    let letters = tmp.path().join("letters");
    let run = qinqing(
        &repo,
        &[
            "render",
            "assignment",
            "--case",
            "HZ-2026-0131",
            "--as-of",
            "2026-11-20",
            "--format",
            "pdf,md",
            "--out",
            letters.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let letter_leaks: Vec<String> = files(&letters).iter().flat_map(|f| leaks(f)).collect();
    assert!(letter_leaks.iter().any(|l| l == OTHER_CONTACT), "{letter_leaks:?}");
    assert!(letter_leaks.iter().any(|l| l == "13800000131"), "{letter_leaks:?}");

    // The bulletin and the notices, in every format, through `render`.
    // The meeting's list goes to every unit at once, and a notice on demand as any notice.
    // The receipts go to enterprises, who may pass them on.
    assert_eq!(qinqing(&repo, &["receipt", "rotate"]).code, 0);
    let kinds: [(&str, &str, &[&str]); 6] = [
        ("bulletin", "bulletin", &["--period", "2026"]),
        ("supervision", "supervision", &[]),
        ("on-demand", "supervision", &["--case", "HZ-2026-0132"]),
        ("list", "list", &["--meeting", "HZ-M-2026-23"]),
        ("receipts", "receipt", &["--meeting", "HZ-M-2026-23"]),
        ("receipt", "receipt", &["--case", "HZ-2026-0101"]),
    ];
    for (name, kind, extra) in kinds {
        let out = tmp.path().join(name);
        let mut args = vec!["render", kind, "--as-of", "2026-11-20", "--format", "pdf,docx,html,md"];
        args.extend(extra);
        args.extend(["--out", out.to_str().unwrap()]);
        let run = qinqing(&repo, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let written = files(&out);
        assert!(written.len() >= 4, "{kind}: {written:?}");
        for f in written {
            assert_eq!(leaks(&f), Vec::<String>::new(), "{}", f.display());
        }
    }
    // The bulletin names the typical case, masked, so the reply really went through.
    let bulletin_md = files(&tmp.path().join("bulletin")).into_iter().find(|f| f.extension().unwrap() == "md").unwrap();
    let md = std::fs::read_to_string(bulletin_md).unwrap().replace('\\', "");
    assert!(md.contains("钱**反映园区公交线路延伸") && md.contains("139****5678"), "{md}");
    assert!(md.contains("**************123X"), "{md}");

    // `build`: documents, the site, its pages' titles and the copies in it.
    let run = qinqing(&repo, &["build", "--as-of", "2026-11-20", "--period", "2026"]);
    assert!(run.code <= 1, "{}", run.stderr);
    let published = files(&repo.join("output"));
    assert!(published.iter().any(|f| f.starts_with(repo.join("output/site/documents"))));
    let mut checked = 0;
    for f in &published {
        assert_eq!(leaks(f), Vec::<String>::new(), "{}", f.display());
        checked += 1;
    }
    assert!(checked > 40, "{checked}");
    // The ledger without --with-contacts, Open311, and the report's every format.
    let out = tmp.path().join("exports");
    std::fs::create_dir_all(&out).unwrap();
    let o = |name: &str| out.join(name).to_str().unwrap().to_string();
    for args in [
        vec![
            "export".to_string(),
            "ledger".into(),
            "--as-of".into(),
            "2026-11-20".into(),
            "--out".into(),
            o("台账.csv"),
        ],
        vec!["export".into(), "ledger".into(), "--as-of".into(), "2026-11-20".into(), "--out".into(), o("台账.xlsx")],
        vec![
            "export".into(),
            "open311".into(),
            "--as-of".into(),
            "2026-11-20".into(),
            "--out-dir".into(),
            o("open311"),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = qinqing(&repo, &args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    for (format, name) in [("csv", "统计.csv"), ("json", "统计.json"), ("xlsx", "统计.xlsx")] {
        let run = qinqing(
            &repo,
            &["report", "--period", "2026", "--as-of", "2026-11-20", "--format", format, "--out", &o(name)],
        );
        assert_eq!(run.code, 0, "{format}: {}", run.stderr);
    }
    let exported = files(&out);
    assert!(exported.len() >= 6, "{exported:?}");
    for f in &exported {
        assert_eq!(leaks(f), Vec::<String>::new(), "{}", f.display());
    }
    let case_page = std::fs::read_to_string(repo.join("output/site/cases/HZ-2026-0131.html")).unwrap();
    assert!(case_page.contains("<title>HZ-2026-0131 孙**（身份证**************0019）反映"), "{case_page}");
}
