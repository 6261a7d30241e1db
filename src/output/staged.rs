//! Writing a build to disk so that readers only ever see the old site or the new one.
//!
//! Pages stream into a staging folder beside the output (`.public.sitrep-staging`)
//! as they render, so memory holds a few pages, not the site. A page whose bytes
//! the output already holds is only noted. At the end, if nothing changed, nothing
//! is touched. Otherwise the staging folder is completed into the whole new site:
//! unchanged files, and files no sitrep build wrote (a `CNAME`, `.well-known/`),
//! are hard-linked in, so their mtimes stay and rsync or S3 sync upload only real
//! changes. Then one `renameat2(RENAME_EXCHANGE)` swaps the two folders: there is
//! no moment at which the output is half old, half new, and a build killed at any
//! point leaves the old output or the new one. The old tree, now in the staging
//! folder, is deleted. A failed build deletes the staging folder; the output
//! never changed.

use std::collections::BTreeSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use super::guard;
use super::lock::Lock;
use super::tree::{Tree, create_parent, link_or_copy};
use super::{MANIFEST, Output, Producer, Sink, WriteReport, beside, check, inside};
use crate::error::{Error, Result};

/// A build on its way into an output folder; holds the folder's lock until dropped.
pub struct Staged {
    /// The output folder's real path.
    dir: PathBuf,
    staging: PathBuf,
    previous: Vec<String>,
    /// What the output holds now; `None` if it does not exist.
    old: Option<Tree>,
    state: Mutex<StagedFiles>,
    _lock: Lock,
}

#[derive(Default)]
struct StagedFiles {
    /// Every path of this build.
    all: Vec<String>,
    /// Paths written to the staging folder because they are new or changed.
    changed: Vec<String>,
    /// Paths whose bytes the output already holds.
    unchanged: Vec<String>,
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
        let old = Tree::survey(&allowed.dir, &allowed.previous)?;
        let staging = beside(&allowed.dir, "sitrep-staging");
        if staging.symlink_metadata().is_ok() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io("cannot clear the staging folder", &staging, e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| Error::io("cannot create", &staging, e))?;
        Ok(Staged {
            dir: allowed.dir,
            staging,
            previous: allowed.previous,
            old,
            state: Mutex::new(StagedFiles::default()),
            _lock: lock,
        })
    }

    /// Completes the staged tree and swaps it in for the output, unless nothing changed.
    pub fn commit(self) -> Result<WriteReport> {
        let files = std::mem::take(&mut *self.state.lock().unwrap_or_else(|e| e.into_inner()));
        check(&files.all)?;
        let current: BTreeSet<&str> = files.all.iter().map(String::as_str).collect();
        let removed = self
            .previous
            .iter()
            .filter(|p| !current.contains(p.as_str()) && self.dir.join(p).is_file())
            .count();
        let report = WriteReport {
            written: files.changed.len(),
            unchanged: files.unchanged.len(),
            removed,
        };
        let manifest: String = current.iter().map(|p| format!("{p}\n")).collect();
        let same_manifest =
            std::fs::read(self.dir.join(MANIFEST)).is_ok_and(|m| m == manifest.as_bytes());
        if report.written == 0 && removed == 0 && same_manifest {
            return Ok(report);
        }
        files.unchanged.par_iter().try_for_each(|path| {
            let to = self.staging.join(path);
            create_parent(&to)?;
            link_or_copy(&self.dir.join(path), &to).map_err(|e| Error::io("cannot link", &to, e))
        })?;
        self.keep_foreign(&current)?;
        let manifest_path = self.staging.join(MANIFEST);
        let kept = same_manifest && link_or_copy(&self.dir.join(MANIFEST), &manifest_path).is_ok();
        if !kept {
            std::fs::write(&manifest_path, manifest)
                .map_err(|e| Error::io("cannot write", &manifest_path, e))?;
        }
        switch(&self.staging, &self.dir)?;
        if let Some(old) = &self.old {
            old.remove(&self.staging);
        }
        Ok(report)
    }

    /// Links the output's own files into the new tree, unless this build makes that path.
    fn keep_foreign(&self, current: &BTreeSet<&str>) -> Result<()> {
        let Some(old) = &self.old else {
            return Ok(());
        };
        for path in old.foreign.iter().filter(|p| !current.contains(p.as_str())) {
            let (from, to) = (self.dir.join(path), self.staging.join(path));
            create_parent(&to)?;
            let kept = match std::fs::read_link(&from) {
                Ok(target) => std::os::unix::fs::symlink(target, &to),
                Err(_) => link_or_copy(&from, &to),
            };
            kept.map_err(|e| Error::io("cannot keep", &from, e))?;
        }
        for dir in &old.empty_dirs {
            let to = self.staging.join(dir);
            std::fs::create_dir_all(&to).map_err(|e| Error::io("cannot keep", &to, e))?;
        }
        Ok(())
    }
}

