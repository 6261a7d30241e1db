//! `sitrep import`: a WordPress export (WXR) or a full-content RSS/Atom feed → one
//! issue file per published post, with its links, sponsors and outages as data.
//!
//! ```text
//! pass 1: EXPORT.xml ─> xml (stream, one item at a time) ─> wxr | feed (item → Post)
//!           ─> skip, or keep title/date/status ─> number (by title, else by date)
//! pass 2: EXPORT.xml ─> … ─> Post ─> shortcodes ─> html (sanitize, absolute URLs, DOM)
//!           ─> structure (links, sponsors, outages, body)
//!           ─> write (TOML via serde, checked by the issue parser, never overwriting)
//! ```
//!
//! The only command that writes content, and it only creates files: an issue number
//! or file that exists is skipped and listed, and every written file names the post it
//! came from in a comment, so a second run recognises what it already imported and
//! changes nothing. Everything it decided is in the [`Summary`].

mod commentary;
mod feed;
mod html;
mod numbering;
mod shortcodes;
mod structure;
mod summary;
mod write;
mod wxr;
mod xml;

use std::collections::{BTreeMap, HashMap};
use std::io::BufReader;
use std::path::PathBuf;

pub use html::UrlNote;
pub use summary::{IssueLine, Skipped, Summary};

use crate::config::{BuildOptions, Config};
use crate::error::{Error, Result};
use structure::Structure;
use write::FrontMatter;

/// What the export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A WordPress export (Tools → Export), WXR 1.0–1.2.
    WordPress,
    /// An RSS 2.0 or Atom feed with full content.
    Feed,
}

/// What `sitrep import` was asked to do.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// What the file is.
    pub source: Source,
    /// The export or feed.
    pub file: PathBuf,
    /// The site to import into (holds `config.toml`).
    pub root: PathBuf,
    /// Print the summary only; write nothing.
    pub dry_run: bool,
    /// Put the posts' categories and tags on every link and outage.
    pub tags_from_categories: bool,
}

/// How far the import has read, for a progress line.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// 1 while reading what numbering needs, 2 while converting and writing.
    pub pass: u8,
    /// Bytes of the file read.
    pub read: u64,
    /// The file's size.
    pub total: u64,
    /// Items read so far.
    pub items: usize,
}

/// What becomes of a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// A published (or scheduled) post: an issue.
    Publish,
    /// Imported as a draft, for this reason ("password-protected").
    Draft(&'static str),
    /// Not an issue, for this reason ("a page").
    Skip(String),
}

/// One post of the export, as the readers see it.
#[derive(Debug, Clone)]
pub struct Post {
    /// The guid (or post id): how a second run recognises it.
    pub id: String,
    /// The title as written.
    pub title: String,
    /// Its address on the old site.
    pub link: Option<String>,
    /// Publication date-time with the old site's offset.
    pub date: Option<jiff::Zoned>,
    /// What becomes of it.
    pub disposition: Disposition,
    /// The content, HTML.
    pub html: String,
    /// WordPress categories and tags (or the feed's categories).
    pub categories: Vec<String>,
    /// Whether the content is WordPress's stored form (blank lines for paragraphs).
    pub wordpress: bool,
}

/// A post the first pass found worth an issue: what numbering needs, without its content.
struct Candidate {
    /// Its place among the file's items, which the second pass finds it by.
    index: usize,
    /// The post, its HTML dropped.
    post: Post,
    /// The number in its title, if any.
    titled: Option<u32>,
}

/// A post converted, with its number.
struct Converted {
    post: Post,
    structure: Structure,
    urls: Vec<UrlNote>,
    /// WordPress shortcodes with no equivalent, dropped, as written.
    shortcodes: Vec<String>,
}

/// Imports the file `opts` names into the site; writes nothing with `dry_run`.
///
/// Two passes over the file, so that memory holds one post, not the export: the
/// first reads what numbering needs (titles, dates, statuses: numbers by date need
/// every post), the second converts and writes each post as it is read again.
pub fn run(opts: &ImportOptions, progress: &mut dyn FnMut(Progress)) -> Result<Summary> {
    let site = crate::load(&BuildOptions {
        root: opts.root.clone(),
        drafts: true,
        future: true,
        ..BuildOptions::default()
    })?;
    let existing = Existing::of(&site)?;
    let mut summary = Summary::new(&opts.file, opts.dry_run);
    let mut candidates = Vec::new();
    let root = each_post(opts, 1, progress, &mut |index, post, _| {
        if let Disposition::Skip(reason) = &post.disposition {
            summary.skipped.push(Skipped::new(&post, reason));
        } else if let Some((number, path)) = existing.origins.get(&post.id) {
            summary.already.push((post.title, *number, path.clone()));
        } else {
            candidates.push(Candidate {
                index,
                titled: numbering::from_title(&post.title),
                post: Post {
                    html: String::new(),
                    ..post
                },
            });
        }
        Ok(())
    })?;
    if opts.source == Source::WordPress && root != xml::Root::Rss {
        return Err(Error::Content(vec![crate::Diagnostic::file(
            &opts.file,
            "this is an Atom feed, not a WordPress export: use `sitrep import feed`",
        )]));
    }
    let mut plan: HashMap<usize, u32> = numbering::assign(candidates, &existing, &mut summary)
        .into_iter()
        .map(|(number, c)| (c.index, number))
        .collect();
    if !plan.is_empty() {
        let converter = html::converter();
        let mut batch = Batch::default();
        each_post(opts, 2, progress, &mut |index, post, base| {
            if let Some(number) = plan.remove(&index) {
                batch.posts.push((number, post));
                batch.base = base.cloned();
            }
            if batch.posts.len() < BATCH {
                return Ok(());
            }
            batch.place(opts, &site.config, &converter, &mut summary)
        })?;
        batch.place(opts, &site.config, &converter, &mut summary)?;
    }
    summary.finish();
    Ok(summary)
}

