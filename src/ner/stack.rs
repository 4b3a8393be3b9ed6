//! The document-level second stage (stacking, after Krishnan & Manning 2006): the first-stage
//! model tags every sentence of a document; then each token gets features that say how the
//! first stage labelled the *same word elsewhere in the document* (its core: the key without
//! proclitics and article), and a second set of weights, added to the first-stage emission
//! scores, decides the final tags.
//!
//! Only tokens the first stage left outside mentions get features (letting the second stage
//! relabel first-stage mentions did worse on ANERcorp dev: consistency then spreads the first
//! stage's label confusions). Features of such a token ("others" are the other tokens of the
//! document with the same core, "majority" is their most frequent label, or none):
//!
//! | template | value |
//! |---|---|
//! | 200 | majority label of the others × frequency bucket of the word (rare … common) |
//! | 201 | majority label × its share among the others (3 buckets) × frequency bucket |
//! | 202, 203 | each label some other occurrence has; the same × frequency bucket |
//! | 205 | majority label of the *earlier* occurrences × frequency bucket |
//! | 206 | majority labels of the previous and the next token's others |
//!
//! The second-stage weights are trained on first-stage output for the training data that the
//! first stage did not see (cross-validation folds, see [`crate::ner::train::train_stacked`]),
//! so that they learn how far first-stage labels can be trusted on new text.

use crate::ner::hash::{FxHashMap, combine, mix};
use crate::ner::lexicon::read_bytes;
use crate::ner::model::Transitions;
use crate::ner::tags::{N_TAGS, O};

/// Label index standing for "no label" (none of the others is in a mention).
const NONE: usize = 4;

/// The second-stage weights: a small hashed table of `2^bits × N_TAGS` weights for the
/// document features (decoding keeps the first stage's transition weights).
#[derive(Debug, Clone, PartialEq)]
pub struct DocModel {
    /// The table has `2^bits` rows.
    pub bits: u32,
    /// `2^bits × N_TAGS` weights.
    pub weights: Vec<f32>,
}

/// The label index (0..4, PER LOC ORG MISC) of a tag index, or [`NONE`] for `O`.
fn label_of(tag: usize) -> usize {
    if tag == O { NONE } else { (tag - 1) / 2 }
}

/// Coarse frequency bucket of a word (its band is 10 × Zipf): rare (below 2), 2–3, 3–4,
/// 4–5, common (5 and above).
fn band_bucket(band: u8) -> u64 {
    u64::from(band.clamp(10, 59) / 10 - 1)
}

/// The most frequent label in `counts` (ties: the first), or [`NONE`] when all are 0.
fn majority(counts: &[u16; 4]) -> usize {
    let mut best = NONE;
    let mut n = 0;
    for (l, &c) in counts.iter().enumerate() {
        if c > n {
            best = l;
            n = c;
        }
    }
    best
}

/// Computes the document features of every token of a document: for token `i`, the rows
/// `rows[offsets[i]..offsets[i + 1]]` of a `2^bits`-row table. `tags` are the first-stage tag
/// indices of all the document's tokens, `cores` their core hashes and frequency bands.
pub fn doc_feature_rows(
    tags: &[usize],
    cores: &[(u64, u8)],
    bits: u32,
    rows: &mut Vec<u32>,
    offsets: &mut Vec<u32>,
) {
    rows.clear();
    offsets.clear();
    offsets.push(0);
    let n = tags.len().min(cores.len());
    // Per core: how many tokens, and how many in a mention of each label.
    let mut totals: FxHashMap<u64, (u16, [u16; 4])> = FxHashMap::default();
    for i in 0..n {
        let e = totals.entry(cores[i].0).or_insert((0, [0; 4]));
        e.0 = e.0.saturating_add(1);
        let l = label_of(tags[i]);
        if l != NONE {
            e.1[l] = e.1[l].saturating_add(1);
        }
    }
    // The others of token i: the totals without the token itself.
    let others = |i: usize| -> (u16, [u16; 4]) {
        let (count, mut labels) = totals.get(&cores[i].0).copied().unwrap_or((1, [0; 4]));
        let l = label_of(tags[i]);
        if l != NONE {
            labels[l] = labels[l].saturating_sub(1);
        }
        (count.saturating_sub(1), labels)
    };
    let majorities: Vec<usize> = (0..n).map(|i| majority(&others(i).1)).collect();
    let mut earlier: FxHashMap<u64, [u16; 4]> = FxHashMap::default();
    let shift = 64 - bits;
    let row = |template: u64, value: u64| -> u32 {
        (mix(combine(template.wrapping_mul(0x9e37_79b9_7f4a_7c15), value)) >> shift) as u32
    };
    for i in 0..n {
        let seen = earlier.entry(cores[i].0).or_insert([0; 4]);
        let first = majority(seen);
        let l = label_of(tags[i]);
        if l != NONE {
            // Only tokens the first stage left outside mentions get document features.
            seen[l] = seen[l].saturating_add(1);
            offsets.push(rows.len() as u32);
            continue;
        }
        let (count, labels) = others(i);
        let maj = majorities[i];
        let band = band_bucket(cores[i].1);
        if maj != NONE {
            rows.push(row(200, band << 8 | maj as u64));
            let share = 1 + (u64::from(labels[maj]) * 3 / u64::from(count.max(1))).min(2);
            rows.push(row(201, (maj as u64) << 8 | share << 4 | band));
        }
        for (l, &c) in labels.iter().enumerate() {
            if c > 0 {
                rows.push(row(202, l as u64));
                rows.push(row(203, band << 8 | l as u64));
            }
        }
        if first != NONE {
            rows.push(row(205, band << 8 | first as u64));
        }
        let prev = if i > 0 { majorities[i - 1] } else { NONE };
        let next = majorities.get(i + 1).copied().unwrap_or(NONE);
        if prev != NONE || next != NONE {
            rows.push(row(206, (prev as u64) << 4 | next as u64));
        }
        offsets.push(rows.len() as u32);
    }
}

