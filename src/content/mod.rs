//! Reading the site's content: every issue and page, parsed and validated.
//!
//! Files are parsed in parallel (Markdown rendering is most of a build's work);
//! every problem in every file is collected so one run reports them all.

pub(crate) mod chars;
mod frontmatter;
mod issue;
mod keys;
mod model;
mod page;
pub(crate) mod weburl;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use frontmatter::{Split, split};
pub use issue::{parse as parse_issue, to_date};
pub use model::{Issue, Link, Outage, Positions, Sponsor, Tag};
pub use page::Page;
pub use page::parse as parse_page;

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result, read_text};

/// Everything under `content/`, validated. Issues are sorted newest (highest number) first.
#[derive(Debug, Clone)]
pub struct Content {
    /// Published issues (and drafts, when the build includes them). Shared with the
    /// parse cache, so a rebuild in `serve` does not copy the archive.
    pub issues: Vec<Arc<Issue>>,
    /// Standalone pages, sorted by slug.
    pub pages: Vec<Page>,
    /// The time the build runs at (`SITREP_NOW` in tests): issues after it are scheduled.
    pub now: jiff::Timestamp,
    /// Issues left out because they are scheduled (not drafts), oldest first.
    pub scheduled: Vec<Arc<Issue>>,
    /// Drafts left out (the build does not include drafts), oldest first.
    pub drafts: Vec<Arc<Issue>>,
}

/// Parsed files kept between builds (by `serve`), so that an edit re-parses only
/// the files whose size or modification time changed. Any config change empties it.
#[derive(Default)]
pub struct Cache {
    config: String,
    issues: Parsed<Arc<Issue>>,
    pages: Parsed<Page>,
    /// The issue and page files the last load found.
    files: Option<(Vec<PathBuf>, Vec<PathBuf>)>,
    /// What the next load may assume changed since the last (see [`Cache::only_changed`]).
    changed: Option<Vec<PathBuf>>,
}

impl Cache {
    /// Tells the next load that only `paths` changed since the last one (as a file
    /// watcher reported them, in the form `<root>/content/…`): if each is a file the
    /// last load parsed, it neither lists the content folders again nor checks the
    /// other files' sizes and times. A new or missing path, or a changed config,
    /// makes it look at everything as usual. At 5,000 issues listing and checking
    /// every file was ~11 ms of each `serve` rebuild.
    pub fn only_changed(&mut self, paths: Vec<PathBuf>) {
        self.changed = Some(paths);
    }

    /// Whether the last load's file lists still hold: `changed` names only files it
    /// parsed, and they still exist.
    fn knows(&self, changed: &[PathBuf]) -> bool {
        let known = |p: &PathBuf| {
            (self.issues.contains_key(p) || self.pages.contains_key(p)) && p.is_file()
        };
        self.files.is_some() && changed.iter().all(known)
    }
}

/// A file parsed, or the problems found in it.
type Parse<T> = Result<T, Vec<Diagnostic>>;

type Parsed<T> = HashMap<PathBuf, (Stamp, Parse<T>), ahash::RandomState>;

/// What tells a file changed without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// Reads, parses and validates all issues and pages of the site.
pub fn load(config: &Config) -> Result<Content> {
    load_with(config, &mut Cache::default())
}

/// Like [`load`], reusing what `cache` holds of files that did not change.
pub fn load_with(config: &Config, cache: &mut Cache) -> Result<Content> {
    let changed = cache.changed.take();
    let config_key = format!("{config:?}");
    if cache.config != config_key {
        *cache = Cache {
            config: config_key,
            ..Cache::default()
        };
    }
    let only = changed.as_deref().filter(|c| cache.knows(c));
    let reported = changed.as_deref().unwrap_or_default();
    let (issue_files, page_files) = match cache.files.take().filter(|_| only.is_some()) {
        Some(files) => files,
        None => content_files(&config.root)?,
    };

    let mut problems = Vec::new();
    let issues: Vec<Arc<Issue>> = collect(
        parse_all(&issue_files, &mut cache.issues, only, reported, |p, t| {
            issue::parse(p, t, config).map(Arc::new)
        }),
        &mut problems,
    );
    let pages: Vec<Page> = collect(
        parse_all(&page_files, &mut cache.pages, only, reported, |p, t| {
            page::parse(p, t, config)
        }),
        &mut problems,
    );
    cache.files = Some((issue_files, page_files));
    problems.extend(duplicate_numbers(&issues));
    problems.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    if !problems.is_empty() {
        return Err(Error::Content(problems));
    }

    let now = crate::config::now()?;
    let (issues, mut drafts): (Vec<Arc<Issue>>, Vec<Arc<Issue>>) =
        issues.into_iter().partition(|i| config.drafts || !i.draft);
    let (mut issues, mut scheduled): (Vec<Arc<Issue>>, Vec<Arc<Issue>>) = issues
        .into_iter()
        .partition(|i| config.future || i.publish_at <= now);
    scheduled.retain(|i| !i.draft);
    scheduled.sort_by_key(|i| i.number);
    drafts.sort_by_key(|i| i.number);
    issues.sort_by_key(|i| std::cmp::Reverse(i.number));
    Ok(Content {
        issues,
        pages,
        now,
        scheduled,
        drafts,
    })
}

/// A hash of a file's text, stable within one process.
///
/// aHash with fixed seeds: std's SipHash took ~1 % of a build hashing every issue.
pub fn hash_text(text: &str) -> u64 {
    fingerprints().hash_one(text)
}

