//! Times nahr's extractor, nahr's own HTML parser alone, html5ever parsing alone (into a sink
//! that builds nothing, and into nahr's arena DOM) and the rs-trafilatura crate on the same
//! pages, and prints pages/s, MB/s and the ratios the issue asks for.
//!
//! Usage: nahr-yardsticks DATASET_DIR... [--rounds N]
//!        nahr-yardsticks --write-trafilatura OUT DATASET_DIR
//!        nahr-yardsticks --parse-only PATH        (html5ever, one JSON line)
//!        nahr-yardsticks --parse-only-nahr PATH   (nahr's parser, one JSON line)
//!
//! The second form writes rs-trafilatura's text of each page as `OUT/ID.txt`, so that
//! `score_extraction.py DATASET OUT` scores the yardstick with the same scorer as nahr.

use std::borrow::Cow;
use std::cell::Cell;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName, local_name, ns, parse_document};

/// A tree sink that builds nothing (handles carry the element name, which the tree builder
/// needs): the cost of tokenizing and tree construction alone.
struct CountSink {
    next: Cell<usize>,
}

#[derive(Clone)]
struct H(usize, QualName);

fn no_name() -> QualName {
    QualName::new(None, ns!(), local_name!(""))
}

impl TreeSink for CountSink {
    type Handle = H;
    type Output = usize;
    type ElemName<'a> = &'a QualName;
    fn finish(self) -> usize {
        self.next.get()
    }
    fn parse_error(&self, _: Cow<'static, str>) {}
    fn get_document(&self) -> H {
        H(0, no_name())
    }
    fn elem_name<'a>(&'a self, h: &'a H) -> &'a QualName {
        &h.1
    }
    fn create_element(&self, name: QualName, _: Vec<Attribute>, _: ElementFlags) -> H {
        self.next.set(self.next.get() + 1);
        H(self.next.get(), name)
    }
    fn create_comment(&self, _: StrTendril) -> H {
        H(0, no_name())
    }
    fn create_pi(&self, _: StrTendril, _: StrTendril) -> H {
        H(0, no_name())
    }
    fn append(&self, _: &H, _: NodeOrText<H>) {}
    fn append_based_on_parent_node(&self, _: &H, _: &H, _: NodeOrText<H>) {}
    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}
    fn get_template_contents(&self, t: &H) -> H {
        t.clone()
    }
    fn same_node(&self, x: &H, y: &H) -> bool {
        x.0 == y.0
    }
    fn set_quirks_mode(&self, _: QuirksMode) {}
    fn append_before_sibling(&self, _: &H, _: NodeOrText<H>) {}
    fn add_attrs_if_missing(&self, _: &H, _: Vec<Attribute>) {}
    fn remove_from_parent(&self, _: &H) {}
    fn reparent_children(&self, _: &H, _: &H) {}
}

