//! Scheduled issues: an issue dated after the build's time is left out (no page, feed,
//! index, sitemap or data file) unless `--future` or `publish_future = true`; a bare
//! date starts at midnight in the site's `timezone`. Through the binary, with the
//! build's time set by `SITREP_NOW` for each process.

use std::path::Path;
use std::process::Command;

use crate::support::SiteTest;

const CONFIG: &str = "title = \"Scheduled\"\nbase_url = \"https://scheduled.example/\"\ntimezone = \"Europe/Berlin\"\n";
const PAST: &str = "+++\nnumber = 1\ndate = 2025-01-06\n\n[[outages]]\nservice = \"Past Service\"\n+++\n\nOut already.\n";
const NEXT: &str = "+++\nnumber = 2\ndate = 2026-12-13\ntitle = \"Next week's issue\"\n\n[[links]]\ntitle = \"Not yet\"\nurl = \"https://later.example/\"\ntags = [\"later\"]\n\n[[outages]]\nservice = \"Future Service\"\n+++\n\nComing soon.\n";

fn site(config: &str) -> SiteTest {
    SiteTest::inline(&[
        ("config.toml", config),
        ("content/issues/1.md", PAST),
        ("content/issues/2.md", NEXT),
    ])
}

/// `sitrep build` at time `now` with `args`; (success, stdout and stderr).
fn build(site: &SiteTest, out: &Path, now: &str, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(out)
        .args(args)
        .env("SITREP_NOW", now)
        .output()
        .expect("sitrep runs");
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// Whether the built site at `out` shows issue #2 anywhere a reader could find it.
fn shows_next(out: &Path) -> Vec<&'static str> {
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_default();
    let mut found = Vec::new();
    if out.join("issues/2/index.html").exists() {
        found.push("its page");
    }
    for (file, needle) in [
        ("rss.xml", "Next week"),
        ("sitemap.xml", "issues/2/"),
        ("issues/index.html", "Next week"),
        ("outages.json", "Future Service"),
        ("links.json", "Not yet"),
        ("index.html", "Next week"),
    ] {
        if read(file).contains(needle) {
            found.push(file);
        }
    }
    if out.join("tags/later/index.html").exists() {
        found.push("its tag's page");
    }
    found
}

#[test]
fn an_issue_dated_after_now_is_left_out_until_its_day_in_the_site_s_time_zone() {
    let site = site(CONFIG);
    let out = tempfile::tempdir().unwrap();
    // 22:30 UTC on the 12th is 23:30 in Berlin: not yet the 13th there.
    let (ok, text) = build(&site, out.path(), "2026-12-12T22:30:00Z", &[]);
    assert!(ok, "{text}");
    assert!(
        text.contains(
            "issue #2 is scheduled for 2026-12-13 00:00 CET: left out, use --future to publish now"
        ),
        "{text}"
    );
    assert_eq!(shows_next(out.path()), Vec::<&str>::new());
    assert!(out.path().join("issues/1/index.html").exists());

    // 23:30 UTC is half past midnight in Berlin: published, though still the 12th in UTC.
    let (ok, text) = build(&site, out.path(), "2026-12-12T23:30:00Z", &[]);
    assert!(ok, "{text}");
    assert!(!text.contains("scheduled"), "{text}");
    assert_eq!(shows_next(out.path()).len(), 8, "{text}");
}

#[test]
fn future_or_publish_future_publishes_a_scheduled_issue_now() {
    let now = "2026-12-06T12:00:00Z";
    let site = site(CONFIG);
    let out = tempfile::tempdir().unwrap();
    let (ok, text) = build(&site, out.path(), now, &["--future"]);
    assert!(ok && !text.contains("scheduled"), "{text}");
    assert_eq!(shows_next(out.path()).len(), 8);

    let site = self::site(&format!("{CONFIG}publish_future = true\n"));
    let out = tempfile::tempdir().unwrap();
    let (ok, text) = build(&site, out.path(), now, &[]);
    assert!(ok && !text.contains("scheduled"), "{text}");
    assert_eq!(shows_next(out.path()).len(), 8);
}

#[test]
fn a_bad_sitrep_now_or_time_zone_is_a_clear_error() {
    let site = site(CONFIG);
    let out = tempfile::tempdir().unwrap();
    let (ok, text) = build(&site, out.path(), "next tuesday", &[]);
    assert!(!ok);
    assert!(
        text.contains("SITREP_NOW") && text.contains("RFC 3339"),
        "{text}"
    );

    let site = self::site(&CONFIG.replace("Europe/Berlin", "Mars/Olympus_Mons"));
    let (ok, text) = build(&site, out.path(), "2026-12-06T12:00:00Z", &[]);
    assert!(!ok);
    assert!(
        text.contains("config.toml:3:") && text.contains("Mars/Olympus_Mons"),
        "{text}"
    );
    assert!(text.contains("IANA name"), "{text}");
}
