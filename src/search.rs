//! The search index (`search = true`): Pagefind, in-process, in shards.
//!
//! Pagefind's indexer runs on one core and grows a little faster than the archive
//! (5,000 issue pages in one index: 20 s). So the archive is cut into shards of
//! [`SHARD_ISSUES`] issues, oldest first, each its own Pagefind bundle, built in
//! parallel; the search page merges them with Pagefind's own multisite search
//! (`mergeIndex`). A new issue lands in the last shard, an edit in its own: every
//! other shard's files are the previous output's, kept as they are (the output
//! folder is the cache). Each shard's folder holds `sitrep-shard.json`: the hash
//! of what went into it and its file list.
//!
//! What is indexed is each issue's search record, rendered by the theme's
//! `search_record.html` (editorial, links, outages, with Pagefind's `data-pagefind-*`
//! attributes for the title, filters and the anchors each link and outage is found
//! under), and each standalone page. List pages are not: they repeat issues.
//! Pagefind's files go through the output stage like any other.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::output::{Output, Sink};
use crate::site::Site;
use crate::urls;

/// Issues per shard: a shard indexes in about 1.5 s on one core, which bounds a
/// rebuild after an edit; a query fetches a few small files per shard.
pub const SHARD_ISSUES: usize = 500;

/// The file in each shard's folder saying what it was built from.
const SHARD_MANIFEST: &str = "sitrep-shard.json";

/// Bumped when sitrep changes how it feeds Pagefind, so old shards are rebuilt.
const FORMAT: u32 = 1;

/// One document for the index: its root-relative URL and its HTML.
#[derive(Hash)]
pub struct Record {
    pub url: String,
    pub html: String,
}

/// Where a shard's bundle lives, as a site path: the first (which also carries
/// Pagefind's scripts, styles and WebAssembly, and the standalone pages) at
/// `pagefind/`, the others at `pagefind/<k>/`.
pub fn bundle_path(k: usize) -> String {
    if k == 0 {
        urls::PAGEFIND.to_string()
    } else {
        format!("{}{k}/", urls::PAGEFIND)
    }
}

/// How many shards the site's index has (at least one, for the standalone pages).
pub fn shard_count(site: &Site) -> usize {
    site.issues.len().div_ceil(SHARD_ISSUES).max(1)
}

/// The bundles the search page loads, as links: the first is Pagefind's primary.
pub fn bundles(site: &Site) -> Vec<String> {
    (0..shard_count(site))
        .map(|k| site.config.href(&bundle_path(k)))
        .collect()
}

/// Which issues (indexes into `site.issues`, newest first) are in shard `k`:
/// shards count from the oldest issue, so adding one changes only the last.
pub fn shard_issues(site: &Site, k: usize) -> impl Iterator<Item = usize> + '_ {
    let n = site.issues.len();
    let from = k * SHARD_ISSUES;
    (from..(from + SHARD_ISSUES).min(n)).map(move |oldest_first| n - 1 - oldest_first)
}

/// What [`write`] did, for the build report and the benchmarks.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Indexed {
    pub shards: usize,
    /// Shards indexed anew (the others were kept from the previous output).
    pub rebuilt: usize,
}

/// What one shard's folder says about itself.
#[derive(Serialize, Deserialize, PartialEq)]
struct ShardManifest {
    /// Hash of the shard's records, the language and [`FORMAT`].
    key: String,
    /// Its files, relative to its folder.
    files: Vec<String>,
}

/// Builds (or keeps) every shard and puts its files into `sink`; returns every path
/// written or kept. `records(k)` gives shard `k`'s documents.
///
/// Shards are built on threads of their own, one per core, not on rayon's pool:
/// Pagefind uses that pool itself, and a pool whose every thread waits for a shard
/// would leave none to run Pagefind's work (a deadlock `serve` met at two shards).
/// For the same reason, never call this from a rayon task.
pub fn write(
    site: &Site,
    sink: &dyn Sink,
    records: &(dyn Fn(usize) -> Result<Vec<Record>> + Sync),
) -> Result<(Vec<String>, Indexed)> {
    let language = site.config.language.as_str();
    let count = shard_count(site);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if k >= count {
                return done;
            }
            done.push((k, records(k).and_then(|r| shard(sink, k, language, r))));
        }
    };
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut shards: Vec<(usize, Result<Shard>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(count))
            .map(|_| scope.spawn(worker))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    vec![(
                        0,
                        Err(Error::Internal("the search indexer panicked".into())),
                    )]
                })
            })
            .collect()
    });
    shards.sort_by_key(|(k, _)| *k);
    let mut paths = Vec::new();
    let mut indexed = Indexed::default();
    for (_, shard) in shards {
        let (files, rebuilt) = shard?;
        paths.extend(files);
        indexed.shards += 1;
        indexed.rebuilt += usize::from(rebuilt);
    }
    Ok((paths, indexed))
}

