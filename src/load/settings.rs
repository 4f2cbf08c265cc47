//! `qinqing.yaml`, `departments.yaml` and `meeting.yaml` files.

use rustc_hash::FxHashMap as HashMap;

use crate::diag::{Pos, Sink};
use crate::load::reader::MapReader;
use crate::load::yaml::{Node, Value};
use crate::model::field::{field, Field, Ty};
use crate::model::notify::{
    Channel as NotifyChannel, NotifySettings, Smtp, CHANNEL_FIELDS, EMAIL_FIELDS, ENTERPRISE_CHANNEL_FIELDS,
    NOTIFY_FIELDS, SIGNED_FIELDS, SMTP_FIELDS, URL_FIELDS,
};
use crate::model::{Department, DocKind, Meeting, Named, Settings, Spanned};

/// The keys of `qinqing.yaml`.
pub(crate) const SETTINGS_FIELDS: &[Field] = &[
    field("organization", true, Ty::Map(ORGANIZATION_FIELDS), "发文机关"),
    field("timezone", false, Ty::Text, "时区，决定「今天」是哪天，默认 Asia/Shanghai"),
    field("calendar", false, Ty::Text, "节假日日历：rules/calendars/<名称>.yaml 或内置的 cn"),
    field("numbering", false, Ty::Map(&DocKind::NUMBERING_FIELDS), "发文字号格式，{year} 与 {seq} 自动填写"),
    field("levels", false, Ty::Dict, "层级及其中文名，如 { city: 市级, county: 区县 }"),
    field(
        "fonts",
        false,
        Ty::TextOrList,
        "额外的字体文件夹或字体文件（案件库内的相对路径），公文 PDF 从中查找仿宋_GB2312 等字体",
    ),
    field("report", false, Ty::Map(REPORT_FIELDS), "统计与通报：比率的小数位数、取舍方式、排名的最少案件数"),
    field(
        "printing",
        false,
        Ty::Named(|| PRINTING.to_vec()),
        "公文的印刷方式：double-sided（双面，默认，版记在最后一个偶数页）或 single-sided（单面，版记在最后一页）",
    ),
    field(
        "assignment",
        false,
        Ty::Named(|| ASSIGNMENT.to_vec()),
        "一期恳谈会的问题怎样交办（render assignment --meeting）：letters（按主办部门分发交办函，默认）、list（一份责任清单发给全部责任单位，一个文号）或 both（两者都发）",
    ),
    field("ids", false, Ty::Map(ID_FIELDS), "新案件与新恳谈会的编号格式，{year} 与 {seq}（或补零的 {seq:04}）自动填写"),
    field("import", false, Ty::Map(IMPORT_FIELDS), "导入问题清单（qinqing import）：本市表格自己的表头"),
    field(
        "notify",
        false,
        Ty::Map(NOTIFY_FIELDS),
        "提醒（qinqing notify）：各部门与本办的企业微信、钉钉、飞书、webhook、邮件渠道",
    ),
    field("serve", false, Ty::Map(SERVE_FIELDS), "网页服务（qinqing serve）：对外的网址、回执上的联系方式"),
];

/// `serve:`.
const SERVE_FIELDS: &[Field] = &[
    field(
        "url",
        false,
        Ty::Text,
        "网页服务对外的网址（经 HTTPS 代理时写代理的地址），如 https://qinqing.example.gov.cn：回执码和一次性链接据此写成完整的地址",
    ),
    field("contact", false, Ty::Text, "回执上印的营商办联系方式，如 营商办 0572-1234567"),
    field("submissions", false, Ty::Bool, "开放网上提交问题（/submit），默认 false"),
    field("submissions_per_address", false, Ty::Int, "同一网络地址一天最多提交几件，默认 5"),
    field("submissions_per_day", false, Ty::Int, "一天最多收几件网上提交（所有地址合计），默认 100"),
    field("submissions_queue", false, Ty::Int, "待受理的提交最多几件，满了暂停接收，默认 200"),
];

