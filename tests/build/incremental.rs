//! `serve` re-renders only the pages an edit touches (page keys) and re-parses only the
//! files that changed (the content cache). Whatever it skips, the site it ends up with
//! must be byte-identical to a full build of the same sources.

use std::collections::BTreeMap;

use sitrep::content::Cache;
use sitrep::output::Memory;
use sitrep::render::{Kept, Known, Reuse};

use crate::support::SiteTest;

/// What serve holds between rebuilds: every file, the key of every page, and the index entries.
#[derive(Default)]
struct Served {
    cache: Cache,
    known: Known,
    entries: Kept,
    files: BTreeMap<String, Vec<u8>>,
}

impl Served {
    /// Rebuilds like serve; returns how many pages were rendered (not reused).
    fn rebuild(&mut self, site: &SiteTest) -> usize {
        self.rebuild_after(site, None)
    }

    /// Rebuilds like serve after its watcher reported `changed` (site paths), if given.
    fn rebuild_after(&mut self, site: &SiteTest, changed: Option<&[&str]>) -> usize {
        if let Some(changed) = changed {
            let paths = changed.iter().map(|p| site.root().join(p)).collect();
            self.cache.only_changed(paths);
        }
        let model = sitrep::load_with(&site_opts(site), &mut self.cache).expect("site loads");
        let memory = Memory::default();
        let reuse = Reuse {
            known: &self.known,
            entries: &self.entries,
        };
        let rendered = sitrep::render_reusing(&model, &memory, Some(reuse)).expect("renders");
        let mut fresh: BTreeMap<String, Vec<u8>> = memory
            .into_outputs()
            .into_iter()
            .map(|o| (o.path, o.bytes))
            .collect();
        let mut files = BTreeMap::new();
        let mut known = Known::new();
        let mut pages_rendered = 0;
        for r in rendered {
            let bytes = match fresh.remove(&r.path) {
                Some(bytes) => {
                    pages_rendered += usize::from(r.key.is_some());
                    bytes
                }
                None => self.files[&r.path].clone(),
            };
            if let Some(key) = r.key {
                known.insert(r.path.clone(), key);
            }
            files.insert(r.path, bytes);
        }
        (self.files, self.known) = (files, known);
        pages_rendered
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
    let differ: Vec<_> = full
        .keys()
        .chain(served.files.keys())
        .filter(|p| full.get(*p) != served.files.get(*p))
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
        let kept_before = served.entries.len();
        // As serve does: told which content files the watcher saw change. A new or
        // deleted file, or a config change, makes the loader look at everything.
        let rendered = served.rebuild_after(&site, Some(changed));
        assert_same(&served, &site, what);
        // Entries of an added issue (its outage and its summary) are kept, those of a
        // deleted one dropped.
        match what {
            "a new issue" => assert_eq!(served.entries.len(), kept_before + 2, "{what}"),
            "a deleted issue" => assert_eq!(served.entries.len(), kept_before - 2, "{what}"),
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
    let archive = String::from_utf8(served.files["issues/index.html"].clone()).unwrap();
    assert!(archive.contains("First, edited"));
    assert!(
        !archive.contains("Second, edited"),
        "the loader trusted the report"
    );
    // Without a report it checks every file, and the site matches a full build again.
    served.rebuild(&site);
    assert_same(&served, &site, "a rebuild that checks every file");
}
