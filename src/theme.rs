//! Where templates and static assets come from: the built-in default theme,
//! a theme folder, and the site's own overrides, in that order of precedence.
//!
//! The default theme is embedded in the binary so a site needs no `themes/`
//! folder. A site's `templates/x.html` replaces the theme's `x.html`, file by
//! file; its `static/` files are copied over the theme's.

use std::collections::BTreeMap;
use std::path::Path;

use rust_embed::RustEmbed;

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};

#[derive(RustEmbed)]
#[folder = "themes/default/"]
struct DefaultTheme;

/// A file of the theme or site, with where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct Source {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Where it came from: a path such as `templates/404.html`, or the built-in theme.
    pub origin: String,
}

/// Files by path relative to their root (`issue.html`, `style.css`), later sources winning.
pub type Files = BTreeMap<String, Source>;

/// The theme's templates and static files, with the site's overrides applied.
pub struct ThemeFiles {
    /// Template name → source text.
    pub templates: BTreeMap<String, String>,
    /// Template name → where it came from.
    pub template_origins: BTreeMap<String, String>,
    /// Output path → file.
    pub statics: Files,
}

/// Gathers templates and static files for `config`'s site and theme.
pub fn load(config: &Config) -> Result<ThemeFiles> {
    let mut templates = Files::new();
    let mut statics = Files::new();
    for file in DefaultTheme::iter() {
        let Some(data) = DefaultTheme::get(&file) else {
            continue;
        };
        let source = |name: &str| Source {
            bytes: data.data.to_vec(),
            origin: format!("{name} of the built-in default theme"),
        };
        if let Some(name) = file.strip_prefix("templates/") {
            templates.insert(name.to_string(), source(name));
        } else if let Some(name) = file.strip_prefix("static/") {
            statics.insert(name.to_string(), source(name));
        }
    }
    let theme_dir = config.root.join("themes").join(&config.theme);
    if theme_dir.is_dir() {
        read_tree(&config.root, &theme_dir.join("templates"), &mut templates)?;
        read_tree(&config.root, &theme_dir.join("static"), &mut statics)?;
    } else if config.theme != "default" {
        let d = Diagnostic::file(
            &config.root.join("config.toml"),
            format!(
                "theme `{}` not found at {}",
                config.theme,
                theme_dir.display()
            ),
        )
        .with_hint("remove `theme` to use the built-in default theme, or create the theme folder");
        return Err(Error::Content(vec![d]));
    }
    read_tree(&config.root, &config.root.join("templates"), &mut templates)?;
    read_tree(&config.root, &config.root.join("static"), &mut statics)?;
    if config.minify {
        minify_stylesheets(&mut statics);
    }
    let template_origins = templates
        .iter()
        .map(|(n, s)| (n.clone(), s.origin.clone()))
        .collect();
    let templates = templates
        .into_iter()
        .map(|(name, src)| match String::from_utf8(src.bytes) {
            Ok(s) => Ok((name, s)),
            Err(_) => Err(Error::Content(vec![
                Diagnostic::file(Path::new(&src.origin), "template is not valid UTF-8")
                    .with_hint("save the template with UTF-8 encoding"),
            ])),
        })
        .collect::<Result<_>>()?;
    Ok(ThemeFiles {
        templates,
        template_origins,
        statics,
    })
}

/// Minifies every `.css` file: the default theme's stylesheet is written to be read
/// (comments, one declaration a line), and a fifth of an issue page's weight was its
/// spaces. A file the minifier cannot read is kept as it is: an optimization never
/// fails a build.
fn minify_stylesheets(statics: &mut Files) {
    for (name, file) in statics.iter_mut() {
        if !name.ends_with(".css") {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&file.bytes) else {
            continue;
        };
        if let Ok(minified) = minifier::css::minify(text) {
            file.bytes = minified.to_string().trim_start().as_bytes().to_vec();
        }
    }
}

/// Adds every file under `dir` to `files`, keyed by its `/`-separated relative path.
/// Links that leave the site are refused (see [`crate::sources`]).
fn read_tree(root: &Path, dir: &Path, files: &mut Files) -> Result<()> {
    for path in crate::sources::files(root, dir)? {
        let rel = path.strip_prefix(dir).unwrap_or(&path);
        let key = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let bytes = std::fs::read(&path).map_err(|e| Error::io("cannot read", &path, e))?;
        let origin = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .display()
            .to_string();
        files.insert(key, Source { bytes, origin });
    }
    Ok(())
}
