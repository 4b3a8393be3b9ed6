//! A linear-chain conditional random field (Lafferty et al. 2001) over the hashed features of
//! [`crate::ner::features`]: the same weight table (one row of [`N_TAGS`] weights per
//! feature bucket) and the same first-order transitions as the perceptron, so a trained CRF
//! is stored and decoded exactly as a perceptron is ([`crate::ner::model::NerModel`]).
//!
//! - [`forward_backward`]: the log partition function and the tag and tag-pair marginals of
//!   one sentence, over the paths that never take a forbidden transition ([`allowed`]).
//! - [`CrfTrainer`]: minimises the negative conditional log-likelihood of the training
//!   sentences plus `λ/2 ‖w‖²` (L2), one sentence at a time, with AdaGrad steps (Duchi et
//!   al. 2011). The L2 term is applied as a proximal shrink after every sentence; a weight
//!   row that a sentence does not touch gets its shrinks late, in one go, when a sentence next
//!   touches it (or when the weights are read out), which gives the same weights as
//!   shrinking every row after every sentence, at the cost of the rows touched only.
//!
//! Everything runs in a fixed order from the caller's sentence order, so the same data and
//! options give the same weights.

use crate::ner::model::Transitions;
use crate::ner::tags::{N_TAGS, O, allowed};

/// The tag and tag-pair marginals of one sentence, from [`forward_backward`].
#[derive(Debug, Clone, Default)]
pub struct Marginals {
    /// Log of the sum of the exponentiated scores of every allowed tag sequence.
    pub log_z: f64,
    /// `node[i][t]`: probability that token `i` has tag `t`.
    pub node: Vec<[f64; N_TAGS]>,
    /// `edge[i][p][t]` (for `i ≥ 1`): probability that token `i − 1` has tag `p` and token `i`
    /// tag `t`; `edge[0]` is all zero.
    pub edge: Vec<[[f64; N_TAGS]; N_TAGS]>,
    alpha: Vec<[f64; N_TAGS]>,
    beta: Vec<[f64; N_TAGS]>,
}

/// Start and transition scores in f64, with forbidden moves at minus infinity.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainScores {
    /// Score of each tag at the start of a sentence (minus infinity where not allowed).
    pub start: [f64; N_TAGS],
    /// Score of each (previous, next) pair (minus infinity where not allowed).
    pub trans: [[f64; N_TAGS]; N_TAGS],
}

impl ChainScores {
    /// Scores from transition weights, with the forbidden moves set to minus infinity.
    pub fn new(tr: &Transitions) -> Self {
        let or_forbidden = |ok: bool, x: f32| if ok { f64::from(x) } else { f64::NEG_INFINITY };
        let start = std::array::from_fn(|t| or_forbidden(allowed(None, t), tr.start[t]));
        let trans = std::array::from_fn(|p| {
            std::array::from_fn(|t| or_forbidden(allowed(Some(p), t), tr.trans[p][t]))
        });
        ChainScores { start, trans }
    }

    /// The score of one tag sequence (minus infinity if it takes a forbidden move).
    pub fn path_score(&self, emissions: &[[f64; N_TAGS]], tags: &[usize]) -> f64 {
        let mut s = 0.0;
        for (i, &t) in tags.iter().enumerate() {
            s += emissions[i][t];
            s += if i == 0 {
                self.start[t]
            } else {
                self.trans[tags[i - 1]][t]
            };
        }
        s
    }
}

