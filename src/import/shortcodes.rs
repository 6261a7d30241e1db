//! WordPress shortcodes in a post's stored content, expanded into the HTML the old site
//! showed, before the HTML is sanitized and structured.
//!
//! An export holds content as written, so `[caption]`, `[embed]` and the code
//! highlighters' `[code lang="go"]` are still there. Only the shortcodes WordPress and
//! its common plugins register are read; any other bracketed text (`[1]`, `[Updated]`)
//! is text, as it would be on a site without that plugin. What has no Markdown
//! equivalent (`[gallery]`, `[contact-form]`) is dropped and named in the summary.
//!
//! ```text
//! [caption id="a" width="300"]<img src=x> A chart[/caption]  ->  <img src=x> A chart
//! [embed]https://youtu.be/x[/embed], [youtube https://…]     ->  <p><a href=…>…</a></p>
//! [code language="rust"]if a < b {}[/code]                   ->  <pre><code class="language-rust">…
//! [[code]] (WordPress's escape)                              ->  [code]
//! ```

use std::borrow::Cow;

/// What a known shortcode becomes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Its content stays, its tags go (`[caption]`).
    Unwrap,
    /// A link to the URL it embeds: its content or its first argument.
    Embed,
    /// A code block in the language its `lang`/`language` attribute names.
    Code,
    /// Nothing in Markdown shows it: removed and reported.
    Drop,
}

const KNOWN: &[(&str, Kind)] = &[
    ("caption", Kind::Unwrap),
    ("wp_caption", Kind::Unwrap),
    ("embed", Kind::Embed),
    ("youtube", Kind::Embed),
    ("vimeo", Kind::Embed),
    ("tweet", Kind::Embed),
    ("video", Kind::Embed),
    ("audio", Kind::Embed),
    ("code", Kind::Code),
    ("sourcecode", Kind::Code),
    ("source", Kind::Code),
    ("gallery", Kind::Drop),
    ("playlist", Kind::Drop),
    ("contact-form", Kind::Drop),
    ("contact-form-7", Kind::Drop),
    ("polldaddy", Kind::Drop),
];

