//! Output folders no build may replace, however they are spelled, `--force` or not.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

use crate::support::{SiteTest, assert_same_files, snapshot};

/// A site, a fake home folder holding a file, and links to both from a scratch folder.
struct Setup {
    site: SiteTest,
    home: TempDir,
    scratch: TempDir,
}

impl Setup {
    fn new() -> Setup {
        let site = SiteTest::copy_of("second");
        std::fs::write(site.root().join("robots.txt"), "User-agent: *\n").unwrap();
        let home = TempDir::new().unwrap();
        std::fs::write(home.path().join(".bashrc"), "# mine\n").unwrap();
        let scratch = TempDir::new().unwrap();
        let link = |name: &str, to: &Path| {
            std::os::unix::fs::symlink(to, scratch.path().join(name)).unwrap();
        };
        link("to-site", site.root());
        link("to-content", &site.root().join("content"));
        link("to-static", &site.root().join("static"));
        link("to-home", home.path());
        Setup {
            site,
            home,
            scratch,
        }
    }

    fn build(&self, output: &Path, force: bool) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitrep"));
        cmd.current_dir(self.site.root())
            .env("HOME", self.home.path())
            .args(["build", "--output"])
            .arg(output);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    }

    /// Every spelling of a forbidden output, with the words its refusal must hold.
    fn forbidden(&self) -> Vec<(PathBuf, &'static str)> {
        let s = self.scratch.path();
        vec![
            (s.join("to-site"), "holds the site itself"),
            (s.join("to-content"), "inside the site's content/ folder"),
            (s.join("to-static/out"), "inside the site's static/ folder"),
            (s.join("to-home"), "holds your home folder"),
            (self.site.root().join("content/sub/.."), "content/ folder"),
            (self.site.root().join("sub/.."), "holds the site itself"),
            (self.site.root().join("content/../static"), "static/ folder"),
            (PathBuf::from("/"), "root of the filesystem"),
            (self.home.path().join(".."), "holds your home folder"),
        ]
    }
}

#[test]
fn outputs_that_resolve_to_the_site_its_sources_or_home_are_refused_even_with_force() {
    let setup = Setup::new();
    let (site_before, home_before) = (snapshot(setup.site.root()), snapshot(setup.home.path()));
    for (output, says) in setup.forbidden() {
        for force in [false, true] {
            let run = setup.build(&output, force);
            let err = String::from_utf8_lossy(&run.stderr);
            let what = format!("{} (force: {force})", output.display());
            assert!(!run.status.success(), "{what} was accepted: {err}");
            assert!(
                err.starts_with("error: refusing to write into"),
                "{what}: {err}"
            );
            assert!(err.contains(says), "{what}: expected `{says}` in: {err}");
            assert!(!err.contains("--force"), "{what} suggests --force: {err}");
        }
    }
    assert_same_files(&snapshot(setup.site.root()), &site_before, "the site");
    assert_same_files(
        &snapshot(setup.home.path()),
        &home_before,
        "the home folder",
    );
    let litter: Vec<_> = std::fs::read_dir(setup.scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains("sitrep"))
        .collect();
    assert!(litter.is_empty(), "lock or staging files left: {litter:?}");
}

#[test]
fn a_link_to_an_allowed_folder_is_followed_and_the_link_kept() {
    let setup = Setup::new();
    let target = setup.scratch.path().join("www");
    std::fs::create_dir(&target).unwrap();
    let link = setup.site.root().join("public");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for _ in 0..2 {
        let run = setup.build(&link, false);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    assert!(link.is_symlink(), "the link was replaced by a folder");
    assert!(target.join("index.html").is_file());
    assert_same_files(
        &snapshot(&target),
        &setup.site.build().files(),
        "the linked folder",
    );
}

#[test]
fn only_the_not_made_by_sitrep_refusal_mentions_force_and_force_keeps_the_files() {
    let setup = Setup::new();
    let out = setup.scratch.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("CNAME"), "news.example.com\n").unwrap();
    let run = setup.build(&out, false);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success());
    assert!(
        err.contains("was not made by sitrep") && err.contains("--force"),
        "{err}"
    );
    let run = setup.build(&out, true);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "news.example.com\n"
    );
}
