//! One issue file: its raw TOML shape and its validation into an [`Issue`]
//! (the validated types are in [`super::model`]).

use std::collections::BTreeMap;
use std::path::Path;

use jiff::{Timestamp, civil};
use serde::Deserialize;
use toml::Spanned;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::{markdown, slugs, toml_diag};

use super::model::{Issue, Link, Outage, Positions, Sponsor, Tag};
use super::{chars, frontmatter, keys, weburl};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIssue {
    number: Spanned<i64>,
    date: Spanned<toml::value::Datetime>,
    title: Option<String>,
    summary: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    sponsors: Vec<RawSponsor>,
    #[serde(default)]
    links: Vec<RawLink>,
    #[serde(default)]
    outages: Vec<RawOutage>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSponsor {
    name: Option<String>,
    url: Option<Spanned<String>>,
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    title: String,
    url: Spanned<String>,
    source: Option<String>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    commentary: Option<String>,
    via: Option<String>,
    disclosure: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutage {
    service: Spanned<String>,
    url: Option<Spanned<String>>,
    title: Option<String>,
    date: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    commentary: Option<String>,
}

/// The keys an issue's tables accept: the Raw structs' fields.
fn issue_keys() -> keys::IssueKeys {
    keys::IssueKeys {
        issue: keys::fields_of::<RawIssue>(),
        sponsor: keys::fields_of::<RawSponsor>(),
        link: keys::fields_of::<RawLink>(),
        outage: keys::fields_of::<RawOutage>(),
    }
}

/// Collects problems while validating one file, all located in that file.
struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    base: usize,
    config: &'a Config,
    number: u32,
    /// Whether any of its Markdown came out with highlighted code.
    has_code: bool,
    /// Byte offsets of the file's newlines, to turn offsets into lines quickly.
    newlines: Vec<usize>,
    problems: Vec<Diagnostic>,
}

/// Parses and validates the issue file `path` whose contents are `text`.
pub fn parse(path: &Path, text: &str, config: &Config) -> Result<Issue, Vec<Diagnostic>> {
    let typed = chars::in_file(path, text);
    if !typed.is_empty() {
        return Err(typed);
    }
    let split = frontmatter::split(path, text).map_err(|d| vec![d])?;
    let at_toml_error =
        |e: toml::de::Error| toml_diag::diagnostic(path, text, split.front_offset, &e);
    let mut table = toml::de::DeTable::parse(split.front).map_err(|e| vec![at_toml_error(e)])?;
    // Every unknown key is reported, then the rest is still deserialized and checked.
    let mut problems = chars::in_values(path, text, split.front_offset, table.get_ref());
    problems.extend(
        keys::strip_issue(table.get_mut(), issue_keys())
            .into_iter()
            .map(|u| {
                toml_diag::unknown_key(path, text, split.front_offset + u.offset, &u.key, u.known)
            }),
    );
    let raw = match RawIssue::deserialize(toml::de::Deserializer::from(table)) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(at_toml_error(e));
            return Err(problems);
        }
    };
    let mut check = Checker {
        path,
        text,
        base: split.front_offset,
        config,
        number: 0,
        has_code: false,
        newlines: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
        problems,
    };
    let issue = check.issue(raw, split.body, split.body_offset);
    if check.problems.is_empty() {
        Ok(issue)
    } else {
        Err(check.problems)
    }
}

