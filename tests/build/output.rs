//! Writing the output folder: deterministic, incremental, and never destructive.

use std::path::Path;
use std::time::SystemTime;

use sitrep::Error;
use sitrep::output::MANIFEST;
use tempfile::TempDir;

use crate::support::{SiteTest, assert_same_files, snapshot, walk};

fn mtimes(dir: &Path) -> Vec<(std::path::PathBuf, SystemTime)> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let t = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, t)
        })
        .collect()
}

#[test]
fn the_example_site_builds_byte_identically_twice() {
    let site = SiteTest::example();
    let (first, second) = (site.build().files(), site.build().files());
    assert_same_files(&second, &first, "two builds of one site");
}

#[test]
fn rebuilding_an_unchanged_site_writes_nothing_and_keeps_mtimes() {
    let site = SiteTest::example();
    let built = site.build();
    let before = mtimes(built.dir());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (_, report) = site.build_into(built.dir(), false).unwrap();
    assert_eq!(report.written, 0, "{report:?}");
    assert_eq!(report.removed, 0, "{report:?}");
    assert_eq!(report.unchanged, built.report.written, "{report:?}");
    assert_eq!(mtimes(built.dir()), before);
}

/// A folder holding someone's files, and no manifest.
fn foreign_folder() -> TempDir {
    let out = TempDir::new().unwrap();
    std::fs::write(out.path().join("keep.txt"), "my notes").unwrap();
    std::fs::create_dir_all(out.path().join("photos")).unwrap();
    std::fs::write(out.path().join("photos/cat.txt"), "meow").unwrap();
    out
}

#[test]
fn a_non_empty_folder_without_a_manifest_is_refused_and_left_untouched() {
    let out = foreign_folder();
    let before = snapshot(out.path());
    let err = SiteTest::fixture("second")
        .build_into(out.path(), false)
        .unwrap_err();
    assert!(matches!(err, Error::Output(_)), "{err}");
    assert!(
        err.to_string().contains("--force"),
        "the message says how to proceed: {err}"
    );
    assert_same_files(&snapshot(out.path()), &before, "the folder");
}

#[test]
fn force_builds_into_a_non_empty_folder_and_keeps_its_files() {
    let out = foreign_folder();
    let site = SiteTest::fixture("second");
    site.build_into(out.path(), true).unwrap();
    assert!(out.path().join("index.html").is_file());
    assert!(out.path().join(MANIFEST).is_file());
    // The folder is now sitrep's: later builds need no --force, and still keep foreign files.
    site.build_into(out.path(), false).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.path().join("keep.txt")).unwrap(),
        "my notes"
    );
    assert_eq!(
        std::fs::read_to_string(out.path().join("photos/cat.txt")).unwrap(),
        "meow"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = SiteTest::copy_of("second");
    let out = TempDir::new().unwrap();
    site.build_into(out.path(), false).unwrap();
    let before = snapshot(out.path());

    // A valid new page (which would add files) and a broken issue (which stops the build).
    site.write(
        "content/pages/new-page.md",
        "+++\ntitle = \"New\"\n+++\n\nHello.\n",
    );
    site.write(
        "content/issues/2025/zz-broken.md",
        "+++\nnumber = 9\ndate = 2025-02-03\ntittle = \"x\"\n+++\n",
    );
    let err = site.build_into(out.path(), false).unwrap_err();
    assert!(matches!(err, Error::Content(_)), "{err}");
    assert_same_files(&snapshot(out.path()), &before, "a content error");

    // Content is fine again, but one template fails while rendering.
    site.remove("content/issues/2025/zz-broken.md");
    site.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}{% block main %}{{ no_such_variable }}{% endblock main %}",
    );
    let err = site.build_into(out.path(), false).unwrap_err();
    assert!(matches!(err, Error::Template { .. }), "{err}");
    assert_same_files(&snapshot(out.path()), &before, "a template error");
}

/// Pages stream into a staging folder beside the output; it never outlives a build.
fn assert_no_staging_left(out: &Path) {
    let parent = out.parent().unwrap();
    let left: Vec<_> = std::fs::read_dir(parent)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("sitrep-staging"))
        .collect();
    assert!(left.is_empty(), "staging folders left behind: {left:?}");
}

