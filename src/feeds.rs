//! The feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of issues, and one RSS feed
//! per outage tag so a reader can follow, say, every DNS outage.
//!
//! Feeds are built with the `rss` and `atom_syndication` crates (and serde for
//! JSON), which escape through a real XML writer: a title like
//! `Escaping & <script>` arrives as text, which string templates get wrong.
//! Timestamps come only from content, never from the clock, so rebuilding
//! gives the same bytes.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::content::{Issue, Tag};
use crate::error::{Error, Result};
use crate::markdown::escape_html;
use crate::output::Output;
use crate::render::views::paths;
use crate::site::{Site, TagIndex};

/// One unit of feed output: the site's three issue feeds, or one outage tag's RSS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// `rss.xml`, `atom.xml` and `feed.json`: the latest issues in full.
    Issues,
    /// `outages/tags/<tag>/rss.xml` for `site.outage_tags[i]`.
    OutageTag(usize),
}

/// Every feed of the site.
pub fn all(site: &Site) -> Vec<Feed> {
    let mut feeds = vec![Feed::Issues];
    feeds.extend((0..site.outage_tags.len()).map(Feed::OutageTag));
    feeds
}

impl Feed {
    /// The files this feed writes.
    pub fn paths(self, site: &Site) -> Vec<String> {
        match self {
            Feed::Issues => vec!["rss.xml".into(), "atom.xml".into(), "feed.json".into()],
            Feed::OutageTag(i) => vec![paths::outage_tag_feed(&site.outage_tags[i].tag.slug)],
        }
    }

    /// A fingerprint of what the feed shows beyond `global` (see `render::Page::key`).
    pub fn key(self, site: &Site, global: u64) -> u64 {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut h = crate::content::fingerprints().build_hasher();
        (global, self.paths(site)).hash(&mut h);
        let limit = site.config.feed_limit;
        match self {
            Feed::Issues => site
                .issues
                .iter()
                .take(limit)
                .for_each(|i| i.source_hash.hash(&mut h)),
            Feed::OutageTag(t) => {
                for r in site.outage_tags[t].items.iter().take(limit) {
                    (site.issues[r.issue].source_hash, r.item).hash(&mut h);
                }
            }
        }
        h.finish()
    }

    /// Renders the feed. `contents(n)` gives the rendered bodies of the first `n` issues.
    pub fn render<'c>(
        self,
        site: &Site,
        contents: impl FnOnce() -> Result<&'c [tera::Value]>,
    ) -> Result<Vec<Output>> {
        match self {
            Feed::Issues => issue_feeds(site, contents()?),
            Feed::OutageTag(t) => Ok(vec![outage_tag_feed(site, &site.outage_tags[t])?]),
        }
    }
}

/// The site's issue feeds. `contents[i]` is the rendered body of `site.issues[i]`.
fn issue_feeds(site: &Site, contents: &[tera::Value]) -> Result<Vec<Output>> {
    let limit = site.config.feed_limit;
    let items: Vec<FeedItem> = site
        .issues
        .iter()
        .zip(contents)
        .take(limit)
        .map(|(issue, html)| FeedItem::issue(site, issue, html.as_str().unwrap_or_default()))
        .collect();
    let c = &site.config;
    Ok(vec![
        Output::new(
            "rss.xml",
            rss(site, &items, "rss.xml", &c.title, c.description.as_str())?,
        ),
        Output::new("atom.xml", atom(site, &items)?),
        Output::new("feed.json", json_feed(site, &items)?),
    ])
}

/// One entry, whatever the feed format.
struct FeedItem {
    title: String,
    url: String,
    published: Timestamp,
    summary: String,
    html: String,
    tags: Vec<Tag>,
}

impl FeedItem {
    fn issue(site: &Site, issue: &Issue, html: &str) -> FeedItem {
        let mut tags: Vec<Tag> = Vec::new();
        for tag in issue
            .links
            .iter()
            .flat_map(|l| &l.tags)
            .chain(issue.outages.iter().flat_map(|o| &o.tags))
        {
            if !tags.iter().any(|t| t.slug == tag.slug) {
                tags.push(display(site, tag));
            }
        }
        FeedItem {
            title: issue.title.clone(),
            url: site.config.permalink(&paths::issue(issue.number)),
            published: issue.published,
            summary: issue.summary.clone(),
            html: absolutize(html, &site.config.base_path, &site.config.base_url),
            tags,
        }
    }
}

