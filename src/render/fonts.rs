//! Fonts for official documents: loaded once per process, mapped to the four
//! roles of GB/T 9704 (and 宋体 for page numbers), with free substitutes.

use std::path::{Path, PathBuf};

use serde::Serialize;
use typst::text::FontInfo;
use typst_kit::fonts::{FontPath, FontStore};

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
    /// Takes the given font files and, unless `QINQING_NO_SYSTEM_FONTS` is set
    /// (to pin fonts for byte-identical PDFs on every machine), the system's.
    pub(crate) fn discover(files: &[PathBuf]) -> Fonts {
        let mut store = FontStore::new();
        for path in files {
            let Ok(data) = std::fs::read(path) else { continue };
            let faces: Vec<(FontPath, FontInfo)> = typst::text::Font::iter(typst::foundations::Bytes::new(data))
                .enumerate()
                .map(|(index, font)| (FontPath { path: path.clone(), index: index as u32 }, font.info().clone()))
                .collect();
            store.extend(faces);
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

/// Most font files taken from the repository, and the largest one read: a
/// `fonts:` entry is a folder of a few fonts, not a disk to scan.
const MAX_FONT_FILES: usize = 200;
const MAX_FONT_BYTES: u64 = 256 * 1024 * 1024;
/// How deep below a fonts folder files are looked for.
const MAX_FONT_DEPTH: usize = 3;

/// The font files to use besides the system's: those in the repository's
/// `fonts/` and in the configured folders or files, which must lie inside the
/// repository (links are not followed out of it), at most [`MAX_FONT_FILES`].
pub(crate) fn font_files(root: &Path, configured: &[String]) -> Vec<PathBuf> {
    let inside = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut files = Vec::new();
    for start in std::iter::once(root.join("fonts")).chain(configured.iter().map(|p| root.join(p))) {
        // `load` refuses absolute paths and `..`; a link could still lead out.
        if !start.canonicalize().is_ok_and(|c| c.starts_with(&inside)) {
            continue;
        }
        let walker = walkdir::WalkDir::new(&start).follow_links(false).max_depth(MAX_FONT_DEPTH).sort_by_file_name();
        for entry in walker.into_iter().filter_map(Result::ok) {
            if files.len() >= MAX_FONT_FILES {
                return files;
            }
            let is_font = entry
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ["ttf", "otf", "ttc", "otc"].iter().any(|x| e.eq_ignore_ascii_case(x)));
            if is_font && entry.file_type().is_file() && entry.metadata().is_ok_and(|m| m.len() <= MAX_FONT_BYTES) {
                files.push(entry.into_path());
            }
        }
    }
    files
}

#[cfg(test)]
mod font_file_tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn font_files_stay_inside_the_repository_and_are_bounded() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("repo");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(root.join("fonts/deep/er/still/more")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(root.join("fonts/仿宋_GB2312.TTF"), b"x").unwrap();
        std::fs::write(root.join("fonts/readme.txt"), b"x").unwrap();
        std::fs::write(root.join("fonts/deep/er/still/more/too-deep.ttf"), b"x").unwrap();
        std::fs::write(outside.join("outside.ttf"), b"x").unwrap();
        std::os::unix::fs::symlink(&outside, root.join("fonts/linked")).unwrap();
        std::os::unix::fs::symlink(&outside, root.join("more-fonts")).unwrap();
        std::fs::create_dir_all(root.join("公文字体")).unwrap();
        for i in 0..(MAX_FONT_FILES + 5) {
            std::fs::write(root.join(format!("公文字体/{i:03}.otf")), b"x").unwrap();
        }
        let found = font_files(&root, &["more-fonts".into()]);
        assert_eq!(found, vec![root.join("fonts/仿宋_GB2312.TTF")]);
        let many = font_files(&root, &["公文字体".into()]);
        assert_eq!(many.len(), MAX_FONT_FILES);
    }
}
