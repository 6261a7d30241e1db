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
    // One pass, white space collapsed as it comes: the data files read the text of
    // 80,000 commentaries at 5,000 issues, and splitting into lines and words after
    // the fact allocated several strings for each.
    let text = tokens(html, Text::default(), |text, token| match token {
        Token::CharacterTokens(t) => text.push(&t),
        Token::TagToken(tag) if BREAKS.contains(&&*tag.name) => text.line_break(),
        _ => {}
    });
    text.out
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
        for c in chunk.chars() {
            if c.is_whitespace() {
                self.space = true;
                continue;
            }
            if !self.out.is_empty() {
                if self.line {
                    self.out.push('\n');
                } else if self.space {
                    self.out.push(' ');
                }
            }
            self.out.push(c);
            (self.space, self.line) = (false, false);
        }
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
    }
}
