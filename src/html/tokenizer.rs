//! The tokenizer: one forward pass over the bytes of a page that hands tags, text and the
//! other tokens straight to a [`TokenSink`] (no token objects are queued).
//!
//! It scans with `memchr` for `<`, then reads a start tag, end tag, comment, doctype, CDATA
//! section or bogus comment in place. Text runs are passed as slices of the input unless they
//! hold a `&`, in which case they are decoded into a reused buffer. After a start tag the sink
//! may switch the tokenizer to raw text (script, style, ...), RCDATA (title, textarea) or
//! plain text; the tokenizer then looks for the matching end tag only.

use std::borrow::Cow;
use std::sync::OnceLock;

use memchr::memchr;

use super::entities::{decode_into, has_reference};
pub use crate::extract::dom::Attr;
use crate::extract::dom::{AttrRange, Span};

/// How the text after a start tag is tokenized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMode {
    /// Markup is recognised (the usual state).
    Data,
    /// Everything up to the matching end tag is text, with no references (script, style, xmp,
    /// iframe, noembed, noframes).
    RawText,
    /// Everything up to the matching end tag is text, with references decoded (title, textarea).
    RcData,
    /// Everything to the end of the input is text.
    PlainText,
}

/// A start tag as the sink sees it.
pub struct StartTag<'a> {
    /// Lower-cased tag name.
    pub name: &'a str,
    /// Attributes in source order, a range of the sink's attribute list (with their values
    /// in its string buffer, [`TokenSink::buffers`]); repeated names keep the first value.
    pub attrs: AttrRange,
    /// The tag ended with `/>`.
    pub self_closing: bool,
}

/// The receiver of tokens: the tree builder.
pub trait TokenSink {
    /// A start tag; returns how the following text is to be tokenized.
    fn start_tag(&mut self, tag: StartTag<'_>) -> TextMode;
    /// An end tag (lower-cased name).
    fn end_tag(&mut self, name: &str);
    /// The end of a raw-text, RCDATA or plain-text element's content (its end tag).
    fn raw_end(&mut self);
    /// A run of text, references decoded.
    fn text(&mut self, text: &str);
    /// A doctype; `html` tells whether its name is `html`.
    fn doctype(&mut self, html: bool);
    /// True when the current node is in SVG or MathML, where `<![CDATA[` opens a CDATA section.
    fn in_foreign(&self) -> bool;
    /// True when the sink wants no more tokens (its node limit is reached).
    fn stopped(&self) -> bool;
    /// The sink's attribute list and string buffer: the tokenizer appends the attributes of
    /// each start tag to the list and their values to the buffer.
    fn buffers(&mut self) -> (&mut Vec<Attr>, &mut String);
}

/// Byte classes: [`SPACE`], [`SLASH`], [`GT`], [`EQ`].
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = SPACE;
    t[b'\n' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[0x0c] = SPACE;
    t[b'\r' as usize] = SPACE;
    t[b'/' as usize] = SLASH;
    t[b'>' as usize] = GT;
    t[b'=' as usize] = EQ;
    t
};
const SPACE: u8 = 1;
const SLASH: u8 = 2;
const GT: u8 = 4;
const EQ: u8 = 8;

#[inline]
fn is_space(c: u8) -> bool {
    CLASS[c as usize] == SPACE
}

#[inline]
fn class(c: u8) -> u8 {
    CLASS[c as usize]
}

/// Attribute names stored as static strings (no allocation for the common ones).
const COMMON_ATTRIBUTES: &[&str] = &[
    "class",
    "id",
    "href",
    "src",
    "style",
    "rel",
    "type",
    "name",
    "content",
    "property",
    "itemprop",
    "lang",
    "title",
    "alt",
    "role",
    "hidden",
    "datetime",
    "width",
    "height",
    "target",
    "charset",
    "http-equiv",
    "aria-hidden",
    "aria-label",
    "value",
    "action",
    "method",
    "for",
    "srcset",
    "sizes",
    "loading",
    "dir",
    "tabindex",
    "itemscope",
    "itemtype",
    "data-src",
    "onclick",
    "media",
    "async",
    "defer",
    "crossorigin",
    "integrity",
    "xmlns",
    "viewbox",
    "fill",
    "d",
    "decoding",
    "fetchpriority",
    "aria-expanded",
    "aria-controls",
    "data-id",
    "placeholder",
    "colspan",
    "rowspan",
    "border",
    "align",
    "stroke",
    "version",
    "focusable",
    "x",
    "y",
];

/// The bytes of a name of at most 8 bytes as one integer (tag and attribute tables key on it).
pub(super) fn pack(name: &str) -> Option<u64> {
    let b = name.as_bytes();
    if b.len() > 8 {
        return None;
    }
    let mut buf = [0u8; 8];
    buf[..b.len()].copy_from_slice(b);
    Some(u64::from_le_bytes(buf))
}

/// A map from names of at most 8 bytes, by their [`pack`]ed key, to values: open addressing
/// in a table of at least four slots per entry, so that a look-up is one multiplication and
/// usually one comparison (the tag and attribute names of every page are looked up in one).
pub(super) struct PackedMap<T> {
    slots: Vec<Option<(u64, T)>>,
    shift: u32,
}

impl<T> PackedMap<T> {
    /// A map of `entries` (keys unique).
    pub(super) fn new(entries: impl IntoIterator<Item = (u64, T)>) -> PackedMap<T> {
        let entries: Vec<(u64, T)> = entries.into_iter().collect();
        let bits = (entries.len().max(1) * 4)
            .next_power_of_two()
            .trailing_zeros();
        let mut slots: Vec<Option<(u64, T)>> = (0..1usize << bits).map(|_| None).collect();
        let shift = 64 - bits;
        let mask = slots.len() - 1;
        for (key, value) in entries {
            let mut i = Self::slot(key, shift);
            while slots[i].is_some() {
                i = (i + 1) & mask;
            }
            slots[i] = Some((key, value));
        }
        PackedMap { slots, shift }
    }