impl Checker<'_> {
    fn issue(&mut self, raw: RawIssue, body: &str, body_offset: usize) -> Issue {
        let RawIssue {
            number,
            date,
            title,
            summary,
            draft,
            sponsors,
            links,
            outages,
        } = raw;
        let number_value = match u32::try_from(*number.get_ref()) {
            Ok(n) if n > 0 => n,
            Err(_) if *number.get_ref() > 0 => {
                self.problem(
                    number.span(),
                    format!(
                        "issue number {} is too large: the largest sitrep accepts is {}",
                        number.get_ref(),
                        u32::MAX
                    ),
                    "number issues 1, 2, 3, …",
                );
                0
            }
            _ => {
                self.problem(
                    number.span(),
                    format!(
                        "issue number {} is not a positive integer",
                        number.get_ref()
                    ),
                    "number issues 1, 2, 3, …",
                );
                0
            }
        };
        self.number = number_value;
        let (date_value, published) = self.datetime(&date).unwrap_or_default();
        let publish_at = self.publish_at(date.get_ref(), published);
        let title = title.unwrap_or_else(|| {
            self.config
                .issue_title
                .replace("{number}", &number_value.to_string())
        });
        let summary = summary.unwrap_or_else(|| markdown::first_paragraph_text(body));
        let sponsors = sponsors
            .into_iter()
            .enumerate()
            .map(|(i, s)| self.sponsor(s, i + 1))
            .collect();
        let mut ids = Anchors::default();
        let links = links.into_iter().map(|l| self.link(l, &mut ids)).collect();
        let outages = outages
            .into_iter()
            .map(|o| self.outage(o, &mut ids))
            .collect();
        let intro_html = self.markdown(body, "intro").html;
        let at = Positions {
            number: self.key_at(number.span().start),
            date: self.key_at(date.span().start),
            body: body_offset,
        };
        Issue {
            at,
            path: self.path.to_path_buf(),
            source_hash: crate::content::hash_text(self.text),
            number: number_value,
            date: date_value,
            published,
            publish_at,
            title,
            summary,
            draft,
            intro_html,
            has_code: self.has_code,
            sponsors,
            links,
            outages,
        }
    }

    fn sponsor(&mut self, raw: RawSponsor, n: usize) -> Sponsor {
        let RawSponsor { name, url, text } = raw;
        Sponsor {
            name,
            url: url.and_then(|u| self.url(u)),
            html: self.markdown(&text, &format!("sponsor{n}")).html,
        }
    }

    fn link(&mut self, raw: RawLink, ids: &mut Anchors) -> Link {
        let RawLink {
            title,
            url,
            source,
            tags,
            commentary,
            via,
            disclosure,
        } = raw;
        let id = ids.claim("link", &title);
        Link {
            line: self.line(url.span()),
            url: self.url(url).unwrap_or_default(),
            title,
            source,
            tags: self.tags(tags),
            commentary: commentary
                .as_deref()
                .map(|md| self.markdown(md, &id))
                .unwrap_or_default(),
            id,
            via,
            disclosure,
        }
    }

    fn outage(&mut self, raw: RawOutage, ids: &mut Anchors) -> Outage {
        let RawOutage {
            service,
            url,
            title,
            date,
            tags,
            commentary,
        } = raw;
        let service_slug = slugs::slugify(service.get_ref()).unwrap_or_else(|| {
            self.problem(
                service.span(),
                format!(
                    "service `{}` has no letters or digits to make a URL from",
                    service.get_ref()
                ),
                "name the service, e.g. `service = \"GitHub\"`",
            );
            String::new()
        });
        let id = ids.claim("outage", service.get_ref());
        let commentary = commentary.map(|md| self.markdown(&md, &id));
        Outage {
            line: self.line(service.span()),
            service: service.into_inner(),
            service_id: slugs::id(&service_slug),
            service_slug,
            url: url.and_then(|u| self.url(u)),
            title,
            date: date.and_then(|d| self.datetime(&d)).map(|(d, _)| d),
            tags: self.tags(tags),
            commentary_has_code: commentary.as_ref().is_some_and(|c| c.has_code),
            commentary_html: commentary.map(|c| c.html).unwrap_or_default(),
            id,
        }
    }

    /// Accepts only absolute http(s) URLs written exactly (see [`weburl`]): anything
    /// else could run script, mislead the reader or break on another host.
    fn url(&mut self, url: Spanned<String>) -> Option<String> {
        let span = url.span();
        let text = url.into_inner();
        match weburl::parse(&text) {
            Ok(_) => Some(text),
            Err((message, hint)) => {
                self.problem(span, message, hint);
                None
            }
        }
    }

    fn tags(&mut self, raw: Vec<Spanned<String>>) -> Vec<Tag> {
        // Sized up front: the model keeps it (160,000 tags at 5,000 issues), and a Vec
        // grown from empty holds room for four.
        let mut tags: Vec<Tag> = Vec::with_capacity(raw.len());
        for tag in raw {
            if let Some(t) = self.tag(&tag)
                && !tags.iter().any(|x| x.slug == t.slug)
            {
                tags.push(t);
            }
        }
        tags
    }

    fn tag(&mut self, tag: &Spanned<String>) -> Option<Tag> {
        let Some(slug) = slugs::slugify(tag.get_ref()) else {
            self.problem(
                tag.span(),
                format!(
                    "tag `{}` has no letters or digits to make a URL from",
                    tag.get_ref()
                ),
                "use a word such as \"dns\"",
            );
            return None;
        };
        match &self.config.tags {
            None => Some(Tag {
                id: slugs::id(&slug),
                slug,
                name: tag.get_ref().trim().to_string(),
            }),
            Some(vocab) => match vocab.get(&slug) {
                Some(name) => Some(Tag {
                    id: slugs::id(&slug),
                    slug,
                    name: name.clone(),
                }),
                None => {
                    let hint = vocabulary_hint(&slug, vocab);
                    self.problem(
                        tag.span(),
                        format!(
                            "tag `{}` is not in the [tags] vocabulary of config.toml",
                            tag.get_ref()
                        ),
                        &hint,
                    );
                    None
                }
            },
        }
    }

    fn datetime(
        &mut self,
        value: &Spanned<toml::value::Datetime>,
    ) -> Option<(civil::Date, Timestamp)> {
        to_date(value.get_ref())
            .map_err(|m| {
                self.problem(
                    value.span(),
                    m,
                    "write a date such as 2016-10-23 or 2016-10-23T09:00:00Z",
                )
            })
            .ok()
    }

    /// When an issue dated `raw` goes out: `published` if `raw` has an offset, else the
    /// same wall-clock time in the site's time zone (`published` took it as UTC).
    fn publish_at(&self, raw: &toml::value::Datetime, published: Timestamp) -> Timestamp {
        if raw.offset.is_some() {
            return published;
        }
        let local = published.to_zoned(jiff::tz::TimeZone::UTC).datetime();
        local
            .to_zoned(self.config.time_zone())
            .map_or(published, |z| z.timestamp())
    }

    /// Renders Markdown; footnote ids are scoped to the issue and entry, as
    /// several snippets (and several issues, on index pages) share one page.
    fn markdown(&mut self, text: &str, scope: &str) -> markdown::Rendered {
        let prefix = format!("i{}-{scope}-", self.number);
        let rendered = markdown::render(text, self.config.markdown(), &prefix);
        self.has_code |= rendered.has_code;
        rendered
    }

    /// The 1-based file line of a span in the front matter.
    fn line(&self, span: std::ops::Range<usize>) -> usize {
        let offset = self.base + span.start;
        self.newlines.partition_point(|&n| n < offset) + 1
    }

    /// Where the key of the value at front matter offset `value` starts: its line,
    /// past the indentation.
    fn key_at(&self, value: usize) -> usize {
        let line = self.line(value..value) - 1;
        let start = line.checked_sub(1).map_or(0, |l| self.newlines[l] + 1);
        let rest = &self.text[start..];
        start + (rest.len() - rest.trim_start_matches([' ', '\t']).len())
    }

    fn problem(&mut self, span: std::ops::Range<usize>, message: impl Into<String>, hint: &str) {
        let d =
            Diagnostic::at(self.path, self.text, self.base + span.start, message).with_hint(hint);
        self.problems.push(d);
    }
}

