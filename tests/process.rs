//! The process as offices run it (issue 21): bulletins that agree with
//! themselves, supervision on demand, the meeting's list, promises kept.

use crate::common::{check_json, demo_copy, fixture, qinqing, root};

/// Renders a bulletin as Markdown and returns its text.
pub(crate) fn bulletin(repo: &std::path::Path, args: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["render", "bulletin", "--format", "md", "--out", out.path().to_str().unwrap()];
    all.extend(args);
    let run = qinqing(repo, &all);
    assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    let file = std::fs::read_dir(out.path()).unwrap().next().unwrap().unwrap().path();
    std::fs::read_to_string(file).unwrap()
}

/// The number right before `个` after `word` in `text` ("超期未办3个" → 3).
fn count_after(text: &str, word: &str) -> Option<usize> {
    let at = text.find(word)? + word.len();
    let digits: String = text[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The number right before `tail` in `text` ("其中2个予以通报" → 2).
fn count_before(text: &str, tail: &str) -> Option<usize> {
    let at = text.find(tail)?;
    let digits: String = text[..at].chars().rev().take_while(char::is_ascii_digit).collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

/// The rows of the table under the heading that contains `heading`, as cells.
fn table_under(text: &str, heading: &str) -> Vec<Vec<String>> {
    let Some(start) = text.lines().position(|l| l.starts_with("## ") && l.contains(heading)) else { return Vec::new() };
    text.lines()
        .skip(start + 1)
        .take_while(|l| !l.starts_with("## "))
        .filter(|l| l.starts_with("| ") && !l.starts_with("|---"))
        .skip(1)
        .map(|l| l.trim().trim_matches('|').split('|').map(|c| c.trim().to_string()).collect())
        .collect()
}

/// Every count in 一、总体情况 is the count of the rows the later sections list under the same word.
pub(crate) fn agrees_with_itself(md: &str, what: &str) {
    let overview = md.split("## 二、").next().unwrap();
    let overdue = count_after(overview, "超期未办").unwrap_or_else(|| panic!("{what}: no 超期未办 in {overview}"));
    let rows = table_under(md, "超期未办结问题");
    assert_eq!(overdue, rows.len(), "{what}: 超期未办 {overdue} but {} rows listed\n{md}", rows.len());
    let named = rows.iter().filter(|r| r.last().is_some_and(|c| c == "通报")).count();
    assert_eq!(count_before(overview, "个予以通报").unwrap_or(0), named, "{what}");
    // Sentences to 被通报单位 only when some are named.
    assert_eq!(md.contains("被通报单位"), named > 0, "{what}: {md}");
    if rows.is_empty() {
        assert!(md.contains("没有超期未办结的问题"), "{what}");
    } else {
        assert!(!md.contains("没有超期未办结的问题"), "{what}: says none and lists {}", rows.len());
    }
    // The units' table counts the same overdue clocks.
    let units = table_under(md, "各单位办理情况");
    if !units.is_empty() {
        let sum: usize = units.iter().map(|r| r[2].parse::<usize>().unwrap()).sum();
        assert_eq!(sum, overdue, "{what}: the units' 超期未办 column");
        let assigned: usize = units.iter().map(|r| r[6].parse::<usize>().unwrap()).sum();
        if !md.contains("按本年累计") {
            assert_eq!(Some(assigned), count_after(overview, "交办"), "{what}: the units' 交办 column");
        }
    }
    // A meeting's bulletin: its problems and what the meeting reached, row by row.
    let problems = table_under(md, "问题办理情况");
    if let Some(n) = count_after(overview, "企业共反映问题") {
        assert_eq!(n, problems.len(), "{what}: problems listed");
        // "会上达成方案7个、政策解释1个": each result the meeting reached, against the 会上结果 column.
        let reached = overview.split("会上").nth(1).and_then(|c| c.split('。').next()).unwrap_or("");
        // The 会上结果 column (the fifth of seven) is there only when the meeting reached something.
        let has_outcomes = problems.first().is_some_and(|p| p.len() == 7);
        assert_eq!(has_outcomes, !reached.is_empty(), "{what}: 会上结果 column against «{reached}»");
        for r in ["已解决", "达成方案", "政策解释", "正在解决", "列入计划", "无法解决"] {
            let rows = problems.iter().filter(|p| has_outcomes && p[4] == r).count();
            assert_eq!(count_after(reached, r).unwrap_or(0), rows, "{what}: {r} in «{reached}»");
        }
    }
}

#[test]
fn every_bulletin_agrees_with_itself() {
    let demo = root();
    for (what, repo, args) in [
        ("demo month", demo.clone(), vec!["--period", "2026-11", "--as-of", "2026-11-20"]),
        ("demo month after", demo.clone(), vec!["--period", "2026-11", "--as-of", "2026-11-30"]),
        ("demo year", demo.clone(), vec!["--period", "2026", "--as-of", "2026-11-20"]),
        ("demo quiet month", demo.clone(), vec!["--period", "2026-07", "--as-of", "2026-07-31"]),
        ("demo one day", demo.clone(), vec!["--period", "2026-11-18", "--as-of", "2026-11-18"]),
        ("demo meeting", demo.clone(), vec!["--meeting", "HZ-M-2026-23", "--as-of", "2026-11-20"]),
        ("demo meeting 21", demo.clone(), vec!["--meeting", "HZ-M-2026-21", "--as-of", "2026-11-20"]),
        ("report fixture", fixture("report/basic"), vec!["--period", "2026-06", "--as-of", "2026-06-30"]),
        ("practice fixture", fixture("valid/practice"), vec!["--period", "2026-06", "--as-of", "2026-06-30"]),
    ] {
        agrees_with_itself(&bulletin(&repo, &args), what);
    }
}

#[test]
fn a_days_bulletin_is_titled_by_its_day_and_an_option_a_kind_does_not_take_is_refused() {
    let md = bulletin(&root(), &["--period", "2026-11-18", "--as-of", "2026-11-18"]);
    assert!(md.contains("# 关于2026年11月18日企业反映问题办理情况的通报"), "{md}");
    assert!(md.contains("现将2026年11月18日企业") && !md.contains("2026年11月18日至2026年11月18日"), "{md}");
    // A meeting's bulletin is titled by the meeting.
    let md = bulletin(&root(), &["--meeting", "HZ-M-2026-23", "--as-of", "2026-11-20"]);
    assert!(md.contains("亲清直通车·政企恳谈会（第二十三期）企业反映问题办理情况的通报"), "{md}");
    for (args, flag) in [
        (vec!["render", "bulletin", "--period", "2026-11", "--dept", "市商务局"], "--dept"),
        (vec!["render", "bulletin", "--meeting", "HZ-M-2026-23", "--period", "2026-11"], "--period"),
        (vec!["render", "supervision", "--meeting", "HZ-M-2026-23"], "--meeting"),
        (vec!["render", "list", "--case", "HZ-2026-0131", "--meeting", "HZ-M-2026-23"], "--case"),
        (vec!["render", "assignment", "--meeting", "HZ-M-2026-23", "--due", "2026-12-01"], "--due"),
    ] {
        let out = tempfile::tempdir().unwrap();
        let mut args = args.clone();
        args.extend(["--as-of", "2026-11-20", "--out", out.path().to_str().unwrap()]);
        let run = qinqing(&root(), &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        assert!(run.stderr.contains(flag), "{args:?}: {}", run.stderr);
        assert!(std::fs::read_dir(out.path()).unwrap().next().is_none(), "{args:?}: nothing written");
    }
    let run = qinqing(&root(), &["render", "bulletin", "--meeting", "HZ-M-2026-99", "--as-of", "2026-11-20"]);
    assert!(run.code != 0 && run.stderr.contains("HZ-M-2026-99"), "{}", run.stderr);
}

/// 不满意 → 重办并督办 on the same day: the notice names the case although no clock is overdue,
/// records itself with its own deadline, and its clock runs; a re-assignment with `--due`
/// moves the redo deadline instead of starting a second clock.
#[test]
fn an_unsatisfied_case_is_supervised_the_same_day() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    // HZ-2026-0133 was replied (resolved) and is not closed; the enterprise says 不满意 on 11-20.
    let rated = qinqing(
        &repo,
        &["evaluate", "HZ-2026-0133", "--rating", "不满意", "--comment", "验收仍未排上", "--date", "2026-11-20"],
    );
    assert_eq!(rated.code, 0, "{}", rated.stderr);
    // Nothing is overdue for it: the overdue-driven notice has nothing new for its department.
    let run = qinqing(
        &repo,
        &["render", "supervision", "--case", "HZ-2026-0133", "--as-of", "2026-11-20", "--format", "md", "--issue"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let file = run.stdout.lines().find(|l| l.ends_with(".md")).expect("a notice");
    let notice = std::fs::read_to_string(repo.join(file)).unwrap();
    assert!(notice.contains("HZ-2026-0133") && notice.contains("企业评价：不满意"), "{notice}");
    assert!(notice.contains("湖营商督〔2026〕7号"), "the next number: {notice}");
    let case = std::fs::read_to_string(repo.join("cases/2026/第23期恳谈会/HZ-2026-0133.yaml")).unwrap();
    assert!(case.contains("event: supervised") && case.contains("doc: 湖营商督〔2026〕7号"), "{case}");
    // Its redo clock is covered by the notice; the notice's own deadline runs (5 working days).
    let (json, _) = check_json(&repo, "2026-11-20", &["--all"]);
    let clocks: Vec<(String, String, String)> = json["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["case"] == "HZ-2026-0133")
        .map(|c| {
            (
                c["rule"].as_str().unwrap().into(),
                c["status"].as_str().unwrap().into(),
                c["due"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(clocks.contains(&("supervision".into(), "pending".into(), "2026-11-27".into())), "{clocks:?}");
    let redo =
        json["clocks"].as_array().unwrap().iter().find(|c| c["case"] == "HZ-2026-0133" && c["rule"] == "redo").unwrap();
    assert_eq!(redo["issued"][0]["doc"], "湖营商督〔2026〕7号", "{redo}");
    // Re-assigned for the redo with its own deadline: one clock for the redo, due then.
    let run =
        qinqing(&repo, &["assign", "HZ-2026-0133", "--lead", "住建局", "--due", "2026-12-04", "--date", "2026-11-21"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (json, _) = check_json(&repo, "2026-11-21", &["--all"]);
    let running: Vec<(&str, &str)> = json["clocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["case"] == "HZ-2026-0133" && c["stopped"].is_null() && c["status"] != "superseded")
        .map(|c| (c["rule"].as_str().unwrap(), c["due"].as_str().unwrap()))
        .collect();
    assert!(running.contains(&("redo", "2026-12-04")), "{running:?}");
    assert!(!running.iter().any(|(r, _)| *r == "reply"), "no second clock beside the redo: {running:?}");
    // A case whose notice's deadline still runs is not supervised again without --reissue (its
    // passed deadline would be hidden); an unknown --dept is refused, not an empty run.
    let again =
        qinqing(&repo, &["render", "supervision", "--case", "HZ-2026-0131", "--as-of", "2026-11-21", "--format", "md"]);
    assert!(again.code == 2 && again.stderr.contains("--reissue"), "{}", again.stderr);
    let nobody = qinqing(&repo, &["render", "supervision", "--dept", "市不存在局", "--as-of", "2026-11-21"]);
    assert!(nobody.code == 2 && nobody.stderr.contains("部门名录中没有「市不存在局」"), "{}", nobody.stderr);
    // A closed case, or one never assigned, is refused by name.
    for (id, words) in [("HZ-2026-0101", "已办结"), ("HZ-2026-0161", "尚未交办")] {
        let run = qinqing(&repo, &["render", "supervision", "--case", id, "--as-of", "2026-11-21", "--format", "md"]);
        assert!(run.code != 0 && run.stderr.contains(words), "{id}: {}", run.stderr);
    }
}

/// The meeting's list: one document to every responsible unit under one number, or what
/// `render assignment --meeting` sends when the office chose so.
#[test]
fn the_meetings_list_goes_to_every_unit_under_one_number() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let run = qinqing(
        &repo,
        &["render", "list", "--meeting", "HZ-M-2026-23", "--as-of", "2026-11-20", "--format", "md,pdf", "--issue"],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let md = run.stdout.lines().find(|l| l.ends_with(".md")).expect("the list");
    let list = std::fs::read_to_string(repo.join(md)).unwrap();
    assert!(list.contains("湖营商清〔2026〕1号"), "{list}");
    for unit in ["国网湖州供电公司", "市发展和改革委员会", "市委金融办", "市经济和信息化局"]
    {
        assert!(list.lines().any(|l| l.ends_with('：') && l.contains(unit)), "{unit} addressed: {list}");
    }
    for id in ["HZ-2026-0131", "HZ-2026-0132", "HZ-2026-0133", "HZ-2026-0134", "HZ-2026-0135"] {
        assert!(list.contains(id), "{id}: {list}");
    }
    assert!(!list.contains("13800000131"), "no unit sees an enterprise's phone");
    let issued = std::fs::read_to_string(repo.join("issued.yaml")).unwrap();
    assert_eq!(issued.matches("kind: list").count(), 1, "{issued}");
    // Issued again: the register holds it.
    let again = qinqing(
        &repo,
        &["render", "list", "--meeting", "HZ-M-2026-23", "--as-of", "2026-11-20", "--format", "md", "--issue"],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(repo.join("issued.yaml")).unwrap().matches("kind: list").count(), 1);

    // An office that assigns by list: `render assignment --meeting` sends the list.
    let settings = std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap();
    std::fs::write(repo.join("qinqing.yaml"), format!("{settings}assignment: list\n")).unwrap();
    let out = tmp.path().join("out");
    let run = qinqing(
        &repo,
        &[
            "render",
            "assignment",
            "--meeting",
            "HZ-M-2026-21",
            "--as-of",
            "2026-11-20",
            "--format",
            "md",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("责任清单") && !run.stdout.contains("交办函-"), "{}", run.stdout);
    assert!(
        std::fs::read_dir(&out).unwrap().count() == 1 && run.stderr.contains("已生成 1 份责任清单"),
        "{}",
        run.stderr
    );
    std::fs::write(repo.join("qinqing.yaml"), format!("{settings}assignment: both\n")).unwrap();
    let run = qinqing(
        &repo,
        &["render", "assignment", "--meeting", "HZ-M-2026-21", "--as-of", "2026-11-20", "--format", "md"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("output/list/") && run.stdout.contains("output/assignment/"), "{}", run.stdout);
    assert!(run.stderr.contains("份交办函、1 份责任清单"), "each kind counted: {}", run.stderr);
    // The list is the whole meeting's: --case or --dept would narrow it without a word, and are refused.
    for flag in [["--case", "HZ-2026-0101"], ["--dept", "市交通运输局"]] {
        let mut args =
            vec!["render", "assignment", "--meeting", "HZ-M-2026-21", "--as-of", "2026-11-20", "--format", "md"];
        args.extend(flag);
        let run = qinqing(&repo, &args);
        assert!(run.code == 2 && run.stderr.contains(flag[0]), "{flag:?}: {}", run.stderr);
    }
}

/// Meetings in the figures: how many were held in the period, by level, the enterprises
/// attending and the problems each collected ("六期42场（市级6场、区县36场），参会企业家361位").
#[test]
fn the_meetings_held_are_counted_by_level_with_their_enterprises_and_problems() {
    let run = qinqing(&root(), &["report", "--period", "2026", "--as-of", "2026-11-20", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let m = &v["meetings"];
    assert_eq!(m["held"], 3);
    assert_eq!(m["by_level"], serde_json::json!({ "city": 2, "county": 1 }));
    let list = m["list"].as_array().unwrap();
    let ids: Vec<&str> = list.iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["HZ-M-2026-21", "HZ-M-2026-23", "HZ-M-2026-25"]);
    for x in list {
        assert_eq!(x["collected"], v["by_meeting"][x["id"].as_str().unwrap()]["collected"], "{x}");
    }
    let enterprises: u64 = list.iter().map(|x| x["enterprises"].as_u64().unwrap()).sum();
    assert_eq!(m["enterprises"].as_u64(), Some(enterprises));
    // A month with one meeting: the text report and the bulletin say so in the same words.
    let text = qinqing(&root(), &["report", "--period", "2026-11", "--as-of", "2026-11-20"]).stdout;
    assert!(text.contains("召开恳谈会1场（区县1场）"), "{text}");
    let md = bulletin(&root(), &["--period", "2026-11", "--as-of", "2026-11-20"]);
    assert!(md.contains("召开恳谈会1场（区县1场），参会企业"), "{md}");
    let quiet = qinqing(&root(), &["report", "--period", "2026-07", "--as-of", "2026-07-31"]).stdout;
    assert!(quiet.contains("本期没有召开恳谈会"), "{quiet}");
    assert!(!bulletin(&root(), &["--period", "2026-07", "--as-of", "2026-07-31"]).contains("召开恳谈会"));
}

/// The register records a document under its own date: an assignment letter issued today for
/// an assignment of last month is dated, and registered, on the day of that assignment.
#[test]
fn the_register_dates_a_letter_as_the_letter_is_dated() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let run = qinqing(
        &repo,
        &["render", "assignment", "--case", "HZ-2026-0134", "--as-of", "2026-11-20", "--format", "md", "--issue"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let md = run.stdout.lines().find(|l| l.ends_with(".md")).expect("a letter");
    let letter = std::fs::read_to_string(repo.join(md)).unwrap();
    let issued = std::fs::read_to_string(repo.join("issued.yaml")).unwrap();
    let line = issued.lines().find(|l| l.contains("kind: assignment")).expect("registered");
    let date = line.split("date: ").nth(1).unwrap().split(',').next().unwrap().trim();
    assert_ne!(date, "2026-11-20", "not the day it was printed: {line}");
    let (y, rest) = date.split_once('-').unwrap();
    let (m, d) = rest.split_once('-').unwrap();
    let cn = format!("{}年{}月{}日", y, m.trim_start_matches('0'), d.trim_start_matches('0'));
    assert!(letter.contains(&cn), "the letter is dated {cn}: {letter}");
}
