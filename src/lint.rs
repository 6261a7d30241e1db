//! `sitrep check`'s warnings: problems that do not stop a build but that an
//! editor wants to hear about before sending an issue out.
//!
//! A site that loads and renders is valid; these checks look for what is
//! valid but probably wrong: a link already sent in an earlier issue, a URL
//! full of `utm_` parameters, an internal link to a page or anchor that does
//! not exist, issue numbers out of order or with gaps, a tag used once (likely
//! a typo), a link without commentary.
//!
//! Each check is one function over the [`Site`] (and the rendered outputs, for
//! links) that returns findings; [`lint`] then locates every finding at a file,
//! line and column, reading each file it needs once, and sorts them.
//!
//! Scope: repeated URLs are compared among links only (an outage's status page
//! may recur); tracking parameters are looked for in links, outages and Markdown
//! links, but not in sponsors, whose campaign parameters are usually wanted.
//!
//! ```no_run
//! # fn main() -> sitrep::Result<()> {
//! let site = sitrep::load(&sitrep::BuildOptions { root: "mysite".into(), ..Default::default() })?;
//! let outputs = sitrep::render_site(&site)?;
//! for warning in sitrep::lint::lint(&site, &outputs) {
//!     eprintln!("{warning}");
//! }
//! # Ok(())
//! # }
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use url::{Position, Url};

use crate::config::Config;
use crate::content::{Issue, Tag};
use crate::error::Diagnostic;
use crate::output::Output;
use crate::site::Site;
use crate::urls as paths;

/// Query parameters that only track the reader (besides every `utm_*`).
const TRACKING_PARAMETERS: [&str; 20] = [
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "twclid",
    "ttclid",
    "yclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "ref_src",
    "ref_url",
    "vero_id",
    "oly_enc_id",
];

/// What kind of problem a [`Warning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WarningKind {
    /// A link's URL was already linked in an earlier issue.
    DuplicateUrl,
    /// The same URL is linked twice in one issue.
    RepeatedUrl,
    /// A URL carries tracking parameters (`utm_*`, `fbclid`, …).
    TrackingParameters,
    /// An internal link in Markdown points to no page of the site.
    BrokenLink,
    /// An internal link in Markdown points to an anchor its page does not have.
    BrokenAnchor,
    /// A higher-numbered issue is dated before a lower-numbered one.
    NumberDateOrder,
    /// Issue numbers skip one or more numbers.
    NumberGap,
    /// A published (non-draft) issue is dated in the future.
    FutureDate,
    /// A tag is used once in the whole archive (no `[tags]` vocabulary to catch typos).
    SingleUseTag,
    /// A link has no commentary (`[check] link_commentary`).
    NoCommentary,
    /// An outage has no tags (`[check] outage_tags`).
    UntaggedOutage,
}

/// A located problem that does not stop the build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Which check found it.
    pub kind: WarningKind,
    /// Where it is, what is wrong and how to fix it.
    pub diagnostic: Diagnostic,
}

impl fmt::Display for Warning {
    /// The diagnostic's rustc-like report, labelled `warning:` instead of `error:`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.fmt_labelled(f, "warning")
    }
}

/// Runs every check on a loaded and rendered site, with today's date for "in the future".
pub fn lint(site: &Site, outputs: &[Output]) -> Vec<Warning> {
    lint_at(site, outputs, jiff::Zoned::now().date())
}

/// Runs every check as if today were `today`; warnings are sorted by file, then line.
pub fn lint_at(site: &Site, outputs: &[Output], today: Date) -> Vec<Warning> {
    let mut findings = Vec::new();
    findings.extend(repeated_urls(site));
    findings.extend(tracking_parameters(site));
    findings.extend(internal_links(site, outputs));
    findings.extend(number_date_order(site));
    findings.extend(number_gaps(site));
    findings.extend(future_dates(site, today));
    findings.extend(single_use_tags(site));
    findings.extend(links_without_commentary(site));
    findings.extend(outages_without_tags(site));
    locate(findings)
}

// ---------------------------------------------------------------------------
// Findings: what each check reports, before it is located in its file.

/// Where in its file a finding points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Spot {
    /// `needle` within the TOML table holding `line` (else `line` itself).
    Item { line: usize, needle: Option<String> },
    /// The line of a top-level front matter key such as `date`.
    Key(&'static str),
    /// `needle` in the Markdown body (else the start of the body).
    Body(String),
}