    #[inline]
    fn slot(key: u64, shift: u32) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> shift) as usize
    }

    /// The value of `key`.
    #[inline]
    pub(super) fn get(&self, key: u64) -> Option<&T> {
        let mask = self.slots.len() - 1;
        let mut i = Self::slot(key, self.shift);
        loop {
            match &self.slots[i] {
                Some((k, v)) if *k == key => return Some(v),
                Some(_) => i = (i + 1) & mask,
                None => return None,
            }
        }
    }
}

/// The common attribute names of at most 8 bytes, by packed key.
fn packed_attributes() -> &'static PackedMap<&'static str> {
    static TABLE: OnceLock<PackedMap<&'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        PackedMap::new(
            COMMON_ATTRIBUTES
                .iter()
                .filter_map(|&n| Some((pack(n)?, n))),
        )
    })
}

fn attr_name(name: &str) -> Cow<'static, str> {
    let found = match pack(name) {
        Some(key) => packed_attributes().get(key).copied(),
        None => COMMON_ATTRIBUTES.iter().copied().find(|n| *n == name),
    };
    match found {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(name.to_string()),
    }
}

/// Tokenizes `src` into `sink`.
pub fn tokenize<S: TokenSink>(src: &str, sink: &mut S) {
    Tokenizer {
        src,
        b: src.as_bytes(),
        scratch: String::new(),
        name: String::new(),
    }
    .run(sink);
}

struct Tokenizer<'a> {
    src: &'a str,
    b: &'a [u8],
    /// Reused buffer for decoded text.
    scratch: String,
    /// Reused buffer for lower-cased tag names.
    name: String,
}

