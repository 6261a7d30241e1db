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
//! the pages in progress rather than the whole archive. Issues get entries too
//! (`index_issue.html`), for the archive and the home page's recent issues.
//!
//! How many pages list an entry is counted from the pages' declared inputs
//! ([`super::inputs`]), the same description their variables are read through.
//! `serve` also keeps entries from one render to the next
//! ([`super::incremental::Kept`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use serde::Serialize;
use tera::{Context, Value};

use super::Templates;
use super::incremental::{Kept, Kind};
use super::inputs::{EntryKind, Inputs};
use super::views::Views;
use crate::error::{Error, Result};
use crate::site::{ItemRef, Site};
use crate::urls;

/// Entries of one render, each made on first use.
pub struct Entries<'a> {
    views: &'a Views<'a>,
    templates: &'a Templates,
    base: &'a Context,
    /// `links[issue][link]`
    links: Vec<Vec<Slot>>,
    /// `outages[issue][outage]`
    outages: Vec<Vec<Slot>>,
    /// `issues[issue]`
    issues: Vec<Slot>,
    /// Every outage tag, as `Counted`.
    outage_tags: OnceLock<Result<Value>>,
    /// Every service, as `Counted`.
    services: OnceLock<Result<Value>>,
    /// Index base path → the URLs of all its pages, shared by those pages.
    page_urls: Mutex<HashMap<String, Value>>,
    /// Entries of earlier renders, and the key that says which are still current.
    kept: Option<(&'a Kept, u64)>,
}

/// One entry: its value while pages that list it are still to come.
#[derive(Default)]
struct Slot {
    value: Mutex<Option<Value>>,
    /// Pages still to render that list this entry.
    uses_left: AtomicUsize,
}

impl<'a> Entries<'a> {
    /// Entries for one render whose pages read `plan`; with `kept` (and the render's
    /// global key), entries are taken from and added to it.
    pub fn new(
        views: &'a Views<'a>,
        templates: &'a Templates,
        base: &'a Context,
        kept: Option<(&'a Kept, u64)>,
        plan: &[&Inputs],
    ) -> Self {
        let site: &Site = views.site;
        let slots = |count: fn(&crate::content::Issue) -> usize| -> Vec<Vec<Slot>> {
            site.issues
                .iter()
                .map(|i| (0..count(i)).map(|_| Slot::default()).collect())
                .collect()
        };
        let (links, outages) = (slots(|i| i.links.len()), slots(|i| i.outages.len()));
        let issues: Vec<Slot> = site.issues.iter().map(|_| Slot::default()).collect();
        let use_once = |slot: &Slot| slot.uses_left.fetch_add(1, Ordering::Relaxed);
        for inputs in plan {
            inputs
                .entries
                .clone()
                .for_each(|i| _ = use_once(&issues[i]));
            if let Some(l) = &inputs.listing {
                let slots = match l.kind {
                    EntryKind::Link => &links,
                    EntryKind::Outage => &outages,
                };
                l.chunk()
                    .iter()
                    .for_each(|r| _ = use_once(&slots[r.issue][r.item]));
            }
        }
        Entries {
            views,
            templates,
            base,
            links,
            outages,
            issues,
            outage_tags: OnceLock::new(),
            services: OnceLock::new(),
            page_urls: Mutex::default(),
            kept,
        }
    }

    /// Drops from the kept entries those of issues the site no longer has (or has changed).
    pub fn prune_kept(&self) {
        let Some((kept, global)) = self.kept else {
            return;
        };
        let issues = &self.views.site.issues;
        kept.retain(global, &issues.iter().map(|i| i.source_hash).collect());
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
                let at = self.item_label(r, "link");
                self.make(self.views.link_entry(r), "link", "index_link.html", &at)
            })
        })
    }

    /// The outage `r` points at, as an `OutageEntry` with `html`.
    pub fn outage(&self, r: ItemRef) -> Result<Value> {
        take(&self.outages[r.issue][r.item], || {
            self.kept_or(Kind::Outage, r, || {
                let at = self.item_label(r, "outage");
                self.make(
                    self.views.outage_entry(r),
                    "outage",
                    "index_outage.html",
                    &at,
                )
            })
        })
    }

    /// Issue `i` of the site, as an `IssueEntry` (its summary with `html`).
    pub fn issue(&self, i: usize) -> Result<Value> {
        let r = ItemRef { issue: i, item: 0 };
        take(&self.issues[i], || {
            self.kept_or(Kind::Issue, r, || {
                let issue = &self.views.site.issues[i];
                let at = urls::issue(issue.number);
                self.make(self.views.summary(issue), "issue", "index_issue.html", &at)
            })
        })
    }

    /// Where item `r` is, for errors: `issues/45/#link-3`.
    fn item_label(&self, r: ItemRef, key: &str) -> String {
        let issue = &self.views.site.issues[r.issue];
        format!("{}#{key}-{}", urls::issue(issue.number), r.item + 1)
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
        let source = self.views.site.issues[r.issue].source_hash;
        if let Some(value) = kept.get(global, source, kind, r.item) {
            return Ok(value);
        }
        let value = make()?;
        kept.insert(global, source, kind, r.item, value.clone());
        Ok(value)
    }

    /// The value of `entry`, with `html`: `template` rendered with it as `key`.
    /// `at` says where the entry is from, for errors.
    fn make<T: Serialize>(
        &self,
        entry: T,
        key: &'static str,
        template: &str,
        at: &str,
    ) -> Result<Value> {
        let value = super::value(&entry)?;
        let mut ctx = self.base.clone();
        ctx.insert_value(key, value);
        let html = self.templates.render(template, &ctx, at, true)?;
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
        Err(e) => Err(Error::Internal(e.to_string())),
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
        let fail = || Err(Error::Internal("broken".into()));
        assert!(take(&slot, fail).is_err());
        assert!(slot.value.lock().unwrap().is_none());
        assert!(take(&slot, || Ok(Value::from(1))).is_ok());
    }
}
