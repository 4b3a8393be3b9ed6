//! Training: an averaged structured perceptron (Collins 2002) over the hashed features of
//! [`crate::ner::features`], with first-order tag transitions and constrained Viterbi
//! decoding. Sentences are visited in a shuffled order drawn from a fixed seed, so the same
//! data and options always give the same model. [`TrainOptions::feature_dropout`] leaves a
//! random part of each token's features out of every training visit (both shipped models use
//! it). [`TrainOptions::crf`] trains a linear-chain CRF over the same features instead
//! ([`crate::ner::crf`]: log-likelihood with L2, AdaGrad), [`TrainOptions::crf_rate`] an
//! earlier, plain stochastic-gradient CRF inside the perceptron's loop,
//! [`TrainOptions::pa`] takes passive-aggressive steps, and [`train_stacked`] adds the
//! document-level second stage of [`crate::ner::stack`] (see models/README.md for which of
//! these the shipped models use).

use crate::document::BioTag;
use crate::ner::conll::ConllSentence;
use crate::ner::crf::{ChainScores, CrfOptions, CrfTrainer, Marginals, forward_backward};
use crate::ner::eval::{SpanCounts, spans};
use crate::ner::features::Prepared;
use crate::ner::features::{Extractor, FeatureConfig, HISTORY_SENTENCES, group};
use crate::ner::hash::FxHashMap;
use crate::ner::lexicon::{Lexicon, WordCounts, pair_key};
use crate::ner::lists::EntityList;
use crate::ner::model::{NerModel, Scratch, Transitions, apply_biases, decode};
use crate::ner::stack::DocExample;
use crate::ner::tags::{N_TAGS, allowed, tag_index, tag_of};

/// Options of a training run.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Language code stored in the model (`ar`, `en`); selects the built-in list features.
    pub lang: String,
    /// Passes over the training data.
    pub epochs: usize,
    /// Seed of the sentence order.
    pub seed: u64,
    /// Feature groups and table size.
    pub config: FeatureConfig,
    /// Tune the `O` bias on dev after the last epoch (see [`tune_o_bias`]).
    pub tune_o_bias: bool,
    /// After the `O` bias, also tune a bias per label on dev (see [`tune_label_biases`]).
    pub tune_label_bias: bool,
    /// When above 1: tune the `O` bias (and, with `tune_label_bias`, the label biases) on the
    /// training data instead of dev, by cross-validation: the training sentences are cut into
    /// this many contiguous folds, a model trained as this one on the other folds scores
    /// each fold, and the biases are tuned on the pooled held-out folds
    /// ([`BiasTuning`]); dev then only gets the confidence calibration.
    pub bias_folds: usize,
    /// Probability of dropping a token's word identity in a training pass (word dropout).
    pub word_dropout: f32,
    /// Independent perceptrons (different sentence orders) whose weights are averaged into
    /// the model: less dependence on one order of the data.
    pub runs: usize,
    /// Margin of cost-augmented decoding in training (0: plain perceptron).
    pub margin: f32,
    /// Learning rate of CRF training (stochastic gradient on the conditional log-likelihood,
    /// averaged like the perceptron); 0 trains the perceptron.
    pub crf_rate: f32,
    /// Passive-aggressive updates (PA-I, Crammer et al. 2006) with this aggressiveness `C`:
    /// each update's step is the smallest that makes the gold sequence beat the prediction by
    /// its Hamming loss, capped at `C`; 0 keeps the perceptron's step of 1.
    pub pa: f32,
    /// Probability of leaving each feature of a token out of one training visit of its
    /// sentence (feature dropout; the bias feature is always kept); 0 keeps them all.
    pub feature_dropout: f32,
    /// Feature bagging (after Sutton, Sindelar & McCallum 2005): run `r` is trained without
    /// the groups `bag[r % bag.len()]` ([`group`] flags), so that the runs differ in their
    /// features as well as in their sentence order; the model is still their mean, with
    /// every group. Empty: every run has every group.
    pub bag: Vec<u32>,
    /// Train a linear-chain CRF ([`crate::ner::crf`]) with these hyperparameters instead of
    /// the perceptron (`None`: the perceptron). Feature dropout, several runs (the mean of
    /// their weights) and feature bagging apply to it as to the perceptron.
    pub crf: Option<CrfOptions>,
    /// With `crf`: train one CRF and `runs` perceptrons (each as it would be trained alone)
    /// and store the mean of the two, the perceptrons' mean first scaled to the CRF's norm
    /// (an experiment; see models/README.md).
    pub crf_and_perceptron: bool,
}

/// A CRF's weights are multiplied by this before they are stored, so that the `O` bias grid
/// of [`tune_o_bias`] (0 to 8 in steps of 0.25) covers 0 to 2 nats in steps of 1/16 (a CRF's
/// scores are log-probabilities, much smaller than a perceptron's). Scaling every weight
/// does not change the best path.
pub const CRF_SCORE_SCALE: f32 = 4.0;

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            lang: "ar".into(),
            epochs: 12,
            seed: 0x6e61_6872,
            config: FeatureConfig::default(),
            tune_o_bias: true,
            tune_label_bias: false,
            bias_folds: 0,
            word_dropout: 0.0,
            runs: 1,
            margin: 0.0,
            crf_rate: 0.0,
            pa: 0.0,
            feature_dropout: 0.0,
            bag: Vec::new(),
            crf: None,
            crf_and_perceptron: false,
        }
    }
}

/// What happened in one epoch.
#[derive(Debug, Clone, Copy)]
pub struct EpochReport {
    /// 1-based epoch number.
    pub epoch: usize,
    /// Training sentences whose prediction was wrong during the epoch (perceptron only).
    pub mistakes: usize,
    /// CRF only: the sum over the epoch's training sentences of their negative
    /// log-likelihood, each under the weights just before its step (0 for the perceptron).
    pub loss: f64,
    /// Span counts on dev with the averaged weights after this epoch, when a dev set was given.
    pub dev: Option<SpanCounts>,
    /// After the last epoch only (with a dev set and without the `history` group): the dev
    /// span counts of the float weights before they are quantised to the model's 16-bit
    /// table, with the same `O` bias, to show what quantisation costs.
    pub float_dev: Option<SpanCounts>,
}

/// One training sentence with its features computed once: as is, and with every word's
/// identity dropped (same number of rows per token, see [`Extractor::drop_identity`]).
struct Example {
    rows: Vec<u32>,
    dropped_rows: Vec<u32>,
    offsets: Vec<u32>,
    gold: Vec<usize>,
}

impl Example {
    /// A copy with each feature but the first of every token (the bias) left out with
    /// probability `p` (feature dropout), without the dropped-identity rows.
    fn thinned(&self, p: f32, rng: &mut Rng) -> Example {
        let threshold = (p.min(1.0) * u32::MAX as f32) as u64;
        let mut rows = Vec::with_capacity(self.rows.len());
        let mut offsets = Vec::with_capacity(self.offsets.len());
        offsets.push(0u32);
        for w in self.offsets.windows(2) {
            let (from, to) = (w[0] as usize, w[1] as usize);
            for (k, &r) in self.rows[from..to].iter().enumerate() {
                if k == 0 || (rng.next() >> 32) >= threshold {
                    rows.push(r);
                }
            }
            offsets.push(rows.len() as u32);
        }
        Example {
            rows,
            dropped_rows: Vec::new(),
            offsets,
            gold: self.gold.clone(),
        }
    }

    /// The rows of token `i`, from the dropped-identity copy when `drop` says so.
    fn token_rows(&self, i: usize, drop: &[bool]) -> &[u32] {
        let range = self.offsets[i] as usize..self.offsets[i + 1] as usize;
        if drop.get(i).copied().unwrap_or(false) {
            &self.dropped_rows[range]
        } else {
            &self.rows[range]
        }
    }
}

/// A small deterministic generator (xorshift64*) for the sentence order.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            items.swap(i, j);
        }
    }
}

/// Perceptron state with the averaging trick: `avg = w − u / c`.
struct Perceptron {
    w: Vec<f32>,
    u: Vec<f32>,
    tr: Transitions,
    tr_u: Transitions,
    c: f32,
}

