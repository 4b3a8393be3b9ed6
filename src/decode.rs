//! Bytes to text, following the HTML standard's order of precedence for the encoding:
//! byte-order mark, transport charset (HTTP header), `<meta>` prescan, then a statistical guess.
//!
//! Decisions beyond the standard, for real-world web data:
//! - Undeclared bytes that are valid UTF-8 are decoded as UTF-8 without a guess (`utf8`).
//! - A declared UTF-8 (transport or meta) that is clearly not UTF-8 (more than 1% of the bytes
//!   fail to decode) is re-guessed by chardetng: many legacy Arabic sites declare UTF-8 while
//!   serving windows-1256.
//! - The meta prescan reads the first 4096 bytes rather than 1024, because WordPress themes put
//!   long `<link>`/`<script>` runs before their `<meta>`.
//! - Bytes that look binary (NULs or mostly control characters) are refused: they are an error
//!   row, not a document of mojibake.

use crate::document::EncodingSource;
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How many leading bytes the `<meta>` prescan reads.
pub const PRESCAN_BYTES: usize = 4096;

/// A page decoded to text.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The decoded text (the BOM removed).
    pub text: String,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// How the encoding was found.
    pub source: EncodingSource,
    /// Whether malformed sequences were replaced with U+FFFD.
    pub had_errors: bool,
}

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Short kind for `errors.kind` (`binary`).
    pub kind: &'static str,
    /// Human-readable message.
    pub message: String,
}

/// Decodes page bytes to text. `transport_charset` is the charset of an HTTP header, and `url`
/// (when known) gives chardetng the top-level domain as a hint.
pub fn decode(
    bytes: &[u8],
    transport_charset: Option<&str>,
    url: Option<&str>,
) -> Result<Decoded, DecodeError> {
    let chosen = choose_encoding(bytes, transport_charset, url)?;
    Ok(finish(
        &bytes[chosen.skip..],
        chosen.encoding,
        chosen.source,
    ))
}

/// [`decode`] for bytes the caller no longer needs: a page that is valid UTF-8 becomes the
/// text without a copy (most pages; the result is the same as [`decode`]'s).
pub fn decode_owned(
    mut bytes: Vec<u8>,
    transport_charset: Option<&str>,
    url: Option<&str>,
) -> Result<Decoded, DecodeError> {
    let Chosen {
        encoding,
        source,
        skip,
        valid_utf8,
    } = choose_encoding(&bytes, transport_charset, url)?;
    if encoding != UTF_8 {
        return Ok(finish(&bytes[skip..], encoding, source));
    }
    if valid_utf8 {
        // SAFETY: `choose_encoding` found all of `bytes` (no BOM to skip) valid UTF-8.
        let text = unsafe { String::from_utf8_unchecked(bytes) };
        return Ok(Decoded {
            text,
            encoding,
            source,
            had_errors: false,
        });
    }
    bytes.drain(..skip);
    Ok(match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            encoding,
            source,
            had_errors: false,
        },
        Err(e) => finish(e.as_bytes(), encoding, source),
    })
}

/// What [`choose_encoding`] decided.
struct Chosen {
    encoding: &'static Encoding,
    source: EncodingSource,
    /// Length of the byte-order mark.
    skip: usize,
    /// Whether all the bytes (there is no byte-order mark) were checked to be valid UTF-8.
    valid_utf8: bool,
}

/// The encoding of the page, how it was found, and the length of its byte-order mark.
fn choose_encoding(
    bytes: &[u8],
    transport_charset: Option<&str>,
    url: Option<&str>,
) -> Result<Chosen, DecodeError> {
    let chosen = |encoding, source, valid_utf8| Chosen {
        encoding,
        source,
        skip: 0,
        valid_utf8,
    };
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return Ok(Chosen {
            encoding,
            source: EncodingSource::Bom,
            skip: bom_len,
            valid_utf8: false,
        });
    }
    if looks_binary(bytes) {
        return Err(DecodeError {
            kind: "binary",
            message: "the bytes look binary (NUL or control characters), not an HTML page"
                .to_string(),
        });
    }
    if let Some(encoding) = transport_charset.and_then(|l| Encoding::for_label(l.trim().as_bytes()))
    {
        let encoding = html_compatible(encoding);
        if encoding != UTF_8 {
            return Ok(chosen(encoding, EncodingSource::Transport, false));
        }
        let check = utf8_check(bytes);
        if check != Utf8Check::Implausible {
            let valid = check == Utf8Check::Valid;
            return Ok(chosen(encoding, EncodingSource::Transport, valid));
        }
    }
    if let Some(encoding) = prescan_meta(&bytes[..bytes.len().min(PRESCAN_BYTES)]) {
        if encoding != UTF_8 {
            return Ok(chosen(encoding, EncodingSource::Meta, false));
        }
        let check = utf8_check(bytes);
        if check != Utf8Check::Implausible {
            let valid = check == Utf8Check::Valid;
            return Ok(chosen(encoding, EncodingSource::Meta, valid));
        }
    }
    if is_utf8(bytes) {
        return Ok(chosen(UTF_8, EncodingSource::Utf8Valid, true));
    }
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let tld = url.and_then(top_level_domain);
    let encoding = detector.guess(tld.as_deref().map(str::as_bytes), Utf8Detection::Allow);
    Ok(chosen(encoding, EncodingSource::Guess, false))
}

