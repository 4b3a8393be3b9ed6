//! Feature extraction for the sequence labeller. Each token gets a few dozen hashed features
//! (template × value), turned into row indices of the weight table; no strings are built.
//!
//! Feature groups (each can be switched off, to measure its gain on dev):
//!
//! | group | features |
//! |---|---|
//! | [`group::WORD`] | the word's matching key |
//! | [`group::CONTEXT`] | keys of the words at −2, −1, +1, +2, and the bigrams (−1, 0), (0, +1) |
//! | [`group::STEM`] | the proclitic-stripped stem and core (stem without the article), the proclitics, the core of the words at ±1 |
//! | [`group::AFFIX`] | prefixes and suffixes (1–3 code points) of the key, and (1–2) of the core |
//! | [`group::SHAPE`] | word shape, script, length, capitalisation, position in the sentence, shapes at ±1 |
//! | [`group::LIST`] | the built-in entity list tag (B/I × label) at −1, 0, +1 |
//! | [`group::FREQ`] | the `wordfreq` band of the word and its stem, and of the words at ±1 |
//! | [`group::CLUSTER`] | the word's cluster (prefixes of 4, 8, 12 bits and the whole path), and at ±1 |
//! | [`group::HISTORY`] | the labels the model gave the same core word in the previous sentences of the document ([`History`]) |
//! | [`group::CONJ`] | the previous word × the word's cluster (8 bits) and × its frequency band; the two words' clusters |
//! | [`group::PERSON_NAMES`] | the word (or its core) is in the personal-name list, alone and × its frequency band; the same at ±1 |
//! | [`group::CLUSTER_WIDE`] | the clusters at ±2, the 6-bit clusters at ±1, the word's 8-bit cluster × its last two letters |
//! | [`group::CORE_GRAMS`] | the first and last three code points of the core, and its character trigrams (with word-boundary marks) |
//! | [`group::MEMORY`] | what the labelled training text said about the core word ([`Lexicon::memory`]: never seen, seen outside mentions, or its usual label, share and count), and the same (coarser) at ±1 |
//! | [`group::PAIR_MEMORY`] | the memory of the pairs (previous core, core) and (core, next core), when the pair was inside a mention |
//! | [`group::MEMORY_OWN`] | the first two features of [`group::MEMORY`] alone |
//! | [`group::MEMORY_WIDE`] | the whole memory codes at ±1, the coarse ones at ±2, and the coarse codes of the previous word and the word together |
//! | [`group::QUOTE`] | whether a quotation mark stands just before and/or just after the word, alone and × the word's frequency band, 8-bit cluster and coarse memory code |

use crate::ner::hash::{combine, hash_str, mix};
use crate::ner::lexicon::{Lexicon, pair_key};
use crate::ner::lists::{EntityList, ListMatch};
use crate::ner::tags::{N_TAGS, tag_index};
use crate::ner::text::{is_capitalised, match_key_into, script_of, shape_hash};

/// Bit flags of the feature groups (see the module documentation).
pub mod group {
    /// The word itself.
    pub const WORD: u32 = 1;
    /// The words around it.
    pub const CONTEXT: u32 = 2;
    /// Stem, core and proclitics.
    pub const STEM: u32 = 4;
    /// Prefixes and suffixes.
    pub const AFFIX: u32 = 8;
    /// Shape, script, length, position.
    pub const SHAPE: u32 = 16;
    /// Built-in entity lists.
    pub const LIST: u32 = 32;
    /// Word frequency bands.
    pub const FREQ: u32 = 64;
    /// Word clusters.
    pub const CLUSTER: u32 = 128;
    /// Labels given to the same word earlier in the document.
    pub const HISTORY: u32 = 256;
    /// Conjunctions: the previous word × the word's cluster, the previous word × the word's
    /// frequency band, the clusters of the previous word and the word.
    pub const CONJ: u32 = 512;
    /// More cluster features: the clusters of the words at ±2, the coarse (6-bit) clusters
    /// at ±1, and the word's 8-bit cluster × its last two letters.
    pub const CLUSTER_WIDE: u32 = 1024;
    /// Membership of the word (or its core) in the personal-name list of the lexicon, alone
    /// and × its frequency band, and of the words at ±1.
    pub const PERSON_NAMES: u32 = 2048;
    /// Character n-grams of the core (the word without proclitics and article): its first
    /// and last three code points, and its trigrams with the word boundaries marked.
    pub const CORE_GRAMS: u32 = 4096;
    /// The lexicon's memory of labelled training text ([`crate::ner::lexicon::Lexicon::memory`])
    /// for the core word, and coarsely for the words at ±1. In training each sentence reads
    /// the memory of the other folds of the training data (cross-validation), so that the
    /// model learns how far a name seen elsewhere can be trusted.
    pub const MEMORY: u32 = 8192;
    /// The memory of labelled text for the pairs of core words (the word with the previous
    /// one, and with the next one), when the pair was inside a mention.
    pub const PAIR_MEMORY: u32 = 16384;
    /// More of the memory of labelled text around the word: the whole codes at ±1, the coarse
    /// ones at ±2, and the coarse codes of the previous word and the word together.
    pub const MEMORY_WIDE: u32 = 32768;
    /// The word's own memory codes alone (the first two features of [`MEMORY`], without
    /// the proclitics and the words at ±1).
    pub const MEMORY_OWN: u32 = 65536;
    /// Quotation marks around the word (the token just before and/or just after it is one),
    /// alone and × the word's frequency band, cluster and coarse memory code: a rare word in
    /// quotes is often a name.
    pub const QUOTE: u32 = 131072;
    /// Every group.
    pub const ALL: u32 = 262143;
    /// The groups a model uses unless told otherwise: all but [`HISTORY`], [`CONJ`] and
    /// [`CLUSTER_WIDE`], which did not help on ANERcorp dev (see models/README.md), and
    /// [`PERSON_NAMES`], which needs a name list (`nahr train-ner --names`; the shipped models
    /// have it).
    pub const DEFAULT: u32 = ALL
        & !HISTORY
        & !CONJ
        & !CLUSTER_WIDE
        & !PERSON_NAMES
        & !CORE_GRAMS
        & !MEMORY
        & !PAIR_MEMORY
        & !MEMORY_WIDE
        & !MEMORY_OWN
        & !QUOTE;
    /// Names of the groups, in bit order.
    pub const NAMES: [(&str, u32); 18] = [
        ("word", WORD),
        ("context", CONTEXT),
        ("stem", STEM),
        ("affix", AFFIX),
        ("shape", SHAPE),
        ("list", LIST),
        ("freq", FREQ),
        ("cluster", CLUSTER),
        ("history", HISTORY),
        ("conj", CONJ),
        ("clx", CLUSTER_WIDE),
        ("names", PERSON_NAMES),
        ("cgram", CORE_GRAMS),
        ("gaz", MEMORY),
        ("gazpair", PAIR_MEMORY),
        ("gazx", MEMORY_WIDE),
        ("gazown", MEMORY_OWN),
        ("quote", QUOTE),
    ];
}

/// What the feature extractor is configured with; stored in the model file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureConfig {
    /// Enabled groups ([`group`] flags).
    pub groups: u32,
    /// The weight table has `2^bucket_bits` rows.
    pub bucket_bits: u32,
}