/// Posts converted together, on every core; small enough that memory holds a few posts.
const BATCH: usize = 64;

/// Numbered posts of the second pass waiting to be converted.
#[derive(Default)]
struct Batch {
    posts: Vec<(u32, Post)>,
    base: Option<url::Url>,
}

impl Batch {
    /// Converts the waiting posts in parallel, then places them in file order.
    fn place(
        &mut self,
        opts: &ImportOptions,
        config: &Config,
        converter: &htmd::HtmlToMarkdown,
        summary: &mut Summary,
    ) -> Result<()> {
        use rayon::prelude::*;
        let base = self.base.as_ref();
        let converted: Vec<(u32, Converted)> = std::mem::take(&mut self.posts)
            .into_par_iter()
            .map(|(number, post)| (number, convert(post, base, converter)))
            .collect();
        for (number, c) in converted {
            place(opts, config, number, c, summary)?;
        }
        Ok(())
    }
}

/// What each pass does with a post: its index in the file, the post, the old site's address.
type OnPost<'a> = dyn FnMut(usize, Post, Option<&url::Url>) -> Result<()> + 'a;

/// Reads the file once, handing each item to `on_post` as a [`Post`] with its index
/// and the old site's address; reports progress as pass `pass`.
fn each_post(
    opts: &ImportOptions,
    pass: u8,
    progress: &mut dyn FnMut(Progress),
    on_post: &mut OnPost<'_>,
) -> Result<xml::Root> {
    let file =
        std::fs::File::open(&opts.file).map_err(|e| Error::io("cannot read", &opts.file, e))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    // Known once the channel's fields are read, which is before its first item.
    let mut base: Option<Option<url::Url>> = None;
    let items = std::cell::Cell::new(0);
    xml::read(
        &opts.file,
        BufReader::with_capacity(1 << 16, file),
        &mut |root, channel, item| {
            let index = items.get();
            items.set(index + 1);
            let post = match opts.source {
                Source::WordPress => wxr::post(&item),
                Source::Feed => feed::post(root, &item),
            };
            drop(item);
            let base = base.get_or_insert_with(|| base_url(opts.source, root, channel));
            on_post(index, post, base.as_ref())
        },
        &mut |read| {
            progress(Progress {
                pass,
                read,
                total,
                items: items.get(),
            })
        },
    )
}

/// What the site already has: issue numbers and files, and which posts they came from.
pub(crate) struct Existing {
    numbers: BTreeMap<u32, PathBuf>,
    origins: HashMap<String, (u32, PathBuf)>,
}

impl Existing {
    fn of(site: &crate::Site) -> Result<Existing> {
        let mut numbers = BTreeMap::new();
        let mut origins = HashMap::new();
        for issue in site
            .issues
            .iter()
            .chain(&site.drafts)
            .chain(&site.scheduled)
        {
            numbers.insert(issue.number, issue.path.clone());
            let text = std::fs::read_to_string(&issue.path)
                .map_err(|e| Error::io("cannot read", &issue.path, e))?;
            if let Some(origin) = write::origin_of(&text) {
                origins.insert(origin.to_string(), (issue.number, issue.path.clone()));
            }
        }
        Ok(Existing { numbers, origins })
    }

    fn highest(&self) -> u32 {
        self.numbers.keys().next_back().copied().unwrap_or(0)
    }
}

/// The old site's address, which relative links in posts are resolved against.
fn base_url(source: Source, root: xml::Root, channel: &xml::Record) -> Option<url::Url> {
    let site = match source {
        Source::WordPress => wxr::site_url(channel),
        Source::Feed => feed::site_url(root, channel),
    };
    let mut base = url::Url::parse(&site?).ok()?;
    if !base.path().ends_with('/') {
        let path = format!("{}/", base.path());
        base.set_path(&path);
    }
    Some(base)
}

