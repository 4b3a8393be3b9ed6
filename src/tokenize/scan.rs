//! The surface scanner: cuts text into surface tokens and classifies them.
//!
//! Rules, in the order they are tried at each position:
//! 1. URLs (`http://`, `https://`, `www.`, and bare domains with a common top-level domain),
//!    trailing sentence punctuation excluded;
//! 2. e-mail addresses (including Google-Groups style `abc...@host.com`);
//! 3. `@mentions` and `#hashtags` in any script;
//! 4. emoticons (`:)`, `:-(`, `;)`, `<3`, ...) standing between spaces, and emoji sequences
//!    (modifiers, ZWJ sequences, flags, keycaps);
//! 5. numbers in ASCII, Arabic-Indic and Extended Arabic-Indic digits, with `.` `,` `:` `/`
//!    `٫` `٬` between digits (decimals, thousands, times, dates) and dash-joined groups of three
//!    or more (phone numbers, ISO dates);
//! 6. words: letters, combining marks, digits, tatweel and joiners; an apostrophe between letters
//!    (`don't`, `O'Brien`); abbreviations with dots (`U.S.`, `e.g.`, `Dr.`, initials `J.`);
//!    hyphens stay inside a word only after a bound prefix (`e-mail`, `non-human`), otherwise
//!    the parts are separate tokens, as in English-EWT;
//!    file names with a common extension (`report.pdf`, `.doc`) and identifiers with
//!    underscores (`Lisa_resume`) are one token;
//! 7. a run of terminal marks is one token (`...`, `؟؟`, `?!`); so is a run of the same
//!    punctuation mark or symbol (`--`, `$$$`, `====`); anything else is a one-character
//!    punctuation or symbol token.

use super::chars::*;
use crate::document::TokenKind;

/// One surface token found by [`scan`]: byte offsets into the text and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// What kind of token this is.
    pub kind: TokenKind,
    /// Line breaks in the white space before this token.
    pub newlines_before: u32,
}

/// English abbreviations that keep their final dot (lower-case, without the dot). Titles come
/// first; [`is_title_abbreviation`] tells them apart because a sentence never ends after them.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "sts", "mt", "gen", "gov", "sen", "rep", "lt", "col",
    "capt", "cpt", "sgt", "maj", "adm", "cmdr", "rev", "hon", "pres", "supt", "messrs", "mme",
    "mlle", "fr", "sr", "jr", "pvt", "no", "nos", "vol", "pp", "fig", "ft",
];
const OTHER_ABBREVIATIONS: &[&str] = &[
    "inc", "ltd", "co", "corp", "llc", "plc", "bros", "dept", "univ", "assn", "ave", "blvd", "rd",
    "hwy", "etc", "ect", "vs", "approx", "est", "ext", "tel", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur",
    "thurs", "fri", "sat", "sun", "ps", "misc", "min", "max", "govt", "intl", "natl", "cf", "al",
    "ca", "viz",
];

/// Prefixes after which a hyphen does not split an English word (`e-mail`, `non-human`).
const BOUND_PREFIXES: &[&str] = &[
    "a", "e", "i", "x", "t", "non", "re", "pre", "post", "semi", "mis", "vice", "co", "anti", "ex",
    "pro", "multi", "inter", "intra", "mid", "sub", "un", "over", "under", "counter", "trans",
    "ultra", "neo", "pseudo", "quasi", "bi", "tri", "uni", "mega", "micro", "macro", "mini",
    "auto", "de", "dis", "extra", "hyper", "infra", "meta", "out", "self",
];

/// Common top-level domains that make `word.tld` a web address.
const TLDS: &[&str] = &[
    "com", "org", "net", "edu", "gov", "mil", "int", "info", "biz", "io", "co", "uk", "us", "ca",
    "de", "fr", "ru", "cn", "jp", "in", "au", "sy", "eg", "sa", "ae", "iq", "jo", "lb", "ma", "tn",
    "dz", "qa", "kw", "om", "ps", "ly", "sd", "ye", "tv", "me", "ly",
];

