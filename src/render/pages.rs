//! Every HTML page of a site, as a small value, and the variables each one's template gets.
//!
//! Listing pages is cheap (no context is built); a page's context is built
//! only when it is rendered, so the renderer never holds every page's data
//! at once, and `serve` can re-render just the pages an edit touches.

use ahash::AHasher;
use std::hash::{BuildHasher, Hash, Hasher};

use tera::Context;

use super::entries::Entries;
use super::views::{Views, YearView, paths};
use crate::error::Result;
use crate::site::{ItemRef, Site};

/// How many issues the home page lists after the latest one.
const RECENT_ISSUES: usize = 10;

/// The issues the home page lists after the latest one (indexes into `site.issues`).
pub(super) fn recent(site: &Site) -> std::ops::Range<usize> {
    1..site.issues.len().min(RECENT_ISSUES + 1)
}

/// One page of the site. Indexes point into the [`Site`]'s lists; `n` is a 1-based page number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    Home,
    Archive,
    Issue(usize),
    Outages { n: usize },
    OutageTags,
    Services,
    Tags,
    OutageTag { tag: usize, n: usize },
    Service { service: usize, n: usize },
    LinkTag { tag: usize, n: usize },
    Standalone(usize),
    NotFound,
}

/// What the renderer needs to render one page.
pub struct PageJob {
    /// Site path (`issues/45/`, or a file name such as `404.html`).
    pub path: String,
    pub template: &'static str,
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    /// An extra feed to announce with `<link rel="alternate">`: (title, url).
    pub extra_feed: Option<(String, String)>,
    /// The page's own variables (the site-wide ones are added by the renderer).
    pub ctx: Context,
}

/// Every page of `site`, in a fixed order.
pub fn all(site: &Site) -> Vec<Page> {
    let chunks = |items: &[ItemRef]| page_of(items, site.config.paginate, 1).0;
    let mut pages = vec![Page::Home, Page::Archive];
    pages.extend((0..site.issues.len()).map(Page::Issue));
    pages.extend((1..=chunks(&site.outages)).map(|n| Page::Outages { n }));
    pages.extend([Page::OutageTags, Page::Services, Page::Tags]);
    for (tag, t) in site.outage_tags.iter().enumerate() {
        pages.extend((1..=chunks(&t.items)).map(|n| Page::OutageTag { tag, n }));
    }
    for (service, s) in site.services.iter().enumerate() {
        pages.extend((1..=chunks(&s.outages)).map(|n| Page::Service { service, n }));
    }
    for (tag, t) in site.link_tags.iter().enumerate() {
        pages.extend((1..=chunks(&t.items)).map(|n| Page::LinkTag { tag, n }));
    }
    pages.extend((0..site.pages.len()).map(Page::Standalone));
    pages.push(Page::NotFound);
    pages
}

impl Page {
    /// The page's site path (`issues/45/`, `tags/dns/page/2/`, `404.html`).
    pub fn path(self, site: &Site) -> String {
        match self {
            Page::Home => String::new(),
            Page::Archive => "issues/".into(),
            Page::Issue(i) => paths::issue(site.issues[i].number),
            Page::Outages { n } => paths::paged("outages/", n),
            Page::OutageTags => "outages/tags/".into(),
            Page::Services => "outages/services/".into(),
            Page::Tags => "tags/".into(),
            Page::OutageTag { tag, n } => {
                paths::paged(&paths::outage_tag(&site.outage_tags[tag].tag.slug), n)
            }
            Page::Service { service, n } => {
                paths::paged(&paths::service(&site.services[service].slug), n)
            }
            Page::LinkTag { tag, n } => {
                paths::paged(&paths::link_tag(&site.link_tags[tag].tag.slug), n)
            }
            Page::Standalone(i) => paths::page(&site.pages[i].slug),
            Page::NotFound => "404.html".into(),
        }
    }

    /// The newest issue this page shows (an index into `site.issues`), for `lastmod`.
    pub fn newest_issue(self, site: &Site) -> Option<usize> {
        match self {
            Page::Issue(i) => Some(i),
            Page::OutageTag { tag, .. } => Some(site.outage_tags[tag].newest_issue),
            Page::Service { service, .. } => Some(site.services[service].newest_issue),
            Page::LinkTag { tag, .. } => Some(site.link_tags[tag].newest_issue),
            Page::Standalone(_) | Page::NotFound => None,
            _ => (!site.issues.is_empty()).then_some(0),
        }
    }

    /// The index entries this page lists: its share of a paginated index; none for other pages.
    pub fn listed(self, site: &Site) -> &[ItemRef] {
        let (items, n) = match self {
            Page::Outages { n } => (&site.outages, n),
            Page::OutageTag { tag, n } => (&site.outage_tags[tag].items, n),
            Page::Service { service, n } => (&site.services[service].outages, n),
            Page::LinkTag { tag, n } => (&site.link_tags[tag].items, n),
            _ => return &[],
        };
        page_of(items, site.config.paginate, n).1
    }

