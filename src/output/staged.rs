//! Writing a build to disk so that readers only ever see the old site or the new one.
//!
//! The new site is assembled whole in a staging folder beside the output
//! (`.public.sitrep-staging`): pages stream in as they render, so memory holds a
//! few pages, not the site. A file whose bytes the output already holds is
//! hard-linked rather than written, so its mtime stays and rsync or S3 sync upload
//! only real changes; files that no sitrep build wrote (a `CNAME`, `.well-known/`)
//! are linked across too. When everything has rendered, one
//! `renameat2(RENAME_EXCHANGE)` swaps the two folders: there is no moment at
//! which the output is half old, half new, and a build killed at any point leaves
//! either the old output or the new one. The old tree, now in the staging
//! folder, is then deleted. A failed build deletes the staging folder and the
//! output never changed.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::guard;
use super::lock::{Lock, beside};
use super::{MANIFEST, Output, Sink, WriteReport, check, is_relative_normal};
use crate::error::{Error, Result};

/// A build on its way into an output folder; holds the folder's lock until dropped.
pub struct Staged {
    /// The output folder's real path.
    dir: PathBuf,
    staging: PathBuf,
    previous: Vec<String>,
    /// What the output holds that no sitrep build wrote: kept across builds.
    foreign: Foreign,
    /// The output folder is missing or empty: no file can be unchanged.
    fresh: bool,
    state: Mutex<StagedFiles>,
    _lock: Lock,
}

#[derive(Default)]
struct StagedFiles {
    /// Every path of this build.
    all: Vec<String>,
    /// Paths written because they are new or changed.
    changed: Vec<String>,
}

/// Files, links and empty folders in the output that are not in its manifest.
#[derive(Default)]
struct Foreign {
    files: Vec<String>,
    empty_dirs: Vec<String>,
}

impl Staged {
    /// Checks `dir` may be replaced, locks it, and opens a fresh staging folder beside it.
    pub fn begin(dir: &Path, site_root: &Path, force: bool) -> Result<Staged> {
        let allowed = guard::allow(dir, site_root, force)?;
        if let Some(parent) = allowed.dir.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))?;
        }
        let lock = Lock::acquire(&allowed.dir, |holder| eprintln!("note: {holder}"))?;
        // Checked again under the lock: a build we waited for may have changed the folder.
        let allowed = guard::allow(dir, site_root, force)?;
        let dir = allowed.dir;
        let (foreign, fresh) = survey(&dir, &allowed.previous)?;
        let staging = beside(&dir, "sitrep-staging");
        if staging.symlink_metadata().is_ok() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("cannot clear the staging folder", &staging, e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| Error::io("cannot create", &staging, e))?;
        Ok(Staged {
            dir,
            staging,
            previous: allowed.previous,
            foreign,
            fresh,
            state: Mutex::new(StagedFiles::default()),
            _lock: lock,
        })
    }

    /// Completes the staged tree (kept files, manifest) and swaps it in for the output.
    pub fn commit(self) -> Result<WriteReport> {
        let files = std::mem::take(&mut *self.state.lock().unwrap_or_else(|e| e.into_inner()));
        check(&files.all)?;
        let current: BTreeSet<&str> = files.all.iter().map(String::as_str).collect();
        self.keep_foreign(&current)?;
        let manifest: String = current.iter().map(|p| format!("{p}\n")).collect();
        self.stage(MANIFEST, manifest.as_bytes())?;
        let removed = self
            .previous
            .iter()
            .filter(|p| !current.contains(p.as_str()) && self.dir.join(p).is_file())
            .count();
        switch(&self.staging, &self.dir)?;
        let written = files.changed.len();
        Ok(WriteReport {
            written,
            unchanged: files.all.len() - written,
            removed,
        })
    }

    /// Links the output's own files into the new tree, unless this build makes that path.
    fn keep_foreign(&self, current: &BTreeSet<&str>) -> Result<()> {
        for path in self
            .foreign
            .files
            .iter()
            .filter(|p| !current.contains(p.as_str()))
        {
            let (from, to) = (self.dir.join(path), self.staging.join(path));
            create_parent(&to)?;
            let kept = match std::fs::read_link(&from) {
                Ok(target) => std::os::unix::fs::symlink(target, &to),
                Err(_) => link_or_copy(&from, &to),
            };
            kept.map_err(|e| Error::io("cannot keep", &from, e))?;
        }
        for dir in &self.foreign.empty_dirs {
            let to = self.staging.join(dir);
            std::fs::create_dir_all(&to).map_err(|e| Error::io("cannot keep", &to, e))?;
        }
        Ok(())
    }
}

