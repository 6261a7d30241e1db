//! Rendering the site model through Tera into output files.
//!
//! Templates are compiled once. Each issue's body (`issue_content.html`) is
//! rendered once and reused by the issue page, the home page and the feeds.
//! Pages are independent, so they render in parallel.

pub mod entries;
pub mod pages;
pub mod views;

use std::cell::RefCell;
use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::error::{Error, Result};
use crate::feeds;
use crate::output::{Output, Sink};
use crate::site::Site;
use crate::theme::ThemeFiles;
pub use entries::Kept;
use pages::PageJob;
use views::{Views, paths};

/// The compiled templates of a site.
pub struct Templates {
    tera: Tera,
    /// A hash of every template's name, source and origin: pages depend on all of them.
    fingerprint: u64,
    /// Template name → the file it came from, named in errors.
    origins: BTreeMap<String, String>,
}

/// Tera's built-in filters, for "did you mean" hints.
const FILTERS: [&str; 37] = [
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
];

impl Templates {
    /// Compiles the theme's templates (with the site's overrides). Autoescape is on for HTML and XML.
    pub fn compile(files: &ThemeFiles) -> Result<Templates> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml"]);
        tera.register_filter("safe", safe);
        let fingerprint = {
            crate::content::fingerprints().hash_one((&files.templates, &files.template_origins))
        };
        let templates = Templates {
            tera: Tera::new(),
            fingerprint,
            origins: files.template_origins.clone(),
        };
        tera.add_raw_templates(files.templates.iter())
            .map_err(|e| templates.error("compiling the templates".into(), &e))?;
        Ok(Templates { tera, ..templates })
    }

    /// Renders `template` for site path `path` into a string value for other templates
    /// (`safe`: printed without escaping).
    ///
    /// Tera renders into a buffer kept per thread, so it grows to the largest output
    /// once instead of doubling its way up for every one (at 5,000 issues, growing
    /// and page-faulting fresh buffers was a third of rendering); the value is then
    /// made straight from that buffer, its only copy.
    fn render(&self, template: &str, ctx: &Context, path: &str, safe: bool) -> Result<Value> {
        thread_local! {
            static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        let render = |buffer: &mut Vec<u8>| {
            buffer.clear();
            self.render_to(template, ctx, path, buffer)?;
            let text = std::str::from_utf8(buffer)
                .map_err(|e| Error::Output(format!("/{path} is not UTF-8: {e}")))?;
            Ok(if safe {
                Value::safe_string(text)
            } else {
                Value::normal_string(text)
            })
        };
        BUFFER.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buffer) => render(&mut buffer),
            // Only if a render ever started another on the same thread.
            Err(_) => render(&mut Vec::new()),
        })
    }

    /// Renders `template` as the file for site path `path`.
    ///
    /// Unlike [`Templates::render`], the output is not copied or checked for UTF-8 (Tera
    /// writes only strings): it renders straight into the file's buffer, sized like the
    /// largest file this thread has rendered so it is rarely grown. That copy and
    /// check were ~3 % of a build's instructions.
    fn render_file(&self, template: &str, ctx: &Context, path: &str) -> Result<Vec<u8>> {
        thread_local! {
            static LARGEST: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
        }
        let mut bytes = Vec::with_capacity(LARGEST.get());
        self.render_to(template, ctx, path, &mut bytes)?;
        LARGEST.set(LARGEST.get().max(bytes.len()));
        Ok(bytes)
    }

    /// Renders `template` for site path `path`, appending to `out`.
    fn render_to(
        &self,
        template: &str,
        ctx: &Context,
        path: &str,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        self.tera
            .render_to(template, ctx, out)
            .map_err(|e| self.error(format!("rendering /{path} with {template}"), &e))
    }

    /// Tera's report, plus which file the template came from and a hint for unknown filters.
    fn error(&self, context: String, err: &tera::Error) -> Error {
        let Error::Template {
            context,
            mut message,
        } = Error::template(context, err)
        else {
            return Error::template("rendering", err);
        };
        let named = message
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .and_then(|l| l.split(':').next());
        if let Some(origin) = named.and_then(|name| self.origins.get(name).map(|o| (name, o))) {
            message.push_str(&format!("\n  = note: `{}` is {}", origin.0, origin.1));
        }
        let unknown = message
            .split("Unknown filter `")
            .nth(1)
            .and_then(|r| r.split('`').next());
        if let Some(hint) = unknown.and_then(|f| crate::toml_diag::closest(f, &FILTERS)) {
            message.push_str(&format!("\n  = help: did you mean `{hint}`?"));
        }
        Error::Template { context, message }
    }
}

/// Tera's `safe`, without the copy: the built-in makes a new string of the value's text,
/// and themes mark every piece of rendered Markdown and every pre-rendered entry safe
/// (hundreds of megabytes copied at 5,000 issues). A string value is shared and only
/// flagged; anything else is printed and flagged, as the built-in does.
fn safe(value: Value, _: tera::Kwargs, _: &tera::State) -> Value {
    if value.is_string() {
        value.mark_safe()
    } else {
        Value::safe_string(&value.to_string())
    }
}

