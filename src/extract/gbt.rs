//! A small gradient-boosted tree ensemble for binary decisions (logistic loss), written for the
//! learned block scorer ([`super::blocks`]).
//!
//! Training bins every feature into at most [`MAX_BINS`] quantile bins and grows each tree
//! depth-first by the usual second-order gain (sum of gradients squared over sum of hessians
//! plus `lambda`). Targets may be soft (any value in `[0, 1]`), rows carry weights. Prediction
//! walks each tree with plain comparisons and allocates nothing.
//!
//! The model is stored as text: a header, the base logit, then one line per node.

use std::fmt::Write as _;

/// Most bins per feature in training.
pub const MAX_BINS: usize = 64;

/// A node: a split (`feature < u16::MAX`) or a leaf (`feature == u16::MAX`, `value` holds the
/// leaf's output).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreeNode {
    /// Feature tested, or `u16::MAX` for a leaf.
    pub feature: u16,
    /// Rows with `x[feature] <= threshold` go left.
    pub threshold: f32,
    /// Index of the left child in the tree's node list.
    pub left: u32,
    /// Index of the right child.
    pub right: u32,
    /// Output of a leaf (already scaled by the learning rate).
    pub value: f32,
}

const LEAF: u16 = u16::MAX;

/// One regression tree; node 0 is the root.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    /// The nodes, root first.
    pub nodes: Vec<TreeNode>,
}

impl Tree {
    fn eval(&self, x: &[f32]) -> f32 {
        let mut i = 0usize;
        // A tree read from text is checked for in-range children and features, and children
        // always come after their parent, so this terminates.
        loop {
            let n = &self.nodes[i];
            if n.feature == LEAF {
                return n.value;
            }
            let v = x.get(n.feature as usize).copied().unwrap_or(0.0);
            i = if v <= n.threshold { n.left } else { n.right } as usize;
        }
    }
}

/// A boosted ensemble: `logit = base + sum of trees`.
#[derive(Debug, Clone, PartialEq)]
pub struct Forest {
    /// Number of features a row must have.
    pub n_features: usize,
    /// Starting logit.
    pub base: f32,
    /// The trees.
    pub trees: Vec<Tree>,
}

impl Forest {
    /// The logit for one row of `n_features` values.
    pub fn logit(&self, x: &[f32]) -> f32 {
        self.base + self.trees.iter().map(|t| t.eval(x)).sum::<f32>()
    }

    /// The probability of the positive class for one row.
    pub fn probability(&self, x: &[f32]) -> f32 {
        sigmoid(self.logit(x))
    }