impl Perceptron {
    fn new(rows: usize) -> Self {
        Perceptron {
            w: vec![0.0; rows * N_TAGS],
            u: vec![0.0; rows * N_TAGS],
            tr: Transitions::default(),
            tr_u: Transitions::default(),
            c: 1.0,
        }
    }

    fn emissions(&self, ex: &Example, drop: &[bool], out: &mut Vec<[f32; N_TAGS]>) {
        out.clear();
        for i in 0..ex.gold.len() {
            let mut em = [0.0f32; N_TAGS];
            for &r in ex.token_rows(i, drop) {
                let base = r as usize * N_TAGS;
                for (t, e) in em.iter_mut().enumerate() {
                    *e += self.w[base + t];
                }
            }
            out.push(em);
        }
    }

    fn bump_row(&mut self, ex: &Example, drop: &[bool], i: usize, tag: usize, d: f32) {
        let dc = d * self.c;
        for &r in ex.token_rows(i, drop) {
            let k = r as usize * N_TAGS + tag;
            self.w[k] += d;
            self.u[k] += dc;
        }
    }

    fn bump_transition(&mut self, prev: Option<usize>, tag: usize, d: f32) {
        let dc = d * self.c;
        match prev {
            None => {
                self.tr.start[tag] += d;
                self.tr_u.start[tag] += dc;
            }
            Some(p) => {
                self.tr.trans[p][tag] += d;
                self.tr_u.trans[p][tag] += dc;
            }
        }
    }

    /// Moves the weights by `step` towards `gold` and away from `pred`.
    fn update(&mut self, ex: &Example, drop: &[bool], pred: &[usize], step: f32) {
        for i in 0..pred.len() {
            let (g, p) = (ex.gold[i], pred[i]);
            if g != p {
                self.bump_row(ex, drop, i, g, step);
                self.bump_row(ex, drop, i, p, -step);
            }
            let (gp, pp) = if i == 0 {
                (None, None)
            } else {
                (Some(ex.gold[i - 1]), Some(pred[i - 1]))
            };
            if (gp, g) != (pp, p) {
                self.bump_transition(gp, g, step);
                self.bump_transition(pp, p, -step);
            }
        }
    }

    /// The score of a tag sequence under emissions `em` and the current transitions.
    fn path_score(&self, em: &[[f32; N_TAGS]], tags: &[usize]) -> f32 {
        let mut s = 0.0;
        for (i, &t) in tags.iter().enumerate() {
            s += em[i][t];
            s += if i == 0 {
                self.tr.start[t]
            } else {
                self.tr.trans[tags[i - 1]][t]
            };
        }
        s
    }

    /// The step of a passive-aggressive (PA-I) update towards `gold` from `pred`: the
    /// violated margin (the prediction's score minus the gold's, plus the Hamming loss) over
    /// the squared norm of the feature difference, at most `c`.
    fn pa_step(
        &self,
        ex: &Example,
        drop: &[bool],
        em: &[[f32; N_TAGS]],
        pred: &[usize],
        c: f32,
    ) -> f32 {
        let mut loss = 0.0f32;
        let mut norm = 0.0f32;
        for i in 0..pred.len() {
            let (g, p) = (ex.gold[i], pred[i]);
            if g != p {
                loss += 1.0;
                norm += 2.0 * ex.token_rows(i, drop).len() as f32;
            }
            let differs = if i == 0 {
                g != p
            } else {
                (ex.gold[i - 1], g) != (pred[i - 1], p)
            };
            if differs {
                norm += 2.0;
            }
        }
        if norm == 0.0 {
            return 0.0;
        }
        let violation = self.path_score(em, pred) - self.path_score(em, &ex.gold) + loss;
        (violation.max(0.0) / norm).min(c)
    }

    /// One stochastic-gradient step on the CRF log-likelihood of `ex` with step size `eta`:
    /// every tag's weights move by `eta × (gold − marginal probability)`. `em` holds the
    /// emission scores under the current weights.
    fn crf_step(&mut self, ex: &Example, drop: &[bool], em: &[[f32; N_TAGS]], eta: f32) {
        let emissions: Vec<[f64; N_TAGS]> = em.iter().map(|e| e.map(f64::from)).collect();
        let mut m = Marginals::default();
        forward_backward(&emissions, &ChainScores::new(&self.tr), &mut m);
        if m.node.is_empty() || !m.log_z.is_finite() {
            return;
        }
        let gold_of = |yes: bool| if yes { 1.0 } else { 0.0 };
        for (i, (node, edge)) in m.node.iter().zip(&m.edge).enumerate() {
            for (t, &p) in node.iter().enumerate() {
                let d = eta * (gold_of(ex.gold[i] == t) - p as f32);
                if d.abs() > 1e-7 {
                    self.bump_row(ex, drop, i, t, d);
                }
            }
            // Transitions into token i (unreachable pairs have probability 0).
            for t in 0..N_TAGS {
                if i == 0 {
                    self.bump_transition(
                        None,
                        t,
                        eta * (gold_of(ex.gold[0] == t) - node[t] as f32),
                    );
                    continue;
                }
                for (q, row) in edge.iter().enumerate() {
                    if allowed(Some(q), t) {
                        let gold = gold_of(ex.gold[i - 1] == q && ex.gold[i] == t);
                        self.bump_transition(Some(q), t, eta * (gold - row[t] as f32));
                    }
                }
            }
        }
    }

    fn averaged(&self) -> (Vec<f32>, Transitions) {
        let c = self.c;
        let w = self.w.iter().zip(&self.u).map(|(w, u)| w - u / c).collect();
        let mut tr = Transitions::default();
        for t in 0..N_TAGS {
            tr.start[t] = self.tr.start[t] - self.tr_u.start[t] / c;
            for p in 0..N_TAGS {
                tr.trans[p][t] = self.tr.trans[p][t] - self.tr_u.trans[p][t] / c;
            }
        }
        (w, tr)
    }
}

/// Tags every sentence of `data` with `model` and counts spans against the gold tags.
/// Also returns, for each predicted mention, its smallest token margin and whether it was right.
pub fn evaluate(model: &NerModel, data: &[ConllSentence]) -> (SpanCounts, Vec<(f32, bool)>) {
    let mut counts = SpanCounts::default();
    let mut scratch = Scratch::default();
    let (mut tags, mut margins) = (Vec::new(), Vec::new());
    let mut mentions = Vec::new();
    for s in data {
        let surfaces: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        model.tag(&surfaces, &mut scratch, &mut tags, &mut margins);
        score_sentence(&s.tags, &tags, &margins, &mut counts, &mut mentions);
    }
    (counts, mentions)
}

/// Adds one tagged sentence to the span counts, and each predicted mention's smallest token
/// margin with whether it is right (the data of the confidence calibration).
fn score_sentence(
    gold_tags: &[BioTag],
    tags: &[usize],
    margins: &[f32],
    counts: &mut SpanCounts,
    mentions: &mut Vec<(f32, bool)>,
) {
    let pred: Vec<BioTag> = tags.iter().map(|&t| tag_of(t)).collect();
    counts.add(gold_tags, &pred);
    let gold = spans(gold_tags);
    for span in spans(&pred) {
        let m = margins[span.0..span.1]
            .iter()
            .fold(f32::INFINITY, |a, &b| a.min(b));
        mentions.push((m, gold.contains(&span)));
    }
}

/// Picks the `O` bias with the best dev F1 from a grid of 0 to 8 in steps of 0.25 (in units of
/// the model's emission scores), the smallest on ties.
pub fn tune_o_bias(model: &NerModel, dev: &[ConllSentence]) -> f32 {
    let mut m = model.clone();
    let mut best = (f64::MIN, 0.0f32);
    for k in 0..=32 {
        m.o_bias = k as f32 * 0.25;
        let f = evaluate(&m, dev).0.prf().2;
        if f > best.0 + 1e-9 {
            best = (f, m.o_bias);
        }
    }
    best.1
}

/// The grid of each label's bias in [`BiasTuning::label_biases`]: −2 to 2 in steps of 0.25
/// (units of the model's emission scores, as the `O` bias), tried from 0 outwards. (A grid
/// of −4 to 4 fitted ANERcorp dev's halves more closely and did worse on the other half;
/// models/README.md.)
const LABEL_BIAS_STEPS: i32 = 8;

