//! Watching the site's sources and rebuilding on change.
//!
//! Events are debounced, so an editor's save storm (write temp file, rename,
//! chmod) is one rebuild. Access and metadata-only events are dropped, or the
//! watcher would react to its own reads and rebuild forever.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, event::ModifyKind};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, new_debouncer, new_debouncer_opt,
};

use super::Shared;
use crate::config::BuildOptions;
use crate::error::{Error, Result};

/// How long the file system must be quiet before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// Folders of a site whose changes need a rebuild (recursively).
const SOURCES: [&str; 4] = ["content", "static", "templates", "themes"];

/// Keeps the watcher alive; dropping it stops watching.
pub struct Watcher(#[allow(dead_code)] Box<dyn std::any::Any>);

/// Starts watching `opts.root` and rebuilding into `shared` on a background thread.
pub fn spawn(shared: Arc<Shared>, opts: BuildOptions, poll: bool) -> Result<Watcher> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    // Events carry the watched path's form: compare against the same canonical root.
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| Error::io("cannot watch", &opts.root, e))?;
    let watch_err =
        |e: notify::Error| Error::Output(format!("cannot watch {}: {e}", root.display()));
    let holder: Box<dyn std::any::Any> = if poll {
        let config = notify::Config::default().with_poll_interval(Duration::from_millis(300));
        let mut d = new_debouncer_opt::<_, notify::PollWatcher, _>(
            DEBOUNCE,
            None,
            tx,
            notify_debouncer_full::NoCache,
            config,
        )
        .map_err(watch_err)?;
        add_watches(|p, m| d.watch(p, m), &root).map_err(watch_err)?;
        Box::new(d)
    } else {
        let mut d = new_debouncer(DEBOUNCE, None, tx).map_err(watch_err)?;
        add_watches(|p, m| d.watch(p, m), &root).map_err(watch_err)?;
        Box::new(d)
    };
    std::thread::spawn(move || rebuild_loop(&rx, &shared, &opts, &root));
    Ok(Watcher(holder))
}

fn add_watches(
    mut watch: impl FnMut(&Path, RecursiveMode) -> notify::Result<()>,
    root: &Path,
) -> notify::Result<()> {
    watch(root, RecursiveMode::NonRecursive)?; // config.toml, and sources created later
    for dir in SOURCES.iter().map(|d| root.join(d)).filter(|d| d.is_dir()) {
        watch(&dir, RecursiveMode::Recursive)?;
    }
    Ok(())
}

fn rebuild_loop(
    rx: &mpsc::Receiver<DebounceEventResult>,
    shared: &Shared,
    opts: &BuildOptions,
    root: &Path,
) {
    for result in rx {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                errors.iter().for_each(|e| eprintln!("watch error: {e}"));
                continue;
            }
        };
        let changed = relevant_paths(&events, root);
        if changed.is_empty() {
            continue;
        }
        let names: Vec<String> = changed
            .iter()
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect();
        match shared.rebuild(opts) {
            Ok((n, ms)) => println!(
                "Rebuilt in {ms} ms ({n} files) after a change to {}",
                names.join(", ")
            ),
            Err(e) => eprintln!(
                "Rebuild failed after a change to {}; still serving the last good build.\n{e}",
                names.join(", ")
            ),
        }
    }
}

/// The changed files that matter: sources, not editor droppings or the output folder.
fn relevant_paths(events: &[DebouncedEvent], root: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = events
        .iter()
        .filter(|e| {
            !matches!(
                e.kind,
                EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
            )
        })
        .flat_map(|e| e.paths.iter())
        .filter(|p| is_source(p, root) && !is_editor_temp(p))
        .cloned()
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

fn is_source(path: &Path, root: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    match parts.next().and_then(|c| c.as_os_str().to_str()) {
        Some("config.toml") => parts.next().is_none(),
        Some(first) => SOURCES.contains(&first),
        None => false,
    }
}

fn is_editor_temp(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
}
