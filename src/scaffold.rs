//! `sitrep init` and `sitrep new`: files an editor starts from.
//!
//! Both only ever create files; they never overwrite one.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use crate::config::{BuildOptions, Config};
use crate::error::{Error, Result};

const CONFIG: &str = include_str!("scaffold/config.toml");
const FIRST_ISSUE: &str = include_str!("scaffold/first-issue.md");
const ABOUT: &str = include_str!("scaffold/about.md");

/// Creates a new newsletter in `dir`; returns the files written.
///
/// Refuses a non-empty folder unless `force`, and even then skips files that exist.
pub fn init(dir: &Path, force: bool, today: Date) -> Result<Vec<PathBuf>> {
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if non_empty && !force {
        return Err(Error::Scaffold(format!(
            "refusing to create a site in {}: the folder is not empty (pass --force to add the missing files only)",
            dir.display()
        )));
    }
    let issue = FIRST_ISSUE.replace("{date}", &today.to_string());
    let files: [(&str, &str); 4] = [
        ("config.toml", CONFIG),
        ("content/issues/1.md", &issue),
        ("content/pages/about.md", ABOUT),
        // The build's lock and staging folder sit beside the output.
        (".gitignore", "/public\n/.public.sitrep-*\n"),
    ];
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if create_new(&path, text)? {
            written.push(path);
        }
    }
    Ok(written)
}

/// What `sitrep new` was asked for.
#[derive(Debug, Clone, Default)]
pub struct NewIssue {
    /// Publication date; default: the next `publish_day`, or today.
    pub date: Option<Date>,
    /// Title; default: none (the config's `issue_title` applies).
    pub title: Option<String>,
}

/// Creates the next issue of the site at `root`; returns its path and number.
pub fn new_issue(root: &Path, req: &NewIssue, today: Date) -> Result<(PathBuf, u32)> {
    let opts = BuildOptions {
        root: root.to_path_buf(),
        drafts: true,
        ..Default::default()
    };
    let site = crate::load(&opts)?;
    // Scheduled issues (dated later, not yet published) hold numbers too.
    let numbers = site.issues.iter().chain(&site.scheduled).map(|i| i.number);
    let last = numbers.max().unwrap_or(0);
    let number = last.checked_add(1).ok_or_else(|| {
        Error::Scaffold(format!(
            "issue #{last} has the largest number sitrep accepts, so there is no next one"
        ))
    })?;
    let date = req
        .date
        .unwrap_or_else(|| next_publish_day(&site.config, today));
    let path = root.join(
        site.config
            .issue_path
            .replace("{number}", &number.to_string()),
    );
    let text = skeleton(number, date, req.title.as_deref());
    if !create_new(&path, &text)? {
        return Err(Error::Scaffold(format!(
            "{} already exists; sitrep new never overwrites a file",
            path.display()
        )));
    }
    Ok((path, number))
}

/// Today if it is the publish day (or none is set), else the next one.
fn next_publish_day(config: &Config, today: Date) -> Date {
    let Some(day) = config.publish_day else {
        return today;
    };
    let ahead =
        (day.to_monday_zero_offset() - today.weekday().to_monday_zero_offset()).rem_euclid(7);
    today
        .checked_add(jiff::Span::new().days(i64::from(ahead)))
        .unwrap_or(today)
}

fn skeleton(number: u32, date: Date, title: Option<&str>) -> String {
    let title = match title {
        Some(t) => format!("title = {}\n", toml_string(t)),
        None => "# title = \"A headline for the week\"\n".to_string(),
    };
    format!(
        r#"+++
number = {number}
date = {date}
{title}# summary = "One line for feeds and search results."
draft = true  # remove when the issue is ready to publish

# [[sponsors]]
# name = "Sponsor"
# url = "https://example.com/"
# text = "A **Markdown** blurb."

# [[links]]
# title = "The article's title"
# url = "https://example.com/article"
# source = "Publisher or author"
# tags = ["postmortem"]
# commentary = """
# Why it's worth reading, in Markdown.
# """
# via = "Who suggested it"

# [[outages]]
# service = "Service name"
# url = "https://status.example.com/incident"
# title = "What happened"
# date = {date}
# tags = ["dns"]
# commentary = "What we know so far."
+++

The week's editorial introduction, in Markdown.
"#
    )
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Writes `text` to `path` unless it exists; returns whether it wrote.
pub(crate) fn create_new(path: &Path, text: &str) -> Result<bool> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    match file {
        Ok(mut f) => {
            std::io::Write::write_all(&mut f, text.as_bytes())
                .map_err(|e| Error::io("cannot write", path, e))?;
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(Error::io("cannot create", path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date};

    #[test]
    fn next_publish_day_is_today_or_later_that_week() {
        let mut config = Config {
            publish_day: Some(Weekday::Sunday),
            ..Default::default()
        };
        assert_eq!(
            next_publish_day(&config, date(2026, 11, 21)),
            date(2026, 11, 22)
        ); // Saturday → Sunday
        assert_eq!(
            next_publish_day(&config, date(2026, 11, 22)),
            date(2026, 11, 22)
        ); // Sunday stays
        config.publish_day = Some(Weekday::Friday);
        assert_eq!(
            next_publish_day(&config, date(2026, 11, 21)),
            date(2026, 11, 27)
        );
        config.publish_day = None;
        assert_eq!(
            next_publish_day(&config, date(2026, 11, 21)),
            date(2026, 11, 21)
        );
    }

    #[test]
    fn skeleton_parses_as_an_issue() {
        let text = skeleton(7, date(2026, 11, 22), Some("Quotes \" and \\ slashes"));
        let config = Config {
            base_url: "https://e.org/".into(),
            base_path: "/".into(),
            ..Default::default()
        };
        let issue = crate::content::parse_issue(Path::new("7.md"), &text, &config)
            .expect("skeleton must parse");
        assert_eq!((issue.number, issue.draft), (7, true));
        assert_eq!(issue.title, "Quotes \" and \\ slashes");
    }
}
