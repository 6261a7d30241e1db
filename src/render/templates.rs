//! The site's compiled Tera templates, and rendering one of them.
//!
//! Autoescape is on for HTML and XML. Errors name the template's file (a site
//! override, a theme file or the built-in theme) and suggest the nearest filter
//! for an unknown one.

use std::cell::RefCell;
use std::collections::BTreeMap;

use tera::{Context, Tera, Value};

use crate::error::{Error, Result};
use crate::theme::ThemeFiles;

/// The compiled templates of a site.
pub struct Templates {
    tera: Tera,
    /// A hash of every template's name, source and origin: pages depend on all of them.
    pub(super) fingerprint: u64,
    /// Template name → the file it came from, named in errors.
    origins: BTreeMap<String, String>,
}

/// Tera's built-in filters, for "did you mean" hints. Tera has no list of its filters
/// to ask, nor a structured "unknown filter" error: the tests below pin both this
/// list and the message text [`Templates::error`] reads, so an upgrade that changes
/// either fails a test instead of silently dropping the hint.
const FILTERS: [&str; 38] = [
    "safe",
    "wrap",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
];

/// `text | wrap(width=72, indent="   ")`: plain text wrapped at `width` columns (by
/// display width), each line after the first starting with `indent`. For text
/// templates such as `email.txt`; a word longer than the line (a URL) is not broken.
fn wrap(text: &str, kwargs: tera::Kwargs, _: &tera::State) -> tera::TeraResult<String> {
    let width = kwargs.get::<usize>("width")?.unwrap_or(72);
    let indent = kwargs.get::<&str>("indent")?.unwrap_or("");
    let options = textwrap::Options::new(width.max(1))
        .subsequent_indent(indent)
        .break_words(false);
    Ok(textwrap::fill(text, options))
}

impl Templates {
    /// Compiles the theme's templates (with the site's overrides). Autoescape is on for HTML and XML.
    pub fn compile(files: &ThemeFiles) -> Result<Templates> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml"]);
        tera.register_filter("safe", safe);
        tera.register_filter("wrap", wrap);
        let fingerprint = {
            crate::content::fingerprints().hash_one((&files.templates, &files.template_origins))
        };
        let templates = Templates {
            tera: Tera::new(),
            fingerprint,
            origins: files.template_origins.clone(),
        };
        tera.add_raw_templates(files.templates.iter())
            .map_err(|e| templates.error("compiling the templates".into(), &e))?;
        Ok(Templates { tera, ..templates })
    }

    /// Renders `template` for site path `path` into a string value for other templates
    /// (`safe`: printed without escaping).
    ///
    /// Tera renders into a buffer kept per thread, so it grows to the largest output
    /// once instead of doubling its way up for every one (at 5,000 issues, growing
    /// and page-faulting fresh buffers was a third of rendering); the value is then
    /// made straight from that buffer, its only copy.
    pub(super) fn render(
        &self,
        template: &str,
        ctx: &Context,
        path: &str,
        safe: bool,
    ) -> Result<Value> {
        thread_local! {
            static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        let render = |buffer: &mut Vec<u8>| {
            buffer.clear();
            self.render_to(template, ctx, path, buffer)?;
            let text = std::str::from_utf8(buffer)
                .map_err(|e| Error::Internal(format!("/{path} is not UTF-8: {e}")))?;
            Ok(if safe {
                Value::safe_string(text)
            } else {
                Value::normal_string(text)
            })
        };
        BUFFER.with(|cell| match cell.try_borrow_mut() {
            Ok(mut buffer) => render(&mut buffer),
            // Only if a render ever started another on the same thread.
            Err(_) => render(&mut Vec::new()),
        })
    }

    /// Renders `template` as the file for site path `path`.
    ///
    /// Unlike [`Templates::render`], the output is not copied or checked for UTF-8 (Tera
    /// writes only strings): it renders straight into the file's buffer, sized like the
    /// largest file this thread has rendered so it is rarely grown. That copy and
    /// check were ~3 % of a build's instructions.
    pub(crate) fn render_file(&self, template: &str, ctx: &Context, path: &str) -> Result<Vec<u8>> {
        thread_local! {
            static LARGEST: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
        }
        let mut bytes = Vec::with_capacity(LARGEST.get());
        self.render_to(template, ctx, path, &mut bytes)?;
        LARGEST.set(LARGEST.get().max(bytes.len()));
        Ok(bytes)
    }

    /// Renders `template` for site path `path`, appending to `out`.
    fn render_to(
        &self,
        template: &str,
        ctx: &Context,
        path: &str,
        out: &mut Vec<u8>,
    ) -> Result<()> {
        self.tera
            .render_to(template, ctx, out)
            .map_err(|e| self.error(format!("rendering /{path} with {template}"), &e))
    }

    /// Tera's report, plus which file the template came from and a hint for unknown filters.
    fn error(&self, context: String, err: &tera::Error) -> Error {
        let Error::Template {
            context,
            mut message,
        } = Error::template(context, err)
        else {
            return Error::template("rendering", err);
        };
        let named = message
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .and_then(|l| l.split(':').next());
        if let Some(origin) = named.and_then(|name| self.origins.get(name).map(|o| (name, o))) {
            message.push_str(&format!("\n  = note: `{}` is {}", origin.0, origin.1));
        }
        let unknown = message
            .split("Unknown filter `")
            .nth(1)
            .and_then(|r| r.split('`').next());
        if let Some(hint) = unknown.and_then(|f| crate::error::closest(f, &FILTERS)) {
            message.push_str(&format!("\n  = help: did you mean `{hint}`?"));
        }
        Error::Template { context, message }
    }
}

