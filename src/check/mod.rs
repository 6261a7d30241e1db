//! `sitrep check`'s warnings: problems that do not stop a build but that an
//! editor wants to hear about before sending an issue out.
//!
//! A site that loads and renders is valid; these checks look for what is
//! valid but probably wrong: a link already sent in an earlier issue, a URL
//! full of `utm_` parameters, an internal link to a page or anchor that does
//! not exist, issue numbers out of order or with gaps, two issues on one date, a tag used once (likely
//! a typo), a link without commentary, raw HTML left open that swallows the page.
//!
//! Each rule is one function over the [`Site`] (and the rendered outputs, for
//! links) that returns findings; [`run`] then locates every finding at a file,
//! line and column, reading each file it needs once ([`locate`]), and sorts them.
//! The rules live by family: [`urls`] (repeated URLs, tracking parameters),
//! [`links`] (internal links and anchors), [`dates`] (numbering and dates),
//! [`tags`], [`style`] and [`raw_html`]. A new rule is a function in its family's file and a
//! line in [`run_at`].
//!
//! Scope: repeated URLs are compared among links only (an outage's status page
//! may recur); tracking parameters are looked for in links, outages and Markdown
//! links, but not in sponsors, whose campaign parameters are usually wanted.
//!
//! ```no_run
//! # fn main() -> sitrep::Result<()> {
//! let site = sitrep::load(&sitrep::BuildOptions { root: "mysite".into(), ..Default::default() })?;
//! let outputs = sitrep::render_for_check(&site)?;
//! for warning in sitrep::check::run(&site, &outputs) {
//!     eprintln!("{warning}");
//! }
//! # Ok(())
//! # }
//! ```

mod dates;
mod links;
mod locate;
mod raw_html;
mod style;
mod tags;
mod urls;

use std::fmt;
use std::path::Path;

use jiff::civil::Date;

use crate::config::Config;
use crate::content::Issue;
use crate::error::Diagnostic;
use crate::output::Output;
use crate::site::Site;
pub use urls::{normalise_url, without_tracking};

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
    /// Two issues (not drafts) have the same date.
    SameDate,
    /// A published (non-draft) issue is dated in the future.
    FutureDate,
    /// An outage is dated after the issue that covers it.
    OutageAfterIssue,
    /// A tag is used once in the whole archive (no `[tags]` vocabulary to catch typos).
    SingleUseTag,
    /// A link has no commentary (`[check] link_commentary`).
    NoCommentary,
    /// An outage has no tags (`[check] outage_tags`).
    UntaggedOutage,
    /// Raw HTML opens a comment or element that is never closed and swallows the page.
    UnclosedHtml,
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

/// Runs every rule on a loaded and rendered site, with today's date for "in the future".
pub fn run(site: &Site, outputs: &[Output]) -> Vec<Warning> {
    run_at(site, outputs, jiff::Zoned::now().date())
}

/// Runs every rule as if today were `today`; warnings are sorted by file, then line.
pub fn run_at(site: &Site, outputs: &[Output], today: Date) -> Vec<Warning> {
    let pieces = links::markdown_pieces(site);
    let mut findings = Vec::new();
    findings.extend(urls::repeated_urls(site));
    findings.extend(urls::tracking_parameters(site, &pieces));
    findings.extend(links::internal_links(site, &pieces, outputs));
    findings.extend(dates::number_date_order(site));
    findings.extend(dates::number_gaps(site));
    findings.extend(dates::same_dates(site));
    findings.extend(dates::future_dates(site, today));
    findings.extend(dates::outages_after_their_issue(site));
    findings.extend(tags::single_use_tags(site));
    findings.extend(style::links_without_commentary(site));
    findings.extend(style::outages_without_tags(site));
    findings.extend(raw_html::unclosed_raw_html(&pieces));
    locate::locate(findings)
}

// ---------------------------------------------------------------------------
// Findings: what each rule reports, before it is located in its file.

/// Where in its file a finding points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Spot {
    /// `needle` within the TOML table holding `line` (else `line` itself).
    Item { line: usize, needle: Option<String> },
    /// A byte offset the parser recorded (`Issue::at`: a key's line).
    At(usize),
    /// `needle` in the Markdown body that starts at byte `body` (else the body's start).
    Body { body: usize, needle: String },
}

/// A problem found by a check, not yet turned into a [`Diagnostic`].
pub(crate) struct Finding<'a> {
    pub(crate) kind: WarningKind,
    pub(crate) path: &'a Path,
    pub(crate) spot: Spot,
    pub(crate) message: String,
    pub(crate) hint: String,
}

impl<'a> Finding<'a> {
    pub(crate) fn new(
        kind: WarningKind,
        path: &'a Path,
        spot: Spot,
        message: String,
        hint: String,
    ) -> Self {
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
pub(crate) fn oldest_first(site: &Site) -> impl Iterator<Item = &Issue> {
    site.issues.iter().rev().map(|i| &**i)
}

/// `path` relative to the site folder, for naming another file in a message.
pub(crate) fn short_path<'a>(config: &Config, path: &'a Path) -> std::path::Display<'a> {
    path.strip_prefix(&config.root).unwrap_or(path).display()
}

#[cfg(test)]
mod tests {
    use super::*;

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
