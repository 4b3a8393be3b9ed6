//! Word knowledge learned from unlabelled text, looked up by the hash of a word's matching key:
//! a frequency band (from the `wordfreq` lists shipped in `models/lexicon/`) and a word cluster
//! (from [`crate::ner::clusters`], computed on the raw text of the corpora in `../shared/data`).
//!
//! The lexicon also decides how to read a word with proclitics: [`Lexicon::best_split`] keeps a
//! proclitic reading only when the rest is a more frequent word than the whole (والعراق →
//! العراق, but لبنان stays لبنان).

use crate::ner::hash::{FxHashMap, hash_str};
use crate::ner::text::{for_each_proclitic_split, match_key};

/// The bit of a `freq` entry that marks a word of the personal-name list
/// ([`Lexicon::add_names`]); the band itself is at most 80 and lives in the low 7 bits.
const NAME_FLAG: u8 = 0x80;

/// Frequency band, cluster and personal-name membership of words, keyed by
/// `hash_str(match_key(word))`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    /// Zipf frequency × 10 (1..=80) in the low 7 bits, absent words have band 0; the
    /// [`NAME_FLAG`] bit marks words of the personal-name list.
    freq: FxHashMap<u64, u8>,
    /// Cluster code of each clustered word: the path in the cluster tree as bits, most
    /// significant first, behind a leading 1 bit (so that `1` is the root).
    clusters: FxHashMap<u64, u32>,
    /// What labelled training text said about each core word ([`Lexicon::memory`]): a code
    /// made by [`memory_code`]; empty unless the model has the `gaz` feature group.
    memory: FxHashMap<u64, u8>,
}

/// How often a core word was seen in labelled training text: outside any mention, and inside
/// mentions of each label (index 0..4) as their first word and as a later word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordCounts {
    /// Occurrences outside mentions.
    pub outside: u32,
    /// Occurrences as the first word of a mention, by label index.
    pub begin: [u32; 4],
    /// Occurrences as a later word of a mention, by label index.
    pub inside: [u32; 4],
}

/// The memory key of two adjacent core words (hashes) seen from one of them: `side` 0 for
/// the counts of the first word's tags, 1 for the second's.
#[inline]
pub fn pair_key(first: u64, second: u64, side: u64) -> u64 {
    crate::ner::hash::mix(crate::ner::hash::combine(
        crate::ner::hash::combine(first, second),
        0x7061_6972 + side,
    ))
}

/// Packs [`WordCounts`] into one byte ([`Lexicon::memory`]): 0 for no occurrence; a word never
/// inside a mention gives `0x40 | n` with `n` its count bucket (1, 2–4, 5–19, 20+ → 0..3); a
/// word inside mentions gives `0x80 | label << 5 | mostly_first << 4 | share << 2 | n`, with
/// `label` its most frequent label, `mostly_first` whether it began mentions at least as often
/// as it continued them, `share` the bucket of its share of occurrences inside mentions
/// (< 1/3, < 2/3, < 1, all) and `n` the bucket of its count inside mentions.
pub fn memory_code(c: &WordCounts) -> u8 {
    let bucket = |n: u32| -> u8 {
        match n {
            0 | 1 => 0,
            2..=4 => 1,
            5..=19 => 2,
            _ => 3,
        }
    };
    let per_label: [u32; 4] = std::array::from_fn(|l| c.begin[l] + c.inside[l]);
    let inside: u32 = per_label.iter().sum();
    if inside == 0 {
        return if c.outside == 0 {
            0
        } else {
            0x40 | bucket(c.outside)
        };
    }
    let label = (0..4).max_by_key(|&l| (per_label[l], 4 - l)).unwrap_or(0);
    let total = inside + c.outside;
    let share = if inside == total {
        3
    } else if 3 * inside >= 2 * total {
        2
    } else if 3 * inside >= total {
        1
    } else {
        0
    };
    let first = u8::from(c.begin[label] >= c.inside[label]);
    0x80 | (label as u8) << 5 | first << 4 | share << 2 | bucket(inside)
}

