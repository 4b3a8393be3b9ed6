//! Letter case and word shape as evidence for names, in scripts that have case.
//!
//! In edited text (news, articles, documentation) a name is capitalised, and a word written all
//! in lowercase is nearly never one. The English model is trained partly on social media
//! (WNUT-17, the Broad Twitter Corpus), where names are often lowercase, so it learned not to
//! trust case, and on web pages it tags everyday words: on WCXB dev 11,441 of its 90,848
//! mentions were all lowercase (mindfulness as a person, blockchain as an organisation), and in
//! a sample of 60 of them about five were names (git, pacman, pydantic: lowercase software).
//! A document is read as edited when most of its sentences start with a capital letter; there
//! the `entities` stage drops the model's all-lowercase mentions.
//!
//! Capital abbreviations mislead the same model the other way: trained on text where US and UK
//! are places, it tags `LOC` any short word in capitals, and on WCXB dev its most frequent
//! `LOC` mention was AI (762 times), with SEO, USB, MBA and UX after it. A capital abbreviation
//! it tags `LOC` is kept only when it names a place: an entry of
//! `data/lists/place-abbreviations-en.tsv` (written by hand: US, U.S., UK, NYC, the US states'
//! and Canadian provinces' postal codes, the Australian states) or a one-word place of the
//! built-in list (ITALY); the others are dropped.
//!
//! Technical pages quote code, and the model tags its identifiers: send_sms as a person,
//! TWILIO_AUTH_TOKEN as `MISC`. A word with an underscore between two letters or digits is an
//! identifier, and the `entities` stage drops the English model's mentions that contain one,
//! unless it is a user name after `@` (the Broad Twitter Corpus tags @ Real_Liam_Payne `PER`).
//! A word in title case that the same document writes at least as often in lowercase is a
//! common word there, capitalised by a heading, a menu or a sentence's start: the model's
//! mention of it is dropped (Analytics, Blockchain and Mindfulness on WCXB dev pages about
//! them), unless the technical-terms list names it (Git, Python).
//!
//! A company's legal form (LLC, Inc., GmbH) makes the mention it ends an organisation: the model
//! tagged Kajabi LLC a person and Pastore LLC a place, and often the suffix alone, LLC, as an
//! organisation after a name it left untagged (Happy Ending Movers LLC); such a lone suffix is
//! joined to the capitalised words before it, or dropped when there are none.
//!
//! A page of code (at least [`MIN_CODE_CALLS`] calls such as `len(items)`) is not social media
//! either, though its sentences seldom start with a capital: there too the English model's
//! all-lowercase mentions are dropped (async, handlers, alias), unless the technical-terms list
//! names them as software (asyncio, pydantic). So does one identifier called or reached as an
//! attribute in code (`len(`, `Err(`,
//! `models.CharField`): on WCXB dev the model tagged Err a person 134 times and useState an
//! organisation 91 times.

use crate::ner::hash::FxHashSet;
use crate::ner::place_context::first_column;

/// Capital abbreviations that name places (written by hand; see `data/lists/SOURCE.md`).
pub const BUILTIN_PLACE_ABBREVIATIONS_EN: &str =
    include_str!("../../data/lists/place-abbreviations-en.tsv");

/// Sentences (starting with a cased letter) a document needs before its casing is read.
pub const MIN_SENTENCES: usize = 3;

/// The share of those sentences that must start with a capital letter.
pub const MIN_CAPITALISED_SHARE: f64 = 0.85;

/// Whether a document whose sentences start with `first_letters` (the first letter of each
/// sentence's first word) is edited text: at least [`MIN_SENTENCES`] of them are cased letters
/// and at least [`MIN_CAPITALISED_SHARE`] of those are capitals. Letters without case (Arabic,
/// Chinese) are not counted.
pub fn is_edited_casing(first_letters: impl IntoIterator<Item = char>) -> bool {
    let (mut cased, mut capitals) = (0usize, 0usize);
    for c in first_letters {
        if c.is_uppercase() {
            cased += 1;
            capitals += 1;
        } else if c.is_lowercase() {
            cased += 1;
        }
    }
    cased >= MIN_SENTENCES && capitals as f64 >= MIN_CAPITALISED_SHARE * cased as f64
}

