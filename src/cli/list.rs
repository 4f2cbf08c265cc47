//! `qinqing list`.

use std::path::Path;

use anyhow::Result;
use chrono::NaiveDate;
use serde::Serialize;

use super::Format;
use crate::command::list::list;
use crate::command::Open;
use crate::model::{Named, Status};
use crate::output::{emit, table};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    filter: Filter,
    /// 输出格式
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

/// Which cases: the filters `list` and `export ledger` share.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Filter {
    /// 截至哪天（默认：今天）
    #[arg(long, value_name = "DATE", value_parser = super::parse_date)]
    pub(crate) as_of: Option<NaiveDate>,
    /// 按状态筛选：received 待交办、assigned 办理中、replied 待评价、evaluated 已评价、reopened 重办中、returned 待重新交办、answered 现场答复、closed 办结
    #[arg(long)]
    status: Option<String>,
    /// 按主办部门筛选（全称或别名）
    #[arg(long)]
    dept: Option<String>,
    /// 只列有超期时限的案件
    #[arg(long)]
    overdue: bool,
    /// 按层级筛选：city 或 county（市级、区县）
    #[arg(long)]
    level: Option<String>,
    /// 按恳谈会编号筛选
    #[arg(long)]
    meeting: Option<String>,
}

impl Filter {
    /// The filter as the command stage takes it.
    pub(crate) fn request(&self) -> crate::command::list::Filter {
        crate::command::list::Filter {
            status: self.status.clone(),
            dept: self.dept.clone(),
            overdue: self.overdue,
            level: self.level.clone(),
            meeting: self.meeting.clone(),
        }
    }
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    status: Status,
    lead: Option<&'a str>,
    /// The lead a list before the meeting proposed, while none is assigned.
    #[serde(skip_serializing_if = "Option::is_none")]
    proposed_lead: Option<&'a str>,
    next_due: Option<NaiveDate>,
    overdue: bool,
    level: Option<&'a str>,
    meeting: Option<&'a str>,
    file: &'a str,
}

pub(crate) fn run(repo: Option<&Path>, args: Args) -> Result<u8> {
    let session = super::session(repo, Open::slim())?;
    let (snapshot, chosen) = match list(&session, &args.filter.request(), args.filter.as_of) {
        Ok(found) => found,
        Err(f) => return super::failed(f, |_| String::new()),
    };
    let (ledger, as_of) = (session.ledger(), snapshot.as_of);
    let out: Vec<Row> = chosen
        .into_iter()
        .map(|index| {
            let case = &ledger.cases[index];
            let state = snapshot.state(index);
            Row {
                id: &case.id.value,
                title: &case.title,
                status: state.status,
                lead: state.lead,
                proposed_lead: case.proposed.as_ref().filter(|_| state.lead.is_none()).map(|p| p.lead.value.as_str()),
                next_due: state.next_due,
                overdue: state.overdue,
                level: case.level.as_ref().map(|l| l.value.as_str()),
                meeting: case.meeting.as_ref().map(|m| m.value.as_str()),
                file: &case.file,
            }
        })
        .collect();
    match args.format {
        Format::Json => emit(&(serde_json::to_string_pretty(&out)? + "\n"))?,
        Format::Text => {
            let cells: Vec<Vec<String>> = out
                .iter()
                .map(|r| {
                    let due = r
                        .next_due
                        .map(|d| if r.overdue { format!("{d}（超期）") } else { d.to_string() })
                        .unwrap_or_else(|| "—".into());
                    vec![
                        r.id.to_string(),
                        r.status.zh().to_string(),
                        match (r.lead, r.proposed_lead) {
                            (Some(lead), _) => lead.to_string(),
                            (None, Some(p)) => format!("（拟）{p}"),
                            (None, None) => "—".to_string(),
                        },
                        due,
                        r.title.to_string(),
                    ]
                })
                .collect();
            emit(&table::render(&["编号", "状态", "主办部门", "下一期限", "标题"], &cells))?;
            let errors = session.checked().errors().count();
            let note = if errors > 0 {
                format!("；案件库有 {errors} 处问题，请运行 qinqing check")
            } else {
                String::new()
            };
            eprintln!("共 {} 件（截至 {as_of}）{note}", out.len());
        }
    }
    Ok(0)
}
