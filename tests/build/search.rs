//! The search index (`search = true`): Pagefind's bundle as a reader's browser
//! fetches it. Fragments are read back (gzip, Pagefind's `pagefind_dcd` header, JSON)
//! to see exactly which pages are indexed and under which anchors.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use crate::support::{SiteTest, repo};

/// Every fragment of every shard under `pagefind/`: (url, its anchors' ids, title).
fn fragments(out: &Path) -> Vec<serde_json::Value> {
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(out.join("pagefind")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "pf_fragment") {
            let bytes = std::fs::read(entry.path()).unwrap();
            let mut text = String::new();
            flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .unwrap();
            let json = text
                .strip_prefix("pagefind_dcd")
                .expect("Pagefind's fragment header");
            found.push(serde_json::from_str(json).unwrap());
        }
    }
    found
}

/// The page count each shard's `pagefind-entry.json` declares, summed.
fn indexed_pages(out: &Path) -> u64 {
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(out.join("pagefind")) {
        let entry = entry.unwrap();
        if entry.file_name() == "pagefind-entry.json" {
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
            for language in json["languages"].as_object().unwrap().values() {
                pages += language["page_count"].as_u64().unwrap();
            }
        }
    }
    pages
}

#[test]
fn every_issue_and_page_is_indexed_with_its_links_and_outages_as_anchors_and_no_list_page() {
    let site = SiteTest::example();
    let built = site.build();
    let issues = site.published();
    let pages = std::fs::read_dir(repo().join("content/pages"))
        .unwrap()
        .count();
    assert_eq!(indexed_pages(built.dir()), (issues.len() + pages) as u64);

    let fragments = fragments(built.dir());
    let urls: BTreeSet<String> = fragments
        .iter()
        .map(|f| f["url"].as_str().unwrap().to_string())
        .collect();
    let mut expected: BTreeSet<String> = issues
        .iter()
        .map(|i| format!("/issues/{}/", i.number()))
        .collect();
    expected.insert("/about/".into());
    assert_eq!(
        urls, expected,
        "only issue and standalone pages are indexed"
    );

    // Each link and outage is an anchor with its title, and that anchor exists on the page.
    for issue in &issues {
        let url = format!("/issues/{}/", issue.number());
        let fragment = fragments.iter().find(|f| f["url"] == url.as_str()).unwrap();
        let page = built.page(&format!("issues/{}/", issue.number()));
        let titled: Vec<(&str, &str)> = fragment["anchors"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| Some((a["id"].as_str()?, a["title"].as_str()?)))
            .collect();
        let entries = issue.tables("links").len() + issue.tables("outages").len();
        assert_eq!(
            titled.len(),
            entries,
            "{url}: one titled anchor per link and outage"
        );
        for (id, title) in &titled {
            let article = page.all(&format!("article[id='{id}']"));
            assert_eq!(article.len(), 1, "{url}#{id} is not on the page");
            let heading = crate::support::text_in(article[0], ".entry-title").unwrap();
            assert!(
                title.starts_with(&heading),
                "{url}#{id}: anchor titled {title:?}, the page says {heading:?}"
            );
        }
        // Filters: the issue's year, every tag and every outage's service. Tag names
        // are words of the content too, so a search for one finds what carries it.
        let filters = &fragment["filters"];
        assert_eq!(filters["year"][0], issue.date().year().to_string().as_str());
        let tagged = issue
            .tables("links")
            .iter()
            .chain(&issue.tables("outages"))
            .any(|t| {
                t.get("tags")
                    .and_then(|t| t.as_array())
                    .is_some_and(|t| !t.is_empty())
            });
        let tags = filters["tag"].as_array().map_or(&[][..], |t| t.as_slice());
        assert_eq!(!tags.is_empty(), tagged, "{url}: tag filters {filters}");
        let content = fragment["content"].as_str().unwrap();
        for tag in tags {
            let name = tag.as_str().unwrap();
            assert!(
                content.contains(name),
                "{url}: tag {name} is not searchable text"
            );
        }
        for outage in issue.tables("outages") {
            let service = outage["service"].as_str().unwrap();
            assert!(
                filters["service"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s == service),
                "{url}: no service filter {service}: {filters}"
            );
        }
    }
}

