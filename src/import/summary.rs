//! What an import did, printed so an editor can judge 500 imported issues without
//! opening them: one line per issue (number, date, links, outages, sponsors, text
//! left in the body), then the totals, the posts skipped and why, drafts, posts with
//! no structure found, and every URL that was not an absolute web address.

use std::fmt;
use std::path::{Path, PathBuf};

use super::html::UrlNote;
use super::structure::Structure;
use super::write::FrontMatter;
use super::{Converted, Disposition, Post};

/// A post that did not become an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its title (or id, if untitled).
    pub title: String,
    /// Why.
    pub reason: String,
}

impl Skipped {
    pub(super) fn new(post: &Post, reason: &str) -> Skipped {
        let title = if post.title.is_empty() {
            format!("(untitled {})", post.id)
        } else {
            post.title.clone()
        };
        Skipped {
            title,
            reason: reason.to_string(),
        }
    }
}

/// One imported issue.
#[derive(Debug, Clone)]
pub struct IssueLine {
    /// Its number.
    pub number: u32,
    /// Its date as written (`2016-10-23T10:00:00-04:00`).
    pub date: String,
    /// Its file, relative to the site.
    pub path: String,
    /// The post's title.
    pub title: String,
    /// How many links, outages and sponsors were found.
    pub links: usize,
    /// Outages found.
    pub outages: usize,
    /// Sponsors found.
    pub sponsors: usize,
    /// Characters of Markdown left in the body.
    pub body_chars: usize,
    /// Blocks (paragraphs, lists, …) left in the body.
    pub body_blocks: usize,
    /// Why it is a draft, if it is.
    pub draft: Option<&'static str>,
    /// The post's categories (tags of its links only with `--tags-from-categories`).
    pub categories: Vec<String>,
    /// Categories outside the `[tags]` vocabulary, as `check` words them.
    pub unknown_tags: Vec<String>,
    /// URLs that were made absolute or left as text.
    pub urls: Vec<UrlNote>,
    /// WordPress shortcodes with no Markdown equivalent, dropped, as written.
    pub shortcodes: Vec<String>,
    /// Section headings dropped because only links followed them.
    pub sections: Vec<String>,
    /// Why the structure was given up and everything put in the body.
    pub fallback: Option<String>,
    /// Whether the file was written (false in a dry run).
    pub written: bool,
}

impl IssueLine {
    pub(super) fn new(
        number: u32,
        path: &str,
        front: &FrontMatter,
        c: &Converted,
        written: bool,
        fallback: Option<String>,
        unknown_tags: Vec<String>,
    ) -> IssueLine {
        let body = if fallback.is_some() {
            everything(&c.structure)
        } else {
            c.structure.body.clone()
        };
        IssueLine {
            number,
            date: front.date.to_string(),
            path: path.to_string(),
            title: c.post.title.clone(),
            links: front.links.len(),
            outages: front.outages.len(),
            sponsors: front.sponsors.len(),
            body_chars: body.trim().chars().count(),
            body_blocks: body.split("\n\n").filter(|b| !b.trim().is_empty()).count(),
            draft: match c.post.disposition {
                Disposition::Draft(why) => Some(why),
                _ => None,
            },
            categories: c.post.categories.clone(),
            unknown_tags,
            urls: c.urls.clone(),
            shortcodes: c.shortcodes.clone(),
            sections: c.structure.sections.clone(),
            fallback,
            written,
        }
    }
}

/// Everything the structure found, as Markdown: the body of an issue whose
/// structure could not be written.
pub(super) fn everything(s: &Structure) -> String {
    let mut parts = vec![s.body.clone()];
    for sp in &s.sponsors {
        parts.push(sp.text.clone());
    }
    for l in &s.links {
        parts.push(format!("[{}]({})", l.title.replace(['[', ']'], ""), l.url));
        parts.extend(l.commentary.clone());
        parts.extend(l.source.clone());
    }
    for o in &s.outages {
        parts.push(format!("- {}", o.service));
        parts.extend(o.commentary.clone());
    }
    parts.retain(|p| !p.trim().is_empty());
    parts.join("\n\n")
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The file imported.
    pub file: PathBuf,
    /// Nothing was written.
    pub dry_run: bool,
    /// Imported issues, by number.
    pub issues: Vec<IssueLine>,
    /// Posts skipped, with the reason.
    pub skipped: Vec<Skipped>,
    /// Posts an earlier import already wrote: (title, number, file).
    pub already: Vec<(String, u32, PathBuf)>,
}

