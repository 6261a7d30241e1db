//! The small, borrowed structs templates receive.
//!
//! Templates never see the internal model, so the model can change without
//! breaking themes. Every field here is documented for theme authors in
//! `themes/default/README.md`; keep the two in step. URLs named `url` are
//! ready-to-use links (root-relative, under the base path); `permalink`s are
//! absolute. Dates come pre-formatted: Rust owns the data, templates own HTML.

use ahash::AHashMap;
use jiff::civil::Date;
use serde::Serialize;
use tera::Value;

use crate::config::Config;
use std::borrow::Cow;

use crate::content::{Issue, Link, Outage, Sponsor, Tag};
use crate::markdown::smart_punctuation;
use crate::site::{ItemRef, ServiceIndex, Site, TagIndex};
use crate::urls;

/// Site-wide values, available to every template as `site`.
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub author: Option<&'a str>,
    pub language: &'a str,
    pub base_url: &'a str,
    pub home_url: String,
    pub archive_url: String,
    pub outages_url: String,
    pub outage_tags_url: String,
    pub services_url: String,
    pub tags_url: String,
    pub rss_url: String,
    pub atom_url: String,
    pub json_feed_url: String,
    /// The list of every feed, and the same as OPML.
    pub feeds_url: String,
    pub opml_url: String,
    /// The archive as data.
    pub outages_json_url: String,
    pub outages_csv_url: String,
    pub links_json_url: String,
    pub stylesheet_url: String,
    pub syntax_stylesheet_url: String,
    /// The search page, when `search = true` (the header's form posts to it).
    pub search_url: Option<String>,
    pub pages: Vec<NavPage<'a>>,
    pub generator: &'static str,
}

/// A standalone page in the navigation.
#[derive(Serialize)]
pub struct NavPage<'a> {
    pub title: Cow<'a, str>,
    pub url: String,
}

/// An issue in a list: no content, just what a list shows.
#[derive(Serialize, Clone)]
pub struct IssueSummary<'a> {
    pub number: u32,
    pub title: Cow<'a, str>,
    pub summary: Cow<'a, str>,
    pub date: String,
    pub date_display: String,
    pub url: String,
    pub permalink: String,
    pub link_count: usize,
    pub outage_count: usize,
    pub draft: bool,
    /// Dated after this build's time: shown only by `serve` and `--future` builds.
    pub scheduled: bool,
}

/// An issue in full: for the issue page and the shared `issue_content.html`.
#[derive(Serialize)]
pub struct IssueView<'a> {
    #[serde(flatten)]
    pub summary: IssueSummary<'a>,
    pub intro_html: &'a str,
    pub sponsors: Vec<SponsorView<'a>>,
    pub links: Vec<LinkView<'a>>,
    pub outages: Vec<OutageView<'a>>,
}

/// A sponsor blurb.
#[derive(Serialize)]
pub struct SponsorView<'a> {
    pub name: Option<&'a str>,
    pub url: Option<&'a str>,
    pub text_html: &'a str,
}

/// A tag with the page that lists it (a TagLink in the theme's docs): a map of
/// `slug`, `name` and `url`, made into a template value once per tag and shared
/// (template values are reference-counted) by every link and outage that carries
/// it. Serializing the same few dozen tags for each of their 160,000 uses at 5,000
/// issues was ~7 % of rendering.
fn tag_value(slug: &str, name: &str, url: &str) -> Value {
    let fields = [("slug", slug), ("name", name), ("url", url)];
    Value::from(
        fields
            .into_iter()
            .map(|(key, text)| (key, Value::from(text)))
            .collect::<AHashMap<_, _>>(),
    )
}

/// A curated link.
#[derive(Serialize)]
pub struct LinkView<'a> {
    pub id: &'a str,
    pub title: Cow<'a, str>,
    pub url: &'a str,
    pub source: Option<&'a str>,
    pub tags: Vec<Value>,
    pub commentary_html: &'a str,
    pub via: Option<&'a str>,
    pub disclosure: Option<&'a str>,
    /// Index pages only (a LinkEntry in the theme's docs): the commentary's lead, up
    /// to its first finished paragraph (see [`crate::markdown::Rendered::lead_len`]).
    /// A tag page lists many links, so each shows its lead and points to the issue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_html: Option<&'a str>,
    /// Index pages only: whether the commentary goes on after `lead_html`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub more: Option<bool>,
    /// Index pages only: the issue the link is from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<FromIssue<'a>>,
}

