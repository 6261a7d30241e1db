//! The outputs that read the whole archive: the data files ([`crate::data`]) and the
//! search index ([`crate::search`]), whose records (each issue's and standalone page's,
//! rendered by the theme's `search_record.html`) are made here.
//!
//! `build` makes them as part of the render. `check` makes the data files and the
//! search records (a broken `search_record.html` is an error like any other
//! template's) but indexes nothing. `serve` leaves both out of a render, serving the
//! previous ones, and makes them afterwards in the background through [`complete`]:
//! at 1,000 issues they take a second or more, and an edited page should be served
//! at once.

use tera::Context;

use super::views::Views;
use super::{Templates, with};
use crate::error::Result;
use crate::output::Sink;
use crate::search::{Indexed, Record};
use crate::site::Site;
use crate::urls;

/// What a render does about the data files and the search index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Archive {
    /// Makes both, keeping the previous output's search shards still current: `build`.
    Build,
    /// Makes the data files and renders the search records, indexing nothing: `check`.
    Check,
    /// Leaves both out: `serve` makes them afterwards with [`complete`].
    Defer,
}

/// What rendering the search records needs of a render.
pub(super) struct Records<'a> {
    pub site: &'a Site,
    pub templates: &'a Templates,
    pub views: &'a Views<'a>,
    pub base: &'a Context,
}

impl Records<'_> {
    /// The search index as `archive` says; returns every path written or kept.
    pub fn write(&self, sink: &dyn Sink, archive: Archive) -> Result<(Vec<String>, Indexed)> {
        if !self.site.config.search || archive == Archive::Defer {
            return Ok((Vec::new(), Indexed::default()));
        }
        if archive == Archive::Check {
            for k in 0..crate::search::shard_count(self.site) {
                self.shard(k)?;
            }
            return Ok((Vec::new(), Indexed::default()));
        }
        crate::search::write(self.site, sink, &|k| self.shard(k))
    }

    /// Shard `k`'s documents: its issues' records, and in the first shard the
    /// standalone pages'.
    fn shard(&self, k: usize) -> Result<Vec<Record>> {
        let site = self.site;
        let mut records = Vec::new();
        for i in crate::search::shard_issues(site, k) {
            let issue = &site.issues[i];
            let mut ctx = with(self.base, "issue", &self.views.issue(issue));
            ctx.insert("year", &issue.date.year());
            records.push(self.record(&urls::issue(issue.number), &ctx)?);
        }
        for page in site.pages.iter().filter(|_| k == 0) {
            let view = serde_json::json!({ "title": page.title, "html": page.html });
            let ctx = with(self.base, "page", &view);
            records.push(self.record(&urls::page(&page.slug), &ctx)?);
        }
        Ok(records)
    }

    fn record(&self, path: &str, ctx: &Context) -> Result<Record> {
        let html = self
            .templates
            .render("search_record.html", ctx, path, false)?;
        Ok(Record {
            url: self.site.config.href(path),
            html: html.as_str().unwrap_or_default().to_string(),
        })
    }
}

/// Makes `site`'s data files and search index into `sink` (whose previous output
/// supplies the search shards still current): what [`Archive::Defer`] left out.
/// Returns the search index's paths, written or kept, and what was indexed.
pub fn complete(site: &Site, sink: &dyn Sink) -> Result<(Vec<String>, Indexed)> {
    let files = crate::theme::load(&site.config)?;
    let templates = Templates::compile(&files)?;
    let views = Views::new(site);
    let mut base = Context::new();
    base.insert("site", &views.site());
    let records = Records {
        site,
        templates: &templates,
        views: &views,
        base: &base,
    };
    // Not `rayon::join`: the search index waits for threads of its own, and a rayon
    // thread waiting so would be one fewer for Pagefind, which uses rayon's pool.
    std::thread::scope(|scope| {
        let data = scope.spawn(|| crate::data::write(site, sink));
        let search = records.write(sink, Archive::Build);
        let data = data.join().unwrap_or_else(|_| {
            Err(crate::error::Error::Internal(
                "writing the data files panicked".into(),
            ))
        });
        data.and(search)
    })
}
