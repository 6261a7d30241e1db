//! The `sitrep` binary: exit codes and messages.

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

use crate::support::{SiteTest, line_of, repo};

fn sitrep(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const ISSUE: &str = "content/issues/typo.md";
const TYPO: &str = "+++\nnumber = 1\ndate = 2025-01-06\ntittle = \"Typo\"\n+++\n\nBody.\n";

fn site_with_a_typo() -> SiteTest {
    SiteTest::inline(&[
        (
            "config.toml",
            "title = \"T\"\nbase_url = \"https://t.example/\"\n",
        ),
        (ISSUE, TYPO),
    ])
}

#[test]
fn cli_build_fails_naming_the_file_and_line_of_a_content_error() {
    let site = site_with_a_typo();
    let out = TempDir::new().unwrap();
    let target = out.path().join("public");
    let root = site.root().to_str().unwrap();
    let run = sitrep(
        &repo(),
        &[
            "build",
            "--root",
            root,
            "--output",
            target.to_str().unwrap(),
        ],
    );
    assert!(!run.status.success());
    let err = stderr(&run);
    let location = format!(
        "{}:{}:",
        site.root().join(ISSUE).display(),
        line_of(TYPO, "tittle")
    );
    assert!(err.contains(&location), "stderr lacks `{location}`:\n{err}");
    assert!(err.contains("`title`"), "stderr lacks the hint:\n{err}");
    assert!(!target.exists(), "nothing is written");
}

#[test]
fn cli_check_validates_without_writing_anything() {
    let bad = site_with_a_typo();
    let run = sitrep(bad.root(), &["check"]);
    assert!(!run.status.success());
    assert!(stderr(&run).contains("typo.md"), "{}", stderr(&run));

    let good = SiteTest::copy_of("second");
    let before = crate::support::snapshot(good.root());
    let run = sitrep(good.root(), &["check"]);
    assert!(run.status.success(), "{}", stderr(&run));
    crate::support::assert_same_files(&crate::support::snapshot(good.root()), &before, "the site");
}

#[test]
fn cli_relative_output_is_resolved_against_the_site_root() {
    let site = SiteTest::copy_of("second");
    let elsewhere = TempDir::new().unwrap();
    let run = sitrep(
        elsewhere.path(),
        &[
            "build",
            "--root",
            site.root().to_str().unwrap(),
            "--output",
            "out",
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(site.root().join("out/index.html").is_file());
    assert!(!elsewhere.path().join("out").exists());
}

#[test]
fn cli_refuses_a_non_empty_output_folder_unless_forced() {
    let site = SiteTest::fixture("second");
    let out = TempDir::new().unwrap();
    std::fs::write(out.path().join("keep.txt"), "mine").unwrap();
    let args = [
        "build",
        "--root",
        site.root().to_str().unwrap(),
        "--output",
        out.path().to_str().unwrap(),
    ];
    let run = sitrep(&repo(), &args);
    assert!(!run.status.success());
    assert!(stderr(&run).contains("--force"), "{}", stderr(&run));
    assert!(!out.path().join("index.html").exists());

    let run = sitrep(&repo(), &[&args[..], &["--force"]].concat());
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(out.path().join("index.html").is_file());
    assert_eq!(
        std::fs::read_to_string(out.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn cli_base_url_flag_overrides_the_config() {
    let site = SiteTest::fixture("second");
    let out = TempDir::new().unwrap();
    let base = "https://staging.example.com/preview/";
    let args = [
        "build",
        "--root",
        site.root().to_str().unwrap(),
        "--output",
        out.path().to_str().unwrap(),
        "--base-url",
        base,
    ];
    let run = sitrep(&repo(), &args);
    assert!(run.status.success(), "{}", stderr(&run));
    let page = crate::support::Page::parse(
        "index.html",
        &std::fs::read_to_string(out.path().join("index.html")).unwrap(),
    );
    assert_eq!(page.attrs("link[rel=canonical]", "href"), [base]);
    let stylesheets = page.attrs("link[rel=stylesheet]", "href");
    assert!(
        !stylesheets.is_empty() && stylesheets.iter().all(|h| h.starts_with("/preview/")),
        "{stylesheets:?}"
    );
}