fn in_list(list: &[&str], word: &str) -> bool {
    word.len() <= 8 && list.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Whether `word` (without its dot) is a title or similar abbreviation after which a sentence
/// never ends (`Mr.`, `Dr.`, `St.`).
pub fn is_title_abbreviation(word: &str) -> bool {
    in_list(TITLES, word)
}

#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

#[inline]
fn prev_char(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

/// Cuts `text` into surface tokens, appending them to `out`.
pub fn scan(text: &str, out: &mut Vec<Piece>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut newlines = 0u32;
    while i < bytes.len() {
        let b = bytes[i];
        // Fast path for ASCII white space.
        if b == b' ' || b == b'\t' || b == b'\r' {
            i += 1;
            continue;
        }
        if b == b'\n' {
            newlines += 1;
            i += 1;
            continue;
        }
        let Some(c) = char_at(text, i) else { break };
        if !c.is_ascii()
            && (c.is_whitespace()
                || matches!(
                    c,
                    '\u{200B}' | '\u{FEFF}' | '\u{200E}' | '\u{200F}' | '\u{00AD}'
                ))
        {
            if matches!(c, '\u{2028}' | '\u{2029}' | '\u{0085}') {
                newlines += 1;
            }
            i += c.len_utf8();
            continue;
        }
        let (end, kind) = next_token(text, i, c);
        let end = end.max(i + c.len_utf8());
        out.push(Piece {
            start: i,
            end,
            kind,
            newlines_before: newlines,
        });
        newlines = 0;
        i = end;
    }
}

/// Finds the end of the token starting at byte `i` (whose first character is `c`).
fn next_token(text: &str, i: usize, c: char) -> (usize, TokenKind) {
    if c.is_ascii_alphabetic() {
        if let Some(end) = url_at(text, i) {
            return (end, TokenKind::Url);
        }
        if let Some(end) = email_at(text, i) {
            return (end, TokenKind::Email);
        }
    } else if c.is_ascii_digit()
        && let Some(end) = email_at(text, i)
    {
        return (end, TokenKind::Email);
    }
    match c {
        '@' | '#' => {
            let end = scan_while(text, i + 1, |ch| is_word_char(ch) || ch == '_');
            // "#1" is "number one", not a hashtag: a tag needs a letter.
            if end > i + 1
                && (c == '@' || text[i + 1..end].chars().any(crate::chars::is_alphabetic))
            {
                let kind = if c == '@' {
                    TokenKind::Mention
                } else {
                    TokenKind::Hashtag
                };
                return (end, kind);
            }
        }
        ':' | ';' | '=' | '<' | '8' | 'x' | 'X' => {
            if let Some(end) = emoticon_at(text, i) {
                return (end, TokenKind::Emoji);
            }
        }
        _ => {}
    }
    if is_digit(c) {
        return (number_end(text, i), TokenKind::Number);
    }
    if is_word_char(c) {
        return (word_end(text, i), TokenKind::Word);
    }
    if is_emoji_char(c) {
        let end = scan_while(text, i, |ch| is_emoji_char(ch) || is_emoji_continuation(ch));
        return (end, TokenKind::Emoji);
    }
    if c == '.'
        && let Some(end) = file_extension_at(text, i)
    {
        return (end, TokenKind::Word);
    }
    if is_terminal(c) {
        // A run of terminal marks is one token ("...", "؟؟", "?!", "!.").
        return (scan_while(text, i, is_terminal), TokenKind::Punct);
    }
    // A run of the same mark or symbol is one token ("--", "$$$", "====").
    let len = c.len_utf8();
    let mut end = i + len;
    while text[end..].starts_with(c) {
        end += len;
    }
    let kind = if is_punct(c) {
        TokenKind::Punct
    } else {
        TokenKind::Symbol
    };
    (end, kind)
}

fn scan_while(text: &str, mut i: usize, f: impl Fn(char) -> bool) -> usize {
    for ch in text[i..].chars() {
        if !f(ch) {
            break;
        }
        i += ch.len_utf8();
    }
    i
}

/// A URL starting at `i`: scheme or `www.` prefix, up to white space, minus trailing
/// punctuation (a closing parenthesis stays when the URL opened one).
fn url_at(text: &str, i: usize) -> Option<usize> {
    let rest = &text.as_bytes()[i..];
    let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    let prefixed =
        starts(b"http://") || starts(b"https://") || starts(b"www.") || starts(b"ftp://");
    if !prefixed {
        return bare_domain_at(text, i);
    }
    let mut end = scan_while(text, i, |ch| {
        !ch.is_whitespace() && !matches!(ch, '<' | '>' | '"' | '«' | '»' | '“' | '”' | '،')
    });
    trim_url_tail(text, i, &mut end);
    (end > i + 4).then_some(end)
}

fn trim_url_tail(text: &str, start: usize, end: &mut usize) {
    while let Some(last) = prev_char(text, *end) {
        if *end <= start {
            break;
        }
        let trim = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | ']' | '}' | '؟' => true,
            ')' => {
                let s = &text[start..*end];
                s.matches('(').count() < s.matches(')').count()
            }
            _ => false,
        };
        if !trim {
            break;
        }
        *end -= last.len_utf8();
    }
}

/// `name.tld` or `name.name.tld[/path]` written without a scheme (e.g. `Amazon.com`).
fn bare_domain_at(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut j = i;
    let mut labels = 0;
    let mut last_label;
    loop {
        let s = j;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-') {
            j += 1;
        }
        if j == s {
            return None;
        }
        labels += 1;
        last_label = (s, j);
        if j + 1 < bytes.len() && bytes[j] == b'.' && bytes[j + 1].is_ascii_alphanumeric() {
            j += 1;
        } else {
            break;
        }
    }
    if labels < 2 || !in_list(TLDS, &text[last_label.0..last_label.1]) {
        return None;
    }
    // The next character must not continue a word (e.g. "U.S" is not a domain anyway).
    if let Some(next) = char_at(text, j) {
        if is_word_char(next) {
            return None;
        }
        if next == '/' {
            let mut end = scan_while(text, j, |ch| {
                !ch.is_whitespace() && !matches!(ch, '<' | '>' | '"')
            });
            trim_url_tail(text, i, &mut end);
            return Some(end);
        }
    }
    Some(j)
}