/// `log(Σ exp(x))` over the finite values of `xs` (minus infinity if there are none).
fn log_sum_exp(xs: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = xs.clone().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + xs.map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// Runs the forward and backward passes over `emissions` (one row per token) and fills `out`
/// with the log partition function and the marginals. An empty sentence gives `log_z = 0`
/// and no marginals.
pub fn forward_backward(emissions: &[[f64; N_TAGS]], chain: &ChainScores, out: &mut Marginals) {
    let n = emissions.len();
    out.alpha.clear();
    out.beta.clear();
    out.node.clear();
    out.edge.clear();
    out.log_z = 0.0;
    if n == 0 {
        return;
    }
    let neg = f64::NEG_INFINITY;
    let mut first = [neg; N_TAGS];
    for t in 0..N_TAGS {
        first[t] = chain.start[t] + emissions[0][t];
    }
    out.alpha.push(first);
    for em in &emissions[1..] {
        let prev = out.alpha[out.alpha.len() - 1];
        let mut cur = [neg; N_TAGS];
        for t in 0..N_TAGS {
            let s = log_sum_exp((0..N_TAGS).map(|p| prev[p] + chain.trans[p][t]));
            cur[t] = s + em[t];
        }
        out.alpha.push(cur);
    }
    out.beta.resize(n, [0.0; N_TAGS]);
    for i in (0..n - 1).rev() {
        let next = out.beta[i + 1];
        let em = &emissions[i + 1];
        let mut cur = [neg; N_TAGS];
        for (p, slot) in cur.iter_mut().enumerate() {
            *slot = log_sum_exp((0..N_TAGS).map(|t| chain.trans[p][t] + em[t] + next[t]));
        }
        out.beta[i] = cur;
    }
    let log_z = log_sum_exp(out.alpha[n - 1].iter().copied());
    out.log_z = log_z;
    let (mut nodes, mut edges) = (std::mem::take(&mut out.node), std::mem::take(&mut out.edge));
    for (i, ((alpha, beta), em)) in out.alpha.iter().zip(&out.beta).zip(emissions).enumerate() {
        nodes.push(std::array::from_fn(|t| {
            let s = alpha[t] + beta[t] - log_z;
            if s == neg { 0.0 } else { s.exp() }
        }));
        let mut edge = [[0.0; N_TAGS]; N_TAGS];
        if i > 0 {
            for ((row, &a), trans) in edge.iter_mut().zip(&out.alpha[i - 1]).zip(&chain.trans) {
                if a == neg {
                    continue;
                }
                for (t, e) in row.iter_mut().enumerate() {
                    let s = a + trans[t] + em[t] + beta[t] - log_z;
                    *e = if s == neg { 0.0 } else { s.exp() };
                }
            }
        }
        edges.push(edge);
    }
    out.node = nodes;
    out.edge = edges;
}

/// Hyperparameters of [`CrfTrainer`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrfOptions {
    /// AdaGrad's base step: a weight's step is `eta / sqrt(sum of its squared gradients)`.
    pub eta: f64,
    /// L2 strength λ of the objective `Σ −log p(gold | sentence) + λ/2 ‖w‖²` (over the whole
    /// training set; each sentence carries `λ / sentences` of it).
    pub l2: f64,
    /// Softmax-margin training (Gimpel & Smith 2010): in the partition function, every token
    /// whose tag differs from the gold one adds this cost to the path's score, so the
    /// weights must beat wrong paths by a margin that grows with their errors (0: the plain
    /// log-likelihood).
    pub cost: f64,
    /// Recall-oriented cost (after Mohit et al. 2012): added on top of `cost` where the gold
    /// tag is part of a mention and the path says `O`, so that missing a mention costs more
    /// than proposing a wrong one.
    pub recall_cost: f64,
}

impl Default for CrfOptions {
    fn default() -> Self {
        CrfOptions {
            eta: 0.1,
            l2: 1.0,
            cost: 0.0,
            recall_cost: 0.0,
        }
    }
}

/// The state of CRF training: float weights, AdaGrad's sums of squared gradients, and the
/// step at which each row last had its L2 shrink.
pub struct CrfTrainer {
    w: Vec<f32>,
    g2: Vec<f32>,
    last: Vec<u32>,
    start: [f64; N_TAGS],
    trans: [[f64; N_TAGS]; N_TAGS],
    start_g2: [f64; N_TAGS],
    trans_g2: [[f64; N_TAGS]; N_TAGS],
    step: u32,
    eta: f64,
    /// λ per sentence.
    l2_step: f64,
    /// [`CrfOptions::cost`] and [`CrfOptions::recall_cost`].
    cost: f64,
    recall_cost: f64,
    // Scratch of one sentence.
    emissions: Vec<[f64; N_TAGS]>,
    marginals: Marginals,
    occurrences: Vec<(u32, u32)>,
}

