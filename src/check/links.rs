//! Internal links and anchors: a link in Markdown to a page of the site that is not
//! built, to an anchor its page does not have, or outside the site's base path.
//!
//! Links are read from the rendered Markdown, and anchors from the built pages, with
//! a real HTML tokenizer; each page's ids are read once, when first needed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use url::Url;

use super::{Finding, Spot, WarningKind};
use crate::config::Config;
use crate::html::attribute_values;
use crate::output::Output;
use crate::site::Site;
use crate::urls;

/// One piece of rendered Markdown, the page it appears on and where it is written.
pub(crate) struct MarkdownPiece<'a> {
    pub(super) path: &'a Path,
    /// The site path of the page it is published on, e.g. `issues/42/`.
    page: String,
    pub(super) html: &'a str,
    /// Its links' `href`s, read once for every rule that needs them.
    pub(super) hrefs: Vec<String>,
    /// The line of the item whose commentary it is; `None` for a body.
    line: Option<usize>,
    /// Byte offset of the file's Markdown body.
    body: usize,
}

impl MarkdownPiece<'_> {
    /// Where `text` (e.g. an href) is written in the source.
    pub(super) fn spot(&self, text: &str) -> Spot {
        match self.line {
            Some(line) => Spot::Item {
                line,
                needle: Some(text.to_string()),
            },
            None => Spot::Body {
                body: self.body,
                needle: text.to_string(),
            },
        }
    }
}

/// Every piece of Markdown of the site (intros, sponsor blurbs, commentary, pages),
/// with its links read, in parallel: tokenizing ~100,000 pieces at 5,000 issues is
/// most of what the link rules cost.
pub(crate) fn markdown_pieces<'a>(site: &'a Site) -> Vec<MarkdownPiece<'a>> {
    let mut pieces = unread_pieces(site);
    pieces
        .par_iter_mut()
        .for_each(|p| p.hrefs = attribute_values(p.html, "href"));
    pieces
}

fn unread_pieces<'a>(site: &'a Site) -> Vec<MarkdownPiece<'a>> {
    let mut pieces = Vec::new();
    for issue in &site.issues {
        let piece = |html: &'a str, line| MarkdownPiece {
            path: &issue.path,
            page: urls::issue(issue.number),
            html,
            hrefs: Vec::new(),
            line,
            body: issue.at.body,
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
        page: urls::page(&p.slug),
        html: &p.html,
        hrefs: Vec::new(),
        line: None,
        body: p.body_offset,
    }));
    pieces
}

pub(super) fn internal_links<'a>(
    site: &'a Site,
    pieces: &[MarkdownPiece<'a>],
    outputs: &'a [Output],
) -> Vec<Finding<'a>> {
    let mut built = Built::new(site, outputs);
    let mut found = Vec::new();
    for piece in pieces {
        for href in &piece.hrefs {
            let Some(target) = resolve(&site.config, &piece.page, href) else {
                continue;
            };
            let problem = match target {
                Target::Outside(path) => Some(outside_base(&site.config, href, &path)),
                Target::Page { file, fragment } => built.problem(&file, fragment.as_deref(), href),
            };
            if let Some((kind, message, hint)) = problem {
                found.push(Finding::new(
                    kind,
                    piece.path,
                    piece.spot(href),
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
    let path = decoded(url.path());
    let fragment = url.fragment().filter(|f| !f.is_empty()).map(decoded);
    let rest = if format!("{path}/") == config.base_path {
        ""
    } else {
        match path.strip_prefix(&config.base_path) {
            Some(rest) => rest,
            None => return Some(Target::Outside(path)),
        }
    };
    let file = urls::file_of(rest);
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
fn decoded(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
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
            attribute_values(&html, "id").into_iter().collect()
        });
        (!ids.contains(fragment)).then(|| no_anchor(ids, &output.path, fragment, href))
    }

    /// The output at `file`, or at `file/index.html` for a link without its trailing slash.
    fn find(&self, file: &str) -> Option<&'a Output> {
        let folder = urls::folder_file(file);
        self.files
            .get(file)
            .or_else(|| self.files.get(folder.as_str()))
            .copied()
    }
}

fn no_page(site: &Site, file: &str, href: &str) -> Problem {
    let issue = urls::issue_of_file(file);
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
    let hint = match crate::error::closest(fragment, &known) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
