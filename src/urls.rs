//! The site's URL scheme, in one place: where every page, feed and file lives.
//!
//! Everything here is a *site path*: relative to the output root and to the
//! site's base path, with no leading slash (`issues/45/`, `tags/dns/page/2/`,
//! `rss.xml`). A path ending in `/` (or the empty path, the home page) is a
//! folder, written as its `index.html` ([`file_of`]). [`crate::Config::href`]
//! turns a site path into a link, [`crate::Config::permalink`] into an
//! absolute URL. Render, feeds, `check` and `serve` all go through here, so a
//! new page kind gets its URL here and nowhere else.

/// The home page.
pub const HOME: &str = "";
/// Every issue, by year.
pub const ARCHIVE: &str = "issues/";
/// Every outage, newest first (paginated).
pub const OUTAGES: &str = "outages/";
/// The list of outage tags.
pub const OUTAGE_TAGS: &str = "outages/tags/";
/// The list of services with outages.
pub const SERVICES: &str = "outages/services/";
/// The list of link tags.
pub const TAGS: &str = "tags/";
/// Every feed of the site, listed, and as OPML.
pub const FEEDS: &str = "feeds/";
/// The search page (`search = true`), and the Pagefind bundle it loads.
pub const SEARCH: &str = "search/";
pub const PAGEFIND: &str = "pagefind/";
pub const OPML: &str = "feeds.opml";
/// The page static hosts serve for a missing path.
pub const NOT_FOUND: &str = "404.html";
/// The issue feeds.
pub const RSS: &str = "rss.xml";
pub const ATOM: &str = "atom.xml";
pub const JSON_FEED: &str = "feed.json";
pub const SITEMAP: &str = "sitemap.xml";
/// The archive as data (see [`crate::data`]).
pub const OUTAGES_JSON: &str = "outages.json";
pub const OUTAGES_CSV: &str = "outages.csv";
pub const LINKS_JSON: &str = "links.json";
pub const ROBOTS: &str = "robots.txt";
/// The theme's stylesheets (static files of the default theme).
pub const STYLESHEET: &str = "style.css";
pub const SYNTAX_STYLESHEET: &str = "syntax.css";

/// The first path segments sitrep's own pages use: a standalone page may not take them.
pub const RESERVED: [&str; 6] = ["issues", "outages", "tags", "feeds", "search", "pagefind"];

/// Page `n` (1-based) of the index at `base`: the first page keeps the stable URL.
pub fn paged(base: &str, n: usize) -> String {
    if n <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// `issues/<n>/`
pub fn issue(n: u32) -> String {
    format!("issues/{n}/")
}

/// `issues/<n>/#<id>`: a link or outage (anchor `id`) on its issue's page.
pub fn issue_anchor(n: u32, id: &str) -> String {
    format!("{}#{id}", issue(n))
}

/// `tags/<slug>/`
pub fn link_tag(slug: &str) -> String {
    format!("tags/{slug}/")
}

/// `outages/tags/<slug>/`
pub fn outage_tag(slug: &str) -> String {
    format!("outages/tags/{slug}/")
}

/// `outages/tags/<slug>/rss.xml`
pub fn outage_tag_feed(slug: &str) -> String {
    format!("{}rss.xml", outage_tag(slug))
}

/// `tags/<slug>/rss.xml`: the links carrying a tag.
pub fn link_tag_feed(slug: &str) -> String {
    format!("{}rss.xml", link_tag(slug))
}

/// `outages/services/<slug>/rss.xml`: one service's outages.
pub fn service_feed(slug: &str) -> String {
    format!("{}rss.xml", service(slug))
}

/// `outages/services/<slug>/`
pub fn service(slug: &str) -> String {
    format!("outages/services/{slug}/")
}

/// `<slug>/` for a standalone page.
pub fn page(slug: &str) -> String {
    format!("{slug}/")
}

/// The file a site path is written to: `issues/45/` → `issues/45/index.html`, `` → `index.html`.
pub fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// The file of `path` taken as a folder, with or without its trailing slash:
/// `about` → `about/index.html`, `` → `index.html`.
pub fn folder_file(path: &str) -> String {
    match path.trim_end_matches('/') {
        "" => file_of(HOME),
        folder => file_of(&format!("{folder}/")),
    }
}

/// The issue number whose page is the file `file` (`issues/45/index.html` → 45).
pub fn issue_of_file(file: &str) -> Option<u32> {
    file.strip_prefix("issues/")?
        .strip_suffix("/index.html")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_are_written_as_their_index() {
        assert_eq!(file_of(HOME), "index.html");
        assert_eq!(file_of(&issue(45)), "issues/45/index.html");
        assert_eq!(file_of(RSS), "rss.xml");
        assert_eq!(folder_file("about"), "about/index.html");
        assert_eq!(folder_file("about/"), "about/index.html");
        assert_eq!(folder_file(""), "index.html");
        assert_eq!(
            file_of(&paged(&link_tag("dns"), 2)),
            "tags/dns/page/2/index.html"
        );
        assert_eq!(issue_of_file(&file_of(&issue(7))), Some(7));
        assert_eq!(issue_of_file("issues/x/index.html"), None);
        assert_eq!(outage_tag_feed("dns"), "outages/tags/dns/rss.xml");
    }
}
