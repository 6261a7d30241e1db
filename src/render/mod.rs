//! Rendering the site model through Tera into output files.
//!
//! Templates are compiled once. Each issue's body (`issue_content.html`) is
//! rendered once and reused by the issue page, the home page and the feeds.
//! Pages are independent, so they render in parallel.

pub mod pages;
pub mod views;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::error::{Error, Result};
use crate::feeds;
use crate::output::Output;
use crate::site::Site;
use crate::theme::ThemeFiles;
use pages::PageJob;
use views::{Views, paths};

/// The compiled templates of a site.
pub struct Templates {
    tera: Tera,
}

impl Templates {
    /// Compiles the theme's templates (with the site's overrides). Autoescape is on for HTML and XML.
    pub fn compile(files: &ThemeFiles) -> Result<Templates> {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml"]);
        tera.add_raw_templates(files.templates.iter())
            .map_err(|e| Error::template("compiling the theme's templates", &e))?;
        Ok(Templates { tera })
    }

    fn render(&self, template: &str, ctx: &Context, path: &str) -> Result<String> {
        self.tera
            .render(template, ctx)
            .map_err(|e| Error::template(format!("rendering /{path} with {template}"), &e))
    }
}

/// Renders every page, feed and static file of `site`.
pub fn render(
    site: &Site,
    templates: &Templates,
    statics: &crate::theme::Files,
) -> Result<Vec<Output>> {
    let views = Views::new(site);
    let mut base = Context::new();
    base.insert("site", &views.site());
    let contents = site
        .issues
        .par_iter()
        .map(|issue| {
            let mut ctx = base.clone();
            ctx.insert("issue", &views.issue(issue));
            templates.render("issue_content.html", &ctx, &paths::issue(issue.number))
        })
        .collect::<Result<Vec<String>>>()?;

    let mut outputs = pages::all(site)
        .into_par_iter()
        .map(|page| render_page(site, templates, &base, page.job(&views, &contents)))
        .collect::<Result<Vec<Output>>>()?;
    outputs.push(sitemap(site, &views, templates, &base)?);
    outputs.push(Output::new(
        "robots.txt",
        templates.render(
            "robots.txt",
            &with(&base, "sitemap_url", &site.config.permalink("sitemap.xml")),
            "robots.txt",
        )?,
    ));
    outputs.extend(feeds::render(site, &contents)?);
    outputs.extend(
        statics
            .iter()
            .map(|(path, bytes)| Output::new(path, bytes.clone())),
    );
    Ok(outputs)
}

fn with<T: Serialize + ?Sized>(base: &Context, key: &'static str, value: &T) -> Context {
    let mut ctx = base.clone();
    ctx.insert(key, value);
    ctx
}

fn render_page(site: &Site, templates: &Templates, base: &Context, job: PageJob) -> Result<Output> {
    let mut ctx = base.clone();
    ctx.extend(job.ctx);
    ctx.insert("kind", job.kind);
    ctx.insert("page_title", &job.title);
    ctx.insert("description", &job.description);
    ctx.insert("canonical", &site.config.permalink(&job.path));
    ctx.insert(
        "og_type",
        if job.kind == "issue" {
            "article"
        } else {
            "website"
        },
    );
    let extra_feed = job
        .extra_feed
        .map(|(title, url)| serde_json::json!({ "title": title, "url": url }));
    ctx.insert("extra_feed", &extra_feed);
    let file = if job.path.is_empty() || job.path.ends_with('/') {
        format!("{}index.html", job.path)
    } else {
        job.path.clone()
    };
    Ok(Output::new(
        &file,
        templates.render(job.template, &ctx, &job.path)?,
    ))
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// `sitemap.xml`: every HTML page but the 404, with issue dates as `lastmod`.
fn sitemap(site: &Site, views: &Views, templates: &Templates, base: &Context) -> Result<Output> {
    let c = &site.config;
    let latest = site.issues.first().map(|i| i.date.to_string());
    let mut urls = vec![SitemapUrl {
        loc: c.permalink(""),
        lastmod: latest.clone(),
    }];
    let listed = [
        "issues/",
        "outages/",
        "outages/tags/",
        "outages/services/",
        "tags/",
    ];
    urls.extend(listed.iter().map(|p| SitemapUrl {
        loc: c.permalink(p),
        lastmod: latest.clone(),
    }));
    for issue in &site.issues {
        urls.push(SitemapUrl {
            loc: views.summary(issue).permalink,
            lastmod: Some(issue.date.to_string()),
        });
    }
    let newest = |items: &[crate::site::ItemRef]| {
        // Issues are newest first, so the lowest issue index is the newest issue listed.
        items
            .iter()
            .map(|r| r.issue)
            .min()
            .map(|i| site.issues[i].date.to_string())
    };
    urls.extend(site.outage_tags.iter().map(|t| SitemapUrl {
        loc: c.permalink(&paths::outage_tag(&t.tag.slug)),
        lastmod: newest(&t.items),
    }));
    urls.extend(site.services.iter().map(|s| SitemapUrl {
        loc: c.permalink(&paths::service(&s.slug)),
        lastmod: newest(&s.outages),
    }));
    urls.extend(site.link_tags.iter().map(|t| SitemapUrl {
        loc: c.permalink(&paths::link_tag(&t.tag.slug)),
        lastmod: newest(&t.items),
    }));
    urls.extend(site.pages.iter().map(|p| SitemapUrl {
        loc: c.permalink(&paths::page(&p.slug)),
        lastmod: None,
    }));
    Ok(Output::new(
        "sitemap.xml",
        templates.render("sitemap.xml", &with(base, "urls", &urls), "sitemap.xml")?,
    ))
}