#[test]
fn a_rebuild_with_nothing_changed_writes_no_index_file_and_an_edit_rewrites_the_index() {
    let site = SiteTest::copy_of("second");
    let out = tempfile::TempDir::new().unwrap();
    site.build_into(out.path(), false).unwrap();
    let (_, again) = site.build_into(out.path(), false).unwrap();
    assert_eq!(again.written, 0, "{again:?}");

    let file = site.published()[0].path.clone();
    let text = std::fs::read_to_string(&file).unwrap();
    let body = format!("{text}\nA sentence about zyxwvutsrq, added later.\n");
    std::fs::write(&file, body).unwrap();
    let (_, edited) = site.build_into(out.path(), false).unwrap();
    assert!(edited.written > 1, "{edited:?}");
    let words = std::fs::read_dir(out.path().join("pagefind/index"))
        .unwrap()
        .count();
    assert!(words > 0);
    let fragments = fragments(out.path());
    assert!(
        fragments
            .iter()
            .any(|f| f["content"].as_str().unwrap().contains("zyxwvutsrq")),
        "the edit is not in the index"
    );
}

#[test]
fn shards_of_an_archive_are_kept_when_none_of_their_issues_changed() {
    let mut files = vec![(
        "config.toml".to_string(),
        "title = \"Shards\"\nbase_url = \"https://example.org/\"\n".to_string(),
    )];
    for n in 1..=501 {
        files.push((
            format!("content/issues/{n}.md"),
            format!(
                "+++\nnumber = {n}\ndate = 2020-01-01\ntitle = \"Issue {n}\"\n\n[[links]]\ntitle = \"Link {n}\"\nurl = \"https://example.org/{n}\"\n+++\nWord{n} in the editorial.\n"
            ),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = SiteTest::inline(&refs);
    let out = tempfile::TempDir::new().unwrap();
    site.build_into(out.path(), false).unwrap();
    assert!(out.path().join("pagefind/1/pagefind-entry.json").is_file());
    assert_eq!(indexed_pages(out.path()), 501);
    let search = std::fs::read_to_string(out.path().join("search/index.html")).unwrap();
    assert!(
        search.contains("data-bundles=\"/pagefind/ /pagefind/1/ \""),
        "{search}"
    );

    let first_shard = std::fs::read(out.path().join("pagefind/sitrep-shard.json")).unwrap();
    let inode = |p: &str| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(out.path().join(p)).unwrap().ino()
    };
    let before = inode("pagefind/pagefind-entry.json");
    site.write(
        "content/issues/501.md",
        &refs[501].1.replace("Word501", "Changed501"),
    );
    site.build_into(out.path(), false).unwrap();
    assert_eq!(
        std::fs::read(out.path().join("pagefind/sitrep-shard.json")).unwrap(),
        first_shard
    );
    assert_eq!(
        inode("pagefind/pagefind-entry.json"),
        before,
        "the first shard was rewritten"
    );
    let last = fragments(out.path());
    assert!(
        last.iter()
            .any(|f| f["content"].as_str().unwrap().contains("Changed501"))
    );
    assert!(
        !last
            .iter()
            .any(|f| f["content"].as_str().unwrap().contains("Word501"))
    );
}

#[test]
fn search_false_writes_no_index_no_search_page_and_no_form() {
    let issue = "+++\nnumber = 1\ndate = 2024-01-01\n+++\nHello.\n";
    let config = "title = \"T\"\nbase_url = \"https://example.org/\"\n";
    let on = SiteTest::inline(&[("config.toml", config), ("content/issues/1.md", issue)]).build();
    assert_eq!(on.page("").all("form[role=search]").len(), 1);
    let off = format!("search = false\n{config}");
    let site = SiteTest::inline(&[("config.toml", &off), ("content/issues/1.md", issue)]);
    let built = site.build();
    assert!(!built.exists("pagefind/pagefind-entry.json"));
    assert!(!built.path("pagefind").exists());
    assert!(!built.exists("search/index.html"));
    assert!(built.page("").all("form[role=search]").is_empty());
}

#[test]
fn every_page_has_a_search_form_leading_to_the_search_page_which_works_without_javascript_too() {
    let built = SiteTest::example().build();
    for page in built.pages() {
        if page.site_path().starts_with("search/") || page.site_path() == "404.html" {
            continue;
        }
        let form = page.one("form[role=search]");
        assert_eq!(
            form.value().attr("action"),
            Some("/search/"),
            "{}",
            page.site_path()
        );
        assert_eq!(form.value().attr("method"), Some("get"));
        let input = page.one("form[role=search] input[name=q]");
        let id = input.value().attr("id").unwrap();
        assert_eq!(page.all(&format!("label[for={id}]")).len(), 1);
    }
    let search = built.page("search/");
    let noscript = search.one("noscript").inner_html();
    for href in ["/tags/", "/outages/tags/", "/outages/services/"] {
        assert!(noscript.contains(&format!("href=\"{href}\"")), "{noscript}");
    }
    assert!(noscript.contains("needs JavaScript"));
    for asset in [
        "pagefind/pagefind-ui.js",
        "pagefind/pagefind-ui.css",
        "pagefind/pagefind.js",
    ] {
        assert!(built.exists(asset), "{asset}");
    }
}
