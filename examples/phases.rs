//! Times the two stages of a build, for profiling: loading the site (read, parse,
//! highlight, validate, index) and rendering every output into memory (no writes).
//!
//! ```sh
//! cargo run --release --example phases -- DIR
//! ```
//!
//! Prints both times (and the memory the loaded site holds), then the output's files and bytes by top-level folder.
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The allocator `sitrep` itself uses, so the figures match the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: phases DIR   (DIR holds config.toml)");
        return ExitCode::from(2);
    };
    let opts = sitrep::BuildOptions {
        root,
        base_url: None,
        drafts: false,
        future: false,
    };
    let t = Instant::now();
    let Some(site) = report(sitrep::load(&opts)) else {
        return ExitCode::FAILURE;
    };
    let load = t.elapsed();
    let loaded_rss = rss_mb();
    let t = Instant::now();
    let Some(outputs) = report(sitrep::render_site(&site)) else {
        return ExitCode::FAILURE;
    };
    let render = t.elapsed();
    let bytes: usize = outputs.iter().map(|o| o.bytes.len()).sum();
    let mut by_kind = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for o in &outputs {
        let feed = o.path.ends_with(".xml") || o.path.ends_with(".json");
        let kind = if feed {
            "feeds"
        } else {
            o.path.split('/').next().unwrap_or("")
        };
        let e = by_kind.entry(kind).or_default();
        e.0 += 1;
        e.1 += o.bytes.len();
    }
    // Ignore write errors: `| head -1` closing the pipe is not a failure.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "load {load:?} (RSS {loaded_rss} MB after it), render {render:?}, {} files, {} MB",
        outputs.len(),
        bytes >> 20
    );
    for (k, (n, b)) in by_kind {
        let _ = writeln!(out, "  {k:12} {n:6} files {:8} KB", b >> 10);
    }
    ExitCode::SUCCESS
}

/// This process's resident memory in MB (Linux; 0 elsewhere): what the loaded site holds.
fn rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    kb.unwrap_or(0) >> 10
}

/// The value, or `None` after printing the error the way `sitrep` does.
fn report<T>(result: sitrep::Result<T>) -> Option<T> {
    result.map_err(|e| eprintln!("{e}")).ok()
}
