//! Writing one YAML scalar the way a person would: plain when that reads back
//! as the same text, double-quoted (JSON escapes are valid YAML) otherwise.

/// A scalar for a block mapping (`key: value`) or, with `flow`, inside `{ … }`.
pub(crate) fn scalar(text: &str, flow: bool) -> String {
    if is_plain_safe(text, flow) {
        text.to_string()
    } else {
        // JSON escapes are valid YAML; the line breaks JSON leaves raw (NEL, LS, PS) and
        // the other invisible controls a YAML reader would take apart are escaped too.
        let json = serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string());
        json.chars()
            .map(|c| match c {
                '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{7f}'..='\u{9f}' => format!("\\u{:04x}", c as u32),
                c => c.to_string(),
            })
            .collect()
    }
}

/// A list of scalars in flow style: `[甲局, 乙局]`.
pub(crate) fn flow_list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|i| scalar(i, true)).collect();
    format!("[{}]", inner.join(", "))
}

/// Whether `text` written plain reads back as exactly `text`, as a string (not
/// null, a boolean or a number), and cannot end the line early or start a structure.
fn is_plain_safe(text: &str, flow: bool) -> bool {
    let Some(first) = text.chars().next() else { return false };
    if text.trim() != text || text.contains(['\n', '\r', '\t']) {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    if flow && text.contains([',', '[', ']', '{', '}']) {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    if matches!(lower.as_str(), "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n") {
        return false;
    }
    // Anything a reader could take for a number (13800000000, 1e5, 0x1F, .5, 1_000).
    let numberish = text.chars().all(|c| c.is_ascii_digit() || "+-._eExXoObB".contains(c))
        && text.chars().any(|c| c.is_ascii_digit());
    // 0x1F, 0o17 and 0b101 are numbers to a YAML 1.2 reader; .inf and .nan too.
    let radix = ["0x", "0o", "0b", "+0x", "-0x"].iter().any(|p| lower.starts_with(p));
    let special = matches!(lower.trim_start_matches(['+', '-']), ".inf" | ".nan");
    let invisible = text.chars().any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'));
    !numberish && !radix && !special && !invisible
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_when_it_reads_back_the_same() {
        assert_eq!(scalar("国网湖州供电公司", false), "国网湖州供电公司");
        assert_eq!(scalar("已安排4路和12路延伸，遮雨棚下月建成。", false), "已安排4路和12路延伸，遮雨棚下月建成。");
        assert_eq!(scalar("13800000131", false), "\"13800000131\"");
        assert_eq!(scalar("note: x", false), "\"note: x\"");
        assert_eq!(scalar("# 不是注释", false), "\"# 不是注释\"");
        assert_eq!(scalar("是 #1", false), "\"是 #1\"");
        assert_eq!(scalar("true", false), "\"true\"");
        assert_eq!(scalar("第一行\n第二行", false), "\"第一行\\n第二行\"");
        assert_eq!(scalar("", false), "\"\"");
        assert_eq!(scalar("甲局,乙局", true), "\"甲局,乙局\"");
        assert_eq!(scalar("甲局,乙局", false), "甲局,乙局");
        assert_eq!(flow_list(&["甲局".into(), "{乙局}".into()]), "[甲局, \"{乙局}\"]");
        assert_eq!(scalar("0x1F", false), "\"0x1F\"");
        assert_eq!(scalar(".inf", false), "\".inf\"");
        assert_eq!(scalar("甲\u{85}乙", false), "\"甲\\u0085乙\"");
        assert_eq!(scalar("甲\u{2028}乙", false), "\"甲\\u2028乙\"");
    }

    #[test]
    fn every_scalar_reads_back_as_written() {
        for text in [
            "0x1F",
            "0o17",
            ".nan",
            "-.inf",
            "甲\u{85}乙",
            "甲\u{2028}乙\u{2029}丙",
            "\u{feff}开头",
            "a: b",
            "- x",
            "[x]",
            "'q'",
            "\"q\"",
            "null",
            "~",
            "0x1F",
            "1e5",
            "2026-06-03",
            "x # y",
            "  x",
            "é\u{7}",
            "@me",
            "a\\b",
        ] {
            for flow in [false, true] {
                let yaml = if flow {
                    format!("{{ k: {} }}\n", scalar(text, true))
                } else {
                    format!("k: {}\n", scalar(text, false))
                };
                let node = crate::load::yaml::parse("t.yaml", &yaml).unwrap().unwrap();
                let crate::load::yaml::Value::Map(entries) = node.value else { panic!("{yaml}") };
                assert_eq!(entries[0].1.as_str(), Some(text), "{yaml}");
            }
        }
    }
}
