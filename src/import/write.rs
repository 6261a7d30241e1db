//! An imported issue as a file: its front matter serialized with `toml` (never
//! by string concatenation), checked with the same parser `build` uses, and written
//! only if no file is there.

use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::error::{Error, Result};

/// The front matter of an imported issue, in the keys of FORMAT.md.
#[derive(Debug, Clone, Serialize)]
pub struct FrontMatter {
    /// The issue number.
    pub number: u32,
    /// The publication date-time with the old site's offset.
    pub date: toml::value::Datetime,
    /// The post's title, unless it was just `issue_title` with the number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Password-protected and private posts are never published by accident.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// Sponsor blurbs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sponsors: Vec<SponsorEntry>,
    /// Links, in reading order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkEntry>,
    /// Outages.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outages: Vec<OutageEntry>,
}

/// `[[sponsors]]`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SponsorEntry {
    /// The sponsor's name, from "A message from our sponsor, NAME:".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The first web link of the blurb.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The blurb, Markdown.
    pub text: String,
}

/// `[[links]]`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct LinkEntry {
    /// The link text.
    pub title: String,
    /// Its href.
    pub url: String,
    /// The "Author — Publisher" line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The post's categories, with `--tags-from-categories`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// What followed the link, Markdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commentary: Option<String>,
    /// From "Thanks to X" / "via X".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// From "Full disclosure: …".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<String>,
}

/// `[[outages]]`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, Default)]
pub struct OutageEntry {
    /// The list item's text.
    pub service: String,
    /// The list item's link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The link's text, when the item names the service apart from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The post's categories, with `--tags-from-categories`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Nested items and paragraphs, Markdown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commentary: Option<String>,
}

/// The whole file: a comment naming the post it came from (how a second run
/// recognises it), the front matter, the body.
pub fn render(front: &FrontMatter, origin: &str, body: &str) -> Result<String> {
    let toml = toml::to_string_pretty(front)
        .map_err(|e| Error::Internal(format!("cannot serialize an imported issue: {e}")))?;
    let origin = origin.replace(['\n', '\r'], " ");
    let mut text = format!("+++\n# {ORIGIN}{origin}\n{toml}+++\n");
    if !body.trim().is_empty() {
        text.push('\n');
        text.push_str(body.trim());
        text.push('\n');
    }
    Ok(text)
}

/// The comment that starts an imported issue's front matter.
pub const ORIGIN: &str = "imported from ";

/// The post an existing issue file was imported from, if it was.
pub fn origin_of(text: &str) -> Option<&str> {
    let front = text.strip_prefix("+++\n")?;
    let first = front.lines().next()?;
    first.strip_prefix("# ")?.strip_prefix(ORIGIN)
}

/// Whether `text` is an issue `build` accepts: the problems `check` would report as errors.
pub fn problems(path: &Path, text: &str, config: &Config) -> Vec<crate::Diagnostic> {
    match crate::content::parse_issue(path, text, config) {
        Ok(_) => Vec::new(),
        Err(found) => found,
    }
}
