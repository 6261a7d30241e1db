//! The archive as open data: every outage (`outages.json`, `outages.csv`) and every
//! link (`links.json`) of the published issues, newest first.
//!
//! Written through serde (JSON) and the `csv` crate (RFC 4180), never by string
//! concatenation, so quotes, commas, newlines and `]]>` in commentary round-trip.
//! The schema (README, "The archive as data") only grows: fields are added, never
//! renamed or removed; `schema` names its version. `generated` is the newest issue's
//! date, not the clock, so rebuilding gives the same bytes.

use rayon::prelude::*;
use serde::Serialize;

use crate::content::{Issue, Tag};
use crate::error::{Error, Result};
use crate::output::Output;
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
    commentary_html: String,
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

/// The site's data files.
///
/// The rows are made in parallel (reading each commentary's text is most of the work)
/// and the links file, the largest, is written alongside the outage files.
pub fn files(site: &Site) -> Result<Vec<Output>> {
    let (outage_files, links) = rayon::join(
        || {
            let outages = outages(site);
            let doc = document(
                site,
                Some(outages.iter().map(OutageRow::json).collect()),
                None,
            );
            Ok::<_, Error>([
                Output::new(urls::OUTAGES_JSON, json(urls::OUTAGES_JSON, &doc)?),
                Output::new(urls::OUTAGES_CSV, csv(&outages)?),
            ])
        },
        || {
            let doc = document::<LinkRow>(site, None, Some(Vec::new()));
            let rows = links(site)?;
            let bytes = json_with_rows(urls::LINKS_JSON, &doc, &rows)?;
            Ok(Output::new(urls::LINKS_JSON, bytes))
        },
    );
    let mut files = Vec::from(outage_files?);
    files.push(links?);
    Ok(files)
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
fn commentary(site: &Site, html: &str) -> (String, String) {
    let c = &site.config;
    let html = crate::feeds::absolutize(html, &c.base_path, &c.base_url);
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
            commentary_html,
            commentary_text,
            issue_number: issue.number,
            issue_url,
            anchor_url,
            tags,
        }
    };
    site.outages.par_iter().map(|&r| row(r)).collect()
}

/// Every link as JSON, one chunk per issue (newest first), each a comma-separated run
/// of serialized rows: made in parallel, and each issue's rows are freed as soon as
/// they are written, so the 60,000 rows of a 5,000-issue archive are never all held.
fn links(site: &Site) -> Result<Vec<Vec<u8>>> {
    site.issues
        .par_iter()
        .map(|issue| {
            let mut chunk = Vec::new();
            for (i, row) in issue_links(site, issue).iter().enumerate() {
                if i > 0 {
                    chunk.push(b',');
                }
                serde_json::to_writer(&mut chunk, row)
                    .map_err(|e| data_error(urls::LINKS_JSON, e))?;
            }
            Ok(chunk)
        })
        .collect()
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

/// `doc`, whose entry list (its last field) is empty, with `chunks` of serialized
/// rows (see [`links`]) as that list: serde writes every value, this only puts the
/// rows between the list's brackets, into a buffer of the exact size (growing one
/// buffer to 140 MB by doubling cost more than the serializing).
fn json_with_rows<T: Serialize>(
    path: &str,
    doc: &Document<'_, T>,
    chunks: &[Vec<u8>],
) -> Result<Vec<u8>> {
    let head = serde_json::to_vec(doc).map_err(|e| data_error(path, e))?;
    let head = head
        .strip_suffix(b"[]}")
        .ok_or_else(|| Error::Internal(format!("{path}: the entry list is not last")))?;
    let rows: Vec<&Vec<u8>> = chunks.iter().filter(|c| !c.is_empty()).collect();
    let size = head.len() + rows.iter().map(|c| c.len() + 1).sum::<usize>() + 4;
    let mut bytes = Vec::with_capacity(size);
    bytes.extend_from_slice(head);
    bytes.push(b'[');
    for (i, chunk) in rows.into_iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(chunk);
    }
    bytes.extend_from_slice(b"]}\n");
    Ok(bytes)
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
