//! Rendering the site model through Tera into output files.
//!
//! ```text
//! pages::all + feed::all ─> each one's Inputs ─> Reader ─> template ─> Sink
//!                                  └─> entry use counts, serve's cache keys
//! ```
//!
//! Templates are compiled once. Each issue's body (`issue_content.html`) is
//! rendered once per render: the latest issues' bodies are shared by their pages,
//! the home page and the feeds; an older issue's only by its page. Index entries
//! are made once and shared by every page listing them ([`entries`]). Pages are
//! independent, so they render in parallel, and go to the sink as soon as they
//! are done.
//!
//! Where things go: a page kind in [`pages`], a feed in [`feed`] (its format in
//! [`crate::feeds`]), what a template receives in [`views`], a URL in
//! [`crate::urls`]; [`incremental`] is `serve`'s business only.

pub mod archive;
pub(crate) mod entries;
pub(crate) mod feed;
pub mod incremental;
pub(crate) mod inputs;
pub(crate) mod pages;
pub mod templates;
pub mod views;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Value};

use crate::error::{Error, Result};
use crate::output::{Output, Sink};
use crate::site::Site;
use crate::theme::Files;
use crate::urls;
pub use archive::{Archive, complete};
use feed::Feed;
use incremental::{Known, Rendered, Reuse};
use inputs::{EntryKind, Full, Inputs, Reader};
use pages::{Page, PageJob};
pub use templates::Templates;
use views::Views;

/// Loads the theme, compiles it and renders every output of `site` into `sink`,
/// checking their paths for collisions. With `reuse`, pages whose key is unchanged
/// are not rendered (see [`incremental`]); `archive` says what becomes of the data
/// files and the search index.
pub(crate) fn site(
    site: &Site,
    sink: &dyn Sink,
    reuse: Option<Reuse>,
    archive: Archive,
) -> Result<Vec<Rendered>> {
    let files = crate::theme::load(&site.config)?;
    let templates = Templates::compile(&files)?;
    let rendered = render(site, &templates, &files.statics, sink, reuse, archive)?;
    let paths: Vec<String> = rendered.iter().map(|r| r.path.clone()).collect();
    crate::output::check(&paths)?;
    Ok(rendered)
}

/// Renders every page, feed and static file of `site` into `sink`; returns every
/// output, rendered or (with `reuse`) skipped.
fn render(
    site: &Site,
    templates: &Templates,
    statics: &Files,
    sink: &dyn Sink,
    reuse: Option<Reuse>,
    archive: Archive,
) -> Result<Vec<Rendered>> {
    let views = Views::new(site);
    let mut base = Context::new();
    base.insert("site", &views.site());
    let global = incremental::global_key(site, templates.fingerprint);
    let plan = schedule(site);
    let page_inputs: Vec<&Inputs> = plan.iter().map(|(_, inputs)| inputs).collect();
    let kept = reuse.map(|r| (r.entries, global));
    let run = Run {
        site,
        templates,
        views: &views,
        entries: entries::Entries::new(&views, templates, &base, kept, &page_inputs),
        base: &base,
        sink,
        known: reuse.map(|r| r.known),
        global,
        counts: incremental::counts_key(site),
        latest: std::sync::OnceLock::new(),
    };
    let pages = plan.into_iter().par_bridge().map(|(p, i)| run.page(p, i));
    let feeds = feed::all(site).into_par_iter().map(|f| run.feed(f));
    let all = || pages.chain(feeds).collect::<Vec<_>>();
    // The sitemap and the data files read every issue: made alongside the pages from
    // the start, not after them (the data files alone take about a second at 5,000
    // issues, which as the last task left one core idle).
    let others = || rayon::join(|| run.sitemap(), || run.data(archive));
    let (rendered, (sitemap, data)) = rayon::join(all, others);
    // After the pages, not beside them: each shard indexes on one core, and the pages
    // already use both.
    let records = archive::Records {
        site,
        templates,
        views: &views,
        base: &base,
    };
    let (search, _) = records.write(sink, archive)?;
    let mut rendered: Vec<Rendered> = all_or_every_error(rendered)?
        .into_iter()
        .flatten()
        .collect();
    run.entries.prune_kept();
    rendered.push(sitemap?);
    rendered.extend(data?);
    rendered.extend(search.into_iter().map(|path| Rendered { path, key: None }));
    let mut paths: Vec<&str> = rendered.iter().map(|r| r.path.as_str()).collect();
    let robots = robots(site, templates, &base)?;
    paths.push(&robots.path);
    check_statics(&paths, statics)?;
    let mut extra = vec![put(sink, robots)?];
    for (path, src) in statics {
        extra.push(put(sink, Output::new(path, src.bytes.clone()))?);
    }
    rendered.extend(extra.into_iter().map(|path| Rendered { path, key: None }));
    Ok(rendered)
}

