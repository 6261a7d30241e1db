//! Writing the rendered site to disk without ever losing data.
//!
//! Everything is rendered in memory first, so a failed build never touches the
//! output folder. Writing then changes only what changed: a file whose bytes
//! are already on disk is not rewritten (its mtime stays, so rsync and S3 sync
//! upload only real changes), and only files a previous build listed in its
//! manifest are ever deleted. A folder that holds anything else is refused
//! unless `--force`.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

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

/// Checks outputs for paths that escape the folder or collide, before anything is written.
pub fn check(outputs: &[Output]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for o in outputs {
        let p = Path::new(&o.path);
        let safe = !o.path.is_empty()
            && !o.path.contains('\0')
            && p.components().all(|c| matches!(c, Component::Normal(_)));
        if !safe {
            return Err(Error::Output(format!(
                "refusing to write `{}`: the path leaves the output folder",
                o.path
            )));
        }
        if !seen.insert(o.path.as_str()) {
            return Err(Error::Output(format!(
                "two things would be written to `{}` (a static file and a generated page, or two pages); rename one",
                o.path
            )));
        }
    }
    // A file may not sit where another output needs a folder (static/tags vs /tags/x/index.html).
    for o in outputs {
        let mut dir = Path::new(&o.path).parent();
        while let Some(d) = dir.filter(|d| !d.as_os_str().is_empty()) {
            if let Some(file) = d.to_str().filter(|d| seen.contains(d)) {
                return Err(Error::Output(format!(
                    "`{file}` would be both a file and the folder holding `{}`; rename the static file or page",
                    o.path
                )));
            }
            dir = d.parent();
        }
    }
    Ok(())
}

/// Makes `dir` hold exactly `outputs`, touching only what differs.
pub fn write(outputs: &[Output], dir: &Path, site_root: &Path, force: bool) -> Result<WriteReport> {
    check(outputs)?;
    let previous = guard(dir, site_root, force)?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
    let written: Vec<bool> = outputs
        .par_iter()
        .map(|o| write_if_changed(&dir.join(&o.path), &o.bytes))
        .collect::<Result<_>>()?;
    let current: BTreeSet<&str> = outputs.iter().map(|o| o.path.as_str()).collect();
    let mut removed = 0;
    for stale in previous.iter().filter(|p| !current.contains(p.as_str())) {
        let path = dir.join(stale);
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|e| Error::io("cannot remove", &path, e))?;
            remove_empty_parents(&path, dir);
            removed += 1;
        }
    }
    let manifest: String = current.iter().map(|p| format!("{p}\n")).collect();
    write_if_changed(&dir.join(MANIFEST), manifest.as_bytes())?;
    let n = written.iter().filter(|w| **w).count();
    Ok(WriteReport {
        written: n,
        unchanged: outputs.len() - n,
        removed,
    })
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