/// A problem found by a check, not yet turned into a [`Diagnostic`].
struct Finding<'a> {
    kind: WarningKind,
    path: &'a Path,
    spot: Spot,
    message: String,
    hint: String,
}

impl<'a> Finding<'a> {
    fn new(kind: WarningKind, path: &'a Path, spot: Spot, message: String, hint: String) -> Self {
        Finding {
            kind,
            path,
            spot,
            message,
            hint,
        }
    }
}

/// Issues oldest (lowest number) first.
fn oldest_first(site: &Site) -> impl Iterator<Item = &Issue> {
    site.issues.iter().rev().map(|i| &**i)
}

/// `path` relative to the site folder, for naming another file in a message.
fn short_path<'a>(config: &Config, path: &'a Path) -> std::path::Display<'a> {
    path.strip_prefix(&config.root).unwrap_or(path).display()
}

// ---------------------------------------------------------------------------
// 1. URLs linked more than once.

fn repeated_urls(site: &Site) -> Vec<Finding<'_>> {
    let mut first: HashMap<String, (&Issue, usize)> = HashMap::new();
    let mut found = Vec::new();
    for issue in oldest_first(site) {
        for link in &issue.links {
            let (earlier, line) = *first
                .entry(normalise_url(&link.url))
                .or_insert((issue, link.line));
            if line == link.line && earlier.number == issue.number {
                continue; // its first appearance
            }
            let (kind, message, hint) = if earlier.number == issue.number {
                (
                    WarningKind::RepeatedUrl,
                    format!(
                        "`{}` is linked twice in this issue (first at line {line})",
                        link.url
                    ),
                    "remove one of the two links, or merge their commentary",
                )
            } else {
                (
                    WarningKind::DuplicateUrl,
                    format!(
                        "`{}` was already linked in issue #{} ({}:{line})",
                        link.url,
                        earlier.number,
                        short_path(&site.config, &earlier.path)
                    ),
                    "readers have seen it: drop it, or say in the commentary what is new",
                )
            };
            let spot = Spot::Item {
                line: link.line,
                needle: Some(link.url.clone()),
            };
            found.push(Finding::new(kind, &issue.path, spot, message, hint.into()));
        }
    }
    found
}

/// The form of a URL used to compare links: lower-case scheme and host, no
/// fragment, no tracking parameters, no trailing slash.
///
/// `HTTPS://Example.com/a/?utm_source=x#top` and `https://example.com/a` are the same page.
pub fn normalise_url(url: &str) -> String {
    let Ok(mut u) = Url::parse(url.trim()) else {
        return url.trim().trim_end_matches('/').to_string();
    };
    u.set_fragment(None);
    strip_tracking(&mut u);
    let query = u.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!(
        "{}{}{query}",
        &u[..Position::BeforePath],
        u.path().trim_end_matches('/')
    )
}

// ---------------------------------------------------------------------------
// 2. Tracking parameters.

fn tracking_parameters(site: &Site) -> Vec<Finding<'_>> {
    let mut found = Vec::new();
    for issue in &site.issues {
        let items = issue.links.iter().map(|l| (l.line, Some(&l.url)));
        let outages = issue.outages.iter().map(|o| (o.line, o.url.as_ref()));
        for (line, url) in items.chain(outages) {
            let spot = |u: &String| Spot::Item {
                line,
                needle: Some(u.clone()),
            };
            found.extend(url.and_then(|u| tracking_finding(&issue.path, spot(u), u)));
        }
    }
    for piece in markdown_pieces(site) {
        for href in attribute_values(piece.html, "href") {
            if href.starts_with("http://") || href.starts_with("https://") {
                found.extend(tracking_finding(piece.path, piece.spot(&href), &href));
            }
        }
    }
    found
}

fn tracking_finding<'a>(path: &'a Path, spot: Spot, url: &str) -> Option<Finding<'a>> {
    let (clean, removed) = without_tracking(url)?;
    Some(Finding::new(
        WarningKind::TrackingParameters,
        path,
        spot,
        format!(
            "`{url}` carries tracking parameters ({})",
            removed.join(", ")
        ),
        format!("link to the clean URL: {clean}"),
    ))
}

