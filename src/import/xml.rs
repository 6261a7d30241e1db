//! Streaming an RSS 2.0, WXR or Atom file one item at a time.
//!
//! A WordPress export is RSS 2.0 with `wp:`, `content:`, `dc:` and `excerpt:`
//! elements, so one reader serves both commands: it walks the file with quick-xml's
//! namespace-aware reader, keeps the channel's own fields, and hands every `<item>`
//! (or Atom `<entry>`) to a callback as a flat [`Record`] of its child elements as
//! soon as it closes. Only one item is held at a time, so a 100 MB export is read in
//! the memory of its largest post.
//!
//! ```text
//! <rss><channel><link>…</link><item><title>…</title><wp:status>…</wp:status></item>…
//!        └ channel fields        └ Record { fields: [title, wp:status, …] }
//! ```

use std::borrow::Cow;
use std::io::BufRead;
use std::path::Path;

use quick_xml::NsReader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::error::{Diagnostic, Error};

/// The namespaces the importers read, recognised by URI (not by prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ns {
    /// No namespace: plain RSS elements.
    None,
    /// WordPress's `wp:` (`http://` or `https://wordpress.org/export/1.x/`).
    Wp,
    /// `content:` (RSS content module): `content:encoded`.
    Content,
    /// Dublin Core: `dc:creator`.
    Dc,
    /// Atom 1.0 (a whole feed, or `atom:link` inside RSS).
    Atom,
    /// Anything else.
    Other,
}

impl Ns {
    fn of(uri: &str) -> Ns {
        let bare = uri
            .strip_prefix("http://")
            .or_else(|| uri.strip_prefix("https://"))
            .unwrap_or(uri);
        if bare.starts_with("wordpress.org/export/") {
            Ns::Wp
        } else if bare.starts_with("purl.org/rss/1.0/modules/content") {
            Ns::Content
        } else if bare.starts_with("purl.org/dc/elements/") {
            Ns::Dc
        } else if bare.starts_with("www.w3.org/2005/Atom") {
            Ns::Atom
        } else {
            Ns::Other
        }
    }
}

/// One child element of an item or of the channel.
#[derive(Debug, Clone)]
pub struct Field {
    /// Its namespace.
    pub ns: Ns,
    /// Its local name (`status` for `wp:status`).
    pub name: String,
    /// Its attributes, unescaped, by local name.
    pub attrs: Vec<(String, String)>,
    /// Its text (CDATA and entities resolved); nested elements (Atom's XHTML content)
    /// kept as markup.
    pub text: String,
}

impl Field {
    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The child elements of one item (or of the channel), in file order.
#[derive(Debug, Clone, Default)]
pub struct Record {
    /// The fields.
    pub fields: Vec<Field>,
}

impl Record {
    /// The text of the first field `ns:name`.
    pub fn get(&self, ns: Ns, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.ns == ns && f.name == name)
            .map(|f| f.text.as_str())
    }

    /// Every field `ns:name`.
    pub fn all<'a>(&'a self, ns: Ns, name: &'a str) -> impl Iterator<Item = &'a Field> + 'a {
        self.fields
            .iter()
            .filter(move |f| f.ns == ns && f.name == name)
    }
}

/// Which kind of file was read: the root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// `<rss>` (RSS 2.0 and WXR): items are `rss/channel/item`.
    Rss,
    /// Atom's `<feed>`: items are `feed/entry`.
    Atom,
}

/// Where the reader is, by depth of the element stack.
struct Walk {
    root: Option<Root>,
    /// Names of the open elements, for the end-of-file message.
    open: Vec<(String, u64)>,
    /// Depth of the element whose children are channel fields (1 for Atom, 2 for RSS).
    channel_depth: usize,
    channel: Record,
    item: Option<Record>,
}

impl Walk {
    /// The record that an element at `depth` (the root is 1) belongs to, and whether
    /// that is the depth of its fields (deeper is markup inside a field).
    fn target(&mut self, depth: usize) -> Option<(&mut Record, bool)> {
        if self.item.is_some() {
            let fields_at = self.channel_depth + 2;
            return (depth >= fields_at)
                .then_some(())
                .and(self.item.as_mut())
                .map(|r| (r, depth == fields_at));
        }
        let fields_at = self.channel_depth + 1;
        if self.root.is_some() && depth >= fields_at {
            return Some((&mut self.channel, depth == fields_at));
        }
        None
    }
}

