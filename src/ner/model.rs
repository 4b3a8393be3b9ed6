//! The trained sequence labeller: a hashed weight table (one row of [`N_TAGS`] weights per
//! feature bucket), tag-transition weights, Viterbi decoding that never takes a forbidden
//! transition, max-marginal margins for confidences, and the model file format.
//!
//! File format (little-endian): the magic `NAHRNER1`, then a zstd frame holding: the language
//! (u8 length + UTF-8), feature groups (u32), bucket bits (u32), calibration `a`, `b` (f32),
//! the `O` bias (f32), weight scale (f32), start weights (9 × f32), transition weights (9 × 9 × f32), the
//! [`Lexicon`], then the weight table as `2^bits × 9` i16, then, for a model with the `gaz`
//! feature group, the byte 2 and the lexicon's memory of labelled text
//! ([`Lexicon::write_memory_to`]), then, for a model with per-label biases (any nonzero),
//! the byte 3 and the four biases (f32, PER, LOC, ORG, MISC), then, for a model with a
//! document-level second stage, the byte 1 and the [`DocModel`].

use std::sync::atomic::{AtomicU64, Ordering};

use crate::ner::features::{Extractor, FeatureCache, FeatureConfig, Prepared};
use crate::ner::lexicon::{Lexicon, read_bytes};
use crate::ner::lists::EntityList;
use crate::ner::stack::{DocModel, doc_feature_rows};
use crate::ner::tags::{N_TAGS, O, allowed};

const MAGIC: &[u8; 8] = b"NAHRNER1";

/// A score that no path may take (forbidden transitions).
const FORBIDDEN: f32 = -1.0e30;

/// Tag-transition weights: `start[t]` for a sentence starting with `t`, `trans[p][t]` for `t`
/// after `p`. Forbidden transitions are not stored here: decoding skips them.
#[derive(Debug, Clone, PartialEq)]
pub struct Transitions {
    /// Weight of each tag at the start of a sentence.
    pub start: [f32; N_TAGS],
    /// Weight of each (previous, next) pair.
    pub trans: [[f32; N_TAGS]; N_TAGS],
}

impl Default for Transitions {
    fn default() -> Self {
        Transitions {
            start: [0.0; N_TAGS],
            trans: [[0.0; N_TAGS]; N_TAGS],
        }
    }
}

/// Reusable decoding buffers; keep one per thread.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Feature extraction buffers.
    pub extractor: Extractor,
    /// Feature rows of the current sentence.
    pub rows: Vec<u32>,
    /// Offsets of each token's rows.
    pub offsets: Vec<u32>,
    /// Emission scores of each token.
    pub emissions: Vec<[f32; N_TAGS]>,
    /// Summed quantised weights of each token.
    sums: Vec<[i32; N_TAGS]>,
    /// Feature caches of the models this scratch served most recently, by model id.
    caches: Vec<(u64, FeatureCache)>,
    alpha: Vec<[f32; N_TAGS]>,
    beta: Vec<[f32; N_TAGS]>,
    back: Vec<[u8; N_TAGS]>,
    /// The document being tagged ([`NerModel::add_sentence`]).
    pub document: DocumentBuffers,
}

/// What [`NerModel::add_sentence`] keeps of the sentences of a document until
/// [`NerModel::finish_document`].
#[derive(Debug, Default)]
pub struct DocumentBuffers {
    /// Emission scores of every token so far (first stage, without the `O` bias; the second
    /// stage's are added by [`NerModel::finish_document`]).
    pub emissions: Vec<[f32; N_TAGS]>,
    /// First-stage tags of every token (only with a second stage).
    pub first_tags: Vec<usize>,
    /// Core hash and frequency band of every token, while the model's features give them.
    pub cores: Vec<(u64, u8)>,
    /// Every sentence gave its cores.
    pub cores_complete: bool,
    /// Keep the first-stage tags even for a model without a second stage (to train one).
    pub keep_first_tags: bool,
    rows: Vec<u32>,
    offsets: Vec<u32>,
    tags: Vec<usize>,
}

impl Scratch {
    /// The feature cache of the model with this id (the least recently added one is dropped
    /// when more than [`Scratch::MAX_CACHES`] models share the scratch).
    fn cache_for(&mut self, model_id: u64) -> &mut FeatureCache {
        let pos = match self.caches.iter().position(|(id, _)| *id == model_id) {
            Some(pos) => pos,
            None => {
                if self.caches.len() >= Self::MAX_CACHES {
                    self.caches.remove(0);
                }
                self.caches.push((model_id, FeatureCache::default()));
                self.caches.len() - 1
            }
        };
        &mut self.caches[pos].1
    }

    /// Most models whose feature caches a scratch keeps.
    const MAX_CACHES: usize = 4;

