//! The columns of a problem list (问题清单): what each holds and the headers
//! offices write for it. Read by `qinqing.yaml`'s `import:` section, the
//! importer and the template, so a column is declared once, here.

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Column {
    Seq,
    Enterprise,
    CreditCode,
    Title,
    Problem,
    Category,
    Contact,
    Phone,
    Lead,
    Co,
    Assigned,
    Due,
    Received,
    Channel,
    Note,
}

/// Each column's name (the one the template writes first) and the other
/// headers offices use for it. Compared after spaces, `*` and bracketed
/// remarks are taken out (「反映问题（必填）」 is 反映问题).
pub(crate) const HEADERS: &[(Column, &[&str])] = &[
    (Column::Seq, &["序号", "问题序号", "编号"]),
    (Column::Enterprise, &["企业名称", "企业", "单位名称", "公司名称", "反映企业", "反映主体"]),
    (Column::CreditCode, &["统一社会信用代码", "信用代码", "社会信用代码"]),
    (Column::Title, &["问题标题", "标题", "问题概述"]),
    (Column::Problem, &["反映问题", "诉求内容", "问题内容", "问题描述", "反映内容", "企业诉求", "具体问题", "问题"]),
    (Column::Category, &["问题类别", "类别", "问题类型", "诉求类别", "问题分类"]),
    (Column::Contact, &["联系人", "企业联系人"]),
    (Column::Phone, &["联系电话", "电话", "手机", "联系方式"]),
    (Column::Lead, &["牵头单位", "责任单位", "主办单位", "承办单位", "牵头部门", "责任部门"]),
    (Column::Co, &["配合单位", "协办单位", "配合部门", "协办部门"]),
    (Column::Assigned, &["交办日期", "交办时间"]),
    (Column::Due, &["办理时限", "办结时限", "答复时限", "完成时限"]),
    (Column::Received, &["收到日期", "反映日期", "登记日期", "收集日期"]),
    (Column::Channel, &["来源渠道", "渠道", "反映渠道"]),
    (Column::Note, &["备注"]),
];

impl Column {
    /// The name the template uses.
    pub(crate) fn name(self) -> &'static str {
        HEADERS.iter().find(|(c, _)| *c == self).map_or("", |(_, names)| names[0])
    }

    /// The column a header names, after the user's own names (`--map`, `import:`).
    pub(crate) fn of(header: &str, map: &[(String, Column)]) -> Option<Column> {
        let h = normalise(header);
        if h.is_empty() {
            return None;
        }
        map.iter()
            .find(|(name, _)| normalise(name) == h)
            .map(|(_, c)| *c)
            .or_else(|| HEADERS.iter().find(|(_, names)| names.contains(&h.as_str())).map(|(c, _)| *c))
    }

    /// The column a user's word names (for `--map 诉求描述=反映问题`).
    pub(crate) fn parse(word: &str) -> Option<Column> {
        Column::of(word, &[])
    }
}

/// 「* 反映问题（必填）」 → 反映问题.
fn normalise(header: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in header.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth -= 1,
            _ if depth > 0 || c.is_whitespace() || c == '*' || c == '＊' || c == ':' || c == '：' => {}
            _ => out.push(c),
        }
    }
    out
}
