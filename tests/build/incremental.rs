//! `serve` re-renders only the pages an edit touches (page keys) and re-parses only the
//! files that changed (the content cache). Whatever it skips, the site it ends up with
//! must be byte-identical to a full build of the same sources.

use std::collections::BTreeMap;

use sitrep::render::incremental::Rendition;
use sitrep::serve::Rebuilder;

use crate::support::SiteTest;

/// What serve holds between rebuilds: its rebuilder and the last good rendition.
#[derive(Default)]
struct Served {
    rebuilder: Rebuilder,
    site: Rendition,
}

impl Served {
    /// Rebuilds like serve; returns how many pages and feeds were rendered (not reused).
    fn rebuild(&mut self, site: &SiteTest) -> usize {
        self.rebuild_after(site, None)
    }

    /// Rebuilds like serve after its watcher reported `changed` (site paths), if given.
    fn rebuild_after(&mut self, site: &SiteTest, changed: Option<&[&str]>) -> usize {
        let changed = changed.map(|c| c.iter().map(|p| site.root().join(p)).collect());
        let next = self
            .rebuilder
            .rebuild(&site_opts(site), changed, &self.site)
            .expect("the site rebuilds");
        let pages_rendered = next.site.pages_rendered;
        self.site = next.site;
        // What serve does next, in the background.
        self.site = next.rest.run(&self.site).expect("the rest builds").0;
        pages_rendered
    }

    /// Every file serve would serve.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        let bytes = |p: &str| self.site.get(p).map(|b| b.to_vec()).unwrap_or_default();
        self.site
            .paths()
            .map(|p| (p.to_string(), bytes(p)))
            .collect()
    }
}

fn site_opts(site: &SiteTest) -> sitrep::BuildOptions {
    sitrep::BuildOptions {
        root: site.root().to_path_buf(),
        ..Default::default()
    }
}

/// A full, from-scratch render of the same sources.
fn full(site: &SiteTest) -> BTreeMap<String, Vec<u8>> {
    let model = sitrep::load(&site_opts(site)).expect("site loads");
    sitrep::render_site(&model)
        .expect("renders")
        .into_iter()
        .map(|o| (o.path, o.bytes))
        .collect()
}

fn assert_same(served: &Served, site: &SiteTest, after: &str) {
    let full = full(site);
    let files = served.files();
    let differ: Vec<_> = full
        .keys()
        .chain(files.keys())
        .filter(|p| full.get(*p) != files.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "after {after}, these differ from a full build: {differ:?}"
    );
}

/// Replaces `from` with `to` in a file of the site (the text must be there).
fn edit(site: &SiteTest, path: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.root().join(path)).unwrap();
    assert!(text.contains(from), "{path} should contain {from:?}");
    // A different size guarantees the change is seen even within one mtime tick.
    site.write(path, &text.replacen(from, to, 1));
}