impl CrfTrainer {
    /// A trainer with all weights 0, for a table of `rows` rows and a training set of
    /// `sentences` sentences (which sets the L2 share of one sentence).
    pub fn new(rows: usize, sentences: usize, options: CrfOptions) -> Self {
        CrfTrainer {
            w: vec![0.0; rows * N_TAGS],
            g2: vec![0.0; rows * N_TAGS],
            last: vec![0; rows],
            start: [0.0; N_TAGS],
            trans: [[0.0; N_TAGS]; N_TAGS],
            start_g2: [0.0; N_TAGS],
            trans_g2: [[0.0; N_TAGS]; N_TAGS],
            step: 0,
            eta: options.eta,
            l2_step: options.l2 / sentences.max(1) as f64,
            cost: options.cost,
            recall_cost: options.recall_cost,
            emissions: Vec::new(),
            marginals: Marginals::default(),
            occurrences: Vec::new(),
        }
    }

    /// The shrink factor of one step for a weight with squared-gradient sum `g2`.
    fn shrink(&self, g2: f64) -> f64 {
        1.0 / (1.0 + self.eta / g2.sqrt() * self.l2_step)
    }

    /// Applies the L2 shrinks row `row` missed since it was last brought up to date.
    fn catch_up(&mut self, row: usize) {
        let missed = self.step - self.last[row];
        if missed == 0 {
            return;
        }
        self.last[row] = self.step;
        if self.l2_step == 0.0 {
            return;
        }
        for k in row * N_TAGS..(row + 1) * N_TAGS {
            let g2 = f64::from(self.g2[k]);
            if g2 > 0.0 {
                let f = self.shrink(g2).powi(missed as i32);
                self.w[k] = (f64::from(self.w[k]) * f) as f32;
            }
        }
    }

    fn chain(&self) -> ChainScores {
        let mut tr = Transitions::default();
        for t in 0..N_TAGS {
            tr.start[t] = self.start[t] as f32;
            for p in 0..N_TAGS {
                tr.trans[p][t] = self.trans[p][t] as f32;
            }
        }
        let mut chain = ChainScores::new(&tr);
        // Keep the f64 values (the f32 copy above only decides what is allowed).
        for t in 0..N_TAGS {
            if chain.start[t] > f64::NEG_INFINITY {
                chain.start[t] = self.start[t];
            }
            for p in 0..N_TAGS {
                if chain.trans[p][t] > f64::NEG_INFINITY {
                    chain.trans[p][t] = self.trans[p][t];
                }
            }
        }
        chain
    }

    /// One AdaGrad step (gradient `g`) on a weight, then its L2 shrink of this step.
    fn adagrad(eta: f64, l2_step: f64, w: &mut f64, g2: &mut f64, g: f64) {
        if g != 0.0 {
            *g2 += g * g;
            *w -= eta * g / g2.sqrt();
        }
        if *g2 > 0.0 {
            *w /= 1.0 + eta / g2.sqrt() * l2_step;
        }
    }

