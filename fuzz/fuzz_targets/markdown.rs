//! `sitrep::markdown::to_html`, `sanitize` (ammonia, what `safe_html = true` applies) and
//! `first_paragraph_text` on arbitrary Markdown, and fenced code
//! blocks in languages syntect knows (and random ones), so highlighting is exercised.
//!
//! Input layout for the fenced block: the first byte picks a language from `LANGS` (or, if its
//! top bit is set, the first line of the rest is the info string); the rest is the code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sitrep::markdown::{first_paragraph_text, sanitize, to_html};

/// Tokens `SyntaxSet::find_syntax_by_token` resolves in syntect's default set, plus a few it does not.
const LANGS: &[&str] = &[
    "rust",
    "rs",
    "python",
    "py",
    "sh",
    "bash",
    "zsh",
    "shell",
    "js",
    "javascript",
    "json",
    "yaml",
    "yml",
    "toml",
    "c",
    "h",
    "cpp",
    "c++",
    "cs",
    "go",
    "java",
    "html",
    "xml",
    "css",
    "sql",
    "diff",
    "patch",
    "makefile",
    "make",
    "ruby",
    "rb",
    "php",
    "perl",
    "pl",
    "lua",
    "haskell",
    "hs",
    "latex",
    "tex",
    "markdown",
    "md",
    "scala",
    "clojure",
    "erlang",
    "ocaml",
    "ml",
    "r",
    "d",
    "groovy",
    "lisp",
    "tcl",
    "txt",
    "bat",
    "rst",
    "dot",
    "objc",
    "m",
    "regex",
    "asp",
    "jsp",
    "textile",
    "nosuchlang",
    "",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let html = to_html(&text);
    // The sanitizer escapes every `<` of text, so a `<script` in its output would be a real tag.
    let safe = sanitize(&html).to_ascii_lowercase();
    for tag in [
        "<script", "<iframe", "<style", "<object", "<embed", "<form", "<svg", "<math",
    ] {
        assert!(!safe.contains(tag), "safe_html let {tag} through:\n{safe}");
    }
    let summary = first_paragraph_text(&text);
    assert_eq!(summary, summary.trim(), "summary is not trimmed");
    assert!(!summary.contains('\n'), "summary spans lines: {summary:?}");

    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let rest = String::from_utf8_lossy(rest);
    let (lang, code) = if selector & 0x80 == 0 {
        (LANGS[selector as usize % LANGS.len()], &*rest)
    } else {
        rest.split_once('\n').unwrap_or((&rest, ""))
    };
    let md = format!("```{lang}\n{code}\n```\n");
    let html = to_html(&md);
    // Without backticks the fence cannot close early or be invalid, so the document is exactly
    // one code block; its code is escaped (highlighted or not), so no tag of the input survives.
    if !lang.contains('`') && !code.contains('`') {
        assert!(
            html.starts_with("<pre class=\"code"),
            "not a code block:\n{md:?}\n{html}"
        );
        assert_eq!(html.matches("<pre").count(), 1, "{md:?}\n{html}");
        let tags_ok = html.match_indices('<').all(|(i, _)| {
            let t = &html[i..];
            [
                "<pre ",
                "</pre>",
                "<code",
                "</code>",
                "<span class=\"",
                "</span>",
            ]
            .iter()
            .any(|ok| t.starts_with(ok))
        });
        assert!(tags_ok, "unescaped markup in a code block:\n{md:?}\n{html}");
    }
});
