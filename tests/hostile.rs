//! A repository is edited by many hands and checked in CI: whatever a pull
//! request writes, nothing is dropped without a word, every problem lands at
//! its own file, line and column, and nothing reaches outside the repository
//! or exhausts the machine.

use crate::common;

use std::path::Path;

use common::{check_json, demo_copy};

const CASE: &str = "cases/2026/第23期恳谈会/HZ-2026-0131.yaml";
const MEETING: &str = "cases/2026/第23期恳谈会/meeting.yaml";
const RULES: &str = "rules/deadlines.yaml";

/// Replaces the first `old` in a repository file.
fn edit(repo: &Path, file: &str, old: &str, new: &str) {
    let path = repo.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(old), "{file} has no «{old}»");
    std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
}

/// (file, line, column, code) of every diagnostic.
fn diagnostics(value: &serde_json::Value) -> Vec<(String, u64, u64, String)> {
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_key_left_empty_is_reported_at_its_line_never_dropped() {
    // (file, written, made, expected line, column, code)
    let table: &[(&str, &str, &str, u64, u64, &str)] = &[
        (CASE, "id: HZ-2026-0131", "id:", 1, 1, "missing-field"),
        (CASE, "title: 新建厂房", "title: ~\nx: 新建厂房", 2, 1, "missing-field"),
        (CASE, "    event: acknowledged", "    event: ~", 21, 5, "missing-field"),
        (CASE, "  - date: 2026-10-16", "  - date:", 20, 5, "missing-field"),
        (CASE, "    lead: 国网湖州供电公司", "    lead:", 17, 5, "missing-field"),
        (CASE, "    due: 2026-11-09", "    due:", 27, 5, "empty-value"),
        (CASE, "  name: 湖州某某电子有限公司", "  name: ~", 4, 3, "missing-field"),
        (
            CASE,
            "    co: [市发展和改革委员会, 市自然资源和规划局]",
            "    co: [市发展和改革委员会, ~]",
            18,
            21,
            "empty-value",
        ),
        (RULES, "    within: 2 workdays", "    within:", 22, 5, "missing-field"),
        (RULES, "    start: [intake, returned]", "    start: []", 20, 5, "missing-field"),
        (RULES, "  - id: assign", "  - id:", 18, 5, "missing-field"),
        (MEETING, "level: city", "level:", 5, 1, "empty-value"),
        // The earlier probe's: an empty rule id, an empty department name, a level no one
        // declared, a calendar name that is a list — each at its own file.
        (RULES, "  - id: assign", "  - id: \"\"", 18, 9, "empty-value"),
        ("departments.yaml", "- name: 市教育局", "- name: \"\"", 14, 9, "empty-value"),
        (
            "departments.yaml",
            "  short: 市发改委\n  aliases: [市发展改革委, 发改委]\n  level: city",
            "  short: 市发改委\n  aliases: [市发展改革委, 发改委]\n  level: 省级",
            2,
            3,
            "invalid-value",
        ),
        ("rules/calendars/cn.yaml", "\nname: ", "\nname: [甲, 乙]\nx_name: ", 10, 7, "wrong-type"),
        ("qinqing.yaml", "organization:", "organization: ~\nx_organization:", 2, 1, "missing-field"),
    ];
    for (file, written, made, line, column, code) in table {
        let tmp = tempfile::tempdir().unwrap();
        let repo = demo_copy(tmp.path());
        edit(&repo, file, written, made);
        let (value, exit) = check_json(&repo, "2026-11-20", &[]);
        assert_eq!(exit, 2, "{made}: {value}");
        let found = diagnostics(&value);
        let expected = (file.to_string(), *line, *column, code.to_string());
        assert!(found.contains(&expected), "{made}: expected {expected:?}, found {found:?}");
    }
}

#[test]
fn a_meetings_bad_level_is_reported_once_in_the_meeting_file() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    edit(&repo, MEETING, "level: city", "level: 火星");
    let (value, exit) = check_json(&repo, "2026-11-20", &[]);
    assert_eq!(exit, 2);
    assert_eq!(diagnostics(&value), vec![(MEETING.to_string(), 5, 8, "invalid-value".to_string())]);
}

