//! Technical vocabulary that the English model mistakes for names.
//!
//! The English model learned its labels from news, Wikipedia and social media, where a short
//! word in capitals is usually an organisation and a capitalised word a person or a place. On
//! technical web pages it tags the vocabulary: on WCXB dev API was an `ORG` about 200 times, UI,
//! VPN, CSS and SEO more than a hundred times each, and the names of programming languages and
//! software were people or places (Python `PER`, Rust and PostgreSQL `LOC`).
//!
//! `data/lists/technical-terms-en.tsv` (written by hand) says what to do with such a term when
//! the model's mention is exactly the term (exact letter case; an entry ending in a capital
//! letter also matches its plural in `s`: APIs, URLs):
//!
//! - `drop`: generic technical words and acronyms, common nouns in use (an API, a VPN, the CSS):
//!   the mention is dropped whatever its label.
//! - `MISC`: names of software, programming languages and standards that are neither people,
//!   places nor organisations (Python, Linux, PostgreSQL): a `PER`, `LOC` or `ORG` mention
//!   becomes `MISC`, the CoNLL label of products.
//! - `MISC-code`: such names that are also everyday words, given names, surnames or places
//!   (Rust, Ruby, Swift, Java, Kafka): a `PER` or `LOC` mention becomes `MISC` only in a document
//!   about programming, one whose words include at least [`MIN_CODE_TERMS`] other terms of the
//!   list's kind `code` (API, JSON, Python...). An `ORG` is kept (Docker the company).
//! - `ORG`: software, hardware and online-service companies whose names are no everyday word,
//!   person or place (Shopify, Cloudflare): a `PER` or `LOC` mention becomes `ORG`.
//! - `ORG-code`: such companies whose names are also everyday words or names (Stripe,
//!   Snowflake, Tableau): a `PER` or `LOC` mention becomes `ORG` only in a document about
//!   programming, as for `MISC-code`.
//!
//! The `entities` stage applies this to the English model's mentions in English documents and,
//! since the fifteenth round, to the Arabic model's mentions in Arabic documents, where the terms
//! are written in Latin script inside Arabic text (برنامج ChatGPT, tagged `PER` by the Arabic
//! model; an Arabic word never equals a term); option `tech_terms`. Mentions from lists are kept.
//! Figures in `models/README.md`.

use crate::document::EntityLabel;
use crate::ner::hash::{FxHashMap, FxHashSet};

/// The technical terms (written by hand; see `data/lists/SOURCE.md`).
pub const BUILTIN_TECH_TERMS_EN: &str = include_str!("../../data/lists/technical-terms-en.tsv");

/// Other terms of kind `code` a document must hold before a `MISC-code` name is read as
/// software there.
pub const MIN_CODE_TERMS: usize = 2;

/// What the list says to do with a term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermAction {
    /// Not a name: drop the mention.
    Drop,
    /// A software name: relabel a `PER`, `LOC` or `ORG` mention `MISC`.
    Misc,
    /// A software name that is also a word, person or place: relabel a `PER` or `LOC` mention
    /// `MISC` in a document about programming.
    MiscInCode,
    /// A software or online-service company (Shopify, Cloudflare): relabel a `PER` or `LOC`
    /// mention `ORG`.
    Org,
    /// Such a company whose name is also a word or a name (Stripe, Snowflake): relabel a `PER`
    /// or `LOC` mention `ORG` in a document about programming.
    OrgInCode,
}

/// One entry of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Term {
    /// What to do with the model's mention of the term.
    pub action: TermAction,
    /// The term is programming vocabulary (kind `code`), evidence that a document is about
    /// programming.
    pub code: bool,
}

/// What happens to one mention of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The mention stays as it is.
    Keep,
    /// The mention is dropped.
    Drop,
    /// The mention is relabelled `MISC`.
    Misc,
    /// The mention is relabelled `ORG`.
    Org,
}

/// The list of technical terms, compared exactly.
#[derive(Debug, Clone, Default)]
pub struct TechTerms {
    terms: FxHashMap<String, Term>,
    /// Each term not written all in capitals, by its spelling in capitals (UNIX for Unix).
    by_capitals: FxHashMap<String, String>,
}

impl TechTerms {
    /// The built-in list.
    pub fn builtin() -> Result<Self, String> {
        Self::from_tsv(BUILTIN_TECH_TERMS_EN)
            .map_err(|e| format!("built-in technical-terms-en.tsv: {e}"))
    }

