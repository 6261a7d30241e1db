//! Listing the files of a site's source folders (`content/`, `static/`, `templates/`,
//! `themes/`) without leaving the site.
//!
//! Symbolic links are followed while they resolve inside the site's folder, so a site
//! may link one of its files or folders from another place. A link that resolves
//! outside the site is refused, never read: otherwise `content/issues/x.md ->
//! /etc/passwd` would be published, or quoted in an error message. A link to a folder
//! that contains it (a loop) is reported instead of walked.
//!
//! ```no_run
//! # fn main() -> sitrep::Result<()> {
//! use std::path::Path;
//! let root = Path::new("my-site");
//! for file in sitrep::sources::files(root, &root.join("static"))? {
//!     println!("{}", file.display());
//! }
//! # Ok(())
//! # }
//! ```

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};

/// Every file under `dir` (a folder of the site at `root`), recursively, sorted by
/// name, as paths under `dir` (through links, not their targets); none if `dir` does
/// not exist. A dangling link is listed, so that reading it reports it.
///
/// Links that resolve outside `root`, and links that make a loop, are
/// [`Error::Content`] problems naming the link, all of them reported together.
pub fn files(root: &Path, dir: &Path) -> Result<Vec<PathBuf>> {
    let site = root
        .canonicalize()
        .map_err(|e| Error::io("cannot read", root, e))?;
    if let Some(problem) = link_above(root, dir, &site)? {
        return Err(Error::Content(vec![problem]));
    }
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    let mut problems = Vec::new();
    let mut walk = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(entry) if is_editor_litter(entry.path()) => {
                if entry.file_type().is_dir() {
                    walk.skip_current_dir();
                }
                continue;
            }
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                if is_editor_litter(&path) {
                    continue;
                }
                if let Some(ancestor) = e.loop_ancestor() {
                    problems.push(link_loop(&path, ancestor));
                } else if is_link(&path) && !path.exists() {
                    found.push(path);
                } else {
                    // walkdir's own message repeats the path: report the OS error alone.
                    let io = e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("unreadable"));
                    if io.kind() != std::io::ErrorKind::PermissionDenied {
                        return Err(Error::io("cannot read", &path, io));
                    }
                    let what = if path.is_dir() { "folder" } else { "file" };
                    problems.push(
                        Diagnostic::file(&path, format!("cannot read this {what}: permission denied"))
                            .with_hint(format!(
                                "make it readable by this user (chmod u+rX {}), or move it out of the site",
                                path.display()
                            )),
                    );
                }
                continue;
            }
        };
        if entry.path_is_symlink() {
            let target = entry
                .path()
                .canonicalize()
                .map_err(|e| Error::io("cannot read", entry.path(), e))?;
            if !target.starts_with(&site) {
                let is_dir = entry.file_type().is_dir();
                problems.push(outside(entry.path(), &target, is_dir));
                if is_dir {
                    walk.skip_current_dir();
                }
                continue;
            }
        }
        if entry.file_type().is_file() {
            found.push(entry.into_path());
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(Error::Content(problems))
    }
}

/// The problem with `dir` itself, or one of its folders under `root`, being a link
/// that resolves outside the site (`themes/shared -> ~/themes/shared`).
fn link_above(root: &Path, dir: &Path, site: &Path) -> Result<Option<Diagnostic>> {
    let Ok(rel) = dir.strip_prefix(root) else {
        return Ok(None);
    };
    let mut path = root.to_path_buf();
    for part in rel.components() {
        path.push(part);
        if is_link(&path) && path.exists() {
            let target = path
                .canonicalize()
                .map_err(|e| Error::io("cannot read", &path, e))?;
            if !target.starts_with(site) {
                return Ok(Some(outside(&path, &target, target.is_dir())));
            }
        }
    }
    Ok(None)
}