#[test]
fn a_name_two_departments_claim_is_reported_where_it_is_claimed_again() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    // The 2nd department takes the 1st's alias; the 4th is written again at the end.
    edit(&repo, "departments.yaml", "  aliases: [经信局]", "  aliases: [经信局, 发改委]");
    let text = std::fs::read_to_string(repo.join("departments.yaml")).unwrap();
    std::fs::write(repo.join("departments.yaml"), format!("{text}- name: 市教育局\n")).unwrap();
    let lines = text.lines().count() as u64;
    let (value, exit) = check_json(&repo, "2026-11-20", &[]);
    assert_eq!(exit, 2);
    let found = diagnostics(&value);
    assert!(found.contains(&("departments.yaml".into(), 8, 18, "duplicate-department".into())), "{found:?}");
    assert!(found.contains(&("departments.yaml".into(), lines + 1, 9, "duplicate-department".into())), "{found:?}");
}

#[test]
fn links_are_read_when_they_stay_inside_and_reported_when_they_do_not() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let dir = repo.join("cases/2026/第23期恳谈会");

    // Inside the repository: the overdue case moved to a folder of its own and linked back.
    std::fs::create_dir_all(repo.join("archive")).unwrap();
    std::fs::rename(dir.join("HZ-2026-0131.yaml"), repo.join("archive/HZ-2026-0131.yaml")).unwrap();
    symlink(repo.join("archive/HZ-2026-0131.yaml"), dir.join("HZ-2026-0131.yaml")).unwrap();
    // A file named in capitals by a Windows tool.
    std::fs::rename(dir.join("HZ-2026-0132.yaml"), dir.join("HZ-2026-0132.YAML")).unwrap();
    let (value, exit) = check_json(&repo, "2026-11-20", &[]);
    assert_eq!(exit, 1, "{value}");
    assert_eq!(value["summary"]["cases"], 22, "both are read");
    assert!(diagnostics(&value).is_empty(), "{value}");

    // Outside the repository, or nowhere: reported, not read.
    std::fs::copy(repo.join("archive/HZ-2026-0131.yaml"), outside.join("HZ-2026-0131.yaml")).unwrap();
    std::fs::remove_file(dir.join("HZ-2026-0131.yaml")).unwrap();
    symlink(outside.join("HZ-2026-0131.yaml"), dir.join("HZ-2026-0131.yaml")).unwrap();
    symlink(outside.join("gone.yaml"), dir.join("HZ-2026-0199.yaml")).unwrap();
    std::fs::rename(repo.join(RULES), outside.join("deadlines.yaml")).unwrap();
    symlink(outside.join("deadlines.yaml"), repo.join(RULES)).unwrap();
    std::fs::rename(repo.join("departments.yaml"), outside.join("departments.yaml")).unwrap();
    symlink(outside.join("departments.yaml"), repo.join("departments.yaml")).unwrap();
    // Folders: one inside (not followed: its files would be read twice), one outside.
    symlink(repo.join("cases/2026/第23期恳谈会"), repo.join("cases/2026/同一期")).unwrap();
    symlink(&outside, repo.join("cases/外部")).unwrap();
    let (value, exit) = check_json(&repo, "2026-11-20", &[]);
    assert_eq!(exit, 2);
    let found = diagnostics(&value);
    for (file, code) in [
        (format!("{}/HZ-2026-0131.yaml", CASE.rsplit_once('/').unwrap().0), "link-outside-repository"),
        (format!("{}/HZ-2026-0199.yaml", CASE.rsplit_once('/').unwrap().0), "broken-link"),
        (RULES.to_string(), "link-outside-repository"),
        ("departments.yaml".to_string(), "link-outside-repository"),
        ("cases/2026/同一期".to_string(), "linked-folder"),
        ("cases/外部".to_string(), "link-outside-repository"),
    ] {
        assert!(found.contains(&(file.clone(), 1, 1, code.to_string())), "{file} {code}: {found:?}");
    }
    // The built-in rules are not put in place of the unread file: no clock is evaluated by rules nobody wrote.
    assert_eq!(value["summary"]["overdue"], 0, "{value}");
}

/// Dates every case file an hour back, so the parse cache trusts and stores them.
fn age(repo: &Path) {
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(repo.join("cases")) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            std::fs::File::options().write(true).open(entry.path()).unwrap().set_modified(old).unwrap();
        }
    }
}

