//! Organisation phrases headed by a generic organisation noun: a head such as قوات, وزارة, حزب,
//! صحيفة (a closed class, `data/lists/org-heads-ar.tsv`) followed by what names it, e.g. a
//! name the model or a list already tagged (حركة طالبان, where طالبان alone was tagged) or
//! definite nisba adjectives (التحالف الدولي).
//!
//! ANERcorp, on which the Arabic model is trained, mostly leaves such heads outside its
//! mentions (جريدة الوفاق is `O B-ORG`, قوات is always `O`), so the model does not learn them;
//! these rules find the longer phrase from the mentions already chosen. Two patterns join
//! nothing: where the model tagged the name after a head `MISC`, they relabel it `ORG` and
//! leave the head outside, as ANERcorp does ([`find_org_relabels`]). These are pure
//! functions over one sentence's matching keys and mentions; the `entities` stage decides
//! which patterns are on (by default [`OrgPattern::HeadNameNisba`] and
//! [`OrgPattern::HeadRelabelDoc`], the patterns that did not lower ANERcorp dev or AQMAR dev
//! F1; models/README.md), replaces the mentions a phrase covers and relabels the others.
//!
//! Heads and the words after them are matched on matching keys ([`match_key`]); a head may
//! carry attached proclitics (و ف ب ل ك, as for the entity lists), which the phrase leaves out
//! (لقوات سوريا الديمقراطية → قوات سوريا الديمقراطية).

use crate::document::EntityLabel;
use crate::ner::hash::FxHashMap;
use crate::ner::lists::tsv_rows;
use crate::ner::text::{for_each_proclitic_split, match_key};

/// The built-in Arabic head nouns (`head<TAB>class`), written by the project.
pub const BUILTIN_HEADS_AR: &str = include_str!("../../data/lists/org-heads-ar.tsv");

/// The domain of a head noun.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeadClass {
    /// Ministries, councils, committees, courts, municipalities.
    Government,
    /// Armies, forces, brigades, militias, police.
    Armed,
    /// Parties, movements, fronts, coalitions.
    Political,
    /// Titled outlets: newspapers, magazines, channels, radio and television. Their name
    /// often is one definite word (جريدة الحياة, قناة الجزيرة).
    Press,
    /// News agencies and networks, whose head often takes a generic genitive instead of a
    /// name (وكالة الأنباء, شبكة الإنترنت).
    Media,
    /// Companies, banks, funds, stock exchanges.
    Economy,
    /// Universities, institutes, academies, faculties.
    Education,
    /// Organisations, associations, unions, foundations, centres, clubs.
    Civil,
}

impl HeadClass {
    /// Whether the head names a press or broadcasting outlet, titled ([`HeadClass::Press`]) or
    /// an agency or network ([`HeadClass::Media`]).
    pub fn is_outlet(self) -> bool {
        matches!(self, HeadClass::Press | HeadClass::Media)
    }

    /// Parses the class column of the head-noun list.
    pub fn parse(s: &str) -> Option<HeadClass> {
        Some(match s {
            "government" => HeadClass::Government,
            "armed" => HeadClass::Armed,
            "political" => HeadClass::Political,
            "press" => HeadClass::Press,
            "media" => HeadClass::Media,
            "economy" => HeadClass::Economy,
            "education" => HeadClass::Education,
            "civil" => HeadClass::Civil,
            _ => return None,
        })
    }
}

/// One way of finding an organisation phrase after a head noun.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgPattern {
    /// `head-name`: an indefinite head (construct state) + a mention that starts right after
    /// it (any label, no proclitic of its own) + any definite nisba adjectives after the
    /// mention: حركة طالبان, قوات سوريا الديمقراطية.
    HeadName,
    /// `head-name-nisba`: as `head-name`, but only when the mention is not itself an `ORG`
    /// and at least one definite nisba adjective follows it (قوات سوريا الديمقراطية, not
    /// حكومة كوبا). An organisation's own name already names it, and a nisba after it is
    /// mostly its nationality (شركة … اليابانية), which ANERcorp leaves out.
    HeadNameNisba,
    /// `head-nisba`: a definite head + one or more definite nisba adjectives, no mention:
    /// التحالف الدولي.
    HeadNisba,
    /// `media-word`: after an indefinite head of a titled outlet ([`HeadClass::Press`]:
    /// newspaper, magazine, channel, radio, television), one definite word that no mention
    /// covers is the outlet's name (جريدة الحياة, قناة الجزيرة). The word alone becomes the
    /// `ORG` phrase; the head stays outside, as ANERcorp leaves it. Agencies and networks are
    /// left out: their head mostly takes a generic noun (وكالة الأنباء, شبكة الإنترنت).
    MediaWord,
    /// `tagged-head`: the head itself is a one-word `ORG` mention followed by a `MISC` or
    /// `ORG` mention: the two become one.
    TaggedHead,
    /// `head-quoted`: an indefinite head + an opening quotation mark + a mention (any label,
    /// no proclitic of its own) + a closing quotation mark right after it: جماعة «بوكو حرام»
    /// becomes one phrase, head and quotation marks included.
    HeadQuoted,
    /// `head-relabel`: no phrase; a `MISC` mention (no proclitic of its own) right after an
    /// indefinite head, or between quotation marks right after it (جماعة «بوكو حرام»), is
    /// relabelled `ORG` with its span unchanged: the head stays outside, as ANERcorp leaves
    /// it ([`find_org_relabels`]).
    HeadRelabel,
    /// `head-relabel-doc`: `head-relabel`, and then every other `MISC` mention of the model in
    /// the document with the same words (proclitics left out) is relabelled `ORG` too, and the
    /// same words left untagged right after another indefinite head (or quoted after it)
    /// become an `ORG` mention (the `entities` stage does this document-level part).
    HeadRelabelDoc,
    /// `media-relabel`: no phrase; a `PER`, `LOC` or `MISC` mention (no proclitic of its own)
    /// right after an indefinite press or broadcasting head, or between quotation marks right
    /// after it, is relabelled `ORG` with its span unchanged (لصحيفة ديلي ميل: the model had
    /// said `PER`). In ANERcorp train a mention right after such a head is `ORG` 66 times in
    /// 68 ([`find_org_relabels`]).
    MediaRelabel,
    /// `education-name`: an indefinite head of a university, institute, academy or faculty
    /// ([`HeadClass::Education`]) + a mention right after it (any label, no proclitic of its
    /// own) become one `ORG` phrase, head included (جامعة جونز هوبكنز, which the model tagged a
    /// person); so do such a head that the model tagged `ORG` on its own and the mention after
    /// it (جامعة + القاهرة tagged `LOC`). ANERcorp takes the head into such names: in its train
    /// set, after جامعة, كلية or معهد and an undefined word, `B-ORG I-ORG` 20 times, `O B-ORG` 6
    /// times (the name alone `ORG`), `O O` once.
    EducationName,
    /// `media-tail`: a name ending in a word that ends the names of news outlets in Arabic
    /// transliteration ([`MEDIA_TAILS`]: نيوز, بوست, تايمز, برس, توداي) is an `ORG`. A mention
    /// of the model that ends in such a word is relabelled `ORG` (its span unchanged); a
    /// one-word mention of the tail alone takes in the word before it when that word is a
    /// one-word mention of its own, or untagged and may start a name (a definite word or an
    /// adjective of origin in ي, not a particle, a head noun, a relative pronoun or a weekday):
    /// المدينة نيوز, عربي بوست, where the model had tagged نيوز and بوست alone `LOC`; otherwise
    /// (after a verb: وقالت تايمز) the tail alone becomes `ORG`. No head noun is
    /// involved. ANERcorp tags these words inside `ORG` names (فرانس برس, نيويورك تايمز,
    /// واشنطن بوست, سكاي نيوز: 18 times `I-ORG` in train and dev) or alone `ORG` after a
    /// quotation mark or a head (3 times).
    MediaTail,
}

