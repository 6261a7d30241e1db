//! Reading the site's content: every issue and page, parsed and validated.
//!
//! Files are parsed in parallel (Markdown rendering is most of a build's work);
//! every problem in every file is collected so one run reports them all.

mod frontmatter;
mod issue;
mod page;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use frontmatter::{Split, split};
pub use issue::{Issue, Link, Outage, Sponsor, Tag, parse as parse_issue, to_date};
pub use page::Page;
pub use page::parse as parse_page;

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result, read_text};

/// Everything under `content/`, validated. Issues are sorted newest (highest number) first.
#[derive(Debug, Clone)]
pub struct Content {
    /// Published issues (and drafts, when the build includes them).
    pub issues: Vec<Issue>,
    /// Standalone pages, sorted by slug.
    pub pages: Vec<Page>,
}

/// Reads, parses and validates all issues and pages of the site.
pub fn load(config: &Config) -> Result<Content> {
    let content = config.root.join("content");
    let issue_files = markdown_files(&content.join("issues"))?;
    let page_files = markdown_files(&content.join("pages"))?;

    let mut problems = Vec::new();
    let issues: Vec<Issue> = collect(
        parse_all(&issue_files, |p, t| issue::parse(p, t, config)),
        &mut problems,
    );
    let pages: Vec<Page> = collect(
        parse_all(&page_files, |p, t| page::parse(p, t, config)),
        &mut problems,
    );
    problems.extend(duplicate_numbers(&issues));
    problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    if !problems.is_empty() {
        return Err(Error::Content(problems));
    }

    let mut issues: Vec<Issue> = issues
        .into_iter()
        .filter(|i| config.drafts || !i.draft)
        .collect();
    issues.sort_by_key(|i| std::cmp::Reverse(i.number));
    Ok(Content { issues, pages })
}

/// All `*.md` files under `dir` (recursively), sorted; none if `dir` does not exist.
fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io("cannot read", &path, e.into())
        })?;
        let is_md = entry.path().extension().is_some_and(|e| e == "md");
        // Symlinked files count too (walkdir does not follow links); a dangling one is
        // then reported as unreadable instead of silently missing from the site.
        let file_like = entry.file_type().is_file() || entry.path_is_symlink();
        if file_like && is_md && !entry.path().is_dir() {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

fn parse_all<T: Send>(
    files: &[PathBuf],
    parse: impl Fn(&Path, &str) -> Result<T, Vec<Diagnostic>> + Sync,
) -> Vec<Result<T, Vec<Diagnostic>>> {
    files
        .par_iter()
        .map(|path| {
            let text = read_text(path).map_err(|d| vec![d])?;
            parse(path, &text)
        })
        .collect()
}

fn collect<T>(results: Vec<Result<T, Vec<Diagnostic>>>, problems: &mut Vec<Diagnostic>) -> Vec<T> {
    let mut ok = Vec::new();
    for r in results {
        match r {
            Ok(v) => ok.push(v),
            Err(d) => problems.extend(d),
        }
    }
    ok
}

/// Where the `number = …` line of the front matter starts (0 if not found).
fn number_key_offset(text: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let key = line.trim_start();
        if key
            .strip_prefix("number")
            .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return offset + (line.len() - key.len());
        }
        offset += line.len();
    }
    0
}

/// Two files claiming one number would silently shadow each other: name both.
fn duplicate_numbers(issues: &[Issue]) -> Vec<Diagnostic> {
    let mut seen: HashMap<u32, &Path> = HashMap::new();
    let mut problems = Vec::new();
    for issue in issues {
        if let Some(first) = seen.insert(issue.number, &issue.path) {
            let text = std::fs::read_to_string(&issue.path).unwrap_or_default();
            let offset = number_key_offset(&text);
            problems.push(
                Diagnostic::at(
                    &issue.path,
                    &text,
                    offset,
                    format!(
                        "issue number {} is also used by {}",
                        issue.number,
                        first.display()
                    ),
                )
                .with_hint("give each issue its own number"),
            );
            seen.insert(issue.number, first);
        }
    }
    problems
}
