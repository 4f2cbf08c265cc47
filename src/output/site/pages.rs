//! The dashboard's pages: plain HTML and one CSS file, no script, no external
//! request. Every user text is escaped; personal data is masked before, in
//! the published ledger the site is made from (`check::publish`).

use std::fmt::Write;

use chrono::NaiveDate;

use crate::check::{CaseState, Clock, ClockStatus};
use crate::model::{Case, Named, Piece, Settings};
use crate::report::figures::Figures;
use crate::report::percent::with_counts;
use crate::report::ranking;
use crate::text::{date_cn, escape_html as escape};

/// A case on a list: the case, where it stands, and its place in the ledger.
pub(crate) type Row<'l> = (&'l Case, CaseState<'l>, usize);

/// The style sheet, written once as `assets/site.css`.
pub(crate) const CSS: &str = "body{margin:0;font-family:'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif;color:#1d1d1f;background:#f5f6f8;line-height:1.6}\
header{background:#b3121b;color:#fff;padding:1em 2em}header h1{margin:0;font-size:1.5em}header p{margin:.2em 0 0;opacity:.9}\
header a{color:#fff}main{max-width:1200px;margin:0 auto;padding:1em 2em}section{background:#fff;border-radius:6px;padding:1em 1.5em;margin:1em 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}\
h2{font-size:1.2em;margin:.2em 0 .6em;border-left:4px solid #b3121b;padding-left:.5em}\
dl.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.8em;margin:0}\
dl.figures div{background:#f7f7f9;border-radius:4px;padding:.6em .8em}dl.figures dt{font-size:.9em;color:#555}\
dl.figures dd{margin:0;font-size:1.6em;font-weight:bold}dl.figures dd.rate{font-size:1.2em}dd.bad{color:#b3121b}\
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border-bottom:1px solid #e3e3e8;padding:.35em .5em;text-align:left;vertical-align:top}\
th{background:#fafafc;white-space:nowrap}th.n{text-align:right}td.n{text-align:right;font-variant-numeric:tabular-nums}tr.overdue td{color:#b3121b}\
.chart svg{max-width:100%;height:auto}.note{color:#666;font-size:.9em}a{color:#0b57a4}footer{text-align:center;color:#888;font-size:.85em;padding:2em}\
section{overflow-x:auto}@media (max-width:600px){header,main{padding:.6em .8em}section{padding:.8em}dl.figures{grid-template-columns:repeat(2,1fr)}}\
.timeline li{margin:.3em 0}.tag{display:inline-block;background:#fdecea;color:#b3121b;border-radius:3px;padding:0 .4em;margin-right:.3em;font-size:.85em}";

/// What every page needs to know.
pub(crate) struct Context<'a> {
    /// Settings (office name, levels, how rates print).
    pub(crate) settings: &'a Settings,
    /// The date the site shows.
    pub(crate) as_of: NaiveDate,
    /// The period of the figures, e.g. 2026年11月.
    pub(crate) period_label: &'a str,
}

/// A file name for a name or id: no characters a file system or a URL treats
/// specially, and short enough for any file system.
pub(crate) fn slug(s: &str) -> String {
    let out: String = s
        .chars()
        .map(|c| if c.is_control() || c.is_whitespace() || "/\\:*?\"<>|#%&'".contains(c) { '_' } else { c })
        .collect();
    crate::fsx::short_name(if out.is_empty() || out.starts_with('.') { format!("_{out}") } else { out })
}

/// A page: `depth` is how many folders below the site root it lives.
pub(crate) fn page(ctx: &Context, depth: usize, title: &str, body: &str) -> String {
    let up = "../".repeat(depth);
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title} - {office}</title>\n<link rel=\"stylesheet\" href=\"{up}assets/site.css\">\n</head>\n<body>\n<header><h1>{title}</h1><p>{office}　<a href=\"{up}index.html\">首页</a>　数据截至{date}</p></header>\n<main>\n{body}</main>\n<footer>由 qinqing 根据案件库生成，截至{date}；联系人姓名与电话已隐去。</footer>\n</body>\n</html>\n",
        title = escape(title),
        office = escape(&ctx.settings.organization_name),
        date = date_cn(ctx.as_of),
    )
}