impl OrgPattern {
    /// All patterns, in the order they are tried at a head (the relabelling ones run before
    /// the phrases, see [`find_org_relabels`]).
    pub const ALL: [OrgPattern; 11] = [
        OrgPattern::TaggedHead,
        OrgPattern::HeadName,
        OrgPattern::HeadNameNisba,
        OrgPattern::HeadQuoted,
        OrgPattern::HeadNisba,
        OrgPattern::MediaWord,
        OrgPattern::HeadRelabel,
        OrgPattern::HeadRelabelDoc,
        OrgPattern::MediaRelabel,
        OrgPattern::EducationName,
        OrgPattern::MediaTail,
    ];

    /// The pattern's name in options (`head-name`, ...).
    pub fn name(self) -> &'static str {
        match self {
            OrgPattern::HeadName => "head-name",
            OrgPattern::HeadNameNisba => "head-name-nisba",
            OrgPattern::HeadNisba => "head-nisba",
            OrgPattern::MediaWord => "media-word",
            OrgPattern::TaggedHead => "tagged-head",
            OrgPattern::HeadQuoted => "head-quoted",
            OrgPattern::HeadRelabel => "head-relabel",
            OrgPattern::HeadRelabelDoc => "head-relabel-doc",
            OrgPattern::MediaRelabel => "media-relabel",
            OrgPattern::EducationName => "education-name",
            OrgPattern::MediaTail => "media-tail",
        }
    }

    /// Parses a pattern name (see [`OrgPattern::name`]).
    pub fn parse(s: &str) -> Option<OrgPattern> {
        OrgPattern::ALL.into_iter().find(|p| p.name() == s)
    }
}

/// A set of [`OrgPattern`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PatternSet(u16);

impl PatternSet {
    /// The empty set.
    pub const NONE: PatternSet = PatternSet(0);

    /// The set with `p` added.
    pub const fn with(self, p: OrgPattern) -> PatternSet {
        PatternSet(self.0 | 1 << p as u16)
    }

    /// Whether `p` is in the set.
    pub fn has(self, p: OrgPattern) -> bool {
        self.0 & (1 << p as u16) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether a pattern of the set can find a phrase in a sentence without mentions
    /// (`head-nisba`, `media-word`).
    pub fn needs_no_mention(self) -> bool {
        self.has(OrgPattern::HeadNisba) || self.has(OrgPattern::MediaWord)
    }

    /// Whether a pattern of the set relabels mentions (`head-relabel`, `head-relabel-doc`,
    /// `media-relabel`).
    pub fn relabels(self) -> bool {
        self.relabels_misc() || self.has(OrgPattern::MediaRelabel)
    }

    /// Whether a pattern of the set relabels `MISC` mentions after any head (`head-relabel`,
    /// `head-relabel-doc`).
    fn relabels_misc(self) -> bool {
        self.has(OrgPattern::HeadRelabel) || self.has(OrgPattern::HeadRelabelDoc)
    }

    /// Whether a pattern of the set finds phrases (all but the relabelling ones).
    pub fn finds_phrases(self) -> bool {
        OrgPattern::ALL.into_iter().any(|p| {
            self.has(p)
                && !matches!(
                    p,
                    OrgPattern::HeadRelabel | OrgPattern::HeadRelabelDoc | OrgPattern::MediaRelabel
                )
        })
    }

    /// Parses pattern names; an unknown name is an error that lists the known ones.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<PatternSet, String> {
        let mut set = PatternSet::NONE;
        for n in names {
            let Some(p) = OrgPattern::parse(n.as_ref().trim()) else {
                let known: Vec<&str> = OrgPattern::ALL.iter().map(|p| p.name()).collect();
                return Err(format!(
                    "unknown organisation pattern `{}` (known: {})",
                    n.as_ref(),
                    known.join(", ")
                ));
            };
            set = set.with(p);
        }
        Ok(set)
    }
}