impl<'a> Tokenizer<'a> {
    fn run<S: TokenSink>(&mut self, sink: &mut S) {
        let b = self.b;
        let len = b.len();
        let mut text_start = 0;
        let mut pos = 0;
        while pos < len {
            if sink.stopped() {
                return;
            }
            let Some(off) = memchr(b'<', &b[pos..]) else {
                break;
            };
            let lt = pos + off;
            let next = b.get(lt + 1).copied().unwrap_or(0);
            if next.is_ascii_alphabetic() {
                self.text(sink, text_start, lt, true);
                let Some((end, mode)) = self.start_tag(sink, lt + 1) else {
                    return; // the input ends inside the tag: it is dropped
                };
                pos = match mode {
                    TextMode::Data => end,
                    TextMode::PlainText => {
                        self.text(sink, end, len, false);
                        return;
                    }
                    TextMode::RawText | TextMode::RcData => {
                        let (content_end, after) = self.raw_content_end(end);
                        self.text(sink, end, content_end, mode == TextMode::RcData);
                        let Some(after) = after else {
                            return;
                        };
                        sink.raw_end();
                        after
                    }
                };
                text_start = pos;
            } else if next == b'/' {
                let c = b.get(lt + 2).copied();
                match c {
                    Some(c) if c.is_ascii_alphabetic() => {
                        self.text(sink, text_start, lt, true);
                        let name_end = self.name_end(lt + 2);
                        self.set_name(lt + 2, name_end);
                        let Some((end, _)) = self.skip_attributes(name_end) else {
                            return;
                        };
                        sink.end_tag(&self.name);
                        pos = end;
                        text_start = pos;
                    }
                    Some(b'>') => {
                        // `</>` is dropped.
                        self.text(sink, text_start, lt, true);
                        pos = lt + 3;
                        text_start = pos;
                    }
                    None => break, // `</` at the end of the input is text
                    Some(_) => {
                        self.text(sink, text_start, lt, true);
                        pos = self.bogus_comment_end(lt + 2);
                        text_start = pos;
                    }
                }
            } else if next == b'!' {
                self.text(sink, text_start, lt, true);
                pos = self.markup_declaration(sink, lt + 2);
                text_start = pos;
            } else if next == b'?' {
                self.text(sink, text_start, lt, true);
                pos = self.bogus_comment_end(lt + 1);
                text_start = pos;
            } else {
                pos = lt + 1; // a literal `<`
            }
        }
        self.text(sink, text_start, len, true);
    }

    /// Passes `src[from..to]` to the sink as text, decoding references when `decode` is set.
    fn text<S: TokenSink>(&mut self, sink: &mut S, from: usize, to: usize, decode: bool) {
        if from >= to {
            return;
        }
        let s = &self.src[from..to];
        if decode && has_reference(s) {
            self.scratch.clear();
            decode_into(&mut self.scratch, s, false);
            sink.text(&self.scratch);
        } else {
            sink.text(s);
        }
    }

    /// The end of a tag name starting at `at`.
    fn name_end(&self, at: usize) -> usize {
        let b = self.b;
        let mut i = at;
        while i < b.len() && class(b[i]) & (SPACE | SLASH | GT) == 0 {
            i += 1;
        }
        i
    }

    /// Copies the lower-cased name `src[from..to]` into `self.name`.
    fn set_name(&mut self, from: usize, to: usize) {
        self.name.clear();
        self.name.push_str(&self.src[from..to]);
        self.name.make_ascii_lowercase();
    }

    /// Reads a start tag whose name starts at `at`; returns the position after its `>` and the
    /// text mode the sink chose, or `None` when the input ends inside the tag.
    fn start_tag<S: TokenSink>(&mut self, sink: &mut S, at: usize) -> Option<(usize, TextMode)> {
        let name_end = self.name_end(at);
        self.set_name(at, name_end);
        let (list, strings) = sink.buffers();
        let start = list.len();
        let (end, self_closing) =
            self.scan_attributes(name_end, &mut Some((&mut *list, &mut *strings)))?;
        let attrs = AttrRange {
            start,
            end: list.len(),
        };
        let mode = sink.start_tag(StartTag {
            name: &self.name,
            attrs,
            self_closing,
        });
        Some((end, mode))
    }

    /// Skips the attributes of an end tag (they may hold quoted `>`).
    fn skip_attributes(&self, at: usize) -> Option<(usize, bool)> {
        self.scan_attributes(at, &mut None)
    }

