//! `nahr train-ner`: train a named-entity model on CoNLL files, with a progress bar and the
//! dev F1 after every epoch.

use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::ner::clusters::{ClusterOptions, file_sentences, induce, write_clusters};
use crate::ner::conll::{ConllSentence, read_conll};
use crate::ner::crf::CrfOptions;
use crate::ner::features::{FeatureConfig, group};
use crate::ner::lexicon::Lexicon;
use crate::ner::model::NerModel;
use crate::ner::train::{
    StackOptions, TrainOptions, evaluate, evaluate_documents, fit_calibration, train,
    train_stacked, tune_label_biases, tune_o_bias,
};

/// The sequence learner of `nahr train-ner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Learner {
    /// Averaged structured perceptron.
    Perceptron,
    /// Linear-chain CRF (log-likelihood with L2, AdaGrad; [`crate::ner::crf`]).
    Crf,
    /// One CRF and `--runs` perceptrons, each trained as alone; the model is the mean of the
    /// two, the perceptrons scaled to the CRF's norm (an experiment).
    CrfPerceptron,
}

/// Arguments of `nahr train-ner`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  nahr train-ner --lang ar --train ../shared/data/ner/anercorp/train.txt \\\n    --dev ../shared/data/ner/anercorp/dev.txt --lexicon models/lexicon/wordfreq-ar.tsv \\\n    --unlabelled ../shared/data/tok/ar-pud-dev.txt --out models/ner-ar.bin"
)]
pub struct TrainNerArgs {
    /// Training files (CoNLL: token first, tag last, blank line between sentences).
    #[arg(long, required_unless_present = "retune", num_args = 1..)]
    pub train: Vec<PathBuf>,
    /// Dev files: F1 is printed after every epoch; the `O` bias and the confidence calibration
    /// are tuned on them.
    #[arg(long, num_args = 1..)]
    pub dev: Vec<PathBuf>,
    /// Where to write the model.
    #[arg(long)]
    pub out: PathBuf,
    /// Language of the data (selects the built-in list used by the list features).
    #[arg(long, default_value = "ar", value_parser = ["ar", "en"])]
    pub lang: String,
    /// Passes over the training data.
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// Seed of the sentence order (same seed, same data: same model).
    #[arg(long, default_value_t = 0x6e61_6872)]
    pub seed: u64,
    /// The weight table has 2^BITS rows of 9 weights (2 bytes each).
    #[arg(long, default_value_t = 20)]
    pub bucket_bits: u32,
    /// Word frequency list (`word<TAB>zipf×10`, exported from wordfreq).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Personal-name list (one name word per line) for the `names` feature group.
    #[arg(long)]
    pub names: Option<PathBuf>,
    /// Unlabelled text to learn word clusters from (plain text, or CoNLL: first column used).
    #[arg(long, num_args = 1..)]
    pub unlabelled: Vec<PathBuf>,
    /// Also write the learned clusters here (`word<TAB>bit path`).
    #[arg(long)]
    pub clusters_out: Option<PathBuf>,
    /// Feature groups to leave out (word, context, stem, affix, shape, list, freq, cluster, names).
    #[arg(long, value_delimiter = ',')]
    pub without: Vec<String>,
    /// Feature groups to add to the default ones: names (the personal-name list of `--names`;
    /// the shipped models use it), gaz (what the labelled training data say about each word,
    /// read from the other tenths of the data in training; the shipped Arabic model uses it),
    /// and, not shipped as they did not help on ANERcorp dev,
    /// history (labels given to the same word in the previous 20 sentences), conj (conjunctions),
    /// clx (clusters at ±2, coarse clusters at ±1, cluster × suffix), cgram (the core's
    /// first and last three letters and its character trigrams), gazpair (the memory of
    /// pairs of words), gazx (more memory features around the word) and gazown (only the
    /// word's own memory codes, instead of gaz).
    #[arg(long, value_delimiter = ',')]
    pub with: Vec<String>,
    /// Probability of hiding a token's word identity in a training pass (word dropout: teaches
    /// the model to find unseen names from context and form).
    #[arg(long, default_value_t = 0.0)]
    pub word_dropout: f32,
    /// Train this many perceptrons, each visiting the sentences in its own order, and average
    /// them (the shipped Arabic model uses 4).
    #[arg(long, default_value_t = 1)]
    pub runs: usize,
    /// Train with cost-augmented decoding: each wrong tag gets this head start, so the weights
    /// learn a margin (0: plain perceptron).
    #[arg(long, default_value_t = 0.0)]
    pub margin: f32,
    /// Passive-aggressive updates (PA-I) with this aggressiveness C: each update's step is
    /// the smallest that separates the gold tags from the prediction by its Hamming loss, at
    /// most C (0: the perceptron's step of 1).
    #[arg(long, default_value_t = 0.0)]
    pub pa: f32,
    /// Probability of leaving each feature out of one training visit of a sentence (feature
    /// dropout; 0: none; both shipped models use 0.4). Cannot be combined with --word-dropout.
    #[arg(long, default_value_t = 0.0)]
    pub feature_dropout: f32,
    /// Feature bagging: the groups each run leaves out, run by run (cycling), `/` between
    /// runs, `,` between the groups of one run, `none` for a run with every group; e.g.
    /// `--runs 4 --bag none/word/context/gaz,names`; or `random:P`: each run leaves out each
    /// of the model's groups with probability P (drawn from --seed). The model is still the
    /// mean of the runs.
    #[arg(long)]
    pub bag: Option<String>,
    /// Do not tune the `O` bias on --dev (keep 0).
    #[arg(long)]
    pub no_o_bias: bool,
    /// The earlier CRF trainer: plain stochastic gradient on the log-likelihood, averaged,
    /// with this initial learning rate, inside the perceptron's loop (0: off; see --learner
    /// crf for the CRF learner with L2 and AdaGrad).
    #[arg(long, default_value_t = 0.0)]
    pub crf_rate: f32,
    /// The learner: `perceptron` (averaged structured perceptron) or `crf` (linear-chain CRF:
    /// negative log-likelihood + L2, AdaGrad steps over the shuffled sentences; stored and
    /// decoded as the perceptron's weights are). --runs, --feature-dropout, --bag and
    /// --epochs apply to both.
    #[arg(long, value_enum, default_value_t = Learner::Perceptron)]
    pub learner: Learner,
    /// Train a document-level second stage ([`crate::ner::stack`]) with this many
    /// cross-validation folds (0: none).
    #[arg(long, default_value_t = 0)]
    pub stack: usize,
    /// Training documents of the second stage: blocks of this many consecutive sentences.
    #[arg(long, default_value_t = 40)]
    pub stack_doc_sentences: usize,
    /// Perceptron passes of the second stage.
    #[arg(long, default_value_t = 10)]
    pub stack_epochs: usize,
    /// With a second stage, the dev set is tagged in documents of this many sentences
    /// (0: the whole dev set is one document, as `make eval-ner` scores ANERcorp dev).
    #[arg(long, default_value_t = 0)]
    pub dev_doc_sentences: usize,
    /// Copy the confidence calibration, the `O` bias and the label biases from this model
    /// instead of fitting them on --dev (for a final model trained on train + dev).
    #[arg(long)]
    pub tuning_from: Option<PathBuf>,
    /// The options of the bias tuning.
    #[command(flatten)]
    pub bias: Box<BiasArgs>,
    /// The options of the CRF learner.
    #[command(flatten)]
    pub crf: Box<CrfArgs>,
}

