//! Where rendered files go: memory (for `serve`, `check` and tests) or disk.
//!
//! On disk nothing is lost. Pages stream into a staging folder beside the
//! output as they are rendered, so memory holds a few pages, not the site;
//! only when everything rendered does [`Staged::commit`] move them into place.
//! A failed build removes the staging folder and leaves the output exactly as
//! it was. A file whose bytes are already in the output is not staged at all
//! (its mtime stays, so rsync and S3 sync upload only real changes), and only
//! files a previous build listed in its manifest are ever deleted. A folder
//! that holds anything else is refused unless `--force`.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

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
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct Memory(Mutex<Vec<Output>>);

impl Sink for Memory {
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
}

impl Memory {
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
        if !is_relative_normal(path) {
            return Err(Error::Output(format!(
                "refusing to write `{path}`: the path leaves the output folder"
            )));
        }
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

/// A build on its way into an output folder.
pub struct Staged {
    dir: PathBuf,
    staging: PathBuf,
    previous: Vec<String>,
    /// The output folder is missing or empty: the staging folder simply becomes it.
    fresh: bool,
    state: Mutex<StagedFiles>,
}

#[derive(Default)]
struct StagedFiles {
    /// Every path of this build.
    all: Vec<String>,
    /// Paths staged because they are new or changed.
    changed: Vec<String>,
}

impl Staged {
    /// Checks `dir` is safe to write into and opens a fresh staging folder beside it.
    pub fn begin(dir: &Path, site_root: &Path, force: bool) -> Result<Staged> {
        let previous = guard(dir, site_root, force)?;
        let fresh = std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none());
        let name = dir
            .file_name()
            .map_or("output".into(), |n| n.to_string_lossy().into_owned());
        let staging = dir.with_file_name(format!(".{name}.sitrep-staging"));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("cannot clear", &staging, e))?;
        }
        std::fs::create_dir_all(&staging).map_err(|e| Error::io("cannot create", &staging, e))?;
        let state = Mutex::new(StagedFiles::default());
        Ok(Staged {
            dir: dir.to_path_buf(),
            staging,
            previous,
            fresh,
            state,
        })
    }

    /// Moves the staged files into the output, removes stale ones, and writes the manifest.
    pub fn commit(self) -> Result<WriteReport> {
        let files = std::mem::take(&mut *self.state.lock().unwrap_or_else(|e| e.into_inner()));
        check(&files.all)?;
        if self.fresh {
            // One rename instead of one per file. `remove_dir` only removes an empty folder.
            let _ = std::fs::remove_dir(&self.dir);
            if std::fs::rename(&self.staging, &self.dir).is_ok() {
                let manifest: String = files
                    .all
                    .iter()
                    .map(|p| format!("{p}\n"))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                write_if_changed(&self.dir.join(MANIFEST), manifest.as_bytes())?;
                return Ok(WriteReport {
                    written: files.all.len(),
                    unchanged: 0,
                    removed: 0,
                });
            }
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io("cannot create", &self.dir, e))?;
        for path in &files.changed {
            let (from, to) = (self.staging.join(path), self.dir.join(path));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io("cannot create", parent, e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| Error::io("cannot write", &to, e))?;
        }
        let current: BTreeSet<&str> = files.all.iter().map(String::as_str).collect();
        let mut removed = 0;
        for stale in self
            .previous
            .iter()
            .filter(|p| !current.contains(p.as_str()))
        {
            let path = self.dir.join(stale);
            if path.is_file() {
                std::fs::remove_file(&path).map_err(|e| Error::io("cannot remove", &path, e))?;
                remove_empty_parents(&path, &self.dir);
                removed += 1;
            }
        }
        let manifest: String = current.iter().map(|p| format!("{p}\n")).collect();
        write_if_changed(&self.dir.join(MANIFEST), manifest.as_bytes())?;
        let written = files.changed.len();
        Ok(WriteReport {
            written,
            unchanged: files.all.len() - written,
            removed,
        })
    }
}

impl Drop for Staged {
    /// Whether committed or abandoned, the staging folder goes.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

impl Sink for Staged {
    /// Stages the file unless the output already holds these exact bytes.
    fn put(&self, output: Output) -> Result<()> {
        if !is_relative_normal(&output.path) {
            return Err(Error::Output(format!(
                "refusing to write `{}`: the path leaves the output folder",
                output.path
            )));
        }
        // Into an empty output folder every file is new: no need to look for an old copy.
        let unchanged = !self.fresh
            && std::fs::read(self.dir.join(&output.path)).is_ok_and(|old| old == output.bytes);
        if !unchanged {
            let path = self.staging.join(&output.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io("cannot create", parent, e))?;
            }
            std::fs::write(&path, &output.bytes)
                .map_err(|e| Error::io("cannot write", &path, e))?;
        }
        let mut files = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !unchanged {
            files.changed.push(output.path.clone());
        }
        files.all.push(output.path);
        Ok(())
    }
}

/// Refuses folders we must not write into; returns the previous build's file list.
fn guard(dir: &Path, site_root: &Path, force: bool) -> Result<Vec<String>> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (out, root) = (abs(dir), abs(site_root));
    let home = std::env::var_os("HOME").map(PathBuf::from);
    if out.parent().is_none() || home.as_deref().map(abs).as_deref() == Some(out.as_path()) {
        return Err(Error::Output(format!(
            "refusing to use {} as the output folder",
            out.display()
        )));
    }
    if root.starts_with(&out) {
        return Err(Error::Output(format!(
            "refusing to write into {}: it contains the site itself; use a folder such as public/",
            out.display()
        )));
    }
    for source in ["content", "static", "templates", "themes"] {
        if out.starts_with(root.join(source)) {
            return Err(Error::Output(format!(
                "refusing to write into {}: it is inside the site's {source}/ folder",
                out.display()
            )));
        }
    }
    let manifest = dir.join(MANIFEST);
    if manifest.is_file() {
        let text = std::fs::read_to_string(&manifest)
            .map_err(|e| Error::io("cannot read", &manifest, e))?;
        return Ok(text
            .lines()
            .filter(|l| is_relative_normal(l))
            .map(String::from)
            .collect());
    }
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(Error::io("cannot read", dir, e)),
    };
    if !empty && !force {
        return Err(Error::Output(format!(
            "refusing to write into {}: it is not empty and was not made by sitrep (no {MANIFEST}); choose another --output or pass --force",
            dir.display()
        )));
    }
    Ok(Vec::new())
}

fn is_relative_normal(p: &str) -> bool {
    !p.is_empty()
        && Path::new(p)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// Writes atomically (temp file + rename) unless the bytes are already there. Returns whether it wrote.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".sitrep-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes).map_err(|e| Error::io("cannot write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io("cannot write", path, e))?;
    Ok(true)
}

fn remove_empty_parents(path: &Path, stop: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == stop || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
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