impl Drop for Staged {
    /// Whether abandoned or left holding the old tree's remains, the staging folder goes.
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

impl Sink for Staged {
    /// Notes the file if the output holds these exact bytes; else stages it.
    fn put(&self, output: Output) -> Result<()> {
        inside(&output.path)?;
        let unchanged = self.old.is_some()
            && std::fs::read(self.dir.join(&output.path)).is_ok_and(|old| old == output.bytes);
        if !unchanged {
            let path = self.staging.join(&output.path);
            create_parent(&path)?;
            std::fs::write(&path, &output.bytes)
                .map_err(|e| Error::io("cannot write", &path, e))?;
        }
        self.record(output.path, unchanged);
        Ok(())
    }

    /// Writes the pieces straight into the staging folder, then keeps the output's copy
    /// instead if it holds the same bytes.
    fn put_streamed(&self, path: &str, write: &mut Producer<'_>) -> Result<()> {
        inside(path)?;
        let staged = self.staging.join(path);
        create_parent(&staged)?;
        let failed = |e| Error::io("cannot write", &staged, e);
        let file = std::fs::File::create(&staged).map_err(failed)?;
        // A small buffer: large pieces (links.json's are a whole issue's links) go
        // straight to the file instead of being copied into it first.
        let mut out = std::io::BufWriter::with_capacity(8 << 10, file);
        write(&mut out)?;
        out.into_inner().map_err(|e| failed(e.into_error()))?;
        let unchanged = self.old.is_some() && same_bytes(&self.dir.join(path), &staged);
        if unchanged {
            std::fs::remove_file(&staged).map_err(failed)?;
        }
        self.record(path.to_string(), unchanged);
        Ok(())
    }

    fn previous(&self, path: &str) -> Option<Vec<u8>> {
        inside(path).ok()?;
        self.old.as_ref()?;
        std::fs::read(self.dir.join(path)).ok()
    }

    fn has_previous(&self, path: &str) -> bool {
        inside(path).is_ok() && self.old.is_some() && self.dir.join(path).is_file()
    }

    fn keep(&self, path: &str) -> bool {
        let kept = self.has_previous(path);
        if kept {
            self.record(path.to_string(), true);
        }
        kept
    }
}

impl Staged {
    fn record(&self, path: String, unchanged: bool) {
        let mut files = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if unchanged {
            files.unchanged.push(path.clone());
        } else {
            files.changed.push(path.clone());
        }
        files.all.push(path);
    }
}

/// Whether two files hold the same bytes, read a block at a time.
fn same_bytes(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (Ok(fa), Ok(fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    let same_len = match (fa.metadata(), fb.metadata()) {
        (Ok(ma), Ok(mb)) => ma.len() == mb.len(),
        _ => false,
    };
    if !same_len {
        return false;
    }
    let (mut ra, mut rb) = (std::io::BufReader::new(fa), std::io::BufReader::new(fb));
    let (mut ba, mut bb) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = match ra.read(&mut ba) {
            Ok(0) => return rb.read(&mut bb).is_ok_and(|m| m == 0),
            Ok(n) => n,
            Err(_) => return false,
        };
        if rb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
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