    /// Learns from one sentence: `rows[offsets[i]..offsets[i + 1]]` are the feature rows of
    /// token `i` and `gold[i]` its tag index. Returns the sentence's negative log-likelihood
    /// under the weights before the step (with a cost, [`CrfOptions::cost`], the softmax-margin
    /// loss: the partition function is taken over the cost-augmented scores).
    pub fn learn(&mut self, rows: &[u32], offsets: &[u32], gold: &[usize]) -> f64 {
        let n = gold.len();
        if n == 0 || offsets.len() != n + 1 {
            return 0.0;
        }
        // Every row of the sentence, once per token it occurs in (sorted, so that each row's
        // gradient is summed before its step).
        self.occurrences.clear();
        for i in 0..n {
            for &r in &rows[offsets[i] as usize..offsets[i + 1] as usize] {
                self.occurrences.push((r, i as u32));
            }
        }
        self.occurrences.sort_unstable();
        let mut occurrences = std::mem::take(&mut self.occurrences);
        let mut prev = u32::MAX;
        for &(r, _) in &occurrences {
            if r != prev {
                self.catch_up(r as usize);
                prev = r;
            }
        }
        self.emissions.clear();
        self.emissions.resize(n, [0.0; N_TAGS]);
        for &(r, i) in &occurrences {
            let base = r as usize * N_TAGS;
            let em = &mut self.emissions[i as usize];
            for (e, &w) in em.iter_mut().zip(&self.w[base..base + N_TAGS]) {
                *e += f64::from(w);
            }
        }
        let chain = self.chain();
        let mut marginals = std::mem::take(&mut self.marginals);
        if self.cost != 0.0 || self.recall_cost != 0.0 {
            // The gold path has no cost, so its score is the same with and without it.
            for (em, &g) in self.emissions.iter_mut().zip(gold) {
                for (t, e) in em.iter_mut().enumerate() {
                    if t != g {
                        *e += self.cost;
                        if t == O && g != O {
                            *e += self.recall_cost;
                        }
                    }
                }
            }
        }
        forward_backward(&self.emissions, &chain, &mut marginals);
        let nll = marginals.log_z - chain.path_score(&self.emissions, gold);
        // Emission rows: the gradient of the negative log-likelihood is marginal − gold.
        let (eta, l2_step) = (self.eta, self.l2_step);
        let mut k = 0;
        while k < occurrences.len() {
            let r = occurrences[k].0;
            let mut g = [0.0f64; N_TAGS];
            while k < occurrences.len() && occurrences[k].0 == r {
                let i = occurrences[k].1 as usize;
                for (t, gt) in g.iter_mut().enumerate() {
                    *gt += marginals.node[i][t];
                }
                g[gold[i]] -= 1.0;
                k += 1;
            }
            let base = r as usize * N_TAGS;
            for (t, &gt) in g.iter().enumerate() {
                let mut w = f64::from(self.w[base + t]);
                let mut g2 = f64::from(self.g2[base + t]);
                Self::adagrad(eta, l2_step, &mut w, &mut g2, gt);
                self.w[base + t] = w as f32;
                self.g2[base + t] = g2 as f32;
            }
            self.last[r as usize] = self.step + 1;
        }
        // Transitions.
        let mut g_start = marginals.node[0];
        g_start[gold[0]] -= 1.0;
        let mut g_trans = [[0.0f64; N_TAGS]; N_TAGS];
        for i in 1..n {
            for (p, row) in g_trans.iter_mut().enumerate() {
                for (t, g) in row.iter_mut().enumerate() {
                    *g += marginals.edge[i][p][t];
                }
            }
            g_trans[gold[i - 1]][gold[i]] -= 1.0;
        }
        let starts = self.start.iter_mut().zip(&mut self.start_g2).zip(g_start);
        for (t, ((w, g2), g)) in starts.enumerate() {
            if allowed(None, t) {
                Self::adagrad(eta, l2_step, w, g2, g);
            }
        }
        let rows = self.trans.iter_mut().zip(&mut self.trans_g2).zip(&g_trans);
        for (p, ((w_row, g2_row), g_row)) in rows.enumerate() {
            for (t, ((w, g2), &g)) in w_row.iter_mut().zip(g2_row).zip(g_row).enumerate() {
                if allowed(Some(p), t) {
                    Self::adagrad(eta, l2_step, w, g2, g);
                }
            }
        }
        self.step += 1;
        occurrences.clear();
        self.occurrences = occurrences;
        self.marginals = marginals;
        nll
    }

    /// The weight table (`rows × N_TAGS`, every row's L2 shrinks applied up to now) and the
    /// transitions.
    pub fn weights(&mut self) -> (Vec<f32>, Transitions) {
        for row in 0..self.last.len() {
            self.catch_up(row);
        }
        let mut tr = Transitions::default();
        for t in 0..N_TAGS {
            tr.start[t] = self.start[t] as f32;
            for p in 0..N_TAGS {
                tr.trans[p][t] = self.trans[p][t] as f32;
            }
        }
        (self.w.clone(), tr)
    }

