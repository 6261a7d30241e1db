//! Small sites written inline that must build: format details from FORMAT.md.

use std::collections::BTreeMap;

use crate::support::{SiteTest, assert_same_files, text, text_in};

const CONFIG: &str = "title = \"Inline\"\nbase_url = \"https://inline.example/\"\n";
const CONFIG_WITH_TAGS: &str = "title = \"Inline\"\nbase_url = \"https://inline.example/\"\n\n[tags]\ndns = \"Domain Names\"\nddos = \"DDoS\"\n";

#[test]
fn vocabulary_tags_match_in_any_case_and_show_their_display_name() {
    let issue = "+++\nnumber = 1\ndate = 2025-01-06\n\n[[links]]\ntitle = \"T\"\nurl = \"https://a.example/\"\ntags = [\"DNS\", \"ddos\"]\n+++\n";
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG_WITH_TAGS),
        ("content/issues/1.md", issue),
    ]);
    let vocabulary = site.config()["tags"].as_table().unwrap().clone();
    let page = site.build().page("issues/1/");
    let mut shown: BTreeMap<String, String> = BTreeMap::new();
    for a in page.all("a[rel=tag]") {
        let href = a.value().attr("href").unwrap();
        let slug = href
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        shown.insert(slug, text(a));
    }
    let expected: BTreeMap<String, String> = vocabulary
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(shown, expected);
}

#[test]
fn crlf_and_bom_files_build_exactly_like_lf_files() {
    let issue = "+++\nnumber = 1\ndate = 2025-01-06\ntitle = \"Line endings\"\n\n[[links]]\ntitle = \"L\"\nurl = \"https://a.example/\"\ncommentary = \"\"\"\nFirst line\nsecond line.\n\"\"\"\n+++\n\nAn intro\nover two lines.\n\nA second paragraph.\n";
    let page = "+++\ntitle = \"About\"\n+++\n\nAbout\nthis site.\n";
    let crlf = |s: &str| format!("\u{feff}{}", s.replace('\n', "\r\n"));
    let lf = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/1.md", issue),
        ("content/pages/about.md", page),
    ]);
    let windows = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/1.md", &crlf(issue)),
        ("content/pages/about.md", &crlf(page)),
    ]);
    assert_same_files(
        &windows.build().files(),
        &lf.build().files(),
        "CRLF+BOM vs LF",
    );
}

/// `loc → lastmod` of every `<url>` in a sitemap.
fn lastmods(sitemap: &str) -> BTreeMap<String, String> {
    let inner = |block: &str, tag: &str| {
        let rest = block.split(&format!("<{tag}>")).nth(1)?;
        Some(rest.split(&format!("</{tag}>")).next()?.to_string())
    };
    sitemap
        .split("<url>")
        .skip(1)
        .filter_map(|block| Some((inner(block, "loc")?, inner(block, "lastmod")?)))
        .collect()
}

#[test]
fn sitemap_lastmod_of_an_index_is_the_date_of_the_newest_issue_it_lists() {
    // Issue 2 is newer, but reports an outage that happened before issue 1's.
    let older = (
        "2025-01-06",
        "+++\nnumber = 1\ndate = 2025-01-06\n\n[[outages]]\nservice = \"Acme\"\ndate = 2025-01-05\ntags = [\"dns\"]\n+++\n",
    );
    let newer = (
        "2025-01-13",
        "+++\nnumber = 2\ndate = 2025-01-13\n\n[[outages]]\nservice = \"Acme\"\ndate = 2024-12-01\ntags = [\"dns\"]\n+++\n",
    );
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/1.md", older.1),
        ("content/issues/2.md", newer.1),
    ]);
    let built = site.build();
    let lastmods = lastmods(&built.read("sitemap.xml"));
    for path in ["outages/tags/dns/", "outages/services/acme/"] {
        assert!(built.exists(path));
        assert_eq!(
            lastmods.get(&built.permalink(path)).map(String::as_str),
            Some(newer.0),
            "{path}"
        );
    }
}

