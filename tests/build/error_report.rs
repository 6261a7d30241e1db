//! The error experience, case by case (issue "Bad input gets a clear error"): every
//! problem in config, front matter or templates is reported like a compiler error, with
//! the file, the line and column, the offending line, what is wrong and a hint; all the
//! problems of a run are reported together, and the binary exits non-zero.
//!
//! `errors.rs` holds the first, smaller set of these; this module is the full matrix.
//! Expected lines and columns are always found in the input text written here.

use std::path::Path;
use std::process::Command;

use sitrep::{Diagnostic, Error};
use tempfile::TempDir;

use crate::support::{SiteTest, line_of};

const CONFIG: &str = "title = \"Broken\"\nbase_url = \"https://broken.example/\"\n";
const CONFIG_WITH_TAGS: &str = "title = \"Broken\"\nbase_url = \"https://broken.example/\"\n\n[tags]\ndns = \"DNS\"\nddos = \"DDoS\"\n";
const ISSUE: &str = "content/issues/2025/broken.md";
const GOOD_ISSUE: &str = "+++\nnumber = 1\ndate = 2025-01-06\n+++\n\nBody.\n";

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// The problems of a site whose only issue is `text`.
fn problems(config: &str, text: &str) -> Vec<Diagnostic> {
    let mut diags = SiteTest::inline(&[("config.toml", config), (ISSUE, text)]).diagnostics();
    diags.sort_by_key(|d| (d.path.clone(), d.line, d.column));
    diags
}

/// The single problem of a site whose only issue is `text`, checked to be in that file.
fn issue_problem(config: &str, text: &str) -> Diagnostic {
    one_in(problems(config, text), ISSUE)
}

#[track_caller]
fn one_in(mut diags: Vec<Diagnostic>, file: &str) -> Diagnostic {
    assert_eq!(diags.len(), 1, "expected one problem: {diags:#?}");
    let d = diags.remove(0);
    assert!(
        d.path.ends_with(file),
        "names {file}: {}\n{d}",
        d.path.display()
    );
    d
}

#[track_caller]
fn hint(d: &Diagnostic) -> &str {
    d.hint.as_deref().unwrap_or_else(|| panic!("no hint:\n{d}"))
}

/// 1-based `(line, column)` of the first `needle` in `text`, the column in characters.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"));
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (
        line_of(text, needle),
        text[line_start..at].chars().count() + 1,
    )
}

/// The 1-based line of the `n`th (1-based) occurrence of `needle` in `text`.
fn line_of_nth(text: &str, needle: &str, n: usize) -> usize {
    let (at, _) = text
        .match_indices(needle)
        .nth(n - 1)
        .unwrap_or_else(|| panic!("`{needle}` is not {n} times in the text"));
    text[..at].matches('\n').count() + 1
}

/// The text of 1-based line `n`.
fn line_text(text: &str, n: usize) -> &str {
    text.lines().nth(n - 1).unwrap()
}

/// Asserts `d` is at the line of `needle`, showing that line.
#[track_caller]
fn assert_line(d: &Diagnostic, text: &str, needle: &str) {
    let line = line_of(text, needle);
    assert_eq!(d.line, line, "line of `{needle}`:\n{d}");
    assert_eq!(
        d.source_line.as_deref(),
        Some(line_text(text, line)),
        "shows the line:\n{d}"
    );
    assert!(d.column > 0, "has a column:\n{d}");
}

