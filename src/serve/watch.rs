//! Watching the site's sources and rebuilding on change.
//!
//! Events are debounced, so an editor's save storm (write temp file, rename,
//! chmod) is one rebuild. Access and metadata-only events are dropped, or the
//! watcher would react to its own reads and rebuild forever.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{MetadataKind, ModifyKind};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, DebouncedEvent, new_debouncer, new_debouncer_opt,
};

use super::Shared;
use crate::config::BuildOptions;
use crate::error::{Error, Result};

/// How long the file system must be quiet before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// The longest a burst of saves is collected before it is rebuilt anyway: a steady
/// stream of saves (a formatter on save, a script) still rebuilds about this often.
const BURST_CAP: Duration = Duration::from_millis(500);

/// Folders of a site whose changes need a rebuild (recursively).
const SOURCES: [&str; 4] = ["content", "static", "templates", "themes"];

/// Adds a watch on a path; boxed so the poll and native watchers share one loop.
type WatchFn = Box<dyn FnMut(&Path, RecursiveMode) -> notify::Result<()> + Send>;

/// Starts watching `opts.root` and rebuilding into `shared` on a background
/// thread, which owns the watcher for the rest of the process.
pub fn spawn(shared: Arc<Shared>, opts: BuildOptions, poll: bool) -> Result<()> {
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    // Events carry the watched path's form: compare against the same canonical root.
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| Error::io("cannot watch", &opts.root, e))?;
    let watch_err =
        |e: notify::Error| Error::Watch(format!("cannot watch {}: {e}", root.display()));
    let mut watch: WatchFn = if poll {
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(300))
            .with_compare_contents(true);
        let mut d = new_debouncer_opt::<_, notify::PollWatcher, _>(
            DEBOUNCE,
            None,
            tx,
            notify_debouncer_full::NoCache,
            config,
        )
        .map_err(watch_err)?;
        Box::new(move |p, m| d.watch(p, m))
    } else {
        let mut d = new_debouncer(DEBOUNCE, None, tx).map_err(watch_err)?;
        Box::new(move |p, m| d.watch(p, m))
    };
    watch(&root, RecursiveMode::NonRecursive).map_err(watch_err)?; // config.toml, new source folders
    let mut watched = Vec::new();
    watch_new_sources(&mut watch, &root, &mut watched);
    std::thread::spawn(move || {
        while let Some(events) = next_burst(&rx) {
            watch_new_sources(&mut watch, &root, &mut watched);
            handle(&events, &shared, &opts, &root);
        }
    });
    Ok(())
}

/// Watches source folders not watched yet: they may be created while serving.
fn watch_new_sources(watch: &mut WatchFn, root: &Path, watched: &mut Vec<PathBuf>) {
    for dir in SOURCES.iter().map(|d| root.join(d)) {
        if dir.is_dir() && !watched.contains(&dir) {
            match watch(&dir, RecursiveMode::Recursive) {
                Ok(()) => watched.push(dir),
                Err(e) => eprintln!("cannot watch {}: {e}", dir.display()),
            }
        }
    }
}

/// The events of the next burst of changes: the debouncer's batches merged until the
/// file system has been quiet for [`DEBOUNCE`], or for at most [`BURST_CAP`] after the
/// first. The debouncer alone sent a batch every few saves (50 saves within a second
/// gave 35-48 rebuilds, each reloading every open tab). `None` when the watcher stopped.
fn next_burst(rx: &mpsc::Receiver<DebounceEventResult>) -> Option<Vec<DebouncedEvent>> {
    let mut events = Vec::new();
    let mut add = |result: DebounceEventResult| match result {
        Ok(batch) => events.extend(batch),
        Err(errors) => errors.iter().for_each(|e| eprintln!("watch error: {e}")),
    };
    add(rx.recv().ok()?);
    let cap = Instant::now() + BURST_CAP;
    loop {
        let wait = DEBOUNCE.min(cap.saturating_duration_since(Instant::now()));
        match rx.recv_timeout(wait) {
            Ok(result) if Instant::now() < cap => add(result),
            Ok(result) => {
                add(result);
                break;
            }
            Err(_) => break, // quiet (or the watcher stopped: the next call says so)
        }
    }
    Some(events)
}