#[test]
fn a_damaged_parse_cache_is_discarded_and_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    age(&repo);
    let truth = common::qinqing(&repo, &["check", "--no-cache", "--format", "json", "--as-of", "2026-11-20"]);
    let first = common::qinqing(&repo, &["check", "--format", "json", "--as-of", "2026-11-20"]);
    assert_eq!(first.stdout, truth.stdout);
    let cache = repo.join(".qinqing-cache/parse.bin");
    let good = std::fs::read(&cache).unwrap();
    // One byte of a department's name changed, as a bad disk or a stray write would: 市教育局 → 市教耲局.
    let name = "教育局".as_bytes();
    let at = good.windows(name.len()).position(|w| w == name).expect("the cache holds the name");
    let mut bad = good.clone();
    bad[at + 3] ^= 0x01;
    std::fs::write(&cache, &bad).unwrap();
    let after = common::qinqing(&repo, &["check", "--format", "json", "--as-of", "2026-11-20"]);
    assert_eq!(after.stdout, truth.stdout, "no invented diagnostic, the same overdue count");
    assert_eq!(std::fs::read(&cache).unwrap(), good, "rebuilt");
    // Cut short, or garbage: the same.
    for damaged in [good[..good.len() / 2].to_vec(), vec![0xff; 64], Vec::new()] {
        std::fs::write(&cache, damaged).unwrap();
        let run = common::qinqing(&repo, &["check", "--format", "json", "--as-of", "2026-11-20"]);
        assert_eq!(run.stdout, truth.stdout);
    }
}

#[test]
fn a_cloned_repository_cannot_make_a_run_write_or_read_outside_it() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    age(&repo);
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(outside.join("cache")).unwrap();
    std::fs::write(outside.join("victim"), "precious").unwrap();
    let before = common::contents(&outside);
    let run = |args: &[&str]| common::qinqing(&repo, args);

    // The lock file of the register, and the cache's .gitignore, as links a clone can carry.
    std::fs::create_dir_all(repo.join(".qinqing-cache")).unwrap();
    std::fs::create_dir_all(repo.join(".qinqing-journal")).unwrap();
    symlink(outside.join("victim"), repo.join(".qinqing-journal/issued.lock")).unwrap();
    symlink(outside.join("new-gitignore"), repo.join(".qinqing-cache/.gitignore")).unwrap();
    let issued = run(&["render", "supervision", "--as-of", "2026-11-20", "--issue", "--format", "md"]);
    assert_ne!(issued.code, 0, "{}", issued.stderr);
    let _ = run(&["check", "--as-of", "2026-11-20"]);
    assert_eq!(common::contents(&outside), before);

    // The cache folder and the output folder as links to outside folders.
    std::fs::remove_dir_all(repo.join(".qinqing-cache")).unwrap();
    symlink(outside.join("cache"), repo.join(".qinqing-cache")).unwrap();
    symlink(&outside, repo.join("output")).unwrap();
    let checked = run(&["check", "--format", "json", "--as-of", "2026-11-20"]);
    assert_eq!(checked.code, 1, "the check itself still runs: {}", checked.stderr);
    std::fs::remove_dir_all(repo.join(".qinqing-journal")).unwrap();
    symlink(outside.join("cache"), repo.join(".qinqing-journal")).unwrap();
    let refused = run(&["note", "HZ-2026-0131", "--date", "2026-11-20", "--text", "催办"]);
    assert_ne!(refused.code, 0, "the write side takes its lock in its own folder, a link here: refused");
    std::fs::remove_file(repo.join(".qinqing-journal")).unwrap();
    std::fs::remove_file(repo.join(".qinqing-cache")).unwrap();
    let rendered = run(&["render", "bulletin", "--as-of", "2026-11-20", "--format", "md"]);
    assert_ne!(rendered.code, 0);
    assert!(rendered.stderr.contains("符号链接"), "{}", rendered.stderr);
    let built = run(&["build", "--as-of", "2026-11-20"]);
    assert_ne!(built.code, 0);
    assert_eq!(common::contents(&outside), before, "nothing written outside the repository");

    // A register linked to a file outside is not read either.
    std::fs::remove_file(repo.join("output")).unwrap();
    std::fs::write(outside.join("issued.yaml"), "- {number: 湖营商督〔2026〕99号}\n").unwrap();
    symlink(outside.join("issued.yaml"), repo.join("issued.yaml")).unwrap();
    let rendered = run(&["render", "bulletin", "--as-of", "2026-11-20", "--issue", "--format", "md"]);
    assert_ne!(rendered.code, 0);
    assert!(rendered.stderr.contains("链接"), "{}", rendered.stderr);
    assert_eq!(common::contents(&outside).len(), before.len() + 1, "only the file the test put there");
}