/// `url` without its tracking query parameters, and the names of those removed;
/// `None` if it has none (or is not a URL). Every other parameter is kept as written.
pub fn without_tracking(url: &str) -> Option<(String, Vec<String>)> {
    let mut u = Url::parse(url.trim()).ok()?;
    let removed = strip_tracking(&mut u);
    (!removed.is_empty()).then(|| (u.to_string(), removed))
}

/// Removes tracking pairs from `u`'s query; returns their names.
fn strip_tracking(u: &mut Url) -> Vec<String> {
    let Some(query) = u.query() else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    let mut removed = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let key = url::form_urlencoded::parse(pair.as_bytes())
            .next()
            .map(|(k, _)| k.into_owned())
            .unwrap_or_default();
        if is_tracking(&key) {
            removed.push(key);
        } else {
            kept.push(pair.to_string());
        }
    }
    if !removed.is_empty() {
        let kept = kept.join("&");
        u.set_query((!kept.is_empty()).then_some(kept.as_str()));
    }
    removed
}

fn is_tracking(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.starts_with("utm_") || TRACKING_PARAMETERS.contains(&key.as_str())
}

// ---------------------------------------------------------------------------
// 3. Internal links in Markdown.

/// One piece of rendered Markdown, the page it appears on and where it is written.
struct MarkdownPiece<'a> {
    path: &'a Path,
    /// The site path of the page it is published on, e.g. `issues/42/`.
    page: String,
    html: &'a str,
    /// The line of the item whose commentary it is; `None` for a body.
    line: Option<usize>,
}

impl MarkdownPiece<'_> {
    /// Where `text` (e.g. an href) is written in the source.
    fn spot(&self, text: &str) -> Spot {
        match self.line {
            Some(line) => Spot::Item {
                line,
                needle: Some(text.to_string()),
            },
            None => Spot::Body(text.to_string()),
        }
    }
}

/// Every piece of Markdown of the site: intros, sponsor blurbs, commentary, pages.
fn markdown_pieces<'a>(site: &'a Site) -> Vec<MarkdownPiece<'a>> {
    let mut pieces = Vec::new();
    for issue in &site.issues {
        let piece = |html: &'a str, line| MarkdownPiece {
            path: &issue.path,
            page: paths::issue(issue.number),
            html,
            line,
        };
        pieces.push(piece(&issue.intro_html, None));
        pieces.extend(issue.sponsors.iter().map(|s| piece(&s.html, Some(1))));
        pieces.extend(
            issue
                .links
                .iter()
                .map(|l| piece(&l.commentary.html, Some(l.line))),
        );
        pieces.extend(
            issue
                .outages
                .iter()
                .map(|o| piece(&o.commentary_html, Some(o.line))),
        );
    }
    pieces.extend(site.pages.iter().map(|p| MarkdownPiece {
        path: &p.path,
        page: paths::page(&p.slug),
        html: &p.html,
        line: None,
    }));
    pieces
}

fn internal_links<'a>(site: &'a Site, outputs: &'a [Output]) -> Vec<Finding<'a>> {
    let mut built = Built::new(site, outputs);
    let mut found = Vec::new();
    for piece in markdown_pieces(site) {
        for href in attribute_values(piece.html, "href") {
            let Some(target) = resolve(&site.config, &piece.page, &href) else {
                continue;
            };
            let problem = match target {
                Target::Outside(path) => Some(outside_base(&site.config, &href, &path)),
                Target::Page { file, fragment } => built.problem(&file, fragment.as_deref(), &href),
            };
            if let Some((kind, message, hint)) = problem {
                found.push(Finding::new(
                    kind,
                    piece.path,
                    piece.spot(&href),
                    message,
                    hint,
                ));
            }
        }
    }
    found
}

type Problem = (WarningKind, String, String);

fn outside_base(config: &Config, href: &str, path: &str) -> Problem {
    let inside = format!("{}{}", config.base_path, path.trim_start_matches('/'));
    (
        WarningKind::BrokenLink,
        format!(
            "the link `{href}` leads to {path}, outside the site (it lives under {})",
            config.base_path
        ),
        format!("internal links start with the base path: write `{inside}`, or a relative link"),
    )
}

