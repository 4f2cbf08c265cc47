//! Where a document's title breaks (GB/T 9704: the title may take several
//! lines, 回行时要做到词意完整，排列对称，长短适宜). Lines are balanced by
//! display width; a line never ends with an opening bracket or starts with
//! closing punctuation (the usual Chinese line-breaking rules, 避头尾); a break
//! after punctuation or at a bracket is preferred to one inside a run of
//! characters, which may split a word. Written by hand: the line-breaking
//! crates implement UAX #14, which allows a break between any two CJK
//! characters and knows nothing of balancing a title.

use unicode_width::UnicodeWidthChar;

/// Width of a title line, in half-width units: 20 characters of 2 号 (22 pt) in
/// the 156 mm type area.
pub(crate) const LINE_UNITS: usize = 40;

/// Characters a line must not start with.
const NO_START: &str = "，。、；：？！）》」』】〕”’…·%％,.;:?!)]}";
/// Characters a line must not end with.
const NO_END: &str = "（《「『【〔“‘([{";
/// Characters after which a break reads naturally.
const GOOD_AFTER: &str = "，、；：）》」』】〕”·";
/// Characters before which a break reads naturally.
const GOOD_BEFORE: &str = "（《「『【〔“";

/// Cost of a break between two ordinary characters (it may split a word), in
/// squared width units: about what a line three characters longer than its
/// neighbour costs.
const PLAIN_BREAK: usize = 40;
/// Cost of a break after a function word (的, 和, 及, 与, 关于): acceptable.
const WORD_BREAK: usize = 8;
/// Cost of a break inside a word (the segmenter's): taken only when a title
/// cannot be broken otherwise.
const INSIDE_WORD: usize = 10_000;
/// Extra cost of a break inside brackets or quotes: a bracketed name is kept
/// whole even at the price of one more line.
const INSIDE_BRACKETS: usize = 400;

/// The title's lines: one if it fits, else as few as fit, balanced.
pub(crate) fn lines(title: &str) -> Vec<String> {
    let chars: Vec<char> = title.trim().chars().collect();
    let widths: Vec<usize> = chars.iter().map(|c| width(*c)).collect();
    let total: usize = widths.iter().sum();
    if total <= LINE_UNITS || chars.len() < 2 {
        return vec![chars.iter().collect()];
    }
    // prefix[i]: width of chars[..i].
    let prefix: Vec<usize> = std::iter::once(0)
        .chain(widths.iter().scan(0, |s, w| {
            *s += w;
            Some(*s)
        }))
        .collect();
    // The fewest lines that fit, or one more when that keeps a word or a bracketed name whole.
    let min_lines = total.div_ceil(LINE_UNITS);
    // A title is a line or three; a very long one (user text in a template) is cut greedily, so the
    // search below stays small.
    if chars.len() > MAX_SEARCHED {
        return greedy(&chars);
    }
    let fewest = (min_lines..=min_lines + 3).find_map(|n| best_breaks(&chars, &prefix, n));
    let Some(mut best) = fewest else { return greedy(&chars) };
    let depth = depths(&chars);
    let edges = crate::text::words::boundaries(&chars.iter().collect::<String>());
    let splits =
        |breaks: &[usize]| -> usize { breaks.iter().filter_map(|&b| break_cost(&chars, b, &depth, &edges)).sum() };
    if splits(&best.1) > 0 {
        if let Some(more) = best_breaks(&chars, &prefix, best.1.len() + 2) {
            if splits(&more.1) < splits(&best.1) {
                best = more;
            }
        }
    }
    let mut out = Vec::with_capacity(best.1.len() + 1);
    let mut from = 0;
    for b in best.1.into_iter().chain([chars.len()]) {
        out.push(chars[from..b].iter().collect());
        from = b;
    }
    out
}

/// Titles longer than this many characters are not searched for the best breaks.
const MAX_SEARCHED: usize = 160;

/// Lines filled one after another, each as full as fits.
fn greedy(chars: &[char]) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut used = 0;
    for &c in chars {
        if used + width(c) > LINE_UNITS && used > 0 {
            out.push(String::new());
            used = 0;
        }
        used += width(c);
        if let Some(l) = out.last_mut() {
            l.push(c);
        }
    }
    out
}

/// Display width in half-width units; punctuation of ambiguous width (“ ” ·) is
/// full width in a Chinese title.
fn width(c: char) -> usize {
    c.width_cjk().unwrap_or(0)
}