/// Whether `path` names an editor's temporary, lock, backup or swap file
/// (`.#45.md`, `45.md~`, `.45.md.swp`, Vim's `4913` probe, `*.tmp`), which no
/// folder of a site holds on purpose. `serve`'s watcher ignores the same names.
pub fn is_editor_litter(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    name.starts_with(".#")
        || name == "4913"
        || ["~", ".swp", ".swo", ".swx", ".tmp"]
            .iter()
            .any(|end| name.ends_with(end))
}

/// Whether a file or folder name is hidden (`.DS_Store`, `.drafts`): under `content/`
/// such names are not content, for the loader and for `serve`'s watcher alike.
pub fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with('.')
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn outside(link: &Path, target: &Path, is_dir: bool) -> Diagnostic {
    let what = if is_dir { "folder" } else { "file" };
    Diagnostic::file(
        link,
        format!(
            "this symbolic link points outside the site, to {}; sitrep reads only files inside the site's folder",
            target.display()
        ),
    )
    .with_hint(format!(
        "copy the {what} into the site, or point the link inside the site"
    ))
}

fn link_loop(link: &Path, ancestor: &Path) -> Diagnostic {
    Diagnostic::file(
        link,
        format!(
            "this symbolic link makes a loop: it points to {}, a folder that contains the link",
            ancestor.display()
        ),
    )
    .with_hint("remove the link, or point it at a folder that does not contain it")
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn problems(result: Result<Vec<PathBuf>>) -> Vec<Diagnostic> {
        match result {
            Err(Error::Content(found)) => found,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn links_inside_the_site_are_followed_and_listed_under_the_link() {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path();
        std::fs::create_dir_all(root.join("static/css")).unwrap();
        std::fs::create_dir_all(root.join("shared/img")).unwrap();
        std::fs::write(root.join("static/css/a.css"), "a").unwrap();
        std::fs::write(root.join("shared/img/logo.png"), "png").unwrap();
        std::fs::write(root.join("shared/robots.txt"), "txt").unwrap();
        symlink(root.join("shared/img"), root.join("static/img")).unwrap();
        symlink("../shared/robots.txt", root.join("static/robots.txt")).unwrap();

        let found = files(root, &root.join("static")).unwrap();
        let rel: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(root).unwrap())
            .collect();
        assert_eq!(
            rel,
            [
                Path::new("static/css/a.css"),
                Path::new("static/img/logo.png"),
                Path::new("static/robots.txt"),
            ]
        );
        assert!(files(root, &root.join("missing")).unwrap().is_empty());
    }

    #[test]
    fn links_outside_the_site_and_loops_are_named_and_not_walked() {
        let temp = tempfile::tempdir().unwrap();
        let (root, away) = (temp.path().join("site"), temp.path().join("away"));
        std::fs::create_dir_all(root.join("static/deep")).unwrap();
        std::fs::create_dir_all(&away).unwrap();
        std::fs::write(away.join("secret.txt"), "secret").unwrap();
        symlink(away.join("secret.txt"), root.join("static/secret.txt")).unwrap();
        symlink(&away, root.join("static/away")).unwrap();
        symlink(root.join("static"), root.join("static/deep/up")).unwrap();

        let found = problems(files(&root, &root.join("static")));
        let links: Vec<_> = found
            .iter()
            .map(|d| d.path.strip_prefix(&root).unwrap())
            .collect();
        assert_eq!(
            links,
            [
                Path::new("static/away"),
                Path::new("static/deep/up"),
                Path::new("static/secret.txt"),
            ]
        );
        assert!(
            found[0].message.contains("outside the site"),
            "{}",
            found[0]
        );
        assert!(
            found[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("copy the folder")
        );
        assert!(found[1].message.contains("loop"), "{}", found[1]);
        assert!(found[2].hint.as_deref().unwrap().contains("copy the file"));

        // The folder itself, or one above it, may be the link.
        symlink(&away, root.join("themes")).unwrap();
        let found = problems(files(&root, &root.join("themes/x/templates")));
        assert_eq!(found[0].path, root.join("themes"));
    }
}
