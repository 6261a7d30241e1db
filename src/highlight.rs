//! Fenced code as HTML: syntect finds the tokens, our own palette colours them.
//!
//! syntect's HTML generator wraps every scope of every token in a span with a class
//! per scope atom (`<span class="hl-meta hl-function-call hl-arguments hl-python">`):
//! a third of a code-heavy issue page's bytes, for the nine colours the default theme
//! uses. Here each run of text gets at most one span, with the one palette class that
//! decides its colour, so the page carries what the reader sees and nothing more.
//! The syntax set is loaded once per process: loading it costs milliseconds, and a
//! site has thousands of snippets.

use std::sync::OnceLock;

use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::markdown::escape_html;

/// Class prefix for highlighted tokens; the theme's `syntax.css` uses the same.
pub const CLASS_PREFIX: &str = "hl-";

/// Token colours of the default theme, light and dark: (scope atom, light, dark). Each
/// meets WCAG's 4.5:1 on the code background (`--code-bg` in style.css: white, and
/// `#2b303b` in dark mode), checked by a test; a token none of these names keeps the
/// code's text colour. A token takes the colour of its innermost scope that has one of
/// these atoms anywhere in its name (`punctuation.definition.string.begin` is a
/// string's colour), the one listed last when it has several.
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

/// The scope atoms the palette and the two font styles look for, interned once.
struct Atoms {
    palette: [u16; PALETTE.len()],
    markup: u16,
    heading: u16,
    italic: u16,
}

fn atoms() -> &'static Atoms {
    static ATOMS: OnceLock<Atoms> = OnceLock::new();
    ATOMS.get_or_init(|| {
        // One-atom names that always parse; a failure would be a typo in PALETTE.
        let atom = |name: &str| Scope::new(name).map_or(u16::MAX, |s| s.atom_at(0));
        Atoms {
            palette: PALETTE.map(|(name, _, _)| atom(name)),
            markup: atom("markup"),
            heading: atom("heading"),
            italic: atom("italic"),
        }
    })
}

/// How a run of code looks: a palette colour (index into [`PALETTE`]) and font styles.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Look {
    colour: Option<usize>,
    bold: bool,
    italic: bool,
}

impl Look {
    /// The look of text under `scopes` (outermost first).
    fn of(scopes: &[Scope]) -> Look {
        let atoms = atoms();
        let mut look = Look::default();
        for scope in scopes {
            let has = |atom: u16| (0..scope.len() as usize).any(|i| scope.atom_at(i) == atom);
            if has(atoms.markup) {
                look.bold |= has(atoms.heading);
                look.italic |= has(atoms.italic);
            }
            // Inner scopes come later and win, as nested spans' colours would.
            if let Some(last) = (0..PALETTE.len()).rev().find(|&p| has(atoms.palette[p])) {
                look.colour = Some(last);
            }
        }
        look
    }

    /// The span's class names, unprefixed (none for plain text).
    fn names(self) -> impl Iterator<Item = &'static str> {
        let colour = self.colour.map(|c| PALETTE[c].0);
        colour
            .into_iter()
            .chain(self.bold.then_some("heading"))
            .chain(self.italic.then_some("italic"))
    }
}

/// Highlighted HTML being written: the look of the span left open.
struct Runs {
    html: String,
    open: Look,
}

impl Runs {
    /// Appends `text`, opening a new span only when its look differs from the last.
    fn push(&mut self, text: &str, look: Look) {
        if text.is_empty() {
            return;
        }
        if look != self.open {
            self.close();
            if look != Look::default() {
                self.html.push_str("<span class=\"");
                for (i, name) in look.names().enumerate() {
                    self.html.push_str(if i == 0 { "" } else { " " });
                    self.html.push_str(CLASS_PREFIX);
                    self.html.push_str(name);
                }
                self.html.push_str("\">");
            }
            self.open = look;
        }
        pulldown_cmark_escape::escape_html(&mut self.html, text).ok();
    }

    fn close(&mut self) {
        if self.open != Look::default() {
            self.html.push_str("</span>");
            self.open = Look::default();
        }
    }
}

/// `code` as highlighted HTML: runs of text that look alike share one span. `None`
/// when the grammar fails on it (the caller shows it as plain text instead).
fn spans(syntax: &SyntaxReference, code: &str) -> Option<String> {
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut runs = Runs {
        html: String::with_capacity(code.len() * 2),
        open: Look::default(),
    };
    for line in LinesWithEndings::from(code) {
        let ops = state.parse_line(line, syntaxes()).ok()?;
        let mut at = 0;
        for (pos, op) in ops {
            if pos > at {
                runs.push(line.get(at..pos)?, Look::of(stack.as_slice()));
                at = pos;
            }
            stack.apply(&op).ok()?;
        }
        runs.push(line.get(at..)?, Look::of(stack.as_slice()));
    }
    runs.close();
    Some(runs.html)
}

