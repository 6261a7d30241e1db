//! The harness: build a site into a temp dir, then read the result the way a
//! browser (scraper) or a feed reader (feed-rs) would. See tests/README.md.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use scraper::{ElementRef, Html, Selector};
use sitrep::{BuildOptions, Diagnostic, Error, Site, WriteReport};
use tempfile::TempDir;

/// The repository root, which is also the example site.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A site to build: the example, a fixture, a private copy of one, or files written inline.
pub struct SiteTest {
    opts: BuildOptions,
    /// Holds a copied or inline site, which lives as long as the test.
    _temp: Option<TempDir>,
}

impl SiteTest {
    /// The example newsletter at the repository root.
    pub fn example() -> Self {
        Self::at(repo(), None)
    }

    /// `tests/fixtures/<name>`, built where it is (never edit it: use [`SiteTest::copy_of`]).
    pub fn fixture(name: &str) -> Self {
        Self::at(repo().join("tests/fixtures").join(name), None)
    }

    /// A private copy of `tests/fixtures/<name>` that the test may edit.
    pub fn copy_of(name: &str) -> Self {
        let temp = TempDir::new().unwrap();
        copy_dir(&repo().join("tests/fixtures").join(name), temp.path());
        Self::at(temp.path().to_path_buf(), Some(temp))
    }

    /// A site made of `(path, contents)` files written into a temp dir.
    pub fn inline(files: &[(&str, &str)]) -> Self {
        let temp = TempDir::new().unwrap();
        let site = Self::at(temp.path().to_path_buf(), Some(temp));
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    fn at(root: PathBuf, temp: Option<TempDir>) -> Self {
        let opts = BuildOptions {
            root,
            ..Default::default()
        };
        SiteTest { opts, _temp: temp }
    }

    /// Builds drafts too, like `--drafts`.
    pub fn drafts(mut self) -> Self {
        self.opts.drafts = true;
        self
    }

    /// The site folder.
    pub fn root(&self) -> &Path {
        &self.opts.root
    }

    /// Writes a file of the site (only on copies and inline sites).
    pub fn write(&self, path: &str, text: &str) -> &Self {
        assert!(
            self._temp.is_some(),
            "edit a copy_of() the fixture, not the fixture"
        );
        let path = self.root().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Deletes a file of the site (only on copies and inline sites).
    pub fn remove(&self, path: &str) -> &Self {
        assert!(
            self._temp.is_some(),
            "edit a copy_of() the fixture, not the fixture"
        );
        std::fs::remove_file(self.root().join(path)).unwrap();
        self
    }

    /// Builds into a fresh temp dir; panics with sitrep's own report if the build fails.
    pub fn build(&self) -> Built {
        let dir = TempDir::new().unwrap();
        let (site, report) = self
            .build_into(dir.path(), false)
            .unwrap_or_else(|e| panic!("build of {} failed:\n{e}", self.root().display()));
        Built { dir, site, report }
    }

    /// Builds into `out`, as `sitrep build --output out [--force]` does.
    pub fn build_into(&self, out: &Path, force: bool) -> sitrep::Result<(Site, WriteReport)> {
        sitrep::build(&self.opts, out, force)
    }

    /// The content problems a build reports; panics if it succeeds or fails otherwise.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let out = TempDir::new().unwrap();
        match self.build_into(out.path(), false) {
            Err(Error::Content(diags)) => diags,
            Err(e) => panic!("expected content problems, got: {e}"),
            Ok(_) => panic!("expected {} to fail to build", self.root().display()),
        }
    }

    /// `config.toml`, parsed.
    pub fn config(&self) -> toml::Table {
        let text = std::fs::read_to_string(self.root().join("config.toml")).unwrap();
        toml::from_str(&text).unwrap()
    }

    /// Every issue file under content/issues (drafts included), newest number first.
    pub fn issues(&self) -> Vec<IssueSource> {
        let mut issues: Vec<IssueSource> = walk(&self.root().join("content/issues"))
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .map(|p| IssueSource::read(&p))
            .collect();
        issues.sort_by_key(|i| std::cmp::Reverse(i.number()));
        issues
    }

    /// The issues a default build publishes (no drafts), newest first.
    pub fn published(&self) -> Vec<IssueSource> {
        self.issues().into_iter().filter(|i| !i.draft()).collect()
    }
}

/// One issue file as the author wrote it: the front matter parsed with the `toml` crate.
pub struct IssueSource {
    pub path: PathBuf,
    pub front: toml::Table,
    pub body: String,
}

impl IssueSource {
    fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap();
        let rest = text
            .strip_prefix("+++\n")
            .expect("front matter opens with +++");
        let (front, body) = rest.split_once("\n+++\n").expect("front matter closes");
        IssueSource {
            path: path.to_path_buf(),
            front: toml::from_str(front).unwrap(),
            body: body.to_string(),
        }
    }

