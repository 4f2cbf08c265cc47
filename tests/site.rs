//! The dashboard in a real browser: headless Chromium opens the built site,
//! and the index must show the figures of `report --format json`; every link
//! must resolve, no page may request anything outside the site, and no page
//! may show a phone number or a contact's name unmasked.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{qinqing, root};
use qinqing::text::mask;

const AS_OF: &str = "2026-11-20";

fn chromium() -> String {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return name.to_string();
        }
    }
    panic!("Chromium is needed for this test: run scripts/install-test-deps.sh (installs Debian's chromium)");
}

/// Runs headless Chromium with its own profile; returns stdout.
fn browser(args: &[&str], profile: &Path) -> String {
    let out = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        .args(["--disable-background-networking", "--no-first-run", "--hide-scrollbars"])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .expect("chromium runs");
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn url(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// The value of `attr="…"` in a tag's text.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&tag[start..start + tag[start..].find('"')?])
}

/// Every element carrying `data-<kind>`: (its attributes, its text).
fn data_elements<'a>(dom: &'a str, kind: &str) -> Vec<(&'a str, &'a str)> {
    let needle = format!("data-{kind}=\"");
    dom.match_indices(&needle)
        .map(|(i, _)| {
            let open = dom[..i].rfind('<').expect("in a tag");
            let end = i + dom[i..].find('>').expect("tag ends");
            let text_end = end + 1 + dom[end + 1..].find('<').expect("text ends");
            (&dom[open..end], &dom[end + 1..text_end])
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Page text without tags, for the personal-data check.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

fn pages(site: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

#[test]
fn the_dashboard_in_a_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let out_arg = out.display().to_string();
    let build =
        qinqing(&root(), &["build", "--as-of", AS_OF, "--period", "2026", "--format", "html", "--out", &out_arg]);
    assert_eq!(build.code, 1, "build exits like check (overdue clocks): {}", build.stderr);
    let site = out.join("site");
    let index = site.join("index.html");
    assert!(index.is_file(), "{}", build.stderr);

    // 1. The index, as the browser sees it, shows the figures of `report --format json`.
    let profile = tmp.path().join("profile");
    let dom = browser(&["--dump-dom", &url(&index)], &profile);
    let report = qinqing(&root(), &["report", "--period", "2026", "--as-of", AS_OF, "--format", "json"]);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let json: serde_json::Value = serde_json::from_str(&report.stdout).unwrap();
    let totals = &json["totals"];
    let figures = data_elements(&dom, "figure");
    assert_eq!(figures.len(), 7, "seven counts on the index");
    for (tag, text) in figures {
        let key = attr(tag, "data-figure").unwrap();
        assert_eq!(text.trim(), totals[key].to_string(), "{key}");
    }
    let rates = data_elements(&dom, "rate");
    assert_eq!(rates.len(), 4, "four rates on the index");
    for (tag, text) in rates {
        let key = attr(tag, "data-rate").unwrap();
        let rate = &totals[key];
        let (num, den) = (rate["num"].as_u64().unwrap(), rate["den"].as_u64().unwrap());
        assert_eq!(attr(tag, "data-num").unwrap(), num.to_string(), "{key}");
        assert_eq!(attr(tag, "data-den").unwrap(), den.to_string(), "{key}");
        let shown = unescape(text.trim());
        match rate["value"].as_f64() {
            Some(v) => {
                let expected = format!("{:.2}%（{num}/{den}）", (v * 10_000.0).round() / 100.0);
                assert_eq!(shown, expected, "{key}");
            }
            None => assert_eq!(shown, "—", "{key}: zero denominator"),
        }
    }
    // A department's page shows that department's figures of the same report.
    let dept = "市住房和城乡建设局";
    let page = std::fs::read_to_string(site.join("departments").join(format!("{dept}.html"))).unwrap();
    let expected = &json["by_department"][dept];
    let shown = data_elements(&page, "figure");
    assert_eq!(shown.len(), 7);
    for (tag, text) in shown {
        let key = attr(tag, "data-figure").unwrap();
        assert_eq!(text.trim(), expected[key].to_string(), "{dept} {key}");
    }
    for (tag, _) in data_elements(&page, "rate") {
        let key = attr(tag, "data-rate").unwrap();
        assert_eq!(attr(tag, "data-num").unwrap(), expected[key]["num"].to_string(), "{dept} {key}");
        assert_eq!(attr(tag, "data-den").unwrap(), expected[key]["den"].to_string(), "{dept} {key}");
    }
    assert_eq!(expected["assigned"], 4, "the department has figures worth comparing");

    // Hand-checked: 7 of the 18 cases assigned in 2026 were closed by 2026-11-20.
    assert!(dom.contains("38.89%（7/18）"), "closure rate as computed by hand");
    assert_eq!(dom.matches("<svg").count(), 2, "the trend and the departments' bars, inline SVG");

    // 2. Every link resolves inside the site; nothing is fetched from elsewhere.
    let all = pages(&site);
    assert!(all.len() > 40, "index, a page per case, department and year: {}", all.len());
    let mut links = 0;
    for page in &all {
        let html = std::fs::read_to_string(page).unwrap();
        for external in ["src=\"http", "href=\"http", "href=\"//", "src=\"//", "url(http", "@import", "<script"] {
            assert!(!html.contains(external), "{} has {external}", page.display());
        }
        for (i, _) in html.match_indices("href=\"") {
            let target = unescape(attr(&html[i..], "href").unwrap());
            let path = page.parent().unwrap().join(target.split('#').next().unwrap());
            assert!(path.exists(), "{} links to missing {target}", page.display());
            links += 1;
        }
    }
    assert!(links > 200, "{links} links checked");
    let documents: Vec<String> = std::fs::read_dir(site.join("documents"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    for kind in ["督办通知", "通报"] {
        assert!(documents.iter().any(|d| d.contains(kind)), "the {kind} is in the site: {documents:?}");
    }

    // 3. No phone number or contact name unmasked, on any page; the browser agrees on a case page.
    let contacts = demo_values("contact");
    let phones = demo_values("phone");
    assert!(!contacts.is_empty() && !phones.is_empty(), "the demo has personal data to hide");
    for page in &all {
        let text = visible_text(&std::fs::read_to_string(page).unwrap());
        assert!(!mask::has_phone(&text), "{} shows a phone number", page.display());
        for secret in contacts.iter().chain(&phones) {
            assert!(!text.contains(secret.as_str()), "{} shows {secret}", page.display());
        }
    }
    let case_page = site.join("cases/HZ-2026-0131.html");
    let case_dom = browser(&["--dump-dom", &url(&case_page)], &profile);
    assert!(case_dom.contains("138****0131"), "the phone field is shown masked");
    assert!(case_dom.contains("139****0131"), "a phone typed into a note is masked too");
    assert!(case_dom.contains("周*"), "the contact keeps only the family name");

    // 4. A screenshot to look at (kept under target/).
    let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard-index.png");
    let _ = std::fs::remove_file(&shot);
    browser(&["--window-size=1280,2400", &format!("--screenshot={}", shot.display()), &url(&index)], &profile);
    let png = std::fs::read(&shot).expect("the screenshot was saved");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 50_000, "a real picture ({} bytes)", png.len());
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn a_folder_that_is_not_a_qinqing_site_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("mine.html"), "a user's page").unwrap();
    let out = tmp.path().display().to_string();
    let run = qinqing(&root(), &["build", "--as-of", AS_OF, "--format", "md", "--out", &out]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("不是 qinqing 生成的网站"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(site.join("mine.html")).unwrap(), "a user's page");
}

#[test]
fn a_second_build_replaces_the_site_with_identical_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let out_arg = out.display().to_string();
    let args = ["build", "--as-of", AS_OF, "--format", "html,md", "--out", &out_arg];
    assert_eq!(qinqing(&root(), &args).code, 1);
    let read_all = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    };
    let first = read_all(&out.join("site"));
    std::fs::write(out.join("site/cases/stale.html"), "a page of a case that no longer exists").unwrap();
    assert_eq!(qinqing(&root(), &args).code, 1);
    let second = read_all(&out.join("site"));
    assert_eq!(first.len(), second.len(), "the stale page is gone with the old site");
    assert!(first == second, "the same repository and date give byte-identical pages");
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".site"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary folders left: {leftovers:?}");
}

#[test]
fn issued_documents_are_linked_from_the_register() {
    let tmp = tempfile::tempdir().unwrap();
    common::copy_tree(&root(), tmp.path());
    // 2026-11-25: three departments have overdue clocks no notice covers yet.
    let issue = qinqing(tmp.path(), &["render", "supervision", "--as-of", "2026-11-25", "--issue", "--format", "html"]);
    assert_eq!(issue.code, 0, "{}", issue.stderr);
    assert_eq!(qinqing(tmp.path(), &["build", "--as-of", "2026-11-25", "--format", "md"]).code, 1);
    let index = std::fs::read_to_string(tmp.path().join("output/site/index.html")).unwrap();
    // The demo's case files already used numbers 5 and 6: the register gives 7, 8 and 9.
    for n in ["湖营商督〔2026〕7号", "湖营商督〔2026〕8号", "湖营商督〔2026〕9号"] {
        assert!(index.contains(&format!("<td>{n}</td>")), "{n} in the register table");
    }
    let href = "documents/湖营商督〔2026〕7号-市交通运输局.html";
    assert!(index.contains(&format!("href=\"{href}\"")), "the issued notice is linked");
    assert!(tmp.path().join("output/site").join(href).is_file());
}

#[test]
fn an_invalid_repository_gets_no_documents_and_no_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let out_arg = out.display().to_string();
    let run = qinqing(&common::fixture("invalid/bad-files"), &["build", "--as-of", AS_OF, "--out", &out_arg]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("未生成公文和网站"), "{}", run.stderr);
    assert!(
        run.stderr.lines().next().is_some_and(|l| l.starts_with("cases/")),
        "file:line:column first: {}",
        run.stderr
    );
    assert!(!out.exists(), "nothing written");
}

/// Every value of a key (`contact:`, `phone:`) written in the demo's case files.
fn demo_values(key: &str) -> Vec<String> {
    let prefix = format!("{key}:");
    walkdir::WalkDir::new(root().join("cases"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .flat_map(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            text.lines()
                .filter_map(|l| l.trim().strip_prefix(&prefix).map(|v| v.trim().trim_matches('"').to_string()))
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn a_young_repositorys_trend_starts_at_its_first_case_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    common::copy_tree(&common::fixture("report/basic"), &repo);
    let run = qinqing(&repo, &["build", "--period", "2026-06", "--as-of", "2026-06-30", "--format", "html"]);
    assert!(run.code <= 1, "{}", run.stderr);
    let index = std::fs::read_to_string(repo.join("output/site/index.html")).unwrap();
    // The first case came in April: three months drawn, not twelve with nine invented zeros.
    assert!(index.contains("自2026年4月（收到第一个问题）起至2026年6月"), "{index}");
    let months: Vec<&str> = ["2025-07", "2026-03", "2026-04", "2026-06"]
        .into_iter()
        .filter(|m| index.contains(&format!("<tr><td>{m}</td>")))
        .collect();
    assert_eq!(months, ["2026-04", "2026-06"]);
}

#[test]
fn on_a_phone_the_figures_stand_two_abreast_and_no_page_scrolls_sideways() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("output");
    let out_arg = out.display().to_string();
    let build = qinqing(&root(), &["build", "--as-of", AS_OF, "--format", "html", "--out", &out_arg]);
    assert_eq!(build.code, 1, "build exits like check (overdue clocks): {}", build.stderr);
    let site = out.join("site");
    let profile = tmp.path().join("profile");
    // Headless Chromium's window is at least 500 pixels wide, so each page is
    // opened in a 390-pixel frame (a phone); a script in a copy of the page
    // posts its layout to the frame's parent, which --dump-dom reads back.
    let probe = "<script>const d=[...document.querySelectorAll('dl.figures div')].slice(0,2).map(e=>e.offsetTop);\
parent.postMessage(innerWidth+' '+(d.length<2||d[0]===d[1]?'abreast':'stacked')+' '+(document.documentElement.scrollWidth<=innerWidth?'fits':'wide'),'*');</script>";
    let frame =
        "<html><body><iframe src=\"probe-layout.html\" width=\"390\" height=\"844\" style=\"border:0\"></iframe>\
<script>addEventListener('message',e=>{document.body.dataset.layout=e.data})</script></body></html>";
    for page in [site.join("index.html"), site.join("cases/HZ-2026-0131.html")] {
        let html = std::fs::read_to_string(&page).unwrap();
        std::fs::write(page.with_file_name("probe-layout.html"), html.replace("</body>", &format!("{probe}</body>")))
            .unwrap();
        let phone = page.with_file_name("probe-phone.html");
        std::fs::write(&phone, frame).unwrap();
        let dom = browser(&["--virtual-time-budget=5000", "--dump-dom", &url(&phone)], &profile);
        assert!(
            dom.contains("data-layout=\"390 abreast fits\""),
            "{}: {}",
            page.display(),
            attr(&dom, "data-layout").unwrap_or("no layout posted")
        );
    }
}
