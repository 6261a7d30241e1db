//! Every feed of a site as a small value, like [`super::pages::Page`]: its files,
//! its [`Inputs`], and how it is made from a [`Reader`]. The feed formats
//! themselves are [`crate::feeds`]' and [`crate::opml`]'s job, which get plain
//! data from here.

use super::inputs::{EntryKind, Inputs, Listing, Reader};
use crate::error::Result;
use crate::feeds::Channel;
use crate::opml::{FeedGroup, FeedInfo};
use crate::output::Output;
use crate::site::{ItemRef, Site};
use crate::urls;

/// One unit of feed output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feed {
    /// `rss.xml`, `atom.xml` and `feed.json`: the latest issues in full.
    Issues,
    /// `outages/tags/<tag>/rss.xml` for `site.outage_tags[i]`.
    OutageTag(usize),
    /// `tags/<tag>/rss.xml` for `site.link_tags[i]`: the links carrying it.
    LinkTag(usize),
    /// `outages/services/<service>/rss.xml` for `site.services[i]`.
    Service(usize),
    /// `feeds.opml`: every feed above.
    Opml,
}

/// Every feed of the site, the OPML list last.
pub fn all(site: &Site) -> Vec<Feed> {
    let mut feeds = listed(site);
    feeds.push(Feed::Opml);
    feeds
}

/// The feeds a reader subscribes to, in the order the feeds page lists them.
fn listed(site: &Site) -> Vec<Feed> {
    let mut feeds = vec![Feed::Issues];
    feeds.extend((0..site.link_tags.len()).map(Feed::LinkTag));
    feeds.extend((0..site.outage_tags.len()).map(Feed::OutageTag));
    feeds.extend((0..site.services.len()).map(Feed::Service));
    feeds
}

impl Feed {
    /// The files this feed writes.
    pub fn paths(self, site: &Site) -> Vec<String> {
        match self {
            Feed::Issues => [urls::RSS, urls::ATOM, urls::JSON_FEED]
                .map(String::from)
                .into(),
            Feed::Opml => vec![urls::OPML.into()],
            _ => vec![self.rss_path(site)],
        }
    }

    /// The path of the feed's RSS file (for the issue feeds, `rss.xml`).
    fn rss_path(self, site: &Site) -> String {
        match self {
            Feed::Issues | Feed::Opml => urls::RSS.into(),
            Feed::OutageTag(i) => urls::outage_tag_feed(&site.outage_tags[i].tag.slug),
            Feed::LinkTag(i) => urls::link_tag_feed(&site.link_tags[i].tag.slug),
            Feed::Service(i) => urls::service_feed(&site.services[i].slug),
        }
    }

    /// What the feed reads: the latest `feed_limit` issues in full, the latest
    /// `feed_limit` entries of its index, or (the OPML) the lists of tags and services.
    pub fn inputs(self, site: &Site) -> Inputs<'_> {
        let limit = site.config.feed_limit;
        match self {
            Feed::Issues => Inputs {
                full: 0..site.issues.len().min(limit),
                ..Inputs::default()
            },
            Feed::OutageTag(t) => {
                let t = &site.outage_tags[t];
                latest(
                    EntryKind::Outage,
                    urls::outage_tag(&t.tag.slug),
                    &t.items,
                    limit,
                )
            }
            Feed::LinkTag(t) => {
                let t = &site.link_tags[t];
                latest(
                    EntryKind::Link,
                    urls::link_tag(&t.tag.slug),
                    &t.items,
                    limit,
                )
            }
            Feed::Service(s) => {
                let s = &site.services[s];
                latest(EntryKind::Outage, urls::service(&s.slug), &s.outages, limit)
            }
            Feed::Opml => Inputs {
                counts: true,
                ..Inputs::default()
            },
        }
    }

    /// Renders the feed's files. `item_html` renders one entry as a feed item's HTML
    /// (the theme's `feed_outage.html` or `feed_link.html`).
    pub fn render(
        self,
        r: &Reader,
        item_html: impl Fn(EntryKind, ItemRef) -> Result<String>,
    ) -> Result<Vec<Output>> {
        let site = r.site();
        if self == Feed::Issues {
            let bodies = (0..site.issues.len().min(site.config.feed_limit))
                .map(|i| Ok(r.full(i)?.1.as_str().unwrap_or_default()))
                .collect::<Result<Vec<_>>>()?;
            return crate::feeds::issue_feeds(site, &bodies);
        }
        if self == Feed::Opml {
            r.outage_and_service_counts()?; // declares what the list reads
            let bytes = crate::opml::write(site, &groups(site))?;
            return Ok(vec![Output::new(urls::OPML, bytes)]);
        }
        let listing = r.listing()?;
        let items = listing.chunk();
        let html = items
            .iter()
            .map(|&i| item_html(listing.kind, i))
            .collect::<Result<Vec<_>>>()?;
        let path = self.rss_path(site);
        let info = self.info(site);
        let channel = Channel {
            path: &path,
            title: format!("{} — {}", info.title, site.config.title),
            description: info.carries,
        };
        let feed = match listing.kind {
            EntryKind::Link => crate::feeds::link_feed(site, &channel, items, &html)?,
            EntryKind::Outage => crate::feeds::outage_feed(site, &channel, items, &html)?,
        };
        Ok(vec![feed])
    }

    /// What the feeds page and the OPML say of this feed.
    fn info(self, site: &Site) -> FeedInfo {
        let c = &site.config;
        let (title, carries, page) = match self {
            Feed::Issues | Feed::Opml => (
                c.title.clone(),
                "Every issue in full.".to_string(),
                urls::HOME.to_string(),
            ),
            Feed::LinkTag(i) => {
                let t = &site.link_tags[i].tag;
                let carries = format!("Every link about {} in {}.", t.name, c.title);
                (
                    format!("Links: {}", t.name),
                    carries,
                    urls::link_tag(&t.slug),
                )
            }
            Feed::OutageTag(i) => {
                let t = &site.outage_tags[i].tag;
                let carries = format!("Every {} outage covered in {}.", t.name, c.title);
                (
                    format!("{} outages", t.name),
                    carries,
                    urls::outage_tag(&t.slug),
                )
            }
            Feed::Service(i) => {
                let s = &site.services[i];
                let carries = format!("Every {} outage covered in {}.", s.name, c.title);
                (
                    format!("{} outages", s.name),
                    carries,
                    urls::service(&s.slug),
                )
            }
        };
        FeedInfo {
            title,
            carries,
            url: c.permalink(&self.rss_path(site)),
            page_url: c.permalink(&page),
        }
    }
}

/// The latest `limit` entries of the index of `items` at `base`.
fn latest<'s>(kind: EntryKind, base: String, items: &'s [ItemRef], limit: usize) -> Inputs<'s> {
    Inputs {
        listing: Some(Listing {
            kind,
            base,
            items: &items[..items.len().min(limit)],
            n: 1,
            per: 0,
        }),
        ..Inputs::default()
    }
}

/// Every feed a reader can follow, grouped, for the feeds page and the OPML.
pub fn groups(site: &Site) -> Vec<FeedGroup> {
    let mut groups = [
        "Issues",
        "Links by tag",
        "Outages by tag",
        "Outages by service",
    ]
    .map(|name| FeedGroup {
        name,
        feeds: Vec::new(),
    });
    for feed in listed(site) {
        let group = match feed {
            Feed::Issues | Feed::Opml => 0,
            Feed::LinkTag(_) => 1,
            Feed::OutageTag(_) => 2,
            Feed::Service(_) => 3,
        };
        groups[group].feeds.push(feed.info(site));
    }
    groups.into()
}