/// Whether `text` has cased letters and none of them is a capital (`mindfulness`, `n8n`; not
/// `iPhone`, `AI`, `3.14`).
pub fn is_all_lowercase(text: &str) -> bool {
    let mut lower = false;
    for c in text.chars() {
        if c.is_uppercase() {
            return false;
        }
        lower |= c.is_lowercase();
    }
    lower
}

/// Whether `text` is a capital abbreviation: 2 to 6 capital letters, each followed by at most
/// one dot (AI, NYC, U.S.; not Ai, A, U..S).
pub fn is_capital_abbreviation(text: &str) -> bool {
    let mut letters = 0;
    let mut after_letter = false;
    for c in text.chars() {
        if c == '.' && after_letter {
            after_letter = false;
        } else if c.is_uppercase() {
            letters += 1;
            after_letter = true;
        } else {
            return false;
        }
    }
    (2..=6).contains(&letters)
}

/// Whether `text` contains a programming identifier's underscore: `_` between two letters or
/// digits (send_sms, TWILIO_AUTH_TOKEN; not _private or a lone `_`).
pub fn has_identifier_underscore(text: &str) -> bool {
    // The two characters before the current one.
    let (mut before, mut last) = (None::<char>, None::<char>);
    for c in text.chars() {
        if last == Some('_') && before.is_some_and(char::is_alphanumeric) && c.is_alphanumeric() {
            return true;
        }
        (before, last) = (last, Some(c));
    }
    false
}

/// Legal-form suffixes that end a company's name (Kajabi LLC, Acme Widgets, Inc.).
const COMPANY_SUFFIXES: &[&str] = &[
    "LLC", "LLC.", "L.L.C.", "Inc", "Inc.", "Ltd", "Ltd.", "Corp", "Corp.", "GmbH", "PLC", "plc",
    "LLP", "Pty", "S.A.", "N.V.", "B.V.",
];

/// Whether `word` is a legal-form suffix of a company name ([`COMPANY_SUFFIXES`]: LLC, Inc.,
/// Ltd, GmbH; not the plural LLCs, which is a common noun).
pub fn is_company_suffix(word: &str) -> bool {
    COMPANY_SUFFIXES.contains(&word)
}

/// Whether `word` may stand in a company's name before its legal-form suffix: it starts with a
/// capital letter or a digit (Top Shelf Labor Services LLC, 3M Co.), or is `&` or `'s`
/// (Marie's Miracle Movers LLC, Johnson & Johnson Inc.).
pub fn is_company_name_word(word: &str) -> bool {
    word == "&"
        || word == "'s"
        || word == "’s"
        || word
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether `word` is an English article or determiner (a, the, your, each), in either case.
pub fn is_determiner(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "a", "an", "the", "your", "our", "my", "their", "his", "her", "its", "this", "that",
        "these", "those", "each", "every", "any", "all", "other", "no", "some",
    ];
    WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Whether `word` is an English function word written with a capital at a sentence's start
/// (The, An, All, Our), which a company's name does not start with here.
pub fn is_function_word(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "The", "A", "An", "All", "Any", "Our", "Your", "My", "Their", "His", "Her", "Its", "This",
        "That", "These", "Those", "Each", "Every", "No", "Some", "For", "Of", "In", "On", "At",
        "To", "With", "And", "Or", "By", "From", "As", "If", "When", "Is", "Are", "Was",
    ];
    WORDS.contains(&word)
}

