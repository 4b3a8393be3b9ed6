//! Shows how the extractor sees one page: the top-scoring elements and the chosen one.
//!
//! Usage: cargo run --release --example extract_debug -- PAGE.html[.gz]

use std::io::Read;

use nahr::extract::content;
use nahr::extract::dom::{Dom, Limits, NodeData, NodeId};

fn describe(dom: &Dom, mut id: NodeId) -> String {
    let mut parts = Vec::new();
    while id != nahr::extract::dom::NONE {
        if let NodeData::Element { name, .. } = &dom.node(id).data {
            let class = dom.attr(id, "class").unwrap_or("");
            let eid = dom.attr(id, "id").unwrap_or("");
            parts.push(format!(
                "{}[{}#{}]",
                &**name,
                class.chars().take(40).collect::<String>(),
                eid
            ));
        }
        id = dom.node(id).parent;
    }
    parts.reverse();
    parts.join(" > ")
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: extract_debug PAGE");
        std::process::exit(2);
    };
    let raw = match std::fs::read(&path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let mut bytes = Vec::new();
    if path.ends_with(".gz") {
        if let Err(e) = flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut bytes) {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    } else {
        bytes = raw;
    }
    let html = String::from_utf8_lossy(&bytes);
    let limits = Limits::default();
    let dom = Dom::parse(&html, &limits);
    let a = content::analyse(&dom, limits.max_depth, true);
    let mut ids: Vec<NodeId> = (0..dom.nodes.len() as NodeId)
        .filter(|i| dom.tag(*i).is_some())
        .collect();
    ids.sort_by(|x, y| a.score[*y as usize].total_cmp(&a.score[*x as usize]));
    println!("body chars {}", a.chars[a.body as usize]);
    for id in ids.iter().take(12) {
        let i = *id as usize;
        println!(
            "{:8.0} chars {:6} links {:6} removed {} {}",
            a.score[i],
            a.chars[i],
            a.link_chars[i],
            a.removed[i],
            describe(&dom, *id)
        );
    }
    let root = content::choose(&dom, &a, limits.max_depth);
    println!("CHOSEN {}", describe(&dom, root));
    let mut removed: Vec<NodeId> = (0..dom.nodes.len() as NodeId)
        .filter(|i| a.removed[*i as usize] && a.chars[*i as usize] > 100)
        .collect();
    removed.sort_by_key(|i| std::cmp::Reverse(a.chars[*i as usize]));
    for id in removed.iter().take(10) {
        println!(
            "REMOVED {:6} {}",
            a.chars[*id as usize],
            describe(&dom, *id)
        );
    }
}