    /// Frees the buffers that a long sentence or document grew beyond
    /// [`crate::scratch::KEEP_BYTES`] (the feature caches, bounded by their own capacity, stay),
    /// so that a thread does not hold the memory of the longest sentence it has met for the
    /// rest of the run. Call between documents.
    pub fn release_large_buffers(&mut self) {
        crate::scratch::release_large(&mut self.buffers());
        crate::scratch::release_large(&mut self.extractor.buffers());
    }

    /// The largest allocation among the buffers [`Scratch::release_large_buffers`] looks at.
    #[cfg(test)]
    pub(crate) fn largest_buffer_bytes(&mut self) -> usize {
        let own = crate::scratch::largest(&self.buffers());
        own.max(crate::scratch::largest(&self.extractor.buffers()))
    }

    /// The buffers that grow with a sentence or a document, besides the extractor's
    /// ([`Extractor::buffers`](crate::ner::features::Extractor)).
    fn buffers(&mut self) -> [&mut dyn crate::scratch::Buffer; 13] {
        let d = &mut self.document;
        [
            &mut self.rows,
            &mut self.offsets,
            &mut self.emissions,
            &mut self.sums,
            &mut self.alpha,
            &mut self.beta,
            &mut self.back,
            &mut d.emissions,
            &mut d.first_tags,
            &mut d.cores,
            &mut d.rows,
            &mut d.offsets,
            &mut d.tags,
        ]
    }
}

/// Source of [`NerModel`] ids.
static NEXT_MODEL_ID: AtomicU64 = AtomicU64::new(1);

/// `ALLOWED[p][t]`: whether tag `t` may follow tag `p` ([`allowed`]). A full table rather
/// than lists of predecessors, so that the decoding loops run over all nine tags and the
/// compiler can unroll and vectorise them.
const ALLOWED: [[bool; N_TAGS]; N_TAGS] = {
    let mut table = [[true; N_TAGS]; N_TAGS];
    // I-X (t = 2, 4, 6, 8) only after B-X (t - 1) or I-X (t).
    let mut t = 2;
    while t < N_TAGS {
        let mut p = 0;
        while p < N_TAGS {
            table[p][t] = p + 1 == t || p == t;
            p += 1;
        }
        t += 2;
    }
    table
};

/// The transition scores with `-∞` for the forbidden transitions: a path through one scores
/// `-∞`, below [`FORBIDDEN`], so the decoders never take it, and they need no test of
/// [`ALLOWED`] in their inner loops. (Every other score is finite, so the sums the decoders
/// compare are exactly those of the allowed transitions.)
fn masked_transitions(tr: &Transitions) -> [[f32; N_TAGS]; N_TAGS] {
    let mut out = tr.trans;
    for (row, allowed) in out.iter_mut().zip(&ALLOWED) {
        for (w, &ok) in row.iter_mut().zip(allowed) {
            if !ok {
                *w = f32::NEG_INFINITY;
            }
        }
    }
    out
}

/// Finds the best tag sequence under `emissions` and `tr`, never taking a forbidden transition.
/// Fills `alpha` (best score of a path ending in each tag) and `back`, and writes the tags.
fn viterbi(
    emissions: &[[f32; N_TAGS]],
    tr: &Transitions,
    alpha: &mut Vec<[f32; N_TAGS]>,
    back: &mut Vec<[u8; N_TAGS]>,
    tags: &mut Vec<usize>,
) {
    let n = emissions.len();
    alpha.clear();
    back.clear();
    tags.clear();
    if n == 0 {
        return;
    }
    let mut first = [FORBIDDEN; N_TAGS];
    for t in 0..N_TAGS {
        if allowed(None, t) {
            first[t] = tr.start[t] + emissions[0][t];
        }
    }
    alpha.push(first);
    back.push([0; N_TAGS]);
    let from = masked_transitions(tr);
    for em in &emissions[1..] {
        let prev = alpha[alpha.len() - 1];
        // For every tag at once, its predecessors in ascending order, the first of the best
        // kept (strictly greater replaces).
        let mut best = [FORBIDDEN; N_TAGS];
        let mut arg = [0u8; N_TAGS];
        for p in 0..N_TAGS {
            let score = prev[p];
            if score <= FORBIDDEN {
                continue;
            }
            for t in 0..N_TAGS {
                let s = score + from[p][t];
                if s > best[t] {
                    best[t] = s;
                    arg[t] = p as u8;
                }
            }
        }
        let mut cur = [FORBIDDEN; N_TAGS];
        let mut bp = [0u8; N_TAGS];
        for t in 0..N_TAGS {
            if best[t] > FORBIDDEN {
                cur[t] = best[t] + em[t];
                bp[t] = arg[t];
            }
        }
        alpha.push(cur);
        back.push(bp);
    }
    let last = &alpha[n - 1];
    let mut t = (0..N_TAGS)
        .max_by(|&a, &b| last[a].total_cmp(&last[b]))
        .unwrap_or(0);
    tags.resize(n, 0);
    for i in (0..n).rev() {
        tags[i] = t;
        t = back[i][t] as usize;
    }
}

