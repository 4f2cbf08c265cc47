//! `qinqing report` as a terminal table, JSON and CSV. Every value comes from
//! `report::figures`; this module only lays them out.

use serde::Serialize;

use crate::model::{Channel, Named, ReplyResult, ReportSettings, Settings};
use crate::report::figures::{Figures, Rate, Report};
use crate::report::percent::{percent, with_counts};

/// The version of the JSON format.
pub(crate) const VERSION: u32 = 1;

/// The figures' columns, in order, with their Chinese names (one word per figure, everywhere).
pub(crate) const COUNT_COLUMNS: [&str; 7] = {
    let c = crate::report::figures::COUNTS;
    [c[0].1, c[1].1, c[2].1, c[3].1, c[4].1, c[5].1, c[6].1]
};
/// The rates' columns.
pub(crate) const RATE_COLUMNS: [&str; 4] = {
    let r = crate::report::figures::RATES;
    [r[0].1, r[1].1, r[2].1, r[3].1]
};

/// The counts of a group, in column order.
pub(crate) fn counts(f: &Figures) -> [u64; 7] {
    [f.collected, f.answered, f.assigned, f.replied, f.resolved, f.closed, f.overdue_now]
}

/// The rates of a group, in column order.
pub(crate) fn rates(f: &Figures) -> [&Rate; 4] {
    [&f.closure_rate, &f.resolution_rate, &f.on_time_reply_rate, &f.satisfaction_rate]
}

/// One part of the report: the totals and levels, or one split.
pub(crate) struct Section<'a> {
    /// Heading, e.g. 按牵头部门.
    pub(crate) title: &'static str,
    /// Group names and their figures.
    pub(crate) rows: Vec<(String, &'a Figures)>,
}

/// The report in sections, in the order every output shows them. Levels print
/// with their Chinese labels from the settings.
pub(crate) fn sections<'a>(report: &'a Report, settings: &Settings) -> Vec<Section<'a>> {
    let mut totals = vec![("合计".to_string(), &report.totals)];
    totals.extend(report.by_level.iter().map(|(k, f)| (settings.level_label(k).to_string(), f)));
    let split = |m: &'a std::collections::BTreeMap<String, Figures>| m.iter().map(|(k, f)| (k.clone(), f)).collect();
    vec![
        Section { title: "合计与层级", rows: totals },
        Section { title: "按牵头部门", rows: split(&report.by_department) },
        Section { title: "按类别", rows: split(&report.by_category) },
        Section { title: "按恳谈会", rows: split(&report.by_meeting) },
        Section {
            title: "按来源渠道",
            // In the channels' own order: 恳谈会, 线上, 书面, 热线, 走访.
            rows: Channel::ALL
                .iter()
                .filter_map(|(c, key, _)| report.by_channel.get(*key).map(|f| (c.zh().to_string(), f)))
                .collect(),
        },
    ]
}

/// "2026年6月1日至2026年6月30日（截至2026年6月30日）".
pub(crate) fn period_line(report: &Report) -> String {
    use crate::text::date_cn;
    format!("{}至{}（截至{}）", date_cn(report.from), date_cn(report.to), date_cn(report.as_of))
}

/// The aligned terminal table: a table per section, rates with their counts.
pub(crate) fn text(report: &Report, settings: &Settings) -> String {
    let mut out = format!("{}统计：{}\n", settings.organization_short, period_line(report));
    let mut header = vec!["名称"];
    header.extend(COUNT_COLUMNS);
    header.extend(RATE_COLUMNS);
    for section in sections(report, settings) {
        out.push_str(&format!("\n{}\n", section.title));
        if section.rows.is_empty() {
            out.push_str("（无）\n");
            continue;
        }
        let rows: Vec<Vec<String>> = section
            .rows
            .iter()
            .map(|(name, f)| {
                let mut row = vec![name.clone()];
                row.extend(counts(f).iter().map(u64::to_string));
                row.extend(rates(f).iter().map(|r| with_counts(r, &settings.report)));
                row
            })
            .collect();
        out.push_str(&crate::output::table::render(&header, &rows));
    }
    out.push_str(&results_text(report, settings));
    out.push_str(&format!("\n{}\n", report.meetings.words(settings, true)));
    out.push_str(&format!("\n比率为分子÷分母，{}；分母为 0 时记「—」。\n", settings.report.describe()));
    out
}

