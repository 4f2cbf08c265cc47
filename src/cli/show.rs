//! `qinqing show ID`.

use std::fmt::Write;
use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;
use serde_json::json;

use super::Format;
use crate::command::show::{show, Shown};
use crate::command::Open;
use crate::model::{Case, Event, Named, Piece};
use crate::output::json::ClockJson;
use crate::output::{emit, table};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// 案件编号
    id: String,
    /// 截至哪天（默认：今天）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    as_of: Option<NaiveDate>,
    /// 输出格式
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// 从 git 历史查出每条事件的记录人和提交日期
    #[arg(long)]
    who: bool,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::slim())?;
    let shown = match show(&session, &args.id, args.as_of, args.who) {
        Ok(s) => s,
        Err(f) => return super::failed(f, |_| String::new()),
    };
    let Shown { case, index, snapshot, as_of, recorders } = &shown;
    let clocks = snapshot.clocks_of(*index);
    let state = snapshot.state(*index);
    // Who recorded each entry: the commit that first had it (none for entries not yet committed).
    let recorders: Option<Vec<Option<String>>> = recorders.as_ref().map(|r| {
        r.iter().map(|c| c.as_ref().map(|c| format!("{} {}", c.author, c.date.get(..10).unwrap_or(&c.date)))).collect()
    });
    match args.format {
        Format::Json => {
            let doc = json!({
                "version": 1, "as_of": as_of, "id": case.id.value, "title": case.title, "file": case.file,
                "status": state.status.key(), "lead": state.lead, "next_due": state.next_due,
                "proposed": case.proposed.as_ref().map(|p| json!({ "lead": p.lead.value, "co": p.co.iter().map(|c| &c.value).collect::<Vec<_>>() })),
                "enterprise": case.enterprise.as_ref().map(|e| json!({ "name": e.name, "credit_code": e.credit_code })),
                "received": case.received.as_ref().map(|r| r.value), "channel": case.channel.map(Named::key),
                "meeting": case.meeting.as_ref().map(|m| &m.value), "level": case.level.as_ref().map(|l| &l.value),
                "category": case.category, "handling": case.handling.map(Named::key), "tags": case.tags,
                "related": case.related.iter().map(|r| &r.value).collect::<Vec<_>>(), "description": case.description,
                "timeline": case.timeline.iter().enumerate().map(|(i, e)| {
                    let mut entry = json!({ "date": e.date, "event": e.kind.key(), "line": e.pos.line, "summary": summary(e) });
                    if let Some(r) = &recorders {
                        entry["recorded_by"] = json!(r.get(i).cloned().flatten());
                    }
                    entry
                }).collect::<Vec<_>>(),
                "clocks": clocks.iter().map(ClockJson::of).collect::<Vec<_>>(),
            });
            emit(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
        }
        Format::Text => emit(&text(case, &session.ledger().settings, &state, clocks, *as_of, recorders.as_deref()))?,
    }
    Ok(0)
}

fn text(
    case: &Case,
    settings: &crate::model::Settings,
    state: &crate::check::CaseState,
    clocks: &[crate::check::Clock],
    as_of: NaiveDate,
    recorders: Option<&[Option<String>]>,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}  {}", case.id.value, case.title);
    let _ = writeln!(
        s,
        "状态：{}（截至 {as_of}）    主办：{}    文件：{}",
        state.status.zh(),
        match (state.lead, &case.proposed) {
            (Some(lead), _) => lead.to_string(),
            (None, Some(p)) => format!("—（拟牵头：{}）", p.lead.value),
            (None, None) => "—".to_string(),
        },
        case.file
    );
    if let Some(e) = &case.enterprise {
        let _ =
            writeln!(s, "企业：{}{}", e.name, e.credit_code.as_ref().map(|c| format!("（{c}）")).unwrap_or_default());
    }
    let field = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    let _ = writeln!(
        s,
        "收到：{}    渠道：{}    会议：{}    层级：{}    类别：{}    办理方式：{}",
        field(case.received.as_ref().map(|r| r.value.to_string())),
        field(case.channel.map(|c| c.zh().to_string())),
        field(case.meeting.as_ref().map(|m| m.value.clone())),
        field(case.level.as_ref().map(|l| settings.level_label(&l.value).to_string())),
        field(case.category.clone()),
        field(case.handling.map(|h| h.zh().to_string())),
    );
    if !case.description.trim().is_empty() {
        let _ = writeln!(s, "\n{}", case.description.trim_end());
    }
    let _ = writeln!(s, "\n办理过程");
    let rows: Vec<Vec<String>> = case
        .timeline
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let later = if e.date > as_of { "（尚未发生）" } else { "" };
            let mut row = vec![e.date.to_string(), format!("{}{later}", e.kind.zh()), summary(e)];
            if let Some(r) = recorders {
                row.push(r.get(i).cloned().flatten().unwrap_or_else(|| "未提交".to_string()));
            }
            row
        })
        .collect();
    let header: &[&str] = if recorders.is_some() {
        &["日期", "事件", "内容", "记录人"]
    } else {
        &["日期", "事件", "内容"]
    };
    s.push_str(&table::render(header, &rows));
    let _ = writeln!(s, "\n时限");
    let rows: Vec<Vec<String>> = clocks
        .iter()
        .map(|c| {
            vec![
                c.rule.id.clone(),
                c.rule.title.clone(),
                c.start.to_string(),
                c.due.to_string(),
                c.status.zh().to_string(),
                c.stopped.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                c.days.map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
                c.responsible.unwrap_or("—").to_string(),
                Some(crate::output::text::ladder(c).join("；")).filter(|l| !l.is_empty()).unwrap_or_else(|| "—".into()),
            ]
        })
        .collect();
    let header = ["规则", "说明", "起算", "期限", "状态", "止算", "超期天数", "责任方", "督办通报"];
    s.push_str(&table::render(&header, &rows));
    s
}

/// One line saying what an event records.
fn summary(e: &Event) -> String {
    e.reading()
        .into_iter()
        .map(|piece| match piece {
            Piece::Departments(label, names) => format!("{label} {}", names.join("、")),
            Piece::Words(w) => w,
            // All of it: a reply of several lines is shown whole, its breaks marked.
            Piece::FreeText(t) => t.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ⏎ "),
        })
        .collect::<Vec<_>>()
        .join("；")
}
