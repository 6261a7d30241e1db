//! The feeds of the second fixture, read with feed-rs (a real feed parser) and serde_json.

use std::collections::BTreeSet;

use feed_rs::model::Entry;

use crate::support::{
    Built, IssueSource, Page, SiteTest, by_tag, issue_number_in, slug, str_field, text_in,
};

const FEEDS: [&str; 3] = ["rss.xml", "atom.xml", "feed.json"];

fn second() -> SiteTest {
    SiteTest::fixture("second")
}

fn feed_limit(site: &SiteTest) -> usize {
    site.config()["feed_limit"].as_integer().unwrap() as usize
}

/// The entry's web page: its first link that is not `rel="self"` or similar.
fn link(entry: &Entry) -> &str {
    entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .map(|l| l.href.as_str())
        .expect("entry has a link")
}

fn title(entry: &Entry) -> &str {
    &entry.title.as_ref().expect("entry has a title").content
}

/// The entry's summary as a reader sees it: RSS descriptions are HTML (feed-rs says
/// so with `text/html`), so they are decoded as HTML; Atom and JSON Feed give text.
fn summary_text(entry: &Entry) -> Option<String> {
    let s = entry.summary.as_ref()?;
    if s.content_type.essence().to_string() == "text/html" {
        let html = scraper::Html::parse_fragment(&s.content);
        Some(html.root_element().text().collect())
    } else {
        Some(s.content.clone())
    }
}

/// The entry's full HTML content, parsed like a page.
fn content(entry: &Entry) -> Page {
    let body = entry.content.as_ref().and_then(|c| c.body.as_deref());
    Page::parse(link(entry), body.expect("entry has content"))
}

/// The issue an entry is about, found by its link.
fn issue_of<'a>(issues: &'a [IssueSource], entry: &Entry) -> &'a IssueSource {
    let n = issue_number_in(link(entry)).unwrap();
    issues.iter().find(|i| i.number() == n).unwrap()
}

/// The text of every `<tag>` element of raw XML.
fn xml_texts<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    xml.split(open.as_str())
        .skip(1)
        .map(|s| s.split(close.as_str()).next().unwrap())
        .collect()
}

#[test]
fn issue_feeds_list_the_newest_issues_up_to_feed_limit() {
    let site = second();
    let limit = feed_limit(&site);
    let published = site.published();
    assert!(
        published.len() > limit,
        "the fixture has more issues than feed_limit"
    );
    let config = site.config();
    let built = site.build();
    let expected: Vec<String> = published
        .iter()
        .take(limit)
        .map(|i| built.permalink(&format!("issues/{}/", i.number())))
        .collect();
    let titles: Vec<String> = published
        .iter()
        .take(limit)
        .map(|i| i.title(&config))
        .collect();
    for name in FEEDS {
        let feed = built.feed(name);
        let links: Vec<&str> = feed.entries.iter().map(link).collect();
        assert_eq!(
            links, expected,
            "{name}: newest first, absolute, feed_limit items"
        );
        assert_eq!(
            feed.entries.iter().map(title).collect::<Vec<_>>(),
            titles,
            "{name}"
        );
        let dates: Vec<_> = feed
            .entries
            .iter()
            .map(|e| e.published.expect("a date"))
            .collect();
        assert!(
            dates.windows(2).all(|w| w[0] >= w[1]),
            "{name}: dates newest first: {dates:?}"
        );
    }
}

#[test]
fn feeds_declare_their_own_address_and_rss_dates_are_rfc_2822() {
    let built = second().build();
    for (name, feed) in [
        ("rss.xml", built.feed("rss.xml")),
        ("atom.xml", built.feed("atom.xml")),
    ] {
        let own: Vec<&str> = feed
            .links
            .iter()
            .filter(|l| l.rel.as_deref() == Some("self"))
            .map(|l| l.href.as_str())
            .collect();
        assert_eq!(own, [built.permalink(name)], "{name}: rel=\"self\" link");
    }
    let rss = built.read("rss.xml");
    let dates = xml_texts(&rss, "pubDate");
    assert_eq!(dates.len(), built.feed("rss.xml").entries.len());
    for date in dates {
        jiff::fmt::rfc2822::parse(date).unwrap_or_else(|e| panic!("pubDate `{date}`: {e}"));
    }
}

