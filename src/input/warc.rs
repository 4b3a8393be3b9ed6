//! A streaming WARC reader: yields the HTML `response` records of a WARC file, with their target
//! URI, date, record id and the HTTP header's charset. Chunked transfer encoding and gzip/deflate
//! content encoding of the stored HTTP payload are undone.

use std::io::{BufRead, Read};

/// One HTML response record of a WARC file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcPage {
    /// `WARC-Record-ID` without the angle brackets.
    pub record_id: String,
    /// `WARC-Target-URI`.
    pub target_uri: Option<String>,
    /// `WARC-Date` as written.
    pub date: Option<String>,
    /// The charset of the HTTP `Content-Type` header, if any.
    pub charset: Option<String>,
    /// The HTTP body (de-chunked and decompressed).
    pub body: Vec<u8>,
}

/// What reading one WARC record gave.
#[derive(Debug)]
pub enum WarcItem {
    /// An HTML response.
    Page(WarcPage),
    /// A record that is not an HTML response (request, metadata, warcinfo, images...).
    Skipped,
    /// A record that could not be used; the reader can go on with the next one.
    Bad {
        /// The record id, when its header was readable.
        record_id: Option<String>,
        /// Short kind for `errors.kind`.
        kind: &'static str,
        /// Message.
        message: String,
    },
}

/// Reads WARC records one by one from a (decompressed) stream.
pub struct WarcReader<R: BufRead> {
    inner: R,
    max_bytes: u64,
}

impl<R: BufRead> WarcReader<R> {
    /// Wraps a stream; records whose block is larger than `max_bytes` are skipped as `Bad`.
    pub fn new(inner: R, max_bytes: u64) -> Self {
        WarcReader { inner, max_bytes }
    }

    /// The next record, `Ok(None)` at the end of the stream, or an I/O or framing error after
    /// which the rest of the stream cannot be trusted.
    pub fn next_record(&mut self) -> std::io::Result<Option<WarcItem>> {
        let mut line = Vec::new();
        loop {
            line.clear();
            if self.inner.read_until(b'\n', &mut line)? == 0 {
                return Ok(None);
            }
            let trimmed = trim_line(&line);
            if trimmed.is_empty() {
                continue;
            }
            if trimmed.starts_with(b"WARC/") {
                break;
            }
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "expected a WARC version line, found {:?}",
                    String::from_utf8_lossy(&trimmed[..trimmed.len().min(60)])
                ),
            ));
        }
        let headers = read_headers(&mut self.inner)?;
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let length: u64 = get("Content-Length")
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "WARC record without a valid Content-Length",
                )
            })?;
        let record_id = get("WARC-Record-ID").map(|v| {
            v.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        });
        let warc_type = get("WARC-Type").unwrap_or_default();
        let content_type = get("Content-Type").unwrap_or_default().to_ascii_lowercase();
        let is_http_response =
            warc_type.eq_ignore_ascii_case("response") && content_type.contains("application/http");
        if !is_http_response || length > self.max_bytes {
            let skipped = std::io::copy(&mut (&mut self.inner).take(length), &mut std::io::sink())?;
            if skipped < length {
                return Err(truncated());
            }
            if is_http_response {
                return Ok(Some(WarcItem::Bad {
                    record_id,
                    kind: "oversize",
                    message: format!(
                        "record of {length} bytes is larger than --max-bytes ({})",
                        self.max_bytes
                    ),
                }));
            }
            return Ok(Some(WarcItem::Skipped));
        }
        // The HTTP head is read line by line and the body straight into its own buffer, so the
        // body (most of the record) is copied once, not read into a block and copied out of it.
        let mut record = (&mut self.inner).take(length);
        let mut head = Vec::new();
        let head_ended = read_http_head(&mut record, &mut head)?;
        let parsed = if head_ended {
            parse_http_head(&head)
        } else {
            Err((
                "http",
                "HTTP response without the blank line after its headers".to_string(),
            ))
        };
        let html = match parsed {
            Ok(Some(html)) => {
                let mut body = Vec::with_capacity(record.limit() as usize);
                append_to_end(&mut record, &mut body)?;
                Ok(Some((html, body)))
            }
            other => {
                std::io::copy(&mut record, &mut std::io::sink())?;
                other.map(|_| None)
            }
        };
        if record.limit() > 0 {
            return Err(truncated());
        }
        let record_id = record_id.unwrap_or_default();
        Ok(Some(
            match html.and_then(|h| h.map(decode_body).transpose()) {
                Ok(None) => WarcItem::Skipped,
                Ok(Some((charset, body))) => WarcItem::Page(WarcPage {
                    record_id,
                    target_uri: get("WARC-Target-URI").map(|v| {
                        v.trim()
                            .trim_start_matches('<')
                            .trim_end_matches('>')
                            .to_string()
                    }),
                    date: get("WARC-Date").map(|v| v.trim().to_string()),
                    charset,
                    body,
                }),
                Err((kind, message)) => WarcItem::Bad {
                    record_id: Some(record_id),
                    kind,
                    message,
                },
            },
        ))
    }
}

