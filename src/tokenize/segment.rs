//! Arabic clitic segmentation in the Universal Dependencies Arabic (PADT) convention: a surface
//! word splits into proclitics (conjunctions `و` `ف`, prepositions `ب` `ل` `ك`, future `س`),
//! a stem, and one pronoun enclitic (`ه ها هم هما هن ك كم كما كن ني نا`). The article `ال`
//! stays on the stem; after `ل` its alef is not written (`للسلطة` → `ل` + `لسلطة`). Segments are
//! pieces of the surface: they concatenate to the word exactly.
//!
//! The choice among possible analyses is made by a model learned from word counts, not by
//! letter rules alone: an analysis `P + s + E` scores `log rate(P) + log rate(E) + log f(s)`
//! against `log f(w)` for the whole word, where `f` is the relative frequency of a word (the
//! wordfreq Arabic list plus ANERcorp training words missing from it) and `rate(X)` is how often
//! words are written with clitic `X` attached compared with alone, estimated from the same counts
//! (`scripts/learn_arabic_clitics.py`, run by `make tokenize-data`). A word is split only when a
//! split analysis beats the whole word, which keeps `وزير`, `بلد`, `كتاب` and `فيلم` whole: their
//! would-be stems are rare. A proclitic followed by the article on a known word is always split
//! (the article cannot follow anything else inside a word). Prepositions `ل` `ب` followed by a
//! pronoun (`له`, `بها`)
//! are always split: they are a closed class.

use super::chars::{TATWEEL, is_arabic_letter, is_arabic_mark};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// Longest word (in letters) the segmenter analyses; longer words are left whole.
const MAX_LETTERS: usize = 40;
/// Added to the score of an analysis whose stem is a known word with the article `ال` after a
/// proclitic: the article cannot follow anything but proclitics inside a word, so such splits
/// win over the whole word however frequent the fixed combination is (`بالنسبة`).
const ARTICLE_BONUS: f32 = 30.0;
/// A word is taken for a stem when its form with the article is at least this (log) fraction
/// as frequent as the word itself: ln(0.01).
const ARTICLE_FORM_MIN: f32 = -4.605;
/// Shortest stem (in letters) of a split analysis.
const MIN_STEM: usize = 2;
/// Words never split, whatever the counts say: the acronyms of news agencies that Arabic
/// datelines give in brackets (الرياض (واس), عمان (بترا)), which read as و + اس, ب + ترا, و + ام
/// and و + اع, none of them a word. Letters only, without marks.
const UNSPLIT: [&str; 4] = ["واس", "بترا", "وام", "واع"];

/// Whether `letters` (an Arabic word's letters, without marks) is one of the words never split
/// into clitics (news agencies' acronyms: واس, بترا). The entity stage's own proclitic reading
/// ([`crate::ner::lexicon::Lexicon::best_split`]) keeps them whole too.
pub fn is_unsplit_word(letters: &str) -> bool {
    UNSPLIT.contains(&letters)
}

/// The pronoun enclitics, longest first. The first-person `ي` is left out on purpose: it
/// would cut the very common nisba adjectives (`عربي`, `دولي`); `لي` is handled with the
/// closed-class prepositions.
pub const ENCLITICS: &[&str] = &[
    "هما", "كما", "ها", "هم", "هن", "كم", "كن", "ني", "نا", "ه", "ك",
];

/// The proclitic sequences, as written (conjunction, then preposition or future particle).
pub const PROCLITICS: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "س", "وب", "ول", "وك", "وس", "فب", "فل", "فك", "فس",
];

/// Where a word splits: byte offsets, within the word, of the ends of its segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Segmentation {
    ends: [u16; 4],
    count: u8,
    stem: u8,
}

impl Segmentation {
    /// The segmentation of an unsplit word of `len` bytes.
    fn whole(len: usize) -> Segmentation {
        Segmentation {
            ends: [len as u16, 0, 0, 0],
            count: 1,
            stem: 0,
        }
    }

    /// Whether the word was split into more than one segment.
    pub fn is_split(&self) -> bool {
        self.count > 1
    }