/// For each token, how much better the best path is than the best path that gives this token
/// another tag (max-marginals from a forward and a backward max-product pass). Written to
/// `margins`; 0 means a tie.
fn margins(
    emissions: &[[f32; N_TAGS]],
    tr: &Transitions,
    alpha: &[[f32; N_TAGS]],
    beta: &mut Vec<[f32; N_TAGS]>,
    tags: &[usize],
    margins: &mut Vec<f32>,
) {
    let n = emissions.len();
    beta.clear();
    beta.resize(n, [0.0; N_TAGS]);
    // The transitions by next tag, so that the loop below reads them in a row.
    let from = masked_transitions(tr);
    let mut into = [[0.0f32; N_TAGS]; N_TAGS];
    for (p, row) in from.iter().enumerate() {
        for (t, &w) in row.iter().enumerate() {
            into[t][p] = w;
        }
    }
    for i in (0..n.saturating_sub(1)).rev() {
        let (em, next) = (emissions[i + 1], beta[i + 1]);
        // For every tag at once, its successors in ascending order.
        let mut cur = [FORBIDDEN; N_TAGS];
        for t in 0..N_TAGS {
            if next[t] <= FORBIDDEN {
                continue;
            }
            for p in 0..N_TAGS {
                let s = into[t][p] + em[t] + next[t];
                if s > cur[p] {
                    cur[p] = s;
                }
            }
        }
        beta[i] = cur;
    }
    margins.clear();
    for i in 0..n {
        let chosen = alpha[i][tags[i]] + beta[i][tags[i]];
        let mut other = FORBIDDEN;
        for t in 0..N_TAGS {
            if t != tags[i] && alpha[i][t] > FORBIDDEN && beta[i][t] > FORBIDDEN {
                other = other.max(alpha[i][t] + beta[i][t]);
            }
        }
        margins.push(if other <= FORBIDDEN {
            1.0e6
        } else {
            (chosen - other).max(0.0)
        });
    }
}

/// Decodes with the given emissions and transitions (used by training with its float weights).
pub fn decode(emissions: &[[f32; N_TAGS]], tr: &Transitions, tags: &mut Vec<usize>) {
    let mut alpha = Vec::new();
    let mut back = Vec::new();
    viterbi(emissions, tr, &mut alpha, &mut back, tags);
}

/// Subtracts `o_bias` from the `O` score of one token and adds `label_bias[k]` to the scores
/// of `B-` and `I-` of label k (PER, LOC, ORG, MISC).
pub fn apply_biases(o_bias: f32, label_bias: &[f32; 4], em: &mut [f32; N_TAGS]) {
    em[O] -= o_bias;
    for (k, b) in label_bias.iter().enumerate() {
        em[1 + 2 * k] += b;
        em[2 + 2 * k] += b;
    }
}

/// A trained model for one language.
#[derive(Debug, Clone)]
pub struct NerModel {
    /// ISO 639-1 code of the language the model was trained on.
    pub lang: String,
    /// Feature configuration the model was trained with.
    pub config: FeatureConfig,
    /// Confidence calibration: `score = sigmoid(a × margin + b)`.
    pub calibration: (f32, f32),
    /// Subtracted from the score of `O` at every token: above 0 the model proposes more
    /// mentions (tuned on dev for the best F1).
    pub o_bias: f32,
    /// Added to the scores of `B-X` and `I-X` at every token, per label X (PER, LOC, ORG,
    /// MISC), on top of the `O` bias: a label whose mentions the model proposes too rarely
    /// gets a positive bias (tuned on dev for the best F1 with `nahr train-ner --label-bias`;
    /// all 0 otherwise).
    pub label_bias: [f32; 4],
    /// Transition weights.
    pub transitions: Transitions,
    /// Word frequencies and clusters used by the features.
    pub lexicon: Lexicon,
    /// Weight table, `2^bucket_bits × N_TAGS`, quantised.
    weights: Vec<i16>,
    /// Multiply a quantised weight by this to get the float weight.
    scale: f32,
    /// The built-in list of the language (list features).
    list: EntityList,
    /// The document-level second stage, when trained with one ([`crate::ner::stack`]).
    pub doc: Option<DocModel>,
    /// Identifies the model's per-thread feature caches ([`Scratch`]); the cached values depend
    /// on the lexicon, the configuration and the weights, so those must not change after the
    /// model is built (only `o_bias`, `label_bias` and `calibration`, applied after the cache,
    /// may).
    id: u64,
}