fn outage_tag_feed(site: &Site, tag: &TagIndex) -> Result<Output> {
    let c = &site.config;
    let items: Vec<FeedItem> = tag
        .items
        .iter()
        .take(c.feed_limit)
        .map(|&r| {
            let (issue, outage) = site.outage(r);
            let mut html = outage.commentary_html.clone();
            if let Some(url) = &outage.url {
                let text = escape_html(outage.title.as_deref().unwrap_or("Report"));
                html.push_str(&format!(
                    "<p><a href=\"{}\">{text}</a></p>",
                    escape_html(url)
                ));
            }
            html.push_str(&format!(
                "<p>Covered in <a href=\"{}\">{}</a>.</p>",
                escape_html(&c.permalink(&paths::issue(issue.number))),
                escape_html(&issue.title)
            ));
            let title = match &outage.title {
                Some(t) => format!("{}: {t}", outage.service),
                None => format!("{} outage", outage.service),
            };
            let published = outage
                .date
                .and_then(|d| d.to_zoned(TimeZone::UTC).ok())
                .map_or(issue.published, |z| z.timestamp());
            FeedItem {
                title,
                url: c.permalink(&format!("{}#{}", paths::issue(issue.number), outage.id)),
                published,
                summary: String::new(),
                html: absolutize(&html, &c.base_path, &c.base_url),
                tags: outage.tags.iter().map(|t| display(site, t)).collect(),
            }
        })
        .collect();
    let path = paths::outage_tag_feed(&tag.tag.slug);
    let title = format!("{} outages — {}", tag.tag.name, c.title);
    let description = format!("Every {} outage covered in {}.", tag.tag.name, c.title);
    Ok(Output::new(
        &path,
        rss(site, &items, &path, &title, &description)?,
    ))
}

fn rss(
    site: &Site,
    items: &[FeedItem],
    self_path: &str,
    title: &str,
    description: &str,
) -> Result<Vec<u8>> {
    let c = &site.config;
    let self_link = atom_syndication::LinkBuilder::default()
        .href(c.permalink(self_path))
        .rel("self")
        .mime_type(Some("application/rss+xml".to_string()))
        .build();
    let channel = rss::ChannelBuilder::default()
        .title(title)
        .link(c.base_url.clone())
        .description(description)
        .language(Some(c.language.clone()))
        .generator(Some(
            concat!("sitrep ", env!("CARGO_PKG_VERSION")).to_string(),
        ))
        .atom_ext(Some(rss::extension::atom::AtomExtension {
            links: vec![self_link],
        }))
        .items(items.iter().map(rss_item).collect::<Vec<_>>())
        .build();
    let bytes = channel
        .write_to(Vec::new())
        .map_err(|e| Error::Output(format!("cannot write {self_path}: {e}")))?;
    Ok(bytes)
}

fn rss_item(item: &FeedItem) -> rss::Item {
    let description = if item.summary.is_empty() {
        item.html.clone()
    } else {
        item.summary.clone()
    };
    rss::ItemBuilder::default()
        .title(Some(item.title.clone()))
        .link(Some(item.url.clone()))
        .guid(Some(rss::Guid {
            value: item.url.clone(),
            permalink: true,
        }))
        .pub_date(Some(rfc2822(item.published)))
        .description(Some(description))
        .content(Some(item.html.clone()))
        .categories(
            item.tags
                .iter()
                .map(|t| rss::Category {
                    name: t.name.clone(),
                    domain: None,
                })
                .collect::<Vec<_>>(),
        )
        .build()
}

