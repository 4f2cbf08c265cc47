//! `qinqing import`: problem lists as offices get them — an .xlsx, .xls and
//! .ods written by LibreOffice from one CSV (committed in
//! tests/fixtures/import), a GBK CSV — become the same cases; every problem is
//! reported at its cell and nothing is written; a sheet imported again creates
//! nothing twice.

use crate::common;

use std::path::{Path, PathBuf};

use common::{demo_copy, fixture, qinqing};

const MEETING: &str = "HZ-M-2026-25";

/// Every file below `cases/` with its contents.
fn tree(repo: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    common::contents(&repo.join("cases"))
}

fn import(repo: &Path, file: &str, extra: &[&str]) -> common::Run {
    let path = fixture("import").join(file);
    let mut args = vec!["import", path.to_str().unwrap(), "--meeting", MEETING];
    args.extend_from_slice(extra);
    qinqing(repo, &args)
}

#[test]
fn every_sheet_format_gives_the_same_cases_and_a_second_import_adds_nothing() {
    let mut written: Vec<Vec<String>> = Vec::new();
    for file in ["问题清单.xlsx", "问题清单.xls", "问题清单.ods", "问题清单.csv", "问题清单-GBK.csv"]
    {
        let tmp = tempfile::tempdir().unwrap();
        let repo = demo_copy(tmp.path());
        let before = tree(&repo);
        let run = import(&repo, file, &[]);
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
        let files: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(files.len(), 3, "{file}: {}", run.stdout);
        if file.contains("GBK") {
            assert!(run.stderr.contains("已按 GBK/GB18030 读取"), "{}", run.stderr);
        }
        // The repository checks without an error, and the cases are what the sheet says.
        let (checked, code) = common::check_json(&repo, "2026-11-24", &[]);
        assert_ne!(code, 2, "{checked}");
        let first = std::fs::read_to_string(repo.join(files[0])).unwrap();
        for line in [
            "title: 园区道路破损严重，货车通行困难",
            "  contact: 李某",
            "  phone: \"13900000001\"",
            "    lead: 市交通运输局",
            "    co: [市住房和城乡建设局]",
            "    due: 2026-12-07",
            "  - date: 2026-11-23",
            "  key: \"1\"",
        ] {
            assert!(first.lines().any(|l| l == line), "{file}: no «{line}» in\n{first}");
        }
        assert!(files[0].starts_with("cases/2026/第25期恳谈会/"), "in the meeting's folder");
        let third = std::fs::read_to_string(repo.join(files[2])).unwrap();
        assert!(third.contains("    lead: 市人力资源和社会保障局"), "an alias written as the full name:\n{third}");
        let second = std::fs::read_to_string(repo.join(files[1])).unwrap();
        assert!(!second.contains("timeline"), "a row with no department is not assigned:\n{second}");
        assert!(second.contains("备注：企业希望年底前解决"));
        // The sheet's own name is what differs between formats.
        written.push(
            files
                .iter()
                .map(|f| {
                    let text = std::fs::read_to_string(repo.join(f)).unwrap();
                    text.lines().filter(|l| !l.starts_with("  file: ")).collect::<Vec<_>>().join("\n")
                })
                .collect(),
        );

        // Again: nothing new, each row said to be there already, not a byte changed.
        let after = tree(&repo);
        assert_ne!(before, after);
        let again = import(&repo, file, &[]);
        assert_eq!(again.code, 0, "{}", again.stderr);
        assert_eq!(again.stdout, "", "nothing created");
        assert_eq!(again.stderr.matches("无变化").count(), 3, "{}", again.stderr);
        assert_eq!(tree(&repo), after);
    }
    assert!(written.windows(2).all(|w| w[0] == w[1]), "{written:#?}");
}

