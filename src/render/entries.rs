//! Values many pages share, made once: index entries, the lists of outage tags and
//! services that every page of `/outages/` shows, and each index's page URLs.
//!
//! A link shows up on the page of every tag it carries, an outage on the all-outages
//! index, its tags' pages and its service's page. Serializing it into a template value
//! and rendering its markup again for each of those pages was most of a build's
//! time, so both happen once, on first use: the value is shared (Tera values are
//! reference-counted) and its markup, rendered by `index_link.html` or
//! `index_outage.html`, is the entry's `html` field. Each entry knows how many
//! pages list it and is dropped after the last, so memory holds the entries of
//! the pages in progress rather than the whole archive.
//!
//! `serve` also keeps every entry from one render to the next ([`Kept`]): an edit
//! re-renders the entries of the edited issue, not the fifty on each index page
//! that lists one of them.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use serde::Serialize;
use tera::{Context, Value};

use super::Templates;
use super::views::{Views, paths};
use crate::error::{Error, Result};
use crate::site::{ItemRef, Site};

/// Entries of one render, each made on first use.
pub struct Entries<'a> {
    views: &'a Views<'a>,
    templates: &'a Templates,
    base: &'a Context,
    /// `links[issue][link]`
    links: Vec<Vec<Slot>>,
    /// `outages[issue][outage]`
    outages: Vec<Vec<Slot>>,
    /// Every outage tag, as `Counted`.
    outage_tags: OnceLock<Result<Value>>,
    /// Every service, as `Counted`.
    services: OnceLock<Result<Value>>,
    /// Index base path → the URLs of all its pages, shared by those pages.
    page_urls: Mutex<HashMap<String, Value>>,
    /// Entries of earlier renders, and the key that says which are still current.
    kept: Option<(&'a Kept, u64)>,
}

/// Index entries kept between renders of one site (`serve`), by [`entry_key`].
///
/// An entry shows its link or outage, its issue's number, title, date and URL, and
/// tag names and settings; so it is current while its issue's source and the
/// render's global key (templates, config, tag names) are unchanged, the same test
/// that lets `serve` keep a page.
#[derive(Default)]
pub struct Kept(Mutex<HashMap<u64, Value>>);

impl Kept {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Value>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn get(&self, key: u64) -> Option<Value> {
        self.map().get(&key).cloned()
    }

    fn insert(&self, key: u64, value: Value) {
        self.map().insert(key, value);
    }

    /// Drops the entries whose key is not in `current`.
    fn retain(&self, current: &HashSet<u64>) {
        self.map().retain(|key, _| current.contains(key));
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.map().len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.map().is_empty()
    }
}

/// Which list an entry comes from.
#[derive(Clone, Copy, Hash)]
enum Kind {
    Link,
    Outage,
}

/// The key of item `r` of list `kind` in a render whose global key is `global`.
fn entry_key(site: &Site, global: u64, kind: Kind, r: ItemRef) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (global, kind, site.issues[r.issue].source_hash, r.item).hash(&mut h);
    h.finish()
}

/// One entry: its value while pages that list it are still to come.
#[derive(Default)]
struct Slot {
    value: Mutex<Option<Value>>,
    /// Pages still to render that list this entry.
    uses_left: AtomicUsize,
}