/// `printing:` in English or Chinese: one list for the reader and the schema.
const PRINTING: &[(&str, &str)] = &[("double-sided", "双面"), ("single-sided", "单面")];
/// `assignment:` in English or Chinese.
const ASSIGNMENT: &[(&str, &str)] = &[("letters", "交办函"), ("list", "责任清单"), ("both", "两者")];
/// `report.rounding:` in English or Chinese.
const ROUNDING: &[(&str, &str)] = &[("round", "四舍五入"), ("truncate", "截尾")];

/// A value of one of these lists, by its English key; else reported at its place with the choices.
fn choice(
    values: &[(&'static str, &'static str)],
    key: &str,
    t: &Spanned<String>,
    sink: &mut Sink,
) -> Option<&'static str> {
    let found = values.iter().find(|(en, zh)| t.value == *en || t.value == *zh).map(|(en, _)| *en);
    if found.is_none() {
        let all: Vec<String> = values.iter().map(|(en, zh)| format!("{en}（{zh}）")).collect();
        sink.error("invalid-value", t.pos, format!("{key} 不能为「{}」", t.value))
            .hint(format!("可选：{}", all.join("、")));
    }
    found
}

const IMPORT_FIELDS: &[Field] = &[
    field(
        "columns",
        false,
        Ty::Dict,
        "表头与字段的对应，字段用模板里的列名，如 { 诉求描述: 反映问题, 责任处室: 牵头单位 }",
    ),
    field(
        "values",
        false,
        Ty::Dicts,
        "各列中本办自己的写法与含义的对应，如 { 来源渠道: { 两会建议: 书面, 12345转办: 热线 } }",
    ),
];

const ID_FIELDS: &[Field] = &[
    field("case", false, Ty::Text, "案件编号格式，如 HZ-{year}-{seq:04}"),
    field("meeting", false, Ty::Text, "恳谈会编号格式，如 HZ-M-{year}-{seq}"),
    field("submission", false, Ty::Text, "网上提交的编号格式，默认 WS-{year}-{seq:04}"),
];

const REPORT_FIELDS: &[Field] = &[
    field(
        "decimals",
        false,
        Ty::PerRate(&Ty::Int),
        "比率显示的小数位数（百分数），0 至 4，默认 2；各比率不同时写映射，如 { 办结率: 2, 满意率: 1 }",
    ),
    field(
        "rounding",
        false,
        Ty::PerRate(&Ty::Named(|| ROUNDING.to_vec())),
        "round（四舍五入，默认）或 truncate（截尾）；各比率不同时写映射，如 { 办结率: truncate }",
    ),
    field("min_cases", false, Ty::Int, "部门排名的最少交办案件数，少于此数不排名，默认 3"),
];

const ORGANIZATION_FIELDS: &[Field] = &[
    field("name", true, Ty::Text, "发文机关全称"),
    field("short", false, Ty::Text, "发文机关简称"),
    field("mark", false, Ty::Text, "红头（发文机关标志）用的名称：全称或规范化简称，默认全称；通知、通报加「文件」"),
];

/// The keys of one entry of `departments.yaml`.
pub(crate) const DEPARTMENT_FIELDS: &[Field] = &[
    field("name", true, Ty::Text, "部门全称，案件与公文中使用"),
    field("short", false, Ty::Text, "简称"),
    field("aliases", false, Ty::TextOrList, "案件中也接受的其他名称"),
    field("level", false, Ty::Text, "层级：city 或 county"),
];

/// The keys of a `meeting.yaml`.
pub(crate) const MEETING_FIELDS: &[Field] = &[
    field("id", true, Ty::Text, "会议编号，全库唯一"),
    field("title", true, Ty::Text, "会议名称"),
    field("theme", false, Ty::Text, "主题"),
    field("date", true, Ty::Date, "会议日期；本文件夹下案件的默认收到日期"),
    field("level", false, Ty::Text, "层级：city 或 county"),
    field("organiser", false, Ty::Text, "主办单位（召开会议的单位），不写则为本办"),
    field("session", false, Ty::Text, "期数，如 23"),
    field("hosts", false, Ty::TextOrList, "主持或出席的领导"),
    field("enterprises", false, Ty::TextOrList, "参会企业"),
];