/// Where an internal link leads.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file of the output (`issues/42/index.html`) and the anchor on it.
    Page {
        file: String,
        fragment: Option<String>,
    },
    /// A path on the host that is not under the site's base path.
    Outside(String),
}

/// Resolves `href`, found on the page at site path `page`; `None` for external links.
fn resolve(config: &Config, page: &str, href: &str) -> Option<Target> {
    if is_external(href) {
        return None;
    }
    let url = Url::parse(&config.base_url)
        .ok()?
        .join(page)
        .ok()?
        .join(href)
        .ok()?;
    let path = percent_decode(url.path());
    let fragment = url.fragment().filter(|f| !f.is_empty()).map(percent_decode);
    let rest = if format!("{path}/") == config.base_path {
        ""
    } else {
        match path.strip_prefix(&config.base_path) {
            Some(rest) => rest,
            None => return Some(Target::Outside(path)),
        }
    };
    let file = if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    };
    Some(Target::Page { file, fragment })
}

/// Links with a scheme (`https:`, `mailto:`) or a host (`//cdn…`), and empty ones.
fn is_external(href: &str) -> bool {
    if href.is_empty() || href.starts_with("//") {
        return true;
    }
    let scheme_end = href.find(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)));
    matches!(scheme_end, Some(i) if i > 0 && href[i..].starts_with(':')
        && href.starts_with(|c: char| c.is_ascii_alphabetic()))
}

/// Decodes `%XX` escapes (URL paths and fragments) into text.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(b) if bytes[i] == b'%' => {
                out.push(b);
                i += 3;
            }
            _ => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The rendered site, indexed for link checks; each page's ids are parsed once, when first needed.
struct Built<'a> {
    site: &'a Site,
    files: HashMap<&'a str, &'a Output>,
    ids: HashMap<&'a str, HashSet<String>>,
}

impl<'a> Built<'a> {
    fn new(site: &'a Site, outputs: &'a [Output]) -> Self {
        Built {
            site,
            files: outputs.iter().map(|o| (o.path.as_str(), o)).collect(),
            ids: HashMap::new(),
        }
    }

    /// What is wrong with a link (written `href`) to `file#fragment`, if anything.
    fn problem(&mut self, file: &str, fragment: Option<&str>, href: &str) -> Option<Problem> {
        let Some(output) = self.find(file) else {
            return Some(no_page(self.site, file, href));
        };
        let fragment = fragment?;
        if !output.path.ends_with(".html") {
            return None;
        }
        let ids = self.ids.entry(output.path.as_str()).or_insert_with(|| {
            let html = String::from_utf8_lossy(&output.bytes);
            attribute_values(&html, "id").collect()
        });
        (!ids.contains(fragment)).then(|| no_anchor(ids, &output.path, fragment, href))
    }

    /// The output at `file`, or at `file/index.html` for a link without its trailing slash.
    fn find(&self, file: &str) -> Option<&'a Output> {
        let folder = format!("{file}/index.html");
        self.files
            .get(file)
            .or_else(|| self.files.get(folder.as_str()))
            .copied()
    }
}

fn no_page(site: &Site, file: &str, href: &str) -> Problem {
    let issue = file
        .strip_prefix("issues/")
        .and_then(|f| f.strip_suffix("/index.html"))
        .and_then(|n| n.parse::<u32>().ok());
    let hint = match (issue, site.issues.last(), site.issues.first()) {
        (Some(n), Some(first), Some(last)) => format!(
            "there is no issue #{n}: this build has issues #{} to #{} (drafts only with --drafts)",
            first.number, last.number
        ),
        _ => "check the path: issues are at issues/<number>/, pages at <page file name>/, \
              and a relative link starts from the page's own folder"
            .into(),
    };
    (
        WarningKind::BrokenLink,
        format!("the link `{href}` points to no page of the site (nothing is built at {file})"),
        hint,
    )
}

fn no_anchor(ids: &HashSet<String>, page: &str, fragment: &str, href: &str) -> Problem {
    let known: Vec<&str> = ids.iter().map(String::as_str).collect();
    let hint = match crate::toml_diag::closest(fragment, &known) {
        Some(id) => format!("did you mean `#{id}`?"),
        None => {
            let mut anchors: Vec<&str> = known
                .into_iter()
                .filter(|id| id.starts_with("link-") || id.starts_with("outage-"))
                .collect();
            anchors.sort_unstable();
            anchors.truncate(5);
            if anchors.is_empty() {
                "link to the page without `#…`, or give the target an id".into()
            } else {
                format!("anchors on that page include #{}", anchors.join(", #"))
            }
        }
    };
    (
        WarningKind::BrokenAnchor,
        format!("the link `{href}` points to `#{fragment}`, which {page} does not have"),
        hint,
    )
}

