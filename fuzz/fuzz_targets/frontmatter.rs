//! `sitrep::content::split` on arbitrary text: never panics, and on success the two parts are
//! the right slices of the input, delimited by `+++` lines.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

mod common;

fn offset_in(text: &str, part: &str) -> usize {
    let start = text.as_ptr() as usize;
    let p = part.as_ptr() as usize;
    assert!(
        p >= start && p + part.len() <= start + text.len(),
        "part is not a slice of the input"
    );
    p - start
}

fn check(text: &str) {
    match sitrep::content::split(Path::new("fuzz.md"), text) {
        Ok(s) => {
            // `front` is the slice at `front_offset`, and it is what the text holds there.
            let front_at = offset_in(text, s.front);
            assert_eq!(front_at, s.front_offset, "front is not at front_offset");
            assert_eq!(
                &text[s.front_offset..s.front_offset + s.front.len()],
                s.front
            );
            // `body` is the rest of the file.
            let body_at = offset_in(text, s.body);
            assert_eq!(
                body_at + s.body.len(),
                text.len(),
                "body is not the end of the file"
            );
            assert_eq!(&text[body_at..], s.body);
            let front_end = s.front_offset + s.front.len();
            assert!(front_end <= body_at, "front and body overlap");

            // Before the front matter: an optional BOM, then an opening line that is `+++`.
            let head = &text[..s.front_offset];
            let head = head.strip_prefix('\u{feff}').unwrap_or(head);
            let opening = head
                .strip_suffix('\n')
                .expect("opening line has no newline");
            assert_eq!(opening.trim_end(), "+++", "opening line {opening:?}");
            assert!(!opening.contains('\n'));

            // Between them: exactly the closing line, `+++` (its newline is optional at EOF).
            let closing = &text[front_end..body_at];
            let closing_line = closing.strip_suffix('\n').unwrap_or(closing);
            assert!(
                !closing_line.contains('\n'),
                "closing {closing:?} spans lines"
            );
            assert_eq!(closing_line.trim_end(), "+++", "closing line {closing:?}");
            assert!(closing.ends_with('\n') || body_at == text.len());

            // The front matter is whole lines, and the first `+++` line closes it.
            assert!(
                s.front.is_empty() || s.front.ends_with('\n'),
                "front {:?}",
                s.front
            );
            assert!(
                s.front.lines().all(|l| l.trim_end() != "+++"),
                "front matter contains a closing line: {:?}",
                s.front
            );
        }
        Err(d) => common::check_diagnostic(&d, text),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    check(&text);
    // Half the inputs never start with `+++`; also try each one as front matter.
    if !text.starts_with("+++") {
        check(&format!("+++\n{text}"));
    }
});