/// A `<pre>` block; with `highlight`, known languages get `hl-*` classed spans, others
/// plain escaped text. Without it, code is escaped text in `<code class="language-…">`
/// and the block has no `hl-code` class, so a client-side highlighter can style it.
/// Returns the block and whether it holds highlighted code (the page then needs
/// `syntax.css`).
pub fn code_block(lang: &str, code: &str, highlight: bool) -> (String, bool) {
    let syntax = (highlight && !lang.is_empty())
        .then(|| syntaxes().find_syntax_by_token(lang))
        .flatten();
    let highlighted = syntax.and_then(|syntax| spans(syntax, code));
    let coloured = highlighted.is_some();
    let body = highlighted.unwrap_or_else(|| escape_html(code));
    if lang.is_empty() {
        let block = format!("<pre class=\"code\" tabindex=\"0\"><code>{body}</code></pre>\n");
        return (block, false);
    }
    let classes = if highlight { "code hl-code" } else { "code" };
    let lang = escape_html(lang);
    let block = format!(
        "<pre class=\"{classes}\" data-lang=\"{lang}\" tabindex=\"0\"><code class=\"language-{lang}\">{body}</code></pre>\n"
    );
    (block, coloured)
}

/// The theme's `syntax.css`: one rule per [`PALETTE`] colour, dark colours under
/// `prefers-color-scheme: dark`, and the two font styles of Markdown-like grammars.
/// `themes/default/static/syntax.css` is this function's output, checked by a test.
pub fn syntax_css() -> String {
    let dark = palette_css(true, "  ");
    format!(
        "/* Code highlighting for sitrep's default theme. Generated by sitrep::highlight::syntax_css(); do not edit. */\n\
         {}{}@media (prefers-color-scheme: dark) {{\n{dark}}}\n",
        palette_css(false, ""),
        font_css()
    )
}

/// One rule per [`PALETTE`] colour, light or dark, each line after `indent`.
fn palette_css(dark: bool, indent: &str) -> String {
    PALETTE
        .iter()
        .map(|(scope, light, night)| {
            let colour = if dark { night } else { light };
            format!("{indent}.{CLASS_PREFIX}{scope} {{ color: {colour}; }}\n")
        })
        .collect()
}

/// The rules for the two font styles of Markdown-like grammars.
fn font_css() -> String {
    let p = CLASS_PREFIX;
    format!(".{p}heading {{ font-weight: bold; }}\n.{p}italic {{ font-style: italic; }}\n")
}

/// The light colours and font styles alone: for HTML shown on white whatever the
/// reader's colour scheme (the email edition).
pub fn light_css() -> String {
    palette_css(false, "") + &font_css()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(lang: &str, code: &str) -> String {
        code_block(lang, code, true).0
    }

    #[test]
    fn fenced_code_is_highlighted_with_one_class_per_run() {
        let html = block("rust", "fn main() { let x = \"<b>\"; } // done\n");
        assert!(html.contains("data-lang=\"rust\""), "{html}");
        assert!(
            html.contains("<span class=\"hl-storage\">fn</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-entity\">main</span>"),
            "{html}"
        );
        // The quotes and the text between them are one string run.
        assert!(
            html.contains("<span class=\"hl-string\">&quot;&lt;b&gt;&quot;</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-comment\">// done"),
            "{html}"
        );
        assert!(!html.contains("<b>") && !html.contains("hl-meta"), "{html}");
        assert_eq!(
            html.matches("<span").count(),
            html.matches("</span>").count(),
            "{html}"
        );
    }

    #[test]
    fn the_code_text_is_kept_exactly() {
        let code = "def f(a, b):\n    return a < b  # \"why\" & 'how'\n\n\tprint(f'{a}')\n";
        let html = block("python", code);
        let inner = html
            .split_once("<code")
            .unwrap()
            .1
            .split_once("</code>")
            .unwrap()
            .0;
        let text = format!("<code{inner}")
            .split('<')
            .map(|part| part.split_once('>').map_or(part, |(_, text)| text))
            .collect::<String>();
        let text = text
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"");
        let text = text.replace("&#39;", "'");
        assert_eq!(text.replace("&amp;", "&"), code);
    }

    #[test]
    fn unknown_language_is_escaped_plain_text() {
        let (html, coloured) = code_block("nosuchlang", "<script>x</script>\n", true);
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<span") && !coloured, "{html}");
        let (plain, coloured) = code_block("", "x\n", true);
        assert!(!plain.contains("hl-code") && !coloured, "{plain}");
    }

    #[test]
    fn markdown_headings_are_bold() {
        let html = block("markdown", "# Title\n\n*soft*\n");
        assert!(html.contains("hl-heading"), "{html}");
        assert!(html.contains("hl-italic"), "{html}");
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
        for bg in [light_bg, dark_bg] {
            assert!(
                style.contains(&format!("--code-bg:{bg}"))
                    || style.contains(&format!("--code-bg: {bg}")),
                "style.css's --code-bg is no longer {bg}"
            );
        }
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
}
