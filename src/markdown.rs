//! Markdown to HTML, with fenced code highlighted by syntect as CSS classes.
//!
//! Every piece of Markdown in a site (editorials, commentary, sponsor blurbs,
//! pages) goes through [`to_html`], so they all get the same extensions. The
//! syntax set is loaded once per process: loading it costs milliseconds, and a
//! site has thousands of snippets.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Class prefix for highlighted tokens; the theme's `syntax.css` uses the same.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// How much backtracking one regex search may do before it counts as "no match".
///
/// Some bundled grammars (Makefile's rule lookahead) backtrack catastrophically on
/// ordinary-looking lines: `(a: (aaaa…` took 22 s for one line. Oniguruma's default
/// search budget is unlimited; with this one such a line is highlighted less, quickly,
/// while real code never comes near it (the example site highlights identically).
const REGEX_SEARCH_BUDGET: std::ffi::c_ulong = 200_000;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(|| {
        // SAFETY: these only set two process-wide integers that Oniguruma reads when a
        // search starts; it runs once, before this process highlights anything.
        unsafe {
            onig_sys::onig_set_retry_limit_in_search(REGEX_SEARCH_BUDGET);
            onig_sys::onig_set_retry_limit_in_match(REGEX_SEARCH_BUDGET);
        }
        SyntaxSet::load_defaults_newlines()
    })
}

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
    Rendered { html, lead_len }
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
                Some(Event::Html(code_block(&lang, &text, self.highlight).into()))
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

/// A `<pre>` block; with `highlight`, known languages get `hl-*` classed spans, others
/// plain escaped text. Without it, code is escaped text in `<code class="language-…">`
/// and the block has no `hl-code` class, so a client-side highlighter can style it.
fn code_block(lang: &str, code: &str, highlight: bool) -> String {
    let syntax = (highlight && !lang.is_empty())
        .then(|| syntaxes().find_syntax_by_token(lang))
        .flatten();
    let body = syntax.and_then(|syntax| {
        let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            html.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(html.finalize())
    });
    let body = body.unwrap_or_else(|| escape_html(code));
    if lang.is_empty() {
        return format!("<pre class=\"code\" tabindex=\"0\"><code>{body}</code></pre>\n");
    }
    let classes = if highlight { "code hl-code" } else { "code" };
    let lang = escape_html(lang);
    format!(
        "<pre class=\"{classes}\" data-lang=\"{lang}\" tabindex=\"0\"><code class=\"language-{lang}\">{body}</code></pre>\n"
    )
}

/// `text` escaped for HTML (also used for the HTML inside feed items).
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, text).ok();
    out
}

/// Token colours of the default theme, light and dark: (scope, light, dark). Each meets
/// WCAG's 4.5:1 on the code background (`--code-bg` in style.css: white, and `#2b303b`
/// in dark mode), checked by a test; a scope not listed keeps the code's text colour.
/// Our own palette, rather than syntect's bundled themes: theirs styled every scope
/// they know (20 KB of CSS) and their comments failed contrast.
pub const PALETTE: [(&str, &str, &str); 9] = [
    ("comment", "#5f6672", "#a9b1bf"),
    ("keyword", "#a626a4", "#dcb0ff"),
    ("storage", "#a626a4", "#dcb0ff"),
    ("string", "#2a6e1b", "#a9d98c"),
    ("constant", "#955200", "#f2b57e"),
    ("entity", "#1a5bb0", "#90c6ff"),
    ("support", "#0a6b7c", "#80dce9"),
    ("variable", "#a4312b", "#ffa09a"),
    ("invalid", "#b00020", "#ff8a8a"),
];

/// The code backgrounds the palette is made for (light, dark).
pub const CODE_BACKGROUNDS: (&str, &str) = ("#ffffff", "#2b303b");

/// The theme's `syntax.css`: one rule per [`PALETTE`] scope (syntect gives each token
/// span a class per scope atom, `hl-comment hl-line hl-shell`), dark colours under
/// `prefers-color-scheme: dark`. Later rules win, so a string inside a comment-like
/// scope takes the more specific colour listed last. `themes/default/static/syntax.css`
/// is this function's output, checked by a test.
pub fn syntax_css() -> String {
    let prefix = match CLASS_STYLE {
        ClassStyle::SpacedPrefixed { prefix } => prefix,
        _ => "",
    };
    let rules = |dark: bool| -> String {
        PALETTE
            .iter()
            .map(|(scope, light, night)| {
                let colour = if dark { night } else { light };
                format!(
                    "{}.{prefix}{scope} {{ color: {colour}; }}\n",
                    if dark { "  " } else { "" }
                )
            })
            .collect()
    };
    format!(
        "/* Code highlighting for sitrep's default theme. Generated by sitrep::markdown::syntax_css(); do not edit. */\n\
         {}.{prefix}markup.{prefix}heading {{ font-weight: bold; }}\n.{prefix}markup.{prefix}italic {{ font-style: italic; }}\n\
         @media (prefers-color-scheme: dark) {{\n{}}}\n",
        rules(false),
        rules(true)
    )
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

    /// WCAG 2.x contrast ratio of two `#rrggbb` colours.
    fn contrast(a: &str, b: &str) -> f64 {
        let luminance = |hex: &str| {
            let channel = |i: usize| {
                let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
                if c <= 0.03928 {
                    c / 12.92
                } else {
                    ((c + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
        };
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
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
    fn every_token_colour_meets_4_5_to_1_on_its_background() {
        let (light_bg, dark_bg) = CODE_BACKGROUNDS;
        for (scope, light, dark) in PALETTE {
            assert!(
                contrast(light, light_bg) >= 4.5,
                "{scope} light {light}: {:.2}",
                contrast(light, light_bg)
            );
            assert!(
                contrast(dark, dark_bg) >= 4.5,
                "{scope} dark {dark}: {:.2}",
                contrast(dark, dark_bg)
            );
        }
        let style = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/style.css"
        ))
        .unwrap();
        assert!(
            style.contains(&format!("--code-bg: {light_bg};")),
            "style.css's light --code-bg changed"
        );
        assert!(
            style.contains(&format!("--code-bg: {dark_bg};")),
            "style.css's dark --code-bg changed"
        );
    }

    /// Regenerate with `SITREP_BLESS=1 cargo test syntax_css`.
    #[test]
    fn theme_syntax_css_is_current() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/themes/default/static/syntax.css"
        );
        let expected = syntax_css();
        if std::env::var_os("SITREP_BLESS").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            actual == expected,
            "{path} is stale: run SITREP_BLESS=1 cargo test syntax_css"
        );
        assert!(expected.contains(".hl-") && expected.contains("prefers-color-scheme: dark"));
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
