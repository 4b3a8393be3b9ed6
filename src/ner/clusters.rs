//! Word clusters learned from unlabelled text, as binary paths (like Brown clusters): words
//! that occur in similar contexts share long path prefixes.
//!
//! Method: each frequent word gets a context vector (positive PMI of the frequent words seen
//! immediately left and right of it), randomly projected to [`DIMS`] dimensions and
//! length-normalised; the vocabulary is then split recursively in two by spherical 2-means,
//! each split adding one bit to the path of the words below it. Deterministic for a given seed.

use crate::ner::hash::FxHashMap;
use crate::ner::text::match_key;

/// Dimensions of the projected context vectors.
pub const DIMS: usize = 96;

/// Options of cluster induction.
#[derive(Debug, Clone, Copy)]
pub struct ClusterOptions {
    /// Words seen fewer times are not clustered.
    pub min_count: usize,
    /// At most this many words (the most frequent) are clustered.
    pub max_words: usize,
    /// Context words: the most frequent this many.
    pub context_words: usize,
    /// Longest path, in bits.
    pub depth: u32,
    /// Seed of the projection and of the 2-means starts.
    pub seed: u64,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            min_count: 3,
            max_words: 30_000,
            context_words: 2_000,
            depth: 14,
            seed: 0xc1_05_7e_25,
        }
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        crate::ner::hash::mix(self.0)
    }

    fn gaussianish(&mut self) -> f32 {
        // Sum of uniforms: close enough to normal for a random projection.
        let mut s = 0.0f32;
        for _ in 0..4 {
            s += (self.next() >> 40) as f32 / (1u64 << 24) as f32;
        }
        s - 2.0
    }
}