impl Default for FeatureConfig {
    fn default() -> Self {
        FeatureConfig {
            groups: group::DEFAULT,
            bucket_bits: 20,
        }
    }
}

/// Per-token values the templates combine.
#[derive(Debug, Clone, Copy, Default)]
struct TokenInfo {
    key: u64,
    stem: u64,
    core: u64,
    clitics: u64,
    prefix: [u64; 3],
    suffix: [u64; 3],
    core_prefix: [u64; 2],
    core_suffix: [u64; 2],
    /// [`group::CORE_GRAMS`]: the core's 3-prefix, 3-suffix and up to [`MAX_CORE_TRIGRAMS`]
    /// trigrams; `core_grams_len` of them are set.
    core_grams: [u64; 2 + MAX_CORE_TRIGRAMS],
    core_grams_len: u8,
    shape: u64,
    script: u8,
    len: u8,
    cap: bool,
    /// The token is a quotation mark ([`is_quote`]).
    quote: bool,
    freq: u8,
    stem_freq: u8,
    cluster: u32,
    list_tag: u8,
    name: bool,
    /// [`Lexicon::memory`] of the core.
    memory: u8,
    /// [`Lexicon::memory`] of the pair (previous core, core) for this core's tags, and of the
    /// pair (core, next core) for this core's tags ([`group::PAIR_MEMORY`]).
    pair_memory: [u8; 2],
}

/// The groups that need the stem and core of each token (and its frequency band).
const CORE_GROUPS: u32 = group::STEM
    | group::AFFIX
    | group::FREQ
    | group::CLUSTER
    | group::HISTORY
    | group::PERSON_NAMES
    | group::CORE_GRAMS
    | group::MEMORY
    | group::PAIR_MEMORY
    | group::MEMORY_WIDE
    | group::MEMORY_OWN;

/// Most character trigrams of a core that [`group::CORE_GRAMS`] uses (those of the first
/// code points of longer cores).
const MAX_CORE_TRIGRAMS: usize = 8;

/// The [`group::CORE_GRAMS`] values of a core into `out`; returns how many were written.
fn core_grams(core: &str, out: &mut [u64; 2 + MAX_CORE_TRIGRAMS]) -> u8 {
    out[0] = prefix_hash(core, 3);
    out[1] = suffix_hash(core, 3);
    let mut n = 2;
    // Trigrams over `^core$`: a window of three code points, `^`/`$` marking the ends.
    let mut window = ['^', '^', '^'];
    let mut filled = 1;
    for c in core.chars().chain(std::iter::once('$')) {
        window = [window[1], window[2], c];
        filled += 1;
        if filled >= 3 && n < out.len() {
            let v = window
                .iter()
                .fold(0x7c6f_7265_u64, |h, &c| combine(h, u64::from(c)));
            out[n] = v;
            n += 1;
        }
    }
    n as u8
}

/// Value hashes standing for the words before the start and after the end of a sentence.
const BOS: u64 = 0x5eed_0000_0000_0b05;
const EOS: u64 = 0x5eed_0000_0000_0e05;
/// Value hash standing for a dropped word identity (see [`Extractor::drop_identity`]).
const UNKNOWN: u64 = 0x5eed_0000_0000_0d0b;

/// How many previous sentences of a document [`History`] remembers.
pub const HISTORY_SENTENCES: usize = 20;

/// What the model said about words in the previous sentences of the document: for each core
/// word (hash), how often it was inside a mention of each label, over the last
/// [`HISTORY_SENTENCES`] sentences. Clear it at the start of every document.
#[derive(Debug, Default, Clone)]
pub struct History {
    sentences: std::collections::VecDeque<Vec<(u64, u8)>>,
    counts: crate::ner::hash::FxHashMap<u64, [u16; 4]>,
}

impl History {
    /// Forgets everything (start of a document).
    pub fn clear(&mut self) {
        self.sentences.clear();
        self.counts.clear();
    }

    /// Remembers the mentions of one sentence: `(core hash, label index 0..4)` per token inside
    /// a mention; the oldest sentence is forgotten beyond the window.
    fn push(&mut self, tokens: Vec<(u64, u8)>) {
        for &(core, label) in &tokens {
            self.counts.entry(core).or_insert([0; 4])[label as usize] += 1;
        }
        self.sentences.push_back(tokens);
        if self.sentences.len() > HISTORY_SENTENCES
            && let Some(old) = self.sentences.pop_front()
        {
            for (core, label) in old {
                if let Some(c) = self.counts.get_mut(&core) {
                    c[label as usize] = c[label as usize].saturating_sub(1);
                    if c.iter().all(|&x| x == 0) {
                        self.counts.remove(&core);
                    }
                }
            }
        }
    }

    /// The most frequent label of a core word and its count, when it was seen in a mention.
    fn best(&self, core: u64) -> Option<(u8, u16)> {
        let c = self.counts.get(&core)?;
        let (label, &n) = c.iter().enumerate().max_by_key(|(i, n)| (**n, 4 - i))?;
        (n > 0).then_some((label as u8, n))
    }
}

/// Extracts features of sentences; holds reusable buffers, so keep one per thread.
#[derive(Debug, Default)]
pub struct Extractor {
    /// The document's history (see [`History`]); [`Extractor::record`] adds to it.
    pub history: History,
    keys: String,
    key_ends: Vec<usize>,
    infos: Vec<TokenInfo>,
    split_buf: String,
    /// Per token of the sentence ([`Extractor::emissions`]): where its own weight sum and
    /// its neighbour sums are (a cache entry, or `parts`).
    sources: Vec<PartSource>,
    /// The weight sums of own features and the neighbour sums of the tokens of the sentence
    /// that were not in the cache ([`Extractor::emissions`]).
    parts: Vec<([i32; N_TAGS], RoleSums)>,
    /// [`FeatureCache`] hash of each surface of the sentence ([`Extractor::emissions`]).
    surface_hashes: Vec<u64>,
    /// Weight rows of the features not taken from the cache ([`Extractor::emissions`]).
    rows: Vec<u32>,
    /// End of each token's rows in `rows`.
    row_ends: Vec<usize>,
    /// Weight rows of one token's own features, when not cached ([`Extractor::emissions`]).
    own_rows: Vec<u32>,
    /// Replace the identity of every word (its key, stem and core in the word, bigram and stem
    /// features) by one "unknown word" value. Training mixes such rows in (word dropout) so
    /// that the model learns to find names it has never seen from their context and form.
    pub drop_identity: bool,
}

impl Extractor {
    /// The per-sentence buffers, which a long sentence grows (see
    /// [`crate::ner::model::Scratch::release_large_buffers`]).
    pub(crate) fn buffers(&mut self) -> [&mut dyn crate::scratch::Buffer; 10] {
        [
            &mut self.keys,
            &mut self.key_ends,
            &mut self.infos,
            &mut self.split_buf,
            &mut self.sources,
            &mut self.parts,
            &mut self.surface_hashes,
            &mut self.rows,
            &mut self.row_ends,
            &mut self.own_rows,
        ]
    }
}

/// Hash of the first `n` code points of `s` (or of all of `s` when shorter), tagged with `n`.
fn prefix_hash(s: &str, n: usize) -> u64 {
    let end = s.char_indices().nth(n).map_or(s.len(), |(i, _)| i);
    combine(n as u64, hash_str(&s[..end]))
}

