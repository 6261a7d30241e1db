//! `config.toml`: the site's settings, read once and validated.
//!
//! Two stages, as in ripgrep: [`RawConfig`] mirrors the file exactly (unknown
//! keys are errors), then [`Config::from_raw`] destructures every field into
//! the validated [`Config`] the rest of the pipeline uses.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Diagnostic, Error, Result, read_text};
use crate::slugs;

/// What the command line can change about a build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder (holds `config.toml`).
    pub root: PathBuf,
    /// Overrides `base_url` (used by `serve`, and for previews).
    pub base_url: Option<String>,
    /// Include issues marked `draft = true`.
    pub drafts: bool,
    /// Include issues dated in the future (`--future`; `serve` always does).
    pub future: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: toml::Spanned<String>,
    description: Option<String>,
    author: Option<String>,
    language: Option<String>,
    theme: Option<String>,
    issue_title: Option<String>,
    feed_limit: Option<toml::Spanned<i64>>,
    tags: Option<BTreeMap<String, String>>,
    check: Option<CheckConfig>,
    publish_day: Option<toml::Spanned<String>>,
    issue_path: Option<toml::Spanned<String>>,
    safe_html: Option<bool>,
    highlight: Option<bool>,
    minify: Option<bool>,
    search: Option<bool>,
    paginate: Option<usize>,
    timezone: Option<toml::Spanned<String>>,
    publish_future: Option<bool>,
    email: Option<EmailConfig>,
}

/// `[check]`: which of `sitrep check`'s style warnings a site wants.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Warn about links without commentary.
    pub link_commentary: bool,
    /// Warn about outages without tags.
    pub outage_tags: bool,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            link_commentary: true,
            outage_tags: true,
        }
    }
}

/// `[email]`: the email edition (`sitrep email`) and its test send.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EmailConfig {
    /// `From:`, e.g. `SRE Weekly <editor@example.org>`: needed for the `.eml` and sending.
    pub from: Option<String>,
    pub reply_to: Option<String>,
    /// Markdown shown last in the email.
    pub footer: Option<String>,
    /// A URL or an email service's merge tag (`*|UNSUB|*`), passed through verbatim.
    pub unsubscribe: Option<String>,
    /// `host:port` of the SMTP server for `--send-test`.
    pub smtp: Option<String>,
    /// The SMTP login; the password comes only from `SITREP_SMTP_PASSWORD`.
    pub smtp_user: Option<String>,
}

/// Validated site settings.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The site folder.
    pub root: PathBuf,
    /// Newsletter name.
    pub title: String,
    /// Absolute base URL, always ending in `/`.
    pub base_url: String,
    /// The path part of `base_url` (`/` or `/newsletter/`), the prefix of every internal link.
    pub base_path: String,
    /// One-line description for feeds and meta tags.
    pub description: String,
    /// Author or editor, for feeds.
    pub author: Option<String>,
    /// Language code for `<html lang>` and feeds.
    pub language: String,
    /// Theme name; `default` is built in.
    pub theme: String,
    /// Title pattern for issues without one; `{number}` is replaced.
    pub issue_title: String,
    /// Items per feed.
    pub feed_limit: usize,
    /// The tag vocabulary (slug → display name), if the site has one.
    pub tags: Option<BTreeMap<String, String>>,
    /// Whether drafts are part of this build.
    pub drafts: bool,
    /// Settings of `sitrep check`.
    pub check: CheckConfig,
    /// Settings of `sitrep email` (all optional).
    pub email: EmailConfig,
    /// The weekday issues come out on; `sitrep new` dates the next issue to it.
    pub publish_day: Option<jiff::civil::Weekday>,
    /// Where `sitrep new` puts an issue, relative to the root; `{number}` is replaced.
    pub issue_path: String,
    /// Strip raw HTML from Markdown with a sanitizer (default: authors are trusted).
    pub safe_html: bool,
    /// Colour fenced code with syntect's classes (default); off, code is escaped text in
    /// `<code class="language-…">`, for a client-side highlighter or none.
    pub highlight: bool,
    /// Minify the theme's and the site's CSS files on output (default): comments and
    /// spaces go, rules stay as written.
    pub minify: bool,
    /// Build the search index (`/pagefind/`), the `/search/` page and every page's
    /// search form (default). `false` skips all three.
    pub search: bool,
    /// Entries per page of long index pages (tags, services, outages); 0 means one page.
    pub paginate: usize,
    /// Where a bare issue date starts: an issue dated `2026-12-13` is published from
    /// midnight of that day here (IANA name; `None`: UTC).
    pub timezone: Option<jiff::tz::TimeZone>,
    /// Publish issues dated in the future (`publish_future = true`) or not, as drafts.
    pub publish_future: bool,
    /// Whether issues dated in the future are part of this build (`publish_future` or `--future`).
    pub future: bool,
}

