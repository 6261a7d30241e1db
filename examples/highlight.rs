//! Times syntax highlighting alone: every fenced code block in a corpus, one thread.
//!
//! ```sh
//! cargo run --release --example highlight -- DIR [ROUNDS]
//! ```
//!
//! Collects the fenced blocks (```` ```lang ```` … ```` ``` ````) from every `.md` file
//! under `DIR/content/` (front matter included: commentary is Markdown too), renders
//! each through `sitrep::markdown::to_html` ROUNDS times (default 3), and prints the
//! median time per round and per code line. The first round also loads the syntax set.

use std::time::Instant;

/// The allocator `sitrep` itself uses (it also serves Oniguruma's mallocs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn blocks(text: &str, out: &mut Vec<(String, usize)>) {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(lang) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        let mut block = format!("```{lang}\n");
        let mut n = 0;
        for line in lines.by_ref() {
            if line.trim_start().starts_with("```") {
                break;
            }
            block.push_str(line);
            block.push('\n');
            n += 1;
        }
        block.push_str("```\n");
        out.push((block, n));
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: highlight DIR [ROUNDS]");
        std::process::exit(2);
    };
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let mut found = Vec::new();
    for entry in walkdir::WalkDir::new(std::path::Path::new(&dir).join("content")) {
        let Ok(entry) = entry else { continue };
        if entry.path().extension().is_some_and(|x| x == "md")
            && let Ok(text) = std::fs::read_to_string(entry.path())
        {
            blocks(&text, &mut found);
        }
    }
    let lines: usize = found.iter().map(|(_, n)| n).sum();
    let mut times = Vec::new();
    let mut bytes = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        bytes = found
            .iter()
            .map(|(b, _)| sitrep::markdown::to_html(b).len())
            .sum::<usize>();
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "{} blocks, {lines} lines, {bytes} bytes of HTML: median {:.1} ms/round, {:.2} µs/line (rounds: {:?})",
        found.len(),
        median * 1e3,
        median * 1e6 / lines as f64,
        times.iter().map(|t| (t * 1e3).round()).collect::<Vec<_>>()
    );
}
