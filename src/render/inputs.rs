//! What each page and feed reads from the site, declared once.
//!
//! Every page and feed describes its data as [`Inputs`]: which issues it shows in
//! full, which as summaries or index entries, which share of which index, and
//! whether it shows the site's lists of tags and services with their counts. Three
//! things are derived from that one description, so they cannot disagree:
//!
//! - the page's variables: a page is rendered from a [`Reader`], which hands out
//!   only what the inputs name (reading anything else is an error, in every build);
//! - how many pages use each index entry (`Entries` drops an entry after its last);
//! - `serve`'s cache key ([`super::incremental`]): a hash of the inputs' sources.
//!
//! What every page shows (settings, templates, navigation, tag names) is not
//! declared here: it is the render's global key.

use std::ops::Range;

use tera::Value;

use super::entries::Entries;
use super::views::{Counted, IssueSummary, Views};
use crate::error::{Error, Result};
use crate::site::{ItemRef, Site};

/// Which list an index's entries come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Link,
    Outage,
}

/// Page `n` (1-based) of an index of `items`, `per` to a page (0: all on one page).
#[derive(Debug, Clone)]
pub struct Listing<'s> {
    pub kind: EntryKind,
    /// Site path of the index's first page, for its pagination.
    pub base: String,
    pub items: &'s [ItemRef],
    pub n: usize,
    pub per: usize,
}

impl<'s> Listing<'s> {
    /// How many pages the index has.
    pub fn total(&self) -> usize {
        match self.per {
            0 => 1,
            per => self.items.len().div_ceil(per).max(1),
        }
    }

    /// The items on page `n`.
    pub fn chunk(&self) -> &'s [ItemRef] {
        match self.per {
            0 => self.items,
            per => self.items.chunks(per).nth(self.n - 1).unwrap_or(&[]),
        }
    }
}

/// What a page shows of its own beyond issues and indexes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Own {
    #[default]
    Nothing,
    /// `site.services[i]`: its name and outage count.
    Service(usize),
    /// `site.pages[i]`: a standalone page's text.
    Standalone(usize),
}

/// Everything one page or feed reads, beyond what every page reads. Issues are
/// indexes into `site.issues` (newest first).
#[derive(Debug, Clone, Default)]
pub struct Inputs<'s> {
    /// Shown in full: the issue's view and its body rendered by `issue_content.html`.
    pub full: Range<usize>,
    /// Shown as summaries (`IssueSummary`): an issue page's neighbours.
    pub summaries: Range<usize>,
    /// Listed as index entries (`IssueEntry`): the archive, the home page's recent issues.
    pub entries: Range<usize>,
    /// The share of an index of links or outages this page lists.
    pub listing: Option<Listing<'s>>,
    /// Whether it shows the lists of tags and services with their counts.
    pub counts: bool,
    pub own: Own,
}

impl Inputs<'_> {
    /// Whether any Markdown the page shows (in full, or in part as a listed link's or
    /// outage's commentary) holds highlighted code: only then does it load `syntax.css`.
    pub fn has_code(&self, site: &Site) -> bool {
        let full = self.full.clone().any(|i| site.issues[i].has_code);
        let listed = self.listing.as_ref().is_some_and(|l| {
            l.chunk().iter().any(|r| {
                let issue = &site.issues[r.issue];
                match l.kind {
                    EntryKind::Link => issue.links[r.item].commentary.has_code,
                    EntryKind::Outage => issue.outages[r.item].commentary_has_code,
                }
            })
        });
        let own = matches!(self.own, Own::Standalone(i) if site.pages[i].has_code);
        full || listed || own
    }
}

/// Issues shown in full, made by the renderer: `(view, body)` per issue of `Inputs::full`.
pub type Full = Vec<(Value, Value)>;

/// A page's access to the site: only what its [`Inputs`] declare.
pub struct Reader<'r> {
    inputs: &'r Inputs<'r>,
    views: &'r Views<'r>,
    entries: &'r Entries<'r>,
    full: Full,
    /// The page's site path, for errors.
    path: &'r str,
}