/// The values of every `name="…"` (or `name='…'`) attribute in `html`, entities decoded.
fn attribute_values<'h>(html: &'h str, name: &'h str) -> impl Iterator<Item = String> + 'h {
    let pattern = format!("{name}=");
    let mut rest = html;
    std::iter::from_fn(move || {
        loop {
            let at = rest.find(&pattern)?;
            let before = rest[..at].chars().next_back();
            let after = &rest[at + pattern.len()..];
            rest = after;
            if !before.is_some_and(char::is_whitespace) {
                continue;
            }
            let quote = after.chars().next().filter(|&c| c == '"' || c == '\'')?;
            let end = after[1..].find(quote)?;
            rest = &after[1 + end..];
            return Some(decode_entities(&after[1..1 + end]));
        }
    })
}

/// Decodes the entities HTML escaping produces in attribute values.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

// ---------------------------------------------------------------------------
// 4. Numbers and dates.

fn number_date_order(site: &Site) -> Vec<Finding<'_>> {
    let issues: Vec<&Issue> = oldest_first(site).collect();
    issues
        .windows(2)
        .filter(|w| w[1].date < w[0].date)
        .map(|w| {
            let (lower, higher) = (w[0], w[1]);
            Finding::new(
                WarningKind::NumberDateOrder,
                &higher.path,
                Spot::Key("date"),
                format!(
                    "issue #{} is dated {}, before issue #{} of {} ({})",
                    higher.number,
                    higher.date,
                    lower.number,
                    lower.date,
                    short_path(&site.config, &lower.path)
                ),
                "issues are numbered in the order they go out: fix the date or the number of one of them".into(),
            )
        })
        .collect()
}

fn number_gaps(site: &Site) -> Vec<Finding<'_>> {
    let issues: Vec<&Issue> = oldest_first(site).collect();
    issues
        .windows(2)
        .filter(|w| w[1].number > w[0].number + 1)
        .map(|w| {
            let (from, to) = (w[0].number, w[1].number);
            let missing = if to - from == 2 {
                format!("issue #{} is missing", from + 1)
            } else {
                format!("issues #{} to #{} are missing", from + 1, to - 1)
            };
            Finding::new(
                WarningKind::NumberGap,
                &w[1].path,
                Spot::Key("number"),
                format!("{missing}: the numbers jump from #{from} to #{to}"),
                "renumber the issues, or add the missing one (drafts count only with --drafts)"
                    .into(),
            )
        })
        .collect()
}

