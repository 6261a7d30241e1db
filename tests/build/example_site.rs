//! The example newsletter at the repository root.

use std::collections::BTreeSet;

use crate::support::{SiteTest, check_links, str_field, text_in};

#[test]
fn example_site_has_a_page_per_issue_with_every_link_and_outage_anchored() {
    let example = SiteTest::example();
    let built = example.build();
    let issues = example.published();
    assert!(!issues.is_empty());
    for issue in &issues {
        let page = built.page(&format!("issues/{}/", issue.number()));
        let links = page.all("section.links article.link-entry");
        let titles: Vec<String> = links
            .iter()
            // Titles are shown with typographic apostrophes (Developer’s).
            .map(|a| {
                text_in(*a, ".entry-title a")
                    .unwrap()
                    .replace('\u{2019}', "'")
            })
            .collect();
        let expected: Vec<&str> = issue
            .tables("links")
            .iter()
            .map(|l| str_field(l, "title").unwrap())
            .collect();
        assert_eq!(titles, expected, "{}: links in reading order", page.file);

        let outages = page.all("section.outages article.outage-entry");
        let services: Vec<String> = outages
            .iter()
            .map(|o| text_in(*o, ".outage-service").unwrap())
            .collect();
        let expected: Vec<&str> = issue
            .tables("outages")
            .iter()
            .map(|o| str_field(o, "service").unwrap())
            .collect();
        assert_eq!(services, expected, "{}: outages in order", page.file);

        let anchors: Vec<&str> = links
            .iter()
            .chain(&outages)
            .filter_map(|e| e.value().id())
            .collect();
        assert_eq!(
            anchors.len(),
            links.len() + outages.len(),
            "{}: every entry has an id",
            page.file
        );
        let all_ids = page.attrs("[id]", "id");
        let unique: BTreeSet<&String> = all_ids.iter().collect();
        assert_eq!(
            unique.len(),
            all_ids.len(),
            "{}: ids are unique on the page",
            page.file
        );
    }
}

#[test]
fn example_site_every_internal_link_and_anchor_resolves() {
    let built = SiteTest::example().build();
    let check = check_links(&built, "a[href]");
    assert!(
        check.broken.is_empty(),
        "broken links:\n{}",
        check.broken.join("\n")
    );

    // Every index page that lists entries links each one to its anchor in an issue.
    let index_pages: Vec<String> = built
        .pages()
        .into_iter()
        .map(|p| p.file)
        .filter(|f| {
            f == "outages/index.html"
                || ["outages/tags/", "outages/services/", "tags/"]
                    .iter()
                    .any(|dir| {
                        f.starts_with(dir) && f.matches('/').count() == dir.matches('/').count() + 1
                    })
        })
        .collect();
    assert!(index_pages.len() > 3, "{index_pages:?}");
    for file in &index_pages {
        let n = check.fragments_by_page.get(file).copied().unwrap_or(0);
        assert!(n > 0, "{file} has no checked #anchor link into an issue");
    }
}

#[test]
fn example_site_stylesheets_icons_feeds_and_canonical_links_exist() {
    let built = SiteTest::example().build();
    let check = check_links(&built, "link[href], img[src], script[src]");
    assert!(
        check.broken.is_empty(),
        "broken:\n{}",
        check.broken.join("\n")
    );
    let pages = built.pages().len();
    assert!(
        check.checked >= pages * 3,
        "checked only {} links on {pages} pages",
        check.checked
    );
}

/// Issue `n` of the example: (front matter as a table, body).
fn example_issue(n: u32) -> (toml::Table, String) {
    let path = crate::support::repo().join(format!("content/issues/{n}.md"));
    let text = std::fs::read_to_string(path).unwrap();
    let (front, body) = text
        .strip_prefix("+++\n")
        .and_then(|rest| rest.split_once("\n+++\n"))
        .unwrap();
    (toml::from_str(front).unwrap(), body.to_string())
}

/// The page budget of issue 22: an issue page with 14 links, with all the CSS it
/// loads, at most 40 KB uncompressed, and no script. The page is the example's richest
/// issue (45: 12 links, 8 outages, a sponsor, highlighted code) with the first two
/// links of issue 44 added, so the words are a real issue's.
#[test]
fn an_issue_page_with_14_links_and_its_stylesheets_weigh_at_most_40_kb() {
    let (mut front, body) = example_issue(45);
    let (other, _) = example_issue(44);
    let links = front["links"].as_array_mut().unwrap();
    links.extend(other["links"].as_array().unwrap()[..2].iter().cloned());
    assert_eq!(links.len(), 14);
    let issue = format!("+++\n{}+++\n{body}", toml::to_string(&front).unwrap());
    let config = std::fs::read_to_string(crate::support::repo().join("config.toml")).unwrap();
    let built =
        SiteTest::inline(&[("config.toml", &config), ("content/issues/45.md", &issue)]).build();

    let html = built.read("issues/45/index.html");
    let page = built.page("issues/45/");
    assert_eq!(page.all("article.link-entry").len(), 14);
    assert!(
        !page.all("pre.hl-code span").is_empty(),
        "the page shows highlighted code"
    );
    assert!(page.all("script").is_empty(), "no script on an issue page");
    let sheets: Vec<String> = page
        .all("link[rel=stylesheet]")
        .iter()
        .map(|l| {
            l.value()
                .attr("href")
                .unwrap()
                .trim_start_matches('/')
                .to_string()
        })
        .collect();
    assert_eq!(sheets, ["style.css", "syntax.css"]);
    let css: usize = sheets.iter().map(|s| built.read(s).len()).sum();
    let total = html.len() + css;
    eprintln!("issue page {} B + CSS {css} B = {total} B", html.len());
    assert!(
        total <= 40_000,
        "issue page {} B + CSS {css} B = {total} B, over 40 KB",
        html.len()
    );
}
