//! Tags: without a `[tags]` vocabulary, a tag used once in the whole archive is
//! likely a typo of another.

use std::collections::BTreeMap;

use super::{Finding, Spot, WarningKind};
use crate::content::{Issue, Tag};
use crate::site::Site;

pub(super) fn single_use_tags(site: &Site) -> Vec<Finding<'_>> {
    if site.config.tags.is_some() {
        return Vec::new();
    }
    let uses = tag_uses(site);
    let counts: BTreeMap<&str, usize> = uses.iter().map(|(s, v)| (*s, v.len())).collect();
    uses.iter()
        .filter(|(_, items)| items.len() == 1)
        .map(|(slug, items)| {
            let (issue, line, tag) = items[0];
            Finding::new(
                WarningKind::SingleUseTag,
                &issue.path,
                Spot::Item {
                    line,
                    needle: Some(format!("\"{}\"", tag.name)),
                },
                format!("tag `{}` is used only once in the whole archive", tag.name),
                single_use_hint(slug, &counts),
            )
        })
        .collect()
}

/// Every tag slug with where it is used: (issue, line of the item, the tag).
fn tag_uses(site: &Site) -> BTreeMap<&str, Vec<(&Issue, usize, &Tag)>> {
    let mut uses: BTreeMap<&str, Vec<(&Issue, usize, &Tag)>> = BTreeMap::new();
    for index in &site.link_tags {
        for &r in &index.items {
            let (issue, link) = site.link(r);
            let entry = uses.entry(index.tag.slug.as_str()).or_default();
            entry.push((issue, link.line, &index.tag));
        }
    }
    for index in &site.outage_tags {
        for &r in &index.items {
            let (issue, outage) = site.outage(r);
            let entry = uses.entry(index.tag.slug.as_str()).or_default();
            entry.push((issue, outage.line, &index.tag));
        }
    }
    uses
}

fn single_use_hint(slug: &str, counts: &BTreeMap<&str, usize>) -> String {
    let others: Vec<&str> = counts.keys().copied().filter(|t| *t != slug).collect();
    match close_tag(slug, &others) {
        Some(t) => format!(
            "did you mean `{t}` (used {} time{})?",
            counts[t],
            if counts[t] == 1 { "" } else { "s" }
        ),
        None => {
            "reuse an existing tag if one fits; a [tags] vocabulary in config.toml catches typos"
                .into()
        }
    }
}

/// The tag nearest `slug` by edit distance, if close enough to be a typo (1 edit, 2 for long tags).
fn close_tag<'t>(slug: &str, tags: &[&'t str]) -> Option<&'t str> {
    let limit = if slug.chars().count() > 6 { 2 } else { 1 };
    tags.iter()
        .map(|t| (strsim::damerau_levenshtein(slug, t), *t))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_tags_are_typos_only() {
        let tags = ["dns", "kubernetes", "tls"];
        assert_eq!(close_tag("dsn", &tags), Some("dns"));
        assert_eq!(close_tag("kubernets", &tags), Some("kubernetes"));
        assert_eq!(close_tag("ssl", &tags), None);
    }
}