fn future_dates(site: &Site, today: Date) -> Vec<Finding<'_>> {
    site.issues
        .iter()
        .filter(|i| !i.draft && i.date > today)
        .map(|i| {
            Finding::new(
                WarningKind::FutureDate,
                &i.path,
                Spot::Key("date"),
                format!(
                    "issue #{} is dated {}, in the future, but is not a draft",
                    i.number, i.date
                ),
                "fix the date, or add `draft = true` until the issue goes out".into(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------
// 5. Tags used once.

fn single_use_tags(site: &Site) -> Vec<Finding<'_>> {
    if site.config.tags.is_some() {
        return Vec::new();
    }
    let uses = tag_uses(site);
    let counts: BTreeMap<&str, usize> = uses.iter().map(|(s, v)| (*s, v.len())).collect();
    uses.iter()
        .filter(|(_, items)| items.len() == 1)
        .map(|(slug, items)| {
            let (issue, line, tag) = items[0];
            Finding::new(
                WarningKind::SingleUseTag,
                &issue.path,
                Spot::Item {
                    line,
                    needle: Some(format!("\"{}\"", tag.name)),
                },
                format!("tag `{}` is used only once in the whole archive", tag.name),
                single_use_hint(slug, &counts),
            )
        })
        .collect()
}

/// Every tag slug with where it is used: (issue, line of the item, the tag).
fn tag_uses(site: &Site) -> BTreeMap<&str, Vec<(&Issue, usize, &Tag)>> {
    let mut uses: BTreeMap<&str, Vec<(&Issue, usize, &Tag)>> = BTreeMap::new();
    for index in &site.link_tags {
        for &r in &index.items {
            let (issue, link) = site.link(r);
            let entry = uses.entry(index.tag.slug.as_str()).or_default();
            entry.push((issue, link.line, &index.tag));
        }
    }
    for index in &site.outage_tags {
        for &r in &index.items {
            let (issue, outage) = site.outage(r);
            let entry = uses.entry(index.tag.slug.as_str()).or_default();
            entry.push((issue, outage.line, &index.tag));
        }
    }
    uses
}

fn single_use_hint(slug: &str, counts: &BTreeMap<&str, usize>) -> String {
    let others: Vec<&str> = counts.keys().copied().filter(|t| *t != slug).collect();
    match close_tag(slug, &others) {
        Some(t) => format!(
            "did you mean `{t}` (used {} time{})?",
            counts[t],
            if counts[t] == 1 { "" } else { "s" }
        ),
        None => {
            "reuse an existing tag if one fits; a [tags] vocabulary in config.toml catches typos"
                .into()
        }
    }
}

/// The tag nearest `slug` by edit distance, if close enough to be a typo (1 edit, 2 for long tags).
fn close_tag<'t>(slug: &str, tags: &[&'t str]) -> Option<&'t str> {
    let limit = if slug.chars().count() > 6 { 2 } else { 1 };
    tags.iter()
        .map(|t| (strsim::damerau_levenshtein(slug, t), *t))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, t)| t)
}

// ---------------------------------------------------------------------------
// 6. Style: commentary and outage tags.

fn links_without_commentary(site: &Site) -> Vec<Finding<'_>> {
    if !site.config.check.link_commentary {
        return Vec::new();
    }
    let mut found = Vec::new();
    for issue in &site.issues {
        for link in issue
            .links
            .iter()
            .filter(|l| l.commentary.html.trim().is_empty())
        {
            found.push(Finding::new(
                WarningKind::NoCommentary,
                &issue.path,
                Spot::Item {
                    line: link.line,
                    needle: None,
                },
                format!("the link \"{}\" has no commentary", link.title),
                "add `commentary = \"…\"` saying why it is worth reading, or set `link_commentary = false` under [check] in config.toml".into(),
            ));
        }
    }
    found
}

fn outages_without_tags(site: &Site) -> Vec<Finding<'_>> {
    if !site.config.check.outage_tags {
        return Vec::new();
    }
    let mut found = Vec::new();
    for issue in &site.issues {
        for outage in issue.outages.iter().filter(|o| o.tags.is_empty()) {
            found.push(Finding::new(
                WarningKind::UntaggedOutage,
                &issue.path,
                Spot::Item {
                    line: outage.line,
                    needle: None,
                },
                format!("the outage of `{}` has no tags", outage.service),
                outage_tags_hint(site, &outage.service_slug),
            ));
        }
    }
    found
}

/// Suggests the tags earlier outages of the same service carry.
fn outage_tags_hint(site: &Site, service: &str) -> String {
    let mut tags: Vec<&str> = site
        .services
        .iter()
        .filter(|s| s.slug == service)
        .flat_map(|s| &s.outages)
        .flat_map(|&r| &site.outage(r).1.tags)
        .map(|t| t.slug.as_str())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    let off = "or set `outage_tags = false` under [check] in config.toml";
    if tags.is_empty() {
        format!("add tags such as `tags = [\"dns\"]` so it is listed by cause, {off}")
    } else {
        format!(
            "other outages of this service are tagged {}: add `tags = [\"{}\"]`, {off}",
            tags.join(", "),
            tags.join("\", \"")
        )
    }
}

// ---------------------------------------------------------------------------
// Locating findings in their files.

/// Turns findings into warnings located in their files (each file read once), sorted.
fn locate(findings: Vec<Finding<'_>>) -> Vec<Warning> {
    let mut texts: HashMap<&Path, Option<String>> = HashMap::new();
    let mut warnings: Vec<Warning> = findings
        .into_iter()
        .map(|f| {
            let text = texts
                .entry(f.path)
                .or_insert_with(|| std::fs::read_to_string(f.path).ok());
            let diagnostic = match text {
                Some(text) => Diagnostic::at(f.path, text, offset(text, &f.spot), f.message),
                None => Diagnostic::file(f.path, f.message),
            };
            Warning {
                kind: f.kind,
                diagnostic: diagnostic.with_hint(f.hint),
            }
        })
        .collect();
    warnings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    warnings
}