    /// The negative log-likelihood of one sentence (without the L2 term) under the current
    /// weights, in the layout of [`CrfTrainer::learn`]; rows not yet brought up to date are
    /// read as they are stored. A sentence whose offsets do not fit its tags gives 0.
    pub fn sentence_nll(&self, rows: &[u32], offsets: &[u32], gold: &[usize]) -> f64 {
        let n = gold.len();
        if offsets.len() != n + 1 {
            return 0.0;
        }
        let mut em = vec![[0.0f64; N_TAGS]; n];
        for (i, e) in em.iter_mut().enumerate() {
            for &r in &rows[offsets[i] as usize..offsets[i + 1] as usize] {
                for (t, x) in e.iter_mut().enumerate() {
                    *x += f64::from(self.w[r as usize * N_TAGS + t]);
                }
            }
        }
        let chain = self.chain();
        let mut m = Marginals::default();
        forward_backward(&em, &chain, &mut m);
        m.log_z - chain.path_score(&em, gold)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::model::decode;

    /// Every tag sequence of length `n` (allowed or not).
    fn all_paths(n: usize) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new()];
        for _ in 0..n {
            out = out
                .into_iter()
                .flat_map(|p| {
                    (0..N_TAGS).map(move |t| {
                        let mut q = p.clone();
                        q.push(t);
                        q
                    })
                })
                .collect();
        }
        out
    }

    /// Deterministic pseudo-random scores in [−2, 2).
    fn scores(seed: u64, count: usize) -> Vec<f64> {
        let mut x = seed | 1;
        (0..count)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0
            })
            .collect()
    }

    fn random_lattice(seed: u64, n: usize) -> (Vec<[f64; N_TAGS]>, ChainScores) {
        let s = scores(seed, n * N_TAGS + N_TAGS + N_TAGS * N_TAGS);
        let mut em = vec![[0.0; N_TAGS]; n];
        for (i, e) in em.iter_mut().enumerate() {
            e.copy_from_slice(&s[i * N_TAGS..(i + 1) * N_TAGS]);
        }
        let mut tr = Transitions::default();
        let rest = &s[n * N_TAGS..];
        for t in 0..N_TAGS {
            tr.start[t] = rest[t] as f32;
            for p in 0..N_TAGS {
                tr.trans[p][t] = rest[N_TAGS + p * N_TAGS + t] as f32;
            }
        }
        (em, ChainScores::new(&tr))
    }

    #[test]
    fn marginals_match_brute_force_enumeration() {
        for (seed, n) in [(3u64, 1usize), (5, 2), (7, 3), (11, 4)] {
            let (em, chain) = random_lattice(seed, n);
            let mut m = Marginals::default();
            forward_backward(&em, &chain, &mut m);
            let paths = all_paths(n);
            let weights: Vec<f64> = paths
                .iter()
                .map(|p| chain.path_score(&em, p).exp())
                .collect();
            let z: f64 = weights.iter().sum();
            assert!((m.log_z - z.ln()).abs() < 1e-9, "{} {}", m.log_z, z.ln());
            let mut node = vec![[0.0; N_TAGS]; n];
            let mut edge = vec![[[0.0; N_TAGS]; N_TAGS]; n];
            for (p, w) in paths.iter().zip(&weights) {
                for i in 0..n {
                    node[i][p[i]] += w / z;
                    if i > 0 {
                        edge[i][p[i - 1]][p[i]] += w / z;
                    }
                }
            }
            for i in 0..n {
                let sum: f64 = m.node[i].iter().sum();
                assert!((sum - 1.0).abs() < 1e-9, "token {i} sums to {sum}");
                for (a, b) in m.node[i].iter().zip(&node[i]) {
                    assert!((a - b).abs() < 1e-9);
                }
                for (a, b) in m.edge[i].iter().flatten().zip(edge[i].iter().flatten()) {
                    assert!((a - b).abs() < 1e-9);
                }
                if i > 0 {
                    // Tag-pair marginals sum to the tag marginals on either side.
                    for t in 0..N_TAGS {
                        let into: f64 = (0..N_TAGS).map(|p| m.edge[i][p][t]).sum();
                        assert!((into - m.node[i][t]).abs() < 1e-9);
                    }
                }
            }
            // Forbidden moves get no probability: an I- tag never starts a sentence.
            for t in 0..N_TAGS {
                if !allowed(None, t) {
                    assert_eq!(m.node[0][t], 0.0);
                }
            }
        }
    }

    /// A small sentence in the trainer's layout: token `i` has rows `[0, 1 + i, 10 + i % 2]`.
    fn toy_sentence() -> (Vec<u32>, Vec<u32>, Vec<usize>) {
        let (mut rows, mut offsets) = (Vec::new(), vec![0u32]);
        for i in 0..4u32 {
            rows.extend([0, 1 + i, 10 + i % 2]);
            offsets.push(rows.len() as u32);
        }
        (rows, offsets, vec![1, 2, 0, 3])
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let (rows, offsets, gold) = toy_sentence();
        let mut trainer = CrfTrainer::new(
            16,
            1,
            CrfOptions {
                eta: 0.1,
                l2: 0.0,
                ..CrfOptions::default()
            },
        );
        // Nonzero weights to start from.
        for (k, w) in scores(19, trainer.w.len()).into_iter().enumerate() {
            trainer.w[k] = w as f32 * 0.5;
        }
        let s = scores(23, N_TAGS * N_TAGS);
        for p in 0..N_TAGS {
            for t in 0..N_TAGS {
                trainer.trans[p][t] = s[p * N_TAGS + t] * 0.5;
            }
        }
        let nll = |t: &CrfTrainer| t.sentence_nll(&rows, &offsets, &gold);
        // The analytic gradient of one emission weight (row 10 occurs at tokens 0 and 2) and
        // one transition, from the marginals as `learn` computes them.
        let (row, tag) = (10usize, 1usize);
        let chain = trainer.chain();
        let mut em = vec![[0.0f64; N_TAGS]; gold.len()];
        for (i, e) in em.iter_mut().enumerate() {
            for &r in &rows[offsets[i] as usize..offsets[i + 1] as usize] {
                for (t, x) in e.iter_mut().enumerate() {
                    *x += f64::from(trainer.w[r as usize * N_TAGS + t]);
                }
            }
        }
        let mut m = Marginals::default();
        forward_backward(&em, &chain, &mut m);
        let analytic_w: f64 = [0usize, 2]
            .iter()
            .map(|&i| m.node[i][tag] - if gold[i] == tag { 1.0 } else { 0.0 })
            .sum();
        let (p, t) = (1usize, 2usize);
        let analytic_tr: f64 = (1..gold.len())
            .map(|i| {
                m.edge[i][p][t]
                    - if (gold[i - 1], gold[i]) == (p, t) {
                        1.0
                    } else {
                        0.0
                    }
            })
            .sum();
        let h = 1e-3;
        let mut plus = CrfTrainer::new(16, 1, CrfOptions::default());
        plus.w = trainer.w.clone();
        plus.trans = trainer.trans;
        let mut minus = CrfTrainer::new(16, 1, CrfOptions::default());
        minus.w = trainer.w.clone();
        minus.trans = trainer.trans;
        plus.w[row * N_TAGS + tag] += h as f32;
        minus.w[row * N_TAGS + tag] -= h as f32;
        let numeric_w = (nll(&plus) - nll(&minus))
            / (f64::from(plus.w[row * N_TAGS + tag]) - f64::from(minus.w[row * N_TAGS + tag]));
        assert!(
            (numeric_w - analytic_w).abs() < 1e-3,
            "{numeric_w} {analytic_w}"
        );
        plus.w = trainer.w.clone();
        minus.w = trainer.w.clone();
        plus.trans[p][t] += h;
        minus.trans[p][t] -= h;
        let numeric_tr = (nll(&plus) - nll(&minus)) / (2.0 * h);
        assert!(
            (numeric_tr - analytic_tr).abs() < 1e-4,
            "{numeric_tr} {analytic_tr}"
        );
        assert!(analytic_w.abs() > 1e-3 && analytic_tr.abs() > 1e-3);
    }

    #[test]
    fn softmax_margin_adds_each_paths_cost_to_the_partition_function() {
        let (rows, offsets, gold) = toy_sentence();
        let (cost, recall_cost) = (0.5, 1.5);
        let mut trainer = CrfTrainer::new(
            16,
            1,
            CrfOptions {
                eta: 0.1,
                l2: 0.0,
                cost,
                recall_cost,
            },
        );
        for (k, w) in scores(29, trainer.w.len()).into_iter().enumerate() {
            trainer.w[k] = w as f32 * 0.5;
        }
        let chain = trainer.chain();
        let mut em = vec![[0.0f64; N_TAGS]; gold.len()];
        for (i, e) in em.iter_mut().enumerate() {
            for &r in &rows[offsets[i] as usize..offsets[i + 1] as usize] {
                for (t, x) in e.iter_mut().enumerate() {
                    *x += f64::from(trainer.w[r as usize * N_TAGS + t]);
                }
            }
        }
        // Brute force: every allowed path, its score plus its cost.
        let path_cost = |path: &[usize]| -> f64 {
            path.iter()
                .zip(&gold)
                .filter(|(t, g)| t != g)
                .map(|(&t, &g)| cost + if t == O && g != O { recall_cost } else { 0.0 })
                .sum()
        };
        let totals: Vec<f64> = all_paths(gold.len())
            .into_iter()
            .filter(|p| (0..p.len()).all(|i| allowed(i.checked_sub(1).map(|j| p[j]), p[i])))
            .map(|p| chain.path_score(&em, &p) + path_cost(&p))
            .collect();
        let expected = log_sum_exp(totals.iter().copied()) - chain.path_score(&em, &gold);
        let plain = trainer.sentence_nll(&rows, &offsets, &gold);
        let loss = trainer.learn(&rows, &offsets, &gold);
        assert!((loss - expected).abs() < 1e-9, "{loss} {expected}");
        assert!(loss > plain + 0.1, "{loss} {plain}");
    }

    #[test]
    fn training_lowers_the_loss_and_tags_a_separable_fixture() {
        let (rows, offsets, gold) = toy_sentence();
        // A second sentence with other words and other tags: O B-LOC I-LOC.
        let (mut rows2, mut offsets2) = (Vec::new(), vec![0u32]);
        for i in 0..3u32 {
            rows2.extend([0, 5 + i, 10 + i % 2]);
            offsets2.push(rows2.len() as u32);
        }
        let gold2 = vec![0, 3, 4];
        let mut trainer = CrfTrainer::new(
            16,
            2,
            CrfOptions {
                eta: 0.3,
                l2: 0.1,
                ..CrfOptions::default()
            },
        );
        let before = trainer.sentence_nll(&rows, &offsets, &gold)
            + trainer.sentence_nll(&rows2, &offsets2, &gold2);
        for _ in 0..30 {
            trainer.learn(&rows, &offsets, &gold);
            trainer.learn(&rows2, &offsets2, &gold2);
        }
        let (w, tr) = trainer.weights();
        let after = trainer.sentence_nll(&rows, &offsets, &gold)
            + trainer.sentence_nll(&rows2, &offsets2, &gold2);
        assert!(after < 0.1 * before, "{before} -> {after}");
        for (rows, offsets, gold) in [(&rows, &offsets, &gold), (&rows2, &offsets2, &gold2)] {
            let em: Vec<[f32; N_TAGS]> = (0..gold.len())
                .map(|i| {
                    let mut e = [0.0f32; N_TAGS];
                    for &r in &rows[offsets[i] as usize..offsets[i + 1] as usize] {
                        for (t, x) in e.iter_mut().enumerate() {
                            *x += w[r as usize * N_TAGS + t];
                        }
                    }
                    e
                })
                .collect();
            let mut tags = Vec::new();
            decode(&em, &tr, &mut tags);
            assert_eq!(&tags, gold);
        }
    }

    #[test]
    fn lazy_l2_equals_shrinking_every_row_at_every_step() {
        let (rows, offsets, gold) = toy_sentence();
        // The second sentence touches only rows 0, 5 and 10, so rows 1-4 and 11 miss shrinks.
        let (rows2, offsets2, gold2) = (vec![0u32, 5, 10], vec![0u32, 3], vec![3usize]);
        let options = CrfOptions {
            eta: 0.2,
            l2: 2.0,
            ..CrfOptions::default()
        };
        let mut lazy = CrfTrainer::new(16, 2, options);
        let mut eager = CrfTrainer::new(16, 2, options);
        for step in 0..7 {
            lazy.learn(&rows, &offsets, &gold);
            eager.learn(&rows, &offsets, &gold);
            for _ in 0..step % 3 {
                lazy.learn(&rows2, &offsets2, &gold2);
                eager.learn(&rows2, &offsets2, &gold2);
                // Eager: bring every row up to date after every step.
                for row in 0..16 {
                    eager.catch_up(row);
                }
            }
        }
        let (a, _) = lazy.weights();
        let (b, _) = eager.weights();
        assert!(a.iter().any(|&x| x != 0.0));
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-6 * x.abs().max(1.0), "{x} {y}");
        }
        // And the shrink is really applied: with more L2 the weights are smaller.
        let mut strong = CrfTrainer::new(
            16,
            2,
            CrfOptions {
                eta: 0.2,
                l2: 50.0,
                ..CrfOptions::default()
            },
        );
        for _ in 0..7 {
            strong.learn(&rows, &offsets, &gold);
        }
        let (s, _) = strong.weights();
        let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>();
        let mut weak = CrfTrainer::new(
            16,
            2,
            CrfOptions {
                eta: 0.2,
                l2: 0.0,
                ..CrfOptions::default()
            },
        );
        for _ in 0..7 {
            weak.learn(&rows, &offsets, &gold);
        }
        assert!(norm(&s) < norm(&weak.weights().0));
    }
}
