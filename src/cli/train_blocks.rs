//! `nahr train-blocks`: train the learned block scorer of the `clean` stage on an extraction
//! dataset (WCXB dev), with an honest cross-validation: pages are split into folds by site
//! (host name), each fold is extracted by a model trained on the other folds, and the
//! held-out outputs are written as `{id}.txt` for `score_extraction.py`.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use rayon::prelude::*;

use crate::decode;
use crate::extract::blocks::{BlockModel, N_FEATURES};
use crate::extract::dom::Limits;
use crate::extract::gbt::{self, Forest, Rows, TrainOptions};
use crate::extract::{self, ExtractOptions};

/// Arguments of `nahr train-blocks`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  nahr train-blocks --data ../shared/data/extraction/wcxb-dev \\\n    --out models/extract/blocks.gbt --cv 5 --cv-out target/blocks-cv"
)]
pub struct TrainBlocksArgs {
    /// Extraction dataset: a folder with truth.jsonl(.gz) and html/ID.html(.gz).
    #[arg(long)]
    pub data: PathBuf,
    /// Where to write the model trained on all pages (nothing is written without it).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Number of cross-validation folds (0: no cross-validation).
    #[arg(long, default_value_t = 0)]
    pub cv: usize,
    /// Folder for the held-out outputs of the cross-validation (`{id}.txt`).
    #[arg(long)]
    pub cv_out: Option<PathBuf>,
    /// Number of trees.
    #[arg(long, default_value_t = 250)]
    pub trees: usize,
    /// Depth of each tree.
    #[arg(long, default_value_t = 6)]
    pub depth: usize,
    /// Learning rate (shrinkage of each tree).
    #[arg(long, default_value_t = 0.1)]
    pub learning_rate: f32,
    /// Probability above which a block is kept (several values: the cross-validation writes
    /// one folder of outputs per setting; the model keeps the first).
    #[arg(long, value_delimiter = ',', default_value = "0.5")]
    pub keep_above: Vec<f32>,
    /// Probability above which a block the heuristic left out is added (above 1: never, the
    /// model only removes; several values as for --keep-above).
    #[arg(long, value_delimiter = ',', default_value = "1.01")]
    pub add_above: Vec<f32>,
    /// Weight of the group mean in a block's probability (several values as for
    /// --keep-above).
    #[arg(long, value_delimiter = ',', default_value = "0.5")]
    pub group_weight: Vec<f32>,
    /// Least share of the heuristic's words the accepted blocks must hold (several values as
    /// for --keep-above).
    #[arg(long, value_delimiter = ',', default_value = "0.6")]
    pub min_share: Vec<f32>,
    /// Train on hard labels: a block is content when more than this share of its words are
    /// found in order in the truth (0: the share itself is the target).
    #[arg(long, default_value_t = 0.0)]
    pub hard_above: f32,
    /// Seed of the row sampling (same seed, same data: same model).
    #[arg(long, default_value_t = TrainOptions::default().seed)]
    pub seed: u64,
}

/// One page of the dataset.
struct Page {
    id: String,
    site: String,
    html: String,
    /// The truth's main content as lower-cased words.
    truth: Truth,
}

/// The training rows of one page.
#[derive(Default)]
struct PageRows {
    x: Vec<f32>,
    y: Vec<f32>,
    w: Vec<f32>,
}