    /// The model as text (see [`Forest::from_text`]).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "nahr-gbt 1");
        let _ = writeln!(s, "features {}", self.n_features);
        let _ = writeln!(s, "base {}", self.base);
        for t in &self.trees {
            let _ = writeln!(s, "tree {}", t.nodes.len());
            for n in &t.nodes {
                if n.feature == LEAF {
                    let _ = writeln!(s, "L {}", n.value);
                } else {
                    let _ = writeln!(s, "S {} {} {} {}", n.feature, n.threshold, n.left, n.right);
                }
            }
        }
        s
    }

    /// Reads a model written by [`Forest::to_text`] (lines starting with `#` are comments); any
    /// inconsistency is an error.
    pub fn from_text(text: &str) -> Result<Forest, String> {
        let mut lines = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
        let bad = |what: &str| format!("block model: {what}");
        if lines.next().map(str::trim) != Some("nahr-gbt 1") {
            return Err(bad("not a nahr-gbt 1 file"));
        }
        let field = |line: Option<&str>, name: &str| -> Result<String, String> {
            let line = line.ok_or_else(|| bad(&format!("missing `{name}`")))?;
            let rest = line
                .strip_prefix(name)
                .ok_or_else(|| bad(&format!("expected `{name}`, got `{line}`")))?;
            Ok(rest.trim().to_string())
        };
        let n_features: usize = field(lines.next(), "features")?
            .parse()
            .map_err(|_| bad("bad feature count"))?;
        let base: f32 = field(lines.next(), "base")?
            .parse()
            .map_err(|_| bad("bad base"))?;
        let mut trees = Vec::new();
        while let Some(line) = lines.next() {
            let count: usize = field(Some(line), "tree")?
                .parse()
                .map_err(|_| bad("bad node count"))?;
            let mut nodes = Vec::with_capacity(count);
            for i in 0..count {
                let line = lines.next().ok_or_else(|| bad("tree cut short"))?;
                let parts: Vec<&str> = line.split_whitespace().collect();
                let node = match parts.as_slice() {
                    ["L", v] => TreeNode {
                        feature: LEAF,
                        threshold: 0.0,
                        left: 0,
                        right: 0,
                        value: v.parse().map_err(|_| bad("bad leaf"))?,
                    },
                    ["S", f, t, l, r] => {
                        let node = TreeNode {
                            feature: f.parse().map_err(|_| bad("bad feature"))?,
                            threshold: t.parse().map_err(|_| bad("bad threshold"))?,
                            left: l.parse().map_err(|_| bad("bad child"))?,
                            right: r.parse().map_err(|_| bad("bad child"))?,
                            value: 0.0,
                        };
                        let in_range = |c: u32| (c as usize) > i && (c as usize) < count;
                        if node.feature as usize >= n_features
                            || !in_range(node.left)
                            || !in_range(node.right)
                        {
                            return Err(bad("split out of range"));
                        }
                        node
                    }
                    _ => return Err(bad(&format!("bad node line `{line}`"))),
                };
                nodes.push(node);
            }
            if nodes.is_empty() {
                return Err(bad("empty tree"));
            }
            trees.push(Tree { nodes });
        }
        Ok(Forest {
            n_features,
            base,
            trees,
        })
    }
}

/// The logistic function.
#[inline]
pub fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// Settings of [`train`].
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Number of trees.
    pub trees: usize,
    /// Depth of each tree (splits from root to leaf).
    pub depth: usize,
    /// Shrinkage of each tree's output.
    pub learning_rate: f32,
    /// L2 penalty on leaf values.
    pub lambda: f64,
    /// Least hessian weight a child may have.
    pub min_child_weight: f64,
    /// Share of rows each tree is grown on (sampled with `seed`).
    pub subsample: f64,
    /// Seed of the row sampling.
    pub seed: u64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            trees: 120,
            depth: 5,
            learning_rate: 0.15,
            lambda: 1.0,
            min_child_weight: 2.0,
            subsample: 0.5,
            seed: 0x6e61_6872,
        }
    }
}

/// Training rows: `x` holds `n_features` values per row, `y` the target in `[0, 1]`, `w` the
/// weight of each row.
pub struct Rows<'a> {
    /// Feature values, row-major.
    pub x: &'a [f32],
    /// Targets.
    pub y: &'a [f32],
    /// Weights.
    pub w: &'a [f32],
    /// Values per row.
    pub n_features: usize,
}

/// Quantile cut points of each feature (at most `MAX_BINS - 1` of them).
fn cut_points(rows: &Rows) -> Vec<Vec<f32>> {
    let n = rows.y.len();
    let nf = rows.n_features;
    let step = (n / 20_000).max(1);
    (0..nf)
        .map(|f| {
            let mut v: Vec<f32> = (0..n).step_by(step).map(|r| rows.x[r * nf + f]).collect();
            v.sort_by(f32::total_cmp);
            v.dedup();
            if v.len() < MAX_BINS {
                // Few distinct values: cut between each (the last one needs no cut).
                v.pop();
                return v;
            }
            let mut cuts: Vec<f32> = (1..MAX_BINS).map(|k| v[k * v.len() / MAX_BINS]).collect();
            cuts.dedup();
            cuts
        })
        .collect()
}

