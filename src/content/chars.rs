//! Characters that XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF).
//!
//! One of them anywhere in a title, a URL or a body makes `rss.xml`, `atom.xml` and
//! every feed that carries it unreadable to every feed reader, and they are invisible in
//! an editor: pasted from a terminal (ESC), a PDF (form feed) or written as `\u0000` in
//! TOML. So they are errors at their file and line, before anything is rendered.

use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::Diagnostic;

/// At most this many characters are reported per file: one paste can hold hundreds.
const MAX_REPORTS: usize = 5;

/// Whether XML 1.0 forbids `c` (tab, newline and carriage return are allowed).
pub fn forbidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// `U+001B (escape)`: the code point, and a name for the ones people paste.
pub fn describe(c: char) -> String {
    let name = match c {
        '\0' => "NUL",
        '\u{7}' => "bell",
        '\u{8}' => "backspace",
        '\u{b}' => "vertical tab",
        '\u{c}' => "form feed",
        '\u{1b}' => "escape",
        '\u{fffe}' | '\u{ffff}' => "a noncharacter",
        _ => "a control character",
    };
    format!("U+{:04X} ({name})", c as u32)
}

/// Every forbidden character as typed in `text` (the whole file), as diagnostics.
pub fn in_file(path: &Path, text: &str) -> Vec<Diagnostic> {
    if !has_suspect_byte(text) {
        return Vec::new();
    }
    text.char_indices()
        .filter(|(_, c)| forbidden(*c))
        .take(MAX_REPORTS)
        .map(|(at, c)| {
            Diagnostic::at(
                path,
                text,
                at,
                format!(
                    "invisible character {} here: no feed reader can read a feed that holds it",
                    describe(c)
                ),
            )
            .with_hint(
                "delete it (such characters come along when pasting from a terminal, a PDF or a word processor)",
            )
        })
        .collect()
}

/// Every TOML string (value or key) in `table` that holds a forbidden character written
/// as an escape (`"\u001b"`, `"\e"`): the raw file is clean, the value is not. `base` is
/// the table's offset in `text`, the contents of `path`.
pub fn in_values(path: &Path, text: &str, base: usize, table: &DeTable) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    walk_table(table, "", &mut found);
    found
        .into_iter()
        .take(MAX_REPORTS)
        .map(|(key, at, c)| {
            let escape = format!("\\u{:04X}", c as u32);
            Diagnostic::at(
                path,
                text,
                base + at,
                format!(
                    "`{key}` holds {}, which no feed reader can read",
                    describe(c)
                ),
            )
            .with_hint(format!(
                "remove the escape (`{escape}`{}) from this string",
                if c == '\u{1b}' { " or `\\e`" } else { "" }
            ))
        })
        .collect()
}

/// Collects (key path, offset, character) for each string with a forbidden character.
/// Key paths are made only for what is found or descended into: a 5,000-issue archive
/// has some 400,000 keys.
fn walk_table(table: &DeTable, prefix: &str, found: &mut Vec<(String, usize, char)>) {
    for (key, value) in table {
        let key_text = key.get_ref();
        let name = || {
            if prefix.is_empty() {
                key_text.to_string()
            } else {
                format!("{prefix}.{key_text}")
            }
        };
        if let Some(c) = first_forbidden(key_text) {
            found.push((name(), key.span().start, c));
        }
        match value.get_ref() {
            DeValue::String(s) => {
                if let Some(c) = first_forbidden(s) {
                    found.push((name(), value.span().start, c));
                }
            }
            DeValue::Array(_) | DeValue::Table(_) => walk_value(value, &name(), found),
            _ => {}
        }
    }
}

fn walk_value(value: &Spanned<DeValue>, name: &str, found: &mut Vec<(String, usize, char)>) {
    match value.get_ref() {
        DeValue::String(s) => {
            if let Some(c) = first_forbidden(s) {
                found.push((name.to_string(), value.span().start, c));
            }
        }
        DeValue::Array(items) => {
            for item in items.iter() {
                walk_value(item, name, found);
            }
        }
        DeValue::Table(table) => walk_table(table, name, found),
        _ => {}
    }
}

/// The first forbidden character of `text`, after a byte scan that rules most text out.
fn first_forbidden(text: &str) -> Option<char> {
    if !has_suspect_byte(text) {
        return None;
    }
    text.chars().find(|c| forbidden(*c))
}

/// Whether `text` has a byte a forbidden character can start with: below 0x20 (but
/// tab, newline, carriage return) or 0xEF (U+FFFE, U+FFFF). Folded in blocks without
/// branching, so the compiler vectorises it.
fn has_suspect_byte(text: &str) -> bool {
    let suspect = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0xEF);
    text.as_bytes()
        .chunks(64)
        .any(|block| block.iter().fold(false, |any, &b| any | suspect(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbids_what_xml_forbids_and_nothing_else() {
        for c in [
            '\0', '\u{8}', '\u{b}', '\u{c}', '\u{1b}', '\u{1f}', '\u{fffe}', '\u{ffff}',
        ] {
            assert!(forbidden(c), "{c:?}");
        }
        for c in [
            '\t', '\n', '\r', ' ', '\u{7f}', '\u{85}', '\u{fffd}', '\u{feff}', '\u{2028}',
        ] {
            assert!(!forbidden(c), "{c:?}");
        }
        assert_eq!(describe('\u{1b}'), "U+001B (escape)");
        assert_eq!(describe('\u{fffe}'), "U+FFFE (a noncharacter)");
    }

    #[test]
    fn finds_raw_characters_at_their_line_and_escaped_ones_at_their_string() {
        let path = Path::new("i.md");
        let text = "+++\ntitle = \"ok\"\n+++\nbody \u{c} here\n";
        let d = in_file(path, text);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].line, d[0].column), (4, 6));
        assert!(
            d[0].message.contains("U+000C (form feed)"),
            "{}",
            d[0].message
        );

        let front = "[[links]]\ntitle = \"a\\u001bb\"\n";
        let table = DeTable::parse(front).unwrap();
        let d = in_values(path, front, 0, table.get_ref());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 2);
        assert!(
            d[0].message.contains("`links.title` holds U+001B"),
            "{}",
            d[0].message
        );
    }
}
