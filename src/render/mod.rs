//! Rendering the site model through Tera into output files.
//!
//! Templates are compiled once. Each issue's body (`issue_content.html`) is
//! rendered once and reused by the issue page, the home page and the feeds.
//! Pages are independent, so they render in parallel.

pub mod views;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::error::{Error, Result};
use crate::feeds;
use crate::output::Output;
use crate::site::Site;
use crate::theme::ThemeFiles;
use views::{Views, paths};

/// How many issues the home page lists after the latest one.
const RECENT_ISSUES: usize = 10;

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

/// One page to render: where it goes, with which template, and its own variables.
struct PageJob {
    path: String,
    template: &'static str,
    kind: &'static str,
    title: String,
    description: String,
    extra_feed: Option<(String, String)>,
    ctx: Context,
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

    let jobs = page_jobs(site, &views, &contents);
    let mut outputs = jobs
        .into_par_iter()
        .map(|job| render_page(site, templates, &base, job))
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

/// Every HTML page of the site, in a fixed order.
fn page_jobs<'a>(site: &'a Site, views: &Views<'a>, contents: &[String]) -> Vec<PageJob> {
    let c = &site.config;
    let mut jobs = Vec::new();

    let mut ctx = Context::new();
    ctx.insert("latest", &site.issues.first().map(|i| views.issue(i)));
    ctx.insert("latest_html", contents.first().map_or("", String::as_str));
    let recent: Vec<_> = site
        .issues
        .iter()
        .skip(1)
        .take(RECENT_ISSUES)
        .map(|i| views.summary(i))
        .collect();
    ctx.insert("recent", &recent);
    jobs.push(PageJob::new(
        String::new(),
        "index.html",
        "home",
        c.title.clone(),
        c.description.clone(),
        ctx,
    ));

    let mut ctx = Context::new();
    ctx.insert("years", &views.years());
    ctx.insert("issue_count", &site.issues.len());
    jobs.push(PageJob::new(
        "issues/".into(),
        "archive.html",
        "archive",
        "All issues".into(),
        format!("Every issue of {}, newest first.", c.title),
        ctx,
    ));

    for (i, issue) in site.issues.iter().enumerate() {
        let mut ctx = Context::new();
        ctx.insert("issue", &views.issue(issue));
        ctx.insert("content_html", &contents[i]);
        ctx.insert("prev", &site.issues.get(i + 1).map(|p| views.summary(p)));
        ctx.insert(
            "next",
            &i.checked_sub(1).map(|n| views.summary(&site.issues[n])),
        );
        jobs.push(PageJob::new(
            paths::issue(issue.number),
            "issue.html",
            "issue",
            issue.title.clone(),
            issue.summary.clone(),
            ctx,
        ));
    }

    let outage_tags: Vec<_> = site
        .outage_tags
        .iter()
        .map(|t| views.outage_tag(t))
        .collect();
    let services: Vec<_> = site.services.iter().map(|s| views.service(s)).collect();
    let mut ctx = Context::new();
    ctx.insert(
        "outages",
        &site
            .outages
            .iter()
            .map(|&r| views.outage_entry(r))
            .collect::<Vec<_>>(),
    );
    ctx.insert("tags", &outage_tags);
    ctx.insert("services", &services);
    jobs.push(PageJob::new(
        "outages/".into(),
        "outages.html",
        "outages",
        "Outages".into(),
        format!("Every outage covered in {}, newest first.", c.title),
        ctx,
    ));

    let mut ctx = Context::new();
    ctx.insert("tags", &outage_tags);
    jobs.push(PageJob::new(
        "outages/tags/".into(),
        "outage_tags.html",
        "outage_tags",
        "Outages by tag".into(),
        "Outages grouped by tag, each with its own RSS feed.".into(),
        ctx,
    ));

    let mut ctx = Context::new();
    ctx.insert("services", &services);
    jobs.push(PageJob::new(
        "outages/services/".into(),
        "services.html",
        "services",
        "Outages by service".into(),
        "Every service with an outage, and its history.".into(),
        ctx,
    ));

    let link_tags: Vec<_> = site.link_tags.iter().map(|t| views.link_tag(t)).collect();
    let mut ctx = Context::new();
    ctx.insert("tags", &link_tags);
    jobs.push(PageJob::new(
        "tags/".into(),
        "tags.html",
        "tags",
        "Tags".into(),
        "Links grouped by tag.".into(),
        ctx,
    ));

    for (t, counted) in site.outage_tags.iter().zip(&outage_tags) {
        let mut ctx = Context::new();
        ctx.insert("tag", counted);
        ctx.insert(
            "outages",
            &t.items
                .iter()
                .map(|&r| views.outage_entry(r))
                .collect::<Vec<_>>(),
        );
        let title = format!("{} outages", t.tag.name);
        jobs.push(PageJob {
            path: paths::outage_tag(&t.tag.slug),
            template: "outage_tag.html",
            kind: "outage_tag",
            description: format!("Every {} outage covered in {}.", t.tag.name, c.title),
            extra_feed: Some((
                format!("{title} — {}", c.title),
                c.href(&paths::outage_tag_feed(&t.tag.slug)),
            )),
            title,
            ctx,
        });
    }
    for (s, counted) in site.services.iter().zip(&services) {
        let mut ctx = Context::new();
        ctx.insert("service", counted);
        ctx.insert(
            "outages",
            &s.outages
                .iter()
                .map(|&r| views.outage_entry(r))
                .collect::<Vec<_>>(),
        );
        jobs.push(PageJob::new(
            paths::service(&s.slug),
            "service.html",
            "service",
            format!("{} outages", s.name),
            format!("Every {} outage covered in {}.", s.name, c.title),
            ctx,
        ));
    }
    for (t, counted) in site.link_tags.iter().zip(&link_tags) {
        let mut ctx = Context::new();
        ctx.insert("tag", counted);
        ctx.insert(
            "links",
            &t.items
                .iter()
                .map(|&r| views.link_entry(r))
                .collect::<Vec<_>>(),
        );
        jobs.push(PageJob::new(
            paths::link_tag(&t.tag.slug),
            "tag.html",
            "tag",
            format!("Links tagged {}", t.tag.name),
            format!("Every link about {} in {}.", t.tag.name, c.title),
            ctx,
        ));
    }
    for page in &site.pages {
        let mut ctx = Context::new();
        let url = c.href(&paths::page(&page.slug));
        ctx.insert(
            "page",
            &serde_json::json!({ "title": page.title, "html": page.html, "url": url }),
        );
        jobs.push(PageJob::new(
            paths::page(&page.slug),
            "page.html",
            "page",
            page.title.clone(),
            page.description.clone(),
            ctx,
        ));
    }
    jobs.push(PageJob::new(
        "404.html".into(),
        "404.html",
        "404",
        "Page not found".into(),
        String::new(),
        Context::new(),
    ));
    jobs
}

impl PageJob {
    fn new(
        path: String,
        template: &'static str,
        kind: &'static str,
        title: String,
        description: String,
        ctx: Context,
    ) -> Self {
        PageJob {
            path,
            template,
            kind,
            title,
            description,
            extra_feed: None,
            ctx,
        }
    }
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