impl<'r> Reader<'r> {
    pub fn new(
        inputs: &'r Inputs<'r>,
        views: &'r Views<'r>,
        entries: &'r Entries<'r>,
        full: Full,
        path: &'r str,
    ) -> Self {
        Reader {
            inputs,
            views,
            entries,
            full,
            path,
        }
    }

    /// The site, for what every page shows alike (settings, navigation, tag names,
    /// standalone pages' titles): the render's global key covers those, not the inputs.
    pub fn site(&self) -> &'r Site {
        self.views.site
    }

    pub fn views(&self) -> &'r Views<'r> {
        self.views
    }

    /// Issue `i` in full: its view and rendered body.
    pub fn full(&self, i: usize) -> Result<&(Value, Value)> {
        self.check(self.inputs.full.contains(&i), "an issue in full")?;
        self.full
            .get(i - self.inputs.full.start)
            .ok_or_else(|| self.undeclared("an issue in full"))
    }

    /// Issue `i` as a summary, if the site has it.
    pub fn summary(&self, i: usize) -> Result<Option<IssueSummary<'r>>> {
        let site = self.site();
        let shown = i < site.issues.len();
        self.check(!shown || self.inputs.summaries.contains(&i), "a summary")?;
        Ok(site.issues.get(i).map(|issue| self.views.summary(issue)))
    }

    /// Issue `i` as an index entry.
    pub fn issue_entry(&self, i: usize) -> Result<Value> {
        self.check(self.inputs.entries.contains(&i), "an issue entry")?;
        self.entries.issue(i)
    }

    /// The declared listing.
    pub fn listing(&self) -> Result<&'r Listing<'r>> {
        self.inputs
            .listing
            .as_ref()
            .ok_or_else(|| self.undeclared("an index"))
    }

    /// The entries of the declared listing, and its `pagination`.
    pub fn listed(&self) -> Result<(Value, Value)> {
        let l = self.listing()?;
        let entry = |r: ItemRef| match l.kind {
            EntryKind::Link => self.entries.link(r),
            EntryKind::Outage => self.entries.outage(r),
        };
        let listed = l.chunk().iter().map(|&r| entry(r));
        let listed = Value::from(listed.collect::<Result<Vec<_>>>()?);
        let pagination = self.entries.pagination(&l.base, l.n, l.total())?;
        Ok((listed, pagination))
    }

    /// Every outage tag with its count and feed (`Counted`).
    pub fn outage_tags(&self) -> Result<Value> {
        self.check(self.inputs.counts, "the tag counts")?;
        self.entries.outage_tags()
    }

    /// Every service with its count (`Counted`).
    pub fn services(&self) -> Result<Value> {
        self.check(self.inputs.counts, "the service counts")?;
        self.entries.services()
    }

    /// Every link tag with its count.
    pub fn link_tags(&self) -> Result<Vec<Counted<'r>>> {
        self.check(self.inputs.counts, "the tag counts")?;
        let tags = self.site().link_tags.iter();
        Ok(tags.map(|t| self.views.link_tag(t)).collect())
    }

    /// How many outages and services the site has.
    pub fn outage_and_service_counts(&self) -> Result<(usize, usize)> {
        self.check(self.inputs.counts, "the outage counts")?;
        Ok((self.site().outages.len(), self.site().services.len()))
    }

    /// The page's own service (`Own::Service`).
    pub fn service(&self) -> Result<&'r crate::site::ServiceIndex> {
        match self.inputs.own {
            Own::Service(i) => Ok(&self.site().services[i]),
            _ => Err(self.undeclared("a service")),
        }
    }

    /// The page's own standalone page (`Own::Standalone`).
    pub fn standalone(&self) -> Result<&'r crate::content::Page> {
        match self.inputs.own {
            Own::Standalone(i) => Ok(&self.site().pages[i]),
            _ => Err(self.undeclared("a standalone page")),
        }
    }

    fn check(&self, declared: bool, what: &str) -> Result<()> {
        if declared {
            Ok(())
        } else {
            Err(self.undeclared(what))
        }
    }

    /// A page read something its inputs do not name: a bug in sitrep, which would
    /// let `serve` show a stale page; reported rather than rendered.
    fn undeclared(&self, what: &str) -> Error {
        Error::Internal(format!(
            "/{} read {what} that its inputs do not declare",
            self.path
        ))
    }
}
