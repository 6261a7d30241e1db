//! Which folders a build may replace.
//!
//! Every check runs on the folder's real path (symbolic links followed, `..`
//! applied), because that is where the files would land: `--output link-to-site`
//! or `--output sub/..` must not get past a check that compared spellings.
//! Replacing `/`, a home folder, the site or one of its source folders is refused
//! outright, `--force` or not. Only a non-empty folder that sitrep did not make
//! (no manifest) can be taken over with `--force`, and then its files are kept.

use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

use super::{MANIFEST, is_relative_normal};
use crate::error::{Error, Result};

/// The site folders a build reads; an output inside one would feed on itself.
const SOURCES: [&str; 4] = ["content", "static", "templates", "themes"];

/// What the guard learned about the output folder it allowed.
pub(super) struct Allowed {
    /// The real path the build replaces.
    pub dir: PathBuf,
    /// The paths the previous build wrote (from its manifest); empty if there was none.
    pub previous: Vec<String>,
}

/// Refuses output folders a build must not replace; `force` only takes over a
/// non-empty folder sitrep did not make.
pub(super) fn allow(dir: &Path, site_root: &Path, force: bool) -> Result<Allowed> {
    let out = real_path(dir)?;
    let root = real_path(site_root)?;
    let shown = || {
        if out == dir {
            out.display().to_string()
        } else {
            format!("{} (which is {})", dir.display(), out.display())
        }
    };
    let refuse = |why: String| Err(Error::Output(format!("refusing to write into {why}")));
    if out.parent().is_none() {
        return refuse(format!("{}: it is the root of the filesystem", shown()));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .and_then(|h| real_path(Path::new(&h)).ok());
    if let Some(home) = home.filter(|h| h.starts_with(&out)) {
        return refuse(format!(
            "{}: it holds your home folder {}; use a folder such as public/",
            shown(),
            home.display()
        ));
    }
    if root.starts_with(&out) {
        return refuse(format!(
            "{}: it holds the site itself; use a folder such as public/",
            shown()
        ));
    }
    if let Some(source) = SOURCES.iter().find(|s| out.starts_with(root.join(s))) {
        return refuse(format!(
            "{}: it is inside the site's {source}/ folder, which the build reads; use a folder such as public/",
            shown()
        ));
    }
    match std::fs::metadata(&out) {
        Ok(meta) if !meta.is_dir() => {
            return refuse(format!("{}: it is a file, not a folder", shown()));
        }
        Err(e) if e.kind() != ErrorKind::NotFound => {
            return Err(Error::io("cannot read", &out, e));
        }
        _ => {}
    }
    let previous = previous_build(&out)?;
    if previous.is_none() && !is_empty(&out)? && !force {
        return refuse(format!(
            "{}: it is not empty and was not made by sitrep (it has no {MANIFEST}); \
             choose an empty or new folder, or pass --force to build into it and keep its files",
            shown()
        ));
    }
    Ok(Allowed {
        previous: previous.unwrap_or_default(),
        dir: out,
    })
}

/// `path` as the filesystem resolves it: absolute, every existing link followed and
/// every `..` applied to what it really names. Parts that do not exist yet are kept
/// as written.
pub fn real_path(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).map_err(|e| Error::io("cannot resolve", path, e))?;
    let mut real = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                real.pop();
            }
            Component::CurDir => {}
            other => {
                real.push(other);
                if let Ok(resolved) = real.canonicalize() {
                    real = resolved;
                } else if real.is_symlink() {
                    return Err(Error::Output(format!(
                        "refusing to write into {}: {} is a symbolic link to a place that does not exist",
                        path.display(),
                        real.display()
                    )));
                }
            }
        }
    }
    Ok(real)
}

/// The previous build's file list, if `dir` holds a sitrep manifest.
fn previous_build(dir: &Path) -> Result<Option<Vec<String>>> {
    let manifest = dir.join(MANIFEST);
    if !manifest.is_file() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(&manifest).map_err(|e| Error::io("cannot read", &manifest, e))?;
    Ok(Some(
        text.lines()
            .filter(|l| is_relative_normal(l))
            .map(String::from)
            .collect(),
    ))
}

fn is_empty(dir: &Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(true),
        Err(e) => Err(Error::io("cannot read", dir, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::real_path;
    use std::path::Path;

    #[test]
    fn real_path_applies_dot_dot_and_follows_links() {
        let tmp = tempfile::tempdir().unwrap();
        let base = tmp.path().canonicalize().unwrap();
        std::fs::create_dir(base.join("site")).unwrap();
        std::os::unix::fs::symlink(base.join("site"), base.join("link")).unwrap();
        assert_eq!(
            real_path(&base.join("site/sub/..")).unwrap(),
            base.join("site")
        );
        assert_eq!(real_path(&base.join("link")).unwrap(), base.join("site"));
        assert_eq!(
            real_path(&base.join("link/new/x")).unwrap(),
            base.join("site/new/x")
        );
        assert_eq!(real_path(Path::new("/")).unwrap(), Path::new("/"));
    }
}
