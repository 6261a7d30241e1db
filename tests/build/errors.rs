//! Broken sites, written inline: each problem names the file, the line and a fix.

use sitrep::Diagnostic;

use crate::support::{SiteTest, line_of};

const CONFIG: &str = "title = \"Broken\"\nbase_url = \"https://broken.example/\"\n";
const CONFIG_WITH_TAGS: &str = "title = \"Broken\"\nbase_url = \"https://broken.example/\"\n\n[tags]\ndns = \"DNS\"\nddos = \"DDoS\"\n";
const ISSUE: &str = "content/issues/2025/broken-one.md";

/// A site whose only issue is `text`; returns its problems.
fn problems(config: &str, text: &str) -> Vec<Diagnostic> {
    SiteTest::inline(&[("config.toml", config), (ISSUE, text)]).diagnostics()
}

/// The single problem of a site whose only issue is `text`.
fn problem(config: &str, text: &str) -> Diagnostic {
    let mut diags = problems(config, text);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = diags.remove(0);
    assert!(
        d.path.ends_with(ISSUE),
        "names the file: {}",
        d.path.display()
    );
    d
}

fn hint(d: &Diagnostic) -> &str {
    d.hint
        .as_deref()
        .unwrap_or_else(|| panic!("no hint: {d:#?}"))
}

#[test]
fn an_unknown_key_is_reported_at_its_line_with_a_did_you_mean() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\ntittle = \"Hello\"\n+++\n\nBody.\n";
    let d = problem(CONFIG, text);
    assert_eq!(d.line, line_of(text, "tittle"));
    assert_eq!(d.column, 1);
    assert!(d.message.contains("tittle"), "{}", d.message);
    assert!(hint(&d).contains("`title`"), "{}", hint(&d));
}

#[test]
fn an_unknown_key_inside_an_outage_suggests_the_outage_key() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\n\n[[outages]]\nservce = \"GitHub\"\n+++\n";
    let d = problem(CONFIG, text);
    assert_eq!(d.line, line_of(text, "servce"));
    assert!(hint(&d).contains("`service`"), "{}", hint(&d));
}

#[test]
fn a_tag_outside_the_vocabulary_suggests_the_closest_tag() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\n\n[[links]]\ntitle = \"T\"\nurl = \"https://a.example/\"\ntags = [\"dns\", \"dnss\"]\n+++\n";
    let d = problem(CONFIG_WITH_TAGS, text);
    let line = line_of(text, "\"dnss\"");
    assert_eq!(d.line, line);
    let line_text = text.lines().nth(line - 1).unwrap();
    assert_eq!(
        d.column,
        line_text.find("\"dnss\"").unwrap() + 1,
        "points at the tag"
    );
    assert!(d.message.contains("dnss"), "{}", d.message);
    assert!(hint(&d).contains("`dns`"), "{}", hint(&d));
}

#[test]
fn urls_that_are_not_absolute_http_are_rejected_at_their_lines() {
    let text = "+++\nnumber = 1\ndate = 2025-01-06\n\n\
        [[links]]\ntitle = \"A\"\nurl = \"javascript:alert(1)\"\n\n\
        [[links]]\ntitle = \"B\"\nurl = \"data:text/html,<b>x</b>\"\n\n\
        [[sponsors]]\ntext = \"C\"\nurl = \"/relative/path\"\n+++\n";
    let mut diags = problems(CONFIG, text);
    diags.sort_by_key(|d| d.line);
    let lines: Vec<usize> = diags.iter().map(|d| d.line).collect();
    let expected: Vec<usize> = ["javascript:", "data:", "/relative/path"]
        .iter()
        .map(|u| line_of(text, u))
        .collect();
    assert_eq!(lines, expected, "{diags:#?}");
    assert!(
        diags[0].message.contains("javascript"),
        "{}",
        diags[0].message
    );
    assert!(
        diags
            .iter()
            .all(|d| d.path.ends_with(ISSUE) && d.hint.is_some())
    );
}