/// An e-mail address starting at `i`.
fn email_at(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut j = i;
    while j < bytes.len()
        && (bytes[j].is_ascii_alphanumeric()
            || matches!(bytes[j], b'.' | b'_' | b'%' | b'+' | b'-'))
    {
        j += 1;
    }
    if j == i || j >= bytes.len() || bytes[j] != b'@' {
        return None;
    }
    let at = j;
    j += 1;
    let mut dots = 0;
    let mut last_dot = 0;
    while j < bytes.len()
        && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'-' || bytes[j] == b'.')
    {
        if bytes[j] == b'.' {
            if j + 1 >= bytes.len() || !bytes[j + 1].is_ascii_alphanumeric() {
                break;
            }
            dots += 1;
            last_dot = j;
        }
        j += 1;
    }
    (dots > 0 && j > at + 1 && j - last_dot > 2).then_some(j)
}

/// An emoticon standing on its own (white space or text edge before, white space, punctuation
/// or text edge after).
fn emoticon_at(text: &str, i: usize) -> Option<usize> {
    if let Some(p) = prev_char(text, i)
        && !p.is_whitespace()
        && !matches!(p, '(' | '"' | '\'')
    {
        return None;
    }
    const FACES: &[&str] = &[
        ":-)", ":-(", ":-D", ":-P", ":-p", ":-/", ":-|", ":-O", ":-o", ";-)", ":')", ":'(", ":)",
        ":(", ":D", ":P", ":p", ":/", ":|", ":O", ":o", ":?", ";)", ";(", ";D", ";P", "=)", "=(",
        "=D", "<3", "</3", "8)", "8-)", "xD", "XD", ":]", ":[", ":*", ";-(", "^_^", "-_-",
    ];
    let rest = &text[i..];
    let mut best = 0;
    for f in FACES {
        if f.len() > best && rest.starts_with(f) {
            let after = char_at(rest, f.len());
            if after
                .is_none_or(|a| a.is_whitespace() || matches!(a, '.' | ',' | '!' | '?' | ')' | '"'))
            {
                best = f.len();
            }
        }
    }
    (best > 0).then_some(i + best)
}