#[test]
fn incremental_rebuilds_match_a_full_build_after_every_kind_of_edit() {
    let site = SiteTest::copy_of("second");
    let mut served = Served::default();
    let all = served.rebuild(&site);
    assert_same(&served, &site, "the first build");

    let issue = "content/issues/2025/jan-19.md";
    let text = std::fs::read_to_string(site.root().join(issue)).unwrap();
    let title_line = text
        .lines()
        .find(|l| l.starts_with("title = "))
        .expect("a title")
        .to_string();

    /// What is edited, the content files the watcher reports, and the edit.
    type Edit<'a> = (&'a str, &'a [&'a str], Box<dyn Fn() + 'a>);
    let new_issue = "content/issues/2025/zz.md";
    let (edited, added) = ([issue], [new_issue]);
    let edits: Vec<Edit> = vec![
        (
            "an issue's title",
            &edited,
            Box::new(|| {
                edit(
                    &site,
                    issue,
                    &title_line,
                    "title = \"Renamed, and longer than before\"",
                )
            }),
        ),
        (
            "a link's tags",
            &edited,
            Box::new(|| edit(&site, issue, "tags = [", "tags = [\"brand-new-tag\", ")),
        ),
        (
            "a new issue",
            &added,
            Box::new(|| {
                site.write(new_issue, "+++\nnumber = 99\ndate = 2025-03-02\n\n[[outages]]\nservice = \"GitHub\"\ntags = [\"dns\"]\n+++\n\nNew.\n");
            }),
        ),
        (
            "a deleted issue",
            &added,
            Box::new(|| {
                site.remove(new_issue);
            }),
        ),
        (
            "a page title (in every page's navigation)",
            &["content/pages/sponsor.md"],
            Box::new(|| {
                edit(
                    &site,
                    "content/pages/sponsor.md",
                    "title = \"",
                    "title = \"Please ",
                )
            }),
        ),
        (
            "a template",
            &[],
            Box::new(|| {
                site.write("templates/tag.html", "{% extends \"base.html\" %}{% block main %}<h1>{{ tag.name }}</h1>{% endblock main %}");
            }),
        ),
        (
            "the template of index entries",
            &[],
            Box::new(|| {
                site.write(
                    "templates/index_link.html",
                    "<p class=\"entry\">{{ link.title }} ({{ link.issue.title }})</p>",
                );
            }),
        ),
        (
            "the template of issue entries",
            &[],
            Box::new(|| {
                site.write(
                    "templates/index_issue.html",
                    "<li class=\"entry\">{{ issue.title }}, {{ issue.link_count }} links</li>",
                );
            }),
        ),
        (
            "the config",
            &[],
            Box::new(|| edit(&site, "config.toml", "title = \"", "title = \"The ")),
        ),
    ];
    for (what, changed, apply) in edits {
        apply();
        let kept_before = served.rebuilder.kept_entries();
        // As serve does: told which content files the watcher saw change. A new or
        // deleted file, or a config change, makes the loader look at everything.
        let rendered = served.rebuild_after(&site, Some(changed));
        assert_same(&served, &site, what);
        // Entries of an added issue (its outage and its summary) are kept, those of a
        // deleted one dropped.
        match what {
            "a new issue" => {
                assert_eq!(served.rebuilder.kept_entries(), kept_before + 2, "{what}")
            }
            "a deleted issue" => {
                assert_eq!(served.rebuilder.kept_entries(), kept_before - 2, "{what}")
            }
            _ => {}
        }
        if what == "an issue's title" {
            assert!(
                rendered > 0 && rendered < all / 2,
                "{what}: {rendered} of {all} pages re-rendered"
            );
        }
    }
}

#[test]
fn an_unchanged_site_renders_no_page_again() {
    let site = SiteTest::copy_of("second");
    let mut served = Served::default();
    assert!(served.rebuild(&site) > 0);
    assert_eq!(
        served.rebuild(&site),
        0,
        "nothing changed, so no page is rendered"
    );
    assert_same(&served, &site, "a no-op rebuild");
}

#[test]
fn told_what_changed_the_loader_checks_only_those_files() {
    let site = SiteTest::copy_of("second");
    let mut served = Served::default();
    served.rebuild(&site);
    let first = "content/issues/2025/jan-19.md";
    let second = "content/issues/2025/01-january/new-year-resolutions.md";
    let retitle = |path: &str, title: &str| {
        let text = std::fs::read_to_string(site.root().join(path)).unwrap();
        let line = text.lines().find(|l| l.starts_with("title = ")).unwrap();
        site.write(
            path,
            &text.replacen(line, &format!("title = \"{title}\""), 1),
        );
    };
    retitle(first, "First, edited");
    retitle(second, "Second, edited");
    // The watcher reported only the first: the second is taken from the cache unchecked.
    served.rebuild_after(&site, Some(&[first]));
    let archive = String::from_utf8(served.files()["issues/index.html"].clone()).unwrap();
    assert!(archive.contains("First, edited"));
    assert!(
        !archive.contains("Second, edited"),
        "the loader trusted the report"
    );
    // Without a report it checks every file, and the site matches a full build again.
    served.rebuild(&site);
    assert_same(&served, &site, "a rebuild that checks every file");
}

/// An issue with every key of the format set, between two others, so that its page,
/// its neighbours' pages, the home page, every index and every feed show some of it.
const MIDDLE: &str = r#"+++
number = 2
date = 2025-02-09
title = "The middle issue"
summary = "A summary to edit."
draft = false

[[sponsors]]
name = "Sponsor Name"
url = "https://sponsor.example.com/"
text = "Sponsor **text**."

