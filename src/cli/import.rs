//! `qinqing import FILE`: a problem list (问题清单) from Excel, OpenDocument or
//! CSV into case files, every problem at its cell; a sheet imported again
//! creates nothing twice.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use chrono::NaiveDate;

use crate::command::import::{import, template, Import, ImportResult, Imported};
use crate::command::Open;
use crate::edit::import::Problem;
use crate::model::sheet::{Column, ValueMap};
use crate::model::Channel;
use crate::output::{self, Paint};

#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Args {
    /// 问题清单：.xlsx、.xls、.ods 或 .csv（UTF-8 或 GBK）
    #[arg(required_unless_present = "template")]
    file: Option<PathBuf>,
    /// 不导入，写一份空白的问题清单模板（表头、冻结首行、部门/渠道/类别下拉列表）到这个 .xlsx 文件
    #[arg(long, value_name = "FILE", conflicts_with_all = ["meeting", "received", "channel", "maps", "skip_bad", "dry_run"])]
    template: Option<PathBuf>,
    /// 与 --template 同用：文件已存在时覆盖
    #[arg(long, requires = "template")]
    force: bool,
    /// 与 --template 同用：填入三行示例（docs/samples 里的示例文件由此生成）
    #[arg(long, requires = "template", hide = true)]
    with_examples: bool,
    /// 导入到这期恳谈会（案件放进它的文件夹，收到日期和渠道随会议）
    #[arg(long, value_name = "ID")]
    meeting: Option<String>,
    /// 表中没有收到日期时用这个日期
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    received: Option<NaiveDate>,
    /// 不属于恳谈会的问题的来源渠道：online 线上、written 书面、hotline 热线、visit 走访
    #[arg(long, value_parser = super::parse_enum::<Channel>)]
    channel: Option<Channel>,
    /// 表头与字段的对应，如 --map 诉求描述=反映问题（可写多次；字段用模板里的列名）
    #[arg(long = "map", value_name = "表头=字段", value_parser = parse_map)]
    maps: Vec<(String, Column)>,
    /// 单元格的值与含义的对应，如 --map-value 来源渠道:12345热线=热线（可写多次；常见写法已内置）
    #[arg(long = "map-value", value_name = "列:写法=含义", value_parser = ValueMap::parse)]
    map_values: Vec<ValueMap>,
    /// 有问题的行跳过，其余照常导入（默认：有一行有问题就什么也不写）
    #[arg(long)]
    skip_bad: bool,
    /// 读哪一张工作表（默认：第一张可见的）
    #[arg(long, value_name = "NAME")]
    sheet: Option<String>,
    /// 有不认得的表头或重复的列时不导入（默认只警告）
    #[arg(long)]
    strict: bool,
    /// 已导入过的行与案件不同时，把表中的问题标题、问题描述、企业名称、类别改进案件（只改这几行）
    #[arg(long)]
    update: bool,
    /// 只列出将要新建的案件，不写入
    #[arg(long)]
    dry_run: bool,
    /// FILE 是热线平台的 Open311 GeoReport v2 requests.json：每个请求导入为一件热线（hotline）案件
    #[arg(long, conflicts_with_all = ["meeting", "channel", "maps"])]
    open311: bool,
}

fn parse_map(s: &str) -> Result<(String, Column), String> {
    let (header, field) = s.split_once(['=', '＝']).ok_or("请写成 表头=字段，如 诉求描述=反映问题")?;
    let column = Column::parse(field)
        .ok_or_else(|| format!("「{field}」不是问题清单的字段；可用模板里的列名，如 反映问题、牵头单位"))?;
    Ok((header.trim().to_string(), column))
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let mut session = super::session(repo, Open::slim())?;
    if let Some(path) = &args.template {
        let t = match template(&session, path, args.force, args.with_examples) {
            Ok(t) => t,
            Err(f) => return super::failed(f, |_| String::new()),
        };
        eprintln!(
            "已写入问题清单模板 {}（牵头单位 {} 个、类别 {} 个可从下拉列表选）。填好后：qinqing import {} --meeting 恳谈会编号",
            path.display(),
            t.departments,
            t.categories,
            path.display()
        );
        return Ok(0);
    }
    let Some(file) = args.file.clone() else { bail!("请给出要导入的问题清单文件") };
    let request = Import {
        file,
        meeting: args.meeting.clone(),
        received: args.received,
        channel: args.channel,
        maps: args.maps.clone(),
        values: args.map_values.clone(),
        skip_bad: args.skip_bad,
        update: args.update,
        dry_run: args.dry_run,
        open311: args.open311,
        sheet: args.sheet.clone(),
        strict: args.strict,
    };
    let Imported { file, encoding, known, problems, result, ignored } = match import(&mut session, request) {
        Ok(i) => i,
        Err(f) => return super::failed(f, |_| String::new()),
    };
    if let Some(enc) = encoding {
        eprintln!("{file} 不是 UTF-8 编码，已按 {enc} 读取。");
    }
    for i in &ignored {
        eprintln!("警告：{i}（可用 --map 表头=字段 对应；加 --strict 则有这种列时不导入）");
    }
    for k in &known {
        let words = k.differences.join("；");
        let from = k.from.as_ref().map(|f| format!("（来自 {f}）")).unwrap_or_default();
        if k.differences.is_empty() {
            eprintln!("{}已导入为 {}{from}，无变化。", k.row, k.id);
        } else if k.updated {
            eprintln!("{}已导入为 {}{from}，按表更新：{words}", k.row, k.id);
        } else {
            eprintln!("{}已导入为 {}{from}，表中与案件不同（未改动案件）：{words}", k.row, k.id);
        }
    }
    if !problems.is_empty() {
        output::emit(&problem_lines(&problems))?;
    }
    let (written, created) = match result {
        ImportResult::RowsRefused { rows } => {
            eprintln!(
                "{file} 有 {rows} 处问题（见上），未导入任何一行。改正后重新导入，或加 --skip-bad 只导入没有问题的行。"
            );
            return Ok(2);
        }
        ImportResult::Invalid(found) => {
            output::emit(&output::text::diagnostics(&found, Paint(output::colour_wanted())))?;
            eprintln!("导入的案件会带来 {} 处错误（见上），未写入。", found.len());
            return Ok(2);
        }
        ImportResult::Done { written, created, summaries } => {
            // A dry run says what each new case will be: who it goes to, what else it records.
            if !written.applied {
                for s in &summaries {
                    eprintln!("  {s}");
                }
            }
            (written, created)
        }
    };
    let edits = &written.edits;
    let skipped =
        if problems.is_empty() { String::new() } else { "；有问题的行已跳过（见上）".to_string() };
    if !written.applied {
        for e in edits {
            println!("{}", e.rel);
        }
        for e in edits.iter().filter(|e| !e.new) {
            output::emit(&e.diff())?;
        }
        eprintln!("（--dry-run：将新建 {created} 件、更新 {} 件案件，未写入{skipped}）", edits.len() - created);
        return Ok(0);
    }
    for e in edits {
        println!("{}", e.rel);
    }
    let updated = edits.len() - created;
    let also = if updated > 0 { format!("，更新 {updated} 件") } else { String::new() };
    eprintln!("已从 {file} 新建 {created} 件案件{also}{skipped}。");
    Ok(if problems.is_empty() { 0 } else { 1 })
}

fn problem_lines(problems: &[Problem]) -> String {
    let mut out = String::new();
    for p in problems {
        out.push_str(&format!("{}: {} [{}]\n", p.cell, p.message, p.code));
        if let Some(h) = &p.hint {
            out.push_str(&format!("    提示：{h}\n"));
        }
    }
    out
}