/// A small deterministic generator (xorshift64*), for row sampling.
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Trains an ensemble by boosting on the logistic loss. Same rows and options, same model.
pub fn train(rows: &Rows, opts: &TrainOptions) -> Forest {
    let n = rows.y.len();
    let nf = rows.n_features;
    let cuts = cut_points(rows);
    // Bin index of every value: the number of cut points below it.
    let mut bins = vec![0u8; n * nf];
    for r in 0..n {
        for f in 0..nf {
            let v = rows.x[r * nf + f];
            bins[r * nf + f] = cuts[f].partition_point(|&c| c < v) as u8;
        }
    }
    let wsum: f64 = rows.w.iter().map(|&w| w as f64).sum();
    let ysum: f64 = (0..n).map(|r| (rows.y[r] * rows.w[r]) as f64).sum();
    let prior = (ysum / wsum.max(1e-9)).clamp(1e-4, 1.0 - 1e-4);
    let base = (prior / (1.0 - prior)).ln() as f32;
    let mut logit = vec![base; n];
    let mut rng = Rng(opts.seed | 1);
    let mut trees = Vec::with_capacity(opts.trees);
    let mut grad = vec![0f64; n];
    let mut hess = vec![0f64; n];
    for _ in 0..opts.trees {
        for r in 0..n {
            let p = sigmoid(logit[r]) as f64;
            let w = rows.w[r] as f64;
            grad[r] = (p - rows.y[r] as f64) * w;
            hess[r] = (p * (1.0 - p)).max(1e-6) * w;
        }
        let sample: Vec<u32> = (0..n as u32)
            .filter(|_| rng.next_f64() < opts.subsample)
            .collect();
        let grower = Grower {
            bins: &bins,
            cuts: &cuts,
            nf,
            grad: &grad,
            hess: &hess,
            opts,
        };
        let mut nodes = Vec::new();
        grower.grow(sample, 0, &mut nodes);
        let tree = Tree { nodes };
        for (r, l) in logit.iter_mut().enumerate() {
            *l += tree.eval_binned(&bins[r * nf..(r + 1) * nf], &cuts);
        }
        trees.push(tree);
    }
    Forest {
        n_features: nf,
        base,
        trees,
    }
}

impl Tree {
    /// Evaluation on binned training rows (a split at cut `c` sends bins `<= index(c)` left).
    fn eval_binned(&self, row_bins: &[u8], cuts: &[Vec<f32>]) -> f32 {
        let mut i = 0usize;
        loop {
            let n = &self.nodes[i];
            if n.feature == LEAF {
                return n.value;
            }
            let f = n.feature as usize;
            let b = row_bins[f] as usize;
            // x <= threshold  <=>  bin <= position of the threshold among the cuts.
            let k = cuts[f].partition_point(|&c| c < n.threshold);
            i = if b <= k { n.left } else { n.right } as usize;
        }
    }
}

struct Grower<'a> {
    bins: &'a [u8],
    cuts: &'a [Vec<f32>],
    nf: usize,
    grad: &'a [f64],
    hess: &'a [f64],
    opts: &'a TrainOptions,
}