[[links]]
title = "Link title"
url = "https://link.example.com/a"
source = "Link Source"
tags = ["dns", "queues"]
commentary = """
Lead paragraph of the commentary.

More commentary after the lead.
"""
via = "Via Person"
disclosure = "Disclosure text."

[[outages]]
service = "Service Name"
url = "https://status.example.com/incident"
title = "Outage title"
date = 2025-02-07
tags = ["dns", "chat"]
commentary = "Outage *commentary*."
+++

The editorial of the middle issue.
"#;

fn neighbour(number: u32, date: &str) -> String {
    format!(
        "+++\nnumber = {number}\ndate = {date}\n\n[[links]]\ntitle = \"Other link {number}\"\n\
         url = \"https://other.example.com/{number}\"\ntags = [\"dns\"]\n\n[[outages]]\n\
         service = \"Service Name\"\ntags = [\"dns\"]\n+++\n\nIssue {number}.\n"
    )
}

#[test]
fn every_field_of_an_issue_edited_in_turn_is_served_as_build_makes_it() {
    let (first, last) = (neighbour(1, "2025-02-02"), neighbour(3, "2025-02-16"));
    let site = SiteTest::inline(&[
        (
            "config.toml",
            "title = \"Fields\"\nbase_url = \"https://fields.example.org/\"\npaginate = 1\nfeed_limit = 2\n",
        ),
        ("content/issues/1.md", &first),
        ("content/issues/2.md", MIDDLE),
        ("content/issues/3.md", &last),
        (
            "content/pages/about.md",
            "+++\ntitle = \"About\"\n+++\n\nAbout us.\n",
        ),
    ]);
    let mut served = Served::default();
    served.rebuild(&site);
    assert_same(&served, &site, "the first build");
    // Each line of the middle issue's front matter and its body, changed in turn.
    let edits: [(&str, &str); 26] = [
        ("date = 2025-02-09", "date = 2025-02-10"),
        (
            "title = \"The middle issue\"",
            "title = \"The middle issue, renamed\"",
        ),
        (
            "summary = \"A summary to edit.\"",
            "summary = \"An edited summary.\"",
        ),
        ("name = \"Sponsor Name\"", "name = \"Sponsor Renamed\""),
        (
            "url = \"https://sponsor.example.com/\"",
            "url = \"https://sponsor.example.com/new\"",
        ),
        (
            "text = \"Sponsor **text**.\"",
            "text = \"Sponsor *edited* text.\"",
        ),
        ("title = \"Link title\"", "title = \"Link title, edited\""),
        (
            "url = \"https://link.example.com/a\"",
            "url = \"https://link.example.com/b\"",
        ),
        ("source = \"Link Source\"", "source = \"Another Source\""),
        (
            "tags = [\"dns\", \"queues\"]",
            "tags = [\"dns\", \"brand-new\"]",
        ),
        ("Lead paragraph of the commentary.", "An edited lead."),
        ("More commentary after the lead.", "Edited tail."),
        ("via = \"Via Person\"", "via = \"Another Person\""),
        (
            "disclosure = \"Disclosure text.\"",
            "disclosure = \"Edited disclosure.\"",
        ),
        (
            "service = \"Service Name\"",
            "service = \"Renamed Service\"",
        ),
        (
            "url = \"https://status.example.com/incident\"",
            "url = \"https://status.example.com/other\"",
        ),
        (
            "title = \"Outage title\"",
            "title = \"Outage title, edited\"",
        ),
        ("date = 2025-02-07", "date = 2025-02-08"),
        ("tags = [\"dns\", \"chat\"]", "tags = [\"chat\"]"),
        (
            "commentary = \"Outage *commentary*.\"",
            "commentary = \"Edited outage commentary.\"",
        ),
        ("The editorial of the middle issue.", "An edited editorial."),
        ("draft = false", "draft = true"),
        ("draft = true", "draft = false"),
        ("number = 2", "number = 20"),
        ("date = 2025-02-10", "date = 2025-03-01"),
        ("number = 20", "number = 2"),
    ];
    let path = "content/issues/2.md";
    for (from, to) in edits {
        edit(&site, path, from, to);
        served.rebuild_after(&site, Some(&[path]));
        assert_same(&served, &site, &format!("the edit {from:?} -> {to:?}"));
    }
}