#[test]
fn a_corrected_row_is_reported_and_applied_only_with_update() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let sheet = tmp.path().join("问题清单.csv");
    std::fs::copy(fixture("import").join("问题清单.csv"), &sheet).unwrap();
    let run = qinqing(&repo, &["import", sheet.to_str().unwrap(), "--meeting", MEETING]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = tree(&repo);
    let text = std::fs::read_to_string(&sheet).unwrap().replace("货车通行困难", "大货车无法通行");
    std::fs::write(&sheet, text).unwrap();
    let again = qinqing(&repo, &["import", sheet.to_str().unwrap(), "--meeting", MEETING]);
    assert_eq!(again.code, 0);
    assert!(
        again
            .stderr
            .contains("第3行已导入为 HZ-2026-0176（来自 问题清单.csv 第3行），表中与案件不同（未改动案件）：问题标题")
            && again.stderr.contains("问题描述「"),
        "{}",
        again.stderr
    );
    assert_eq!(tree(&repo), after);

    // --update: the case's own lines for what changed, and no other byte. A comment the office added stays.
    let case = repo.join("cases/2026/第25期恳谈会/HZ-2026-0176.yaml");
    let before = std::fs::read_to_string(&case)
        .unwrap()
        .replace("category: 基础设施\n", "category: 基础设施   # 区里另有台账\n");
    std::fs::write(&case, &before).unwrap();
    let updated = qinqing(&repo, &["import", sheet.to_str().unwrap(), "--meeting", MEETING, "--update"]);
    assert_eq!(updated.code, 0, "{}", updated.stderr);
    assert!(updated.stderr.contains("按表更新") && updated.stderr.contains("更新 1 件"), "{}", updated.stderr);
    let now = std::fs::read_to_string(&case).unwrap();
    assert_eq!(now, before.replace("货车通行困难", "大货车无法通行"));
    let settled = qinqing(&repo, &["import", sheet.to_str().unwrap(), "--meeting", MEETING, "--update"]);
    assert_eq!(settled.stderr.matches("无变化").count(), 3, "{}", settled.stderr);
}

