//! Rendering one site again and again (`serve`): everything that lets a re-render
//! skip work, behind one small interface, [`Incremental::rerender`].
//!
//! A re-render skips a page whose *key* is unchanged since the previous
//! [`Rendition`] and takes its bytes from there. A key is a hash of the render's
//! global key (templates, settings, navigation, tag names: what every page shows)
//! and of the sources of the page's declared [`Inputs`]; pages are rendered from
//! those same inputs (see [`super::inputs`]), so a key cannot miss something the
//! page shows. Index entries are also kept between renders ([`Kept`]): an edit
//! re-renders the entries of the edited issue, not the fifty on each index page
//! that lists one of them, nor the thousand issues of the archive.
//!
//! `build` knows nothing of this: it renders everything once.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use tera::Value;

use super::inputs::{Inputs, Own};
use crate::error::Result;
use crate::output::Memory;
use crate::site::Site;

/// Output path → key of the pages and feeds a caller holds from an earlier render.
pub(crate) type Known = HashMap<String, u64>;

/// What a render may reuse from earlier renders.
#[derive(Clone, Copy)]
pub(crate) struct Reuse<'a> {
    /// The key of every page the caller holds: a page whose key is unchanged is skipped.
    pub known: &'a Known,
    /// Index entries of earlier renders: reused while current, refreshed otherwise.
    pub entries: &'a Kept,
}

/// One output of a render.
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    pub path: String,
    /// For pages and feeds rendered with a `known` map: the key they have now. A keyed
    /// output that was not sent to the sink is current in the caller's copy.
    pub key: Option<u64>,
}

/// Every file of one render of a site, and what the next render needs to skip work.
#[derive(Default)]
pub struct Rendition {
    /// Output path → bytes; shared with the next rendition when a file did not change.
    files: HashMap<String, Arc<Vec<u8>>>,
    keys: Known,
    /// How many files this render made (static files included), and how many it
    /// took from the previous rendition.
    pub rendered: usize,
    pub reused: usize,
    /// How many pages and feeds (outputs with a key) it rendered.
    pub pages_rendered: usize,
}

impl Rendition {
    /// The bytes of output file `path` (`issues/45/index.html`).
    pub fn get(&self, path: &str) -> Option<&Arc<Vec<u8>>> {
        self.files.get(path)
    }

    /// Every output file's path, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// How many files the site has.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// What `serve` keeps between renders of one site beyond the files themselves.
#[derive(Default)]
pub struct Incremental {
    entries: Kept,
}

impl Incremental {
    /// Renders `site`, re-rendering only what changed since `previous` (an empty
    /// [`Rendition`] the first time). On failure nothing is kept from the attempt.
    ///
    /// The data files and the search index are left out and `previous`'s carried
    /// over as they were: [`complete`] brings them up to date afterwards, so an edit's
    /// pages need not wait for them.
    pub fn rerender(&self, site: &Site, previous: &Rendition) -> Result<Rendition> {
        let memory = Memory::default();
        let reuse = Reuse {
            known: &previous.keys,
            entries: &self.entries,
        };
        let mut rendered = super::site(site, &memory, Some(reuse), super::Archive::Defer)?;
        if site.config.search {
            let index = previous
                .paths()
                .filter(|p| p.starts_with(crate::urls::PAGEFIND));
            rendered.extend(index.map(|path| Rendered {
                path: path.to_string(),
                key: None,
            }));
        }
        let mut fresh: HashMap<String, Vec<u8>> = memory
            .into_outputs()
            .into_iter()
            .map(|o| (o.path, o.bytes))
            .collect();
        let mut next = Rendition {
            files: HashMap::with_capacity(rendered.len()),
            keys: Known::with_capacity(rendered.len()),
            ..Rendition::default()
        };
        for r in rendered {
            let bytes = match fresh.remove(&r.path) {
                Some(bytes) => {
                    next.rendered += 1;
                    next.pages_rendered += usize::from(r.key.is_some());
                    Arc::new(bytes)
                }
                None => {
                    next.reused += 1;
                    previous.files.get(&r.path).cloned().unwrap_or_default()
                }
            };
            if let Some(key) = r.key {
                next.keys.insert(r.path.clone(), key);
            }
            next.files.insert(r.path, bytes);
        }
        Ok(next)
    }