/// Options of `nahr train-ner` for the tuning of the `O` bias and the label biases.
#[derive(Debug, Args)]
pub struct BiasArgs {
    /// After the `O` bias, tune a bias per label (PER, LOC, ORG, MISC) on --dev: coordinate
    /// ascent over −2 to 2 in steps of 0.25 for the best F1 of the model's own tags.
    #[arg(long)]
    pub label_bias: bool,
    /// Tune the `O` bias (and with --label-bias the label biases) on the training data by
    /// cross-validation over this many contiguous folds (one extra model trained per fold)
    /// instead of on --dev; dev then only gets the confidence calibration. 0: on --dev.
    #[arg(long, default_value_t = 0)]
    pub bias_folds: usize,
    /// Do not train: read this model, tune its biases (as --no-o-bias and --label-bias say)
    /// and its confidence calibration on --dev again, and write it to --out (to score a
    /// tuning on text it was not tuned on).
    #[arg(long, conflicts_with_all = ["train", "tuning_from"])]
    pub retune: Option<PathBuf>,
}

/// Options of `nahr train-ner` for the CRF learner (`--learner crf`).
#[derive(Debug, Args)]
pub struct CrfArgs {
    /// CRF: AdaGrad's base step (a weight moves by this over the root of the sum of its
    /// squared gradients).
    #[arg(long, default_value_t = 0.1)]
    pub crf_eta: f64,
    /// CRF: L2 strength λ of the objective `Σ −log p(gold) + λ/2 ‖w‖²` over the training set.
    #[arg(long, default_value_t = 1.0)]
    pub crf_l2: f64,
    /// CRF: softmax-margin cost of each token whose tag is wrong (0: plain log-likelihood).
    #[arg(long, default_value_t = 0.0)]
    pub crf_cost: f64,
    /// CRF: extra cost of a token of a mention tagged `O` (a recall-oriented softmax margin).
    #[arg(long, default_value_t = 0.0)]
    pub crf_recall_cost: f64,
}

