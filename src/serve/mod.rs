//! `sitrep serve`: build, serve from memory, rebuild on change, reload browsers.
//!
//! The site is rendered into memory and served from there, never from disk, so
//! no request can reach a file outside the built site whatever its path says.
//! Each rebuild replaces the whole in-memory site at once: a failed rebuild
//! keeps the last good one and shows its error in the terminal and, through a
//! small injected script, over every open page until the next good build.

mod watch;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::broadcast;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::config::BuildOptions;
use crate::error::{Error, Result};
use crate::render::incremental::{Incremental, Rendition};
use crate::search::Indexed;
use crate::site::Site;
use crate::urls;

const LIVE_JS: &str = include_str!("live.js");

/// What `serve` needs to know.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site to build (`base_url` is replaced by the server's own address).
    pub build: BuildOptions,
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Open the site in the default browser once it is up.
    pub open: bool,
    /// Poll the file system instead of using OS notifications (network drives, WSL2, containers).
    pub poll: bool,
}

/// The last good build, or the error of the last attempt.
struct Snapshot {
    /// Every file of the last good build; the next rebuild starts from it.
    site: Arc<Rendition>,
    generation: u64,
    error: Option<String>,
}

/// Shared between the HTTP handlers and the rebuild loop.
struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    events: broadcast::Sender<Notice>,
    rebuilder: Mutex<Rebuilder>,
    /// Held by the archive job running: one at a time, the newest build's.
    completing: Mutex<()>,
}

/// What one site's rebuilds keep from one to the next: parsed content (an edit
/// re-parses only the changed files) and what lets a render skip unchanged pages.
#[derive(Default)]
pub struct Rebuilder {
    cache: crate::content::Cache,
    render: Incremental,
}

/// A rebuild's pages and feeds, and what is left to do for its data files and search index.
pub struct Rebuild {
    /// Every file; the data files and search index are the previous rendition's until
    /// `rest` runs.
    pub site: Rendition,
    /// The rest of the build.
    pub rest: ArchiveJob,
}

/// Brings a rendition's data files and search index up to date with the site it was
/// rendered from: the slow part of a rebuild (a search shard takes a second or two),
/// which `serve` runs in the background.
pub struct ArchiveJob(Arc<Site>);

impl ArchiveJob {
    /// `current` with up-to-date data files and search index, and what was indexed.
    pub fn run(&self, current: &Rendition) -> Result<(Rendition, Indexed)> {
        crate::render::incremental::complete(&self.0, current)
    }

    /// Whether the site has a search index.
    pub fn searchable(&self) -> bool {
        self.0.config.search
    }
}

impl Rebuilder {
    /// Loads and renders the site at `opts`, starting from `previous`. `changed`: the
    /// content files the watcher reported, when it reported nothing else (see
    /// [`crate::content::Cache::only_changed`]).
    pub fn rebuild(
        &mut self,
        opts: &BuildOptions,
        changed: Option<Vec<PathBuf>>,
        previous: &Rendition,
    ) -> Result<Rebuild> {
        if let Some(paths) = changed {
            self.cache.only_changed(paths);
        }
        let site = crate::load_with(opts, &mut self.cache)?;
        let rendition = self.render.rerender(&site, previous)?;
        Ok(Rebuild {
            site: rendition,
            rest: ArchiveJob(Arc::new(site)),
        })
    }

    /// How many index entries are kept for the next rebuild.
    pub fn kept_entries(&self) -> usize {
        self.render.kept_entries()
    }
}

/// What a rebuild did, for the terminal.
struct Rebuilt {
    rendered: usize,
    reused: usize,
    millis: u128,
}

/// What browsers are told after a rebuild.
#[derive(Clone, Debug)]
enum Notice {
    Built(u64),
    Failed(String),
    /// The server is stopping: event streams end so graceful shutdown can finish.
    Shutdown,
}

impl Shared {
    fn current(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_else(|e| Arc::clone(&e.into_inner()))
    }