use crate::report::figures::{COUNTS as FIGURES, RATES};

/// The headline figures as a definition list, each value with a `data-`
/// attribute naming it (the browser test reads them back).
pub(crate) fn figures_block(ctx: &Context, f: &Figures) -> String {
    let counts = crate::output::report::counts(f);
    let rates = crate::output::report::rates(f);
    let mut h = String::from("<dl class=\"figures\">\n");
    for ((key, zh), n) in FIGURES.iter().zip(counts) {
        let bad = if *key == "overdue_now" && n > 0 { " class=\"bad\"" } else { "" };
        let _ = writeln!(h, "<div><dt>{zh}</dt><dd{bad} data-figure=\"{key}\">{n}</dd></div>");
    }
    for ((key, zh), r) in RATES.iter().zip(rates) {
        let _ = writeln!(
            h,
            "<div><dt>{zh}</dt><dd class=\"rate\" data-rate=\"{key}\" data-num=\"{}\" data-den=\"{}\">{}</dd></div>",
            r.num,
            r.den,
            escape(&with_counts(r, &ctx.settings.report))
        );
    }
    h.push_str("</dl>\n");
    // Where the period's problems stand, by result (解决 is the count above).
    let results: Vec<String> = f
        .by_result
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("<span data-result=\"{}\">{}{n}个</span>", r.key(), r.zh()))
        .collect();
    if !results.is_empty() {
        let _ = writeln!(h, "<p class=\"results\">办理结果：{}</p>", results.join("、"));
    }
    h
}

