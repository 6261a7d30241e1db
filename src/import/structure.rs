//! A post's HTML → an issue's structure, by the shape of a link digest:
//!
//! - a heading or paragraph whose whole text is one link starts a **link**; the blocks
//!   after it, up to the next start or section heading, are its commentary;
//! - "A message from our sponsor" (or "Sponsor", "Sponsored by") introduces a
//!   **sponsor**, whose text is the next block;
//! - a heading "Outages" starts the **outage** list: one outage per top-level item;
//! - a list whose every item is only links is one link per link (This Week in Rust);
//! - everything else, the editorial before the first link included, stays in the
//!   body as Markdown, so nothing is lost.
//!
//! Section headings ("Articles") that only introduce links are structure, not
//! text: they are dropped from the body (and counted) unless body text follows them.

use htmd::HtmlToMarkdown;
use markup5ever_rcdom::Handle;

use super::commentary::{self, Piece};
use super::html::{self, anchors, children, is_block, markdown, sole_link, tag, text};
use super::write::{LinkEntry, OutageEntry, SponsorEntry};

/// What a post's body became.
#[derive(Debug, Clone, Default)]
pub struct Structure {
    /// The editorial and everything no rule matched, Markdown.
    pub body: String,
    /// Sponsor blurbs.
    pub sponsors: Vec<SponsorEntry>,
    /// Links.
    pub links: Vec<LinkEntry>,
    /// Outages.
    pub outages: Vec<OutageEntry>,
    /// Section headings dropped because only links followed them.
    pub sections: Vec<String>,
}

/// One top-level block: its nodes (several for loose inline content) and tag.
struct Block {
    nodes: Vec<Handle>,
    tag: String,
}

impl Block {
    fn is_heading(&self) -> bool {
        matches!(self.tag.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
    }
    fn is_list(&self) -> bool {
        matches!(self.tag.as_str(), "ul" | "ol")
    }
}

/// Where in the post the walk is: what a block that starts nothing belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Body,
    Link,
    /// Just after a sponsor's introduction, waiting for its text.
    Sponsor,
    Outages,
}

/// The structure of the HTML body `body` (already sanitized).
pub fn of(conv: &HtmlToMarkdown, body: &Handle) -> Structure {
    let mut walk = Walk {
        conv,
        out: Structure::default(),
        body: Vec::new(),
        pending_section: None,
        commentary: Vec::new(),
        state: State::Body,
    };
    for block in blocks(body) {
        walk.block(&block);
    }
    walk.finish()
}

/// The top-level blocks of `node`: wrappers (`div`, `section`, …) are looked into,
/// and runs of loose inline content are one block.
fn blocks(node: &Handle) -> Vec<Block> {
    let mut out = Vec::new();
    let mut inline: Vec<Handle> = Vec::new();
    for child in children(node) {
        let name = tag(&child).map(str::to_string);
        match name.as_deref() {
            Some("div" | "section" | "article" | "main" | "aside" | "header" | "footer") => {
                flush(&mut inline, &mut out);
                out.extend(blocks(&child));
            }
            Some(t) if is_block(&child) => {
                flush(&mut inline, &mut out);
                out.push(Block {
                    nodes: vec![child.clone()],
                    tag: t.to_string(),
                });
            }
            _ => inline.push(child),
        }
    }
    flush(&mut inline, &mut out);
    out
}

fn flush(inline: &mut Vec<Handle>, out: &mut Vec<Block>) {
    if !text(inline).is_empty() || !anchors(inline).is_empty() {
        out.push(Block {
            nodes: std::mem::take(inline),
            tag: "p".into(),
        });
    }
    inline.clear();
}

struct Walk<'a> {
    conv: &'a HtmlToMarkdown,
    out: Structure,
    body: Vec<String>,
    /// A section heading not yet known to introduce body text (its Markdown and text).
    pending_section: Option<(String, String)>,
    /// The current link's commentary so far.
    commentary: Vec<Piece>,
    state: State,
}