#[test]
fn duplicate_issue_numbers_name_both_files() {
    let first = "+++\nnumber = 7\ndate = 2025-01-06\n+++\n";
    let second = "+++\n# a comment\nnumber = 7\ndate = 2025-01-13\n+++\n";
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/a/first.md", first),
        ("content/issues/b/second.md", second),
    ]);
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    let (this, text, other) = if d.path.ends_with("b/second.md") {
        ("b/second.md", second, "a/first.md")
    } else {
        ("a/first.md", first, "b/second.md")
    };
    assert!(d.path.ends_with(this));
    assert_eq!(d.line, line_of(text, "number"));
    assert!(
        d.message.contains(other),
        "names the other file: {}",
        d.message
    );
}

#[test]
fn a_duplicate_number_is_reported_at_the_number_key_not_at_an_earlier_mention() {
    let first = "+++\nnumber = 7\ndate = 2025-01-06\n+++\n";
    let second = "+++\ntitle = \"A number of outages\"\nnumber = 7\ndate = 2025-01-13\n+++\n";
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/a.md", first),
        ("content/issues/b.md", second),
    ]);
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0].path.ends_with("b.md"));
    assert_eq!(diags[0].line, line_of(second, "number ="), "{}", diags[0]);
}

#[test]
fn yaml_front_matter_gets_a_toml_hint() {
    let d = problem(CONFIG, "---\ntitle: Hello\nnumber: 1\n---\n\nBody.\n");
    assert_eq!(d.line, 1);
    assert!(hint(&d).contains("TOML"), "{}", hint(&d));
}

#[test]
fn a_missing_number_is_reported_in_the_front_matter() {
    let text = "+++\ndate = 2025-01-06\ntitle = \"No number\"\n+++\n\nBody.\n";
    let d = problem(CONFIG, text);
    assert!(d.message.contains("number"), "{}", d.message);
    assert!(
        (1..=line_of(text, "title")).contains(&d.line),
        "line {} is outside the front matter",
        d.line
    );
    assert!(hint(&d).contains("number"), "{}", hint(&d));
}

#[test]
fn problems_in_several_files_are_reported_together() {
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        (
            "content/issues/one.md",
            "+++\nnumber = 1\ndate = 2025-01-06\ntittle = \"x\"\n+++\n",
        ),
        (
            "content/issues/two.md",
            "+++\nnumber = 2\ndate = 2025-13-06\n+++\n",
        ),
        (
            "content/pages/about.md",
            "+++\ntitle = \"About\"\ncolour = \"red\"\n+++\n",
        ),
    ]);
    let mut files: Vec<String> = site
        .diagnostics()
        .iter()
        .map(|d| d.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, ["about.md", "one.md", "two.md"]);
}

#[test]
fn config_problems_are_reported_in_config_toml_with_a_hint() {
    let issue = "+++\nnumber = 1\ndate = 2025-01-06\n+++\n";
    let base = "title = \"T\"\nbase_url = \"https://t.example/\"\n";
    for (config, key, wanted_hint) in [
        (
            format!("{base}desciption = \"x\"\n"),
            "desciption",
            "`description`",
        ),
        (
            format!("{base}feed_limit = 0\n"),
            "feed_limit",
            "feed_limit",
        ),
        (
            "title = \"T\"\nbase_url = \"ftp://t.example/\"\n".to_string(),
            "base_url",
            "https://",
        ),
    ] {
        let site = SiteTest::inline(&[("config.toml", &config), ("content/issues/1.md", issue)]);
        let diags = site.diagnostics();
        assert_eq!(diags.len(), 1, "{diags:#?}");
        let d = &diags[0];
        assert!(d.path.ends_with("config.toml"), "{}", d.path.display());
        assert_eq!(d.line, line_of(&config, key), "{d}");
        assert!(hint(d).contains(wanted_hint), "{d}");
    }
}

#[test]
fn a_page_cannot_take_the_name_of_a_generated_folder() {
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        (
            "content/pages/outages.md",
            "+++\ntitle = \"Outages\"\n+++\n\nMine.\n",
        ),
    ]);
    let diags = site.diagnostics();
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0].path.ends_with("content/pages/outages.md"));
}
