//! The benchmark "floor": the least work any build of a site must do.
//!
//! ```sh
//! cargo run --release --example floor -- DIR
//! ```
//!
//! Reads every `.md` file under `DIR/content/`, splits the front matter with
//! `sitrep::content::split`, parses it with `toml::from_str::<toml::Value>`, and runs
//! `pulldown_cmark::html::push_html` over the body and over every `commentary` and
//! `text` string in it. Single-threaded; no templates, no validation, no writes.
//! Prints the elapsed milliseconds (and a summary on stderr).
//!
//! Markdown options are the ones sitrep documents (tables, footnotes, strikethrough,
//! task lists, smart punctuation, heading attributes); syntax highlighting is not part of the floor.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use pulldown_cmark::{Options, Parser, html};

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let kind = e.file_type()?;
        if kind.is_dir() {
            markdown_files(&path, out)?;
        } else if kind.is_file() && path.extension().is_some_and(|x| x == "md") {
            out.push(path);
        }
    }
    Ok(())
}

/// Every `commentary` and `text` string anywhere in the front matter.
fn markdown_fields<'a>(value: &'a toml::Value, out: &mut Vec<&'a str>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                match v {
                    toml::Value::String(s) if k == "commentary" || k == "text" => out.push(s),
                    _ => markdown_fields(v, out),
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| markdown_fields(v, out)),
        _ => {}
    }
}

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: floor DIR   (DIR holds content/)");
        return ExitCode::from(2);
    };
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES;

    let start = Instant::now();
    let mut files = Vec::new();
    if let Err(e) = markdown_files(&root.join("content"), &mut files) {
        eprintln!("error: {}: {e}", root.join("content").display());
        return ExitCode::FAILURE;
    }
    let (mut bytes_in, mut bytes_out, mut documents) = (0usize, 0usize, 0usize);
    let mut html_buf = String::new();
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        };
        bytes_in += text.len();
        let split = match sitrep::content::split(path, &text) {
            Ok(s) => s,
            Err(d) => {
                eprintln!("{d}");
                return ExitCode::FAILURE;
            }
        };
        let front: toml::Value = match toml::from_str(split.front) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        };
        let mut sources = vec![split.body];
        markdown_fields(&front, &mut sources);
        for md in sources {
            html_buf.clear();
            html::push_html(&mut html_buf, Parser::new_ext(md, options));
            bytes_out += html_buf.len();
            documents += 1;
        }
    }
    let elapsed = start.elapsed();
    eprintln!(
        "floor: {} files, {} Markdown documents, {:.1} MB in, {:.1} MB HTML out",
        files.len(),
        documents,
        bytes_in as f64 / 1e6,
        bytes_out as f64 / 1e6
    );
    println!("{:.1} ms", elapsed.as_secs_f64() * 1e3);
    ExitCode::SUCCESS
}