/// A head noun found in a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeadHit {
    /// The head's domain.
    pub class: HeadClass,
    /// Code points of proclitics attached to the word and left out of the phrase.
    pub stripped: usize,
    /// The head carries the article (الجيش), so it is not in construct state.
    pub definite: bool,
}

/// The head nouns, keyed by their matching key without the article.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeadNouns {
    by_key: FxHashMap<String, HeadClass>,
    /// Longest key in code points (words longer than this plus proclitics and article are no head).
    max_chars: usize,
    /// The keys of the [`HeadClass::Press`] heads, for a quick test before [`HeadNouns::head_of`].
    press_keys: Vec<String>,
}

impl HeadNouns {
    /// Reads a `head<TAB>class` text (blank lines and `#` lines skipped). `origin` names the
    /// text in error messages.
    pub fn from_tsv(text: &str, origin: &str) -> Result<HeadNouns, String> {
        let mut heads = HeadNouns::default();
        for row in tsv_rows(text, origin, "head<TAB>class") {
            let (n, head, class) = row?;
            let Some(class) = HeadClass::parse(class.trim()) else {
                return Err(format!("{origin}:{n}: unknown class `{}`", class.trim()));
            };
            let key = match_key(head.trim());
            if key.is_empty() || key.contains(' ') {
                return Err(format!("{origin}:{n}: a head is one word"));
            }
            heads.max_chars = heads.max_chars.max(key.chars().count());
            if class == HeadClass::Press {
                heads.press_keys.push(key.clone());
            }
            heads.by_key.insert(key, class);
        }
        Ok(heads)
    }

    /// The built-in Arabic head nouns.
    pub fn builtin_ar() -> HeadNouns {
        // The built-in list is part of the source tree and checked by a test.
        HeadNouns::from_tsv(BUILTIN_HEADS_AR, "built-in head nouns").unwrap_or_default()
    }

    /// How many head nouns there are.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }

    /// Whether a word's matching key may hold a [`HeadClass::Press`] head: it ends with one
    /// (proclitics and the article are prefixes). A cheap test before [`HeadNouns::head_of`].
    pub fn may_be_press_head(&self, key: &str) -> bool {
        self.press_keys.iter().any(|h| key.ends_with(h.as_str()))
    }

    /// Reads a word's matching key as optional proclitics, an optional article and a head
    /// noun. The reading with the fewest proclitics wins. `buf` is scratch space.
    pub fn head_of(&self, key: &str, buf: &mut String) -> Option<HeadHit> {
        // Two proclitics and the article at most: a longer word is no head.
        if self.by_key.is_empty() || key.len() > 2 * (self.max_chars + 4) {
            return None;
        }
        let lookup = |rest: &str| -> Option<(HeadClass, bool)> {
            if let Some(c) = self.by_key.get(rest) {
                return Some((*c, false));
            }
            let bare = rest.strip_prefix("ال")?;
            self.by_key.get(bare).map(|c| (*c, true))
        };
        if let Some((class, definite)) = lookup(key) {
            return Some(HeadHit {
                class,
                stripped: 0,
                definite,
            });
        }
        let mut best: Option<HeadHit> = None;
        for_each_proclitic_split(key, buf, |stripped, rest| {
            if best.is_some_and(|b| b.stripped <= stripped) {
                return;
            }
            if let Some((class, definite)) = lookup(rest) {
                best = Some(HeadHit {
                    class,
                    stripped,
                    definite,
                });
            }
        });
        best
    }
}

/// Definite words ending like a nisba adjective that are not one (relative pronouns, `other`,
/// ordinals and time words), as matching keys.
const NOT_NISBA: [&str; 11] = [
    "الذي",
    "التي",
    "اللذين",
    "اللتين",
    "اللاتي",
    "الاخري",
    "الثاني",
    "الماضي",
    "الحالي",
    "التالي",
    "الجاري",
];

/// Whether a matching key reads as a definite nisba adjective (الديمقراطية, الدولي,
/// الكرديين): the article, at least three letters, and the ending ي, يه (ية), يين or يون.
pub fn is_nisba(key: &str) -> bool {
    let Some(stem) = key.strip_prefix("ال") else {
        return false;
    };
    if stem.chars().count() < 3 || NOT_NISBA.contains(&key) {
        return false;
    }
    ["ي", "يه", "يين", "يون"].iter().any(|e| stem.ends_with(e))
}

/// A mention already chosen in a sentence (by a list or the model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tagged {
    /// First token (index into the sentence).
    pub tok_start: usize,
    /// One past the last token.
    pub tok_end: usize,
    /// The mention's label.
    pub label: EntityLabel,
    /// Code points of proclitics left out of the mention's first word.
    pub stripped: usize,
}

/// An organisation phrase found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrgPhrase {
    /// First token (the head).
    pub tok_start: usize,
    /// One past the last token.
    pub tok_end: usize,
    /// Code points of proclitics attached to the head and left out of the phrase.
    pub stripped: usize,
    /// The pattern that found it.
    pub pattern: OrgPattern,
}

