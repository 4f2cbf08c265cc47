//! Personal data in what is published: phone numbers and contact names are masked
//! on every page, in their own fields and wherever a phone number was typed
//! into free text (a note, a reply, a description).

/// 13800000131 → 138****0131; a landline 0572-2345678 → 0572-***5678; anything
/// else with digits keeps only its last four.
pub fn phone(p: &str) -> String {
    let digits: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 {
        return "*".repeat(p.chars().count().max(1));
    }
    let last4: String = digits[digits.len() - 4..].iter().collect();
    if digits.len() == 11 && digits[0] == '1' {
        let first3: String = digits[..3].iter().collect();
        return format!("{first3}****{last4}");
    }
    format!("***{last4}")
}

/// 周某某 → 周**: the family name stays, so a clerk still knows whom to ask at the office.
pub fn name(n: &str) -> String {
    let mut cs = n.trim().chars();
    match cs.next() {
        Some(first) => format!("{first}{}", "*".repeat(cs.count().max(1))),
        None => String::new(),
    }
}

/// Masks every phone number in free text: a mobile number (11 digits from 1,
/// spaces or dashes allowed: 138 0000 0131) or a landline with its area code
/// (0572-2345678), when it is not part of a longer number such as a credit code.
pub fn phones_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = phone_at(&chars, i) {
            let found: String = chars[i..end].iter().collect();
            out.push_str(&phone(&found));
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The end of a phone number starting at `i`, if one does: the longest run
/// of digits (single separators allowed) that is a whole phone number and is
/// not followed by another letter or digit.
fn phone_at(chars: &[char], i: usize) -> Option<usize> {
    let c = *chars.get(i)?;
    let joined_before = i > 0 && chars[i - 1].is_ascii_alphanumeric();
    if joined_before || !(c == '1' || c == '0' || c == '+') {
        return None;
    }
    let mut j = i + usize::from(c == '+');
    let mut number = String::new();
    let mut found = None;
    while j < chars.len() {
        let ch = chars[j];
        if ch.is_ascii_digit() {
            number.push(ch);
            j += 1;
            let whole = !chars.get(j).is_some_and(char::is_ascii_alphanumeric);
            let n = if c == '+' { number.strip_prefix("86").unwrap_or(&number) } else { number.as_str() };
            let mobile = n.len() == 11 && n.starts_with('1') && matches!(n.as_bytes()[1], b'3'..=b'9');
            let landline = n.starts_with('0') && (10..=12).contains(&n.len());
            if whole && (mobile || landline) {
                found = Some(j);
            }
        } else if matches!(ch, '-' | ' ' | '－')
            && !number.is_empty()
            && chars.get(j + 1).is_some_and(char::is_ascii_digit)
        {
            j += 1;
        } else {
            break;
        }
    }
    found
}

/// Whether text still holds a phone number (for tests of every page).
pub fn has_phone(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len()).any(|i| phone_at(&chars, i).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        assert_eq!(phone("13800000131"), "138****0131");
        assert_eq!(phone("0572-2345678"), "***5678");
        assert_eq!(phone("12"), "**");
        assert_eq!(name("周某"), "周*");
        assert_eq!(name("欧阳小明"), "欧***");
        assert_eq!(name("  "), "");
    }

    #[test]
    fn phones_in_free_text() {
        assert_eq!(phones_in("请联系13912345678。"), "请联系139****5678。");
        assert_eq!(phones_in("电话 139 1234 5678 或 0572-2345678"), "电话 139****5678 或 ***5678");
        assert_eq!(phones_in("+86 13912345678"), "***5678");
        // Not phones: a credit code, an amount, a date, a case id.
        for keep in ["91330528MA3J9HTM5X", "损失约80万元", "2026-06-01", "HZ-2026-0131", "12345678901234"] {
            assert_eq!(phones_in(keep), keep);
            assert!(!has_phone(keep), "{keep}");
        }
        assert!(has_phone("x13800000131"[1..].as_ref()));
        assert!(!has_phone(&phones_in("13800000131 0572-2345678")));
    }
}