/// Asserts `d` points exactly at the start of `needle`: line, column and the line's text.
#[track_caller]
fn assert_at(d: &Diagnostic, text: &str, needle: &str) {
    assert_line(d, text, needle);
    assert_eq!(
        d.column,
        position(text, needle).1,
        "column of `{needle}`:\n{d}"
    );
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// What a build of `site` fails with (panics if it succeeds).
fn build_error(site: &SiteTest) -> Error {
    let out = TempDir::new().unwrap();
    match site.build_into(out.path(), false) {
        Err(e) => e,
        Ok(_) => panic!("expected {} to fail to build", site.root().display()),
    }
}

/// A site with one good issue and these extra files.
fn site_with(extra: &[(&str, &str)]) -> SiteTest {
    let mut files = vec![("config.toml", CONFIG), (ISSUE, GOOD_ISSUE)];
    files.extend_from_slice(extra);
    SiteTest::inline(&files)
}

/// Tera's report of a template error: `(context, message)`.
fn template_error(site: &SiteTest) -> (String, String) {
    match build_error(site) {
        Error::Template { context, message } => (context, message),
        e => panic!("expected a template error, got:\n{e}"),
    }
}

/// A `templates/404.html` override whose main block is `main`.
fn not_found_template(main: &str) -> String {
    format!(
        "{{% extends \"base.html\" %}}\n{{% block main %}}\n<h1>Not found</h1>\n{main}\n{{% endblock main %}}\n"
    )
}

/// Display width as a terminal shows it: tabs to the next multiple of 8, East Asian wide
/// characters (CJK, kana, hangul, full-width forms, most emoji) as two columns.
fn display_width(s: &str) -> usize {
    s.chars().fold(0, |col, c| match c {
        '\t' => (col / 8 + 1) * 8,
        c if matches!(c as u32,
            0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD) =>
        {
            col + 2
        }
        _ => col + 1,
    })
}

/// Asserts that in the rendered report, the caret sits (on screen) under the start of
/// `needle` in the quoted source line.
#[track_caller]
fn assert_caret_under(rendered: &str, needle: &str) {
    let lines: Vec<&str> = rendered.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.contains(" | ") && l.contains(needle))
        .unwrap_or_else(|| panic!("no source line with `{needle}`:\n{rendered}"));
    let source = lines[i];
    let caret = lines[i + 1];
    let caret_at = caret
        .find('^')
        .unwrap_or_else(|| panic!("no caret under the source line:\n{rendered}"));
    let needle_at = source.find(needle).unwrap();
    assert_eq!(
        display_width(&caret[..caret_at]),
        display_width(&source[..needle_at]),
        "the caret is not under `{needle}` on screen:\n{rendered}"
    );
}

// ---------------------------------------------------------------------------------------
// Malformed TOML
// ---------------------------------------------------------------------------------------

/// A malformed-TOML case: the two files, the broken one, where it breaks, what the hint names.
struct Malformed {
    case: &'static str,
    config: &'static str,
    issue: &'static str,
    file: &'static str,
    breaks_at: &'static str,
    hint_mentions: &'static str,
}

const MALFORMED: [Malformed; 5] = [
    Malformed {
        case: "unclosed string in front matter",
        config: CONFIG,
        issue: "+++\nnumber = 1\ndate = 2025-01-06\ntitle = \"Outages of the week\nsummary = \"x\"\n+++\n\nBody.\n",
        file: ISSUE,
        breaks_at: "title = \"Outages",
        hint_mentions: "\"",
    },
    Malformed {
        case: "`[[links]` header in front matter",
        config: CONFIG,
        issue: "+++\nnumber = 1\ndate = 2025-01-06\n\n[[links]\ntitle = \"A\"\nurl = \"https://a.example/\"\n+++\n",
        file: ISSUE,
        breaks_at: "[[links]\n",
        hint_mentions: "]]",
    },
    Malformed {
        case: "`[links` header in front matter",
        config: CONFIG,
        issue: "+++\nnumber = 1\ndate = 2025-01-06\n\n[links\ntitle = \"A\"\n+++\n",
        file: ISSUE,
        breaks_at: "[links\n",
        hint_mentions: "]",
    },
    Malformed {
        case: "unclosed string in config.toml",
        config: "title = \"Broken\nbase_url = \"https://broken.example/\"\n",
        issue: GOOD_ISSUE,
        file: "config.toml",
        breaks_at: "title = \"Broken",
        hint_mentions: "\"",
    },
    Malformed {
        case: "`[tags` header in config.toml",
        config: "title = \"Broken\"\nbase_url = \"https://broken.example/\"\n\n[tags\ndns = \"DNS\"\n",
        issue: GOOD_ISSUE,
        file: "config.toml",
        breaks_at: "[tags\n",
        hint_mentions: "]",
    },
];

impl Malformed {
    fn problem(&self) -> (Diagnostic, &'static str) {
        let diags =
            SiteTest::inline(&[("config.toml", self.config), (ISSUE, self.issue)]).diagnostics();
        let text = if self.file == ISSUE {
            self.issue
        } else {
            self.config
        };
        (one_in(diags, self.file), text)
    }
}

#[test]
fn malformed_toml_is_reported_at_the_line_where_it_breaks() {
    for case in &MALFORMED {
        let (d, text) = case.problem();
        let line = line_of(text, case.breaks_at);
        assert_eq!(d.line, line, "{}:\n{d}", case.case);
        assert_eq!(
            d.source_line.as_deref(),
            Some(line_text(text, line)),
            "{}",
            case.case
        );
        // The parser notices at the end of the broken line (where `"` or `]` is missing).
        assert_eq!(
            d.column,
            line_text(text, line).chars().count() + 1,
            "{}:\n{d}",
            case.case
        );
    }
}

#[test]

