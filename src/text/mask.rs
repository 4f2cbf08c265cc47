//! Personal data in what is published. A [`Redactor`] masks, in any text,
//! every phone number and resident ID number it recognises and every contact
//! name the repository's cases give, and a contact name written after 联系人.
//! Names in general cannot be recognised: only those the repository knows are.
//!
//! Hand-written rather than a regex: the formats overlap (a landline inside
//! an ID, a date that is eight digits, a credit code that holds eleven), and
//! deciding among them needs the digits read once with their separators.

use aho_corasick::{AhoCorasick, MatchKind};

/// 13800000131 → 138****0131; a landline 0572-2345678 → ***5678; anything
/// else with digits keeps only its last four.
pub fn phone(p: &str) -> String {
    let digits: Vec<char> = p.chars().filter_map(ascii_digit).collect();
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

/// 33050119900307123X → **************123X.
fn id_number(digits: &str) -> String {
    let n = digits.chars().count();
    let last4: String = digits.chars().skip(n.saturating_sub(4)).collect();
    format!("{}{last4}", "*".repeat(n.saturating_sub(4)))
}

/// Masks personal data in any text: phones and ID numbers by their form,
/// contact names by the list it was made with.
#[derive(Debug, Clone)]
pub struct Redactor {
    names: Option<AhoCorasick>,
}

/// Words after which a person's name is written (联系人：王某).
const NAME_LABELS: [&str; 3] = ["联系人", "经办人", "反映人"];

impl Redactor {
    /// A redactor that knows these contact names; names of one character are
    /// skipped, as masking them would mask that character everywhere.
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Redactor {
        let names: Vec<&str> = names.into_iter().map(str::trim).filter(|n| n.chars().count() >= 2).collect();
        // A name written with a blank between its characters (周 某, 周​某) is the same name.
        let mut names: Vec<String> = names
            .iter()
            .flat_map(|n| {
                let chars: Vec<String> = n.chars().map(String::from).collect();
                std::iter::once(n.to_string()).chain([" ", "\u{3000}", "\u{a0}", "\u{200b}"].map(|sep| chars.join(sep)))
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        let names = (!names.is_empty())
            .then(|| AhoCorasick::builder().match_kind(MatchKind::LeftmostLongest).build(&names).ok())
            .flatten();
        Redactor { names }
    }

    /// The text with every personal datum masked.
    pub fn text(&self, text: &str) -> String {
        let text = emails_in(text);
        let text = phones_in(&text);
        let text = names_after_labels(&text);
        match &self.names {
            Some(ac) if ac.is_match(&text) => {
                let mut out = String::with_capacity(text.len());
                let mut last = 0;
                for m in ac.find_iter(&text) {
                    out.push_str(&text[last..m.start()]);
                    out.push_str(&name(&text[m.start()..m.end()]));
                    last = m.end();
                }
                out.push_str(&text[last..]);
                out
            }
            _ => text,
        }
    }
}

/// name.surname@example.com → n***@example.com: an email's local part is the person's; the domain
/// (an office's, a mail provider's) stays.
pub(crate) fn emails_in(text: &str) -> String {
    if !text.contains('@') {
        return text.to_string();
    }
    let local = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let domain = |c: char| c.is_ascii_alphanumeric() || ".-".contains(c);
    let chars: Vec<char> = text.chars().collect();
    // Characters are copied as they come; at an address's `@` its local part, the tail copied last, is
    // cut back (each character is looked at a bounded number of times: no text makes this slow).
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '@' {
            let start = out.iter().rev().take_while(|c| local(**c)).count();
            let host: String = chars[i + 1..].iter().take_while(|c| domain(**c)).take(255).collect();
            let host = host.trim_end_matches('.');
            if start > 0 && host.contains('.') && !host.starts_with('.') {
                let first = out[out.len() - start];
                out.truncate(out.len() - start);
                out.push(first);
                out.extend("***".chars());
            }
        }
        out.push(c);
    }
    out.into_iter().collect()
}

/// 联系人：王小明 → 联系人：王**: up to four Chinese characters after a label.
fn names_after_labels(text: &str) -> String {
    if !NAME_LABELS.iter().any(|l| text.contains(l)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, label)) = NAME_LABELS.iter().filter_map(|l| rest.find(l).map(|i| (i, *l))).min() {
        let after = at + label.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        let sep: usize = rest
            .chars()
            .take_while(|c| matches!(c, ':' | '：' | ' ' | '　' | '（' | '(' | '—' | '-' | '－' | '\u{200b}'))
            .map(char::len_utf8)
            .sum();
        out.push_str(&rest[..sep]);
        rest = &rest[sep..];
        // Up to four characters, a single blank between two of them allowed (王 小明).
        let mut name_len = 0;
        let mut han = 0;
        let mut it = rest.char_indices().peekable();
        while let Some((at, c)) = it.next() {
            if is_han(c) && han < 4 {
                han += 1;
                name_len = at + c.len_utf8();
            } else if matches!(c, ' ' | '\u{200b}' | '\u{3000}')
                && han > 0
                && it.peek().is_some_and(|(_, n)| is_han(*n))
            {
                continue;
            } else {
                break;
            }
        }
        // 联系人员, 联系人为: a word, not a name; a name is two to four characters.
        if (2..=4).contains(&han) && !rest.starts_with(['员', '为', '是', '及', '和', '的', '们']) {
            out.push_str(&name(&rest[..name_len]));
            rest = &rest[name_len..];
        }
    }
    out.push_str(rest);
    out
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// A digit, full-width or not, as ASCII.
fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => None,
    }
}