/// The cost of breaking before `chars[at]`, or `None` where no break may be.
fn break_cost(chars: &[char], at: usize, depth: &[usize], edges: &[bool]) -> Option<usize> {
    let (before, after) = (chars[at - 1], chars[at]);
    let inside = if depth[at] > 0 && GOOD_BEFORE.contains(after) {
        0
    } else if depth[at] > 0 {
        INSIDE_BRACKETS
    } else {
        0
    };
    if NO_END.contains(before) || NO_START.contains(after) {
        return None;
    }
    // Latin letters and digits of one run stay together (2026, GB/T).
    if before.is_ascii_alphanumeric() && after.is_ascii_alphanumeric() {
        return None;
    }
    if GOOD_AFTER.contains(before) || GOOD_BEFORE.contains(after) {
        return Some(inside);
    }
    // A line never ends inside a word of the segmenter's dictionary (优化营 / 商环境) if it can help it.
    if !edges.get(at).copied().unwrap_or(true) {
        return Some(inside + INSIDE_WORD);
    }
    let word_end = matches!(before, '的' | '和' | '及' | '与') || (at >= 2 && chars[at - 2..at] == ['关', '于']);
    Some(inside + if word_end { WORD_BREAK } else { PLAIN_BREAK })
}

/// For each position, how many brackets or quotes are open before it.
fn depths(chars: &[char]) -> Vec<usize> {
    let mut depth = vec![0usize; chars.len() + 1];
    for (i, c) in chars.iter().enumerate() {
        depth[i + 1] = if NO_END.contains(*c) {
            depth[i] + 1
        } else if "）》」』】〕”’)]}".contains(*c) {
            depth[i].saturating_sub(1)
        } else {
            depth[i]
        };
    }
    depth
}

