//! The immutable site model: validated content plus the indexes derived from it.
//!
//! Indexes hold positions ([`ItemRef`]) into `issues` rather than copies, so a
//! 10,000-issue archive is held once however many tag pages list its links.

use std::collections::BTreeMap;

// aHash: these maps are looked up for every tag of every link and outage, in each
// build and each of `serve`'s rebuilds; std's SipHash made them several times slower.
use ahash::AHashMap as HashMap;
use std::sync::Arc;

use crate::config::Config;
use crate::content::{Content, Issue, Link, Outage, Page, Tag};
use crate::error::{Diagnostic, Error, Result};

/// Where an item lives: `site.issues[issue]`'s link or outage number `item`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemRef {
    /// Index into [`Site::issues`].
    pub issue: usize,
    /// Index into that issue's `links` or `outages`.
    pub item: usize,
}

/// Everything carrying one tag.
#[derive(Debug, Clone)]
pub struct TagIndex {
    /// The tag.
    pub tag: Tag,
    /// Items carrying it, newest first.
    pub items: Vec<ItemRef>,
    /// The newest issue with such an item (index into [`Site::issues`]), for `lastmod`.
    pub newest_issue: usize,
}

/// One service's outages across issues.
#[derive(Debug, Clone)]
pub struct ServiceIndex {
    /// Slug of the service name.
    pub slug: String,
    /// The service's name as most recently written.
    pub name: String,
    /// Its outages, newest first.
    pub outages: Vec<ItemRef>,
    /// The newest issue with one of them (index into [`Site::issues`]), for `lastmod`.
    pub newest_issue: usize,
}

/// The whole site, ready to render.
#[derive(Debug, Clone)]
pub struct Site {
    /// Settings.
    pub config: Config,
    /// Issues, newest (highest number) first.
    pub issues: Vec<Arc<Issue>>,
    /// Tag slug → display name (see [`Site::tag_name`]).
    tag_names: HashMap<String, String>,
    /// Standalone pages, by slug.
    pub pages: Vec<Page>,
    /// Link tags, by slug.
    pub link_tags: Vec<TagIndex>,
    /// Outage tags, by slug.
    pub outage_tags: Vec<TagIndex>,
    /// Services with outages, by slug.
    pub services: Vec<ServiceIndex>,
    /// Every outage, newest first.
    pub outages: Vec<ItemRef>,
    /// Issues by year, newest year first; each holds indexes into `issues`.
    pub years: Vec<(i16, Vec<usize>)>,
    /// The time of this build: issues after it are scheduled (shown only with `--future`).
    pub now: jiff::Timestamp,
    /// Scheduled issues this build left out, oldest first (for the build's report).
    pub scheduled: Vec<Arc<Issue>>,
    /// Drafts this build left out, oldest first (for the build's report).
    pub drafts: Vec<Arc<Issue>>,
}

impl Site {
    /// Builds the model and its indexes from validated content.
    pub fn new(config: Config, content: Content) -> Result<Site> {
        let Content {
            issues,
            pages,
            now,
            scheduled,
            drafts,
        } = content;
        check_page_slugs(&pages)?;
        // The indexes of links and of outages are independent: built side by side, as
        // this runs while no other work can (between loading and rendering).
        let ((tag_names, mut link_tags), (outages, mut outage_tags, services)) = rayon::join(
            || {
                let names = tag_names(&issues, &config);
                (names, tag_index(&issues, |i| &i.links, |l: &Link| &l.tags))
            },
            || {
                let outages = outages_newest_first(&issues);
                let tags = outage_tag_index(&issues, &outages);
                let services = service_index(&issues, &outages);
                (outages, tags, services)
            },
        );
        for index in link_tags.iter_mut().chain(&mut outage_tags) {
            if let Some(name) = tag_names.get(&index.tag.slug) {
                index.tag.name.clone_from(name);
            }
        }
        let years = years(&issues);
        Ok(Site {
            now,
            scheduled,
            drafts,
            config,
            tag_names,
            issues,
            pages,
            link_tags,
            outage_tags,
            services,
            outages,
            years,
        })
    }

    /// How a tag is shown: the vocabulary's name, or the newest spelling of its slug.
    /// Whether `issue` is scheduled: dated after this build's time.
    pub fn is_scheduled(&self, issue: &Issue) -> bool {
        issue.publish_at > self.now
    }

    pub fn tag_name<'a>(&'a self, tag: &'a Tag) -> &'a str {
        self.tag_names
            .get(&tag.slug)
            .map_or(&tag.name, String::as_str)
    }

    /// The link an [`ItemRef`] from a link index points at.
    pub fn link(&self, r: ItemRef) -> (&Issue, &Link) {
        let issue = &self.issues[r.issue];
        (issue, &issue.links[r.item])
    }

    /// The outage an [`ItemRef`] from an outage index points at.
    pub fn outage(&self, r: ItemRef) -> (&Issue, &Outage) {
        let issue = &self.issues[r.issue];
        (issue, &issue.outages[r.item])
    }
}