/// A Chinese numeral as a digit (一三九… is how a phone number is sometimes
/// written to slip past filters; 幺 is 1 read aloud).
fn chinese_digit(c: char) -> Option<char> {
    let other = match c {
        '零' | '○' | '◯' => Some(0),
        '幺' => Some(1),
        '两' => Some(2),
        _ => "零壹贰叁肆伍陆柒捌玖".chars().position(|d| d == c),
    };
    let at = "〇一二三四五六七八九".chars().position(|d| d == c).or(other)?;
    char::from_digit(at as u32, 10)
}

/// A digit of another script or style (circled ①, superscript ¹, subscript ₁,
/// mathematical 𝟏, Arabic-Indic ١) as ASCII: a number written in them is still a number.
fn other_digit(c: char) -> Option<char> {
    let n = c as u32;
    let value = match n {
        0x2460..=0x2468 => n - 0x2460 + 1,
        0x24EA => 0,
        0x2070 => 0,
        0x00B9 => 1,
        0x00B2 => 2,
        0x00B3 => 3,
        0x2074..=0x2079 => n - 0x2070,
        0x2080..=0x2089 => n - 0x2080,
        0x1D7CE..=0x1D7FF => (n - 0x1D7CE) % 10,
        0x0660..=0x0669 => n - 0x0660,
        0x06F0..=0x06F9 => n - 0x06F0,
        _ => return None,
    };
    char::from_digit(value, 10)
}

/// A character as the scanner reads it: full-width digits and signs as ASCII;
/// spaces of every width, and the invisible ones put between digits, as a space.
fn narrow(c: char) -> char {
    if let Some(d) = other_digit(c) {
        return d;
    }
    match c {
        '０'..='９' => ascii_digit(c).unwrap_or(c),
        '\u{a0}'
        | '\u{ad}'
        | '\u{2000}'..='\u{200d}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{202f}'
        | '\u{205f}'..='\u{2064}'
        | '\u{feff}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}' | '～' | '~' | '·' | '_' | '*' => '-',
        '（' => '(',
        '）' => ')',
        '＋' => '+',
        '－' => '-',
        '．' => '.',
        '　' => ' ',
        'x' | 'ｘ' | 'Ｘ' => 'X',
        _ => c,
    }
}