#[test]
fn a_successful_build_leaves_no_staging_folder_and_only_changed_files_are_rewritten() {
    let site = SiteTest::copy_of("second");
    let parent = TempDir::new().unwrap();
    let out = parent.path().join("public");
    site.build_into(&out, false).unwrap();
    assert_no_staging_left(&out);
    let before = mtimes(&out);
    std::thread::sleep(std::time::Duration::from_millis(20));

    // Edit the body of one page (its title is in every page's navigation, so keep that):
    // only that page (and the sitemap, if it changed) is rewritten.
    let page = std::fs::read_to_string(site.root().join("content/pages/sponsor.md")).unwrap();
    site.write(
        "content/pages/sponsor.md",
        &format!("{page}\nOne more paragraph.\n"),
    );
    let (_, report) = site.build_into(&out, false).unwrap();
    assert_no_staging_left(&out);
    let after = mtimes(&out);
    // The search index changes too (the page is indexed): its files are new names,
    // so they are counted apart, and the manifest lists the new ones.
    let is_index = |p: &std::path::Path| {
        p.starts_with(out.join("pagefind")) || p.ends_with(".sitrep-manifest")
    };
    let index_written = after
        .iter()
        .filter(|(p, t)| p.starts_with(out.join("pagefind")) && !before.contains(&(p.clone(), *t)))
        .count();
    assert!(index_written > 0, "the edit is not in the search index");
    let (before, after): (Vec<_>, Vec<_>) = (
        before.into_iter().filter(|(p, _)| !is_index(p)).collect(),
        after.into_iter().filter(|(p, _)| !is_index(p)).collect(),
    );
    let changed: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| b.0.clone())
        .collect();
    assert_eq!(changed.len() + index_written, report.written, "{changed:?}");
    assert!(
        changed.iter().any(|p| p.ends_with("sponsor/index.html")),
        "{changed:?}"
    );
    assert!(
        changed.len() <= 2,
        "only the edited page (and maybe the sitemap): {changed:?}"
    );

    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{{ nope }}{% endblock main %}",
    );
    site.build_into(&out, false).unwrap_err();
    assert_no_staging_left(&out);
}

#[test]
fn stale_files_are_removed_but_files_the_user_put_there_are_kept() {
    let site = SiteTest::copy_of("second");
    let out = TempDir::new().unwrap();
    site.build_into(out.path(), false).unwrap();

    let oldest = site.published().pop().unwrap();
    let n = oldest.number();
    std::fs::write(out.path().join("keep-me.txt"), "user file").unwrap();
    std::fs::write(
        out.path().join(format!("issues/{n}/notes.txt")),
        "user notes",
    )
    .unwrap();
    std::fs::remove_file(&oldest.path).unwrap();

    let (_, report) = site.build_into(out.path(), false).unwrap();
    assert!(report.removed > 0, "{report:?}");
    assert!(!out.path().join(format!("issues/{n}/index.html")).exists());
    assert_eq!(
        std::fs::read_to_string(out.path().join("keep-me.txt")).unwrap(),
        "user file"
    );
    assert_eq!(
        std::fs::read_to_string(out.path().join(format!("issues/{n}/notes.txt"))).unwrap(),
        "user notes"
    );

    // Apart from the user's files, the folder now holds exactly what a fresh build makes.
    let mut incremental = snapshot(out.path());
    incremental.remove("keep-me.txt");
    incremental.remove(&format!("issues/{n}/notes.txt"));
    assert_same_files(
        &incremental,
        &site.build().files(),
        "incremental vs fresh build",
    );
}

#[test]
fn refuses_to_write_into_the_site_itself_or_its_sources() {
    let site = SiteTest::copy_of("second");
    let before = snapshot(site.root());
    for out in [
        site.root().to_path_buf(),
        site.root().join("content"),
        site.root().join("static/out"),
    ] {
        let err = site.build_into(&out, true).unwrap_err();
        assert!(matches!(err, Error::Output(_)), "{}: {err}", out.display());
    }
    assert_same_files(&snapshot(site.root()), &before, "the folder");
}

#[test]
fn a_static_file_at_a_generated_page_s_path_is_refused_before_writing() {
    let site = SiteTest::copy_of("second");
    let out = TempDir::new().unwrap();
    site.build_into(out.path(), false).unwrap();
    let before = snapshot(out.path());
    site.write("static/index.html", "<p>my own home page</p>");
    let err = site.build_into(out.path(), false).unwrap_err();
    assert!(err.to_string().contains("index.html"), "{err}");
    assert_same_files(&snapshot(out.path()), &before, "the folder");
}

#[test]
fn a_static_file_clashing_with_a_generated_folder_is_refused_before_writing() {
    let site = SiteTest::copy_of("second");
    let out = TempDir::new().unwrap();
    site.build_into(out.path(), false).unwrap();
    let before = snapshot(out.path());
    // A new page (its nav link changes every page) and a file named like the tags/ folder.
    site.write(
        "content/pages/new-page.md",
        "+++\ntitle = \"New\"\n+++\n\nHello.\n",
    );
    site.write("static/tags", "not a folder");
    assert!(site.build_into(out.path(), false).is_err());
    assert_same_files(&snapshot(out.path()), &before, "the folder");
}
