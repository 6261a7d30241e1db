//! Markdown to HTML, with fenced code highlighted by [`crate::highlight`].
//!
//! Every piece of Markdown in a site (editorials, commentary, sponsor blurbs,
//! pages) goes through [`render`], so they all get the same extensions.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::highlight::code_block;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// How a site's Markdown is rendered (`safe_html` and `highlight` in config.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Remove raw HTML with a sanitizer (see [`sanitize`]).
    pub safe_html: bool,
    /// Colour fenced code with syntect; off, it is escaped text.
    pub highlight: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            safe_html: false,
            highlight: true,
        }
    }
}

/// Rendered Markdown, and where its lead ends.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// Byte length of the lead: `html` up to and including its first top-level
    /// paragraph that ends a sentence, which index pages show in place of the whole
    /// (see `lead_end`). It is all of `html` when nothing follows that paragraph, or
    /// when the part before it holds raw HTML or a footnote reference (cut there, it
    /// could leave a tag open or point at a footnote the index page does not show).
    pub lead_len: usize,
    /// Whether it holds highlighted code, so its page needs `syntax.css`.
    pub has_code: bool,
}

impl Rendered {
    /// The lead (see [`Rendered::lead_len`]).
    pub fn lead(&self) -> &str {
        self.html.get(..self.lead_len).unwrap_or(&self.html)
    }

    /// Whether the HTML goes on after the lead.
    pub fn has_more(&self) -> bool {
        self.lead_len < self.html.len()
    }
}

/// Renders Markdown with a site's `settings`. Footnote ids start with `footnote_prefix`,
/// so snippets sharing a page don't clash.
pub fn render(markdown: &str, settings: Settings, footnote_prefix: &str) -> Rendered {
    let rendered = to_html_with(markdown, footnote_prefix, settings.highlight);
    if !settings.safe_html {
        return rendered;
    }
    // The lead and the rest are whole blocks, so each is sanitized on its own and the
    // lead stays a prefix of the page's HTML.
    let (lead, rest) = rendered.html.split_at(rendered.lead_len);
    let mut html = sanitize(lead);
    let lead_len = html.len();
    if !rest.is_empty() {
        html.push_str(&sanitize(rest));
    }
    Rendered {
        html,
        lead_len,
        has_code: rendered.has_code,
    }
}