/// The end of a number starting at `i`.
fn number_end(text: &str, i: usize) -> usize {
    let mut end = scan_while(text, i, is_digit);
    // Separators between digits: decimal marks, thousands, times, dates.
    while let Some(sep) = char_at(text, end) {
        if !matches!(sep, '.' | ',' | ':' | '/' | '\u{066B}' | '\u{066C}') {
            break;
        }
        let after = end + sep.len_utf8();
        match char_at(text, after) {
            Some(d) if is_digit(d) => end = scan_while(text, after, is_digit),
            _ => break,
        }
    }
    // Dash-joined groups: kept only when there are at least three (555-123-4567, 2019-03-04).
    let mut j = end;
    let mut groups = 1;
    while text[j..].starts_with('-') && char_at(text, j + 1).is_some_and(is_digit) {
        j = scan_while(text, j + 1, is_digit);
        groups += 1;
    }
    if groups >= 3 {
        end = j;
    }
    // Ordinal and similar suffixes stay on the number ("15th", "1990s").
    let letters_end = scan_while(text, end, |ch| ch.is_ascii_alphabetic());
    let suffix = &text[end..letters_end];
    if !suffix.is_empty()
        && matches!(
            suffix.to_ascii_lowercase().as_str(),
            "st" | "nd" | "rd" | "th" | "s"
        )
        && !char_at(text, letters_end).is_some_and(is_word_char)
    {
        end = letters_end;
    } else if !suffix.is_empty()
        || char_at(text, end)
            .is_some_and(|ch| is_word_char(ch) && !ch.is_ascii() && !is_arabic_word_char(ch))
    {
        // Digits glued to Latin (or other) letters form one alphanumeric word ("mp3", "F16").
        return word_end(text, i);
    }
    end
}

/// The end of a word starting at `i` (see rule 6 of the module notes).
fn word_end(text: &str, i: usize) -> usize {
    let mut end = match char_at(text, i) {
        // Arabic letters and digits do not glue: و2006 is "and 2006", two tokens.
        Some(c) if is_arabic_word_char(c) => {
            return scan_while(text, i, |ch| {
                is_word_char(ch) && !is_digit(ch) && !ch.is_ascii_alphabetic()
            });
        }
        _ => scan_while(text, i, |ch| is_word_char(ch) && !is_arabic_word_char(ch)),
    };
    // Apostrophes between letters: contractions, possessives, names (don't, it's, O'Brien).
    while let Some(ap) = char_at(text, end) {
        if !matches!(ap, '\'' | '\u{2019}') {
            break;
        }
        let after = end + ap.len_utf8();
        if char_at(text, after).is_some_and(crate::chars::is_alphabetic) {
            end = scan_while(text, after, is_word_char);
        } else {
            break;
        }
    }
    // Underscores between word characters (identifiers, file names: Lisa_resume).
    while text[end..].starts_with('_') && char_at(text, end + 1).is_some_and(is_word_char) {
        end = scan_while(text, end + 1, is_word_char);
    }
    let word = &text[i..end];
    let ascii_word = word.is_ascii();
    // File names: report.pdf, TEXT.htm.
    if ascii_word
        && text[end..].starts_with('.')
        && let Some(e) = file_extension_at(text, end)
    {
        return e;
    }
    // Dotted abbreviations.
    if ascii_word && text[end..].starts_with('.') {
        if let Some(e) = dotted_abbreviation(text, i, end) {
            return e;
        }
        if in_list(TITLES, word) || in_list(OTHER_ABBREVIATIONS, word) {
            return end + 1;
        }
        if word.len() == 1 && word.as_bytes()[0].is_ascii_uppercase() {
            return end + 1; // an initial
        }
    }
    // Hyphen after a bound prefix stays in the word.
    if ascii_word
        && text[end..].starts_with('-')
        && in_list(BOUND_PREFIXES, word)
        && char_at(text, end + 1).is_some_and(|ch| ch.is_ascii_alphabetic())
    {
        return word_end(text, end + 1);
    }
    end
}

/// Arabic letters, marks and tatweel (not digits): the characters of an Arabic word.
fn is_arabic_word_char(c: char) -> bool {
    is_arabic_letter(c) || is_arabic_mark(c) || c == TATWEEL
}

/// Common file-name extensions: `report.pdf` and `.doc` stay one token.
const FILE_EXTENSIONS: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "htm", "html", "rtf", "csv", "zip",
    "jpg", "jpeg", "png", "gif", "mp3", "mp4", "wav", "avi", "exe", "xml", "json",
];

