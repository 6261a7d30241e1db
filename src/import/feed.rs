//! An RSS 2.0 item or Atom entry with full content → a [`Post`].
//!
//! Feeds carry only what was published, so every item is imported. RSS items give
//! their HTML in `content:encoded` (falling back to `description`), Atom entries in
//! `<content>` (falling back to `<summary>`); dates keep the offset they were written
//! with.

use super::xml::{Field, Ns, Record, Root};
use super::{Disposition, Post};

/// The old site's address: the channel's `<link>` (RSS) or `rel="alternate"` link (Atom).
pub fn site_url(root: Root, channel: &Record) -> Option<String> {
    match root {
        Root::Rss => channel.get(Ns::None, "link").map(|s| s.trim().to_string()),
        Root::Atom => alternate(channel.all(Ns::Atom, "link")),
    }
    .filter(|s| !s.is_empty())
}

/// The post an item (RSS) or entry (Atom) describes.
pub fn post(root: Root, item: &Record) -> Post {
    let (ns, content, fallback) = match root {
        Root::Rss => (Ns::None, item.get(Ns::Content, "encoded"), "description"),
        Root::Atom => (Ns::Atom, item.get(Ns::Atom, "content"), "summary"),
    };
    let html = content
        .or_else(|| item.get(ns, fallback))
        .unwrap_or("")
        .to_string();
    let title = item.get(ns, "title").unwrap_or("").trim().to_string();
    let (link, date, categories) = match root {
        Root::Rss => (
            item.get(Ns::None, "link").map(|s| s.trim().to_string()),
            rfc2822(item.get(Ns::None, "pubDate").unwrap_or(""))
                .or_else(|| rfc3339(item.get(Ns::Dc, "date").unwrap_or(""))),
            item.all(Ns::None, "category")
                .map(|c| c.text.trim().to_string())
                .collect::<Vec<_>>(),
        ),
        Root::Atom => (
            alternate(item.all(Ns::Atom, "link")),
            rfc3339(
                item.get(Ns::Atom, "published")
                    .or_else(|| item.get(Ns::Atom, "updated"))
                    .unwrap_or(""),
            ),
            item.all(Ns::Atom, "category")
                .filter_map(|c| c.attr("label").or_else(|| c.attr("term")))
                .map(|c| c.trim().to_string())
                .collect(),
        ),
    };
    let id = item
        .get(ns, if root == Root::Rss { "guid" } else { "id" })
        .map(|s| s.trim().to_string())
        .or_else(|| link.clone())
        .unwrap_or_default();
    Post {
        id,
        title,
        link,
        date,
        disposition: Disposition::Publish,
        html,
        categories: categories.into_iter().filter(|c| !c.is_empty()).collect(),
        wordpress: false,
    }
}

/// The `href` of the `rel="alternate"` (or rel-less) link among Atom `<link>`s.
fn alternate<'a>(links: impl Iterator<Item = &'a Field>) -> Option<String> {
    links
        .filter(|l| matches!(l.attr("rel"), None | Some("alternate")))
        .find_map(|l| l.attr("href"))
        .map(|s| s.trim().to_string())
}

/// An RSS date (`Sun, 23 Oct 2016 10:00:00 -0400`), its offset kept.
pub fn rfc2822(text: &str) -> Option<jiff::Zoned> {
    let text = text.trim();
    let zoned = jiff::fmt::rfc2822::parse(text).ok()?;
    let offset = zoned.offset();
    Some(
        zoned
            .timestamp()
            .to_zoned(jiff::tz::TimeZone::fixed(offset)),
    )
}

/// An Atom date (`2016-10-23T10:00:00-04:00`), its offset kept.
fn rfc3339(text: &str) -> Option<jiff::Zoned> {
    let text = text.trim();
    let ts: jiff::Timestamp = text.parse().ok()?;
    let pieces = jiff::fmt::temporal::Pieces::parse(text).ok()?;
    let offset = match pieces.offset() {
        Some(jiff::fmt::temporal::PiecesOffset::Numeric(n)) => n.offset(),
        _ => jiff::tz::Offset::UTC,
    };
    Some(ts.to_zoned(jiff::tz::TimeZone::fixed(offset)))
}
