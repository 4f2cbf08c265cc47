//! YAML text to a small tree that remembers where every node starts.
//!
//! The tree is built from `saphyr-parser` events so that every later check can
//! point at a line and column. Aliases are expanded under a budget and nesting
//! is bounded, so a hostile file costs bounded time and memory.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span};

use crate::diag::{Diagnostic, Pos};

/// Deepest nesting accepted; real case files nest four levels.
pub(crate) const MAX_DEPTH: usize = 64;
/// Most nodes one file may expand to, aliases included.
pub(crate) const MAX_NODES: usize = 100_000;
/// Most bytes of text one file may expand to, aliases included: every
/// expanded scalar is copied when it is read, so a 100 KB scalar aliased
/// 20,000 times would cost gigabytes though it is only one node each time.
pub(crate) const MAX_EXPANDED_BYTES: usize = 16 * 1024 * 1024;

/// A YAML node and where it starts; scalars borrow from the text when they can.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'a> {
    /// Where the node starts.
    pub(crate) pos: Pos,
    /// What it holds.
    pub(crate) value: Value<'a>,
}

/// The value of a node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    /// `~`, `null` or nothing.
    Null,
    /// Any scalar, as written (plain numbers and booleans too).
    Str(Cow<'a, str>),
    /// A sequence.
    Seq(Vec<Node<'a>>),
    /// A mapping, in file order.
    Map(Vec<(Node<'a>, Node<'a>)>),
}

impl Node<'_> {
    /// The scalar text, if this is a scalar.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A Chinese word for the node's kind, for messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "空值",
            Value::Str(_) => "文本",
            Value::Seq(_) => "列表",
            Value::Map(_) => "映射",
        }
    }
}

enum Frame<'a> {
    Seq { pos: Pos, anchor: usize, items: Vec<Node<'a>> },
    Map { pos: Pos, anchor: usize, entries: Vec<(Node<'a>, Node<'a>)>, key: Option<Node<'a>> },
}

/// Parses one YAML document. Returns `Ok(None)` for a file with no document.
pub(crate) fn parse<'a>(file: &str, text: &'a str) -> Result<Option<Node<'a>>, Diagnostic> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame<'a>> = Vec::new();
    let mut anchors: HashMap<usize, (Node<'a>, Cost)> = HashMap::new();
    let mut root: Option<Node<'a>> = None;
    let mut nodes = 0usize;
    let mut bytes = text.len();
    let mut documents = 0;
    let mut last_end = Pos::start();

    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| syntax_error(file, text, &e, last_end))?;
        let pos = pos_of(&span);
        last_end = Pos::new(span.end.line() as u32, span.end.col() as u32 + 1);
        let complete = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(Diagnostic::error(
                        "yaml-multiple-documents",
                        file,
                        pos,
                        "一个文件只能有一个 YAML 文档",
                    )
                    .with_hint("每个案件请单独建一个文件，删除多余的 ---"));
                }
                None
            }
            Event::Scalar(text, style, anchor, _) => {
                nodes += 1;
                let value = if style == ScalarStyle::Plain && matches!(&*text, "" | "~" | "null" | "Null" | "NULL") {
                    Value::Null
                } else {
                    Value::Str(text)
                };
                Some((Node { pos, value }, anchor))
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(Diagnostic::error("yaml-too-deep", file, pos, format!("嵌套层级超过 {MAX_DEPTH} 层"))
                        .with_hint("案件文件通常只有三四层缩进，请检查文件内容"));
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq { pos, anchor, items: Vec::new() }
                } else {
                    Frame::Map { pos, anchor, entries: Vec::new(), key: None }
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { pos, anchor, items }) => Some((Node { pos, value: Value::Seq(items) }, anchor)),
                Some(Frame::Map { pos, anchor, entries, .. }) => {
                    Some((Node { pos, value: Value::Map(entries) }, anchor))
                }
                None => None,
            },
            Event::Alias(id) => {
                let Some((node, size)) = anchors.get(&id) else {
                    return Err(Diagnostic::error("yaml-syntax", file, pos, "引用了未定义的锚点"));
                };
                nodes = nodes.saturating_add(size.nodes);
                bytes = bytes.saturating_add(size.bytes);
                if nodes > MAX_NODES || bytes > MAX_EXPANDED_BYTES {
                    let what = if nodes > MAX_NODES {
                        format!("{MAX_NODES} 个节点")
                    } else {
                        format!("{} MB 文字", MAX_EXPANDED_BYTES >> 20)
                    };
                    return Err(Diagnostic::error(
                        "yaml-alias-bomb",
                        file,
                        pos,
                        format!("别名展开后超过 {what}，已停止读取"),
                    )
                    .with_hint("文件中的锚点（&）与别名（*）反复引用，疑似恶意构造；请删除别名"));
                }
                let mut node = node.clone();
                node.pos = pos;
                Some((node, 0))
            }
        };
        let Some((node, anchor)) = complete else { continue };
        if anchor != 0 {
            anchors.insert(anchor, (node.clone(), cost(&node)));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }
    Ok(root)
}