/// How a word reads once its proclitics are set aside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    /// Code points of the key taken by proclitics (0: none).
    pub stripped: usize,
    /// The rest of the key (the whole key when nothing was stripped).
    pub rest: &'a str,
}

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Lexicon::default()
    }

    /// Adds the words of a `wordfreq` export (`word<TAB>zipf×10` lines, `#` comments). Words
    /// with the same matching key keep the highest band.
    pub fn add_wordfreq_tsv(&mut self, text: &str, origin: &str) -> Result<(), String> {
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (word, band) = line
                .split_once('\t')
                .ok_or_else(|| format!("{origin}:{}: expected `word<TAB>band`", n + 1))?;
            let band: u8 = band
                .trim()
                .parse()
                .map_err(|_| format!("{origin}:{}: bad band `{band}`", n + 1))?;
            if band >= NAME_FLAG {
                return Err(format!("{origin}:{}: band `{band}` above 127", n + 1));
            }
            let slot = self.freq.entry(hash_str(&match_key(word))).or_insert(0);
            *slot = (*slot & NAME_FLAG) | (*slot & !NAME_FLAG).max(band);
        }
        Ok(())
    }

    /// Marks the words of a personal-name list (one name word per line, first tab-separated
    /// column; `#` comments) as names (see [`Lexicon::is_name`]). Returns how many lines were read.
    pub fn add_names(&mut self, text: &str) -> usize {
        let mut n = 0;
        for line in text.lines() {
            let word = line.split('\t').next().unwrap_or("").trim();
            if word.is_empty() || word.starts_with('#') {
                continue;
            }
            *self.freq.entry(hash_str(&match_key(word))).or_insert(0) |= NAME_FLAG;
            n += 1;
        }
        n
    }

    /// Whether the word with this key hash is in the personal-name list.
    #[inline]
    pub fn is_name(&self, key_hash: u64) -> bool {
        self.freq
            .get(&key_hash)
            .is_some_and(|&v| v & NAME_FLAG != 0)
    }

    /// Replaces the memory of labelled text (see [`Lexicon::memory`]) by the codes of these
    /// counts, keyed by the hash of a core word.
    pub fn set_memory<'a>(&mut self, counts: impl IntoIterator<Item = (&'a u64, &'a WordCounts)>) {
        self.memory = counts
            .into_iter()
            .map(|(&k, c)| (k, memory_code(c)))
            .filter(|&(_, code)| code != 0)
            .collect();
    }

    /// Adds, of these counts (keyed by [`pair_key`]), the codes of the pairs that were inside
    /// mentions (code `0x80` and above) to the memory.
    pub fn add_pair_memory<'a>(
        &mut self,
        counts: impl IntoIterator<Item = (&'a u64, &'a WordCounts)>,
    ) {
        for (&k, c) in counts {
            let code = memory_code(c);
            if code & 0x80 != 0 {
                self.memory.insert(k, code);
            }
        }
    }

    /// What labelled training text said about a core word (by hash): a [`memory_code`], 0 when
    /// the word was not seen (or the model keeps no memory).
    #[inline]
    pub fn memory(&self, core_hash: u64) -> u8 {
        self.memory.get(&core_hash).copied().unwrap_or(0)
    }

    /// Whether the lexicon holds a memory of labelled text.
    pub fn has_memory(&self) -> bool {
        !self.memory.is_empty()
    }

    /// Serialises the memory of labelled text alone (a section of its own in the model file,
    /// so that files without it keep their layout).
    pub fn write_memory_to(&self, out: &mut Vec<u8>) {
        write_byte_map(&self.memory, out);
    }

    /// Reads the section written by [`Lexicon::write_memory_to`] from the front of `input`,
    /// advancing it.
    pub fn read_memory_from(&mut self, input: &mut &[u8]) -> Result<(), String> {
        self.memory.clear();
        read_byte_map(input, &mut self.memory)
    }

    /// Sets the cluster code of a word (see [`Lexicon::cluster`]).
    pub fn set_cluster(&mut self, key: &str, code: u32) {
        self.clusters.insert(hash_str(key), code);
    }

    /// Number of words with a frequency band, and number with a cluster.
    pub fn sizes(&self) -> (usize, usize) {
        (self.freq.len(), self.clusters.len())
    }

    /// The frequency band of a key hash (0 when unknown).
    #[inline]
    pub fn freq(&self, key_hash: u64) -> u8 {
        self.freq.get(&key_hash).map_or(0, |&v| v & !NAME_FLAG)
    }

    /// The cluster code of a key hash, when the word was clustered.
    #[inline]
    pub fn cluster(&self, key_hash: u64) -> Option<u32> {
        self.clusters.get(&key_hash).copied()
    }

    /// The most plausible reading of `key` as proclitics + rest: the proclitic reading whose rest
    /// is the most frequent word, when that rest is more frequent than the whole key; otherwise
    /// the whole key. `buf` is scratch space that may hold the returned rest.
    pub fn best_split<'a>(&self, key: &'a str, buf: &'a mut String) -> Split<'a> {
        if crate::tokenize::is_unsplit_word(key) {
            return Split {
                stripped: 0,
                rest: key,
            };
        }
        let whole = self.freq(hash_str(key));
        let mut best: Option<(usize, u8)> = None;
        let mut scratch = String::new();
        for_each_proclitic_split(key, &mut scratch, |stripped, rest| {
            let band = self.freq(hash_str(rest));
            if band > whole && best.is_none_or(|(_, b)| band > b) {
                best = Some((stripped, band));
                buf.clear();
                buf.push_str(rest);
            }
        });
        match best {
            None => Split {
                stripped: 0,
                rest: key,
            },
            Some((stripped, _)) => Split {
                stripped,
                rest: buf.as_str(),
            },
        }
    }

    /// Serialises the lexicon (little-endian counts, hashes and values).
    pub fn write_to(&self, out: &mut Vec<u8>) {
        write_byte_map(&self.freq, out);
        let mut clusters: Vec<(u64, u32)> = self.clusters.iter().map(|(k, v)| (*k, *v)).collect();
        clusters.sort_unstable();
        out.extend_from_slice(&(clusters.len() as u64).to_le_bytes());
        for (k, v) in clusters {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
    }

    /// Reads a lexicon written by [`Lexicon::write_to`] from the front of `input`, advancing it.
    pub fn read_from(input: &mut &[u8]) -> Result<Self, String> {
        let mut lex = Lexicon::new();
        read_byte_map(input, &mut lex.freq)?;
        let n = read_u64(input)? as usize;
        lex.clusters.reserve(n.min(1 << 24));
        for _ in 0..n {
            let k = read_u64(input)?;
            let v = u32::from_le_bytes(read_bytes::<4>(input)?);
            lex.clusters.insert(k, v);
        }
        Ok(lex)
    }
}

