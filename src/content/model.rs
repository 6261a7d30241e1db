//! The validated content of an issue, as the rest of sitrep sees it: what
//! [`super::issue::parse`] makes of a file once every key is checked and every
//! piece of Markdown rendered.

use std::path::PathBuf;

use jiff::{Timestamp, civil};

use crate::markdown;

/// A tag as used on a link or outage: its slug and display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Lower-case ASCII hyphenated form; the identity of the tag.
    pub slug: String,
    /// `slugs::id` of the slug, for grouping without reading it.
    pub id: u32,
    /// The vocabulary's display name, or the tag as the author wrote it.
    pub name: String,
}

/// A sponsor blurb.
#[derive(Debug, Clone)]
pub struct Sponsor {
    /// Sponsor's name.
    pub name: Option<String>,
    /// Sponsor's link.
    pub url: Option<String>,
    /// The blurb, rendered from Markdown.
    pub html: String,
}

/// A curated link with its commentary.
#[derive(Debug, Clone)]
pub struct Link {
    /// Anchor on the issue page, unique within the issue, derived from the title.
    pub id: String,
    /// Line of its `url` in the issue file, for messages about it.
    pub line: usize,
    /// Link text.
    pub title: String,
    /// Absolute http(s) URL.
    pub url: String,
    /// Publisher or author.
    pub source: Option<String>,
    /// Tags, de-duplicated by slug.
    pub tags: Vec<Tag>,
    /// Commentary rendered from Markdown (empty if none), with its lead: index pages show the lead.
    pub commentary: markdown::Rendered,
    /// Who suggested the link.
    pub via: Option<String>,
    /// A conflict-of-interest note.
    pub disclosure: Option<String>,
}

/// An outage in the week's list.
#[derive(Debug, Clone)]
pub struct Outage {
    /// Anchor on the issue page, unique within the issue, derived from the service.
    pub id: String,
    /// Line of its `service` in the issue file, for messages about it.
    pub line: usize,
    /// The service that went down, as written.
    pub service: String,
    /// Slug of `service`: outages group by it across issues.
    pub service_slug: String,
    /// `slugs::id` of `service_slug`, for grouping without reading it.
    pub service_id: u32,
    /// Postmortem, status page or report.
    pub url: Option<String>,
    /// Link text for `url`.
    pub title: Option<String>,
    /// When it happened.
    pub date: Option<civil::Date>,
    /// Tags, de-duplicated by slug.
    pub tags: Vec<Tag>,
    /// Commentary rendered from Markdown (empty if none).
    pub commentary_html: String,
    /// Whether the commentary holds highlighted code.
    pub commentary_has_code: bool,
}

/// A validated issue, its Markdown already rendered.
#[derive(Debug, Clone)]
pub struct Issue {
    /// The file it came from.
    pub path: PathBuf,
    /// A hash of the file's text: equal hashes mean an unchanged issue (`serve` re-renders less).
    pub source_hash: u64,
    /// Positive, unique across the site.
    pub number: u32,
    /// Publication date (in the issue's own offset).
    pub date: civil::Date,
    /// Publication instant, for feeds.
    pub published: Timestamp,
    /// When it goes out: `published`, or for a date (or date-time) without an offset,
    /// that local time in the site's `timezone`. Later than now, it is scheduled.
    pub publish_at: Timestamp,
    /// Title (explicit or from `issue_title`).
    pub title: String,
    /// Plain-text summary for feeds and meta tags.
    pub summary: String,
    /// Drafts are built only with `--drafts`.
    pub draft: bool,
    /// The editorial introduction, rendered.
    pub intro_html: String,
    /// Whether any of its Markdown holds highlighted code (its pages load `syntax.css`).
    pub has_code: bool,
    /// Sponsor blurbs.
    pub sponsors: Vec<Sponsor>,
    /// Links in reading order.
    pub links: Vec<Link>,
    /// The week's outages.
    pub outages: Vec<Outage>,
    /// Where its parts are in the file, for messages about them (`check`).
    pub at: Positions,
}

/// Byte offsets in an issue's file, as the parser found them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Positions {
    /// The `number = …` line (where its key starts).
    pub number: usize,
    /// The `date = …` line (where its key starts).
    pub date: usize,
    /// The Markdown body, just after the closing `+++` line.
    pub body: usize,
}
