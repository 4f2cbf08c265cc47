//! Adding an item to, or taking one out of, a list field (`tags: [共性问题]`, a
//! department's `aliases:`), changing only that field's lines: a flow list
//! `[a, b]` on one line, a block list of `- a` lines, or a field not yet there.
//! Written by hand because no YAML library edits a document in place; the
//! caller reads the result back and refuses it unless it holds exactly the
//! values expected, so a shape this does not know is refused, never mangled.

use super::scalar::scalar;
use super::update::{entry_end, indent, is_key};

/// Where the field is: a top-level key (`at` 0, the whole file), or a key of a
/// list entry's mapping (`at` 2, the entry's lines `from..to`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place<'a> {
    /// The key.
    pub(crate) key: &'a str,
    /// Its indentation.
    pub(crate) at: usize,
    /// The lines it is looked for in.
    pub(crate) lines: (usize, usize),
    /// Keys a new field goes before (a case file's usual order), else after the last line.
    pub(crate) before: &'a [&'a str],
}

/// A scalar as written, without its quotes.
fn unquoted(raw: &str) -> String {
    let t = raw.trim();
    if t.len() >= 2 && ((t.starts_with('"') && t.ends_with('"')) || (t.starts_with('\'') && t.ends_with('\''))) {
        serde_json::from_str::<String>(t).unwrap_or_else(|_| t[1..t.len() - 1].to_string())
    } else {
        t.to_string()
    }
}

/// The line's value after `key:`, without its line end, and where a flow list's brackets are.
fn flow(line: &str, key: &str, at: usize) -> Option<(usize, usize)> {
    let value_start = at + key.len() + 1;
    let open = value_start + line[value_start..].find(|c: char| c != ' ')?;
    if !line[open..].starts_with('[') {
        return None;
    }
    let close = open + line[open..].find(']')?;
    Some((open, close))
}

/// The text with `item` added to the list at `place`.
pub(crate) fn add(text: &str, place: &Place, item: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let (from, to) = (place.lines.0, place.lines.1.min(lines.len()));
    let written = scalar(item, true);
    let Some(i) = (from..to).find(|&i| is_key(lines[i], place.key, place.at)) else {
        // Not there yet: a line of its own, before the keys that come later.
        let before = (from..to).find(|&i| place.before.iter().any(|k| is_key(lines[i], k, place.at)));
        let mut at_line = before.unwrap_or(to);
        // After the last non-blank line of the range when appended at its end.
        while before.is_none() && at_line > from && lines[at_line - 1].trim().is_empty() {
            at_line -= 1;
        }
        let mut out: String = lines[..at_line].concat();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(&format!("{}{}: [{written}]{newline}", " ".repeat(place.at), place.key));
        out.push_str(&lines[at_line..].concat());
        return Ok(out);
    };
    let line = lines[i];
    let mut out: String = lines[..i].concat();
    if let Some((open, close)) = flow(line, place.key, place.at) {
        let inner = line[open + 1..close].trim();
        let joined =
            if inner.is_empty() { written } else { format!("{}, {written}", line[open + 1..close].trim_end()) };
        out.push_str(&format!("{}{joined}{}", &line[..=open], &line[close..]));
        out.push_str(&lines[i + 1..].concat());
        return Ok(out);
    }
    let value = line[place.at + place.key.len() + 1..].trim();
    if !value.is_empty() && !value.starts_with('#') {
        return Err(format!("「{}」写成了单个值，不是列表；请先改为列表（如 [{value}]）", place.key));
    }
    // A block list: a `- item` line after its last item, as the items are indented.
    let end = entry_end(&lines, i, to);
    let pad =
        (i + 1..end).find(|&j| lines[j].trim_start().starts_with("- ")).map_or(place.at + 2, |j| indent(lines[j]));
    out.push_str(&lines[i..end].concat());
    if !out.ends_with('\n') {
        out.push_str(newline);
    }
    out.push_str(&format!("{}- {written}{newline}", " ".repeat(pad)));
    out.push_str(&lines[end..].concat());
    Ok(out)
}