/// What expanding a node once costs.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    nodes: usize,
    bytes: usize,
}

fn cost(node: &Node) -> Cost {
    let mut c = Cost { nodes: 1, bytes: 0 };
    let mut add = |n: &Node| {
        let d = cost(n);
        c.nodes = c.nodes.saturating_add(d.nodes);
        c.bytes = c.bytes.saturating_add(d.bytes);
    };
    match &node.value {
        Value::Str(s) => return Cost { nodes: 1, bytes: s.len() },
        Value::Seq(items) => items.iter().for_each(&mut add),
        Value::Map(entries) => entries.iter().for_each(|(k, v)| {
            add(k);
            add(v);
        }),
        Value::Null => {}
    }
    c
}

fn pos_of(span: &Span) -> Pos {
    Pos::new(span.start.line() as u32, span.start.col() as u32 + 1)
}

/// A scanner error in Chinese, placed where the problem starts.
fn syntax_error(file: &str, text: &str, e: &ScanError, last_end: Pos) -> Diagnostic {
    let info = e.info();
    let mut pos = Pos::new(e.marker().line() as u32, e.marker().col() as u32 + 1);
    if info.contains("recursion limit") {
        return Diagnostic::error("yaml-too-deep", file, pos, format!("嵌套层级过深（{info}）"))
            .with_hint("案件文件通常只有三四层缩进，请检查文件内容");
    }
    let (message, hint) = if info.contains("quoted scalar") {
        // The scanner notices a missing closing quote only at the end of the
        // file; the clerk needs the line where the quote was opened.
        if let Some(open) = opening_quote_after(text, last_end) {
            pos = open;
        }
        ("引号未闭合", "请在文本末尾补上配对的引号")
    } else if info.contains("tab") {
        ("YAML 缩进不能使用 Tab 键", "请把行首的 Tab 改为空格")
    } else if info.contains("mapping values are not allowed") {
        ("此处不能出现「键: 值」", "冒号后要有空格；值里含有冒号时请给整个值加引号；也请检查缩进")
    } else if info.contains("did not find expected") || info.contains("while parsing a block") {
        ("缩进或结构有误", "同一层的字段要左对齐，列表项以「- 」开头")
    } else {
        ("YAML 语法错误", "请检查这一行的缩进、冒号和引号")
    };
    Diagnostic::error("yaml-syntax", file, pos, format!("{message}（{info}）")).with_hint(hint)
}