/// Hash of the last `n` code points of `s` (or of all of `s` when shorter), tagged with `n`.
fn suffix_hash(s: &str, n: usize) -> u64 {
    let start = s.char_indices().rev().nth(n - 1).map_or(0, |(i, _)| i);
    combine(100 + n as u64, hash_str(&s[start..]))
}

impl Extractor {
    /// A new extractor.
    pub fn new() -> Self {
        Extractor::default()
    }

    /// The matching keys of the last sentence given to [`Extractor::extract`].
    pub fn keys(&self) -> Vec<&str> {
        let mut out = Vec::with_capacity(self.key_ends.len());
        let mut from = 0;
        for &to in &self.key_ends {
            out.push(&self.keys[from..to]);
            from = to;
        }
        out
    }

    /// Adds the tags the model chose for the last extracted sentence to the history (only when
    /// the history group is on: otherwise there is nothing to remember).
    pub fn record(&mut self, config: FeatureConfig, tags: &[usize]) {
        if config.groups & group::HISTORY == 0 {
            return;
        }
        let tokens = tags
            .iter()
            .zip(&self.infos)
            .filter(|&(&t, _)| t != crate::ner::tags::O)
            .map(|(&t, info)| (info.core, ((t - 1) / 2) as u8))
            .collect();
        self.history.push(tokens);
    }

    /// Computes the features of a sentence: for token `i`, the weight-table rows
    /// `rows[offsets[i]..offsets[i + 1]]`. `list` is the built-in list of the model's language.
    pub fn extract(
        &mut self,
        surfaces: &[&str],
        lexicon: &Lexicon,
        list: &EntityList,
        config: FeatureConfig,
        rows: &mut Vec<u32>,
        offsets: &mut Vec<u32>,
    ) {
        self.compute_keys(surfaces);
        let g = config.groups;
        self.infos.clear();
        let mut from = 0;
        for (i, surface) in surfaces.iter().enumerate() {
            let to = self.key_ends[i];
            let key = &self.keys[from..to];
            from = to;
            let info = Self::token_info(key, surface, lexicon, g, &mut self.split_buf);
            self.infos.push(info);
        }
        if g & group::LIST != 0 {
            self.set_list_tags(surfaces, list);
        }
        if g & group::PAIR_MEMORY != 0 {
            self.set_pair_memory(lexicon);
        }
        rows.clear();
        offsets.clear();
        offsets.push(0);
        let shift = 64 - config.bucket_bits;
        for i in 0..self.infos.len() {
            self.for_each_feature(i, g, |_, template, value| {
                rows.push(feature_row(template, value, shift));
            });
            offsets.push(rows.len() as u32);
        }
    }

    /// Appends, for each token of the last sentence given to [`Extractor::emissions`] or
    /// [`Extractor::extract`], the hash of its core word (the key without proclitics, as
    /// [`Lexicon::best_split`] reads it, and without the article ال when two or more code
    /// points remain) and the frequency band of its key. Returns false, appending nothing,
    /// when the model's groups do not compute them.
    pub fn cores_and_bands(&self, config: FeatureConfig, out: &mut Vec<(u64, u8)>) -> bool {
        if config.groups & CORE_GROUPS == 0 {
            return false;
        }
        out.extend(self.infos.iter().map(|t| (t.core, t.freq)));
        true
    }

    /// Matching keys of `surfaces` into `self.keys` / `self.key_ends`.
    fn compute_keys(&mut self, surfaces: &[&str]) {
        self.keys.clear();
        self.key_ends.clear();
        let mut key = String::new();
        for s in surfaces {
            match_key_into(s, &mut key);
            self.keys.push_str(&key);
            self.key_ends.push(self.keys.len());
        }
    }

    /// The per-token values of one token (all but `list_tag`); a pure function of the surface,
    /// the lexicon and the groups.
    fn token_info(
        key: &str,
        surface: &str,
        lexicon: &Lexicon,
        g: u32,
        split_buf: &mut String,
    ) -> TokenInfo {
        let key_hash = hash_str(key);
        let mut info = TokenInfo {
            key: key_hash,
            ..TokenInfo::default()
        };
        if g & CORE_GROUPS != 0 {
            let split = lexicon.best_split(key, split_buf);
            let stem = split.rest;
            let core = match stem.strip_prefix("ال") {
                Some(c) if c.chars().nth(1).is_some() => c,
                _ => stem,
            };
            info.stem = hash_str(stem);
            info.core = hash_str(core);
            let article = core.len() != stem.len();
            info.clitics = (split.stripped as u64) << 1 | u64::from(article);
            if split.stripped > 0 {
                let clitic_end = key.char_indices().nth(split.stripped).map_or(0, |(b, _)| b);
                info.clitics = combine(info.clitics, hash_str(&key[..clitic_end]));
            }
            if g & group::CORE_GRAMS != 0 {
                info.core_grams_len = core_grams(core, &mut info.core_grams);
            }
            if g & group::AFFIX != 0 {
                for n in 1..=3 {
                    info.prefix[n - 1] = prefix_hash(key, n);
                    info.suffix[n - 1] = suffix_hash(key, n);
                }
                for n in 1..=2 {
                    info.core_prefix[n - 1] = prefix_hash(core, n);
                    info.core_suffix[n - 1] = suffix_hash(core, n);
                }
            }
            info.freq = lexicon.freq(key_hash);
            info.stem_freq = lexicon.freq(info.stem);
            info.cluster = lexicon
                .cluster(key_hash)
                .or_else(|| lexicon.cluster(info.stem))
                .unwrap_or(0);
            info.name = lexicon.is_name(key_hash) || lexicon.is_name(info.core);
            info.memory = lexicon.memory(info.core);
        }
        if g & group::QUOTE != 0 {
            info.quote = is_quote(surface);
        }
        if g & group::SHAPE != 0 {
            info.shape = shape_hash(surface);
            info.script = script_of(surface).id();
            info.len = surface.chars().count().min(12) as u8;
            info.cap = is_capitalised(surface);
        }
        info
    }

    /// Sets `list_tag` of `self.infos` from the built-in list matches of the sentence.
    fn set_list_tags(&mut self, surfaces: &[&str], list: &EntityList) {
        let keys = self.keys();
        let matches = list.find(&keys, surfaces);
        self.apply_list_matches(&matches);
    }

    /// Sets `pair_memory` of `self.infos` from the lexicon's memory of word pairs.
    fn set_pair_memory(&mut self, lexicon: &Lexicon) {
        for i in 1..self.infos.len() {
            let (a, b) = (self.infos[i - 1].core, self.infos[i].core);
            self.infos[i - 1].pair_memory[1] = lexicon.memory(pair_key(a, b, 0));
            self.infos[i].pair_memory[0] = lexicon.memory(pair_key(a, b, 1));
        }
    }

    /// Sets `list_tag` of `self.infos` from list matches of the sentence.
    fn apply_list_matches(&mut self, matches: &[ListMatch]) {
        for m in matches {
            let b = tag_index(crate::document::BioTag::B(m.label)) as u8;
            self.infos[m.tok_start].list_tag = b;
            for info in &mut self.infos[m.tok_start + 1..m.tok_end] {
                info.list_tag = b + 1;
            }
        }
    }