/// Sanitizes and structures one post.
fn convert(mut post: Post, base: Option<&url::Url>, conv: &htmd::HtmlToMarkdown) -> Converted {
    post.title.retain(|c| !crate::content::chars::forbidden(c));
    post.html.retain(|c| !crate::content::chars::forbidden(c));
    // Feeds carry the HTML as shown; only WordPress's stored form has shortcodes and
    // blank-line paragraphs.
    let (expanded, dropped) = if post.wordpress {
        shortcodes::expand(&post.html)
    } else {
        (std::borrow::Cow::Borrowed(post.html.as_str()), Vec::new())
    };
    let prepared = if post.wordpress {
        html::autop(&expanded)
    } else {
        std::borrow::Cow::Borrowed(&*expanded)
    };
    let (clean, urls) = html::sanitize(&prepared, base);
    drop(prepared);
    drop(expanded);
    // The document must outlive the walk: dropping an rcdom node empties its subtree.
    let document = conv.html_to_tree(&clean).ok();
    let structure = match document.as_ref().and_then(html::body) {
        Some(body) => structure::of(conv, &body),
        None => Structure {
            body: conv.convert(&clean).unwrap_or(clean),
            ..Structure::default()
        },
    };
    post.html = String::new();
    Converted {
        post,
        structure,
        urls,
        shortcodes: dropped,
    }
}

/// Builds, checks and (unless a dry run) writes issue `number`, recording it.
fn place(
    opts: &ImportOptions,
    config: &Config,
    number: u32,
    c: Converted,
    summary: &mut Summary,
) -> Result<()> {
    let rel = config.issue_path.replace("{number}", &number.to_string());
    let path = opts.root.join(&rel);
    if path.exists() {
        let reason = format!("{rel} exists (and is not an issue sitrep could read)");
        summary.skipped.push(Skipped::new(&c.post, &reason));
        return Ok(());
    }
    let Some(date) = c.post.date.as_ref().and_then(datetime) else {
        summary
            .skipped
            .push(Skipped::new(&c.post, "no publication date"));
        return Ok(());
    };
    let (tags, unknown) = tags(&c.post.categories, config, opts.tags_from_categories);
    let mut front = FrontMatter {
        number,
        date,
        title: title(&c.post.title, number, config),
        draft: matches!(c.post.disposition, Disposition::Draft(_)),
        sponsors: c.structure.sponsors.clone(),
        links: c.structure.links.clone(),
        outages: c.structure.outages.clone(),
    };
    for link in &mut front.links {
        link.tags = tags.clone();
    }
    for outage in &mut front.outages {
        outage.tags = tags.clone();
    }
    let origin = if c.post.id.is_empty() {
        c.post.link.clone().unwrap_or_default()
    } else {
        c.post.id.clone()
    };
    let mut text = write::render(&front, &origin, &c.structure.body)?;
    let mut fallback = None;
    let problems = write::problems(&path, &text, config);
    if !problems.is_empty() {
        // Whatever the structure got wrong, the post still comes in: all in the body.
        let body = summary::everything(&c.structure);
        front.sponsors.clear();
        front.links.clear();
        front.outages.clear();
        text = write::render(&front, &origin, &body)?;
        fallback = Some(problems[0].message.clone());
        let again = write::problems(&path, &text, config);
        if let Some(d) = again.first() {
            let reason = format!("cannot be made a valid issue: {}", d.message);
            summary.skipped.push(Skipped::new(&c.post, &reason));
            return Ok(());
        }
    }
    let written = !opts.dry_run && crate::scaffold::create_new(&path, &text)?;
    let mut line = IssueLine::new(number, &rel, &front, &c, written, fallback, unknown);
    if opts.tags_from_categories {
        // They are on the links and outages; the summary lists only what was left out.
        line.categories.clear();
    }
    summary.add(line);
    Ok(())
}

/// The post's date as a TOML offset date-time (`2016-10-23T10:00:00-04:00`).
fn datetime(z: &jiff::Zoned) -> Option<toml::value::Datetime> {
    z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string().parse().ok()
}

/// The post's title, unless it is only what `issue_title` would show anyway.
fn title(post_title: &str, number: u32, config: &Config) -> Option<String> {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let t = post_title.trim();
    let pattern = config.issue_title.replace("{number}", &number.to_string());
    (!t.is_empty() && norm(t) != norm(&pattern)).then(|| t.to_string())
}

/// The tags links and outages get (none without `--tags-from-categories`), and the
/// categories outside the site's `[tags]` vocabulary with a "did you mean".
fn tags(
    categories: &[String],
    config: &Config,
    from_categories: bool,
) -> (Vec<String>, Vec<String>) {
    let mut kept = Vec::new();
    let mut slugs = Vec::new();
    let mut unknown = Vec::new();
    for c in categories {
        let Some(slug) = crate::slugs::slugify(c) else {
            continue;
        };
        match &config.tags {
            Some(vocab) if !vocab.contains_key(&slug) => {
                let known: Vec<&str> = vocab.keys().map(String::as_str).collect();
                let hint = crate::error::closest(&slug, &known)
                    .map(|k| format!(" (did you mean `{k}`?)"))
                    .unwrap_or_default();
                unknown.push(format!("`{c}` is not in the [tags] vocabulary{hint}"));
            }
            _ if from_categories && !slugs.contains(&slug) => {
                slugs.push(slug);
                kept.push(c.trim().to_string());
            }
            _ => {}
        }
    }
    (kept, unknown)
}
