//! The search index's side of a render: each issue's and standalone page's search
//! record, rendered by the theme's `search_record.html`, handed to [`crate::search`].
//!
//! `build` indexes as part of the render. `check` renders the records (a broken
//! `search_record.html` is an error like any other template's) but indexes nothing.
//! `serve` leaves the index out of a render and builds it afterwards, in the
//! background, through [`search_index`], so an edited page is served at once.

use tera::Context;

use super::views::Views;
use super::{Templates, with};
use crate::error::Result;
use crate::output::Sink;
use crate::search::{Indexed, Record};
use crate::site::Site;
use crate::urls;

/// What a render does about the search index (when `search = true`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    /// Builds it, keeping the previous output's shards that are still current: `build`.
    Build,
    /// Renders its records, to find template errors, and indexes nothing: `check`.
    RecordsOnly,
    /// Leaves it out: `serve` builds it afterwards with [`search_index`].
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
    /// The search index as `index` says; returns every path written or kept.
    pub fn write(&self, sink: &dyn Sink, index: Index) -> Result<(Vec<String>, Indexed)> {
        if !self.site.config.search || index == Index::Defer {
            return Ok((Vec::new(), Indexed::default()));
        }
        if index == Index::RecordsOnly {
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

/// Builds `site`'s search index alone into `sink` (whose previous output supplies the
/// shards still current): the part of a render `serve` defers. Returns every path
/// written or kept; nothing when `search = false`.
pub fn search_index(site: &Site, sink: &dyn Sink) -> Result<(Vec<String>, Indexed)> {
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
    records.write(sink, Index::Build)
}