    /// Calls `push(role, template, value)` for every feature of token `i` of the extracted
    /// sentence, in a fixed order. The role says what the value depends on (see [`Role`]):
    /// [`Extractor::emissions`] caches the weight sums of all roles but [`Role::Context`] per
    /// surface.
    fn for_each_feature(&self, i: usize, g: u32, mut push: impl FnMut(Role, u64, u64)) {
        use Role::{Context as CTX, Left1, Left2, Own as OWN, Right1, Right2};
        let n = self.infos.len();
        let t = &self.infos[i];
        let (own_key, own_stem, own_core) = if self.drop_identity {
            (UNKNOWN, UNKNOWN ^ 1, UNKNOWN ^ 2)
        } else {
            (t.key, t.stem, t.core)
        };
        let at = |d: isize| -> Option<&TokenInfo> {
            let j = i as isize + d;
            if j < 0 || j >= n as isize {
                None
            } else {
                Some(&self.infos[j as usize])
            }
        };
        let key_at = |d: isize| at(d).map_or(if d < 0 { BOS } else { EOS }, |x| x.key);
        let nb = |role: Role, template: u64| -> u64 {
            let d = match role {
                Left1 => -1,
                Right1 => 1,
                Left2 => -2,
                _ => 2,
            };
            neighbour_value(template, at(d))
        };
        push(OWN, 0, 0);
        if g & group::WORD != 0 {
            push(OWN, 1, own_key);
        }
        if g & group::CONTEXT != 0 {
            push(Left1, 2, nb(Left1, 2));
            push(Right1, 3, nb(Right1, 3));
            push(Left2, 4, nb(Left2, 4));
            push(Right2, 5, nb(Right2, 5));
            push(CTX, 6, combine(key_at(-1), own_key));
            push(CTX, 7, combine(own_key, key_at(1)));
        }
        if g & group::STEM != 0 {
            push(OWN, 10, own_stem);
            push(OWN, 11, own_core);
            push(OWN, 12, t.clitics);
            push(Left1, 13, nb(Left1, 13));
            push(Right1, 14, nb(Right1, 14));
        }
        if g & group::AFFIX != 0 {
            for k in 0..3 {
                push(OWN, 20 + k as u64, t.prefix[k]);
                push(OWN, 23 + k as u64, t.suffix[k]);
            }
            for k in 0..2 {
                push(OWN, 26 + k as u64, t.core_prefix[k]);
                push(OWN, 28 + k as u64, t.core_suffix[k]);
            }
        }
        if g & group::SHAPE != 0 {
            let first = i == 0;
            push(OWN, 30, t.shape);
            push(OWN, 31, u64::from(t.script));
            push(OWN, 32, u64::from(t.len));
            push(CTX, 33, u64::from(t.cap) | u64::from(first) << 1);
            push(CTX, 34, combine(t.shape, u64::from(first)));
            push(Left1, 35, nb(Left1, 35));
            push(Right1, 36, nb(Right1, 36));
            push(CTX, 37, u64::from(i == n - 1));
        }
        if g & group::LIST != 0 {
            push(CTX, 40, u64::from(t.list_tag));
            push(CTX, 41, at(-1).map_or(99, |x| u64::from(x.list_tag)));
            push(CTX, 42, at(1).map_or(99, |x| u64::from(x.list_tag)));
        }
        if g & group::FREQ != 0 {
            push(OWN, 50, u64::from(t.freq / 5));
            push(OWN, 51, u64::from(t.stem_freq / 5));
            push(Left1, 52, nb(Left1, 52));
            push(Right1, 53, nb(Right1, 53));
            push(OWN, 54, combine(u64::from(t.stem_freq / 5), t.shape));
        }
        if g & group::CLUSTER != 0 && t.cluster != 0 {
            let bits = 31 - t.cluster.leading_zeros();
            for (k, p) in [4u32, 8, 12].into_iter().enumerate() {
                if bits >= p {
                    push(OWN, 60 + k as u64, u64::from(t.cluster >> (bits - p)));
                }
            }
            push(OWN, 63, u64::from(t.cluster));
        }
        if g & group::CLUSTER != 0 {
            push(Left1, 64, nb(Left1, 64));
            push(Right1, 65, nb(Right1, 65));
        }
        if g & group::PERSON_NAMES != 0 {
            push(OWN, 90, u64::from(t.name));
            push(OWN, 91, u64::from(t.name) << 8 | u64::from(t.freq / 5));
            push(Left1, 92, nb(Left1, 92));
            push(Right1, 93, nb(Right1, 93));
        }
        if g & group::CORE_GRAMS != 0 {
            let n = usize::from(t.core_grams_len);
            push(OWN, 94, t.core_grams[0]);
            push(OWN, 95, t.core_grams[1]);
            for &v in &t.core_grams[2.min(n)..n] {
                push(OWN, 96, v);
            }
        }
        if g & (group::MEMORY | group::MEMORY_OWN) != 0 {
            push(OWN, 97, u64::from(t.memory));
            push(OWN, 98, u64::from(memory_coarse(t.memory)));
        }
        if g & group::MEMORY != 0 {
            push(
                OWN,
                99,
                combine(u64::from(memory_coarse(t.memory)), t.clitics),
            );
            push(Left1, 85, nb(Left1, 85));
            push(Right1, 86, nb(Right1, 86));
        }
        if g & group::MEMORY_WIDE != 0 {
            push(Left1, 76, nb(Left1, 76));
            push(Right1, 77, nb(Right1, 77));
            push(Left2, 83, nb(Left2, 83));
            push(Right2, 84, nb(Right2, 84));
            let prev = at(-1).map_or(1, |x| u64::from(memory_coarse(x.memory)));
            push(CTX, 79, prev << 8 | u64::from(memory_coarse(t.memory)));
        }
        if g & group::PAIR_MEMORY != 0 {
            let [left, right] = t.pair_memory;
            push(CTX, 87, u64::from(left));
            push(CTX, 88, u64::from(right));
            push(
                CTX,
                89,
                u64::from(memory_coarse(left)) << 8 | u64::from(memory_coarse(right)),
            );
        }
        if g & group::CLUSTER_WIDE != 0 {
            push(Left2, 66, nb(Left2, 66));
            push(Right2, 67, nb(Right2, 67));
            push(Left1, 68, nb(Left1, 68));
            push(Right1, 69, nb(Right1, 69));
            push(OWN, 75, combine(cluster_prefix(t.cluster, 8), t.suffix[1]));
        }
        if g & group::CONJ != 0 {
            let c8 = |x: Option<&TokenInfo>| -> u64 {
                x.map_or(1, |x| {
                    let bits = 32 - x.cluster.leading_zeros();
                    u64::from(x.cluster >> bits.saturating_sub(8))
                })
            };
            push(CTX, 80, combine(key_at(-1), c8(Some(t))));
            push(CTX, 81, combine(key_at(-1), u64::from(t.freq / 5)));
            push(CTX, 82, combine(c8(at(-1)), c8(Some(t))));
        }
        if g & group::QUOTE != 0 && !t.quote {
            let state = u64::from(at(-1).is_some_and(|x| x.quote))
                | u64::from(at(1).is_some_and(|x| x.quote)) << 1;
            if state != 0 {
                push(CTX, 43, state);
                push(CTX, 44, state << 8 | u64::from(t.freq / 5));
                push(CTX, 45, combine(state, cluster_prefix(t.cluster, 8)));
                push(CTX, 46, state << 8 | u64::from(memory_coarse(t.memory)));
            }
        }
        if g & group::HISTORY != 0 {
            match self.history.best(t.core) {
                Some((label, n)) => {
                    push(CTX, 70, u64::from(label) + 1);
                    push(CTX, 71, u64::from(label) << 4 | u64::from(n.min(3)));
                    push(CTX, 72, combine(u64::from(label), t.shape));
                }
                None => push(CTX, 70, 0),
            }
        }
    }

