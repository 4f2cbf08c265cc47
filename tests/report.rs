//! `qinqing report` end to end, on the hand-computed fixture
//! (tests/fixtures/report/basic/README.md shows every computation) and the demo.

use crate::common;

use common::{copy_tree, fixture, qinqing, root};
use unicode_width::UnicodeWidthStr;

fn basic() -> std::path::PathBuf {
    fixture("report/basic")
}

#[test]
fn json_follows_the_contract() {
    // No --as-of: the period is over, so it is looked at on its last day.
    let run = qinqing(&basic(), &["report", "--period", "2026-06", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        (v["version"].as_u64(), v["from"].as_str(), v["to"].as_str()),
        (Some(1), Some("2026-06-01"), Some("2026-06-30"))
    );
    assert_eq!(v["as_of"], "2026-06-30");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "version",
            "from",
            "to",
            "as_of",
            "totals",
            "by_level",
            "by_department",
            "by_category",
            "by_meeting",
            "by_channel",
            "meetings"
        ]
    );
    // By channel, keyed by the channel's English key, shaped like by_level: the demo's cases all have one.
    let demo = qinqing(&root(), &["report", "--period", "2026", "--as-of", "2026-11-20", "--format", "json"]);
    let d: serde_json::Value = serde_json::from_str(&demo.stdout).unwrap();
    let channels = d["by_channel"].as_object().unwrap();
    let keys: Vec<&str> = channels.keys().map(String::as_str).collect();
    assert_eq!(keys, ["hotline", "meeting", "online", "visit", "written"]);
    let sum: u64 = channels.values().map(|f| f["collected"].as_u64().unwrap()).sum();
    assert_eq!(sum, d["totals"]["collected"].as_u64().unwrap(), "every collected case is counted by its channel");
    assert_eq!(channels["online"]["collected"], 2);
    let t = &v["totals"];
    let figure_keys: Vec<&str> = t.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        figure_keys,
        [
            "collected",
            "answered",
            "assigned",
            "replied",
            "resolved",
            "by_result",
            "closed",
            "assigned_closed",
            "overdue_now",
            "closure_rate",
            "resolution_rate",
            "on_time_reply_rate",
            "satisfaction_rate"
        ]
    );
    let counts: Vec<u64> =
        figure_keys[..9].iter().filter(|k| **k != "by_result").map(|k| t[*k].as_u64().unwrap()).collect();
    assert_eq!(counts, [3, 1, 2, 3, 1, 2, 1, 1], "hand-computed totals");
    // Every result's key, zeros included; "resolved" is the count of that name.
    let results: Vec<&str> = t["by_result"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(results, ["resolved", "agreed", "in_progress", "planned", "explained", "unresolvable"]);
    assert_eq!(t["by_result"]["resolved"], t["resolved"]);
    assert!(v["by_level"]["city"]["by_result"].is_object(), "each group has its own");
    assert_eq!(t["resolution_rate"], serde_json::json!({ "num": 1, "den": 3, "value": 1.0 / 3.0 }), "value unrounded");
    assert_eq!(
        v["by_department"]["乙局"]["satisfaction_rate"],
        serde_json::json!({ "num": 0, "den": 0, "value": null })
    );
    assert_eq!(v["by_level"]["county"]["on_time_reply_rate"]["num"], 1);
    assert!(v["by_category"]["交通出行"].is_object() && v["by_meeting"].is_object());
}