impl Walk<'_> {
    fn block(&mut self, block: &Block) {
        let words = text(&block.nodes);
        if block.is_heading() && is_outages_heading(&words) {
            self.end_link();
            self.drop_pending_section();
            self.state = State::Outages;
            return;
        }
        if (block.is_heading() || block.tag == "p")
            && let Some(intro) = sponsor_intro(&words)
        {
            self.start_sponsor(intro);
            return;
        }
        if self.state == State::Sponsor {
            self.sponsor_text(block);
            return;
        }
        let link = (block.is_heading() || block.tag == "p")
            .then(|| sole_link(&block.nodes))
            .flatten();
        if let Some((url, title)) = link {
            self.drop_pending_section();
            if self.state == State::Outages {
                self.out.outages.push(OutageEntry {
                    service: title,
                    url: Some(url),
                    ..OutageEntry::default()
                });
            } else {
                self.start_link(title, url);
            }
            return;
        }
        if block.is_heading() {
            self.end_link();
            self.drop_pending_section();
            self.pending_section = Some((markdown(self.conv, &block.nodes), words));
            self.state = State::Body;
            return;
        }
        if block.is_list() {
            let items = list_items(&block.nodes[0]);
            if self.state == State::Outages {
                self.drop_pending_section();
                for item in &items {
                    self.outage_item(item);
                }
                return;
            }
            if !items.is_empty() && items.iter().all(links_only) {
                self.drop_pending_section();
                self.end_link();
                for item in &items {
                    for (url, title) in anchors(std::slice::from_ref(item)) {
                        self.out.links.push(LinkEntry {
                            title,
                            url,
                            ..LinkEntry::default()
                        });
                    }
                }
                self.state = State::Body;
                return;
            }
        }
        self.other(block, words);
    }

    /// A block that starts nothing: commentary of the current link or outage, or body.
    fn other(&mut self, block: &Block, words: String) {
        let piece = Piece {
            markdown: markdown(self.conv, &block.nodes),
            text: words,
        };
        match self.state {
            State::Link => self.commentary.push(piece),
            State::Outages if !self.out.outages.is_empty() => {
                if let Some(last) = self.out.outages.last_mut() {
                    append(&mut last.commentary, &piece.markdown);
                }
            }
            _ => {
                if let Some((section, _)) = self.pending_section.take() {
                    self.body.push(section);
                }
                self.body.push(piece.markdown);
            }
        }
    }

    fn start_link(&mut self, title: String, url: String) {
        self.end_link();
        self.out.links.push(LinkEntry {
            title,
            url,
            ..LinkEntry::default()
        });
        self.state = State::Link;
    }

    /// Files the current link's commentary, with its field lines taken out.
    fn end_link(&mut self) {
        let pieces = std::mem::take(&mut self.commentary);
        if self.state != State::Link {
            return;
        }
        if let Some(link) = self.out.links.last_mut() {
            let fields = commentary::split(pieces);
            link.commentary = fields.commentary;
            link.source = fields.source;
            link.via = fields.via;
            link.disclosure = fields.disclosure;
        }
        self.state = State::Body;
    }

    fn start_sponsor(&mut self, intro: Intro) {
        self.end_link();
        self.drop_pending_section();
        let waiting = intro.text.is_none();
        self.out.sponsors.push(SponsorEntry {
            name: intro.name,
            url: None,
            text: intro.text.unwrap_or_default(),
        });
        self.state = if waiting { State::Sponsor } else { State::Body };
    }

    fn sponsor_text(&mut self, block: &Block) {
        if let Some(sponsor) = self.out.sponsors.last_mut() {
            sponsor.text = markdown(self.conv, &block.nodes);
            sponsor.url = anchors(&block.nodes)
                .into_iter()
                .map(|(href, _)| href)
                .find(|h| html::is_web(h));
        }
        self.state = State::Body;
    }

    fn outage_item(&mut self, item: &Handle) {
        match outage(self.conv, item) {
            Some(o) => self.out.outages.push(o),
            None => {
                let md = markdown(self.conv, std::slice::from_ref(item));
                if !md.is_empty() {
                    self.body.push(format!("- {md}"));
                }
            }
        }
    }

    fn drop_pending_section(&mut self) {
        if let Some((_, words)) = self.pending_section.take() {
            self.out.sections.push(words);
        }
    }

    fn finish(mut self) -> Structure {
        self.end_link();
        self.drop_pending_section();
        // A sponsor introduced at the very end keeps its introduction as its text.
        for s in &mut self.out.sponsors {
            if s.text.trim().is_empty() {
                s.text = s.name.clone().unwrap_or_else(|| "Sponsor".into());
            }
        }
        self.out.body = self.body.join("\n\n");
        self.out
    }
}

fn append(to: &mut Option<String>, markdown: &str) {
    if markdown.trim().is_empty() {
        return;
    }
    match to {
        Some(text) => {
            text.push_str("\n\n");
            text.push_str(markdown.trim());
        }
        None => *to = Some(markdown.trim().to_string()),
    }
}

/// "Outages", "Outages:", "OUTAGES".
fn is_outages_heading(words: &str) -> bool {
    let w = words.trim().trim_end_matches(':').trim().to_lowercase();
    w == "outages" || w == "outage"
}

/// A sponsor's introduction: its name, and its text if the line carries one.
struct Intro {
    name: Option<String>,
    text: Option<String>,
}

