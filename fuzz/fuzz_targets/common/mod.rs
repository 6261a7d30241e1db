//! Checks shared by the fuzz targets.

use sitrep::Diagnostic;

/// Line `n` (1-based) of `text`, as `Diagnostic::at` cuts it: up to the `\n`, without trailing `\r`s.
fn nth_line(text: &str, n: usize) -> Option<&str> {
    text.split('\n').nth(n.checked_sub(1)?)
}

/// A diagnostic about `text` must point into it and must render without panicking.
pub fn check_diagnostic(d: &Diagnostic, text: &str) {
    let rendered = d.to_string();
    assert!(
        rendered.contains(&d.message),
        "rendering lost the message:\n{rendered}"
    );
    assert!(!d.message.is_empty(), "empty diagnostic message: {d:?}");
    match &d.source_line {
        None => assert_eq!(d.line, 0, "a whole-file diagnostic has a line: {d:?}"),
        Some(src) => {
            assert!(
                d.line >= 1,
                "diagnostic with a source line but line 0: {d:?}"
            );
            assert!(
                d.column >= 1,
                "diagnostic with a source line but column 0: {d:?}"
            );
            let raw = nth_line(text, d.line).unwrap_or_else(|| {
                panic!(
                    "diagnostic line {} is past the end of the file ({} lines): {d:?}",
                    d.line,
                    text.split('\n').count()
                )
            });
            assert_eq!(
                src.as_str(),
                raw.trim_end_matches('\r'),
                "source_line is not line {} of the file: {d:?}",
                d.line
            );
            assert!(
                d.column - 1 <= raw.chars().count(),
                "column {} is past the end of line {} ({:?}): {d:?}",
                d.column,
                d.line,
                raw
            );
        }
    }
}