fn finish(bytes: &[u8], encoding: &'static Encoding, source: EncodingSource) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text: text.into_owned(),
        encoding,
        source,
        had_errors,
    }
}

/// The HTML standard maps UTF-16 declarations found in ASCII-compatible bytes to UTF-8, and
/// `x-user-defined` to windows-1252.
fn html_compatible(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == UTF_16BE || encoding == UTF_16LE {
        UTF_8
    } else if encoding.name() == "x-user-defined" {
        WINDOWS_1252
    } else {
        encoding
    }
}

/// Whether `bytes` are valid UTF-8: the same answer as `std::str::from_utf8(bytes).is_ok()`,
/// from simdutf8's vectorised check, several times faster on non-ASCII text (this pass over
/// every page was about 2% of the CPU of a run on Arabic pages with std's).
fn is_utf8(bytes: &[u8]) -> bool {
    simdutf8::basic::from_utf8(bytes).is_ok()
}

/// Whether bytes declared UTF-8 are valid, plausible (at most 1% of the bytes in malformed
/// sequences) or not UTF-8 at all.
fn utf8_check(bytes: &[u8]) -> Utf8Check {
    if is_utf8(bytes) {
        return Utf8Check::Valid;
    }
    let mut bad = 0usize;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(_) if bad == 0 => return Utf8Check::Valid,
            Ok(_) => return Utf8Check::Plausible,
            Err(e) => {
                let skip = e.error_len().unwrap_or(rest.len() - e.valid_up_to());
                bad += skip;
                rest = &rest[e.valid_up_to() + skip..];
                if bad * 100 > bytes.len() {
                    return Utf8Check::Implausible;
                }
            }
        }
    }
}

/// How declared UTF-8 bytes fared in [`utf8_check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Utf8Check {
    /// Valid UTF-8 throughout.
    Valid,
    /// Some malformed sequences, but at most 1% of the bytes.
    Plausible,
    /// More than 1% of the bytes are malformed: the declaration is wrong.
    Implausible,
}

/// A binary sniff over the first 4 KiB: any NUL byte, or more than 10% C0 controls other than
/// tab, CR, LF and form feed.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    if head.is_empty() {
        return false;
    }
    let mut controls = 0usize;
    for &b in head {
        if b == 0 {
            return true;
        }
        if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c) {
            controls += 1;
        }
    }
    controls * 10 > head.len()
}

fn top_level_domain(url: &str) -> Option<String> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host = after_scheme
        .split(['/', '?', '#'])
        .next()?
        .rsplit('@')
        .next()?;
    let host = host.split(':').next()?;
    let tld = host.rsplit('.').next()?;
    if tld.is_empty() || tld.len() == host.len() {
        return None;
    }
    Some(tld.to_ascii_lowercase())
}

