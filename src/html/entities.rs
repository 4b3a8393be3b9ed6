//! Character references (`&amp;`, `&#233;`, `&#x1F600;`, legacy `&copy` without `;`), decoded
//! as the HTML standard's tokenizer does in text and in attribute values.

use std::sync::OnceLock;

use memchr::memchr;

use super::entity_table::ENTITIES;

/// Longest name in the table (`&CounterClockwiseContourIntegral;` is 32 bytes with the `;`).
const MAX_NAME: usize = 32;

/// Windows-1252 meanings of the numeric references `&#x80;`..`&#x9F;` that the standard
/// substitutes; 0 marks the five code points it leaves alone.
const C1: [u32; 32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
    0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
];

/// True when `s` holds a `&` and so may need decoding.
#[inline]
pub fn has_reference(s: &str) -> bool {
    memchr(b'&', s.as_bytes()).is_some()
}

/// Appends `s` to `out` with every character reference decoded. `in_attribute` applies the
/// attribute-value rule: a named reference without `;` followed by `=` or an alphanumeric
/// (`?a=1&copy=2`) stays literal text.
pub fn decode_into(out: &mut String, s: &str, in_attribute: bool) {
    let b = s.as_bytes();
    let mut done = 0;
    let mut from = 0;
    while let Some(off) = memchr(b'&', &b[from..]) {
        let amp = from + off;
        match reference_at(s, amp + 1, in_attribute) {
            Some((len, text)) => {
                out.push_str(&s[done..amp]);
                text.push_to(out);
                done = amp + 1 + len;
                from = done;
            }
            None => from = amp + 1,
        }
    }
    out.push_str(&s[done..]);
}

/// Decodes `s` into a new string (a convenience for tests and short values).
pub fn decode(s: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    decode_into(&mut out, s, in_attribute);
    out
}

/// What a reference stands for.
enum Replacement {
    Char(char),
    Str(&'static str),
}

impl Replacement {
    fn push_to(&self, out: &mut String) {
        match self {
            Replacement::Char(c) => out.push(*c),
            Replacement::Str(s) => out.push_str(s),
        }
    }
}

/// The reference starting at byte `at` (just after the `&`): how many bytes it spans from `at`
/// and its replacement, or `None` when the `&` is literal text.
fn reference_at(s: &str, at: usize, in_attribute: bool) -> Option<(usize, Replacement)> {
    let b = s.as_bytes();
    match b.get(at)? {
        b'#' => numeric(b, at + 1).map(|(len, c)| (len + 1, Replacement::Char(c))),
        c if c.is_ascii_alphanumeric() => named(b, at, in_attribute),
        _ => None,
    }
}

/// A numeric reference after `&#`: `x`/`X` and hex digits, or decimal digits, then an optional `;`.
fn numeric(b: &[u8], at: usize) -> Option<(usize, char)> {
    let (hex, digits_at) = match b.get(at) {
        Some(b'x' | b'X') => (true, at + 1),
        _ => (false, at),
    };
    let mut value: u32 = 0;
    let mut i = digits_at;
    while let Some(&c) = b.get(i) {
        let d = match (hex, c) {
            (_, b'0'..=b'9') => u32::from(c - b'0'),
            (true, b'a'..=b'f') => u32::from(c - b'a' + 10),
            (true, b'A'..=b'F') => u32::from(c - b'A' + 10),
            _ => break,
        };
        // Saturate well above the Unicode range: the value only has to stay invalid.
        value = value
            .saturating_mul(if hex { 16 } else { 10 })
            .saturating_add(d)
            .min(0x0011_0000);
        i += 1;
    }
    if i == digits_at {
        return None;
    }
    if b.get(i) == Some(&b';') {
        i += 1;
    }
    Some((i - at, numeric_char(value)))
}

/// The character a numeric reference's value stands for, with the standard's substitutions.
fn numeric_char(value: u32) -> char {
    match value {
        0 => '\u{FFFD}',
        0x80..=0x9F => match C1[(value - 0x80) as usize] {
            0 => char::from_u32(value).unwrap_or('\u{FFFD}'),
            c => char::from_u32(c).unwrap_or('\u{FFFD}'),
        },
        _ => char::from_u32(value).unwrap_or('\u{FFFD}'),
    }
}

/// A named reference starting at `at`: the longest name of the table that the input starts with.
fn named(b: &[u8], at: usize, in_attribute: bool) -> Option<(usize, Replacement)> {
    let run = b[at..]
        .iter()
        .take(MAX_NAME)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let name = &b[at..at + run];
    if b.get(at + run) == Some(&b';')
        && let Some(text) = lookup(&b[at..at + run + 1])
    {
        return Some((run + 1, Replacement::Str(text)));
    }
    // Names without `;` are the legacy ones (`&amp`, `&nbsp`, `&copy`): try the longest prefix
    // (none is longer than the longest legacy name, so longer prefixes are not looked up).
    for len in (2..=run.min(longest_legacy_name())).rev() {
        if let Some(text) = lookup(&name[..len]) {
            if in_attribute {
                let next = b.get(at + len);
                if next.is_some_and(|c| *c == b'=' || c.is_ascii_alphanumeric()) {
                    return None;
                }
            }
            return Some((len, Replacement::Str(text)));
        }
    }
    None
}

/// The length of the longest name of [`ENTITIES`] without a `;` (a legacy name).
fn longest_legacy_name() -> usize {
    static LONGEST: OnceLock<usize> = OnceLock::new();
    *LONGEST.get_or_init(|| {
        ENTITIES
            .iter()
            .filter(|(name, _)| !name.ends_with(';'))
            .map(|(name, _)| name.len())
            .max()
            .unwrap_or(0)
    })
}

/// For each ASCII letter as first byte, the range of [`ENTITIES`] whose names start with it.
fn first_byte_ranges() -> &'static [(u16, u16); 128] {
    static RANGES: OnceLock<[(u16, u16); 128]> = OnceLock::new();
    RANGES.get_or_init(|| {
        let mut ranges = [(0u16, 0u16); 128];
        for (i, (name, _)) in ENTITIES.iter().enumerate() {
            let first = usize::from(name.as_bytes()[0] & 0x7F);
            let r = &mut ranges[first];
            if r.1 == 0 {
                r.0 = i as u16;
            }
            r.1 = i as u16 + 1;
        }
        ranges
    })
}