/// Renders every page, feed and static file of `site` into `sink`, in parallel.
///
/// Pages go to the sink as soon as they are rendered, so memory holds a few
/// pages at a time rather than the whole site. Only the issue bodies the home
/// page and the feeds share are kept.
///
/// With `reuse`, pages whose key is unchanged are not rendered again and index
/// entries are kept between renders: `serve` re-renders only what an edit touched.
/// Returns every output, rendered or not.
pub fn render(
    site: &Site,
    templates: &Templates,
    statics: &crate::theme::Files,
    sink: &dyn Sink,
    reuse: Option<Reuse>,
) -> Result<Vec<Rendered>> {
    let views = Views::new(site);
    let mut base = Context::new();
    base.insert("site", &views.site());
    let global = global_key(site, templates);
    let kept = reuse.map(|r| (r.entries, global));
    let run = Run {
        site,
        templates,
        views: &views,
        entries: entries::Entries::new(&views, templates, &base, kept),
        base: &base,
        sink,
        known: reuse.map(|r| r.known),
        global,
        counts: pages::counts_key(site),
        latest: std::sync::OnceLock::new(),
    };
    // Pages go out ordered by the middle issue each lists (an issue page by its own),
    // and in that order (`par_bridge` hands them to threads one at a time), so the
    // pages sharing an entry render close together and the entry is dropped soon
    // after it is made. An index page spans a range of issues (a rare tag's page,
    // hundreds): keyed by the middle of that range rather than its newest issue, at
    // most 4,407 entries were alive at once instead of 9,440 (N=5,000; −14 MB peak).
    let mut order = pages::all(site);
    order.sort_by_cached_key(|p| {
        let listed = p.listed(site);
        listed
            .get(listed.len() / 2)
            .map(|r| r.issue)
            .or_else(|| p.newest_issue(site))
    });
    let pages = order.into_iter().par_bridge().map(|page| run.page(page));
    let feeds = feeds::all(site).into_par_iter().map(|feed| run.feed(feed));
    // The sitemap lists every page, so it is made alongside them rather than after.
    let (rendered, sitemap) =
        rayon::join(|| pages.chain(feeds).collect::<Vec<_>>(), || run.sitemap());
    let mut rendered: Vec<Rendered> = all_or_every_error(rendered)?
        .into_iter()
        .flatten()
        .collect();
    run.entries.prune_kept();

    rendered.push(sitemap?);

    let mut paths: Vec<String> = rendered.iter().map(|r| r.path.clone()).collect();
    let robots_ctx = with(&base, "sitemap_url", &site.config.permalink("sitemap.xml"));
    let robots = Output::new(
        "robots.txt",
        templates.render_file("robots.txt", &robots_ctx, "robots.txt")?,
    );
    paths.push(put(sink, robots)?);
    check_statics(&paths, statics)?;
    for (path, src) in statics {
        paths.push(put(sink, Output::new(path, src.bytes.clone()))?);
    }
    let extra = paths.split_off(rendered.len());
    rendered.extend(extra.into_iter().map(|path| Rendered { path, key: None }));
    Ok(rendered)
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
    /// Hash of what every page depends on (see [`global_key`]).
    global: u64,
    /// Hash of the tag and service lists (see [`pages::counts_key`]).
    counts: u64,
    /// The latest issues' bodies, for the home page and the feeds: rendered once, when needed.
    latest: std::sync::OnceLock<Result<Vec<Value>>>,
}

impl Run<'_> {
    /// Renders one page into the sink, unless the caller's copy is current.
    fn page(&self, page: pages::Page) -> Result<Vec<Rendered>> {
        let key = self
            .known
            .map(|_| page.key(self.site, self.global, self.counts));
        let path = file_of(&page.path(self.site));
        if self.is_known(&path, key) {
            return Ok(vec![Rendered { path, key }]);
        }
        let issue = match page {
            pages::Page::Issue(i) => Some(self.issue(i)?),
            _ => None,
        };
        let latest = if page == pages::Page::Home {
            self.latest()?
        } else {
            &[]
        };
        let job = page.job(self.views, &self.entries, latest, issue)?;
        put(
            self.sink,
            render_page(self.site, self.templates, self.base, job)?,
        )?;
        Ok(vec![Rendered { path, key }])
    }

    /// Renders one feed (one or more files) into the sink, unless the caller's copies are current.
    fn feed(&self, feed: feeds::Feed) -> Result<Vec<Rendered>> {
        let key = self.known.map(|_| feed.key(self.site, self.global));
        let paths = feed.paths(self.site);
        if paths.iter().all(|p| self.is_known(p, key)) {
            return Ok(paths
                .into_iter()
                .map(|path| Rendered { path, key })
                .collect());
        }
        let outputs = feed.render(self.site, || self.latest())?;
        outputs
            .into_iter()
            .map(|o| {
                Ok(Rendered {
                    path: put(self.sink, o)?,
                    key,
                })
            })
            .collect()
    }

    /// `sitemap.xml`: every HTML page but the 404 (the same list that is rendered), with
    /// the date of the newest issue each shows as `lastmod`. Keyed by that list, so
    /// `serve` renders it again only when a page or a date comes or goes.
    fn sitemap(&self) -> Result<Rendered> {
        let site = self.site;
        let urls: Vec<SitemapUrl> = pages::all(site)
            .into_iter()
            .filter(|p| *p != pages::Page::NotFound)
            .map(|page| SitemapUrl {
                loc: site.config.permalink(&page.path(site)),
                lastmod: page
                    .newest_issue(site)
                    .map(|i| site.issues[i].date.to_string()),
            })
            .collect();
        let path = "sitemap.xml".to_string();
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

    fn is_known(&self, path: &str, key: Option<u64>) -> bool {
        matches!((self.known, key), (Some(known), Some(key)) if known.get(path) == Some(&key))
    }

    /// Issue `i` as a template value, and its body rendered by `issue_content.html`.
    fn issue(&self, i: usize) -> Result<(Value, Value)> {
        let issue = &self.site.issues[i];
        let value = value(&self.views.issue(issue))?;
        let mut ctx = self.base.clone();
        ctx.insert_value("issue", value.clone());
        let body = self.templates.render(
            "issue_content.html",
            &ctx,
            &paths::issue(issue.number),
            false,
        )?;
        Ok((value, body))
    }

    /// The bodies of the latest `feed_limit` issues.
    fn latest(&self) -> Result<&[Value]> {
        let n = self
            .site
            .issues
            .len()
            .min(self.site.config.feed_limit.max(1));
        entries::shared(&self.latest, || {
            all_or_every_error(
                (0..n)
                    .into_par_iter()
                    .map(|i| self.issue(i).map(|(_, body)| body))
                    .collect(),
            )
        })
        .map(Vec::as_slice)
    }
}