fn malformed_toml_gets_a_hint_on_how_to_close_it() {
    for case in &MALFORMED {
        let (d, _) = case.problem();
        assert!(
            d.hint
                .as_deref()
                .is_some_and(|h| h.contains(case.hint_mentions)),
            "{}: the hint should say how to close it with `{}`:\n{d}",
            case.case,
            case.hint_mentions
        );
    }
}

// ---------------------------------------------------------------------------------------
// Front matter missing, not closed, or YAML
// ---------------------------------------------------------------------------------------

#[test]
fn a_plain_markdown_issue_is_told_to_start_with_front_matter() {
    let text = "# Outages this week\n\nJust Markdown, no front matter.\n";
    let d = issue_problem(CONFIG, text);
    assert_at(&d, text, "# Outages");
    assert!(d.message.contains("+++"), "{d}");
    assert!(hint(&d).contains("+++"), "{d}");
}

#[test]
fn unclosed_front_matter_points_at_its_opening_line() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\n\nThe body starts here, but the front matter never ended.\n";
    let d = issue_problem(CONFIG, text);
    assert_at(&d, text, "+++");
    assert!(d.message.contains("never closed"), "{d}");
    assert!(hint(&d).contains("`+++`"), "{d}");
}

#[test]
fn yaml_front_matter_is_told_that_toml_between_plus_lines_is_needed() {
    let text = "---\nnumber: 1\ndate: 2025-01-06\n---\n\nBody.\n";
    let d = issue_problem(CONFIG, text);
    assert_at(&d, text, "---");
    assert!(hint(&d).contains("YAML"), "{d}");
    assert!(hint(&d).contains("TOML"), "{d}");
    assert!(hint(&d).contains("`+++`"), "{d}");
}

#[test]

fn a_page_without_front_matter_gets_a_hint_about_pages() {
    for text in ["", "About this newsletter.\n"] {
        let site = site_with(&[("content/pages/about.md", text)]);
        let d = one_in(site.diagnostics(), "content/pages/about.md");
        let h = hint(&d);
        assert!(!h.contains("issue"), "a page is not an issue:\n{d}");
        assert!(h.contains("title"), "a page needs a title:\n{d}");
    }
}

// ---------------------------------------------------------------------------------------
// Missing required fields
// ---------------------------------------------------------------------------------------

#[test]
fn a_missing_number_or_date_is_reported_inside_the_front_matter() {
    for (field, text) in [
        (
            "number",
            "+++\ndate = 2025-01-06\ntitle = \"No number\"\n+++\n\nBody.\n",
        ),
        (
            "date",
            "+++\nnumber = 1\ntitle = \"No date\"\n+++\n\nBody.\n",
        ),
    ] {
        let d = issue_problem(CONFIG, text);
        let first = line_of(text, "+++") + 1;
        let last = line_of_nth(text, "+++", 2) - 1;
        assert!(
            (first..=last).contains(&d.line),
            "{field}: line {} is outside the front matter ({first}..={last}):\n{d}",
            d.line
        );
        assert!(d.message.contains(&format!("`{field}`")), "{d}");
        assert!(hint(&d).contains(&format!("{field} =")), "{d}");
    }
}

/// An issue with three `[[key]]` entries of which the second lacks `missing`.
fn second_entry_lacks(key: &str, entries: [&str; 3]) -> String {
    let mut text = String::from("+++\nnumber = 1\ndate = 2025-01-06\n");
    for entry in entries {
        text.push_str(&format!("\n[[{key}]]\n{entry}"));
    }
    text.push_str("+++\n\nBody.\n");
    text
}

#[test]
fn a_link_or_outage_missing_a_field_points_at_the_header_of_that_entry() {
    let link = |title: &str, url: &str| format!("title = \"{title}\"\nurl = \"{url}\"\n");
    let cases = [
        (
            "links",
            "url",
            second_entry_lacks(
                "links",
                [
                    &link("A", "https://a.example/"),
                    "title = \"B\"\nsource = \"B's blog\"\n",
                    &link("C", "https://c.example/"),
                ],
            ),
        ),
        (
            "links",
            "title",
            second_entry_lacks(
                "links",
                [
                    &link("A", "https://a.example/"),
                    "url = \"https://b.example/\"\nsource = \"B's blog\"\n",
                    &link("C", "https://c.example/"),
                ],
            ),
        ),
        (
            "outages",
            "service",
            second_entry_lacks(
                "outages",
                [
                    "service = \"GitHub\"\n",
                    "title = \"Postmortem\"\nurl = \"https://b.example/\"\n",
                    "service = \"Fastly\"\n",
                ],
            ),
        ),
    ];
    for (key, field, text) in cases {
        let d = issue_problem(CONFIG, &text);
        let header = format!("[[{key}]]");
        assert_eq!(
            d.line,
            line_of_nth(&text, &header, 2),
            "{key}.{field}: points at the second {header}, the entry missing it:\n{d}"
        );
        assert_eq!(d.source_line.as_deref(), Some(header.as_str()), "{d}");
        assert!(d.message.contains(&format!("`{field}`")), "{d}");
        assert!(hint(&d).contains(&format!("{field} =")), "{d}");
    }
}

