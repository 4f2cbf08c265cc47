//! Setting a few fields of a case file (`import --update`): each field's own
//! lines are replaced and every other byte — comments, order, quoting, keys
//! written in Chinese — stays as it was.

use super::scalar::scalar;

/// A field to set: a top-level key, or a key of a top-level mapping (`enterprise` → `name`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct SetField<'a> {
    pub(crate) parent: Option<&'a str>,
    pub(crate) key: &'a str,
    pub(crate) value: &'a str,
}

/// Keys a new top-level field goes before, in a case file's usual order.
const LATER_KEYS: [&str; 4] = ["description", "source", "timeline", "extra"];

/// The text with each field set.
pub(crate) fn set_fields(text: &str, fields: &[SetField]) -> Result<String, String> {
    let mut out = text.to_string();
    for f in fields {
        out = set_field(&out, f)?;
    }
    Ok(out)
}

pub(super) fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Whether a line is `key:` (followed by a space, a line end, or nothing) at an indentation.
pub(super) fn is_key(line: &str, key: &str, at: usize) -> bool {
    indent(line) == at
        && line[at..]
            .strip_prefix(key)
            .and_then(|r| r.strip_prefix(':'))
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\n', '\r']))
}

/// The lines of the entry whose key line is `i`, up to `limit`: its key line and
/// every deeper or blank line after it, and the items of a block list written at
/// the key's own indentation (`tags:\n- a`); trailing blank lines left out.
pub(super) fn entry_end(lines: &[&str], i: usize, limit: usize) -> usize {
    let at = indent(lines[i]);
    let item_at_key = |l: &str| indent(l) == at && l.trim_start().starts_with("- ");
    let mut j = i + 1;
    while j < limit && (blank(lines[j]) || indent(lines[j]) > at || item_at_key(lines[j])) {
        j += 1;
    }
    while j > i + 1 && blank(lines[j - 1]) {
        j -= 1;
    }
    j
}

/// `key: value` at an indentation: one line, or a literal block for several.
fn render(key: &str, value: &str, at: usize) -> String {
    let pad = " ".repeat(at);
    let value = value.trim_end();
    if !value.contains('\n') {
        return format!("{pad}{key}: {}\n", scalar(value, false));
    }
    let indicator = if value.starts_with(' ') { "|2" } else { "|" };
    let mut out = format!("{pad}{key}: {indicator}\n");
    for line in value.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{pad}  {line}\n"));
        }
    }
    out
}

fn set_field(text: &str, f: &SetField) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let (start, end, at) = match f.parent {
        None => match lines.iter().position(|l| is_key(l, f.key, 0)) {
            Some(i) => (i, entry_end(&lines, i, lines.len()), 0),
            None => {
                let before = lines.iter().position(|l| LATER_KEYS.iter().any(|k| is_key(l, k, 0)));
                let i = before.unwrap_or(lines.len());
                (i, i, 0)
            }
        },
        Some(parent) => {
            let p = lines.iter().position(|l| is_key(l, parent, 0)).ok_or_else(|| format!("文件中没有「{parent}」"))?;
            let block = entry_end(&lines, p, lines.len());
            let child = (p + 1..block).find(|&i| !blank(lines[i]) && !lines[i].trim_start().starts_with('#'));
            let at = child.map_or(2, |i| indent(lines[i]));
            match (p + 1..block).find(|&i| is_key(lines[i], f.key, at)) {
                Some(i) => (i, entry_end(&lines, i, lines.len()), at),
                None => return Err(format!("「{parent}」下没有「{}」", f.key)),
            }
        }
    };
    let mut out: String = lines[..start].concat();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(newline);
    }
    // A one-line value replaced by a one-line value keeps the line's comment and its quoting.
    let kept = (end == start + 1 && !f.value.trim_end().contains('\n'))
        .then(|| one_line(lines[start], f.key, at, f.value.trim_end()))
        .flatten();
    // The file's own line ends.
    match kept {
        Some(line) => out.push_str(&format!("{line}{newline}")),
        None => out.push_str(&render(f.key, f.value, at).replace('\n', newline)),
    }
    out.push_str(&lines[end..].concat());
    Ok(out)
}

