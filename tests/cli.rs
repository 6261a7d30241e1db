//! The authoring commands through the real binary: `sitrep init` and `sitrep new`
//! (and `sitrep build` of what they make). Each test works in its own temp dir.

mod support;

use std::path::Path;

use jiff::civil::{Date, Weekday};
use support::{InitSite, front_matter, sitrep, sitrep_ok, stderr, stdout};
use tempfile::TempDir;

const SCAFFOLD: [&str; 4] = [
    "config.toml",
    "content/issues/1.md",
    "content/pages/about.md",
    ".gitignore",
];

/// Sorted paths of every file under `dir`, relative to it.
fn tree(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = support::files_with_suffix(dir, "")
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn date_of(table: &toml::Table) -> Date {
    let value = table
        .get("date")
        .unwrap_or_else(|| panic!("no date in {table:?}"));
    let d = value
        .as_datetime()
        .and_then(|d| d.date)
        .unwrap_or_else(|| panic!("date is not a TOML date: {value:?}"));
    jiff::civil::date(d.year as i16, d.month as i8, d.day as i8)
}

/// `created issue #N: PATH` → (N, PATH), checking the file is there (PATH may be relative to `cwd`).
fn created_issue(cwd: &Path, out: &std::process::Output) -> (u32, std::path::PathBuf) {
    let text = stdout(out);
    let line = text
        .lines()
        .find(|l| l.starts_with("created issue #"))
        .unwrap_or_else(|| panic!("no `created issue #N: PATH` line in:\n{text}"));
    let (number, path) = line["created issue #".len()..]
        .split_once(": ")
        .unwrap_or_else(|| panic!("malformed line {line:?}"));
    let path = std::path::PathBuf::from(path);
    assert!(
        cwd.join(&path).is_file(),
        "{line:?}: the printed path is not a file"
    );
    (number.parse().unwrap(), path)
}

#[test]
fn init_into_an_empty_folder_creates_a_site_that_builds() {
    let temp = TempDir::new().unwrap();
    let dir = temp.path();
    let out = sitrep_ok(dir, &["init", dir.to_str().unwrap()]);

    assert_eq!(tree(dir), sorted(&SCAFFOLD), "files written by init");
    let printed = stdout(&out);
    for rel in SCAFFOLD {
        assert!(
            printed.contains(&format!("created {}", dir.join(rel).display())),
            "init does not report creating {rel}:\n{printed}"
        );
    }

    let config = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    for option in [
        "publish_day",
        "issue_path",
        "issue_title",
        "feed_limit",
        "theme",
    ] {
        assert!(
            config
                .lines()
                .any(|l| l.trim_start().starts_with(&format!("# {option} = "))),
            "config.toml does not show `{option}` as a commented option:\n{config}"
        );
    }
    let parsed: toml::Table = config.parse().expect("config.toml is valid TOML");
    assert!(parsed.contains_key("title") && parsed.contains_key("base_url"));

    let issue = front_matter(&std::fs::read_to_string(dir.join("content/issues/1.md")).unwrap());
    assert_eq!(issue["number"].as_integer(), Some(1));
    date_of(&issue); // a real date, filled in from today
    assert!(issue.get("draft").is_none(), "the first issue is published");
    let gitignore = std::fs::read_to_string(dir.join(".gitignore")).unwrap();
    assert!(
        gitignore.lines().any(|l| l == "/public"),
        ".gitignore: {gitignore:?}"
    );

    sitrep_ok(dir, &["build", "--root", dir.to_str().unwrap()]);
    for page in [
        "public/index.html",
        "public/issues/1/index.html",
        "public/about/index.html",
    ] {
        assert!(
            dir.join(page).is_file(),
            "build of the new site has no {page}"
        );
    }
}

#[test]
fn init_without_a_dir_uses_the_current_folder_and_creates_missing_ones() {
    let temp = TempDir::new().unwrap();
    sitrep_ok(temp.path(), &["init"]);
    assert_eq!(tree(temp.path()), sorted(&SCAFFOLD));

    let nested = temp.path().join("a/b/newsletter");
    sitrep_ok(temp.path(), &["init", nested.to_str().unwrap()]);
    assert_eq!(tree(&nested), sorted(&SCAFFOLD));
}

#[test]
fn init_refuses_a_non_empty_folder_and_writes_nothing() {
    let temp = TempDir::new().unwrap();
    let dir = temp.path();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();

    let out = sitrep(dir, &["init", dir.to_str().unwrap()]);
    assert!(
        !out.status.success(),
        "init into a non-empty folder succeeded"
    );
    assert!(
        stderr(&out).contains("--force"),
        "the refusal does not mention --force:\n{}",
        stderr(&out)
    );
    assert_eq!(
        tree(dir),
        ["notes.txt"],
        "init wrote files although it refused"
    );

    sitrep_ok(dir, &["init", "--force", dir.to_str().unwrap()]);
    let mut expected = SCAFFOLD.to_vec();
    expected.push("notes.txt");
    assert_eq!(tree(dir), sorted(&expected));
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn init_force_adds_missing_files_but_never_overwrites() {
    let temp = TempDir::new().unwrap();
    let dir = temp.path();
    let config = b"# my own settings\r\ntitle = \"Mine\"\r\nbase_url = \"https://mine.example/\"\r\n\xF0\x9F\x9A\x92";
    std::fs::write(dir.join("config.toml"), config).unwrap();
    std::fs::create_dir_all(dir.join("content/issues")).unwrap();
    std::fs::write(dir.join("content/issues/1.md"), "my issue").unwrap();

    let out = sitrep_ok(dir, &["init", "--force", dir.to_str().unwrap()]);
    assert_eq!(
        std::fs::read(dir.join("config.toml")).unwrap(),
        config,
        "config.toml was changed"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("content/issues/1.md")).unwrap(),
        "my issue"
    );
    assert_eq!(tree(dir), sorted(&SCAFFOLD));
    let printed = stdout(&out);
    assert!(
        !printed.contains("config.toml"),
        "init claims to have created config.toml:\n{printed}"
    );
    assert!(
        printed.contains("about.md") && printed.contains(".gitignore"),
        "{printed}"
    );

    // A second run has nothing left to add and still changes nothing.
    let again = sitrep_ok(dir, &["init", "--force", dir.to_str().unwrap()]);
    assert!(!stdout(&again).contains("created "), "{}", stdout(&again));
    assert_eq!(std::fs::read(dir.join("config.toml")).unwrap(), config);
}

#[test]
fn new_numbers_issues_consecutively_as_drafts_that_build_only_with_drafts() {
    let site = InitSite::new();
    let root = site.root.to_str().unwrap();

    let (n2, p2) = created_issue(
        site.temp.path(),
        &sitrep_ok(site.temp.path(), &["new", "--root", root]),
    );
    assert_eq!((n2, p2.clone()), (2, site.path("content/issues/2.md")));
    // The default root is the current folder.
    let (n3, p3) = created_issue(&site.root, &sitrep_ok(&site.root, &["new"]));
    assert_eq!(n3, 3);
    let p3 = site.root.join(p3);
    assert_eq!(
        p3.canonicalize().unwrap(),
        site.path("content/issues/3.md").canonicalize().unwrap()
    );

    for path in [&p2, &p3] {
        let text = std::fs::read_to_string(path).unwrap();
        let fm = front_matter(&text);
        assert_eq!(
            fm["draft"].as_bool(),
            Some(true),
            "{}:\n{text}",
            path.display()
        );
        assert!(
            text.lines().any(|l| l.starts_with("draft = true")),
            "no `draft = true` line in {}",
            path.display()
        );
    }
    assert_eq!(
        front_matter(&std::fs::read_to_string(&p3).unwrap())["number"].as_integer(),
        Some(3)
    );

    sitrep_ok(&site.root, &["build"]);
    let public = site.path("public");
    assert!(public.join("issues/1/index.html").is_file());
    assert!(
        !public.join("issues/2/index.html").exists(),
        "a draft was published"
    );
    assert!(
        !public.join("issues/3/index.html").exists(),
        "a draft was published"
    );

    sitrep_ok(
        &site.root,
        &["build", "--drafts", "--output", "with-drafts"],
    );
    let drafts = site.path("with-drafts");
    for n in 1..=3 {
        assert!(
            drafts.join(format!("issues/{n}/index.html")).is_file(),
            "build --drafts lacks issue {n}"
        );
    }
}

#[test]
fn new_writes_the_given_date_and_title_quoted() {
    let site = InitSite::new();
    let title = "Quotes \" here \\ and 'there' # not a comment";
    let out = sitrep_ok(
        &site.root,
        &["new", "--date", "2026-12-06", "--title", title],
    );
    let (number, path) = created_issue(&site.root, &out);
    assert_eq!(number, 2);
    let fm = front_matter(&std::fs::read_to_string(site.root.join(path)).unwrap());
    assert_eq!(date_of(&fm), jiff::civil::date(2026, 12, 6));
    assert_eq!(fm["title"].as_str(), Some(title));

    sitrep_ok(&site.root, &["build", "--drafts"]);
    let page = std::fs::read_to_string(site.path("public/issues/2/index.html")).unwrap();
    // Shown with typographic quotes, like the body; the rest as written.
    assert!(
        page.contains("here \\ and \u{2018}there\u{2019} # not a comment"),
        "{page}"
    );
}

#[test]
fn new_rejects_an_invalid_date() {
    let site = InitSite::new();
    let out = sitrep(&site.root, &["new", "--date", "2026-13-01"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--date"), "{}", stderr(&out));
    assert!(!site.path("content/issues/2.md").exists());
}

#[test]
fn new_dates_the_issue_to_the_next_publish_day() {
    let site = InitSite::new();
    let config = site.read("config.toml");
    let commented = "# publish_day = \"sunday\"";
    assert!(
        config.contains(commented),
        "the scaffold config changed:\n{config}"
    );
    site.write(
        "config.toml",
        &config.replacen(commented, "publish_day = \"sunday\"", 1),
    );

    let before = jiff::Zoned::now().date();
    let (_, path) = created_issue(&site.root, &sitrep_ok(&site.root, &["new"]));
    let after = jiff::Zoned::now().date();
    let date = date_of(&front_matter(
        &std::fs::read_to_string(site.root.join(path)).unwrap(),
    ));

    assert_eq!(date.weekday(), Weekday::Sunday, "{date} is not a Sunday");
    assert!(date >= before, "{date} is before today ({before})");
    assert!(
        date < after.checked_add(jiff::Span::new().days(7)).unwrap(),
        "{date} is more than a week after today ({after})"
    );
}

#[test]
fn new_follows_the_highest_number_even_one_written_by_hand() {
    let site = InitSite::new();
    site.write(
        "content/issues/4.md",
        "+++\nnumber = 4\ndate = 2026-01-04\ntitle = \"Written by hand\"\n+++\n\nBody.\n",
    );
    let (number, path) = created_issue(&site.root, &sitrep_ok(&site.root, &["new"]));
    assert_eq!(number, 5);
    assert_eq!(path, Path::new(".").join("content/issues/5.md"));
    assert!(!site.path("content/issues/2.md").exists());
    assert_eq!(
        site.read("content/issues/4.md").lines().nth(3),
        Some("title = \"Written by hand\"")
    );
}

#[test]
fn new_never_overwrites_an_existing_file() {
    let site = InitSite::new();
    // An issue_path whose files the site does not load (not .md), so the next number's
    // file can exist without being counted.
    let config = site.read("config.toml");
    let commented = "# issue_path = \"content/issues/{number}.md\"";
    assert!(
        config.contains(commented),
        "the scaffold config changed:\n{config}"
    );
    site.write(
        "config.toml",
        &config.replacen(commented, "issue_path = \"content/issues/{number}.txt\"", 1),
    );
    site.write("content/issues/2.txt", "precious notes\n");

    let out = sitrep(&site.root, &["new", "--title", "Clobber?"]);
    assert!(
        !out.status.success(),
        "new overwrote or ignored an existing file:\n{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("2.txt") && err.contains("already exists"),
        "{err}"
    );
    assert_eq!(site.read("content/issues/2.txt"), "precious notes\n");
}