#[test]
fn tag_pages_show_each_links_lead_and_point_to_the_rest() {
    let issue = r#"+++
number = 7
date = 2025-02-03

[[links]]
title = "Long"
url = "https://long.example/"
tags = ["dns"]
commentary = """
The lead, with [a link](https://a.example/) and `code`.

```sh
dig +short example.com
```

The second paragraph.
"""

[[links]]
title = "Short"
url = "https://short.example/"
tags = ["dns"]
commentary = "Only one paragraph."
+++
"#;
    let built = SiteTest::inline(&[
        ("config.toml", CONFIG_WITH_TAGS),
        ("content/issues/7.md", issue),
    ])
    .build();
    let tag = built.page("tags/dns/");
    let entries = tag.all("article.link-entry");
    assert_eq!(entries.len(), 2);
    let long = text(entries[0]);
    assert!(long.contains("The lead, with a link and code."), "{long}");
    assert!(
        !long.contains("second paragraph") && !long.contains("dig"),
        "{long}"
    );
    let from = entries[0]
        .select(&crate::support::selector("p.from-issue"))
        .next()
        .unwrap();
    assert!(
        text(from).starts_with("continued in Issue #7"),
        "{}",
        text(from)
    );
    let anchor = from
        .select(&crate::support::selector("a"))
        .next()
        .and_then(|a| a.value().attr("href"))
        .unwrap();
    let id = anchor.split('#').nth(1).unwrap();
    let issue_page = built.page("issues/7/");
    let full = text(issue_page.one(&format!("article#{id}")));
    assert!(
        full.contains("The second paragraph.") && full.contains("dig +short"),
        "{full}"
    );

    let short = text(entries[1]);
    assert!(
        short.contains("Only one paragraph.") && short.contains("from Issue #7"),
        "{short}"
    );
}

#[test]
fn highlight_false_leaves_fenced_code_plain_for_a_client_side_highlighter() {
    let issue = "+++\nnumber = 1\ndate = 2025-01-06\n+++\n\n```sh\ncurl -s \"https://a.example/?q=<x>\" | jq .\n```\n";
    let build = |config: &str| {
        SiteTest::inline(&[("config.toml", config), ("content/issues/1.md", issue)])
            .build()
            .page("issues/1/")
    };
    let coloured = build(CONFIG);
    assert!(!coloured.all("pre.hl-code code.language-sh span").is_empty());

    let plain = build(&format!("{CONFIG}highlight = false\n"));
    let code = plain.one("pre.code[data-lang=sh] code.language-sh");
    assert_eq!(text(code), "curl -s \"https://a.example/?q=<x>\" | jq .");
    assert!(plain.all("pre.hl-code, pre.code span").is_empty());
}

#[test]
fn only_pages_showing_highlighted_code_load_syntax_css() {
    let coded = "+++\nnumber = 1\ndate = 2025-01-06\n\n[[links]]\ntitle = \"Tracing\"\n\
                 url = \"https://example.com/t\"\ntags = [\"linux\"]\n\
                 commentary = \"\"\"\n```sh\nstrace -f -p 1\n```\n\"\"\"\n+++\n";
    let plain = "+++\nnumber = 2\ndate = 2025-01-13\n\n[[links]]\ntitle = \"Paging\"\n\
                 url = \"https://example.com/p\"\ntags = [\"oncall\"]\n\
                 commentary = \"```\\nno language, so not highlighted\\n```\"\n+++\n\nWords.\n";
    let about = "+++\ntitle = \"About\"\n+++\n\n```python\nx = 1\n```\n";
    let built = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/1.md", coded),
        ("content/issues/2.md", plain),
        ("content/pages/about.md", about),
    ])
    .build();
    let loads = |path: &str| {
        let page = built.page(path);
        let links = page.all("link[rel=stylesheet][href='/syntax.css']").len();
        let spans = page.all("pre.hl-code span[class^=hl-]").len();
        (links, spans > 0)
    };
    assert_eq!(loads("issues/1/"), (1, true));
    assert_eq!(loads("tags/linux/"), (1, true));
    assert_eq!(loads("about/"), (1, true));
    // The home page shows issue 2 in full: no highlighted code, no syntax.css.
    assert_eq!(loads("issues/2/"), (0, false));
    assert_eq!(loads("tags/oncall/"), (0, false));
    assert_eq!(loads(""), (0, false));
    assert_eq!(loads("outages/"), (0, false));
    // Every page still loads the main stylesheet.
    assert_eq!(
        built
            .page("issues/2/")
            .all("link[rel=stylesheet][href='/style.css']")
            .len(),
        1
    );
}