/// Writes a hash → byte map as its length and its entries in key order (little-endian), so the
/// same map always gives the same bytes.
fn write_byte_map(map: &FxHashMap<u64, u8>, out: &mut Vec<u8>) {
    let mut entries: Vec<(u64, u8)> = map.iter().map(|(k, v)| (*k, *v)).collect();
    entries.sort_unstable();
    out.extend_from_slice(&(entries.len() as u64).to_le_bytes());
    for (k, v) in entries {
        out.extend_from_slice(&k.to_le_bytes());
        out.push(v);
    }
}

/// Reads a map written by [`write_byte_map`] from the front of `input` into `map`, advancing it.
fn read_byte_map(input: &mut &[u8], map: &mut FxHashMap<u64, u8>) -> Result<(), String> {
    let n = read_u64(input)? as usize;
    map.reserve(n.min(1 << 24));
    for _ in 0..n {
        let k = read_u64(input)?;
        let v = read_bytes::<1>(input)?[0];
        map.insert(k, v);
    }
    Ok(())
}

/// Takes `N` bytes off the front of `input`.
pub(crate) fn read_bytes<const N: usize>(input: &mut &[u8]) -> Result<[u8; N], String> {
    if input.len() < N {
        return Err("model file is truncated".to_string());
    }
    let mut out = [0u8; N];
    out.copy_from_slice(&input[..N]);
    *input = &input[N..];
    Ok(out)
}

