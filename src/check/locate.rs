//! Locating findings in their files: each rule says where a problem is with what the
//! parser recorded (a key's offset, an item's line, the body's offset) and, for text
//! inside an item or the body (a URL, a tag), the text to find from there; this turns
//! that into a line and column, reading each file once for the report's source line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Finding, Spot, Warning, WarningKind};
use crate::error::Diagnostic;

/// Turns findings into warnings located in their files (each file read once), sorted.
pub(super) fn locate(findings: Vec<Finding<'_>>) -> Vec<Warning> {
    let mut texts: HashMap<&Path, Option<String>> = HashMap::new();
    let mut warnings: Vec<Warning> = findings
        .into_iter()
        .map(|f| {
            let text = texts
                .entry(f.path)
                .or_insert_with(|| std::fs::read_to_string(f.path).ok());
            let diagnostic = match text {
                Some(text) => Diagnostic::at(f.path, text, offset(text, &f.spot), f.message),
                None => Diagnostic::file(f.path, f.message),
            };
            Warning {
                kind: f.kind,
                diagnostic: diagnostic.with_hint(f.hint),
            }
        })
        .collect();
    warnings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    warnings
}

fn sort_key(w: &Warning) -> (&PathBuf, usize, usize, WarningKind) {
    let d = &w.diagnostic;
    (&d.path, d.line, d.column, w.kind)
}

/// The byte offset in `text` a spot points at.
fn offset(text: &str, spot: &Spot) -> usize {
    match spot {
        Spot::Item { line, needle } => {
            let at = line_start(text, *line);
            let table = table_start(text, at);
            needle
                .as_deref()
                .and_then(|n| find_from(text, table, n))
                .unwrap_or_else(|| skip_indent(text, at))
        }
        Spot::At(offset) => (*offset).min(text.len()),
        Spot::Body { body, needle } => find_from(text, *body, needle)
            .or_else(|| text.find(needle.as_str()))
            .unwrap_or(*body),
    }
}

fn find_from(text: &str, from: usize, needle: &str) -> Option<usize> {
    text.get(from..)?.find(needle).map(|i| from + i)
}

/// Byte offset of the start of 1-based `line` (the end of the text if it has fewer lines).
fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

fn skip_indent(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    at + (rest.len() - rest.trim_start_matches([' ', '\t']).len())
}

/// Start of the TOML table (`[[links]]` line) holding the line that starts at `at`.
fn table_start(text: &str, at: usize) -> usize {
    let mut start = at;
    loop {
        if text[start..].trim_start().starts_with('[') || start == 0 {
            return start;
        }
        start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spots_find_keys_tables_and_bodies() {
        let text = "+++\nnumber = 3\ndate = 2025-01-01\n\n[[links]]\ntags = [\"x\"]\nurl = \"https://a/\"\n[[outages]]\nservice = \"S\"\ndate = 2024-01-01\n+++\nBody [l](/x/)\n";
        let line_of = |spot: Spot| text[..offset(text, &spot)].matches('\n').count() + 1;
        assert_eq!(line_of(Spot::At(text.find("date").unwrap())), 3);
        let tag = Spot::Item {
            line: 7,
            needle: Some("\"x\"".into()),
        };
        assert_eq!(line_of(tag), 6);
        let missing = Spot::Item {
            line: 9,
            needle: Some("nowhere".into()),
        };
        assert_eq!(line_of(missing), 9);
        let body = text.find("Body").unwrap();
        let needle = "/x/".to_string();
        assert_eq!(line_of(Spot::Body { body, needle }), 12);
    }
}
