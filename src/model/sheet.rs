//! The columns of a problem list (问题清单): what each holds and the headers
//! offices write for it. Read by `qinqing.yaml`'s `import:` section, the
//! importer and the template, so a column is declared once, here.

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
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
    /// 答复日期: when the lead replied.
    Replied,
    /// 办理结果: resolved, in progress, planned, explained, unresolvable.
    Result,
    /// 答复内容: what the reply said.
    ReplyText,
    /// 评价: the enterprise's rating.
    Rating,
    /// 评价日期: when it rated.
    Evaluated,
    /// 办结日期: when the case was closed.
    Closed,
    /// 办理状态: what the register says the case's state is (checked against its dates).
    State,
    /// 督办文号: the supervision notice's number.
    Supervised,
    /// 督办日期: when the notice went out.
    SupervisedOn,
    /// 层级: a level of the settings (市级, 区县).
    Level,
    /// 办理方式: 即刻解, 协同解, 闭环解, 联席会议.
    Handling,
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
    (Column::Replied, &["答复日期", "答复时间", "回复日期", "反馈日期"]),
    (Column::Result, &["办理结果", "答复结果", "解决情况", "办理结果类型"]),
    (Column::ReplyText, &["答复内容", "办理情况", "答复情况", "回复内容", "反馈情况"]),
    (Column::Rating, &["评价", "满意度", "企业评价", "满意度评价", "企业满意度"]),
    (Column::Evaluated, &["评价日期", "回访日期", "评价时间"]),
    (Column::Closed, &["办结日期", "办结时间", "销号日期"]),
    (Column::State, &["办理状态", "状态", "是否办结"]),
    (Column::Supervised, &["督办文号", "督办通知文号"]),
    (Column::SupervisedOn, &["督办日期", "督办时间"]),
    (Column::Level, &["层级", "级别", "问题层级"]),
    (Column::Handling, &["办理方式", "解决方式"]),
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

/// What offices write in an enumerated column for each value, besides the
/// value's own English and Chinese names. Only sure synonyms: 非常满意 is not
/// 满意 (ask with `--map-value`).
pub(crate) const VALUE_SYNONYMS: &[(Column, &str, &[&str])] = &[
    (Column::Result, "resolved", &["解决", "已办结", "办结"]),
    (Column::Result, "in_progress", &["解决中", "正在办理", "办理中"]),
    (Column::Result, "planned", &["已列入计划", "纳入计划"]),
    (Column::Result, "explained", &["解释说明", "已解释", "政策已解释"]),
    (Column::Result, "unresolvable", &["暂不能解决", "不能解决", "无法办理"]),
    (Column::State, "closed", &["已办结", "办结", "是", "已销号"]),
    (Column::State, "open", &["办理中", "在办", "正在办理", "未办结", "否"]),
    (Column::Channel, "hotline", &["12345", "12345热线", "热线电话", "政务热线", "12345政务服务热线", "市长热线"]),
    (Column::Channel, "meeting", &["恳谈会", "政企恳谈会", "会上", "会议现场"]),
    (Column::Channel, "online", &["网上", "线上", "企业服务码", "网络", "网上留言", "线上专栏"]),
    (Column::Channel, "visit", &["走访", "大走访", "上门", "上门走访"]),
    (Column::Channel, "written", &["来信", "书面", "信件", "书面材料"]),
];

/// A value an office writes in a column, and the value it means (`--map-value
/// 来源渠道:12345热线=热线`, `import: values:` in qinqing.yaml).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ValueMap {
    pub(crate) column: Column,
    pub(crate) written: String,
    pub(crate) means: String,
}

impl ValueMap {
    /// Reads `列:写法=含义`.
    pub(crate) fn parse(s: &str) -> Result<ValueMap, String> {
        let (column, rest) = s.split_once([':', '：']).ok_or("请写成 列:写法=含义，如 来源渠道:12345热线=热线")?;
        let (written, means) = rest.split_once(['=', '＝']).ok_or("请写成 列:写法=含义，如 来源渠道:12345热线=热线")?;
        let column = Column::parse(column)
            .ok_or_else(|| format!("「{column}」不是问题清单的列；可用模板里的列名，如 来源渠道"))?;
        let (written, means) = (written.trim(), means.trim());
        if written.is_empty() || means.is_empty() {
            return Err("写法和含义都不能为空".into());
        }
        Ok(ValueMap { column, written: written.to_string(), means: means.to_string() })
    }
}

/// A cell's word after the user's own mapping (spaces taken out): what the office wrote, or what it means.
pub(crate) fn mapped(column: Column, cell: &str, maps: &[ValueMap]) -> String {
    let cell: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    maps.iter().find(|m| m.column == column && m.written == cell).map_or(cell, |m| m.means.clone())
}

/// The value a cell means in an enumerated column: the user's own mapping
/// first, then the value's names, then the synonyms offices write.
pub(crate) fn value_of<T: crate::model::Named>(column: Column, cell: &str, maps: &[ValueMap]) -> Option<T> {
    let word = mapped(column, cell, maps);
    let word = word.as_str();
    T::parse(word).or_else(|| {
        VALUE_SYNONYMS
            .iter()
            .find(|(c, _, words)| *c == column && words.contains(&word))
            .and_then(|(_, key, _)| T::parse(key))
    })
}

crate::model::named_enum!(
    /// What a register's 办理状态 says of a case.
    RegisterState, "办理状态", {
    /// Closed (已办结).
    Closed = "closed" / "已办结",
    /// Still being handled (办理中).
    Open = "open" / "办理中",
});