// ---------------------------------------------------------------------------------------
// Wrong types
// ---------------------------------------------------------------------------------------

#[test]
fn a_value_of_the_wrong_type_is_reported_at_the_value_with_a_hint() {
    let cases = [
        (
            "+++\nnumber = \"45\"\ndate = 2025-01-06\n+++\n",
            "\"45\"",
            "quote",
        ),
        (
            "+++\nnumber = 1\ndate = 2025-01-06\n\n[[links]]\ntitle = \"A\"\nurl = \"https://a.example/\"\ntags = \"dns\"\n+++\n",
            "\"dns\"",
            "[",
        ),
        (
            "+++\nnumber = 1\ndate = \"2016-10-23\"\n+++\n",
            "\"2016-10-23\"",
            "quote",
        ),
    ];
    for (text, value, hint_word) in cases {
        let d = issue_problem(CONFIG_WITH_TAGS, text);
        assert_at(&d, text, value);
        assert!(d.message.contains(value.trim_matches('"')), "{d}");
        assert!(hint(&d).contains(hint_word), "{d}");
    }
}

#[test]

fn a_quoted_date_is_told_to_drop_the_quotes() {
    let text = "+++\nnumber = 1\ndate = \"2016-10-23\"\n+++\n";
    let d = issue_problem(CONFIG, text);
    assert_at(&d, text, "\"2016-10-23\"");
    let h = hint(&d);
    assert!(
        h.contains("2016-10-23") && !h.contains("\"2016-10-23\""),
        "the hint should show the date without quotes:\n{d}"
    );
}

// ---------------------------------------------------------------------------------------
// Unknown keys
// ---------------------------------------------------------------------------------------

