//! Splitting a file into TOML front matter and Markdown body.
//!
//! The front matter sits between two lines that are exactly `+++`. We keep the
//! byte offsets of both parts so errors in either point at the right line of
//! the original file.

use std::path::Path;

use crate::error::Diagnostic;

/// A file split into its two parts, with where each starts in the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    /// The TOML between the `+++` lines.
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// The Markdown after the closing `+++` line.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// What a file holds, for hints that fit it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An issue: front matter needs `number` and `date`.
    Issue,
    /// A standalone page: front matter needs `title`.
    Page,
}

impl Kind {
    fn minimal(self) -> &'static str {
        match self {
            Kind::Issue => "the lines `+++`, `number = 1`, `date = 2025-01-05`, `+++`",
            Kind::Page => "the lines `+++`, `title = \"About\"`, `+++`",
        }
    }
}

/// Splits `text` (the contents of `path`, an issue) into front matter and body.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    split_kind(path, text, Kind::Issue)
}

/// Splits `text`, the contents of a file of `kind`.
pub fn split_kind<'a>(path: &Path, text: &'a str, kind: Kind) -> Result<Split<'a>, Diagnostic> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let minimal = kind.minimal();
    if text[start..].trim().is_empty() {
        return Err(
            Diagnostic::file(path, "this file is empty").with_hint(format!(
                "start it with TOML front matter between `+++` lines, at least: {minimal}"
            )),
        );
    }
    let (first, mut pos) = next_line(text, start);
    if first.trim_end() != "+++" {
        let d = Diagnostic::at(
            path,
            text,
            start,
            "the file does not start with `+++` front matter",
        );
        let hint = if first.trim_end() == "---" {
            format!(
                "this looks like YAML front matter; sitrep reads TOML between lines of `+++`, e.g. {minimal}"
            )
        } else {
            format!(
                "put TOML front matter between two lines of `+++` at the top of the file, at least: {minimal}"
            )
        };
        return Err(d.with_hint(hint));
    }
    let front_offset = pos;
    // The closing line is the first line that is `+++`. Jumping between occurrences of
    // `+++` (memchr's SIMD search; std's `str::find` was 2 % of a build) is several
    // times faster than reading the front matter line by line.
    let closing = memchr::memmem::Finder::new("+++");
    while let Some(found) = closing.find(&text.as_bytes()[pos..]) {
        let at = pos + found;
        let (line, next) = next_line(text, at);
        let line_start = at == front_offset || text.as_bytes()[at - 1] == b'\n';
        if line_start && line.trim_end() == "+++" {
            return Ok(Split {
                front: &text[front_offset..at],
                front_offset,
                body: &text[next..],
                body_offset: next,
            });
        }
        pos = at + 3;
    }
    Err(Diagnostic::at(
        path,
        text,
        start,
        "the front matter opened here is never closed",
    )
    .with_hint("add a line `+++` after the last front-matter line, before the Markdown body"))
}

/// The line starting at `pos` (without its newline) and where the next line starts.
fn next_line(text: &str, pos: usize) -> (&str, usize) {
    match text[pos..].find('\n') {
        Some(i) => (&text[pos..pos + i], pos + i + 1),
        None => (&text[pos..], text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("x.md")
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split(p(), "+++\nnumber = 1\n+++\nBody\n").unwrap();
        assert_eq!(s.front, "number = 1\n");
        assert_eq!(s.front_offset, 4);
        assert_eq!(s.body, "Body\n");
    }

    #[test]
    fn only_a_whole_line_of_plus_signs_closes_the_front_matter() {
        let text = "+++\ntitle = \"a+++b\"\nx = \"\"\"\n +++\n+++ x\n\"\"\"\n+++\nBody +++\n";
        let s = split(p(), text).unwrap();
        assert_eq!(
            s.front,
            "title = \"a+++b\"\nx = \"\"\"\n +++\n+++ x\n\"\"\"\n"
        );
        assert_eq!(s.body, "Body +++\n");
        let empty = split(p(), "+++\n+++\nBody").unwrap();
        assert_eq!((empty.front, empty.body), ("", "Body"));
    }

    #[test]
    fn accepts_crlf_and_bom() {
        let s = split(p(), "\u{feff}+++\r\nnumber = 1\r\n+++\r\nBody").unwrap();
        assert_eq!(s.front, "number = 1\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn explains_yaml_unclosed_and_empty() {
        let yaml = split(p(), "---\ntitle: x\n---\n").unwrap_err();
        assert!(yaml.hint.unwrap().contains("TOML"));
        let open = split(p(), "+++\nnumber = 1\nbody").unwrap_err();
        assert_eq!(open.line, 1);
        assert!(open.message.contains("never closed"));
        assert!(split(p(), "  \n").unwrap_err().message.contains("empty"));
    }
}
