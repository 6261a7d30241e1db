//! Where rendered files go: memory (for `serve`, `check` and tests) or disk.
//!
//! On disk ([`Staged`]) a build is assembled whole beside the output and swapped
//! in with one atomic rename, under a lock, after [`guard`] checks the folder
//! may be replaced at all; see those modules for why each step is as it is.

use std::path::{Component, Path};
use std::sync::Mutex;

use crate::error::{Error, Result};

mod guard;
mod lock;
mod staged;
mod tree;

pub use guard::real_path;
pub use staged::Staged;

/// The manifest sitrep keeps in every output folder it owns: one output path per line.
pub const MANIFEST: &str = ".sitrep-manifest";

/// One generated file, by its `/`-separated path under the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Relative path, e.g. `issues/45/index.html`.
    pub path: String,
    /// File contents.
    pub bytes: Vec<u8>,
}

impl Output {
    /// A file at `path` with `bytes`.
    pub fn new(path: &str, bytes: impl Into<Vec<u8>>) -> Self {
        Output {
            path: path.to_string(),
            bytes: bytes.into(),
        }
    }
}

/// Takes rendered files as they are produced; called from many threads at once.
pub trait Sink: Sync {
    /// Accepts one file.
    fn put(&self, output: Output) -> Result<()>;

    /// Accepts one large file that `write` produces piece by piece (`links.json` is
    /// 120 MB at 5,000 issues), so that a sink writing to disk never holds it whole.
    /// By default the pieces are gathered and [`Sink::put`].
    fn put_streamed(&self, path: &str, write: &mut Producer<'_>) -> Result<()> {
        let mut bytes = Vec::new();
        write(&mut bytes)?;
        self.put(Output::new(path, bytes))
    }

    /// The bytes the output held at `path` before this build, if the sink has a
    /// previous output: the search index reads its shard manifests from it, as the
    /// output folder is its cache.
    fn previous(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }

    /// Whether the previous output has a file at `path`.
    fn has_previous(&self, path: &str) -> bool {
        self.previous(path).is_some()
    }

    /// Keeps the previous output's file at `path`, unchanged, as part of this build
    /// (a search shard none of whose pages changed); false if there is no such file.
    fn keep(&self, _path: &str) -> bool {
        false
    }
}

/// Writes a streamed file's bytes into the writer it is given.
pub type Producer<'a> = dyn FnMut(&mut dyn std::io::Write) -> Result<()> + 'a;

/// Keeps every file in memory; `serve`'s renders also see the previous rendition
/// (see [`Memory::after`]).
#[derive(Default)]
pub struct Memory<'a>(Mutex<Vec<Output>>, Option<Previous<'a>>);

/// The files of an earlier render, by path (shared, not copied).
pub type Previous<'a> = &'a (dyn Fn(&str) -> Option<std::sync::Arc<Vec<u8>>> + Sync);

impl Sink for Memory<'_> {
    /// Keeps the file at its exact size: pages render into buffers sized for the largest
    /// page (see `Templates::render_file`), and `serve` holds every page for the session.
    fn put(&self, mut output: Output) -> Result<()> {
        output.bytes.shrink_to_fit();
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(output);
        Ok(())
    }

    fn previous(&self, path: &str) -> Option<Vec<u8>> {
        self.held(path).map(|bytes| bytes.to_vec())
    }

    fn has_previous(&self, path: &str) -> bool {
        self.held(path).is_some()
    }

    /// A kept file is not copied: the caller takes it from the previous rendition.
    fn keep(&self, path: &str) -> bool {
        self.has_previous(path)
    }
}

impl<'a> Memory<'a> {
    /// An empty sink whose previous output is `previous` (`serve`'s last rendition).
    pub fn after(previous: Previous<'a>) -> Self {
        Memory(Mutex::default(), Some(previous))
    }

    fn held(&self, path: &str) -> Option<std::sync::Arc<Vec<u8>>> {
        self.1.and_then(|previous| previous(path))
    }

    /// The files, sorted by path (rendering order varies between runs; output must not).
    pub fn into_outputs(self) -> Vec<Output> {
        let mut outputs = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        outputs.sort_by(|a, b| a.path.cmp(&b.path));
        outputs
    }
}

/// What a write did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteReport {
    /// Files created or changed.
    pub written: usize,
    /// Files already up to date.
    pub unchanged: usize,
    /// Stale files from an earlier build, removed.
    pub removed: usize,
}

/// Checks output paths for ones that escape the folder or collide, before anything is committed.
pub fn check(paths: &[String]) -> Result<()> {
    let mut seen = ahash::AHashSet::with_capacity(paths.len());
    for path in paths {
        inside(path)?;
        if !seen.insert(path.as_str()) {
            return Err(Error::Output(format!(
                "two things would be written to `{path}` (a static file and a generated page, or two pages); rename one"
            )));
        }
    }
    // A file may not sit where another output needs a folder (static/tags vs /tags/x/index.html).
    // The paths are normal and relative (checked above), so their folders are the
    // prefixes before each separator.
    for path in paths {
        for (i, _) in path.match_indices(std::path::is_separator) {
            let dir = &path[..i];
            if seen.contains(dir) {
                return Err(Error::Output(format!(
                    "`{dir}` would be both a file and the folder holding `{path}`; rename the static file or page"
                )));
            }
        }
    }
    Ok(())
}

/// Refuses an output path that would leave the output folder (`..`, absolute).
fn inside(path: &str) -> Result<()> {
    if is_relative_normal(path) {
        return Ok(());
    }
    Err(Error::Output(format!(
        "refusing to write `{path}`: the path leaves the output folder"
    )))
}

/// A hidden sibling of `dir` named after it: `/site/public` → `/site/.public.{suffix}`.
/// Siblings share the output's filesystem, which a rename needs.
fn beside(dir: &Path, suffix: &str) -> std::path::PathBuf {
    let name = dir
        .file_name()
        .map_or("output".into(), |n| n.to_string_lossy().into_owned());
    dir.with_file_name(format!(".{name}.{suffix}"))
}

pub(crate) fn is_relative_normal(p: &str) -> bool {
    !p.is_empty()
        && Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

#[cfg(test)]
mod tests {
    use super::check;

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn check_accepts_distinct_files_in_distinct_folders() {
        let ok = paths(&[
            "index.html",
            "tags/index.html",
            "tags/dns/index.html",
            "tags.css",
        ]);
        assert!(check(&ok).is_ok());
    }

    #[test]
    fn check_refuses_escapes_duplicates_and_files_that_are_folders() {
        for (bad, says) in [
            (&["../x.html"][..], "leaves the output folder"),
            (&["/etc/x"][..], "leaves the output folder"),
            (
                &["a/b.html", "a/b.html"][..],
                "two things would be written to `a/b.html`",
            ),
            (
                &["tags", "tags/dns/index.html"][..],
                "`tags` would be both a file and the folder",
            ),
            (
                &["tags/dns/index.html", "tags/dns"][..],
                "`tags/dns` would be both",
            ),
        ] {
            let err = check(&paths(bad)).unwrap_err().to_string();
            assert!(err.contains(says), "{bad:?}: {err}");
        }
    }
}