#[test]
fn a_renamed_copy_of_an_imported_list_creates_nothing_and_says_which_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let sheet = tmp.path().join("问题清单-v4.csv");
    std::fs::copy(fixture("import").join("问题清单.csv"), &sheet).unwrap();
    let run = qinqing(&repo, &["import", sheet.to_str().unwrap(), "--meeting", MEETING]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = tree(&repo);
    // The office renames the file (and would re-save it): the rows are the same rows.
    let renamed = tmp.path().join("问题清单终稿.csv");
    std::fs::rename(&sheet, &renamed).unwrap();
    let again = qinqing(&repo, &["import", renamed.to_str().unwrap(), "--meeting", MEETING]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(tree(&repo), after, "nothing new");
    assert_eq!(again.stderr.matches("无变化").count(), 3, "{}", again.stderr);
    assert!(again.stderr.contains("已导入为 HZ-2026-0176（来自 问题清单-v4.csv 第3行），无变化"), "{}", again.stderr);
    // Without a meeting the rows are known by their enterprise and problem, whatever the file's name.
    let hotline = tmp.path().join("热线转办.csv");
    std::fs::write(
        &hotline,
        "企业名称,反映问题,收到日期\n湖州丁公司,厂区门口路灯不亮\n湖州戊公司,申请用电增容,2026-11-20\n",
    )
    .unwrap();
    let first = qinqing(&repo, &["import", hotline.to_str().unwrap(), "--channel", "热线", "--received", "2026-11-21"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let copy = tmp.path().join("热线转办（复制）.csv");
    std::fs::copy(&hotline, &copy).unwrap();
    let second = qinqing(&repo, &["import", copy.to_str().unwrap(), "--channel", "热线", "--received", "2026-11-21"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(second.stderr.matches("无变化").count(), 2, "{}", second.stderr);
    assert!(second.stderr.contains("新建 0 件"), "{}", second.stderr);
}

#[test]
fn every_problem_is_reported_at_its_cell_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let before = tree(&repo);
    let run = import(&repo, "有问题的清单.csv", &[]);
    assert_eq!(run.code, 2);
    for (cell, code, words) in [
        ("C2", "invalid-credit-code", "校验位应为「L」"),
        ("D3", "missing-field", "没有写反映的问题"),
        ("E4", "unknown-department", "未知部门「市交通局」"),
        ("F4", "invalid-date", "2026-02-30"),
    ] {
        let line = run.stdout.lines().find(|l| l.starts_with(&format!("有问题的清单.csv 第1张表!{cell}: ")));
        let line = line.unwrap_or_else(|| panic!("nothing at {cell}: {}", run.stdout));
        assert!(line.contains(&format!("[{code}]")) && line.contains(words), "{cell}: {line}");
    }
    assert!(run.stdout.contains("提示：是否为「市交通运输局」？"));
    assert_eq!(tree(&repo), before, "nothing written");

    // --skip-bad: the one good row is written, the others listed, and the exit code says so.
    let run = import(&repo, "有问题的清单.csv", &["--skip-bad"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout.lines().filter(|l| l.ends_with(".yaml")).count(), 1, "{}", run.stdout);
    let created = tree(&repo).into_iter().filter(|(p, _)| !before.iter().any(|(q, _)| q == p)).collect::<Vec<_>>();
    assert_eq!(created.len(), 1);
    let text = String::from_utf8_lossy(&created[0].1);
    assert!(text.contains("湖州庚公司"), "{text}");
}

#[test]
fn the_template_has_the_headers_import_reads_and_drop_down_lists_and_the_shipped_sample_imports() {
    use calamine::{open_workbook, Reader, Xlsx};
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let blank = tmp.path().join("模板.xlsx");
    let run = qinqing(&repo, &["import", "--template", blank.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut wb: Xlsx<_> = open_workbook(&blank).unwrap();
    assert_eq!(wb.sheet_names(), ["问题清单", "选项"]);
    let sheet = wb.worksheet_range("问题清单").unwrap();
    let head: Vec<String> = sheet.rows().nth(1).unwrap().iter().map(|d| d.to_string()).collect();
    assert_eq!(head[..4], ["序号", "企业名称", "统一社会信用代码", "反映问题"]);
    assert!(head.contains(&"牵头单位".to_string()) && head.contains(&"交办日期".to_string()));
    let options = wb.worksheet_range("选项").unwrap();
    let departments: Vec<String> = options.rows().skip(1).map(|r| r[0].to_string()).filter(|d| !d.is_empty()).collect();
    let registry = std::fs::read_to_string(repo.join("departments.yaml")).unwrap();
    assert_eq!(departments.len(), registry.matches("- name: ").count());
    assert!(departments.contains(&"市交通运输局".to_string()));
    // The drop-down lists point at the 选项 sheet; the header row is frozen.
    let xml =
        String::from_utf8(common::tool("unzip", &["-p", blank.to_str().unwrap(), "xl/worksheets/sheet1.xml"])).unwrap();
    let n = departments.len() + 1;
    assert!(xml.contains(&format!("<formula1>选项!$A$2:$A${n}</formula1>")), "{xml}");
    assert!(xml.contains("<formula1>选项!$B$2:$B$5</formula1>"), "four channels besides meetings");
    assert!(xml.contains("state=\"frozen\""));
    // Never over the user's file without --force.
    assert_ne!(qinqing(&repo, &["import", "--template", blank.to_str().unwrap()]).code, 0);

    // The sample in docs/samples is this template filled in, and imports as it is.
    let sample = common::root().join("docs/samples/问题清单示例.xlsx");
    let fresh = tmp.path().join("示例.xlsx");
    let run = qinqing(&common::root(), &["import", "--template", fresh.to_str().unwrap(), "--with-examples"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        std::fs::read(&fresh).unwrap(),
        std::fs::read(&sample).unwrap(),
        "docs/samples is stale: bash scripts/samples.sh"
    );
    let run = qinqing(&repo, &["import", sample.to_str().unwrap(), "--meeting", MEETING]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout.lines().count(), 3);
}

#[test]
fn a_citys_own_headers_are_mapped_on_the_command_line_or_in_the_settings() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let sheet = tmp.path().join("本市清单.csv");
    std::fs::write(
        &sheet,
        "编号,企业,诉求描述,责任处室,交办日期\n1,湖州辛公司,厂区周边路灯不亮。,市住房和城乡建设局,2026-11-23\n",
    )
    .unwrap();
    let file = sheet.to_str().unwrap();
    let refused = qinqing(&repo, &["import", file, "--meeting", MEETING, "--dry-run"]);
    assert_ne!(refused.code, 0);
    assert!(refused.stderr.contains("没有找到表头"), "{}", refused.stderr);
    let mapped = qinqing(
        &repo,
        &[
            "import",
            file,
            "--meeting",
            MEETING,
            "--dry-run",
            "--map",
            "诉求描述=反映问题",
            "--map",
            "责任处室=牵头单位",
        ],
    );
    assert_eq!(mapped.code, 0, "{}", mapped.stderr);
    let settings = std::fs::read_to_string(repo.join("qinqing.yaml")).unwrap();
    std::fs::write(
        repo.join("qinqing.yaml"),
        format!("{settings}import:\n  columns: {{ 诉求描述: 反映问题, 责任处室: 牵头单位 }}\n"),
    )
    .unwrap();
    let run = qinqing(&repo, &["import", file, "--meeting", MEETING]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let case = std::fs::read_to_string(repo.join(run.stdout.trim())).unwrap();
    assert!(case.contains("    lead: 市住房和城乡建设局") && case.contains("厂区周边路灯不亮"), "{case}");
    // A field that does not exist is an error where it is written.
    let lines = settings.lines().count() as u64;
    std::fs::write(repo.join("qinqing.yaml"), format!("{settings}import:\n  columns: {{ 诉求描述: 问题详情 }}\n"))
        .unwrap();
    let (value, code) = common::check_json(&repo, "2026-11-24", &[]);
    assert_eq!(code, 2);
    let d = &value["diagnostics"][0];
    assert_eq!(
        (d["code"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("invalid-value"), Some(lines + 2), Some(20)),
        "{d}"
    );
}

#[test]
fn hotline_requests_come_in_once_as_hotline_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let file = tmp.path().join("requests.json");
    let requests = r#"[
      {"service_request_id": "12345-001", "status": "open", "service_name": "交通出行", "service_code": "交通出行",
       "description": "企业门口公交站台被占，员工候车不便。", "requested_datetime": "2026-11-19T22:30:00-00:00"},
      {"service_request_id": 98765, "status": "open", "description": "用电报装进度慢。",
       "requested_datetime": "2026-11-20T09:00:00+08:00"}
    ]"#;
    std::fs::write(&file, requests).unwrap();
    let run = qinqing(&repo, &["import", "--open311", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let created: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(created.len(), 2);
    let first = std::fs::read_to_string(repo.join(created[0])).unwrap();
    for line in
        ["channel: hotline", "category: 交通出行", "  file: open311", "  key: \"12345-001\"", "received: 2026-11-20"]
    {
        assert!(first.lines().any(|l| l == line), "no «{line}» in\n{first}");
    }
    assert!(created[0].starts_with("cases/2026/热线/"));
    // Tomorrow's file carries the same requests: nothing new.
    let again = qinqing(&repo, &["import", "--open311", file.to_str().unwrap()]);
    assert_eq!((again.code, again.stdout.as_str()), (0, ""), "{}", again.stderr);
    assert_eq!(again.stderr.matches("无变化").count(), 2);
    // A request without its problem, or with a time that is not one, is named, and nothing is written.
    std::fs::write(&file, r#"[{"service_request_id": "x-1", "description": " "}, {"service_request_id": "x-2", "description": "噪音", "requested_datetime": "昨天"}]"#).unwrap();
    let bad = qinqing(&repo, &["import", "--open311", file.to_str().unwrap()]);
    assert_eq!(bad.code, 2);
    assert!(bad.stdout.contains("requests.json 第1个请求 description: 请求没有 description"), "{}", bad.stdout);
    assert!(bad.stdout.contains("requests.json 第2个请求 requested_datetime:"), "{}", bad.stdout);
    // Not a list, or far too large: refused with the file's name.
    std::fs::write(&file, r#"{"service_request_id": "x-1"}"#).unwrap();
    let not_list = qinqing(&repo, &["import", "--open311", file.to_str().unwrap()]);
    assert_eq!(not_list.code, 2);
    assert!(not_list.stderr.contains("requests.json 不是 Open311 请求列表"), "{}", not_list.stderr);
    let huge = std::fs::File::create(&file).unwrap();
    huge.set_len(33 * 1024 * 1024).unwrap();
    let too_big = qinqing(&repo, &["import", "--open311", file.to_str().unwrap()]);
    assert_eq!(too_big.code, 2);
    assert!(too_big.stderr.contains("requests.json 过大"), "{}", too_big.stderr);
}

#[test]
fn sheets_that_are_not_problem_lists_are_refused_with_their_name() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let before = tree(&repo);
    let refused = |name: &str, bytes: &[u8], says: &str| {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let run = qinqing(&repo, &["import", path.to_str().unwrap(), "--meeting", MEETING]);
        assert_eq!(run.code, 2, "{name}");
        assert!(run.stderr.contains(says), "{name}: {}", run.stderr);
    };
    // Not a workbook at all; an empty file; a sheet with no header; a sheet too long to be a problem list.
    refused("坏的.xlsx", b"PK\x03\x04 not really a zip", "坏的.xlsx 无法作为表格打开");
    refused("空的.csv", b"", "空的.csv 的前20行中没有找到表头");
    refused("无表头.csv", "甲,乙\n1,2\n".as_bytes(), "没有找到表头");
    refused("太长.csv", "序号,反映问题\n".repeat(100_001).as_bytes(), "超过 100000 行");
    refused("清单.pdf", b"%PDF-1.7", "只能导入 .xlsx、.xls、.ods 或 .csv 文件");
    assert_eq!(tree(&repo), before);
}

#[test]
fn a_list_from_outside_a_meeting_takes_the_channel_and_date_given() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let sheet = tmp.path().join("来信.csv");
    std::fs::write(&sheet, "序号,企业名称,反映问题\n1,湖州壬公司,厂区周边道路积水。\n2,湖州癸公司,水电报装进度慢。\n")
        .unwrap();
    let without = qinqing(&repo, &["import", sheet.to_str().unwrap(), "--channel", "written"]);
    assert_eq!(without.code, 2, "no received date: {}", without.stderr);
    assert!(without.stdout.contains("来信.csv 第1张表!C2: 这一行没有收到日期"), "{}", without.stdout);
    let run = qinqing(&repo, &["import", sheet.to_str().unwrap(), "--channel", "written", "--received", "2026-11-21"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let files: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(files, ["cases/2026/书面/HZ-2026-0176.yaml", "cases/2026/书面/HZ-2026-0177.yaml"]);
    let case = std::fs::read_to_string(repo.join(files[0])).unwrap();
    assert!(case.contains("received: 2026-11-21\nchannel: written\n"), "{case}");
}

/// The list before the meeting: imported with its units and no dates, the
/// problems wait for their proposed units; `assign --meeting` without `--lead`
/// sends each to its unit before the meeting, and the letter reads as sent ahead.
#[test]
fn a_list_before_the_meeting_is_assigned_ahead_to_its_proposed_units() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let meeting = qinqing(
        &repo,
        &[
            "meeting",
            "new",
            "--title",
            "第二十七期政企恳谈会",
            "--date",
            "2026-12-10",
            "--session",
            "27",
            "--id",
            "HZ-M-2026-27",
        ],
    );
    assert_eq!(meeting.code, 0, "{}", meeting.stderr);
    let list = tmp.path().join("会前问题清单.csv");
    std::fs::write(
        &list,
        "序号,企业名称,反映问题,责任单位\n\
         1,湖州庚公司,园区道路破损严重，货车通行困难。,交通局、市住房和城乡建设局\n\
         2,湖州辛公司,招工难，希望举办专场招聘会。,人社局\n",
    )
    .unwrap();
    // The dry run shows who each problem goes to: the first unit leads, the others help.
    let dry = qinqing(
        &repo,
        &["import", list.to_str().unwrap(), "--meeting", "HZ-M-2026-27", "--received", "2026-12-01", "--dry-run"],
    );
    assert!(dry.stderr.contains("拟牵头 市交通运输局，配合 市住房和城乡建设局"), "{}", dry.stderr);
    let import =
        qinqing(&repo, &["import", list.to_str().unwrap(), "--meeting", "HZ-M-2026-27", "--received", "2026-12-01"]);
    assert_eq!(import.code, 0, "{}{}", import.stdout, import.stderr);
    let first = std::fs::read_to_string(repo.join(import.stdout.lines().next().unwrap())).unwrap();
    assert!(
        first.contains("proposed:\n  lead: 市交通运输局\n  co: [市住房和城乡建设局]\n") && !first.contains("timeline"),
        "{first}"
    );
    let dry = qinqing(
        &repo,
        &["import", list.to_str().unwrap(), "--meeting", "HZ-M-2026-27", "--received", "2026-12-01", "--dry-run"],
    );
    assert!(dry.stderr.contains("第2行已导入为"), "a dry run of the same list creates nothing: {}", dry.stderr);
    let listed = qinqing(&repo, &["list", "--meeting", "HZ-M-2026-27", "--as-of", "2026-12-02"]);
    assert!(
        listed.stdout.contains("（拟）市交通运输局") && listed.stdout.contains("（拟）市人力资源和社会保障局"),
        "{}",
        listed.stdout
    );
    // Assigned before the meeting, each to its proposed unit.
    let assign = qinqing(&repo, &["assign", "--meeting", "HZ-M-2026-27", "--date", "2026-12-03"]);
    assert_eq!(assign.code, 0, "{}", assign.stderr);
    let first = std::fs::read_to_string(repo.join(import.stdout.lines().next().unwrap())).unwrap();
    assert!(first.contains("    lead: 市交通运输局\n    co: [市住房和城乡建设局]\n"), "{first}");
    let (checked, code) = common::check_json(&repo, "2026-12-03", &[]);
    assert_ne!(code, 2, "{checked}");
    // The letter, dated before the meeting, sends the problems ahead.
    let out = tmp.path().join("letters");
    let render = qinqing(
        &repo,
        &[
            "render",
            "assignment",
            "--meeting",
            "HZ-M-2026-27",
            "--as-of",
            "2026-12-03",
            "--format",
            "pdf,md",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(render.code, 0, "{}", render.stderr);
    let pdf = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf") && p.to_string_lossy().contains("交通运输局"))
        .expect("the transport bureau's letter");
    let text =
        String::from_utf8(common::tool("pdftotext", &[pdf.to_str().unwrap(), "-"])).unwrap().replace(['\n', ' '], "");
    assert!(text.contains("定于2026年12月10日召开") && text.contains("提前送你单位"), "{text}");
    assert!(!text.contains("企业代表现场反映了有关问题"), "not in the past tense: {text}");
}

/// An office moves in with its year-old register (问题库): 124 rows with intake
/// and outcome columns, its own spellings, two-unit cells and dates in five
/// forms. One command brings every good row in with its history; the bad rows
/// are named at their cells; `report` gives the figures the sheet implies,
/// counted here by hand from the same file.
#[test]
fn a_whole_register_comes_in_with_its_history_and_its_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let sheet = fixture("register").join("问题库.csv");
    let figures = |repo: &std::path::Path| -> serde_json::Value {
        let run = qinqing(repo, &["report", "--period", "2025", "--as-of", "2025-12-31", "--format", "json"]);
        serde_json::from_str(&run.stdout).unwrap()
    };
    let before = figures(&repo);
    let run = qinqing(
        &repo,
        &[
            "import",
            sheet.to_str().unwrap(),
            "--received",
            "2025-01-01",
            "--map-value",
            "满意度:非常满意=满意",
            "--skip-bad",
        ],
    );
    assert_eq!(run.code, 1, "bad rows skipped: {}", run.stderr);
    for (cell, code) in [
        ("J12", "event-without-assignment"),
        ("O22", "missing-field"),
        ("M32", "evaluation-before-reply"),
        ("G42", "unknown-department"),
        ("H52", "invalid-date"),
    ] {
        assert!(
            run.stdout.contains(&format!("问题库.csv 第1张表!{cell}: ")) && run.stdout.contains(code),
            "{cell}: {}",
            run.stdout
        );
    }
    assert_eq!(
        run.stdout.lines().filter(|l| l.starts_with("问题库.csv")).count(),
        5,
        "one problem a bad row: {}",
        run.stdout
    );
    let (checked, code) = common::check_json(&repo, "2025-12-31", &[]);
    assert_ne!(code, 2, "the imported cases check without an error: {checked}");

    // The figures by hand, from the sheet.
    let mut reader = csv::Reader::from_path(&sheet).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let bad = ["11", "21", "31", "41", "51"];
    let (mut rows, mut replied, mut resolved, mut closed, mut rated, mut good) = (0, 0, 0, 0, 0, 0);
    let mut by_channel = std::collections::BTreeMap::<&str, i64>::new();
    for record in reader.records() {
        let r = record.unwrap();
        if bad.contains(&&r[col("序号")]) {
            continue;
        }
        rows += 1;
        replied += i64::from(!r[col("答复日期")].is_empty());
        resolved += i64::from(&r[col("办理结果")] == "已解决");
        closed += i64::from(!r[col("办结日期")].is_empty());
        let rating = &r[col("满意度")];
        rated += i64::from(!rating.is_empty());
        good += i64::from(["满意", "非常满意", "基本满意"].contains(&rating));
        let channel = match &r[col("来源渠道")] {
            "12345热线" => "hotline",
            "政企恳谈会" => "meeting",
            "大走访" => "visit",
            "企业服务码" => "online",
            _ => "written",
        };
        *by_channel.entry(channel).or_default() += 1;
    }
    assert_eq!(rows, 119);
    let after = figures(&repo);
    let added = |path: &[&str]| -> i64 {
        let get = |v: &serde_json::Value| path.iter().fold(v, |v, k| &v[*k]).as_i64().unwrap_or(0);
        get(&after) - get(&before)
    };
    assert_eq!(added(&["totals", "collected"]), rows);
    assert_eq!(added(&["totals", "assigned"]), rows);
    assert_eq!(added(&["totals", "replied"]), replied);
    assert_eq!(added(&["totals", "resolved"]), resolved);
    assert_eq!(added(&["totals", "closed"]), closed);
    assert_eq!(added(&["totals", "satisfaction_rate", "den"]), rated);
    assert_eq!(added(&["totals", "satisfaction_rate", "num"]), good);
    for (channel, n) in by_channel {
        assert_eq!(added(&["by_channel", channel, "collected"]), n, "{channel}");
    }
    // A two-unit cell: the first leads, the other helps; the office's alias is the full name.
    let ninth = walkdir::WalkDir::new(repo.join("cases/2025"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|f| std::fs::read_to_string(f.path()).unwrap())
        .find(|t| t.contains("湖州第9号企业有限公司"))
        .unwrap();
    assert!(ninth.contains("    lead: 市交通运输局\n    co: [市商务局]\n"), "{ninth}");
    // Its dates were Excel serial numbers; its rating the office's own word, mapped.
    assert!(ninth.contains("received: 2025-01-24\n") && ninth.contains("rating: satisfied"), "{ninth}");
}

/// A meeting's online questions imported into it keep their channel; a hotline
/// call is not a meeting's question.
#[test]
fn a_meetings_online_list_keeps_its_channel() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let list = tmp.path().join("线上提交.csv");
    std::fs::write(&list, "企业名称,反映问题\n湖州壬公司,希望开通园区夜间公交。\n").unwrap();
    let run = qinqing(&repo, &["import", list.to_str().unwrap(), "--meeting", MEETING, "--channel", "线上"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(repo.join(run.stdout.trim())).unwrap();
    assert!(text.contains("channel: online\n") && run.stdout.contains("第25期恳谈会"), "{text}");
    let refused = qinqing(&repo, &["import", list.to_str().unwrap(), "--meeting", MEETING, "--channel", "热线"]);
    assert!(
        refused.code == 2 && refused.stderr.contains("矛盾") && refused.stderr.contains("--channel"),
        "{}",
        refused.stderr
    );
}

/// Level and handling columns, in the settings' words or the office's own mapped to them.
#[test]
fn level_and_handling_columns_take_the_offices_words() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(tmp.path());
    let list = tmp.path().join("分级清单.csv");
    std::fs::write(
        &list,
        "企业名称,反映问题,层级,办理方式\n湖州癸公司,希望开通园区夜间公交。,市本级,协同解\n湖州子公司,希望增设公交站点。,区县,闭环\n",
    )
    .unwrap();
    let args = ["import", list.to_str().unwrap(), "--received", "2026-11-21", "--channel", "线上"];
    let refused = qinqing(&repo, &args);
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    assert!(
        refused.stdout.contains("C2: 层级「市本级」无效") && refused.stdout.contains("D3: 办理方式「闭环」无效"),
        "{}",
        refused.stdout
    );
    let mut mapped = args.to_vec();
    mapped.extend(["--map-value", "层级:市本级=市级", "--map-value", "办理方式:闭环=闭环解"]);
    let run = qinqing(&repo, &mapped);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let files: Vec<String> = run.stdout.lines().map(|l| std::fs::read_to_string(repo.join(l)).unwrap()).collect();
    assert!(files[0].contains("level: city\n") && files[0].contains("handling: coordinated\n"), "{}", files[0]);
    assert!(files[1].contains("level: county\n") && files[1].contains("handling: closed_loop\n"), "{}", files[1]);
}

/// A minimal .xlsx: sheets as (name, state, the `<sheetData>` rows, the `<mergeCells>` element).
fn workbook(sheets: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut put = |name: &str, text: String| {
        zip.start_file(name, opts).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    };
    let overrides: String = (1..=sheets.len())
        .map(|i| format!(r#"<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#))
        .collect();
    put(
        "[Content_Types].xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>"#
        ),
    );
    put("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into());
    let entries: String = sheets
        .iter()
        .enumerate()
        .map(|(i, (name, state, _, _))| {
            format!(r#"<sheet name="{name}" sheetId="{}" state="{state}" r:id="rId{}"/>"#, i + 1, i + 1)
        })
        .collect();
    put(
        "xl/workbook.xml",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>{entries}</sheets></workbook>"#
        ),
    );
    let rels: String = (1..=sheets.len())
        .map(|i| format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>"#))
        .collect();
    put(
        "xl/_rels/workbook.xml.rels",
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
        ),
    );
    for (i, (_, _, rows, merges)) in sheets.iter().enumerate() {
        put(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData>{merges}</worksheet>"#
            ),
        );
    }
    zip.finish().unwrap().into_inner()
}

/// A row of inline strings from column A.
fn row(n: usize, cells: &[&str]) -> String {
    let cells: String = cells
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .map(|(i, v)| format!(r#"<c r="{}{n}" t="inlineStr"><is><t>{v}</t></is></c>"#, (b'A' + i as u8) as char))
        .collect();
    format!(r#"<row r="{n}">{cells}</row>"#)
}

const HEAD: [&str; 4] = ["企业名称", "联系人", "联系电话", "反映问题"];

/// Every filled cell lands in a case or is reported: merged cells read as their value, the first
/// visible sheet or the one named, a contact without an enterprise, an error value, a formula
/// never calculated, a header not known (a warning; an error with --strict).
#[test]
fn every_filled_cell_lands_or_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: Vec<u8>| {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    };
    // Imported into a fresh copy each time: the run, and the text of every case it wrote.
    let run = |path: &str, extra: &[&str]| {
        let dir = tempfile::tempdir().unwrap();
        let repo = demo_copy(dir.path());
        let before: Vec<PathBuf> = tree(&repo).into_iter().map(|(p, _)| p).collect();
        let mut args = vec!["import", path, "--received", "2026-11-20", "--channel", "走访"];
        args.extend_from_slice(extra);
        let mut out = qinqing(&repo, &args);
        let written: String = tree(&repo)
            .into_iter()
            .filter(|(p, _)| !before.contains(p))
            .map(|(_, bytes)| String::from_utf8(bytes).unwrap())
            .collect();
        out.stderr = format!("{}{}", out.stdout, out.stderr);
        out.stdout = written;
        out
    };
    // The enterprise merged over three rows; a very hidden first sheet that is not the list.
    let rows = [
        row(1, &HEAD),
        row(2, &["湖州甲公司", "王某", "13800000001", "道路破损"]),
        row(3, &["", "", "", "路灯不亮"]),
        row(4, &["", "", "", "排水不畅"]),
    ]
    .concat();
    let hidden = row(1, &["企业名称", "反映问题"]) + &row(2, &["不是清单公司", "隐藏表的内容"]);
    let book = write(
        "合并.xlsx",
        workbook(&[
            ("隐藏", "veryHidden", &hidden, ""),
            ("清单", "visible", &rows, r#"<mergeCells count="1"><mergeCell ref="A2:A4"/></mergeCells>"#),
        ]),
    );
    let out = run(&book, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.matches("  name: 湖州甲公司\n").count(), 3, "the merged name on every row: {}", out.stdout);
    assert!(!out.stdout.contains("隐藏表的内容"), "{}", out.stdout);
    let named = run(&book, &["--sheet", "隐藏"]);
    assert!(named.stdout.contains("隐藏表的内容"), "{}{}", named.stdout, named.stderr);
    let missing = run(&book, &["--sheet", "没有这张"]);
    assert!(missing.code == 2 && missing.stderr.contains("清单"), "{}", missing.stderr);

    // A contact without an enterprise, an error value, a formula without a value: each at its cell, nothing imported.
    let bad = [
        row(1, &HEAD),
        row(2, &["", "李某", "13800000002", "没有企业名称"]),
        r#"<row r="3"><c r="A3" t="inlineStr"><is><t>乙公司</t></is></c><c r="D3" t="e"><v>#REF!</v></c></row>"#
            .to_string(),
        r#"<row r="4"><c r="A4" t="inlineStr"><is><t>丙公司</t></is></c><c r="D4"><f>B2&amp;C2</f></c></row>"#
            .to_string(),
    ]
    .concat();
    let out = run(&write("坏格.xlsx", workbook(&[("清单", "visible", &bad, "")])), &[]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    for (cell, says) in [("!B2", "没有企业名称"), ("!D3", "#REF!"), ("!D4", "没有计算结果")] {
        assert!(out.stderr.lines().any(|l| l.contains(cell) || l.contains(says)), "{cell}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{says}: {}", out.stderr);
    }

    // A header not known, and a second column for one field: said; refused with --strict.
    let extra =
        [row(1, &["企业名称", "反映问题", "企业X名称", "反映问题"]), row(2, &["丁公司", "停车难", "丁", "第二列"])]
            .concat();
    let book = write("多列.xlsx", workbook(&[("清单", "visible", &extra, "")]));
    let out = run(&book, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("C1「企业X名称」不是认得的表头") && out.stderr.contains("D1「反映问题」是第二个"),
        "{}",
        out.stderr
    );
    let strict = run(&book, &["--strict"]);
    assert_eq!(strict.code, 2, "{}", strict.stderr);
}

/// A workbook that would take more memory than the machine has is refused before it is
/// unpacked or laid out: one cell at XFD1048576, and entries declaring gigabytes.
#[test]
fn a_workbook_bomb_is_refused_before_anything_is_allocated() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let far =
        [row(1, &HEAD), r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#.to_string()]
            .concat();
    let path = tmp.path().join("远.xlsx");
    std::fs::write(&path, workbook(&[("清单", "visible", &far, "")])).unwrap();
    let run = qinqing(&repo, &["import", path.to_str().unwrap(), "--received", "2026-11-20", "--dry-run"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("XFD1048576"), "{}", run.stderr);
    // An entry whose size in the central directory says 4 GB (a zip bomb declares what it unpacks to).
    let mut bytes = workbook(&[("清单", "visible", &row(1, &HEAD), "")]);
    let central = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").unwrap();
    bytes[central + 24..central + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
    let path = tmp.path().join("炸弹.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let run = qinqing(&repo, &["import", path.to_str().unwrap(), "--received", "2026-11-20", "--dry-run"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("解压后"), "{}", run.stderr);
}

/// One merged range over a huge area (B2:ALL30000 in a 2 KB file) is filled no wider than the
/// columns in use, not a hundred million times: the import ends with its rows' problems, in bounded memory.
#[test]
fn a_merged_range_too_large_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = demo_copy(&tmp.path().join("repo"));
    let rows = [
        row(1, &HEAD),
        row(2, &["", "很长的文字", "", "问题"]),
        r#"<row r="30000"><c r="A30000" t="inlineStr"><is><t>甲</t></is></c></row>"#.to_string(),
    ]
    .concat();
    let path = tmp.path().join("合并炸弹.xlsx");
    std::fs::write(
        &path,
        workbook(&[("清单", "visible", &rows, r#"<mergeCells count="1"><mergeCell ref="B2:ALL30000"/></mergeCells>"#)]),
    )
    .unwrap();
    let run = qinqing(&repo, &["import", path.to_str().unwrap(), "--received", "2026-11-20", "--dry-run"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("未导入任何一行") && !run.stderr.contains("memory allocation"), "{}", run.stderr);
}
