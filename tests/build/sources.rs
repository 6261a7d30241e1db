//! Source files stay inside the site (symlinks that leave it are refused, naming the
//! link), and `serve`'s content cache re-reads every file its watcher reported.

use crate::support::SiteTest;

const CONFIG: &str = "title = \"Sources\"\nbase_url = \"https://sources.example/\"\n";
const ISSUE: &str = "+++\nnumber = 1\ndate = 2025-01-06\ntitle = \"One\"\n+++\n\nFirst.\n";

#[cfg(unix)]
mod links {
    use std::os::unix::fs::symlink;

    use super::*;

    /// A site and, beside it (outside its folder), a secret file and folder.
    fn site_with_neighbour() -> (SiteTest, tempfile::TempDir) {
        let away = tempfile::tempdir().unwrap();
        let secret =
            "+++\nnumber = 2\ndate = 2025-01-13\ntitle = \"SECRET TITLE\"\n+++\n\nSECRET BODY\n";
        std::fs::write(away.path().join("secret.md"), secret).unwrap();
        std::fs::create_dir(away.path().join("folder")).unwrap();
        std::fs::write(away.path().join("folder/3.md"), secret.replace("2", "3")).unwrap();
        let site = SiteTest::inline(&[("config.toml", CONFIG), ("content/issues/1.md", ISSUE)]);
        (site, away)
    }

    #[test]
    fn a_link_to_a_file_outside_the_site_is_refused_and_never_read() {
        let (site, away) = site_with_neighbour();
        let link = site.root().join("content/issues/2.md");
        symlink(away.path().join("secret.md"), &link).unwrap();
        let problems = site.diagnostics();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let report = problems[0].to_string();
        assert_eq!(problems[0].path, link);
        assert!(report.contains("points outside the site"), "{report}");
        assert!(report.contains("copy the file into the site"), "{report}");
        assert!(
            !report.contains("SECRET"),
            "the target's text was read: {report}"
        );
    }

    #[test]
    fn a_link_to_a_folder_outside_the_site_is_refused() {
        let (site, away) = site_with_neighbour();
        let link = site.root().join("content/issues/more");
        symlink(away.path().join("folder"), &link).unwrap();
        let problems = site.diagnostics();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, link);
        assert!(problems[0].to_string().contains("copy the folder"));
    }

    #[test]
    fn static_and_template_links_outside_the_site_are_refused_too() {
        for folder in ["static", "templates", "themes/default/templates"] {
            let (site, away) = site_with_neighbour();
            std::fs::create_dir_all(site.root().join(folder)).unwrap();
            let link = site.root().join(folder).join("secret.md");
            symlink(away.path().join("secret.md"), &link).unwrap();
            let out = tempfile::tempdir().unwrap();
            let err = site.build_into(out.path(), false).unwrap_err().to_string();
            assert!(err.contains("points outside the site"), "{folder}: {err}");
            assert!(!err.contains("SECRET"), "{folder}: {err}");
        }
    }

    #[test]
    fn links_inside_the_site_keep_working_and_loops_are_reported() {
        let site = SiteTest::inline(&[
            ("config.toml", CONFIG),
            ("drafts/1.md", ISSUE),
            ("assets/logo.txt", "logo"),
        ]);
        std::fs::create_dir_all(site.root().join("content/issues")).unwrap();
        std::fs::create_dir_all(site.root().join("static")).unwrap();
        symlink(
            site.root().join("drafts/1.md"),
            site.root().join("content/issues/1.md"),
        )
        .unwrap();
        symlink(
            site.root().join("assets"),
            site.root().join("static/assets"),
        )
        .unwrap();
        let built = site.build();
        assert!(built.exists("issues/1/index.html"));
        assert_eq!(built.read("assets/logo.txt"), "logo");

        let loop_link = site.root().join("content/issues/again");
        symlink(site.root().join("content"), &loop_link).unwrap();
        let problems = site.diagnostics();
        assert_eq!(
            problems.len(),
            1,
            "{:#?}",
            problems.iter().map(|p| p.to_string()).collect::<Vec<_>>()
        );
        // Named where the walk came back round: at the link, or under it.
        assert!(problems[0].path.starts_with(&loop_link), "{}", problems[0]);
        assert!(problems[0].to_string().contains("loop"), "{}", problems[0]);
    }
}

/// An Emacs lock file is a dangling link `.#45.md` that exists while the issue is open
/// in the editor; with Vim's swap files and backups it must neither fail the build nor
/// be published. Hidden Markdown files are not issues either.
#[cfg(unix)]
#[test]
fn editor_litter_and_hidden_files_are_not_sources() {
    let site = SiteTest::inline(&[
        ("config.toml", CONFIG),
        ("content/issues/1.md", ISSUE),
        ("content/issues/1.md~", &ISSUE.replace("One", "BACKUP")),
        ("content/issues/.1.md.swp", "\0binary swap"),
        (
            "content/issues/.2.md",
            &ISSUE.replace("number = 1", "number = 2"),
        ),
        ("content/issues/4913", ""),
        ("content/issues/notes.tmp", "scratch"),
        ("static/robots.txt~", "old"),
        ("static/.#robots.txt", "lock"),
        ("static/logo.txt", "logo"),
        (
            "static/.well-known/security.txt",
            "Contact: mailto:sec@example.org",
        ),
    ]);
    std::os::unix::fs::symlink(
        "editor@host.1234:1700000000",
        site.root().join("content/issues/.#1.md"),
    )
    .unwrap();
    let built = site.build();
    assert_eq!(built.site.issues.len(), 1, "only 1.md is an issue");
    assert!(built.exists("logo.txt"));
    assert!(
        built.exists(".well-known/security.txt"),
        "a hidden static folder is published on purpose"
    );
    let files = built.files();
    let litter: Vec<_> = files
        .keys()
        .filter(|p| p.ends_with('~') || p.contains(".#") || p.contains("BACKUP"))
        .collect();
    assert!(litter.is_empty(), "editor litter was published: {litter:?}");
}

#[test]
fn a_reported_file_is_read_again_even_if_its_size_and_time_look_unchanged() {
    let site = SiteTest::inline(&[("config.toml", CONFIG), ("content/issues/1.md", ISSUE)]);
    let path = site.root().join("content/issues/1.md");
    let opts = sitrep::BuildOptions {
        root: site.root().to_path_buf(),
        ..Default::default()
    };
    let mut cache = sitrep::content::Cache::default();
    let first = sitrep::load_with(&opts, &mut cache).expect("loads");
    assert_eq!(first.issues[0].title, "One");
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    // Same size, and the modification time put back: only the text says it changed.
    std::fs::write(&path, ISSUE.replace("\"One\"", "\"Two\"")).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    cache.only_changed(vec![path]);
    let second = sitrep::load_with(&opts, &mut cache).expect("loads");
    assert_eq!(
        second.issues[0].title, "Two",
        "the reported file was not read again"
    );
}
