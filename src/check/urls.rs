//! URL hygiene: a link already sent in an earlier issue (or twice in one), and URLs
//! carrying tracking parameters.
//!
//! Repeated URLs are compared among links only (an outage's status page may recur),
//! and a bare home page (`https://example.com/`) may recur too;
//! tracking parameters are looked for in links, outages and Markdown links, but not
//! in sponsors, whose campaign parameters are usually wanted.

use std::collections::HashMap;
use std::path::Path;

use url::{Position, Url};

use super::links::MarkdownPiece;
use super::{Finding, Spot, WarningKind, oldest_first, short_path};
use crate::content::Issue;
use crate::site::Site;

/// Query parameters that only track the reader (besides every `utm_*`).
const TRACKING_PARAMETERS: [&str; 20] = [
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "twclid",
    "ttclid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ref_src",
    "ref_url",
    "vero_id",
    "oly_enc_id",
];

/// `https://example.com/`: a site's root, with no query or fragment.
fn is_home_page(url: &str) -> bool {
    url::Url::parse(url)
        .is_ok_and(|u| u.path() == "/" && u.query().is_none() && u.fragment().is_none())
}

pub(super) fn repeated_urls(site: &Site) -> Vec<Finding<'_>> {
    let mut first: HashMap<String, (&Issue, usize)> = HashMap::new();
    let mut found = Vec::new();
    for issue in oldest_first(site) {
        // A publisher's home page may recur (it stands for the site, not for one
        // article readers have already seen).
        for link in issue.links.iter().filter(|l| !is_home_page(&l.url)) {
            let (earlier, line) = *first
                .entry(normalise_url(&link.url))
                .or_insert((issue, link.line));
            if line == link.line && earlier.number == issue.number {
                continue; // its first appearance
            }
            let (kind, message, hint) = if earlier.number == issue.number {
                (
                    WarningKind::RepeatedUrl,
                    format!(
                        "`{}` is linked twice in this issue (first at line {line})",
                        link.url
                    ),
                    "remove one of the two links, or merge their commentary",
                )
            } else {
                (
                    WarningKind::DuplicateUrl,
                    format!(
                        "`{}` was already linked in issue #{} ({}:{line})",
                        link.url,
                        earlier.number,
                        short_path(&site.config, &earlier.path)
                    ),
                    "readers have seen it: drop it, or say in the commentary what is new",
                )
            };
            let spot = Spot::Item {
                line: link.line,
                needle: Some(link.url.clone()),
            };
            found.push(Finding::new(kind, &issue.path, spot, message, hint.into()));
        }
    }
    found
}

/// The form of a URL used to compare links: lower-case scheme and host, no
/// fragment, no tracking parameters, no trailing slash.
///
/// `HTTPS://Example.com/a/?utm_source=x#top` and `https://example.com/a` are the same page.
pub fn normalise_url(url: &str) -> String {
    let Ok(mut u) = Url::parse(url.trim()) else {
        return url.trim().trim_end_matches('/').to_string();
    };
    u.set_fragment(None);
    strip_tracking(&mut u);
    let query = u.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!(
        "{}{}{query}",
        &u[..Position::BeforePath],
        u.path().trim_end_matches('/')
    )
}

pub(super) fn tracking_parameters<'a>(
    site: &'a Site,
    pieces: &[MarkdownPiece<'a>],
) -> Vec<Finding<'a>> {
    let mut found = Vec::new();
    for issue in &site.issues {
        let items = issue.links.iter().map(|l| (l.line, Some(&l.url)));
        let outages = issue.outages.iter().map(|o| (o.line, o.url.as_ref()));
        for (line, url) in items.chain(outages) {
            let spot = |u: &String| Spot::Item {
                line,
                needle: Some(u.clone()),
            };
            found.extend(url.and_then(|u| tracking_finding(&issue.path, spot(u), u)));
        }
    }
    for piece in pieces {
        for href in &piece.hrefs {
            if href.starts_with("http://") || href.starts_with("https://") {
                found.extend(tracking_finding(piece.path, piece.spot(href), href));
            }
        }
    }
    found
}

