//! Typed errors for every stage of the pipeline.
//!
//! Content problems are collected as [`Diagnostic`]s (file, line, column, the
//! offending source line, what is wrong and how to fix it) so that one run can
//! report all of them at once, the way a compiler does.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one input file, located as precisely as we can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub path: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column (in characters); 0 when unknown.
    pub column: usize,
    /// The text of the offending line, shown under the message.
    pub source_line: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A problem with a file as a whole (unreadable, empty, not UTF-8, …).
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            source_line: None,
            message: message.into(),
            hint: None,
        }
    }

    /// A problem at byte `offset` of `text`, the full contents of `path`.
    pub fn at(path: &Path, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        Diagnostic {
            path: path.to_path_buf(),
            line: text[..offset].matches('\n').count() + 1,
            column: text[line_start..offset].chars().count() + 1,
            source_line: Some(
                text[line_start..line_end]
                    .trim_end_matches('\r')
                    .to_string(),
            ),
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint ("did you mean `title`?").
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    /// Formats like rustc: `error: msg`, ` --> file:line:col`, the line and a caret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_labelled(f, "error")
    }
}

impl Diagnostic {
    /// The rustc-style report under `label` ("error", "warning").
    pub fn fmt_labelled(&self, f: &mut fmt::Formatter<'_>, label: &str) -> fmt::Result {
        writeln!(f, "{label}: {}", self.message)?;
        write!(f, "  --> {}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        writeln!(f)?;
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            // Tabs print as four spaces and wide characters take two columns, so the
            // caret is placed by display width, not by character count.
            let before: String = src.chars().take(self.column.saturating_sub(1)).collect();
            let width =
                unicode_width::UnicodeWidthStr::width(before.replace('\t', "    ").as_str());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {}", src.replace('\t', "    "))?;
            writeln!(f, "{pad} | {}^", " ".repeat(width))?;
        }
        if let Some(hint) = &self.hint {
            let pad = " ".repeat(self.line.to_string().len());
            writeln!(f, "{pad} = help: {hint}")?;
        }
        Ok(())
    }
}

/// Everything that can stop a build.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more problems in the site's input files.
    #[error("{}", Diagnostics(.0))]
    Content(Vec<Diagnostic>),
    /// A file or folder could not be read or written.
    #[error("{action} {}: {source}", .path.display())]
    Io {
        /// What we were doing ("cannot read", "cannot write", …).
        action: &'static str,
        /// The file or folder involved.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A template failed to parse or render.
    #[error("template error while {context}:\n{message}")]
    Template {
        /// What was being rendered, e.g. "rendering /issues/45/ with issue.html".
        context: String,
        /// Tera's own report, which names the template, line and variable.
        message: String,
    },
    /// The email edition could not be made or sent: a bad `[email]` setting, or the
    /// SMTP server's refusal (its reply quoted, the password never).
    #[error("{0}")]
    Email(String),
    /// The output folder is not safe to write into, or outputs collide.
    #[error("{0}")]
    Output(String),
    /// A feed could not be written (the feed crates' own error).
    #[error("{0}")]
    Feed(String),
    /// `serve` could not start or run its server.
    #[error("{0}")]
    Server(String),
    /// `serve` could not watch the site's files.
    #[error("{0}")]
    Watch(String),
    /// `init` or `new` would overwrite something, or cannot write.
    #[error("{0}")]
    Scaffold(String),
    /// A bug in sitrep, not in the site: reported instead of building something wrong.
    #[error("internal error (please report it): {0}")]
    Internal(String),
    /// Several of the above, found in one run (content problems and template errors).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n\n"))]
    Many(Vec<Error>),
}

struct Diagnostics<'a>(&'a [Diagnostic]);

impl fmt::Display for Diagnostics<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

impl Error {
    /// The report the CLI prints: every problem in it starts with `error:`, as rustc's
    /// do, so scripts and eyes find the errors the same way whatever went wrong.
    pub fn report(&self) -> String {
        match self {
            Error::Content(_) => self.to_string(),
            Error::Many(all) => all
                .iter()
                .map(Error::report)
                .collect::<Vec<_>>()
                .join("\n\n"),
            other => format!("error: {other}"),
        }
    }

    /// An I/O error with the path it concerns.
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// A Tera error, flattened into its full report with every cause.
    pub fn template(context: impl Into<String>, err: &tera::Error) -> Self {
        let mut message = err.to_string();
        let mut cause = std::error::Error::source(err);
        while let Some(c) = cause {
            message.push_str(&format!("\ncaused by: {c}"));
            cause = c.source();
        }
        Error::Template {
            context: context.into(),
            message,
        }
    }
}

/// The candidate closest to `word` by edit distance, if it is a plausible typo: the
/// "did you mean" of every hint (unknown keys, tags, filters, anchors). One edit per
/// three letters (at least one): `dnss` → `dns`, `tittle` → `title`, but not `cdn` →
/// `dns`, a different word two edits away.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1) && *d > 0)
        .min()
        .map(|(_, c)| c)
}

/// Shorthand used across the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Reads a file as UTF-8, turning every failure into a located diagnostic.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::file(path, format!("cannot read this file: {e}")).with_hint(
            "check that it exists (a symlink may point nowhere) and that you may read it",
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Diagnostic::at(path, &text, offset, "this file is not valid UTF-8")
            .with_hint("save the file with UTF-8 encoding")
    })
}