/// Reads `notify:`.
fn read_notify(n: &MapReader, sink: &mut Sink) -> NotifySettings {
    let mut out = NotifySettings::default();
    let channels = |node: &Node, what: &str, sink: &mut Sink| -> Vec<NotifyChannel> {
        let Some(m) = MapReader::open(node, what, CHANNEL_FIELDS, sink) else { return Vec::new() };
        let mut list = Vec::new();
        if let Some(c) = m.get("wecom").and_then(|c| MapReader::open(c, "wecom", URL_FIELDS, sink)) {
            if let Some(url_env) = c.text("url_env", sink) {
                list.push(NotifyChannel::WeCom { url_env });
            }
        }
        for (key, signed) in [("dingtalk", true), ("feishu", false)] {
            if let Some(c) = m.get(key).and_then(|c| MapReader::open(c, key, SIGNED_FIELDS, sink)) {
                if let Some(url_env) = c.text("url_env", sink) {
                    let secret_env = c.text("secret_env", sink);
                    list.push(if signed {
                        NotifyChannel::DingTalk { url_env, secret_env }
                    } else {
                        NotifyChannel::Feishu { url_env, secret_env }
                    });
                }
            }
        }
        if let Some(c) = m.get("webhook").and_then(|c| MapReader::open(c, "webhook", URL_FIELDS, sink)) {
            if let Some(url_env) = c.text("url_env", sink) {
                list.push(NotifyChannel::Webhook { url_env });
            }
        }
        if let Some(c) = m.get("email").and_then(|c| MapReader::open(c, "email", EMAIL_FIELDS, sink)) {
            let to: Vec<String> = c.texts("to", sink).into_iter().map(|t| t.value).collect();
            if !to.is_empty() {
                list.push(NotifyChannel::Email { to });
            }
        }
        list
    };
    if let Some(d) = n.get("default") {
        out.default = channels(d, "default", sink);
    }
    if let Some(o) = n.get("office") {
        out.office = channels(o, "office", sink);
    }
    if let Some(node) = n.get("departments") {
        match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    if let Some(name) = crate::load::reader::text(k, sink) {
                        let channels = channels(v, &name, sink);
                        out.departments.push((crate::model::Spanned::new(name, k.pos), channels));
                    }
                }
            }
            _ => {
                sink.error("wrong-type", node.pos, "notify.departments 应为映射：部门名称 → 渠道");
            }
        }
    }
    if let Some(e) =
        n.get("enterprises").and_then(|e| MapReader::open(e, "enterprises", ENTERPRISE_CHANNEL_FIELDS, sink))
    {
        if let Some(c) = e.get("sms").and_then(|c| MapReader::open(c, "sms", URL_FIELDS, sink)) {
            out.enterprises.sms = c.text("url_env", sink);
        }
        out.enterprises.email = e.bool("email", sink).unwrap_or(false);
    }
    if let Some(s) = n.get("smtp").and_then(|s| MapReader::open(s, "smtp", SMTP_FIELDS, sink)) {
        let security = s.text("security", sink).unwrap_or_else(|| "starttls".to_string());
        if !matches!(security.as_str(), "starttls" | "tls" | "none") {
            if let Some(p) = s.key_pos("security") {
                sink.error("invalid-value", p, format!("security 不能为「{security}」"))
                    .hint("可选：starttls、tls、none");
            }
        }
        let default_port = match security.as_str() {
            "tls" => 465,
            "none" => 25,
            _ => 587,
        };
        let port = match s.text("port", sink) {
            Some(p) => match p.trim().parse::<u16>() {
                Ok(p) => p,
                Err(_) => {
                    if let Some(pos) = s.key_pos("port") {
                        sink.error("invalid-value", pos, format!("端口「{p}」无效"));
                    }
                    default_port
                }
            },
            None => default_port,
        };
        if let (Some(host), Some(from)) = (s.text("host", sink), s.text("from", sink)) {
            out.smtp = Some(Smtp {
                host,
                port,
                security,
                from,
                user_env: s.text("user_env", sink),
                password_env: s.text("password_env", sink),
            });
        }
    }
    out
}