    /// Computes, for every token of a sentence, the sum of the quantised weight rows of its
    /// features (`weights` is the `2^bucket_bits × N_TAGS` table), into `sums`. The result is
    /// exactly the sum over the rows [`Extractor::extract`] gives. The parts that depend on one
    /// token's surface alone (its own features, and the features of its neighbours that read
    /// it) come from `cache` when the surface was seen before.
    #[allow(clippy::too_many_arguments)]
    pub fn emissions(
        &mut self,
        surfaces: &[&str],
        lexicon: &Lexicon,
        list: &EntityList,
        config: FeatureConfig,
        weights: &[i16],
        prepared: Prepared,
        cache: &mut FeatureCache,
        sums: &mut Vec<[i32; N_TAGS]>,
    ) {
        match prepared.keys {
            Some(keys) => {
                self.keys.clear();
                self.key_ends.clear();
                for k in keys {
                    self.keys.push_str(k);
                    self.key_ends.push(self.keys.len());
                }
            }
            None => self.compute_keys(surfaces),
        }
        let g = config.groups;
        let shift = 64 - config.bucket_bits;
        let add_row = |acc: &mut [i32; N_TAGS], row: u32| {
            let base = row as usize * N_TAGS;
            if let Some(w) = weights.get(base..base + N_TAGS) {
                for t in 0..N_TAGS {
                    acc[t] += i32::from(w[t]);
                }
            }
        };
        let role_sums = |x: Option<&TokenInfo>| -> RoleSums {
            // All the rows first (each prefetched), then the sums.
            let mut found = [(0usize, 0u32); NEIGHBOUR_TEMPLATE_COUNT];
            let mut len = 0;
            for (r, templates) in NEIGHBOUR_TEMPLATES.iter().enumerate() {
                for &(template, grp) in templates.iter() {
                    if g & grp != 0 {
                        let row = feature_row(template, neighbour_value(template, x), shift);
                        prefetch_row(weights, row);
                        found[len] = (r, row);
                        len += 1;
                    }
                }
            }
            let mut out = [[0i32; N_TAGS]; 4];
            for &(r, row) in &found[..len] {
                add_row(&mut out[r], row);
            }
            out
        };
        let edges = *cache.edges.get_or_insert_with(|| role_sums(None));
        // The cache is only emptied here, between sentences, so that the entries the
        // sentence's tokens point to stay where they are until its end.
        cache.make_room(surfaces);
        self.infos.clear();
        self.parts.clear();
        self.sources.clear();
        // The lookups in four passes over the sentence, so that the memory loads of
        // different tokens overlap: the hashes (each slot prefetched), a prefetch of the
        // entry each slot names, one of the entry's surface, then the lookups themselves.
        self.surface_hashes.clear();
        if !self.drop_identity {
            for surface in surfaces {
                let hash = hash_str(surface);
                cache.prefetch_slot(hash);
                self.surface_hashes.push(hash);
            }
            for &hash in &self.surface_hashes {
                cache.prefetch_entry(hash);
            }
            for &hash in &self.surface_hashes {
                cache.prefetch_surface(hash);
            }
        }
        let mut from = 0;
        for (i, surface) in surfaces.iter().enumerate() {
            let to = self.key_ends[i];
            let cached = if self.drop_identity {
                None
            } else {
                cache.find(self.surface_hashes[i], surface)
            };
            match cached {
                Some(entry) => {
                    self.infos.push(cache.entries[entry as usize].info());
                    self.sources.push(PartSource::Cache(entry));
                }
                None => {
                    let key = &self.keys[from..to];
                    let info = Self::token_info(key, surface, lexicon, g, &mut self.split_buf);
                    let roles = role_sums(Some(&info));
                    self.infos.push(info);
                    self.sources
                        .push(PartSource::Sentence(self.parts.len() as u32));
                    self.parts.push(([0; N_TAGS], roles));
                }
            }
            from = to;
        }
        if g & group::LIST != 0 {
            match prepared.list_matches {
                Some(matches) => self.apply_list_matches(matches),
                None => self.set_list_tags(surfaces, list),
            }
        }
        if g & group::PAIR_MEMORY != 0 {
            self.set_pair_memory(lexicon);
        }
        // The rows of the context features, for the whole sentence first, then the sums: loads
        // of rows far apart in the table overlap better in a tight loop.
        let mut rows = std::mem::take(&mut self.rows);
        let mut own_rows = std::mem::take(&mut self.own_rows);
        rows.clear();
        self.row_ends.clear();
        for (i, surface) in surfaces.iter().enumerate() {
            let part = match self.sources[i] {
                PartSource::Cache(_) => None,
                PartSource::Sentence(p) => Some(p as usize),
            };
            let Some(part) = part else {
                self.for_each_feature(i, g, |role, template, value| {
                    if role == Role::Context {
                        let row = feature_row(template, value, shift);
                        prefetch_row(weights, row);
                        rows.push(row);
                    }
                });
                self.row_ends.push(rows.len());
                continue;
            };
            {
                let mut other = [0i32; N_TAGS];
                own_rows.clear();
                self.for_each_feature(i, g, |role, template, value| {
                    let row = feature_row(template, value, shift);
                    match role {
                        Role::Own => {
                            prefetch_row(weights, row);
                            own_rows.push(row);
                        }
                        Role::Context => {
                            prefetch_row(weights, row);
                            rows.push(row);
                        }
                        // Identity dropped (training): the neighbour parts are not cached.
                        _ if self.drop_identity => add_row(&mut other, row),
                        _ => {}
                    }
                });
                let mut own_sum = [0i32; N_TAGS];
                for &row in &own_rows {
                    add_row(&mut own_sum, row);
                }
                self.parts[part].0 = own_sum;
                if self.drop_identity {
                    // Summed here, in full: no neighbour parts below.
                    self.parts[part].1 = [other, [0; N_TAGS], [0; N_TAGS], [0; N_TAGS]];
                } else {
                    let entry = CachedToken::new(&self.infos[i], own_sum, self.parts[part].1);
                    cache.insert(self.surface_hashes[i], surface, entry);
                }
            }
            self.row_ends.push(rows.len());
        }
        let n = surfaces.len();
        sums.clear();
        let mut from = 0;
        let own_and_roles = |i: usize| -> (&[i32; N_TAGS], &RoleSums) {
            match self.sources[i] {
                PartSource::Cache(e) => {
                    let entry = &cache.entries[e as usize];
                    (&entry.own, &entry.roles)
                }
                PartSource::Sentence(p) => {
                    let (own, roles) = &self.parts[p as usize];
                    (own, roles)
                }
            }
        };
        for (i, &to) in self.row_ends.iter().enumerate() {
            let (own, roles) = own_and_roles(i);
            let mut acc = *own;
            if self.drop_identity {
                let other = roles[0];
                for t in 0..N_TAGS {
                    acc[t] += other[t];
                }
            } else {
                let part =
                    |j: Option<usize>, r: usize| j.map_or(&edges[r], |j| &own_and_roles(j).1[r]);
                let neighbours = [
                    part(i.checked_sub(1), 0),
                    part(Some(i + 1).filter(|&j| j < n), 1),
                    part(i.checked_sub(2), 2),
                    part(Some(i + 2).filter(|&j| j < n), 3),
                ];
                for p in neighbours {
                    for t in 0..N_TAGS {
                        acc[t] += p[t];
                    }
                }
            }
            for &row in &rows[from..to] {
                add_row(&mut acc, row);
            }
            sums.push(acc);
            from = to;
        }
        self.rows = rows;
        self.own_rows = own_rows;
    }
}