    /// Number of segments (1 when not split).
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Always false: a segmentation has at least one segment.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Where the segments after the first start: byte offsets within the word, increasing and
    /// inside it (none when the word is not split). The segments are the pieces between them,
    /// so they spell the word exactly.
    pub fn cuts(&self) -> impl Iterator<Item = usize> + use<> {
        let ends = self.ends;
        (0..usize::from(self.count).saturating_sub(1)).map(move |k| usize::from(ends[k]))
    }

    /// The segments of `word` (the same word that was segmented), in order.
    pub fn segments<'w>(&self, word: &'w str) -> impl Iterator<Item = &'w str> + 'w {
        let ends = self.ends;
        (0..self.count as usize).map(move |k| {
            let start = if k == 0 { 0 } else { ends[k - 1] as usize };
            word.get(start..ends[k] as usize).unwrap_or("")
        })
    }

    /// The stem of `word`: the segment left when proclitics and enclitics are removed.
    pub fn stem<'w>(&self, word: &'w str) -> &'w str {
        self.segments(word).nth(self.stem as usize).unwrap_or(word)
    }
}

/// FNV-1a, a fast hash for the short keys of the lexicon.
#[derive(Default, Debug)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf29ce484222325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        self.0 = h;
    }
}

type FastMap<V> = HashMap<Box<str>, V, BuildHasherDefault<Fnv>>;

/// The learned Arabic segmenter: word frequencies plus clitic probabilities.
#[derive(Debug, Clone)]
pub struct ArabicSegmenter {
    /// log frequency of each (normalised) word.
    words: FastMap<f32>,
    /// score of each proclitic sequence of [`PROCLITICS`] (same order); `None` when unknown.
    prefixes: [Option<f32>; PROCLITICS.len()],
    /// score of each enclitic of [`ENCLITICS`] (same order); `None` when unknown.
    suffixes: [Option<f32>; ENCLITICS.len()],
    /// score of a word that is not in the lexicon, as a whole.
    unknown: f32,
}

/// The lexicon shipped with nahr (see data/wordfreq/SOURCE.md and data/tokenize/SOURCE.md).
const BUILTIN_WORDS: &str = include_str!("../../data/wordfreq/ar.tsv");
const BUILTIN_CLITICS: &str = include_str!("../../data/tokenize/ar-clitics.tsv");

/// The lookup key of a word: its letters with marks and tatweel dropped. Letters are not
/// folded: hamza and alef maqsura distinguish words the segmenter must tell apart (`كأن`/`كان`).
fn lookup_key(word: &str) -> String {
    word.chars()
        .filter(|&c| !is_arabic_mark(c) && c != TATWEEL)
        .collect()
}

