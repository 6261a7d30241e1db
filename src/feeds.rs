//! The feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 of issues, and one RSS feed
//! per outage tag so a reader can follow, say, every DNS outage.
//!
//! Feeds are built with the `rss` and `atom_syndication` crates (and serde for
//! JSON), which escape through a real XML writer: a title like
//! `Escaping & <script>` arrives as text, which string templates get wrong.
//! Timestamps come only from content, never from the clock, so rebuilding
//! gives the same bytes.
//!
//! The renderer hands this module plain data (each issue's rendered body, each
//! outage item's HTML from the theme's `feed_outage.html`): templates own the
//! HTML, and feeds never call back into rendering.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::content::{Issue, Tag};
use crate::error::{Error, Result};
use crate::output::Output;
use crate::site::{ItemRef, Site};
use crate::urls;

/// The site's issue feeds. `bodies[i]` is the rendered body of `site.issues[i]`; as
/// many issues as there are bodies are listed.
pub fn issue_feeds(site: &Site, bodies: &[&str]) -> Result<Vec<Output>> {
    let items: Vec<FeedItem> = site
        .issues
        .iter()
        .zip(bodies)
        .map(|(issue, html)| FeedItem::issue(site, issue, html))
        .collect();
    let c = &site.config;
    Ok(vec![
        Output::new(
            urls::RSS,
            rss(site, &items, urls::RSS, &c.title, c.description.as_str())?,
        ),
        Output::new(urls::ATOM, atom(site, &items)?),
        Output::new(urls::JSON_FEED, json_feed(site, &items)?),
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
    /// Where the item is discussed (a link's place in its issue), when that is not `url`.
    comments: Option<String>,
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
            url: site.config.permalink(&urls::issue(issue.number)),
            published: issue.published,
            summary: issue.summary.clone(),
            html: absolutize(html, &site.config.base_path, &site.config.base_url),
            tags,
            comments: None,
        }
    }
}

/// What an RSS feed of entries is called and where it lives.
pub struct Channel<'a> {
    /// Its site path (`outages/tags/dns/rss.xml`).
    pub path: &'a str,
    pub title: String,
    pub description: String,
}

/// An RSS feed of outages `items` (newest first), `html[i]` the HTML of `items[i]`.
pub fn outage_feed(
    site: &Site,
    channel: &Channel,
    items: &[ItemRef],
    html: &[String],
) -> Result<Output> {
    let c = &site.config;
    let items: Vec<FeedItem> = items
        .iter()
        .zip(html)
        .map(|(&r, html)| {
            let (issue, outage) = site.outage(r);
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
                url: c.permalink(&urls::issue_anchor(issue.number, &outage.id)),
                published,
                summary: String::new(),
                html: absolutize(html, &c.base_path, &c.base_url),
                tags: outage.tags.iter().map(|t| display(site, t)).collect(),
                comments: None,
            }
        })
        .collect();
    channel_feed(site, channel, &items)
}

/// An RSS feed of links `items` (newest first), `html[i]` the HTML of `items[i]`: each
/// item leads to the article, with its place in the issue as `comments`.
pub fn link_feed(
    site: &Site,
    channel: &Channel,
    items: &[ItemRef],
    html: &[String],
) -> Result<Output> {
    let c = &site.config;
    let items: Vec<FeedItem> = items
        .iter()
        .zip(html)
        .map(|(&r, html)| {
            let (issue, link) = site.link(r);
            let anchor = c.permalink(&urls::issue_anchor(issue.number, &link.id));
            FeedItem {
                title: link.title.clone(),
                url: link.url.clone(),
                published: issue.published,
                summary: String::new(),
                html: absolutize(html, &c.base_path, &c.base_url),
                tags: link.tags.iter().map(|t| display(site, t)).collect(),
                comments: Some(anchor),
            }
        })
        .collect();
    channel_feed(site, channel, &items)
}

/// The RSS file of `channel` with `items`.
fn channel_feed(site: &Site, channel: &Channel, items: &[FeedItem]) -> Result<Output> {
    let (path, title) = (channel.path, &channel.title);
    let rss = rss(site, items, path, title, &channel.description)?;
    Ok(Output::new(path, rss))
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
        // RSS readers treat a description as HTML: plain text goes in escaped, so a
        // summary that shows `<img onerror=…>` arrives as those characters, not a tag.
        .description(crate::markdown::escape_html(description))
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
        .map_err(|e| Error::Feed(format!("cannot write {self_path}: {e}")))?;
    Ok(bytes)
}

fn rss_item(item: &FeedItem) -> rss::Item {
    let description = if item.summary.is_empty() {
        item.html.clone()
    } else {
        crate::markdown::escape_html(&item.summary)
    };
    rss::ItemBuilder::default()
        .title(Some(item.title.clone()))
        .link(Some(item.url.clone()))
        .guid(Some(rss::Guid {
            value: item.comments.clone().unwrap_or_else(|| item.url.clone()),
            permalink: true,
        }))
        .comments(item.comments.clone())
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
                .href(c.permalink(urls::ATOM))
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
        .map_err(|e| Error::Feed(format!("cannot write atom.xml: {e}")))?;
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
        feed_url: c.permalink(urls::JSON_FEED),
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
        .map_err(|e| Error::Feed(format!("cannot write feed.json: {e}")))
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
pub(crate) fn absolutize(html: &str, base_path: &str, base_url: &str) -> String {
    absolutized(html, base_path, base_url).into_owned()
}

/// [`absolutize`], borrowing `html` when it has nothing to rewrite.
pub(crate) fn absolutized<'h>(
    html: &'h str,
    base_path: &str,
    base_url: &str,
) -> std::borrow::Cow<'h, str> {
    let (href, src) = (format!("href=\"{base_path}"), format!("src=\"{base_path}"));
    let (href, src) = (
        memchr::memmem::Finder::new(&href),
        memchr::memmem::Finder::new(&src),
    );
    // Most commentary links only to other sites: nothing to rewrite, one copy.
    let bytes = html.as_bytes();
    if href.find(bytes).is_none() && src.find(bytes).is_none() {
        return html.into();
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    loop {
        let next = [(&href, "href=\""), (&src, "src=\"")]
            .into_iter()
            .filter_map(|(finder, attr)| finder.find(rest.as_bytes()).map(|i| (i, finder, attr)))
            .min_by_key(|(i, _, _)| *i);
        let Some((i, finder, attr)) = next else {
            out.push_str(rest);
            return out.into();
        };
        let matched = finder.needle().len();
        let after = &rest[i + matched..];
        out.push_str(&rest[..i]);
        if base_path == "/" && after.starts_with('/') {
            out.push_str(&rest[i..i + matched]); // protocol-relative `//host`: leave alone
        } else {
            out.push_str(attr);
            out.push_str(base_url);
        }
        rest = after;
    }
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