    /// Rebuilds the site into memory (see [`Rebuilder::rebuild`]) and publishes the
    /// result; a failure keeps the last good files and publishes the error. The
    /// data files and search index follow in the background ([`Shared::complete`]).
    fn rebuild(
        self: &Arc<Self>,
        opts: &BuildOptions,
        changed: Option<Vec<PathBuf>>,
    ) -> Result<Rebuilt> {
        let start = Instant::now();
        let previous = self.current();
        let result = self
            .rebuilder
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .rebuild(opts, changed, &previous.site);
        let (snapshot, notice, outcome) = match result {
            Ok(Rebuild { site, rest }) => {
                let done = Rebuilt {
                    rendered: site.rendered,
                    reused: site.reused,
                    millis: start.elapsed().as_millis(),
                };
                let generation = previous.generation + 1;
                let snapshot = Snapshot {
                    site: Arc::new(site),
                    generation,
                    error: None,
                };
                (snapshot, Notice::Built(generation), Ok((done, rest)))
            }
            Err(e) => {
                let message = e.to_string();
                let snapshot = Snapshot {
                    site: Arc::clone(&previous.site),
                    generation: previous.generation,
                    error: Some(message.clone()),
                };
                (snapshot, Notice::Failed(message), Err(e))
            }
        };
        let generation = snapshot.generation;
        if let Ok(mut s) = self.snapshot.write() {
            *s = Arc::new(snapshot);
        }
        let _ = self.events.send(notice);
        outcome.map(|(done, job)| {
            let shared = Arc::clone(self);
            std::thread::spawn(move || shared.complete(&job, generation));
            done
        })
    }

    /// Runs build `generation`'s archive job and puts its files into the snapshot,
    /// unless a newer build came first (its own job then does the work). The pages
    /// do not change, so browsers are not reloaded.
    fn complete(&self, job: &ArchiveJob, generation: u64) {
        let _one_at_a_time = self.completing.lock().unwrap_or_else(|e| e.into_inner());
        if self.current().generation != generation {
            return;
        }
        let start = Instant::now();
        let result = job.run(&self.current().site);
        let Ok(mut snapshot) = self.snapshot.write() else {
            return;
        };
        match result {
            Ok(_) if snapshot.generation != generation => {}
            Ok((site, indexed)) => {
                *snapshot = Arc::new(Snapshot {
                    site: Arc::new(site),
                    generation,
                    error: snapshot.error.clone(),
                });
                let millis = start.elapsed().as_millis();
                if job.searchable() {
                    println!(
                        "Search index and data files updated in {millis} ms ({} of {} search shards rebuilt)",
                        indexed.rebuilt, indexed.shards
                    );
                } else {
                    println!("Data files updated in {millis} ms");
                }
            }
            Err(e) => eprintln!("{e}\n\nThe data files and search index were not updated."),
        }
    }
}

/// Runs the server until Ctrl-C.
pub fn serve(opts: ServeOptions) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Server(format!("cannot start the server runtime: {e}")))?;
    runtime.block_on(run(opts))
}

async fn run(mut opts: ServeOptions) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .map_err(|e| {
            Error::Server(format!(
                "cannot listen on {}: {e}; try another --port",
                opts.addr
            ))
        })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Server(e.to_string()))?;
    let url = format!("http://{addr}/");
    opts.build.base_url = Some(url.clone());

    let (sender, _) = broadcast::channel(16);
    let empty = Snapshot {
        site: Arc::default(),
        generation: 0,
        error: None,
    };
    let shared = Arc::new(Shared {
        snapshot: RwLock::new(Arc::new(empty)),
        events: sender,
        rebuilder: Mutex::default(),
        completing: Mutex::default(),
    });
    match shared.rebuild(&opts.build, None) {
        Ok(done) => println!(
            "Built {} files in {} ms",
            done.rendered + done.reused,
            done.millis
        ),
        Err(e) => eprintln!("{e}\n\nServing an error page until the site builds."),
    }
    watch::spawn(Arc::clone(&shared), opts.build.clone(), opts.poll)?;
    println!(
        "Serving {} at {url} (Ctrl-C to stop)",
        opts.build.root.display()
    );
    if opts.open {
        open_browser(&url);
    }

    let app = axum::Router::new()
        .route("/__sitrep/live.js", get(live_js))
        .route("/__sitrep/events", get(events))
        .fallback(get(file))
        .with_state(Arc::clone(&shared));
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = tokio::signal::ctrl_c().await;
            let _ = shared.events.send(Notice::Shutdown);
            println!("\nStopped.");
        })
        .await
        .map_err(|e| Error::Server(format!("server error: {e}")))
}