    /// How many index entries are kept for the next render.
    pub fn kept_entries(&self) -> usize {
        self.entries.len()
    }
}

/// `current` with the data files and search index of `site` brought up to date (the
/// part of a render [`Incremental::rerender`] leaves out): search shards whose records
/// are unchanged are kept, the others indexed anew. Returns the rendition and what
/// was indexed.
pub fn complete(site: &Site, current: &Rendition) -> Result<(Rendition, crate::search::Indexed)> {
    let held = |path: &str| current.files.get(path).cloned();
    let memory = Memory::after(&held);
    let (paths, indexed) = super::complete(site, &memory)?;
    let mut fresh: HashMap<String, Vec<u8>> = memory
        .into_outputs()
        .into_iter()
        .map(|o| (o.path, o.bytes))
        .collect();
    let wanted: HashSet<&str> = paths.iter().map(String::as_str).collect();
    let mut files = current.files.clone();
    files.retain(|path, _| {
        !path.starts_with(crate::urls::PAGEFIND) || wanted.contains(path.as_str())
    });
    let rendered = fresh.len();
    let reused = paths.iter().filter(|p| !fresh.contains_key(*p)).count();
    for (path, bytes) in fresh.drain() {
        files.insert(path, Arc::new(bytes));
    }
    let next = Rendition {
        files,
        keys: current.keys.clone(),
        rendered,
        reused,
        pages_rendered: 0,
    };
    Ok((next, indexed))
}

/// Everything every page depends on: templates, settings, navigation and tag names.
pub(crate) fn global_key(site: &Site, templates: u64) -> u64 {
    let mut h = crate::content::fingerprints().build_hasher();
    templates.hash(&mut h);
    format!("{:?}", site.config).hash(&mut h);
    site.pages
        .iter()
        .for_each(|p| (&p.slug, &p.title).hash(&mut h));
    site.link_tags
        .iter()
        .chain(&site.outage_tags)
        .for_each(|t| (&t.tag.slug, &t.tag.name).hash(&mut h));
    // Which issues are scheduled changes with the time, not their sources.
    site.issues
        .iter()
        .filter(|i| site.is_scheduled(i))
        .for_each(|i| i.number.hash(&mut h));
    h.finish()
}

/// A fingerprint of the lists of tags and services with their counts
/// (`Inputs::counts`), computed once per render.
pub(crate) fn counts_key(site: &Site) -> u64 {
    let mut h = crate::content::fingerprints().build_hasher();
    (site.outages.len(), site.services.len()).hash(&mut h);
    site.outage_tags
        .iter()
        .for_each(|t| (&t.tag.slug, t.items.len()).hash(&mut h));
    site.services
        .iter()
        .for_each(|s| (&s.slug, &s.name, s.outages.len()).hash(&mut h));
    site.link_tags
        .iter()
        .for_each(|t| (&t.tag.slug, t.items.len()).hash(&mut h));
    h.finish()
}

/// The key of the page or feed at `paths` that reads `inputs`: equal keys mean
/// equal output. `global` is [`global_key`], `counts` is [`counts_key`].
pub(crate) fn key(site: &Site, inputs: &Inputs, paths: &[&str], global: u64, counts: u64) -> u64 {
    let mut h = crate::content::fingerprints().build_hasher();
    (global, paths).hash(&mut h);
    for issues in [&inputs.full, &inputs.summaries, &inputs.entries] {
        (issues.start, issues.end).hash(&mut h);
        for i in issues.clone() {
            site.issues[i].source_hash.hash(&mut h);
        }
    }
    if let Some(l) = &inputs.listing {
        (l.kind, &l.base, l.items.len(), l.n, l.per).hash(&mut h);
        for r in l.chunk() {
            (site.issues[r.issue].source_hash, r.item).hash(&mut h);
        }
    }
    if inputs.counts {
        counts.hash(&mut h);
    }
    match inputs.own {
        Own::Nothing => {}
        Own::Service(s) => site.services[s].name.hash(&mut h),
        Own::Standalone(i) => {
            let page = &site.pages[i];
            (&page.title, &page.description, &page.html).hash(&mut h);
        }
    }
    h.finish()
}

/// Which list a kept index entry comes from.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Link,
    Outage,
    Issue,
}

/// Index entries kept between renders of one site, by issue.
///
/// An entry shows its link, outage or issue summary, its issue's number, title, date
/// and URL, and tag names and settings; so it is current while its issue's source and
/// the render's global key are unchanged, the same test that lets a page be kept.
/// Entries are grouped by their issue's source hash, so pruning after an edit looks
/// at each issue once, not at each of its entries.
#[derive(Default)]
pub(crate) struct Kept(Mutex<KeptEntries>);

#[derive(Default)]
struct KeptEntries {
    /// The global key of the renders that made these entries.
    global: u64,
    /// By the source hash of their issue.
    issues: HashMap<u64, IssueEntries, ahash::RandomState>,
}

/// The kept entries of one issue, by their place in it.
#[derive(Default)]
struct IssueEntries {
    links: Vec<Option<Value>>,
    outages: Vec<Option<Value>>,
    summary: Option<Value>,
}

impl IssueEntries {
    fn get(&self, kind: Kind, item: usize) -> Option<&Value> {
        match kind {
            Kind::Link => self.links.get(item)?.as_ref(),
            Kind::Outage => self.outages.get(item)?.as_ref(),
            Kind::Issue => self.summary.as_ref(),
        }
    }

    fn slot(&mut self, kind: Kind, item: usize) -> &mut Option<Value> {
        let list = match kind {
            Kind::Link => &mut self.links,
            Kind::Outage => &mut self.outages,
            Kind::Issue => return &mut self.summary,
        };
        if list.len() <= item {
            list.resize(item + 1, None);
        }
        &mut list[item]
    }

    fn len(&self) -> usize {
        let held = |list: &[Option<Value>]| list.iter().flatten().count();
        held(&self.links) + held(&self.outages) + usize::from(self.summary.is_some())
    }
}

impl Kept {
    fn map(&self) -> std::sync::MutexGuard<'_, KeptEntries> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn get(&self, global: u64, source: u64, kind: Kind, item: usize) -> Option<Value> {
        let kept = self.map();
        if kept.global != global {
            return None;
        }
        kept.issues.get(&source)?.get(kind, item).cloned()
    }

    pub(crate) fn insert(&self, global: u64, source: u64, kind: Kind, item: usize, value: Value) {
        let mut kept = self.map();
        if kept.global != global {
            kept.issues.clear();
            kept.global = global;
        }
        *kept.issues.entry(source).or_default().slot(kind, item) = Some(value);
    }

    /// Keeps only the entries of a render with key `global`, of issues whose source
    /// hash is in `current`.
    pub(crate) fn retain(&self, global: u64, current: &HashSet<u64, ahash::RandomState>) {
        let mut kept = self.map();
        if kept.global != global {
            kept.issues.clear();
        }
        kept.issues.retain(|source, _| current.contains(source));
    }

    /// How many entries are kept.
    fn len(&self) -> usize {
        self.map().issues.values().map(IssueEntries::len).sum()
    }
}