impl Config {
    /// Reads and validates `<root>/config.toml`, applying command-line overrides.
    pub fn load(opts: &BuildOptions) -> Result<Config> {
        let path = opts.root.join("config.toml");
        if !path.is_file() {
            let d = Diagnostic::file(&path, "no config.toml in the site folder").with_hint(
                "run sitrep in a site folder, pass --root DIR, or create one with `sitrep init`",
            );
            return Err(Error::Content(vec![d]));
        }
        let text = read_text(&path).map_err(|d| Error::Content(vec![d]))?;
        let typed = crate::content::chars::in_file(&path, &text);
        if !typed.is_empty() {
            return Err(Error::Content(typed));
        }
        if let Ok(table) = toml::de::DeTable::parse(&text) {
            let escaped = crate::content::chars::in_values(&path, &text, 0, table.get_ref());
            if !escaped.is_empty() {
                return Err(Error::Content(escaped));
            }
        }
        let raw: RawConfig = toml::from_str(&text)
            .map_err(|e| Error::Content(vec![crate::toml_diag::diagnostic(&path, &text, 0, &e)]))?;
        Config::from_raw(raw, opts, &path, &text).map_err(Error::Content)
    }

    /// Settings to keep checking content with when `config.toml` itself has problems,
    /// so one run reports those and the content's together.
    pub fn fallback(opts: &BuildOptions) -> Config {
        let raw = RawConfig {
            title: String::new(),
            base_url: toml::Spanned::new(0..0, "https://example.org/".into()),
            description: None,
            author: None,
            language: None,
            theme: None,
            issue_title: None,
            feed_limit: None,
            tags: None,
            check: None,
            email: None,
            publish_day: None,
            issue_path: None,
            safe_html: None,
            highlight: None,
            minify: None,
            search: None,
            paginate: None,
            timezone: None,
            publish_future: None,
        };
        let opts = BuildOptions {
            base_url: None,
            ..opts.clone()
        };
        Config::from_raw(raw, &opts, Path::new("config.toml"), "").unwrap_or_default()
    }

    fn from_raw(
        raw: RawConfig,
        opts: &BuildOptions,
        path: &Path,
        text: &str,
    ) -> Result<Config, Vec<Diagnostic>> {
        let RawConfig {
            title,
            base_url,
            description,
            author,
            language,
            theme,
            issue_title,
            feed_limit,
            tags,
            check,
            email,
            publish_day,
            issue_path,
            safe_html,
            highlight,
            minify,
            search,
            paginate,
            timezone,
            publish_future,
        } = raw;
        let mut problems = Vec::new();
        let at =
            |span: std::ops::Range<usize>, msg: &str| Diagnostic::at(path, text, span.start, msg);

        let base = match &opts.base_url {
            Some(url) => {
                parse_base_url(url).map_err(|m| Diagnostic::file(path, format!("--base-url: {m}")))
            }
            None => parse_base_url(base_url.get_ref()).map_err(|m| at(base_url.span(), &m)),
        };
        let (base_url, base_path) = base.unwrap_or_else(|d| {
            problems.push(d.with_hint("use an absolute URL such as \"https://example.org/\""));
            ("https://example.org/".into(), "/".into())
        });

        let feed_limit = match feed_limit {
            None => 20,
            Some(n) if *n.get_ref() > 0 => *n.get_ref() as usize,
            Some(n) => {
                problems.push(
                    at(n.span(), "feed_limit must be a positive number")
                        .with_hint("for example `feed_limit = 20`"),
                );
                20
            }
        };

        let tags = tags.map(|t| vocabulary(t, path, text, &mut problems));
        let publish_day = publish_day.and_then(|d| match weekday(d.get_ref()) {
            Some(w) => Some(w),
            None => {
                problems.push(
                    at(
                        d.span(),
                        &format!("publish_day `{}` is not a day of the week", d.get_ref()),
                    )
                    .with_hint("write a day such as \"sunday\""),
                );
                None
            }
        });
        let issue_path = match issue_path {
            None => "content/issues/{number}.md".to_string(),
            Some(p)
                if p.get_ref().contains("{number}")
                    && p.get_ref().starts_with("content/issues/")
                    && !p.get_ref().contains("..") =>
            {
                p.into_inner()
            }
            Some(p) => {
                problems.push(
                    at(
                        p.span(),
                        "issue_path must start with content/issues/, contain {number} and no `..`",
                    )
                    .with_hint("for example \"content/issues/{number}.md\""),
                );
                String::new()
            }
        };
        let timezone = timezone.and_then(|tz| {
            jiff::tz::TimeZone::get(tz.get_ref())
                .map_err(|e| {
                    let message =
                        format!("timezone `{}` is not a known time zone: {e}", tz.get_ref());
                    problems.push(
                        at(tz.span(), &message)
                            .with_hint("use an IANA name such as \"Europe/Berlin\" or \"UTC\""),
                    );
                })
                .ok()
        });
        if !problems.is_empty() {
            return Err(problems);
        }
        let publish_future = publish_future.unwrap_or(false);
        Ok(Config {
            timezone,
            publish_future,
            future: publish_future || opts.future,
            root: opts.root.clone(),
            title,
            base_url,
            base_path,
            description: description.unwrap_or_default(),
            author,
            language: language.unwrap_or_else(|| "en".into()),
            theme: theme.unwrap_or_else(|| "default".into()),
            issue_title: issue_title.unwrap_or_else(|| "Issue #{number}".into()),
            feed_limit,
            tags,
            drafts: opts.drafts,
            check: check.unwrap_or_default(),
            email: email.unwrap_or_default(),
            publish_day,
            issue_path,
            safe_html: safe_html.unwrap_or(false),
            highlight: highlight.unwrap_or(true),
            minify: minify.unwrap_or(true),
            search: search.unwrap_or(true),
            paginate: paginate.unwrap_or(50),
        })
    }