impl NerModel {
    /// Builds a model from float weights (`2^bucket_bits × N_TAGS`), quantising them to i16.
    pub fn from_float_weights(
        lang: &str,
        config: FeatureConfig,
        weights: &[f32],
        transitions: Transitions,
        lexicon: Lexicon,
    ) -> Result<Self, String> {
        let expected = (1usize << config.bucket_bits) * N_TAGS;
        if weights.len() != expected {
            return Err(format!(
                "weight table has {} entries, expected {expected}",
                weights.len()
            ));
        }
        let max = weights.iter().fold(0.0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 { max / 32767.0 } else { 1.0 };
        let weights = weights
            .iter()
            .map(|w| (w / scale).round().clamp(-32767.0, 32767.0) as i16)
            .collect();
        Ok(NerModel {
            lang: lang.to_string(),
            config,
            calibration: (1.0, 0.0),
            o_bias: 0.0,
            label_bias: [0.0; 4],
            doc: None,
            transitions,
            lexicon,
            weights,
            scale,
            list: EntityList::builtin(lang),
            id: NEXT_MODEL_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// The built-in list the model's list features use.
    pub fn list(&self) -> &EntityList {
        &self.list
    }

    /// Fills `scratch.emissions` for a sentence (with the `O` and label biases).
    fn emissions(&self, surfaces: &[&str], prepared: Prepared, scratch: &mut Scratch) {
        self.raw_emissions(surfaces, prepared, scratch);
        for em in &mut scratch.emissions {
            self.apply_biases(em);
        }
    }

    /// Applies the model's biases to one token's emission scores: subtracts the `O` bias
    /// from `O` and adds each label's bias to its `B-` and `I-` tags.
    pub fn apply_biases(&self, em: &mut [f32; N_TAGS]) {
        apply_biases(self.o_bias, &self.label_bias, em);
    }

    /// The emission scores of a sentence without any bias (one row per token), appended to
    /// `out` after clearing it; [`NerModel::apply_biases`] and [`decode`] then tag it as
    /// [`NerModel::tag`] would. Used to tune the biases without recomputing the features.
    pub fn unbiased_emissions(
        &self,
        surfaces: &[&str],
        scratch: &mut Scratch,
        out: &mut Vec<[f32; N_TAGS]>,
    ) {
        self.raw_emissions(surfaces, Prepared::default(), scratch);
        out.clear();
        out.extend_from_slice(&scratch.emissions);
    }

    /// Fills `scratch.emissions` for a sentence, without the `O` bias.
    fn raw_emissions(&self, surfaces: &[&str], prepared: Prepared, scratch: &mut Scratch) {
        let mut sums = std::mem::take(&mut scratch.sums);
        let cache = scratch.cache_for(self.id);
        // The cache lives in the same scratch as the extractor: take it out for the call.
        let mut cache = std::mem::take(cache);
        scratch.extractor.emissions(
            surfaces,
            &self.lexicon,
            &self.list,
            self.config,
            &self.weights,
            prepared,
            &mut cache,
            &mut sums,
        );
        *scratch.cache_for(self.id) = cache;
        scratch.emissions.clear();
        for acc in &sums {
            let mut em = [0.0f32; N_TAGS];
            for t in 0..N_TAGS {
                em[t] = acc[t] as f32 * self.scale;
            }
            scratch.emissions.push(em);
        }
        scratch.sums = sums;
    }

    /// Tags a sentence given as token surfaces. Writes the tag indices to `tags` and each
    /// token's margin (see [`NerModel::confidence`]) to `token_margins`. Sentences of one
    /// document go through the same `scratch` in order (its history remembers the previous
    /// ones); call `scratch.extractor.history.clear()` at the start of each document.
    pub fn tag(
        &self,
        surfaces: &[&str],
        scratch: &mut Scratch,
        tags: &mut Vec<usize>,
        token_margins: &mut Vec<f32>,
    ) {
        self.tag_prepared(surfaces, Prepared::default(), scratch, tags, token_margins);
    }

    /// The best tag sequence of `scratch.emissions` (Viterbi) and each token's margin.
    fn decode_emissions(
        &self,
        scratch: &mut Scratch,
        tags: &mut Vec<usize>,
        token_margins: &mut Vec<f32>,
    ) {
        viterbi(
            &scratch.emissions,
            &self.transitions,
            &mut scratch.alpha,
            &mut scratch.back,
            tags,
        );
        margins(
            &scratch.emissions,
            &self.transitions,
            &scratch.alpha,
            &mut scratch.beta,
            tags,
            token_margins,
        );
    }

    /// [`NerModel::tag`] with the keys and the matches of the model's built-in list
    /// ([`NerModel::list`]) already computed by the caller.
    pub fn tag_prepared(
        &self,
        surfaces: &[&str],
        prepared: Prepared,
        scratch: &mut Scratch,
        tags: &mut Vec<usize>,
        token_margins: &mut Vec<f32>,
    ) {
        self.emissions(surfaces, prepared, scratch);
        self.decode_emissions(scratch, tags, token_margins);
        scratch.extractor.record(self.config, tags);
    }

    /// Starts a document: forgets the previous one (and the history of its sentences).
    pub fn begin_document(&self, scratch: &mut Scratch) {
        let d = &mut scratch.document;
        d.emissions.clear();
        d.first_tags.clear();
        d.cores.clear();
        d.cores_complete = true;
        scratch.extractor.history.clear();
    }

    /// First pass over one sentence of the document: computes and keeps its emission scores
    /// (and, with a second stage, its first-stage tags). Tag the sentences with
    /// [`NerModel::decode_sentence`] after [`NerModel::finish_document`].
    pub fn add_sentence(&self, surfaces: &[&str], prepared: Prepared, scratch: &mut Scratch) {
        self.raw_emissions(surfaces, prepared, scratch);
        let keep = self.doc.is_some() || scratch.document.keep_first_tags;
        let needs_tags = keep || self.config.groups & crate::ner::features::group::HISTORY != 0;
        if needs_tags {
            let mut tags = std::mem::take(&mut scratch.document.tags);
            viterbi(
                &scratch.emissions,
                &self.transitions,
                &mut scratch.alpha,
                &mut scratch.back,
                &mut tags,
            );
            scratch.extractor.record(self.config, &tags);
            if keep {
                scratch.document.first_tags.extend_from_slice(&tags);
            }
            scratch.document.tags = tags;
        }
        let d = &mut scratch.document;
        d.emissions.extend_from_slice(&scratch.emissions);
        if d.cores_complete && !scratch.extractor.cores_and_bands(self.config, &mut d.cores) {
            d.cores_complete = false;
            d.cores.clear();
        }
    }

    /// After the last [`NerModel::add_sentence`] of a document: adds the second stage's
    /// document features to the kept emission scores (nothing without a second stage).
    pub fn finish_document(&self, scratch: &mut Scratch) {
        let Some(doc) = &self.doc else {
            return;
        };
        let d = &mut scratch.document;
        if !d.cores_complete {
            return;
        }
        doc_feature_rows(
            &d.first_tags,
            &d.cores,
            doc.bits,
            &mut d.rows,
            &mut d.offsets,
        );
        doc.add_to(&d.rows, &d.offsets, &mut d.emissions);
    }

    /// The core hash and frequency band of every token of the document (see
    /// [`NerModel::cores_and_bands`]), when the model's features computed them.
    pub fn document_cores<'a>(&self, scratch: &'a Scratch) -> Option<&'a [(u64, u8)]> {
        let d = &scratch.document;
        (d.cores_complete && d.cores.len() == d.emissions.len()).then_some(d.cores.as_slice())
    }

    /// Tags the document's tokens `range` (one sentence, in the order they were added): the
    /// final decoding, with the `O` bias and both stages. Writes tags and margins as
    /// [`NerModel::tag`] does.
    pub fn decode_sentence(
        &self,
        range: std::ops::Range<usize>,
        scratch: &mut Scratch,
        tags: &mut Vec<usize>,
        token_margins: &mut Vec<f32>,
    ) {
        scratch.emissions.clear();
        if let Some(ems) = scratch.document.emissions.get(range) {
            scratch.emissions.extend_from_slice(ems);
        }
        for em in &mut scratch.emissions {
            self.apply_biases(em);
        }
        self.decode_emissions(scratch, tags, token_margins);
    }

    /// Tags the sentences of one document (both stages); returns each sentence's tags and
    /// margins.
    pub fn tag_document(
        &self,
        sentences: &[Vec<&str>],
        scratch: &mut Scratch,
    ) -> Vec<(Vec<usize>, Vec<f32>)> {
        self.begin_document(scratch);
        for s in sentences {
            self.add_sentence(s, Prepared::default(), scratch);
        }
        self.finish_document(scratch);
        let mut out = Vec::with_capacity(sentences.len());
        let mut from = 0;
        for s in sentences {
            let (mut tags, mut m) = (Vec::new(), Vec::new());
            self.decode_sentence(from..from + s.len(), scratch, &mut tags, &mut m);
            from += s.len();
            out.push((tags, m));
        }
        out
    }

    /// Appends, for each token of the sentence last given to [`NerModel::tag`] with this
    /// scratch, the hash of its core word and its frequency band (see
    /// [`Extractor::cores_and_bands`]); false when the model's features do not compute them.
    pub fn cores_and_bands(&self, scratch: &Scratch, out: &mut Vec<(u64, u8)>) -> bool {
        scratch.extractor.cores_and_bands(self.config, out)
    }

    /// The calibrated confidence in [0, 1] of a mention whose smallest token margin is `margin`.
    pub fn confidence(&self, margin: f32) -> f32 {
        let (a, b) = self.calibration;
        let z = (a * margin + b).clamp(-50.0, 50.0);
        1.0 / (1.0 + (-z).exp())
    }

    /// Serialises the model (see the module documentation for the layout).
    pub fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let mut payload = Vec::with_capacity(self.weights.len() * 2 + 1024);
        let lang = self.lang.as_bytes();
        payload.push(lang.len().min(255) as u8);
        payload.extend_from_slice(&lang[..lang.len().min(255)]);
        payload.extend_from_slice(&self.config.groups.to_le_bytes());
        payload.extend_from_slice(&self.config.bucket_bits.to_le_bytes());
        payload.extend_from_slice(&self.calibration.0.to_le_bytes());
        payload.extend_from_slice(&self.calibration.1.to_le_bytes());
        payload.extend_from_slice(&self.o_bias.to_le_bytes());
        payload.extend_from_slice(&self.scale.to_le_bytes());
        for w in self.transitions.start {
            payload.extend_from_slice(&w.to_le_bytes());
        }
        for row in &self.transitions.trans {
            for w in row {
                payload.extend_from_slice(&w.to_le_bytes());
            }
        }
        self.lexicon.write_to(&mut payload);
        for w in &self.weights {
            payload.extend_from_slice(&w.to_le_bytes());
        }
        if self.lexicon.has_memory() {
            payload.push(2);
            self.lexicon.write_memory_to(&mut payload);
        }
        if self.label_bias != [0.0; 4] {
            payload.push(3);
            for b in self.label_bias {
                payload.extend_from_slice(&b.to_le_bytes());
            }
        }
        if let Some(doc) = &self.doc {
            payload.push(1);
            doc.write_to(&mut payload);
        }
        let compressed = zstd::encode_all(payload.as_slice(), 19)
            .map_err(|e| format!("cannot compress model: {e}"))?;
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&compressed);
        Ok(out)
    }