/// Undated outages take their issue's date: on the indexes they lead that issue's
/// rows (newest first), and outages sharing a date keep the issue page's order.
#[test]
fn undated_outages_sort_by_their_issue_date_in_the_issue_pages_order() {
    let outage = |service: &str, date: Option<&str>| {
        let date = date.map_or(String::new(), |d| format!("date = {d}\n"));
        format!("[[outages]]\nservice = \"{service}\"\n{date}tags = [\"dns\"]\n\n")
    };
    let older = format!(
        "+++\nnumber = 1\ndate = 2025-01-06\n\n{}{}+++\n",
        outage("Quay", None),
        outage("Fastly", Some("2025-01-03"))
    );
    let newer = format!(
        "+++\nnumber = 2\ndate = 2025-01-13\n\n{}{}{}{}+++\n",
        outage("Slack", Some("2025-01-08")),
        outage("GitHub", None),
        outage("Heroku", Some("2025-01-13")),
        outage("npm", None)
    );
    let built = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/1.md", &older),
        ("content/issues/2.md", &newer),
    ])
    .build();
    let services = |path: &str| -> Vec<String> {
        let page = built.page(path);
        page.all("tr.outage-row .outage-service")
            .into_iter()
            .map(text)
            .collect()
    };
    let expected = ["GitHub", "Heroku", "npm", "Slack", "Quay", "Fastly"];
    assert_eq!(services("outages/"), expected);
    assert_eq!(services("outages/tags/dns/"), expected);
    let issue = built.page("issues/2/");
    let written: Vec<String> = issue.all(".outage-service").into_iter().map(text).collect();
    assert_eq!(written, ["Slack", "GitHub", "Heroku", "npm"]);
    let dates: Vec<String> = built
        .page("outages/")
        .all("td.outage-when")
        .into_iter()
        .map(text)
        .collect();
    assert_eq!(dates[0], "undated");
}

#[test]
fn an_outage_without_a_title_links_its_host_never_a_raw_url() {
    let issue = "+++\nnumber = 1\ndate = 2025-01-06\n\n[[outages]]\nservice = \"GitHub\"\n\
                 url = \"https://www.githubstatus.com/incidents/abc?x=1\"\n+++\n";
    let page = SiteTest::inline(&[("config.toml", CONFIG), ("content/issues/1.md", issue)])
        .build()
        .page("outages/");
    let link = page.one("tr.outage-row td.outage-what a");
    assert_eq!(text(link), "Report on www.githubstatus.com");
}

#[test]
fn code_blocks_and_tables_take_keyboard_focus_to_scroll() {
    let issue = "+++\nnumber = 1\ndate = 2025-01-06\n+++\n\n```sh\nls\n```\n\n    indented\n\n| a | b |\n| - | - |\n| 1 | 2 |\n";
    for config in [CONFIG.to_string(), format!("{CONFIG}safe_html = true\n")] {
        let page = SiteTest::inline(&[("config.toml", &config), ("content/issues/1.md", issue)])
            .build()
            .page("issues/1/");
        assert_eq!(page.all("pre[tabindex=\"0\"]").len(), 2, "{config}");
        assert_eq!(
            page.all("div.table-scroll[tabindex=\"0\"] > table").len(),
            1,
            "{config}"
        );
    }
}

#[test]
fn titles_and_summaries_get_the_body_s_smart_punctuation_but_anchors_and_data_do_not() {
    let issue = "+++\nnumber = 1\ndate = 2025-01-06\ntitle = \"Dyn's week\"\n\
                 summary = \"The \\\"big\\\" one -- again...\"\n\n[[links]]\n\
                 title = \"Dyn's statement\"\nurl = \"https://dyn.com/blog/\"\n+++\n\nFriday's body.\n";
    let built =
        SiteTest::inline(&[("config.toml", CONFIG), ("content/issues/1.md", issue)]).build();
    let page = built.page("issues/1/");
    assert_eq!(text(page.one("h1")), "Dyn\u{2019}s week");
    let link = page.one("article.link-entry");
    assert_eq!(
        link.value().attr("id"),
        Some("link-dyn-s-statement"),
        "anchors come from the title as written"
    );
    assert_eq!(
        text_in(link, ".entry-title a").unwrap(),
        "Dyn\u{2019}s statement"
    );
    let archive = built.read("issues/index.html");
    assert!(
        archive.contains("The \u{201c}big\u{201d} one \u{2013} again\u{2026}"),
        "{archive}"
    );
    let data = built.read("links.json");
    assert!(
        data.contains("\"title\":\"Dyn's statement\""),
        "data keeps the title as written"
    );
}