/// What the caller of [`Extractor::emissions`] already computed for the sentence.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prepared<'a> {
    /// The [`match_key`](crate::ner::text::match_key) of each token.
    pub keys: Option<&'a [&'a str]>,
    /// The matches of the model's built-in list ([`EntityList::find`] with the keys above).
    pub list_matches: Option<&'a [ListMatch]>,
}

/// What the value of a feature depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The token's surface alone.
    Own,
    /// The surface of the previous token (or the start of the sentence).
    Left1,
    /// The surface of the next token (or the end of the sentence).
    Right1,
    /// The surface of the token two before.
    Left2,
    /// The surface of the token two after.
    Right2,
    /// Anything else: position, list matches, pairs of words, history.
    Context,
}

/// The templates whose value is read from a neighbour, by role (`Left1`, `Right1`, `Left2`,
/// `Right2`), with the group that turns each on.
const NEIGHBOUR_TEMPLATES: [&[(u64, u32)]; 4] = [
    &[
        (2, group::CONTEXT),
        (13, group::STEM),
        (35, group::SHAPE),
        (52, group::FREQ),
        (64, group::CLUSTER),
        (68, group::CLUSTER_WIDE),
        (92, group::PERSON_NAMES),
        (85, group::MEMORY),
        (76, group::MEMORY_WIDE),
    ],
    &[
        (3, group::CONTEXT),
        (14, group::STEM),
        (36, group::SHAPE),
        (53, group::FREQ),
        (65, group::CLUSTER),
        (69, group::CLUSTER_WIDE),
        (93, group::PERSON_NAMES),
        (86, group::MEMORY),
        (77, group::MEMORY_WIDE),
    ],
    &[
        (4, group::CONTEXT),
        (66, group::CLUSTER_WIDE),
        (83, group::MEMORY_WIDE),
    ],
    &[
        (5, group::CONTEXT),
        (67, group::CLUSTER_WIDE),
        (84, group::MEMORY_WIDE),
    ],
];

/// How many templates [`NEIGHBOUR_TEMPLATES`] holds in all.
const NEIGHBOUR_TEMPLATE_COUNT: usize = {
    let mut n = 0;
    let mut r = 0;
    while r < NEIGHBOUR_TEMPLATES.len() {
        n += NEIGHBOUR_TEMPLATES[r].len();
        r += 1;
    }
    n
};

/// The value of a neighbour template given the neighbour (`None`: beyond the sentence); for
/// template 0 (the bias) always 0.
fn neighbour_value(template: u64, x: Option<&TokenInfo>) -> u64 {
    match template {
        2 | 4 => x.map_or(BOS, |x| x.key),
        3 | 5 => x.map_or(EOS, |x| x.key),
        13 => x.map_or(BOS, |x| x.core),
        14 => x.map_or(EOS, |x| x.core),
        35 => x.map_or(BOS, |x| x.shape),
        36 => x.map_or(EOS, |x| x.shape),
        52 | 53 => x.map_or(99, |x| u64::from(x.freq / 5)),
        64..=67 => x.map_or(1, |x| u64::from(x.cluster)),
        68 | 69 => x.map_or(1, |x| cluster_prefix(x.cluster, 6)),
        92 | 93 => x.map_or(2, |x| u64::from(x.name)),
        83..=86 => x.map_or(1, |x| u64::from(memory_coarse(x.memory))),
        76 | 77 => x.map_or(1, |x| u64::from(x.memory)),
        _ => 0,
    }
}

/// Whether a token is a quotation mark: only `"`, `'`, `“`, `”`, `„`, `‟`, `‘`, `’`, `«` and
/// `»` (one or more of them, e.g. `''`).
pub(crate) fn is_quote(surface: &str) -> bool {
    !surface.is_empty()
        && surface.chars().all(|c| {
            matches!(
                c,
                '"' | '\''
                    | '\u{201c}'
                    | '\u{201d}'
                    | '\u{201e}'
                    | '\u{201f}'
                    | '\u{2018}'
                    | '\u{2019}'
                    | '\u{ab}'
                    | '\u{bb}'
            )
        })
}

/// A [`Lexicon::memory`] code without its counts: not seen (0), seen only outside mentions
/// (`0x40`), or the usual label with its share bucket (see [`crate::ner::lexicon::memory_code`]).
fn memory_coarse(code: u8) -> u8 {
    if code & 0x80 != 0 {
        code & 0xec
    } else {
        code & 0x40
    }
}

/// The first `bits` bits of a cluster path (the path itself when shorter; 0 for no cluster).
fn cluster_prefix(cluster: u32, bits: u32) -> u64 {
    let len = 32 - cluster.leading_zeros();
    u64::from(cluster >> len.saturating_sub(bits + 1))
}

/// Weight sums of the features of a token's neighbours that read the token, by role
/// (`Left1`, `Right1`, `Left2`, `Right2`: the token seen from the next token, from the
/// previous one, from two after, from two before).
type RoleSums = [[i32; N_TAGS]; 4];

/// Asks the processor to start loading weight row `row` of `weights` (a `2^bits × N_TAGS`
/// table) into its cache, so that the sum that reads it later does not wait for memory. A
/// hint only: it changes no result, and does nothing on other architectures.
#[inline(always)]
fn prefetch_row(weights: &[i16], row: u32) {
    let start = weights.as_ptr().wrapping_add(row as usize * N_TAGS);
    // The row's 18 bytes can straddle two cache lines: ask for both ends.
    prefetch(start.cast());
    prefetch(start.wrapping_add(N_TAGS - 1).cast());
}

/// Asks the processor to start loading the cache line holding `address`; a hint only (no
/// effect on any result; nothing on other architectures than x86_64). Any address will do:
/// it is never dereferenced.
#[inline(always)]
fn prefetch(address: *const u8) {
    #[cfg(target_arch = "x86_64")]
    {
        use core::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: PREFETCHh is a hint that neither reads memory architecturally nor faults,
        // whatever the address (Intel SDM, "PREFETCHh"); callers form the pointers with
        // wrapping arithmetic and nothing dereferences them. SSE, which the instruction
        // needs, is part of every x86_64 target.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(address.cast()) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = address;
    }
}

/// [`prefetch`] of every cache line of `len` bytes from `start`.
#[inline(always)]
fn prefetch_bytes(start: *const u8, len: usize) {
    let mut offset = 0;
    while offset < len {
        prefetch(start.wrapping_add(offset));
        offset += 64;
    }
    if len > 0 {
        prefetch(start.wrapping_add(len - 1));
    }
}