/// Output path → key of pages a caller holds from an earlier render (see [`render`]).
pub type Known = std::collections::HashMap<String, u64>;

/// What a caller that renders one site again and again (`serve`) keeps between renders.
#[derive(Clone, Copy)]
pub struct Reuse<'a> {
    /// The key of every page the caller holds: a page whose key is unchanged is skipped.
    pub known: &'a Known,
    /// Index entries of earlier renders: reused while current, refreshed otherwise.
    pub entries: &'a entries::Kept,
}

/// One output of a render.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Output path.
    pub path: String,
    /// For pages and feeds rendered with a `known` map: the key they have now. A keyed
    /// output that was not sent to the sink is current in the caller's copy.
    pub key: Option<u64>,
}

/// Everything every page depends on: templates, settings, navigation and tag names.
fn global_key(site: &Site, templates: &Templates) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = crate::content::fingerprints().build_hasher();
    templates.fingerprint.hash(&mut h);
    format!("{:?}", site.config).hash(&mut h);
    site.pages
        .iter()
        .for_each(|p| (&p.slug, &p.title).hash(&mut h));
    site.link_tags
        .iter()
        .chain(&site.outage_tags)
        .for_each(|t| (&t.tag.slug, &t.tag.name).hash(&mut h));
    h.finish()
}

/// The file a site path is written to: `issues/45/` → `issues/45/index.html`.
fn file_of(path: &str) -> String {
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
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
fn check_statics(generated: &[String], statics: &crate::theme::Files) -> Result<()> {
    let files: ahash::AHashSet<&str> = generated.iter().map(String::as_str).collect();
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

fn render_page(site: &Site, templates: &Templates, base: &Context, job: PageJob) -> Result<Output> {
    let mut ctx = base.clone();
    ctx.extend(job.ctx);
    ctx.insert("kind", job.kind);
    ctx.insert("page_title", &job.title);
    ctx.insert("description", &job.description);
    ctx.insert("canonical", &site.config.permalink(&job.path));
    ctx.insert(
        "og_type",
        if job.kind == "issue" {
            "article"
        } else {
            "website"
        },
    );
    let extra_feed = job
        .extra_feed
        .map(|(title, url)| serde_json::json!({ "title": title, "url": url }));
    ctx.insert("extra_feed", &extra_feed);
    let file = file_of(&job.path);
    Ok(Output::new(
        &file,
        templates.render_file(job.template, &ctx, &job.path)?,
    ))
}

#[derive(Serialize, Hash)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

#[cfg(test)]
mod tests {
    use tera::{Context, Tera};

    #[test]
    fn safe_prints_strings_unescaped_and_other_values_as_text() {
        let mut tera = Tera::new();
        tera.autoescape_on([".html"]);
        tera.register_filter("safe", super::safe);
        tera.add_raw_template(
            "t.html",
            "{{ long | safe }}|{{ long }}|{{ short | safe }}|{{ n | safe }}|{{ list | safe }}",
        )
        .unwrap();
        let mut ctx = Context::new();
        let long = "<p>A paragraph of <em>rendered</em> Markdown &amp; more</p>";
        ctx.insert("long", long);
        ctx.insert("short", "<i>");
        ctx.insert("n", &5);
        ctx.insert("list", &["<a>"]);
        let out = tera.render("t.html", &ctx).unwrap();
        let escaped = long
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert_eq!(out, format!("{long}|{escaped}|<i>|5|[\"<a>\"]"));
    }
}
