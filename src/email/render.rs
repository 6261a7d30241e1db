//! The email's HTML and text parts, from the theme's `email.html` and `email.txt`.
//!
//! Mail clients drop `<style>` and `<link>` (Gmail, Outlook), block remote fonts and
//! scripts, and resolve no relative URL: so the HTML's `<style>` is moved into `style`
//! attributes with css-inline, and every `href` and `src` is made absolute against the
//! issue's web page. The text part's template gets each piece of Markdown as wrapped
//! plain text (html2text: lists, quotes and links kept readable).

use serde::Serialize;
use tera::Context;

use crate::content::Issue;
use crate::error::{Error, Result};
use crate::render::Templates;
use crate::render::views::Views;
use crate::site::Site;
use crate::urls;

/// Width of the plain-text part.
pub const TEXT_WIDTH: usize = 72;

/// What `email.html` and `email.txt` get as `email`.
#[derive(Serialize)]
struct EmailView {
    /// The issue on the web (absolute).
    web_url: String,
    /// The site's RSS feed (absolute).
    feed_url: String,
    /// `[email] footer` rendered from Markdown (HTML), and as text.
    footer_html: Option<String>,
    footer_text: Option<String>,
    /// `[email] unsubscribe`, verbatim (a URL or a mailer's merge tag).
    unsubscribe: Option<String>,
    /// The highlighting palette's light colours as CSS rules, for `<style>`.
    highlight_css: String,
    /// The issue's pieces of Markdown as wrapped text, for `email.txt`.
    text: TextView,
}

/// The issue's Markdown as plain text, wrapped at [`TEXT_WIDTH`].
#[derive(Serialize)]
struct TextView {
    intro: String,
    sponsors: Vec<String>,
    /// Commentary of each link, in order.
    links: Vec<String>,
    /// Commentary of each outage, in order.
    outages: Vec<String>,
}

/// The email's HTML (styles inline, URLs absolute) and text.
pub fn email(site: &Site, issue: &Issue) -> Result<(String, String)> {
    let files = crate::theme::load(&site.config)?;
    let templates = Templates::compile(&files)?;
    let views = Views::new(site);
    let web_url = site.config.permalink(&urls::issue(issue.number));
    let email = &site.config.email;
    let web = web_url.as_str();
    let verbatim: Vec<&str> = email.unsubscribe.as_deref().into_iter().collect();
    let text = |html: &str| text(&absolute_urls(html, web, &verbatim));
    let footer = email
        .footer
        .as_deref()
        .map(|md| crate::markdown::render(md, site.config.markdown(), "footer-").html);
    let view = EmailView {
        feed_url: site.config.permalink(urls::RSS),
        footer_text: footer.as_deref().map(&text),
        footer_html: footer,
        unsubscribe: email.unsubscribe.clone(),
        // Mail clients show the HTML on the white it sets, in dark mode too: one set of
        // colours, no `prefers-color-scheme` block for a client to half-apply.
        highlight_css: crate::highlight::light_css(),
        text: TextView {
            intro: text(&issue.intro_html),
            sponsors: issue.sponsors.iter().map(|s| text(&s.html)).collect(),
            links: issue
                .links
                .iter()
                .map(|l| text(&l.commentary.html))
                .collect(),
            outages: issue
                .outages
                .iter()
                .map(|o| text(&o.commentary_html))
                .collect(),
        },
        web_url: web_url.clone(),
    };
    let mut ctx = Context::new();
    ctx.insert("site", &views.site());
    ctx.insert("issue", &views.issue(issue));
    ctx.insert("email", &view);
    let path = format!("email/{}", issue.number);
    let render = |template: &str| -> Result<String> {
        let bytes = templates.render_file(template, &ctx, &path)?;
        String::from_utf8(bytes)
            .map_err(|e| Error::Internal(format!("{template} is not UTF-8: {e}")))
    };
    let html = inline_styles(&render("email.html")?)?;
    let html = absolute_urls(&html, &web_url, &verbatim);
    Ok((html, render("email.txt")?))
}

/// `html` as wrapped plain text; links become numbered references listed after it.
fn text(html: &str) -> String {
    if html.trim().is_empty() {
        return String::new();
    }
    html2text::from_read(html.as_bytes(), TEXT_WIDTH)
        .unwrap_or_else(|_| crate::html::text(html))
        .trim_end()
        .to_string()
}

/// Moves the `<style>` rules into `style` attributes and drops the `<style>` element.
fn inline_styles(html: &str) -> Result<String> {
    let inliner = css_inline::CSSInliner::options()
        .keep_style_tags(false)
        .keep_link_tags(false)
        .load_remote_stylesheets(false)
        .build();
    inliner
        .inline(html)
        .map_err(|e| Error::Email(format!("email.html: cannot inline its styles: {e}")))
}

/// Every relative `href` and `src` of `html` made absolute against `page`; links
/// within the message (`#footnote`) point at the same place on the web page. Values
/// in `verbatim` (the unsubscribe merge tag) are left as written.
fn absolute_urls(html: &str, page: &str, verbatim: &[&str]) -> String {
    let Ok(base) = url::Url::parse(page) else {
        return html.to_string();
    };
    let mut out = html.to_string();
    for attr in ["href", "src"] {
        for value in crate::html::attribute_values(html, attr) {
            if url::Url::parse(&value).is_ok() || verbatim.contains(&value.as_str()) {
                continue; // absolute already (https:, mailto:, a merge tag's scheme)
            }
            let Ok(absolute) = base.join(&value) else {
                continue;
            };
            for quote in ['"', '\''] {
                let escaped = crate::markdown::escape_html(&value);
                let new = format!(
                    "{attr}={quote}{}{quote}",
                    crate::markdown::escape_html(absolute.as_str())
                );
                for old in [&value, &escaped] {
                    out = out.replace(&format!("{attr}={quote}{old}{quote}"), &new);
                }
            }
        }
    }
    out
}
