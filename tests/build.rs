//! sitrep's integration tests: one test binary. How to write one: tests/README.md.
//!
//! Each module builds a site (the example at the repository root, a fixture under
//! tests/fixtures/, or a small site written inline) into a temp dir with the library,
//! or runs the real binary, then reads the output as a browser or feed reader would.
//! The modules live in tests/build/ (a crate root finds modules beside it, hence `path`).

#[path = "build/support.rs"]
mod support;

#[path = "build/cli.rs"]
mod cli;
#[path = "build/content.rs"]
mod content;
#[path = "build/data.rs"]
mod data;
#[path = "build/email.rs"]
mod email;
#[path = "build/error_report.rs"]
mod error_report;
#[path = "build/errors.rs"]
mod errors;
#[path = "build/example_site.rs"]
mod example_site;
#[path = "build/feeds.rs"]
mod feeds;
/// Output folders refused however they are spelled.
#[path = "build/guards.rs"]
mod guards;
#[path = "build/incremental.rs"]
mod incremental;
/// Messages for the smaller hardening findings.
#[path = "build/messages.rs"]
mod messages;
#[path = "build/output.rs"]
mod output;
#[path = "build/pagination.rs"]
mod pagination;
#[path = "build/schedule.rs"]
mod schedule;
#[path = "build/search.rs"]
mod search;
#[path = "build/second_site.rs"]
mod second_site;
/// Symlinks that leave the site, and the content cache re-reading reported files.
#[path = "build/sources.rs"]
mod sources;
/// The output swapped whole: kills, races, locks, unwritable folders.
#[path = "build/swap.rs"]
mod swap;
/// The weekly loop: drafts checked, left-out drafts said, `error:` everywhere.
#[path = "build/weekly_loop.rs"]
mod weekly_loop;
#[path = "build/xml_safety.rs"]
mod xml_safety;
