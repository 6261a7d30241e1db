//! Turning `toml`/serde errors into located diagnostics with hints.
//!
//! Front matter is parsed on its own, so a span that `toml` reports is relative
//! to the front matter; callers pass the byte offset where it starts in the file.

use std::path::Path;

use crate::error::Diagnostic;

/// A diagnostic for a `toml` error in `text[base..]` of the file at `path`.
pub fn diagnostic(path: &Path, text: &str, base: usize, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().to_string();
    let offset = base + err.span().map_or(0, |s| s.start);
    let d = Diagnostic::at(path, text, offset, first_line(&message));
    match hint_for(&message) {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_string()
}

/// Suggests a fix for the errors authors make most.
fn hint_for(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (unknown, expected) = rest.split_once('`')?;
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return Some(unknown_key_hint(unknown, &known));
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next()?;
        return Some(format!("add `{field} = …` to this table"));
    }
    if let Some(rest) = message.strip_prefix("invalid type: string \"")
        && let Some(value) = rest.strip_suffix("\", expected a TOML datetime")
    {
        return Some(format!(
            "dates are not quoted: write `{value}` without the quotes"
        ));
    }
    if message.starts_with("invalid multi-line") {
        return Some("close the text with `\"\"\"` (or `'''`) on a line of its own".into());
    }
    if message.starts_with("invalid basic string") || message.starts_with("invalid literal string")
    {
        let quote = if message.contains("literal") {
            "'"
        } else {
            "\""
        };
        return Some(format!(
            "close the string with `{quote}` on the same line; for text over several lines use `\"\"\"` … `\"\"\"`"
        ));
    }
    if message.starts_with("unclosed array table") {
        return Some("close the header with `]]`, as in `[[links]]`".into());
    }
    if message.starts_with("unclosed table") {
        return Some("close the header with `]`, as in `[tags]`".into());
    }
    if message.starts_with("invalid type") {
        return Some(
            "check the value's type: strings are quoted, numbers and dates are not, lists use [ ]"
                .into(),
        );
    }
    None
}

/// A diagnostic for the unknown key `key` at byte `offset` of `text`, where `known` are allowed.
pub fn unknown_key(
    path: &Path,
    text: &str,
    offset: usize,
    key: &str,
    known: &[&str],
) -> Diagnostic {
    Diagnostic::at(path, text, offset, format!("unknown key `{key}`"))
        .with_hint(unknown_key_hint(key, known))
}

fn unknown_key_hint(key: &str, known: &[&str]) -> String {
    match closest(key, known) {
        Some(k) => format!("did you mean `{k}`? known keys here: {}", known.join(", ")),
        None => format!("known keys here: {}", known.join(", ")),
    }
}

/// The candidate closest to `word` by edit distance, if it is a plausible typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1) + 1 && *d > 0)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_typos_only() {
        let keys = ["title", "date", "number", "summary"];
        assert_eq!(closest("tittle", &keys), Some("title"));
        assert_eq!(closest("numbr", &keys), Some("number"));
        assert_eq!(closest("colour", &keys), None);
    }
}
