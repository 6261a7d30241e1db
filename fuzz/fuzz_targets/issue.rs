//! `sitrep::content::parse_issue` (and `parse_page`) on arbitrary text, with two configs: no tag
//! vocabulary and trusted HTML; a vocabulary and `safe_html = true`. Never panics; every diagnostic points into the file and renders; an issue that
//! validates keeps the model's promises (positive number, http(s) URLs, unique anchors, safe slugs).
//!
//! Besides the raw input, each input is also tried as the rest of a valid front matter
//! (`+++\nnumber = 1\ndate = 2020-01-01\n` + input), so most executions get past the `+++`
//! and `number`/`date` checks and explore links, outages, sponsors, tags, dates and URLs.
//! A NUL byte in the input separates that front matter from a Markdown body.
#![no_main]

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sitrep::Config;
use sitrep::content::{Issue, Tag};

mod common;

/// `strict`: a tag vocabulary and `safe_html`; otherwise neither.
fn config(strict: bool) -> &'static Config {
    static PLAIN: OnceLock<Config> = OnceLock::new();
    static STRICT: OnceLock<Config> = OnceLock::new();
    let make = |tags: Option<BTreeMap<String, String>>| Config {
        title: "Fuzz Weekly".into(),
        base_url: "https://example.org/".into(),
        base_path: "/".into(),
        issue_title: "Issue #{number}".into(),
        feed_limit: 20,
        language: "en".into(),
        safe_html: tags.is_some(),
        highlight: true,
        tags,
        ..Config::default()
    };
    if strict {
        STRICT.get_or_init(|| {
            let tags = [
                ("dns", "DNS"),
                ("ddos", "DDoS"),
                ("postmortem", "Postmortems"),
                ("on-call", "On-Call"),
                ("status-pages", "Status Pages"),
                ("cloud", "Cloud"),
                ("con-1", "Con"),
            ];
            make(Some(
                tags.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ))
        })
    } else {
        PLAIN.get_or_init(|| make(None))
    }
}

fn check_slug(slug: &str) {
    assert!(
        !slug.is_empty() && slug.len() <= 80,
        "slug length: {slug:?}"
    );
    assert!(
        slug.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
        "slug has unsafe characters: {slug:?}"
    );
    assert!(
        !slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"),
        "slug hyphens: {slug:?}"
    );
}

fn check_tags(tags: &[Tag], vocabulary: Option<&BTreeMap<String, String>>) {
    let mut seen = HashSet::new();
    for t in tags {
        check_slug(&t.slug);
        assert!(seen.insert(&t.slug), "duplicate tag {:?}", t.slug);
        if let Some(v) = vocabulary {
            assert_eq!(v.get(&t.slug), Some(&t.name), "tag not from the vocabulary");
        }
    }
}

fn check_url(url: &str) {
    let u = url::Url::parse(url).unwrap_or_else(|e| panic!("accepted URL {url:?}: {e}"));
    assert!(
        matches!(u.scheme(), "http" | "https") && u.host_str().is_some(),
        "{url:?}"
    );
    // Written exactly: no surrounding or inner space or control character, two slashes,
    // no user name that could make it read as another host.
    assert!(
        !url.chars().any(|c| c.is_whitespace() || c.is_control()),
        "{url:?}"
    );
    assert!(url[u.scheme().len() + 1..].starts_with("//"), "{url:?}");
    assert!(u.username().is_empty() && u.password().is_none(), "{url:?}");
}

/// No character XML 1.0 forbids reaches the model: it would make every feed unreadable.
fn check_xml_chars(what: &str, text: &str) {
    let bad = |c: char| {
        matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
    };
    assert!(!text.chars().any(bad), "{what} holds a character XML forbids: {text:?}");
}

/// With `safe_html`, no markup the author wrote that could run script survives.
fn check_html(html: &str, config: &Config) {
    if config.safe_html {
        let lower = html.to_ascii_lowercase();
        for tag in ["<script", "<iframe", "<style", "<object", "<embed", "<form"] {
            assert!(!lower.contains(tag), "safe_html let {tag} through:\n{html}");
        }
    }
}

fn check_issue(issue: &Issue, config: &Config, text: &str) {
    assert!(issue.number >= 1, "issue number {}", issue.number);
    check_xml_chars("title", &issue.title);
    check_xml_chars("summary", &issue.summary);
    check_xml_chars("intro", &issue.intro_html);
    for link in &issue.links {
        let fields = [&link.title, &link.commentary.html];
        let optional = [&link.source, &link.via, &link.disclosure];
        for f in fields.into_iter().chain(optional.into_iter().flatten()) {
            check_xml_chars("link", f);
        }
    }
    for outage in &issue.outages {
        check_xml_chars("service", &outage.service);
        check_xml_chars("outage", &outage.commentary_html);
        if let Some(t) = &outage.title {
            check_xml_chars("outage title", t);
        }
    }
    let lines = text.split('\n').count();
    check_html(&issue.intro_html, config);
    let mut anchors = HashSet::new();
    for link in &issue.links {
        assert!(
            (1..=lines).contains(&link.line),
            "link line {} of {lines}",
            link.line
        );
        check_html(&link.commentary.html, config);
        check_url(&link.url);
        check_tags(&link.tags, config.tags.as_ref());
        assert!(
            anchors.insert(link.id.clone()),
            "duplicate anchor {:?}",
            link.id
        );
    }
    for outage in &issue.outages {
        assert!(
            (1..=lines).contains(&outage.line),
            "outage line {} of {lines}",
            outage.line
        );
        check_html(&outage.commentary_html, config);
        check_slug(&outage.service_slug);
        if let Some(url) = &outage.url {
            check_url(url);
        }
        check_tags(&outage.tags, config.tags.as_ref());
        assert!(
            anchors.insert(outage.id.clone()),
            "duplicate anchor {:?}",
            outage.id
        );
    }
    for id in &anchors {
        assert!(
            id.starts_with("link") || id.starts_with("outage"),
            "anchor {id:?}"
        );
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "anchor {id:?}"
        );
    }
    for sponsor in &issue.sponsors {
        check_html(&sponsor.html, config);
        if let Some(url) = &sponsor.url {
            check_url(url);
        }
    }
}

fn check(text: &str) {
    let path = Path::new("content/issues/fuzz.md");
    for strict in [false, true] {
        let config = config(strict);
        match sitrep::content::parse_issue(path, text, config) {
            Ok(issue) => check_issue(&issue, config, text),
            Err(problems) => {
                assert!(!problems.is_empty(), "Err without diagnostics");
                for d in &problems {
                    common::check_diagnostic(d, text);
                }
            }
        }
    }
    let config = config(true);
    match sitrep::content::parse_page(Path::new("content/pages/fuzz.md"), text, config) {
        Ok(page) => {
            check_slug(&page.slug);
            check_html(&page.html, config);
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "Err without diagnostics");
            for d in &problems {
                common::check_diagnostic(d, text);
            }
        }
    }
}

const PREFIX: &str = "+++\nnumber = 1\ndate = 2020-01-01\n";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);

    // Structured: a valid start of front matter, the input as more of it, then the body.
    let (front, body) = text.split_once('\0').unwrap_or((&text, ""));
    check(&format!("{PREFIX}{front}\n+++\n{body}"));
});
