//! URL slugs for tags, services, pages and anchors.
//!
//! A slug is lower-case ASCII letters, digits and single hyphens, so it can
//! never name a path outside the output folder (`..`, `/`, NUL and absolute
//! paths cannot survive), and Windows device names are defused.

use std::sync::{Mutex, OnceLock, PoisonError};

use ahash::AHashMap as HashMap;

/// The longest slug we produce; keeps paths well under file-system limits.
const MAX_LEN: usize = 80;

/// Names Windows reserves whatever the extension; a folder called `con` breaks checkouts there.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The slug of `text`, or `None` if it has no letter or digit to keep.
pub fn slugify(text: &str) -> Option<String> {
    let mut s = slug::slugify(text);
    if s.len() > MAX_LEN {
        s.truncate(MAX_LEN);
        s.truncate(s.trim_end_matches('-').len());
    }
    if s.is_empty() {
        return None;
    }
    if RESERVED.contains(&s.as_str()) {
        s.push_str("-1");
    }
    Some(s)
}

/// A number for `slug`, the same for equal slugs throughout the process.
///
/// The site's indexes group links and outages by tag and service on every build and
/// every `serve` rebuild. Comparing these numbers, held beside each slug, spares
/// reading the slugs' text, which lies scattered over the whole archive's memory
/// (120,000 tag uses at 5,000 issues, most of them a cache miss). Slugs are never
/// forgotten, so numbers stay valid for issues that `serve` keeps between rebuilds.
pub fn id(slug: &str) -> u32 {
    static IDS: OnceLock<Mutex<HashMap<String, u32>>> = OnceLock::new();
    let mut ids = IDS
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(&id) = ids.get(slug) {
        return id;
    }
    let id = u32::try_from(ids.len()).expect("fewer than 4 billion distinct slugs");
    ids.insert(slug.to_string(), id);
    id
}

#[cfg(test)]
mod tests {
    use super::{id, slugify};

    #[test]
    fn equal_slugs_share_an_id_and_different_ones_do_not() {
        assert_eq!(id("dns"), id(&String::from("dns")));
        assert_ne!(id("dns"), id("dns-1"));
    }

    #[test]
    fn slugs_are_safe_path_segments() {
        assert_eq!(slugify("Google Cloud").as_deref(), Some("google-cloud"));
        assert_eq!(slugify("DNS").as_deref(), Some("dns"));
        assert_eq!(slugify("../../etc/passwd").as_deref(), Some("etc-passwd"));
        assert_eq!(slugify("/abs\0path").as_deref(), Some("abs-path"));
        assert_eq!(slugify("Café Déjà").as_deref(), Some("cafe-deja"));
        assert_eq!(slugify("CON").as_deref(), Some("con-1"));
        assert_eq!(slugify("..."), None);
        assert!(slugify(&"a-".repeat(200)).unwrap().len() <= 80);
    }
}