fn read_all(paths: &[PathBuf]) -> Result<Vec<ConllSentence>, String> {
    let mut out = Vec::new();
    for p in paths {
        out.extend(read_conll(p, true)?);
    }
    Ok(out)
}

/// Builds the lexicon the features use from a wordfreq export and clusters learned from
/// unlabelled files (optionally written to `clusters_out`).
pub fn load_lexicon(
    lexicon: Option<&std::path::Path>,
    unlabelled: &[PathBuf],
    clusters_out: Option<&std::path::Path>,
) -> Result<Lexicon, String> {
    let mut lex = Lexicon::new();
    if let Some(path) = lexicon {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        lex.add_wordfreq_tsv(&text, &path.display().to_string())?;
    }
    if !unlabelled.is_empty() {
        let mut sentences = Vec::new();
        for path in unlabelled {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            sentences.extend(file_sentences(&text));
        }
        let clusters = induce(&sentences, &ClusterOptions::default());
        if let Some(out) = clusters_out {
            write_clusters(out, &clusters)?;
        }
        for (word, code) in clusters {
            lex.set_cluster(&word, code);
        }
    }
    Ok(lex)
}

fn group_bit(name: &str) -> Result<u32, String> {
    group::NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bit)| *bit)
        .ok_or_else(|| {
            let known: Vec<&str> = group::NAMES.iter().map(|(n, _)| *n).collect();
            format!(
                "unknown feature group `{name}` (known: {})",
                known.join(", ")
            )
        })
}

/// The enabled group flags: the default groups, plus `with`, minus `without`.
pub fn feature_groups(with: &[String], without: &[String]) -> Result<u32, String> {
    let mut groups = group::DEFAULT;
    for name in with {
        groups |= group_bit(name)?;
    }
    for name in without {
        groups &= !group_bit(name)?;
    }
    Ok(groups)
}

/// The groups each run of feature bagging leaves out (see [`TrainNerArgs::bag`]).
pub fn bag_layout(spec: &str) -> Result<Vec<u32>, String> {
    spec.split('/')
        .map(|run| {
            run.split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty() && *name != "none")
                .try_fold(0, |out, name| Ok(out | group_bit(name)?))
        })
        .collect()
}

/// A random bag layout: for each of `runs` runs, each group of `groups` left out with
/// probability `p`, drawn from `seed` (splitmix64).
pub fn random_bag_layout(p: f64, runs: usize, groups: u32, seed: u64) -> Vec<u32> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..runs.max(1))
        .map(|_| {
            group::NAMES
                .iter()
                .filter(|(_, bit)| groups & bit != 0)
                .filter(|_| ((next() >> 11) as f64 / (1u64 << 53) as f64) < p)
                .fold(0, |out, (_, bit)| out | bit)
        })
        .collect()
}