fn sort_key(w: &Warning) -> (&PathBuf, usize, usize, WarningKind) {
    let d = &w.diagnostic;
    (&d.path, d.line, d.column, w.kind)
}

/// The byte offset in `text` a spot points at.
fn offset(text: &str, spot: &Spot) -> usize {
    match spot {
        Spot::Item { line, needle } => {
            let at = line_start(text, *line);
            let table = table_start(text, at);
            needle
                .as_deref()
                .and_then(|n| find_from(text, table, n))
                .unwrap_or_else(|| skip_indent(text, at))
        }
        Spot::Key(key) => key_line(text, key).unwrap_or(0),
        Spot::Body(needle) => {
            let body = body_start(text);
            find_from(text, body, needle)
                .or_else(|| text.find(needle.as_str()))
                .unwrap_or(body)
        }
    }
}

fn find_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.get(from..)?.find(needle).map(|i| from + i)
}

/// Byte offset of the start of 1-based `line` (the end of the text if it has fewer lines).
fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

fn skip_indent(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    at + (rest.len() - rest.trim_start_matches([' ', '\t']).len())
}

/// Start of the TOML table (`[[links]]` line) holding the line that starts at `at`.
fn table_start(text: &str, at: usize) -> usize {
    let mut start = at;
    loop {
        if text[start..].trim_start().starts_with('[') || start == 0 {
            return start;
        }
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
}

/// Offset of the first front matter line `key = …` (top-level keys come before any table).
fn key_line(text: &str, key: &str) -> Option<usize> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let after = trimmed.strip_prefix(key).unwrap_or("-");
        if after.trim_start().starts_with('=') {
            return Some(at + line.len() - trimmed.len());
        }
        at += line.len();
    }
    None
}

