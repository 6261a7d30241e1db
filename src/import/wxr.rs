//! A WordPress export (WXR 1.0, 1.1 or 1.2) item → a [`Post`].
//!
//! WXR is RSS 2.0 plus WordPress's own elements. What an item is comes from
//! `wp:post_type` (only `post` is an issue: pages, attachments, menu items and the
//! block editor's internal types are skipped) and `wp:status` (`publish` and `future`
//! are imported, `private` as a draft, the rest skipped). Dates come from
//! `wp:post_date` (the site's local time) and `wp:post_date_gmt`, whose difference is
//! the site's offset on that day, which the issue keeps.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

use super::xml::{Ns, Record};
use super::{Disposition, Post};

/// The old site's address: `wp:base_blog_url`, `wp:base_site_url`, or the channel link.
pub fn site_url(channel: &Record) -> Option<String> {
    channel
        .get(Ns::Wp, "base_blog_url")
        .or_else(|| channel.get(Ns::Wp, "base_site_url"))
        .or_else(|| channel.get(Ns::None, "link"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The post an item describes, and whether it becomes an issue.
pub fn post(item: &Record) -> Post {
    let text = |name: &str| item.get(Ns::Wp, name).unwrap_or("").trim();
    let title = item.get(Ns::None, "title").unwrap_or("").trim().to_string();
    let kind = text("post_type");
    let status = text("status");
    let password = !text("post_password").is_empty();
    let disposition = match (kind, status) {
        ("post" | "", _) if password => Disposition::Draft("password-protected"),
        ("post" | "", "private") => Disposition::Draft("private"),
        ("post" | "", "publish" | "future") => Disposition::Publish,
        ("post" | "", "trash") => Disposition::Skip("in the trash".into()),
        ("post" | "", "draft" | "pending" | "auto-draft" | "") => {
            Disposition::Skip("a draft".into())
        }
        ("post" | "", other) => Disposition::Skip(format!("status `{other}`")),
        ("page", _) => Disposition::Skip("a page".into()),
        ("attachment", _) => Disposition::Skip("an attachment".into()),
        ("nav_menu_item", _) => Disposition::Skip("a menu item".into()),
        (other, _) => Disposition::Skip(format!("post type `{other}`")),
    };
    let categories = item
        .all(Ns::None, "category")
        .filter(|c| matches!(c.attr("domain"), None | Some("category" | "post_tag")))
        .map(|c| c.text.trim().to_string())
        .filter(|c| !c.is_empty() && c != "Uncategorized")
        .collect();
    let id = item
        .get(Ns::None, "guid")
        .or_else(|| item.get(Ns::Wp, "post_id"))
        .unwrap_or("")
        .trim()
        .to_string();
    Post {
        id,
        title,
        link: item.get(Ns::None, "link").map(|s| s.trim().to_string()),
        date: date(text("post_date"), text("post_date_gmt"))
            .or_else(|| super::feed::rfc2822(item.get(Ns::None, "pubDate").unwrap_or(""))),
        disposition,
        html: item.get(Ns::Content, "encoded").unwrap_or("").to_string(),
        categories,
        wordpress: true,
    }
}

/// `2016-10-23 10:00:00` local and `2016-10-23 14:00:00` GMT → 10:00 at -04:00.
/// Without a GMT time (drafts have `0000-00-00 00:00:00`), the local time as UTC.
fn date(local: &str, gmt: &str) -> Option<jiff::Zoned> {
    let local: DateTime = local.parse().ok()?;
    let offset = gmt
        .parse::<DateTime>()
        .ok()
        .and_then(|gmt| local.duration_since(gmt).as_secs().try_into().ok())
        .and_then(|secs: i32| Offset::from_seconds(secs).ok())
        .unwrap_or(Offset::UTC);
    let tz = TimeZone::fixed(offset);
    local.to_zoned(tz).ok()
}