impl ArabicSegmenter {
    /// The segmenter built from the lexicon compiled into nahr, loaded once.
    pub fn builtin() -> &'static ArabicSegmenter {
        static BUILTIN: OnceLock<ArabicSegmenter> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The built-in files are part of the source tree and tested to parse.
            ArabicSegmenter::from_tsv(BUILTIN_WORDS, BUILTIN_CLITICS)
                .unwrap_or_else(|_| ArabicSegmenter::empty())
        })
    }

    /// A segmenter that knows no words: it splits only the closed-class prepositions.
    pub fn empty() -> ArabicSegmenter {
        ArabicSegmenter {
            words: FastMap::default(),
            prefixes: [None; PROCLITICS.len()],
            suffixes: [None; ENCLITICS.len()],
            unknown: 0.0,
        }
    }

    /// Builds a segmenter from a word list (`word<TAB>count` lines; `#` lines are comments) and
    /// a clitic model (`prefix|suffix<TAB>clitic<TAB>log-probability`, `word<TAB>w<TAB>count`
    /// for extra words, `unknown<TAB><TAB>score`).
    pub fn from_tsv(word_counts: &str, clitics: &str) -> Result<ArabicSegmenter, String> {
        let mut counts: FastMap<f64> = FastMap::default();
        let mut add = |word: &str, count: &str, line: usize| -> Result<(), String> {
            let n: f64 = count
                .trim()
                .parse()
                .map_err(|_| format!("line {line}: bad count `{count}`"))?;
            *counts
                .entry(lookup_key(word).into_boxed_str())
                .or_insert(0.0) += n;
            Ok(())
        };
        for (k, line) in word_counts.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let (w, c) = line
                .split_once('\t')
                .ok_or_else(|| format!("word list line {}: no tab", k + 1))?;
            add(w, c, k + 1)?;
        }
        let mut prefixes = [None; PROCLITICS.len()];
        let mut suffixes = [None; ENCLITICS.len()];
        let mut unknown = None;
        for (k, line) in clitics.lines().enumerate() {
            if line.starts_with('#') || line.is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(kind), Some(key), Some(value)) = (cols.next(), cols.next(), cols.next())
            else {
                return Err(format!(
                    "clitic model line {}: expected three columns",
                    k + 1
                ));
            };
            if kind == "word" {
                add(key, value, k + 1)?;
                continue;
            }
            let v: f32 = value
                .trim()
                .parse()
                .map_err(|_| format!("clitic model line {}: bad number", k + 1))?;
            match kind {
                "prefix" => {
                    let k = PROCLITICS.iter().position(|&p| p == key);
                    let k = k.ok_or_else(|| format!("clitic model: unknown proclitic `{key}`"))?;
                    prefixes[k] = Some(v);
                }
                "suffix" => {
                    let k = ENCLITICS.iter().position(|&e| e == key);
                    let k = k.ok_or_else(|| format!("clitic model: unknown enclitic `{key}`"))?;
                    suffixes[k] = Some(v);
                }
                "unknown" => unknown = Some(v),
                other => {
                    return Err(format!(
                        "clitic model line {}: unknown kind `{other}`",
                        k + 1
                    ));
                }
            }
        }
        let total: f64 = counts.values().sum::<f64>().max(1.0);
        let words = counts
            .into_iter()
            .map(|(w, c)| (w, (c / total).ln() as f32))
            .collect();
        Ok(ArabicSegmenter {
            words,
            prefixes,
            suffixes,
            unknown: unknown.ok_or("clitic model: no `unknown` line")?,
        })
    }

    /// Number of words in the lexicon.
    pub fn lexicon_len(&self) -> usize {
        self.words.len()
    }

    /// Log frequency of a normalised word, if known.
    fn word_score(&self, key: &str) -> Option<f32> {
        self.words.get(key).copied()
    }

    /// Whether `stem` is known with one of the common third-person pronouns other than `used`.
    fn takes_another_pronoun(&self, stem: &str, used: &str) -> bool {
        let mut buf = [0u8; MAX_LETTERS * 2 + 6];
        if stem.len() + 6 > buf.len() {
            return false;
        }
        buf[..stem.len()].copy_from_slice(stem.as_bytes());
        ["ه", "ها", "هم"].iter().any(|&pronoun| {
            if pronoun == used {
                return false;
            }
            buf[stem.len()..stem.len() + pronoun.len()].copy_from_slice(pronoun.as_bytes());
            std::str::from_utf8(&buf[..stem.len() + pronoun.len()])
                .is_ok_and(|form| self.words.contains_key(form))
        })
    }

    /// Log frequency of `ال` + `key`, if that word is known.
    fn article_form_score(&self, key: &str) -> Option<f32> {
        let mut buf = [0u8; MAX_LETTERS * 2 + 4];
        if key.len() + 4 > buf.len() {
            return None;
        }
        buf[..4].copy_from_slice("ال".as_bytes());
        buf[4..4 + key.len()].copy_from_slice(key.as_bytes());
        std::str::from_utf8(&buf[..4 + key.len()])
            .ok()
            .and_then(|k| self.word_score(k))
    }

    /// Score of a candidate stem: its own frequency, or that of the form it stands for.
    /// Before an enclitic, a final `ت` `ي` `ؤ` `ئ` may be the written form of `ة` `ى` `ء` `ء`
    /// (`حياتنا` = `حياة` + `نا`, `عليه` = `على` + `ه`); after the preposition `ل` a stem
    /// starting with `ل` may be an article whose alef is not written (`للسلطة`). The flag
    /// tells whether the stem carries the article.
    fn stem_score(
        &self,
        stem: &str,
        after_lam: bool,
        before_enclitic: bool,
    ) -> Option<(f32, bool)> {
        let mut best = self
            .word_score(stem)
            .map(|s| (s, stem.starts_with("ال") && stem.len() > 6));
        let mut consider = |candidate: Option<f32>, article: bool| {
            if let Some(c) = candidate
                && best.is_none_or(|(b, _)| c > b)
            {
                best = Some((c, article));
            }
        };
        let mut buf = [0u8; MAX_LETTERS * 2 + 2];
        if before_enclitic && stem.len() >= 4 {
            let (head, last) = stem.split_at(stem.len() - 2);
            let restored = match last {
                "ت" => Some("ة"),
                "ي" => Some("ى"),
                "ؤ" | "ئ" => Some("ء"),
                _ => None,
            };
            if let Some(r) = restored {
                buf[..head.len()].copy_from_slice(head.as_bytes());
                buf[head.len()..head.len() + 2].copy_from_slice(r.as_bytes());
                if let Ok(form) = std::str::from_utf8(&buf[..head.len() + 2]) {
                    consider(self.word_score(form), false);
                }
            }
        }
        if after_lam && stem.starts_with('ل') && stem.len() + 2 <= buf.len() {
            buf[..2].copy_from_slice("ا".as_bytes());
            buf[2..2 + stem.len()].copy_from_slice(stem.as_bytes());
            if let Ok(form) = std::str::from_utf8(&buf[..2 + stem.len()]) {
                consider(self.word_score(form), true);
            }
        }
        best
    }

    /// Segments an Arabic word (a surface token without spaces). Words that hold anything but
    /// Arabic letters and marks, or are too short, come back whole.
    pub fn segment(&self, word: &str) -> Segmentation {
        let whole = Segmentation::whole(word.len());
        if word.len() > u16::MAX as usize || word.len() < 4 {
            return whole;
        }
        // The letters of the word without marks and tatweel (the lookup key), and where each
        // letter starts in the surface.
        let mut starts = [0u16; MAX_LETTERS + 1];
        let mut key_buf = [0u8; MAX_LETTERS * 2];
        let mut letters = ['\0'; MAX_LETTERS];
        let mut n = 0usize;
        for (pos, c) in word.char_indices() {
            if is_arabic_mark(c) || c == TATWEEL {
                continue;
            }
            if !is_arabic_letter(c) || n == MAX_LETTERS || c.len_utf8() != 2 {
                return whole;
            }
            starts[n] = pos as u16;
            letters[n] = c;
            c.encode_utf8(&mut key_buf[2 * n..2 * n + 2]);
            n += 1;
        }
        starts[n] = word.len() as u16;
        if n < 2 {
            return whole;
        }
        let Ok(full) = std::str::from_utf8(&key_buf[..2 * n]) else {
            return whole;
        };
        if is_unsplit_word(full) {
            return whole;
        }
        // Every letter is two bytes in the key.
        let slice = |a: usize, b: usize| &full[2 * a..2 * b];
        let letter = |k: usize| letters[k];

        // Closed class: [conjunction] + ل/ب + pronoun (له، بها، ولهم، فلي). The rare pronouns
        // كن، كما، ني are left out: لكن (but) and بكما would collide with them.
        let conj = usize::from(matches!(letter(0), 'و' | 'ف') && n >= 3);
        for c in if conj == 1 { [1, 0] } else { [0, 0] } {
            if n > c + 1 && n - c - 1 <= 3 && matches!(letter(c), 'ل' | 'ب') {
                let rest = &letters[c + 1..n];
                if enclitic_index(rest).is_some_and(|k| {
                    ENCLITICS[k] != "كن" && ENCLITICS[k] != "كما" && ENCLITICS[k] != "ني"
                }) || (rest == ['ي'] && letter(c) == 'ل')
                {
                    return make(&starts, n, c, c + 1, word.len());
                }
            }
        }

        // The possible proclitic sequences (letters, score) and enclitics, from the letters alone.
        let mut pre: [(usize, f32); 3] = [(0, 0.0); 3];
        let mut n_pre = 1;
        for p in 1..=2usize.min(n - MIN_STEM) {
            let Some(k) = proclitic_index(&letters[..p]) else {
                break;
            };
            // The future particle goes only before an imperfective verb.
            if letter(p - 1) == 'س' && !matches!(letter(p), 'ي' | 'ت' | 'ن' | 'أ') {
                continue;
            }
            if let Some(score) = self.prefixes[k] {
                pre[n_pre] = (p, score);
                n_pre += 1;
            }
        }
        let mut suf: [(usize, f32); 4] = [(0, 0.0); 4];
        let mut n_suf = 1;
        for e in 1..=3usize.min(n - MIN_STEM) {
            if let Some(k) = enclitic_index(&letters[n - e..n])
                && let Some(score) = self.suffixes[k]
            {
                suf[n_suf] = (e, score);
                n_suf += 1;
            }
        }
        if n_pre == 1 && n_suf == 1 {
            return whole;
        }

        let whole_score = self.word_score(full);
        let mut best_score = whole_score.unwrap_or(self.unknown);
        let mut best = None;
        for &(p, p_score) in &pre[..n_pre] {
            let after_lam = p > 0 && letter(p - 1) == 'ل';
            for &(e, e_score) in &suf[..n_suf] {
                if (p == 0 && e == 0) || n - p - e < MIN_STEM {
                    continue;
                }
                let Some((s_score, article)) = self.stem_score(slice(p, n - e), after_lam, e > 0)
                else {
                    continue;
                };
                let bonus = if article && p > 0 { ARTICLE_BONUS } else { 0.0 };
                let score = p_score + e_score + s_score + bonus;
                // First and second person pronouns are rare in news text, and their letters
                // end many names: such a split needs the stem to be seen with a third-person
                // pronoun too (كوباني is not كوبا + ني, as no كوباه is known).
                if score > best_score
                    && (e == 0
                        || third_person(slice(n - e, n))
                        || self.takes_another_pronoun(slice(p, n - e), slice(n - e, n)))
                {
                    best_score = score;
                    best = Some((p, e));
                }
            }
        }
        // A word that also occurs with the article is a stem: the article cannot stand before a
        // proclitic or together with a pronoun enclitic (البحر makes بحر a noun, not ب + حر).
        if best.is_some()
            && let Some(w) = whole_score
            && !full.starts_with("ال")
            && self
                .article_form_score(full)
                .is_some_and(|a| a >= w + ARTICLE_FORM_MIN)
        {
            return whole;
        }
        match best {
            None => whole,
            Some((p, e)) => make(&starts, n, p, n - e, word.len()),
        }
    }

    /// The stem of `word` (see [`Segmentation::stem`]).
    pub fn stem<'w>(&self, word: &'w str) -> &'w str {
        self.segment(word).stem(word)
    }
}