fn check_page_slugs(pages: &[Page]) -> Result<()> {
    let mut problems = Vec::new();
    let mut seen: BTreeMap<&str, &Page> = BTreeMap::new();
    for page in pages {
        if crate::urls::RESERVED.contains(&page.slug.as_str()) {
            problems.push(
                Diagnostic::file(
                    &page.path,
                    format!(
                        "a page cannot be called `{}`: sitrep writes its own /{}/ there",
                        page.slug, page.slug
                    ),
                )
                .with_hint("rename the file"),
            );
        } else if let Some(other) = seen.insert(&page.slug, page) {
            problems.push(
                Diagnostic::file(
                    &page.path,
                    format!(
                        "this page and {} would both be written to /{}/",
                        other.path.display(),
                        page.slug
                    ),
                )
                .with_hint("rename one of the files"),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Content(problems))
    }
}

/// The display name of every tag: the vocabulary's, or else the newest spelling in the archive.
///
/// Issues keep the spelling their author wrote; views ask [`Site::tag_name`]. (Renaming
/// inside the issues would copy every issue that serve's cache shares on every rebuild.)
fn tag_names(issues: &[Arc<Issue>], config: &Config) -> HashMap<String, String> {
    if let Some(vocab) = &config.tags {
        return vocab.iter().map(|(s, n)| (s.clone(), n.clone())).collect();
    }
    let mut names: HashMap<&str, &str> = HashMap::new();
    let tags = issues.iter().flat_map(|i| {
        i.links
            .iter()
            .flat_map(|l| &l.tags)
            .chain(i.outages.iter().flat_map(|o| &o.tags))
    });
    for tag in tags {
        names.entry(&tag.slug).or_insert(&tag.name);
    }
    names
        .into_iter()
        .map(|(s, n)| (s.to_string(), n.to_string()))
        .collect()
}

fn tag_index<T>(
    issues: &[Arc<Issue>],
    items: impl Fn(&Issue) -> &Vec<T>,
    tags: impl Fn(&T) -> &Vec<Tag>,
) -> Vec<TagIndex> {
    let refs = issues
        .iter()
        .enumerate()
        .flat_map(|(i, issue)| (0..items(issue).len()).map(move |j| ItemRef { issue: i, item: j }));
    group_by_tag(refs, |r| tags(&items(&issues[r.issue])[r.item]))
}

fn outage_tag_index(issues: &[Arc<Issue>], outages: &[ItemRef]) -> Vec<TagIndex> {
    group_by_tag(outages.iter().copied(), |r| {
        &issues[r.issue].outages[r.item].tags
    })
}

fn group_by_tag<'a>(
    refs: impl Iterator<Item = ItemRef>,
    tags: impl Fn(ItemRef) -> &'a Vec<Tag>,
) -> Vec<TagIndex> {
    // Keyed by slug ids: this runs on every serve rebuild, over every tag use.
    let mut map: HashMap<u32, TagIndex> = HashMap::new();
    for r in refs {
        for tag in tags(r) {
            match map.get_mut(&tag.id) {
                Some(index) => {
                    index.items.push(r);
                    index.newest_issue = index.newest_issue.min(r.issue);
                }
                None => {
                    map.insert(
                        tag.id,
                        TagIndex {
                            tag: tag.clone(),
                            items: vec![r],
                            newest_issue: r.issue,
                        },
                    );
                }
            }
        }
    }
    let mut indexes: Vec<TagIndex> = map.into_values().collect();
    indexes.sort_by(|a, b| a.tag.slug.cmp(&b.tag.slug));
    indexes
}

/// Newest first by the outage's own date (else its issue's), then by issue, then list order.
fn outages_newest_first(issues: &[Arc<Issue>]) -> Vec<ItemRef> {
    let mut refs: Vec<ItemRef> = issues
        .iter()
        .enumerate()
        .flat_map(|(i, issue)| (0..issue.outages.len()).map(move |j| ItemRef { issue: i, item: j }))
        .collect();
    // Cached: the key reaches into each outage of the archive, and evaluating it per
    // comparison cost several cache misses each (3-5 ms of every `serve` rebuild at
    // N=5,000); `(issue, item)` keeps the order total, so the unstable sort is safe.
    refs.sort_by_cached_key(|r| {
        let issue = &issues[r.issue];
        let date = issue.outages[r.item].date.unwrap_or(issue.date);
        (std::cmp::Reverse(date), r.issue, r.item)
    });
    refs
}

fn service_index(issues: &[Arc<Issue>], outages: &[ItemRef]) -> Vec<ServiceIndex> {
    let mut map: HashMap<u32, ServiceIndex> = HashMap::new();
    for &r in outages {
        let o = &issues[r.issue].outages[r.item];
        match map.get_mut(&o.service_id) {
            Some(index) => {
                index.outages.push(r);
                index.newest_issue = index.newest_issue.min(r.issue);
            }
            None => {
                let index = ServiceIndex {
                    slug: o.service_slug.clone(),
                    name: o.service.clone(),
                    outages: vec![r],
                    newest_issue: r.issue,
                };
                map.insert(o.service_id, index);
            }
        }
    }
    let mut indexes: Vec<ServiceIndex> = map.into_values().collect();
    indexes.sort_by(|a, b| a.slug.cmp(&b.slug));
    indexes
}

fn years(issues: &[Arc<Issue>]) -> Vec<(i16, Vec<usize>)> {
    let mut years: BTreeMap<std::cmp::Reverse<i16>, Vec<usize>> = BTreeMap::new();
    for (i, issue) in issues.iter().enumerate() {
        years
            .entry(std::cmp::Reverse(issue.date.year()))
            .or_default()
            .push(i);
    }
    years.into_iter().map(|(y, v)| (y.0, v)).collect()
}