fn figures_table(ctx: &Context, rows: &[(String, Option<String>, &Figures)]) -> String {
    let mut h = String::from("<table>\n<thead><tr><th>名称</th>");
    for (_, zh) in FIGURES {
        let _ = write!(h, "<th class=\"n\">{zh}</th>");
    }
    for (_, zh) in RATES {
        let _ = write!(h, "<th class=\"n\">{zh}</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (name, link, f) in rows {
        let name = match link {
            Some(href) => format!("<a href=\"{}\">{}</a>", escape(href), escape(name)),
            None => escape(name),
        };
        let _ = write!(h, "<tr><td>{name}</td>");
        for n in crate::output::report::counts(f) {
            let _ = write!(h, "<td class=\"n\">{n}</td>");
        }
        for r in crate::output::report::rates(f) {
            let _ = write!(h, "<td class=\"n\">{}</td>", escape(&with_counts(r, &ctx.settings.report)));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n");
    h
}

/// Overdue clocks as a table, worst first, each case linked.
fn overdue_table(clocks: &[&Clock], depth: usize) -> String {
    let up = "../".repeat(depth);
    let mut h = String::from(
        "<table>\n<thead><tr><th>案件</th><th>问题</th><th>时限</th><th>责任单位</th><th>到期日</th><th class=\"n\">超期天数</th></tr></thead>\n<tbody>\n",
    );
    for c in clocks {
        let dept = c.responsible.unwrap_or("—");
        let _ = writeln!(
            h,
            "<tr class=\"overdue\"><td><a href=\"{up}cases/{}.html\">{}</a></td><td>{}</td><td>{}</td><td><a href=\"{up}departments/{}.html\">{}</a></td><td>{}</td><td class=\"n\">{}</td></tr>",
            escape(&slug(&c.case.id.value)),
            escape(&c.case.id.value),
            escape(&c.case.title),
            escape(&c.rule.title),
            escape(&slug(dept)),
            escape(dept),
            c.due,
            c.days.unwrap_or(0)
        );
    }
    h.push_str("</tbody>\n</table>\n");
    h
}

/// What the index links to besides the computed pages.
pub(crate) struct Links<'a> {
    /// Case-list pages by year, e.g. ("2026", "lists/2026.html").
    pub(crate) years: &'a [(String, usize)],
    /// Documents written by this build: (kind, label, href).
    pub(crate) documents: &'a [(String, String, String)],
    /// Numbers issued, from the register.
    pub(crate) issued: &'a [crate::render::register::Entry],
}

/// The index: headline figures, the trend, levels, departments worst first,
/// the overdue list and the documents.
pub(crate) fn index(
    ctx: &Context,
    site: &crate::output::site::Site,
    overdue: &[&Clock],
    departments_with_page: &std::collections::HashSet<&str>,
    links: &Links,
) -> String {
    let (report, trend, chart_svg) = (site.report, site.trend, site.chart_svg);
    let mut b = String::new();
    let _ = write!(
        b,
        "<section id=\"headline\"><h2>{}总体情况</h2>\n<p class=\"note\">{}</p>\n{}<p class=\"meetings\">{}</p>\n</section>\n",
        escape(ctx.period_label),
        escape(&crate::output::report::period_line(report)),
        figures_block(ctx, &report.totals),
        escape(&report.meetings.words(ctx.settings, true))
    );
    let _ =
        write!(b, "<section id=\"trend\"><h2>月度趋势</h2>\n<p class=\"note\">{}。画到本期末的至少 12 个月（期间更长时画整个期间），但不早于收到第一个问题的月份。</p>\n<figure class=\"chart\">{}</figure>\n", escape(&crate::report::chart::span(trend)), chart_svg.trim());
    b.push_str("<table>\n<thead><tr><th>月份</th><th class=\"n\">收集</th><th class=\"n\">本期办结</th><th class=\"n\">逾期</th><th class=\"n\">满意率</th></tr></thead>\n<tbody>\n");
    for m in trend {
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            m.key(),
            m.figures.collected,
            m.figures.closed,
            m.overdue(),
            escape(&with_counts(&m.figures.satisfaction_rate, &ctx.settings.report))
        );
    }
    b.push_str("</tbody>\n</table>\n<p class=\"note\">逾期：当月到期的部门时限中未按时答复的（逾期答复或至今超期）。</p>\n</section>\n");
    let mut levels = vec![("合计".to_string(), None, &report.totals)];
    levels.extend(report.by_level.iter().map(|(k, f)| (ctx.settings.level_label(k).to_string(), None, f)));
    let _ = write!(b, "<section id=\"levels\"><h2>分层级</h2>\n{}</section>\n", figures_table(ctx, &levels));

    let min = ctx.settings.report.min_cases;
    // Ranked on the period, or on the year to date when no department had enough cases in it.
    let (basis, ranked_on) = ranking::rank(site.snapshot, report, min);
    let basis_note = match basis {
        ranking::Basis::Period => String::new(),
        _ => format!("本期各单位交办都不足{min}件，按{}排名，表中为本年累计数。", basis.words()),
    };
    let _ = write!(
        b,
        "<section id=\"departments\"><h2>各单位办理情况</h2>\n<p class=\"note\">{}按超期未办件数（多者在前）、按时答复率（低者在前）、逾期答复件数、满意率依次排序，问题较多的单位在前；交办不足{min}件的单位不排名次（记「—」），仍按同样顺序列出。</p>\n<table>\n<thead><tr><th>排名</th><th>单位</th><th class=\"n\">超期未办</th><th class=\"n\">按时答复率</th><th class=\"n\">逾期答复</th><th class=\"n\">满意率</th><th class=\"n\">交办</th><th class=\"n\">按时答复</th></tr></thead>\n<tbody>\n",
        escape(&basis_note)
    );
    for r in ranking::departments(&ranked_on, min) {
        let f = r.figures;
        let name = if departments_with_page.contains(r.department) {
            format!("<a href=\"departments/{}.html\">{}</a>", escape(&slug(r.department)), escape(r.department))
        } else {
            escape(r.department)
        };
        let _ = writeln!(
            b,
            "<tr><td>{}</td><td>{name}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            r.rank.map_or_else(|| "—".to_string(), |n| n.to_string()),
            f.overdue_now,
            escape(&with_counts(&f.on_time_reply_rate, &ctx.settings.report)),
            f.replied_late(),
            escape(&with_counts(&f.satisfaction_rate, &ctx.settings.report)),
            f.assigned,
            f.replied_on_time(),
        );
    }
    b.push_str("</tbody>\n</table>\n");
    let _ = write!(
        b,
        "<h3>超期未办与逾期答复最多的单位</h3>\n<figure class=\"chart\">{}</figure>\n</section>\n",
        site.departments_svg.trim()
    );
    let _ = write!(
        b,
        "<section id=\"overdue\"><h2>超期未办（{}项）</h2>\n{}</section>\n",
        overdue.len(),
        if overdue.is_empty() {
            "<p>没有超期未办的问题。</p>\n".to_string()
        } else {
            overdue_table(overdue, 0)
        }
    );
    let splits = [("按类别", &report.by_category), ("按恳谈会", &report.by_meeting)];
    for (title, map) in splits {
        let rows: Vec<_> = map.iter().map(|(k, f)| (k.clone(), None, f)).collect();
        let _ = write!(b, "<section><h2>{title}</h2>\n{}</section>\n", figures_table(ctx, &rows));
    }
    b.push_str("<section id=\"documents\"><h2>公文</h2>\n");
    if links.documents.is_empty() {
        b.push_str("<p>本次没有生成公文。</p>\n");
    } else {
        b.push_str("<ul>\n");
        for (kind, label, href) in links.documents {
            let _ = writeln!(b, "<li>{}：<a href=\"{}\">{}</a></li>", escape(kind), escape(href), escape(label));
        }
        b.push_str("</ul>\n");
    }
    if !links.issued.is_empty() {
        b.push_str("<h3>发文登记</h3>\n<table>\n<thead><tr><th>文号</th><th>种类</th><th>主送</th><th>标题</th><th>日期</th></tr></thead>\n<tbody>\n");
        for e in links.issued {
            let kind = crate::model::DocKind::parse(&e.kind).map_or("", |k| k.zh());
            let (to, title, date) = (e.to.as_deref(), e.title.as_deref(), e.date.as_deref());
            let cells: String = [Some(e.number.as_str()), Some(kind), to, title, date]
                .map(|c| format!("<td>{}</td>", escape(c.unwrap_or(""))))
                .concat();
            let _ = writeln!(b, "<tr>{cells}</tr>");
        }
        b.push_str("</tbody>\n</table>\n");
    }
    b.push_str("</section>\n<section id=\"cases\"><h2>全部案件</h2>\n<p>");
    let years: Vec<String> = links
        .years
        .iter()
        .map(|(y, n)| format!("<a href=\"lists/{}.html\">{}年（{n}件）</a>", escape(&slug(y)), escape(y)))
        .collect();
    b.push_str(&years.join("　"));
    b.push_str("</p>\n</section>\n");
    page(ctx, 0, &format!("{}企业反映问题办理情况", ctx.settings.organization_short), &b)
}

/// One row per case: id, title, status, lead, next due date.
pub(crate) fn case_rows(cases: &[&Row], depth: usize) -> String {
    let up = "../".repeat(depth);
    let mut h = String::from(
        "<table>\n<thead><tr><th>编号</th><th>问题</th><th>状态</th><th>牵头单位</th><th>下一期限</th></tr></thead>\n<tbody>\n",
    );
    for (case, state, _) in cases {
        let lead = state.lead.unwrap_or("—");
        let lead_cell = if state.lead.is_some() {
            format!("<a href=\"{up}departments/{}.html\">{}</a>", escape(&slug(lead)), escape(lead))
        } else {
            "—".to_string()
        };
        let _ = writeln!(
            h,
            "<tr{}><td><a href=\"{up}cases/{}.html\">{}</a></td><td>{}</td><td>{}{}</td><td>{lead_cell}</td><td>{}</td></tr>",
            if state.overdue { " class=\"overdue\"" } else { "" },
            escape(&slug(&case.id.value)),
            escape(&case.id.value),
            escape(&case.title),
            state.status.zh(),
            if state.overdue { "（超期）" } else { "" },
            state.next_due.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
        );
    }
    h.push_str("</tbody>\n</table>\n");
    h
}

/// A department's page: its figures for the period and its cases.
pub(crate) fn department(ctx: &Context, name: &str, figures: Option<&Figures>, cases: &[&Row]) -> String {
    let mut b = String::new();
    match figures {
        Some(f) => {
            let _ = write!(b, "<section><h2>{}</h2>\n{}</section>\n", escape(ctx.period_label), figures_block(ctx, f));
        }
        None => {
            let _ = write!(b, "<section><h2>{}</h2>\n<p>本期没有办理记录。</p></section>\n", escape(ctx.period_label));
        }
    }
    let _ = write!(b, "<section><h2>牵头办理的案件（{}件）</h2>\n{}</section>\n", cases.len(), case_rows(cases, 1));
    page(ctx, 1, name, &b)
}

/// Joins lines broken inside Chinese text without a space (YAML `|` keeps the
/// breaks); between Latin words the break becomes one space.
fn join_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
        if latin(out.chars().last()) && latin(line.chars().next()) {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A case's page: its fields (personal data masked), its timeline and its clocks.
pub(crate) fn case(
    ctx: &Context,
    case: &Case,
    state: &CaseState,
    clocks: &[Clock],
    known_cases: &(dyn Fn(&str) -> bool + Sync),
) -> String {
    let dept_link = |d: &str| format!("<a href=\"../departments/{}.html\">{}</a>", escape(&slug(d)), escape(d));
    // Personal data is already masked: the site is made from the published ledger.
    let text = |t: &str| escape(t);
    let mut b = String::from("<section><h2>基本情况</h2>\n<table>\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(b, "<tr><th>{k}</th><td>{v}</td></tr>");
    };
    row("编号", escape(&case.id.value));
    if let Some(e) = &case.enterprise {
        row("企业", text(&e.name));
        if let Some(c) = &e.credit_code {
            row("统一社会信用代码", escape(c));
        }
        if let Some(c) = &e.contact {
            row("联系人", escape(c));
        }
        if let Some(p) = &e.phone {
            row("联系电话", escape(p));
        }
    }
    if let Some(r) = &case.received {
        row("收到日期", r.value.to_string());
    }
    if let Some(c) = case.channel {
        row("来源渠道", c.zh().to_string());
    }
    if let Some(m) = &case.meeting {
        row("恳谈会", escape(&m.value));
    }
    if let Some(l) = &case.level {
        row("层级", escape(ctx.settings.level_label(&l.value)));
    }
    if let Some(c) = &case.category {
        row("类别", text(c));
    }
    if !case.tags.is_empty() {
        row("标签", case.tags.iter().map(|t| format!("<span class=\"tag\">{}</span>", text(t))).collect());
    }
    row("状态", format!("{}{}", state.status.zh(), if state.overdue { "（超期）" } else { "" }));
    if !case.related.is_empty() {
        let links: Vec<String> = case
            .related
            .iter()
            .map(|r| {
                if known_cases(&r.value) {
                    format!("<a href=\"{}.html\">{}</a>", escape(&slug(&r.value)), escape(&r.value))
                } else {
                    escape(&r.value)
                }
            })
            .collect();
        row("相关案件", links.join("、"));
    }
    b.push_str("</table>\n");
    if !case.description.trim().is_empty() {
        let _ = write!(b, "<h3>问题描述</h3>\n<p>{}</p>\n", text(&join_lines(case.description.trim())));
    }
    b.push_str("</section>\n<section><h2>办理过程</h2>\n<ol class=\"timeline\">\n");
    for e in case.events_as_of(ctx.as_of) {
        // Each event reads as in `show`, departments linked and personal data masked.
        let parts: Vec<String> = e
            .reading()
            .into_iter()
            .map(|piece| match piece {
                Piece::Departments(label, names) => {
                    format!("{label} {}", names.iter().map(|d| dept_link(d)).collect::<Vec<_>>().join("、"))
                }
                Piece::Words(w) => text(&w),
                Piece::FreeText(t) => text(t.trim()),
            })
            .collect();
        let _ = writeln!(b, "<li>{} <strong>{}</strong> {}</li>", e.date, e.kind.zh(), parts.join("；"));
    }
    b.push_str("</ol>\n</section>\n");
    if !clocks.is_empty() {
        b.push_str("<section><h2>时限</h2>\n<table>\n<thead><tr><th>时限</th><th>起算</th><th>到期</th><th>状态</th><th>责任单位</th><th>督办通报</th></tr></thead>\n<tbody>\n");
        for c in clocks {
            let dept = c.responsible.map(dept_link).unwrap_or_else(|| "—".into());
            let ladder = crate::output::text::ladder(c);
            let ladder = if ladder.is_empty() { "—".to_string() } else { escape(&ladder.join("；")) };
            let _ = writeln!(
                b,
                "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td><td>{dept}</td><td>{ladder}</td></tr>",
                if c.status == ClockStatus::Overdue { " class=\"overdue\"" } else { "" },
                escape(&c.rule.title),
                c.start,
                c.due,
                c.status.zh(),
                c.days.map(|d| format!("（{d}天）")).unwrap_or_default()
            );
        }
        b.push_str("</tbody>\n</table>\n</section>\n");
    }
    page(ctx, 1, &format!("{} {}", case.id.value, case.title), &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_page_reads_each_event_as_show_does_with_departments_linked_and_personal_data_masked() {
        let ledger = crate::check::fixture("").published();
        let as_of = "2026-11-20".parse().unwrap();
        let snapshot = ledger.as_of(as_of);
        let index = ledger.cases.iter().position(|c| c.id.value == "HZ-2026-0131").unwrap();
        let ctx = Context { settings: &ledger.settings, as_of, period_label: "2026年" };
        let html = case(&ctx, &ledger.cases[index], &snapshot.state(index), snapshot.clocks_of(index), &|_| true);
        let dept = |d: &str| format!("<a href=\"../departments/{d}.html\">{d}</a>");
        assert!(html.contains(&format!("主办 {}", dept("国网湖州供电公司"))), "{html}");
        assert!(html.contains(&format!("协办 {}、{}", dept("市发展和改革委员会"), dept("市自然资源和规划局"))));
        assert!(
            html.contains(&format!("致 {}；期限 2026-11-09；湖营商督〔2026〕5号", dept("国网湖州供电公司"))),
            "{html}"
        );
        assert!(html.contains("企业周*手机 139****0131"), "free text masked: {html}");
        assert!(!html.contains("周某"));
    }

    #[test]
    fn slugs_and_joined_lines() {
        assert_eq!(slug("HZ-2026-0131"), "HZ-2026-0131");
        assert_eq!(slug("a/b#c?d%e f"), "a_b_c_d_e_f");
        assert_eq!(slug(".."), "_..");
        assert_eq!(slug("市交通运输局"), "市交通运输局");
        assert_eq!(join_lines("企业新建厂房已竣工，\n  未接入。\n"), "企业新建厂房已竣工，未接入。");
        assert_eq!(join_lines("line A\nline B"), "line A line B");
    }
}