/// An outage.
#[derive(Serialize)]
pub struct OutageView<'a> {
    pub id: &'a str,
    pub service: &'a str,
    pub service_url: String,
    pub url: Option<&'a str>,
    /// The link's host (`www.githubstatus.com`): the link text when there is no title.
    pub url_host: Option<String>,
    pub title: Option<Cow<'a, str>>,
    pub date: Option<String>,
    pub date_display: Option<String>,
    pub tags: Vec<Value>,
    pub commentary_html: &'a str,
    /// Index pages only (an OutageEntry in the theme's docs): the issue it is from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue: Option<FromIssue<'a>>,
}

/// Which issue an entry of an index comes from, and the anchor to jump to.
#[derive(Serialize)]
pub struct FromIssue<'a> {
    pub number: u32,
    pub title: Cow<'a, str>,
    pub url: &'a str,
    pub date: &'a str,
    pub date_display: &'a str,
    /// The issue page URL with `#id` of the entry.
    pub anchor_url: String,
}

/// A link as index pages list it: a [`LinkView`] with `lead_html`, `more` and `issue`.
///
/// The same struct rather than one that `#[serde(flatten)]`s a `LinkView`: serde
/// serializes a flattened struct as a map, which took twice as long for Tera's values.
pub type LinkEntry<'a> = LinkView<'a>;

/// An outage as the outage indexes list it: an [`OutageView`] with `issue`.
pub type OutageEntry<'a> = OutageView<'a>;

/// A tag or service in a list of them, with how many entries it has.
#[derive(Serialize)]
pub struct Counted<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
    pub count: usize,
    /// Only for outage tags: the tag's RSS feed.
    pub feed_url: Option<String>,
}

/// Issues of one year in the archive (as entries: `IssueEntry`).
#[derive(Serialize)]
pub struct YearView<T> {
    pub year: i16,
    pub issues: Vec<T>,
}

/// Where a page of a paginated index stands; single-page indexes have `total == 1`.
///
/// The renderer adds `urls` (every page's URL, in order), one list shared by all pages
/// of the index: building it per page made long indexes quadratic.
#[derive(Serialize)]
pub struct Pagination {
    pub current: usize,
    pub total: usize,
    pub first_url: String,
    pub last_url: String,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    /// What a pager shows: the first and last pages, and two either side of this one.
    pub pages: Vec<PagerItem>,
}

/// One item of a pager: a page, or a gap standing for the pages left out (`number` null).
#[derive(Serialize, Debug, PartialEq)]
pub struct PagerItem {
    pub number: Option<usize>,
    pub url: Option<String>,
    pub current: bool,
}

/// The page numbers a pager shows for page `current` of `total`: the first, the last and
/// two either side of `current`; `None` where two or more pages are left out between
/// (a single left-out page is shown instead: a gap would be no shorter).
pub fn pager_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let near = current.saturating_sub(2).max(1)..=(current + 2).min(total);
    let mut shown: Vec<usize> = [1, total].into_iter().chain(near).collect();
    shown.sort_unstable();
    shown.dedup();
    let mut window = Vec::with_capacity(shown.len() + 2);
    for (i, &n) in shown.iter().enumerate() {
        match i.checked_sub(1).map(|p| n - shown[p]) {
            Some(2) => window.push(Some(n - 1)),
            Some(gap) if gap > 2 => window.push(None),
            _ => {}
        }
        window.push(Some(n));
    }
    window
}

/// Builds views from the model; holds the config for URLs.
pub struct Views<'a> {
    pub site: &'a Site,
    config: &'a Config,
    /// What index entries show of each issue (by position in `site.issues`), made once:
    /// formatting them for each of the thousands of entries was ~2 % of a build.
    issues: Vec<IssueRef>,
    /// Tag slug → the tag as a template value (see [`tag_value`]), for links' and
    /// outages' tags, made once likewise.
    link_tags: AHashMap<&'a str, Value>,
    outage_tags: AHashMap<&'a str, Value>,
}

/// An issue's URL and dates, as [`FromIssue`] borrows them.
struct IssueRef {
    url: String,
    date: String,
    date_display: String,
}