/// The first quote that opens a scalar at or after `from`.
fn opening_quote_after(text: &str, from: Pos) -> Option<Pos> {
    for (i, line) in text.lines().enumerate().skip(from.line.saturating_sub(1) as usize) {
        let line_no = i as u32 + 1;
        let skip = if line_no == from.line { from.column.saturating_sub(1) as usize } else { 0 };
        let mut prev = ' ';
        let mut seen_non_space = false;
        for (col, c) in line.chars().enumerate().skip(skip) {
            if (c == '"' || c == '\'')
                && (matches!(prev, ':' | '-' | '[' | '{' | ',')
                    || (prev == ' '
                        && (!seen_non_space
                            || line
                                .chars()
                                .take(col)
                                .collect::<String>()
                                .trim_end()
                                .ends_with([':', '-', '[', '{', ',']))))
            {
                return Some(Pos::new(line_no, col as u32 + 1));
            }
            if c == '#' && prev == ' ' {
                break;
            }
            if !c.is_whitespace() {
                seen_non_space = true;
            }
            prev = c;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node<'_> {
        parse("t.yaml", text).unwrap().unwrap()
    }

    #[test]
    fn positions_are_one_based_in_characters() {
        let node = parse_ok("id: 甲\ntimeline:\n  - lead: 市交通局\n");
        let Value::Map(entries) = node.value else { panic!() };
        let Value::Seq(items) = &entries[1].1.value else { panic!() };
        let Value::Map(event) = &items[0].value else { panic!() };
        assert_eq!(event[0].1.pos, Pos::new(3, 11));
    }

    #[test]
    fn crlf_and_nulls() {
        let node = parse_ok("a: ~\r\nb:\r\nc: 'null'\r\n");
        let Value::Map(entries) = node.value else { panic!() };
        assert_eq!(entries[0].1.value, Value::Null);
        assert_eq!(entries[1].1.value, Value::Null);
        assert_eq!(entries[2].1.value, Value::Str(Cow::Borrowed("null")));
        assert_eq!(entries[2].1.pos, Pos::new(3, 4));
    }

    #[test]
    fn unclosed_quote_points_at_its_opening() {
        let d = parse("t.yaml", "id: x\ntitle: \"园区公交\nnote: y\nmore: z\n").unwrap_err();
        assert_eq!((d.code.as_str(), d.line, d.column), ("yaml-syntax", 2, 8));
        assert!(d.message.starts_with("引号未闭合"));
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let d = parse("t.yaml", &text).unwrap_err();
        assert_eq!(d.code, "yaml-alias-bomb");
    }

    #[test]
    fn a_long_text_aliased_many_times_is_bounded_by_bytes() {
        // 100 KB aliased 20,000 times: 20,000 nodes, under the node budget, but 2 GB of text.
        let mut text = format!("a: &big \"{}\"\nb: [", "x".repeat(100_000));
        text.push_str(&vec!["*big"; 20_000].join(", "));
        text.push_str("]\n");
        let d = parse("t.yaml", &text).unwrap_err();
        assert_eq!((d.code.as_str(), d.line), ("yaml-alias-bomb", 2));
        assert!(d.message.contains("16 MB"), "{}", d.message);
        // A modest reuse is fine.
        let text = format!("a: &t \"{}\"\nb: [*t, *t, *t]\n", "x".repeat(1000));
        assert!(parse("t.yaml", &text).is_ok());
    }

    #[test]
    fn small_aliases_expand() {
        let node = parse_ok("a: &x [1, 2]\nb: *x\n");
        let Value::Map(entries) = node.value else { panic!() };
        assert_eq!(entries[0].1.value, entries[1].1.value);
        assert_eq!(entries[1].1.pos, Pos::new(2, 4));
    }

    #[test]
    fn absurd_nesting_is_refused() {
        let text = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse("t.yaml", &text).unwrap_err().code, "yaml-too-deep");
    }

    #[test]
    fn second_document_is_refused() {
        assert_eq!(parse("t.yaml", "a: 1\n---\nb: 2\n").unwrap_err().code, "yaml-multiple-documents");
    }

    #[test]
    fn tabs_get_a_chinese_message() {
        let d = parse("t.yaml", "a:\n\tb: 1\n").unwrap_err();
        assert_eq!(d.code, "yaml-syntax");
        assert_eq!(d.line, 2);
    }
}