/// A shard's paths, and whether it was indexed anew (else kept).
type Shard = (Vec<String>, bool);

/// Shard `k`: kept if the previous output's copy was built from the same records,
/// else indexed. Returns its paths and whether it was indexed.
fn shard(sink: &dyn Sink, k: usize, language: &str, records: Vec<Record>) -> Result<Shard> {
    let dir = bundle_path(k);
    let key = format!(
        "{:016x}",
        crate::content::fingerprints().hash_one((FORMAT, language, k == 0, &records))
    );
    let manifest_path = format!("{dir}{SHARD_MANIFEST}");
    if let Some(kept) = kept(sink, &dir, &manifest_path, &key) {
        return Ok((kept, false));
    }
    let files = index(records, language, k == 0)?;
    let manifest = ShardManifest {
        key,
        files: files.iter().map(|(name, _)| name.clone()).collect(),
    };
    let mut paths = Vec::with_capacity(files.len() + 1);
    for (name, bytes) in files {
        let path = format!("{dir}{name}");
        sink.put(Output::new(&path, bytes))?;
        paths.push(path);
    }
    let json = serde_json::to_vec(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
    sink.put(Output::new(&manifest_path, json))?;
    paths.push(manifest_path);
    Ok((paths, true))
}

/// The previous output's copy of a shard, kept whole, if it was built from `key`
/// and every file it lists is still there.
fn kept(sink: &dyn Sink, dir: &str, manifest_path: &str, key: &str) -> Option<Vec<String>> {
    let old: ShardManifest = serde_json::from_slice(&sink.previous(manifest_path)?).ok()?;
    let mut paths: Vec<String> = old.files.iter().map(|f| format!("{dir}{f}")).collect();
    let sound = old.key == key
        && old
            .files
            .iter()
            .all(|f| crate::output::is_relative_normal(f))
        && paths.iter().all(|p| sink.has_previous(p));
    if !sound {
        return None;
    }
    paths.push(manifest_path.to_string());
    paths.iter().all(|p| sink.keep(p)).then_some(paths)
}

/// Indexes `records` with Pagefind; returns its files (relative to the bundle's
/// folder). Only the primary bundle keeps Pagefind's scripts, styles and WebAssembly:
/// merged bundles need only their index. Runs on a thread outside any async runtime
/// (see [`write`]): Pagefind's API is async, and blocks on a runtime of its own here.
fn index(records: Vec<Record>, language: &str, primary: bool) -> Result<Vec<(String, Vec<u8>)>> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let failed = |e: anyhow::Error| Error::Internal(format!("building the search index: {e:#}"));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| Error::Internal(format!("starting the search indexer: {e}")))?;
    let files = runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options)).map_err(failed)?;
        for record in records {
            index
                .add_html_file(None, Some(record.url), record.html)
                .await
                .map_err(failed)?;
        }
        index.get_files().await.map_err(failed)
    })?;
    let mut out: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .filter(|(name, _)| is_index_file(name) || (primary && is_used_asset(name)))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// One of Pagefind's files the search page loads: its search API and worker, its
/// default UI, and the WebAssembly for the site's language (not the modular or
/// component UIs, the highlighter, or the fallback `wasm.unknown`).
fn is_used_asset(name: &str) -> bool {
    matches!(
        name,
        "pagefind.js" | "pagefind-worker.js" | "pagefind-ui.js" | "pagefind-ui.css"
    ) || (name.starts_with("wasm.") && name != "wasm.unknown.pagefind")
}

/// A file of the index itself (not Pagefind's scripts, styles or WebAssembly).
fn is_index_file(name: &str) -> bool {
    name == "pagefind-entry.json"
        || name.ends_with(".pf_meta")
        || ["index/", "fragment/", "filter/"]
            .iter()
            .any(|dir| name.starts_with(dir))
}
