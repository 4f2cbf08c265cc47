//! Fixture repositories: invalid ones carry their expected diagnostics in
//! `expected.txt`; the run must report exactly those, no more, no fewer.

use crate::common;

use common::{check_json, fixture};

/// Reads `expected.txt`: `file code line:col` lines and `clock case rule status` lines.
fn expected(name: &str) -> (Vec<String>, Vec<String>) {
    let text = std::fs::read_to_string(fixture(name).join("expected.txt")).expect("expected.txt");
    let lines = text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let (clocks, diags): (Vec<&str>, Vec<&str>) = lines.partition(|l| l.starts_with("clock "));
    let mut diags: Vec<String> = diags.into_iter().map(str::to_string).collect();
    let mut clocks: Vec<String> = clocks.into_iter().map(str::to_string).collect();
    diags.sort();
    clocks.sort();
    (diags, clocks)
}

fn actual(report: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let mut diags: Vec<String> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!("{} {} {}:{}", d["file"].as_str().unwrap(), d["code"].as_str().unwrap(), d["line"], d["column"])
        })
        .collect();
    let mut clocks: Vec<String> = report["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "clock {} {} {}",
                c["case"].as_str().unwrap(),
                c["rule"].as_str().unwrap(),
                c["status"].as_str().unwrap()
            )
        })
        .collect();
    diags.sort();
    clocks.sort();
    (diags, clocks)
}

#[test]
fn every_bad_file_is_reported_and_good_files_are_still_checked() {
    let (report, code) = check_json(&fixture("invalid/bad-files"), "2026-06-30", &[]);
    assert_eq!(code, 2, "invalid input exits 2, even with overdue clocks");
    assert_eq!(actual(&report), expected("invalid/bad-files"));
    // Every diagnostic speaks Chinese and most carry a hint.
    for d in report["diagnostics"].as_array().unwrap() {
        assert!(d["message"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{d}");
    }
    let suggested =
        report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "unknown-department").unwrap();
    assert_eq!(suggested["message"], "未知部门「市交通局」");
    assert_eq!(suggested["hint"], "是否为「市交通运输局」？");
    let dup = report["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "duplicate-id").unwrap();
    assert!(
        dup["message"].as_str().unwrap().contains("cases/DUP-1.yaml")
            && dup["message"].as_str().unwrap().contains("cases/copy/DUP-1.yaml")
    );
    let date = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "cases/BAD-FIELDS.yaml" && d["code"] == "invalid-date")
        .unwrap();
    assert_eq!(date["hint"], "日期请写作 2026-06-03");
}

#[test]
fn rule_and_settings_mistakes_have_positions() {
    let (report, code) = check_json(&fixture("invalid/bad-rules"), "2026-06-23", &[]);
    assert_eq!(code, 2);
    assert_eq!(actual(&report).0, expected("invalid/bad-rules").0);
}

#[test]
fn local_calendar_roll_false_and_chinese_durations() {
    let repo = fixture("valid/local-calendar");
    let (report, code) = check_json(&repo, "2026-06-23", &["--all"]);
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(code, 1);
    let clocks = report["clocks"].as_array().unwrap();
    let find = |case: &str, rule: &str| clocks.iter().find(|c| c["case"] == case && c["rule"] == rule).cloned();
    // Typhoon closure on 06-08/09: the 2nd working day after Fri 06-05 is Thu 06-11.
    assert_eq!(find("L-1", "assign").unwrap()["due"], "2026-06-11");
    let reply = find("L-1", "county-reply").unwrap();
    assert_eq!(
        (reply["due"].as_str(), reply["status"].as_str(), reply["days"].as_i64()),
        (Some("2026-06-18"), Some("overdue"), Some(5))
    );
    assert_eq!(reply["notices"], serde_json::json!(["supervision"]));
    assert_eq!(reply["responsible"], "某区经信局");
    assert!(find("L-2", "county-reply").is_none(), "`when: level` excludes city cases");
    assert!(find("L-2", "resolved-followup").is_none(), "a reply dated after --as-of does not exist yet");

    // On 06-22 the county clock is overdue but not yet two working days: no notice.
    let (report, _) = check_json(&repo, "2026-06-22", &["--all"]);
    let reply = report["clocks"].as_array().unwrap().iter().find(|c| c["rule"] == "county-reply").unwrap().clone();
    assert_eq!(reply["notices"], serde_json::json!([]));

    // Later, the planned reply opens a one-month follow-up: 06-30 + 1 month = 07-30.
    let (report, _) = check_json(&repo, "2026-08-03", &["--all"]);
    let follow =
        report["clocks"].as_array().unwrap().iter().find(|c| c["rule"] == "resolved-followup").unwrap().clone();
    assert_eq!(
        (follow["due"].as_str(), follow["status"].as_str(), follow["severity"].as_str()),
        (Some("2026-07-30"), Some("overdue"), Some("warning"))
    );
}

#[test]
fn bom_and_crlf_files_read_cleanly() {
    let (report, code) = check_json(&fixture("valid/bom-crlf"), "2026-06-10", &["--all"]);
    assert_eq!(code, 0);
    assert_eq!(report["diagnostics"], serde_json::json!([]));
    assert_eq!(report["clocks"].as_array().unwrap().len(), 3);
}

#[test]
fn dates_beyond_the_calendar_warn_once() {
    let repo = fixture("valid/year-end");
    let (report, code) = check_json(&repo, "2027-01-20", &["--all"]);
    let warnings: Vec<&serde_json::Value> =
        report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == "calendar-out-of-range").collect();
    assert_eq!(warnings.len(), 1, "{report}");
    assert_eq!(warnings[0]["severity"], "warning");
    assert_eq!(code, 1, "overdue clocks still fail; the warning alone would not");
    // Weekends only in 2027: 2026-12-30 + 2 workdays = Fri 2027-01-01.
    let assign = report["clocks"].as_array().unwrap().iter().find(|c| c["case"] == "Y-1").unwrap().clone();
    assert_eq!(assign["due"], "2027-01-01");
    let (inside, _) = check_json(&repo, "2026-12-29", &["--all"]);
    assert!(inside["diagnostics"].as_array().unwrap().is_empty(), "{inside}");
}

