//! `sitrep import`, as a user runs it: fixtures in WordPress's export format and as an
//! RSS feed imported into a fresh site, the written front matter read back with
//! `toml`, then `check` and `build` run on the result.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A new site made by `sitrep init`, with its sample issue #1.
fn site() -> TempDir {
    let dir = TempDir::new().unwrap();
    let out = sitrep(&["init", dir.path().to_str().unwrap(), "--force"]);
    assert!(out.status.success());
    dir
}

fn sitrep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(args)
        .output()
        .unwrap()
}

fn import(site: &Path, kind: &str, file: &str, extra: &[&str]) -> String {
    let file = fixture(file);
    let mut args = vec!["import", kind, file.to_str().unwrap(), "--root"];
    args.push(site.to_str().unwrap());
    args.extend(extra);
    let out = sitrep(&args);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn front(site: &Path, number: u32) -> (toml::Table, String) {
    let text = std::fs::read_to_string(site.join(format!("content/issues/{number}.md"))).unwrap();
    let rest = text.strip_prefix("+++\n").unwrap();
    let (front, body) = rest.split_once("+++\n").unwrap();
    (toml::from_str(front).unwrap(), body.trim().to_string())
}

fn s<'a>(t: &'a toml::Value, key: &str) -> Option<&'a str> {
    t.get(key).and_then(toml::Value::as_str)
}