#[test]
fn a_template_that_includes_itself_is_refused_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    std::fs::create_dir_all(repo.join("templates")).unwrap();
    let text = std::fs::read_to_string(common::root().join("src/render/templates/bulletin.md.tera")).unwrap();
    let lines = text.lines().count();
    std::fs::write(repo.join("templates/bulletin.md.tera"), format!("{text}\n{{%- include \"bulletin.md.tera\" %}}\n"))
        .unwrap();
    let run = common::qinqing(&repo, &["render", "bulletin", "--as-of", "2026-11-20", "--format", "md"]);
    assert_eq!(run.code, 2, "refused, not a crash: {}", run.stderr);
    assert!(
        run.stderr.contains(&format!("templates/bulletin.md.tera 第{}行用了「include」", lines + 2)),
        "{}",
        run.stderr
    );
}

#[test]
fn three_hundred_pdfs_in_one_call_are_all_written() {
    // 300 letters: ten departments, each assigned a case on thirty working days.
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let departments = [
        "市发展和改革委员会",
        "市经济和信息化局",
        "市交通运输局",
        "市教育局",
        "市人力资源和社会保障局",
        "市自然资源和规划局",
        "市住房和城乡建设局",
        "市文化广电旅游局",
        "市商务局",
        "市科学技术局",
    ];
    let dir = repo.join("cases/2025");
    std::fs::create_dir_all(&dir).unwrap();
    let mut day = chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
    let mut n = 0;
    for _ in 0..30 {
        while chrono::Datelike::weekday(&day).number_from_monday() > 5 {
            day = day.succ_opt().unwrap();
        }
        for lead in departments {
            n += 1;
            let id = format!("HZ-2025-{n:04}");
            let text = format!(
                "id: {id}\ntitle: 测试问题{n}\nenterprise:\n  name: 湖州某某公司{n}\nreceived: {day}\nchannel: online\n\
                 timeline:\n  - date: {day}\n    event: assigned\n    lead: {lead}\n"
            );
            std::fs::write(dir.join(format!("{id}.yaml")), text).unwrap();
        }
        day = day.succ_opt().unwrap();
    }
    let out = tmp.path().join("letters");
    let run = common::qinqing(
        &repo,
        &[
            "render",
            "assignment",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-31",
            "--as-of",
            "2025-12-31",
            "--format",
            "pdf",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "not aborted: {}", run.stderr);
    let pdfs: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(pdfs.len(), 300);
    assert!(pdfs.iter().all(|p| std::fs::read(p).unwrap().starts_with(b"%PDF")));
}

#[test]
fn font_paths_outside_the_repository_are_refused_not_scanned() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let settings = std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap();
    let lines = settings.lines().count() as u64;
    std::fs::write(repo.join("qinqing.yaml"), format!("{settings}fonts: [/, ../.., fonts/公文]\n")).unwrap();
    let (value, exit) = check_json(&repo, "2026-11-20", &[]);
    assert_eq!(exit, 2);
    let found = diagnostics(&value);
    assert!(found.contains(&("qinqing.yaml".into(), lines + 1, 9, "invalid-value".into())), "{found:?}");
    assert!(found.contains(&("qinqing.yaml".into(), lines + 1, 12, "invalid-value".into())), "{found:?}");
    assert_eq!(found.len(), 2, "fonts/公文 is fine: {found:?}");
}