#[test]
fn an_unknown_key_suggests_the_closest_known_key_wherever_it_is() {
    let issue = |front: &str| format!("+++\nnumber = 1\ndate = 2025-01-06\n{front}+++\n\nBody.\n");
    let cases = [
        (
            "top level",
            CONFIG.to_string(),
            issue("tittle = \"Hello\"\n"),
            ISSUE,
            "tittle",
            "title",
        ),
        (
            "[[links]]",
            CONFIG.to_string(),
            issue(
                "\n[[links]]\ntitle = \"A\"\nurl = \"https://a.example/\"\nsorce = \"A's blog\"\n",
            ),
            ISSUE,
            "sorce",
            "source",
        ),
        (
            "[[outages]]",
            CONFIG.to_string(),
            issue("\n[[outages]]\nservcie = \"GitHub\"\n"),
            ISSUE,
            "servcie",
            "service",
        ),
        (
            "config.toml",
            format!("{CONFIG}feed_limt = 5\n"),
            GOOD_ISSUE.to_string(),
            "config.toml",
            "feed_limt",
            "feed_limit",
        ),
    ];
    for (place, config, text, file, typo, known) in cases {
        let diags = SiteTest::inline(&[("config.toml", &config), (ISSUE, &text)]).diagnostics();
        let d = one_in(diags, file);
        let source = if file == ISSUE { &text } else { &config };
        assert_at(&d, source, typo);
        assert!(d.message.contains(&format!("`{typo}`")), "{place}:\n{d}");
        assert!(
            hint(&d).contains(&format!("did you mean `{known}`")),
            "{place}:\n{d}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Issue numbers
// ---------------------------------------------------------------------------------------

#[test]
fn a_duplicate_number_names_both_files_and_says_how_to_fix_it() {
    let first = "+++\nnumber = 45\ndate = 2025-01-06\n+++\n";
    let second = "+++\ntitle = \"Later\"\nnumber = 45\ndate = 2025-01-13\n+++\n";
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/2025/week-1.md", first),
        ("content/issues/2025/week-2.md", second),
    ]);
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    let (text, other) = if d.path.ends_with("week-2.md") {
        (second, "week-1.md")
    } else {
        assert!(d.path.ends_with("week-1.md"), "{d}");
        (first, "week-2.md")
    };
    assert_at(d, text, "number");
    assert!(d.message.contains("45"), "{d}");
    assert!(d.message.contains(other), "names the other file:\n{d}");
    assert!(hint(d).contains("number"), "{d}");
}

#[test]
fn a_number_that_is_not_positive_is_reported_at_the_value() {
    for value in ["0", "-3"] {
        let text = format!("+++\nnumber = {value}\ndate = 2025-01-06\n+++\n");
        let d = issue_problem(CONFIG, &text);
        assert_at(&d, &text, &format!("{value}\n"));
        assert!(d.message.contains(value), "{d}");
        assert!(hint(&d).contains("1, 2, 3"), "{d}");
    }
}

// ---------------------------------------------------------------------------------------
// URLs and tags
// ---------------------------------------------------------------------------------------

#[test]
fn urls_that_are_not_absolute_http_are_rejected_in_links_outages_and_sponsors() {
    let bad = ["javascript:alert(1)", "data:text/html,x", "/foo", "ftp://x"];
    let mut text = String::from("+++\nnumber = 1\ndate = 2025-01-06\n");
    let mut expected: Vec<(usize, &str)> = Vec::new();
    for (i, url) in bad.iter().enumerate() {
        for entry in [
            format!("[[links]]\ntitle = \"Link {i}\""),
            format!("[[outages]]\nservice = \"Service {i}\""),
            format!("[[sponsors]]\ntext = \"Sponsor {i}\""),
        ] {
            text.push_str(&format!("\n{entry}\n"));
            expected.push((text.matches('\n').count() + 1, url));
            text.push_str(&format!("url = \"{url}\"\n"));
        }
    }
    text.push_str("+++\n\nBody.\n");

    let diags = problems(CONFIG, &text);
    let lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
    let expected_lines: Vec<usize> = expected.iter().map(|(l, _)| *l).collect();
    assert_eq!(
        lines, expected_lines,
        "one problem per bad URL:\n{diags:#?}"
    );
    for (d, (line, url)) in diags.iter().zip(&expected) {
        assert!(d.path.ends_with(ISSUE), "{d}");
        assert_eq!(d.source_line.as_deref(), Some(line_text(&text, *line)));
        assert_eq!(d.column, "url = \"".len(), "points at the value:\n{d}");
        assert!(d.message.contains(url), "names the URL:\n{d}");
        assert!(hint(d).contains("https://"), "{d}");
    }
}

#[test]
fn a_tag_outside_the_vocabulary_suggests_the_closest_in_links_and_outages() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\n\n\
        [[links]]\ntitle = \"A\"\nurl = \"https://a.example/\"\ntags = [\"dns\", \"dnss\"]\n\n\
        [[outages]]\nservice = \"Route 53\"\ntags = [\"dnss\"]\n+++\n\nBody.\n";
    let diags = problems(CONFIG_WITH_TAGS, text);
    assert_eq!(diags.len(), 2, "{diags:#?}");
    for (n, d) in diags.iter().enumerate() {
        let line = line_of_nth(text, "\"dnss\"", n + 1);
        assert_eq!(d.line, line, "{d}");
        assert_eq!(
            d.column,
            line_text(text, line).find("\"dnss\"").unwrap() + 1,
            "points at the tag:\n{d}"
        );
        assert!(d.message.contains("`dnss`"), "{d}");
        assert!(hint(d).contains("did you mean `dns`"), "{d}");
    }
}

// ---------------------------------------------------------------------------------------
// Files that cannot be read as text
// ---------------------------------------------------------------------------------------

#[test]
fn a_file_that_is_not_utf8_is_reported_at_the_bad_byte() {
    let bytes: &[u8] =
        b"+++\nnumber = 1\ndate = 2025-01-06\n+++\n\nFirst paragraph.\n\nCaf\xff\xfe au lait.\n";
    let site = SiteTest::inline(&[("config.toml", CONFIG), (ISSUE, "")]);
    std::fs::write(site.root().join(ISSUE), bytes).unwrap();
    let d = one_in(site.diagnostics(), ISSUE);
    let bad = bytes.iter().position(|&b| b == 0xff).unwrap();
    let line = bytes[..bad].iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = bytes[..bad].iter().rposition(|&b| b == b'\n').unwrap() + 1;
    assert_eq!(d.line, line, "{d}");
    assert_eq!(d.column, bad - line_start + 1, "{d}");
    assert!(d.message.contains("UTF-8"), "{d}");
    assert!(hint(&d).contains("UTF-8"), "{d}");
}

#[test]
fn an_empty_issue_is_reported_with_what_an_issue_needs() {
    let d = issue_problem(CONFIG, "");
    assert!(d.line <= 1, "the whole file, or its first line:\n{d}");
    assert!(d.message.contains("empty"), "{d}");
    let h = hint(&d);
    assert!(
        h.contains("+++") && h.contains("number") && h.contains("date"),
        "{d}"
    );
}

