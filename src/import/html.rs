//! A post's HTML made safe and walkable: WordPress's blank-line paragraphs made
//! real, hostile markup removed (ammonia), relative URLs made absolute, and the
//! result parsed into a DOM (htmd's html5ever tree) whose top-level blocks
//! [`super::structure`] classifies and htmd turns into Markdown.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use htmd::HtmlToMarkdown;
use htmd::options::{BrStyle, BulletListMarker, Options};
use markup5ever_rcdom::{Handle, NodeData};

/// A URL in a post that is not an absolute http(s) one, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlNote {
    /// A relative URL, made absolute against the old site's address.
    MadeAbsolute {
        /// As written.
        from: String,
        /// As imported.
        to: String,
    },
    /// A `mailto:` or other non-web URL (or a relative one with no site address to
    /// resolve it against): left in the Markdown as written.
    LeftAsText(String),
}

/// The Markdown converter, configured once: dashes for bullets (as the rest of
/// sitrep's examples) and backslash line breaks (trailing spaces get trimmed by editors).
pub fn converter() -> HtmlToMarkdown {
    let options = Options {
        br_style: BrStyle::Backslash,
        bullet_list_marker: BulletListMarker::Dash,
        ul_bullet_spacing: 1,
        ol_number_spacing: 1,
        ..Options::default()
    };
    HtmlToMarkdown::builder()
        .options(options)
        .skip_tags(vec!["script", "style", "iframe", "object", "embed", "form"])
        .build()
}

/// WordPress's classic editor stores paragraphs as blank lines and line breaks as
/// newlines, adding `<p>` and `<br>` only when it shows a post (`wpautop`). Content
/// without any `<p>` gets the same treatment here; `<pre>` blocks are left alone.
pub fn autop(html: &str) -> Cow<'_, str> {
    if html.contains("<p>") || html.contains("<p ") || !html.contains('\n') {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    // How many `<pre>` are open where a chunk starts: inside one, blank lines are code.
    let mut open_pre = 0usize;
    for chunk in html.replace("\r\n", "\n").split("\n\n") {
        let trimmed = chunk.trim();
        let in_pre = open_pre > 0;
        open_pre = (open_pre + trimmed.matches("<pre").count())
            .saturating_sub(trimmed.matches("</pre>").count());
        if trimmed.is_empty() && !in_pre {
            continue;
        }
        if in_pre || starts_with_block(trimmed) {
            out.push_str(chunk);
            out.push_str("\n\n");
        } else {
            out.push_str("<p>");
            out.push_str(&trimmed.replace('\n', "<br>\n"));
            out.push_str("</p>\n\n");
        }
    }
    Cow::Owned(out)
}

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "ul",
    "iframe",
    "script",
    "style",
    "form",
];

fn starts_with_block(chunk: &str) -> bool {
    let Some(rest) = chunk.strip_prefix('<') else {
        return false;
    };
    if rest.starts_with("!--") || rest.starts_with('/') {
        return true;
    }
    let name: String = rest
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    BLOCKS.contains(&name.as_str())
}

/// Removes what must not survive (scripts, iframes, event handlers, `javascript:`
/// URLs: ammonia's defaults), makes relative URLs absolute against `base`, and
/// reports every URL that is not absolute http(s).
pub fn sanitize(html: &str, base: Option<&url::Url>) -> (String, Vec<UrlNote>) {
    let notes = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&notes);
    let base = base.cloned();
    let mut builder = ammonia::Builder::default();
    builder
        .add_tag_attributes("code", &["class"])
        .link_rel(None)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .attribute_filter(move |element, attribute, value| {
            let is_url = matches!((element, attribute), ("a", "href") | ("img", "src"));
            if !is_url {
                return Some(Cow::Borrowed(value));
            }
            let (kept, note) = resolve(value, base.as_ref());
            if let (Some(note), Ok(mut all)) = (note, seen.lock()) {
                all.push(note);
            }
            Some(kept)
        });
    let clean = builder.clean(html).to_string();
    let notes = match Arc::try_unwrap(notes) {
        Ok(m) => m.into_inner().unwrap_or_default(),
        Err(shared) => shared.lock().map(|v| v.clone()).unwrap_or_default(),
    };
    (clean, notes)
}