fn atom(site: &Site, items: &[FeedItem]) -> Result<Vec<u8>> {
    use atom_syndication::{Content, Entry, Feed, LinkBuilder, Person, Text};
    let c = &site.config;
    let author = Person {
        name: c.author.clone().unwrap_or_else(|| c.title.clone()),
        ..Default::default()
    };
    let updated = items
        .iter()
        .map(|i| i.published)
        .max()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let entries: Vec<Entry> = items
        .iter()
        .map(|item| Entry {
            title: Text::plain(item.title.clone()),
            id: item.url.clone(),
            updated: fixed(item.published),
            published: Some(fixed(item.published)),
            links: vec![
                LinkBuilder::default()
                    .href(item.url.clone())
                    .rel("alternate")
                    .build(),
            ],
            summary: (!item.summary.is_empty()).then(|| Text::plain(item.summary.clone())),
            content: Some(Content {
                value: Some(item.html.clone()),
                content_type: Some("html".into()),
                ..Default::default()
            }),
            categories: item
                .tags
                .iter()
                .map(|t| atom_syndication::Category {
                    term: t.slug.clone(),
                    label: Some(t.name.clone()),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    let feed = Feed {
        title: Text::plain(c.title.clone()),
        id: c.base_url.clone(),
        updated: fixed(updated),
        authors: vec![author],
        subtitle: (!c.description.is_empty()).then(|| Text::plain(c.description.clone())),
        lang: Some(c.language.clone()),
        links: vec![
            LinkBuilder::default()
                .href(c.permalink("atom.xml"))
                .rel("self")
                .mime_type(Some("application/atom+xml".into()))
                .build(),
            LinkBuilder::default()
                .href(c.base_url.clone())
                .rel("alternate")
                .mime_type(Some("text/html".into()))
                .build(),
        ],
        generator: Some(atom_syndication::Generator {
            value: "sitrep".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            ..Default::default()
        }),
        entries,
        ..Default::default()
    };
    let bytes = feed
        .write_to(Vec::new())
        .map_err(|e| Error::Output(format!("cannot write atom.xml: {e}")))?;
    Ok(bytes)
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    language: &'a str,
    authors: Vec<JsonAuthor<'a>>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    title: &'a str,
    content_html: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    summary: &'a str,
    date_published: String,
    tags: Vec<&'a str>,
}

fn json_feed(site: &Site, items: &[FeedItem]) -> Result<String> {
    let c = &site.config;
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &c.title,
        home_page_url: &c.base_url,
        feed_url: c.permalink("feed.json"),
        description: &c.description,
        language: &c.language,
        authors: vec![JsonAuthor {
            name: c.author.as_deref().unwrap_or(&c.title),
        }],
        items: items
            .iter()
            .map(|i| JsonItem {
                id: &i.url,
                url: &i.url,
                title: &i.title,
                content_html: &i.html,
                summary: &i.summary,
                date_published: i.published.to_string(),
                tags: i.tags.iter().map(|t| t.name.as_str()).collect(),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&feed)
        .map_err(|e| Error::Output(format!("cannot write feed.json: {e}")))
}

/// The tag as shown everywhere: its display name, not this issue's spelling.
fn display(site: &Site, tag: &Tag) -> Tag {
    Tag {
        name: site.tag_name(tag).to_string(),
        ..tag.clone()
    }
}

fn rfc2822(ts: Timestamp) -> String {
    jiff::fmt::rfc2822::to_string(&ts.to_zoned(TimeZone::UTC)).unwrap_or_default()
}

fn fixed(ts: Timestamp) -> atom_syndication::FixedDateTime {
    atom_syndication::FixedDateTime::parse_from_rfc3339(&ts.to_string()).unwrap_or_default()
}

/// Makes root-relative links absolute: feed readers show content away from the site.
fn absolutize(html: &str, base_path: &str, base_url: &str) -> String {
    let mut out = html.to_string();
    for attr in ["href=\"", "src=\""] {
        let from = format!("{attr}{base_path}");
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(i) = rest.find(&from) {
            let after = &rest[i + from.len()..];
            result.push_str(&rest[..i]);
            if base_path == "/" && after.starts_with('/') {
                result.push_str(&from); // protocol-relative `//host`: leave alone
            } else {
                result.push_str(attr);
                result.push_str(base_url);
            }
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::absolutize;

    #[test]
    fn absolutize_rewrites_site_links_only() {
        let html = r#"<a href="/tags/dns/">x</a> <a href="//cdn.example/x">y</a> <a href="https://a.b/">z</a> <img src="/i.png">"#;
        let out = absolutize(html, "/", "https://ex.org/");
        assert!(out.contains(r#"href="https://ex.org/tags/dns/""#), "{out}");
        assert!(out.contains(r#"href="//cdn.example/x""#), "{out}");
        assert!(out.contains(r#"href="https://a.b/""#), "{out}");
        assert!(out.contains(r#"src="https://ex.org/i.png""#), "{out}");
        let sub = absolutize(
            r#"<a href="/news/tags/x/">"#,
            "/news/",
            "https://ex.org/news/",
        );
        assert_eq!(sub, r#"<a href="https://ex.org/news/tags/x/">"#);
    }
}
