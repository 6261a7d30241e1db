//! Issue numbers for imported posts: the number in the title (`#45`, `Issue 45`)
//! when there is one, else the posts' order by date after the highest number the site
//! or the import already has. A number that is taken is never reused: that post is
//! skipped and listed.

use std::collections::BTreeMap;

use super::summary::{Skipped, Summary};
use super::{Candidate, Existing};

/// The first `#123` or `Issue 123` (`Issue #123`, `issue no. 123`) in a title.
pub fn from_title(title: &str) -> Option<u32> {
    let lower = title.to_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let after = if bytes[i] == b'#' {
            Some(i + 1)
        } else if lower[i..].starts_with("issue")
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
        {
            let rest = &lower[i + 5..];
            let skipped = rest.len()
                - rest
                    .trim_start_matches([' ', '#', ':'])
                    .trim_start_matches("no.")
                    .trim_start_matches("no ")
                    .trim_start()
                    .len();
            (skipped > 0).then_some(i + 5 + skipped)
        } else {
            None
        };
        if let Some(start) = after {
            let digits: String = lower[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(n) = digits.parse::<u32>()
                && n > 0
            {
                return Some(n);
            }
        }
        i += lower[i..].chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Numbers every candidate post; the ones whose number is taken go to `summary`.
pub(super) fn assign(
    posts: Vec<Candidate>,
    existing: &Existing,
    summary: &mut Summary,
) -> Vec<(u32, Candidate)> {
    let mut taken: BTreeMap<u32, String> = existing
        .numbers
        .iter()
        .map(|(n, p)| (*n, p.display().to_string()))
        .collect();
    let highest = posts
        .iter()
        .filter_map(|c| c.titled)
        .chain([existing.highest()])
        .max()
        .unwrap_or(0);
    let (titled, mut untitled): (Vec<_>, Vec<_>) =
        posts.into_iter().partition(|c| c.titled.is_some());
    // Oldest first; posts without a date keep their place at the end, in file order.
    untitled.sort_by(|a, b| match (&a.post.date, &b.post.date) {
        (Some(x), Some(y)) => x.timestamp().cmp(&y.timestamp()),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut out = Vec::new();
    for c in titled {
        let Some(n) = c.titled else { continue };
        if let Some(by) = taken.get(&n) {
            let reason = format!("number #{n} is taken by {by}");
            summary.skipped.push(Skipped::new(&c.post, &reason));
            continue;
        }
        taken.insert(n, format!("the post \u{201c}{}\u{201d}", c.post.title));
        out.push((n, c));
    }
    let mut next = highest;
    for c in untitled {
        let Some(n) = next.checked_add(1) else {
            summary.skipped.push(Skipped::new(
                &c.post,
                "no issue number is left after the highest",
            ));
            continue;
        };
        next = n;
        taken.insert(n, c.post.title.clone());
        out.push((n, c));
    }
    out.sort_by_key(|(n, _)| *n);
    out
}

#[cfg(test)]
mod tests {
    use super::from_title;

    #[test]
    fn numbers_in_titles() {
        assert_eq!(from_title("SRE Weekly Issue #45"), Some(45));
        assert_eq!(from_title("Issue 12: DNS week"), Some(12));
        assert_eq!(from_title("This Week in Rust 500"), None);
        assert_eq!(from_title("issue no. 7"), Some(7));
        assert_eq!(from_title("Tissue 3"), None);
        assert_eq!(from_title("#0 and then #4"), Some(4));
        assert_eq!(from_title("Café #9"), Some(9));
    }
}
