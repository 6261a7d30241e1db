//! The email edition of an issue (`sitrep email`): the same issue, rendered by the
//! theme's `email.html` and `email.txt`, made ready for a mail client.
//!
//! [`render`] makes the HTML (every style inline, every URL absolute) and the plain
//! text; [`message`] wraps both in an RFC 5322 message and sends a test copy. The
//! command only chooses the issue and writes the three files: it never touches the
//! site's output folder.

mod message;
mod render;

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Result};
use crate::site::Site;

pub use message::{PASSWORD_VARIABLE, Sent, send_test};

/// Gmail clips a message whose HTML is larger than this ("[Message clipped]").
pub const GMAIL_CLIP_BYTES: usize = 102 * 1024;
/// RFC 5322's recommended line length, which a subject should fit.
pub const SUBJECT_MAX_CHARS: usize = 78;

/// Which issue to make the email edition of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The newest issue the site has (drafts count only when they are loaded).
    Latest,
    Number(u32),
}

impl std::str::FromStr for Which {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "latest" => Ok(Which::Latest),
            n => n
                .trim_start_matches('#')
                .parse()
                .map(Which::Number)
                .map_err(|_| format!("`{s}` is not an issue number or `latest`")),
        }
    }
}

/// One issue's email edition, in memory.
pub struct Edition {
    pub number: u32,
    pub subject: String,
    pub html: String,
    pub text: String,
    /// The whole message; `None` without `[email] from`.
    pub eml: Option<Vec<u8>>,
    /// Size and length warnings for the editor.
    pub warnings: Vec<String>,
}

/// Makes the email edition of the issue `which` names.
pub fn edition(site: &Site, which: Which) -> Result<Edition> {
    let issue = find(site, which)?;
    let (html, text) = render::email(site, issue)?;
    let subject = issue.title.clone();
    let mut warnings = Vec::new();
    if html.len() > GMAIL_CLIP_BYTES {
        warnings.push(format!(
            "the HTML is {} KB: Gmail clips messages over 102 KB, hiding the end of the issue",
            html.len() / 1024
        ));
    }
    let chars = subject.chars().count();
    if chars > SUBJECT_MAX_CHARS {
        warnings.push(format!(
            "the subject (the issue's title) is {chars} characters: many clients cut it after {SUBJECT_MAX_CHARS}"
        ));
    }
    let eml = match &site.config.email.from {
        Some(_) => Some(message::build(site, issue, &html, &text, None)?),
        None => None,
    };
    Ok(Edition {
        number: issue.number,
        subject,
        html,
        text,
        eml,
        warnings,
    })
}

/// The issue `which` names, or an error naming the nearest numbers there are.
fn find(site: &Site, which: Which) -> Result<&crate::content::Issue> {
    let config = site.config.root.join("config.toml");
    let number = match which {
        Which::Latest => {
            return site.issues.first().map(|i| &**i).ok_or_else(|| {
                Error::Content(vec![
                    Diagnostic::file(&config, "the site has no published issue to email")
                        .with_hint(
                            "write one with `sitrep new`, or pass --drafts to email a draft",
                        ),
                ])
            });
        }
        Which::Number(n) => n,
    };
    if let Some(issue) = site.issues.iter().find(|i| i.number == number) {
        return Ok(&**issue);
    }
    let mut near: Vec<u32> = site.issues.iter().map(|i| i.number).collect();
    near.sort_by_key(|n| n.abs_diff(number));
    near.truncate(3);
    near.sort_unstable();
    let hint = match near.as_slice() {
        [] => "the site has no issues yet".to_string(),
        found => format!(
            "the nearest issues are {} (a draft needs --drafts, a scheduled issue --future)",
            found
                .iter()
                .map(|n| format!("#{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(Error::Content(vec![
        Diagnostic::file(&config, format!("there is no issue #{number}")).with_hint(&hint),
    ]))
}

/// Writes `<number>.html`, `.txt` and (with a `From`) `.eml` into `dir`, each file
/// replaced whole (written beside, then renamed), so a reader never sees half a file.
pub fn write(edition: &Edition, dir: &Path) -> Result<Vec<PathBuf>> {
    let io = |path: &Path, e: std::io::Error| Error::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source: e,
    };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let mut files: Vec<(&str, &[u8])> = vec![
        ("html", edition.html.as_bytes()),
        ("txt", edition.text.as_bytes()),
    ];
    if let Some(eml) = &edition.eml {
        files.push(("eml", eml));
    }
    let mut written = Vec::new();
    for (ext, bytes) in files {
        let path = dir.join(format!("{}.{ext}", edition.number));
        let temp = dir.join(format!(".{}.{ext}.sitrep-tmp", edition.number));
        std::fs::write(&temp, bytes).map_err(|e| io(&temp, e))?;
        std::fs::rename(&temp, &path).map_err(|e| io(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