/// Runs `nahr train-blocks`.
pub fn run(args: TrainBlocksArgs) -> Result<i32, String> {
    let pages = load(&args.data)?;
    eprintln!("{} pages read from {}", pages.len(), args.data.display());
    let limits = Limits::default();
    let rows: Vec<PageRows> = pages
        .par_iter()
        .map(|p| page_rows(p, &limits, args.hard_above))
        .collect();
    let n_rows: usize = rows.iter().map(|r| r.y.len()).sum();
    eprintln!("{n_rows} blocks with words");
    let opts = TrainOptions {
        trees: args.trees,
        depth: args.depth,
        learning_rate: args.learning_rate,
        seed: args.seed,
        ..TrainOptions::default()
    };
    if args.cv > 1 {
        let out = args
            .cv_out
            .as_ref()
            .ok_or("--cv needs --cv-out (the folder for the held-out outputs)")?;
        std::fs::create_dir_all(out)
            .map_err(|e| format!("cannot create {}: {e}", out.display()))?;
        let folds: Vec<usize> = pages.iter().map(|p| fold_of(&p.site, args.cv)).collect();
        for k in 0..args.cv {
            let held: Vec<usize> = (0..pages.len()).filter(|&i| folds[i] == k).collect();
            let model = train_on(&rows, &|i| folds[i] != k, &opts);
            eprintln!(
                "fold {}/{}: {} held-out pages, trained on {} others",
                k + 1,
                args.cv,
                held.len(),
                pages.len() - held.len()
            );
            let settings = grid(
                &args.keep_above,
                &args.add_above,
                &args.group_weight,
                &args.min_share,
            );
            for (ka, aa, gw, ms) in &settings {
                let dir = if settings.len() > 1 {
                    out.join(format!("keep{ka}-add{aa}-group{gw}-share{ms}"))
                } else {
                    out.clone()
                };
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                let ex_opts = ExtractOptions {
                    block_model: Some(Arc::new(BlockModel {
                        forest: model.clone(),
                        keep_above: *ka,
                        add_above: *aa,
                        group_weight: *gw,
                        min_share: *ms,
                    })),
                    ..ExtractOptions::default()
                };
                held.par_iter().try_for_each(|&i| {
                    let p = &pages[i];
                    let ex = extract::extract(&p.html, None, &ex_opts);
                    let path = dir.join(format!("{}.txt", p.id));
                    std::fs::write(&path, ex.text)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))
                })?;
            }
        }
        eprintln!("held-out outputs in {}", out.display());
    }
    if let Some(path) = &args.out {
        let model = BlockModel {
            forest: train_on(&rows, &|_| true, &opts),
            keep_above: args.keep_above.first().copied().unwrap_or(0.5),
            add_above: args.add_above.first().copied().unwrap_or(0.5),
            group_weight: args.group_weight.first().copied().unwrap_or(0.0),
            min_share: args.min_share.first().copied().unwrap_or(0.0),
        };
        let mut text = String::from(
            "# nahr learned block scorer (src/extract/blocks.rs), trained by `nahr train-blocks`\n\
             # on WCXB dev (CC-BY-4.0); see SOURCE.md beside this file.\n",
        );
        text.push_str(&model.to_text());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!(
            "model ({} trees) written to {}",
            model.forest.trees.len(),
            path.display()
        );
    }
    Ok(0)
}

/// Every combination of the four lists.
fn grid(a: &[f32], b: &[f32], c: &[f32], d: &[f32]) -> Vec<(f32, f32, f32, f32)> {
    let mut out = Vec::new();
    for &x in a {
        for &y in b {
            for &z in c {
                for &w in d {
                    out.push((x, y, z, w));
                }
            }
        }
    }
    out
}

/// Trains on the pages `use_page` selects.
fn train_on(rows: &[PageRows], use_page: &dyn Fn(usize) -> bool, opts: &TrainOptions) -> Forest {
    let (mut x, mut y, mut w) = (Vec::new(), Vec::new(), Vec::new());
    for (i, r) in rows.iter().enumerate() {
        if use_page(i) {
            x.extend_from_slice(&r.x);
            y.extend_from_slice(&r.y);
            w.extend_from_slice(&r.w);
        }
    }
    gbt::train(
        &Rows {
            x: &x,
            y: &y,
            w: &w,
            n_features: N_FEATURES,
        },
        opts,
    )
}

/// The fold of a site: a stable hash of its host name (FNV-1a), so that no site is in two
/// folds.
fn fold_of(site: &str, k: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in site.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % k as u64) as usize
}

/// The host of a URL without a leading `www.` (the whole string when it has no scheme).
fn site_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
    host.strip_prefix("www.")
        .map_or(host.clone(), str::to_string)
}