#[test]
fn an_oversized_file_is_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("qinqing.yaml"), "organization: { name: 测试市营商办 }\n").unwrap();
    std::fs::create_dir(dir.path().join("cases")).unwrap();
    std::fs::write(dir.path().join("cases/OK-1.yaml"), "id: OK-1\ntitle: 正常\nreceived: 2026-06-01\n").unwrap();
    // A sparse 64 MB file: costs no disk, and must not be read into memory.
    std::fs::File::create(dir.path().join("cases/DUMP.yaml")).unwrap().set_len(64 << 20).unwrap();
    let (report, code) = check_json(dir.path(), "2026-06-10", &["--all"]);
    assert_eq!(code, 2);
    let diags = report["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{report}");
    assert_eq!(
        (diags[0]["file"].as_str(), diags[0]["code"].as_str()),
        (Some("cases/DUMP.yaml"), Some("file-too-large"))
    );
    assert_eq!(report["summary"]["cases"], 1, "the good file is still checked");
}

#[test]
fn closing_an_unsatisfied_case_needs_a_reason_and_new_events_make_sense_where_they_stand() {
    let (report, code) = check_json(&fixture("invalid/practice"), "2026-06-30", &[]);
    assert_eq!(code, 2);
    assert_eq!(actual(&report), expected("invalid/practice"));
}

#[test]
fn pre_visits_joint_meetings_short_names_and_problems_solved_on_the_spot() {
    let repo = fixture("valid/practice");
    let (report, code) = check_json(&repo, "2026-06-30", &["--all"]);
    assert_eq!((code, &report["diagnostics"]), (0, &serde_json::json!([])), "short names are department names");
    // 交通局 and 建设局 are canonicalised: the clocks name the full department.
    let redo = report["clocks"].as_array().unwrap().iter().find(|c| c["case"] == "P-2" && c["rule"] == "redo").unwrap();
    assert_eq!((redo["status"].as_str(), redo["responsible"].as_str()), (Some("met"), Some("测试市交通运输局")));
    let figures = common::qinqing(&repo, &["report", "--period", "2026-06", "--format", "json"]);
    let figures: serde_json::Value = serde_json::from_str(&figures.stdout).unwrap();
    // P-3 replied resolved, P-6 solved on the spot; P-2's and P-7's latest replies only explained.
    assert_eq!((figures["totals"]["collected"].as_u64(), figures["totals"]["resolved"].as_u64()), (Some(4), Some(2)));
    // P-7 was transferred 9 days after its reply was due: that lateness stays 交通局's (with P-2's reply and
    // redo, met: 2 of 3); 住建局's June clocks are P-3's reply and redo, both met.
    let transport = &figures["by_department"]["测试市交通运输局"]["on_time_reply_rate"];
    assert_eq!((transport["num"].as_u64(), transport["den"].as_u64()), (Some(2), Some(3)));
    let housing = &figures["by_department"]["测试市住房和城乡建设局"]["on_time_reply_rate"];
    assert_eq!((housing["num"].as_u64(), housing["den"].as_u64()), (Some(2), Some(2)));
    let show = common::qinqing(&repo, &["show", "P-2", "--as-of", "2026-06-30"]);
    for part in [
        "预回访",
        "办公室；企业希望先通临时班车",
        "联席会议",
        "参会 交通局、公交集团；企业诉求不符合现行线网规划",
        "已向企业说明；经联席会议研究",
    ] {
        assert!(show.stdout.contains(part), "{part}: {}", show.stdout);
    }
}

#[test]
fn a_transfer_ends_the_first_department_s_clock_and_keeps_its_lateness() {
    let (report, code) = check_json(&fixture("valid/practice"), "2026-07-10", &["--all"]);
    assert_eq!(code, 0);
    let replies: Vec<(String, String, serde_json::Value)> = report["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["case"] == "P-7" && c["rule"] == "reply")
        .map(|c| (c["status"].as_str().unwrap().into(), c["responsible"].as_str().unwrap().into(), c["days"].clone()))
        .collect();
    assert_eq!(
        replies,
        vec![
            ("transferred".into(), "测试市交通运输局".into(), serde_json::json!(9)),
            ("met".into(), "测试市住房和城乡建设局".into(), serde_json::Value::Null),
        ]
    );
    let list = common::qinqing(&fixture("valid/practice"), &["list", "--as-of", "2026-07-10", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let p7 = rows.as_array().unwrap().iter().find(|r| r["id"] == "P-7").unwrap();
    assert_eq!(p7["lead"], "测试市住房和城乡建设局", "the case now belongs to the department it went to");
}
