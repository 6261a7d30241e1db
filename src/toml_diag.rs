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
    if message.starts_with("invalid multi-line")
        && text[offset.min(text.len())..].starts_with("+++")
    {
        return Diagnostic::at(
            path,
            text,
            offset,
            "the front matter ended early, at this `+++` line, inside a multi-line text",
        )
        .with_hint(
            "a line that is exactly `+++` always closes the front matter; inside the text, \
             write it with a space before it (` +++`) or as `\\u002B++`",
        );
    }
    if message.starts_with("duplicate key") {
        return duplicate_key(path, text, offset.min(text.len()));
    }
    let d = Diagnostic::at(path, text, offset, first_line(&message));
    match hint_for(&message) {
        Some(h) => d.with_hint(h),
        None => d,
    }
}

/// `toml` says only "duplicate key": name the key, and the line that set it first
/// (the nearest earlier line in the same table that sets the same key).
fn duplicate_key(path: &Path, text: &str, offset: usize) -> Diagnostic {
    let key_of = |line: &str| {
        let key = line.split('=').next().unwrap_or("").trim();
        key.trim_matches(|c| c == '"' || c == '\'').to_string()
    };
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let key = key_of(&text[line_start..line_end]);
    let before: Vec<&str> = text[..line_start].lines().collect();
    let first = before
        .iter()
        .enumerate()
        .rev()
        .take_while(|(_, l)| !l.trim_start().starts_with('['))
        .find(|(_, l)| l.contains('=') && key_of(l) == key)
        .map(|(i, _)| i + 1);
    let message = match (key.is_empty(), first) {
        (false, Some(line)) => format!("`{key}` is set twice: here and on line {line}"),
        (false, None) => format!("`{key}` is set twice in this table"),
        (true, _) => "a key is set twice in this table".to_string(),
    };
    Diagnostic::at(path, text, offset, message)
        .with_hint("keep one of the two (for several entries, use [[links]] or [[outages]] blocks)")
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).to_string()
}

/// Suggests a fix for the errors authors make most.
///
/// `toml` gives an error's span but not its kind, and serde's "unknown field" and
/// "missing field" reach it as text: the hints are found by the messages' wording,
/// and the tests below produce each error with the real crates, so an upgrade that
/// rewords one fails a test instead of silently dropping its hint.
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

pub use crate::error::closest;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Raw {
        title: String,
        number: Option<u32>,
        date: Option<toml::value::Datetime>,
        commentary: Option<String>,
        links: Option<Vec<toml::Table>>,
        tags: Option<toml::Table>,
    }

    /// The hint for the error the real `toml` crate gives for `text`.
    fn hint(text: &str) -> String {
        let err = toml::from_str::<Raw>(text).expect_err(text);
        hint_for(err.message().trim()).unwrap_or_else(|| panic!("no hint for {err}"))
    }

    #[test]
    fn each_hint_matches_the_error_the_toml_crate_gives() {
        let t = "title = \"t\"\n";
        let cases = [
            ("titel = \"t\"\n".to_string(), "did you mean `title`?"),
            ("number = 1\n".to_string(), "add `title = …`"),
            (
                format!("{t}date = \"2025-01-06\"\n"),
                "write `2025-01-06` without the quotes",
            ),
            (
                format!("{t}commentary = \"\"\"\nopen\n"),
                "close the text with `\"\"\"`",
            ),
            (
                format!("{t}commentary = \"open\n"),
                "close the string with `\"`",
            ),
            (
                format!("{t}commentary = 'open\n"),
                "close the string with `'`",
            ),
            (format!("{t}[[links]\n"), "close the header with `]]`"),
            (format!("{t}[tags\n"), "close the header with `]`"),
            (format!("{t}number = \"x\"\n"), "check the value's type"),
        ];
        for (text, expected) in cases {
            let hint = hint(&text);
            assert!(hint.contains(expected), "{text:?}: {hint:?}");
        }
    }

    #[test]
    fn closest_suggests_typos_only() {
        let keys = ["title", "date", "number", "summary"];
        assert_eq!(closest("tittle", &keys), Some("title"));
        assert_eq!(closest("numbr", &keys), Some("number"));
        assert_eq!(closest("colour", &keys), None);
    }
}
