//! Raw HTML that swallows the rest of the page.
//!
//! Markdown passes raw HTML through. An unclosed `<!--` hides everything after it,
//! and the browser reads everything after an unclosed `<textarea>`, `<title>`,
//! `<style>`, `<script>` (and the rarer `<xmp>`, `<iframe>`, `<noembed>`,
//! `<noframes>`) as that element's text, up to a closing tag that never comes;
//! `<plaintext>` has no closing tag at all. The page then silently ends there.
//! The rendered HTML is what is checked: with `safe_html = true` these elements
//! are removed before they reach a page, and a tag in a code span is escaped.

use super::links::MarkdownPiece;
use super::{Finding, WarningKind};

/// Elements whose content the HTML parser reads as text until their closing tag.
const SWALLOWING: [&str; 9] = [
    "textarea",
    "title",
    "style",
    "script",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

pub(super) fn unclosed_raw_html<'a>(pieces: &[MarkdownPiece<'a>]) -> Vec<Finding<'a>> {
    let mut found = Vec::new();
    for piece in pieces {
        if let Some((opener, closer)) = unclosed(piece.html) {
            let hint = match closer {
                Some(closer) => format!(
                    "close it with `{closer}`, or to show the tag as text put it in backticks (`{opener}`)"
                ),
                None => format!(
                    "remove it, or to show the tag as text put it in backticks (`{opener}`)"
                ),
            };
            found.push(Finding::new(
                WarningKind::UnclosedHtml,
                piece.path,
                piece.spot(opener),
                format!("`{opener}` is never closed, so it swallows the rest of the page"),
                hint,
            ));
        }
    }
    found
}

/// The first opener in `html` with no closer after it, as written, and the closer needed.
fn unclosed(html: &str) -> Option<(&str, Option<String>)> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find('<').map(|i| from + i) {
        from = i + 1;
        let rest = &lower[i + 1..];
        if rest.starts_with("!--") {
            match rest.find("-->") {
                Some(end) => from = i + 1 + end,
                None => return Some((&html[i..i + 4], Some("-->".into()))),
            }
            continue;
        }
        let Some(name) = SWALLOWING.iter().find(|name| {
            rest.starts_with(*name)
                && rest[name.len()..]
                    .starts_with(|c: char| c == '>' || c == '/' || c.is_ascii_whitespace())
        }) else {
            continue;
        };
        let opener = &html[i..i + 1 + name.len()];
        if *name == "plaintext" {
            return Some((opener, None));
        }
        let closer = format!("</{name}");
        match rest.find(&closer) {
            Some(end) => from = i + 1 + end + closer.len(),
            None => return Some((opener, Some(format!("{closer}>")))),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::unclosed;

    #[test]
    fn finds_the_unclosed_and_passes_the_closed() {
        assert_eq!(
            unclosed("<p>a <!-- note</p>"),
            Some(("<!--", Some("-->".into())))
        );
        assert_eq!(
            unclosed("<TEXTAREA rows=3>x"),
            Some(("<TEXTAREA", Some("</textarea>".into())))
        );
        assert_eq!(unclosed("<plaintext>"), Some(("<plaintext", None)));
        assert_eq!(unclosed("<title>x</title><!-- a --><style>b</STYLE>"), None);
        assert_eq!(
            unclosed("<p><code>&lt;script&gt;</code> <scripts></p>"),
            None
        );
        assert_eq!(
            unclosed("<script>a</script><script>b"),
            Some(("<script", Some("</script>".into())))
        );
    }
}
