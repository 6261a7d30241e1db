//! Every HTML page of a site, as a small value: its path, its [`Inputs`], and a
//! short function per page kind that makes its template variables from a [`Reader`].
//!
//! Listing pages is cheap (no context is built); a page's context is built only
//! when it is rendered, so the renderer never holds every page's data at once.
//! A new page kind is a variant here, a line in [`all`], its path in
//! [`crate::urls`], its inputs in [`Page::inputs`] and one function.

use tera::Context;

use super::inputs::{EntryKind, Inputs, Listing, Own, Reader};
use super::views::YearView;
use crate::error::Result;
use crate::markdown::smart_punctuation;
use crate::site::{ItemRef, Site};
use crate::urls;

/// How many issues the home page lists after the latest one.
const RECENT_ISSUES: usize = 10;

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
    Feeds,
    Search,
    OutageTag { tag: usize, n: usize },
    Service { service: usize, n: usize },
    LinkTag { tag: usize, n: usize },
    Standalone(usize),
    NotFound,
}

/// What the renderer needs to render one page.
pub struct PageJob {
    pub template: &'static str,
    pub kind: &'static str,
    pub title: String,
    pub description: String,
    /// An extra feed to announce with `<link rel="alternate">`: (title, url).
    pub extra_feed: Option<(String, String)>,
    /// The page's own variables (the site-wide ones are added by the renderer).
    pub ctx: Context,
}

impl PageJob {
    fn new(template: &'static str, kind: &'static str, title: String, description: String) -> Self {
        PageJob {
            template,
            kind,
            title,
            description,
            extra_feed: None,
            ctx: Context::new(),
        }
    }
}

/// Every page of `site`, in a fixed order.
pub fn all(site: &Site) -> Vec<Page> {
    let chunks = |items: &[ItemRef]| listing(site, EntryKind::Link, "", items, 1).total();
    let mut pages = vec![Page::Home, Page::Archive];
    pages.extend((0..site.issues.len()).map(Page::Issue));
    pages.extend((1..=chunks(&site.outages)).map(|n| Page::Outages { n }));
    pages.extend([Page::OutageTags, Page::Services, Page::Tags, Page::Feeds]);
    if site.config.search {
        pages.push(Page::Search);
    }
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

/// Page `n` of the index of `items` at `base`, paginated as the config says.
fn listing<'s>(
    site: &Site,
    kind: EntryKind,
    base: &str,
    items: &'s [ItemRef],
    n: usize,
) -> Listing<'s> {
    Listing {
        kind,
        base: base.to_string(),
        items,
        n,
        per: site.config.paginate,
    }
}

impl Page {
    /// The page's site path (`issues/45/`, `tags/dns/page/2/`, `404.html`).
    pub fn path(self, site: &Site) -> String {
        match self {
            Page::Home => urls::HOME.into(),
            Page::Archive => urls::ARCHIVE.into(),
            Page::Issue(i) => urls::issue(site.issues[i].number),
            Page::Outages { n } => urls::paged(urls::OUTAGES, n),
            Page::OutageTags => urls::OUTAGE_TAGS.into(),
            Page::Services => urls::SERVICES.into(),
            Page::Tags => urls::TAGS.into(),
            Page::Feeds => urls::FEEDS.into(),
            Page::Search => urls::SEARCH.into(),
            Page::OutageTag { tag, n } => {
                urls::paged(&urls::outage_tag(&site.outage_tags[tag].tag.slug), n)
            }
            Page::Service { service, n } => {
                urls::paged(&urls::service(&site.services[service].slug), n)
            }
            Page::LinkTag { tag, n } => {
                urls::paged(&urls::link_tag(&site.link_tags[tag].tag.slug), n)
            }
            Page::Standalone(i) => urls::page(&site.pages[i].slug),
            Page::NotFound => urls::NOT_FOUND.into(),
        }
    }