/// "A message from our sponsor, VictorOps:", "Sponsored by Acme", "Sponsor: text".
fn sponsor_intro(words: &str) -> Option<Intro> {
    let line = words.trim();
    let lower = line.to_lowercase();
    let named = |rest: &str| {
        let name = rest
            .trim_start_matches([',', ':', ' '])
            .trim_end_matches([':', '.', ' ']);
        (!name.is_empty()).then(|| name.to_string())
    };
    for prefix in ["a message from our sponsors", "a message from our sponsor"] {
        if lower.starts_with(prefix) && line.chars().count() < 120 {
            let rest = &line[prefix.len()..];
            let (name, text) = rest.split_once(':').unwrap_or((rest, ""));
            let text = text.trim();
            return Some(Intro {
                name: named(name),
                text: (!text.is_empty()).then(|| text.to_string()),
            });
        }
    }
    if let Some(rest) = lower.strip_prefix("sponsored by ") {
        let rest = &line[line.len() - rest.len()..];
        let (name, text) = rest.split_once(':').unwrap_or((rest, ""));
        let text = text.trim();
        return Some(Intro {
            name: named(name),
            text: (!text.is_empty()).then(|| text.to_string()),
        });
    }
    let bare = lower.trim_end_matches([':', ' ']);
    if bare == "sponsor" || bare == "sponsors" || bare == "our sponsor" {
        return Some(Intro {
            name: None,
            text: None,
        });
    }
    if let Some(text) = lower.strip_prefix("sponsor:") {
        let text = line[line.len() - text.len()..].trim();
        return Some(Intro {
            name: None,
            text: (!text.is_empty()).then(|| text.to_string()),
        });
    }
    None
}

/// The `<li>` children of a list.
fn list_items(list: &Handle) -> Vec<Handle> {
    children(list)
        .into_iter()
        .filter(|c| tag(c) == Some("li"))
        .collect()
}

/// Whether a list item is made only of web links (and separators between them).
fn links_only(item: &Handle) -> bool {
    let found = anchors(std::slice::from_ref(item));
    if found.is_empty() || !found.iter().all(|(href, _)| html::is_web(href)) {
        return false;
    }
    let mut rest = text(std::slice::from_ref(item));
    for (_, t) in &found {
        rest = rest.replacen(t.as_str(), "", 1);
    }
    rest.chars()
        .all(|c| c.is_whitespace() || ",;|·•/–—-()".contains(c))
}

/// An outage from a top-level list item: its first line names the service (its link
/// is `url`), nested lists and paragraphs are the commentary.
fn outage(conv: &HtmlToMarkdown, item: &Handle) -> Option<OutageEntry> {
    let nodes = children(item);
    let split = nodes
        .iter()
        .position(|n| is_block(n) || tag(n) == Some("br"));
    let (mut head, mut rest) = match split {
        Some(i) => (nodes[..i].to_vec(), nodes[i..].to_vec()),
        None => (nodes, Vec::new()),
    };
    if text(&head).is_empty() && rest.first().is_some_and(|n| tag(n) == Some("p")) {
        head = children(&rest[0]);
        rest.remove(0);
    }
    let rest: Vec<Handle> = rest
        .into_iter()
        .skip_while(|n| tag(n) == Some("br"))
        .collect();
    let line = text(&head).replace('\n', " ");
    if line.is_empty() {
        return None;
    }
    let link = anchors(&head).into_iter().find(|(h, _)| html::is_web(h));
    let (service, title) = match &link {
        Some((_, t)) if line != *t => named_apart(&line, t),
        _ => (line.clone(), None),
    };
    let commentary = markdown(conv, &rest);
    Some(OutageEntry {
        service,
        url: link.map(|(h, _)| h),
        title,
        tags: Vec::new(),
        commentary: (!commentary.is_empty()).then_some(commentary),
    })
}

/// "GitHub: the postmortem" where the link is "the postmortem" → ("GitHub", title);
/// any other shape keeps the whole line as the service.
fn named_apart(line: &str, link_text: &str) -> (String, Option<String>) {
    if let Some(before) = line.strip_suffix(link_text) {
        let name = before.trim().trim_end_matches([':', '—', '–', '-']).trim();
        if !name.is_empty() && before.trim_end().ends_with([':', '—', '–', '-']) {
            return (name.to_string(), Some(link_text.to_string()));
        }
    }
    (line.to_string(), None)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_heading_link_and_its_commentary() {
        let conv = super::html::converter();
        let doc = conv
            .html_to_tree(
                "<p>Intro.</p><h3><a href=\"https://example.com/\">Title</a></h3><p>Why.</p>",
            )
            .unwrap();
        let body = super::html::body(&doc).unwrap();
        let s = super::of(&conv, &body);
        assert_eq!(s.body, "Intro.");
        assert_eq!(s.links[0].title, "Title");
        assert_eq!(s.links[0].commentary.as_deref(), Some("Why."));
    }
}

#[cfg(test)]
mod sanitized {
    #[test]
    fn after_sanitizing() {
        let conv = super::html::converter();
        let (clean, _) = super::html::sanitize(
            "<p>Intro.</p><h3><a href=\"https://example.com/\">Title</a></h3><p>Why.</p>",
            None,
        );
        let doc = conv.html_to_tree(&clean).unwrap();
        let body = super::html::body(&doc).unwrap();
        let s = super::of(&conv, &body);
        assert_eq!(s.links.len(), 1, "{s:?}");
    }
}