/// Every page with its inputs, in the order they are rendered.
///
/// Pages go out ordered by the middle issue each lists (an issue page by its own),
/// and in that order (`par_bridge` hands them to threads one at a time), so the
/// pages sharing an entry render close together and the entry is dropped soon
/// after it is made. An index page spans a range of issues (a rare tag's page,
/// hundreds): keyed by the middle of that range rather than its newest issue, at
/// most 4,407 entries were alive at once instead of 9,440 (N=5,000; −14 MB peak).
fn schedule(site: &Site) -> Vec<(Page, Inputs<'_>)> {
    let mut plan: Vec<(Page, Inputs)> = pages::all(site)
        .into_iter()
        .map(|p| (p, p.inputs(site)))
        .collect();
    plan.sort_by_cached_key(|(page, inputs)| {
        let listed = inputs.listing.as_ref().map_or(&[][..], |l| l.chunk());
        listed
            .get(listed.len() / 2)
            .map(|r| r.issue)
            .or_else(|| page.newest_issue(site))
    });
    plan
}

/// One render of a site: what every page and feed needs.
struct Run<'a> {
    site: &'a Site,
    templates: &'a Templates,
    views: &'a Views<'a>,
    /// Links and outages as index pages show them, each made once.
    entries: entries::Entries<'a>,
    base: &'a Context,
    sink: &'a dyn Sink,
    known: Option<&'a Known>,
    /// Hash of what every page depends on (see [`incremental::global_key`]).
    global: u64,
    /// Hash of the tag and service lists (see [`incremental::counts_key`]).
    counts: u64,
    /// The latest issues in full (view and body), shared: rendered once, when needed.
    latest: std::sync::OnceLock<Result<Full>>,
}