/// Reads the settings; missing optional keys take their defaults.
pub(crate) fn read_settings(root: &Node, sink: &mut Sink) -> Settings {
    let mut s = Settings::default();
    let Some(m) = MapReader::open(root, "qinqing.yaml", SETTINGS_FIELDS, sink) else { return s };
    if let Some(org) = m.get("organization").and_then(|n| MapReader::open(n, "organization", ORGANIZATION_FIELDS, sink))
    {
        // The office's names are printed as one line (the red mark, the signature, tables).
        let mut one_line = |key: &str| {
            let t = org.spanned_text(key, sink)?;
            if t.value.chars().any(char::is_control) {
                sink.error("invalid-value", t.pos, format!("organization.{key} 不能含换行或控制字符"))
                    .hint("发文机关的名称写在一行里");
                return None;
            }
            Some(t.value)
        };
        s.organization_name = one_line("name").unwrap_or_default();
        s.organization_short = one_line("short").unwrap_or_else(|| s.organization_name.clone());
        s.organization_mark = one_line("mark");
    }
    if let Some(tz) = m.spanned_text("timezone", sink) {
        match tz.value.parse::<chrono_tz::Tz>() {
            Ok(zone) => s.timezone = zone,
            Err(_) => {
                sink.error("invalid-value", tz.pos, format!("未知时区「{}」", tz.value))
                    .hint("中国大陆请写 Asia/Shanghai");
            }
        }
    }
    s.fonts = m
        .texts("fonts", sink)
        .into_iter()
        .filter(|f| {
            // Fonts come from the repository: `/` or `../..` would scan the machine's disks.
            let path = std::path::Path::new(f.value.trim());
            let outside = path.is_absolute()
                || path.has_root()
                || path
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir | std::path::Component::Prefix(_)));
            if outside {
                sink.error("invalid-value", f.pos, format!("字体路径「{}」不在案件库内", f.value))
                    .hint("fonts 写案件库内的文件夹或字体文件，如 fonts/公文字体；系统字体不必写，会自动使用");
            }
            !outside
        })
        .map(|f| f.value)
        .collect();
    if let Some(c) = m.spanned_text("calendar", sink) {
        s.calendar = c.value;
        s.calendar_pos = c.pos;
    }
    if let Some(num) =
        m.get("numbering").and_then(|n| MapReader::open(n, "numbering", &DocKind::NUMBERING_FIELDS, sink))
    {
        for kind in DocKind::ALL_KINDS.into_iter().filter(|k| k.numbered()).map(DocKind::key) {
            if let Some(pattern) = num.spanned_text(kind, sink) {
                if !pattern.value.contains("{seq}") {
                    sink.error("invalid-value", pattern.pos, format!("发文字号「{}」缺少 {{seq}}", pattern.value))
                        .hint("例如：湖营商交〔{year}〕{seq}号");
                }
                s.numbering.push((kind.to_string(), pattern.value));
            }
        }
    }
    if let Some(ids) = m.get("ids").and_then(|n| MapReader::open(n, "ids", ID_FIELDS, sink)) {
        for (key, slot) in
            [("case", &mut s.ids.case), ("meeting", &mut s.ids.meeting), ("submission", &mut s.ids.submission)]
        {
            if let Some(p) = ids.spanned_text(key, sink) {
                if crate::model::ids::Pattern::parse(&p.value).is_none() {
                    sink.error(
                        "invalid-value",
                        p.pos,
                        format!(
                            "编号格式「{}」无效：须含 {{seq}} 或 {{seq:04}} 这样的序号，且编号是文件名（不含 / \\ : 等，不以 . 开头）",
                            p.value
                        ),
                    )
                    .hint("例如：HZ-{year}-{seq:04}");
                } else {
                    *slot = p.value;
                }
            }
        }
        // A submission's id is never a case's: one receipt code would open both.
        if s.ids.submission == s.ids.case || s.ids.submission == s.ids.meeting {
            let at = ids.key_pos("submission").or(ids.key_pos("case")).unwrap_or(ids.pos);
            sink.error("invalid-value", at, format!("网上提交的编号格式「{}」与案件或恳谈会的相同", s.ids.submission))
                .hint("网上提交的编号要与案件的区分开，例如 WS-{year}-{seq:04}");
        }
    }
    if let Some(report) = m.get("report").and_then(|n| MapReader::open(n, "report", REPORT_FIELDS, sink)) {
        read_report(&report, &mut s, sink);
    }
    if let Some(t) = m.spanned_text("assignment", sink) {
        if let Some(en) = choice(ASSIGNMENT, "assignment", &t, sink) {
            s.assignment_by = match en {
                "list" => crate::model::AssignmentBy::List,
                "both" => crate::model::AssignmentBy::Both,
                _ => crate::model::AssignmentBy::Letters,
            };
        }
    }
    if let Some(t) = m.spanned_text("printing", sink) {
        if let Some(en) = choice(PRINTING, "printing", &t, sink) {
            s.single_sided = en == "single-sided";
        }
    }
    if let Some(import) = m.get("import").and_then(|n| MapReader::open(n, "import", IMPORT_FIELDS, sink)) {
        match import.get("columns").map(|n| (n.pos, &n.value)) {
            Some((_, Value::Map(entries))) => {
                for (k, v) in entries {
                    let (Some(header), Some(field)) =
                        (crate::load::reader::text(k, sink), crate::load::reader::text(v, sink))
                    else {
                        continue;
                    };
                    match crate::model::sheet::Column::parse(&field) {
                        Some(c) => s.import_columns.push((header, c.name().to_string())),
                        None => {
                            let names: Vec<&str> = crate::model::sheet::HEADERS.iter().map(|(c, _)| c.name()).collect();
                            sink.error("invalid-value", v.pos, format!("「{field}」不是问题清单的字段"))
                                .hint(format!("可选：{}", names.join("、")));
                        }
                    }
                }
            }
            Some((pos, _)) => {
                sink.error("wrong-type", pos, "import.columns 应为映射").hint("例如：columns: { 诉求描述: 反映问题 }");
            }
            None => {}
        }
        match import.get("values").map(|n| (n.pos, &n.value)) {
            Some((_, Value::Map(columns))) => {
                for (k, v) in columns {
                    let Some(name) = crate::load::reader::text(k, sink) else { continue };
                    let Some(column) = crate::model::sheet::Column::parse(&name) else {
                        sink.error("invalid-value", k.pos, format!("「{name}」不是问题清单的列")).hint("如：来源渠道");
                        continue;
                    };
                    let Value::Map(pairs) = &v.value else {
                        sink.error("wrong-type", v.pos, format!("import.values.{name} 应为映射"))
                            .hint("例如：来源渠道: { 两会建议: 书面 }");
                        continue;
                    };
                    for (w, m) in pairs {
                        let (Some(written), Some(means)) =
                            (crate::load::reader::text(w, sink), crate::load::reader::text(m, sink))
                        else {
                            continue;
                        };
                        s.import_values.push(crate::model::sheet::ValueMap { column, written, means });
                    }
                }
            }
            Some((pos, _)) => {
                sink.error("wrong-type", pos, "import.values 应为映射")
                    .hint("例如：values: { 来源渠道: { 两会建议: 书面 } }");
            }
            None => {}
        }
    }
    if let Some(n) = m.get("notify").and_then(|n| MapReader::open(n, "notify", NOTIFY_FIELDS, sink)) {
        s.notify = read_notify(&n, sink);
    }
    if let Some(v) = m.get("serve").and_then(|n| MapReader::open(n, "serve", SERVE_FIELDS, sink)) {
        if let Some(url) = v.spanned_text("url", sink) {
            let trimmed = url.value.trim().trim_end_matches('/').to_string();
            let scheme = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://"));
            if scheme.is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace)) {
                s.serve_url = Some(trimmed);
            } else {
                sink.error("invalid-value", url.pos, format!("serve.url「{}」不是网址", url.value))
                    .hint("写作 https://qinqing.example.gov.cn（以 http:// 或 https:// 开头）");
            }
        }
        s.serve_contact = v.text("contact", sink);
        if let Some(open) = v.bool("submissions", sink) {
            s.submissions.open = open;
        }
        // A limit written for a form that is not open limits nothing: said, not ignored.
        if !s.submissions.open {
            let limits = ["submissions_per_address", "submissions_per_day", "submissions_queue"];
            if let Some(at) = limits.iter().find_map(|k| v.key_pos(k)) {
                sink.warning("unused-setting", at, "网上提交没有开放（submissions 不是 true），这里的件数限制不起作用")
                    .hint("开放网上提交请写 submissions: true");
            }
        }
        let limits = [
            ("submissions_per_address", &mut s.submissions.per_address, "5"),
            ("submissions_per_day", &mut s.submissions.per_day, "100"),
            ("submissions_queue", &mut s.submissions.queue, "200"),
        ];
        for (name, slot, example) in limits {
            let Some(t) = v.spanned_text(name, sink) else { continue };
            match t.value.trim().parse::<u32>() {
                Ok(n) if (1..=100_000).contains(&n) => *slot = n,
                _ => {
                    sink.error(
                        "invalid-value",
                        t.pos,
                        format!("serve.{name} 应为 1 至 100000 的整数，实为「{}」", t.value),
                    )
                    .hint(format!("例如：{name}: {example}"));
                }
            }
        }
    }
    if let Some(levels) = m.get("levels") {
        match &levels.value {
            Value::Map(entries) => {
                s.levels = entries
                    .iter()
                    .filter_map(|(k, v)| {
                        Some((crate::load::reader::text(k, sink)?, crate::load::reader::text(v, sink)?))
                    })
                    .collect();
            }
            _ => {
                sink.error("wrong-type", levels.pos, "levels 应为映射")
                    .hint("例如：levels: { city: 市级, county: 区县 }");
            }
        }
    }
    // Telling enterprises needs the address their codes open, and mail a server to send it.
    let told = &s.notify.enterprises;
    if let Some(at) = m.key_pos("notify").filter(|_| told.sms.is_some() || told.email) {
        if s.serve_url.is_none() {
            sink.warning(
                "incomplete-setting",
                at,
                "notify.enterprises 要发回执码的网址，但没有写 serve.url：告知企业时会被拒绝",
            )
            .hint("在 serve: 下写 url: https://…（网页服务对外的网址）");
        }
        if told.email && s.notify.smtp.is_none() {
            sink.warning("incomplete-setting", at, "notify.enterprises.email 要发邮件，但没有写 notify.smtp")
                .hint("在 notify: 下写 smtp: { host: …, from: … }");
        }
    }
    s
}