fn vocabulary_hint(slug: &str, vocab: &BTreeMap<String, String>) -> String {
    let known: Vec<&str> = vocab.keys().map(String::as_str).collect();
    let add = format!(
        "add `{slug} = \"{}\"` under [tags] in config.toml (only the tags listed there are \
         allowed), or delete the [tags] table to allow any tag",
        slug.to_uppercase()
    );
    match crate::error::closest(slug, &known) {
        Some(k) => format!("did you mean `{k}`? Or {add}"),
        None => format!("known tags: {}; {add}", known.join(", ")),
    }
}

/// The years a date may have. Feeds and sitemaps need a timestamp, and near the
/// ends of jiff's range (-9999..=9999) a time zone offset overflows it.
const FIRST_YEAR: u16 = 1900;
const LAST_YEAR: u16 = 9998;

/// Converts a TOML date or date-time; local times without an offset are taken as UTC.
pub fn to_date(dt: &toml::value::Datetime) -> Result<(civil::Date, Timestamp), String> {
    let d = dt.date.ok_or("a time without a date is not a date")?;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&d.year) {
        return Err(format!(
            "the year {} is out of range: dates from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31 work",
            d.year
        ));
    }
    let date =
        civil::Date::new(d.year as i16, d.month as i8, d.day as i8).map_err(|e| e.to_string())?;
    let time = dt.time.map_or(civil::Time::midnight(), |t| {
        civil::Time::new(
            t.hour as i8,
            t.minute as i8,
            t.second.unwrap_or(0) as i8,
            t.nanosecond.unwrap_or(0) as i32,
        )
        .unwrap_or_default()
    });
    let offset_seconds = match dt.offset {
        Some(toml::value::Offset::Custom { minutes }) => i32::from(minutes) * 60,
        _ => 0,
    };
    let offset = jiff::tz::Offset::from_seconds(offset_seconds).map_err(|e| e.to_string())?;
    let zoned = date
        .to_datetime(time)
        .to_zoned(jiff::tz::TimeZone::fixed(offset))
        .map_err(|e| e.to_string())?;
    Ok((date, zoned.timestamp()))
}