    /// Reads attributes from `at` up to and including the tag's `>`: returns the position after
    /// it and whether the tag was self-closing, or `None` at the end of the input.
    fn scan_attributes(
        &self,
        at: usize,
        attrs: &mut Option<(&mut Vec<Attr>, &mut String)>,
    ) -> Option<(usize, bool)> {
        let b = self.b;
        let len = b.len();
        let mut i = at;
        // The tag's first entry in the list (earlier entries are other tags').
        let at_entry = attrs.as_ref().map_or(0, |(list, _)| list.len());
        loop {
            // Before an attribute name: white space and stray slashes.
            while i < len && (is_space(b[i]) || b[i] == b'/') {
                if b[i] == b'/' && b.get(i + 1) == Some(&b'>') {
                    return Some((i + 2, true));
                }
                i += 1;
            }
            if i >= len {
                return None;
            }
            if b[i] == b'>' {
                return Some((i + 1, false));
            }
            let name_start = i;
            i += 1; // the first character may be `=`
            while i < len && class(b[i]) == 0 {
                i += 1;
            }
            let name_end = i;
            while i < len && is_space(b[i]) {
                i += 1;
            }
            let mut value: &str = "";
            if i < len && b[i] == b'=' {
                i += 1;
                while i < len && is_space(b[i]) {
                    i += 1;
                }
                if i >= len {
                    return None;
                }
                match b[i] {
                    q @ (b'"' | b'\'') => {
                        let close = i + 1 + memchr(q, &b[i + 1..])?;
                        value = &self.src[i + 1..close];
                        i = close + 1;
                    }
                    b'>' => {}
                    _ => {
                        let start = i;
                        while i < len && class(b[i]) & (SPACE | GT) == 0 {
                            i += 1;
                        }
                        value = &self.src[start..i];
                    }
                }
            }
            if let Some((list, strings)) = attrs.as_mut() {
                push_attr(
                    list,
                    at_entry,
                    strings,
                    &self.src[name_start..name_end],
                    value,
                );
            }
        }
    }

    /// True when `b[at..]` starts with `name` (ASCII case-insensitively) and a delimiter.
    fn tag_name_at(&self, at: usize, name: &[u8]) -> bool {
        let b = self.b;
        b.len() > at + name.len()
            && b[at..at + name.len()].eq_ignore_ascii_case(name)
            && class(b[at + name.len()]) & (SPACE | SLASH | GT) != 0
    }

    /// The end of a script's content starting at `from`, following the standard's script-data
    /// escape states: inside `<!--`, a `<script>` is "double escaped" and its `</script>` does
    /// not end the outer script; `-->` leaves the escape.
    fn script_content_end(&self, from: usize) -> (usize, Option<usize>) {
        let b = self.b;
        let (mut escaped, mut double) = (false, false);
        let mut i = from;
        while let Some(off) = memchr::memchr2(b'<', b'-', &b[i..]) {
            let p = i + off;
            if b[p] == b'-' {
                if escaped && b[p..].starts_with(b"-->") {
                    escaped = false;
                    double = false;
                    i = p + 3;
                } else {
                    i = p + 1;
                }
                continue;
            }
            if !escaped && b[p..].starts_with(b"<!--") {
                escaped = true;
                i = p + 2; // the `--` may be the start of `-->` (`<!-->`)
                continue;
            }
            if b.get(p + 1) == Some(&b'/') && self.tag_name_at(p + 2, b"script") {
                if !double {
                    return match self.skip_attributes(p + 8) {
                        Some((end, _)) => (p, Some(end)),
                        None => (p, None),
                    };
                }
                double = false;
                i = p + 8;
                continue;
            }
            if escaped && !double && self.tag_name_at(p + 1, b"script") {
                double = true;
                i = p + 7;
                continue;
            }
            i = p + 1;
        }
        (b.len(), None)
    }

    /// For raw text or RCDATA content starting at `from`: where the content ends and the
    /// position after the matching end tag (`None` when the input ends first).
    fn raw_content_end(&self, from: usize) -> (usize, Option<usize>) {
        if self.name == "script" {
            return self.script_content_end(from);
        }
        let b = self.b;
        let name = self.name.as_bytes();
        let mut i = from;
        while let Some(off) = memchr(b'<', &b[i..]) {
            let lt = i + off;
            let n = lt + 2;
            if b.get(lt + 1) == Some(&b'/')
                && b.len() >= n + name.len()
                && b[n..n + name.len()].eq_ignore_ascii_case(name)
                && b.get(n + name.len())
                    .is_some_and(|&c| is_space(c) || c == b'/' || c == b'>')
            {
                return match self.skip_attributes(n + name.len()) {
                    Some((end, _)) => (lt, Some(end)),
                    None => (lt, None),
                };
            }
            i = lt + 1;
        }
        (b.len(), None)
    }