#[test]
fn names_longer_than_a_file_name_allows_give_shortened_distinct_files() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    // 120 characters, 360 bytes: longer than any file system allows in one name.
    let long = format!("国网湖州供电公司{}", "配电网运行维护与客户服务中心".repeat(8));
    edit(&repo, "departments.yaml", "- name: 国网湖州供电公司", &format!("- name: {long}"));
    edit(&repo, "departments.yaml", "  aliases: [供电公司]", "  aliases: [供电公司, 国网湖州供电公司]");
    let office = format!("湖州市{}", "优化营商环境工作领导小组办公室".repeat(8));
    edit(&repo, "qinqing.yaml", "  name: 湖州市优化营商环境工作领导小组办公室", &format!("  name: {office}"));
    let run = common::qinqing(&repo, &["build", "--as-of", "2026-11-20", "--format", "md,html"]);
    assert!(run.code <= 1, "{}", run.stderr);
    let files: Vec<_> = walkdir::WalkDir::new(repo.join("output")).into_iter().map(|e| e.unwrap()).collect();
    for f in &files {
        assert!(f.file_name().len() <= 255, "{}", f.path().display());
    }
    let letters = tmp.path().join("letters");
    let run = common::qinqing(
        &repo,
        &[
            "render",
            "assignment",
            "--case",
            "HZ-2026-0131",
            "--as-of",
            "2026-11-20",
            "--format",
            "md,html",
            "--out",
            letters.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written: Vec<String> =
        std::fs::read_dir(&letters).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(written.iter().all(|n| n.contains("国网湖州供电公司配电网") && n.len() <= 255), "{written:?}");
    let page = std::fs::read_dir(repo.join("output/site/departments"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .find(|n| n.starts_with("国网湖州供电公司配电网"))
        .expect("the department's page");
    assert!(page.len() < 200, "{page}");
}

#[test]
fn reminder_settings_are_checked_where_they_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let settings = std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap();
    let settings = &settings[..settings.find("\nnotify:").map_or(settings.len(), |i| i + 1)];
    let n = settings.lines().count() as u64;
    let write = |notify: &str| std::fs::write(repo.join("qinqing.yaml"), format!("{settings}{notify}")).unwrap();
    let found = || diagnostics(&check_json(&repo, "2026-11-20", &[]).0);
    let at = |line: u64, column: u64, code: &str| ("qinqing.yaml".to_string(), n + line, column, code.to_string());

    // A department nobody registered, with the registered one suggested; aliases are fine.
    write(
        "notify:\n  departments:\n    市交通局: { wecom: { url_env: A } }\n    供电公司: { wecom: { url_env: B } }\n",
    );
    let (value, exit) = check_json(&repo, "2026-11-20", &[]);
    assert_eq!(exit, 2);
    assert_eq!(diagnostics(&value), vec![at(3, 5, "unknown-department")]);
    assert_eq!(value["diagnostics"][0]["hint"], "是否为「市交通运输局」？");
    // A security that does not exist, a port that is not one, an address variable left empty.
    write("notify:\n  smtp: { host: h, from: a@b, security: ssl, port: 九九 }\n  office:\n    wecom: { url_env: }\n");
    let found_now = found();
    for expected in [at(2, 31, "invalid-value"), at(2, 46, "invalid-value"), at(4, 14, "missing-field")] {
        assert!(found_now.contains(&expected), "{expected:?} in {found_now:?}");
    }
    // Channels written as a list, departments as a list: wrong types, not silence.
    write("notify:\n  default: [wecom]\n  departments: [市商务局]\n");
    let found_now = found();
    assert!(found_now.contains(&at(2, 12, "wrong-type")), "{found_now:?}");
    assert!(found_now.contains(&at(3, 16, "wrong-type")), "{found_now:?}");
}

/// The case fields this release added, written badly: each is reported at its
/// line and column, the rest of the repository still checked.
#[test]
fn a_bad_proposed_lead_or_source_row_is_reported_at_its_place() {
    let table: &[(&str, u64, u64, &str)] = &[
        ("proposed: { lead: 不存在局 }\n", 14, 19, "unknown-department"),
        ("proposed: { lead: ~ }\n", 14, 13, "missing-field"),
        ("proposed: [交通局]\n", 14, 11, "wrong-type"),
        ("proposed: { lead: 交通局, bogus: 1 }\n", 14, 24, "unknown-field"),
        ("source: { file: a.xlsx, key: \"1\", row: -3 }\n", 14, 40, "invalid-value"),
        ("source: { file: a.xlsx, key: \"1\", row: 十二 }\n", 14, 40, "invalid-value"),
    ];
    for (line, at, column, code) in table {
        let tmp = tempfile::tempdir().unwrap();
        let repo = demo_copy(tmp.path());
        edit(&repo, CASE, "timeline:\n", &format!("{line}timeline:\n"));
        let (value, exit) = check_json(&repo, "2026-11-20", &[]);
        assert_eq!(exit, 2, "{line}: {value}");
        let found = diagnostics(&value);
        assert!(found.contains(&(CASE.to_string(), *at, *column, code.to_string())), "{line}: {found:?}");
    }
}

/// `--out` never writes through a linked folder inside the repository, typed relative to the
/// repository (as a clerk types it there) or absolute; a path outside it is the user's choice.
#[test]
fn out_never_follows_a_linked_folder_in_the_repository() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep.csv"), "不能被覆盖").unwrap();
    symlink(&elsewhere, repo.join("exports")).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_qinqing"))
            .args(args)
            .current_dir(&repo)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let absolute = repo.join("exports/keep.csv");
    for args in [
        vec!["export", "ledger", "--as-of", "2026-11-20", "--out", "exports/keep.csv", "--force"],
        vec!["export", "ledger", "--as-of", "2026-11-20", "--out", absolute.to_str().unwrap(), "--force"],
        vec!["export", "open311", "--as-of", "2026-11-20", "--out-dir", "exports"],
        vec!["report", "--period", "2026", "--as-of", "2026-11-20", "--format", "csv", "--out", "exports/统计.csv"],
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains("符号链接"), "{args:?}");
    }
    assert_eq!(std::fs::read_to_string(elsewhere.join("keep.csv")).unwrap(), "不能被覆盖");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1, "nothing written there");
    // Outside the repository, by the user's own choice: written.
    let chosen = tmp.path().join("chosen.csv");
    let out = run(&["export", "ledger", "--as-of", "2026-11-20", "--out", chosen.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(chosen.exists());
}

/// A killed run's temporary files (a whole case with its contact's phone) and half-written site
/// folders are removed by the next command; a running process's are left alone.
#[test]
fn what_a_killed_run_left_is_removed_by_the_next_command() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let case_dir = repo.join("cases/2026/第23期恳谈会");
    std::fs::create_dir_all(repo.join("output/supervision")).unwrap();
    // Process 4194303 is past any pid_max in use here; process 1 is always running.
    let dead = [
        case_dir.join(".qinqing-tmp-4194303-abc123"),
        repo.join(".qinqing-tmp-4194303-def456"),
        repo.join("output/supervision/.qinqing-tmp-4194303-x"),
        case_dir.join(".qinqing-tmp-Ab3dEf"),
    ];
    for f in &dead {
        std::fs::write(f, "phone: \"13800000131\"\n").unwrap();
    }
    std::fs::create_dir_all(repo.join("output/.qinqing-tmp-4194303-site-xyz/cases")).unwrap();
    let running = case_dir.join(".qinqing-tmp-1-keep");
    std::fs::write(&running, "in flight").unwrap();
    let run = common::qinqing(&repo, &["list", "--as-of", "2026-11-20"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for f in &dead {
        assert!(!f.exists(), "{} left", f.display());
    }
    assert!(!repo.join("output/.qinqing-tmp-4194303-site-xyz").exists());
    assert!(running.exists(), "a running process's file is its own");
    // And git is told to ignore them in a new repository.
    let gitignore = std::fs::read_to_string(common::root().join("init/gitignore")).unwrap();
    assert!(gitignore.contains(".qinqing-tmp-*"));
}

/// The third probe: what was silently taken is refused, at its flag, with nothing written.
#[test]
fn what_names_nothing_or_cannot_be_read_is_refused() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let fifo = tmp.path().join("requests.json");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    std::fs::create_dir_all(tmp.path().join("outside")).unwrap();
    symlink(tmp.path().join("outside"), repo.join("linkout")).unwrap();
    let csv = tmp.path().join("多一列.csv");
    std::fs::write(&csv, "序号,企业名称,反映问题\n1,甲,问题,多出来的值\n").unwrap();
    let txt = tmp.path().join("台账.txt");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["import", "--open311", fifo.to_str().unwrap(), "--dry-run"], "不是普通文件"),
        (vec!["list", "--level", "乱写"], "--level"),
        (vec!["list", "--meeting", "HZ-M-1999-1"], "--meeting"),
        (vec!["export", "ledger", "--dept", "不存在局", "--out", "台账.csv"], "--dept"),
        (vec!["export", "ledger", "--out", txt.to_str().unwrap()], ".txt"),
        (vec!["schema", "--all", "--out", "linkout"], "符号链接"),
        (
            vec!["import", csv.to_str().unwrap(), "--received", "2026-11-20", "--channel", "热线", "--strict"],
            "没有表头",
        ),
        (vec!["note", "HZ-2026-0131", "--text", "甲\r乙"], "U+000D"),
    ];
    let before = common::contents(&repo.join("cases"));
    for (args, says) in cases {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_qinqing"))
            .args(&args)
            .current_dir(&repo)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    assert_eq!(common::contents(&repo.join("cases")), before, "nothing written");
    assert!(!txt.exists() && std::fs::read_dir(tmp.path().join("outside")).unwrap().next().is_none());
}