    pub fn number(&self) -> u32 {
        self.front["number"].as_integer().unwrap() as u32
    }

    /// The issue's calendar date, in its own offset.
    pub fn date(&self) -> jiff::civil::Date {
        toml_date(&self.front["date"])
    }

    pub fn draft(&self) -> bool {
        self.front.get("draft").and_then(|d| d.as_bool()) == Some(true)
    }

    /// The title, or the config's `issue_title` with `{number}` filled in.
    pub fn title(&self, config: &toml::Table) -> String {
        match self.front.get("title") {
            Some(t) => t.as_str().unwrap().to_string(),
            None => config["issue_title"]
                .as_str()
                .unwrap()
                .replace("{number}", &self.number().to_string()),
        }
    }

    /// The summary, or by default the first paragraph of the body. (Fixtures write
    /// that paragraph as plain words, so its text is its lines joined.)
    pub fn summary(&self) -> String {
        match str_field(&self.front, "summary") {
            Some(s) => s.to_string(),
            None => {
                let first = self.body.trim().split("\n\n").next().unwrap();
                first.lines().map(str::trim).collect::<Vec<_>>().join(" ")
            }
        }
    }

    /// The `[[links]]`, `[[outages]]` or `[[sponsors]]` tables.
    pub fn tables(&self, key: &str) -> Vec<&toml::Table> {
        self.front.get(key).map_or(Vec::new(), |v| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_table().unwrap())
                .collect()
        })
    }

    /// Slugs of every tag on the issue's links and outages.
    pub fn tag_slugs(&self) -> BTreeSet<String> {
        ["links", "outages"]
            .iter()
            .flat_map(|k| self.tables(k))
            .flat_map(|t| strings(t, "tags"))
            .map(|t| slug(&t))
            .collect()
    }
}

/// `(issue number, what the entry shows)`, sorted: compared as multisets.
pub type Entries = Vec<(u32, String)>;

/// Groups `[[key]]` entries of published issues by the slug of each of their tags.
pub fn by_tag(issues: &[IssueSource], key: &str, shown: &str) -> BTreeMap<String, Entries> {
    let mut map: BTreeMap<String, Entries> = BTreeMap::new();
    for issue in issues {
        for entry in issue.tables(key) {
            let tags: BTreeSet<String> = strings(entry, "tags").iter().map(|t| slug(t)).collect();
            for tag in tags {
                let value = str_field(entry, shown).unwrap().to_string();
                map.entry(tag).or_default().push((issue.number(), value));
            }
        }
    }
    map.values_mut().for_each(|v| v.sort());
    map
}

/// A string field of a TOML table.
pub fn str_field<'a>(table: &'a toml::Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(|v| v.as_str())
}

/// A list of strings (such as `tags`), empty if absent.
pub fn strings(table: &toml::Table, key: &str) -> Vec<String> {
    table.get(key).map_or(Vec::new(), |v| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    })
}

/// The calendar date of a TOML date or date-time.
pub fn toml_date(value: &toml::Value) -> jiff::civil::Date {
    let d = value.as_datetime().unwrap().date.unwrap();
    jiff::civil::date(d.year as i16, d.month as i8, d.day as i8)
}

/// The URL slug of a tag or service: the grouping key FORMAT.md defines.
pub fn slug(text: &str) -> String {
    sitrep::slugs::slugify(text).unwrap()
}

/// A finished build: its output folder and what the library returned.
pub struct Built {
    dir: TempDir,
    pub site: Site,
    pub report: WriteReport,
}