/// Reads `input` (the contents of `path`), calling `on_item(root, channel, item)` for every
/// item or entry, and `on_progress(bytes read)` after each. Malformed XML is an
/// error at its file, line and column, saying what was expected.
pub fn read<R: BufRead>(
    path: &Path,
    input: R,
    on_item: &mut dyn FnMut(Root, &Record, Record) -> Result<(), Error>,
    on_progress: &mut dyn FnMut(u64),
) -> Result<Root, Error> {
    let mut reader = NsReader::from_reader(input);
    reader.config_mut().check_end_names = true;
    let mut walk = Walk {
        root: None,
        open: Vec::new(),
        channel_depth: 0,
        channel: Record::default(),
        item: None,
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let at = reader.buffer_position();
        let (ns, event) = match reader.read_resolved_event_into(&mut buf) {
            Ok((ns, event)) => (resolved(&ns), event),
            Err(e) => return Err(malformed(path, reader.error_position(), &e.to_string())),
        };
        match event {
            Event::Start(e) => {
                start(path, &mut walk, ns, &e, at, false)?;
                walk.open.push((qname(&e), at));
            }
            Event::Empty(e) => start(path, &mut walk, ns, &e, at, true)?,
            Event::End(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref().as_bytes()).into_owned();
                end_markup(&mut walk, &name);
                walk.open.pop();
                if walk.item.is_some()
                    && walk.open.len() == walk.channel_depth
                    && let (Some(item), Some(root)) = (walk.item.take(), walk.root)
                {
                    on_item(root, &walk.channel, item)?;
                    on_progress(reader.buffer_position());
                }
            }
            Event::Text(t) => push_text(&mut walk, &t.xml10_content(), true),
            Event::CData(t) => push_text(&mut walk, &t.xml10_content(), false),
            Event::GeneralRef(r) => {
                let text = entity(&r).map_err(|what| malformed(path, at, &what))?;
                push_text(&mut walk, &text, true);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((name, at)) = walk.open.last() {
        let text = read_lossy(path);
        let d = Diagnostic::at(
            path,
            &text,
            text.len(),
            format!("the file ends inside <{name}>: expected </{name}>"),
        );
        let opened = Diagnostic::at(path, &text, *at as usize, "");
        return Err(Error::Content(vec![d.with_hint(format!(
            "<{name}> opened at line {}; the export may have been cut short",
            opened.line
        ))]));
    }
    walk.root.ok_or_else(|| {
        Error::Content(vec![Diagnostic::file(
            path,
            "no <rss> or <feed> element: expected a WordPress export or an RSS/Atom feed",
        )])
    })
}

fn resolved(ns: &ResolveResult) -> Ns {
    match ns {
        ResolveResult::Bound(uri) => Ns::of(uri.as_ref()),
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Unknown(_) => Ns::Other,
    }
}

fn qname(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.name().as_ref().as_bytes()).into_owned()
}

/// An opening tag: the root decides the layout; an item or entry starts a record;
/// a child of one starts a field; anything deeper is kept as markup in its field.
fn start(
    path: &Path,
    walk: &mut Walk,
    ns: Ns,
    e: &BytesStart,
    at: u64,
    empty: bool,
) -> Result<(), Error> {
    let local = e.local_name().as_ref().to_string();
    let depth = walk.open.len() + 1;
    if depth == 1 {
        walk.root = match (ns, local.as_str()) {
            (Ns::None, "rss") => Some(Root::Rss),
            (Ns::Atom, "feed") => Some(Root::Atom),
            _ => {
                let text = read_lossy(path);
                let message = format!(
                    "the file starts with <{}>: expected <rss> (a WordPress export or RSS 2.0 feed) or Atom's <feed>",
                    qname(e)
                );
                return Err(Error::Content(vec![Diagnostic::at(
                    path,
                    &text,
                    at as usize,
                    message,
                )]));
            }
        };
        walk.channel_depth = if walk.root == Some(Root::Rss) { 2 } else { 1 };
        return Ok(());
    }
    let is_item = matches!(
        (walk.root, ns, local.as_str()),
        (Some(Root::Rss), Ns::None, "item") | (Some(Root::Atom), Ns::Atom, "entry")
    );
    if walk.item.is_none() && depth == walk.channel_depth + 1 && is_item && !empty {
        walk.item = Some(Record::default());
        return Ok(());
    }
    let Some((record, is_field)) = walk.target(depth) else {
        return Ok(());
    };
    if is_field {
        let attrs = e
            .attributes()
            .flatten()
            .map(|a| {
                let key = a.key.local_name().as_ref().to_string();
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(Cow::into_owned)
                    .unwrap_or_else(|_| a.value.to_string());
                (key, value)
            })
            .collect();
        record.fields.push(Field {
            ns,
            name: local,
            attrs,
            text: String::new(),
        });
    } else if let Some(field) = record.fields.last_mut() {
        // Markup inside a field (Atom `type="xhtml"` content): kept as HTML.
        field.text.push('<');
        field.text.push_str(e.as_ref());
        field.text.push_str(if empty { "/>" } else { ">" });
    }
    Ok(())
}

/// A closing tag inside a field's markup is written back into its text.
fn end_markup(walk: &mut Walk, name: &str) {
    let depth = walk.open.len();
    if let Some((record, false)) = walk.target(depth)
        && let Some(field) = record.fields.last_mut()
    {
        field.text.push_str("</");
        field.text.push_str(name);
        field.text.push('>');
    }
}

/// Text goes to the open field; inside nested markup it is escaped again, since
/// it becomes part of HTML.
fn push_text(walk: &mut Walk, text: &str, escaped: bool) {
    let depth = walk.open.len();
    if let Some((record, is_field)) = walk.target(depth)
        && let Some(field) = record.fields.last_mut()
    {
        if is_field || !escaped {
            field.text.push_str(text);
        } else {
            field.text.push_str(&crate::markdown::escape_html(text));
        }
    }
}

/// `&amp;`, `&#233;`: the five XML entities and character references.
fn entity(r: &BytesRef) -> Result<String, String> {
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| format!("bad character reference: {e}"))?
    {
        return Ok(c.to_string());
    }
    let name = r.xml10_content();
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| {
            format!(
                "unknown entity `&{name};`: expected one of &amp; &lt; &gt; &quot; &apos; or a character reference"
            )
        })
}

fn malformed(path: &Path, offset: u64, what: &str) -> Error {
    let text = read_lossy(path);
    let message = format!("malformed XML: {what}");
    Error::Content(vec![Diagnostic::at(path, &text, offset as usize, message)])
}

/// The file again, only to place an error: the reader kept none of it.
fn read_lossy(path: &Path) -> String {
    std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