/// Hands out anchor ids that are unique within one issue page.
#[derive(Default)]
struct Anchors {
    taken: ahash::AHashSet<String>,
    /// The next suffix to try for each base, so many equal titles stay linear.
    next: ahash::AHashMap<String, usize>,
}

impl Anchors {
    /// `prefix-slug-of-text`, with `-2`, `-3`… on collisions. Stable while the text is.
    fn claim(&mut self, prefix: &str, text: &str) -> String {
        let mut base = String::with_capacity(prefix.len() + 50);
        base.push_str(prefix);
        if let Some(slug) = slugs::slugify(text) {
            let cut = slug.char_indices().nth(48).map_or(slug.len(), |(i, _)| i);
            base.push('-');
            base.push_str(slug[..cut].trim_end_matches('-'));
        }
        if self.taken.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(2);
        loop {
            let id = format!("{base}-{n}");
            *n += 1;
            if self.taken.insert(id.clone()) {
                return id;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Anchors, issue_keys};

    /// The keys FORMAT.md lists, in its order: what authors may write.
    #[test]
    fn the_accepted_keys_are_the_raw_structs_fields() {
        let keys = issue_keys();
        let issue = [
            "number", "date", "title", "summary", "draft", "sponsors", "links", "outages",
        ];
        assert_eq!(keys.issue, issue);
        assert_eq!(keys.sponsor, ["name", "url", "text"]);
        let link = [
            "title",
            "url",
            "source",
            "tags",
            "commentary",
            "via",
            "disclosure",
        ];
        assert_eq!(keys.link, link);
        let outage = ["service", "url", "title", "date", "tags", "commentary"];
        assert_eq!(keys.outage, outage);
    }

    #[test]
    fn anchors_are_unique_per_issue_and_stable() {
        let mut ids = Anchors::default();
        assert_eq!(ids.claim("link", "Postmortem: DNS"), "link-postmortem-dns");
        assert_eq!(
            ids.claim("link", "Postmortem — DNS!"),
            "link-postmortem-dns-2"
        );
        // A title whose own slug ends in `-3` doesn't collide with the counter.
        assert_eq!(
            ids.claim("link", "Postmortem DNS 3"),
            "link-postmortem-dns-3"
        );
        assert_eq!(ids.claim("link", "postmortem dns"), "link-postmortem-dns-4");
        // Long titles are cut to 48 characters of slug, without a trailing dash.
        let long = ids.claim(
            "outage",
            "abcdefghij abcdefghij abcdefghij abcdefghij abc defgh",
        );
        assert_eq!(
            long,
            "outage-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abc"
        );
        // Text with nothing to slug falls back to the prefix alone.
        assert_eq!(ids.claim("outage", "!!!"), "outage");
        assert_eq!(ids.claim("outage", "???"), "outage-2");
    }
}