/// Masks every phone number and ID number in free text.
pub fn phones_in(text: &str) -> String {
    let text = &chinese_numbers(text);
    let chars: Vec<char> = text.chars().map(narrow).collect();
    if !chars.iter().any(char::is_ascii_digit) {
        return text.to_string();
    }
    let original: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some((end, kind)) = number_at(&chars, i) {
            let found: String = chars[i..end].iter().collect();
            // A number in parentheses keeps its opening one: (13912345678) → (139****5678).
            if found.starts_with('(') && !found.contains(')') {
                out.push(original[i]);
            }
            match kind {
                Found::Phone => out.push_str(&phone(&found)),
                Found::Id(digits) => out.push_str(&id_number(&digits)),
            }
            i = end;
        } else {
            out.push(original[i]);
            i += 1;
        }
    }
    out
}

/// A mobile number written in Chinese numerals (一三九一二三四五六七八, separators
/// allowed as between digits) masked as the digits would be; other runs of
/// numerals are words and stay.
fn chinese_numbers(text: &str) -> std::borrow::Cow<'_, str> {
    let chars: Vec<char> = text.chars().collect();
    let numerals = chars.iter().filter(|c| chinese_digit(**c).is_some()).count();
    if numerals == 0 || numerals + chars.iter().filter(|c| narrow(**c).is_ascii_digit()).count() < 11 {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        // The numerals from here, single separators between them allowed.
        let mut digits = String::new();
        let mut j = i;
        let mut end = i;
        let mut numerals = 0;
        while j < chars.len() && digits.len() < 11 {
            // Chinese numerals, with Arabic digits mixed in (139七三三七6336) once a numeral has come.
            let d = chinese_digit(chars[j]).inspect(|_| numerals += 1).or_else(|| {
                let a = narrow(chars[j]);
                (a.is_ascii_digit()
                    && (numerals > 0 || chars[j + 1..].iter().take(11).any(|c| chinese_digit(*c).is_some())))
                .then_some(a)
            });
            if let Some(d) = d {
                digits.push(d);
                j += 1;
                end = j;
            } else if !digits.is_empty() && separator(narrow(chars[j])) {
                j += 1;
            } else {
                break;
            }
        }
        let more = chars.get(end).is_some_and(|c| chinese_digit(*c).is_some() || narrow(*c).is_ascii_digit());
        let before_digit = i > 0 && narrow(chars[i - 1]).is_ascii_digit();
        let b = digits.as_bytes();
        if numerals > 0 && digits.len() == 11 && !more && !before_digit && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
        {
            out.push_str(&phone(&digits));
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Whether text still holds a phone or ID number (for tests of what is published).
pub fn has_phone(text: &str) -> bool {
    if *chinese_numbers(text) != *text {
        return true;
    }
    let chars: Vec<char> = text.chars().map(narrow).collect();
    (0..chars.len()).any(|i| number_at(&chars, i).is_some())
}

enum Found {
    Phone,
    /// The ID's characters, separators left out.
    Id(String),
}

/// Characters that may stand between the digit groups of one number.
fn separator(c: char) -> bool {
    matches!(c, '-' | ' ' | '.' | '(' | ')')
}

/// What a number is followed by when it is a quantity, not a phone.
fn unit(c: char) -> bool {
    "元万亿千百%‰年月日号个人次件家户平亩米吨台套辆天时分秒岁倍项笔期届条层栋间位名kKmMgGtT㎡㎥㎏㎞㎝㎜".contains(c)
}

/// The phone or ID number starting at `i`, if one does: the longest run of
/// digits (single separators allowed) that is a whole number of a known form
/// and not part of a longer code, id, amount or date.
fn number_at(chars: &[char], i: usize) -> Option<(usize, Found)> {
    let c = *chars.get(i)?;
    if !(c.is_ascii_digit() || c == '+' || c == '(') {
        return None;
    }
    let before = |k: usize| i.checked_sub(k).and_then(|j| chars.get(j)).copied();
    // Eleven digits of a mobile number are one whatever leads them (Tel.、No.、wx_、a link's path).
    let mobile_ahead = chars
        .get(i..i + 11)
        .is_some_and(|d| d.iter().all(char::is_ascii_digit) && d[0] == '1' && ('3'..='9').contains(&d[1]))
        && !chars.get(i + 11).is_some_and(char::is_ascii_digit)
        && !before(1).is_some_and(|p| p.is_ascii_digit());
    // After letters or a word that names a code, seven or eight digits are that code, not a phone.
    let lettered = before(1).is_some_and(|p| p.is_ascii_alphabetic())
        // A standard's number (GB/T 9704-2012, ISO 9001, DB33/T 1234): its code, a blank, digits.
        || before(1) == Some(' ') && {
            let word: String = (2..=6).map_while(|k| before(k).filter(|c| c.is_ascii_alphabetic() || *c == '/')).collect();
            let word: String = word.chars().rev().collect();
            ["GB", "GB/T", "GB/Z", "ISO", "IEC", "JGJ", "HJ", "DB", "T"].iter().any(|w| word == *w || word.ends_with(&format!("/{w}")))
        }
        || ["编号", "单号", "工号", "文号", "批号", "证号", "序号", "合同号", "账号"]
            .iter()
            .any(|w| (1..=w.chars().count()).all(|k| before(k) == w.chars().rev().nth(k - 1)));
    if mobile_ahead {
        return number_at_from(chars, i, c, lettered);
    }
    match before(1) {
        Some(p) if p.is_ascii_digit() || p == '+' || p == '(' && c != '(' => return None,
        // Tel13700137000: letters may lead, unless the token is a code (a
        // credit code, HZ-2026-0131, v1.2.3).
        Some(p) if p.is_ascii_alphabetic() => {
            let start = (0..i).rev().take_while(|&j| chars[j].is_ascii_alphanumeric()).last().unwrap_or(i);
            if chars[start..i].iter().any(char::is_ascii_digit) {
                return None;
            }
            let end = (i..chars.len()).take_while(|&j| chars[j].is_ascii_alphanumeric()).last().map_or(i, |j| j + 1);
            if end - start == 18 {
                return None;
            }
        }
        // A second number after a slash (13912345663/13912345664): the run before it is a number too.
        Some('/') if (1..).map_while(|k| before(k + 1).filter(char::is_ascii_digit)).count() >= 7 => {}
        Some('-' | '.' | '/' | '_') if before(2).is_some_and(|q| q.is_ascii_alphanumeric()) => return None,
        _ => {}
    }
    if c == '(' && !chars.get(i + 1).is_some_and(|d| d.is_ascii_digit() || *d == '+') {
        return None;
    }
    number_at_from(chars, i, c, lettered)
}

/// The number starting at `i`, whatever came before it (see [`number_at`]).
fn number_at_from(chars: &[char], i: usize, c: char, lettered: bool) -> Option<(usize, Found)> {
    let mut j = i;
    let mut digits = String::new();
    let mut separated = false;
    // Separators between digit groups, and the first group's length (837-4567 is a local number).
    let mut groups = 0;
    let mut first_group: Option<usize> = None;
    let mut found = None;
    while j < chars.len() {
        let ch = chars[j];
        if ch.is_ascii_digit() || (ch == 'X' && digits.len() == 17) {
            digits.push(ch);
            j += 1;
            let next = chars.get(j).copied();
            // A letter right after a mobile or a landline with its area code does not make it a code
            // (13200132000x); after anything shorter it may (91330528MA…, a credit code).
            let phone_shaped = looks_like_phone(&digits);
            let whole = !next.is_some_and(|n| {
                n.is_ascii_digit() || n.is_ascii_alphabetic() && !phone_shaped && !(n == 'X' && digits.len() == 17)
            });
            if whole {
                // Two groups (837-4567, 8578 2019) make a local number.
                let two_groups = groups == 1 && first_group.is_some_and(|g| (3..=4).contains(&g));
                let shape = Shape { plus: c == '+', separated, two_groups, lettered };
                if let Some(kind) = classify(&digits, shape, next, chars.get(j + 1).copied()) {
                    found = Some((j, kind));
                }
            }
        } else if (separator(ch) || ch == '+' && digits.is_empty())
            && (chars.get(j + 1).is_some_and(|n| n.is_ascii_digit() || separator(*n) && *n != ch)
                // Two dashes between groups ("139--1234"), never more; two spaces part a table's columns.
                || ch == '-' && chars.get(j + 1) == Some(&ch) && chars.get(j + 2).is_some_and(char::is_ascii_digit) && !digits.is_empty())
            && !(digits.is_empty() && ch != '+' && ch != '(' && c != '+' && c != '(')
        {
            if !digits.is_empty() && ch != '(' && ch != ')' {
                groups += 1;
                first_group.get_or_insert(digits.len());
            }
            separated |= !digits.is_empty() || ch != '(';
            j += 1;
        } else {
            break;
        }
    }
    found
}

/// A mobile number (with or without 86 before it) or a landline with its area code.
fn looks_like_phone(digits: &str) -> bool {
    let national = digits.strip_prefix("0086").or_else(|| digits.strip_prefix("86")).unwrap_or(digits);
    let b = national.as_bytes();
    let mobile = |b: &[u8]| b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    mobile(b) || mobile(digits.as_bytes()) || b.first() == Some(&b'0') && (10..=12).contains(&b.len())
}

/// How a run of digits was written.
#[derive(Clone, Copy)]
struct Shape {
    /// After a `+`.
    plus: bool,
    /// With separators between its digits.
    separated: bool,
    /// Exactly two groups, the first of three or four digits (837-4567, 8578 5678).
    two_groups: bool,
    /// Right after letters or a word that makes it a code (HT2345678, 编号2345678).
    lettered: bool,
}

/// What a run of digits is, if it is personal.
fn classify(digits: &str, shape: Shape, next: Option<char>, after: Option<char>) -> Option<Found> {
    let Shape { plus, separated, two_groups, lettered } = shape;
    // 86 without its + (86-13500135000, 8613500135000) before a mobile number is the country code too.
    let bare_86 = digits.len() == 13
        && digits.starts_with("86")
        && digits.as_bytes()[2] == b'1'
        && (b'3'..=b'9').contains(&digits.as_bytes()[3]);
    let national = if plus || digits.starts_with("0086") || bare_86 {
        digits.strip_prefix("0086").or_else(|| digits.strip_prefix("86")).unwrap_or(digits)
    } else {
        digits
    };
    let b = national.as_bytes();
    let n = b.len();
    let mobile = n == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    let landline = b.first() == Some(&b'0') && (10..=12).contains(&n);
    let foreign_landline = national.len() != digits.len() && b.first() != Some(&b'0') && (9..=11).contains(&n);
    if mobile || landline || foreign_landline {
        return Some(Found::Phone);
    }
    if !separated || digits.len() >= 15 {
        if let Some(id) = resident_id(digits) {
            return Some(id);
        }
    }
    // A local number with no area code: seven or eight digits from 2, written
    // together, not an amount (80000000元, 1.5), a date (20260601) or a part of one.
    let quantity = next.is_some_and(unit)
        || next == Some(' ') && after.is_some_and(unit)
        || matches!(next, Some('.' | ',')) && after.is_some_and(|a| a.is_ascii_digit());
    let local =
        (7..=8).contains(&n) && (b'2'..=b'9').contains(&b[0]) && (!separated || two_groups) && !plus && !lettered;
    (local && !quantity && !looks_like_date(digits)).then_some(Found::Phone)
}

/// An 18-character resident ID (GB 11643: six digits of place, the birth
/// date, three digits and a check digit or X) or an old 15-digit one.
fn resident_id(digits: &str) -> Option<Found> {
    let birth = match digits.len() {
        18 if digits[..17].bytes().all(|b| b.is_ascii_digit()) => &digits[6..14],
        15 if digits.bytes().all(|b| b.is_ascii_digit()) => &format!("19{}", &digits[6..12]),
        _ => return None,
    };
    looks_like_date(birth).then(|| Found::Id(digits.to_string()))
}

/// Eight digits that read as a date from 1900 to 2099.
fn looks_like_date(digits: &str) -> bool {
    if digits.len() != 8 {
        return false;
    }
    let num = |r: std::ops::Range<usize>| digits[r].parse::<u32>().unwrap_or(0);
    matches!(num(0..2), 19 | 20) && (1..=12).contains(&num(4..6)) && (1..=31).contains(&num(6..8))
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_email_keeps_its_domain_and_the_first_letter_of_its_person() {
        assert_eq!(emails_in("请回复 qin.mou@example.com 谢谢"), "请回复 q***@example.com 谢谢");
        assert_eq!(emails_in("邮箱:a@b.cn"), "邮箱:a***@b.cn");
        assert_eq!(emails_in("@某某 回复"), "@某某 回复", "not an address");
        assert_eq!(emails_in("x@localhost"), "x@localhost", "no dotted domain");
    }

    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text, digits and separators mixed with Chinese: masking never
        /// panics and leaves nothing it would itself call a phone or ID.
        #[test]
        fn masked_text_holds_no_number(s in "[0-9０-９ \\-.()（）+XxTel联系人：王某电话号元/\u{a0}\u{200b}一三九〇五幺]{0,60}") {
            let r = Redactor::new(["王某"]);
            let masked = r.text(&s);
            prop_assert!(!has_phone(&masked), "{s:?} → {masked:?}");
        }
    }

    #[test]
    fn fields() {
        assert_eq!(phone("13800000131"), "138****0131");
        assert_eq!(phone("0572-2345678"), "***5678");
        assert_eq!(phone("12"), "**");
        assert_eq!(name("周某"), "周*");
        assert_eq!(name("欧阳小明"), "欧***");
        assert_eq!(name("  "), "");
    }

    /// Every form the hostile-input probe typed, and a few more.
    #[test]
    fn every_phone_and_id_form_is_masked() {
        let cases = [
            ("请联系13912345678。", "请联系139****5678。"),
            ("电话 139 1234 5678 或 0572-2345678", "电话 139****5678 或 ***5678"),
            ("+86 13912345678", "***5678"),
            ("+86-139-1234-5678", "***5678"),
            ("008613912345678", "***5678"),
            ("(0572)2345678", "***5678"),
            ("电话（0572）3456789。", "电话***6789。"),
            ("0572 2345678", "***5678"),
            ("本地电话2345678", "本地电话***5678"),
            ("本地电话23456789，", "本地电话***6789，"),
            ("手机１３８００１３８０００", "手机138****8000"),
            ("Tel13700137000", "Tel137****7000"),
            ("TEL:13700137000", "TEL:137****7000"),
            ("136.0013.6000", "136****6000"),
            ("138-0013-8000转8", "138****8000转8"),
            ("+86-572-7654321", "***4321"),
            ("身份证33050119900307123X号", "身份证**************123X号"),
            ("身份证330501199003071234", "身份证**************1234"),
            ("身份证 330501 19900307 123x", "身份证 **************123X"),
            ("旧证330501900307123", "旧证***********7123"),
            // The second probe's forms: 86 without +, a letter after, a list, invisible and
            // no-break spaces between digits, Chinese numerals.
            ("86-13500135000", "***5000"),
            ("8613500135000", "***5000"),
            ("13200132000x", "132****2000x"),
            ("13912345663/13912345664", "139****5663/139****5664"),
            ("139\u{a0}1234\u{a0}5678", "139****5678"),
            ("139\u{200b}1234\u{200b}5678", "139****5678"),
            ("电话一三九一二三四五六六三", "电话139****5663"),
            ("电话：一三九 一二三四 五六六三。", "电话：139****5663。"),
            ("0572-2345678/0572-2345679", "***5678/***5679"),
            // The third probe's: prefixes, more separators, more numerals, separated local numbers.
            ("Tel.13912345678", "Tel.139****5678"),
            ("wx_13912345678", "wx_139****5678"),
            ("https://e.cn/u/13912345678", "https://e.cn/u/139****5678"),
            ("HZ-2026-0131/13912345678", "HZ-2026-0131/139****5678"),
            ("139\u{2010}1234\u{2010}5678", "139****5678"),
            ("139−1234−5678", "139****5678"),
            ("139--1234--5678", "139****5678"),
            ("139\u{ad}1234\u{ad}5678", "139****5678"),
            ("（13912345678）", "（139****5678）"),
            ("(13912345678)", "(139****5678)"),
            ("电话837-4567。", "电话***4567。"),
            ("8578 5678", "***5678"),
            ("①③⑨①②③④⑤⑥⑦⑧", "139****5678"),
            ("电话一三九○五七二一二三四", "电话139****1234"),
            ("壹叁玖壹贰叁肆伍陆柒捌", "139****5678"),
            ("139七三三七6336", "139****6336"),
            ("Tel 2345678", "Tel ***5678"),
            ("TEL 87654321", "TEL ***4321"),
            ("电话：8578-2019", "电话：***2019"),
            ("电话号码为2345678", "电话号码为***5678"),
        ];
        for (typed, masked) in cases {
            assert_eq!(phones_in(typed), masked, "{typed}");
            assert!(!has_phone(&phones_in(typed)), "{typed}");
        }
    }

    #[test]
    fn codes_amounts_dates_and_ids_are_not_phones() {
        for keep in [
            "91330528MA3J9HTM5X",
            "913305001234567890",
            "损失约80万元",
            "投资12345678元",
            "面积2345678平方米",
            "1234567.5",
            "2,345,678",
            "2026-06-01",
            "20260601",
            "HZ-2026-0131",
            "HZ20260131",
            "12345678901234",
            "v2.3456789",
            "湖营商督〔2026〕3号",
            "第2345678期",
            "一二三四五六七",
            "三年两步走，一二三四五六七八九十",
            "1/2345678",
            "91330528MA3J9HTM5X",
            "投资 23456789 元",
            "年产 2345678 吨",
            "2345678㎡",
            "HT2345678",
            "编号2345678",
            "GB/T 9704-2012",
            "ISO 9001:2015",
            "DB33/T 1234-2020",
            "营业时间8:30-17:30",
            "账户6222021234567890123",
            "订单号13912345678123",
            "拨打12345热线",
        ] {
            assert_eq!(phones_in(keep), keep);
            assert!(!has_phone(keep), "{keep}");
        }
    }

    #[test]
    fn contact_names_are_masked_wherever_they_are_written() {
        let r = Redactor::new(["周某某", "王五", "李", " "]);
        assert_eq!(r.text("周某某反映：请王五回电13912345678"), "周**反映：请王*回电139****5678");
        // One-character names would mask that character everywhere.
        assert_eq!(r.text("李庄路"), "李庄路");
        assert_eq!(r.text("联系人：赵小六，电话略"), "联系人：赵**，电话略");
        assert_eq!(r.text("联系人员已到场"), "联系人员已到场");
        // Written with a blank between its characters, or after the label with other marks.
        let spaced = r.text("周 某 某和王\u{200b}五");
        assert!(!spaced.contains("某") && !spaced.contains('五'), "{spaced}");
        assert_eq!(r.text("联系人（赵小六）"), "联系人（赵**）");
        assert_eq!(r.text("联系人:王 小明"), "联系人:王***");
        assert_eq!(Redactor::new([]).text("无"), "无");
    }
}
