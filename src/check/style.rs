//! Style, each rule switched by `[check]` in config.toml: links without commentary,
//! outages without tags.

use super::{Finding, Spot, WarningKind};
use crate::site::Site;

pub(super) fn links_without_commentary(site: &Site) -> Vec<Finding<'_>> {
    if !site.config.check.link_commentary {
        return Vec::new();
    }
    let mut found = Vec::new();
    for issue in &site.issues {
        for link in issue
            .links
            .iter()
            .filter(|l| l.commentary.html.trim().is_empty())
        {
            found.push(Finding::new(
                WarningKind::NoCommentary,
                &issue.path,
                Spot::Item {
                    line: link.line,
                    needle: None,
                },
                format!("the link \"{}\" has no commentary", link.title),
                "add `commentary = \"…\"` saying why it is worth reading, or set `link_commentary = false` under [check] in config.toml".into(),
            ));
        }
    }
    found
}

pub(super) fn outages_without_tags(site: &Site) -> Vec<Finding<'_>> {
    if !site.config.check.outage_tags {
        return Vec::new();
    }
    let mut found = Vec::new();
    for issue in &site.issues {
        for outage in issue.outages.iter().filter(|o| o.tags.is_empty()) {
            found.push(Finding::new(
                WarningKind::UntaggedOutage,
                &issue.path,
                Spot::Item {
                    line: outage.line,
                    needle: None,
                },
                format!("the outage of `{}` has no tags", outage.service),
                outage_tags_hint(site, &outage.service_slug),
            ));
        }
    }
    found
}

/// Suggests the tags earlier outages of the same service carry.
fn outage_tags_hint(site: &Site, service: &str) -> String {
    let mut tags: Vec<&str> = site
        .services
        .iter()
        .filter(|s| s.slug == service)
        .flat_map(|s| &s.outages)
        .flat_map(|&r| &site.outage(r).1.tags)
        .map(|t| t.slug.as_str())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    let off = "or set `outage_tags = false` under [check] in config.toml";
    if tags.is_empty() {
        format!("add tags such as `tags = [\"dns\"]` so it is listed by cause, {off}")
    } else {
        format!(
            "other outages of this service are tagged {}: add `tags = [\"{}\"]`, {off}",
            tags.join(", "),
            tags.join("\", \"")
        )
    }
}