/// `text` (a title or summary written as plain text) with the typographic punctuation
/// the Markdown body gets: `Dyn's` → `Dyn’s`, `"x"` → `“x”`, `--` → `–`, `...` → `…`.
/// The text is not read as Markdown: every other ASCII punctuation mark is escaped
/// before pulldown-cmark's smart punctuation runs, and anything but plain text coming
/// back (a list from a leading `1.`, say) returns `text` as it is.
pub fn smart_punctuation(text: &str) -> Cow<'_, str> {
    if !text.contains(['\'', '"']) && !text.contains("--") && !text.contains("...") {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    // A leading `-` (a list item) and the `.` of a leading `12.` (an ordered one).
    let number = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    for (i, c) in text.char_indices() {
        let starts_list = (c == '-' && i == 0) || (c == '.' && i == number && number > 0);
        let keep = matches!(c, '\'' | '"' | '.' | '-') && !starts_list;
        if c.is_ascii_punctuation() && !keep {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for event in Parser::new_ext(&escaped, Options::ENABLE_SMART_PUNCTUATION) {
        match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => {}
            Event::Text(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            _ => return Cow::Borrowed(text),
        }
    }
    if out.is_empty() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(out)
}

/// Cleans rendered HTML with ammonia, keeping what our own Markdown output uses
/// (highlighting classes, footnote ids and links) and dropping scripts, event
/// handlers, `style`, iframes and every URL scheme but http(s) and mailto.
pub fn sanitize(html: &str) -> String {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER
        .get_or_init(|| {
            let mut b = ammonia::Builder::default();
            b.add_tag_attributes("span", ["class"])
                .add_tag_attributes("code", ["class"])
                .add_tag_attributes("pre", ["class", "data-lang", "tabindex"])
                .add_tag_attributes("div", ["class", "id", "tabindex"])
                .add_tag_attributes("sup", ["class", "id"])
                .add_tag_attributes("li", ["id"])
                .add_tag_attributes("input", ["type", "checked", "disabled"])
                .add_tags(["input"])
                .add_generic_attributes(["id"])
                .url_schemes(["http", "https", "mailto"].into());
            b
        })
        .clean(html)
        .to_string()
}

/// Renders Markdown to HTML. Raw HTML in the source is passed through (authors are trusted).
pub fn to_html(markdown: &str) -> String {
    to_html_with(markdown, "", true).html
}

fn to_html_with(markdown: &str, footnote_prefix: &str, highlight: bool) -> Rendered {
    let mut lead: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    let rest = lead.split_off(lead_end(&lead));
    let mut writer = Writer {
        highlight,
        code: None,
        has_code: false,
        footnotes: Footnotes {
            prefix: footnote_prefix,
            numbers: Vec::new(),
        },
    };
    let write = |html: &mut String| {
        html.clear();
        let events = lead.into_iter().flat_map(wrap_tables);
        pulldown_cmark::html::push_html(html, events.filter_map(|e| writer.event(e)));
        let lead_len = html.len();
        let events = rest.into_iter().flat_map(wrap_tables);
        pulldown_cmark::html::push_html(html, events.filter_map(|e| writer.event(e)));
        // An exact-size copy: a site keeps every rendered snippet until it exits, and
        // `shrink_to_fit` does not shrink a block the allocator considers close enough
        // (mimalloc keeps anything over half used), so grown buffers kept their slack.
        Rendered {
            html: html.as_str().to_owned(),
            lead_len,
            has_code: writer.has_code,
        }
    };
    thread_local! {
        static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
    }
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut html) => write(&mut html),
        Err(_) => write(&mut String::new()),
    })
}

/// Puts each table in a box that scrolls it when it is wider than the column and that
/// takes keyboard focus, so a keyboard user can scroll it too (code blocks get
/// `tabindex` for the same reason).
fn wrap_tables(event: Event<'_>) -> impl Iterator<Item = Event<'_>> {
    let (before, after) = match &event {
        Event::Start(Tag::Table(_)) => (Some(r#"<div class="table-scroll" tabindex="0">"#), None),
        Event::End(TagEnd::Table) => (None, Some("</div>\n")),
        _ => (None, None),
    };
    let html = |h: Option<&'static str>| h.map(|h| Event::Html(h.into()));
    html(before)
        .into_iter()
        .chain(std::iter::once(event))
        .chain(html(after))
}

/// How many of `events` make the lead: up to the end of the first top-level paragraph
/// that ends a sentence, so a paragraph that runs on into a quote or a code block
/// ("…the trouble came from" + quote, "Run this:" + code) keeps what it introduces.
/// All of them if raw HTML or a footnote reference comes first.
fn lead_end(events: &[Event]) -> usize {
    let mut depth = 0usize;
    let mut text = String::new(); // of the current top-level paragraph
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                if depth == 0 && matches!(tag, Tag::Paragraph) {
                    text.clear();
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && *end == TagEnd::Paragraph && ends_sentence(&text) {
                    return i + 1;
                }
            }
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::Html(_) | Event::InlineHtml(_) | Event::FootnoteReference(_) => break,
            _ => {}
        }
    }
    events.len()
}

/// Whether `text` ends with a full stop, question or exclamation mark or an ellipsis,
/// perhaps followed by closing quotes, brackets or emphasis.
fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '*', '_'])
        .ends_with(['.', '!', '?', '…'])
}

/// Our changes to pulldown-cmark's events: highlighted code blocks and prefixed footnotes.
struct Writer<'a> {
    /// Colour code blocks (`highlight` in config.toml).
    highlight: bool,
    /// (language, text) of the open fenced block.
    code: Option<(String, String)>,
    /// Set once a block came out highlighted.
    has_code: bool,
    footnotes: Footnotes<'a>,
}