/// Rounds of [`BiasTuning::label_biases`] over the four labels (it stops early when a round
/// changes nothing).
const LABEL_BIAS_ROUNDS: usize = 3;

/// Tagged sentences scored once, without biases, by one or more models: what the `O` bias and
/// the label biases are tuned on (each trial only decodes again). Each sentence keeps the
/// transitions of the model that scored it, so the sentences of several models (the held-out
/// folds of [`TrainOptions::bias_folds`]) can be pooled.
#[derive(Default)]
pub struct BiasTuning<'a> {
    transitions: Vec<Transitions>,
    sentences: Vec<ScoredSentence<'a>>,
}

/// A sentence of [`BiasTuning`]: its emission scores without biases, the index of the
/// transitions of the model that scored it, and its gold tags.
type ScoredSentence<'a> = (Vec<[f32; N_TAGS]>, usize, &'a [BioTag]);

impl<'a> BiasTuning<'a> {
    /// Adds the sentences of `data`, scored by `model`.
    pub fn add(&mut self, model: &NerModel, data: &'a [ConllSentence]) {
        let tr = self.transitions.len();
        self.transitions.push(model.transitions.clone());
        let mut scratch = Scratch::default();
        let mut buf = Vec::new();
        for s in data {
            let surfaces: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            model.unbiased_emissions(&surfaces, &mut scratch, &mut buf);
            self.sentences.push((buf.clone(), tr, &s.tags));
        }
    }

    /// Span F1 of the sentences tagged with these biases.
    fn f1(&self, o_bias: f32, label_bias: &[f32; 4]) -> f64 {
        let mut counts = SpanCounts::default();
        let (mut em, mut tags, mut pred) = (Vec::new(), Vec::new(), Vec::new());
        for (raw, tr, gold) in &self.sentences {
            em.clear();
            em.extend_from_slice(raw);
            for e in em.iter_mut() {
                apply_biases(o_bias, label_bias, e);
            }
            decode(&em, &self.transitions[*tr], &mut tags);
            pred.clear();
            pred.extend(tags.iter().map(|&t| tag_of(t)));
            counts.add(gold, &pred);
        }
        counts.prf().2
    }

    /// The `O` bias of [`tune_o_bias`]'s grid (0 to 8 in steps of 0.25, the smallest on ties)
    /// with the best F1, without label biases.
    pub fn o_bias(&self) -> f32 {
        let mut best = (f64::MIN, 0.0f32);
        for k in 0..=32 {
            let b = k as f32 * 0.25;
            let f = self.f1(b, &[0.0; 4]);
            if f > best.0 + 1e-9 {
                best = (f, b);
            }
        }
        best.1
    }