    /// A fingerprint of everything this page shows beyond `global` (templates, config,
    /// navigation, tag names): equal keys mean equal output, so `serve` can skip it.
    /// `counts` is [`counts_key`] of the site, computed once for all pages.
    pub fn key(self, site: &Site, global: u64, counts: u64) -> u64 {
        let mut h = crate::content::fingerprints().build_hasher();
        (global, self.path(site)).hash(&mut h);
        let issue = |i: usize, h: &mut AHasher| site.issues[i].source_hash.hash(h);
        let items = |items: &[ItemRef], n: usize, h: &mut AHasher| {
            let chunk = page_of(items, site.config.paginate, n).1;
            (items.len(), n).hash(h);
            for r in chunk {
                (site.issues[r.issue].source_hash, r.item).hash(h);
            }
        };
        let counts = |h: &mut AHasher| counts.hash(h);
        match self {
            Page::Home => (0..recent(site).end).for_each(|i| issue(i, &mut h)),
            Page::Archive => (0..site.issues.len()).for_each(|i| issue(i, &mut h)),
            Page::Issue(i) => {
                (i.saturating_sub(1)..(i + 2).min(site.issues.len())).for_each(|j| issue(j, &mut h))
            }
            Page::Outages { n } => {
                items(&site.outages, n, &mut h);
                counts(&mut h);
            }
            Page::OutageTags | Page::Services | Page::Tags => counts(&mut h),
            Page::OutageTag { tag, n } => items(&site.outage_tags[tag].items, n, &mut h),
            Page::Service { service, n } => {
                let s = &site.services[service];
                s.name.hash(&mut h);
                items(&s.outages, n, &mut h);
            }
            Page::LinkTag { tag, n } => items(&site.link_tags[tag].items, n, &mut h),
            Page::Standalone(i) => (&site.pages[i].description, &site.pages[i].html).hash(&mut h),
            Page::NotFound => {}
        }
        h.finish()
    }