impl<'e> Writer<'_> {
    fn event(&mut self, event: Event<'e>) -> Option<Event<'e>> {
        match (&mut self.code, event) {
            (None, Event::FootnoteReference(label)) => {
                Some(Event::Html(self.footnotes.reference(&label).into()))
            }
            (None, Event::Start(Tag::FootnoteDefinition(label))) => {
                Some(Event::Html(self.footnotes.definition(&label).into()))
            }
            (None, Event::End(TagEnd::FootnoteDefinition)) => Some(Event::Html("</div>\n".into())),
            (None, Event::Start(Tag::CodeBlock(kind))) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
                None
            }
            (Some((_, text)), Event::Text(t)) => {
                text.push_str(&t);
                None
            }
            (Some(_), Event::End(TagEnd::CodeBlock)) => {
                let (lang, text) = self.code.take().unwrap_or_default();
                let (html, coloured) = code_block(&lang, &text, self.highlight);
                self.has_code |= coloured;
                Some(Event::Html(html.into()))
            }
            (_, event) => Some(event),
        }
    }
}

/// Footnote markup with ids under a prefix, numbered in order of first use.
struct Footnotes<'a> {
    prefix: &'a str,
    numbers: Vec<String>,
}

impl Footnotes<'_> {
    fn number(&mut self, label: &str) -> usize {
        match self.numbers.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                self.numbers.push(label.to_string());
                self.numbers.len()
            }
        }
    }

    fn id(&self, label: &str) -> String {
        let label: String = label
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        format!("{}fn-{}", self.prefix, escape_html(&label))
    }

    fn reference(&mut self, label: &str) -> String {
        let n = self.number(label);
        format!(
            "<sup class=\"footnote-reference\"><a href=\"#{}\">{n}</a></sup>",
            self.id(label)
        )
    }

    fn definition(&mut self, label: &str) -> String {
        let n = self.number(label);
        format!(
            "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{n}</sup>",
            self.id(label)
        )
    }
}