    /// A bias per label (PER, LOC, ORG, MISC, added to that label's `B-` and `I-` scores on
    /// top of `o_bias`, [`NerModel::label_bias`]) for the best F1: coordinate ascent, one
    /// label at a time over a grid of −2 to 2 in steps of 0.25, the others held, for up to
    /// [`LABEL_BIAS_ROUNDS`] rounds. A new value must raise F1 to replace the held one, and
    /// values nearer 0 are tried first, so ties keep the smaller bias.
    pub fn label_biases(&self, o_bias: f32) -> [f32; 4] {
        let grid: Vec<f32> = std::iter::once(0)
            .chain((1..=LABEL_BIAS_STEPS).flat_map(|k| [k, -k]))
            .map(|k| k as f32 * 0.25)
            .collect();
        let mut best = [0.0f32; 4];
        let mut best_f = self.f1(o_bias, &best);
        for _ in 0..LABEL_BIAS_ROUNDS {
            let mut changed = false;
            for k in 0..4 {
                let held = best[k];
                for &b in &grid {
                    if b == held {
                        continue;
                    }
                    let mut trial = best;
                    trial[k] = b;
                    let f = self.f1(o_bias, &trial);
                    if f > best_f + 1e-9 {
                        best_f = f;
                        best = trial;
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        best
    }
}

/// [`BiasTuning::label_biases`] of `model` on `dev`, on top of the model's `O` bias.
pub fn tune_label_biases(model: &NerModel, dev: &[ConllSentence]) -> [f32; 4] {
    let mut tuning = BiasTuning::default();
    tuning.add(model, dev);
    tuning.label_biases(model.o_bias)
}

/// Fits `P(correct | margin) = sigmoid(a × margin + b)` by maximum likelihood (Newton's method
/// on the two parameters, with a little ridge for stability). Margins are capped at 50.
pub fn fit_calibration(mentions: &[(f32, bool)]) -> (f32, f32) {
    if mentions.is_empty() {
        return (1.0, 0.0);
    }
    let xs: Vec<(f64, f64)> = mentions
        .iter()
        .map(|&(m, ok)| (f64::from(m.min(50.0)), if ok { 1.0 } else { 0.0 }))
        .collect();
    let (mut a, mut b) = (0.0f64, 0.0f64);
    for _ in 0..50 {
        // Gradient and Hessian of the log-likelihood minus 1e-3 × (a² + b²) / 2.
        let (mut ga, mut gb) = (-1e-3 * a, -1e-3 * b);
        let (mut haa, mut hab, mut hbb) = (1e-3, 0.0, 1e-3);
        for &(x, y) in &xs {
            let p = 1.0 / (1.0 + (-(a * x + b)).exp());
            let w = p * (1.0 - p);
            ga += (y - p) * x;
            gb += y - p;
            haa += w * x * x;
            hab += w * x;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a += da;
        b += db;
        if da.abs() < 1e-9 && db.abs() < 1e-9 {
            break;
        }
    }
    (a as f32, b as f32)
}

/// Trains a model on `train`; after each epoch, reports progress to `on_epoch` (with dev span
/// counts when `dev` is given). `on_sentence` is called after each training sentence (for a
/// progress bar). The calibration is fitted on `dev` when given.
pub fn train(
    train: &[ConllSentence],
    dev: Option<&[ConllSentence]>,
    lexicon: Lexicon,
    options: &TrainOptions,
    mut on_epoch: impl FnMut(&EpochReport),
    mut on_sentence: impl FnMut(),
) -> Result<NerModel, String> {
    if !(8..=24).contains(&options.config.bucket_bits) {
        return Err("bucket bits must be between 8 and 24".into());
    }
    if options.feature_dropout > 0.0 && options.word_dropout > 0.0 {
        return Err("feature dropout and word dropout cannot be combined".into());
    }
    if options.crf.is_some()
        && (options.word_dropout > 0.0
            || options.margin > 0.0
            || options.pa > 0.0
            || options.crf_rate > 0.0
            || options.config.groups & group::HISTORY != 0)
    {
        return Err(
            "the CRF learner cannot be combined with word dropout, --margin, --pa, --crf-rate or the history group"
                .into(),
        );
    }
    let list = EntityList::builtin(&options.lang);
    let mut extractor = Extractor::new();
    let config = options.config;
    // The lexicon as given, for the fold models of `bias_folds`.
    let base_lexicon = if options.bias_folds > 1 {
        lexicon.clone()
    } else {
        Lexicon::default()
    };
    // The memory of labelled text (feature group `gaz`): the model keeps the counts of all
    // the training data; each training sentence reads those of the other folds.
    let memory_groups = group::MEMORY | group::PAIR_MEMORY | group::MEMORY_WIDE | group::MEMORY_OWN;
    let (lexicon, fold_lexicons) = if config.groups & memory_groups != 0 {
        memory_lexicons(train, lexicon, &list, config, &mut extractor)
    } else {
        (lexicon, Vec::new())
    };
    let lexicon_of = |k: usize| -> &Lexicon {
        if fold_lexicons.is_empty() {
            &lexicon
        } else {
            &fold_lexicons[k * fold_lexicons.len() / train.len()]
        }
    };
    // The feature groups of each run (all of them unless feature bagging leaves some out).
    let runs = options.runs.max(1);
    let run_configs: Vec<FeatureConfig> = (0..runs)
        .map(|r| match options.bag.get(r % options.bag.len().max(1)) {
            Some(&out) => FeatureConfig {
                groups: config.groups & !out,
                ..config
            },
            None => config,
        })
        .collect();
    let mut distinct: Vec<FeatureConfig> = Vec::new();
    let run_cache: Vec<usize> = run_configs
        .iter()
        .map(|c| match distinct.iter().position(|d| d == c) {
            Some(i) => i,
            None => {
                distinct.push(*c);
                distinct.len() - 1
            }
        })
        .collect();
    // Extracts the features of sentence `k` with `config` (twice with word dropout).
    let extract = |extractor: &mut Extractor, k: usize, config: FeatureConfig| -> Example {
        let lexicon = lexicon_of(k);
        let s = &train[k];
        let surfaces: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        let (mut rows, mut offsets) = (Vec::new(), Vec::new());
        let mut dropped_rows = Vec::new();
        if options.word_dropout > 0.0 {
            extractor.drop_identity = true;
            extractor.extract(
                &surfaces,
                lexicon,
                &list,
                config,
                &mut dropped_rows,
                &mut offsets,
            );
            extractor.drop_identity = false;
        }
        extractor.extract(&surfaces, lexicon, &list, config, &mut rows, &mut offsets);
        Example {
            rows,
            dropped_rows,
            offsets,
            gold: s.tags.iter().map(|&t| tag_index(t)).collect(),
        }
    };
    // Without history features, a sentence's features never change: compute them once.
    let with_history = config.groups & group::HISTORY != 0;
    let cached: Vec<Vec<Example>> = if with_history {
        Vec::new()
    } else {
        distinct
            .iter()
            .map(|&c| {
                (0..train.len())
                    .map(|k| extract(&mut extractor, k, c))
                    .collect()
            })
            .collect()
    };
    // Sentences are visited in blocks of consecutive sentences (stand-ins for documents, which
    // the corpora do not mark), the blocks in shuffled order; the history starts empty in each.
    // Without history, every sentence is its own block.
    let block = if with_history { HISTORY_SENTENCES } else { 1 };
    let blocks: Vec<std::ops::Range<usize>> = (0..train.len())
        .step_by(block)
        .map(|s| s..(s + block).min(train.len()))
        .collect();
    // One perceptron (or CRF) per run, each with its own sentence order; the model is their
    // mean.
    // With `crf_and_perceptron`, one CRF and `runs` perceptrons.
    let new_perceptrons = |n: usize| -> Vec<Perceptron> {
        (0..n)
            .map(|_| Perceptron::new(1 << config.bucket_bits))
            .collect()
    };
    let (mut perceptrons, mut crfs): (Vec<Perceptron>, Vec<CrfTrainer>) = match options.crf {
        None => (new_perceptrons(runs), Vec::new()),
        Some(c) => {
            let n = if options.crf_and_perceptron { 1 } else { runs };
            (
                new_perceptrons(if options.crf_and_perceptron { runs } else { 0 }),
                (0..n)
                    .map(|_| CrfTrainer::new(1 << config.bucket_bits, train.len(), c))
                    .collect(),
            )
        }
    };
    let rngs_of = |n: usize| -> Vec<Rng> {
        (0..n as u64)
            .map(|r| Rng((options.seed ^ r.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1))
            .collect()
    };
    // The CRFs and the perceptrons draw their orders (and dropout) from generators of their
    // own, seeded alike, so each learner of a mix sees what it would see alone.
    let (mut rngs, mut crf_rngs) = (rngs_of(runs), rngs_of(crfs.len()));
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    let (mut em, mut pred, mut drop) = (Vec::new(), Vec::new(), Vec::new());
    let mut model = None;
    for epoch in 1..=options.epochs {
        let (mut mistakes, mut loss) = (0, 0.0);
        for (r, (c, rng)) in crfs.iter_mut().zip(&mut crf_rngs).enumerate() {
            rng.shuffle(&mut order);
            for &b in &order {
                for k in blocks[b].clone() {
                    let ex = &cached[run_cache[r]][k];
                    let thinned;
                    let ex = if options.feature_dropout > 0.0 {
                        thinned = ex.thinned(options.feature_dropout, rng);
                        &thinned
                    } else {
                        ex
                    };
                    loss += c.learn(&ex.rows, &ex.offsets, &ex.gold);
                    on_sentence();
                }
            }
        }
        for (r, (p, rng)) in perceptrons.iter_mut().zip(&mut rngs).enumerate() {
            let config = run_configs[r];
            rng.shuffle(&mut order);
            for &b in &order {
                extractor.history.clear();
                for k in blocks[b].clone() {
                    let fresh;
                    let ex = if with_history {
                        fresh = extract(&mut extractor, k, config);
                        &fresh
                    } else {
                        &cached[run_cache[r]][k]
                    };
                    let thinned;
                    let ex = if options.feature_dropout > 0.0 {
                        thinned = ex.thinned(options.feature_dropout, rng);
                        &thinned
                    } else {
                        ex
                    };
                    drop.clear();
                    if options.word_dropout > 0.0 {
                        let threshold = (options.word_dropout.min(1.0) * u32::MAX as f32) as u64;
                        drop.extend((0..ex.gold.len()).map(|_| (rng.next() >> 32) < threshold));
                    }
                    p.emissions(ex, &drop, &mut em);
                    if options.margin > 0.0 {
                        // Cost-augmented decoding: every wrong tag gets a head start, so the
                        // weights must beat it by a margin.
                        for (e, &g) in em.iter_mut().zip(&ex.gold) {
                            for (t, x) in e.iter_mut().enumerate() {
                                if t != g {
                                    *x += options.margin;
                                }
                            }
                        }
                    }
                    if options.crf_rate > 0.0 {
                        // Step size decays with the number of sentences seen.
                        let eta = options.crf_rate / (1.0 + p.c / train.len() as f32);
                        p.crf_step(ex, &drop, &em, eta);
                        p.c += 1.0;
                        on_sentence();
                        continue;
                    }
                    decode(&em, &p.tr, &mut pred);
                    extractor.record(config, &pred);
                    if pred != ex.gold {
                        mistakes += 1;
                        let step = if options.pa > 0.0 {
                            p.pa_step(ex, &drop, &em, &pred, options.pa)
                        } else {
                            1.0
                        };
                        p.update(ex, &drop, &pred, step);
                    }
                    p.c += 1.0;
                    on_sentence();
                }
            }
        }
        // The mean, not the sum: the `O` bias grid is in the units of one perceptron; a CRF's
        // weights are scaled (see [`CRF_SCORE_SCALE`]).
        let (mut w, mut tr) = if crfs.is_empty() {
            mean_weights(perceptrons.iter().map(Perceptron::averaged).collect())?
        } else {
            mean_weights(crfs.iter_mut().map(CrfTrainer::weights).collect())?
        };
        if !crfs.is_empty() && !perceptrons.is_empty() {
            // Both learners: the perceptrons' mean scaled to the CRF's norm, then the mean of
            // the two.
            let (pw, ptr) = mean_weights(perceptrons.iter().map(Perceptron::averaged).collect())?;
            let (nc, np) = (weight_norm(&w, &tr), weight_norm(&pw, &ptr));
            let f = if np > 0.0 { (nc / np) as f32 } else { 0.0 };
            scale_weights(&mut w, &mut tr, 0.5);
            let (mut pw, mut ptr) = (pw, ptr);
            scale_weights(&mut pw, &mut ptr, 0.5 * f);
            for (a, b) in w.iter_mut().zip(pw) {
                *a += b;
            }
            for (a, b) in tr.start.iter_mut().zip(ptr.start) {
                *a += b;
            }
            for (a, b) in tr
                .trans
                .iter_mut()
                .flatten()
                .zip(ptr.trans.iter().flatten())
            {
                *a += b;
            }
        }
        if !crfs.is_empty() {
            scale_weights(&mut w, &mut tr, CRF_SCORE_SCALE);
        }
        let last = epoch == options.epochs;
        let float_tr = tr.clone();
        let mut m =
            NerModel::from_float_weights(&options.lang, options.config, &w, tr, lexicon.clone())?;
        let dev_counts = dev.map(|d| {
            if last && options.tune_o_bias {
                m.o_bias = tune_o_bias(&m, d);
            }
            if last && options.tune_label_bias && options.bias_folds < 2 {
                m.label_bias = tune_label_biases(&m, d);
            }
            let (counts, mentions) = evaluate(&m, d);
            if last {
                m.calibration = fit_calibration(&mentions);
            }
            counts
        });
        let float_dev = match dev {
            Some(d) if last && !with_history => Some(evaluate_float(
                &w,
                &float_tr,
                (m.o_bias, m.label_bias),
                config,
                &lexicon,
                &list,
                d,
            )),
            _ => None,
        };
        on_epoch(&EpochReport {
            epoch,
            mistakes,
            loss,
            dev: dev_counts,
            float_dev,
        });
        model = Some(m);
    }
    let mut model =
        model.ok_or_else(|| "no epochs to train (use --epochs 1 or more)".to_string())?;
    if options.bias_folds > 1 {
        let k = options.bias_folds;
        let fold_options = TrainOptions {
            bias_folds: 0,
            tune_o_bias: false,
            tune_label_bias: false,
            ..options.clone()
        };
        let mut tuning = BiasTuning::default();
        let n = train.len();
        for f in 0..k {
            let (a, b) = (f * n / k, (f + 1) * n / k);
            let rest: Vec<ConllSentence> = train[..a].iter().chain(&train[b..]).cloned().collect();
            let fold_model = self::train(
                &rest,
                None,
                base_lexicon.clone(),
                &fold_options,
                ignore_epoch,
                ignore_sentence,
            )?;
            tuning.add(&fold_model, &train[a..b]);
        }
        model.o_bias = tuning.o_bias();
        model.label_bias = if options.tune_label_bias {
            tuning.label_biases(model.o_bias)
        } else {
            [0.0; 4]
        };
        if let Some(d) = dev {
            model.calibration = fit_calibration(&evaluate(&model, d).1);
        }
    }
    Ok(model)
}

/// An epoch report nobody reads (the fold models of [`TrainOptions::bias_folds`]).
fn ignore_epoch(_: &EpochReport) {}

/// A progress step nobody shows (the fold models of [`TrainOptions::bias_folds`]).
fn ignore_sentence() {}

/// The mean of several weight tables and transitions.
fn mean_weights(list: Vec<(Vec<f32>, Transitions)>) -> Result<(Vec<f32>, Transitions), String> {
    let runs = list.len();
    let mut list = list.into_iter();
    let (mut w, mut tr) = list.next().ok_or_else(|| "no runs to train".to_string())?;
    for (w2, tr2) in list {
        for (a, b) in w.iter_mut().zip(w2) {
            *a += b;
        }
        for t in 0..N_TAGS {
            tr.start[t] += tr2.start[t];
            for q in 0..N_TAGS {
                tr.trans[q][t] += tr2.trans[q][t];
            }
        }
    }
    if runs > 1 {
        scale_weights(&mut w, &mut tr, 1.0 / runs as f32);
    }
    Ok((w, tr))
}

/// Multiplies every weight and transition by `k`.
fn scale_weights(w: &mut [f32], tr: &mut Transitions, k: f32) {
    w.iter_mut().for_each(|a| *a *= k);
    tr.start.iter_mut().for_each(|a| *a *= k);
    tr.trans.iter_mut().flatten().for_each(|a| *a *= k);
}

/// The Euclidean norm of a weight table with its transitions.
fn weight_norm(w: &[f32], tr: &Transitions) -> f64 {
    let sq = |a: &f32| f64::from(*a) * f64::from(*a);
    let table: f64 = w.iter().map(sq).sum();
    let trans: f64 = tr
        .start
        .iter()
        .chain(tr.trans.iter().flatten())
        .map(sq)
        .sum();
    (table + trans).sqrt()
}

/// Span counts of `dev` tagged with float weights `w` (before quantisation) and transitions
/// `tr`, with the `O` bias and the label biases (`biases`) applied as the model applies them.
fn evaluate_float(
    w: &[f32],
    tr: &Transitions,
    (o_bias, label_bias): (f32, [f32; 4]),
    config: FeatureConfig,
    lexicon: &Lexicon,
    list: &EntityList,
    dev: &[ConllSentence],
) -> SpanCounts {
    let mut extractor = Extractor::new();
    let (mut rows, mut offsets, mut em, mut tags) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut counts = SpanCounts::default();
    for s in dev {
        let surfaces: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        extractor.extract(&surfaces, lexicon, list, config, &mut rows, &mut offsets);
        em.clear();
        for i in 0..surfaces.len() {
            let mut e = [0.0f32; N_TAGS];
            for &r in &rows[offsets[i] as usize..offsets[i + 1] as usize] {
                for (t, x) in e.iter_mut().enumerate() {
                    *x += w[r as usize * N_TAGS + t];
                }
            }
            apply_biases(o_bias, &label_bias, &mut e);
            em.push(e);
        }
        decode(&em, tr, &mut tags);
        let pred: Vec<BioTag> = tags.iter().map(|&t| tag_of(t)).collect();
        counts.add(&s.tags, &pred);
    }
    counts
}

/// Folds of the training data for the memory of labelled text ([`group::MEMORY`]): each
/// fold's sentences read the memory of the other folds.
pub const MEMORY_FOLDS: usize = 10;

/// The lexicon with the memory of all of `train` (for the model), and one lexicon per fold of
/// [`MEMORY_FOLDS`] contiguous blocks of sentences with the memory of the other folds (for
/// the features of that fold's sentences in training). Contiguous blocks keep most of an
/// article in one fold, so a name is "remembered" about as often as a name of an unseen
/// article is.
fn memory_lexicons(
    train: &[ConllSentence],
    lexicon: Lexicon,
    list: &EntityList,
    config: FeatureConfig,
    extractor: &mut Extractor,
) -> (Lexicon, Vec<Lexicon>) {
    let folds = MEMORY_FOLDS.min(train.len()).max(1);
    let mut per_fold: Vec<FxHashMap<u64, WordCounts>> = vec![FxHashMap::default(); folds];
    let mut pairs_per_fold: Vec<FxHashMap<u64, WordCounts>> = vec![FxHashMap::default(); folds];
    let count = |c: &mut WordCounts, t: usize| {
        if t == crate::ner::tags::O {
            c.outside += 1;
        } else if t % 2 == 1 {
            c.begin[(t - 1) / 2] += 1;
        } else {
            c.inside[(t - 1) / 2] += 1;
        }
    };
    let (mut rows, mut offsets, mut cores) = (Vec::new(), Vec::new(), Vec::new());
    for (k, s) in train.iter().enumerate() {
        let surfaces: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
        extractor.extract(&surfaces, &lexicon, list, config, &mut rows, &mut offsets);
        cores.clear();
        extractor.cores_and_bands(config, &mut cores);
        let fold = k * folds / train.len();
        if config.groups & (group::MEMORY | group::MEMORY_WIDE | group::MEMORY_OWN) != 0 {
            for (&(core, _), &tag) in cores.iter().zip(&s.tags) {
                count(per_fold[fold].entry(core).or_default(), tag_index(tag));
            }
        }
        if config.groups & group::PAIR_MEMORY != 0 {
            for (w, t) in cores.windows(2).zip(s.tags.windows(2)) {
                let pairs = &mut pairs_per_fold[fold];
                let (a, b) = (w[0].0, w[1].0);
                count(pairs.entry(pair_key(a, b, 0)).or_default(), tag_index(t[0]));
                count(pairs.entry(pair_key(a, b, 1)).or_default(), tag_index(t[1]));
            }
        }
    }
    let add = |into: &mut FxHashMap<u64, WordCounts>, from: &FxHashMap<u64, WordCounts>| {
        for (&k, c) in from {
            let e = into.entry(k).or_default();
            e.outside += c.outside;
            for l in 0..4 {
                e.begin[l] += c.begin[l];
                e.inside[l] += c.inside[l];
            }
        }
    };
    let fold_lexicons = (0..folds)
        .map(|f| {
            let (mut others, mut other_pairs) = (FxHashMap::default(), FxHashMap::default());
            for g in (0..folds).filter(|&g| g != f) {
                add(&mut others, &per_fold[g]);
                add(&mut other_pairs, &pairs_per_fold[g]);
            }
            let mut lex = lexicon.clone();
            lex.set_memory(&others);
            lex.add_pair_memory(&other_pairs);
            lex
        })
        .collect();
    let (mut all, mut all_pairs) = (FxHashMap::default(), FxHashMap::default());
    for (counts, pairs) in per_fold.iter().zip(&pairs_per_fold) {
        add(&mut all, counts);
        add(&mut all_pairs, pairs);
    }
    let mut lexicon = lexicon;
    lexicon.set_memory(&all);
    lexicon.add_pair_memory(&all_pairs);
    (lexicon, fold_lexicons)
}

/// How the document-level second stage ([`crate::ner::stack`]) is trained.
#[derive(Debug, Clone, Copy)]
pub struct StackOptions {
    /// Cross-validation folds: the first-stage labels the second stage learns from come from
    /// models trained without the fold.
    pub folds: usize,
    /// Training documents are blocks of this many consecutive sentences (the corpora do not
    /// mark their articles; `-DOCSTART-` lines also start a document).
    pub doc_sentences: usize,
    /// Perceptron passes of the second stage.
    pub epochs: usize,
    /// The second stage's table has `2^bits` rows.
    pub bits: u32,
    /// Dev documents (for the `O` bias and the calibration): blocks of this many sentences,
    /// 0 for one document (as `make eval-ner` scores ANERcorp dev).
    pub dev_doc_sentences: usize,
}

impl Default for StackOptions {
    fn default() -> Self {
        StackOptions {
            folds: 5,
            doc_sentences: 40,
            epochs: 10,
            bits: 16,
            dev_doc_sentences: 0,
        }
    }
}

/// Splits sentences into documents: at `-DOCSTART-` marks, and every `size` sentences
/// (0: only at the marks).
pub fn documents(data: &[ConllSentence], size: usize) -> Vec<&[ConllSentence]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..data.len() {
        let full = size > 0 && i - start >= size;
        if i > start && (data[i].doc_start || full) {
            out.push(&data[start..i]);
            start = i;
        }
    }
    if start < data.len() {
        out.push(&data[start..]);
    }
    out
}

/// Tags `data` document by document (both stages, see [`NerModel::tag_document`]) and counts
/// spans against the gold tags; also returns each predicted mention's smallest margin and
/// whether it was right.
pub fn evaluate_documents(
    model: &NerModel,
    data: &[ConllSentence],
    doc_sentences: usize,
) -> (SpanCounts, Vec<(f32, bool)>) {
    let mut counts = SpanCounts::default();
    let mut scratch = Scratch::default();
    let mut mentions = Vec::new();
    for doc in documents(data, doc_sentences) {
        let sentences: Vec<Vec<&str>> = doc
            .iter()
            .map(|s| s.tokens.iter().map(String::as_str).collect())
            .collect();
        let tagged = model.tag_document(&sentences, &mut scratch);
        for (s, (tags, margins)) in doc.iter().zip(tagged) {
            score_sentence(&s.tags, &tags, &margins, &mut counts, &mut mentions);
        }
    }
    (counts, mentions)
}

/// [`tune_o_bias`] with document-level tagging.
pub fn tune_o_bias_documents(model: &NerModel, dev: &[ConllSentence], doc_sentences: usize) -> f32 {
    let mut m = model.clone();
    let mut best = (f64::MIN, 0.0f32);
    for k in 0..=32 {
        m.o_bias = k as f32 * 0.25;
        let f = evaluate_documents(&m, dev, doc_sentences).0.prf().2;
        if f > best.0 + 1e-9 {
            best = (f, m.o_bias);
        }
    }
    best.1
}

/// The second-stage training sentences of the documents of `held_out`, tagged by `first`
/// (a model that did not see them); `transitions` indexes the caller's list of `first`'s
/// transitions.
fn doc_examples(
    first: &NerModel,
    held_out: &[ConllSentence],
    stack: &StackOptions,
    transitions: usize,
    out: &mut Vec<DocExample>,
) -> Result<(), String> {
    let mut scratch = Scratch::default();
    scratch.document.keep_first_tags = true;
    let (mut rows, mut offsets) = (Vec::new(), Vec::new());
    for doc in documents(held_out, stack.doc_sentences) {
        first.begin_document(&mut scratch);
        for s in doc {
            let surfaces: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            first.add_sentence(&surfaces, Prepared::default(), &mut scratch);
        }
        let d = &scratch.document;
        let cores = first
            .document_cores(&scratch)
            .ok_or("the second stage needs the stem, affix, freq or cluster features")?;
        crate::ner::stack::doc_feature_rows(
            &d.first_tags,
            cores,
            stack.bits,
            &mut rows,
            &mut offsets,
        );
        let mut from = 0;
        for s in doc {
            let n = s.tokens.len();
            let base = offsets[from];
            out.push(DocExample {
                emissions: d.emissions[from..from + n].to_vec(),
                transitions,
                rows: rows[base as usize..offsets[from + n] as usize].to_vec(),
                offsets: offsets[from..=from + n].iter().map(|o| o - base).collect(),
                gold: s.tags.iter().map(|&t| tag_index(t)).collect(),
            });
            from += n;
        }
    }
    Ok(())
}

/// Trains a model with a document-level second stage: the first stage as [`train`] does on
/// all of `train_data`; then, for each of `stack.folds` contiguous folds, a first-stage model
/// on the other folds tags the fold, and the second stage learns from those tags
/// ([`crate::ner::stack::train_doc_model`]). With `dev`, the `O` bias (when
/// `options.tune_o_bias`) and the calibration are fitted on it with both stages.
pub fn train_stacked(
    train_data: &[ConllSentence],
    dev: Option<&[ConllSentence]>,
    lexicon: Lexicon,
    options: &TrainOptions,
    stack: &StackOptions,
    on_epoch: impl FnMut(&EpochReport),
    mut on_sentence: impl FnMut(),
) -> Result<NerModel, String> {
    let folds = stack.folds.max(2);
    let mut model = train(
        train_data,
        dev,
        lexicon.clone(),
        options,
        on_epoch,
        &mut on_sentence,
    )?;
    let fold_options = TrainOptions {
        tune_o_bias: false,
        ..options.clone()
    };
    let mut examples = Vec::new();
    let mut transitions = Vec::new();
    let n = train_data.len();
    for k in 0..folds {
        let (a, b) = (k * n / folds, (k + 1) * n / folds);
        let rest: Vec<ConllSentence> = train_data[..a]
            .iter()
            .chain(&train_data[b..])
            .cloned()
            .collect();
        let first = train(
            &rest,
            None,
            lexicon.clone(),
            &fold_options,
            |_| {},
            &mut on_sentence,
        )?;
        doc_examples(
            &first,
            &train_data[a..b],
            stack,
            transitions.len(),
            &mut examples,
        )?;
        transitions.push(first.transitions.clone());
    }
    let doc = crate::ner::stack::train_doc_model(
        &examples,
        &transitions,
        stack.bits,
        stack.epochs,
        options.seed,
    );
    model.o_bias = 0.0;
    model.doc = Some(doc);
    if let Some(dev) = dev {
        if options.tune_o_bias {
            model.o_bias = tune_o_bias_documents(&model, dev, stack.dev_doc_sentences);
        }
        let (_, mentions) = evaluate_documents(&model, dev, stack.dev_doc_sentences);
        model.calibration = fit_calibration(&mentions);
    }
    Ok(model)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::conll::parse_conll;

    /// Four sentences with people and places, enough for a model to learn them all.
    const TINY: &str = "\
ذهب O\nمحمد B-PERS\nإلى O\nدمشق B-LOC\n\n\
زار O\nأحمد B-PERS\nحلب B-LOC\n\n\
ذهب O\nعلي B-PERS\nإلى O\nحلب B-LOC\n\n\
قال O\nمحمد B-PERS\nإن O\nدمشق B-LOC\nجميلة O\n\n";

    #[test]
    fn each_fold_reads_the_memory_of_the_other_folds() {
        // Twenty sentences: حلب is a place in the first two (fold 0), دمشق in all of them.
        let mut text = String::new();
        for k in 0..20 {
            let place = if k < 2 { "حلب" } else { "دمشق" };
            text.push_str(&format!("ذهب O\nمحمد B-PERS\nإلى O\n{place} B-LOC\n\n"));
            text.push_str("في O\nدمشق B-LOC\n\n");
        }
        let data = parse_conll(&text, true, "t").unwrap();
        let config = FeatureConfig {
            groups: FeatureConfig::default().groups | group::MEMORY,
            bucket_bits: 12,
        };
        let list = EntityList::builtin("ar");
        let (all, folds) =
            memory_lexicons(&data, Lexicon::new(), &list, config, &mut Extractor::new());
        assert_eq!(folds.len(), MEMORY_FOLDS);
        let h = |w: &str| crate::ner::hash::hash_str(w);
        // Without word frequencies no proclitic is split off: these cores are the keys.
        let aleppo = all.memory(h("حلب"));
        assert_eq!(aleppo >> 5, 0b101, "seen as LOC: {aleppo:#x}");
        assert_eq!(folds[0].memory(h("حلب")), 0, "fold 0 holds every حلب");
        assert_eq!(folds[1].memory(h("حلب")), aleppo);
        assert_eq!(folds[0].memory(h("دمشق")) >> 5, 0b101);
        let to = crate::ner::text::match_key("إلى");
        assert_eq!(
            all.memory(h(&to)),
            0x40 | 3,
            "twenty times outside mentions"
        );
        // Trained with the group, the model keeps the memory of all the data in its file.
        let options = TrainOptions {
            epochs: 2,
            config,
            ..TrainOptions::default()
        };
        let model = train(&data, None, Lexicon::new(), &options, |_| {}, || {}).unwrap();
        let back = NerModel::from_bytes(&model.to_bytes().unwrap()).unwrap();
        assert_eq!(back.lexicon.memory(h("حلب")), aleppo);
        assert_eq!(back.lexicon, all);
    }

    /// Trains on `data` with `data` as dev, keeping each epoch's report.
    fn train_with_dev_reports(
        data: &[ConllSentence],
        options: &TrainOptions,
    ) -> (NerModel, Vec<EpochReport>) {
        let mut reports = Vec::new();
        let model = train(
            data,
            Some(data),
            Lexicon::new(),
            options,
            |r| reports.push(*r),
            || {},
        )
        .unwrap();
        (model, reports)
    }

    #[test]
    fn learns_a_tiny_corpus_and_is_reproducible() {
        let data = parse_conll(TINY, true, "t").unwrap();
        let options = TrainOptions {
            epochs: 5,
            config: FeatureConfig {
                bucket_bits: 12,
                ..FeatureConfig::default()
            },
            ..TrainOptions::default()
        };
        let (model, reports) = train_with_dev_reports(&data, &options);
        assert_eq!(reports.len(), 5);
        let last = reports[4].dev.unwrap();
        assert_eq!(last.correct, last.gold, "{last:?}");
        let mut again = train(&data, None, Lexicon::new(), &options, |_| {}, || {}).unwrap();
        again.calibration = model.calibration;
        assert_eq!(again.to_bytes().unwrap(), model.to_bytes().unwrap());
        let (counts, _) = evaluate(&again, &data);
        assert_eq!(counts, last);
    }

    #[test]
    fn several_runs_give_the_mean_of_their_perceptrons() {
        let data = parse_conll(TINY, true, "t").unwrap();
        let options = |runs| TrainOptions {
            epochs: 5,
            runs,
            tune_o_bias: false,
            config: FeatureConfig {
                bucket_bits: 12,
                ..FeatureConfig::default()
            },
            ..TrainOptions::default()
        };
        let fit = |runs| train(&data, None, Lexicon::new(), &options(runs), |_| {}, || {}).unwrap();
        let (one, four) = (fit(1), fit(4));
        assert_ne!(one.to_bytes().unwrap(), four.to_bytes().unwrap());
        let (counts, _) = evaluate(&four, &data);
        assert_eq!(counts.correct, counts.gold, "{counts:?}");
        // A mean, not a sum: the weights stay on the scale of one perceptron (a sum of four
        // would be about four times larger).
        let largest = |m: &NerModel| {
            m.transitions
                .trans
                .iter()
                .flatten()
                .chain(&m.transitions.start)
                .fold(0.0f32, |a, &b| a.max(b.abs()))
        };
        assert!(
            largest(&four) <= 1.5 * largest(&one),
            "{} {}",
            largest(&four),
            largest(&one)
        );
    }

    #[test]
    fn feature_bagging_trains_each_run_without_its_groups() {
        let data = parse_conll(TINY, true, "t").unwrap();
        let config = FeatureConfig {
            bucket_bits: 12,
            ..FeatureConfig::default()
        };
        let options = |runs, bag: Vec<u32>, config| TrainOptions {
            epochs: 5,
            runs,
            bag,
            tune_o_bias: false,
            config,
            ..TrainOptions::default()
        };
        let fit = |o: &TrainOptions| train(&data, None, Lexicon::new(), o, |_| {}, || {}).unwrap();
        // One run that leaves out word and context learns the weights of a model trained
        // without those groups, but the model still has (and tags with) every group.
        let left_out = group::WORD | group::CONTEXT;
        let bagged = fit(&options(1, vec![left_out], config));
        assert_eq!(bagged.config, config);
        let without = FeatureConfig {
            groups: config.groups & !left_out,
            ..config
        };
        let mut narrow = fit(&options(1, Vec::new(), without));
        assert_ne!(narrow.to_bytes().unwrap(), bagged.to_bytes().unwrap());
        narrow.config = config;
        assert_eq!(narrow.to_bytes().unwrap(), bagged.to_bytes().unwrap());
        // Runs that differ in their groups give another mean than runs that do not.
        let plain = fit(&options(3, Vec::new(), config));
        let bag3 = fit(&options(3, vec![0, group::WORD, group::AFFIX], config));
        assert_ne!(plain.to_bytes().unwrap(), bag3.to_bytes().unwrap());
        assert_eq!(
            fit(&options(3, vec![0], config)).to_bytes().unwrap(),
            plain.to_bytes().unwrap()
        );
        let (counts, _) = evaluate(&bag3, &data);
        assert_eq!(counts.correct, counts.gold, "{counts:?}");
    }

    #[test]
    fn feature_dropout_learns_a_tiny_corpus_and_is_reproducible() {
        let data = parse_conll(TINY, true, "t").unwrap();
        let options = TrainOptions {
            epochs: 10,
            feature_dropout: 0.3,
            tune_o_bias: false,
            config: FeatureConfig {
                bucket_bits: 12,
                ..FeatureConfig::default()
            },
            ..TrainOptions::default()
        };
        let fit = |o: &TrainOptions| train(&data, None, Lexicon::new(), o, |_| {}, || {}).unwrap();
        let model = fit(&options);
        let (counts, _) = evaluate(&model, &data);
        assert_eq!(counts.correct, counts.gold, "{counts:?}");
        assert_eq!(model.to_bytes().unwrap(), fit(&options).to_bytes().unwrap());
        let plain = TrainOptions {
            feature_dropout: 0.0,
            ..options.clone()
        };
        assert_ne!(model.to_bytes().unwrap(), fit(&plain).to_bytes().unwrap());
        let both = TrainOptions {
            word_dropout: 0.1,
            ..options
        };
        assert!(train(&data, None, Lexicon::new(), &both, |_| {}, || {}).is_err());
    }

    #[test]
    fn crf_training_learns_a_tiny_corpus() {
        let data = parse_conll(TINY, true, "t").unwrap();
        let options = TrainOptions {
            epochs: 20,
            crf_rate: 0.1,
            config: FeatureConfig {
                bucket_bits: 12,
                ..FeatureConfig::default()
            },
            ..TrainOptions::default()
        };
        let model = train(&data, None, Lexicon::new(), &options, |_| {}, || {}).unwrap();
        let (counts, _) = evaluate(&model, &data);
        assert_eq!(counts.correct, counts.gold, "{counts:?}");
        assert_eq!(counts.predicted, counts.gold);
    }

    #[test]
    fn label_biases_restore_a_label_the_transitions_hold_back() {
        let data = parse_conll(TINY, true, "t").unwrap();
        let options = TrainOptions {
            epochs: 5,
            tune_o_bias: false,
            // Strong L2 keeps the CRF's scores within the bias grid.
            crf: Some(CrfOptions {
                eta: 0.3,
                l2: 10.0,
                ..CrfOptions::default()
            }),
            config: FeatureConfig {
                bucket_bits: 12,
                ..FeatureConfig::default()
            },
            ..TrainOptions::default()
        };
        let model = train(&data, None, Lexicon::new(), &options, |_| {}, || {}).unwrap();
        let b_per = tag_index(BioTag::B(crate::document::EntityLabel::Per));
        let mut tuning = BiasTuning::default();
        tuning.add(&model, &data);
        // Biases never lower F1.
        let before = tuning.f1(0.0, &[0.0; 4]);
        assert!(before > 80.0, "{before}");
        assert!(tuning.f1(0.0, &tuning.label_biases(0.0)) >= before);
        // Held back by its transitions, PER is found again with a bias of its own only.
        // The smallest penalty on entering B-PER (in steps of 0.5) that costs F1.
        let held_back_by = |penalty: f32| {
            let mut m = model.clone();
            m.transitions.start[b_per] -= penalty;
            for row in m.transitions.trans.iter_mut() {
                row[b_per] -= penalty;
            }
            m
        };
        let penalty = (1..=40)
            .map(|k| k as f32 * 0.5)
            .find(|&p| evaluate(&held_back_by(p), &data).0.prf().2 < before)
            .unwrap();
        let mut model = held_back_by(penalty);
        let mut tuning = BiasTuning::default();
        tuning.add(&model, &data);
        let held_back = tuning.f1(0.0, &[0.0; 4]);
        assert!(held_back < before, "{held_back} {before}");
        let biases = tuning.label_biases(0.0);
        assert!(biases[0] > 0.0, "{biases:?}");
        let after = tuning.f1(0.0, &biases);
        // A penalty 0.5 smaller cost nothing, so a PER bias of 0.5 gives it all back.
        assert!(after >= before, "{after} {before}");
        // The model applies them as the tuning did.
        model.label_bias = biases;
        assert_eq!(evaluate(&model, &data).0.prf().2, after);
        assert_eq!(tune_label_biases(&model, &data), biases);
    }

    #[test]
    fn biases_tuned_on_held_out_folds_of_the_training_data() {
        let text = TINY.repeat(3);
        let data = parse_conll(&text, true, "t").unwrap();
        let options = TrainOptions {
            epochs: 4,
            bias_folds: 3,
            tune_label_bias: true,
            config: FeatureConfig {
                bucket_bits: 12,
                ..FeatureConfig::default()
            },
            ..TrainOptions::default()
        };
        let fit = || train(&data, Some(&data), Lexicon::new(), &options, |_| {}, || {}).unwrap();
        let (a, b) = (fit(), fit());
        assert_eq!(a.to_bytes().unwrap(), b.to_bytes().unwrap());
        let on_grid = |x: f32| (x * 4.0).fract() == 0.0;
        assert!((0.0..=8.0).contains(&a.o_bias) && on_grid(a.o_bias));
        assert!(
            a.label_bias
                .iter()
                .all(|&x| (-2.0..=2.0).contains(&x) && on_grid(x))
        );
        let (counts, _) = evaluate(&a, &data);
        assert_eq!(counts.correct, counts.gold, "{counts:?}");
    }

    #[test]
    fn crf_learner_learns_a_tiny_corpus_reproducibly_and_quantises_without_loss() {
        let data = parse_conll(TINY, true, "t").unwrap();
        let options = TrainOptions {
            epochs: 15,
            runs: 2,
            feature_dropout: 0.2,
            crf: Some(CrfOptions {
                eta: 0.3,
                l2: 0.1,
                ..CrfOptions::default()
            }),
            config: FeatureConfig {
                bucket_bits: 12,
                ..FeatureConfig::default()
            },
            ..TrainOptions::default()
        };
        let (model, reports) = train_with_dev_reports(&data, &options);
        let (counts, _) = evaluate(&model, &data);
        assert_eq!(counts.correct, counts.gold, "{counts:?}");
        assert_eq!(counts.predicted, counts.gold);
        // The loss falls, and the float weights tag dev as the quantised table does.
        assert!(reports[14].loss < 0.5 * reports[0].loss, "{reports:?}");
        assert_eq!(reports[14].float_dev, reports[14].dev);
        assert!(reports[..14].iter().all(|r| r.float_dev.is_none()));
        let fit = |o: &TrainOptions| train(&data, None, Lexicon::new(), o, |_| {}, || {}).unwrap();
        let mut again = fit(&options);
        again.calibration = model.calibration;
        again.o_bias = model.o_bias;
        assert_eq!(again.to_bytes().unwrap(), model.to_bytes().unwrap());
        // Another learner than the perceptron, and another L2 gives other weights.
        let perceptron = TrainOptions {
            crf: None,
            ..options.clone()
        };
        assert_ne!(
            fit(&perceptron).to_bytes().unwrap(),
            fit(&options).to_bytes().unwrap()
        );
        let stronger = TrainOptions {
            crf: Some(CrfOptions {
                eta: 0.3,
                l2: 3.0,
                ..CrfOptions::default()
            }),
            ..options.clone()
        };
        assert_ne!(
            fit(&stronger).to_bytes().unwrap(),
            fit(&options).to_bytes().unwrap()
        );
        // One CRF and two perceptrons: another model again, which still learns the data.
        let mix = TrainOptions {
            crf_and_perceptron: true,
            ..options.clone()
        };
        let mixed = fit(&mix);
        assert_ne!(mixed.to_bytes().unwrap(), fit(&options).to_bytes().unwrap());
        assert_ne!(
            mixed.to_bytes().unwrap(),
            fit(&perceptron).to_bytes().unwrap()
        );
        let (counts, _) = evaluate(&mixed, &data);
        assert_eq!(counts.correct, counts.gold, "{counts:?}");
        let with_margin = TrainOptions {
            margin: 1.0,
            ..options
        };
        assert!(train(&data, None, Lexicon::new(), &with_margin, |_| {}, || {}).is_err());
    }

    #[test]
    fn stacked_training_adds_a_second_stage_that_survives_the_file() {
        let data = parse_conll(TINY, true, "t").unwrap();
        let options = TrainOptions {
            epochs: 3,
            config: FeatureConfig {
                bucket_bits: 12,
                ..FeatureConfig::default()
            },
            ..TrainOptions::default()
        };
        let stack = StackOptions {
            folds: 2,
            doc_sentences: 2,
            bits: 10,
            ..StackOptions::default()
        };
        let model = train_stacked(
            &data,
            Some(&data),
            Lexicon::new(),
            &options,
            &stack,
            |_| {},
            || {},
        )
        .unwrap();
        let doc = model.doc.as_ref().expect("a second stage");
        assert_eq!(doc.bits, 10);
        let back = NerModel::from_bytes(&model.to_bytes().unwrap()).unwrap();
        assert_eq!(back.doc, model.doc);
        assert_eq!(
            evaluate_documents(&back, &data, 0).0,
            evaluate_documents(&model, &data, 0).0
        );
    }

    #[test]
    fn documents_split_at_marks_and_sizes() {
        let text = "a O\n\nb O\n\n-DOCSTART- O\n\nc O\n\nd O\n\ne O\n";
        let data = parse_conll(text, true, "t").unwrap();
        let sizes = |n| -> Vec<usize> { documents(&data, n).iter().map(|d| d.len()).collect() };
        assert_eq!(sizes(0), [2, 3]);
        assert_eq!(sizes(2), [2, 2, 1]);
    }

    #[test]
    fn calibration_orders_margins() {
        let mentions: Vec<(f32, bool)> = (0..200)
            .map(|i| (i as f32 / 10.0, i % 10 < i / 20))
            .collect();
        let (a, b) = fit_calibration(&mentions);
        let p = |m: f32| 1.0 / (1.0 + (-(a * m + b)).exp());
        assert!(p(0.0) < p(10.0) && p(10.0) < p(19.0));
    }
}