    /// Reads a model written by [`NerModel::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let body = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or("not a nahr NER model (bad magic bytes)")?;
        let payload = zstd::decode_all(body).map_err(|e| format!("corrupt model file: {e}"))?;
        let mut input = payload.as_slice();
        let len = read_bytes::<1>(&mut input)?[0] as usize;
        if input.len() < len {
            return Err("model file is truncated".into());
        }
        let lang = std::str::from_utf8(&input[..len])
            .map_err(|_| "bad language code in model file")?
            .to_string();
        input = &input[len..];
        let f32_of = |input: &mut &[u8]| -> Result<f32, String> {
            Ok(f32::from_le_bytes(read_bytes::<4>(input)?))
        };
        let groups = u32::from_le_bytes(read_bytes::<4>(&mut input)?);
        let bucket_bits = u32::from_le_bytes(read_bytes::<4>(&mut input)?);
        if !(8..=24).contains(&bucket_bits) {
            return Err(format!("bad bucket size 2^{bucket_bits} in model file"));
        }
        let calibration = (f32_of(&mut input)?, f32_of(&mut input)?);
        let o_bias = f32_of(&mut input)?;
        let scale = f32_of(&mut input)?;
        let mut transitions = Transitions::default();
        for w in transitions.start.iter_mut() {
            *w = f32_of(&mut input)?;
        }
        for row in transitions.trans.iter_mut() {
            for w in row.iter_mut() {
                *w = f32_of(&mut input)?;
            }
        }
        let mut lexicon = Lexicon::read_from(&mut input)?;
        let n = (1usize << bucket_bits) * N_TAGS;
        if input.len() < n * 2 {
            return Err(format!(
                "model file has {} weight bytes, expected {}",
                input.len(),
                n * 2
            ));
        }
        let weights = input[..n * 2]
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        input = &input[n * 2..];
        if input.first() == Some(&2) {
            input = &input[1..];
            lexicon.read_memory_from(&mut input)?;
        }
        let mut label_bias = [0.0f32; 4];
        if input.first() == Some(&3) {
            input = &input[1..];
            for b in label_bias.iter_mut() {
                *b = f32_of(&mut input)?;
            }
        }
        let doc = match input.first() {
            None => None,
            Some(1) => {
                input = &input[1..];
                let d = DocModel::read_from(&mut input)?;
                if !input.is_empty() {
                    return Err("model file has trailing bytes".into());
                }
                Some(d)
            }
            Some(_) => return Err("model file has trailing bytes".into()),
        };
        Ok(NerModel {
            doc,
            list: EntityList::builtin(&lang),
            lang,
            config: FeatureConfig {
                groups,
                bucket_bits,
            },
            calibration,
            o_bias,
            label_bias,
            transitions,
            lexicon,
            weights,
            scale,
            id: NEXT_MODEL_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// Reads a model file.
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let bytes = std::fs::read(path)
            .map_err(|e| format!("cannot read NER model {}: {e}", path.display()))?;
        NerModel::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Writes the model file.
    pub fn save(&self, path: &std::path::Path) -> Result<(), String> {
        let bytes = self.to_bytes()?;
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::tags::is_inside;

    /// Emissions computed the direct way: every feature row of [`Extractor::extract`], summed.
    fn emissions_from_rows(
        model: &NerModel,
        surfaces: &[&str],
        ex: &mut Extractor,
    ) -> Vec<[f32; N_TAGS]> {
        let (mut rows, mut offsets) = (Vec::new(), Vec::new());
        ex.extract(
            surfaces,
            &model.lexicon,
            &model.list,
            model.config,
            &mut rows,
            &mut offsets,
        );
        (0..surfaces.len())
            .map(|i| {
                let mut acc = [0i32; N_TAGS];
                for &r in &rows[offsets[i] as usize..offsets[i + 1] as usize] {
                    let base = r as usize * N_TAGS;
                    for (a, w) in acc.iter_mut().zip(&model.weights[base..base + N_TAGS]) {
                        *a += i32::from(*w);
                    }
                }
                let mut em = acc.map(|a| a as f32 * model.scale);
                model.apply_biases(&mut em);
                em
            })
            .collect()
    }

    #[test]
    fn prepared_keys_and_list_matches_give_the_same_tags() {
        let path = std::path::Path::new("../shared/data/ner/anercorp/dev.txt");
        if !path.exists() {
            eprintln!("SKIP: {} is absent", path.display());
            return;
        }
        let sentences = crate::ner::conll::read_conll(path, false).unwrap();
        let model = crate::stages::entities::builtin_model("ar").unwrap();
        let (mut a, mut b) = (Scratch::default(), Scratch::default());
        let (mut tags_a, mut tags_b, mut m_a, mut m_b) = (vec![], vec![], vec![], vec![]);
        let mut listed = 0;
        for s in sentences.iter().take(600) {
            let surfaces: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            let keys: Vec<String> = surfaces
                .iter()
                .map(|w| crate::ner::text::match_key(w))
                .collect();
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let matches = model.list().find(&keys, &surfaces);
            listed += matches.len();
            let prepared = Prepared {
                keys: Some(&keys),
                list_matches: Some(&matches),
            };
            model.tag(&surfaces, &mut a, &mut tags_a, &mut m_a);
            model.tag_prepared(&surfaces, prepared, &mut b, &mut tags_b, &mut m_b);
            assert_eq!((&tags_a, &m_a), (&tags_b, &m_b));
        }
        assert!(listed > 0);
    }

    #[test]
    fn cached_emissions_equal_the_sum_of_all_feature_rows() {
        let path = std::path::Path::new("../shared/data/ner/anercorp/dev.txt");
        if !path.exists() {
            eprintln!("SKIP: {} is absent", path.display());
            return;
        }
        let sentences = crate::ner::conll::read_conll(path, false).unwrap();
        let shipped = crate::stages::entities::builtin_model("ar").unwrap();
        // The shipped model, and the same weights read with every group but the history
        // (which needs a document): the templates of the groups it does not use are checked too.
        let mut all_groups = shipped.as_ref().clone();
        all_groups.config.groups =
            crate::ner::features::group::ALL & !crate::ner::features::group::HISTORY;
        for model in [shipped.as_ref(), &all_groups] {
            let mut scratch = Scratch::default();
            let mut ex = Extractor::new();
            // Twice over: the second pass takes most words from the cache; the third drops
            // word identities (as training does), which bypasses the cache.
            for pass in 0..3 {
                ex.drop_identity = pass == 2;
                scratch.extractor.drop_identity = pass == 2;
                for s in sentences.iter().take(400) {
                    let surfaces: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
                    let want = emissions_from_rows(model, &surfaces, &mut ex);
                    model.emissions(&surfaces, Prepared::default(), &mut scratch);
                    assert_eq!(scratch.emissions, want, "pass {pass}: {surfaces:?}");
                }
            }
            assert!(!scratch.cache_for(model.id).is_empty());
        }
    }

    #[test]
    fn transition_table_follows_allowed() {
        for (p, row) in ALLOWED.iter().enumerate() {
            for (t, &ok) in row.iter().enumerate() {
                assert_eq!(ok, allowed(Some(p), t), "{p} -> {t}");
            }
        }
    }

    #[test]
    fn viterbi_never_takes_forbidden_transitions() {
        // Emissions that alone would pick I-PER (2) at the start and I-LOC (4) after B-PER (1).
        let mut em = vec![[0.0f32; N_TAGS]; 3];
        em[0][2] = 5.0;
        em[1][1] = 3.0;
        em[2][4] = 5.0;
        em[2][2] = 1.0;
        let mut tags = Vec::new();
        decode(&em, &Transitions::default(), &mut tags);
        assert!(!is_inside(tags[0]));
        for w in tags.windows(2) {
            assert!(allowed(Some(w[0]), w[1]), "{tags:?}");
        }
        // B-LOC I-LOC (0 + 5) beats B-PER I-PER (3 + 1); B-PER I-LOC is forbidden.
        assert_eq!(tags[1..], [3, 4]);
        decode(&[], &Transitions::default(), &mut tags);
        assert!(tags.is_empty());
    }

    #[test]
    fn margins_are_zero_on_ties_and_positive_otherwise() {
        let mut em = vec![[0.0f32; N_TAGS]; 2];
        em[0][O] = 1.0;
        em[1][3] = 2.0;
        let tr = Transitions::default();
        let (mut alpha, mut back, mut beta, mut tags, mut m) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        viterbi(&em, &tr, &mut alpha, &mut back, &mut tags);
        margins(&em, &tr, &alpha, &mut beta, &tags, &mut m);
        assert_eq!(tags, [O, 3]);
        assert!(
            (m[0] - 1.0).abs() < 1e-6 && (m[1] - 2.0).abs() < 1e-6,
            "{m:?}"
        );
    }

    #[test]
    fn file_round_trip_and_bad_files() {
        let config = FeatureConfig {
            groups: crate::ner::features::group::ALL,
            bucket_bits: 8,
        };
        let mut w = vec![0.0f32; 256 * N_TAGS];
        w[5] = 1.5;
        w[100] = -0.25;
        let mut tr = Transitions::default();
        tr.trans[1][2] = 0.5;
        let model = NerModel::from_float_weights("ar", config, &w, tr, Lexicon::new()).unwrap();
        let bytes = model.to_bytes().unwrap();
        let back = NerModel::from_bytes(&bytes).unwrap();
        assert_eq!(back.lang, "ar");
        assert_eq!(back.weights, model.weights);
        assert_eq!(back.transitions, model.transitions);
        assert!(NerModel::from_bytes(b"not a model").is_err());
        assert!(NerModel::from_bytes(&bytes[..bytes.len() / 2]).is_err());
        let mut scratch = Scratch::default();
        let (mut tags, mut m) = (Vec::new(), Vec::new());
        back.tag(&["في", "دمشق"], &mut scratch, &mut tags, &mut m);
        assert_eq!(tags.len(), 2);
        assert!((0.0..=1.0).contains(&back.confidence(m[1])));
        assert_eq!(back.label_bias, [0.0; 4]);
        // Per-label biases survive the file, and a model without them has no such section.
        let mut biased = model.clone();
        biased.label_bias = [0.25, 0.0, 1.5, -0.5];
        let biased_bytes = biased.to_bytes().unwrap();
        assert_ne!(biased_bytes, bytes);
        assert_eq!(
            NerModel::from_bytes(&biased_bytes).unwrap().label_bias,
            biased.label_bias
        );
    }

    #[test]
    fn label_biases_raise_their_label_only() {
        let mut em = [0.0f32; N_TAGS];
        apply_biases(1.0, &[0.5, 0.0, 2.0, 0.0], &mut em);
        assert_eq!(em, [-1.0, 0.5, 0.5, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0]);
        // A token whose ORG score is just below O's becomes ORG with an ORG bias.
        let tr = Transitions::default();
        let mut tags = Vec::new();
        let mut e = vec![[0.0f32; N_TAGS]];
        e[0][O] = 1.0;
        e[0][5] = 0.5;
        decode(&e, &tr, &mut tags);
        assert_eq!(tags, [O]);
        apply_biases(0.0, &[0.0, 0.0, 1.0, 0.0], &mut e[0]);
        decode(&e, &tr, &mut tags);
        assert_eq!(tags, [5]);
    }

    #[test]
    fn second_stage_relabels_only_first_stage_outside_tokens_and_round_trips() {
        let path = std::path::Path::new("../shared/data/ner/anercorp/dev.txt");
        if !path.exists() {
            eprintln!("SKIP: {} is absent", path.display());
            return;
        }
        let data = crate::ner::conll::read_conll(path, false).unwrap();
        let sentences: Vec<Vec<&str>> = data
            .iter()
            .take(40)
            .map(|s| s.tokens.iter().map(String::as_str).collect())
            .collect();
        let mut model = crate::stages::entities::builtin_model("ar")
            .unwrap()
            .as_ref()
            .clone();
        let mut scratch = Scratch::default();
        // Without a second stage, document tagging equals sentence tagging.
        let first = model.tag_document(&sentences, &mut scratch);
        for (s, (tags, margins)) in sentences.iter().zip(&first) {
            let (mut t, mut m) = (Vec::new(), Vec::new());
            model.tag(s, &mut scratch, &mut t, &mut m);
            assert_eq!((&t, &m), (tags, margins));
        }
        let raw = scratch.document.emissions.clone();
        // A second stage that pushes every featured token to B-PER changes the scores of
        // some first-stage O tokens only, and with them some tags.
        let mut doc = DocModel::zeros(12);
        for row in doc.weights.chunks_exact_mut(N_TAGS) {
            row[1] = 1.0e4;
        }
        model.doc = Some(doc);
        let second = model.tag_document(&sentences, &mut scratch);
        let d = &scratch.document;
        assert_eq!(d.first_tags.len(), raw.len());
        let mut boosted = 0;
        for (i, (before, after)) in raw.iter().zip(&d.emissions).enumerate() {
            if d.first_tags[i] != O {
                assert_eq!(before, after, "token {i} is in a first-stage mention");
            } else if before != after {
                boosted += 1;
            }
        }
        assert!(boosted > 0);
        assert_ne!(first, second);
        let back = NerModel::from_bytes(&model.to_bytes().unwrap()).unwrap();
        assert_eq!(back.doc, model.doc);
        assert_eq!(back.tag_document(&sentences, &mut scratch), second);
    }
}
