//! Times the data files on their own (`outages.json`, `outages.csv`, `links.json`):
//! loads the site once, then makes the data files three times in memory.
//!
//! ```sh
//! cargo run --release --example time_data -- DIR
//! ```
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// The allocator `sitrep` itself uses, so the figures match the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Some(root) = std::env::args().nth(1).map(PathBuf::from) else {
        eprintln!("usage: time_data DIR   (DIR holds config.toml)");
        return ExitCode::from(2);
    };
    let opts = sitrep::BuildOptions {
        root,
        ..Default::default()
    };
    let site = match sitrep::load(&opts) {
        Ok(site) => site,
        Err(e) => {
            eprintln!("{}", e.report());
            return ExitCode::FAILURE;
        }
    };
    for _ in 0..3 {
        let t = Instant::now();
        match sitrep::data::files(&site) {
            Ok(files) => {
                let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
                println!("data files: {:?}, {bytes} bytes", t.elapsed());
            }
            Err(e) => {
                eprintln!("{}", e.report());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