fn read_report(m: &MapReader, s: &mut Settings, sink: &mut Sink) {
    use crate::model::RateKind;
    let int = |name: &str,
               t: &Spanned<String>,
               range: std::ops::RangeInclusive<u32>,
               example: &str,
               sink: &mut Sink| match t.value.trim().parse::<u32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            sink.error(
                "invalid-value",
                t.pos,
                format!("report.{name} 应为 {} 至 {} 的整数，实为「{}」", range.start(), range.end(), t.value),
            )
            .hint(format!("例如：{name}: {example}"));
            None
        }
    };
    for (rate, t) in per_rate(m, "decimals", sink) {
        let Some(d) = int("decimals", &t, 0..=4, "2", sink) else { continue };
        match rate {
            None => s.report.decimals = d,
            Some(k) => s.report.per_rate[k as usize].decimals = Some(d),
        }
    }
    if let Some(t) = m.spanned_text("min_cases", sink) {
        if let Some(n) = int("min_cases", &t, 1..=100_000, "3", sink) {
            s.report.min_cases = n;
        }
    }
    for (rate, t) in per_rate(m, "rounding", sink) {
        let Some(en) = choice(ROUNDING, "report.rounding", &t, sink) else { continue };
        match rate {
            None => s.report.truncate = en == "truncate",
            Some(k) => s.report.per_rate[k as usize].truncate = Some(en == "truncate"),
        }
    }
    // A rate named in a mapping is printed its own way; the rest as `decimals`/`rounding` say.
    fn per_rate(m: &MapReader, name: &str, sink: &mut Sink) -> Vec<(Option<RateKind>, Spanned<String>)> {
        let Some(node) = m.get(name) else { return Vec::new() };
        let Value::Map(entries) = &node.value else {
            if matches!(node.value, Value::Seq(_)) {
                sink.error("wrong-type", node.pos, format!("report.{name} 应为一个值，或按比率写的映射"))
                    .hint(format!("例如：{name}: 2，或 {name}: {{ 办结率: 2, 满意率: 1 }}"));
                return Vec::new();
            }
            return crate::load::reader::text(node, sink)
                .map(|t| (None, Spanned::new(t, node.pos)))
                .into_iter()
                .collect();
        };
        let mut out: Vec<(Option<RateKind>, Spanned<String>)> = Vec::new();
        for (key, value) in entries {
            let Some(k) = key.as_str() else { continue };
            if let Some(rate) = RateKind::parse_any(k).filter(|r| out.iter().any(|(o, _)| *o == Some(*r))) {
                sink.error("duplicate-key", key.pos, format!("report.{name} 中「{}」写了两次（{k}）", rate.zh()))
                    .hint("交办件办结率与办结率是同一个比率，只写一次");
                continue;
            }
            let Some(rate) = RateKind::parse_any(k) else {
                let names: Vec<&str> = RateKind::ALL.iter().map(|(_, _, zh)| *zh).collect();
                sink.error("invalid-value", key.pos, format!("report.{name} 中没有比率「{k}」"))
                    .hint(format!("可写：{}（交办件办结率也可写办结率）", names.join("、")));
                continue;
            };
            if let Some(t) = crate::load::reader::text(value, sink) {
                out.push((Some(rate), Spanned::new(t, value.pos)));
            }
        }
        out
    }
}