impl Grower<'_> {
    /// Grows the subtree over `rows` at `depth`, appending its nodes; returns its index.
    fn grow(&self, rows: Vec<u32>, depth: usize, nodes: &mut Vec<TreeNode>) -> u32 {
        let (g, h) = rows.iter().fold((0.0, 0.0), |(g, h), &r| {
            (g + self.grad[r as usize], h + self.hess[r as usize])
        });
        let lambda = self.opts.lambda;
        let me = nodes.len() as u32;
        let leaf = TreeNode {
            feature: LEAF,
            threshold: 0.0,
            left: 0,
            right: 0,
            value: (-g / (h + lambda)) as f32 * self.opts.learning_rate,
        };
        nodes.push(leaf);
        if depth >= self.opts.depth || h < 2.0 * self.opts.min_child_weight {
            return me;
        }
        let parent_gain = g * g / (h + lambda);
        let mut best: Option<(f64, usize, usize)> = None;
        let mut hist = vec![(0f64, 0f64); MAX_BINS];
        for f in 0..self.nf {
            let nb = self.cuts[f].len();
            if nb == 0 {
                continue;
            }
            hist[..=nb].iter_mut().for_each(|e| *e = (0.0, 0.0));
            for &r in &rows {
                let r = r as usize;
                let e = &mut hist[self.bins[r * self.nf + f] as usize];
                e.0 += self.grad[r];
                e.1 += self.hess[r];
            }
            let (mut gl, mut hl) = (0.0, 0.0);
            for (k, e) in hist[..nb].iter().enumerate() {
                gl += e.0;
                hl += e.1;
                let (gr, hr) = (g - gl, h - hl);
                if hl < self.opts.min_child_weight || hr < self.opts.min_child_weight {
                    continue;
                }
                let gain = gl * gl / (hl + lambda) + gr * gr / (hr + lambda) - parent_gain;
                if gain > 1e-6 && best.is_none_or(|(bg, _, _)| gain > bg) {
                    best = Some((gain, f, k));
                }
            }
        }
        let Some((_, f, k)) = best else {
            return me;
        };
        let (left, right): (Vec<u32>, Vec<u32>) = rows
            .into_iter()
            .partition(|&r| (self.bins[r as usize * self.nf + f] as usize) <= k);
        let l = self.grow(left, depth + 1, nodes);
        let r = self.grow(right, depth + 1, nodes);
        nodes[me as usize] = TreeNode {
            feature: f as u16,
            threshold: self.cuts[f][k],
            left: l,
            right: r,
            value: 0.0,
        };
        me
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y = 1 when x0 > 0.5 and x1 < 0.3 (an interaction a linear model cannot fit).
    fn toy() -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let mut rng = Rng(7);
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..4000 {
            let a = rng.next_f64() as f32;
            let b = rng.next_f64() as f32;
            x.extend([a, b, rng.next_f64() as f32]);
            y.push(if a > 0.5 && b < 0.3 { 1.0 } else { 0.0 });
        }
        let w = vec![1.0; y.len()];
        (x, y, w)
    }

    #[test]
    fn learns_an_interaction_and_round_trips_as_text() {
        let (x, y, w) = toy();
        let rows = Rows {
            x: &x,
            y: &y,
            w: &w,
            n_features: 3,
        };
        let forest = train(&rows, &TrainOptions::default());
        let errors = (0..y.len())
            .filter(|&r| (forest.probability(&x[r * 3..r * 3 + 3]) > 0.5) != (y[r] > 0.5))
            .count();
        assert!(errors < 40, "{errors} errors of {}", y.len());
        let again = Forest::from_text(&forest.to_text()).unwrap();
        for r in 0..200 {
            let row = &x[r * 3..r * 3 + 3];
            assert!((again.logit(row) - forest.logit(row)).abs() < 1e-4);
        }
        // Same data and options: the same model.
        assert_eq!(train(&rows, &TrainOptions::default()), forest);
    }

    #[test]
    fn rejects_broken_model_text() {
        assert!(Forest::from_text("").is_err());
        assert!(
            Forest::from_text("nahr-gbt 1\nfeatures 2\nbase 0\ntree 1\nS 5 0.5 1 2\n").is_err()
        );
        assert!(
            Forest::from_text("nahr-gbt 1\nfeatures 2\nbase 0\ntree 3\nS 0 0.5 0 2\n").is_err()
        );
        let ok =
            Forest::from_text("nahr-gbt 1\nfeatures 2\nbase 0.5\ntree 3\nS 1 0.5 1 2\nL -1\nL 1\n")
                .unwrap();
        assert!((ok.logit(&[0.0, 0.2]) - -0.5).abs() < 1e-6);
        assert!((ok.logit(&[0.0, 0.9]) - 1.5).abs() < 1e-6);
    }
}