#[test]
fn json_feed_is_version_1_1_with_absolute_urls() {
    let built = second().build();
    let json = built.json("feed.json");
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(json["home_page_url"], built.base_url());
    assert_eq!(json["feed_url"], built.permalink("feed.json"));
    let items = json["items"].as_array().unwrap();
    assert_eq!(items.len(), built.feed("feed.json").entries.len());
    for item in items {
        assert!(!item["id"].as_str().unwrap().is_empty());
        assert!(
            item["url"].as_str().unwrap().starts_with(built.base_url()),
            "{item}"
        );
        assert!(!item["content_html"].as_str().unwrap().is_empty());
        let date = item["date_published"].as_str().unwrap();
        date.parse::<jiff::Timestamp>()
            .unwrap_or_else(|e| panic!("date_published `{date}`: {e}"));
    }
}

#[test]
fn feed_items_carry_the_issue_s_tags_as_categories() {
    let site = second();
    let issues = site.published();
    let built = site.build();
    for name in FEEDS {
        for entry in &built.feed(name).entries {
            let found: BTreeSet<String> = entry.categories.iter().map(|c| slug(&c.term)).collect();
            assert_eq!(
                found,
                issue_of(&issues, entry).tag_slugs(),
                "{name}: {}",
                link(entry)
            );
        }
    }
}

#[test]
fn feed_dates_keep_the_offset_of_an_issue_s_date_time() {
    let site = second();
    let issues = site.published();
    let built = site.build();
    let mut seen = 0;
    for name in FEEDS {
        for entry in &built.feed(name).entries {
            let date = issue_of(&issues, entry).front["date"]
                .as_datetime()
                .unwrap();
            if date.offset.is_some() {
                let expected: jiff::Timestamp = date.to_string().parse().unwrap();
                assert_eq!(
                    entry.published.unwrap().timestamp(),
                    expected.as_second(),
                    "{name}"
                );
                seen += 1;
            }
        }
    }
    assert_eq!(
        seen,
        FEEDS.len(),
        "an issue with an offset date-time is in every feed"
    );
}

#[test]
fn escaping_traps_arrive_as_exact_text_in_every_feed() {
    let site = second();
    let issues = site.published();
    let config = site.config();
    let built = site.build();
    let mut traps = BTreeSet::new();
    for name in FEEDS {
        for entry in &built.feed(name).entries {
            let issue = issue_of(&issues, entry);
            assert_eq!(title(entry), issue.title(&config), "{name}: title as text");
            assert_eq!(
                summary_text(entry),
                Some(issue.summary()),
                "{name}: summary as text"
            );
            let html = content(entry);
            assert!(
                html.all("script").is_empty(),
                "{name}: a <script> element in {}",
                link(entry)
            );
            assert!(
                html.all("[onerror]").is_empty(),
                "{name}: onerror in {}",
                link(entry)
            );
            for l in issue.tables("links") {
                let t = str_field(l, "title").unwrap();
                assert!(
                    html.texts(".link-entry .entry-title a")
                        .iter()
                        .any(|x| x == t),
                    "{name}: {t:?}"
                );
                if t.contains("<script>") {
                    traps.insert((name, "link title"));
                }
                if let Some(c) = str_field(l, "commentary").filter(|c| c.contains("]]>")) {
                    assert!(
                        html.texts(".commentary").iter().any(|x| x.contains("]]>")),
                        "{name}: {c}"
                    );
                    traps.insert((name, "commentary"));
                }
            }
            if issue.summary().contains("]]>") {
                traps.insert((name, "summary"));
            }
            if issue.title(&config).contains('<') {
                traps.insert((name, "issue title"));
            }
        }
    }
    assert_eq!(
        traps.len(),
        4 * FEEDS.len(),
        "the fixture's traps are in every feed: {traps:?}"
    );
}

