//! Search as a reader uses it: `sitrep serve` on a copy of the example newsletter,
//! Pagefind's UI in headless Chromium. A word found in one link's commentary only
//! leads to that link's anchor; the header's form on another page lands on results;
//! a tag filter narrows them; an edit is searchable after the rebuild.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use support::browser::{Browser, browser_tools_present, eval, poll_page};
use support::{Server, front_matter, get};

/// Result links on the search page, once at least one is shown.
const RESULT_LINKS: &str = "return Array.from(document.querySelectorAll('.pagefind-ui__result-link')).map(a => a.getAttribute('href'))";
/// Pagefind's message ("N results for …"), as the number of matching pages,
/// the distinct pages shown so far, and the result links.
const RESULT_STATE: &str = "const m = (document.querySelector('.pagefind-ui__message') || {}).innerText || ''; \
    const n = /^(\\d+) results? for/.exec(m); \
    const links = Array.from(document.querySelectorAll('.pagefind-ui__result-link')).map(a => a.getAttribute('href')); \
    return {count: n ? Number(n[1]) : null, pages: new Set(links.map(h => h.split('#')[0])).size, links};";
/// How many pages Pagefind's UI shows before its "Load more results" button.
const PAGEFIND_FIRST_PAGE: usize = 5;
const SEARCH_DEADLINE: Duration = Duration::from_secs(20);

/// The example site (config and content) copied into `dir`.
fn copy_example(dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("config.toml"), dir.join("config.toml")).unwrap();
    for file in support::files_with_suffix(&repo.join("content"), ".md") {
        let to = dir.join(file.strip_prefix(repo).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&file, to).unwrap();
    }
}

/// A word of 9+ letters that occurs once in all the content, inside a link's
/// commentary: (word, issue number).
fn unique_commentary_word(dir: &Path) -> (String, i64) {
    let files = support::files_with_suffix(&dir.join("content"), ".md");
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 7)
            .map(str::to_lowercase)
            .collect()
    };
    // Pagefind stems words: count by a 7-letter prefix, so no relative of it
    // ("generator" for "generated") is anywhere else either.
    let stem = |w: &str| w[..7].to_string();
    for file in &files {
        for w in words(&std::fs::read_to_string(file).unwrap()) {
            *counts.entry(stem(&w)).or_default() += 1;
        }
    }
    for file in files
        .iter()
        .filter(|f| f.to_string_lossy().contains("/issues/"))
    {
        let fm = front_matter(&std::fs::read_to_string(file).unwrap());
        let number = fm["number"].as_integer().unwrap();
        for link in fm
            .get("links")
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
        {
            let commentary = link
                .get("commentary")
                .and_then(|c| c.as_str())
                .unwrap_or("");
            if let Some(w) = words(commentary)
                .into_iter()
                .find(|w| w.len() >= 9 && counts[&stem(w)] == 1)
            {
                return (w, number);
            }
        }
    }
    panic!("no word of the example's link commentary occurs only once");
}