/// `text` escaped for HTML (also used for the HTML inside feed items).
pub(crate) fn escape_html(text: &str) -> String {
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

    const SAFE: Settings = Settings {
        safe_html: true,
        highlight: true,
    };

    #[test]
    fn without_highlighting_code_is_escaped_text_for_client_side_highlighters() {
        let off = Settings {
            highlight: false,
            ..Settings::default()
        };
        let html = render("```rust\nlet s = \"<b>\";\n```\n", off, "").html;
        assert_eq!(
            html,
            "<pre class=\"code\" data-lang=\"rust\" tabindex=\"0\"><code class=\"language-rust\">let s = &quot;&lt;b&gt;&quot;;\n</code></pre>\n"
        );
    }

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
    fn smart_punctuation_curls_quotes_and_dashes_but_reads_nothing_as_markdown() {
        for (plain, smart) in [
            ("Dyn's statement", "Dyn\u{2019}s statement"),
            (
                "The \"blameless\" postmortem -- and why...",
                "The \u{201c}blameless\u{201d} postmortem \u{2013} and why\u{2026}",
            ),
            ("No quotes at all", "No quotes at all"),
            (
                "*Not* emphasis, it's `code`? <b>no</b> &amp; [x](y)",
                "*Not* emphasis, it\u{2019}s `code`? <b>no</b> &amp; [x](y)",
            ),
            ("1. Outage's cause", "1. Outage\u{2019}s cause"),
            ("- Dash's start", "- Dash\u{2019}s start"),
            ("# Heading's", "# Heading\u{2019}s"),
        ] {
            assert_eq!(smart_punctuation(plain), smart, "{plain}");
        }
    }

    #[test]
    fn safe_html_strips_raw_html_but_keeps_markdown_output() {
        let md = "Hi <script>alert(1)</script><img src=x onerror=alert(1)> [x](javascript:alert(1)) **b**[^1]\n\n[^1]: n\n\n```rust\nlet a = 1;\n```\n";
        let raw = render(md, Settings::default(), "x-").html;
        assert!(raw.contains("<script>"), "{raw}");
        let safe = render(md, SAFE, "x-").html;
        assert!(
            !safe.contains("<script") && !safe.contains("onerror") && !safe.contains("javascript:"),
            "{safe}"
        );
        assert!(
            safe.contains("<strong>b</strong>")
                && safe.contains("class=\"hl-")
                && safe.contains("footnote-definition"),
            "{safe}"
        );
    }

    #[test]
    fn footnote_ids_are_prefixed_and_linked() {
        let html = render(
            "a[^n] b[^m]\n\n[^m]: M\n[^n]: N\n",
            Settings::default(),
            "i4-intro-",
        )
        .html;
        assert!(html.contains("href=\"#i4-intro-fn-n\">1</a>"), "{html}");
        assert!(html.contains("href=\"#i4-intro-fn-m\">2</a>"), "{html}");
        assert!(html.contains("id=\"i4-intro-fn-n\""), "{html}");
    }

    /// Regression (fuzzing, fuzz/regressions/markdown/hang-makefile-rule-lookahead.bin): a
    /// Makefile line that made Oniguruma backtrack for 22 s. The block must still render.
    #[test]
    fn pathological_makefile_line_still_renders() {
        let md = format!("```make\n(a: ({}\n```\n", "a".repeat(4000));
        let html = to_html(&md);
        assert!(
            html.contains("data-lang=\"make\"") && html.contains(&"a".repeat(4000)),
            "{}",
            &html[..200]
        );
    }

    #[test]
    fn the_lead_is_the_first_top_level_paragraph() {
        let md = "> quoted\n\nFirst *para*.\n\n```sh\nls\n```\n\nLast.\n";
        let r = render(md, Settings::default(), "");
        assert_eq!(
            r.lead(),
            "<blockquote>\n<p>quoted</p>\n</blockquote>\n<p>First <em>para</em>.</p>\n"
        );
        assert!(r.html.starts_with(r.lead()) && r.html.len() > r.lead_len);
        assert!(
            r.html[r.lead_len..].contains("data-lang=\"sh\""),
            "{}",
            r.html
        );

        let safe = render(md, SAFE, "");
        assert!(safe.lead().ends_with("</p>\n") && safe.html.ends_with("<p>Last.</p>\n"));
    }

    #[test]
    fn a_paragraph_that_runs_on_keeps_what_it_introduces() {
        let md = "The trouble came from\n\n> a third party.\n\nRun this:\n\n```sh\nls\n```\n\nIt lists “files.”\n\nMore.\n";
        let r = render(md, Settings::default(), "");
        assert!(r.lead().contains("a third party") && r.lead().contains("data-lang=\"sh\""));
        assert!(
            r.lead().ends_with("<p>It lists “files.”</p>\n"),
            "{}",
            r.lead()
        );
        assert_eq!(&r.html[r.lead_len..], "<p>More.</p>\n");
        let unfinished = render(
            "Quoting [a post](https://a.example/)\n\n> text\n",
            Settings::default(),
            "",
        );
        assert_eq!(unfinished.lead_len, unfinished.html.len());
    }

    #[test]
    fn the_lead_is_everything_when_a_cut_could_break_the_page() {
        for md in [
            "One paragraph only.\n",
            "<div class=\"note\">\n\nInside.\n\n</div>\n\nAfter.\n",
            "Text with <span>inline</span> HTML.\n\nMore.\n",
            "A note[^1].\n\nMore.\n\n[^1]: The note.\n",
            "```sh\nls\n```\n",
        ] {
            let r = render(md, Settings::default(), "");
            assert_eq!(r.lead_len, r.html.len(), "{md:?} -> {}", r.html);
        }
    }

    #[test]
    fn first_paragraph_is_plain_text() {
        let md = "Hello *world* and `code`\nnext line.\n\nSecond paragraph.";
        assert_eq!(first_paragraph_text(md), "Hello world and code next line.");
    }
}