/// Splits raw text into word keys for clustering: whitespace-separated, punctuation at word ends
/// removed, [`match_key`] applied; pieces without a letter are dropped. Lines are sentences.
pub fn text_sentences(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            line.split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .filter(|w| w.chars().any(char::is_alphabetic))
                .map(match_key)
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Sentences of word keys from an unlabelled-text file: a CoNLL file (most lines end in a BIO
/// tag; the first column is used) or plain text (see [`text_sentences`]).
pub fn file_sentences(text: &str) -> Vec<Vec<String>> {
    let sample: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(200)
        .collect();
    let tagged = sample
        .iter()
        .filter(|l| {
            let last = l.split_whitespace().last().unwrap_or("");
            l.split_whitespace().count() >= 2
                && (last == "O" || last.starts_with("B-") || last.starts_with("I-"))
        })
        .count();
    if sample.is_empty() || tagged * 10 < sample.len() * 9 {
        return text_sentences(text);
    }
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for line in text.lines() {
        match line.split_whitespace().next() {
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            Some("-DOCSTART-") => {}
            Some(w) => {
                if w.chars().any(char::is_alphabetic) {
                    cur.push(match_key(w));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Learns clusters from sentences of word keys. Returns `(word, code)` pairs where `code` is the
/// path bits behind a leading 1 bit, sorted by word.
pub fn induce(sentences: &[Vec<String>], options: &ClusterOptions) -> Vec<(String, u32)> {
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for s in sentences {
        for w in s {
            *counts.entry(w.as_str()).or_insert(0) += 1;
        }
    }
    let mut by_freq: Vec<(&str, usize)> = counts.into_iter().collect();
    by_freq.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let vocab: Vec<&str> = by_freq
        .iter()
        .take_while(|(_, c)| *c >= options.min_count)
        .take(options.max_words)
        .map(|(w, _)| *w)
        .collect();
    if vocab.len() < 2 {
        return Vec::new();
    }
    let index: FxHashMap<&str, usize> = vocab.iter().enumerate().map(|(i, w)| (*w, i)).collect();
    let n_ctx = options.context_words.min(vocab.len());
    // Co-occurrence counts: (word, side × n_ctx + context) → count.
    let mut cooc: Vec<FxHashMap<u32, f32>> = vec![FxHashMap::default(); vocab.len()];
    let mut ctx_totals = vec![0.0f32; 2 * n_ctx];
    let mut total = 0.0f32;
    for s in sentences {
        for (i, w) in s.iter().enumerate() {
            let Some(&wi) = index.get(w.as_str()) else {
                continue;
            };
            for (side, j) in [(0usize, i.checked_sub(1)), (1, Some(i + 1))] {
                let Some(c) = j.and_then(|j| s.get(j)) else {
                    continue;
                };
                let Some(&ci) = index.get(c.as_str()) else {
                    continue;
                };
                if ci >= n_ctx {
                    continue;
                }
                let k = side * n_ctx + ci;
                *cooc[wi].entry(k as u32).or_insert(0.0) += 1.0;
                ctx_totals[k] += 1.0;
                total += 1.0;
            }
        }
    }
    // Random projection matrix for the 2 × n_ctx contexts.
    let mut rng = Rng(options.seed);
    let proj: Vec<[f32; DIMS]> = (0..2 * n_ctx)
        .map(|_| {
            let mut row = [0.0f32; DIMS];
            for x in row.iter_mut() {
                *x = rng.gaussianish();
            }
            row
        })
        .collect();
    let mut vectors: Vec<[f32; DIMS]> = Vec::with_capacity(vocab.len());
    for row in &cooc {
        let word_total: f32 = row.values().sum();
        let mut v = [0.0f32; DIMS];
        for (&k, &c) in row {
            let pmi = (c * total / (word_total * ctx_totals[k as usize])).ln();
            if pmi > 0.0 {
                for (x, p) in v.iter_mut().zip(&proj[k as usize]) {
                    *x += pmi * p;
                }
            }
        }
        normalise(&mut v);
        vectors.push(v);
    }
    let mut codes = vec![1u32; vocab.len()];
    let all: Vec<usize> = (0..vocab.len()).collect();
    split(&vectors, all, 0, options, &mut rng, &mut codes);
    let mut out: Vec<(String, u32)> = vocab
        .iter()
        .zip(codes)
        .map(|(w, c)| (w.to_string(), c))
        .collect();
    out.sort_unstable();
    out
}

fn normalise(v: &mut [f32; DIMS]) {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            *x /= n;
        }
    }
}

fn dot(a: &[f32; DIMS], b: &[f32; DIMS]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Splits `members` in two by spherical 2-means and recurses, appending one bit per level.
fn split(
    vectors: &[[f32; DIMS]],
    members: Vec<usize>,
    depth: u32,
    options: &ClusterOptions,
    rng: &mut Rng,
    codes: &mut [u32],
) {
    if depth >= options.depth || members.len() < 4 {
        return;
    }
    // Start from two members chosen by the seed; members are in frequency order, so pick
    // among the frequent half to avoid starting from noise.
    let half = (members.len() / 2).max(2);
    let a = members[(rng.next() % half as u64) as usize];
    let mut b = members[(rng.next() % half as u64) as usize];
    if a == b {
        b = members[(members.iter().position(|&m| m == a).unwrap_or(0) + 1) % members.len()];
    }
    let mut centres = [vectors[a], vectors[b]];
    let mut side = vec![false; members.len()];
    for _ in 0..8 {
        for (s, &m) in side.iter_mut().zip(&members) {
            *s = dot(&vectors[m], &centres[1]) > dot(&vectors[m], &centres[0]);
        }
        let mut sums = [[0.0f32; DIMS]; 2];
        for (s, &m) in side.iter().zip(&members) {
            for (x, v) in sums[usize::from(*s)].iter_mut().zip(&vectors[m]) {
                *x += v;
            }
        }
        for (c, mut s) in centres.iter_mut().zip(sums) {
            normalise(&mut s);
            *c = s;
        }
    }
    let (mut left, mut right) = (Vec::new(), Vec::new());
    for (s, &m) in side.iter().zip(&members) {
        codes[m] = (codes[m] << 1) | u32::from(*s);
        if *s {
            right.push(m);
        } else {
            left.push(m);
        }
    }
    if left.is_empty() || right.is_empty() {
        return;
    }
    split(vectors, left, depth + 1, options, rng, codes);
    split(vectors, right, depth + 1, options, rng, codes);
}

/// Formats a code as its path of `0`/`1` digits.
pub fn code_path(code: u32) -> String {
    let bits = 31 - code.leading_zeros();
    (0..bits)
        .rev()
        .map(|i| if code >> i & 1 == 1 { '1' } else { '0' })
        .collect()
}

/// Parses a path of `0`/`1` digits (at most 31) into a code.
pub fn parse_path(path: &str) -> Option<u32> {
    if path.len() > 31 {
        return None;
    }
    let mut code = 1u32;
    for c in path.chars() {
        code = (code << 1)
            | match c {
                '0' => 0,
                '1' => 1,
                _ => return None,
            };
    }
    Some(code)
}

/// Writes clusters as `word<TAB>path` lines.
pub fn write_clusters(path: &std::path::Path, clusters: &[(String, u32)]) -> Result<(), String> {
    let mut text = String::new();
    for (w, c) in clusters {
        text.push_str(w);
        text.push('\t');
        text.push_str(&code_path(*c));
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Reads clusters written by [`write_clusters`].
pub fn read_clusters(path: &std::path::Path) -> Result<Vec<(String, u32)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (w, p) = line
            .split_once('\t')
            .ok_or_else(|| format!("{}:{}: expected `word<TAB>path`", path.display(), n + 1))?;
        let code =
            parse_path(p).ok_or_else(|| format!("{}:{}: bad path `{p}`", path.display(), n + 1))?;
        out.push((w.to_string(), code));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_the_same_contexts_share_paths() {
        // Cities follow "in", people follow "said"; many repetitions so counts are stable.
        let mut text = String::new();
        for i in 0..60 {
            let city = ["paris", "london", "cairo"][i % 3];
            let person = ["ahmed", "maria", "john"][i % 3];
            text.push_str(&format!(
                "we live in {city} now\n{person} said that it rains\n"
            ));
        }
        let sentences = text_sentences(&text);
        let options = ClusterOptions {
            depth: 6,
            ..ClusterOptions::default()
        };
        let clusters = induce(&sentences, &options);
        let code = |w: &str| {
            clusters
                .iter()
                .find(|(x, _)| x == w)
                .map(|(_, c)| *c)
                .unwrap()
        };
        let common = |a: u32, b: u32| {
            let (pa, pb) = (code_path(a), code_path(b));
            pa.chars()
                .zip(pb.chars())
                .take_while(|(x, y)| x == y)
                .count()
        };
        assert!(common(code("paris"), code("cairo")) > common(code("paris"), code("ahmed")));
        assert!(common(code("john"), code("maria")) > common(code("john"), code("london")));
        assert_eq!(clusters, induce(&sentences, &options));
        assert_eq!(parse_path(&code_path(code("paris"))), Some(code("paris")));
        assert_eq!(parse_path("012"), None);
        let conll = file_sentences("في O\nدمشق B-LOC\n\nزار O\nحلب B-LOC\n");
        assert_eq!(conll, [vec!["في", "دمشق"], vec!["زار", "حلب"]]);
        assert_eq!(file_sentences("Hello, world!\n"), [vec!["hello", "world"]]);
    }
}