    /// Terms from TSV text `term<TAB>action<TAB>kind` (`#` lines are comments; actions `drop`,
    /// `MISC`, `MISC-code`, `ORG`, `ORG-code`; the kind is optional, `code` marks programming
    /// vocabulary).
    pub fn from_tsv(tsv: &str) -> Result<Self, String> {
        let mut terms = FxHashMap::default();
        for (n, line) in tsv.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut columns = line.split('\t').map(str::trim);
            let term = columns.next().unwrap_or_default();
            let action = match columns.next() {
                Some("drop") => TermAction::Drop,
                Some("MISC") => TermAction::Misc,
                Some("MISC-code") => TermAction::MiscInCode,
                Some("ORG") => TermAction::Org,
                Some("ORG-code") => TermAction::OrgInCode,
                other => {
                    return Err(format!(
                        "line {}: action {other:?} is not drop, MISC, MISC-code, ORG or ORG-code",
                        n + 1
                    ));
                }
            };
            if term.is_empty() {
                return Err(format!("line {}: no term", n + 1));
            }
            let code = columns.next() == Some("code");
            terms.insert(term.to_string(), Term { action, code });
        }
        let mut by_capitals = FxHashMap::default();
        for term in terms.keys() {
            let capitals = term.to_uppercase();
            if capitals != *term && !terms.contains_key(&capitals) {
                by_capitals.entry(capitals).or_insert_with(|| term.clone());
            }
        }
        Ok(TechTerms { terms, by_capitals })
    }

    /// The number of terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the list holds no term.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The list's spelling of `text` and its entry: `text` itself, the plural in `s` of a term
    /// that ends in a capital letter (APIs, URLs; not Pythons), or, for a word of three or more
    /// letters written all in capitals, the term it spells (UNIX, LINUX, FIREFOX: trademarks and
    /// headings write names so).
    pub fn lookup(&self, text: &str) -> Option<(&str, Term)> {
        if let Some((k, t)) = self.terms.get_key_value(text) {
            return Some((k, *t));
        }
        if text.len() >= 3
            && text.bytes().all(|b| b.is_ascii_uppercase())
            && let Some((k, t)) = self
                .by_capitals
                .get(text)
                .and_then(|k| self.terms.get_key_value(k.as_str()))
        {
            return Some((k, *t));
        }
        let singular = text.strip_suffix('s')?;
        if !singular.chars().next_back().is_some_and(char::is_uppercase) {
            return None;
        }
        self.terms.get_key_value(singular).map(|(k, t)| (&**k, *t))
    }

    /// The distinct terms of kind `code` among `words` (single words: API, Python, APIs).
    pub fn code_terms<'a>(&self, words: impl IntoIterator<Item = &'a str>) -> FxHashSet<&str> {
        words
            .into_iter()
            .filter_map(|w| self.lookup(w))
            .filter(|(_, t)| t.code)
            .map(|(k, _)| k)
            .collect()
    }

    /// What happens to a mention of the model labelled `label` whose text is `text`, in a
    /// document whose words hold the terms of kind `code` in `code_terms`.
    pub fn verdict(&self, text: &str, label: EntityLabel, code_terms: &FxHashSet<&str>) -> Verdict {
        let Some((term, entry)) = self.lookup(text) else {
            return Verdict::Keep;
        };
        let person_or_place = matches!(label, EntityLabel::Per | EntityLabel::Loc);
        let about_code = || code_terms.iter().filter(|&&k| k != term).count() >= MIN_CODE_TERMS;
        match entry.action {
            TermAction::Drop => Verdict::Drop,
            TermAction::Misc if label != EntityLabel::Misc => Verdict::Misc,
            TermAction::Org if person_or_place => Verdict::Org,
            TermAction::MiscInCode if person_or_place && about_code() => Verdict::Misc,
            TermAction::OrgInCode if person_or_place && about_code() => Verdict::Org,
            _ => Verdict::Keep,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::casing::PlaceAbbreviations;
    use EntityLabel::{Loc, Misc, Org, Per};

    fn terms() -> TechTerms {
        TechTerms::builtin().unwrap()
    }

    #[test]
    fn the_built_in_list_parses_and_has_each_action() {
        let t = terms();
        assert!(t.len() > 250, "{}", t.len());
        assert_eq!(t.lookup("API").map(|e| e.1.action), Some(TermAction::Drop));
        assert_eq!(
            t.lookup("Python").map(|e| e.1.action),
            Some(TermAction::Misc)
        );
        assert_eq!(
            t.lookup("Rust").map(|e| e.1.action),
            Some(TermAction::MiscInCode)
        );
    }

    #[test]
    fn organisations_and_places_are_not_in_the_list() {
        let t = terms();
        for org in [
            "IBM",
            "NASA",
            "FDA",
            "IRS",
            "BBC",
            "ISO",
            "IEEE",
            "W3C",
            "AWS",
            "EU",
            "UN",
            "CMS",
            "Google",
            "GitHub",
            "Oracle",
            "Microsoft",
            "Amazon",
        ] {
            // An organisation is never dropped or made a product: at most an `ORG` entry, which
            // turns the model's person or place into the organisation (Google, Microsoft).
            let action = t.lookup(org).map(|(_, e)| e.action);
            assert!(matches!(action, None | Some(TermAction::Org)), "{org}");
        }
        // No term is an abbreviation that the case check keeps as a place.
        let places = PlaceAbbreviations::builtin();
        for term in t.terms.keys() {
            assert!(!places.contains(term), "{term}");
        }
    }

    #[test]
    fn acronyms_match_their_plural_exactly() {
        let t = terms();
        assert_eq!(t.lookup("APIs").map(|e| e.0), Some("API"));
        assert_eq!(t.lookup("URLs").map(|e| e.0), Some("URL"));
        // Letter case is compared exactly; a plural needs a capital before the s.
        for w in ["Api", "api", "Apis", "Pythons", "Ss", "s", ""] {
            assert!(t.lookup(w).is_none(), "{w}");
        }
    }

    #[test]
    fn a_term_written_in_capitals_is_the_term() {
        let t = terms();
        for (w, term) in [("UNIX", "Unix"), ("LINUX", "Linux"), ("FIREFOX", "Firefox")] {
            assert_eq!(t.lookup(w).map(|e| e.0), Some(term), "{w}");
        }
        // Only a word all in capitals, of three letters or more; other case mixes stay unknown.
        for w in ["LiNux", "linux", "GO", "PYTHONS"] {
            assert!(t.lookup(w).is_none(), "{w}");
        }
    }

    #[test]
    fn verdicts_follow_the_action() {
        let t = terms();
        let none = FxHashSet::default();
        assert_eq!(t.verdict("API", Org, &none), Verdict::Drop);
        assert_eq!(t.verdict("VPNs", Loc, &none), Verdict::Drop);
        assert_eq!(t.verdict("Python", Per, &none), Verdict::Misc);
        assert_eq!(t.verdict("Linux", Org, &none), Verdict::Misc);
        assert_eq!(t.verdict("Python", Misc, &none), Verdict::Keep);
        assert_eq!(t.verdict("Apple", Org, &none), Verdict::Keep);
        // A device is a product, not its maker.
        assert_eq!(t.verdict("MacBook Air", Org, &none), Verdict::Misc);
        // A company the model took for a person or a place; its MISC (a product) stays.
        assert_eq!(t.verdict("Shopify", Per, &none), Verdict::Org);
        assert_eq!(t.verdict("Cloudflare", Loc, &none), Verdict::Org);
        assert_eq!(t.verdict("Cloudflare", Misc, &none), Verdict::Keep);
        assert_eq!(t.verdict("Cloudflare", Org, &none), Verdict::Keep);
        // An ambiguous name needs a document about programming, and PER or LOC.
        assert_eq!(t.verdict("Java", Loc, &none), Verdict::Keep);
        let code = t.code_terms(["The", "API", "returns", "JSON", "and", "Java"]);
        assert_eq!(code.len(), 3);
        assert_eq!(t.verdict("Java", Loc, &code), Verdict::Misc);
        assert_eq!(t.verdict("Ruby", Per, &code), Verdict::Misc);
        assert_eq!(t.verdict("Docker", Org, &code), Verdict::Keep);
        // A company named like a word: ORG only there.
        assert_eq!(t.verdict("Stripe", Per, &none), Verdict::Keep);
        assert_eq!(t.verdict("Stripe", Per, &code), Verdict::Org);
        assert_eq!(t.verdict("Stripe", Misc, &code), Verdict::Keep);
        // The name itself is no evidence: Java with one other code term is not enough.
        let java_only = t.code_terms(["Java", "API", "Java"]);
        assert_eq!(t.verdict("Java", Loc, &java_only), Verdict::Keep);
        // Everyday technical words are no evidence either (kind other than `code`).
        let travel = t.code_terms(["Wi-Fi", "GPS", "USB", "Java"]);
        assert_eq!(t.verdict("Java", Loc, &travel), Verdict::Keep);
    }

    #[test]
    fn a_bad_action_is_an_error() {
        assert!(TechTerms::from_tsv("API\tdrop\tcode\n# c\n\nPython\tMISC\n").is_ok());
        let err = TechTerms::from_tsv("API\tdrop\nPython\tmisc\n").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
        assert!(TechTerms::from_tsv("API\n").is_err());
        assert!(TechTerms::from_tsv("\tdrop\n").is_err());
    }
}