#[test]
fn the_table_is_aligned_by_display_width_and_rates_carry_their_counts() {
    let run = qinqing(&root(), &["report", "--period", "2026", "--as-of", "2026-11-20"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("demo_report_2026", run.stdout);
    // In every table, each column starts at the same display column on every line.
    for table in run.stdout.split("\n\n").filter(|t| t.lines().nth(1).is_some_and(|l| l.starts_with("名称"))) {
        let lines: Vec<&str> = table.lines().skip(1).collect();
        let starts = |line: &str| -> Vec<usize> {
            let mut cols = Vec::new();
            let mut width = 0;
            let mut prev_space = 0;
            for c in line.chars() {
                if c != ' ' && prev_space >= 2 {
                    cols.push(width);
                }
                prev_space = if c == ' ' { prev_space + 1 } else { 0 };
                width += c.to_string().width();
            }
            cols
        };
        let header = starts(lines[0]);
        // The figures' tables: 7 counts and 4 rates; the results' table: 6 results.
        assert!(header.len() == 11 || header.len() == 6, "{}", lines[0]);
        for line in &lines[1..] {
            assert_eq!(starts(line), header, "misaligned: {line}");
        }
    }
    assert!(run.stdout.contains("38.89%（7/18）"), "closure rate with its counts");
    assert!(run.stdout.contains("区县") && run.stdout.contains("市级"), "levels by their Chinese names");
}

#[test]
fn decimals_rounding_and_zero_denominators_follow_the_settings() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&basic(), tmp.path());
    let text = |extra: &str| {
        std::fs::write(tmp.path().join("qinqing.yaml"), format!("organization: {{ name: 测试市营商办 }}\n{extra}"))
            .unwrap();
        let run = qinqing(tmp.path(), &["report", "--period", "2026-06"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    // On-time replies 2/3 = 66.666…%.
    assert!(text("").contains("66.67%（2/3）"), "two decimals, rounded, by default");
    assert!(text("report: { decimals: 1 }\n").contains("66.7%（2/3）"));
    assert!(text("report: { decimals: 1, rounding: truncate }\n").contains("66.6%（2/3）"));
    assert!(text("report: { decimals: 0 }\n").contains("67%（2/3）"));
    // Each rate its own way: satisfaction to one place, cut; closure whole; the rest as the report.
    let own = text("report: { decimals: { 满意率: 1, 办结率: 0 }, rounding: { satisfaction_rate: truncate } }\n");
    let totals = own.lines().find(|l| l.starts_with("合计 ")).unwrap();
    assert!(
        totals.contains("50%（1/2）") && totals.contains("33.33%（1/3）") && totals.contains("66.6%（2/3）"),
        "{own}"
    );
    assert!(own.contains("满意率截尾保留1位小数") && own.contains("交办件办结率四舍五入保留0位小数"), "{own}");
    // No evaluation of 乙局 in June: no rate, a dash.
    let dash_line = text("").lines().find(|l| l.starts_with("乙局")).unwrap().to_string();
    assert!(dash_line.trim_end().ends_with('—'), "{dash_line}");

    std::fs::write(
        tmp.path().join("qinqing.yaml"),
        "organization: { name: 测试市营商办 }\nreport:\n  decimals: 7\n  rounding: { 满意率: up, 好评率: truncate }\n",
    )
    .unwrap();
    let (json, code) = common::check_json(tmp.path(), "2026-06-30", &[]);
    assert_eq!(code, 2);
    let found: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["file"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        found,
        [("qinqing.yaml".to_string(), 3, 13), ("qinqing.yaml".to_string(), 4, 20), ("qinqing.yaml".to_string(), 4, 24)]
    );
    let run = qinqing(tmp.path(), &["report", "--period", "2026-06"]);
    assert_eq!(run.code, 2, "figures from a repository with errors are refused");
}

#[test]
fn csv_and_an_excel_ledger() {
    let run = qinqing(&basic(), &["report", "--period", "2026-06", "--format", "csv"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut rows = csv::Reader::from_reader(run.stdout.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(&header[..4], ["分组", "名称", "收集", "即刻解"]);
    assert_eq!(header.len(), 2 + 7 + 4 * 3 + 6, "counts, rates with their parts, results");
    assert_eq!(
        &header[21..],
        ["结果：已解决", "结果：达成方案", "结果：正在解决", "结果：列入计划", "结果：政策解释", "结果：无法解决"]
    );
    let total: Vec<String> = rows.records().next().unwrap().unwrap().iter().map(str::to_string).collect();
    assert_eq!(&total[..9], ["合计与层级", "合计", "3", "1", "2", "3", "1", "2", "1"]);
    assert_eq!(&total[9..12], ["50.00%", "1", "2"], "closure rate, numerator, denominator");

    let tmp = tempfile::tempdir().unwrap();
    let csv_file = tmp.path().join("统计.csv").display().to_string();
    assert_eq!(qinqing(&basic(), &["report", "--period", "2026-06", "--format", "csv", "--out", &csv_file]).code, 0);
    let written = std::fs::read(&csv_file).unwrap();
    assert!(written.starts_with(b"\xEF\xBB\xBF"), "a BOM, so Excel reads the Chinese as UTF-8");
    assert_eq!(&written[3..], run.stdout.as_bytes(), "otherwise the same as on the terminal");
    let file = tmp.path().join("台账.xlsx");
    let out = file.display().to_string();
    let args = ["report", "--period", "2026-06", "--format", "xlsx", "--out", &out];
    assert_eq!(qinqing(&basic(), &args).code, 0);
    let first = std::fs::read(&file).unwrap();
    assert!(first.starts_with(b"PK"), "an xlsx is a zip");
    let again = qinqing(&basic(), &args);
    assert_eq!(again.code, 2, "an existing file is not overwritten");
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(qinqing(&basic(), &forced).code, 0);
    assert_eq!(std::fs::read(&file).unwrap(), first, "the same figures give the same bytes");
    let unzip = |part: &str| {
        let o = std::process::Command::new("unzip").args(["-p", &out, part]).output().expect("unzip runs");
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let workbook = unzip("xl/workbook.xml");
    for sheet in ["合计与层级", "按牵头部门", "按类别", "按恳谈会"] {
        assert!(workbook.contains(sheet), "sheet {sheet}");
    }
    let strings = unzip("xl/sharedStrings.xml");
    assert!(strings.contains("甲局") && strings.contains("交办件办结率（分子/分母）") && strings.contains("1/2"));
    assert!(unzip("xl/styles.xml").contains("0.00%"), "rates formatted with the configured decimals");
    assert!(unzip("docProps/core.xml").contains("2026-06-30"), "dated by the as-of date, not the clock");

    // Without --out the workbook goes to output/report/ of the repository, regenerated on each run.
    let repo = tmp.path().join("repo");
    copy_tree(&basic(), &repo);
    for _ in 0..2 {
        let run = qinqing(&repo, &["report", "--period", "2026-06", "--format", "xlsx"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(
            run.stdout.is_empty() && run.stderr.contains("output/report/统计-2026-06-01-2026-06-30.xlsx"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(std::fs::read(repo.join("output/report/统计-2026-06-01-2026-06-30.xlsx")).unwrap(), first);
}

#[test]
fn periods_and_usage_errors() {
    let run = qinqing(&basic(), &["report", "--period", "2019-01", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(v["totals"]["collected"], 0);
    assert_eq!(v["totals"]["closure_rate"]["value"], serde_json::Value::Null);
    assert!(v["by_department"].as_object().unwrap().is_empty(), "nothing happened: no groups");
    let bad = qinqing(&basic(), &["report", "--period", "六月"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("2026-Q2"), "{}", bad.stderr);
    let both = qinqing(&basic(), &["report", "--period", "2026-06", "--from", "2026-06-01"]);
    assert_eq!(both.code, 2);
    // --from/--to: the first half of June, looked at on its last day.
    let half = qinqing(&basic(), &["report", "--from", "2026-06-01", "--to", "2026-06-15", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&half.stdout).unwrap();
    assert_eq!((v["to"].as_str(), v["as_of"].as_str()), (Some("2026-06-15"), Some("2026-06-15")));
}