/// The weight-table row of one feature (template × value).
#[inline]
fn feature_row(template: u64, value: u64, shift: u32) -> u32 {
    let h = mix(combine(template.wrapping_mul(0x9e37_79b9_7f4a_7c15), value));
    (h >> shift) as u32
}

/// What [`FeatureCache`] remembers of a surface: the values that the features of other
/// tokens (and the token's own context features) read, and the sum of the weight rows of its
/// own features (see [`Extractor::for_each_feature`]).
#[derive(Debug, Clone, Copy)]
struct CachedToken {
    key: u64,
    core: u64,
    shape: u64,
    cluster: u32,
    freq: u8,
    cap: bool,
    quote: bool,
    memory: u8,
    own: [i32; N_TAGS],
    roles: RoleSums,
    /// Where the surface is in [`FeatureCache::surfaces`] (start, length in bytes).
    surface: (u32, u32),
}

impl CachedToken {
    fn new(info: &TokenInfo, own: [i32; N_TAGS], roles: RoleSums) -> Self {
        CachedToken {
            key: info.key,
            core: info.core,
            shape: info.shape,
            cluster: info.cluster,
            freq: info.freq,
            cap: info.cap,
            quote: info.quote,
            memory: info.memory,
            own,
            roles,
            surface: (0, 0),
        }
    }

    /// The token values the context features read; the others (only read by the token's own
    /// features, whose sum is cached) are left at 0.
    fn info(&self) -> TokenInfo {
        TokenInfo {
            key: self.key,
            core: self.core,
            shape: self.shape,
            cluster: self.cluster,
            freq: self.freq,
            cap: self.cap,
            quote: self.quote,
            memory: self.memory,
            ..TokenInfo::default()
        }
    }
}

/// Where [`Extractor::emissions`] finds a token's own weight sum and neighbour sums.
#[derive(Debug, Clone, Copy)]
enum PartSource {
    /// Entry of the [`FeatureCache`] (index into its `entries`).
    Cache(u32),
    /// Computed for the sentence (index into [`Extractor`]'s `parts`).
    Sentence(u32),
}

/// Per-surface results of one model's feature extraction, reused across sentences and
/// documents (see [`Extractor::emissions`]). Belongs to one model: keep one per model and
/// thread. Bounded: emptied, between two sentences, when the next sentence could take it
/// beyond [`FeatureCache::CAPACITY`] surfaces.
///
/// An open-addressing hash table (linear probing) of `u64` slots, each the high half of the
/// surface hash and one more than the index of the entry (0: empty), over a vector of
/// entries whose surfaces are kept end to end in one string. A slot is 8 bytes, so the
/// slots of a sentence's surfaces can be prefetched before they are probed; a hit is
/// checked by comparing the surfaces in full, never by the hash alone.
#[derive(Debug, Default)]
pub struct FeatureCache {
    /// [`FeatureCache::SLOTS`] slots once the first surface is stored (empty before).
    slots: Vec<u64>,
    entries: Vec<CachedToken>,
    /// The surfaces of the entries, end to end.
    surfaces: String,
    /// The neighbour sums for positions beyond the sentence (start and end).
    edges: Option<RoleSums>,
}

impl FeatureCache {
    /// Most surfaces remembered before the cache is emptied: 7/8 of 2^16 (about 13 MB of
    /// entries, plus the surfaces and 1 MB of slots).
    pub const CAPACITY: usize = (1 << 16) / 8 * 7;

    /// Number of slots: twice the most entries ever stored ([`FeatureCache::MAX_ENTRIES`]),
    /// so that a probe always meets an empty slot.
    const SLOTS: usize = 1 << 17;

    /// Entries beyond this are not stored (only a sentence longer than
    /// `MAX_ENTRIES - CAPACITY` tokens gets there).
    const MAX_ENTRIES: usize = Self::SLOTS / 2;

    /// Most bytes of surfaces remembered before the cache is emptied; a surface that would
    /// go beyond `u32::MAX` is not stored.
    const SURFACE_BYTES: usize = 1 << 24;

    /// Number of surfaces remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Empties the cache when the sentence `surfaces` could take it beyond
    /// [`FeatureCache::CAPACITY`] surfaces or [`FeatureCache::SURFACE_BYTES`] bytes.
    fn make_room(&mut self, surfaces: &[&str]) {
        if self.entries.len() + surfaces.len() > Self::CAPACITY
            || self.surfaces.len() > Self::SURFACE_BYTES
        {
            self.slots.fill(0);
            self.entries.clear();
            self.surfaces.clear();
        }
    }

    /// The surface of entry `e`.
    fn surface(&self, e: &CachedToken) -> Option<&str> {
        let (start, len) = (e.surface.0 as usize, e.surface.1 as usize);
        self.surfaces.get(start..start + len)
    }

