//! Chinese word boundaries, for cutting and breaking text between words and
//! never inside one (a title cut from a problem's text, a document title's
//! lines). jieba-rs: segmenting Chinese needs a dictionary and a model, which
//! no one writes by hand.

/// The segmenter, loaded once (its dictionary takes a moment).
fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: std::sync::OnceLock<jieba_rs::Jieba> = std::sync::OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

/// The words of a text, in order (punctuation and spaces are words of their own).
pub(crate) fn words(text: &str) -> Vec<&str> {
    jieba().cut(text, false).into_iter().map(|t| t.word).collect()
}

/// For each character position of `text` (0 to its length in characters),
/// whether a word boundary is there: a line or a cut may fall there.
pub(crate) fn boundaries(text: &str) -> Vec<bool> {
    let mut out = vec![false; text.chars().count() + 1];
    let mut at = 0;
    out[0] = true;
    for w in words(text) {
        at += w.chars().count();
        if let Some(b) = out.get_mut(at) {
            *b = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_together() {
        let b = boundaries("优化营商环境");
        // 优化 | 营商 | 环境: never between 营 and 商.
        assert!(b[0] && b[6] && !b[3], "{b:?}");
        assert_eq!(words("优化营商环境").concat(), "优化营商环境");
    }
}