/// The text with `item` taken out of the list at `place`; `Err` when it is not in it.
pub(crate) fn remove(text: &str, place: &Place, item: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let (from, to) = (place.lines.0, place.lines.1.min(lines.len()));
    let missing = || format!("「{}」中没有「{item}」", place.key);
    let i = (from..to).find(|&i| is_key(lines[i], place.key, place.at)).ok_or_else(missing)?;
    let line = lines[i];
    let mut out: String = lines[..i].concat();
    if let Some((open, close)) = flow(line, place.key, place.at) {
        let items: Vec<&str> = line[open + 1..close].split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
        let kept: Vec<&str> = items.iter().copied().filter(|raw| unquoted(raw) != item).collect();
        if kept.len() == items.len() {
            return Err(missing());
        }
        out.push_str(&format!("{}{}{}", &line[..=open], kept.join(", "), &line[close..]));
        out.push_str(&lines[i + 1..].concat());
        return Ok(out);
    }
    let end = entry_end(&lines, i, to);
    let found = (i + 1..end)
        .find(|&j| lines[j].trim_start().strip_prefix("- ").is_some_and(|v| unquoted(strip_comment(v)) == item))
        .ok_or_else(missing)?;
    let left = (i + 1..end).filter(|&j| j != found && lines[j].trim_start().starts_with("- ")).count();
    if left == 0 {
        // An empty block list would read as an empty value: it becomes `[]`.
        let newline = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
        // The key line's own comment stays on it.
        let comment =
            line.trim_end_matches(['\r', '\n']).find(" #").map_or("", |c| &line.trim_end_matches(['\r', '\n'])[c..]);
        out.push_str(&format!("{}{}: []{comment}{newline}", " ".repeat(place.at), place.key));
        out.extend((i + 1..end).filter(|&j| j != found && !lines[j].trim_start().starts_with("- ")).map(|j| lines[j]));
    } else {
        out.extend((i..end).filter(|&j| j != found).map(|j| lines[j]));
    }
    out.push_str(&lines[end..].concat());
    Ok(out)
}

fn strip_comment(v: &str) -> &str {
    v.find(" #").map_or(v, |at| &v[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOP: Place = Place { key: "tags", at: 0, lines: (0, usize::MAX), before: &["description", "timeline"] };

    #[test]
    fn a_flow_list_gains_and_loses_an_item_on_its_own_line() {
        let text = "id: A-1\ntags: [共性问题]   # 标签\ntimeline: []\n";
        let added = add(text, &TOP, "典型案例").unwrap();
        assert_eq!(added, "id: A-1\ntags: [共性问题, 典型案例]   # 标签\ntimeline: []\n");
        assert_eq!(remove(&added, &TOP, "典型案例").unwrap(), text);
        assert_eq!(remove(text, &TOP, "共性问题").unwrap(), "id: A-1\ntags: []   # 标签\ntimeline: []\n");
        assert!(remove(text, &TOP, "没有的").is_err());
        assert_eq!(add("tags: []\n", &TOP, "甲").unwrap(), "tags: [甲]\n");
    }

    #[test]
    fn a_block_list_gets_a_line_and_a_missing_field_its_own_line() {
        let text = "id: A-1\r\ntags:\r\n  - 共性问题\r\n\r\ndescription: 略\r\n";
        let added = add(text, &TOP, "典型案例").unwrap();
        assert_eq!(added, "id: A-1\r\ntags:\r\n  - 共性问题\r\n  - 典型案例\r\n\r\ndescription: 略\r\n");
        assert_eq!(remove(&added, &TOP, "典型案例").unwrap(), text);
        assert_eq!(remove(text, &TOP, "共性问题").unwrap(), "id: A-1\r\ntags: []\r\n\r\ndescription: 略\r\n");
        let commented = "tags:   # 标签\n  - 共性问题\n";
        assert_eq!(remove(commented, &TOP, "共性问题").unwrap(), "tags: [] # 标签\n");
        let none = "id: A-1\n# 说明\ndescription: 略\ntimeline:\n  - { date: 2026-06-03, event: note, text: x }\n";
        assert_eq!(add(none, &TOP, "典型案例").unwrap(), none.replace("# 说明\n", "# 说明\ntags: [典型案例]\n"));
        // A value that would need quotes in a flow list gets them.
        assert_eq!(add("tags: [a]\n", &TOP, "a, b").unwrap(), "tags: [a, \"a, b\"]\n");
    }

    #[test]
    fn a_comment_at_column_zero_after_a_list_is_not_cut_inside_a_character() {
        let text = "- name: 甲局\n  aliases:\n    - 甲\n#市教育局旧称\n- name: 乙局\n";
        let place = Place { key: "aliases", at: 2, lines: (0, 4), before: &["level"] };
        assert_eq!(add(text, &place, "甲局旧名").unwrap(), text.replace("    - 甲\n", "    - 甲\n    - 甲局旧名\n"));
    }

    #[test]
    fn a_key_of_an_entry_is_edited_within_its_lines() {
        let text = "- name: 甲局\n  short: 甲\n- name: 乙局\n  aliases: [乙]\n  level: city\n";
        let second = Place { key: "aliases", at: 2, lines: (2, 5), before: &["level"] };
        assert_eq!(add(text, &second, "乙局旧名").unwrap(), text.replace("[乙]", "[乙, 乙局旧名]"));
        let first = Place { key: "aliases", at: 2, lines: (0, 2), before: &["level"] };
        assert_eq!(
            add(text, &first, "甲局旧名").unwrap(),
            text.replace("  short: 甲\n", "  short: 甲\n  aliases: [甲局旧名]\n")
        );
    }
}