    /// After `<!`: a comment, doctype, CDATA section or bogus comment. Returns where text resumes.
    fn markup_declaration<S: TokenSink>(&mut self, sink: &mut S, at: usize) -> usize {
        let b = self.b;
        let rest = &b[at..];
        if rest.starts_with(b"--") {
            return self.comment_end(at + 2);
        }
        if rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"doctype") {
            let end = self.bogus_comment_end(at + 7);
            let body = &self.src[at + 7..end.saturating_sub(1).max(at + 7)];
            let name = body
                .trim_start_matches(|c: char| c.is_ascii_whitespace())
                .split(|c: char| c.is_ascii_whitespace() || c == '>')
                .next()
                .unwrap_or("");
            sink.doctype(name.eq_ignore_ascii_case("html"));
            return end;
        }
        if rest.starts_with(b"[CDATA[") && sink.in_foreign() {
            let start = at + 7;
            return match memchr::memmem::find(&b[start..], b"]]>") {
                Some(off) => {
                    sink.text(&self.src[start..start + off]);
                    start + off + 3
                }
                None => {
                    sink.text(&self.src[start..]);
                    b.len()
                }
            };
        }
        self.bogus_comment_end(at)
    }

    /// The position after a comment whose text starts at `at` (after `<!--`).
    fn comment_end(&self, at: usize) -> usize {
        let b = self.b;
        // `<!-->` and `<!--->` are complete (empty) comments.
        if b.get(at) == Some(&b'>') {
            return at + 1;
        }
        if b[at..].starts_with(b"->") {
            return at + 2;
        }
        let mut i = at;
        while let Some(off) = memchr(b'>', &b[i..]) {
            let gt = i + off;
            let before = &b[at..gt];
            if before.ends_with(b"--") || before.ends_with(b"--!") {
                return gt + 1;
            }
            i = gt + 1;
        }
        b.len()
    }

    /// The position after the `>` that ends a bogus comment (or the end of the input).
    fn bogus_comment_end(&self, at: usize) -> usize {
        match memchr(b'>', &self.b[at.min(self.b.len())..]) {
            Some(off) => at + off + 1,
            None => self.b.len(),
        }
    }
}

/// Adds an attribute to `list`, its value appended to `strings`, unless its (lower-cased) name
/// is already among the tag's attributes (`list[first..]`).
fn push_attr(
    list: &mut Vec<Attr>,
    first: usize,
    strings: &mut String,
    raw_name: &str,
    raw_value: &str,
) {
    let lowered;
    let name = if raw_name.bytes().any(|c| c.is_ascii_uppercase()) {
        lowered = raw_name.to_ascii_lowercase();
        lowered.as_str()
    } else {
        raw_name
    };
    if list[first..].iter().any(|(n, _)| n == name) {
        return;
    }
    let raw_value = match super::keeps_attribute_value(name, raw_value.len()) {
        true => raw_value,
        false => "",
    };
    let value = if has_reference(raw_value) {
        let start = strings.len();
        decode_into(strings, raw_value, true);
        Span {
            start,
            end: strings.len(),
        }
    } else {
        Span::push(strings, raw_value)
    };
    list.push((attr_name(name), value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_map_finds_its_keys_and_nothing_else() {
        for n in COMMON_ATTRIBUTES {
            assert_eq!(attr_name(n), *n);
            assert!(matches!(attr_name(n), Cow::Borrowed(_)), "{n}");
        }
        for n in ["data-x", "clas", "classes", "ids", "", "z", "onload"] {
            assert!(matches!(attr_name(n), Cow::Owned(ref s) if s == n), "{n}");
        }
        let map = PackedMap::new((0u64..1000).map(|k| (k * 7919, k)));
        for k in 0u64..1000 {
            assert_eq!(map.get(k * 7919), Some(&k));
            assert_eq!(map.get(k * 7919 + 1), None);
        }
    }
}
