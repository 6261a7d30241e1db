//! The output folder as a tree of files: surveyed once before a build, so that
//! nothing needs walking twice.
//!
//! The survey finds what the output holds that no sitrep build wrote (kept across
//! builds) and refuses, before anything changes, an output whose old tree could
//! not be deleted after the switch (a folder in it that is not writable) or that
//! cannot be switched at all (a mount point). After the switch the same listing
//! deletes the old tree, in parallel: at 5,000 issues it holds ~9,500 folders.

use std::collections::{BTreeMap, BTreeSet};
use std::io::ErrorKind;
use std::path::Path;

use rayon::prelude::*;

use super::MANIFEST;
use crate::error::{Error, Result};

/// What an existing output folder holds, by `/`-separated paths under it.
#[derive(Default)]
pub(super) struct Tree {
    /// Files and links.
    files: Vec<String>,
    /// Folders.
    dirs: Vec<String>,
    /// Files and links not in the previous build's manifest.
    pub foreign: Vec<String>,
    /// Folders with nothing in them (sitrep never leaves one: someone made it).
    pub empty_dirs: Vec<String>,
}

impl Tree {
    /// Surveys the output `dir`; `None` if it does not exist. `previous` is its manifest.
    pub fn survey(dir: &Path, previous: &[String]) -> Result<Option<Tree>> {
        writable(dir.parent().unwrap_or(dir), dir)?;
        let meta = match std::fs::metadata(dir) {
            Ok(meta) => meta,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("cannot read", dir, e)),
        };
        if is_mount_point(dir, &meta) {
            return Err(Error::Output(format!(
                "cannot replace {0}: it is a mount point, and a mount point cannot be swapped \
                 for a new folder in one step; build into a folder inside it (e.g. --output \
                 {0}/site) and serve that",
                dir.display()
            )));
        }
        writable(dir, dir)?;
        let known: BTreeSet<&str> = previous.iter().map(String::as_str).collect();
        let mut tree = Tree::default();
        let mut parents = BTreeSet::new();
        for entry in walkdir::WalkDir::new(dir).min_depth(1) {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(dir).to_path_buf();
                Error::io("cannot read", &path, e.into())
            })?;
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let rel = rel.to_string_lossy().into_owned();
            if let Some((parent, _)) = rel.rsplit_once('/') {
                parents.insert(parent.to_string());
            }
            if entry.file_type().is_dir() {
                writable(entry.path(), dir)?;
                tree.dirs.push(rel);
            } else {
                if rel != MANIFEST && !known.contains(rel.as_str()) {
                    tree.foreign.push(rel.clone());
                }
                tree.files.push(rel);
            }
        }
        tree.empty_dirs = tree
            .dirs
            .iter()
            .filter(|d| !parents.contains(*d))
            .cloned()
            .collect();
        Ok(Some(tree))
    }

    /// Deletes this tree, now at `root`: files in parallel, then folders deepest first.
    /// Anything left (a file added meanwhile) goes with a last sweep; failures only
    /// leave litter, which the next build clears.
    pub fn remove(&self, root: &Path) {
        self.files.par_iter().for_each(|f| {
            let _ = std::fs::remove_file(root.join(f));
        });
        let mut by_depth: BTreeMap<usize, Vec<&String>> = BTreeMap::new();
        for dir in &self.dirs {
            by_depth
                .entry(dir.matches('/').count())
                .or_default()
                .push(dir);
        }
        for dirs in by_depth.values().rev() {
            dirs.par_iter().for_each(|d| {
                let _ = std::fs::remove_dir(root.join(d));
            });
        }
        let _ = std::fs::remove_dir_all(root);
    }
}

/// Refuses a folder this user cannot change, naming it and the way out.
fn writable(folder: &Path, dir: &Path) -> Result<()> {
    if !folder.exists() || rustix::fs::access(folder, rustix::fs::Access::WRITE_OK).is_ok() {
        return Ok(());
    }
    Err(Error::Output(format!(
        "cannot replace {}: {} is not writable by this user, so the switch to the new build \
         could not finish; nothing was changed. Make it writable (chmod u+w, or chown it to \
         this user) and build again",
        dir.display(),
        folder.display()
    )))
}

fn is_mount_point(dir: &Path, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    dir.parent()
        .and_then(|p| std::fs::metadata(p).ok())
        .is_some_and(|parent| parent.dev() != meta.dev())
}

/// A hard link keeps the file's inode and mtime; where linking is not allowed
/// (another owner's file under `protected_hardlinks`), a copy with the old mtime.
pub(super) fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)?;
    let modified = std::fs::metadata(from)?.modified()?;
    std::fs::File::options()
        .write(true)
        .open(to)?
        .set_modified(modified)
}

pub(super) fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) => {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))
        }
        None => Ok(()),
    }
}