    /// What the page reads (see [`Inputs`]).
    pub fn inputs(self, site: &Site) -> Inputs<'_> {
        let count = site.issues.len();
        let index = |kind, base: String, items, n| Inputs {
            listing: Some(listing(site, kind, &base, items, n)),
            ..Inputs::default()
        };
        match self {
            Page::Home => Inputs {
                full: 0..count.min(1),
                entries: 1..count.clamp(1, RECENT_ISSUES + 1),
                ..Inputs::default()
            },
            Page::Archive => Inputs {
                entries: 0..count,
                ..Inputs::default()
            },
            Page::Issue(i) => Inputs {
                full: i..i + 1,
                summaries: i.saturating_sub(1)..(i + 2).min(count),
                ..Inputs::default()
            },
            Page::Outages { n } => Inputs {
                counts: true,
                ..index(EntryKind::Outage, urls::OUTAGES.into(), &site.outages, n)
            },
            Page::OutageTags | Page::Services | Page::Tags | Page::Feeds => Inputs {
                counts: true,
                ..Inputs::default()
            },
            Page::OutageTag { tag, n } => {
                let t = &site.outage_tags[tag];
                index(
                    EntryKind::Outage,
                    urls::outage_tag(&t.tag.slug),
                    &t.items,
                    n,
                )
            }
            Page::Service { service, n } => {
                let s = &site.services[service];
                Inputs {
                    own: Own::Service(service),
                    ..index(EntryKind::Outage, urls::service(&s.slug), &s.outages, n)
                }
            }
            Page::LinkTag { tag, n } => {
                let t = &site.link_tags[tag];
                index(EntryKind::Link, urls::link_tag(&t.tag.slug), &t.items, n)
            }
            Page::Standalone(i) => Inputs {
                own: Own::Standalone(i),
                ..Inputs::default()
            },
            Page::Search | Page::NotFound => Inputs::default(),
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

    /// The page's template, title and variables, from what `r` gives it.
    pub fn job(self, r: &Reader) -> Result<PageJob> {
        match self {
            Page::Home => home(r),
            Page::Archive => archive(r),
            Page::Issue(i) => issue(r, i),
            Page::Outages { n } => outages(r, n),
            Page::OutageTags => outage_tags(r),
            Page::Services => services(r),
            Page::Tags => tags(r),
            Page::Feeds => feeds(r),
            Page::Search => search(r),
            Page::OutageTag { tag, n } => outage_tag(r, tag, n),
            Page::Service { n, .. } => service(r, n),
            Page::LinkTag { tag, n } => link_tag(r, tag, n),
            Page::Standalone(_) => standalone(r),
            Page::NotFound => Ok(PageJob::new(
                "404.html",
                "404",
                "Page not found".into(),
                String::new(),
            )),
        }
    }
}

fn home(r: &Reader) -> Result<PageJob> {
    let c = &r.site().config;
    let mut job = PageJob::new("index.html", "home", c.title.clone(), c.description.clone());
    let latest = r.site().issues.first().map(|_| r.full(0)).transpose()?;
    let (view, body) = latest.cloned().unzip();
    job.ctx.insert("latest", &view);
    job.ctx
        .insert_value("latest_html", body.unwrap_or_else(|| "".into()));
    let recent = (1..r.site().issues.len().min(RECENT_ISSUES + 1))
        .map(|i| r.issue_entry(i))
        .collect::<Result<Vec<_>>>()?;
    job.ctx.insert("recent", &recent);
    Ok(job)
}

fn archive(r: &Reader) -> Result<PageJob> {
    let site = r.site();
    let description = format!("Every issue of {}, newest first.", site.config.title);
    let mut job = PageJob::new("archive.html", "archive", "All issues".into(), description);
    let years = site
        .years
        .iter()
        .map(|(year, idx)| {
            let issues = idx.iter().map(|&i| r.issue_entry(i));
            Ok(YearView {
                year: *year,
                issues: issues.collect::<Result<_>>()?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    job.ctx.insert("years", &years);
    job.ctx.insert("issue_count", &site.issues.len());
    Ok(job)
}

fn issue(r: &Reader, i: usize) -> Result<PageJob> {
    let issue = &r.site().issues[i];
    let mut job = PageJob::new(
        "issue.html",
        "issue",
        smart_punctuation(&issue.title).into_owned(),
        smart_punctuation(&issue.summary).into_owned(),
    );
    let (value, body) = r.full(i)?.clone();
    job.ctx.insert_value("issue", value);
    job.ctx.insert_value("content_html", body);
    job.ctx.insert("prev", &r.summary(i + 1)?);
    let next = i.checked_sub(1).map(|n| r.summary(n)).transpose()?;
    job.ctx.insert("next", &next.flatten());
    Ok(job)
}

/// Puts the listed entries (as `key`) and their `pagination` into `job`.
fn list(r: &Reader, job: &mut PageJob, key: &'static str) -> Result<()> {
    let (listed, pagination) = r.listed()?;
    job.ctx.insert_value(key, listed);
    job.ctx.insert_value("pagination", pagination);
    Ok(())
}

fn outages(r: &Reader, n: usize) -> Result<PageJob> {
    let description = format!(
        "Every outage covered in {}, newest first.",
        r.site().config.title
    );
    let title = numbered("Outages", n);
    let mut job = PageJob::new("outages.html", "outages", title, description);
    list(r, &mut job, "outages")?;
    let (outage_count, service_count) = r.outage_and_service_counts()?;
    job.ctx.insert("outage_count", &outage_count);
    job.ctx.insert("service_count", &service_count);
    job.ctx.insert_value("tags", r.outage_tags()?);
    job.ctx.insert_value("services", r.services()?);
    Ok(job)
}

fn outage_tags(r: &Reader) -> Result<PageJob> {
    let description = "Outages grouped by tag, each with its own RSS feed.".into();
    let title = "Outages by tag".into();
    let mut job = PageJob::new("outage_tags.html", "outage_tags", title, description);
    job.ctx.insert_value("tags", r.outage_tags()?);
    Ok(job)
}

fn services(r: &Reader) -> Result<PageJob> {
    let description = "Every service with an outage, and its history.".into();
    let title = "Outages by service".into();
    let mut job = PageJob::new("services.html", "services", title, description);
    job.ctx.insert_value("services", r.services()?);
    Ok(job)
}

fn tags(r: &Reader) -> Result<PageJob> {
    let description = "Links grouped by tag.".into();
    let mut job = PageJob::new("tags.html", "tags", "Tags".into(), description);
    job.ctx.insert("tags", &r.link_tags()?);
    Ok(job)
}

fn search(r: &Reader) -> Result<PageJob> {
    let site = r.site();
    let description = format!(
        "Search every issue, link and outage of {}.",
        site.config.title
    );
    let mut job = PageJob::new("search.html", "search", "Search".into(), description);
    job.ctx.insert("bundles", &crate::search::bundles(site));
    Ok(job)
}

fn feeds(r: &Reader) -> Result<PageJob> {
    r.outage_and_service_counts()?; // the list names every tag and service
    let description = format!(
        "Every feed of {}, and all of them as OPML.",
        r.site().config.title
    );
    let mut job = PageJob::new("feeds.html", "feeds", "Feeds".into(), description);
    job.ctx.insert("groups", &super::feed::groups(r.site()));
    Ok(job)
}

fn outage_tag(r: &Reader, tag: usize, n: usize) -> Result<PageJob> {
    let c = &r.site().config;
    let t = &r.site().outage_tags[tag];
    let title = format!("{} outages", t.tag.name);
    let description = format!("Every {} outage covered in {}.", t.tag.name, c.title);
    let mut job = PageJob::new(
        "outage_tag.html",
        "outage_tag",
        numbered(&title, n),
        description,
    );
    job.extra_feed = Some((
        format!("{title} — {}", c.title),
        c.href(&urls::outage_tag_feed(&t.tag.slug)),
    ));
    job.ctx.insert("tag", &r.views().outage_tag(t));
    list(r, &mut job, "outages")?;
    Ok(job)
}

fn service(r: &Reader, n: usize) -> Result<PageJob> {
    let s = r.service()?;
    let description = format!(
        "Every {} outage covered in {}.",
        s.name,
        r.site().config.title
    );
    let title = numbered(&format!("{} outages", s.name), n);
    let mut job = PageJob::new("service.html", "service", title, description);
    job.extra_feed = Some((
        format!("{} outages — {}", s.name, r.site().config.title),
        r.site().config.href(&urls::service_feed(&s.slug)),
    ));
    job.ctx.insert("service", &r.views().service(s));
    list(r, &mut job, "outages")?;
    Ok(job)
}

fn link_tag(r: &Reader, tag: usize, n: usize) -> Result<PageJob> {
    let t = &r.site().link_tags[tag];
    let description = format!(
        "Every link about {} in {}.",
        t.tag.name,
        r.site().config.title
    );
    let title = numbered(&format!("Articles tagged {}", t.tag.name), n);
    let mut job = PageJob::new("tag.html", "tag", title, description);
    job.extra_feed = Some((
        format!("Links: {} — {}", t.tag.name, r.site().config.title),
        r.site().config.href(&urls::link_tag_feed(&t.tag.slug)),
    ));
    job.ctx.insert("tag", &r.views().link_tag(t));
    list(r, &mut job, "links")?;
    Ok(job)
}

fn standalone(r: &Reader) -> Result<PageJob> {
    let page = r.standalone()?;
    let url = r.site().config.href(&urls::page(&page.slug));
    let title = smart_punctuation(&page.title).into_owned();
    let description = smart_punctuation(&page.description).into_owned();
    let value = serde_json::json!({ "title": title, "html": page.html, "url": url });
    let mut job = PageJob::new("page.html", "page", title, description);
    job.ctx.insert("page", &value);
    Ok(job)
}

fn numbered(title: &str, n: usize) -> String {
    if n > 1 {
        format!("{title} (page {n})")
    } else {
        title.to_string()
    }
}
