//! The weekly loop as a new editor runs it: init, new, check, build. What is left
//! out is said, the draft being written is checked, and every error says `error:`.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

fn sitrep(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .current_dir(cwd)
        .args(args)
        .env("SITREP_NOW", "2026-12-07T12:00:00Z")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `init`, then `new` (a draft, #2), with a tracking-parameter URL in the draft.
fn site_with_a_draft() -> TempDir {
    let dir = TempDir::new().unwrap();
    assert!(sitrep(dir.path(), &["init"]).status.success());
    let new = sitrep(dir.path(), &["new", "--date", "2026-12-13"]);
    assert!(new.status.success(), "{}", text(&new));
    let draft = dir.path().join("content/issues/2.md");
    let body = std::fs::read_to_string(&draft).unwrap();
    let link = "\n[[links]]\ntitle = \"Retries\"\nurl = \"https://sre.google/?utm_source=newsletter\"\n\
                tags = [\"on-call\"]\ncommentary = \"Why.\"\n";
    // Into the front matter, just before its closing fence.
    let close = body[3..].find("\n+++").unwrap() + 4;
    let body = format!("{}{link}{}", &body[..close], &body[close..]);
    std::fs::write(&draft, body).unwrap();
    dir
}

#[test]
fn check_covers_the_draft_being_written_and_says_so() {
    let site = site_with_a_draft();
    let out = sitrep(site.path(), &["check"]);
    let said = text(&out);
    assert!(
        said.contains("utm_source"),
        "the draft's tracking URL went unreported:\n{said}"
    );
    assert!(
        said.contains("2 issues checked (including 1 draft)"),
        "{said}"
    );
    let out = sitrep(site.path(), &["check", "--no-drafts"]);
    let said = text(&out);
    assert!(!said.contains("utm_source"), "{said}");
    assert!(said.contains("1 issue checked,"), "{said}");
}

#[test]
fn build_says_which_drafts_it_left_out() {
    let site = site_with_a_draft();
    let out = sitrep(site.path(), &["build"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("1 draft left out: #2; use --drafts to include it"),
        "{}",
        text(&out)
    );
    let out = sitrep(site.path(), &["build", "--drafts"]);
    assert!(!text(&out).contains("left out"), "{}", text(&out));
}

#[test]
fn a_new_tag_against_the_starter_vocabulary_explains_the_vocabulary_without_a_wrong_guess() {
    let site = TempDir::new().unwrap();
    assert!(sitrep(site.path(), &["init"]).status.success());
    let config = std::fs::read_to_string(site.path().join("config.toml")).unwrap();
    assert!(config.contains("ONLY the tags listed"), "{config}");
    let issue = site.path().join("content/issues/1.md");
    let text_before = std::fs::read_to_string(&issue).unwrap();
    std::fs::write(
        &issue,
        text_before.replace("tags = [\"dns\"]", "tags = [\"cdn\"]"),
    )
    .unwrap();
    let out = sitrep(site.path(), &["check"]);
    let said = text(&out);
    assert!(
        said.starts_with("error: tag `cdn` is not in the [tags] vocabulary"),
        "{said}"
    );
    assert!(
        !said.contains("did you mean"),
        "an unrelated suggestion: {said}"
    );
    assert!(
        said.contains("only the tags listed there are allowed"),
        "{said}"
    );
    assert!(said.contains("cdn = \"CDN\""), "{said}");

    std::fs::write(
        &issue,
        text_before.replace("tags = [\"dns\"]", "tags = [\"dnss\"]"),
    )
    .unwrap();
    assert!(text(&sitrep(site.path(), &["check"])).contains("did you mean `dns`?"));
}

#[test]
fn two_issues_on_one_date_are_a_warning() {
    let site = TempDir::new().unwrap();
    assert!(sitrep(site.path(), &["init"]).status.success());
    let first = std::fs::read_to_string(site.path().join("content/issues/1.md")).unwrap();
    let second = first.replace("number = 1", "number = 2");
    std::fs::write(site.path().join("content/issues/2.md"), second).unwrap();
    let said = text(&sitrep(site.path(), &["check"]));
    assert!(said.contains("issue #2 has the same date"), "{said}");
    assert!(said.contains("as issue #1 (content/issues/1.md)"), "{said}");
}

#[test]
fn every_error_starts_with_error() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let out = sitrep(dir.path(), &["init"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && said.starts_with("error: "),
        "init: {said}"
    );

    let site = TempDir::new().unwrap();
    assert!(sitrep(site.path(), &["init"]).status.success());
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = sitrep(site.path(), &["serve", "--port", &port]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && said.starts_with("error: "),
        "serve: {said}"
    );
    assert!(said.contains(&port), "serve: {said}");
}

#[test]
fn serve_has_no_do_nothing_drafts_flag() {
    let site = TempDir::new().unwrap();
    let out = sitrep(site.path(), &["serve", "--drafts"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("--no-drafts"), "{said}");
}
