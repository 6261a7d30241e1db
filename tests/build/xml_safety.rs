//! Whatever an author pastes, every XML file of the site stays readable: characters XML 1.0
//! forbids are errors at their line, and everything else arrives in a strict XML parser
//! (roxmltree, which rejects forbidden characters) and a feed reader (feed-rs) intact.

use sitrep::Diagnostic;

use crate::support::{SiteTest, line_of};

const CONFIG: &str = "title = \"Paste Weekly\"\nbase_url = \"https://paste.example/\"\n";
const ISSUE: &str = "content/issues/1.md";

/// An issue whose link title, source, outage service, outage title and body are `title`,
/// `source`, `service`, `outage` and `body`, each dropped into the TOML or Markdown as given.
fn issue(title: &str, source: &str, service: &str, outage: &str, body: &str) -> String {
    format!(
        "+++\nnumber = 1\ndate = 2025-03-03\ntitle = \"Week one\"\n\n\
         [[links]]\ntitle = \"{title}\"\nurl = \"https://a.example/post\"\nsource = \"{source}\"\n\
         commentary = \"Worth it.\"\n\n\
         [[outages]]\nservice = \"{service}\"\ntitle = \"{outage}\"\nurl = \"https://status.example/\"\n\
         tags = [\"dns\"]\n+++\n\n{body}\n"
    )
}

fn problems_of(text: &str) -> Vec<Diagnostic> {
    SiteTest::inline(&[("config.toml", CONFIG), (ISSUE, text)]).diagnostics()
}

#[test]
fn a_forbidden_character_anywhere_is_an_error_at_its_line_naming_the_code_point() {
    // (where, the issue text, the code point, the line's marker)
    let cases = [
        (
            "link title, as \\u escape",
            issue("Bad \\u001b[31mred", "S", "Svc", "O", "Body."),
            "U+001B",
            "title = \"Bad",
        ),
        (
            "source, as \\u0000",
            issue("T", "Src\\u0000", "Svc", "O", "Body."),
            "U+0000",
            "source =",
        ),
        (
            "service, as \\f",
            issue("T", "S", "Svc\\f", "O", "Body."),
            "U+000C",
            "service =",
        ),
        (
            "outage title, U+FFFE",
            issue("T", "S", "Svc", "Gone \\uFFFE", "Body."),
            "U+FFFE",
            "title = \"Gone",
        ),
        (
            "body, raw ESC",
            issue("T", "S", "Svc", "O", "Pasted \u{1b}[0m here."),
            "U+001B",
            "Pasted",
        ),
        (
            "body, raw form feed",
            issue("T", "S", "Svc", "O", "A page\u{c}break."),
            "U+000C",
            "A page",
        ),
        (
            "body, raw U+FFFF",
            issue("T", "S", "Svc", "O", "Odd \u{ffff}."),
            "U+FFFF",
            "Odd",
        ),
    ];
    for (case, text, code, marker) in cases {
        let problems = problems_of(&text);
        assert_eq!(problems.len(), 1, "{case}: {problems:#?}");
        let d = &problems[0];
        assert!(d.path.ends_with(ISSUE), "{case}: {}", d.path.display());
        assert_eq!(d.line, line_of(&text, marker), "{case}: {d:#?}");
        assert!(d.message.contains(code), "{case}: {}", d.message);
        assert!(d.hint.is_some(), "{case}: no hint");
    }
}

#[test]
fn the_site_config_is_held_to_the_same_characters() {
    let config = "title = \"Paste\\u0007 Weekly\"\nbase_url = \"https://paste.example/\"\n";
    let site = SiteTest::inline(&[
        ("config.toml", config),
        (ISSUE, &issue("T", "S", "Svc", "O", "Body.")),
    ]);
    let problems = site.diagnostics();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0].path.ends_with("config.toml"));
    assert!(
        problems[0].message.contains("`title` holds U+0007"),
        "{}",
        problems[0].message
    );
}

#[test]
fn urls_written_loosely_are_errors_not_quietly_repaired() {
    for (url, says) in [
        (" https://a.example/", "space before or after"),
        ("https://a.example/\\u0000x", "U+0000"),
        ("https:/a.example/", "two slashes"),
        ("https://evil.example@a.example/", "goes to a.example"),
    ] {
        let text = format!(
            "+++\nnumber = 1\ndate = 2025-03-03\n\n[[links]]\ntitle = \"T\"\nurl = \"{url}\"\n+++\n"
        );
        let problems = problems_of(&text);
        assert!(
            problems
                .iter()
                .any(|d| d.message.contains(says) && d.line == line_of(&text, "url =")),
            "{url}: {problems:#?}"
        );
    }
}

/// Strings that are legal but easy to get wrong when writing XML by hand.
const TRAPS: &str =
    "]]> & <b>\\\"q\\\"</b> 'a' \\u0085 \\u2028 \\uFFFD \\u200F \\t tab \\r\\n CR \\u007F";

#[test]
fn every_xml_file_of_a_site_full_of_legal_traps_parses_strictly_and_keeps_the_text() {
    let body =
        "Body with ]]> and &amp; and <!-- a comment --> and \u{85}\u{2028}\u{7f} and a\ttab.";
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        (
            ISSUE,
            &issue(TRAPS, TRAPS, &format!("Svc {TRAPS}"), TRAPS, body),
        ),
    ]);
    let built = site.build();
    let xml: Vec<String> = built
        .files()
        .into_keys()
        .filter(|p| p.ends_with(".xml") || p.ends_with(".opml"))
        .collect();
    assert!(xml.len() >= 4, "{xml:?}");
    for path in &xml {
        let text = built.read(path);
        if let Err(e) = roxmltree::Document::parse(&text) {
            panic!("{path} is not well-formed XML: {e}\n{text}");
        }
    }
    // The trap text reaches a feed reader whole: the link in its tag-less issue item and
    // the outage in its tag's feed (titles are text; TOML's \r\n arrives as a newline).
    let outage_feed = built.feed("outages/tags/dns/rss.xml");
    let title = outage_feed.entries[0]
        .title
        .as_ref()
        .map(|t| t.content.clone());
    let title = title.unwrap_or_default();
    for piece in [
        "]]> & <b>\"q\"</b> 'a'",
        "\u{2028} \u{fffd} \u{200f}",
        "\u{7f}",
    ] {
        assert!(title.contains(piece), "{piece:?} lost from {title:?}");
    }
}