/// The id of the link article on `page_html` whose commentary holds `word`.
fn anchor_of(page_html: &str, word: &str) -> String {
    let html = scraper::Html::parse_document(page_html);
    let articles = scraper::Selector::parse("article.link-entry").unwrap();
    html.select(&articles)
        .find(|a| a.text().collect::<String>().to_lowercase().contains(word))
        .and_then(|a| a.value().attr("id").map(String::from))
        .unwrap_or_else(|| panic!("no link article mentions {word}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_finds_a_link_by_a_word_of_its_commentary_searches_from_the_header_and_filters_by_tag()
 {
    if !browser_tools_present() {
        return;
    }
    let temp = tempfile::TempDir::new().unwrap();
    copy_example(temp.path());
    let (word, number) = unique_commentary_word(temp.path());
    let server = Server::start(temp.path(), &[]);
    // Pages are served at once; the index follows in the background.
    let indexed = |l: &str| l.starts_with("Search index and data files updated");
    server
        .stdout
        .wait_line("the first search index", SEARCH_DEADLINE, indexed);
    let issue_page = get(&server.at(&format!("issues/{number}/"))).body;
    let anchor = format!("/issues/{number}/#{}", anchor_of(&issue_page, &word));
    let browser = Browser::start(temp.path());
    let client = browser.session().await;

    // 1. A shareable search URL finds the link, under its own anchor.
    client
        .goto(&server.at(&format!("search/?q={word}")))
        .await
        .unwrap();
    let links = poll_page(
        &client,
        "a result for the word",
        SEARCH_DEADLINE,
        RESULT_LINKS,
        |v| {
            v.as_array()
                .is_some_and(|a| a.iter().any(|h| h == anchor.as_str()))
        },
    )
    .await;
    let links = links.as_array().unwrap();
    assert!(
        links.iter().all(|h| h
            .as_str()
            .unwrap()
            .starts_with(&format!("/issues/{number}/"))),
        "{word} is only in issue {number}, yet: {links:?}"
    );

    // 2. The header's form on another page: type a service, land on its results.
    let newest = support::files_with_suffix(&temp.path().join("content/issues"), ".md");
    let service = newest
        .iter()
        .find_map(|f| {
            let fm = front_matter(&std::fs::read_to_string(f).unwrap());
            let outages = fm.get("outages")?.as_array()?.clone();
            Some(outages.first()?.get("service")?.as_str()?.to_string())
        })
        .expect("an outage in the example");
    client.goto(&server.at("outages/")).await.unwrap();
    let typed = format!(
        "const i = document.querySelector('form[role=search] input[name=q]'); i.value = {service:?}; \
         i.form.submit(); return true"
    );
    eval(&client, &typed).await;
    let links = poll_page(
        &client,
        "results for the service",
        SEARCH_DEADLINE,
        RESULT_LINKS,
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
    )
    .await;
    let url = client.current_url().await.unwrap();
    assert_eq!(url.path(), "/search/");
    assert_eq!(
        url.query_pairs().find(|(k, _)| k == "q").unwrap().1,
        service.as_str()
    );
    let with_service = links.as_array().unwrap().iter().any(|h| {
        let page = get(&server.at(h.as_str().unwrap().trim_start_matches('/'))).body;
        page.contains(&format!(">{service}</a>"))
    });
    assert!(with_service, "no result for {service} shows it: {links:?}");

    // 3. A tag filter narrows a broad search to issues carrying the tag.
    // Pagefind's message counts matching pages; results render one page at a
    // time, so a step is read only once every shown page has arrived.
    client.goto(&server.at("search/?q=outage")).await.unwrap();
    let settled = |v: &serde_json::Value| {
        let count = v["count"].as_u64().unwrap_or(0) as usize;
        let pages = v["pages"].as_u64().unwrap_or(0) as usize;
        count > 0 && pages == count.min(PAGEFIND_FIRST_PAGE)
    };
    let before = poll_page(
        &client,
        "results for `outage`",
        SEARCH_DEADLINE,
        RESULT_STATE,
        |v| settled(v) && v["count"].as_u64() > Some(1),
    )
    .await;
    let before_count = before["count"].as_u64().unwrap();
    let open_tags = "document.querySelectorAll('.pagefind-ui__filter-block').forEach(d => d.open = true); \
        const boxes = Array.from(document.querySelectorAll('.pagefind-ui__filter-checkbox')) \
          .filter(b => b.name === 'tag' || (b.id || '').includes('tag')); \
        return boxes.map(b => [b.id, b.value, b.parentElement.innerText])";
    let boxes = poll_page(
        &client,
        "the tag filters",
        SEARCH_DEADLINE,
        open_tags,
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
    )
    .await;
    // The rarest tag in the list narrows the most.
    let boxes = boxes.as_array().unwrap();
    let count = |b: &serde_json::Value| {
        let label = b[2].as_str().unwrap_or("");
        label
            .rsplit(|c: char| !c.is_ascii_digit())
            .find(|s| !s.is_empty())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(u64::MAX)
    };
    let rare = boxes.iter().min_by_key(|b| count(b)).unwrap();
    assert!(
        count(rare) < before_count,
        "every tag filter keeps all {before_count} results for `outage`: {boxes:?}"
    );
    let (id, tag) = (rare[0].as_str().unwrap(), rare[1].as_str().unwrap());
    eval(
        &client,
        &format!("document.getElementById({id:?}).click(); return true"),
    )
    .await;
    let after = poll_page(
        &client,
        "fewer results with the tag",
        SEARCH_DEADLINE,
        RESULT_STATE,
        |v| settled(v) && v["count"].as_u64() < Some(before_count),
    )
    .await;
    let after = &after["links"];
    for href in after.as_array().unwrap() {
        let href = href.as_str().unwrap();
        let page_url = href.split('#').next().unwrap().trim_start_matches('/');
        let page = get(&server.at(page_url)).body;
        assert!(
            page.contains(&format!("rel=\"tag\">{tag}</a>")),
            "{href} has no tag {tag}"
        );
    }

    // 4. An edit is searchable once serve's background index has caught up.
    let fresh = "quokkaresilience";
    let newest = newest.iter().max().expect("an issue file");
    let text = std::fs::read_to_string(newest).unwrap();
    let from = server.stdout.len();
    let line = text
        .lines()
        .find(|l| l.starts_with("commentary = \"") && !l.starts_with("commentary = \"\"\""))
        .unwrap_or_else(|| panic!("{} has a one-line commentary", newest.display()));
    let edited = text.replacen(line, &line.replacen('"', &format!("\"{fresh} "), 1), 1);
    std::fs::write(newest, edited).unwrap();
    server
        .stdout
        .wait_line_after(from, "the index after the edit", SEARCH_DEADLINE, indexed);
    client
        .goto(&server.at(&format!("search/?q={fresh}")))
        .await
        .unwrap();
    let found = poll_page(
        &client,
        "a result for the edited word",
        SEARCH_DEADLINE,
        RESULT_LINKS,
        |v| v.as_array().is_some_and(|a| !a.is_empty()),
    )
    .await;
    let edited_issue = format!("/issues/{}/", front_matter(&text)["number"]);
    let hrefs: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|h| h.as_str())
        .collect();
    assert!(
        hrefs.iter().all(|h| h.starts_with(&edited_issue))
            && hrefs.iter().any(|h| h.contains("#link-")),
        "{fresh} is only in a link of {edited_issue}, yet: {hrefs:?}"
    );

    let _ = client.close().await;
    drop(browser);
    drop(server);
}
