//! Numbering and dates: issues numbered out of date order or with gaps, two issues
//! on one date, published issues dated in the future, and outages dated after the
//! issue covering them.

use jiff::civil::Date;

use super::{Finding, Spot, WarningKind, oldest_first, short_path};
use crate::content::Issue;
use crate::site::Site;

/// Two issues (drafts aside) that go out on the same day: usually a date copied
/// from the previous issue and not changed.
pub(super) fn same_dates(site: &Site) -> Vec<Finding<'_>> {
    let mut first: std::collections::HashMap<Date, &Issue> = std::collections::HashMap::new();
    let mut found = Vec::new();
    for issue in oldest_first(site).filter(|i| !i.draft) {
        let Some(earlier) = first.get(&issue.date) else {
            first.insert(issue.date, issue);
            continue;
        };
        found.push(Finding::new(
            WarningKind::SameDate,
            &issue.path,
            Spot::At(issue.at.date),
            format!(
                "issue #{} has the same date, {}, as issue #{} ({})",
                issue.number,
                issue.date,
                earlier.number,
                short_path(&site.config, &earlier.path)
            ),
            "each issue goes out on its own day: fix the date of one of them".into(),
        ));
    }
    found
}

pub(super) fn number_date_order(site: &Site) -> Vec<Finding<'_>> {
    let issues: Vec<&Issue> = oldest_first(site).collect();
    issues
        .windows(2)
        .filter(|w| w[1].date < w[0].date)
        .map(|w| {
            let (lower, higher) = (w[0], w[1]);
            Finding::new(
                WarningKind::NumberDateOrder,
                &higher.path,
                Spot::At(higher.at.date),
                format!(
                    "issue #{} is dated {}, before issue #{} of {} ({})",
                    higher.number,
                    higher.date,
                    lower.number,
                    lower.date,
                    short_path(&site.config, &lower.path)
                ),
                "issues are numbered in the order they go out: fix the date or the number of one of them".into(),
            )
        })
        .collect()
}

pub(super) fn number_gaps(site: &Site) -> Vec<Finding<'_>> {
    let issues: Vec<&Issue> = oldest_first(site).collect();
    issues
        .windows(2)
        .filter(|w| w[1].number > w[0].number + 1)
        .map(|w| {
            let (from, to) = (w[0].number, w[1].number);
            let missing = if to - from == 2 {
                format!("issue #{} is missing", from + 1)
            } else {
                format!("issues #{} to #{} are missing", from + 1, to - 1)
            };
            Finding::new(
                WarningKind::NumberGap,
                &w[1].path,
                Spot::At(w[1].at.number),
                format!("{missing}: the numbers jump from #{from} to #{to}"),
                "renumber the issues, or add the missing one".into(),
            )
        })
        .collect()
}

/// Only when `publish_future` is on: otherwise an issue dated in the future is
/// scheduled, left out of the build until its day, which is no problem.
pub(super) fn future_dates(site: &Site, today: Date) -> Vec<Finding<'_>> {
    if !site.config.publish_future {
        return Vec::new();
    }
    site.issues
        .iter()
        .filter(|i| !i.draft && i.date > today)
        .map(|i| {
            Finding::new(
                WarningKind::FutureDate,
                &i.path,
                Spot::At(i.at.date),
                format!(
                    "issue #{} is dated {}, in the future, but is not a draft",
                    i.number, i.date
                ),
                "fix the date, add `draft = true` until the issue goes out, or remove `publish_future = true` to publish it on its day".into(),
            )
        })
        .collect()
}

/// Outages dated after the issue that covers them: a typo in one of the two dates
/// (an issue reports what already happened).
pub(super) fn outages_after_their_issue(site: &Site) -> Vec<Finding<'_>> {
    let mut found = Vec::new();
    for issue in &site.issues {
        for outage in &issue.outages {
            let Some(date) = outage.date.filter(|d| *d > issue.date) else {
                continue;
            };
            found.push(Finding::new(
                WarningKind::OutageAfterIssue,
                &issue.path,
                Spot::Item {
                    line: outage.line,
                    needle: Some(format!("date = {date}")),
                },
                format!(
                    "the outage of `{}` is dated {date}, after this issue's date ({})",
                    outage.service, issue.date
                ),
                "an issue covers outages that already happened: fix the outage's date or the issue's".into(),
            ));
        }
    }
    found
}
