//! Standalone pages (`content/pages/*.md`): About, Sponsor us, …

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::Config;
use crate::error::Diagnostic;
use crate::{markdown, slugs, toml_diag};

use super::{chars, frontmatter};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPage {
    title: String,
    description: Option<String>,
}

/// A rendered standalone page, published at `/<slug>/`.
#[derive(Debug, Clone)]
pub struct Page {
    /// The file it came from.
    pub path: PathBuf,
    /// From the file name: `about.md` → `about`.
    pub slug: String,
    /// Page title.
    pub title: String,
    /// Plain-text description for meta tags (default: first paragraph).
    pub description: String,
    /// The body, rendered.
    pub html: String,
    /// Whether it holds highlighted code (the page then loads `syntax.css`).
    pub has_code: bool,
    /// Byte offset of the body in the file, for messages about it (`check`).
    pub body_offset: usize,
}

/// Parses the page file `path` whose contents are `text`.
pub fn parse(path: &Path, text: &str, config: &Config) -> Result<Page, Vec<Diagnostic>> {
    let typed = chars::in_file(path, text);
    if !typed.is_empty() {
        return Err(typed);
    }
    let split =
        frontmatter::split_kind(path, text, frontmatter::Kind::Page).map_err(|d| vec![d])?;
    let at_toml_error = |e| vec![toml_diag::diagnostic(path, text, split.front_offset, &e)];
    let table = toml::de::DeTable::parse(split.front).map_err(at_toml_error)?;
    let escaped = chars::in_values(path, text, split.front_offset, table.get_ref());
    if !escaped.is_empty() {
        return Err(escaped);
    }
    let raw = RawPage::deserialize(toml::de::Deserializer::from(table)).map_err(at_toml_error)?;
    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
        return Err(vec![
            Diagnostic::file(
                path,
                "the file name is not valid UTF-8, so it cannot become a URL",
            )
            .with_hint("rename the file using UTF-8 characters, e.g. about.md"),
        ]);
    };
    let slug = slugs::slugify(stem).ok_or_else(|| {
        vec![
            Diagnostic::file(
                path,
                "the file name has no letters or digits to make a URL from",
            )
            .with_hint("rename the file, e.g. about.md"),
        ]
    })?;
    let body = markdown::render(split.body, config.markdown(), "");
    Ok(Page {
        path: path.to_path_buf(),
        slug,
        title: raw.title,
        description: raw
            .description
            .unwrap_or_else(|| markdown::first_paragraph_text(split.body)),
        html: body.html,
        has_code: body.has_code,
        body_offset: split.body_offset,
    })
}
