//! sitrep: a static site generator for SRE and operations newsletters.
//!
//! The pipeline runs one way, each stage a module with one job:
//!
//! ```text
//! config ─> content (read + parse + validate issues, pages) ─> site (model + indexes)
//!        ─> render (Tera, view structs) + feeds ─> output (write only what changed)
//! ```
//!
//! [`build`] runs all of it; [`load`] and [`render_site`] are the stages the
//! `check` command shares. `serve` renders again and again through
//! [`render::incremental`], which `build` never needs. ARCHITECTURE.md says
//! where each part lives and where a new one goes.

pub mod check;
pub mod config;
pub mod content;
pub mod data;
pub mod email;
pub mod error;
pub mod feeds;
pub mod highlight;
pub mod html;
pub mod import;
pub mod markdown;
pub mod opml;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod slugs;
pub mod sources;
pub mod theme;
mod toml_diag;
pub mod urls;

use std::path::Path;

pub use config::{BuildOptions, Config};
pub use error::{Diagnostic, Error, Result};
pub use output::{Output, WriteReport};
pub use site::Site;

/// Reads config and content and builds the site model.
pub fn load(opts: &BuildOptions) -> Result<Site> {
    load_with(opts, &mut content::Cache::default())
}

/// Like [`load`], re-parsing only the content files that changed since `cache` was filled.
///
/// Problems are reported together: with a broken `config.toml` the content is still
/// checked (against default settings), and with broken content the templates are still
/// compiled, so one run shows every problem it can find.
pub fn load_with(opts: &BuildOptions, cache: &mut content::Cache) -> Result<Site> {
    let has_config = opts.root.join("config.toml").is_file();
    let (config, mut problems) = match Config::load(opts) {
        Ok(config) => (config, Vec::new()),
        Err(Error::Content(found)) if has_config => (Config::fallback(opts), found),
        Err(e) => return Err(e),
    };
    match content::load_with(&config, cache) {
        Ok(content) if problems.is_empty() => return Site::new(config, content),
        Ok(_) => {}
        Err(Error::Content(found)) => problems.extend(found),
        Err(e) => return Err(e),
    }
    let templates = theme::load(&config).and_then(|files| render::Templates::compile(&files));
    match templates {
        Ok(_) => Err(Error::Content(problems)),
        Err(e) => Err(Error::Many(vec![Error::Content(problems), e])),
    }
}

/// Renders every output file of `site` in memory, sorted by path.
pub fn render_site(site: &Site) -> Result<Vec<Output>> {
    let memory = output::Memory::default();
    render_into(site, &memory)?;
    Ok(memory.into_outputs())
}

/// Renders every output file of `site` into `sink`; returns their paths, checked for collisions.
pub fn render_into(site: &Site, sink: &dyn output::Sink) -> Result<Vec<String>> {
    let rendered = render::site(site, sink, None, render::Archive::Build)?;
    Ok(rendered.into_iter().map(|r| r.path).collect())
}

/// What `check` renders: every output file of `site` in memory, sorted by path, but no
/// search index (its records are rendered, so their template's errors are found).
pub fn render_for_check(site: &Site) -> Result<Vec<Output>> {
    let memory = output::Memory::default();
    render::site(site, &memory, None, render::Archive::Check)?;
    Ok(memory.into_outputs())
}

/// Loads, renders and writes the site into `out_dir`. Pages stream into a staging
/// folder; the output changes only if all of them rendered.
pub fn build(opts: &BuildOptions, out_dir: &Path, force: bool) -> Result<(Site, WriteReport)> {
    let site = load(opts)?;
    let staged = output::Staged::begin(out_dir, &opts.root, force)?;
    render_into(&site, &staged)?;
    let report = staged.commit()?;
    Ok((site, report))
}
