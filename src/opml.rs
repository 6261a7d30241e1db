//! `/feeds.opml`: every feed of the site as an OPML 2.0 outline, grouped, so a feed
//! reader subscribes to all of them, or some, in one step.
//!
//! Written with quick-xml's writer (already under the feed crates), which escapes
//! every attribute: a tag or service name is text, whatever it holds.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::site::Site;

/// A group of feeds (issues, link tags, outage tags, services).
#[derive(Serialize)]
pub struct FeedGroup {
    pub name: &'static str,
    pub feeds: Vec<FeedInfo>,
}

/// One feed: what it is called, what it carries, and where it and its page are.
#[derive(Serialize)]
pub struct FeedInfo {
    pub title: String,
    /// What a reader gets from it, in a few words.
    pub carries: String,
    /// The feed's URL (absolute).
    pub url: String,
    /// The page it follows (absolute).
    pub page_url: String,
}

/// The OPML document of `groups`.
pub fn write(site: &Site, groups: &[FeedGroup]) -> Result<Vec<u8>> {
    let fail = |e: std::io::Error| Error::Feed(format!("cannot write feeds.opml: {e}"));
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(fail)?;
    let title = format!("{}: every feed", site.config.title);
    w.create_element("opml")
        .with_attribute(("version", "2.0"))
        .write_inner_content(|w| {
            w.create_element("head").write_inner_content(|w| {
                w.create_element("title")
                    .write_text_content(BytesText::new(&title))?;
                Ok(())
            })?;
            w.create_element("body").write_inner_content(|w| {
                for group in groups.iter().filter(|g| !g.feeds.is_empty()) {
                    outline_group(w, group)?;
                }
                Ok(())
            })?;
            Ok(())
        })
        .map_err(fail)?;
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

fn outline_group(w: &mut Writer<Vec<u8>>, group: &FeedGroup) -> std::io::Result<()> {
    w.create_element("outline")
        .with_attributes([("text", group.name), ("title", group.name)])
        .write_inner_content(|w| {
            for feed in &group.feeds {
                w.create_element("outline")
                    .with_attributes([
                        ("type", "rss"),
                        ("text", feed.title.as_str()),
                        ("title", feed.title.as_str()),
                        ("xmlUrl", feed.url.as_str()),
                        ("htmlUrl", feed.page_url.as_str()),
                        ("description", feed.carries.as_str()),
                    ])
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}