/// Appends everything `r` still holds to `out`, piece by piece from its buffer.
///
/// Unlike `read_to_end`, this does not zero `out`'s spare room before each read (std's default
/// for readers that cannot take uninitialised memory), and a reader that is its own buffer (a
/// gzip member's output) is copied from once.
fn append_to_end<R: BufRead>(r: &mut R, out: &mut Vec<u8>) -> std::io::Result<()> {
    loop {
        let piece = match r.fill_buf() {
            Ok(piece) => piece,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if piece.is_empty() {
            return Ok(());
        }
        let n = piece.len();
        out.extend_from_slice(piece);
        r.consume(n);
    }
}

fn truncated() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "WARC record is truncated",
    )
}

fn trim_line(line: &[u8]) -> &[u8] {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &line[..end]
}

fn read_headers<R: BufRead>(r: &mut R) -> std::io::Result<Vec<(String, String)>> {
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line)? == 0 {
            return Err(truncated());
        }
        let l = trim_line(&line);
        if l.is_empty() {
            return Ok(headers);
        }
        if (l[0] == b' ' || l[0] == b'\t') && !headers.is_empty() {
            if let Some(last) = headers.last_mut() {
                last.1.push(' ');
                last.1.push_str(String::from_utf8_lossy(l).trim());
            }
            continue;
        }
        let text = String::from_utf8_lossy(l);
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
}

/// The charset of an HTTP response's `Content-Type` and its body.
type HtmlBody = (Option<String>, Vec<u8>);

/// What the head of an HTML response says about its body.
struct HtmlHead {
    /// The charset of the `Content-Type` header, if any.
    charset: Option<String>,
    /// Whether the body is sent in chunks (`Transfer-Encoding: chunked`).
    chunked: bool,
    /// `Content-Encoding`, lower case (empty when absent).
    content_encoding: String,
}

/// Reads an HTTP response's head, up to and without the blank line that ends it (`\r\n` or a
/// bare `\n`), into `head`. `false` when the record ends before a blank line.
fn read_http_head<R: BufRead>(r: &mut R, head: &mut Vec<u8>) -> std::io::Result<bool> {
    loop {
        let start = head.len();
        if r.read_until(b'\n', head)? == 0 {
            return Ok(false);
        }
        if matches!(&head[start..], b"\n" | b"\r\n") {
            head.truncate(start);
            return Ok(true);
        }
    }
}

/// Reads an HTTP response head: `Ok(None)` unless it is an HTML response with a 2xx status.
fn parse_http_head(head: &[u8]) -> Result<Option<HtmlHead>, (&'static str, String)> {
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if !(200..300).contains(&status) {
        return Ok(None);
    }
    let mut content_type = String::new();
    let mut chunked = false;
    let mut content_encoding = String::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let k = k.trim();
            if k.eq_ignore_ascii_case("content-type") {
                content_type = v.trim().to_string();
            } else if k.eq_ignore_ascii_case("transfer-encoding") {
                chunked = v.to_ascii_lowercase().contains("chunked");
            } else if k.eq_ignore_ascii_case("content-encoding") {
                content_encoding = v.trim().to_ascii_lowercase();
            }
        }
    }
    let lower = content_type.to_ascii_lowercase();
    if !(lower.is_empty() || lower.contains("text/html") || lower.contains("application/xhtml")) {
        return Ok(None);
    }
    Ok(Some(HtmlHead {
        charset: crate::decode::charset_label(&content_type),
        chunked,
        content_encoding,
    }))
}

