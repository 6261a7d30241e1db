//! Markdown to HTML, with fenced code highlighted by syntect as CSS classes.
//!
//! Every piece of Markdown in a site (editorials, commentary, sponsor blurbs,
//! pages) goes through [`to_html`], so they all get the same extensions. The
//! syntax set is loaded once per process: loading it costs milliseconds, and a
//! site has thousands of snippets.

use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Class prefix for highlighted tokens; the theme's `syntax.css` uses the same.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders Markdown to HTML. Raw HTML in the source is passed through (authors are trusted).
pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    let mut code: Option<(String, String)> = None; // (language, text) of the open fenced block
    let events =
        Parser::new_ext(markdown, options()).filter_map(|event| match (&mut code, event) {
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
                None
            }
            (Some((_, text)), Event::Text(t)) => {
                text.push_str(&t);
                None
            }
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                let (lang, text) = code.take().unwrap_or_default();
                Some(Event::Html(highlight(&lang, &text).into()))
            }
            (_, event) => Some(event),
        });
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// A `<pre>` block; known languages get `hl-*` classed spans, others plain escaped text.
fn highlight(lang: &str, code: &str) -> String {
    let set = syntaxes();
    let syntax = (!lang.is_empty())
        .then(|| set.find_syntax_by_token(lang))
        .flatten();
    let body = syntax.and_then(|syntax| {
        let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            html.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(html.finalize())
    });
    let body = body.unwrap_or_else(|| escape_html(code));
    if lang.is_empty() {
        format!("<pre class=\"code\"><code>{body}</code></pre>\n")
    } else {
        let lang = escape_html(lang);
        format!(
            "<pre class=\"code hl-code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{body}</code></pre>\n"
        )
    }
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).ok();
    out
}

/// The first paragraph of `markdown` as plain text: the default summary of an issue.
pub fn first_paragraph_text(markdown: &str) -> String {
    let mut text = String::new();
    let mut in_paragraph = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => break,
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_on() {
        let html = to_html(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\" --- done[^1]\n\n[^1]: note\n",
        );
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(html.contains("“quoted”") && html.contains('—'), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn fenced_code_is_highlighted_with_classes() {
        let html = to_html("```rust\nfn main() { let x = \"<b>\"; }\n```\n");
        assert!(html.contains("data-lang=\"rust\""), "{html}");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let html = to_html("```nosuchlang\n<script>x</script>\n```\n");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<span"), "{html}");
    }

    #[test]
    fn first_paragraph_is_plain_text() {
        let md = "Hello *world* and `code`\nnext line.\n\nSecond paragraph.";
        assert_eq!(first_paragraph_text(md), "Hello world and code next line.");
    }
}