impl Run<'_> {
    /// The key of an output at `paths` reading `inputs`, when the caller keeps keys.
    fn key(&self, inputs: &Inputs, paths: &[&str]) -> Option<u64> {
        self.known
            .map(|_| incremental::key(self.site, inputs, paths, self.global, self.counts))
    }

    fn is_known(&self, path: &str, key: Option<u64>) -> bool {
        matches!((self.known, key), (Some(known), Some(key)) if known.get(path) == Some(&key))
    }

    /// A reader of `inputs` for the page at site path `path`.
    fn reader<'r>(&'r self, inputs: &'r Inputs, path: &'r str) -> Result<Reader<'r>> {
        let full = inputs.full.clone().map(|i| self.full(i));
        let full = full.collect::<Result<Full>>()?;
        Ok(Reader::new(inputs, self.views, &self.entries, full, path))
    }

    /// Renders one page into the sink, unless the caller's copy is current.
    fn page(&self, page: Page, inputs: Inputs) -> Result<Vec<Rendered>> {
        let path = page.path(self.site);
        let file = urls::file_of(&path);
        let key = self.key(&inputs, &[&file]);
        if !self.is_known(&file, key) {
            let mut job = page.job(&self.reader(&inputs, &path)?)?;
            job.ctx.insert("has_code", &inputs.has_code(self.site));
            let output = render_page(self.site, self.templates, self.base, &path, job)?;
            put(self.sink, output)?;
        }
        Ok(vec![Rendered { path: file, key }])
    }

    /// Renders one feed (one or more files) into the sink, unless the caller's copies are current.
    fn feed(&self, feed: Feed) -> Result<Vec<Rendered>> {
        let inputs = feed.inputs(self.site);
        let paths = feed.paths(self.site);
        let key = self.key(
            &inputs,
            &paths.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let rendered = |path| Rendered { path, key };
        if paths.iter().all(|p| self.is_known(p, key)) {
            return Ok(paths.into_iter().map(rendered).collect());
        }
        let reader = self.reader(&inputs, &paths[0])?;
        let outputs = feed.render(&reader, |kind, r| {
            let (key, template, value) = match kind {
                EntryKind::Outage => (
                    "outage",
                    "feed_outage.html",
                    value(&self.views.outage_entry(r))?,
                ),
                EntryKind::Link => ("link", "feed_link.html", value(&self.views.link_entry(r))?),
            };
            let ctx = with_value(self.base, key, value);
            let html = self.templates.render(template, &ctx, &paths[0], false)?;
            Ok(html.as_str().unwrap_or_default().to_string())
        })?;
        let paths = outputs.into_iter().map(|o| put(self.sink, o));
        paths.map(|p| p.map(rendered)).collect()
    }

    /// The data files ([`crate::data`]): they read every issue, so their inputs are all
    /// of them (and the key covers the settings, as every key does).
    /// Deferred (`serve`), the previous render's files stand, under their old keys,
    /// until [`archive::complete`] replaces them.
    fn data(&self, archive: Archive) -> Result<Vec<Rendered>> {
        let paths = [urls::OUTAGES_JSON, urls::OUTAGES_CSV, urls::LINKS_JSON];
        if let (Archive::Defer, Some(known)) = (archive, self.known) {
            let held = paths.iter().filter_map(|p| Some((p, *known.get(*p)?)));
            let kept = held.map(|(path, key)| Rendered {
                path: path.to_string(),
                key: Some(key),
            });
            return Ok(kept.collect());
        }
        let inputs = Inputs {
            summaries: 0..self.site.issues.len(),
            ..Inputs::default()
        };
        let key = self.key(&inputs, &paths);
        let rendered = |path: &str| Rendered {
            path: path.to_string(),
            key,
        };
        if !paths.iter().all(|p| self.is_known(p, key)) {
            crate::data::write(self.site, self.sink)?;
        }
        Ok(paths.into_iter().map(rendered).collect())
    }

    /// `sitemap.xml`: every HTML page but the 404 (the same list that is rendered), with
    /// the date of the newest issue each shows as `lastmod`. Keyed by that list, so
    /// `serve` renders it again only when a page or a date comes or goes.
    fn sitemap(&self) -> Result<Rendered> {
        let site = self.site;
        let urls: Vec<SitemapUrl> = pages::all(site)
            .into_iter()
            .filter(|p| *p != Page::NotFound)
            .map(|page| SitemapUrl {
                loc: site.config.permalink(&page.path(site)),
                lastmod: page
                    .newest_issue(site)
                    .map(|i| site.issues[i].date.to_string()),
            })
            .collect();
        let path = urls::SITEMAP.to_string();
        let key = self
            .known
            .map(|_| crate::content::fingerprints().hash_one((self.global, &urls)));
        if !self.is_known(&path, key) {
            let ctx = with(self.base, "urls", &urls);
            let xml = self.templates.render_file(&path, &ctx, &path)?;
            put(self.sink, Output::new(&path, xml))?;
        }
        Ok(Rendered { path, key })
    }

    /// Issue `i` in full: its view and its body rendered by `issue_content.html`;
    /// the latest issues' from the shared copy.
    fn full(&self, i: usize) -> Result<(Value, Value)> {
        if i < self.latest_count() {
            Ok(self.latest()?[i].clone())
        } else {
            self.render_issue(i)
        }
    }

    /// Issue `i` as a template value, and its body rendered by `issue_content.html`.
    fn render_issue(&self, i: usize) -> Result<(Value, Value)> {
        let issue = &self.site.issues[i];
        let value = value(&self.views.issue(issue))?;
        let ctx = with_value(self.base, "issue", value.clone());
        let path = urls::issue(issue.number);
        let body = self
            .templates
            .render("issue_content.html", &ctx, &path, false)?;
        Ok((value, body))
    }

    /// How many of the latest issues are shared in full: the feeds' `feed_limit`, and
    /// at least one, for the home page.
    fn latest_count(&self) -> usize {
        self.site
            .issues
            .len()
            .min(self.site.config.feed_limit.max(1))
    }

    /// The latest issues in full (see [`Run::latest_count`]).
    fn latest(&self) -> Result<&Full> {
        entries::shared(&self.latest, || {
            let full = (0..self.latest_count()).into_par_iter();
            let full = full.map(|i| self.render_issue(i));
            all_or_every_error(full.collect())
        })
    }
}

/// `robots.txt`, pointing at the sitemap.
fn robots(site: &Site, templates: &Templates, base: &Context) -> Result<Output> {
    let ctx = with(base, "sitemap_url", &site.config.permalink(urls::SITEMAP));
    let text = templates.render_file(urls::ROBOTS, &ctx, urls::ROBOTS)?;
    Ok(Output::new(urls::ROBOTS, text))
}

