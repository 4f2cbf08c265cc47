//! Fonts for official documents: loaded once per process, mapped to the four
//! roles of GB/T 9704 (and 宋体 for page numbers), with free substitutes.

use std::path::PathBuf;

use serde::Serialize;
use typst::text::FontInfo;
use typst_kit::fonts::FontStore;

/// A typographic role of the standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// 小标宋: issuing-office mark and title.
    XiaoBiaoSong,
    /// 仿宋_GB2312: body text.
    FangSong,
    /// 黑体: first-level headings.
    Hei,
    /// 楷体_GB2312: second-level headings.
    Kai,
    /// 宋体: page numbers.
    Song,
}

impl Role {
    /// Every role.
    pub(crate) const ALL: [Role; 5] = [Role::XiaoBiaoSong, Role::FangSong, Role::Hei, Role::Kai, Role::Song];

    /// Chinese name of the role.
    pub(crate) fn zh(self) -> &'static str {
        match self {
            Role::XiaoBiaoSong => "小标宋",
            Role::FangSong => "仿宋",
            Role::Hei => "黑体",
            Role::Kai => "楷体",
            Role::Song => "宋体",
        }
    }

    /// The proprietary fonts the standard means, by family name, then free substitutes.
    fn candidates(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Role::XiaoBiaoSong => (
                &["FZXiaoBiaoSong-B05S", "方正小标宋简体", "FZXiaoBiaoSong-B05", "方正小标宋_GBK"],
                &["FandolSong", "Noto Serif CJK SC", "Noto Sans CJK SC"],
            ),
            Role::FangSong => (
                &["FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "华文仿宋"],
                &["FandolFang R", "FandolFang", "Noto Serif CJK SC", "Noto Sans CJK SC"],
            ),
            Role::Hei => (&["SimHei", "黑体"], &["FandolHei", "Noto Sans CJK SC", "Noto Serif CJK SC"]),
            Role::Kai => (
                &["KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", "华文楷体"],
                &["FandolKai", "Noto Serif CJK SC", "Noto Sans CJK SC"],
            ),
            Role::Song => (&["SimSun", "宋体", "NSimSun"], &["FandolSong", "Noto Serif CJK SC", "Noto Sans CJK SC"]),
        }
    }

    /// The font name written into Word files, so the recipient's Word uses its own fonts.
    pub(crate) fn word_name(self) -> &'static str {
        match self {
            Role::XiaoBiaoSong => "方正小标宋简体",
            Role::FangSong => "仿宋_GB2312",
            Role::Hei => "黑体",
            Role::Kai => "楷体_GB2312",
            Role::Song => "宋体",
        }
    }
}

/// Which family a role uses.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Choice {
    /// Family name as typst knows it.
    pub(crate) family: String,
    /// Whether it is a free substitute for the proprietary font.
    pub(crate) substitute: bool,
}

/// The fonts of this process: a store for typst and the role mapping.
pub(crate) struct Fonts {
    /// Every font found.
    pub(crate) store: FontStore,
    /// The family each role uses; `None` when no CJK font exists at all.
    pub(crate) roles: Option<Vec<(Role, Choice)>>,
    /// Families tried after the role's font (emoji and other scripts).
    pub(crate) fallback: Vec<String>,
}

/// Families tried for characters the role's font lacks.
const FALLBACK: &[&str] = &["Noto Sans CJK SC", "Noto Serif CJK SC", "Noto Color Emoji", "DejaVu Sans"];

impl Fonts {
    /// Finds fonts in the given folders and, unless `QINQING_NO_SYSTEM_FONTS`
    /// is set (to pin fonts for byte-identical PDFs on every machine), on the system.
    pub(crate) fn discover(extra_dirs: &[PathBuf]) -> Fonts {
        let mut store = FontStore::new();
        for dir in extra_dirs.iter().filter(|d| d.is_dir()) {
            store.extend(typst_kit::fonts::scan(dir));
        }
        if std::env::var_os("QINQING_NO_SYSTEM_FONTS").is_none_or(|v| v.is_empty()) {
            store.extend(typst_kit::fonts::system());
        }
        Fonts::from_store(store)
    }

    /// Maps roles over an already filled store.
    pub(crate) fn from_store(store: FontStore) -> Fonts {
        let families: Vec<String> = store.book().families().map(|(name, _)| name.to_string()).collect();
        let has = |name: &str| families.iter().any(|f| f.eq_ignore_ascii_case(name));
        let mut roles = Vec::new();
        for role in Role::ALL {
            let (proper, substitutes) = role.candidates();
            let choice =
                proper.iter().find(|n| has(n)).map(|n| Choice { family: n.to_string(), substitute: false }).or_else(
                    || substitutes.iter().find(|n| has(n)).map(|n| Choice { family: n.to_string(), substitute: true }),
                );
            match choice {
                Some(c) => roles.push((role, c)),
                None => {
                    return Fonts { store, roles: None, fallback: Vec::new() };
                }
            }
        }
        let fallback = FALLBACK.iter().filter(|n| has(n)).map(|n| n.to_string()).collect();
        Fonts { store, roles: Some(roles), fallback }
    }

    /// The family of a role.
    pub(crate) fn family(&self, role: Role) -> Option<&Choice> {
        self.roles.as_ref()?.iter().find(|(r, _)| *r == role).map(|(_, c)| c)
    }

    /// One line per role: which font it uses, for the summary.
    pub(crate) fn report(&self) -> String {
        match &self.roles {
            None => "没有可用的中文字体".to_string(),
            Some(roles) => roles
                .iter()
                .map(|(r, c)| format!("{}→{}{}", r.zh(), c.family, if c.substitute { "（替代）" } else { "" }))
                .collect::<Vec<_>>()
                .join("，"),
        }
    }

    /// Characters of `text` that no font of the chain for `role` can show.
    pub(crate) fn missing_glyphs(&self, role: Role, text: &str) -> Vec<char> {
        let Some(choice) = self.family(role) else { return Vec::new() };
        let book = self.store.book();
        let names: Vec<String> =
            std::iter::once(&choice.family).chain(self.fallback.iter()).map(|f| f.to_lowercase()).collect();
        let chain: Vec<&FontInfo> = names
            .iter()
            .flat_map(|family| book.select_family(family).collect::<Vec<_>>())
            .filter_map(|i| book.info(i))
            .collect();
        let mut missing: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control() && !is_joiner(*c))
            .filter(|c| !chain.iter().any(|info| info.coverage.contains(*c as u32)))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        missing
    }
}

/// Zero-width joiners and variation selectors are shaped, not drawn.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200D}' | '\u{FE0E}' | '\u{FE0F}')
}

/// The fonts to look in besides the system's: the repository's `fonts/` and configured folders.
pub(crate) fn font_dirs(root: &std::path::Path, configured: &[String]) -> Vec<PathBuf> {
    std::iter::once(root.join("fonts")).chain(configured.iter().map(|p| root.join(p))).collect()
}