/// The results' columns: 已解决, 达成方案, 正在解决…, in their declared order.
pub(crate) fn result_columns() -> impl Iterator<Item = &'static str> {
    ReplyResult::ALL.iter().map(|(_, _, zh)| *zh)
}

/// The period's problems by the result they stand at: for the totals and
/// levels, each meeting and each channel (a department's or a category's are in CSV and Excel).
fn results_text(report: &Report, settings: &Settings) -> String {
    let mut header = vec!["名称"];
    header.extend(result_columns());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for section in sections(report, settings) {
        if !matches!(section.title, "合计与层级" | "按恳谈会" | "按来源渠道") {
            continue;
        }
        for (name, f) in &section.rows {
            let mut row = vec![name.clone()];
            row.extend(f.by_result.iter().map(|(_, n)| n.to_string()));
            rows.push(row);
        }
    }
    // The totals in words as well: "8 个问题，7 个达成方案，1 个政策解释".
    let total: Vec<String> =
        report.totals.by_result.iter().filter(|(_, n)| *n > 0).map(|(r, n)| format!("{}{n}个", r.zh())).collect();
    let words = if total.is_empty() { "尚无答复".to_string() } else { total.join("、") };
    format!(
        "\n办理结果（本期收集的问题，按截至日最近一次答复或会上答复的结果）\n{}\n合计：收集{}个，{words}。\n",
        crate::output::table::render(&header, &rows),
        report.totals.collected
    )
}

#[derive(Serialize)]
struct Json<'a> {
    version: u32,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    as_of: chrono::NaiveDate,
    totals: &'a Figures,
    by_level: &'a std::collections::BTreeMap<String, Figures>,
    by_department: &'a std::collections::BTreeMap<String, Figures>,
    by_category: &'a std::collections::BTreeMap<String, Figures>,
    by_meeting: &'a std::collections::BTreeMap<String, Figures>,
    by_channel: &'a std::collections::BTreeMap<String, Figures>,
    meetings: &'a crate::report::figures::Meetings,
}

/// `--format json`: stable, `"version": 1`; `value` unrounded, null at den 0.
pub(crate) fn json(report: &Report) -> String {
    let doc = Json {
        version: VERSION,
        from: report.from,
        to: report.to,
        as_of: report.as_of,
        totals: &report.totals,
        by_level: &report.by_level,
        by_department: &report.by_department,
        by_category: &report.by_category,
        by_meeting: &report.by_meeting,
        by_channel: &report.by_channel,
        meetings: &report.meetings,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}

/// `--format csv`: one row per group, each rate as the printed percentage and
/// its numerator and denominator, so a spreadsheet can recompute it.
pub(crate) fn csv(report: &Report, settings: &Settings) -> anyhow::Result<String> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header = vec!["分组".to_string(), "名称".to_string()];
    header.extend(COUNT_COLUMNS.iter().map(|c| c.to_string()));
    for r in RATE_COLUMNS {
        header.extend([r.to_string(), format!("{r}分子"), format!("{r}分母")]);
    }
    header.extend(result_columns().map(|r| format!("结果：{r}")));
    w.write_record(&header)?;
    for section in sections(report, settings) {
        for (name, f) in &section.rows {
            let mut row = vec![section.title.to_string(), name.clone()];
            row.extend(counts(f).iter().map(u64::to_string));
            for r in rates(f) {
                row.extend([printed(r, &settings.report), r.num.to_string(), r.den.to_string()]);
            }
            row.extend(f.by_result.iter().map(|(_, n)| n.to_string()));
            w.write_record(row.iter().map(|c| super::csv_cell::text(c).into_owned()))?;
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

fn printed(r: &Rate, s: &ReportSettings) -> String {
    if r.den == 0 {
        String::new()
    } else {
        percent(r, s)
    }
}