/// Finds organisation phrases in one sentence. `keys[i]` is the matching key of token `i`;
/// `mentions` are the sentence's chosen mentions, sorted and not overlapping. Phrases do not
/// overlap each other; each one covers whole mentions only (a mention is either inside it or
/// outside it), so the caller replaces the mentions inside by the phrase. `buf` is scratch
/// space.
pub fn find_org_phrases(
    heads: &HeadNouns,
    patterns: PatternSet,
    keys: &[&str],
    mentions: &[Tagged],
    buf: &mut String,
) -> Vec<OrgPhrase> {
    let mut out = Vec::new();
    // Only these two patterns need no mention after the head; without them, a word is only
    // looked up when a mention starts right after it.
    let every_word = patterns.needs_no_mention();
    if !patterns.finds_phrases() || heads.is_empty() || (mentions.is_empty() && !every_word) {
        return out;
    }
    let quoted = patterns.has(OrgPattern::HeadQuoted);
    let (head_nisba, media_word) = (
        patterns.has(OrgPattern::HeadNisba),
        patterns.has(OrgPattern::MediaWord),
    );
    // The mention covering each token, if any.
    let mut covering: Vec<Option<usize>> = vec![None; keys.len()];
    for (m, t) in mentions.iter().enumerate() {
        for c in covering.iter_mut().take(t.tok_end).skip(t.tok_start) {
            *c = Some(m);
        }
    }
    // Untagged nisba adjectives from `from` on: the end of the run.
    let nisba_run = |from: usize| {
        let mut k = from;
        while k < keys.len() && covering[k].is_none() && is_nisba(keys[k]) {
            k += 1;
        }
        k
    };
    // A mention starting exactly at token `j`.
    let mention_at = |j: usize| {
        covering
            .get(j)
            .copied()
            .flatten()
            .map(|m| mentions[m])
            .filter(|m| m.tok_start == j)
    };
    // A mention between quotation marks whose opening mark is token `j`.
    let quoted_at = |j: usize| {
        keys.get(j)
            .filter(|k| covering[j].is_none() && is_quote_key(k))
            .and_then(|_| mention_at(j + 1))
            .filter(|n| {
                keys.get(n.tok_end)
                    .is_some_and(|k| covering[n.tok_end].is_none() && is_quote_key(k))
            })
    };
    let media_tail = patterns.has(OrgPattern::MediaTail);
    // The `media-tail` phrase at token `i`, if any.
    let media_tail_at = |i: usize, buf: &mut String| -> Option<OrgPhrase> {
        // The tail alone, tagged right after this word: the two are the name.
        let tail_next = mention_at(i + 1)
            .is_some_and(|t| t.tok_end == i + 2 && t.stripped == 0 && is_media_tail(keys[i + 1]));
        if tail_next {
            let joins = match covering[i].map(|m| mentions[m]) {
                None => may_start_outlet_name(keys[i]) && heads.head_of(keys[i], buf).is_none(),
                Some(m) => m.tok_start == i && m.tok_end == i + 1,
            };
            if joins {
                return Some(OrgPhrase {
                    tok_start: i,
                    tok_end: i + 2,
                    stripped: covering[i].map_or(0, |m| mentions[m].stripped),
                    pattern: OrgPattern::MediaTail,
                });
            }
        }
        // A mention ending in a tail, not yet an organisation.
        let m = mention_at(i)?;
        (m.label != EntityLabel::Org && is_media_tail(keys[m.tok_end - 1])).then_some(OrgPhrase {
            tok_start: m.tok_start,
            tok_end: m.tok_end,
            stripped: m.stripped,
            pattern: OrgPattern::MediaTail,
        })
    };
    let mut i = 0;
    while i < keys.len() {
        if media_tail && let Some(p) = media_tail_at(i, buf) {
            out.push(p);
            i = p.tok_end;
            continue;
        }
        // Look the word up only when what follows it can complete a pattern: a mention (or a
        // quoted one), an untagged nisba (`head-nisba`), or an untagged definite word after a
        // word that may hold a press head (`media-word`).
        let untagged_next = |test: &dyn Fn(&str) -> bool| {
            keys.get(i + 1)
                .is_some_and(|k| covering[i + 1].is_none() && test(k))
        };
        let worth_a_look = mention_at(i + 1).is_some()
            || (quoted && quoted_at(i + 1).is_some())
            || (head_nisba && untagged_next(&is_nisba))
            || (media_word
                && untagged_next(&|k: &str| k.starts_with("ال"))
                && heads.may_be_press_head(keys[i]));
        if !worth_a_look {
            i += 1;
            continue;
        }
        let Some(head) = heads.head_of(keys[i], buf) else {
            i += 1;
            continue;
        };
        let j = i + 1;
        let found = match covering[i].map(|m| mentions[m]) {
            // The head alone was tagged ORG: join it to a MISC or ORG name right after it.
            // A university's head: join it to any name right after it.
            Some(h) if h.tok_end == j && h.label == EntityLabel::Org => {
                mention_at(j).filter(|n| n.stripped == 0).and_then(|n| {
                    if patterns.has(OrgPattern::TaggedHead)
                        && matches!(n.label, EntityLabel::Misc | EntityLabel::Org)
                    {
                        Some((n.tok_end, OrgPattern::TaggedHead))
                    } else if patterns.has(OrgPattern::EducationName)
                        && head.class == HeadClass::Education
                        && !head.definite
                    {
                        Some((n.tok_end, OrgPattern::EducationName))
                    } else {
                        None
                    }
                })
            }
            // The head is inside a longer mention, or tagged otherwise: leave it.
            Some(_) => None,
            None => match mention_at(j) {
                Some(n) if n.stripped == 0 && !head.definite => {
                    let end = nisba_run(n.tok_end);
                    if patterns.has(OrgPattern::HeadName) {
                        Some((end, OrgPattern::HeadName))
                    } else if patterns.has(OrgPattern::EducationName)
                        && head.class == HeadClass::Education
                    {
                        Some((n.tok_end, OrgPattern::EducationName))
                    } else if patterns.has(OrgPattern::HeadNameNisba)
                        && end > n.tok_end
                        && n.label != EntityLabel::Org
                    {
                        Some((end, OrgPattern::HeadNameNisba))
                    } else {
                        None
                    }
                }
                Some(_) => None,
                None if quoted && !head.definite => quoted_at(j)
                    .filter(|n| n.stripped == 0)
                    .map(|n| (n.tok_end + 1, OrgPattern::HeadQuoted)),
                None if head.definite => {
                    let end = nisba_run(j);
                    (patterns.has(OrgPattern::HeadNisba) && end > j)
                        .then_some((end, OrgPattern::HeadNisba))
                }
                None => {
                    let word = keys.get(j).copied().unwrap_or("");
                    if patterns.has(OrgPattern::MediaWord)
                        && head.class == HeadClass::Press
                        && is_definite_outlet_name(word)
                    {
                        // The word alone: the head stays outside, as ANERcorp leaves it.
                        out.push(OrgPhrase {
                            tok_start: j,
                            tok_end: j + 1,
                            stripped: 0,
                            pattern: OrgPattern::MediaWord,
                        });
                        i = j + 1;
                        continue;
                    }
                    None
                }
            },
        };
        match found {
            Some((end, pattern)) => {
                out.push(OrgPhrase {
                    tok_start: i,
                    tok_end: end,
                    stripped: head.stripped,
                    pattern,
                });
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

/// Words (matching keys) that end the names of news outlets written in Arabic letters
/// (`media-tail`): news, post, times, press, today.
pub const MEDIA_TAILS: &[&str] = &["نيوز", "بوست", "تايمز", "برس", "توداي"];

/// Whether `key` is one of [`MEDIA_TAILS`].
fn is_media_tail(key: &str) -> bool {
    MEDIA_TAILS.contains(&key)
}

/// Particles and pronouns that never start an outlet's name (matching keys): prepositions,
/// conjunctions, demonstratives (`media-tail`).
const NOT_NAME_STARTS: &[&str] = &[
    "في", "من", "علي", "عن", "الي", "مع", "عبر", "حسب", "وفق", "لدي", "منذ", "بعد", "قبل", "عند",
    "ان", "ما", "لا", "لم", "لن", "قد", "هو", "هي", "هذا", "هذه", "ذلك", "تلك", "ثم", "او", "التي",
    "الذي", "كل", "بين", "حول", "ضد", "خلال", "مثل", "غير",
];

/// Whether an untagged word may be the first word of an outlet's name before its tail
/// (`media-tail`): Arabic letters only, not a particle, and either definite (المدينة نيوز; not
/// a relative pronoun or a weekday) or an adjective of origin, three letters or more ending
/// in ي (عربي بوست). Other words before a tail are mostly verbs (وقالت تايمز), which the
/// name does not take in.
fn may_start_outlet_name(key: &str) -> bool {
    if NOT_NAME_STARTS.contains(&key) {
        return false;
    }
    is_definite_outlet_name(key)
        || (!key.starts_with("ال")
            && key.chars().count() >= 3
            && key.ends_with('ي')
            && key.chars().all(is_arabic_letter))
}

/// Whether a matching key is a definite word that may name an outlet: the article and two or
/// more Arabic letters, not one of [`NOT_OUTLET_NAMES`] (`media-word`, `media-tail`).
fn is_definite_outlet_name(key: &str) -> bool {
    key.strip_prefix("ال")
        .is_some_and(|w| w.chars().count() >= 2 && w.chars().all(is_arabic_letter))
        && !NOT_OUTLET_NAMES.contains(&key)
}

/// Definite words (matching keys) that never name an outlet after its head: the relative
/// pronouns (صحيفة التي …) and the days of the week (نشرت مجلة الاثنين …), which follow a
/// head as clause or adverb, not as its name (`media-word`).
const NOT_OUTLET_NAMES: &[&str] = &[
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللذان",
    "اللتين",
    "اللتان",
    "اللواتي",
    "اللاتي",
    "اللائي",
    "السبت",
    "الاحد",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
];

/// Finds the mentions that an organisation head relabels `ORG` (patterns `head-relabel` and
/// `head-relabel-doc`): a `MISC` mention with no proclitic of its own that starts right
/// after an indefinite head noun (حركة طالبان), or right after an opening quotation mark that
/// follows the head, with a closing quotation mark right after the mention (جماعة «بوكو حرام»);
/// with `media-relabel`, also a `PER` or `LOC` mention so placed after a press or broadcasting
/// head (لصحيفة ديلي ميل).
/// The head and the quotation marks must lie outside every mention. `keys` and `mentions` are
/// as for [`find_org_phrases`]; returns indices into `mentions`, in order. The span of a
/// relabelled mention does not change: ANERcorp, the Arabic model's training data, leaves such
/// heads and quotation marks outside its mentions.
pub fn find_org_relabels(
    heads: &HeadNouns,
    patterns: PatternSet,
    keys: &[&str],
    mentions: &[Tagged],
    buf: &mut String,
) -> Vec<usize> {
    let mut out = Vec::new();
    if !patterns.relabels() || heads.is_empty() {
        return out;
    }
    for (m, n) in mentions.iter().enumerate() {
        // `MISC` after any head; `PER`, `LOC` and `MISC` after a press or broadcasting head.
        let after_any_head = n.label == EntityLabel::Misc && patterns.relabels_misc();
        let after_media_head =
            n.label != EntityLabel::Org && patterns.has(OrgPattern::MediaRelabel);
        if !(after_any_head || after_media_head) || n.stripped != 0 || n.tok_start == 0 {
            continue;
        }
        // Where the words before the mention (head, opening mark) may start: after the
        // previous mention.
        let free_from = m.checked_sub(1).map_or(0, |p| mentions[p].tok_end);
        let before = n.tok_start - 1;
        let head_at = if is_quote_key(keys[before]) {
            let closed = keys.get(n.tok_end).is_some_and(|k| is_quote_key(k))
                && mentions.get(m + 1).is_none_or(|x| x.tok_start > n.tok_end);
            match before.checked_sub(1) {
                Some(h) if closed => h,
                _ => continue,
            }
        } else {
            before
        };
        if head_at < free_from {
            continue;
        }
        if heads
            .head_of(keys[head_at], buf)
            .is_some_and(|h| !h.definite && (after_any_head || h.class.is_outlet()))
        {
            out.push(m);
        }
    }
    out
}

/// Whether a matching key is a quotation mark token: one or more of `"` `'` `“` `”` `„` `‟`
/// `‘` `’` `«` `»` (the set the model's `quote` features read).
pub fn is_quote_key(key: &str) -> bool {
    crate::ner::features::is_quote(key)
}

/// Letters of the Arabic block (a matching key has no diacritics left).
fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}' | '\u{0671}'..='\u{06D3}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of(sentence: &str) -> Vec<String> {
        sentence.split(' ').map(match_key).collect()
    }

    fn run(
        sentence: &str,
        mentions: &[Tagged],
        patterns: PatternSet,
    ) -> Vec<(usize, usize, usize, &'static str)> {
        let keys = keys_of(sentence);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let heads = HeadNouns::builtin_ar();
        find_org_phrases(&heads, patterns, &keys, mentions, &mut String::new())
            .into_iter()
            .map(|p| (p.tok_start, p.tok_end, p.stripped, p.pattern.name()))
            .collect()
    }

    fn tagged(tok_start: usize, tok_end: usize, label: EntityLabel) -> Tagged {
        Tagged {
            tok_start,
            tok_end,
            label,
            stripped: 0,
        }
    }

    const ALL: PatternSet = PatternSet::NONE
        .with(OrgPattern::HeadName)
        .with(OrgPattern::HeadNisba)
        .with(OrgPattern::MediaWord)
        .with(OrgPattern::TaggedHead);

    #[test]
    fn builtin_heads_parse() {
        let heads = HeadNouns::from_tsv(BUILTIN_HEADS_AR, "heads").unwrap();
        assert!(heads.len() > 50);
        let mut buf = String::new();
        let hit = |w: &str, buf: &mut String| heads.head_of(&match_key(w), buf);
        assert_eq!(
            hit("لقوات", &mut buf),
            Some(HeadHit {
                class: HeadClass::Armed,
                stripped: 1,
                definite: false
            })
        );
        assert_eq!(
            hit("وللوزارة", &mut buf),
            Some(HeadHit {
                class: HeadClass::Government,
                stripped: 2,
                definite: true
            })
        );
        assert_eq!(
            hit("صحيفة", &mut buf).map(|h| h.class),
            Some(HeadClass::Press)
        );
        assert_eq!(
            hit("ووكالة", &mut buf).map(|h| h.class),
            Some(HeadClass::Media)
        );
        assert!(HeadClass::Press.is_outlet() && HeadClass::Media.is_outlet());
        assert!(!HeadClass::Civil.is_outlet());
        assert_eq!(hit("كتاب", &mut buf), None);
        assert!(HeadNouns::from_tsv("قوات\tarmy\n", "x").is_err());
        assert!(HeadNouns::from_tsv("قوات\n", "x").is_err());
    }

    #[test]
    fn nisba_adjectives() {
        for w in ["الديمقراطية", "الدولي", "الكرديين", "الشعبية"] {
            assert!(is_nisba(&match_key(w)), "{w}");
        }
        for w in ["التي", "الأخرى", "دولي", "الحرب", "والوطنية"] {
            assert!(!is_nisba(&match_key(w)), "{w}");
        }
    }

    #[test]
    fn head_and_name_become_one_phrase_without_the_proclitic() {
        // لجبهة (ل + جبهة) + a LOC name + two nisba adjectives.
        let found = run(
            "دعا لجبهة عدن الوطنية الشعبية إلى الحوار",
            &[tagged(2, 3, EntityLabel::Loc)],
            ALL,
        );
        assert_eq!(found, [(1, 5, 1, "head-name")]);
        // Only with a nisba after the name, when that is the pattern asked for.
        let strict = PatternSet::NONE.with(OrgPattern::HeadNameNisba);
        let m = [tagged(2, 3, EntityLabel::Loc)];
        assert_eq!(
            run("دعا لجبهة عدن الوطنية", &m, strict),
            [(1, 4, 1, "head-name-nisba")]
        );
        assert!(run("دعا لجبهة عدن إلى", &m, strict).is_empty());
        // An organisation's own name + a nisba (its nationality, mostly): left as it is.
        let org = [tagged(2, 3, EntityLabel::Org)];
        assert!(run("دعا لجبهة عدن الوطنية", &org, strict).is_empty());
    }

    #[test]
    fn generic_phrases_stay_out() {
        let p = PatternSet::NONE.with(OrgPattern::HeadName);
        // No name after the head: nothing.
        assert!(run("انسحبت قوات الاحتلال من المدينة", &[], ALL).is_empty());
        // A definite head before a name is not a construct (the subject ends at the head).
        assert!(run("وقالت الوزارة بيروت", &[tagged(2, 3, EntityLabel::Loc)], p).is_empty());
        // A name with its own conjunction is not what the head names.
        let m = [Tagged {
            stripped: 1,
            ..tagged(2, 3, EntityLabel::Loc)
        }];
        assert!(
            run(
                "بين جامعة وعمان",
                &[Tagged {
                    tok_start: 2,
                    tok_end: 3,
                    ..m[0]
                }],
                p
            )
            .is_empty()
        );
        // A head inside a longer mention is left alone.
        assert!(run("حزب الأمة القومي", &[tagged(0, 2, EntityLabel::Org)], ALL).is_empty());
        // Definite head + nisba only with its own pattern.
        assert!(run("ندد الحزب الاشتراكي", &[], p).is_empty());
        assert_eq!(
            run("ندد الحزب الاشتراكي", &[], ALL),
            [(1, 3, 0, "head-nisba")]
        );
    }

    #[test]
    fn media_tails_end_organisation_names() {
        use EntityLabel::{Loc, Org, Per};
        let tail = PatternSet::NONE.with(OrgPattern::MediaTail);
        // The tail alone, after an untagged definite word or adjective of origin: both.
        let m = [tagged(3, 4, Loc)];
        assert_eq!(
            run("ونقل موقع المدينة نيوز عن مصدر", &m, tail),
            [(2, 4, 0, "media-tail")]
        );
        assert_eq!(
            run("وذكر موقع عربي بوست أن", &m, tail),
            [(2, 4, 0, "media-tail")]
        );
        // After a one-word mention: both, whatever its label.
        let m = [tagged(2, 3, Loc), tagged(3, 4, Loc)];
        assert_eq!(
            run("وقال موقع سوريا نيوز إن", &m, tail),
            [(2, 4, 0, "media-tail")]
        );
        // After a verb, a particle, a head or a word with a proclitic before its article: the
        // tail alone is relabelled, unless it is an organisation already.
        let m = [tagged(2, 3, Loc)];
        assert_eq!(
            run("العالم وقالت تايمز إن", &m, tail),
            [(2, 3, 0, "media-tail")]
        );
        assert_eq!(run("نقلا عن نيوز أمس", &m, tail), [(2, 3, 0, "media-tail")]);
        assert_eq!(
            run("قالت صحيفة تايمز أمس", &m, tail),
            [(2, 3, 0, "media-tail")]
        );
        assert_eq!(
            run("ونقل موقع والمدينة نيوز", &[tagged(3, 4, Loc)], tail),
            [(3, 4, 0, "media-tail")]
        );
        assert!(run("العالم وقالت تايمز إن", &[tagged(2, 3, Org)], tail).is_empty());
        // A longer mention ending in a tail becomes an organisation, span unchanged.
        let m = [tagged(1, 3, Per)];
        assert_eq!(
            run("قالت هافينغتون بوست إن", &m, tail),
            [(1, 3, 0, "media-tail")]
        );
        // Other words, and the pattern off, change nothing.
        assert!(run("على السوشيال ميديا بشكل", &[tagged(2, 3, Loc)], tail).is_empty());
        assert!(run("ونقل موقع المدينة نيوز عن", &[tagged(3, 4, Loc)], ALL).is_empty());
        for word in MEDIA_TAILS.iter().chain(NOT_NAME_STARTS) {
            assert_eq!(match_key(word), *word, "not a matching key: {word}");
        }
    }

    #[test]
    fn tagged_head_and_media_word() {
        let m = [
            tagged(1, 2, EntityLabel::Org),
            tagged(2, 3, EntityLabel::Misc),
        ];
        assert_eq!(run("بايع تنظيم فلان", &m, ALL), [(1, 3, 0, "tagged-head")]);
        assert!(
            run(
                "بايع تنظيم فلان",
                &m,
                PatternSet::NONE.with(OrgPattern::HeadName)
            )
            .is_empty()
        );
        assert_eq!(
            run("نشرت مجلة الأفق مقالا", &[], ALL),
            [(2, 3, 0, "media-word")]
        );
        let media_word = PatternSet::NONE.with(OrgPattern::MediaWord);
        // With its proclitic the head still counts; the word needs its article.
        assert_eq!(
            run("قالت لجريدة الحياة أمس", &[], media_word),
            [(2, 3, 0, "media-word")]
        );
        assert!(run("قالت لجريدة حياة أمس", &[], media_word).is_empty());
        // Not after a committee, an agency or a network, nor after a definite head.
        assert!(run("نشرت لجنة الأفق مقالا", &[], media_word).is_empty());
        assert!(run("نقلت وكالة الأنباء الرسمية", &[], media_word).is_empty());
        assert!(run("عبر شبكة الإنترنت", &[], media_word).is_empty());
        assert!(run("نشرت المجلة الأسبوعية", &[], media_word).is_empty());
        // Not a relative pronoun or a day of the week.
        assert!(run("نقلت صحيفة التي تصدر", &[], media_word).is_empty());
        assert!(run("ذكرت مجلة الأربعاء أن", &[], media_word).is_empty());
        for word in NOT_OUTLET_NAMES {
            assert_eq!(match_key(word), *word, "not a matching key: {word}");
        }
        // A word the model tagged is left to the relabels.
        let m = [tagged(2, 3, EntityLabel::Per)];
        assert!(run("نشرت مجلة الأفق مقالا", &m, media_word).is_empty());
    }

    #[test]
    fn a_university_head_and_the_name_after_it() {
        let education = PatternSet::NONE.with(OrgPattern::EducationName);
        // The model's person after جامعة, with a proclitic on the head.
        let m = [tagged(3, 5, EntityLabel::Per)];
        assert_eq!(
            run("بحسب مركز لجامعة جونز هوبكنز في", &m, education),
            [(2, 5, 1, "education-name")]
        );
        // The head tagged ORG on its own, a place after it.
        let m = [
            tagged(1, 2, EntityLabel::Org),
            tagged(2, 3, EntityLabel::Loc),
        ];
        assert_eq!(
            run("مع جامعة القاهرة أمس", &m, education),
            [(1, 3, 0, "education-name")]
        );
        // Not after another class of head, nor after a definite head, nor a name with its
        // own proclitic.
        let m = [tagged(2, 3, EntityLabel::Loc)];
        assert!(run("زار وزارة القاهرة أمس", &m, education).is_empty());
        assert!(run("زار الجامعة القاهرة أمس", &m, education).is_empty());
        let m = [Tagged {
            stripped: 1,
            ..tagged(2, 3, EntityLabel::Loc)
        }];
        assert!(run("زار جامعة وبغداد أمس", &m, education).is_empty());
        // Off unless asked for.
        let m = [tagged(3, 5, EntityLabel::Per)];
        assert_eq!(
            run("درس في جامعة جونز هوبكنز", &m, education),
            [(2, 5, 0, "education-name")]
        );
        assert!(
            run(
                "درس في جامعة جونز هوبكنز",
                &m,
                PatternSet::NONE.with(OrgPattern::HeadNameNisba)
            )
            .is_empty()
        );
    }

    /// The mentions [`find_org_relabels`] relabels, as indices.
    fn relabels(sentence: &str, mentions: &[Tagged], patterns: PatternSet) -> Vec<usize> {
        let keys = keys_of(sentence);
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let heads = HeadNouns::builtin_ar();
        find_org_relabels(&heads, patterns, &keys, mentions, &mut String::new())
    }

    #[test]
    fn quoted_name_after_a_head_becomes_a_phrase() {
        let quoted = PatternSet::NONE.with(OrgPattern::HeadQuoted);
        let m = [tagged(3, 4, EntityLabel::Misc)];
        // Head, opening mark, name, closing mark: one phrase from the head to the closing mark.
        for s in [
            "أعلن تنظيم « فلان » مسؤوليته",
            "أعلن تنظيم \" فلان \" مسؤوليته",
            "أعلن لتنظيم “ فلان ” مسؤوليته",
        ] {
            let stripped = usize::from(s.contains("لتنظيم"));
            assert_eq!(run(s, &m, quoted), [(1, 5, stripped, "head-quoted")], "{s}");
        }
        // No closing mark right after the name, a definite head, or another pattern: nothing.
        assert!(run("أعلن تنظيم « فلان مسؤوليته", &m, quoted).is_empty());
        assert!(run("أعلن التنظيم « فلان » مسؤوليته", &m, quoted).is_empty());
        let others = ALL.with(OrgPattern::HeadNameNisba);
        assert!(run("أعلن تنظيم « فلان » مسؤوليته", &m, others).is_empty());
        // The closing mark inside another mention: nothing.
        let two = [
            tagged(3, 4, EntityLabel::Misc),
            tagged(4, 6, EntityLabel::Misc),
        ];
        assert!(run("أعلن تنظيم « فلان » مسؤوليته", &two, quoted).is_empty());
    }

    #[test]
    fn misc_name_after_a_head_is_relabelled() {
        let p = PatternSet::NONE.with(OrgPattern::HeadRelabel);
        let doc = PatternSet::NONE.with(OrgPattern::HeadRelabelDoc);
        // Straight after the head, or quoted after it; either relabelling pattern.
        let direct = [tagged(2, 3, EntityLabel::Misc)];
        assert_eq!(relabels("قاتلت حركة فلان أمس", &direct, p), [0]);
        assert_eq!(relabels("قاتلت لحركة فلان أمس", &direct, doc), [0]);
        let quoted = [
            tagged(0, 1, EntityLabel::Per),
            tagged(4, 6, EntityLabel::Misc),
        ];
        assert_eq!(
            relabels("فلان بايع جماعة « بوكو حرام » أمس", &quoted, p),
            [1]
        );
        // Not another label, nor a name with its own proclitic, a definite head, an
        // unclosed quotation, a head inside a mention, or without the pattern.
        let loc = [tagged(2, 3, EntityLabel::Loc)];
        assert!(relabels("قاتلت حركة فلان أمس", &loc, p).is_empty());
        let own = [Tagged {
            stripped: 1,
            ..tagged(2, 3, EntityLabel::Misc)
        }];
        assert!(relabels("قاتلت حركة وفلان أمس", &own, p).is_empty());
        assert!(relabels("قاتلت الحركة فلان أمس", &direct, p).is_empty());
        let unclosed = [tagged(3, 4, EntityLabel::Misc)];
        assert!(relabels("قاتلت حركة « فلان أمس", &unclosed, p).is_empty());
        let head_in = [
            tagged(0, 2, EntityLabel::Org),
            tagged(2, 3, EntityLabel::Misc),
        ];
        assert!(relabels("قاتلت حركة فلان أمس", &head_in, p).is_empty());
        assert!(relabels("قاتلت حركة فلان أمس", &direct, ALL).is_empty());
        // A mention at the start of the sentence has no head.
        assert!(relabels("فلان قال", &[tagged(0, 1, EntityLabel::Misc)], p).is_empty());
    }

    #[test]
    fn a_name_after_a_press_head_is_relabelled_whatever_its_label() {
        let p = PatternSet::NONE.with(OrgPattern::MediaRelabel);
        // A person or a place after a press or broadcasting head (with a proclitic on the head,
        // or the name quoted) names the outlet.
        for label in [EntityLabel::Per, EntityLabel::Loc, EntityLabel::Misc] {
            let m = [tagged(3, 5, label)];
            assert_eq!(relabels("قال الخبير لصحيفة ديلي ميل إن", &m, p), [0]);
        }
        let quoted = [tagged(3, 4, EntityLabel::Loc)];
        assert_eq!(relabels("وزعم تلفزيون « فلان » أمس", &quoted, p), [0]);
        // Not after another head class, a definite head, an ORG already, or without the
        // pattern.
        let per = [tagged(2, 3, EntityLabel::Per)];
        assert!(relabels("قاتلت حركة فلان أمس", &per, p).is_empty());
        assert!(relabels("قالت الصحيفة فلان أمس", &per, p).is_empty());
        let org = [tagged(2, 3, EntityLabel::Org)];
        assert!(relabels("قالت صحيفة فلان أمس", &org, p).is_empty());
        let misc_only = PatternSet::NONE.with(OrgPattern::HeadRelabel);
        assert!(relabels("قالت صحيفة فلان أمس", &per, misc_only).is_empty());
    }

    #[test]
    fn quotation_marks() {
        for q in ["\"", "''", "«", "»", "“", "”"] {
            assert!(is_quote_key(q), "{q}");
        }
        for w in ["", "فلان", "\"فلان", "(", "-"] {
            assert!(!is_quote_key(w), "{w}");
        }
    }

    #[test]
    fn relabelling_patterns_find_no_phrases() {
        let set = PatternSet::NONE
            .with(OrgPattern::HeadRelabel)
            .with(OrgPattern::HeadRelabelDoc);
        assert!(set.relabels() && !set.finds_phrases());
        assert!(ALL.finds_phrases() && !ALL.relabels());
        let m = [tagged(2, 3, EntityLabel::Misc)];
        assert!(run("قاتلت حركة فلان الوطنية", &m, set).is_empty());
    }

    #[test]
    fn pattern_names_round_trip() {
        for p in OrgPattern::ALL {
            assert_eq!(OrgPattern::parse(p.name()), Some(p));
        }
        assert!(PatternSet::parse(&["head-name", "nope"]).is_err());
        let set = PatternSet::parse(&["head-nisba"]).unwrap();
        assert!(set.has(OrgPattern::HeadNisba) && !set.has(OrgPattern::HeadName));
    }
}