    /// The index of the entry of `surface` (whose [`hash_str`] is `hash`), if stored.
    #[inline]
    fn find(&self, hash: u64, surface: &str) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let tag = hash >> 32;
        let mut pos = hash as usize & mask;
        loop {
            let slot = self.slots[pos];
            if slot == 0 {
                return None;
            }
            if slot >> 32 == tag {
                let index = (slot as u32).wrapping_sub(1);
                if let Some(e) = self.entries.get(index as usize)
                    && self.surface(e) == Some(surface)
                {
                    return Some(index);
                }
            }
            pos = (pos + 1) & mask;
        }
    }

    /// Stores `entry` for `surface` (whose [`hash_str`] is `hash`), unless already stored or
    /// there is no room (see [`FeatureCache::MAX_ENTRIES`]).
    fn insert(&mut self, hash: u64, surface: &str, mut entry: CachedToken) {
        if self.entries.len() >= Self::MAX_ENTRIES || self.find(hash, surface).is_some() {
            return;
        }
        let (Ok(start), Ok(len)) = (
            u32::try_from(self.surfaces.len()),
            u32::try_from(surface.len()),
        ) else {
            return;
        };
        if start.checked_add(len).is_none() {
            return;
        }
        if self.slots.is_empty() {
            self.slots = vec![0; Self::SLOTS];
        }
        entry.surface = (start, len);
        self.surfaces.push_str(surface);
        self.entries.push(entry);
        let mask = self.slots.len() - 1;
        let mut pos = hash as usize & mask;
        while self.slots[pos] != 0 {
            pos = (pos + 1) & mask;
        }
        // Entries stay below MAX_ENTRIES < 2^32 - 1: the index plus one fits the low half.
        self.slots[pos] = (hash >> 32) << 32 | self.entries.len() as u64;
    }

    /// [`prefetch`] of the slot where the probe for `hash` starts.
    #[inline]
    fn prefetch_slot(&self, hash: u64) {
        if !self.slots.is_empty() {
            let pos = hash as usize & (self.slots.len() - 1);
            prefetch(self.slots.as_ptr().wrapping_add(pos).cast());
        }
    }

    /// The entry that the first slot of the probe for `hash` names, when its hash half
    /// matches (read from the slot only).
    #[inline]
    fn first_candidate(&self, hash: u64) -> Option<usize> {
        let slot = *self
            .slots
            .get(hash as usize & self.slots.len().wrapping_sub(1))?;
        (slot != 0 && slot >> 32 == hash >> 32).then(|| (slot as u32).wrapping_sub(1) as usize)
    }

    /// [`prefetch`] of the entry that the first slot of the probe for `hash` names, when its
    /// hash half matches; the entry itself is not read.
    #[inline]
    fn prefetch_entry(&self, hash: u64) {
        if let Some(index) = self.first_candidate(hash) {
            let entry = self.entries.as_ptr().wrapping_add(index);
            prefetch_bytes(entry.cast(), std::mem::size_of::<CachedToken>());
        }
    }

    /// [`prefetch`] of the surface of the entry that the first slot of the probe for `hash`
    /// names (reads the entry: prefetch it first with [`FeatureCache::prefetch_entry`]).
    #[inline]
    fn prefetch_surface(&self, hash: u64) {
        if let Some(e) = self.first_candidate(hash).and_then(|i| self.entries.get(i)) {
            let surface = self.surfaces.as_ptr().wrapping_add(e.surface.0 as usize);
            prefetch_bytes(surface, e.surface.1 as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_features_mark_words_between_quotation_marks() {
        assert!(is_quote("\"") && is_quote("''") && is_quote("\u{201c}") && is_quote("\u{ab}"));
        assert!(!is_quote("") && !is_quote("قسد") && !is_quote("\"قسد"));
        let lex = Lexicon::new();
        let list = EntityList::builtin("ar");
        let mut ex = Extractor::new();
        let (mut rows, mut offsets) = (Vec::new(), Vec::new());
        let sentence = ["لدى", "\u{201c}", "قسد", "\u{201d}", "خطط"];
        let count =
            |ex: &mut Extractor, groups: u32, rows: &mut Vec<u32>, offsets: &mut Vec<u32>| {
                let config = FeatureConfig {
                    groups,
                    bucket_bits: 20,
                };
                ex.extract(&sentence, &lex, &list, config, rows, offsets);
                (0..sentence.len())
                    .map(|i| offsets[i + 1] - offsets[i])
                    .collect::<Vec<u32>>()
            };
        let base = FeatureConfig::default().groups;
        let without = count(&mut ex, base, &mut rows, &mut offsets);
        let with = count(&mut ex, base | group::QUOTE, &mut rows, &mut offsets);
        // Four features for each word next to a quotation mark, none for the marks themselves
        // or for a word with no mark beside it.
        let added: Vec<u32> = with.iter().zip(&without).map(|(a, b)| a - b).collect();
        assert_eq!(added, [4, 0, 4, 0, 4]);
    }

    #[test]
    fn same_word_same_rows_and_groups_switch_off() {
        let lex = Lexicon::new();
        let list = EntityList::builtin("ar");
        let mut ex = Extractor::new();
        let (mut rows, mut offsets) = (Vec::new(), Vec::new());
        let config = FeatureConfig::default();
        ex.extract(
            &["في", "دمشق", "في", "دمشق"],
            &lex,
            &list,
            config,
            &mut rows,
            &mut offsets,
        );
        assert_eq!(offsets.len(), 5);
        let tok = |i: usize| rows[offsets[i] as usize..offsets[i + 1] as usize].to_vec();
        // Same word, different context: the word feature is shared, the context ones are not.
        let a = tok(1);
        let b = tok(3);
        assert_eq!(a[1], b[1]);
        assert_ne!(a, b);
        assert!(rows.iter().all(|&r| r < 1 << config.bucket_bits));
        let word_only = FeatureConfig {
            groups: group::WORD,
            ..config
        };
        ex.extract(&["دمشق"], &lex, &list, word_only, &mut rows, &mut offsets);
        assert_eq!(rows.len(), 2);
        assert_eq!(ex.keys(), ["دمشق"]);
    }

    #[test]
    fn feature_cache_compares_surfaces_and_empties_between_sentences() {
        let entry = |key: u64| {
            let info = TokenInfo {
                key,
                ..TokenInfo::default()
            };
            CachedToken::new(&info, [0; N_TAGS], [[0; N_TAGS]; 4])
        };
        let mut cache = FeatureCache::default();
        assert_eq!(cache.find(7, "a"), None);
        // Three surfaces with one hash: the same first slot, told apart by their text.
        let h = 0x1234_5678_0000_0042;
        cache.insert(h, "a", entry(1));
        cache.insert(h, "b", entry(2));
        cache.insert(h, "", entry(3));
        cache.insert(h, "a", entry(4));
        assert_eq!(
            cache.len(),
            3,
            "a surface already stored is not stored again"
        );
        let key = |c: &FeatureCache, hash: u64, s: &str| {
            c.find(hash, s).map(|i| c.entries[i as usize].key)
        };
        assert_eq!(key(&cache, h, "a"), Some(1));
        assert_eq!(key(&cache, h, "b"), Some(2));
        assert_eq!(key(&cache, h, ""), Some(3));
        assert_eq!(key(&cache, h, "c"), None);
        assert_eq!(
            key(&cache, h ^ 1 << 40, "a"),
            None,
            "other hash, same first slot"
        );
        // Emptied only when the next sentence could take it beyond its capacity.
        let sentence = vec!["x"; FeatureCache::CAPACITY];
        cache.make_room(&sentence[..FeatureCache::CAPACITY - 3]);
        assert_eq!(key(&cache, h, "b"), Some(2));
        cache.make_room(&sentence[..FeatureCache::CAPACITY - 2]);
        assert!(cache.is_empty());
        assert_eq!(key(&cache, h, "b"), None);
    }

    #[test]
    fn history_remembers_a_window_of_sentences() {
        let mut h = History::default();
        h.push(vec![(7, 0), (7, 0), (7, 1)]);
        assert_eq!(h.best(7), Some((0, 2)));
        assert_eq!(h.best(8), None);
        for _ in 0..HISTORY_SENTENCES {
            h.push(Vec::new());
        }
        assert_eq!(h.best(7), None);
        h.push(vec![(9, 3)]);
        h.clear();
        assert_eq!(h.best(9), None);
    }

    #[test]
    fn core_grams_mark_the_word_ends() {
        let mut a = [0u64; 2 + MAX_CORE_TRIGRAMS];
        let mut b = a;
        // ^دم دمش مشق شق$ after the 3-prefix and 3-suffix.
        assert_eq!(core_grams("دمشق", &mut a), 6);
        assert_eq!(core_grams("مشق", &mut b), 5);
        assert_eq!(a[1], b[1], "same last three letters");
        assert_eq!(a[5], b[4], "same final trigram");
        assert!(!b[2..5].contains(&a[3]), "دمش is not in مشق");
        assert_eq!(core_grams("ب", &mut a), 3);
        let long = "ابتثجحخدذرزس";
        assert_eq!(usize::from(core_grams(long, &mut a)), 2 + MAX_CORE_TRIGRAMS);
    }

    #[test]
    fn affixes_count_code_points() {
        assert_eq!(prefix_hash("دمشق", 2), prefix_hash("دمر", 2));
        assert_eq!(suffix_hash("london", 3), suffix_hash("hendon", 3));
        assert_ne!(prefix_hash("ab", 1), suffix_hash("ab", 1));
        assert_eq!(prefix_hash("a", 3), prefix_hash("a", 3));
    }
}