impl Built {
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `base_url` as the build used it, ending in `/`.
    pub fn base_url(&self) -> &str {
        &self.site.config.base_url
    }

    /// The file serving a site path: `issues/3/` → `issues/3/index.html`.
    pub fn path(&self, site_path: &str) -> PathBuf {
        self.dir().join(file_of(site_path))
    }

    pub fn exists(&self, site_path: &str) -> bool {
        self.path(site_path).is_file()
    }

    pub fn read(&self, site_path: &str) -> String {
        std::fs::read_to_string(self.path(site_path))
            .unwrap_or_else(|e| panic!("cannot read {site_path} in the output: {e}"))
    }

    /// An HTML page, parsed.
    pub fn page(&self, site_path: &str) -> Page {
        Page::parse(&file_of(site_path), &self.read(site_path))
    }

    /// Every HTML page of the output, parsed.
    pub fn pages(&self) -> Vec<Page> {
        self.files()
            .into_iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, bytes)| Page::parse(&p, &String::from_utf8(bytes).unwrap()))
            .collect()
    }

    /// A feed (RSS, Atom or JSON Feed), parsed by feed-rs.
    pub fn feed(&self, site_path: &str) -> feed_rs::model::Feed {
        feed_rs::parser::parse(self.read(site_path).as_bytes())
            .unwrap_or_else(|e| panic!("{site_path} is not a valid feed: {e}"))
    }

    pub fn json(&self, site_path: &str) -> serde_json::Value {
        serde_json::from_str(&self.read(site_path)).unwrap()
    }

    /// Every output file by relative path.
    pub fn files(&self) -> BTreeMap<String, Vec<u8>> {
        snapshot(self.dir())
    }

    /// The site folders (`<prefix><name>/index.html`) directly under `prefix`, e.g. the tags.
    pub fn folders(&self, prefix: &str) -> BTreeSet<String> {
        self.files()
            .keys()
            .filter_map(|p| p.strip_prefix(prefix)?.strip_suffix("/index.html"))
            .filter(|name| !name.contains('/'))
            .map(String::from)
            .collect()
    }

    /// The absolute URL of a site path.
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}{site_path}", self.base_url())
    }
}

fn file_of(site_path: &str) -> String {
    if site_path.is_empty() || site_path.ends_with('/') {
        format!("{site_path}index.html")
    } else {
        site_path.to_string()
    }
}

/// A parsed HTML page with CSS-selector helpers.
pub struct Page {
    /// File path in the output, e.g. `issues/3/index.html`.
    pub file: String,
    pub html: Html,
}

impl Page {
    pub fn parse(file: &str, text: &str) -> Page {
        Page {
            file: file.to_string(),
            html: Html::parse_document(text),
        }
    }

    /// The site path this file serves: `issues/3/index.html` → `issues/3/`.
    pub fn site_path(&self) -> &str {
        self.file.strip_suffix("index.html").unwrap_or(&self.file)
    }

    /// Every element matching `css`.
    pub fn all(&self, css: &str) -> Vec<ElementRef<'_>> {
        self.html.select(&selector(css)).collect()
    }

    /// The one element matching `css`; panics if there are none or several.
    pub fn one(&self, css: &str) -> ElementRef<'_> {
        let found = self.all(css);
        assert_eq!(found.len(), 1, "{}: expected one `{css}`", self.file);
        found[0]
    }

    /// The text of every element matching `css`, whitespace collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.all(css).into_iter().map(text).collect()
    }

    /// The `attr` of every element matching `css` that has it.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        self.all(css)
            .into_iter()
            .filter_map(|e| e.value().attr(attr).map(String::from))
            .collect()
    }

    /// The element with this `id`, if any.
    pub fn by_id(&self, id: &str) -> Option<ElementRef<'_>> {
        self.html
            .select(&selector("[id]"))
            .find(|e| e.value().id() == Some(id))
    }

    /// Every `id` on the page.
    pub fn ids(&self) -> BTreeSet<String> {
        self.attrs("[id]", "id").into_iter().collect()
    }
}

pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector `{css}`: {e}"))
}

