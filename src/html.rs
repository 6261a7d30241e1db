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
    let raw = tokens(html, String::new(), |out, token| match token {
        Token::CharacterTokens(t) => out.push_str(&t.replace('\n', " ")),
        Token::TagToken(tag) if BREAKS.contains(&&*tag.name) => out.push('\n'),
        _ => {}
    });
    let lines = raw
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
    let lines: Vec<String> = lines.filter(|l| !l.is_empty()).collect();
    lines.join("\n")
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
    }
}