/// Whether an enclitic is a third-person pronoun.
fn third_person(enclitic: &str) -> bool {
    matches!(enclitic, "ه" | "ها" | "هم" | "هما" | "هن")
}

/// Position in [`PROCLITICS`] of a proclitic sequence given by its letters.
fn proclitic_index(letters: &[char]) -> Option<usize> {
    let prep = |c: char| match c {
        'ب' => Some(0),
        'ل' => Some(1),
        'ك' => Some(2),
        'س' => Some(3),
        _ => None,
    };
    match *letters {
        ['و'] => Some(0),
        ['ف'] => Some(1),
        ['ب'] => Some(2),
        ['ل'] => Some(3),
        ['ك'] => Some(4),
        ['س'] => Some(5),
        ['و', b] => prep(b).map(|k| 6 + k),
        ['ف', b] => prep(b).map(|k| 10 + k),
        _ => None,
    }
}

/// Position in [`ENCLITICS`] of an enclitic given by its letters.
fn enclitic_index(letters: &[char]) -> Option<usize> {
    match *letters {
        ['ه', 'م', 'ا'] => Some(0),
        ['ك', 'م', 'ا'] => Some(1),
        ['ه', 'ا'] => Some(2),
        ['ه', 'م'] => Some(3),
        ['ه', 'ن'] => Some(4),
        ['ك', 'م'] => Some(5),
        ['ك', 'ن'] => Some(6),
        ['ن', 'ي'] => Some(7),
        ['ن', 'ا'] => Some(8),
        ['ه'] => Some(9),
        ['ك'] => Some(10),
        _ => None,
    }
}

