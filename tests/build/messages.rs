//! The smaller hardening findings: each bad input gets a message that says what
//! is wrong and how to fix it, not a parser's or a library's wording.

use std::os::unix::ffi::OsStrExt;
use std::process::Command;

use sitrep::Diagnostic;

use crate::support::{SiteTest, line_of};

const CONFIG: &str = "title = \"T\"\nbase_url = \"https://t.example/\"\n";
const ISSUE: &str = "content/issues/1.md";

fn only(diags: Vec<Diagnostic>) -> Diagnostic {
    assert_eq!(diags.len(), 1, "{diags:#?}");
    diags.into_iter().next().unwrap()
}

fn issue_problem(text: &str) -> Diagnostic {
    only(SiteTest::inline(&[("config.toml", CONFIG), (ISSUE, text)]).diagnostics())
}

#[test]
fn a_number_past_the_limit_says_the_limit() {
    let d = issue_problem("+++\nnumber = 99999999999\ndate = 2025-01-06\n+++\n");
    assert!(
        d.message.contains("too large") && d.message.contains("4294967295"),
        "{d}"
    );
    assert!(!d.message.contains("positive integer"), "{d}");
    let d = issue_problem("+++\nnumber = 0\ndate = 2025-01-06\n+++\n");
    assert!(d.message.contains("not a positive integer"), "{d}");
}

#[test]
fn a_date_out_of_range_says_which_dates_work() {
    let text = "+++\nnumber = 1\ndate = 9999-12-31\n+++\n";
    let d = issue_problem(text);
    assert_eq!(d.line, line_of(text, "date ="));
    assert!(d.message.contains("from 1900-01-01 to 9998-12-31"), "{d}");
    assert!(!d.message.contains("timestamp"), "{d}");
}

#[test]
fn a_plus_line_inside_multi_line_commentary_says_the_front_matter_ended_there() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\n\n[[links]]\ntitle = \"A\"\n\
                url = \"https://sre.google/\"\ncommentary = \"\"\"\nBefore\n+++\nafter\n\"\"\"\n+++\n";
    let d = issue_problem(text);
    assert_eq!(d.line, line_of(text, "+++\nafter"));
    assert!(d.message.contains("front matter ended early"), "{d}");
    assert!(d.hint.as_deref().unwrap_or("").contains(" +++"), "{d}");
}

#[test]
fn a_duplicated_key_names_the_key_and_both_lines() {
    let text =
        "+++\nnumber = 1\ndate = 2025-01-06\ntitle = \"A\"\nsummary = \"S\"\ntitle = \"B\"\n+++\n";
    let d = issue_problem(text);
    assert_eq!(d.line, line_of(text, "title = \"B\""));
    let first = line_of(text, "title = \"A\"");
    assert!(
        d.message
            .contains(&format!("`title` is set twice: here and on line {first}")),
        "{d}"
    );
}

#[test]
fn two_vocabulary_keys_with_one_slug_are_an_error() {
    let config = format!("{CONFIG}\n[tags]\ncafe = \"Cafe\"\n\"café\" = \"Café\"\n");
    let issue = "+++\nnumber = 1\ndate = 2025-01-06\n+++\n";
    let d = only(SiteTest::inline(&[("config.toml", &config), (ISSUE, issue)]).diagnostics());
    assert!(d.path.ends_with("config.toml"), "{d}");
    assert_eq!(d.line, line_of(&config, "\"café\""));
    assert!(d.message.contains("/tags/cafe/"), "{d}");
}

#[test]
fn a_page_file_name_that_is_not_utf8_says_so() {
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        (ISSUE, "+++\nnumber = 1\ndate = 2025-01-06\n+++\n"),
    ]);
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    let path = site.root().join("content/pages").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, "+++\ntitle = \"Cafe\"\n+++\nHello.\n").unwrap();
    let d = only(site.diagnostics());
    assert!(d.message.contains("not valid UTF-8"), "{d}");
    assert!(!d.message.contains("letters or digits"), "{d}");
}

#[test]
fn new_after_the_largest_number_is_an_error_and_scheduled_issues_count() {
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        (ISSUE, "+++\nnumber = 4294967295\ndate = 2025-01-06\n+++\n"),
    ]);
    let new = || {
        Command::new(env!("CARGO_BIN_EXE_sitrep"))
            .args(["new", "--root"])
            .arg(site.root())
            .output()
            .unwrap()
    };
    let run = new();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && err.starts_with("error:"), "{err}");
    assert!(err.contains("largest number"), "{err}");
    assert!(!site.root().join("content/issues/0.md").exists());

    site.write(ISSUE, "+++\nnumber = 7\ndate = 2999-01-04\n+++\n");
    let run = new();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        site.root().join("content/issues/8.md").is_file(),
        "a scheduled #7 was ignored"
    );
}

/// Runs `sitrep check` on the site at `root` as the unprivileged user `nobody`.
#[test]
fn an_unreadable_folder_is_named_once_with_the_permission() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        (ISSUE, "+++\nnumber = 1\ndate = 2025-01-06\n+++\n"),
    ]);
    let folder = site.root().join("content/issues/old");
    std::fs::create_dir(&folder).unwrap();
    let root = std::fs::metadata(site.root()).unwrap().uid() == 0;
    let mut cmd = if root {
        assert!(
            Command::new("chown")
                .args(["-R", "65534:65534"])
                .arg(site.root())
                .status()
                .unwrap()
                .success()
        );
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_sitrep"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_sitrep"))
    };
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = cmd
        .args(["check", "--root"])
        .arg(site.root())
        .output()
        .unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "{err}");
    assert!(
        err.contains("cannot read this folder: permission denied"),
        "{err}"
    );
    assert_eq!(
        err.matches("content/issues/old").count(),
        2,
        "the path once, and once in the hint: {err}"
    );
}

#[test]
fn the_shipped_example_passes_check_deny_warnings() {
    let run = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["check", "--deny-warnings", "--root"])
        .arg(crate::support::repo())
        .output()
        .unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "{out}");
    assert!(out.contains("no errors, 0 warnings"), "{out}");
}