/// Lower-cased words (runs of letters, marks, digits and `_`), as the scorer counts them.
fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !(c.is_alphanumeric() || extract::text::is_mark(c) || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The truth text of a page, for labelling blocks by word sequence (a bag of words would
/// call a menu of common words content).
struct Truth {
    /// The words joined by single spaces, with a space at each end.
    joined: String,
    /// Hashes of every run of three words.
    trigrams: HashSet<u64>,
}

fn trigram(a: &str, b: &str, c: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [a, b, c] {
        for byte in part.bytes().chain([0u8]) {
            h ^= byte as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

impl Truth {
    fn new(text: &str) -> Truth {
        let w: Vec<String> = words(text).collect();
        let trigrams = w.windows(3).map(|t| trigram(&t[0], &t[1], &t[2])).collect();
        Truth {
            joined: format!(" {} ", w.join(" ")),
            trigrams,
        }
    }

    /// Words of `text` and the share of them that the truth holds in the same order: runs
    /// of three words found in the truth, or for one or two words the phrase itself.
    fn label(&self, text: &str) -> (usize, f32) {
        let w: Vec<String> = words(text).collect();
        match w.len() {
            0 => (0, 0.0),
            1 | 2 => {
                let phrase = format!(" {} ", w.join(" "));
                (w.len(), f32::from(u8::from(self.joined.contains(&phrase))))
            }
            n => {
                let hits = w
                    .windows(3)
                    .filter(|t| self.trigrams.contains(&trigram(&t[0], &t[1], &t[2])))
                    .count();
                (n, hits as f32 / (n - 2) as f32)
            }
        }
    }
}

/// Blocks of a page labelled by the share of their words found in the truth in order; each page's
/// blocks weigh 100 in all, shared by word count (the metric is a per-page mean of word F1).
fn page_rows(p: &Page, limits: &Limits, hard_above: f32) -> PageRows {
    let mut r = PageRows::default();
    if p.truth.joined.len() <= 2 {
        return r;
    }
    let blocks = extract::page_blocks(&p.html, limits);
    let labels: Vec<(usize, f32)> = blocks.texts.iter().map(|t| p.truth.label(t)).collect();
    let total: usize = labels.iter().map(|c| c.0).sum();
    if total == 0 {
        return r;
    }
    for (f, (n, y)) in blocks.features.iter().zip(labels) {
        if n == 0 {
            continue;
        }
        r.x.extend_from_slice(f);
        r.y.push(if hard_above > 0.0 {
            f32::from(u8::from(y > hard_above))
        } else {
            y
        });
        r.w.push(100.0 * n as f32 / total as f32);
    }
    r
}

fn read_maybe_gz(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot inflate {}: {e}", path.display()))?;
        Ok(out)
    } else {
        Ok(bytes)
    }
}

/// Reads `truth.jsonl(.gz)` and every page's HTML.
fn load(dir: &Path) -> Result<Vec<Page>, String> {
    let truth_path = ["truth.jsonl.gz", "truth.jsonl"]
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.exists())
        .ok_or_else(|| format!("no truth.jsonl(.gz) in {}", dir.display()))?;
    let truth = read_maybe_gz(&truth_path)?;
    let truth =
        String::from_utf8(truth).map_err(|_| format!("{} is not UTF-8", truth_path.display()))?;
    let mut entries = Vec::new();
    for (n, line) in truth.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("{} line {}: {e}", truth_path.display(), n + 1))?;
        let id = v["id"]
            .as_str()
            .ok_or_else(|| format!("{} line {}: no id", truth_path.display(), n + 1))?
            .to_string();
        let url = v["url"].as_str().unwrap_or(&id).to_string();
        let main = v["main_content"].as_str().unwrap_or("").to_string();
        entries.push((id, url, main));
    }
    entries
        .into_par_iter()
        .map(|(id, url, main)| {
            let html_dir = dir.join("html");
            let path = [format!("{id}.html.gz"), format!("{id}.html")]
                .iter()
                .map(|n| html_dir.join(n))
                .find(|p| p.exists())
                .ok_or_else(|| format!("no HTML for page {id} in {}", html_dir.display()))?;
            let bytes = read_maybe_gz(&path)?;
            let html = decode::decode(&bytes, None, None)
                .map(|d| d.text)
                .unwrap_or_default();
            Ok(Page {
                site: site_of(&url),
                truth: Truth::new(&main),
                id,
                html,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_and_folds() {
        assert_eq!(site_of("https://www.Example.com:8080/a/b?c"), "example.com");
        assert_eq!(site_of("http://blog.example.org"), "blog.example.org");
        assert_eq!(fold_of("example.com", 5), fold_of("example.com", 5));
        assert!(fold_of("example.com", 5) < 5);
        let w: Vec<String> = words("Hello, WORLD_1 and-so").collect();
        assert_eq!(w, ["hello", "world_1", "and", "so"]);
        let t = Truth::new("The cat sat on the mat. Home is here.");
        assert_eq!(t.label("the cat sat on"), (4, 1.0));
        assert_eq!(t.label("Home"), (1, 1.0));
        assert_eq!(t.label("About us"), (2, 0.0));
        assert_eq!(t.label("the mat sat on"), (4, 0.0));
    }
}