/// A dot and a known file extension at `i`, not followed by a word character: the end.
fn file_extension_at(text: &str, i: usize) -> Option<usize> {
    let end = scan_while(text, i + 1, |ch| ch.is_ascii_alphanumeric());
    let ext = &text[i + 1..end];
    (!ext.is_empty()
        && in_list(FILE_EXTENSIONS, ext)
        && !char_at(text, end).is_some_and(is_word_char))
    .then_some(end)
}

/// `U.S.`, `e.g.`, `Ph.D.`, `a.m.`: short letter groups joined by dots, with the final dot.
fn dotted_abbreviation(text: &str, i: usize, first_end: usize) -> Option<usize> {
    if first_end - i > 2 {
        return None;
    }
    let bytes = text.as_bytes();
    let mut j = first_end; // at a '.'
    let mut groups = 1;
    while j < bytes.len() && bytes[j] == b'.' {
        let s = j + 1;
        let mut k = s;
        while k < bytes.len() && bytes[k].is_ascii_alphabetic() {
            k += 1;
        }
        if k == s || k - s > 2 {
            break;
        }
        groups += 1;
        j = k;
    }
    if groups < 2 {
        return None;
    }
    if j < bytes.len() && bytes[j] == b'.' {
        j += 1;
    }
    if char_at(text, j).is_some_and(is_word_char) {
        return None;
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surfaces(text: &str) -> Vec<(&str, TokenKind)> {
        let mut out = Vec::new();
        scan(text, &mut out);
        out.iter()
            .map(|p| (&text[p.start..p.end], p.kind))
            .collect()
    }

    fn texts(text: &str) -> Vec<&str> {
        surfaces(text).into_iter().map(|(s, _)| s).collect()
    }

    #[test]
    fn keeps_urls_emails_mentions_hashtags_whole() {
        let got = surfaces("See https://example.com/a?b=1, mail me@x.org or @user_1 #وسم #tag.");
        assert!(got.contains(&("https://example.com/a?b=1", TokenKind::Url)));
        assert!(got.contains(&("me@x.org", TokenKind::Email)));
        assert!(got.contains(&("@user_1", TokenKind::Mention)));
        assert!(got.contains(&("#وسم", TokenKind::Hashtag)));
        assert!(got.contains(&("#tag", TokenKind::Hashtag)));
        assert_eq!(got.last(), Some(&(".", TokenKind::Punct)));
        assert!(texts("Visit Amazon.com today").contains(&"Amazon.com"));
    }

    #[test]
    fn keeps_numbers_times_and_dates_whole() {
        assert_eq!(
            texts("١٬٢٣٤٫٥ and 1,234.5 at 6:30 on 2019/03/04."),
            [
                "١٬٢٣٤٫٥",
                "and",
                "1,234.5",
                "at",
                "6:30",
                "on",
                "2019/03/04",
                "."
            ]
        );
        assert_eq!(
            texts("call 555-123-4567 a 15-year term"),
            ["call", "555-123-4567", "a", "15", "-", "year", "term"]
        );
    }

    #[test]
    fn abbreviations_contractions_and_hyphens() {
        assert_eq!(
            texts("The U.S. and e.g. Dr. J. Smith don't."),
            [
                "The", "U.S.", "and", "e.g.", "Dr.", "J.", "Smith", "don't", "."
            ]
        );
        assert_eq!(
            texts("an e-mail about wheel-chair"),
            ["an", "e-mail", "about", "wheel", "-", "chair"]
        );
    }

    #[test]
    fn punctuation_runs_emoticons_and_emoji() {
        assert_eq!(
            texts("wait... really؟؟ ok :) 👍🏽 👨‍👩‍👧"),
            ["wait", "...", "really", "؟؟", "ok", ":)", "👍🏽", "👨‍👩‍👧"]
        );
        assert_eq!(surfaces(":)")[0].1, TokenKind::Emoji);
    }

    #[test]
    fn arabic_letters_and_digits_do_not_glue() {
        assert_eq!(
            texts("و2006 ب١٥ إي-ميكرو mp3"),
            ["و", "2006", "ب", "١٥", "إي", "-", "ميكرو", "mp3"]
        );
    }

    #[test]
    fn arabic_words_keep_their_clitics_and_split_punctuation() {
        assert_eq!(
            texts("وبالتحالف، لقوات؛ «نشرتها»"),
            ["وبالتحالف", "،", "لقوات", "؛", "«", "نشرتها", "»"]
        );
    }
}