/// Builds a segmentation with one segment per proclitic letter in `0..p`, the stem
/// `p..stem_end` (letters) and the enclitic `stem_end..n` when not empty.
fn make(starts: &[u16], n: usize, p: usize, stem_end: usize, len: usize) -> Segmentation {
    let mut seg = Segmentation::default();
    let mut k = 0;
    for &end in &starts[1..=p] {
        seg.ends[k] = end;
        k += 1;
    }
    seg.stem = k as u8;
    if stem_end < n {
        seg.ends[k] = starts[stem_end];
        k += 1;
    }
    seg.ends[k] = len as u16;
    seg.count = (k + 1) as u8;
    seg
}

/// Segments an Arabic word with the built-in lexicon (see [`ArabicSegmenter::segment`]).
///
/// ```
/// use nahr::tokenize::segment;
/// let word = "لقوات";
/// assert_eq!(segment(word).segments(word).collect::<Vec<_>>(), ["ل", "قوات"]);
/// ```
pub fn segment(word: &str) -> Segmentation {
    ArabicSegmenter::builtin().segment(word)
}

/// The stem of an Arabic word with the built-in lexicon: the word without its proclitics and
/// enclitic (`وبالتحالف` → `التحالف`, `نشرتها` → `نشرت`); other words come back unchanged.
///
/// ```
/// use nahr::tokenize::stem;
/// assert_eq!(stem("وبالتحالف"), "التحالف");
/// assert_eq!(stem("وزير"), "وزير");
/// ```
pub fn stem(word: &str) -> &str {
    ArabicSegmenter::builtin().stem(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clitic_tables_agree_with_the_lists() {
        for (k, p) in PROCLITICS.iter().enumerate() {
            let letters: Vec<char> = p.chars().collect();
            assert_eq!(proclitic_index(&letters), Some(k), "{p}");
        }
        for (k, e) in ENCLITICS.iter().enumerate() {
            let letters: Vec<char> = e.chars().collect();
            assert_eq!(enclitic_index(&letters), Some(k), "{e}");
        }
        assert_eq!(proclitic_index(&['ب', 'ل']), None);
        assert_eq!(enclitic_index(&['ي']), None);
    }

    #[test]
    fn builtin_model_parses_and_segments_the_issue_examples() {
        let words = ArabicSegmenter::from_tsv(BUILTIN_WORDS, BUILTIN_CLITICS)
            .expect("built-in files parse");
        assert!(words.lexicon_len() > 90_000);
        fn seg(w: &str) -> Vec<&str> {
            segment(w).segments(w).collect()
        }
        assert_eq!(seg("وبالتحالف"), ["و", "ب", "التحالف"]);
        assert_eq!(seg("لقوات"), ["ل", "قوات"]);
        assert_eq!(seg("نشرتها"), ["نشرت", "ها"]);
        assert_eq!(seg("للسلطة"), ["ل", "لسلطة"]);
        assert_eq!(seg("ولهم"), ["و", "ل", "هم"]);
        assert_eq!(seg("بِالنِّسبة"), ["بِ", "النِّسبة"]);
        for whole in ["وزير", "بلد", "كتاب", "فيلم", "لكن", "بحر", "سوريا", "كان"]
        {
            assert_eq!(seg(whole), [whole], "{whole} must stay whole");
        }
        assert_eq!(stem("وبالتحالف"), "التحالف");
        assert_eq!(stem("hello"), "hello");
        assert!(!segment("و").is_split());
    }

    #[test]
    fn news_agency_acronyms_stay_whole() {
        // The counts alone read them as و + اس and ب + ترا; بنا ("with us") still splits.
        for word in UNSPLIT {
            assert!(!segment(word).is_split(), "{word}");
        }
        assert!(segment("بنا").is_split());
    }
}