/// Takes a little-endian u64 off the front of `input`.
pub(crate) fn read_u64(input: &mut &[u8]) -> Result<u64, String> {
    Ok(u64::from_le_bytes(read_bytes::<8>(input)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        let mut lex = Lexicon::new();
        lex.add_wordfreq_tsv(
            "# test\nالعراق\t55\nوالعراق\t35\nلبنان\t50\nبنان\t20\nقوات\t52\nالإمارات\t48\n",
            "t",
        )
        .unwrap();
        lex
    }

    #[test]
    fn splits_only_when_the_rest_is_more_frequent() {
        let lex = lexicon();
        let mut buf = String::new();
        let s = lex.best_split("والعراق", &mut buf);
        assert_eq!((s.stripped, s.rest), (1, "العراق"));
        let s = lex.best_split("لبنان", &mut buf);
        assert_eq!((s.stripped, s.rest), (0, "لبنان"));
        let s = lex.best_split("لقوات", &mut buf);
        assert_eq!((s.stripped, s.rest), (1, "قوات"));
        let key = match_key("وللإمارات");
        let s = lex.best_split(&key, &mut buf);
        assert_eq!((s.stripped, s.rest), (2, "الامارات"));
    }

    #[test]
    fn round_trips_and_rejects_truncation() {
        let mut lex = lexicon();
        lex.set_cluster("دمشق", 0b1011);
        let mut bytes = Vec::new();
        lex.write_to(&mut bytes);
        let back = Lexicon::read_from(&mut bytes.as_slice()).unwrap();
        assert_eq!(back, lex);
        assert_eq!(back.cluster(hash_str("دمشق")), Some(0b1011));
        assert!(Lexicon::read_from(&mut &bytes[..bytes.len() - 1]).is_err());
        assert!(lex.add_wordfreq_tsv("x\ty\n", "t").is_err());
        assert!(lex.add_wordfreq_tsv("x\t128\n", "t").is_err());
    }

    #[test]
    fn memory_codes_say_label_share_and_count() {
        let never = WordCounts::default();
        assert_eq!(memory_code(&never), 0);
        let outside = WordCounts {
            outside: 7,
            ..WordCounts::default()
        };
        assert_eq!(memory_code(&outside), 0x40 | 2);
        // Three times the first word of a PER mention, never outside one.
        let first_name = WordCounts {
            begin: [3, 0, 0, 0],
            ..WordCounts::default()
        };
        assert_eq!(memory_code(&first_name), 0x80 | 0x10 | 3 << 2 | 1);
        // Mostly a later word of LOC mentions, 6 of 16 occurrences inside mentions.
        let loc = WordCounts {
            outside: 10,
            begin: [0, 1, 0, 0],
            inside: [0, 5, 0, 0],
        };
        assert_eq!(memory_code(&loc), 0x80 | 1 << 5 | 1 << 2 | 2);
        let mut lex = lexicon();
        let counts: FxHashMap<u64, WordCounts> =
            [(hash_str("a"), first_name), (hash_str("b"), never)]
                .into_iter()
                .collect();
        lex.set_memory(&counts);
        assert!(lex.has_memory());
        assert_eq!(lex.memory(hash_str("a")), memory_code(&first_name));
        assert_eq!(lex.memory(hash_str("b")), 0);
        let mut bytes = Vec::new();
        lex.write_memory_to(&mut bytes);
        let mut back = lexicon();
        back.read_memory_from(&mut bytes.as_slice()).unwrap();
        assert_eq!(back, lex);
        assert!(
            back.read_memory_from(&mut &bytes[..bytes.len() - 1])
                .is_err()
        );
    }

    #[test]
    fn name_marks_keep_the_bands_and_survive_the_file() {
        let mut lex = lexicon();
        // Before and after the frequency list: the band is kept either way.
        let mut lex2 = Lexicon::new();
        assert_eq!(lex2.add_names("# names\nسميرة\nلبنان\tignored\n\n"), 2);
        lex2.add_wordfreq_tsv("لبنان\t50\n", "t").unwrap();
        assert_eq!(lex.add_names("لبنان\nسميره\n"), 2);
        for l in [&lex, &lex2] {
            assert_eq!(l.freq(hash_str("لبنان")), 50);
            assert!(l.is_name(hash_str("لبنان")));
            // Matching keys: ة and ه meet.
            assert!(l.is_name(hash_str(&match_key("سميرة"))));
            assert_eq!(l.freq(hash_str(&match_key("سميرة"))), 0);
            assert!(!l.is_name(hash_str("العراق")));
        }
        let mut bytes = Vec::new();
        lex.write_to(&mut bytes);
        let back = Lexicon::read_from(&mut bytes.as_slice()).unwrap();
        assert!(back.is_name(hash_str("لبنان")));
        assert_eq!(back.freq(hash_str("العراق")), 55);
    }
}