impl Staged {
    /// Puts `bytes` at `path` in the staging tree: a hard link to the output's copy if
    /// that has these exact bytes. Returns whether the file is new or changed.
    fn stage(&self, path: &str, bytes: &[u8]) -> Result<bool> {
        let (old, new) = (self.dir.join(path), self.staging.join(path));
        create_parent(&new)?;
        let unchanged = !self.fresh
            && std::fs::read(&old).is_ok_and(|old| old == bytes)
            && link_or_copy(&old, &new).is_ok();
        if !unchanged {
            std::fs::write(&new, bytes).map_err(|e| Error::io("cannot write", &new, e))?;
        }
        Ok(!unchanged)
    }
}

impl Drop for Staged {
    /// Whether committed (it then holds the old tree) or abandoned, the staging folder goes.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

impl Sink for Staged {
    /// Stages the file; see [`Staged::stage`].
    fn put(&self, output: Output) -> Result<()> {
        if !is_relative_normal(&output.path) {
            return Err(Error::Output(format!(
                "refusing to write `{}`: the path leaves the output folder",
                output.path
            )));
        }
        let changed = self.stage(&output.path, &output.bytes)?;
        let mut files = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if changed {
            files.changed.push(output.path.clone());
        }
        files.all.push(output.path);
        Ok(())
    }
}

/// Lists what the output holds beyond its manifest, and refuses before anything
/// changes if the old tree could not be deleted after the switch (a folder in it
/// that is not writable) or the switch itself is impossible (a mount point).
fn survey(dir: &Path, previous: &[String]) -> Result<(Foreign, bool)> {
    let parent = dir.parent().unwrap_or(dir);
    writable(parent, dir)?;
    let mut foreign = Foreign::default();
    let meta = match std::fs::metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok((foreign, true)),
        Err(e) => return Err(Error::io("cannot read", dir, e)),
    };
    if is_mount_point(dir, &meta) {
        return Err(Error::Output(format!(
            "cannot replace {}: it is a mount point, and a mount point cannot be swapped for a \
             new folder in one step; build into a folder inside it (e.g. --output {}/site) and \
             serve that",
            dir.display(),
            dir.display()
        )));
    }
    let known: BTreeSet<&str> = previous.iter().map(String::as_str).collect();
    let mut any = false;
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry =
            entry.map_err(|e| Error::Output(format!("cannot read {}: {e}", dir.display())))?;
        any = true;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().into_owned();
        if entry.file_type().is_dir() {
            writable(entry.path(), dir)?;
            if std::fs::read_dir(entry.path()).is_ok_and(|mut d| d.next().is_none()) {
                foreign.empty_dirs.push(rel);
            }
        } else if rel != MANIFEST && !known.contains(rel.as_str()) {
            foreign.files.push(rel);
        }
    }
    Ok((foreign, !any))
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

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) => {
            std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create", parent, e))
        }
        None => Ok(()),
    }
}

/// A hard link keeps the file's inode and mtime; where linking is not allowed
/// (another owner's file under `protected_hardlinks`), a copy with the old mtime.
fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<()> {
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

/// Swaps the staged tree in for the output in one step; the old tree ends up in `staging`.
fn switch(staging: &Path, dir: &Path) -> Result<()> {
    let failed = |e: std::io::Error| Error::io("cannot switch to the new build in", dir, e);
    if dir.symlink_metadata().is_err() {
        return std::fs::rename(staging, dir).map_err(failed);
    }
    match exchange(staging, dir) {
        Ok(()) => Ok(()),
        // A filesystem without RENAME_EXCHANGE: two renames, with a moment between them
        // in which the output folder is missing (never mixed).
        Err(e)
            if e.kind() == ErrorKind::Unsupported
                || e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error()) =>
        {
            let old = beside(dir, "sitrep-old");
            let _ = std::fs::remove_dir_all(&old);
            std::fs::rename(dir, &old).map_err(failed)?;
            std::fs::rename(staging, dir).map_err(failed)?;
            std::fs::rename(&old, staging).map_err(failed)
        }
        Err(e) => Err(failed(e)),
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(ErrorKind::Unsupported.into())
}
