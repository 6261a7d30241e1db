//! Reading HTML the way browsers do, with html5ever's tokenizer (the parser ammonia
//! sanitizes with): attribute values for `check`'s link rules, plain text for the
//! data files. Never by string search: quoting, spacing and entities vary.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer};

/// The values of every `name` attribute of every start tag in `html`, entities decoded.
pub fn attribute_values(html: &str, name: &str) -> Vec<String> {
    if !html.contains(name) {
        return Vec::new(); // most pieces of Markdown have no link: no need to tokenize them
    }
    let name = html5ever::LocalName::from(name);
    tokens(html, Vec::new(), |found, token| {
        if let Token::TagToken(tag) = token
            && tag.kind == TagKind::StartTag
        {
            let values = tag.attrs.into_iter().filter(|a| a.name.local == name);
            found.extend(values.map(|a| a.value.to_string()));
        }
    })
}

/// The text of `html`, entities decoded, block elements and `<br>` as line breaks,
/// other runs of white space (a code block's lines too) as one space: what a reader
/// sees, for plain-text fields.
pub fn text(html: &str) -> String {
    plain_markup_text(html).unwrap_or_else(|| tokenizer_text(html))
}

/// The elements that end a line of text.
const BREAKS: [&str; 9] = [
    "p",
    "br",
    "li",
    "div",
    "blockquote",
    "pre",
    "h2",
    "h3",
    "tr",
];

/// [`text`] by the tokenizer, for any HTML. White space is collapsed as it comes: the
/// data files read the text of 80,000 commentaries at 5,000 issues, and splitting into
/// lines and words after the fact allocated several strings for each.
fn tokenizer_text(html: &str) -> String {
    let text = tokens(html, Text::default(), |text, token| match token {
        Token::CharacterTokens(t) => text.push(&t),
        Token::TagToken(tag) if BREAKS.contains(&&*tag.name) => text.line_break(),
        _ => {}
    });
    text.out
}

/// The length of the prefix of `text` that is already plain text as [`Text`] writes
/// it: words with one space between them, up to the first other white space (or a
/// space at the end). It is copied in one piece, not word by word; bytes are compared
/// as bytes while they are ASCII, the common case.
fn span_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b' ' && i > 0 {
            match text[i + 1..].chars().next() {
                Some(c) if !c.is_whitespace() => i += 1,
                _ => return i,
            }
        } else if b < 0x80 {
            if b.is_ascii_whitespace() || b == 0x0B {
                return i;
            }
            i += 1;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if c.is_whitespace() {
                return i;
            }
            i += c.len_utf8();
        }
    }
    i
}

/// The text of markup as our Markdown renderer writes it (tags with quoted attributes,
/// text escaped with the entities below), read without the tokenizer, which costs ten
/// times as much; `None` for anything else (comments, raw-text elements such as
/// `<script>`, other entities, a stray `<`), which the tokenizer then reads. A test
/// checks that both readings agree.
fn plain_markup_text(html: &str) -> Option<String> {
    // The text is shorter than the markup: one allocation holds it.
    let mut text = Text {
        out: String::with_capacity(html.len()),
        ..Text::default()
    };
    let mut rest = html;
    while let Some(i) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        text.push(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('&') {
            let end = rest.find(';').filter(|&e| e <= 10)?;
            text.push(entity(&rest[1..end])?);
            rest = &rest[end + 1..];
            continue;
        }
        let name_start = if rest.starts_with("</") { 2 } else { 1 };
        let name_len = rest[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len() - name_start);
        let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
        if name.is_empty()
            || !name.starts_with(|c: char| c.is_ascii_alphabetic())
            || RAW.contains(&&*name)
        {
            return None;
        }
        let end = tag_end(rest)?;
        if BREAKS.contains(&&*name) {
            text.line_break();
        }
        rest = &rest[end + 1..];
    }
    text.push(rest);
    Some(text.out)
}

/// Elements whose content is not markup, or that our renderer never writes.
const RAW: [&str; 12] = [
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
    "plaintext",
    "template",
    "svg",
];

/// The index of the `>` that closes the tag starting `tag`, quotes respected.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices().skip(1) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '>') => return Some(i),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// The entities pulldown-cmark and syntect write, and numeric ones.
fn entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "#39" | "#x27" => "'",
        "nbsp" => "\u{a0}",
        _ => return None,
    })
}

/// Plain text being written: runs of white space become one space, a line break
/// ends the line, and no line is empty or starts or ends with a space.
#[derive(Default)]
struct Text {
    out: String,
    /// White space seen since the last character written.
    space: bool,
    /// A line break is due before the next character.
    line: bool,
}

impl Text {
    fn push(&mut self, chunk: &str) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let span = span_len(rest);
            if span > 0 {
                self.run(&rest[..span]);
            }
            rest = &rest[span..];
            let space = rest.len() - rest.trim_start().len();
            self.space |= space > 0;
            rest = &rest[space..];
        }
    }

    /// Writes a run of words (see [`span_len`]), after its separator.
    fn run(&mut self, run: &str) {
        if !self.out.is_empty() {
            if self.line {
                self.out.push('\n');
            } else if self.space {
                self.out.push(' ');
            }
        }
        self.out.push_str(run);
        (self.space, self.line) = (false, false);
    }

    fn line_break(&mut self) {
        self.line = true;
    }
}

