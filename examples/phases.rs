//! Times each stage of a build (load, render into memory, write) for profiling.
//!
//! ```sh
//! cargo run --release --example phases -- DIR
//! ```
use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("usage: phases DIR"));
    let opts = sitrep::BuildOptions {
        root,
        base_url: None,
        drafts: false,
    };
    let t = Instant::now();
    let site = sitrep::load(&opts).expect("load");
    let load = t.elapsed();
    let t = Instant::now();
    let outputs = sitrep::render_site(&site).expect("render");
    let render = t.elapsed();
    let bytes: usize = outputs.iter().map(|o| o.bytes.len()).sum();
    let mut by_kind = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for o in &outputs {
        let kind = o.path.split('/').next().unwrap_or("");
        let kind = if o.path.ends_with(".xml") || o.path.ends_with(".json") {
            "feeds"
        } else {
            kind
        };
        let e = by_kind.entry(kind).or_default();
        e.0 += 1;
        e.1 += o.bytes.len();
    }
    println!(
        "load {:?}, render {:?}, {} files, {} MB",
        load,
        render,
        outputs.len(),
        bytes >> 20
    );
    for (k, (n, b)) in by_kind {
        println!("  {k:12} {n:6} files {:6} KB", b >> 10);
    }
}
