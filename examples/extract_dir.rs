//! Runs nahr's extractor on an extraction dataset folder (`html/ID.html[.gz]`) and writes one
//! `ID.txt` per page into an output folder, for quick scoring with
//! `score_extraction.py DATASET OUT` while developing. The real evaluation runs `nahr run`
//! (see `make eval-extract`).
//!
//! Usage: cargo run --release --example extract_dir -- DATASET OUT [main|visible]

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use nahr::extract::{ExtractOptions, Mode, extract};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: extract_dir DATASET OUT [main|visible]");
        std::process::exit(2);
    }
    let mode = match args.get(2).map(String::as_str) {
        None | Some("main") => Mode::Main,
        Some("visible") => Mode::Visible,
        Some(other) => {
            eprintln!("unknown mode {other}");
            std::process::exit(2);
        }
    };
    let opts = ExtractOptions {
        mode,
        ..ExtractOptions::default()
    };
    if let Err(e) = run(Path::new(&args[0]), Path::new(&args[1]), &opts) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run(dataset: &Path, out: &Path, opts: &ExtractOptions) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let html_dir = dataset.join("html");
    let mut entries: Vec<_> = std::fs::read_dir(&html_dir)
        .map_err(|e| format!("{}: {e}", html_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let (mut n, mut bytes, mut secs) = (0usize, 0usize, 0f64);
    for p in entries {
        let name = p
            .file_name()
            .and_then(|s| s.to_str())
            .ok_or_else(|| format!("bad file name {}", p.display()))?;
        let Some(id) = name.split('.').next() else {
            continue;
        };
        let raw = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        let bytes_raw = if name.ends_with(".gz") {
            let mut v = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut v)
                .map_err(|e| format!("{}: {e}", p.display()))?;
            v
        } else {
            raw
        };
        let html = decode(&bytes_raw);
        let t = Instant::now();
        let ex = extract(&html, None, opts);
        secs += t.elapsed().as_secs_f64();
        n += 1;
        bytes += html.len();
        std::fs::write(out.join(format!("{id}.txt")), &ex.text)
            .map_err(|e| format!("{}: {e}", out.display()))?;
        let meta = format!(
            "extractor\t{}\ntitle\t{}\nauthor\t{}\npublished\t{}\nsite_name\t{}\n",
            ex.extractor,
            ex.meta.title.unwrap_or_default(),
            ex.meta.author.unwrap_or_default(),
            ex.meta.published.map(|p| p.to_string()).unwrap_or_default(),
            ex.meta.site_name.unwrap_or_default(),
        );
        std::fs::write(out.join(format!("{id}.meta")), meta)
            .map_err(|e| format!("{}: {e}", out.display()))?;
    }
    eprintln!(
        "{n} pages, {:.1} MB in {:.2} s of extraction ({:.0} pages/s)",
        bytes as f64 / 1e6,
        secs,
        n as f64 / secs.max(1e-9)
    );
    Ok(())
}

/// UTF-8 when valid, else the encoding chardetng guesses.
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            det.feed(bytes, true);
            let enc = det.guess(None, chardetng::Utf8Detection::Allow);
            enc.decode(bytes).0.into_owned()
        }
    }
}
