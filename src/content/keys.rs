//! Every unknown key of a file at once.
//!
//! serde's `deny_unknown_fields` stops at the first unknown key and then checks
//! nothing else. An author who typed `tittle` and pasted a `javascript:` URL
//! should hear about both, so keys are checked on the parsed TOML first, the
//! unknown ones reported and removed, and only then is the rest deserialized
//! and validated.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The keys of an issue's front matter.
pub const ISSUE: &[&str] = &[
    "number", "date", "title", "summary", "draft", "sponsors", "links", "outages",
];
/// The keys of a `[[sponsors]]` entry.
pub const SPONSOR: &[&str] = &["name", "url", "text"];
/// The keys of a `[[links]]` entry.
pub const LINK: &[&str] = &[
    "title",
    "url",
    "source",
    "tags",
    "commentary",
    "via",
    "disclosure",
];
/// The keys of an `[[outages]]` entry.
pub const OUTAGE: &[&str] = &["service", "url", "title", "date", "tags", "commentary"];

/// An unknown key: where it is, what it is, and the keys that table accepts.
pub struct Unknown {
    /// Byte offset of the key in the parsed text.
    pub offset: usize,
    /// The key as written.
    pub key: String,
    /// The keys allowed where it is.
    pub known: &'static [&'static str],
}

/// Removes and returns the unknown keys of an issue's front matter (top level and entries).
pub fn strip_issue(table: &mut DeTable<'_>) -> Vec<Unknown> {
    let mut unknown = strip(table, ISSUE);
    for (key, known) in [("sponsors", SPONSOR), ("links", LINK), ("outages", OUTAGE)] {
        let Some(value) = table.get_mut(key) else {
            continue;
        };
        if let DeValue::Array(entries) = value.get_mut() {
            for entry in entries.iter_mut() {
                if let DeValue::Table(t) = entry.get_mut() {
                    unknown.extend(strip(t, known));
                }
            }
        }
    }
    unknown.sort_by_key(|u| u.offset);
    unknown
}

fn strip(table: &mut DeTable<'_>, known: &'static [&'static str]) -> Vec<Unknown> {
    let is_known =
        |key: &Spanned<std::borrow::Cow<'_, str>>| known.contains(&key.get_ref().as_ref());
    let unknown: Vec<Unknown> = table
        .iter()
        .filter(|(key, _)| !is_known(key))
        .map(|(key, _)| Unknown {
            offset: key.span().start,
            key: key.get_ref().to_string(),
            known,
        })
        .collect();
    if unknown.is_empty() {
        return unknown;
    }
    // A typo of a key the table lacks is read as that key, so the rest of the entry is
    // still checked (and a misspelt `service` is not also reported as missing).
    let present: Vec<String> = table.iter().map(|(k, _)| k.get_ref().to_string()).collect();
    let mut fixed = DeTable::new();
    for (key, value) in std::mem::take(table) {
        if is_known(&key) {
            fixed.insert(key, value);
        } else if let Some(meant) = crate::toml_diag::closest(key.get_ref(), known)
            && !present.iter().any(|p| p == meant)
            && !fixed.contains_key(meant)
        {
            fixed.insert(Spanned::new(key.span(), meant.into()), value);
        }
    }
    *table = fixed;
    unknown
}