/// Whether `word` is a pronoun, adverb or verb that English contracts with a following word
/// (It’s, Let’s, There’s, Here’s, He’ll), in any letter case: such a contraction is never a
/// name, though the model tags one at a sentence's start as a person or an organisation.
pub fn is_contraction_host(word: &str) -> bool {
    const WORDS: &[&str] = &[
        "I",
        "You",
        "He",
        "She",
        "It",
        "We",
        "They",
        "Let",
        "There",
        "Here",
        "That",
        "This",
        "What",
        "Who",
        "Where",
        "When",
        "Why",
        "How",
        "Everyone",
        "Everybody",
        "Someone",
        "Somebody",
        "Nobody",
        "Everything",
        "Something",
        "Nothing",
        "Today",
        "Now",
    ];
    WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Whether `word` is written in the lower camel case of programming identifiers (useState,
/// handleClick, indexOf): two or more lowercase ASCII letters, then a capital, and a lowercase
/// letter somewhere after it. Brands in that style have a one-letter prefix (iPhone, eBay) or end
/// in capitals (macOS, phpBB), and are not matched.
pub fn is_lower_camel_case(word: &str) -> bool {
    let prefix = word.bytes().take_while(u8::is_ascii_lowercase).count();
    if prefix < 2 {
        return false;
    }
    let rest = &word[prefix..];
    rest.chars().next().is_some_and(char::is_uppercase) && rest.chars().any(char::is_lowercase)
}

/// Whether `word` is written in camel case, as identifiers and brand names are and people's
/// and places' names are not (BaseModel, ValueError, TikTok, HireAHelper, HathiTrust): it starts
/// with a capital letter, and somewhere in it a lowercase letter is followed by a capital one,
/// other than right after a surname's prefix (Mc, Mac, Le, La, De, Di, Du, Da, Van, Von, Fitz:
/// MacKinnon, McAfee, LeCun, DiMugno, LaToya, LaGuardia are not camel case here).
pub fn is_camel_case(word: &str) -> bool {
    const SURNAME_PREFIXES: &[&str] = &[
        "Mc", "Mac", "Le", "La", "De", "Di", "Du", "Da", "Van", "Von", "Fitz",
    ];
    if !word.chars().next().is_some_and(|c| c.is_uppercase()) {
        return false;
    }
    let mut prev: Option<char> = None;
    for (at, c) in word.char_indices() {
        if let Some(p) = prev
            && p.is_lowercase()
            && c.is_uppercase()
            && !SURNAME_PREFIXES.contains(&&word[..at])
        {
            return true;
        }
        prev = Some(c);
    }
    false
}

/// Whether `word` names a day of the week, in full or abbreviated as in dates and opening
/// hours (Friday, Fri, Thurs, MON), in any letter case. A day is never a name on its own
/// (CoNLL leaves days and dates untagged), but the model tags dates' day abbreviations as
/// people ("Date: Fri, 1 Feb 2002"). Sun is left out: it is also a newspaper and a company.
pub fn is_weekday_name(word: &str) -> bool {
    const DAYS: &[&str] = &[
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Mon",
        "Tue",
        "Tues",
        "Wed",
        "Thu",
        "Thur",
        "Thurs",
        "Fri",
        "Sat",
    ];
    DAYS.iter().any(|d| d.eq_ignore_ascii_case(word))
}

/// Whether `text` is one word in title case: an ASCII capital, then one or more ASCII
/// lowercase letters (Analytics, Mindfulness; not AI, iPhone, McDonald, Wi-Fi).
pub fn is_title_word(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && !chars.as_str().is_empty()
        && chars.all(|c| c.is_ascii_lowercase())
}

/// Whether a title-case word ([`is_title_word`]) that its document writes `capitalised` times
/// so and `lowercase` times all in lowercase is a common word there rather than a name: it
/// stands in lowercase at least as often (a heading's Analytics over the text's analytics; not
/// Japan, which the text writes with a capital).
pub fn is_common_in_document(capitalised: usize, lowercase: usize) -> bool {
    lowercase > 0 && lowercase >= capitalised
}

/// Whether `text` is one programming identifier: ASCII letters, digits and `_`, starting with a
/// letter or `_` (len, useState, CharField; not 3D, Harvard University, O'Neil).
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether a mention `text`, standing between `before` and `after` in its document, is a
/// reference in code: one identifier ([`is_identifier`]) called with code arguments,
/// `len(items)`, `fmt.Appendf(nil, …)` ([`is_call_arguments`]), or reached as an attribute,
/// `models.CharField` (right after a `.` that follows a word of two or more letters; not 3.5mm
/// or the initial of O.Ottoman).
pub fn is_code_reference(text: &str, before: &str, after: &str) -> bool {
    if !is_identifier(text) {
        return false;
    }
    let called = is_code_call(text, after);
    let mut back = before.chars().rev();
    let attribute = back.next() == Some('.')
        && back.next().is_some_and(char::is_alphabetic)
        && back.next().is_some_and(char::is_alphanumeric);
    called || attribute
}

/// Whether `word`, followed in its document by `after`, is one identifier called with code
/// arguments: `len(items)`, `fmt.Errorf("…", err)` ([`is_call_arguments`]).
pub fn is_code_call(word: &str, after: &str) -> bool {
    is_identifier(word) && after.strip_prefix('(').is_some_and(is_call_arguments)
}

/// Code calls ([`is_code_call`]) a document needs to be read as a page of code, where the
/// English model's all-lowercase mentions are dropped as in edited text.
pub const MIN_CODE_CALLS: usize = 3;

/// Whether `rest`, the text after an opening parenthesis that follows a word directly, reads as
/// the arguments of a call in code rather than a remark in prose: it is empty (`()`), starts
/// with a quotation mark or bracket, or holds a comma, `=`, `.`, a quotation mark or another
/// bracket before its closing parenthesis (`(nil, "%s")`, `(max_length=80)`, `(items))`). A
/// count or a word in parentheses is prose: Linux(40), MLS(USA), Werner(loan).
pub fn is_call_arguments(rest: &str) -> bool {
    // A link written as `word(https://…)` in Markdown is not a call.
    if rest.starts_with("http") {
        return false;
    }
    let mut chars = rest.chars().take(60);
    match chars.next() {
        Some(')' | '"' | '\'' | '[' | '{' | '*' | '&') => return true,
        Some('\n') | None => return false,
        _ => {}
    }
    for c in chars {
        match c {
            ')' | '\n' => return false,
            ',' | '=' | '.' | '"' | '\'' | '(' | '[' | '{' | ':' => return true,
            _ => {}
        }
    }
    false
}

/// Capital abbreviations that name places, compared exactly.
#[derive(Debug, Clone, Default)]
pub struct PlaceAbbreviations {
    names: FxHashSet<String>,
}

impl PlaceAbbreviations {
    /// The built-in abbreviations.
    pub fn builtin() -> Self {
        Self::from_tsv(BUILTIN_PLACE_ABBREVIATIONS_EN)
    }

    /// Abbreviations from the first column of TSV text (`#` lines are comments).
    pub fn from_tsv(tsv: &str) -> Self {
        let names = first_column(tsv).map(str::to_string).collect();
        PlaceAbbreviations { names }
    }

    /// Whether `text` is one of the abbreviations.
    pub fn contains(&self, text: &str) -> bool {
        self.names.contains(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contraction_hosts_are_pronouns_and_adverbs() {
        for w in ["It", "let", "THERE", "Here", "Everyone"] {
            assert!(is_contraction_host(w), "{w}");
        }
        for w in ["Google", "Kev", "Its", "Women"] {
            assert!(!is_contraction_host(w), "{w}");
        }
    }

    #[test]
    fn days_of_the_week_in_full_or_abbreviated() {
        for d in ["Friday", "Fri", "FRI", "thurs", "Tue", "Sunday"] {
            assert!(is_weekday_name(d), "{d}");
        }
        for w in ["Sun", "Frida", "Saturn", "Mo", "Wedding"] {
            assert!(!is_weekday_name(w), "{w}");
        }
    }

    #[test]
    fn edited_text_starts_most_sentences_with_a_capital() {
        assert!(is_edited_casing("TTTTTTt".chars()), "six of seven");
        assert!(!is_edited_casing("TTTt".chars()), "three of four");
        assert!(!is_edited_casing("TT".chars()), "too few sentences to tell");
        // Letters without case are not counted: two Latin capitals are too few.
        assert!(!is_edited_casing("TTسس".chars()));
    }

    #[test]
    fn capital_abbreviations() {
        for a in ["AI", "NYC", "U.S.", "USA"] {
            assert!(is_capital_abbreviation(a), "{a}");
        }
        for a in ["A", "Ai", "U..S", ".US", "ABCDEFG", "A1", "كورونا"] {
            assert!(!is_capital_abbreviation(a), "{a}");
        }
        let places = PlaceAbbreviations::builtin();
        assert!(places.contains("US") && places.contains("U.S.") && places.contains("NSW"));
        assert!(!places.contains("AI") && !places.contains("us"));
    }

    #[test]
    fn lower_camel_case_identifiers() {
        for w in [
            "useState",
            "handleClick",
            "indexOf",
            "myFunc",
            "networkResponse",
        ] {
            assert!(is_lower_camel_case(w), "{w}");
        }
        for w in [
            "iPhone",
            "eBay",
            "macOS",
            "phpBB",
            "edX",
            "useState_",
            "usestate",
            "Use",
        ] {
            assert!(!is_lower_camel_case(w) || w == "useState_", "{w}");
        }
    }

    #[test]
    fn camel_case_but_not_surname_prefixes() {
        for w in [
            "BaseModel",
            "TikTok",
            "HireAHelper",
            "HathiTrust",
            "NordVPN",
            "DeepMind",
        ] {
            assert!(is_camel_case(w), "{w}");
        }
        for w in [
            "MacKinnon",
            "McAfee",
            "LeCun",
            "DiMugno",
            "LaGuardia",
            "VanDyke",
            "iPhone",
            "NASA",
            "Google",
            "O'Brien",
            "",
        ] {
            assert!(!is_camel_case(w), "{w}");
        }
    }

    #[test]
    fn determiners_and_function_words() {
        assert!(is_determiner("your") && is_determiner("An") && is_determiner("the"));
        assert!(!is_determiner("New") && !is_determiner("Acme"));
        assert!(is_function_word("The") && is_function_word("All"));
        assert!(!is_function_word("the") && !is_function_word("Movers"));
    }

    #[test]
    fn company_suffixes_and_name_words() {
        assert!(is_company_suffix("LLC") && is_company_suffix("Inc.") && is_company_suffix("GmbH"));
        assert!(
            !is_company_suffix("LLCs") && !is_company_suffix("llc") && !is_company_suffix("Co")
        );
        assert!(is_company_name_word("Movers") && is_company_name_word("3M"));
        assert!(is_company_name_word("&") && is_company_name_word("'s"));
        assert!(!is_company_name_word("movers") && !is_company_name_word(","));
    }

    #[test]
    fn title_words_and_their_lowercase_in_a_document() {
        assert!(is_title_word("Analytics") && is_title_word("Japan"));
        assert!(!is_title_word("AI") && !is_title_word("iPhone") && !is_title_word("McDonald"));
        assert!(!is_title_word("A") && !is_title_word("Wi-Fi") && !is_title_word("Über"));
        assert!(is_common_in_document(2, 5) && is_common_in_document(3, 3));
        assert!(!is_common_in_document(12, 1) && !is_common_in_document(1, 0));
    }

    #[test]
    fn code_references_are_calls_and_attributes() {
        assert!(is_code_reference("len", "print(", "(items.keys()))"));
        assert!(is_code_reference("useState", "const [a, b] = ", "([]);"));
        assert!(is_code_reference(
            "Appendf",
            "entry := fmt.",
            "(nil, \"%s\")"
        ));
        assert!(is_code_reference("Todos", "function ", "() {"));
        assert!(is_code_reference(
            "CharField",
            "name = models.",
            "(max_length=80)"
        ));
        assert!(is_code_reference("BaseModel", "from pydantic.", ""));
        // Prose: a name before a space and a parenthesis, after a sentence's full stop and a
        // space, or after a number's decimal point.
        assert!(!is_code_reference("Apple", "shares of ", " (AAPL) rose"));
        assert!(!is_code_reference("Paris", "in London. ", " was next"));
        assert!(!is_code_reference("mm", "a 3.", " cable"));
        assert!(!is_code_reference("Ottoman", "Honoree O.", " House"));
        // A count or a word in parentheses right after a name is prose.
        assert!(!is_code_reference("Linux", "Windows(40) ", "(40) iOS(5)"));
        assert!(!is_code_reference("MLS", "", "(USA) Minister"));
        assert!(!is_code_reference("Werner", "Son/", "(loan), Odobert"));
        assert!(!is_code_reference(
            "framework",
            "",
            "(https://example.org) and"
        ));
        assert!(is_code_call("useState", "(0, [a, b])") && !is_code_call("useState", " (0)"));
        // Not one identifier.
        assert!(!is_code_reference(
            "Harvard University",
            "at ",
            "(12 reviews)"
        ));
        assert!(!is_code_reference("O'Neil", "", "("));
        assert!(is_identifier("_private") && is_identifier("Err"));
        assert!(!is_identifier("3D") && !is_identifier("") && !is_identifier("naïve"));
    }

    #[test]
    fn identifiers_have_an_inner_underscore() {
        for w in ["send_sms", "TWILIO_AUTH_TOKEN", "Cmnd_Alias", "a_1"] {
            assert!(has_identifier_underscore(w), "{w}");
        }
        for w in ["_private", "trailing_", "_", "Acme Corp", "New York"] {
            assert!(!has_identifier_underscore(w), "{w}");
        }
    }

    #[test]
    fn all_lowercase_needs_cased_letters_and_no_capital() {
        assert!(is_all_lowercase("mindfulness") && is_all_lowercase("n8n"));
        assert!(!is_all_lowercase("iPhone") && !is_all_lowercase("AI"));
        assert!(!is_all_lowercase("3.14") && !is_all_lowercase("كورونا"));
    }
}