fn resolve<'u>(value: &'u str, base: Option<&url::Url>) -> (Cow<'u, str>, Option<UrlNote>) {
    match url::Url::parse(value.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => (Cow::Borrowed(value), None),
        Ok(_) => (
            Cow::Borrowed(value),
            Some(UrlNote::LeftAsText(value.to_string())),
        ),
        Err(_) => match base.and_then(|b| b.join(value.trim()).ok()) {
            Some(abs) => {
                let to = abs.to_string();
                let note = UrlNote::MadeAbsolute {
                    from: value.to_string(),
                    to: to.clone(),
                };
                (Cow::Owned(to), Some(note))
            }
            None => (
                Cow::Borrowed(value),
                Some(UrlNote::LeftAsText(value.to_string())),
            ),
        },
    }
}

/// The `<body>` of a parsed document.
pub fn body(document: &Handle) -> Option<Handle> {
    let html = children(document)
        .into_iter()
        .find(|n| tag(n) == Some("html"))?;
    children(&html).into_iter().find(|n| tag(n) == Some("body"))
}

/// A node's children (cloned handles).
pub fn children(node: &Handle) -> Vec<Handle> {
    node.children.borrow().iter().map(Rc::clone).collect()
}

/// An element's tag name; `None` for text and other nodes.
pub fn tag(node: &Handle) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

/// An element's attribute value.
pub fn attr(node: &Handle, name: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| &*a.name.local == name)
            .map(|a| a.value.to_string()),
        _ => None,
    }
}

/// Whether `node` is block-level (starts a block of its own in Markdown).
pub fn is_block(node: &Handle) -> bool {
    tag(node).is_some_and(|t| BLOCKS.contains(&t) || t == "figcaption")
}

/// The text of nodes, whitespace collapsed, `<br>` as a newline.
pub fn text(nodes: &[Handle]) -> String {
    let mut raw = String::new();
    for n in nodes {
        push_text(n, &mut raw);
    }
    raw.split('\n')
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn push_text(node: &Handle, out: &mut String) {
    match &node.data {
        NodeData::Text { contents } => out.push_str(&contents.borrow().replace('\n', " ")),
        NodeData::Element { name, .. } if &*name.local == "br" => out.push('\n'),
        NodeData::Element { .. } => {
            for c in node.children.borrow().iter() {
                push_text(c, out);
            }
        }
        _ => {}
    }
}

/// Every `<a href>` under nodes, as (href, text).
pub fn anchors(nodes: &[Handle]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for n in nodes {
        collect_anchors(n, &mut found);
    }
    found
}

fn collect_anchors(node: &Handle, found: &mut Vec<(String, String)>) {
    if tag(node) == Some("a")
        && let Some(href) = attr(node, "href")
    {
        found.push((href, text(std::slice::from_ref(node))));
        return;
    }
    for c in node.children.borrow().iter() {
        collect_anchors(c, found);
    }
}

/// Whether `url` is absolute http(s), as an issue's `url` must be.
pub fn is_web(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// The single web link that is the whole text of `nodes`, if there is one: the
/// shape of a link's heading or paragraph.
pub fn sole_link(nodes: &[Handle]) -> Option<(String, String)> {
    let found = anchors(nodes);
    let [(href, title)] = found.as_slice() else {
        return None;
    };
    let whole = text(nodes);
    let bare = |s: &str| {
        s.trim_matches(|c: char| c.is_whitespace() || ".:;,".contains(c))
            .to_string()
    };
    (is_web(href) && !title.is_empty() && bare(&whole) == bare(title))
        .then(|| (href.clone(), title.replace('\n', " ")))
}

/// Nodes as Markdown.
pub fn markdown(conv: &HtmlToMarkdown, nodes: &[Handle]) -> String {
    let mut md = String::new();
    for n in nodes {
        md.push_str(&conv.tree_to_markdown(n));
    }
    md.trim().to_string()
}