#[test]
fn feed_content_links_are_absolute() {
    let built = second().build();
    for name in FEEDS {
        let mut site_links = 0;
        for entry in &built.feed(name).entries {
            let html = content(entry);
            for l in html
                .attrs("[href]", "href")
                .into_iter()
                .chain(html.attrs("[src]", "src"))
            {
                assert!(
                    !l.starts_with('/'),
                    "{name}: `{l}` is relative to a site the reader is not on"
                );
                site_links += usize::from(l.starts_with(built.base_url()));
            }
        }
        assert!(
            site_links > 0,
            "{name}: tag links inside content point back to the site"
        );
    }
}

#[test]
fn drafts_reach_the_feeds_only_when_built_with_drafts() {
    let site = second();
    let drafts: Vec<u32> = site
        .issues()
        .iter()
        .filter(|i| i.draft())
        .map(|i| i.number())
        .collect();
    let newest = site.issues()[0].number();
    assert!(
        drafts.contains(&newest),
        "the fixture's newest issue is a draft"
    );
    let numbers = |built: &Built, name| -> Vec<u32> {
        built
            .feed(name)
            .entries
            .iter()
            .map(|e| issue_number_in(link(e)).unwrap())
            .collect()
    };
    let built = site.build();
    let with_drafts = second().drafts().build();
    for name in FEEDS {
        assert!(
            numbers(&built, name).iter().all(|n| !drafts.contains(n)),
            "{name}"
        );
        assert_eq!(numbers(&with_drafts, name).first(), Some(&newest), "{name}");
    }
}

#[test]
fn outage_tag_feeds_have_one_item_per_tagged_outage() {
    let site = second();
    let limit = feed_limit(&site);
    let expected = by_tag(&site.published(), "outages", "service");
    assert!(expected.values().any(|v| v.len() > 1));
    let built = site.build();
    for (tag, outages) in &expected {
        let path = format!("outages/tags/{tag}/rss.xml");
        let feed = built.feed(&path);
        assert_eq!(feed.entries.len(), outages.len().min(limit), "{path}");
        let own: Vec<&str> = feed
            .links
            .iter()
            .filter(|l| l.rel.as_deref() == Some("self"))
            .map(|l| l.href.as_str())
            .collect();
        assert_eq!(own, [built.permalink(&path)]);
        let mut found = Vec::new();
        for entry in &feed.entries {
            let url = link(entry);
            let rest = url
                .strip_prefix(built.base_url())
                .unwrap_or_else(|| panic!("{path}: {url} is not absolute"));
            let (page, id) = rest
                .split_once('#')
                .unwrap_or_else(|| panic!("{path}: {url} has no anchor"));
            let issue = built.page(page);
            let target = issue
                .by_id(id)
                .unwrap_or_else(|| panic!("{path}: {url} points to no element"));
            let service = text_in(target, ".outage-service").unwrap();
            assert!(
                title(entry).contains(&service),
                "{path}: `{}` names {service:?}",
                title(entry)
            );
            found.push((issue_number_in(url).unwrap(), service));
            assert!(entry.published.is_some(), "{path}: {url} has a date");
        }
        found.sort();
        if outages.len() <= limit {
            assert_eq!(&found, outages, "{path}");
        } else {
            assert!(
                found.iter().all(|f| outages.contains(f)),
                "{path}: {found:?}"
            );
        }
    }
}

/// The article URLs of the links carrying each tag, newest issue first, from the sources.
fn links_by_tag(site: &SiteTest) -> std::collections::BTreeMap<String, Vec<(u32, String)>> {
    let mut map = by_tag(&site.published(), "links", "url");
    for entries in map.values_mut() {
        entries.sort_by_key(|(n, _)| std::cmp::Reverse(*n)); // stable: reading order kept
    }
    map
}