#[test]

fn an_unreadable_issue_is_a_located_error_not_a_silent_skip() {
    let site = SiteTest::inline(&[("config.toml", CONFIG), (ISSUE, GOOD_ISSUE)]);
    let unreadable = site.root().join("content/issues/x.md");
    if is_root() {
        // Root reads a file whatever its mode; a dangling symlink is unreadable for anyone.
        std::os::unix::fs::symlink(site.root().join("content/gone.md"), &unreadable).unwrap();
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(&unreadable, GOOD_ISSUE).unwrap();
        std::fs::set_permissions(&unreadable, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    let d = one_in(site.diagnostics(), "content/issues/x.md");
    assert!(d.message.contains("read"), "{d}");
    assert!(d.hint.is_some(), "says what to do:\n{d}");
}

#[test]

fn a_symlink_to_an_issue_is_built_not_silently_skipped() {
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/1.md", GOOD_ISSUE),
        (
            "drafts/two.md",
            "+++\nnumber = 2\ndate = 2025-01-13\n+++\n\nLinked in.\n",
        ),
    ]);
    std::os::unix::fs::symlink(
        site.root().join("drafts/two.md"),
        site.root().join("content/issues/2.md"),
    )
    .unwrap();
    let out = TempDir::new().unwrap();
    match site.build_into(out.path(), false) {
        Ok((built, _)) => {
            let numbers: Vec<u32> = built.issues.iter().map(|i| i.number).collect();
            assert_eq!(numbers, [2, 1], "the symlinked issue is part of the site");
        }
        Err(Error::Content(diags)) => assert!(
            diags
                .iter()
                .any(|d| d.path.ends_with("content/issues/2.md")),
            "if symlinks are refused, say so: {diags:#?}"
        ),
        Err(e) => panic!("{e}"),
    }
}

// ---------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------

#[test]
fn a_template_error_names_the_template_the_line_and_the_culprit() {
    // (case, the broken line, where Tera points, what it should name)
    let cases = [
        (
            "unknown variable",
            "<p>{{ nonexistent_var }}</p>",
            "nonexistent_var",
            Some("`nonexistent_var`"),
        ),
        (
            "unknown filter",
            "<p>{{ site.title | shout }}</p>",
            "shout",
            Some("`shout`"),
        ),
        ("syntax error", "<p>{{ site.title }</p>", "}</p>", None),
    ];
    for (case, main, points_at, names) in cases {
        let template = not_found_template(main);
        let site = site_with(&[("templates/404.html", &template)]);
        let (context, message) = template_error(&site);
        let (line, column) = position(&template, points_at);
        let located = format!("404.html:{line}:{column}");
        assert!(
            message.contains(&located),
            "{case}: names `{located}`:\n{context}\n{message}"
        );
        assert!(
            message.contains(&format!("{line} | {main}")),
            "{case}: shows the line:\n{message}"
        );
        assert!(message.contains('^'), "{case}: has a caret:\n{message}");
        if let Some(name) = names {
            assert!(message.contains(name), "{case}: names {name}:\n{message}");
        }
    }
}

#[test]
fn a_template_error_names_the_sites_own_file() {
    let template = not_found_template("<p>{{ nonexistent_var }}</p>");
    let site = site_with(&[("templates/404.html", &template)]);
    let report = build_error(&site).to_string();
    let file = Path::new("templates").join("404.html");
    assert!(
        report.contains(&file.display().to_string()),
        "names {}:\n{report}",
        file.display()
    );
}

#[test]
fn an_unknown_filter_suggests_the_closest_filter() {
    let template = not_found_template("<p>{{ site.title | uper }}</p>");
    let site = site_with(&[("templates/404.html", &template)]);
    let report = build_error(&site).to_string();
    assert!(report.contains("`upper`"), "{report}");
}

#[test]

fn render_errors_in_two_templates_are_both_reported() {
    let site = site_with(&[
        (
            "templates/404.html",
            &not_found_template("<p>{{ first_missing }}</p>"),
        ),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}\n{% block main %}\n<p>{{ second_missing }}</p>\n{% endblock main %}\n",
        ),
        (
            "content/pages/about.md",
            "+++\ntitle = \"About\"\n+++\n\nUs.\n",
        ),
    ]);
    let report = build_error(&site).to_string();
    assert!(
        report.contains("first_missing") && report.contains("second_missing"),
        "{report}"
    );
}

// ---------------------------------------------------------------------------------------
// Two things writing the same output path
// ---------------------------------------------------------------------------------------

