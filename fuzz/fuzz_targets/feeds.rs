//! Every XML file of a site built from an arbitrary issue is well-formed XML.
//!
//! The input is the rest of a valid front matter (as in the `issue` target, a NUL byte
//! separates it from the Markdown body), so arbitrary strings reach titles, sources,
//! services, URLs, tags and commentary. When the issue validates, the whole site is
//! rendered in memory and each `.xml`/`.opml` output is parsed by roxmltree, which, unlike
//! a lenient reader, rejects the characters XML 1.0 forbids. A rejected issue must come
//! with diagnostics; either way nothing may panic.
#![no_main]

use std::path::Path;
use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use sitrep::Config;
use sitrep::content::Content;

/// A real site's configuration, loaded from a `config.toml` in an otherwise empty
/// site folder (rendering lists its static/ and templates/ folders).
fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let root = std::env::temp_dir().join(format!("sitrep-fuzz-feeds-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("a folder for the fuzzed site");
        let toml = "title = \"Fuzz Weekly\"\nbase_url = \"https://example.org/\"\n\
                    feed_limit = 20\nhighlight = false\n";
        std::fs::write(root.join("config.toml"), toml).expect("config.toml");
        let opts = sitrep::BuildOptions { root, ..Default::default() };
        Config::load(&opts).expect("the fuzz site's config loads")
    })
}

const PREFIX: &str = "+++\nnumber = 1\ndate = 2020-01-01\n";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (front, body) = text.split_once('\0').unwrap_or((&text, ""));
    let file = format!("{PREFIX}{front}\n+++\n{body}");
    let issue = match sitrep::content::parse_issue(Path::new("content/issues/1.md"), &file, config()) {
        Ok(issue) => issue,
        Err(problems) => {
            assert!(!problems.is_empty(), "Err without diagnostics");
            return;
        }
    };
    let content = Content {
        issues: vec![Arc::new(issue)],
        pages: Vec::new(),
        now: jiff::Timestamp::MAX,
        scheduled: Vec::new(),
        drafts: Vec::new(),
    };
    let Ok(site) = sitrep::Site::new(config().clone(), content) else {
        return;
    };
    let outputs = sitrep::render_site(&site).expect("a valid issue renders");
    for out in outputs {
        if out.path.ends_with(".xml") || out.path.ends_with(".opml") {
            let xml = std::str::from_utf8(&out.bytes).expect("XML output is UTF-8");
            if let Err(e) = roxmltree::Document::parse(xml) {
                panic!("{} is not well-formed XML: {e}\n{xml}", out.path);
            }
        }
    }
});