/// Runs `nahr train-ner`; returns the exit code.
pub fn run(args: TrainNerArgs) -> Result<i32, String> {
    let dev_data = if args.dev.is_empty() {
        None
    } else {
        Some(read_all(&args.dev)?)
    };
    if let Some(from) = &args.bias.retune {
        let dev = dev_data.ok_or("--retune needs --dev")?;
        return retune(from, &dev, &args);
    }
    let train_data = read_all(&args.train)?;
    let mut lexicon = load_lexicon(
        args.lexicon.as_deref(),
        &args.unlabelled,
        args.clusters_out.as_deref(),
    )?;
    if let Some(path) = &args.names {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let n = lexicon.add_names(&text);
        eprintln!("{n} personal names from {}", path.display());
    }
    let groups = feature_groups(&args.with, &args.without)?;
    let bag = match args.bag.as_deref() {
        None => Vec::new(),
        Some(spec) => match spec.strip_prefix("random:") {
            Some(p) => {
                let p: f64 = p
                    .parse()
                    .map_err(|_| format!("--bag random:P needs a probability, not `{p}`"))?;
                let layout = random_bag_layout(p, args.runs, groups, args.seed);
                let names: Vec<String> = layout
                    .iter()
                    .map(|&out| {
                        let left: Vec<&str> = group::NAMES
                            .iter()
                            .filter(|(_, bit)| out & bit != 0)
                            .map(|(n, _)| *n)
                            .collect();
                        if left.is_empty() {
                            "none".to_string()
                        } else {
                            left.join(",")
                        }
                    })
                    .collect();
                eprintln!("feature bags (groups left out): {}", names.join("/"));
                layout
            }
            None => bag_layout(spec)?,
        },
    };
    let options = TrainOptions {
        lang: args.lang.clone(),
        epochs: args.epochs,
        seed: args.seed,
        config: FeatureConfig {
            groups,
            bucket_bits: args.bucket_bits,
        },
        tune_o_bias: !args.no_o_bias && args.tuning_from.is_none(),
        tune_label_bias: args.bias.label_bias && args.tuning_from.is_none(),
        bias_folds: if args.tuning_from.is_none() {
            args.bias.bias_folds
        } else {
            0
        },
        word_dropout: args.word_dropout,
        runs: args.runs,
        margin: args.margin,
        crf_rate: args.crf_rate,
        pa: args.pa,
        feature_dropout: args.feature_dropout,
        bag,
        crf: (args.learner != Learner::Perceptron).then_some(CrfOptions {
            eta: args.crf.crf_eta,
            l2: args.crf.crf_l2,
            cost: args.crf.crf_cost,
            recall_cost: args.crf.crf_recall_cost,
        }),
        crf_and_perceptron: args.learner == Learner::CrfPerceptron,
    };
    let tokens: usize = train_data.iter().map(|s| s.tokens.len()).sum();
    let (freq_words, cluster_words) = lexicon.sizes();
    eprintln!(
        "training {} model on {} sentences ({tokens} tokens); lexicon: {freq_words} frequencies, {cluster_words} clusters",
        args.lang,
        train_data.len()
    );
    let passes =
        args.epochs * args.runs.max(1) * if args.stack > 0 { args.stack.max(2) } else { 1 };
    let bar = ProgressBar::new((train_data.len() * passes) as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} sentences, {elapsed} elapsed, eta {eta}",
        )
        .map_err(|e| e.to_string())?,
    );
    let started = std::time::Instant::now();
    let stack = StackOptions {
        folds: args.stack,
        doc_sentences: args.stack_doc_sentences,
        epochs: args.stack_epochs,
        dev_doc_sentences: args.dev_doc_sentences,
        ..StackOptions::default()
    };
    let on_epoch = |r: &crate::ner::train::EpochReport| {
        let dev = r.dev.map_or(String::new(), |c| {
            let (p, rec, f) = c.prf();
            format!(", dev P {p:.2} R {rec:.2} F1 {f:.2}")
        });
        let float = r.float_dev.map_or(String::new(), |c| {
            format!(" (float weights before quantisation: F1 {:.2})", c.prf().2)
        });
        let line = if options.crf.is_some() && !options.crf_and_perceptron {
            format!(
                "epoch {}/{}: training loss {:.1}{dev}{float}",
                r.epoch, options.epochs, r.loss
            )
        } else {
            format!(
                "epoch {}/{}: {} sentences wrong{dev}{float}",
                r.epoch, options.epochs, r.mistakes
            )
        };
        if bar.is_hidden() {
            eprintln!("{line}");
        } else {
            bar.println(line);
        }
    };
    let mut model = if args.stack > 0 {
        train_stacked(
            &train_data,
            dev_data.as_deref(),
            lexicon,
            &options,
            &stack,
            on_epoch,
            || bar.inc(1),
        )?
    } else {
        train(
            &train_data,
            dev_data.as_deref(),
            lexicon,
            &options,
            on_epoch,
            || bar.inc(1),
        )?
    };
    bar.finish_and_clear();
    if let Some(path) = &args.tuning_from {
        let tuned = NerModel::load(path)?;
        model.calibration = tuned.calibration;
        model.o_bias = tuned.o_bias;
        model.label_bias = tuned.label_bias;
    }
    model.save(&args.out)?;
    let size = std::fs::metadata(&args.out).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "wrote {} ({:.1} MB) in {:.1} s; calibration a={:.3} b={:.3}; {}",
        args.out.display(),
        size as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        model.calibration.0,
        model.calibration.1,
        bias_summary(&model)
    );
    if let Some(dev) = &dev_data {
        let (counts, _) = if model.doc.is_some() {
            evaluate_documents(&model, dev, args.dev_doc_sentences)
        } else {
            evaluate(&model, dev)
        };
        let (p, r, f) = counts.prf();
        println!("dev\tP {p:.2}\tR {r:.2}\tF1 {f:.2}");
    }
    Ok(0)
}