/// Hashers for fingerprints (source hashes, `serve`'s page keys), equal for equal
/// input within one process: aHash with fixed seeds, several times faster than std's
/// SipHash over the ~200,000 items a 5,000-issue site's page keys cover.
pub fn fingerprints() -> ahash::RandomState {
    ahash::RandomState::with_seeds(1, 2, 3, 4)
}

/// All `*.md` files under `dir` (recursively), sorted; none if `dir` does not exist.
/// Symlinked files count too, as long as they stay inside the site (see
/// [`crate::sources`]); a dangling one is then reported as unreadable instead of
/// silently missing from the site. Hidden files and folders (`.drafts/`, `.45.md`)
/// are not content, like editor litter (see [`crate::sources::is_editor_litter`]).
fn markdown_files(root: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = crate::sources::files(root, dir)?;
    files.retain(|path| {
        let hidden = path
            .strip_prefix(dir)
            .unwrap_or(path)
            .components()
            .any(|c| crate::sources::is_hidden(c.as_os_str()));
        !hidden && path.extension().is_some_and(|e| e == "md")
    });
    Ok(files)
}

/// The issue files and the page files, with the problems of both folders reported together.
fn content_files(root: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let content = root.join("content");
    match (
        markdown_files(root, &content.join("issues")),
        markdown_files(root, &content.join("pages")),
    ) {
        (Ok(issues), Ok(pages)) => Ok((issues, pages)),
        (Err(Error::Content(mut a)), Err(Error::Content(b))) => {
            a.extend(b);
            Err(Error::Content(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// Parses `files` in parallel, taking unchanged ones from `cache` and refreshing it.
/// With `only`, files not in it are taken from the cache without checking them. The
/// `reported` files (the watcher saw them change) are always read again: an edit that
/// keeps a file's size within one tick of its modification time looks unchanged.
fn parse_all<T: Send + Sync + Clone>(
    files: &[PathBuf],
    cache: &mut Parsed<T>,
    only: Option<&[PathBuf]>,
    reported: &[PathBuf],
    parse: impl Fn(&Path, &str) -> Result<T, Vec<Diagnostic>> + Sync,
) -> Vec<Result<T, Vec<Diagnostic>>> {
    // (stamp, result, whether it came from the cache)
    let fresh: Vec<(Option<Stamp>, Parse<T>, bool)> = files
        .par_iter()
        // Small batches, so the last ones can be shared out: with rayon's default
        // split, one thread was left parsing a long run of files alone at the end
        // (one core idle for ~0.1 s at 5,000 issues).
        .with_max_len(4)
        .map(|path| {
            let cached = cache.get(path).filter(|_| !reported.contains(path));
            let trusted = only.is_some_and(|changed| !changed.contains(path));
            if let Some((stamp, result)) = cached.filter(|_| trusted) {
                return (Some(*stamp), result.clone(), true);
            }
            let stamp = Stamp::of(path);
            if let Some((cached, result)) = cached.filter(|(s, _)| Some(*s) == stamp) {
                return (Some(*cached), result.clone(), true);
            }
            let result = read_text(path)
                .map_err(|d| vec![d])
                .and_then(|text| parse(path, &text));
            (stamp, result, false)
        })
        .collect();
    // Only what changed is written back: `serve` rebuilds after every edit, and
    // refilling the whole cache cost more than re-parsing the one edited file.
    let mut results = Vec::with_capacity(fresh.len());
    let mut stamped = Vec::with_capacity(fresh.len());
    for (path, (stamp, result, cached)) in files.iter().zip(fresh) {
        if let Some(stamp) = stamp {
            stamped.push(path.as_path());
            if !cached {
                cache.insert(path.clone(), (stamp, result.clone()));
            }
        }
        results.push(result);
    }
    // The cache now holds every stamped file; anything more is a file gone or unreadable.
    if cache.len() != stamped.len() {
        let current: std::collections::HashSet<&Path> = stamped.into_iter().collect();
        cache.retain(|path, _| current.contains(path.as_path()));
    }
    results
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
fn duplicate_numbers(issues: &[Arc<Issue>]) -> Vec<Diagnostic> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses `files` as their text, counting how many were read.
    fn parse(files: &[PathBuf], cache: &mut Parsed<String>) -> (Vec<String>, usize) {
        let reads = std::sync::atomic::AtomicUsize::new(0);
        let results = parse_all(files, cache, None, &[], |_, text| {
            reads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(text.to_string())
        });
        let texts = results.into_iter().map(|r| r.expect("parses")).collect();
        (texts, reads.into_inner())
    }

    #[test]
    fn the_cache_rereads_changed_files_only_and_forgets_deleted_ones() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = ["a.md", "b.md", "c.md"]
            .iter()
            .map(|name| dir.path().join(name))
            .collect();
        for f in &files {
            std::fs::write(f, "one").unwrap();
        }
        let mut cache = Parsed::default();
        assert_eq!(parse(&files, &mut cache).1, 3);
        assert_eq!(parse(&files, &mut cache).1, 0, "nothing changed");

        std::fs::write(&files[1], "two, longer").unwrap();
        let (texts, reads) = parse(&files, &mut cache);
        assert_eq!((texts[1].as_str(), reads), ("two, longer", 1));

        std::fs::remove_file(&files[2]).unwrap();
        let (texts, reads) = parse(&files[..2], &mut cache);
        assert_eq!((texts.len(), reads), (2, 0));
        assert_eq!(cache.len(), 2, "the deleted file's entry is dropped");
    }
}