impl DocModel {
    /// A model with all weights 0 (adds nothing to the first stage).
    pub fn zeros(bits: u32) -> Self {
        DocModel {
            bits,
            weights: vec![0.0; (1usize << bits) * N_TAGS],
        }
    }

    /// Adds the weights of the document features (rows from [`doc_feature_rows`]) to the
    /// first-stage emissions of the document's tokens.
    pub fn add_to(&self, rows: &[u32], offsets: &[u32], emissions: &mut [[f32; N_TAGS]]) {
        for (i, em) in emissions.iter_mut().enumerate() {
            let (Some(&a), Some(&b)) = (offsets.get(i), offsets.get(i + 1)) else {
                break;
            };
            for &r in &rows[a as usize..b as usize] {
                let base = r as usize * N_TAGS;
                if let Some(w) = self.weights.get(base..base + N_TAGS) {
                    for t in 0..N_TAGS {
                        em[t] += w[t];
                    }
                }
            }
        }
    }

    /// Appends the serialised model: bits (u32), the number of non-zero weights (u32) and
    /// each as (index u32, f32).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.bits.to_le_bytes());
        let nonzero: Vec<(usize, f32)> = self
            .weights
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, w)| w != 0.0)
            .collect();
        out.extend_from_slice(&(nonzero.len() as u32).to_le_bytes());
        for (i, w) in nonzero {
            out.extend_from_slice(&(i as u32).to_le_bytes());
            out.extend_from_slice(&w.to_le_bytes());
        }
    }

    /// Reads a model written by [`DocModel::write_to`].
    pub fn read_from(input: &mut &[u8]) -> Result<Self, String> {
        let f32_of = |input: &mut &[u8]| -> Result<f32, String> {
            Ok(f32::from_le_bytes(read_bytes::<4>(input)?))
        };
        let bits = u32::from_le_bytes(read_bytes::<4>(input)?);
        if !(4..=20).contains(&bits) {
            return Err(format!("bad document-model size 2^{bits} in model file"));
        }
        let mut model = DocModel::zeros(bits);
        let n = u32::from_le_bytes(read_bytes::<4>(input)?) as usize;
        for _ in 0..n {
            let i = u32::from_le_bytes(read_bytes::<4>(input)?) as usize;
            let w = f32_of(input)?;
            let slot = model
                .weights
                .get_mut(i)
                .ok_or("document-model weight index out of range")?;
            *slot = w;
        }
        Ok(model)
    }
}

/// One training sentence for the second stage: the first-stage emissions (from a model that
/// did not see it), the transitions of that model, the document feature rows and the gold tags.
#[derive(Debug, Clone)]
pub struct DocExample {
    /// First-stage emission scores (no `O` bias).
    pub emissions: Vec<[f32; N_TAGS]>,
    /// Index into the caller's list of first-stage transitions.
    pub transitions: usize,
    /// Document feature rows of each token.
    pub rows: Vec<u32>,
    /// `rows[offsets[i]..offsets[i + 1]]` are token `i`'s.
    pub offsets: Vec<u32>,
    /// Gold tag indices.
    pub gold: Vec<usize>,
}