/// The model's `O` bias and label biases, for the report line.
fn bias_summary(model: &NerModel) -> String {
    let [per, loc, org, misc] = model.label_bias;
    format!(
        "O bias {:.2}; label biases PER {per:.2} LOC {loc:.2} ORG {org:.2} MISC {misc:.2}",
        model.o_bias
    )
}

/// `--retune`: tunes the biases and the calibration of a trained model on `dev` again.
fn retune(
    from: &std::path::Path,
    dev: &[ConllSentence],
    args: &TrainNerArgs,
) -> Result<i32, String> {
    let mut model = NerModel::load(from)?;
    if model.doc.is_some() {
        return Err("--retune does not handle models with a second stage (--stack)".into());
    }
    model.label_bias = [0.0; 4];
    model.o_bias = if args.no_o_bias {
        0.0
    } else {
        tune_o_bias(&model, dev)
    };
    if args.bias.label_bias {
        model.label_bias = tune_label_biases(&model, dev);
    }
    let (counts, mentions) = evaluate(&model, dev);
    model.calibration = fit_calibration(&mentions);
    model.save(&args.out)?;
    eprintln!(
        "wrote {} tuned on {} sentences; {}",
        args.out.display(),
        dev.len(),
        bias_summary(&model)
    );
    let (p, r, f) = counts.prf();
    println!("dev\tP {p:.2}\tR {r:.2}\tF1 {f:.2}");
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bag_layouts_name_the_groups_each_run_leaves_out() {
        assert_eq!(
            bag_layout("none/word/context,affix/gaz,names").unwrap(),
            vec![
                0,
                group::WORD,
                group::CONTEXT | group::AFFIX,
                group::MEMORY | group::PERSON_NAMES
            ]
        );
        assert_eq!(bag_layout("").unwrap(), vec![0]);
        assert!(bag_layout("word/wrod").is_err());
    }

    #[test]
    fn random_bag_layouts_leave_out_only_the_model_groups_and_repeat() {
        let groups = group::DEFAULT | group::PERSON_NAMES;
        assert_eq!(random_bag_layout(0.0, 3, groups, 7), vec![0, 0, 0]);
        assert_eq!(random_bag_layout(1.0, 2, groups, 7), vec![groups, groups]);
        let half = random_bag_layout(0.5, 8, groups, 7);
        assert_eq!(half, random_bag_layout(0.5, 8, groups, 7));
        assert_ne!(half, random_bag_layout(0.5, 8, groups, 9));
        assert!(half.iter().all(|&out| out & !groups == 0));
        assert!(half.iter().any(|&out| out != 0 && out != groups));
    }
}