impl Summary {
    pub(super) fn new(file: &Path, dry_run: bool) -> Summary {
        Summary {
            file: file.to_path_buf(),
            dry_run,
            issues: Vec::new(),
            skipped: Vec::new(),
            already: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, line: IssueLine) {
        self.issues.push(line);
    }

    pub(super) fn finish(&mut self) {
        self.issues.sort_by_key(|i| i.number);
    }

    /// How many files were written.
    pub fn written(&self) -> usize {
        self.issues.iter().filter(|i| i.written).count()
    }
}

fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verb = if self.dry_run {
            "would import"
        } else {
            "imported"
        };
        writeln!(f, "{} {verb}:", self.file.display())?;
        for i in &self.issues {
            let draft = i
                .draft
                .map(|w| format!(", draft ({w})"))
                .unwrap_or_default();
            writeln!(
                f,
                "  #{:<5} {}  {}, {}, {}; body {} ({}){draft}  {}",
                i.number,
                &i.date[..i.date.len().min(10)],
                plural(i.links, "link"),
                plural(i.outages, "outage"),
                plural(i.sponsors, "sponsor"),
                plural(i.body_blocks, "block"),
                plural(i.body_chars, "char"),
                i.path
            )?;
        }
        self.totals(f)?;
        self.notes(f)
    }
}

impl Summary {
    fn totals(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sum = |get: fn(&IssueLine) -> usize| self.issues.iter().map(get).sum::<usize>();
        writeln!(
            f,
            "Total: {}, {}, {}, {}; {} of text left in bodies",
            plural(self.issues.len(), "issue"),
            plural(sum(|i| i.links), "link"),
            plural(sum(|i| i.outages), "outage"),
            plural(sum(|i| i.sponsors), "sponsor"),
            plural(sum(|i| i.body_chars), "char"),
        )?;
        if self.dry_run {
            writeln!(f, "Dry run: nothing written.")?;
        } else if self.written() == 0 {
            writeln!(
                f,
                "Nothing written: the site already has everything this file holds."
            )?;
        } else {
            writeln!(f, "{} written.", plural(self.written(), "file"))?;
        }
        Ok(())
    }

    fn notes(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.already.is_empty() {
            writeln!(
                f,
                "Already imported ({}), left as they are:",
                self.already.len()
            )?;
            for (title, n, path) in &self.already {
                writeln!(f, "  #{n} {title}  ({})", path.display())?;
            }
        }
        if !self.skipped.is_empty() {
            writeln!(f, "Skipped ({}):", self.skipped.len())?;
            for s in &self.skipped {
                writeln!(f, "  {}: {}", s.title, s.reason)?;
            }
        }
        let list = |f: &mut fmt::Formatter<'_>, head: &str, rows: Vec<String>| {
            if rows.is_empty() {
                return Ok(());
            }
            writeln!(f, "{head} ({}):", rows.len())?;
            rows.iter().try_for_each(|r| writeln!(f, "  {r}"))
        };
        let each = |g: &dyn Fn(&IssueLine) -> Vec<String>| -> Vec<String> {
            self.issues.iter().flat_map(g).collect()
        };
        list(
            f,
            "Imported as drafts, never published by accident",
            each(&|i| {
                i.draft
                    .map(|w| format!("#{} {}: {w}", i.number, i.title))
                    .into_iter()
                    .collect()
            }),
        )?;
        list(
            f,
            "No links, outages or sponsors found: all in the body",
            each(&|i| {
                let bare = i.links + i.outages + i.sponsors == 0;
                let why = match &i.fallback {
                    Some(why) => format!(
                        "#{} {}: the structure was not valid ({why})",
                        i.number, i.title
                    ),
                    None => format!("#{} {}", i.number, i.title),
                };
                (bare || i.fallback.is_some())
                    .then_some(why)
                    .into_iter()
                    .collect()
            }),
        )?;
        list(
            f,
            "Categories (not put on links; --tags-from-categories does)",
            each(&|i| {
                (!i.categories.is_empty())
                    .then(|| format!("#{}: {}", i.number, i.categories.join(", ")))
                    .into_iter()
                    .collect()
            }),
        )?;
        list(
            f,
            "Tags left out",
            each(&|i| {
                i.unknown_tags
                    .iter()
                    .map(|t| format!("#{}: {t}", i.number))
                    .collect()
            }),
        )?;
        list(
            f,
            "WordPress shortcodes with no Markdown equivalent, dropped",
            each(&|i| {
                i.shortcodes
                    .iter()
                    .map(|s| format!("#{}: {s}", i.number))
                    .collect()
            }),
        )?;
        list(
            f,
            "Section headings taken as structure",
            each(&|i| {
                (!i.sections.is_empty())
                    .then(|| format!("#{}: {}", i.number, i.sections.join(", ")))
                    .into_iter()
                    .collect()
            }),
        )?;
        list(
            f,
            "URLs that were not absolute web addresses",
            each(&|i| {
                i.urls
                    .iter()
                    .map(|u| match u {
                        UrlNote::MadeAbsolute { from, to } => {
                            format!("#{}: {from} -> {to}", i.number)
                        }
                        UrlNote::LeftAsText(u) => format!("#{}: {u} (left as text)", i.number),
                    })
                    .collect()
            }),
        )
    }
}