/// Offset just after the closing `+++` line of the front matter (0 if there is none).
fn body_start(text: &str) -> usize {
    let mut at = 0;
    let mut fences = 0;
    for line in text.split_inclusive('\n') {
        at += line.len();
        if line.trim_end() == "+++" {
            fences += 1;
            if fences == 2 {
                return at;
            }
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_ignores_case_slash_fragment_and_tracking() {
        let same = [
            "https://example.com/a",
            "HTTPS://Example.COM/a/",
            "https://example.com/a#section",
            "https://example.com/a/?utm_source=x&utm_medium=email",
            "https://example.com:443/a",
        ];
        for url in same {
            assert_eq!(normalise_url(url), "https://example.com/a", "{url}");
        }
        assert_eq!(normalise_url("https://example.com/"), "https://example.com");
        assert_eq!(normalise_url("https://example.com"), "https://example.com");
    }

    #[test]
    fn normalise_keeps_what_changes_the_page() {
        assert_ne!(
            normalise_url("https://example.com/a?page=2"),
            normalise_url("https://example.com/a?page=3")
        );
        assert_ne!(
            normalise_url("https://example.com/A"),
            normalise_url("https://example.com/a")
        );
        assert_ne!(
            normalise_url("http://example.com/a"),
            normalise_url("https://example.com/a")
        );
        assert_eq!(
            normalise_url("https://example.com/a/?page=2#x"),
            "https://example.com/a?page=2"
        );
    }

    #[test]
    fn tracking_parameters_are_removed_and_the_rest_kept_as_written() {
        let (clean, removed) = without_tracking(
            "https://example.com/post?id=7&utm_source=news&q=a+b%20c&fbclid=XYZ#top",
        )
        .unwrap();
        assert_eq!(clean, "https://example.com/post?id=7&q=a+b%20c#top");
        assert_eq!(removed, ["utm_source", "fbclid"]);

        let (clean, removed) =
            without_tracking("https://example.com/?UTM_Campaign=x&gclid=1&mc_cid=2&mc_eid=3")
                .unwrap();
        assert_eq!(clean, "https://example.com/");
        assert_eq!(removed.len(), 4);

        let (clean, _) =
            without_tracking("https://t.co/x?ref_src=twsrc&_hsenc=a&_hsmi=b&igshid=c&msclkid=d")
                .unwrap();
        assert_eq!(clean, "https://t.co/x");
    }

    #[test]
    fn urls_without_tracking_are_left_alone() {
        assert_eq!(
            without_tracking("https://example.com/?id=1&utm=2&source=3"),
            None
        );
        assert_eq!(without_tracking("https://example.com/utm_source/"), None);
        assert_eq!(without_tracking("not a url?utm_source=x"), None);
    }

    #[test]
    fn attribute_values_finds_quoted_values_and_decodes_entities() {
        let html = r#"<a href="/a/?x=1&amp;y=2">a</a> <a data-href="/no/"> <a class=x href='../b/'>b</a><h2 id="sec">"#;
        let hrefs: Vec<String> = attribute_values(html, "href").collect();
        assert_eq!(hrefs, ["/a/?x=1&y=2", "../b/"]);
        let ids: Vec<String> = attribute_values(html, "id").collect();
        assert_eq!(ids, ["sec"]);
    }

    fn config(base: &str) -> Config {
        let url = Url::parse(base).unwrap();
        Config {
            base_url: base.into(),
            base_path: url.path().into(),
            ..Config::default()
        }
    }

    fn page(file: &str, fragment: Option<&str>) -> Option<Target> {
        Some(Target::Page {
            file: file.into(),
            fragment: fragment.map(String::from),
        })
    }

    #[test]
    fn links_resolve_against_the_page_and_base_path() {
        let c = config("https://example.org/news/");
        assert_eq!(
            resolve(&c, "issues/42/", "../43/"),
            page("issues/43/index.html", None)
        );
        assert_eq!(
            resolve(&c, "issues/42/", "/news/issues/1/#link-a"),
            page("issues/1/index.html", Some("link-a"))
        );
        assert_eq!(
            resolve(&c, "about/", "#team"),
            page("about/index.html", Some("team"))
        );
        assert_eq!(resolve(&c, "about/", "/news"), page("index.html", None));
        assert_eq!(
            resolve(&c, "about/", "/news/style.css"),
            page("style.css", None)
        );
        assert_eq!(
            resolve(&c, "about/", "/issues/1/"),
            Some(Target::Outside("/issues/1/".into()))
        );
        for external in ["https://x.org/", "mailto:a@b.c", "//cdn.example/x", ""] {
            assert_eq!(resolve(&c, "about/", external), None, "{external}");
        }
    }

    #[test]
    fn spots_find_keys_tables_and_bodies() {
        let text = "+++\nnumber = 3\ndate = 2025-01-01\n\n[[links]]\ntags = [\"x\"]\nurl = \"https://a/\"\n[[outages]]\nservice = \"S\"\ndate = 2024-01-01\n+++\nBody [l](/x/)\n";
        let line_of = |spot: Spot| text[..offset(text, &spot)].matches('\n').count() + 1;
        assert_eq!(line_of(Spot::Key("number")), 2);
        assert_eq!(line_of(Spot::Key("date")), 3);
        let tag = Spot::Item {
            line: 7,
            needle: Some("\"x\"".into()),
        };
        assert_eq!(line_of(tag), 6);
        let missing = Spot::Item {
            line: 9,
            needle: Some("nowhere".into()),
        };
        assert_eq!(line_of(missing), 9);
        assert_eq!(line_of(Spot::Body("/x/".into())), 12);
    }

    #[test]
    fn close_tags_are_typos_only() {
        let tags = ["dns", "kubernetes", "tls"];
        assert_eq!(close_tag("dsn", &tags), Some("dns"));
        assert_eq!(close_tag("kubernets", &tags), Some("kubernetes"));
        assert_eq!(close_tag("ssl", &tags), None);
    }

    #[test]
    fn warnings_display_as_warnings() {
        let text = "a\nbad line\n";
        let w = Warning {
            kind: WarningKind::NoCommentary,
            diagnostic: Diagnostic::at(Path::new("f.md"), text, 2, "oops").with_hint("fix"),
        };
        let shown = w.to_string();
        assert!(
            shown.starts_with("warning: oops\n  --> f.md:2:1\n"),
            "{shown}"
        );
        assert!(!shown.contains("error"), "{shown}");
    }
}