/// Reads the department registry, a list of departments.
pub(crate) fn read_departments(root: &Node, sink: &mut Sink) -> Vec<Department> {
    let Value::Seq(items) = &root.value else {
        sink.error("wrong-type", root.pos, format!("departments.yaml 应为部门列表，实为{}", root.kind_name()))
            .hint("每个部门以「- name: 市交通运输局」开头");
        return Vec::new();
    };
    // Each name, short name and alias names one department: a second claim is an error at it.
    let mut claimed: HashMap<String, (usize, String, Pos)> = HashMap::default();
    items
        .iter()
        .enumerate()
        .filter_map(|(index, node)| {
            let m = MapReader::open(node, "部门", DEPARTMENT_FIELDS, sink)?;
            // Blanks around a name are not part of it (a case typing the name without them is right).
            let name = m.spanned_text("name", sink).map(|n| Spanned::new(n.value.trim().to_string(), n.pos))?;
            // Said here, where it is written, not at every case that names the department.
            if name.value.trim().is_empty() {
                sink.error("empty-value", name.pos, "部门名称（name）是空的").hint("写部门的全称，如 市交通运输局");
                return None;
            }
            let short = m.spanned_text("short", sink).map(|n| Spanned::new(n.value.trim().to_string(), n.pos));
            let aliases: Vec<Spanned<String>> =
                m.texts("aliases", sink).into_iter().map(|n| Spanned::new(n.value.trim().to_string(), n.pos)).collect();
            for n in std::iter::once(&name).chain(&short).chain(&aliases) {
                let key = n.value.trim().to_string();
                match claimed.get(&key) {
                    Some((other, owner, at)) if *other != index => {
                        sink.error("duplicate-department", n.pos, format!("「{key}」已是{owner}的名称或简称"))
                            .hint(format!("见第{}行；一个名称只能指一个部门，案件里写它时无法确定是哪个部门", at.line));
                    }
                    Some(_) => {}
                    None => {
                        claimed.insert(key, (index, name.value.clone(), n.pos));
                    }
                }
            }
            Some(Department {
                name: name.value,
                short: short.map(|s| s.value),
                aliases: aliases.into_iter().map(|a| a.value).collect(),
                level: m.text("level", sink),
                pos: node.pos,
            })
        })
        .collect()
}

