//! The lines at the end of a link's commentary that are really fields: the
//! `Author — Publisher` line (`source`), "Thanks to X" / "via X" (`via`) and
//! "Full disclosure: …" (`disclosure`). What is not one of them stays commentary.

/// One block of commentary: its Markdown and its plain text (lines split at `<br>`).
#[derive(Debug, Clone, Default)]
pub struct Piece {
    /// As Markdown.
    pub markdown: String,
    /// As plain text.
    pub text: String,
}

/// A link's commentary with its field lines taken out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// What remains, Markdown; `None` if nothing does.
    pub commentary: Option<String>,
    /// The `Author — Publisher` line.
    pub source: Option<String>,
    /// Who suggested the link.
    pub via: Option<String>,
    /// The conflict-of-interest note.
    pub disclosure: Option<String>,
}

/// Takes the field lines out of `pieces`: whole blocks for `via` and `disclosure`
/// anywhere, and the trailing lines (up to three) for any of the three.
pub fn split(mut pieces: Vec<Piece>) -> Fields {
    let mut fields = Fields::default();
    pieces.retain(|p| {
        let line = p.text.trim();
        if line.contains('\n') {
            return true;
        }
        if fields.disclosure.is_none()
            && let Some(d) = disclosure(line)
        {
            fields.disclosure = Some(d);
            return false;
        }
        if fields.via.is_none()
            && let Some(v) = via(line)
        {
            fields.via = Some(v);
            return false;
        }
        true
    });
    for _ in 0..3 {
        let Some(last) = pieces.last() else { break };
        let line = last.text.trim().rsplit('\n').next().unwrap_or("").trim();
        let alone = pieces.len() == 1 && !last.text.trim().contains('\n');
        let taken = if fields.disclosure.is_none()
            && let Some(d) = disclosure(line)
        {
            fields.disclosure = Some(d);
            true
        } else if fields.via.is_none()
            && let Some(v) = via(line)
        {
            fields.via = Some(v);
            true
        } else if fields.source.is_none()
            && let Some(s) = source(line, alone, &last.markdown)
        {
            fields.source = Some(s);
            true
        } else {
            false
        };
        if !taken {
            break;
        }
        drop_last_line(&mut pieces);
    }
    let commentary = pieces
        .iter()
        .map(|p| p.markdown.trim())
        .filter(|m| !m.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    fields.commentary = (!commentary.is_empty()).then_some(commentary);
    fields
}

/// Removes the last line of the last piece (the whole piece if it has one line).
fn drop_last_line(pieces: &mut Vec<Piece>) {
    let Some(last) = pieces.last_mut() else {
        return;
    };
    let text = last.text.trim();
    match (text.rfind('\n'), last.markdown.trim_end().rfind('\n')) {
        (Some(t), Some(m)) => {
            last.text.truncate(t);
            last.markdown.truncate(m);
            let kept = last.markdown.trim_end().trim_end_matches('\\').trim_end();
            last.markdown = kept.to_string();
        }
        _ => {
            pieces.pop();
        }
    }
}

/// "Full disclosure: Heroku is my employer." → "Heroku is my employer."
fn disclosure(line: &str) -> Option<String> {
    let lower = line.to_lowercase();
    let rest = ["full disclosure", "disclosure"]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map(|p| &line[p.len()..])?;
    let rest = rest.trim_start_matches(|c: char| c == ':' || c == '—' || c.is_whitespace());
    (!rest.is_empty()).then(|| rest.trim().to_string())
}

/// "Thanks to Jane Doe for this one." / "via Jane Doe" → "Jane Doe".
fn via(line: &str) -> Option<String> {
    let lower = line.to_lowercase();
    let unwrapped = lower.trim_start_matches('(');
    let skip = lower.len() - unwrapped.len();
    let prefix = ["thanks to ", "thanks, ", "via ", "h/t ", "hat tip to "]
        .iter()
        .find(|p| unwrapped.starts_with(*p))?;
    let rest = &line[skip + prefix.len()..];
    let name = rest.split(" for ").next().unwrap_or(rest);
    let name = name.trim_end_matches(|c: char| ".!)".contains(c) || c.is_whitespace());
    // A sentence that merely starts "via" is not a credit line.
    let short = !name.is_empty() && name.split_whitespace().count() <= 6;
    short.then(|| name.trim().to_string())
}

/// "Jane Doe — Example Blog", "Jane Doe - Example Blog", or a name alone: short, no
/// sentence punctuation, starting with a capital. Alone (the whole commentary), a bare
/// name is taken only if emphasized or dash-separated: "Wow" is commentary.
fn source(line: &str, alone: bool, markdown: &str) -> Option<String> {
    let line = line.trim();
    let words = line.split_whitespace().count();
    let first = line.chars().next()?;
    let ends_sentence = line.ends_with(['.', '!', '?', ':', ';', ',']);
    let has_sentence = [". ", "! ", "? "].iter().any(|p| {
        line.match_indices(p).any(|(i, _)| {
            let word = line[..i].rsplit(' ').next().unwrap_or("");
            word.chars().count() > 3
        })
    });
    let dashed = [" — ", " – ", " - ", "—"].iter().any(|d| line.contains(d));
    let emphasized = markdown.trim_start().starts_with(['*', '_']);
    let shaped = words <= 12
        && line.chars().count() <= 100
        && !first.is_lowercase()
        && !ends_sentence
        && !has_sentence;
    (shaped && (!alone || dashed || emphasized)).then(|| line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(text: &str) -> Piece {
        Piece {
            markdown: text.replace('\n', "\\\n"),
            text: text.into(),
        }
    }

    #[test]
    fn the_trailing_lines_become_fields() {
        let f = split(vec![
            piece("A long read about DNS. Worth it."),
            piece("Full disclosure: I work there."),
            piece("Jane Doe — Example Blog"),
        ]);
        assert_eq!(f.source.as_deref(), Some("Jane Doe — Example Blog"));
        assert_eq!(f.disclosure.as_deref(), Some("I work there."));
        assert_eq!(
            f.commentary.as_deref(),
            Some("A long read about DNS. Worth it.")
        );
    }

    #[test]
    fn a_source_line_after_a_break_in_the_same_paragraph() {
        let f = split(vec![piece("Good points.\nJane Doe")]);
        assert_eq!(f.source.as_deref(), Some("Jane Doe"));
        assert_eq!(f.commentary.as_deref(), Some("Good points."));
    }

    #[test]
    fn a_lone_word_is_commentary_and_sentences_are_not_sources() {
        assert_eq!(split(vec![piece("Wow")]).source, None);
        let f = split(vec![piece("Intro."), piece("This is great. Read it")]);
        assert_eq!(f.source, None);
        let f = split(vec![
            piece("Intro."),
            piece("Thanks to Sam Lee for this one."),
        ]);
        assert_eq!(f.via.as_deref(), Some("Sam Lee"));
    }
}
