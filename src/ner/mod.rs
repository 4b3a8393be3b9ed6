//! Named-entity recognition: entity lists matched on normalised forms, and a sequence labeller
//! (averaged structured perceptron or linear-chain CRF over hashed features, constrained Viterbi
//! over BIO tags).
//!
//! - [`casing`]: letter case as evidence (edited text, all-lowercase mentions).
//! - [`tech_terms`]: technical vocabulary the English model mistakes for names (API, Python).
//! - [`arabic_names`]: Arabic names with a known label (software spellings, news agencies).
//! - [`tech_names_ar`]: software names in Arabic script (لينكس, ويندوز), `MISC`.
//! - [`loanwords`]: common nouns borrowed from English into Arabic (ميديا), never names alone.
//! - [`software_names`]: the whole Latin-script name around a software name in Arabic text
//!   (Solaris 10, GNU / Linux).
//! - [`latin_runs`]: runs of Latin-script words in Arabic documents, tagged by the English model.
//! - [`text`]: matching keys, Arabic proclitic splits, script and shape of a word.
//! - [`lists`]: entity lists (gazetteers), built-in and user-supplied.
//! - [`competitions`]: sports competitions known by their head noun (كأس العالم), `MISC`.
//! - [`disease_context`]: names after a disease noun (فيروس كورونا) are diseases, `MISC`.
//! - [`titled_names`]: people named after a title and a nisba (العالم الألماني هيزنبرج), `PER`.
//! - [`place_context`]: towns whose names are everyday words, after a place noun.
//! - [`org_phrases`]: organisation phrases headed by a generic organisation noun (قوات, حزب, صحيفة...).
//! - [`lexicon`]: word frequency bands and clusters learned from unlabelled text.
//! - [`clusters`]: word-cluster induction from raw text.
//! - [`tags`]: the BIO tag set and its allowed transitions.
//! - [`features`]: feature extraction.
//! - [`model`]: weights, decoding, confidences and the model file format.
//! - [`stack`]: the document-level second stage (features from the first stage's labels of
//!   the same word elsewhere in the document).
//! - [`train`]: perceptron training and evaluation; [`eval`]: span scoring.
//! - [`crf`]: the linear-chain CRF learner (`nahr train-ner --learner crf`).
//! - [`conll`]: reading CoNLL corpora.
//! - [`hash`]: the small fast hash used by maps and feature hashing.

pub mod arabic_names;
pub mod casing;
pub mod clusters;
pub mod competitions;
pub mod conll;
pub mod crf;
pub mod disease_context;
pub mod eval;
pub mod features;
pub mod hash;
pub mod latin_runs;
pub mod lexicon;
pub mod lists;
pub mod loanwords;
pub mod model;
pub mod org_phrases;
pub mod place_context;
pub mod software_names;
pub mod stack;
pub mod tags;
pub mod tech_names_ar;
pub mod tech_terms;
pub mod text;
pub mod titled_names;
pub mod train;