/// `key: value` written as the old line was: the same quotes (when they can hold the
/// new value), the same comment after it. `None` when the old line is not a one-line value.
fn one_line(old: &str, key: &str, at: usize, value: &str) -> Option<String> {
    let line = old.trim_end_matches(['\r', '\n']);
    let rest = line.get(at + key.len() + 1..)?;
    let lead = &rest[..rest.len() - rest.trim_start().len()];
    let v = rest.trim_start();
    // Where the old value ends: after its closing quote, or before a comment.
    let (quote, value_len) = match v.chars().next() {
        Some('"') => {
            let mut escaped = false;
            let close = v[1..].char_indices().find(|(_, c)| {
                let end = *c == '"' && !escaped;
                escaped = *c == '\\' && !escaped;
                end
            })?;
            (Some('"'), close.0 + 2)
        }
        Some('\'') => {
            let bytes = v.as_bytes();
            let mut i = 1;
            loop {
                match bytes.get(i) {
                    Some(b'\'') if bytes.get(i + 1) == Some(&b'\'') => i += 2,
                    Some(b'\'') => break,
                    Some(_) => i += 1,
                    None => return None,
                }
            }
            (Some('\''), i + 1)
        }
        Some('|' | '>' | '[' | '{' | '&' | '*' | '!') => return None,
        _ => (None, v.find(" #").unwrap_or(v.len())),
    };
    let comment = v[value_len..].trim_end();
    if !comment.is_empty() && !comment.trim_start().starts_with('#') {
        return None;
    }
    let written = match quote {
        Some('"') => serde_json::to_string(value).ok()?,
        Some(_) if !value.chars().any(|c| c.is_control()) => format!("'{}'", value.replace('\'', "''")),
        _ => scalar(value, false),
    };
    let lead = if lead.is_empty() { " " } else { lead };
    Some(format!("{}{key}:{lead}{written}{}", " ".repeat(at), v[value_len..].trim_end()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = "# 园区公交\nid: HZ-2026-0301\ntitle: 旧标题   \nenterprise:\n  name: 湖州甲公司\n  # 联系人另行登记\n  contact: 李某\ncategory: \"交通出行\"\ndescription: |\n  第一行\n\n  第二行\n\n# 以下为办理过程\ntimeline:\n  - date: 2026-11-23\n    event: assigned\n    lead: 市交通运输局\n";

    fn set(fields: &[(Option<&str>, &str, &str)]) -> String {
        let fields: Vec<SetField> = fields.iter().map(|(p, k, v)| SetField { parent: *p, key: k, value: v }).collect();
        set_fields(CASE, &fields).unwrap()
    }

    #[test]
    fn only_the_fields_lines_change() {
        let out = set(&[(None, "title", "新标题"), (Some("enterprise"), "name", "湖州甲科技有限公司")]);
        let expected = CASE
            .replace("title: 旧标题   \n", "title: 新标题\n")
            .replace("  name: 湖州甲公司\n", "  name: 湖州甲科技有限公司\n");
        assert_eq!(out, expected);
    }

    #[test]
    fn a_changed_line_keeps_its_comment_and_its_quotes() {
        let text =
            "id: A-1\ntitle: \"旧标题\"   # 会上原话\ncategory: '交通'\nenterprise:\n  name: 甲公司 # 全称待核\n";
        let fields = [
            SetField { parent: None, key: "title", value: "新标题" },
            SetField { parent: None, key: "category", value: "交通出行's" },
            SetField { parent: Some("enterprise"), key: "name", value: "湖州甲公司" },
        ];
        let out = set_fields(text, &fields).unwrap();
        assert_eq!(
            out,
            "id: A-1\ntitle: \"新标题\"   # 会上原话\ncategory: '交通出行''s'\nenterprise:\n  name: 湖州甲公司 # 全称待核\n"
        );
    }

    #[test]
    fn a_block_is_replaced_whole_and_what_follows_it_stays() {
        let out = set(&[(None, "description", "只有一行：园区道路破损")]);
        assert_eq!(
            out,
            CASE.replace("description: |\n  第一行\n\n  第二行\n", "description: 只有一行：园区道路破损\n")
        );
        let out = set(&[(None, "description", "甲\n乙")]);
        assert!(out.contains("description: |\n  甲\n  乙\n\n# 以下为办理过程\ntimeline:"), "{out}");
    }

    #[test]
    fn a_list_at_its_keys_indentation_is_replaced_with_it() {
        let text = "id: A-1\ntitle:\n- 甲\n\n- 乙\ncategory: 交通\n";
        let out = set_fields(text, &[SetField { parent: None, key: "title", value: "新" }]).unwrap();
        assert_eq!(out, "id: A-1\ntitle: 新\ncategory: 交通\n");
    }

    #[test]
    fn a_file_with_crlf_keeps_them() {
        let text = CASE.replace('\n', "\r\n");
        let out = set_fields(&text, &[SetField { parent: None, key: "title", value: "新" }]).unwrap();
        assert_eq!(out, text.replace("title: 旧标题   \r\n", "title: 新\r\n"));
    }

    #[test]
    fn a_missing_field_goes_before_the_description_and_odd_values_are_quoted() {
        let text = CASE.replace("category: \"交通出行\"\n", "");
        let out = set_fields(&text, &[SetField { parent: None, key: "category", value: "是: 否" }]).unwrap();
        assert!(out.contains("  contact: 李某\ncategory: \"是: 否\"\ndescription: |"), "{out}");
        assert!(set_fields(CASE, &[SetField { parent: Some("enterprise"), key: "phone", value: "1" }]).is_err());
    }
}
