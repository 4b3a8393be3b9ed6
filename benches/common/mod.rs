//! Pages the criterion benches run on: the 16 arabic-dev pages and the first 84 of wcxb-dev
//! from `../shared/data`, or the bench's own fixture page when that folder is absent.

use std::io::Read;
use std::path::Path;

/// The bench pages as text (gzip'd files inflated), or `[fixture]` without `../shared/data`.
pub fn load_pages(fixture: &str) -> Vec<String> {
    let mut pages = Vec::new();
    for (set, max) in [("arabic-dev", 16), ("wcxb-dev", 84)] {
        let dir = Path::new("../shared/data/extraction")
            .join(set)
            .join("html");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths.into_iter().take(max) {
            let Ok(raw) = std::fs::read(&p) else {
                continue;
            };
            let mut bytes = Vec::new();
            if flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut bytes)
                .is_err()
            {
                bytes = raw;
            }
            pages.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    if pages.is_empty() {
        eprintln!("../shared/data not found: benchmarking a small fixture page instead");
        pages.push(fixture.to_string());
    }
    pages
}
