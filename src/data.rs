//! The archive as open data: every outage (`outages.json`, `outages.csv`) and every
//! link (`links.json`) of the published issues, newest first.
//!
//! Written through serde (JSON) and the `csv` crate (RFC 4180), never by string
//! concatenation, so quotes, commas, newlines and `]]>` in commentary round-trip.
//! The schema (README, "The archive as data") only grows: fields are added, never
//! renamed or removed; `schema` names its version. `generated` is the newest issue's
//! date, not the clock, so rebuilding gives the same bytes.

use std::borrow::Cow;

use rayon::prelude::*;
use serde::Serialize;

use crate::content::{Issue, Tag};
use crate::error::{Error, Result};
use crate::output::{Output, Sink};
use crate::site::Site;
use crate::urls;

/// The schema version of the data files.
pub const SCHEMA: &str = "sitrep-data/1";

/// A tag as the data files show it.
#[derive(Serialize)]
struct DataTag<'a> {
    slug: &'a str,
    name: &'a str,
}

/// One outage, as a CSV row (tags joined with `;`); [`OutageJson`] in JSON.
#[derive(Serialize)]
struct OutageRow<'a> {
    service: &'a str,
    service_slug: &'a str,
    title: Option<&'a str>,
    url: Option<&'a str>,
    /// `YYYY-MM-DD`, when known.
    date: Option<String>,
    tag_slugs: String,
    tag_names: String,
    commentary_html: String,
    commentary_text: String,
    issue_number: u32,
    issue_url: String,
    anchor_url: String,
    #[serde(skip)]
    tags: Vec<DataTag<'a>>,
}

/// One outage in `outages.json`: the CSV row's fields, with tags as objects.
#[derive(Serialize)]
struct OutageJson<'r, 'a> {
    service: &'a str,
    service_slug: &'a str,
    title: Option<&'a str>,
    url: Option<&'a str>,
    date: &'r Option<String>,
    tags: &'r [DataTag<'a>],
    commentary_html: &'r str,
    commentary_text: &'r str,
    issue_number: u32,
    issue_url: &'r str,
    anchor_url: &'r str,
}

impl<'a> OutageRow<'a> {
    fn json(&self) -> OutageJson<'_, 'a> {
        OutageJson {
            service: self.service,
            service_slug: self.service_slug,
            title: self.title,
            url: self.url,
            date: &self.date,
            tags: &self.tags,
            commentary_html: &self.commentary_html,
            commentary_text: &self.commentary_text,
            issue_number: self.issue_number,
            issue_url: &self.issue_url,
            anchor_url: &self.anchor_url,
        }
    }
}

/// One link in `links.json`.
#[derive(Serialize)]
struct LinkRow<'a> {
    title: &'a str,
    url: &'a str,
    source: Option<&'a str>,
    tags: Vec<DataTag<'a>>,
    via: Option<&'a str>,
    disclosure: Option<&'a str>,
    commentary_html: Cow<'a, str>,
    commentary_text: String,
    issue_number: u32,
    issue_url: String,
    anchor_url: String,
}

/// A data file: its schema and site, then its entries under `outages` or `links`.
#[derive(Serialize)]
struct Document<'a, T> {
    schema: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    /// The newest issue's date: builds stay deterministic.
    generated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outages: Option<Vec<T>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Vec<T>>,
}

/// Writes the site's data files into `sink`.
///
/// The outage rows are made in parallel (reading each commentary's text is most of
/// the work) beside the links file, the largest, which is streamed: its rows are made
/// and serialized in parallel a batch of issues at a time, in order, and written as
/// each batch is done, so the whole file (120 MB at 5,000 issues) is never in memory.
pub fn write(site: &Site, sink: &dyn Sink) -> Result<()> {
    let (outages, links) = rayon::join(
        || {
            let outages = outages(site);
            let doc = document(
                site,
                Some(outages.iter().map(OutageRow::json).collect()),
                None,
            );
            sink.put(Output::new(
                urls::OUTAGES_JSON,
                json(urls::OUTAGES_JSON, &doc)?,
            ))?;
            sink.put(Output::new(urls::OUTAGES_CSV, csv(&outages)?))
        },
        || write_links(site, sink),
    );
    outages.and(links)
}

/// The data files in memory, sorted by path (for tests and tools).
pub fn files(site: &Site) -> Result<Vec<Output>> {
    let memory = crate::output::Memory::default();
    write(site, &memory)?;
    Ok(memory.into_outputs())
}

/// Issues whose links are made at once: enough to keep every core busy, few enough
/// that the batch in memory is small (~2 MB).
const BATCH: usize = 64;

/// `links.json`: the document with an empty list, serialized by serde, then the rows
/// streamed between the list's brackets (the list is the document's last field).
fn write_links(site: &Site, sink: &dyn Sink) -> Result<()> {
    let doc = document::<LinkRow>(site, None, Some(Vec::new()));
    let head = serde_json::to_vec(&doc).map_err(|e| data_error(urls::LINKS_JSON, e))?;
    let head = head
        .strip_suffix(b"[]}")
        .ok_or_else(|| Error::Internal("links.json: the entry list is not last".into()))?;
    let io = |e: std::io::Error| data_error(urls::LINKS_JSON, e);
    sink.put_streamed(urls::LINKS_JSON, &mut |out| {
        out.write_all(head).map_err(io)?;
        out.write_all(b"[").map_err(io)?;
        let mut first = true;
        for batch in site.issues.chunks(BATCH) {
            let chunks: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|issue| issue_chunk(site, issue))
                .collect::<Result<_>>()?;
            for chunk in chunks.iter().filter(|c| !c.is_empty()) {
                let chunk = if std::mem::take(&mut first) {
                    &chunk[1..]
                } else {
                    chunk
                };
                out.write_all(chunk).map_err(io)?;
            }
        }
        out.write_all(b"]}\n").map_err(io)
    })
}