fn load(dirs: &[String]) -> Result<Vec<String>, String> {
    let mut pages = Vec::new();
    for d in dirs {
        let html_dir = Path::new(d).join("html");
        let mut names: Vec<_> = std::fs::read_dir(&html_dir)
            .map_err(|e| format!("{}: {e}", html_dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        names.sort();
        for p in names {
            let raw = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let bytes = if p.extension().is_some_and(|e| e == "gz") {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&raw[..])
                    .read_to_end(&mut out)
                    .map_err(|e| format!("{}: {e}", p.display()))?;
                out
            } else {
                raw
            };
            pages.push(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    Ok(pages)
}

fn write_trafilatura(out: &str, dataset: &str) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{out}: {e}"))?;
    let html_dir = Path::new(dataset).join("html");
    let mut names: Vec<_> = std::fs::read_dir(&html_dir)
        .map_err(|e| format!("{}: {e}", html_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    let pages = load(&[dataset.to_string()])?;
    for (path, html) in names.iter().zip(pages.iter()) {
        let id = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.split('.').next())
            .ok_or_else(|| format!("bad file name {}", path.display()))?;
        let text = rs_trafilatura::extract(html).map_or(String::new(), |r| r.content_text);
        let target = Path::new(out).join(format!("{id}.txt"));
        std::fs::write(&target, text).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    Ok(())
}

fn time<F: FnMut(&str) -> usize>(pages: &[String], rounds: usize, mut f: F) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut sink = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        for p in pages {
            sink += f(p);
        }
        best = best.min(t.elapsed());
    }
    (best, sink)
}

/// `--parse-only PATH`: html5ever parsing alone (no-op sink) over every page of an input nahr
/// reads (a folder of HTML files, a WARC, JSON Lines), streamed one page at a time. Pages are
/// read and decoded outside the timed part. Prints one JSON line (pages, raw bytes, seconds) for
/// scripts/bench_e2e.py.
fn parse_only(path: &str, nahr_parser: bool) -> Result<(), String> {
    let limits = nahr::extract::dom::Limits::default();
    let inputs = nahr::input::resolve(&[path.to_string()], nahr::input::FormatChoice::Auto)?;
    let reader = nahr::input::RecordReader::new(nahr::runner::DEFAULT_MAX_BYTES, "html", "url");
    let (mut pages, mut bytes, mut spent) = (0usize, 0usize, Duration::ZERO);
    reader.read_all(&inputs.files, &mut |item| {
        if let nahr::input::ReadItem::Record(r) = item
            && let Ok(d) = nahr::decode::decode(&r.bytes, r.transport_charset.as_deref(), None)
        {
            let t = Instant::now();
            let n = if nahr_parser {
                nahr::html::parse(&d.text, &limits).nodes.len()
            } else {
                parse_document(CountSink { next: Cell::new(0) }, Default::default())
                    .one(StrTendril::from(d.text))
            };
            spent += t.elapsed();
            std::hint::black_box(n);
            pages += 1;
            bytes += r.bytes.len();
        }
        true
    });
    println!(
        "{}",
        serde_json::json!({
            "tool": if nahr_parser { "nahr-parse" } else { "html5ever-parse" },
            "pages": pages, "bytes": bytes, "seconds": spent.as_secs_f64()
        })
    );
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let first = args.first().map(String::as_str);
    if first == Some("--parse-only") || first == Some("--parse-only-nahr") {
        let Some(path) = args.get(1) else {
            eprintln!("usage: nahr-yardsticks --parse-only|--parse-only-nahr PATH");
            std::process::exit(2);
        };
        if let Err(e) = parse_only(path, first == Some("--parse-only-nahr")) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--write-trafilatura") {
        if args.len() != 3 {
            eprintln!("usage: nahr-yardsticks --write-trafilatura OUT DATASET_DIR");
            std::process::exit(2);
        }
        if let Err(e) = write_trafilatura(&args[1], &args[2]) {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
        return;
    }
    let mut rounds = 3;
    let mut dirs = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--rounds" {
            rounds = it.next().and_then(|n| n.parse().ok()).unwrap_or(3);
        } else {
            dirs.push(a.clone());
        }
    }
    if dirs.is_empty() {
        eprintln!("usage: nahr-yardsticks DATASET_DIR... [--rounds N]");
        std::process::exit(2);
    }
    let pages = match load(&dirs) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let mb = pages.iter().map(|p| p.len()).sum::<usize>() as f64 / 1e6;
    println!(
        "{} pages, {:.1} MB, best of {rounds} rounds, one thread",
        pages.len(),
        mb
    );
    let opts = nahr::extract::ExtractOptions::default();
    let limits = opts.limits;
    let rows: Vec<(&str, (Duration, usize))> = vec![
        (
            "html5ever parse only (no-op sink)",
            time(&pages, rounds, |p| {
                parse_document(CountSink { next: Cell::new(0) }, Default::default())
                    .one(StrTendril::from(p))
            }),
        ),
        (
            "html5ever parse into nahr arena DOM",
            time(&pages, rounds, |p| {
                nahr::html::oracle::parse(p, &limits).nodes.len()
            }),
        ),
        (
            "nahr HTML parser into arena DOM",
            time(&pages, rounds, |p| {
                nahr::html::parse(p, &limits).nodes.len()
            }),
        ),
        (
            "nahr extract (parse + main content + metadata)",
            time(&pages, rounds, |p| {
                nahr::extract::extract(p, None, &opts).text.len()
            }),
        ),
        (
            "nahr clean stage (extract + language)",
            time(&pages, rounds, |p| {
                let t = nahr::extract::extract(p, None, &opts).text;
                t.len() + nahr::lang::detect(&t).map_or(0, |g| g.code.len())
            }),
        ),
        (
            "rs-trafilatura extract",
            time(&pages, rounds, |p| {
                rs_trafilatura::extract(p).map_or(0, |r| r.content_text.len())
            }),
        ),
    ];
    for (name, (d, _)) in &rows {
        let s = d.as_secs_f64();
        println!(
            "{name:<50} {:>8.3} s {:>9.1} pages/s {:>7.2} MB/s",
            s,
            pages.len() as f64 / s,
            mb / s
        );
    }
    let secs = |i: usize| rows[i].1.0.as_secs_f64();
    println!(
        "nahr extract vs rs-trafilatura: {:.2}x the pages/s (target >= 5x)",
        secs(5) / secs(3)
    );
    println!(
        "nahr extract vs html5ever parse only: {:.2}x the time (target <= 3x)",
        secs(3) / secs(0)
    );
    println!(
        "nahr extract vs html5ever into nahr DOM: {:.2}x the time",
        secs(3) / secs(1)
    );
    println!(
        "nahr HTML parser vs html5ever into nahr DOM: {:.2}x the pages/s",
        secs(1) / secs(2)
    );
    println!(
        "nahr extract vs nahr HTML parser alone: {:.2}x the time",
        secs(3) / secs(2)
    );
}
