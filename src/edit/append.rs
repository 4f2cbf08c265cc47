//! Appending a timeline entry to a case file without touching a byte the user
//! wrote: the new lines go after the last entry, in the style of the entries
//! already there (block or `{ … }` flow, their indentation, their line endings,
//! Chinese or English event names).

use crate::load::yaml::{self, Node, Value};
use crate::model::{EventType, Named};

/// A field value to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FieldValue {
    /// Free text.
    Text(String),
    /// A list of texts (`co`, `participants`).
    List(Vec<String>),
    /// A date.
    Date(chrono::NaiveDate),
    /// An enumerated value, written in English or Chinese as the file does.
    Named(&'static str, &'static str),
}

impl FieldValue {
    /// The value as words, for messages and commit subjects.
    pub(crate) fn words(&self) -> String {
        match self {
            FieldValue::Text(t) => t.lines().next().unwrap_or_default().to_string(),
            FieldValue::List(items) => items.join("、"),
            FieldValue::Date(d) => d.to_string(),
            FieldValue::Named(_, zh) => zh.to_string(),
        }
    }
}

/// One timeline entry to add.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewEvent {
    /// When.
    pub(crate) date: chrono::NaiveDate,
    /// What.
    pub(crate) kind: EventType,
    /// Its other fields, in the order they are written.
    pub(crate) fields: Vec<(&'static str, FieldValue)>,
}

/// Why an entry could not be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AppendError {
    /// The file is not a YAML mapping we can read.
    Unreadable(String),
    /// `timeline` is written in a form we do not extend (a flow list, a scalar).
    TimelineForm,
    /// `timeline: ~` or `timeline: null`.
    EmptyValue,
}

impl std::fmt::Display for AppendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppendError::Unreadable(why) => write!(f, "案件文件无法读取：{why}"),
            AppendError::EmptyValue => write!(f, "timeline 写成了空值（~ 或 null），请删掉这个值再运行"),
            AppendError::TimelineForm => {
                write!(f, "timeline 写成了一行的列表，无法只追加一行；请改成每个事件以「- date: …」开头的写法")
            }
        }
    }
}

/// How the file writes things.
struct Style {
    newline: &'static str,
    chinese_values: bool,
}

