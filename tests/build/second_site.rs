//! The second fixture, "Incident Digest": expectations are computed from its front matter.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::{
    Built, Entries, IssueSource, Page, SiteTest, by_tag, check_links, href_in, issue_number_in,
    selector, slug, str_field, strings, text, text_in, toml_date, walk,
};

fn second() -> SiteTest {
    SiteTest::fixture("second")
}

/// The spellings authors used for each tag slug, across published issues.
fn spellings(issues: &[IssueSource], key: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut map: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for tag in issues
        .iter()
        .flat_map(|i| i.tables(key))
        .flat_map(|e| strings(e, "tags"))
    {
        map.entry(slug(&tag)).or_default().insert(tag);
    }
    map
}

/// The issue number an index entry links back to (its `from-issue` link).
fn from_issue(entry: scraper::ElementRef<'_>) -> u32 {
    issue_number_in(href_in(entry, ".from-issue a").expect("entry links to its issue")).unwrap()
}

/// Outage entries of an index page as (issue, service): the service is read on the
/// issue page, at the entry's anchor, the way a reader following the link would.
fn outages_listed(built: &Built, page: &Page) -> Entries {
    let mut found: Entries = page
        .all("tr.outage-row")
        .into_iter()
        .map(|entry| {
            let href = href_in(entry, ".from-issue a").expect("entry links to its issue");
            let (issue_path, id) = href.split_once('#').expect("links to an anchor");
            let number = issue_number_in(issue_path).unwrap();
            let issue = built.page(&format!("issues/{number}/"));
            let target = issue
                .by_id(id)
                .unwrap_or_else(|| panic!("{href}: no such anchor"));
            (number, text_in(target, ".outage-service").unwrap())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn outage_tag_pages_list_exactly_the_outages_tagged_in_the_front_matter() {
    let site = second();
    let issues = site.published();
    let expected = by_tag(&issues, "outages", "service");
    assert!(
        spellings(&issues, "outages").values().any(|s| s.len() > 1),
        "the fixture should spell one outage tag two ways"
    );
    let built = site.build();
    let keys: BTreeSet<String> = expected.keys().cloned().collect();
    assert_eq!(built.folders("outages/tags/"), keys);
    for (tag, outages) in &expected {
        let page = built.page(&format!("outages/tags/{tag}/"));
        assert_eq!(&outages_listed(&built, &page), outages, "{}", page.file);
    }
}

#[test]
fn service_pages_group_outages_by_service_slug_across_issues() {
    let site = second();
    let issues = site.published();
    let mut expected: BTreeMap<String, Entries> = BTreeMap::new();
    for issue in &issues {
        for outage in issue.tables("outages") {
            let service = str_field(outage, "service").unwrap();
            expected
                .entry(slug(service))
                .or_default()
                .push((issue.number(), service.to_string()));
        }
    }
    expected.values_mut().for_each(|v| v.sort());
    assert!(
        expected
            .values()
            .any(|v| v.iter().map(|(_, s)| s).collect::<BTreeSet<_>>().len() > 1),
        "the fixture should spell one service two ways"
    );

    let built = site.build();
    let keys: BTreeSet<String> = expected.keys().cloned().collect();
    assert_eq!(built.folders("outages/services/"), keys);
    let listed: BTreeSet<String> = built
        .page("outages/services/")
        .attrs("a.counted-name", "href")
        .into_iter()
        .collect();
    let wanted: BTreeSet<String> = keys
        .iter()
        .map(|k| format!("/news/outages/services/{k}/"))
        .collect();
    assert_eq!(
        listed, wanted,
        "the services index links every service page"
    );
    for (service, outages) in &expected {
        let page = built.page(&format!("outages/services/{service}/"));
        assert_eq!(&outages_listed(&built, &page), outages, "{}", page.file);
        let heading = text(page.one("h1"));
        assert!(
            outages
                .iter()
                .any(|(_, name)| heading.contains(name.as_str())),
            "{}: heading `{heading}` names the service",
            page.file
        );
    }
}

#[test]
fn link_tag_pages_list_exactly_the_links_tagged_in_the_front_matter() {
    let site = second();
    let issues = site.published();
    let expected = by_tag(&issues, "links", "title");
    let dns = &spellings(&issues, "links")["dns"];
    assert!(
        dns.len() > 1,
        "the fixture should spell `dns` several ways: {dns:?}"
    );
    assert!(
        expected.contains_key("load-balancing"),
        "`Load Balancing` slugs to load-balancing"
    );

    let built = site.build();
    let keys: BTreeSet<String> = expected.keys().cloned().collect();
    assert_eq!(built.folders("tags/"), keys);
    for (tag, links) in &expected {
        let page = built.page(&format!("tags/{tag}/"));
        let mut found: Entries = page
            .all("article.link-entry")
            .into_iter()
            .map(|e| (from_issue(e), text_in(e, ".entry-title a").unwrap()))
            .collect();
        found.sort();
        assert_eq!(&found, links, "{}", page.file);
    }
}

#[test]
fn a_tag_has_one_name_on_every_page() {
    let built = second().build();
    let mut names: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for page in built.pages() {
        for a in page.all("a[rel=tag]") {
            let href = a.value().attr("href").unwrap().to_string();
            names.entry(href).or_default().insert(text(a));
        }
    }
    assert!(names.contains_key("/news/tags/dns/"), "{names:?}");
    for (href, spelled) in &names {
        assert_eq!(spelled.len(), 1, "{href} is shown as {spelled:?}");
    }
}

#[test]
fn outages_page_lists_every_outage_newest_first() {
    let site = second();
    // Newest first by the outage's own date, else its issue's; then newest issue, then list order.
    let mut expected: Vec<(jiff::civil::Date, u32, usize, String)> = Vec::new();
    for issue in site.published() {
        for (i, outage) in issue.tables("outages").iter().enumerate() {
            let date = outage.get("date").map_or(issue.date(), toml_date);
            let service = str_field(outage, "service").unwrap().to_string();
            expected.push((date, issue.number(), i, service));
        }
    }
    expected.sort_by(|a, b| (b.0, b.1, a.2).cmp(&(a.0, a.1, b.2)));
    let expected: Vec<(u32, String)> = expected.into_iter().map(|(_, n, _, s)| (n, s)).collect();

    let page = site.build().page("outages/");
    let found: Vec<(u32, String)> = page
        .all("tr.outage-row")
        .into_iter()
        .map(|e| (from_issue(e), text_in(e, ".outage-service").unwrap()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn archive_groups_issues_by_year_newest_first() {
    let site = second();
    let mut expected: Vec<(String, Vec<u32>)> = Vec::new();
    for issue in site.published() {
        let year = issue.date().year().to_string();
        match expected.last_mut() {
            Some((y, numbers)) if *y == year => numbers.push(issue.number()),
            _ => expected.push((year, vec![issue.number()])),
        }
    }
    assert!(expected.len() > 1, "the fixture spans two years");

    let page = site.build().page("issues/");
    let found: Vec<(String, Vec<u32>)> = page
        .all("section.archive-year")
        .into_iter()
        .map(|section| {
            let year = text_in(section, "h2").unwrap();
            let numbers = section
                .select(&selector(".issue-item-title a"))
                .map(|a| issue_number_in(a.value().attr("href").unwrap()).unwrap())
                .collect();
            (year, numbers)
        })
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn home_page_shows_the_latest_issue_in_full_then_the_others() {
    let site = second();
    let published = site.published();
    let built = site.build();
    let home = built.page("");
    let latest = published[0].number();
    let issue = built.page(&format!("issues/{latest}/"));

    let title_link = home.one("article.issue .issue-title a");
    assert_eq!(
        issue_number_in(title_link.value().attr("href").unwrap()),
        Some(latest)
    );
    let entry_ids = |p: &Page| p.attrs("article.issue article.entry", "id");
    assert!(!entry_ids(&issue).is_empty());
    assert_eq!(
        entry_ids(&home),
        entry_ids(&issue),
        "the same links and outages, same anchors"
    );
    assert_eq!(
        home.texts("article.issue .intro"),
        issue.texts("article.issue .intro")
    );
    assert_eq!(home.texts(".sponsor"), issue.texts(".sponsor"));

    let recent: Vec<u32> = home
        .attrs(".recent .issue-item-title a", "href")
        .iter()
        .map(|h| issue_number_in(h).unwrap())
        .collect();
    let older: Vec<u32> = published[1..].iter().map(|i| i.number()).collect();
    assert_eq!(recent, older);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = second();
    let drafts: Vec<IssueSource> = site.issues().into_iter().filter(|i| i.draft()).collect();
    assert!(!drafts.is_empty(), "the fixture has a draft");
    let published_tags: BTreeSet<String> = site
        .published()
        .iter()
        .flat_map(|i| i.tag_slugs())
        .collect();
    let draft_only_tags: Vec<String> = drafts
        .iter()
        .flat_map(|d| d.tag_slugs())
        .filter(|t| !published_tags.contains(t))
        .collect();
    assert!(
        !draft_only_tags.is_empty(),
        "the draft has a tag of its own"
    );

    let archive_numbers = |built: &Built| -> BTreeSet<u32> {
        built
            .page("issues/")
            .attrs(".issue-item-title a", "href")
            .iter()
            .map(|h| issue_number_in(h).unwrap())
            .collect()
    };

    let built = site.build();
    for draft in &drafts {
        assert!(!built.exists(&format!("issues/{}/", draft.number())));
        assert!(!archive_numbers(&built).contains(&draft.number()));
    }
    for tag in &draft_only_tags {
        assert!(
            !built.exists(&format!("tags/{tag}/")),
            "tags/{tag}/ is a draft's"
        );
        assert!(
            !built.exists(&format!("outages/tags/{tag}/")),
            "outages/tags/{tag}/ is a draft's"
        );
    }
    assert_eq!(built.site.issues.len(), site.published().len());

    let with_drafts = second().drafts().build();
    for draft in &drafts {
        let page = with_drafts.page(&format!("issues/{}/", draft.number()));
        assert_eq!(
            text(page.one("h1.issue-title")),
            draft.title(&site.config())
        );
        assert!(archive_numbers(&with_drafts).contains(&draft.number()));
    }
    for tag in &draft_only_tags {
        assert!(
            with_drafts.exists(&format!("tags/{tag}/"))
                || with_drafts.exists(&format!("outages/tags/{tag}/"))
        );
    }
}

#[test]
fn untitled_issue_takes_issue_title_and_a_missing_summary_is_the_first_paragraph() {
    let site = second();
    let config = site.config();
    let built = site.build();
    let issues = site.published();
    let untitled: Vec<&IssueSource> = issues
        .iter()
        .filter(|i| !i.front.contains_key("title"))
        .collect();
    assert!(
        !untitled.is_empty(),
        "the fixture has an issue without a title"
    );
    for issue in untitled {
        let page = built.page(&format!("issues/{}/", issue.number()));
        let expected = issue.title(&config);
        assert!(expected.contains(&issue.number().to_string()));
        assert_eq!(text(page.one("h1.issue-title")), expected);
        assert!(text(page.one("title")).starts_with(&expected));
    }

    let unsummarised: Vec<&IssueSource> = issues
        .iter()
        .filter(|i| !i.front.contains_key("summary"))
        .collect();
    assert!(
        !unsummarised.is_empty(),
        "the fixture has an issue without a summary"
    );
    for issue in unsummarised {
        let expected = issue.summary();
        let page = built.page(&format!("issues/{}/", issue.number()));
        assert_eq!(page.attrs("meta[name=description]", "content"), [expected]);
    }
}

#[test]
fn an_offset_date_time_keeps_the_issue_s_own_calendar_date() {
    let site = second();
    let built = site.build();
    let timed: Vec<IssueSource> = site
        .published()
        .into_iter()
        .filter(|i| i.front["date"].as_datetime().unwrap().offset.is_some())
        .collect();
    assert!(!timed.is_empty(), "the fixture has an offset date-time");
    for issue in timed {
        let page = built.page(&format!("issues/{}/", issue.number()));
        assert_eq!(
            page.attrs(".issue-meta time", "datetime"),
            [issue.date().to_string()]
        );
    }
}

#[test]
fn escaping_traps_arrive_as_text_on_the_issue_page() {
    let site = second();
    let built = site.build();
    let config = site.config();
    let mut traps = BTreeSet::new();
    for issue in site.published() {
        let page = built.page(&format!("issues/{}/", issue.number()));
        assert!(
            page.all("script").is_empty(),
            "{}: a <script> element",
            page.file
        );
        assert!(
            page.all("[onerror]").is_empty(),
            "{}: an onerror attribute",
            page.file
        );
        let title = issue.title(&config);
        assert_eq!(text(page.one("h1.issue-title")), title);
        if title.contains('<') {
            traps.insert("issue title");
        }
        for link in issue.tables("links") {
            let title = str_field(link, "title").unwrap();
            let entry = page
                .all("article.link-entry")
                .into_iter()
                .find(|e| text_in(*e, ".entry-title a").as_deref() == Some(title))
                .unwrap_or_else(|| panic!("{}: no link titled {title:?}", page.file));
            if title.contains("<script>") {
                traps.insert("link title");
            }
            if let Some(source) = str_field(link, "source") {
                assert_eq!(text_in(entry, ".source").as_deref(), Some(source));
                if source.contains("onerror") {
                    traps.insert("source");
                }
            }
            if str_field(link, "commentary").is_some_and(|c| c.contains("]]>")) {
                assert!(text_in(entry, ".commentary").unwrap().contains("]]>"));
                traps.insert("commentary");
            }
        }
        for outage in issue.tables("outages") {
            let service = str_field(outage, "service").unwrap();
            let a = page
                .all("a.outage-service")
                .into_iter()
                .find(|a| text(*a) == service)
                .unwrap_or_else(|| panic!("{}: no outage of {service:?}", page.file));
            let href = a.value().attr("href").unwrap();
            let heading = text(built.page(href.strip_prefix("/news/").unwrap()).one("h1"));
            assert!(slug(&heading).contains(&slug(service)), "{href}: {heading}");
            if !service.is_ascii() && service.contains('&') {
                assert!(heading.contains(service), "{href}: {heading}");
                traps.insert("service");
            }
        }
    }
    assert_eq!(traps.len(), 5, "the fixture's escaping traps: {traps:?}");
}

#[test]
fn sponsors_are_shown_and_linked_when_they_have_a_url() {
    let site = second();
    let built = site.build();
    let mut seen = (0, 0);
    for issue in site.published() {
        let sponsors = issue.tables("sponsors");
        let page = built.page(&format!("issues/{}/", issue.number()));
        assert_eq!(
            page.all(".sponsors .sponsor").len(),
            sponsors.len(),
            "{}",
            page.file
        );
        let urls: BTreeSet<String> = sponsors
            .iter()
            .filter_map(|s| str_field(s, "url"))
            .map(String::from)
            .collect();
        let linked: BTreeSet<String> = page
            .attrs(".sponsor a[rel~=sponsored]", "href")
            .into_iter()
            .collect();
        assert_eq!(linked, urls, "{}", page.file);
        let names: Vec<&str> = sponsors
            .iter()
            .filter_map(|s| str_field(s, "name"))
            .collect();
        assert_eq!(page.texts(".sponsor-name"), names, "{}", page.file);
        seen.0 += sponsors.iter().filter(|s| s.contains_key("url")).count();
        seen.1 += sponsors.iter().filter(|s| !s.contains_key("url")).count();
    }
    assert!(
        seen.0 > 0 && seen.1 > 0,
        "sponsors with and without url: {seen:?}"
    );
}

#[test]
fn sub_path_base_url_prefixes_every_internal_link() {
    let built = second().build();
    let base = built.base_url().to_string();
    assert_eq!(built.site.config.base_path, "/news/");
    let mut checked = 0;
    for page in built.pages() {
        for link in page
            .attrs("[href]", "href")
            .into_iter()
            .chain(page.attrs("[src]", "src"))
        {
            let ok = link.starts_with("/news/")
                || link.starts_with('#')
                || link.starts_with("https://")
                || link.starts_with("http://");
            assert!(ok, "{}: `{link}` is not under /news/", page.file);
            assert!(
                !link.starts_with("https://digest.example.net/") || link.starts_with(&base),
                "{}: {link}",
                page.file
            );
            checked += 1;
        }
        let canonical = page.attrs("link[rel=canonical]", "href");
        assert_eq!(
            canonical,
            [format!("{base}{}", page.site_path())],
            "{}",
            page.file
        );
    }
    assert!(checked > 100);

    let sitemap = built.read("sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert!(locs.len() > 10);
    assert!(locs.iter().all(|l| l.starts_with(&base)), "{locs:?}");
    assert!(
        built
            .read("robots.txt")
            .contains(&format!("Sitemap: {base}sitemap.xml"))
    );
}

#[test]
fn second_site_every_internal_link_and_anchor_resolves() {
    let built = second().build();
    let check = check_links(&built, "a[href], link[href], img[src], script[src]");
    assert!(
        check.broken.is_empty(),
        "broken:\n{}",
        check.broken.join("\n")
    );
    assert!(check.fragments_by_page.contains_key("outages/index.html"));
}

#[test]
fn a_site_without_a_themes_folder_uses_the_embedded_theme() {
    let site = second();
    assert!(!site.root().join("themes").exists());
    let built = site.build();
    assert!(!built.read("style.css").trim().is_empty());
    let stylesheets = built.page("").attrs("link[rel=stylesheet]", "href");
    assert!(
        stylesheets.contains(&"/news/style.css".to_string()),
        "{stylesheets:?}"
    );
}

#[test]
fn a_site_template_overrides_the_theme_template_of_the_same_name() {
    let site = second();
    assert!(site.root().join("templates/404.html").is_file());
    let page = site.build().page("404.html");
    assert_eq!(
        page.all("#digest-404").len(),
        1,
        "the site's own 404.html is used"
    );
    assert!(
        page.all(".not-found").is_empty(),
        "the theme's 404.html is not"
    );
    assert_eq!(
        page.all("header.site-header").len(),
        1,
        "it still extends the theme's base.html"
    );
}

#[test]
fn static_files_are_copied_byte_for_byte() {
    let site = second();
    let built = site.build();
    let statics = walk(&site.root().join("static"));
    assert!(!statics.is_empty());
    for file in statics {
        let rel = file.strip_prefix(site.root().join("static")).unwrap();
        let copied = std::fs::read(built.dir().join(rel)).unwrap();
        assert_eq!(copied, std::fs::read(&file).unwrap(), "{}", rel.display());
    }
}

#[test]
fn a_standalone_page_is_published_at_its_slug_and_in_the_navigation() {
    let site = second();
    let built = site.build();
    for file in walk(&site.root().join("content/pages")) {
        let name = file.file_stem().unwrap().to_str().unwrap();
        let text_of_file = std::fs::read_to_string(&file).unwrap();
        let front: toml::Table = toml::from_str(text_of_file.split("+++").nth(1).unwrap()).unwrap();
        let page = built.page(&format!("{name}/"));
        assert_eq!(text(page.one("main h1")), front["title"].as_str().unwrap());
        for other in built.pages() {
            let nav = other.attrs("nav.site-nav a", "href");
            assert!(
                nav.contains(&format!("/news/{name}/")),
                "{}: no nav link to {name}",
                other.file
            );
        }
    }
}

#[test]
fn optional_link_and_outage_fields_are_shown_only_when_given() {
    let site = second();
    let built = site.build();
    let mut seen = BTreeSet::new();
    for issue in site.published() {
        let page = built.page(&format!("issues/{}/", issue.number()));
        let links = page.all("section.links article.link-entry");
        assert_eq!(links.len(), issue.tables("links").len());
        for (entry, link) in links.into_iter().zip(issue.tables("links")) {
            for (field, css) in [("via", ".via"), ("disclosure", ".disclosure")] {
                let shown = text_in(entry, css);
                match str_field(link, field) {
                    Some(value) => {
                        assert!(
                            shown.as_deref().is_some_and(|s| s.contains(value)),
                            "{field}: {shown:?}"
                        );
                        seen.insert(field);
                    }
                    None => assert_eq!(shown, None, "{field} shown but not given"),
                }
            }
        }
        let outages = page.all("section.outages article.outage-entry");
        assert_eq!(outages.len(), issue.tables("outages").len());
        for (entry, outage) in outages.into_iter().zip(issue.tables("outages")) {
            let dates: Vec<&str> = entry
                .select(&selector("time"))
                .filter_map(|t| t.value().attr("datetime"))
                .collect();
            let date = outage.get("date").map(|d| toml_date(d).to_string());
            assert_eq!(
                dates,
                date.iter().map(String::as_str).collect::<Vec<_>>(),
                "outage date"
            );
            let hrefs: Vec<&str> = entry
                .select(&selector("a[href]"))
                .filter_map(|a| a.value().attr("href"))
                .filter(|h| h.starts_with("http"))
                .collect();
            let url: Vec<&str> = str_field(outage, "url").into_iter().collect();
            assert_eq!(hrefs, url, "outage report link");
            if let Some(title) = str_field(outage, "title") {
                assert!(text(entry).contains(title), "outage title {title:?}");
            }
            for field in ["date", "url", "title", "tags", "commentary"] {
                let given = outage.contains_key(field);
                seen.insert(if given {
                    field
                } else {
                    "(an outage without some field)"
                });
            }
        }
    }
    assert!(
        seen.len() >= 8,
        "the fixture covers given and missing fields: {seen:?}"
    );
}

#[test]
fn index_entry_templates_can_be_overridden_and_list_every_entry_once_per_page() {
    let site = SiteTest::copy_of("second");
    site.write(
        "templates/index_link.html",
        r#"<p class="my-link" data-issue="{{ link.issue.number }}">{{ link.title }}</p>"#,
    );
    site.write(
        "templates/index_outage.html",
        r#"<p class="my-outage" data-issue="{{ outage.issue.number }}">{{ outage.service }}</p>"#,
    );
    let built = site.build();
    let published = site.published();
    let listed = |page: &Page, css: &str| -> Entries {
        let mut found: Entries = page
            .all(css)
            .into_iter()
            .map(|e| {
                let issue = e.value().attr("data-issue").unwrap().parse().unwrap();
                (issue, text(e))
            })
            .collect();
        found.sort();
        found
    };
    // Each link once on each of its tags' pages, each outage once on each of its
    // tags' pages, all through the site's templates (rendered once, reused).
    for (tag, expected) in by_tag(&published, "links", "title") {
        let page = built.page(&format!("tags/{tag}/"));
        assert_eq!(listed(&page, "p.my-link"), expected, "tags/{tag}/");
        assert!(page.all("article.link-entry").is_empty(), "tags/{tag}/");
    }
    for (tag, expected) in by_tag(&published, "outages", "service") {
        let page = built.page(&format!("outages/tags/{tag}/"));
        assert_eq!(
            listed(&page, "p.my-outage"),
            expected,
            "outages/tags/{tag}/"
        );
    }
    let all = built.page("outages/");
    let count: usize = published.iter().map(|i| i.tables("outages").len()).sum();
    assert_eq!(listed(&all, "p.my-outage").len(), count);
}

#[test]
fn the_archive_and_home_page_list_issues_through_index_issue_html() {
    let site = SiteTest::copy_of("second");
    site.write(
        "templates/index_issue.html",
        r#"<li class="my-issue" data-links="{{ issue.link_count }}">{{ issue.number }}</li>"#,
    );
    let built = site.build();
    let mut published = site.published();
    published.sort_by_key(|i| std::cmp::Reverse(i.number()));
    let numbers: Vec<String> = published.iter().map(|i| i.number().to_string()).collect();
    let links: Vec<String> = published
        .iter()
        .map(|i| i.tables("links").len().to_string())
        .collect();

    assert!(
        numbers.len() > 2,
        "the fixture has issues beyond the latest"
    );
    // Every issue once on the archive, newest first, through the site's template.
    let archive = built.page("issues/");
    assert_eq!(archive.texts("li.my-issue"), numbers);
    assert_eq!(archive.attrs("li.my-issue", "data-links"), links);
    // The home page lists the issues after the latest with the same items.
    let home = built.page("");
    assert_eq!(home.texts("li.my-issue"), numbers[1..numbers.len().min(11)]);

    // A theme asking `issue_list` for another heading level gets every item rendered
    // at that level instead of the entries' markup.
    site.write(
        "templates/archive.html",
        r#"{% extends "base.html" %}{% block main %}{% for y in years %}{{ <issue_list issues={y.issues} level={4} /> }}{% endfor %}{% endblock main %}"#,
    );
    let archive = site.build().page("issues/");
    assert!(archive.all("li.my-issue").is_empty());
    let titles = archive.all("h4.issue-item-title");
    assert_eq!(titles.len(), numbers.len());
}
