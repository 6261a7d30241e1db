//! Every feed of a site as a small value, like [`super::pages::Page`]: its files,
//! its [`Inputs`], and how it is made from a [`Reader`]. The feed formats
//! themselves are [`crate::feeds`]'s job, which gets plain data from here.

use super::inputs::{EntryKind, Inputs, Listing, Reader};
use crate::error::Result;
use crate::output::Output;
use crate::site::Site;
use crate::urls;

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
            Feed::Issues => [urls::RSS, urls::ATOM, urls::JSON_FEED]
                .map(String::from)
                .into(),
            Feed::OutageTag(i) => vec![urls::outage_tag_feed(&site.outage_tags[i].tag.slug)],
        }
    }

    /// What the feed reads: the latest `feed_limit` issues in full, or an outage tag's
    /// latest `feed_limit` outages.
    pub fn inputs(self, site: &Site) -> Inputs<'_> {
        let limit = site.config.feed_limit;
        match self {
            Feed::Issues => Inputs {
                full: 0..site.issues.len().min(limit),
                ..Inputs::default()
            },
            Feed::OutageTag(t) => {
                let t = &site.outage_tags[t];
                let items = &t.items[..t.items.len().min(limit)];
                let listing = Listing {
                    kind: EntryKind::Outage,
                    base: urls::outage_tag(&t.tag.slug),
                    items,
                    n: 1,
                    per: 0,
                };
                Inputs {
                    listing: Some(listing),
                    ..Inputs::default()
                }
            }
        }
    }

    /// Renders the feed's files. `outage_html` renders one outage as a feed item's HTML
    /// (the theme's `feed_outage.html`).
    pub fn render(
        self,
        r: &Reader,
        outage_html: impl Fn(crate::site::ItemRef) -> Result<String>,
    ) -> Result<Vec<Output>> {
        let site = r.site();
        match self {
            Feed::Issues => {
                let bodies = (0..site.issues.len().min(site.config.feed_limit))
                    .map(|i| Ok(r.full(i)?.1.as_str().unwrap_or_default()))
                    .collect::<Result<Vec<_>>>()?;
                crate::feeds::issue_feeds(site, &bodies)
            }
            Feed::OutageTag(t) => {
                let items = r.listing()?.chunk();
                let html = items
                    .iter()
                    .map(|&i| outage_html(i))
                    .collect::<Result<Vec<_>>>()?;
                let feed = crate::feeds::outage_tag_feed(site, &site.outage_tags[t], items, &html)?;
                Ok(vec![feed])
            }
        }
    }
}