fn handle(events: &[DebouncedEvent], shared: &Arc<Shared>, opts: &BuildOptions, root: &Path) {
    let changed = relevant_paths(events, root);
    if changed.is_empty() {
        return;
    }
    let names: Vec<String> = changed
        .iter()
        .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
        .collect();
    match shared.rebuild(opts, content_changes(events, &changed, root, &opts.root)) {
        Ok(done) => println!(
            "Rebuilt in {} ms ({} files rendered, {} unchanged) after a change to {}",
            done.millis,
            done.rendered,
            done.reused,
            names.join(", ")
        ),
        Err(e) => eprintln!(
            "Rebuild failed after a change to {}; still serving the last good build.\n{e}",
            names.join(", ")
        ),
    }
}

/// The changed files that matter: sources, not editor droppings or the output folder.
fn relevant_paths(events: &[DebouncedEvent], root: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = events
        .iter()
        .filter(|e| !ignored(e.kind))
        .flat_map(|e| e.paths.iter())
        .filter(|p| is_source(p, root) && !crate::sources::is_editor_litter(p))
        .cloned()
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

/// The content files among `changed`, as the loader names them (under `site_root`,
/// the root as given), for it to check only those. `None`, so that the loader looks
/// at every file, when the watcher may have missed something (it asked for a
/// rescan) or a folder under `content/` changed. Changes outside `content/` (config,
/// templates, static files) need no content file checked: the loader sees a config
/// change itself.
fn content_changes(
    events: &[DebouncedEvent],
    changed: &[PathBuf],
    root: &Path,
    site_root: &Path,
) -> Option<Vec<PathBuf>> {
    if events.iter().any(|e| e.need_rescan()) {
        return None;
    }
    let content = root.join("content");
    let mut files = Vec::new();
    for path in changed.iter().filter(|p| p.starts_with(&content)) {
        if path.extension().is_none_or(|e| e != "md") {
            return None;
        }
        files.push(site_root.join(path.strip_prefix(root).ok()?));
    }
    Some(files)
}

/// Reads and metadata changes are not edits, except a new modification time,
/// which is how the polling watcher reports a saved file.
fn ignored(kind: EventKind) -> bool {
    match kind {
        EventKind::Access(_) => true,
        EventKind::Modify(ModifyKind::Metadata(m)) => m != MetadataKind::WriteTime,
        _ => false,
    }
}

fn is_source(path: &Path, root: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    match parts.next().and_then(|c| c.as_os_str().to_str()) {
        Some("config.toml") => parts.next().is_none(),
        // Under content/ only Markdown is read: an editor's temporary file is not an
        // edit. A folder (no extension) may have taken issues with it, or brought some;
        // hidden names (`.DS_Store`) are neither.
        Some("content") => {
            let hidden = path.file_name().is_some_and(crate::sources::is_hidden);
            !hidden && path.extension().is_none_or(|ext| ext == "md")
        }
        Some(first) => SOURCES.contains(&first),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::Event;
    use notify::event::{CreateKind, Flag};

    fn event(kind: EventKind, path: &str) -> DebouncedEvent {
        let event = Event::new(kind).add_path(PathBuf::from(path));
        DebouncedEvent::new(event, std::time::Instant::now())
    }

    #[test]
    fn only_edited_content_files_are_handed_to_the_loader() {
        let (root, site_root) = (Path::new("/site"), Path::new("."));
        let edit = EventKind::Modify(ModifyKind::Any);
        let events = [
            event(edit, "/site/content/issues/45.md"),
            event(edit, "/site/templates/tag.html"),
        ];
        let changed = relevant_paths(&events, root);
        assert_eq!(
            content_changes(&events, &changed, root, site_root),
            Some(vec![PathBuf::from("./content/issues/45.md")])
        );

        // A folder may have taken or brought issues: the loader must look at everything.
        let folder = [event(
            EventKind::Create(CreateKind::Folder),
            "/site/content/issues/2026",
        )];
        let changed = relevant_paths(&folder, root);
        assert_eq!(changed, [PathBuf::from("/site/content/issues/2026")]);
        assert_eq!(content_changes(&folder, &changed, root, site_root), None);

        // A hidden file is not a folder, nor an edit.
        let finder = [event(edit, "/site/content/issues/.DS_Store")];
        assert!(relevant_paths(&finder, root).is_empty());

        // So it must when the watcher lost events.
        let mut lost = event(edit, "/site/content/issues/45.md");
        lost.event = lost.event.clone().set_flag(Flag::Rescan);
        let lost = [lost];
        let changed = relevant_paths(&lost, root);
        assert_eq!(content_changes(&lost, &changed, root, site_root), None);
    }
}