    /// The site's time zone (`timezone`, default UTC).
    pub fn time_zone(&self) -> jiff::tz::TimeZone {
        self.timezone.clone().unwrap_or(jiff::tz::TimeZone::UTC)
    }

    /// How this site's Markdown is rendered.
    pub fn markdown(&self) -> crate::markdown::Settings {
        crate::markdown::Settings {
            safe_html: self.safe_html,
            highlight: self.highlight,
        }
    }

    /// The absolute URL of a site path such as `issues/45/`.
    pub fn permalink(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// The link (root-relative, under `base_path`) of a site path such as `issues/45/`.
    pub fn href(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }
}

/// The time a build runs at: now, or for tests the RFC 3339 instant in `SITREP_NOW`.
pub fn now() -> Result<jiff::Timestamp> {
    let Some(value) = std::env::var_os("SITREP_NOW") else {
        return Ok(jiff::Timestamp::now());
    };
    let text = value.to_string_lossy();
    text.parse().map_err(|e| {
        let d = Diagnostic::file(
            Path::new("SITREP_NOW"),
            format!("the environment variable SITREP_NOW is `{text}`, not a time: {e}"),
        )
        .with_hint("for testing only: an RFC 3339 instant such as 2026-12-13T09:00:00Z; unset it otherwise");
        Error::Content(vec![d])
    })
}

/// Normalises the vocabulary's keys to slugs so `DNS = "DNS"` and `dns = "DNS"` mean the same.
fn vocabulary(
    raw: BTreeMap<String, String>,
    path: &Path,
    text: &str,
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut keys: BTreeMap<String, String> = BTreeMap::new();
    for (key, name) in raw {
        match slugs::slugify(&key) {
            Some(slug) => {
                if let Some(first) = keys.get(&slug) {
                    let offset = text.find(&format!("\"{key}\"")).or_else(|| text.find(&key));
                    problems.push(
                        Diagnostic::at(
                            path,
                            text,
                            offset.unwrap_or(0),
                            format!(
                                "tags `{first}` and `{key}` are one tag: both make the URL /tags/{slug}/"
                            ),
                        )
                        .with_hint("keep one of the two keys in [tags]"),
                    );
                    continue;
                }
                keys.insert(slug.clone(), key);
                out.insert(slug, name);
            }
            None => {
                let offset = text.find(&key).unwrap_or(0);
                problems.push(
                    Diagnostic::at(
                        path,
                        text,
                        offset,
                        format!("tag `{key}` has no letters or digits to make a URL from"),
                    )
                    .with_hint("use a tag name with at least one letter or digit"),
                );
            }
        }
    }
    out
}

fn weekday(name: &str) -> Option<jiff::civil::Weekday> {
    use jiff::civil::Weekday::*;
    let days = [
        Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
    ];
    let names = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let name = name.trim().to_lowercase();
    names
        .iter()
        .position(|n| *n == name || (name.len() >= 3 && n.starts_with(&name)))
        .map(|i| days[i])
}

/// Checks `url` is absolute http(s) and splits off its path.
fn parse_base_url(url: &str) -> Result<(String, String), String> {
    let parsed = crate::content::weburl::parse(url)
        .map_err(|(message, hint)| format!("base_url: {message}; {hint}"))?;
    let mut base = parsed.as_str().to_string();
    if !base.ends_with('/') {
        base.push('/');
    }
    let mut path = parsed.path().to_string();
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((base, path))
}
