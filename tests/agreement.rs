//! The same word is the same number everywhere: the bulletin, the report (JSON
//! and the Excel file) and the dashboard print each figure of the demo's 2026
//! under one word, with the value `report --format json` gives.

use crate::common;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{demo_copy, qinqing};

const AS_OF: &str = "2026-11-20";

/// (JSON key, the word every output prints it under). Written out here, not
/// read from the code: the test holds the code to the words the docs promise.
const COUNTS: [(&str, &str); 7] = [
    ("collected", "收集"),
    ("answered", "即刻解"),
    ("assigned", "交办"),
    ("replied", "答复"),
    ("resolved", "解决"),
    ("closed", "本期办结"),
    ("overdue_now", "超期未办"),
];
const RATES: [(&str, &str); 4] = [
    ("closure_rate", "交办件办结率"),
    ("resolution_rate", "解决率"),
    ("on_time_reply_rate", "按时答复率"),
    ("satisfaction_rate", "满意率"),
];

fn percent(rate: &serde_json::Value) -> String {
    let (num, den) = (rate["num"].as_u64().unwrap(), rate["den"].as_u64().unwrap());
    format!("{:.2}%", num as f64 * 100.0 / den as f64)
}

#[test]
fn bulletin_report_excel_and_dashboard_print_the_same_number_under_the_same_word() {
    let dir = tempfile::tempdir().unwrap();
    let repo = demo_copy(&dir.path().join("repo"));
    let period = ["--period", "2026", "--as-of", AS_OF];

    // The reference: report --format json.
    let mut args = vec!["report", "--format", "json"];
    args.extend(period);
    let run = qinqing(&repo, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let t = &json["totals"];
    // 本期办结 and 交办件办结 are different numbers in the demo: the words must keep them apart.
    assert_ne!(t["closed"], t["assigned_closed"], "the demo exercises both meanings of 办结");

    // The Excel file: the 合计 row under each column's word.
    let xlsx = dir.path().join("统计.xlsx");
    let mut args = vec!["report", "--format", "xlsx", "--out", xlsx.to_str().unwrap()];
    args.extend(period);
    assert_eq!(qinqing(&repo, &args).code, 0);
    let mut book: Xlsx<_> = open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("合计与层级").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                    Data::Float(f) => format!("{:.2}%", f * 100.0),
                    Data::Int(i) => i.to_string(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let header = rows.iter().find(|r| r.iter().any(|c| c == "收集")).expect("a header row");
    let total = rows.iter().find(|r| r.first().is_some_and(|c| c == "合计")).expect("a 合计 row");
    for (key, word) in COUNTS {
        let col = header.iter().position(|h| h == word).unwrap_or_else(|| panic!("Excel has no column {word}"));
        assert_eq!(total[col], t[key].to_string(), "Excel {word}");
    }
    for (key, word) in RATES {
        let col = header.iter().position(|h| h == word).unwrap_or_else(|| panic!("Excel has no column {word}"));
        assert_eq!(total[col], percent(&t[key]), "Excel {word}");
    }

    // The bulletin says each figure in words, with the same word.
    let out = dir.path().join("b");
    let mut args = vec!["render", "bulletin", "--format", "md", "--out", out.to_str().unwrap()];
    args.extend(period);
    assert_eq!(qinqing(&repo, &args).code, 0);
    let md = std::fs::read_to_string(std::fs::read_dir(&out).unwrap().next().unwrap().unwrap().path()).unwrap();
    for phrase in [
        format!("共收集企业反映问题{}个", t["collected"]),
        format!("即刻解{}个", t["answered"]),
        format!("解决{}个", t["resolved"]),
        format!("解决率{}", percent(&t["resolution_rate"])),
        format!("交办{}个", t["assigned"]),
        format!("交办件办结{}个，交办件办结率{}", t["assigned_closed"], percent(&t["closure_rate"])),
        format!("按时答复率{}", percent(&t["on_time_reply_rate"])),
        format!("满意率{}", percent(&t["satisfaction_rate"])),
        format!("超期未办{}个", t["overdue_now"]),
    ] {
        assert!(md.contains(&phrase), "the bulletin lacks {phrase}: {md}");
    }
    // Each result the period's problems stand at, under the result's own word.
    for (key, word) in
        [("in_progress", "正在解决"), ("explained", "政策解释"), ("agreed", "达成方案"), ("planned", "列入计划")]
    {
        let n = t["by_result"][key].as_u64().unwrap();
        assert_eq!(md.contains(&format!("{word}{n}个")), n > 0, "{word} {n}: {md}");
    }
    assert!(!md.contains("已办结"), "no third word for a figure");

    // The dashboard: each figure under its word, with its key.
    let mut args = vec!["build", "--format", "html"];
    args.extend(period);
    let run = qinqing(&repo, &args);
    assert!(run.code <= 1, "{}", run.stderr);
    let index = std::fs::read_to_string(repo.join("output/site/index.html")).unwrap();
    for (key, word) in COUNTS {
        let cell = format!("<dt>{word}</dt><dd data-figure=\"{key}\">{}</dd>", t[key]);
        let bad = format!("<dt>{word}</dt><dd class=\"bad\" data-figure=\"{key}\">{}</dd>", t[key]);
        assert!(index.contains(&cell) || index.contains(&bad), "the dashboard lacks {cell}");
    }
    for (key, word) in RATES {
        let at = index.find(&format!("<dt>{word}</dt>")).unwrap_or_else(|| panic!("the dashboard has no {word}"));
        let dd = &index[at..];
        let dd = &dd[..dd.find("</dd>").unwrap()];
        assert!(dd.contains(&format!("data-rate=\"{key}\"")) && dd.contains(&percent(&t[key])), "{word}: {dd}");
    }
    // And where the problems stand, each result under its word.
    for (key, n) in t["by_result"].as_object().unwrap() {
        let n = n.as_u64().unwrap();
        let shown = index.contains(&format!("data-result=\"{key}\">"));
        assert_eq!(shown, n > 0, "{key}: {n}");
    }
}