#[test]
fn each_link_tag_has_a_feed_of_its_links_newest_first() {
    let site = second();
    let built = site.build();
    let limit = feed_limit(&site);
    let expected = links_by_tag(&site);
    assert!(!expected.is_empty());
    for (tag, links) in &expected {
        let feed = built.feed(&format!("tags/{tag}/rss.xml"));
        let urls: Vec<&str> = feed.entries.iter().map(link).collect();
        let want: Vec<&str> = links.iter().take(limit).map(|(_, u)| u.as_str()).collect();
        assert_eq!(urls, want, "tags/{tag}/rss.xml");
        for (entry, (number, _)) in feed.entries.iter().zip(links) {
            let html = content(entry);
            let from = html.attrs("a", "href");
            assert!(
                from.iter()
                    .any(|h| h.starts_with(&built.permalink(&format!("issues/{number}/#link-")))),
                "{tag}: the item does not link its issue: {from:?}"
            );
        }
        // The tag page announces it and links it visibly.
        let page = built.page(&format!("tags/{tag}/"));
        let feed_url = format!(
            "{}tags/{tag}/rss.xml",
            built.base_url().trim_end_matches('/').to_string() + "/"
        );
        let href = page.attrs("link[rel=alternate][type='application/rss+xml']", "href");
        assert!(
            href.iter()
                .any(|h| feed_url.ends_with(h.trim_start_matches('/'))),
            "{href:?}"
        );
        assert!(!page.all("a.subscribe-button").is_empty());
    }
}

#[test]
fn each_service_has_a_feed_of_its_outages() {
    let site = second();
    let built = site.build();
    let mut services: std::collections::BTreeMap<String, usize> = Default::default();
    for issue in site.published() {
        for o in issue.tables("outages") {
            *services
                .entry(slug(str_field(o, "service").unwrap()))
                .or_default() += 1;
        }
    }
    for (service, count) in services {
        let feed = built.feed(&format!("outages/services/{service}/rss.xml"));
        assert_eq!(
            feed.entries.len(),
            count.min(feed_limit(&site)),
            "{service}"
        );
        for entry in &feed.entries {
            assert!(link(entry).contains("#outage-"), "{}", link(entry));
        }
    }
}

#[test]
fn the_opml_lists_every_feed_and_each_resolves_to_a_built_file() {
    let site = second();
    let built = site.build();
    let opml = built.read("feeds.opml");
    let mut reader = quick_xml::Reader::from_str(&opml);
    let mut urls = Vec::new();
    loop {
        match reader.read_event().expect("the OPML is well-formed XML") {
            quick_xml::events::Event::Empty(e) | quick_xml::events::Event::Start(e) => {
                for a in e.attributes() {
                    let a = a.unwrap();
                    if a.key.as_ref() == "xmlUrl" {
                        let raw = a.value.to_string();
                        urls.push(quick_xml::escape::unescape(&raw).unwrap().into_owned());
                    }
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    let published = site.published();
    let tags = links_by_tag(&site).len();
    let outage_tags = by_tag(&published, "outages", "service").len();
    let services: BTreeSet<String> = published
        .iter()
        .flat_map(|i| i.tables("outages"))
        .map(|o| slug(str_field(o, "service").unwrap()))
        .collect();
    assert_eq!(
        urls.len(),
        1 + tags + outage_tags + services.len(),
        "{urls:?}"
    );
    for url in &urls {
        let path = url
            .strip_prefix(built.base_url())
            .expect("an absolute URL of the site");
        assert!(built.exists(path), "{url} is not built");
    }
    // The feeds page lists the same feeds.
    let page = built.page("feeds/");
    let listed = page.attrs("ul.feed-list a[type='application/rss+xml']", "href");
    assert_eq!(listed, urls);
}