/// Tera's `safe`, without the copy: the built-in makes a new string of the value's text,
/// and themes mark every piece of rendered Markdown and every pre-rendered entry safe
/// (hundreds of megabytes copied at 5,000 issues). A string value is shared and only
/// flagged; anything else is printed and flagged, as the built-in does.
fn safe(value: Value, _: tera::Kwargs, _: &tera::State) -> Value {
    if value.is_string() {
        value.mark_safe()
    } else {
        Value::safe_string(&value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use tera::{Context, Tera};

    use super::{FILTERS, Templates};
    use crate::theme::ThemeFiles;

    fn compile(template: &str) -> crate::Result<Templates> {
        let files = ThemeFiles {
            templates: [("t.html".to_string(), template.to_string())].into(),
            template_origins: [("t.html".to_string(), "templates/t.html".to_string())].into(),
            statics: Default::default(),
        };
        Templates::compile(&files)
    }

    #[test]
    fn every_listed_filter_is_one_tera_knows() {
        for filter in FILTERS {
            if let Err(e) = compile(&format!("{{{{ 1 | {filter} }}}}")) {
                let message = e.to_string();
                assert!(!message.contains("Unknown filter"), "{filter}: {message}");
            }
        }
    }

    #[test]
    fn an_unknown_filter_gets_the_nearest_known_one_and_the_templates_file() {
        let message = match compile("{{ site.title | uper }}") {
            Err(e) => e.to_string(),
            Ok(_) => panic!("an unknown filter compiles"),
        };
        assert!(message.contains("Unknown filter `uper`"), "{message}");
        assert!(message.contains("did you mean `upper`?"), "{message}");
        assert!(
            message.contains("`t.html` is templates/t.html"),
            "{message}"
        );
    }

    #[test]
    fn safe_prints_strings_unescaped_and_other_values_as_text() {
        let mut tera = Tera::new();
        tera.autoescape_on([".html"]);
        tera.register_filter("safe", super::safe);
        tera.add_raw_template(
            "t.html",
            "{{ long | safe }}|{{ long }}|{{ short | safe }}|{{ n | safe }}|{{ list | safe }}",
        )
        .unwrap();
        let mut ctx = Context::new();
        let long = "<p>A paragraph of <em>rendered</em> Markdown &amp; more</p>";
        ctx.insert("long", long);
        ctx.insert("short", "<i>");
        ctx.insert("n", &5);
        ctx.insert("list", &["<a>"]);
        let out = tera.render("t.html", &ctx).unwrap();
        let escaped = long
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert_eq!(out, format!("{long}|{escaped}|<i>|5|[\"<a>\"]"));
    }
}
