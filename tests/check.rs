//! `sitrep check`'s warnings on `tests/fixtures/invalid/lint`, a site with
//! exactly one of each problem: through the library (`check::run_at`) and
//! through the binary.
//!
//! Expected lines are found by searching the fixture files, so editing a
//! fixture does not mean renumbering the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use jiff::civil::date;
use sitrep::check::{self, Warning, WarningKind};
use sitrep::{BuildOptions, Site};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid/lint")
}

fn issue_file(name: &str) -> PathBuf {
    fixture().join("content/issues").join(name)
}

/// The 1-based line of the `nth` (0-based) occurrence of `needle` in `file`.
fn line_of(file: &Path, needle: &str, nth: usize) -> usize {
    let text = std::fs::read_to_string(file).unwrap();
    let (offset, _) = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` (#{nth}) not in {}", file.display()));
    text[..offset].matches('\n').count() + 1
}

/// One expected warning: its kind, its file, and the text its line holds.
struct Expected {
    kind: WarningKind,
    file: &'static str,
    needle: &'static str,
    nth: usize,
}

const fn expect(kind: WarningKind, file: &'static str, needle: &'static str) -> Expected {
    Expected {
        kind,
        file,
        needle,
        nth: 0,
    }
}

fn expected() -> Vec<Expected> {
    use WarningKind::*;
    vec![
        expect(DuplicateUrl, "2.md", "HTTPS://Status.Example.com/dyn-ddos/"),
        expect(BrokenLink, "2.md", "/issues/99/"),
        expect(NoCommentary, "2.md", "https://sre.example.com/blameless"),
        expect(UntaggedOutage, "2.md", "service = \"GitHub\""),
        expect(
            RepeatedUrl,
            "3.md",
            "https://blog.example.com/retries#conclusion",
        ),
        expect(SingleUseTag, "3.md", "\"dsn\""),
        expect(BrokenAnchor, "3.md", "/issues/1/#link-nope"),
        expect(NumberDateOrder, "3.md", "date = 2025-01-10"),
        expect(NumberGap, "5.md", "number = 5"),
        expect(FutureDate, "5.md", "date = 2099-01-05"),
        expect(TrackingParameters, "5.md", "utm_source=newsletter"),
        expect(OutageAfterIssue, "2.md", "date = 2025-01-15"),
        expect(UnclosedHtml, "5.md", "<textarea rows"),
    ]
}

fn load(drafts: bool) -> (Site, Vec<sitrep::Output>) {
    let opts = BuildOptions {
        root: fixture(),
        drafts,
        ..Default::default()
    };
    let site = sitrep::load(&opts).unwrap_or_else(|e| panic!("the fixture must load:\n{e}"));
    let outputs = sitrep::render_site(&site).unwrap_or_else(|e| panic!("and render:\n{e}"));
    (site, outputs)
}

fn lint(site: &Site, outputs: &[sitrep::Output]) -> Vec<Warning> {
    check::run_at(site, outputs, date(2025, 6, 1))
}

fn report(warnings: &[Warning]) -> String {
    warnings
        .iter()
        .map(|w| format!("{:?}\n{w}", w.kind))
        .collect()
}

fn find(warnings: &[Warning], kind: WarningKind) -> &Warning {
    let mut of_kind = warnings.iter().filter(|w| w.kind == kind);
    let w = of_kind
        .next()
        .unwrap_or_else(|| panic!("no {kind:?} in:\n{}", report(warnings)));
    assert!(
        of_kind.next().is_none(),
        "{kind:?} twice in:\n{}",
        report(warnings)
    );
    w
}

#[test]
fn each_problem_is_reported_once_at_its_file_and_line() {
    let (site, outputs) = load(false);
    let warnings = lint(&site, &outputs);
    for e in expected() {
        let w = find(&warnings, e.kind);
        let file = issue_file(e.file);
        let line = line_of(&file, e.needle, e.nth);
        assert_eq!(
            (&w.diagnostic.path, w.diagnostic.line),
            (&file, line),
            "{:?} should point at `{}`:\n{w}",
            e.kind,
            e.needle
        );
        assert!(
            w.diagnostic.hint.is_some(),
            "{:?} has no hint:\n{w}",
            e.kind
        );
    }
    assert_eq!(warnings.len(), expected().len(), "{}", report(&warnings));
}

#[test]
fn warnings_are_sorted_by_file_then_line() {
    let (site, outputs) = load(false);
    let warnings = lint(&site, &outputs);
    let keys: Vec<_> = warnings
        .iter()
        .map(|w| (w.diagnostic.path.clone(), w.diagnostic.line))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn messages_name_the_other_issue_the_fix_and_the_likely_tag() {
    let (site, outputs) = load(false);
    let warnings = lint(&site, &outputs);
    let text = |kind| find(&warnings, kind).to_string();

    let first = line_of(
        &issue_file("1.md"),
        "https://status.example.com/dyn-ddos",
        0,
    );
    let duplicate = text(WarningKind::DuplicateUrl);
    assert!(
        duplicate.contains(&format!(
            "already linked in issue #1 (content/issues/1.md:{first})"
        )),
        "{duplicate}"
    );
    let repeated = text(WarningKind::RepeatedUrl);
    let once = line_of(&issue_file("3.md"), "https://blog.example.com/retries\"", 0);
    assert!(
        repeated.contains(&format!("first at line {once}")),
        "{repeated}"
    );

    let tracking = text(WarningKind::TrackingParameters);
    assert!(tracking.contains("utm_source, utm_medium"), "{tracking}");
    assert!(
        tracking
            .contains("help: link to the clean URL: https://eng.example.com/load-shedding?id=3\n"),
        "{tracking}"
    );
    let tag = text(WarningKind::SingleUseTag);
    assert!(
        tag.contains("tag `dsn`") && tag.contains("did you mean `dns`"),
        "{tag}"
    );
    let gap = text(WarningKind::NumberGap);
    assert!(gap.contains("issue #4 is missing"), "{gap}");
    let order = text(WarningKind::NumberDateOrder);
    assert!(
        order.contains("issue #3") && order.contains("issue #2"),
        "{order}"
    );
    let untagged = text(WarningKind::UntaggedOutage);
    assert!(untagged.contains("tags = [\"dns\"]"), "{untagged}");
    let anchor = text(WarningKind::BrokenAnchor);
    assert!(anchor.contains("#link-nope"), "{anchor}");

    for w in &warnings {
        let shown = w.to_string();
        assert!(shown.starts_with("warning: "), "{shown}");
        assert!(!shown.contains("error:"), "{shown}");
    }
}

#[test]
fn sponsor_links_pages_and_valid_internal_links_raise_nothing() {
    let (site, outputs) = load(false);
    let warnings = lint(&site, &outputs);
    let clean = [issue_file("1.md"), fixture().join("content/pages/about.md")];
    // The fixture must hold what this test is about.
    let sponsor = site.issues.iter().flat_map(|i| &i.sponsors).next().unwrap();
    assert!(sponsor.url.as_deref().unwrap().contains("utm_source"));
    let about = &site.pages[0].html;
    for href in ["/issues/1/#outage-github", "../issues/2/", "#outage-github"] {
        let html = if href.starts_with('#') {
            &site.issues.last().unwrap().intro_html
        } else {
            about
        };
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "{href} not in {html}"
        );
    }
    for w in &warnings {
        assert!(!clean.contains(&w.diagnostic.path), "unexpected:\n{w}");
    }
}

#[test]
fn drafts_may_be_dated_in_the_future() {
    let (site, outputs) = load(true);
    let draft = site
        .issues
        .iter()
        .find(|i| i.draft)
        .expect("the fixture has a draft");
    assert!(
        draft.date > date(2025, 6, 1),
        "the draft must be dated in the future"
    );
    let warnings = lint(&site, &outputs);
    let future: Vec<&Path> = warnings
        .iter()
        .filter(|w| w.kind == WarningKind::FutureDate)
        .map(|w| w.diagnostic.path.as_path())
        .collect();
    assert_eq!(future, [issue_file("5.md")]);
}

#[test]
fn a_past_today_means_no_future_dates() {
    let (site, outputs) = load(false);
    let warnings = check::run_at(&site, &outputs, date(2100, 1, 1));
    assert!(warnings.iter().all(|w| w.kind != WarningKind::FutureDate));
}

#[test]
fn check_settings_and_a_vocabulary_turn_style_warnings_off() {
    let (mut site, outputs) = load(false);
    site.config.check.link_commentary = false;
    site.config.check.outage_tags = false;
    site.config.tags = Some(Default::default());
    let kinds: Vec<WarningKind> = lint(&site, &outputs).iter().map(|w| w.kind).collect();
    for off in [
        WarningKind::NoCommentary,
        WarningKind::UntaggedOutage,
        WarningKind::SingleUseTag,
    ] {
        assert!(!kinds.contains(&off), "{off:?} in {kinds:?}");
    }
    assert_eq!(kinds.len(), expected().len() - 3);
}

// ---------------------------------------------------------------------------
// The binary.

fn check(extra: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .arg("check")
        .arg("--root")
        .arg(fixture())
        .args(extra)
        .output()
        .expect("run sitrep");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[test]
fn check_prints_every_warning_and_succeeds() {
    let (code, text) = check(&[]);
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("warning:"), "{text}");
    for e in expected() {
        let file = issue_file(e.file);
        let at = format!("{}:{}:", file.display(), line_of(&file, e.needle, e.nth));
        assert!(text.contains(&at), "{:?}: no {at} in:\n{text}", e.kind);
    }
}

#[test]
fn check_deny_warnings_fails_on_warnings() {
    let (code, text) = check(&["--deny-warnings"]);
    assert!(code.is_some_and(|c| c != 0), "{text}");
    assert!(text.contains("warning:"), "{text}");
}