/// The links of one issue as JSON objects, each after a comma (the caller drops the
/// first comma of the file). Sized up front from the commentary, the largest part.
fn issue_chunk(site: &Site, issue: &Issue) -> Result<Vec<u8>> {
    let estimate: usize = issue
        .links
        .iter()
        .map(|l| 2 * l.commentary.html.len() + 512)
        .sum();
    let mut chunk = Vec::with_capacity(estimate);
    for row in issue_links(site, issue) {
        chunk.push(b',');
        serde_json::to_writer(&mut chunk, &row).map_err(|e| data_error(urls::LINKS_JSON, e))?;
    }
    Ok(chunk)
}

fn document<'a, T>(
    site: &'a Site,
    outages: Option<Vec<T>>,
    links: Option<Vec<T>>,
) -> Document<'a, T> {
    Document {
        schema: SCHEMA,
        title: &site.config.title,
        home_page_url: &site.config.base_url,
        generated: site.issues.first().map(|i| i.date.to_string()),
        outages,
        links,
    }
}

/// An entry's issue URL and its own anchor URL there.
fn reported(site: &Site, issue: &Issue, id: &str) -> (String, String) {
    let c = &site.config;
    let anchor_url = c.permalink(&urls::issue_anchor(issue.number, id));
    (anchor_url, c.permalink(&urls::issue(issue.number)))
}

fn tags<'a>(site: &'a Site, tags: &'a [Tag]) -> Vec<DataTag<'a>> {
    let tag = |t: &'a Tag| DataTag {
        slug: &t.slug,
        name: site.tag_name(t),
    };
    tags.iter().map(tag).collect()
}

/// Commentary as HTML with absolute links (it is read away from the site), and as text.
fn commentary<'h>(site: &Site, html: &'h str) -> (Cow<'h, str>, String) {
    let c = &site.config;
    let html = crate::feeds::absolutized(html, &c.base_path, &c.base_url);
    let text = crate::html::text(&html);
    (html, text)
}

fn outages(site: &Site) -> Vec<OutageRow<'_>> {
    let row = |r| {
        let (issue, o) = site.outage(r);
        let (commentary_html, commentary_text) = commentary(site, &o.commentary_html);
        let (anchor_url, issue_url) = reported(site, issue, &o.id);
        let tags = tags(site, &o.tags);
        let slugs: Vec<&str> = tags.iter().map(|t| t.slug).collect();
        let names: Vec<&str> = tags.iter().map(|t| t.name).collect();
        OutageRow {
            service: &o.service,
            service_slug: &o.service_slug,
            title: o.title.as_deref(),
            url: o.url.as_deref(),
            date: o.date.map(|d| d.to_string()),
            tag_slugs: slugs.join(";"),
            tag_names: names.join(";"),
            commentary_html: commentary_html.into_owned(),
            commentary_text,
            issue_number: issue.number,
            issue_url,
            anchor_url,
            tags,
        }
    };
    site.outages.par_iter().map(|&r| row(r)).collect()
}

fn issue_links<'a>(site: &'a Site, issue: &'a Issue) -> Vec<LinkRow<'a>> {
    let mut rows = Vec::with_capacity(issue.links.len());
    for l in &issue.links {
        let (commentary_html, commentary_text) = commentary(site, &l.commentary.html);
        let (anchor_url, issue_url) = reported(site, issue, &l.id);
        rows.push(LinkRow {
            title: &l.title,
            url: &l.url,
            source: l.source.as_deref(),
            tags: tags(site, &l.tags),
            via: l.via.as_deref(),
            disclosure: l.disclosure.as_deref(),
            commentary_html,
            commentary_text,
            issue_number: issue.number,
            issue_url,
            anchor_url,
        });
    }
    rows
}

fn json<T: Serialize>(path: &str, doc: &T) -> Result<Vec<u8>> {
    // Compact: the files are for programs, and indentation made links.json half again
    // as large (151 MB at 5,000 issues).
    let mut bytes = serde_json::to_vec(doc).map_err(|e| data_error(path, e))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The CSV's columns, written on their own when there is no outage yet.
const CSV_HEADER: [&str; 12] = [
    "service",
    "service_slug",
    "title",
    "url",
    "date",
    "tag_slugs",
    "tag_names",
    "commentary_html",
    "commentary_text",
    "issue_number",
    "issue_url",
    "anchor_url",
];

fn csv(rows: &[OutageRow]) -> Result<Vec<u8>> {
    let fail = |e: csv::Error| data_error(urls::OUTAGES_CSV, e);
    let mut writer = csv::Writer::from_writer(Vec::new());
    if rows.is_empty() {
        writer.write_record(CSV_HEADER).map_err(fail)?;
    }
    for row in rows {
        writer.serialize(row).map_err(fail)?;
    }
    writer
        .into_inner()
        .map_err(|e| data_error(urls::OUTAGES_CSV, e.error()))
}

fn data_error(path: &str, e: impl std::fmt::Display) -> Error {
    Error::Feed(format!("cannot write {path}: {e}"))
}