/// The cheapest `n - 1` break positions giving `n` lines that each fit, with
/// their cost, by dynamic programming over (line count, end position); `None`
/// if none fit.
fn best_breaks(chars: &[char], prefix: &[usize], n: usize) -> Option<(usize, Vec<usize>)> {
    let len = chars.len();
    if n > len {
        return None;
    }
    let depth = depths(chars);
    let edges = crate::text::words::boundaries(&chars.iter().collect::<String>());
    let total = prefix[len];
    let ideal = total as f64 / n as f64;
    let line_cost = |from: usize, to: usize| -> Option<usize> {
        let w = prefix[to] - prefix[from];
        (w <= LINE_UNITS && to > from).then(|| {
            let d = w as f64 - ideal;
            (d * d) as usize
        })
    };
    // cost[k][i]: best cost of k lines covering chars[..i], with the last break at i.
    let mut cost = vec![vec![None::<usize>; len + 1]; n + 1];
    let mut from = vec![vec![0usize; len + 1]; n + 1];
    cost[0][0] = Some(0);
    for k in 1..=n {
        for i in 1..=len {
            let brk = if i == len { Some(0) } else { break_cost(chars, i, &depth, &edges) };
            let Some(brk) = brk else { continue };
            for j in 0..i {
                let (Some(before), Some(line)) = (cost[k - 1][j], line_cost(j, i)) else { continue };
                let c = before + line + brk;
                if cost[k][i].is_none_or(|best| c < best) {
                    cost[k][i] = Some(c);
                    from[k][i] = j;
                }
            }
        }
    }
    let total_cost = cost[n][len]?;
    let mut breaks = Vec::with_capacity(n - 1);
    let mut at = len;
    for k in (1..=n).rev() {
        at = from[k][at];
        if k > 1 {
            breaks.push(at);
        }
    }
    breaks.reverse();
    Some((total_cost, breaks))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_title_is_one_line() {
        assert_eq!(lines("关于督促办理企业反映问题的通知"), ["关于督促办理企业反映问题的通知"]);
    }

    #[test]
    fn a_word_is_not_split_when_a_bracket_offers_a_break() {
        // Not "…政企恳谈 / 会（第二十三期）…": the break goes before the bracket.
        assert_eq!(
            lines("关于交办亲清直通车·政企恳谈会（第二十三期）有关问题的函"),
            ["关于交办亲清直通车·政企恳谈会", "（第二十三期）有关问题的函"]
        );
    }

    #[test]
    fn no_line_ends_with_an_opening_bracket_or_starts_with_closing_punctuation() {
        // Not "…现场协商会（ / 走进…".
        let title = "关于交办“亲清直通车”企业家现场协商会（走进南太湖新区生物医药产业园）有关问题的函";
        let out = lines(title);
        assert_eq!(out.concat(), title);
        assert!(out.len() >= 2);
        for l in &out {
            let (first, last) = (l.chars().next().unwrap(), l.chars().last().unwrap());
            assert!(!NO_START.contains(first), "{l} starts with {first}");
            assert!(!NO_END.contains(last), "{l} ends with {last}");
            assert!(l.chars().map(width).sum::<usize>() <= LINE_UNITS, "{l} fits");
        }
        // The bracketed name is kept whole, at the price of a third line.
        assert_eq!(out, ["关于交办“亲清直通车”企业家现场协商会", "（走进南太湖新区生物医药产业园）", "有关问题的函"]);
    }

    #[test]
    fn lines_are_balanced_and_numbers_stay_whole() {
        let out = lines("关于2026年第三季度全市企业反映问题办理情况及典型案例的通报");
        assert_eq!(out.len(), 2);
        let w: Vec<usize> = out.iter().map(|l| l.chars().map(width).sum()).collect();
        assert!(w[0].abs_diff(w[1]) <= 8, "{out:?}");
        assert!(out.iter().all(|l| !l.ends_with("202") && !l.starts_with('6')), "{out:?}");
    }

    #[test]
    fn a_title_with_no_allowed_break_or_of_any_length_still_comes_out_whole() {
        let brackets = "（".repeat(30);
        assert_eq!(lines(&brackets).concat(), brackets);
        let huge = "问题".repeat(50_000);
        let out = lines(&huge);
        assert_eq!(out.concat(), huge);
        assert!(out.iter().all(|l| l.chars().map(width).sum::<usize>() <= LINE_UNITS));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any title, however odd (brackets unbalanced, all punctuation, very long),
        /// comes back whole, cut into lines that each fit unless a single character cannot.
        #[test]
        fn any_title_is_cut_without_losing_a_character(t in "[ 关于政企恳谈会（第二十三期）《》“”、，。a-zA-Z0-9·—]{0,120}") {
            let lines = lines(&t);
            prop_assert!(!lines.is_empty());
            prop_assert_eq!(lines.concat(), t.trim().to_string());
            for l in &lines {
                let w: usize = l.chars().map(width).sum();
                prop_assert!(w <= LINE_UNITS || l.chars().count() == 1 || t.trim().chars().count() > MAX_SEARCHED, "{:?}", lines);
            }
        }
    }

    proptest::proptest! {
        /// Titles made of words: every line break falls between words, as the segmenter reads the title.
        #[test]
        fn a_line_never_ends_inside_a_word(picks in proptest::collection::vec(0usize..24, 8..30)) {
            const WORDS: [&str; 24] = [
                "关于", "进一步", "优化", "营商环境", "推动", "企业", "反映", "问题", "办理", "情况", "的", "通报",
                "湖州市", "高新技术", "产业园区", "基础设施", "建设", "公共交通", "线路", "延伸", "工作", "督促", "落实", "和",
            ];
            let title: String = picks.iter().map(|&i| WORDS[i]).collect();
            let edges = crate::text::words::boundaries(&title);
            let mut at = 0;
            let lines = lines(&title);
            for line in &lines[..lines.len() - 1] {
                at += line.chars().count();
                proptest::prop_assert!(edges[at], "{title}: {lines:?}");
            }
        }
    }

    /// Every document the demo repository makes (each meeting's letters, list and bulletin,
    /// the notices, the year's, a month's and a day's bulletin): no title line ends inside a word.
    #[test]
    fn no_title_line_of_a_demo_document_ends_inside_a_word() {
        use crate::model::DocKind;
        use crate::render::plan::{plan, Selection};
        let ledger = crate::check::fixture(".").published();
        let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let snapshot = ledger.as_of(day("2026-11-20"));
        let templates = crate::render::template::Templates::load(&crate::fsx::Scope::new(&ledger.root)).unwrap();
        let mut selections: Vec<(DocKind, Selection)> = Vec::new();
        for m in &ledger.meetings {
            let meeting = Some(m.id.value.clone());
            selections.push((DocKind::Assignment, Selection { meeting: meeting.clone(), ..Selection::default() }));
            selections.push((DocKind::List, Selection { meeting: meeting.clone(), ..Selection::default() }));
            let (from, to) = (m.date, Some(day("2026-11-20")));
            selections.push((
                DocKind::Bulletin,
                Selection { meeting, from, to, period_label: Some(m.title.clone()), ..Selection::default() },
            ));
        }
        selections.push((DocKind::Supervision, Selection::default()));
        for (from, to, label) in [
            ("2026-01-01", "2026-12-31", "2026年"),
            ("2026-11-01", "2026-11-30", "2026年11月"),
            ("2026-11-18", "2026-11-18", "2026年11月18日"),
        ] {
            let (from, to) = (Some(day(from)), Some(day(to)));
            selections.push((
                DocKind::Bulletin,
                Selection { from, to, period_label: Some(label.into()), ..Selection::default() },
            ));
        }
        let mut seen = 0;
        for (kind, sel) in &selections {
            for p in plan(&snapshot, *kind, sel).unwrap() {
                let title = templates.render(*kind, &p.context, &p.charts).unwrap().title;
                let edges = crate::text::words::boundaries(&title);
                let lines = lines(&title);
                let mut at = 0;
                for line in &lines[..lines.len() - 1] {
                    at += line.chars().count();
                    assert!(edges[at], "{title}: {lines:?}");
                }
                seen += 1;
            }
        }
        assert!(seen >= 12, "{seen} documents");
    }

    #[test]
    fn the_issues_title_breaks_between_words() {
        let title = "关于进一步优化营商环境推动企业反映问题办理情况的通报和督促落实工作的通知";
        let out = lines(title);
        assert!(out.len() >= 2 && out.iter().all(|l| !l.ends_with("优化营")), "{out:?}");
    }
}