impl<'a> Views<'a> {
    pub fn new(site: &'a Site) -> Self {
        let config = &site.config;
        let issues = site
            .issues
            .iter()
            .map(|i| IssueRef {
                url: config.href(&urls::issue(i.number)),
                date: i.date.to_string(),
                date_display: display_date(i.date),
            })
            .collect();
        let tags = |tags: &'a [TagIndex], path: fn(&str) -> String| {
            tags.iter()
                .map(|t| {
                    let (slug, name) = (t.tag.slug.as_str(), site.tag_name(&t.tag));
                    (slug, tag_value(slug, name, &config.href(&path(slug))))
                })
                .collect()
        };
        Views {
            site,
            config,
            issues,
            link_tags: tags(&site.link_tags, urls::link_tag),
            outage_tags: tags(&site.outage_tags, urls::outage_tag),
        }
    }

    pub fn site(&self) -> SiteView<'a> {
        let c = self.config;
        SiteView {
            title: &c.title,
            description: &c.description,
            author: c.author.as_deref(),
            language: &c.language,
            base_url: &c.base_url,
            home_url: c.href(urls::HOME),
            archive_url: c.href(urls::ARCHIVE),
            outages_url: c.href(urls::OUTAGES),
            outage_tags_url: c.href(urls::OUTAGE_TAGS),
            services_url: c.href(urls::SERVICES),
            tags_url: c.href(urls::TAGS),
            rss_url: c.href(urls::RSS),
            atom_url: c.href(urls::ATOM),
            json_feed_url: c.href(urls::JSON_FEED),
            feeds_url: c.href(urls::FEEDS),
            opml_url: c.href(urls::OPML),
            outages_json_url: c.href(urls::OUTAGES_JSON),
            outages_csv_url: c.href(urls::OUTAGES_CSV),
            links_json_url: c.href(urls::LINKS_JSON),
            stylesheet_url: c.href(urls::STYLESHEET),
            syntax_stylesheet_url: c.href(urls::SYNTAX_STYLESHEET),
            search_url: c.search.then(|| c.href(urls::SEARCH)),
            pages: self
                .site
                .pages
                .iter()
                .map(|p| NavPage {
                    title: smart_punctuation(&p.title),
                    url: c.href(&urls::page(&p.slug)),
                })
                .collect(),
            generator: concat!("sitrep ", env!("CARGO_PKG_VERSION")),
        }
    }

    pub fn summary(&self, issue: &'a Issue) -> IssueSummary<'a> {
        let path = urls::issue(issue.number);
        IssueSummary {
            number: issue.number,
            title: smart_punctuation(&issue.title),
            summary: smart_punctuation(&issue.summary),
            date: issue.date.to_string(),
            date_display: display_date(issue.date),
            url: self.config.href(&path),
            permalink: self.config.permalink(&path),
            link_count: issue.links.len(),
            outage_count: issue.outages.len(),
            draft: issue.draft,
            scheduled: self.site.is_scheduled(issue),
        }
    }

    pub fn issue(&'a self, issue: &'a Issue) -> IssueView<'a> {
        IssueView {
            summary: self.summary(issue),
            intro_html: &issue.intro_html,
            sponsors: issue.sponsors.iter().map(sponsor).collect(),
            links: issue.links.iter().map(|l| self.link(l)).collect(),
            outages: issue.outages.iter().map(|o| self.outage(o)).collect(),
        }
    }

    fn link(&'a self, l: &'a Link) -> LinkView<'a> {
        LinkView {
            id: &l.id,
            title: smart_punctuation(&l.title),
            url: &l.url,
            source: l.source.as_deref(),
            tags: l
                .tags
                .iter()
                .map(|t| self.tag_link(t, &self.link_tags, urls::link_tag))
                .collect(),
            commentary_html: &l.commentary.html,
            via: l.via.as_deref(),
            disclosure: l.disclosure.as_deref(),
            lead_html: None,
            more: None,
            issue: None,
        }
    }

    fn outage(&'a self, o: &'a Outage) -> OutageView<'a> {
        OutageView {
            id: &o.id,
            service: &o.service,
            service_url: self.config.href(&urls::service(&o.service_slug)),
            url: o.url.as_deref(),
            url_host: o.url.as_deref().and_then(|u| {
                let host = url::Url::parse(u).ok()?.host_str()?.to_string();
                Some(host)
            }),
            title: o.title.as_deref().map(smart_punctuation),
            date: o.date.map(|d| d.to_string()),
            date_display: o.date.map(display_date),
            tags: o
                .tags
                .iter()
                .map(|t| self.tag_link(t, &self.outage_tags, urls::outage_tag))
                .collect(),
            commentary_html: &o.commentary_html,
            issue: None,
        }
    }

    /// `t` as a template value: the one in `made` (every indexed tag), else made
    /// with its page at `path`.
    fn tag_link(
        &self,
        t: &Tag,
        made: &AHashMap<&'a str, Value>,
        path: fn(&str) -> String,
    ) -> Value {
        match made.get(t.slug.as_str()) {
            Some(value) => value.clone(),
            None => tag_value(
                &t.slug,
                self.site.tag_name(t),
                &self.config.href(&path(&t.slug)),
            ),
        }
    }

    /// Issue `i` (its position in `site.issues`) for an entry with id `anchor`.
    fn source_issue(&'a self, i: usize, anchor: &str) -> FromIssue<'a> {
        let (issue, r) = (&self.site.issues[i], &self.issues[i]);
        FromIssue {
            number: issue.number,
            title: smart_punctuation(&issue.title),
            anchor_url: format!("{}#{anchor}", r.url),
            url: &r.url,
            date: &r.date,
            date_display: &r.date_display,
        }
    }

    pub fn link_entry(&'a self, r: ItemRef) -> LinkEntry<'a> {
        let (_, link) = self.site.link(r);
        LinkEntry {
            lead_html: Some(link.commentary.lead()),
            more: Some(link.commentary.has_more()),
            issue: Some(self.source_issue(r.issue, &link.id)),
            ..self.link(link)
        }
    }

    pub fn outage_entry(&'a self, r: ItemRef) -> OutageEntry<'a> {
        let (_, outage) = self.site.outage(r);
        OutageEntry {
            issue: Some(self.source_issue(r.issue, &outage.id)),
            ..self.outage(outage)
        }
    }

    pub fn link_tag(&self, t: &'a TagIndex) -> Counted<'a> {
        Counted {
            slug: &t.tag.slug,
            name: &t.tag.name,
            url: self.config.href(&urls::link_tag(&t.tag.slug)),
            count: t.items.len(),
            feed_url: None,
        }
    }

    pub fn outage_tag(&self, t: &'a TagIndex) -> Counted<'a> {
        Counted {
            slug: &t.tag.slug,
            name: &t.tag.name,
            url: self.config.href(&urls::outage_tag(&t.tag.slug)),
            count: t.items.len(),
            feed_url: Some(self.config.href(&urls::outage_tag_feed(&t.tag.slug))),
        }
    }

    pub fn service(&self, s: &'a ServiceIndex) -> Counted<'a> {
        Counted {
            slug: &s.slug,
            name: &s.name,
            url: self.config.href(&urls::service(&s.slug)),
            count: s.outages.len(),
            feed_url: None,
        }
    }

    /// Page `current` of `total` of the index at site path `base`.
    pub fn pagination(&self, base: &str, current: usize, total: usize) -> Pagination {
        let url = |n: usize| self.page_url(base, n);
        let pages = pager_window(current, total)
            .into_iter()
            .map(|n| PagerItem {
                number: n,
                url: n.map(url),
                current: n == Some(current),
            })
            .collect();
        Pagination {
            current,
            total,
            first_url: url(1),
            last_url: url(total),
            prev_url: (current > 1).then(|| url(current - 1)),
            next_url: (current < total).then(|| url(current + 1)),
            pages,
        }
    }

    /// The URL of page `n` of the index at site path `base`.
    pub fn page_url(&self, base: &str, n: usize) -> String {
        self.config.href(&urls::paged(base, n))
    }
}

fn sponsor(s: &Sponsor) -> SponsorView<'_> {
    SponsorView {
        name: s.name.as_deref(),
        url: s.url.as_deref(),
        text_html: &s.html,
    }
}

/// "23 October 2016": unambiguous in every locale, unlike 10/23/2016.
pub fn display_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::pager_window;

    fn shown(current: usize, total: usize) -> String {
        pager_window(current, total)
            .iter()
            .map(|n| n.map_or("…".to_string(), |n| n.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_pager_shows_the_ends_and_two_pages_either_side() {
        assert_eq!(shown(1, 1), "1");
        assert_eq!(shown(2, 3), "1 2 3");
        assert_eq!(shown(1, 800), "1 2 3 … 800");
        assert_eq!(shown(400, 800), "1 … 398 399 400 401 402 … 800");
        assert_eq!(shown(800, 800), "1 … 798 799 800");
        // One left-out page is shown rather than hidden behind a gap.
        assert_eq!(shown(5, 9), "1 2 3 4 5 6 7 8 9");
        assert_eq!(shown(6, 12), "1 … 4 5 6 7 8 … 12");
    }

    #[test]
    fn a_pager_stays_short_however_long_the_index() {
        for total in [1_usize, 2, 7, 50, 10_000] {
            let currents = [1, 2, total / 2 + 1, total - 1, total];
            for current in currents.into_iter().filter(|&c| (1..=total).contains(&c)) {
                let window = pager_window(current, total);
                assert!(window.len() <= 9, "{current}/{total}: {window:?}");
                assert!(window.contains(&Some(current)));
                assert_eq!(window.first(), Some(&Some(1)));
                assert_eq!(window.last(), Some(&Some(total)));
            }
        }
    }
}