/// An element's text, whitespace collapsed.
pub fn text(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text of the first descendant of `e` matching `css`.
pub fn text_in(e: ElementRef<'_>, css: &str) -> Option<String> {
    e.select(&selector(css)).next().map(text)
}

/// The `href` of the first descendant of `e` matching `css`.
pub fn href_in<'a>(e: ElementRef<'a>, css: &str) -> Option<&'a str> {
    e.select(&selector(css)).next()?.value().attr("href")
}

/// The issue number of a link to `…/issues/<n>/…`.
pub fn issue_number_in(href: &str) -> Option<u32> {
    let rest = &href[href.find("/issues/")? + "/issues/".len()..];
    rest.split('/').next()?.parse().ok()
}

/// Every link (`href` or `src`) of an output, and what it points to.
pub struct LinkCheck {
    /// `file: href (why)` for every internal link that does not resolve.
    pub broken: Vec<String>,
    /// How many links with a `#fragment` resolved, by the page they are on.
    pub fragments_by_page: BTreeMap<String, usize>,
    /// How many internal links were checked in all.
    pub checked: usize,
}

/// Checks every `href`/`src` of elements matching `css` on every page: an internal link
/// (same host, under base_url) must name an existing file (`…/` means `…/index.html`),
/// and its `#fragment`, if any, an element id on that page. The base URL's host outside
/// its path counts as broken: the site does not own it.
pub fn check_links(built: &Built, css: &str) -> LinkCheck {
    let base = url::Url::parse(built.base_url()).unwrap();
    let pages = built.pages();
    let ids: BTreeMap<&str, BTreeSet<String>> =
        pages.iter().map(|p| (p.file.as_str(), p.ids())).collect();
    let mut check = LinkCheck {
        broken: Vec::new(),
        fragments_by_page: BTreeMap::new(),
        checked: 0,
    };
    for page in &pages {
        let here = base.join(page.site_path()).unwrap();
        for el in page.all(css) {
            for attr in ["href", "src"] {
                let Some(link) = el.value().attr(attr) else {
                    continue;
                };
                let mut problem =
                    |why: &str| check.broken.push(format!("{}: {link} ({why})", page.file));
                let Ok(url) = here.join(link) else {
                    problem("not a URL");
                    continue;
                };
                if url.host_str() != base.host_str() || !url.scheme().starts_with("http") {
                    continue; // external
                }
                let Some(rest) = url.path().strip_prefix(base.path()) else {
                    problem("outside the base URL's path");
                    continue;
                };
                let file = file_of(rest);
                check.checked += 1;
                if !built.dir().join(&file).is_file() {
                    problem("no such file");
                    continue;
                }
                if let Some(fragment) = url.fragment() {
                    match ids.get(file.as_str()) {
                        Some(set) if set.contains(fragment) => {
                            *check
                                .fragments_by_page
                                .entry(page.file.clone())
                                .or_default() += 1;
                        }
                        Some(_) => problem("no element with this id"),
                        None => problem("fragment on a file that is not HTML"),
                    }
                }
            }
        }
    }
    check
}

/// Every file under `dir` (recursively) by its `/`-separated relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap();
            let key = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (key, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// Every file under `dir`, sorted; none if it does not exist.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Copies the tree `from` into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for file in walk(from) {
        let target = to.join(file.strip_prefix(from).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(&file, &target).unwrap();
    }
}

/// The 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"));
    text[..at].matches('\n').count() + 1
}

/// Asserts two snapshots hold the same files with the same bytes, naming any that differ.
#[track_caller]
pub fn assert_same_files(
    actual: &BTreeMap<String, Vec<u8>>,
    expected: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    let added: Vec<&String> = actual
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    let missing: Vec<&String> = expected
        .keys()
        .filter(|k| !actual.contains_key(*k))
        .collect();
    let changed: Vec<&String> = actual
        .keys()
        .filter(|k| expected.get(*k).is_some_and(|b| b != &actual[*k]))
        .collect();
    assert!(
        added.is_empty() && missing.is_empty() && changed.is_empty(),
        "{what}: added {added:?}, missing {missing:?}, changed {changed:?}"
    );
}
