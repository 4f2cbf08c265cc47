//! `qinqing diff`'s report: Markdown ready to post on a pull or merge request,
//! or JSON for scripts ("version": 1).

use std::fmt::Write;

use chrono::NaiveDate;
use serde::Serialize;

use crate::report::change::{Change, ClockRef, EventRef};
use crate::text::escape_html;

/// The JSON document.
#[derive(Serialize)]
struct Json<'a> {
    version: u32,
    base: &'a str,
    head: &'a str,
    as_of: NaiveDate,
    #[serde(flatten)]
    change: &'a Change,
}

/// The report as JSON.
pub(crate) fn json(change: &Change, base: &str, head: &str, as_of: NaiveDate) -> String {
    serde_json::to_string_pretty(&Json { version: 1, base, head, as_of, change }).unwrap_or_default() + "\n"
}

/// User text in a Markdown comment: shown as written, never as markup or HTML.
fn md(text: &str) -> String {
    let mut out = String::new();
    for c in escape_html(text).chars() {
        if "\\`*_[]#|~".contains(c) {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

fn clock_line(c: &ClockRef, what: &str) -> String {
    let who = c.responsible.as_deref().map(|r| format!("，{}", md(r))).unwrap_or_default();
    format!("- {} {}：{what}（{}起算，{}到期{who}）\n", md(&c.case), md(&c.rule_title), c.start, c.due)
}

/// The report as a Markdown comment.
pub(crate) fn markdown(change: &Change, base: &str, head: &str, as_of: NaiveDate) -> String {
    let mut out =
        format!("### qinqing：这次改动对案件库的影响\n\n对比 `{}` → `{}`，截至 {as_of}。\n\n", md(base), md(head));
    if change.is_empty() {
        out.push_str("没有改变任何案件、事件、时限或检查结果。\n");
        return out;
    }
    let mut section = |title: String, lines: Vec<String>| {
        if !lines.is_empty() {
            let _ = write!(out, "**{title}**\n\n{}\n", lines.concat());
        }
    };
    section(
        format!("新增案件 {} 件", change.cases_added.len()),
        change.cases_added.iter().map(|c| format!("- {} {}\n", md(&c.id), md(&c.title))).collect(),
    );
    section(
        format!("删除案件 {} 件", change.cases_removed.len()),
        change.cases_removed.iter().map(|c| format!("- {} {}\n", md(&c.id), md(&c.title))).collect(),
    );
    let events = |list: &[EventRef]| -> Vec<String> {
        list.iter().map(|e| format!("- {} {} {}：{}\n", md(&e.case), e.date, md(&e.kind), md(&e.reading))).collect()
    };
    section(format!("记入事件 {} 条", change.events_recorded.len()), events(&change.events_recorded));
    section(
        format!("⚠️ 改动或删除了已记录的事件 {} 条（办理记录不应改写）", change.events_removed.len()),
        events(&change.events_removed),
    );
    section(
        format!("停止计时 {} 项", change.clocks_stopped.len()),
        change
            .clocks_stopped
            .iter()
            .map(|c| {
                let what = match (c.status.as_str(), c.days) {
                    ("late", Some(d)) => format!("逾期{d}天办结"),
                    ("late", None) => "逾期办结".to_string(),
                    _ => "按时".to_string(),
                };
                clock_line(c, &what)
            })
            .collect(),
    );
    section(
        format!("开始计时 {} 项", change.clocks_started.len()),
        change.clocks_started.iter().map(|c| clock_line(c, "计时中")).collect(),
    );
    section(
        format!("新出现的超期 {} 项", change.overdue_introduced.len()),
        change.overdue_introduced.iter().map(|c| clock_line(c, &format!("已超期{}天", c.days.unwrap_or(0)))).collect(),
    );
    section(
        format!("解除的超期 {} 项", change.overdue_cleared.len()),
        change.overdue_cleared.iter().map(|c| clock_line(c, "不再超期")).collect(),
    );
    section(
        format!("新增的检查问题 {} 处", change.diagnostics_introduced.len()),
        change
            .diagnostics_introduced
            .iter()
            .map(|d| {
                let level = if d.severity == "error" { "错误" } else { "警告" };
                format!("- {}:{}:{} {level} {} `{}`\n", md(&d.file), d.line, d.column, md(&d.message), d.code)
            })
            .collect(),
    );
    section(
        format!("已改正的检查问题 {} 处", change.diagnostics_cleared.len()),
        change
            .diagnostics_cleared
            .iter()
            .map(|d| format!("- {}:{}:{} {} `{}`\n", md(&d.file), d.line, d.column, md(&d.message), d.code))
            .collect(),
    );
    out
}