/// Runs the tokenizer over `html`, folding each token into `acc` with `step`.
fn tokens<T>(html: &str, acc: T, step: impl Fn(&mut T, Token)) -> T {
    struct Sink<T, F> {
        acc: RefCell<T>,
        step: F,
    }
    impl<T, F: Fn(&mut T, Token)> TokenSink for Sink<T, F> {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            (self.step)(&mut self.acc.borrow_mut(), token);
            TokenSinkResult::Continue
        }
    }
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(
        Sink {
            acc: RefCell::new(acc),
            step,
        },
        Default::default(),
    );
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.acc.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_finds_quoted_values_and_decodes_entities() {
        let html = r#"<a href="/a/?x=1&amp;y=2">a</a> <a data-href="/no/"> <a class=x href='../b/'>b</a><h2 id="sec">"#;
        assert_eq!(attribute_values(html, "href"), ["/a/?x=1&y=2", "../b/"]);
        assert_eq!(attribute_values(html, "id"), ["sec"]);
        // What string search got wrong: unquoted values, odd spacing, other entities.
        let html = "<a\nhref=/c/>c</a><a title=\"x href='no'\" href=\"/d/#caf&eacute;\">";
        assert_eq!(attribute_values(html, "href"), ["/c/", "/d/#café"]);
    }

    #[test]
    fn text_is_what_a_reader_sees() {
        let html = "<p>A <em>bold</em> &amp; plain\nline.</p>\n<ul><li>one</li><li>two</li></ul><pre><code>x = 1</code></pre>";
        assert_eq!(text(html), "A bold & plain line.\none\ntwo\nx = 1");
        assert_eq!(text(""), "");
        assert_eq!(
            text("<p>  </p><p>\n a\u{a0} b </p><br><br><li> c"),
            "a b\nc"
        );
        assert_eq!(text("x<br>y z"), "x\ny z");
        assert_eq!(
            text("caf\u{e9}\u{2009}na\u{ef}ve\u{3000}\u{1F600}"),
            "caf\u{e9} na\u{ef}ve \u{1F600}"
        );
    }

    /// Copying runs of words in one piece writes what word-by-word writing did: the
    /// words, split at any Unicode white space, joined by one space.
    #[test]
    fn a_chunk_of_text_is_its_words_with_one_space_between() {
        for chunk in [
            "one two  three",
            " lead and trail ",
            "tab\there\nnew\u{b}line",
            "a \u{a0}b c\u{2009} d",
            "caf\u{e9} \u{3000}x \u{1F600} y",
            "x ",
            " ",
            "",
            "single",
        ] {
            let mut text = Text::default();
            text.push(chunk);
            let words: Vec<&str> = chunk.split_whitespace().collect();
            assert_eq!(text.out, words.join(" "), "{chunk:?}");
        }
    }

    /// Every piece of rendered Markdown of the example and the second fixture (safe_html
    /// on and off, code highlighted, footnotes, raw HTML) reads the same both ways.
    #[test]
    fn plain_markup_text_agrees_on_every_commentary_of_the_examples() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for root in [repo.to_path_buf(), repo.join("tests/fixtures/second")] {
            let opts = crate::BuildOptions {
                root,
                drafts: true,
                future: true,
                ..Default::default()
            };
            let site = crate::load(&opts).unwrap();
            let mut fast = 0;
            for issue in &site.issues {
                let links = issue.links.iter().map(|l| l.commentary.html.as_str());
                let outages = issue.outages.iter().map(|o| o.commentary_html.as_str());
                for html in links.chain(outages).chain([issue.intro_html.as_str()]) {
                    if let Some(text) = plain_markup_text(html) {
                        assert_eq!(text, tokenizer_text(html), "{html}");
                        fast += 1;
                    }
                }
            }
            assert!(fast > 20, "the fast reading took only {fast} pieces");
        }
    }

    /// The fast reading of our own markup gives the tokenizer's text, and gives up on
    /// what it does not know.
    #[test]
    fn plain_markup_text_agrees_with_the_tokenizer() {
        let cases = [
            "<p>A <em>bold</em> &amp; plain\nline.</p>\n<ul><li>one</li><li>two</li></ul>",
            r#"<p><a href="https://a.example/?q=1&amp;r=2" title="say &quot;hi&quot; > x">link</a> &lt;tag&gt; &#39;q&#39;</p>"#,
            "<pre class=\"code\" data-lang=\"sh\"><code><span class=\"c\">$ ls</span>\n<span>-la</span></code></pre>",
            "<blockquote>\n<p>Quote</p>\n</blockquote>\n<h2 id=\"x\">Head</h2><table><tr><td>a</td><td>b</td></tr></table>",
            "<P>Upper<BR>case</P><div class='f'>one&nbsp;two</div>",
            "",
            "plain text, no markup",
        ];
        for html in cases {
            assert_eq!(
                plain_markup_text(html),
                Some(tokenizer_text(html)),
                "{html}"
            );
        }
        for odd in [
            "a <!-- c --> b",
            "<script>x<y</script>",
            "a &copy; b",
            "1 < 2",
            "<p title=\"x",
            "a &amp b",
        ] {
            assert_eq!(plain_markup_text(odd), None, "{odd}");
            assert_eq!(text(odd), tokenizer_text(odd));
        }
    }
}