fn files(site: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.join("content/issues"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `check` and `build` on the site; issue `number`'s page must be built.
fn check_and_build(site: &Path, number: u32) {
    let out = sitrep(&["check", "--root", site.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = site.join("public");
    let out = sitrep(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        public.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(public.join(format!("issues/{number}/index.html")).is_file());
    assert!(public.join("outages/index.html").is_file());
}

#[test]
fn a_wordpress_export_becomes_issues_with_links_sponsors_and_outages() {
    let dir = site();
    let summary = import(dir.path(), "wordpress", "export.xml", &[]);
    assert!(summary.contains("#12"), "{summary}");
    assert!(summary.contains("Half written: a draft"), "{summary}");
    assert!(summary.contains("About: a page"), "{summary}");
    assert!(summary.contains("logo.png: an attachment"), "{summary}");
    assert!(
        summary.contains("#14 Members only: password-protected"),
        "{summary}"
    );
    assert!(
        summary.contains("mailto:editor@ops.example.org (left as text)"),
        "{summary}"
    );
    assert!(
        summary.contains("/about/ -> https://ops.example.org/about/"),
        "{summary}"
    );
    assert_eq!(files(dir.path()), ["1.md", "12.md", "13.md", "14.md"]);

    let (t, body) = front(dir.path(), 12);
    assert_eq!(t["number"].as_integer(), Some(12));
    assert_eq!(t["date"].to_string(), "2016-10-23T10:00:00-04:00");
    assert_eq!(
        body,
        "Friday was a long day for anyone who runs DNS. This issue is mostly about that."
    );
    let sponsors = t["sponsors"].as_array().unwrap();
    assert_eq!(s(&sponsors[0], "name"), Some("PagerDuty"));
    assert_eq!(s(&sponsors[0], "url"), Some("https://www.pagerduty.com/"));
    let links = t["links"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(
        s(&links[0], "title"),
        Some("The Register's overview of the attack")
    );
    assert_eq!(s(&links[0], "url"), Some("https://www.theregister.com/"));
    assert_eq!(s(&links[0], "source"), Some("Jane Roe — The Register"));
    assert_eq!(
        s(&links[0], "commentary"),
        Some(
            "A readable account of what happened, hour by hour.\n\n> Several waves of traffic hit the provider's resolvers."
        )
    );
    assert_eq!(
        s(&links[1], "disclosure"),
        Some("I once worked with the author.")
    );
    assert!(
        s(&links[1], "commentary")
            .unwrap()
            .contains("(https://ops.example.org/about/)")
    );
    let outages = t["outages"].as_array().unwrap();
    assert_eq!(s(&outages[0], "service"), Some("GitHub"));
    assert_eq!(s(&outages[0], "url"), Some("https://www.githubstatus.com/"));
    assert_eq!(
        s(&outages[0], "commentary"),
        Some("- Pushes failed for about an hour.")
    );
    assert_eq!(s(&outages[1], "service"), Some("Twitter"));
    // Tags only with --tags-from-categories.
    assert!(links[0].get("tags").is_none());

    let (t, body) = front(dir.path(), 13);
    let links = t["links"].as_array().unwrap();
    assert_eq!(s(&links[0], "url"), Some("https://blog.rust-lang.org/"));
    assert_eq!(s(&links[1], "title"), Some("The Rust home page"));
    assert!(!body.contains("javascript"), "{body}");

    let (t, _) = front(dir.path(), 14);
    assert_eq!(t["draft"].as_bool(), Some(true));

    check_and_build(dir.path(), 12);
}

#[test]
fn a_script_in_a_post_does_not_survive() {
    let dir = site();
    import(dir.path(), "wordpress", "export.xml", &[]);
    let text = std::fs::read_to_string(dir.path().join("content/issues/12.md")).unwrap();
    assert!(!text.contains("<script"), "{text}");
    assert!(!text.contains("alert"), "{text}");
    assert!(!text.contains("onclick"), "{text}");
}

#[test]
fn importing_again_and_dry_runs_write_nothing() {
    let dir = site();
    let dry = import(dir.path(), "wordpress", "export.xml", &["--dry-run"]);
    assert!(dry.contains("Dry run: nothing written."), "{dry}");
    assert_eq!(files(dir.path()), ["1.md"]);
    import(dir.path(), "wordpress", "export.xml", &[]);
    let before = std::fs::read_to_string(dir.path().join("content/issues/12.md")).unwrap();
    let again = import(dir.path(), "wordpress", "export.xml", &[]);
    assert!(again.contains("Nothing written"), "{again}");
    assert!(again.contains("Already imported (3)"), "{again}");
    assert_eq!(files(dir.path()), ["1.md", "12.md", "13.md", "14.md"]);
    let after = std::fs::read_to_string(dir.path().join("content/issues/12.md")).unwrap();
    assert_eq!(before, after);
}

#[test]
fn categories_become_tags_when_asked() {
    let dir = site();
    std::fs::write(
        dir.path().join("config.toml"),
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    import(
        dir.path(),
        "wordpress",
        "export.xml",
        &["--tags-from-categories"],
    );
    let (t, _) = front(dir.path(), 12);
    let tags = t["links"][0]["tags"].as_array().unwrap();
    assert_eq!(tags.len(), 2);
    assert_eq!(t["outages"][0]["tags"].as_array().unwrap().len(), 2);
}

#[test]
fn an_rss_feed_with_full_content() {
    let dir = site();
    let summary = import(dir.path(), "feed", "feed.xml", &[]);
    assert!(summary.contains("#2 "), "{summary}");
    let (t, body) = front(dir.path(), 2);
    assert_eq!(t["date"].to_string(), "2016-11-02T09:30:00+01:00");
    assert_eq!(body, "Hello again.");
    let links = t["links"].as_array().unwrap();
    assert_eq!(links.len(), 3);
    assert_eq!(s(&links[0], "title"), Some("Rust blog"));
    assert_eq!(s(&links[2], "url"), Some("https://sre.google/"));
    assert_eq!(s(&links[2], "commentary"), Some("Free to read online."));
    assert_eq!(s(&links[2], "via"), Some("Sam Lee"));
    let out = sitrep(&["check", "--root", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn malformed_xml_is_reported_with_its_line() {
    let dir = site();
    let file = fixture("broken.xml");
    let out = sitrep(&[
        "import",
        "wordpress",
        file.to_str().unwrap(),
        "--root",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.xml:5:14"), "{err}");
    assert!(err.contains("expected `</title>`"), "{err}");
    assert_eq!(files(dir.path()), ["1.md"]);
}

#[test]
fn an_atom_feed_with_html_content() {
    let dir = site();
    import(dir.path(), "feed", "atom.xml", &[]);
    let (t, body) = front(dir.path(), 7);
    assert_eq!(t["date"].to_string(), "2016-11-02T09:30:00+01:00");
    assert_eq!(body, "Hi.");
    assert_eq!(s(&t["links"][0], "url"), Some("https://sre.google/"));
    assert_eq!(s(&t["links"][0], "commentary"), Some("Read it."));
}

#[test]
fn a_wordpress_com_export_with_shortcodes_and_posts_that_cannot_be_structured() {
    let dir = site();
    let summary = import(dir.path(), "wordpress", "wordpress-com.xml", &[]);
    assert_eq!(files(dir.path()), ["1.md", "30.md", "31.md", "32.md"]);

    // WXR 1.1 under https://: the offset comes from wp:post_date_gmt.
    let (t, body) = front(dir.path(), 30);
    assert_eq!(t["date"].to_string(), "2021-12-12T09:00:00-08:00");
    // [caption] is unwrapped into the editorial, [code] becomes a fenced block.
    assert!(
        body.contains("![Error rate graph](https://pagernotes.example.net/files/graph.png) Our error rate on Tuesday"),
        "{body}"
    );
    assert!(!body.contains("[caption"), "{body}");
    let links = t["links"].as_array().unwrap();
    assert_eq!(links.len(), 1);
    let commentary = s(&links[0], "commentary").unwrap();
    assert!(
        commentary.contains("```python\nfor attempt in range(5):\n    if call() < 0:\n"),
        "{commentary}"
    );
    assert!(
        commentary.contains(r"Written as \[code\] in the editor"),
        "{commentary}"
    );
    assert!(!commentary.contains("gallery"), "{commentary}");
    assert!(
        summary.contains("dropped (1):\n  #30: [gallery ids=\"7,8,9\"]"),
        "{summary}"
    );

    // A link the issue format refuses: the post still comes in, all in the body, named.
    let (t, body) = front(dir.path(), 31);
    assert!(t.get("links").is_none(), "{t:?}");
    assert!(body.contains("A link that reads as one host"), "{body}");
    assert!(
        summary.contains("#31 Pager Notes #31: the structure was not valid (URL `https://status.example.com@pagernotes.example.net/` has a user name"),
        "{summary}"
    );
    // A post without a link is an issue with its text in the body, and named.
    let (t, body) = front(dir.path(), 32);
    assert_eq!(t["title"].as_str(), Some("A note on holidays"));
    assert!(
        body.starts_with("No issue next week.\n\nBack on the 9th"),
        "{body}"
    );
    assert!(summary.contains("  #32 A note on holidays\n"), "{summary}");

    check_and_build(dir.path(), 31);
}