impl<'a> Entries<'a> {
    /// Entries for one render; with `kept` (and the render's global key), entries are
    /// taken from and added to it.
    pub fn new(
        views: &'a Views<'a>,
        templates: &'a Templates,
        base: &'a Context,
        kept: Option<(&'a Kept, u64)>,
    ) -> Self {
        let site: &Site = views.site;
        let slots = |count: fn(&crate::content::Issue) -> usize| -> Vec<Vec<Slot>> {
            site.issues
                .iter()
                .map(|i| (0..count(i)).map(|_| Slot::default()).collect())
                .collect()
        };
        let (links, outages) = (slots(|i| i.links.len()), slots(|i| i.outages.len()));
        let count = |slots: &[Vec<Slot>], items: &[ItemRef]| {
            for r in items {
                slots[r.issue][r.item]
                    .uses_left
                    .fetch_add(1, Ordering::Relaxed);
            }
        };
        site.link_tags.iter().for_each(|t| count(&links, &t.items));
        count(&outages, &site.outages);
        site.outage_tags
            .iter()
            .for_each(|t| count(&outages, &t.items));
        site.services
            .iter()
            .for_each(|s| count(&outages, &s.outages));
        Entries {
            views,
            templates,
            base,
            links,
            outages,
            outage_tags: OnceLock::new(),
            services: OnceLock::new(),
            page_urls: Mutex::default(),
            kept,
        }
    }

    /// Drops from the kept entries those of items the site no longer has (or has changed).
    pub fn prune_kept(&self) {
        let Some((kept, global)) = self.kept else {
            return;
        };
        let site = self.views.site;
        let mut current = HashSet::new();
        for (issue, i) in site.issues.iter().enumerate() {
            let keys = |kind, count: usize| {
                (0..count).map(move |item| entry_key(site, global, kind, ItemRef { issue, item }))
            };
            current.extend(keys(Kind::Link, i.links.len()));
            current.extend(keys(Kind::Outage, i.outages.len()));
        }
        kept.retain(&current);
    }

    /// Entries per page of an index (`paginate`; 0: all on one).
    pub fn per_page(&self) -> usize {
        self.views.site.config.paginate
    }

    /// `pagination` for page `n` of `total` of the index at site path `base`.
    pub fn pagination(&self, base: &str, n: usize, total: usize) -> Result<Value> {
        let view = super::value(&self.views.pagination(base, n, total))?;
        let mut map = view.into_map().unwrap_or_default();
        map.insert("urls".into(), self.page_urls(base, total));
        Ok(Value::from(map))
    }

    /// The URLs of the `total` pages of the index at site path `base`, in order.
    fn page_urls(&self, base: &str, total: usize) -> Value {
        let mut cache = self
            .page_urls
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let urls = cache.entry(base.to_string()).or_insert_with(|| {
            let urls: Vec<Value> = (1..=total)
                .map(|n| Value::from(self.views.page_url(base, n)))
                .collect();
            Value::from(urls)
        });
        urls.clone()
    }

    /// Every outage tag with its count and feed (`Counted`).
    pub fn outage_tags(&self) -> Result<Value> {
        let views = self.views;
        shared(&self.outage_tags, || {
            let tags = views.site.outage_tags.iter();
            super::value(&tags.map(|t| views.outage_tag(t)).collect::<Vec<_>>())
        })
        .cloned()
    }

    /// Every service with its count (`Counted`).
    pub fn services(&self) -> Result<Value> {
        let views = self.views;
        shared(&self.services, || {
            let services = views.site.services.iter();
            super::value(&services.map(|s| views.service(s)).collect::<Vec<_>>())
        })
        .cloned()
    }

    /// The link `r` points at, as a `LinkEntry` with `html`.
    pub fn link(&self, r: ItemRef) -> Result<Value> {
        take(&self.links[r.issue][r.item], || {
            self.kept_or(Kind::Link, r, || {
                self.make(self.views.link_entry(r), "link", "index_link.html", r)
            })
        })
    }

    /// The outage `r` points at, as an `OutageEntry` with `html`.
    pub fn outage(&self, r: ItemRef) -> Result<Value> {
        take(&self.outages[r.issue][r.item], || {
            self.kept_or(Kind::Outage, r, || {
                self.make(self.views.outage_entry(r), "outage", "index_outage.html", r)
            })
        })
    }

    /// The kept entry for item `r`, or one made by `make` (and kept, if entries are).
    fn kept_or(
        &self,
        kind: Kind,
        r: ItemRef,
        make: impl FnOnce() -> Result<Value>,
    ) -> Result<Value> {
        let Some((kept, global)) = self.kept else {
            return make();
        };
        let key = entry_key(self.views.site, global, kind, r);
        if let Some(value) = kept.get(key) {
            return Ok(value);
        }
        let value = make()?;
        kept.insert(key, value.clone());
        Ok(value)
    }

    fn make<T: Serialize>(
        &self,
        entry: T,
        key: &'static str,
        template: &str,
        r: ItemRef,
    ) -> Result<Value> {
        let value = super::value(&entry)?;
        let mut ctx = self.base.clone();
        ctx.insert_value(key, value);
        let issue = &self.views.site.issues[r.issue];
        let page = format!("{}#{key}-{}", paths::issue(issue.number), r.item + 1);
        let html = self.templates.render(template, &ctx, &page, true)?;
        let mut map = ctx
            .remove(key)
            .and_then(Value::into_map)
            .unwrap_or_default();
        map.insert("html".into(), html);
        Ok(Value::from(map))
    }
}

/// The value in `slot`, made by `make` if this is its first use, and dropped from the
/// slot if this is its last. A failure is not kept: each page asking gets it again,
/// and it is reported once (see `super::all_or_every_error`).
fn take(slot: &Slot, make: impl FnOnce() -> Result<Value>) -> Result<Value> {
    let mut held = slot.value.lock().unwrap_or_else(PoisonError::into_inner);
    let value = match held.as_ref() {
        Some(v) => v.clone(),
        None => make()?,
    };
    let last = slot
        .uses_left
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
        .is_ok_and(|before| before <= 1);
    *held = (!last).then(|| value.clone());
    Ok(value)
}

/// The value in `cell`, made by `make` on first use. Every caller gets a failure: it is
/// reported once (see `super::all_or_every_error`).
pub fn shared<T>(cell: &OnceLock<Result<T>>, make: impl FnOnce() -> Result<T>) -> Result<&T> {
    match cell.get_or_init(make) {
        Ok(v) => Ok(v),
        Err(Error::Template { context, message }) => Err(Error::Template {
            context: context.clone(),
            message: message.clone(),
        }),
        Err(e) => Err(Error::Output(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn an_entry_is_made_once_shared_and_dropped_after_its_last_use() {
        let slot = Slot::default();
        slot.uses_left.store(3, Ordering::Relaxed);
        let made = Cell::new(0);
        let make = || {
            made.set(made.get() + 1);
            Ok(Value::from("entry"))
        };
        for left in [2, 1] {
            assert_eq!(take(&slot, make).unwrap(), Value::from("entry"));
            assert_eq!(slot.uses_left.load(Ordering::Relaxed), left);
            assert!(slot.value.lock().unwrap().is_some(), "kept for later pages");
        }
        assert_eq!(take(&slot, make).unwrap(), Value::from("entry"));
        assert!(
            slot.value.lock().unwrap().is_none(),
            "dropped after the last"
        );
        assert_eq!(made.get(), 1);
    }

    #[test]
    fn a_failed_entry_is_not_kept() {
        let slot = Slot::default();
        slot.uses_left.store(2, Ordering::Relaxed);
        let fail = || Err(Error::Output("broken".into()));
        assert!(take(&slot, fail).is_err());
        assert!(slot.value.lock().unwrap().is_none());
        assert!(take(&slot, || Ok(Value::from(1))).is_ok());
    }
}