async fn live_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        LIVE_JS,
    )
}

/// Server-sent events: the current state at once, then one event per rebuild.
async fn events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let now = shared.current();
    let first = match &now.error {
        Some(message) => Notice::Failed(message.clone()),
        None => Notice::Built(now.generation),
    };
    let updates = BroadcastStream::new(shared.events.subscribe()).filter_map(|n| n.ok());
    let stream = tokio_stream::once(first)
        .chain(updates)
        .take_while(|n| !matches!(n, Notice::Shutdown))
        .map(|notice| {
            Ok::<_, std::convert::Infallible>(match notice {
                Notice::Built(generation) => {
                    Event::default().event("built").data(generation.to_string())
                }
                Notice::Failed(message) => Event::default()
                    .event("failed")
                    .data(serde_json::json!({ "message": message }).to_string()),
                Notice::Shutdown => Event::default().event("shutdown"),
            })
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Serves a file of the in-memory site: `/x/` is `x/index.html`; `/x` redirects to `/x/` when that exists.
async fn file(State(shared): State<Arc<Shared>>, uri: Uri) -> Response {
    let snapshot = shared.current();
    let Some(path) = site_path(uri.path()) else {
        return not_found(&snapshot);
    };
    let wants_dir = path.is_empty() || uri.path().ends_with('/');
    let key = if wants_dir {
        urls::folder_file(&path)
    } else {
        path.clone()
    };
    if let Some(bytes) = snapshot.site.get(&key) {
        return respond(StatusCode::OK, &key, bytes, &snapshot);
    }
    if !wants_dir && snapshot.site.get(&urls::folder_file(&path)).is_some() {
        let location = format!("/{path}/"); // from the site path: `//x` must not become a host
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    not_found(&snapshot)
}

/// The site path a URL path names, or `None` if it tries to leave the site (`..`, encoded or not).
fn site_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            p if p.contains(['\\', '\0']) => return None,
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

fn not_found(snapshot: &Snapshot) -> Response {
    match snapshot.site.get(urls::NOT_FOUND) {
        Some(bytes) => respond(StatusCode::NOT_FOUND, urls::NOT_FOUND, bytes, snapshot),
        None => {
            let page = b"<!DOCTYPE html><html lang=en><title>Not found</title><body><h1>Not found</h1></body></html>";
            respond(StatusCode::NOT_FOUND, urls::NOT_FOUND, page, snapshot)
        }
    }
}

fn respond(status: StatusCode, key: &str, bytes: &[u8], snapshot: &Snapshot) -> Response {
    let mime = mime_guess::from_path(key).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
        _ if key.ends_with(".json") || key.ends_with(".xml") => {
            format!("{}; charset=utf-8", mime.essence_str())
        }
        _ => mime.essence_str().to_string(),
    };
    let body = if is_html {
        inject_live_reload(bytes, snapshot.generation)
    } else {
        bytes.to_vec()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Adds the live-reload script before `</body>` (or at the end), tagged with the build it belongs to.
fn inject_live_reload(html: &[u8], generation: u64) -> Vec<u8> {
    let tag =
        format!("<script src=\"/__sitrep/live.js\" data-generation=\"{generation}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{tag}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("could not open a browser ({opener}: {e}); visit {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::site_path;

    #[test]
    fn site_paths_never_leave_the_site() {
        assert_eq!(site_path("/issues/45/").as_deref(), Some("issues/45"));
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/a/./b").as_deref(), Some("a/b"));
        assert_eq!(site_path("/../etc/passwd"), None);
        assert_eq!(site_path("/%2e%2e/etc/passwd"), None);
        assert_eq!(site_path("/a/%2E%2E/%2E%2E/x"), None);
        assert_eq!(site_path("/a%5c..%5cb"), None);
        assert_eq!(site_path("/a%00b"), None);
    }
}