/// Hands `output` to the sink and returns its path.
fn put(sink: &dyn Sink, output: Output) -> Result<String> {
    let path = output.path.clone();
    sink.put(output)?;
    Ok(path)
}

/// A static file must not replace a generated file, or sit where a generated page needs a folder.
///
/// A site has a handful of static files and thousands of pages: each static file is
/// looked for among the pages, rather than every page's folders collected in a set
/// (that was ~3 ms at 5,000 issues, on one core, at the end of every build).
fn check_statics(generated: &[&str], statics: &Files) -> Result<()> {
    let files: ahash::AHashSet<&str> = generated.iter().copied().collect();
    let holds = |folder: &str| {
        generated.iter().any(|p| {
            p.len() > folder.len() && p.as_bytes()[folder.len()] == b'/' && p.starts_with(folder)
        })
    };
    let mut problems = Vec::new();
    for (path, src) in statics {
        let clash = if files.contains(path.as_str()) {
            Some(format!(
                "`{}` would overwrite the generated /{path}",
                src.origin
            ))
        } else if holds(path) {
            Some(format!(
                "`{}` sits where sitrep writes the folder /{path}/",
                src.origin
            ))
        } else {
            path.match_indices('/')
                .map(|(i, _)| &path[..i])
                .find(|dir| files.contains(dir))
                .map(|dir| {
                    format!(
                        "`{}` needs a folder /{dir}/ where sitrep writes the file /{dir}",
                        src.origin
                    )
                })
        };
        if let Some(message) = clash {
            let hint = "rename or move the static file; to change a generated page, override its template instead";
            problems.push(
                crate::error::Diagnostic::file(std::path::Path::new(&src.origin), message)
                    .with_hint(hint),
            );
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Content(problems))
    }
}

/// The values, or one error reporting every distinct template problem (a broken
/// template fails every page using it: it is reported once, with the first page).
fn all_or_every_error<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    let mut values = Vec::with_capacity(results.len());
    let mut reports: Vec<(String, String)> = Vec::new();
    for result in results {
        match result {
            Ok(v) => values.push(v),
            Err(Error::Template { context, message }) => {
                // Pages render in no fixed order: name the first page by path, so the
                // report is the same every run.
                match reports.iter_mut().find(|(_, m)| *m == message) {
                    Some(seen) if context < seen.0 => seen.0 = context,
                    Some(_) => {}
                    None => reports.push((context, message)),
                }
            }
            Err(other) => return Err(other),
        }
    }
    reports.sort();
    match reports.len() {
        0 => Ok(values),
        1 => {
            let (context, message) = reports.remove(0);
            Err(Error::Template { context, message })
        }
        n => {
            let message = reports
                .iter()
                .map(|(c, m)| format!("while {c}:\n{m}"))
                .collect::<Vec<_>>()
                .join("\n");
            Err(Error::Template {
                context: format!("rendering ({n} template problems)"),
                message,
            })
        }
    }
}

/// `v` as a template value, built once to be shared by several contexts.
fn value<T: Serialize>(v: &T) -> Result<Value> {
    Value::try_from_serializable(v).map_err(|e| Error::Template {
        context: "preparing template data".into(),
        message: e.to_string(),
    })
}

fn with<T: Serialize + ?Sized>(base: &Context, key: &'static str, value: &T) -> Context {
    let mut ctx = base.clone();
    ctx.insert(key, value);
    ctx
}

fn with_value(base: &Context, key: &'static str, value: Value) -> Context {
    let mut ctx = base.clone();
    ctx.insert_value(key, value);
    ctx
}

/// The page at site path `path` as an output file: its job's variables and the
/// ones every page's `base.html` uses.
fn render_page(
    site: &Site,
    templates: &Templates,
    base: &Context,
    path: &str,
    job: PageJob,
) -> Result<Output> {
    let mut ctx = base.clone();
    ctx.extend(job.ctx);
    ctx.insert("kind", job.kind);
    ctx.insert("page_title", &job.title);
    ctx.insert("description", &job.description);
    ctx.insert("canonical", &site.config.permalink(path));
    let og_type = if job.kind == "issue" {
        "article"
    } else {
        "website"
    };
    ctx.insert("og_type", og_type);
    let extra_feed = job
        .extra_feed
        .map(|(title, url)| serde_json::json!({ "title": title, "url": url }));
    ctx.insert("extra_feed", &extra_feed);
    let file = urls::file_of(path);
    Ok(Output::new(
        &file,
        templates.render_file(job.template, &ctx, path)?,
    ))
}

#[derive(Serialize, Hash)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}
