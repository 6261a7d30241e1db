//! Long indexes split into pages (`paginate` in config.toml): the first page keeps the
//! stable URL, later ones live at `…/page/<n>/`, and together they list every entry once.

use crate::support::{Built, SiteTest, check_links};

/// The second fixture with `paginate = 2`, so its indexes need several pages.
fn paginated(per_page: usize) -> Built {
    let site = SiteTest::copy_of("second");
    let config = std::fs::read_to_string(site.root().join("config.toml")).unwrap();
    site.write("config.toml", &format!("paginate = {per_page}\n{config}"));
    site.build()
}

/// Follows `rel="next"` from `start`, returning every page's entries (by `id`) in order.
fn walk_pages(built: &Built, start: &str, entry_css: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut path = start.to_string();
    loop {
        let page = built.page(&path);
        pages.push(page.attrs(entry_css, "id"));
        let next = page.attrs(".pager a[rel=next]", "href");
        let Some(next) = next.first() else { break };
        let base = url::Url::parse(built.base_url()).unwrap();
        path = next
            .strip_prefix(base.path())
            .expect("pager links stay under base_url")
            .to_string();
        assert!(pages.len() < 100, "pager loops");
    }
    pages
}

#[test]
fn outages_index_splits_into_pages_that_together_list_every_outage_once() {
    let whole = SiteTest::fixture("second").build();
    let all = whole.page("outages/").attrs("tr.outage-row", "id");
    assert!(
        all.len() > 2,
        "the fixture needs more outages than one page holds"
    );

    let built = paginated(2);
    let pages = walk_pages(&built, "outages/", "tr.outage-row");
    assert_eq!(pages.len(), all.len().div_ceil(2));
    assert!(
        pages.iter().all(|p| !p.is_empty() && p.len() <= 2),
        "{pages:?}"
    );
    assert_eq!(pages.concat(), all, "same entries, same order, none twice");
    assert!(built.exists("outages/page/2/index.html"));
    assert!(
        !built.exists("outages/page/1/index.html"),
        "page 1 is the stable URL"
    );
}

#[test]
fn each_page_has_its_own_canonical_url_and_the_pager_marks_the_current_page() {
    let built = paginated(2);
    let second = built.page("outages/page/2/");
    let canonical = second.attrs("link[rel=canonical]", "href");
    assert_eq!(canonical, vec![built.permalink("outages/page/2/")]);
    assert_eq!(second.texts(".pager [aria-current=page]"), vec!["2"]);
    let prev = second.attrs(".pager a[rel=prev]", "href");
    assert!(prev[0].ends_with("/outages/"), "{prev:?}");
}

#[test]
fn tag_and_service_pages_paginate_and_all_pager_links_resolve() {
    let built = paginated(1);
    let paged = |prefix: &str| {
        built
            .files()
            .keys()
            .filter(|f| f.starts_with(prefix) && f.contains("/page/2/"))
            .count()
    };
    assert!(paged("tags/") > 0, "some link tag has more than one link");
    assert!(
        paged("outages/services/") > 0,
        "some service has more than one outage"
    );
    assert!(
        paged("outages/tags/") > 0,
        "some outage tag has more than one outage"
    );
    let broken = check_links(&built, ".pager a").broken;
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn feeds_are_not_paginated() {
    let whole = SiteTest::fixture("second").build();
    let built = paginated(1);
    for feed in ["rss.xml", "atom.xml"] {
        assert_eq!(
            built.feed(feed).entries.len(),
            whole.feed(feed).entries.len()
        );
    }
    let tag_feed = "outages/tags/dns/rss.xml";
    assert_eq!(
        built.feed(tag_feed).entries.len(),
        whole.feed(tag_feed).entries.len()
    );
}

#[test]
fn paginate_zero_keeps_every_index_on_one_page() {
    let built = paginated(0);
    assert!(built.files().keys().all(|f| !f.contains("/page/")));
}

#[test]
fn the_pager_shows_the_ends_and_the_pages_near_the_current_one() {
    let built = paginated(1);
    let pages = walk_pages(&built, "outages/", "tr.outage-row");
    let total = pages.len();
    assert!(
        total >= 7,
        "the fixture needs 7+ outages for a gap; has {total}"
    );
    let mut gaps_seen = 0;
    for n in 1..=total {
        let path = if n == 1 {
            "outages/".to_string()
        } else {
            format!("outages/page/{n}/")
        };
        let page = built.page(&path);
        let mut numbers: Vec<usize> = page
            .texts(".pager li a:not([rel]), .pager [aria-current=page]")
            .iter()
            .map(|t| t.parse().unwrap())
            .collect();
        numbers.sort();
        let mut expected: Vec<usize> = [1, total]
            .into_iter()
            .chain(n.saturating_sub(2).max(1)..=(n + 2).min(total))
            .collect();
        expected.sort();
        expected.dedup();
        // A single page between two shown ones is shown rather than a gap.
        let gaps: Vec<usize> = expected
            .windows(2)
            .filter(|w| w[1] - w[0] == 2)
            .map(|w| w[0] + 1)
            .collect();
        expected.extend(gaps);
        expected.sort();
        assert_eq!(numbers, expected, "{path}");
        let hidden = expected.windows(2).any(|w| w[1] - w[0] > 1);
        assert_eq!(page.all(".pager .pager-gap").is_empty(), !hidden, "{path}");
        gaps_seen += usize::from(hidden);
        assert_eq!(page.texts(".pager [aria-current=page]"), [n.to_string()]);
    }
    assert!(gaps_seen > 0, "some page leaves pages out");
}

#[test]
fn every_page_of_the_outages_index_counts_all_outages_and_only_the_first_has_the_quick_lists() {
    let whole = SiteTest::fixture("second").build();
    let all = whole.page("outages/").all("tr.outage-row").len();
    let built = paginated(2);
    for path in ["outages/", "outages/page/2/"] {
        let lede = built.page(path).texts(".page-header .lede").concat();
        assert!(
            lede.starts_with(&format!("{all} outages across")),
            "{path}: {lede}"
        );
    }
    assert!(!built.page("outages/").all(".quick-list").is_empty());
    assert!(built.page("outages/page/2/").all(".quick-list").is_empty());
}