    /// The page's site path, title, template and variables. `contents[0]` is the latest
    /// issue's rendered body (for the home page); `issue` is an issue page's issue, as a
    /// template value and its rendered body.
    pub fn job(
        self,
        views: &Views,
        entries: &Entries,
        contents: &[tera::Value],
        issue: Option<(tera::Value, tera::Value)>,
    ) -> Result<PageJob> {
        let site = views.site;
        let c = &site.config;
        let mut ctx = Context::new();
        let path = self.path(site);
        let job = |template, kind, title: String, description: String, ctx| PageJob {
            path,
            template,
            kind,
            title,
            description,
            extra_feed: None,
            ctx,
        };
        Ok(match self {
            Page::Home => {
                ctx.insert("latest", &site.issues.first().map(|i| views.issue(i)));
                let latest_html = contents.first().cloned();
                ctx.insert_value("latest_html", latest_html.unwrap_or_else(|| "".into()));
                let recent = recent(site)
                    .map(|i| entries.issue(i))
                    .collect::<Result<Vec<_>>>()?;
                ctx.insert("recent", &recent);
                job(
                    "index.html",
                    "home",
                    c.title.clone(),
                    c.description.clone(),
                    ctx,
                )
            }
            Page::Archive => {
                let years = site
                    .years
                    .iter()
                    .map(|(year, idx)| {
                        let issues = idx.iter().map(|&i| entries.issue(i));
                        Ok(YearView {
                            year: *year,
                            issues: issues.collect::<Result<_>>()?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                ctx.insert("years", &years);
                ctx.insert("issue_count", &site.issues.len());
                let description = format!("Every issue of {}, newest first.", c.title);
                job(
                    "archive.html",
                    "archive",
                    "All issues".into(),
                    description,
                    ctx,
                )
            }
            Page::Issue(i) => {
                let (value, body) = issue.ok_or_else(|| {
                    crate::Error::Output("an issue page was rendered without its body".into())
                })?;
                let issue = &site.issues[i];
                ctx.insert_value("issue", value);
                ctx.insert_value("content_html", body);
                ctx.insert("prev", &site.issues.get(i + 1).map(|p| views.summary(p)));
                ctx.insert(
                    "next",
                    &i.checked_sub(1).map(|n| views.summary(&site.issues[n])),
                );
                job(
                    "issue.html",
                    "issue",
                    issue.title.clone(),
                    issue.summary.clone(),
                    ctx,
                )
            }
            Page::Outages { n } => {
                paginate(
                    entries,
                    &mut ctx,
                    "outages/",
                    n,
                    &site.outages,
                    "outages",
                    |r| entries.outage(r),
                )?;
                ctx.insert("outage_count", &site.outages.len());
                ctx.insert("service_count", &site.services.len());
                ctx.insert_value("tags", entries.outage_tags()?);
                ctx.insert_value("services", entries.services()?);
                let description = format!("Every outage covered in {}, newest first.", c.title);
                job(
                    "outages.html",
                    "outages",
                    numbered("Outages", n),
                    description,
                    ctx,
                )
            }
            Page::OutageTags => {
                ctx.insert_value("tags", entries.outage_tags()?);
                let description = "Outages grouped by tag, each with its own RSS feed.".into();
                job(
                    "outage_tags.html",
                    "outage_tags",
                    "Outages by tag".into(),
                    description,
                    ctx,
                )
            }
            Page::Services => {
                ctx.insert_value("services", entries.services()?);
                let description = "Every service with an outage, and its history.".into();
                job(
                    "services.html",
                    "services",
                    "Outages by service".into(),
                    description,
                    ctx,
                )
            }
            Page::Tags => {
                let tags: Vec<_> = site.link_tags.iter().map(|t| views.link_tag(t)).collect();
                ctx.insert("tags", &tags);
                job(
                    "tags.html",
                    "tags",
                    "Tags".into(),
                    "Links grouped by tag.".into(),
                    ctx,
                )
            }
            Page::OutageTag { tag, n } => {
                let t = &site.outage_tags[tag];
                ctx.insert("tag", &views.outage_tag(t));
                let base = paths::outage_tag(&t.tag.slug);
                paginate(entries, &mut ctx, &base, n, &t.items, "outages", |r| {
                    entries.outage(r)
                })?;
                let title = format!("{} outages", t.tag.name);
                let feed = (
                    format!("{title} — {}", c.title),
                    c.href(&paths::outage_tag_feed(&t.tag.slug)),
                );
                let description = format!("Every {} outage covered in {}.", t.tag.name, c.title);
                PageJob {
                    extra_feed: Some(feed),
                    ..job(
                        "outage_tag.html",
                        "outage_tag",
                        numbered(&title, n),
                        description,
                        ctx,
                    )
                }
            }
            Page::Service { service, n } => {
                let s = &site.services[service];
                ctx.insert("service", &views.service(s));
                let base = paths::service(&s.slug);
                paginate(entries, &mut ctx, &base, n, &s.outages, "outages", |r| {
                    entries.outage(r)
                })?;
                let description = format!("Every {} outage covered in {}.", s.name, c.title);
                job(
                    "service.html",
                    "service",
                    numbered(&format!("{} outages", s.name), n),
                    description,
                    ctx,
                )
            }
            Page::LinkTag { tag, n } => {
                let t = &site.link_tags[tag];
                ctx.insert("tag", &views.link_tag(t));
                let base = paths::link_tag(&t.tag.slug);
                paginate(entries, &mut ctx, &base, n, &t.items, "links", |r| {
                    entries.link(r)
                })?;
                let description = format!("Every link about {} in {}.", t.tag.name, c.title);
                job(
                    "tag.html",
                    "tag",
                    numbered(&format!("Articles tagged {}", t.tag.name), n),
                    description,
                    ctx,
                )
            }
            Page::Standalone(i) => {
                let page = &site.pages[i];
                let url = c.href(&paths::page(&page.slug));
                ctx.insert(
                    "page",
                    &serde_json::json!({ "title": page.title, "html": page.html, "url": url }),
                );
                job(
                    "page.html",
                    "page",
                    page.title.clone(),
                    page.description.clone(),
                    ctx,
                )
            }
            Page::NotFound => job(
                "404.html",
                "404",
                "Page not found".into(),
                String::new(),
                ctx,
            ),
        })
    }
}

/// A fingerprint of the lists of tags and services with their counts, which the
/// outage and tag indexes show.
pub fn counts_key(site: &Site) -> u64 {
    let mut h = crate::content::fingerprints().build_hasher();
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

/// Puts page `n` of `items` (as `key`) and a `pagination` into `ctx`.
fn paginate(
    shared: &Entries,
    ctx: &mut Context,
    base: &str,
    n: usize,
    items: &[ItemRef],
    key: &'static str,
    entry: impl Fn(ItemRef) -> Result<tera::Value>,
) -> Result<()> {
    let (total, chunk) = page_of(items, shared.per_page(), n);
    let listed = chunk
        .iter()
        .map(|&r| entry(r))
        .collect::<Result<Vec<_>>>()?;
    ctx.insert_value(key, tera::Value::from(listed));
    ctx.insert_value("pagination", shared.pagination(base, n, total)?);
    Ok(())
}

/// Page `n` (1-based) of an index of `items`, `per` to a page (0: all on one page):
/// how many pages there are, and this page's items.
fn page_of(items: &[ItemRef], per: usize, n: usize) -> (usize, &[ItemRef]) {
    match per {
        0 => (1, items),
        per => (
            items.len().div_ceil(per).max(1),
            items.chunks(per).nth(n - 1).unwrap_or(&[]),
        ),
    }
}

fn numbered(title: &str, n: usize) -> String {
    if n > 1 {
        format!("{title} (page {n})")
    } else {
        title.to_string()
    }
}