#[test]
fn a_page_named_like_a_generated_folder_is_refused() {
    let site = site_with(&[(
        "content/pages/issues.md",
        "+++\ntitle = \"Issues\"\n+++\n\nMine.\n",
    )]);
    let d = one_in(site.diagnostics(), "content/pages/issues.md");
    assert!(d.message.contains("/issues/"), "{d}");
    assert!(hint(&d).contains("rename"), "{d}");
}

#[test]
fn pages_in_sub_folders_publish_by_file_name_so_two_about_pages_collide() {
    let page = "+++\ntitle = \"About\"\n+++\n\nUs.\n";
    // One page in a sub-folder is published at /<file name>/: the folder is not in the URL.
    let single = site_with(&[("content/pages/team/about.md", page)]);
    assert!(single.build().exists("about/"));

    let site = site_with(&[
        ("content/pages/team/about.md", page),
        ("content/pages/company/about.md", page),
    ]);
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    let other = if d.path.ends_with("team/about.md") {
        "company/about.md"
    } else {
        assert!(d.path.ends_with("company/about.md"), "{d}");
        "team/about.md"
    };
    assert!(d.message.contains(other), "names the other file:\n{d}");
    assert!(d.message.contains("/about/"), "{d}");
    assert!(hint(d).contains("rename"), "{d}");
}

#[test]
fn a_static_file_where_the_generator_writes_is_refused_before_writing() {
    for (file, output) in [("static/rss.xml", "rss.xml"), ("static/tags", "tags")] {
        let site = site_with(&[(file, "mine\n")]);
        let out = TempDir::new().unwrap();
        let target = out.path().join("public");
        match site.build_into(&target, false) {
            Err(e @ (Error::Output(_) | Error::Content(_))) => {
                let message = e.to_string();
                assert!(message.contains(&format!("/{output}")), "{message}");
                assert!(message.contains("rename"), "{message}");
            }
            Err(e) => panic!("{file}: expected an output collision, got:\n{e}"),
            Ok(_) => panic!("{file}: built, overwriting one output with the other"),
        }
        assert!(!target.exists(), "{file}: nothing is written");
    }
}

#[test]
fn a_static_file_collision_names_the_static_file() {
    for file in ["static/rss.xml", "static/tags"] {
        let site = site_with(&[(file, "mine\n")]);
        let report = build_error(&site).to_string();
        assert!(report.contains(file), "names {file}:\n{report}");
    }
}

// ---------------------------------------------------------------------------------------
// All problems of a run, together
// ---------------------------------------------------------------------------------------

const ONE: &str = "+++\nnumber = 1\ndate = 2025-01-06\ntittle = \"x\"\n+++\n\nBody.\n";
const TWO: &str = "+++\nnumber = 2\ndate = 2025-01-13\n\n[[links]]\ntitle = \"A\"\nurl = \"javascript:alert(1)\"\n+++\n\nBody.\n";
const ABOUT: &str = "+++\ntitle = \"About\"\ncolour = \"red\"\n+++\n\nUs.\n";

/// Three broken files: `(path, text, where the problem is, a word of its hint)`.
const THREE: [(&str, &str, &str, &str); 3] = [
    ("content/issues/one.md", ONE, "tittle", "`title`"),
    ("content/issues/two.md", TWO, "\"javascript:", "https://"),
    ("content/pages/about.md", ABOUT, "colour", "description"),
];

fn three_broken_files() -> SiteTest {
    let mut files = vec![("config.toml", CONFIG)];
    files.extend(THREE.iter().map(|(path, text, _, _)| (*path, *text)));
    SiteTest::inline(&files)
}

#[test]
fn three_broken_files_give_three_located_problems() {
    let diags = three_broken_files().diagnostics();
    assert_eq!(diags.len(), 3, "{diags:#?}");
    for (path, text, needle, hint_word) in THREE {
        let d = diags
            .iter()
            .find(|d| d.path.ends_with(path))
            .unwrap_or_else(|| panic!("nothing about {path}: {diags:#?}"));
        assert_at(d, text, needle);
        assert!(hint(d).contains(hint_word), "{d}");
    }
}