/// `html` with its shortcodes expanded, and the dropped ones as written.
pub fn expand(html: &str) -> (Cow<'_, str>, Vec<String>) {
    let mut dropped = Vec::new();
    if !html.contains('[') {
        return (Cow::Borrowed(html), dropped);
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match shortcode(rest) {
            Some(code) => {
                out.push_str(&code.render(&mut dropped));
                rest = &rest[code.len..];
            }
            None => {
                out.push('[');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    (Cow::Owned(out), dropped)
}

/// A shortcode's attributes in order: (name, value); a positional one has no name.
type Attrs = Vec<(Option<String>, String)>;

/// One shortcode found at the start of a text.
struct Shortcode<'a> {
    kind: Kind,
    /// As written, opening tag to closing tag.
    whole: &'a str,
    /// `[[code]]`: WordPress's way to show a shortcode as text.
    escaped: bool,
    attrs: Attrs,
    content: Option<&'a str>,
    /// Bytes of the text it spans.
    len: usize,
}

/// The known shortcode `text` starts with, if it does.
fn shortcode(text: &str) -> Option<Shortcode<'_>> {
    let escaped = text.starts_with("[[");
    let open = if escaped { &text[1..] } else { text };
    let name_len = open[1..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(open.len() - 1);
    let name = &open[1..1 + name_len];
    let kind = KNOWN.iter().find(|(n, _)| *n == name)?.1;
    let (attrs, tag_len, self_closed) = attributes(&open[1 + name_len..])?;
    let mut len = 1 + name_len + tag_len;
    let mut content = None;
    let closing = format!("[/{name}]");
    if !self_closed && let Some(end) = open[len..].find(&closing) {
        content = Some(&open[len..len + end]);
        len += end + closing.len();
    }
    if escaped {
        if !open[len..].starts_with(']') {
            return None;
        }
        len += 1;
    }
    let len = len + usize::from(escaped);
    Some(Shortcode {
        kind,
        whole: &text[usize::from(escaped)..len - usize::from(escaped)],
        escaped,
        attrs,
        content,
        len,
    })
}

/// The attributes of a tag whose name has been read, up to its `]`: the pairs (a
/// positional argument has no name), the bytes read, and whether it ended `/]`.
fn attributes(text: &str) -> Option<(Attrs, usize, bool)> {
    let mut attrs = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        match bytes.get(i)? {
            b']' => return Some((attrs, i + 1, false)),
            b'/' if bytes.get(i + 1) == Some(&b']') => return Some((attrs, i + 2, true)),
            b'[' | b'\n' => return None,
            _ => {}
        }
        let word_end = text[i..]
            .find(|c: char| c.is_whitespace() || c == '=' || c == ']')
            .map_or(text.len(), |e| i + e);
        let is_name = text[i..word_end]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let (name, value_at) = if is_name && bytes.get(word_end) == Some(&b'=') {
            (Some(text[i..word_end].to_ascii_lowercase()), word_end + 1)
        } else {
            (None, i)
        };
        let (value, next) = value(text, value_at)?;
        attrs.push((name, value));
        i = next;
    }
}

/// A quoted or bare value at `at`, and where it ends.
fn value(text: &str, at: usize) -> Option<(String, usize)> {
    let quote = text[at..].chars().next()?;
    if quote == '"' || quote == '\'' {
        let end = text[at + 1..].find(quote)? + at + 1;
        return Some((text[at + 1..end].to_string(), end + 1));
    }
    let end = text[at..]
        .find(|c: char| c.is_whitespace() || c == ']')
        .map_or(text.len(), |e| at + e);
    let end = if text[..end].ends_with('/') && text[end..].starts_with(']') {
        end - 1
    } else {
        end
    };
    Some((text[at..end].to_string(), end))
}

impl Shortcode<'_> {
    fn attr(&self, names: &[&str]) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k.as_deref().is_some_and(|k| names.contains(&k)))
            .map(|(_, v)| v.as_str())
    }

    /// The HTML it stands for.
    fn render(&self, dropped: &mut Vec<String>) -> String {
        if self.escaped {
            return self.whole.to_string();
        }
        let content = self.content.unwrap_or("");
        match self.kind {
            Kind::Unwrap => content.to_string(),
            Kind::Embed => {
                let url = Some(content.trim())
                    .filter(|u| !u.is_empty())
                    .or_else(|| self.attr(&["src", "url", "mp4", "mp3"]))
                    .or_else(|| {
                        self.attrs
                            .iter()
                            .find(|(k, _)| k.is_none())
                            .map(|(_, v)| v.as_str())
                    });
                match url {
                    Some(url) => {
                        let url = escape(url.trim());
                        format!("\n\n<p><a href=\"{url}\">{url}</a></p>\n\n")
                    }
                    None => {
                        dropped.push(self.whole.to_string());
                        String::new()
                    }
                }
            }
            Kind::Code => {
                let lang = self.attr(&["lang", "language"]).map_or(String::new(), |l| {
                    format!(" class=\"language-{}\"", escape(&l.to_ascii_lowercase()))
                });
                let code = content.trim_matches(|c| c == '\n' || c == '\r');
                format!(
                    "\n\n<pre><code{lang}>{}</code></pre>\n\n",
                    escape_code(code)
                )
            }
            Kind::Drop => {
                dropped.push(self.whole.to_string());
                String::new()
            }
        }
    }
}

/// Text made safe inside an attribute or element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Code as the highlighter plugins store it: raw, though some editors saved entities.
/// `<` and `>` are escaped; an `&` stays, so `&lt;` written in the post still reads `<`.
fn escape_code(code: &str) -> String {
    code.replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn known_shortcodes_expand_and_others_stay_text() {
        let (html, dropped) = expand(
            "See [1] and [Updated].\n\n[caption id=\"a\" width=\"300\"]<img src=\"x.png\"> A chart[/caption]\n\n\
             [gallery ids=\"1,2\"]\n\n[code language=\"Rust\"]\nif a < b {}\n[/code]\n\n\
             [youtube https://www.youtube.com/watch?v=x&t=1]\n\n[[caption]] is how you write it.",
        );
        assert!(html.starts_with("See [1] and [Updated]."), "{html}");
        assert!(html.contains("<img src=\"x.png\"> A chart"), "{html}");
        assert!(!html.contains("[caption id"), "{html}");
        assert!(
            html.contains("<pre><code class=\"language-rust\">if a &lt; b {}</code></pre>"),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://www.youtube.com/watch?v=x&amp;t=1\">"),
            "{html}"
        );
        assert!(html.contains("[caption] is how you write it."), "{html}");
        assert_eq!(dropped, vec!["[gallery ids=\"1,2\"]".to_string()]);
    }

    #[test]
    fn unclosed_or_broken_brackets_are_left_alone() {
        for text in [
            "[code",
            "[caption id=\"a]",
            "a [embed] b",
            "[[code]",
            "[code]\n[/cod",
        ] {
            let (html, _) = expand(text);
            assert!(!html.is_empty() || text.is_empty(), "{text}");
        }
        assert_eq!(expand("[code").0, "[code");
        assert_eq!(expand("[caption id=\"a]").0, "[caption id=\"a]");
    }
}