/// Undoes the chunked transfer encoding and the content encoding of an HTML response's body.
fn decode_body((head, mut body): (HtmlHead, Vec<u8>)) -> Result<HtmlBody, (&'static str, String)> {
    if head.chunked {
        body = dechunk(&body).ok_or(("http", "malformed chunked transfer encoding".to_string()))?;
    }
    body = match head.content_encoding.as_str() {
        "" | "identity" => body,
        "gzip" | "x-gzip" => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|e| ("http", format!("gzip content encoding: {e}")))?;
            out
        }
        "deflate" => {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|e| ("http", format!("deflate content encoding: {e}")))?;
            out
        }
        other => return Err(("http", format!("unsupported content encoding `{other}`"))),
    };
    Ok((head.charset, body))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let line_end = find(data, b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size..)?;
        data = data.strip_prefix(b"\r\n").unwrap_or(data);
    }
}

/// Writes one WARC `response` record holding an HTTP 200 HTML response (used by the demo corpus
/// generator and by tests).
pub fn write_response_record(
    out: &mut impl std::io::Write,
    record_id: &str,
    target_uri: &str,
    date: &str,
    content_type: &str,
    html: &[u8],
) -> std::io::Result<()> {
    let http_head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        html.len()
    );
    let length = http_head.len() + html.len();
    write!(
        out,
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <{record_id}>\r\nWARC-Target-URI: {target_uri}\r\nWARC-Date: {date}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n\r\n"
    )?;
    out.write_all(http_head.as_bytes())?;
    out.write_all(html)?;
    out.write_all(b"\r\n\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_html_responses_and_skips_others() {
        let mut data = Vec::new();
        data.extend_from_slice(
            b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n",
        );
        write_response_record(
            &mut data,
            "urn:uuid:1",
            "http://a.sy/x",
            "2019-03-04T10:00:00Z",
            "text/html; charset=windows-1256",
            b"<p>hi</p>",
        )
        .unwrap();
        write_response_record(
            &mut data,
            "urn:uuid:2",
            "http://a.sy/y.png",
            "2019-03-04T10:00:00Z",
            "image/png",
            b"\x89PNG",
        )
        .unwrap();
        let mut reader = WarcReader::new(&data[..], 1 << 20);
        assert!(matches!(
            reader.next_record().unwrap(),
            Some(WarcItem::Skipped)
        ));
        match reader.next_record().unwrap() {
            Some(WarcItem::Page(p)) => {
                assert_eq!(p.record_id, "urn:uuid:1");
                assert_eq!(p.target_uri.as_deref(), Some("http://a.sy/x"));
                assert_eq!(p.charset.as_deref(), Some("windows-1256"));
                assert_eq!(p.body, b"<p>hi</p>");
            }
            other => panic!("expected a page, got {other:?}"),
        }
        assert!(matches!(
            reader.next_record().unwrap(),
            Some(WarcItem::Skipped)
        ));
        assert!(reader.next_record().unwrap().is_none());
    }

    /// A head whose lines end in bare line feeds ends at its first blank line, even when the
    /// body holds a CRLF blank line further on; the body is kept whole, and a record whose
    /// head never ends is a bad record, not a page.
    #[test]
    fn head_ends_at_its_first_blank_line() {
        let record = |http: &[u8]| {
            let mut data = format!(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:x>\r\nContent-Type: application/http\r\nContent-Length: {}\r\n\r\n",
                http.len()
            )
            .into_bytes();
            data.extend_from_slice(http);
            data.extend_from_slice(b"\r\n\r\n");
            data
        };
        let data = record(b"HTTP/1.1 200 OK\nContent-Type: text/html\n\n<p>a</p>\r\n\r\n<p>b</p>");
        match WarcReader::new(&data[..], 1 << 20).next_record().unwrap() {
            Some(WarcItem::Page(p)) => assert_eq!(p.body, b"<p>a</p>\r\n\r\n<p>b</p>"),
            other => panic!("expected a page, got {other:?}"),
        }
        let data = record(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n");
        assert!(matches!(
            WarcReader::new(&data[..], 1 << 20).next_record().unwrap(),
            Some(WarcItem::Bad { kind: "http", .. })
        ));
        let data = record(b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\ngone");
        let mut reader = WarcReader::new(&data[..], 1 << 20);
        assert!(matches!(
            reader.next_record().unwrap(),
            Some(WarcItem::Skipped)
        ));
        assert!(reader.next_record().unwrap().is_none());
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap(),
            b"abcde"
        );
        assert!(dechunk(b"zz\r\nabc").is_none());
    }

    #[test]
    fn truncated_record_is_an_error() {
        let data = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 500\r\n\r\nHTTP/1.1 200 OK\r\n";
        let mut reader = WarcReader::new(&data[..], 1 << 20);
        assert!(reader.next_record().is_err());
    }
}