/// The replacement text of an exact table name (with its `;` if it has one). The few names
/// that make up most references on real pages are answered without a search.
fn lookup(name: &[u8]) -> Option<&'static str> {
    match name {
        b"amp;" | b"amp" => Some("&"),
        b"nbsp;" | b"nbsp" => Some("\u{a0}"),
        b"quot;" | b"quot" => Some("\""),
        b"lt;" | b"lt" => Some("<"),
        b"gt;" | b"gt" => Some(">"),
        _ => search(name),
    }
}

/// [`lookup`] by binary search of [`ENTITIES`].
fn search(name: &[u8]) -> Option<&'static str> {
    let first = *name.first()?;
    if !first.is_ascii() {
        return None;
    }
    let (start, end) = first_byte_ranges()[usize::from(first)];
    let part = &ENTITIES[usize::from(start)..usize::from(end)];
    part.binary_search_by(|(n, _)| n.as_bytes().cmp(name))
        .ok()
        .map(|i| part[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        assert_eq!(ENTITIES.len(), 2231);
        assert!(
            ENTITIES
                .windows(2)
                .all(|w| w[0].0.as_bytes() < w[1].0.as_bytes())
        );
        assert_eq!(
            lookup(b"CounterClockwiseContourIntegral;"),
            Some("\u{2233}")
        );
        assert_eq!(lookup(b"acE;"), Some("\u{223E}\u{333}"));
        for &(name, text) in ENTITIES.iter() {
            assert_eq!(lookup(name.as_bytes()), Some(text), "{name}");
        }
        for name in [
            "amp;", "amp", "nbsp;", "nbsp", "quot;", "quot", "lt;", "lt", "gt;", "gt",
        ] {
            assert_eq!(lookup(name.as_bytes()), search(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn named_references() {
        assert_eq!(
            decode("a &amp; b &lt;&gt; &quot;x&quot;", false),
            "a & b <> \"x\""
        );
        assert_eq!(decode("&nbsp;&copy;&eacute;&hellip;", false), "\u{a0}©é…");
        assert_eq!(decode("&NotEqualTilde;", false), "\u{2242}\u{338}");
        // Legacy names need no semicolon; the longest legacy prefix wins.
        assert_eq!(decode("&amp &copy2026 &nbspx", false), "& ©2026 \u{a0}x");
        assert_eq!(decode("&notit;", false), "¬it;");
        assert_eq!(decode("&notin;", false), "∉");
        // Unknown names and lone ampersands stay literal.
        assert_eq!(decode("AT&T &foo; & &;", false), "AT&T &foo; & &;");
        // `&hellip` has no legacy form: without `;` it is literal.
        assert_eq!(decode("&hellip", false), "&hellip");
    }

    #[test]
    fn attribute_rule() {
        assert_eq!(decode("?a=1&copy=2&amp;b", true), "?a=1&copy=2&b");
        assert_eq!(decode("x&copyz", true), "x&copyz");
        assert_eq!(decode("x&copy z", true), "x© z");
        assert_eq!(decode("x&copyz", false), "x©z");
        assert_eq!(decode("&lang=en", true), "&lang=en");
    }

    #[test]
    fn numeric_references() {
        assert_eq!(decode("&#65;&#x42;&#X43;&#0068", false), "ABCD");
        assert_eq!(decode("&#x1F600;", false), "😀");
        assert_eq!(
            decode("&#0;&#xD800;&#x110000;&#99999999999;", false),
            "\u{FFFD}".repeat(4)
        );
        // Windows-1252 remapping of the C1 range; the unmapped five stay as they are.
        assert_eq!(decode("&#150;&#x80;&#x9F;&#x81;", false), "–€Ÿ\u{81}");
        assert_eq!(decode("&#;&#x;&#xZ", false), "&#;&#x;&#xZ");
    }
}