/// Reads a meeting file.
pub(crate) fn read_meeting(file: &str, root: &Node, sink: &mut Sink) -> Option<Meeting> {
    let m = MapReader::open(root, "会议文件", MEETING_FIELDS, sink)?;
    Some(Meeting {
        file: file.to_string(),
        id: m.spanned_text("id", sink)?,
        title: m.text("title", sink).unwrap_or_default(),
        theme: m.text("theme", sink),
        date: m.date("date", sink).map(|d| d.value),
        level: m.spanned_text("level", sink),
        organiser: m.text("organiser", sink),
        session: m.text("session", sink),
        hosts: m.texts("hosts", sink).into_iter().map(|t| t.value).collect(),
        enterprises: m.texts("enterprises", sink).into_iter().map(|t| t.value).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Settings, Vec<(String, u32, u32)>) {
        let node = crate::load::yaml::parse("qinqing.yaml", text).unwrap().unwrap();
        let mut sink = Sink::new("qinqing.yaml");
        let s = read_settings(&node, &mut sink);
        (s, sink.diagnostics.iter().map(|d| (d.code.clone(), d.line, d.column)).collect())
    }

    #[test]
    fn each_rate_is_set_once_and_a_list_is_not_a_setting() {
        let (s, problems) =
            read("organization: { name: 某办 }\nreport:\n  decimals: { 交办件办结率: 2, 办结率: 1, 满意率: 1 }\n");
        assert_eq!(problems, [("duplicate-key".to_string(), 3, 26)]);
        assert_eq!(s.report.decimals_of(crate::model::RateKind::Closure), 2, "the first stands");
        assert_eq!(s.report.decimals_of(crate::model::RateKind::Satisfaction), 1);
        let (_, problems) = read("organization: { name: 某办 }\nreport:\n  decimals: [2]\n");
        assert_eq!(problems, [("wrong-type".to_string(), 3, 13)]);
        let (s, problems) = read("organization: { name: 某办 }\nassignment: 责任清单\n");
        assert_eq!((s.assignment_by, problems.len()), (crate::model::AssignmentBy::List, 0));
    }

    #[test]
    fn printing_and_the_offices_names_are_read_or_reported_at_their_place() {
        let (s, problems) = read("organization: { name: 某办 }\nprinting: 单面\n");
        assert!(s.single_sided && problems.is_empty(), "{problems:?}");
        let (s, _) = read("organization: { name: 某办 }\nprinting: double-sided\n");
        assert!(!s.single_sided);
        let (s, problems) = read("organization: { name: 某办 }\nprinting: 三面\n");
        assert_eq!((s.single_sided, problems), (false, vec![("invalid-value".to_string(), 2, 11)]));
        // A mark on two lines would print the red mark on two lines.
        let (s, problems) = read("organization:\n  name: 某办\n  mark: \"某办\\n文件\"\n");
        assert_eq!((s.mark_name(), problems), ("某办", vec![("invalid-value".to_string(), 3, 9)]));
    }

    #[test]
    fn import_values_are_read_and_every_bad_one_is_reported_at_its_place() {
        let (s, problems) =
            read("organization: { name: 某办 }\nimport:\n  values:\n    来源渠道: { 两会建议: 书面 }\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!((s.import_values[0].written.as_str(), s.import_values[0].means.as_str()), ("两会建议", "书面"));
        let (s, problems) = read(
            "organization: { name: 某办 }\nimport:\n  values:\n    金额: { a: b }\n    来源渠道: 书面\n    层级: { 市本级: ~ }\n",
        );
        assert!(s.import_values.is_empty(), "nothing half-read: {:?}", s.import_values);
        assert!(problems.contains(&("invalid-value".into(), 4, 5)), "an unknown column at its key: {problems:?}");
        assert!(problems.contains(&("wrong-type".into(), 5, 11)), "a column's values not a mapping: {problems:?}");
        assert!(problems.iter().any(|p| p.1 == 6), "an empty meaning: {problems:?}");
        let (_, problems) = read("organization: { name: 某办 }\nimport:\n  values: [来源渠道]\n");
        assert!(problems.contains(&("wrong-type".into(), 3, 11)), "{problems:?}");
    }
}
