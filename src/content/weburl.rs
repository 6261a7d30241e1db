//! Which addresses sitrep links to: absolute http(s) URLs, written exactly.
//!
//! The `url` crate is forgiving the way browsers are: it drops a leading space, turns
//! `https:/x` into `https://x/` and accepts `https://evil.com@example.com/`. In a
//! newsletter each of those is a mistake or a trick (the last reads as evil.com but goes
//! to example.com), so they are refused here with a way to fix them.

/// Parses `text` as a link address, or says what is wrong with it and how to fix it.
pub fn parse(text: &str) -> Result<url::Url, (String, &'static str)> {
    if text.trim() != text {
        return Err((
            format!("URL `{text}` has a space before or after it"),
            "remove the spaces around the address",
        ));
    }
    if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err((
            format!(
                "URL `{}` holds U+{:04X}, which an address cannot contain",
                text.escape_debug(),
                c as u32
            ),
            "delete it; write a space inside an address as %20",
        ));
    }
    let u = url::Url::parse(text).map_err(|e| {
        (
            format!("`{text}` is not an absolute URL ({e})"),
            "write the full address, starting with https://",
        )
    })?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err((
            format!(
                "URL `{text}` uses `{}:`; only http and https links are allowed",
                u.scheme()
            ),
            "link to an https:// page",
        ));
    }
    if !text[u.scheme().len() + 1..].starts_with("//") {
        return Err((
            format!("URL `{text}` needs two slashes after `{}:`", u.scheme()),
            "write it as https://host/path",
        ));
    }
    if !u.username().is_empty() || u.password().is_some() {
        return Err((
            format!(
                "URL `{text}` has a user name before `@`, so it goes to {} whatever it reads as",
                u.host_str().unwrap_or_default()
            ),
            "remove everything between `//` and `@`",
        ));
    }
    Ok(u)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepts_plain_web_addresses() {
        for ok in [
            "https://example.com",
            "HTTPS://Example.com/a?b=c#d",
            "http://[::1]:8080/x",
            "https://example.com/caf%C3%A9",
        ] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_what_the_url_crate_would_quietly_fix() {
        for (bad, says) in [
            (" https://example.com", "space before or after"),
            ("https://example.com ", "space before or after"),
            ("https://exa\u{0}mple.com", "U+0000"),
            ("https://example.com/a b", "U+0020"),
            ("https:/example.com", "two slashes"),
            ("https:\\\\example.com", "two slashes"),
            ("https://evil.com@example.com/", "goes to example.com"),
            ("https://u:p@example.com/", "user name"),
            ("javascript:alert(1)", "only http and https"),
            ("example.com", "not an absolute URL"),
        ] {
            let (message, _) = parse(bad).expect_err(bad);
            assert!(message.contains(says), "{bad}: {message}");
        }
    }
}