#[test]
fn the_binary_prints_every_problem_like_a_compiler_and_exits_non_zero() {
    let site = three_broken_files();
    let out = TempDir::new().unwrap();
    let target = out.path().join("public");
    let run = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["build", "--root"])
        .arg(site.root())
        .arg("--output")
        .arg(&target)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success(), "{stderr}");
    assert_ne!(run.status.code(), Some(0));
    assert!(!target.exists(), "nothing is written");
    let lines: Vec<&str> = stderr.lines().collect();
    for (path, text, needle, hint_word) in THREE {
        let (line, column) = position(text, needle);
        let arrow = format!("--> {}:{line}:{column}", site.root().join(path).display());
        let i = lines
            .iter()
            .position(|l| l.trim_start() == arrow)
            .unwrap_or_else(|| panic!("no `{arrow}` line:\n{stderr}"));
        assert!(lines[i - 1].starts_with("error: "), "{stderr}");
        assert_eq!(lines[i + 1].trim(), "|", "empty gutter:\n{stderr}");
        let gutter = format!("{line} | ");
        assert_eq!(
            lines[i + 2],
            format!("{gutter}{}", line_text(text, line)),
            "the source line:\n{stderr}"
        );
        let caret = lines[i + 3];
        assert_eq!(caret.trim_end().chars().last(), Some('^'), "{stderr}");
        assert_eq!(
            caret.find('^'),
            Some(gutter.len() + column - 1),
            "the caret is under column {column} of `{}`:\n{stderr}",
            line_text(text, line)
        );
        assert!(caret[..gutter.len()].trim() == "|", "{stderr}");
        let help = lines[i + 4].trim_start();
        assert!(
            help.starts_with("= help: ") && help.contains(hint_word),
            "help line:\n{stderr}"
        );
    }
    assert!(stderr.contains("3 problems found"), "{stderr}");
}

#[test]
fn a_file_with_two_independent_problems_reports_both() {
    // An unknown key and a bad URL.
    let text = "+++\nnumber = 1\ndate = 2025-01-06\ntittle = \"x\"\n\n[[links]]\ntitle = \"A\"\nurl = \"javascript:alert(1)\"\n+++\n";
    let lines: Vec<usize> = problems(CONFIG, text).iter().map(|d| d.line).collect();
    assert_eq!(
        lines,
        [line_of(text, "tittle"), line_of(text, "url =")],
        "both problems"
    );
    // Two unknown keys in different tables. (Today only one is reported, and not even the
    // first in the file: toml hands the keys over in alphabetical order, `links` < `tittle`.)
    let text = "+++\nnumber = 1\ndate = 2025-01-06\ntittle = \"x\"\n\n[[links]]\ntitle = \"A\"\nurl = \"https://a.example/\"\nsorce = \"A's blog\"\n+++\n";
    let lines: Vec<usize> = problems(CONFIG, text).iter().map(|d| d.line).collect();
    assert_eq!(
        lines,
        [line_of(text, "tittle"), line_of(text, "sorce")],
        "both unknown keys"
    );
}

#[test]
fn a_config_problem_does_not_hide_content_problems() {
    let config = format!("{CONFIG}feed_limt = 5\n");
    let site = SiteTest::inline(&[("config.toml", &config), (ISSUE, ONE)]);
    let mut files: Vec<String> = site
        .diagnostics()
        .iter()
        .map(|d| d.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["broken.md", "config.toml"]);
}

#[test]
fn content_and_template_problems_are_reported_together() {
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        (ISSUE, ONE),
        (
            "templates/404.html",
            &not_found_template("<p>{{ site.title | shout }}</p>"),
        ),
    ]);
    let report = build_error(&site).to_string();
    assert!(
        report.contains("tittle") && report.contains("shout"),
        "{report}"
    );
}

// ---------------------------------------------------------------------------------------
// The caret under non-ASCII text
// ---------------------------------------------------------------------------------------

#[test]
fn the_column_counts_characters_and_the_caret_lines_up_after_accented_text() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\nlinks = [{ title = \"Ærø & Co — ünïcode\", url = \"javascript:alert(1)\" }]\n+++\n";
    let d = issue_problem(CONFIG, text);
    assert_at(&d, text, "\"javascript:");
    let line = line_text(text, d.line);
    assert!(
        line.len() > line.chars().count(),
        "the line has multi-byte text"
    );
    assert_caret_under(&d.to_string(), "\"javascript:");
}

#[test]
fn the_caret_lines_up_after_wide_characters() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\nlinks = [{ title = \"障害レポート\", url = \"javascript:alert(1)\" }]\n+++\n";
    let d = issue_problem(CONFIG, text);
    assert_at(&d, text, "\"javascript:");
    assert_caret_under(&d.to_string(), "\"javascript:");
}

#[test]
fn the_caret_lines_up_after_a_tab() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\n\n[[links]]\n\ttitle = \"A\"\n\turl = \"javascript:alert(1)\"\n+++\n";
    let d = issue_problem(CONFIG, text);
    assert_at(&d, text, "\"javascript:");
    assert_caret_under(&d.to_string(), "\"javascript:");
}
