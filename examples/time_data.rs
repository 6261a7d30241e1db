use std::time::Instant;
fn main() {
    let root = std::env::args().nth(1).unwrap();
    let opts = sitrep::BuildOptions { root: root.into(), ..Default::default() };
    let t = Instant::now();
    let site = sitrep::load(&opts).unwrap();
    eprintln!("load {:?}", t.elapsed());
    for _ in 0..3 {
        let t = Instant::now();
        let files = sitrep::data::files(&site).unwrap();
        let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
        eprintln!("data::files {:?} ({bytes} bytes)", t.elapsed());
    }
}