/// The file's text with the entry added; every existing byte is kept.
pub(crate) fn append_event(text: &str, event: &NewEvent) -> Result<String, AppendError> {
    // A file whose lines end in CR alone (an old Mac editor): edited as lines, written back so.
    if text.contains('\r') && !text.contains('\n') {
        return append_event(&text.replace('\r', "\n"), event).map(|t| t.replace('\n', "\r"));
    }
    let root = yaml::parse("case", text).map_err(|d| AppendError::Unreadable(d.message))?;
    let Some(Node { value: Value::Map(entries), .. }) = &root else {
        return Err(AppendError::Unreadable("顶层不是映射".into()));
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let style = Style {
        newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
        chinese_values: uses_chinese_events(entries),
    };
    let timeline = entries.iter().find(|(k, _)| k.as_str() == Some("timeline"));
    let mut out = String::with_capacity(text.len() + 200);
    match timeline {
        None => {
            // No timeline yet: the key and the first entry at the end of the file.
            out.push_str(text);
            if !text.is_empty() && !text.ends_with('\n') {
                out.push_str(style.newline);
            }
            out.push_str("timeline:");
            out.push_str(style.newline);
            out.push_str(&block_entry(event, 2, 4, &style));
        }
        Some((key, Node { value: Value::Null, .. })) => {
            // `timeline:` written with nothing after it: the first entry goes right under the key.
            let at = key.pos.line as usize - 1;
            let key_line = lines.get(at).copied().unwrap_or_default();
            let code = key_line.split(" #").next().unwrap_or_default().trim_end();
            if !code.ends_with(':') {
                return Err(AppendError::EmptyValue);
            }
            let indent = key_line.chars().take_while(|c| *c == ' ').count();
            for (i, l) in lines.iter().enumerate() {
                out.push_str(l);
                if i == at {
                    if !l.ends_with('\n') {
                        out.push_str(style.newline);
                    }
                    out.push_str(&block_entry(event, indent + 2, indent + 4, &style));
                }
            }
        }
        Some((key, Node { value: Value::Seq(items), .. })) if items.is_empty() => {
            // `timeline: []` (the format allows it): the brackets go, the first entry comes under the key.
            let at = key.pos.line as usize - 1;
            let key_line = lines.get(at).copied().unwrap_or_default();
            let body = key_line.trim_end_matches(['\r', '\n']);
            let (code, comment) = body.split_once(" #").map_or((body, ""), |(c, _)| (c, &body[c.len()..]));
            let Some(before) = code.trim_end().strip_suffix("[]") else { return Err(AppendError::TimelineForm) };
            let indent = key_line.chars().take_while(|c| *c == ' ').count();
            for (i, l) in lines.iter().enumerate() {
                if i == at {
                    out.push_str(&format!("{}{comment}{}", before.trim_end(), style.newline));
                    out.push_str(&block_entry(event, indent + 2, indent + 4, &style));
                } else {
                    out.push_str(l);
                }
            }
        }
        Some((_, Node { value: Value::Seq(items), pos })) => {
            let Some(last) = items.last() else { return Err(AppendError::TimelineForm) };
            let first_line = lines.get(pos.line as usize - 1).copied().unwrap_or_default();
            if first_line.trim_start().starts_with('[') || first_line.contains(": [") {
                return Err(AppendError::TimelineForm);
            }
            // The entry's dash: on the line its content starts, or alone on the line before.
            let content_line = last.pos.line as usize - 1;
            let line_index = match lines.get(content_line) {
                Some(l) if l.trim_start().starts_with('-') => content_line,
                _ if content_line > 0 && lines.get(content_line - 1).is_some_and(|l| l.trim() == "-") => {
                    content_line - 1
                }
                _ => return Err(AppendError::TimelineForm),
            };
            let line = lines[line_index];
            let dash = line.len() - line.trim_start().len();
            let dash_col = line[..dash].chars().count();
            let end = end_of_item(&lines, content_line, dash_col);
            let after_dash = &line[dash + 1..];
            let entry = if after_dash.trim_start().starts_with('{') {
                flow_entry(event, dash_col, &style)
            } else {
                // Keys line up where the last entry's first key starts.
                let key_col = (last.pos.column as usize).saturating_sub(1).max(dash_col + 2);
                block_entry(event, dash_col, key_col, &style)
            };
            for (i, l) in lines.iter().enumerate() {
                out.push_str(l);
                if i == end {
                    if !l.ends_with('\n') {
                        out.push_str(style.newline);
                    }
                    out.push_str(&entry);
                }
            }
        }
        Some(_) => return Err(AppendError::TimelineForm),
    }
    Ok(out)
}

/// The file's text without its last timeline entry (the lines of that entry,
/// its comments included), and the line the entry started on; every other
/// byte is kept. A timeline left empty loses its key too, as a file without
/// one was before its first entry was appended.
pub(crate) fn remove_last_event(text: &str) -> Result<(String, u32), AppendError> {
    if text.contains('\r') && !text.contains('\n') {
        return remove_last_event(&text.replace('\r', "\n")).map(|(t, line)| (t.replace('\n', "\r"), line));
    }
    let root = yaml::parse("case", text).map_err(|d| AppendError::Unreadable(d.message))?;
    let Some(Node { value: Value::Map(entries), .. }) = &root else {
        return Err(AppendError::Unreadable("顶层不是映射".into()));
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some((key, Node { value: Value::Seq(items), pos })) =
        entries.iter().find(|(k, _)| k.as_str() == Some("timeline"))
    else {
        return Err(AppendError::Unreadable("没有办理过程可以撤销".into()));
    };
    let Some(last) = items.last() else { return Err(AppendError::Unreadable("没有办理过程可以撤销".into())) };
    let first_line = lines.get(pos.line as usize - 1).copied().unwrap_or_default();
    if first_line.trim_start().starts_with('[') || first_line.contains(": [") {
        return Err(AppendError::TimelineForm);
    }
    let content_line = last.pos.line as usize - 1;
    let start = match lines.get(content_line) {
        Some(l) if l.trim_start().starts_with('-') => content_line,
        _ if content_line > 0 && lines.get(content_line - 1).is_some_and(|l| l.trim() == "-") => content_line - 1,
        _ => return Err(AppendError::TimelineForm),
    };
    let dash = lines[start].len() - lines[start].trim_start().len();
    let dash_col = lines[start][..dash].chars().count();
    let end = end_of_item(&lines, content_line, dash_col);
    // The only entry, and nothing after it: the key goes with it.
    let key_line = key.pos.line as usize - 1;
    let alone = items.len() == 1 && start == key_line + 1 && lines[end + 1..].iter().all(|l| l.trim().is_empty());
    let from = if alone { key_line } else { start };
    let mut out: String = lines[..from].concat();
    out.push_str(&lines[end + 1..].concat());
    Ok((out, start as u32 + 1))
}

/// The last line (index) of the item whose dash is on `start`: the following
/// lines indented deeper than the dash (its comments too), up to the last one
/// with content; a comment at the dash's column or less belongs to what follows.
fn end_of_item(lines: &[&str], start: usize, dash_col: usize) -> usize {
    let mut end = start;
    for (i, l) in lines.iter().enumerate().skip(start + 1) {
        if l.trim().is_empty() {
            continue;
        }
        let indent = l.chars().take_while(|c| *c == ' ').count();
        if l.trim_start().starts_with('#') {
            if indent > dash_col {
                end = i;
            }
            continue;
        }
        if indent > dash_col {
            end = i;
        } else {
            break;
        }
    }
    end
}

/// Whether the file's events are written with Chinese names (`event: 交办`).
fn uses_chinese_events(entries: &[(Node, Node)]) -> bool {
    let Some((_, Node { value: Value::Seq(items), .. })) = entries.iter().find(|(k, _)| k.as_str() == Some("timeline"))
    else {
        return false;
    };
    let kinds: Vec<&str> = items
        .iter()
        .filter_map(|i| match &i.value {
            Value::Map(e) => e.iter().find(|(k, _)| k.as_str() == Some("event")).and_then(|(_, v)| v.as_str()),
            _ => None,
        })
        .collect();
    !kinds.is_empty() && kinds.iter().all(|k| !k.is_ascii())
}

/// The entry's fields as (key, value written), `date` and `event` first.
fn pairs(event: &NewEvent, style: &Style, flow: bool) -> Vec<(&'static str, String)> {
    let kind = if style.chinese_values { event.kind.zh() } else { event.kind.key() };
    let mut out = vec![("date", event.date.to_string()), ("event", kind.to_string())];
    for (key, value) in &event.fields {
        let written = match value {
            FieldValue::Text(t) => super::scalar::scalar(t, flow),
            FieldValue::List(items) => super::scalar::flow_list(items),
            FieldValue::Date(d) => d.to_string(),
            FieldValue::Named(en, zh) => (if style.chinese_values { *zh } else { *en }).to_string(),
        };
        out.push((key, written));
    }
    out
}

/// `  - date: …\n    event: …\n`: the dash at column `dash_col`, the keys at `key_col` (0-based).
fn block_entry(event: &NewEvent, dash_col: usize, key_col: usize, style: &Style) -> String {
    let mut s = String::new();
    for (i, (key, value)) in pairs(event, style, false).into_iter().enumerate() {
        let lead = if i == 0 {
            format!("{}-{}", " ".repeat(dash_col), " ".repeat(key_col - dash_col - 1))
        } else {
            " ".repeat(key_col)
        };
        s.push_str(&format!("{lead}{key}: {value}{}", style.newline));
    }
    s
}

/// An entry as a new file's timeline writes it: block style, English names.
pub(crate) fn entry_text(event: &NewEvent) -> String {
    block_entry(event, 2, 4, &Style { newline: "\n", chinese_values: false })
}

/// `  - { date: …, event: … }\n`.
fn flow_entry(event: &NewEvent, dash_col: usize, style: &Style) -> String {
    let inner: Vec<String> = pairs(event, style, true).into_iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{}- {{ {} }}{}", " ".repeat(dash_col), inner.join(", "), style.newline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note() -> NewEvent {
        NewEvent {
            date: "2026-06-05".parse().unwrap(),
            kind: EventType::Note,
            fields: vec![("text", FieldValue::Text("催办".into()))],
        }
    }

    /// Appends, checks that the original bytes are all still there in order, and reads the case back.
    fn appended(text: &str) -> String {
        let out = append_event(text, &note()).unwrap();
        let mut sink = crate::diag::Sink::new("cases/A-1.yaml");
        let node = crate::load::yaml::parse(sink.file, &out).unwrap().unwrap();
        let case = crate::load::case::read_case(sink.file, &node, &mut sink).unwrap();
        assert!(sink.diagnostics.is_empty(), "{:?}\n{out}", sink.diagnostics);
        let last = case.timeline.last().unwrap();
        assert_eq!((last.kind, last.text.as_deref()), (EventType::Note, Some("催办")), "{out}");
        out
    }

    #[test]
    fn a_last_line_without_a_line_break_gains_one_and_nothing_else_changes() {
        let text = "id: A-1\ntitle: 甲\ntimeline:\n  - date: 2026-06-01\n    event: assigned\n    lead: 甲局";
        let out = appended(text);
        assert_eq!(out, format!("{text}\n  - date: 2026-06-05\n    event: note\n    text: 催办\n"));
    }

    #[test]
    fn an_empty_timeline_key_gets_its_first_entry_right_under_it() {
        let text = "id: A-1\ntimeline:   # 办理过程\ntitle: 甲\nextra: { a: 1 }\n";
        assert_eq!(
            appended(text),
            "id: A-1\ntimeline:   # 办理过程\n  - date: 2026-06-05\n    event: note\n    text: 催办\ntitle: 甲\nextra: { a: 1 }\n"
        );
        assert_eq!(append_event("id: A-1\ntitle: 甲\ntimeline: ~\n", &note()), Err(AppendError::EmptyValue));
        // `timeline: []`, as docs/format.md allows: the brackets go, the comment stays.
        let empty = "id: A-1\ntitle: 甲\ntimeline: []   # 办理过程\nextra: {}\n";
        assert_eq!(
            appended(empty),
            "id: A-1\ntitle: 甲\ntimeline: # 办理过程\n  - date: 2026-06-05\n    event: note\n    text: 催办\nextra: {}\n"
        );
        // Lines ending in CR alone: edited as lines, written back with CR.
        let cr = "id: A-1\rtitle: 甲\rtimeline:\r  - date: 2026-06-01\r    event: note\r    text: 甲\r";
        let out = appended(cr);
        assert!(
            !out.contains('\n') && out.ends_with("  - date: 2026-06-05\r    event: note\r    text: 催办\r"),
            "{out:?}"
        );
        assert_eq!(remove_last_event(&out).unwrap().0, cr, "and undone byte for byte");
    }

    #[test]
    fn a_dash_alone_on_its_line_and_forms_that_cannot_be_extended() {
        let text = "id: A-1\ntitle: 甲\ntimeline:\n  -\n    date: 2026-06-01\n    event: assigned\n    lead: 甲局\n";
        assert!(appended(text).ends_with("    lead: 甲局\n  - date: 2026-06-05\n    event: note\n    text: 催办\n"));
        let flow = "id: A-1\ntitle: 甲\ntimeline: [{ date: 2026-06-01, event: note }]\n";
        assert_eq!(append_event(flow, &note()), Err(AppendError::TimelineForm));
        assert!(matches!(append_event("- a\n- b\n", &note()), Err(AppendError::Unreadable(_))));
        assert!(matches!(append_event("id: [\n", &note()), Err(AppendError::Unreadable(_))));
    }

    #[test]
    fn undoing_the_last_entry_gives_back_the_file_byte_for_byte() {
        let files = [
            // Block entries with a comment and CRLF line ends.
            "id: A\r\ntimeline:\r\n  - date: 2026-06-01\r\n    event: assigned  # 会后交办\r\n    lead: 甲局\r\n",
            // Flow entries, a key after the timeline.
            "id: A\ntimeline:\n  - { date: 2026-06-01, event: assigned, lead: 甲局 }\nextra:\n  x: 1\n",
            // No timeline yet: the key the entry brought goes with it.
            "id: A\ntitle: 标题\n",
        ];
        for original in files {
            let with = append_event(original, &note()).unwrap();
            let (back, line) = remove_last_event(&with).unwrap();
            assert_eq!(back, original, "from:\n{with}");
            assert!(line > 1);
        }
        // The entry before it stays; one that is not last is never touched.
        let two = append_event(&append_event(files[1], &note()).unwrap(), &note()).unwrap();
        assert_eq!(remove_last_event(&two).unwrap().0, append_event(files[1], &note()).unwrap());
        assert!(remove_last_event("id: A\n").is_err(), "nothing to undo");
        assert!(matches!(
            remove_last_event("id: A\ntimeline: [{ date: 2026-06-01, event: note }]\n"),
            Err(AppendError::TimelineForm)
        ));
    }
}
