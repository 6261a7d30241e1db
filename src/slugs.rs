//! URL slugs for tags, services, pages and anchors.
//!
//! A slug is lower-case ASCII letters, digits and single hyphens, so it can
//! never name a path outside the output folder (`..`, `/`, NUL and absolute
//! paths cannot survive), and Windows device names are defused.

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

#[cfg(test)]
mod tests {
    use super::slugify;

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
