//! Tera templates in Markdown: built-in ones embedded in the binary, a file of
//! the same name in the repository's `templates/` overrides one. Every value is
//! escaped for Markdown, so user text stays text.

use anyhow::{anyhow, bail, Context, Result};

use crate::model::{DocKind, Named};
use crate::render::document::{escape_markdown, parse_markdown, parse_markdown_with, plain, Block, Charts};

/// The built-in template of a kind, also written by `init`.
pub(crate) fn builtin(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Assignment => include_str!("templates/assignment.md.tera"),
        DocKind::Supervision => include_str!("templates/supervision.md.tera"),
        DocKind::Bulletin => include_str!("templates/bulletin.md.tera"),
        DocKind::List => include_str!("templates/list.md.tera"),
        DocKind::Receipt => include_str!("templates/receipt.md.tera"),
    }
}

/// The templates in force for a repository.
pub(crate) struct Templates {
    tera: tera::Tera,
}

/// A rendered template: front matter and the Markdown body.
pub(crate) struct Rendered {
    /// Title from the front matter.
    pub(crate) title: String,
    /// Addressee from the front matter.
    pub(crate) recipients: String,
    /// Copies to, if any.
    pub(crate) cc: Option<String>,
    /// Attachment names (附件), separated by ；in the front matter.
    pub(crate) attachments: Vec<String>,
    /// The Markdown body.
    pub(crate) markdown: String,
    /// The body parsed.
    pub(crate) body: Vec<Block>,
}

impl Templates {
    /// Loads the built-in templates and the repository's overrides.
    pub(crate) fn load(scope: &crate::fsx::Scope) -> Result<Templates> {
        let root = scope.root();
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".md.tera"]);
        tera.set_escape_fn(escape_markdown);
        for kind in DocKind::ALL_KINDS {
            let name = kind.spec().template;
            let path = root.join("templates").join(name);
            let text = if path.is_file() {
                let bytes = scope.read(&path).with_context(|| format!("无法读取模板 {}", path.display()))?;
                let text = String::from_utf8(bytes).map_err(|_| anyhow!("模板 templates/{name} 不是 UTF-8 编码"))?;
                if let Some((line, tag)) = composing_tag(&text) {
                    bail!(
                        "模板 templates/{name} 第{line}行用了「{tag}」：模板只能是一个文件，不能包含、继承或导入模板，也不能定义宏（一个调用自己的模板会让程序崩溃）"
                    );
                }
                text
            } else {
                builtin(kind).to_string()
            };
            tera.add_raw_template(name, &text)
                .map_err(|e| anyhow!("模板 templates/{name} 有误：{}", error_chain(&e)))?;
        }
        Ok(Templates { tera })
    }

    /// Renders the template of a kind with a context and the charts it may place.
    pub(crate) fn render(&self, kind: DocKind, context: &serde_json::Value, charts: &Charts) -> Result<Rendered> {
        let name = kind.spec().template;
        let ctx = tera::Context::from_serialize(context).map_err(|e| anyhow!("{}", error_chain(&e)))?;
        let text = self.tera.render(name, &ctx).map_err(|e| anyhow!("模板 {name} 渲染失败：{}", error_chain(&e)))?;
        let (front, markdown) = split_front_matter(&text);
        let field =
            |key: &str| front.iter().find(|(k, _)| *k == key).map(|(_, v)| unescape(v)).filter(|v| !v.is_empty());
        let body = parse_markdown_with(markdown, charts);
        for b in &body {
            if let Block::Chart { name, svg, .. } = b {
                if svg.is_empty() {
                    let known: Vec<&str> = charts.keys().map(String::as_str).collect();
                    let known = if known.is_empty() { "无".to_string() } else { known.join("、") };
                    return Err(anyhow!(
                        "模板 {}.md.tera 引用了不存在的图表「{name}」；{}可用的图表：{known}",
                        kind.key(),
                        kind.zh()
                    ));
                }
            }
        }
        Ok(Rendered {
            title: field("title").unwrap_or_else(|| kind.zh().to_string()),
            recipients: field("recipients").unwrap_or_default(),
            cc: field("cc"),
            attachments: field("attachments")
                .map(|a| a.split(['；', ';']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect())
                .unwrap_or_default(),
            body,
            markdown: markdown.trim().to_string() + "\n",
        })
    }
}

/// The first tag that brings in another template or defines a macro, with its
/// line: Tera follows an include of itself, or a macro calling itself, until
/// the stack overflows, so a template is one self-contained file.
fn composing_tag(text: &str) -> Option<(usize, &'static str)> {
    for (at, _) in text.match_indices("{%") {
        let rest = text[at + 2..].trim_start_matches('-').trim_start();
        for tag in ["include", "extends", "import", "macro"] {
            let after = rest.strip_prefix(tag);
            if after.is_some_and(|a| a.starts_with(|c: char| c.is_whitespace() || c == '"' || c == '\'')) {
                return Some((text[..at].matches('\n').count() + 1, tag));
            }
        }
    }
    None
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join("：")
}

/// Splits `---\nkey: value\n---\n` from the body.
fn split_front_matter(text: &str) -> (Vec<(&str, &str)>, &str) {
    let Some(rest) = text.strip_prefix("---\n") else { return (Vec::new(), text) };
    let Some(end) = rest.find("\n---\n") else { return (Vec::new(), text) };
    let fields = rest[..end].lines().filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim(), v.trim())).collect();
    (fields, &rest[end + 5..])
}

/// Front-matter values are Markdown-escaped like the body; read them back as text.
fn unescape(value: &str) -> String {
    parse_markdown(value)
        .into_iter()
        .filter_map(|b| match b {
            Block::P { c } | Block::H { c, .. } => Some(plain(&c)),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields_come_back_as_plain_text() {
        let (front, body) = split_front_matter(
            "---\ntitle: 关于\\#1 的通知\ncc: 甲局、乙局\nattachments: 问题清单；办理情况表\n---\n正文\n",
        );
        assert_eq!(body, "正文\n");
        let get = |k: &str| front.iter().find(|(key, _)| *key == k).map(|(_, v)| unescape(v));
        assert_eq!(get("title").as_deref(), Some("关于#1 的通知"));
        assert_eq!(get("cc").as_deref(), Some("甲局、乙局"));
        assert_eq!(get("attachments").as_deref(), Some("问题清单；办理情况表"));
        let (none, all) = split_front_matter("no front matter");
        assert!(none.is_empty() && all == "no front matter");
    }
}