/// Trains the second-stage weights with an averaged perceptron over `examples` (visited in a
/// shuffled order from `seed`), decoding with the first-stage emissions plus the weights being
/// learned, and the first-stage transitions.
pub fn train_doc_model(
    examples: &[DocExample],
    first: &[Transitions],
    bits: u32,
    epochs: usize,
    seed: u64,
) -> DocModel {
    let mut w = DocModel::zeros(bits);
    let mut u = DocModel::zeros(bits);
    let mut c = 1.0f32;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = seed | 1;
    let (mut em, mut pred) = (Vec::new(), Vec::new());
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            rng ^= rng >> 12;
            rng ^= rng << 25;
            rng ^= rng >> 27;
            let j = (rng.wrapping_mul(0x2545_f491_4f6c_dd1d) % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &k in &order {
            let ex = &examples[k];
            em.clear();
            em.extend_from_slice(&ex.emissions);
            w.add_to(&ex.rows, &ex.offsets, &mut em);
            let Some(tr_first) = first.get(ex.transitions) else {
                continue;
            };
            crate::ner::model::decode(&em, tr_first, &mut pred);
            if pred != ex.gold {
                for (i, (&g, &p)) in ex.gold.iter().zip(&pred).enumerate() {
                    if g != p {
                        let range = ex.offsets[i] as usize..ex.offsets[i + 1] as usize;
                        for &r in &ex.rows[range] {
                            let base = r as usize * N_TAGS;
                            for (t, d) in [(g, 1.0f32), (p, -1.0)] {
                                w.weights[base + t] += d;
                                u.weights[base + t] += d * c;
                            }
                        }
                    }
                }
            }
            c += 1.0;
        }
    }
    // Averaged weights: w − u / c.
    for (a, b) in w.weights.iter_mut().zip(&u.weights) {
        *a -= b / c;
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_see_the_other_occurrences_of_a_word() {
        // Tokens 0 and 2 share a core; token 0 is B-PER (tag 1), token 2 is O.
        let tags = [1, 0, 0, 0];
        let cores = [(7, 10), (8, 50), (7, 10), (9, 10)];
        let (mut rows, mut offsets) = (Vec::new(), Vec::new());
        doc_feature_rows(&tags, &cores, 16, &mut rows, &mut offsets);
        assert_eq!(offsets.len(), 5);
        let tok = |i: usize| rows[offsets[i] as usize..offsets[i + 1] as usize].to_vec();
        // Token 0 is in a first-stage mention: no features. Token 2 has the majority (200,
        // 201), "an other occurrence is PER" (202, 203) and "earlier occurrences are PER"
        // (205); tokens 1 and 3 only see that their neighbour's word is PER elsewhere (206).
        assert!(tok(0).is_empty());
        assert_eq!(tok(2).len(), 5);
        assert_eq!(tok(1).len(), 1);
        assert_eq!(tok(3).len(), 1);
        assert_ne!(tok(1), tok(3));
        // Changing the first-stage label of token 0 changes the features of token 2.
        let mut rows2 = Vec::new();
        doc_feature_rows(&[5, 0, 0, 0], &cores, 16, &mut rows2, &mut offsets);
        assert_ne!(rows[offsets[2] as usize..], rows2[offsets[2] as usize..]);
    }

    #[test]
    fn learns_to_follow_the_document_and_round_trips() {
        // First-stage emissions slightly prefer O for every token; the word with core 7 is
        // labelled PER elsewhere in the document, and the gold says PER.
        let examples: Vec<DocExample> = (0..20)
            .map(|k| {
                let tags = [1, 0];
                let cores = [(7, 10), (7 + k % 2, 10)];
                let (mut rows, mut offsets) = (Vec::new(), Vec::new());
                doc_feature_rows(&tags, &cores, 12, &mut rows, &mut offsets);
                let mut em = [[0.0; N_TAGS]; 2];
                em[0][1] = 1.0;
                em[1][O] = 0.1;
                DocExample {
                    emissions: em.to_vec(),
                    transitions: 0,
                    rows,
                    offsets,
                    gold: if k % 2 == 0 { vec![1, 1] } else { vec![1, 0] },
                }
            })
            .collect();
        let first = [Transitions::default()];
        let model = train_doc_model(&examples, &first, 12, 5, 1);
        let mut em = examples[0].emissions.clone();
        model.add_to(&examples[0].rows, &examples[0].offsets, &mut em);
        let mut tags = Vec::new();
        crate::ner::model::decode(&em, &first[0], &mut tags);
        assert_eq!(tags, [1, 1]);
        let mut em = examples[1].emissions.clone();
        model.add_to(&examples[1].rows, &examples[1].offsets, &mut em);
        crate::ner::model::decode(&em, &first[0], &mut tags);
        assert_eq!(tags, [1, 0]);
        let mut bytes = Vec::new();
        model.write_to(&mut bytes);
        let back = DocModel::read_from(&mut bytes.as_slice()).unwrap();
        assert_eq!(back, model);
    }
}