fn tracking_finding<'a>(path: &'a Path, spot: Spot, url: &str) -> Option<Finding<'a>> {
    let (clean, removed) = without_tracking(url)?;
    Some(Finding::new(
        WarningKind::TrackingParameters,
        path,
        spot,
        format!(
            "`{url}` carries tracking parameters ({})",
            removed.join(", ")
        ),
        format!("link to the clean URL: {clean}"),
    ))
}

/// `url` without its tracking query parameters, and the names of those removed;
/// `None` if it has none (or is not a URL). Every other parameter is kept as written.
pub fn without_tracking(url: &str) -> Option<(String, Vec<String>)> {
    let mut u = Url::parse(url.trim()).ok()?;
    let removed = strip_tracking(&mut u);
    (!removed.is_empty()).then(|| (u.to_string(), removed))
}

/// Removes tracking pairs from `u`'s query; returns their names.
fn strip_tracking(u: &mut Url) -> Vec<String> {
    let Some(query) = u.query() else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    let mut removed = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let key = url::form_urlencoded::parse(pair.as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default();
        if is_tracking(&key) {
            removed.push(key);
        } else {
            kept.push(pair.to_string());
        }
    }
    if !removed.is_empty() {
        let kept = kept.join("&");
        u.set_query((!kept.is_empty()).then_some(kept.as_str()));
    }
    removed
}

fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING_PARAMETERS.contains(&key.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_ignores_case_slash_fragment_and_tracking() {
        let same = [
            "https://example.com/a",
            "HTTPS://Example.COM/a/",
            "https://example.com/a#section",
            "https://example.com/a/?utm_source=x&utm_medium=email",
            "https://example.com:443/a",
        ];
        for url in same {
            assert_eq!(normalise_url(url), "https://example.com/a", "{url}");
        }
        assert_eq!(normalise_url("https://example.com/"), "https://example.com");
        assert_eq!(normalise_url("https://example.com"), "https://example.com");
    }

    #[test]
    fn normalise_keeps_what_changes_the_page() {
        assert_ne!(
            normalise_url("https://example.com/a?page=2"),
            normalise_url("https://example.com/a?page=3")
        );
        assert_ne!(
            normalise_url("https://example.com/A"),
            normalise_url("https://example.com/a")
        );
        assert_ne!(
            normalise_url("http://example.com/a"),
            normalise_url("https://example.com/a")
        );
        assert_eq!(
            normalise_url("https://example.com/a/?page=2#x"),
            "https://example.com/a?page=2"
        );
    }

    #[test]
    fn tracking_parameters_are_removed_and_the_rest_kept_as_written() {
        let (clean, removed) = without_tracking(
            "https://example.com/post?id=7&utm_source=news&q=a+b%20c&fbclid=XYZ#top",
        )
        .unwrap();
        assert_eq!(clean, "https://example.com/post?id=7&q=a+b%20c#top");
        assert_eq!(removed, ["utm_source", "fbclid"]);

        let (clean, removed) =
            without_tracking("https://example.com/?UTM_Campaign=x&gclid=1&mc_cid=2&mc_eid=3")
                .unwrap();
        assert_eq!(clean, "https://example.com/");
        assert_eq!(removed.len(), 4);

        let (clean, _) =
            without_tracking("https://t.co/x?ref_src=twsrc&_hsenc=a&_hsmi=b&igshid=c&msclkid=d")
                .unwrap();
        assert_eq!(clean, "https://t.co/x");
    }

    #[test]
    fn urls_without_tracking_are_left_alone() {
        assert_eq!(
            without_tracking("https://example.com/?id=1&utm=2&source=3"),
            None
        );
        assert_eq!(without_tracking("https://example.com/utm_source/"), None);
        assert_eq!(without_tracking("not a url?utm_source=x"), None);
    }
}