/// The `<meta>` prescan of the HTML standard (simplified: comments, `<meta>` tags and their
/// attributes are understood; other tags are skipped). Returns the declared encoding.
pub fn prescan_meta(head: &[u8]) -> Option<&'static Encoding> {
    let mut i = 0;
    while i < head.len() {
        if head[i..].starts_with(b"<!--") {
            i = find(head, i + 4, b"-->").map_or(head.len(), |p| p + 3);
            continue;
        }
        if head[i] == b'<' && head.len() > i + 5 && head[i + 1..i + 5].eq_ignore_ascii_case(b"meta")
        {
            let after = head[i + 5];
            if after.is_ascii_whitespace() || after == b'/' {
                let (attrs, end) = parse_attributes(head, i + 5);
                i = end;
                if let Some(encoding) = meta_encoding(&attrs) {
                    return Some(encoding);
                }
                continue;
            }
        }
        i += 1;
    }
    None
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Parses `name=value` attributes from `pos` up to the closing `>`; returns them (names
/// lower-cased) and the position after the tag.
fn parse_attributes(b: &[u8], mut pos: usize) -> (Vec<(String, String)>, usize) {
    let mut attrs = Vec::new();
    loop {
        while pos < b.len() && (b[pos].is_ascii_whitespace() || b[pos] == b'/') {
            pos += 1;
        }
        if pos >= b.len() {
            return (attrs, pos);
        }
        if b[pos] == b'>' {
            return (attrs, pos + 1);
        }
        let name_start = pos;
        while pos < b.len()
            && !b[pos].is_ascii_whitespace()
            && !matches!(b[pos], b'=' | b'>' | b'/')
        {
            pos += 1;
        }
        let name = String::from_utf8_lossy(&b[name_start..pos]).to_ascii_lowercase();
        while pos < b.len() && b[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let mut value = String::new();
        if pos < b.len() && b[pos] == b'=' {
            pos += 1;
            while pos < b.len() && b[pos].is_ascii_whitespace() {
                pos += 1;
            }
            if pos < b.len() && (b[pos] == b'"' || b[pos] == b'\'') {
                let quote = b[pos];
                let start = pos + 1;
                let end = b[start..]
                    .iter()
                    .position(|&c| c == quote)
                    .map_or(b.len(), |p| p + start);
                value = String::from_utf8_lossy(&b[start..end]).into_owned();
                pos = (end + 1).min(b.len());
            } else {
                let start = pos;
                while pos < b.len() && !b[pos].is_ascii_whitespace() && b[pos] != b'>' {
                    pos += 1;
                }
                value = String::from_utf8_lossy(&b[start..pos]).into_owned();
            }
        }
        if !name.is_empty() {
            attrs.push((name, value));
        }
    }
}

fn meta_encoding(attrs: &[(String, String)]) -> Option<&'static Encoding> {
    let get = |n: &str| attrs.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    if let Some(label) = get("charset") {
        return Encoding::for_label(label.trim().as_bytes()).map(html_compatible);
    }
    let is_content_type = get("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("content-type"));
    if is_content_type {
        return get("content").and_then(charset_from_content_type);
    }
    None
}

/// Extracts the `charset=` parameter of a `Content-Type` value and resolves it.
pub fn charset_from_content_type(value: &str) -> Option<&'static Encoding> {
    let lower = value.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = lower[at + 7..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let label: String = rest
        .chars()
        .take_while(|c| !matches!(c, ';' | '"' | '\'' | ' ' | '\t'))
        .collect();
    Encoding::for_label(label.as_bytes()).map(html_compatible)
}

/// The raw charset label of a `Content-Type` value, if any (for transport charsets).
pub fn charset_label(content_type: &str) -> Option<String> {
    charset_from_content_type(content_type).map(|e| e.name().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vectorised check answers as std does, on valid text of every sequence length and on
    /// each kind of malformed sequence, at every position within a 64-byte block (the check
    /// works on blocks, so an error at a block edge is its hard case).
    #[test]
    fn is_utf8_agrees_with_std() {
        let pieces: [&[u8]; 14] = [
            "plain ascii".as_bytes(),
            "قوات سوريا".as_bytes(),
            "€ ह 𝄞 😀".as_bytes(),
            &[0xC0, 0xAF],             // overlong '/'
            &[0xE0, 0x80, 0xAF],       // overlong, three bytes
            &[0xED, 0xA0, 0x80],       // a surrogate
            &[0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
            &[0xF8, 0x88, 0x80, 0x80], // five-byte lead
            &[0x80],                   // lone continuation
            &[0xD8],                   // truncated two-byte sequence
            &[0xE2, 0x82],             // truncated three-byte sequence
            &[0xF0, 0x9F, 0x98],       // truncated four-byte sequence
            &[0xFF],
            &[0xEF, 0xBB, 0xBF], // a byte-order mark (valid UTF-8)
        ];
        for piece in pieces {
            for pad in 0..70 {
                let mut bytes = vec![b'a'; pad];
                bytes.extend_from_slice(piece);
                let mut tail = bytes.clone();
                tail.extend_from_slice("تم".as_bytes());
                for b in [&bytes, &tail] {
                    assert_eq!(is_utf8(b), std::str::from_utf8(b).is_ok(), "{b:?}");
                }
            }
        }
    }

    #[test]
    fn bom_wins_over_meta() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(b"<meta charset=windows-1256><p>x</p>");
        let d = decode(&bytes, None, None).unwrap();
        assert_eq!(d.encoding, UTF_8);
        assert_eq!(d.source, EncodingSource::Bom);
        assert!(d.text.starts_with("<meta"));
    }

    #[test]
    fn http_equiv_is_found() {
        let page = b"<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1256'></head>";
        assert_eq!(prescan_meta(page).map(|e| e.name()), Some("windows-1256"));
    }

    #[test]
    fn meta_in_comment_is_ignored() {
        let page = b"<!-- <meta charset=iso-8859-6> --><meta charset=\"utf-8\">";
        assert_eq!(prescan_meta(page), Some(UTF_8));
    }

    #[test]
    fn transport_beats_meta() {
        let bytes = "<meta charset=utf-8><p>\u{0645}</p>".as_bytes();
        let (enc, _, _) = encoding_rs::WINDOWS_1256.encode("<meta charset=utf-8><p>مرحبا</p>");
        let d = decode(&enc, Some("windows-1256"), None).unwrap();
        assert_eq!(d.source, EncodingSource::Transport);
        assert!(d.text.contains("مرحبا"));
        assert!(decode(bytes, None, None).is_ok());
    }

    #[test]
    fn wrong_utf8_declaration_is_reguessed() {
        let text = "<meta charset=utf-8><p>أكد القائد العام لقوات سوريا الديمقراطية أن قوات التحالف الدولي وضعت خطط مشتركة مع قوات سوريا الديمقراطية</p>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(text);
        let d = decode(&bytes, None, None).unwrap();
        assert_eq!(d.source, EncodingSource::Guess);
        assert_eq!(d.encoding, encoding_rs::WINDOWS_1256);
        assert_eq!(d.text, text);
    }

    const ARABIC: &str = "<html><body><p>بدأ المزارعون في ريف إدلب الجنوبي موسم قطاف الزيتون هذا الأسبوع، وسط توقعات بإنتاج أقل من العام الماضي بسبب قلة الأمطار في الربيع. ويعتمد آلاف العائلات في المنطقة على زيت الزيتون مصدرا رئيسيا للدخل.</p></body></html>";

    #[test]
    fn undeclared_windows_1256_is_guessed() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1256.encode(ARABIC);
        let d = decode(&bytes, None, Some("http://example.sy/x")).unwrap();
        assert_eq!(d.encoding, encoding_rs::WINDOWS_1256);
        assert_eq!(d.source, EncodingSource::Guess);
        assert_eq!(d.text, ARABIC);
    }

    #[test]
    fn undeclared_iso_8859_6_is_guessed() {
        let (bytes, _, _) = encoding_rs::ISO_8859_6.encode(ARABIC);
        let d = decode(&bytes, None, None).unwrap();
        assert_eq!(d.encoding, encoding_rs::ISO_8859_6);
        assert_eq!(d.text, ARABIC);
    }

    #[test]
    fn undeclared_utf8_is_utf8() {
        let d = decode(ARABIC.as_bytes(), None, None).unwrap();
        assert_eq!(d.source, EncodingSource::Utf8Valid);
        assert_eq!(d.text, ARABIC);
    }

    #[test]
    fn binary_is_refused() {
        let bytes = [0x89u8, b'P', b'N', b'G', 0, 0, 0, 13];
        assert_eq!(decode(&bytes, None, None).unwrap_err().kind, "binary");
    }

    #[test]
    fn tld_is_extracted() {
        assert_eq!(
            top_level_domain("https://www.example.sy/a/b?c").as_deref(),
            Some("sy")
        );
        assert_eq!(top_level_domain("localhost"), None);
    }

    #[test]
    fn owned_decoding_gives_what_borrowed_decoding_gives() {
        let (cp1256, _, _) = encoding_rs::WINDOWS_1256.encode(ARABIC);
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend_from_slice(ARABIC.as_bytes());
        let mut utf16_bom = vec![0xFF, 0xFE];
        utf16_bom.extend(ARABIC.encode_utf16().flat_map(u16::to_le_bytes));
        let mut broken_utf8 = b"<meta charset=utf-8><p>".to_vec();
        broken_utf8.extend_from_slice(ARABIC.as_bytes());
        broken_utf8.extend_from_slice(&[0xD8, b'<', b'/', b'p', b'>']);
        let cases: Vec<(Vec<u8>, Option<&str>)> = vec![
            (ARABIC.as_bytes().to_vec(), None),
            (utf8_bom, None),
            (utf16_bom, None),
            (cp1256.to_vec(), None),
            (cp1256.to_vec(), Some("utf-8")),
            (broken_utf8, None),
            (b"\0\0\0\x01binary".to_vec(), None),
        ];
        for (bytes, charset) in cases {
            let borrowed = decode(&bytes, charset, None);
            let owned = decode_owned(bytes, charset, None);
            match (borrowed, owned) {
                (Ok(b), Ok(o)) => {
                    assert_eq!(b.text, o.text);
                    assert_eq!(b.encoding, o.encoding);
                    assert_eq!(b.source, o.source);
                    assert_eq!(b.had_errors, o.had_errors);
                }
                (Err(b), Err(o)) => assert_eq!(b, o),
                (b, o) => panic!("{b:?} against {o:?}"),
            }
        }
    }
}
