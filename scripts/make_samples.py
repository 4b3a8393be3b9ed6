#!/usr/bin/env python3
"""Build the bundled sample corpus (samples/) from the hand-written pages in scripts/sample-pages/.

Standard library only. The output is deterministic (fixed dates and ids, gzip mtime 0), so
running it again gives the same bytes. Run: python3 scripts/make_samples.py
"""
import gzip
import io
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "scripts" / "sample-pages"
OUT = ROOT / "samples"


def gz(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def warc_record(headers: dict, block: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(block)}\r\n\r\n"
    return head.encode("utf-8") + block + b"\r\n\r\n"


def http_response(content_type: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("ascii") + body


def main() -> None:
    read = lambda name: (SRC / name).read_text(encoding="utf-8")
    # 1. A WordPress-style Arabic article, UTF-8.
    (OUT / "ar-wordpress-article.html").write_text(read("ar-wordpress-article.html"), encoding="utf-8")
    # 2. An English news article, gzip-compressed.
    (OUT / "en-news-article.html.gz").write_bytes(gz(read("en-news-article.html").encode("utf-8")))
    # 3. A windows-1256 Arabic page that declares no charset anywhere.
    (OUT / "ar-legacy-1256.html").write_bytes(read("ar-legacy-1256.html").encode("cp1256"))
    # 4. A WARC file: warcinfo, an ISO-8859-6 Arabic page whose charset only the HTTP header
    #    gives, an English page, and an image response that nahr skips. One gzip member a record.
    records = [
        warc_record(
            {"WARC-Type": "warcinfo", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000001>",
             "WARC-Date": "2024-06-01T08:00:00Z", "Content-Type": "application/warc-fields"},
            b"software: nahr sample builder\r\nformat: WARC File Format 1.0\r\n",
        ),
        warc_record(
            {"WARC-Type": "response", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000002>",
             "WARC-Target-URI": "http://culture.example.sy/2024/06/book-fair", "WARC-Date": "2024-06-01T08:00:05Z",
             "Content-Type": "application/http; msgtype=response"},
            http_response("text/html; charset=ISO-8859-6", read("warc-ar-iso88596.html").encode("iso8859_6")),
        ),
        warc_record(
            {"WARC-Type": "response", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000003>",
             "WARC-Target-URI": "https://fieldnotes.example.org/river-walk", "WARC-Date": "2024-06-01T08:00:09Z",
             "Content-Type": "application/http; msgtype=response"},
            http_response("text/html; charset=utf-8", read("warc-en-blog.html").encode("utf-8")),
        ),
        warc_record(
            {"WARC-Type": "response", "WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000004>",
             "WARC-Target-URI": "https://fieldnotes.example.org/heron.png", "WARC-Date": "2024-06-01T08:00:10Z",
             "Content-Type": "application/http; msgtype=response"},
            http_response("image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ),
    ]
    (OUT / "crawl.warc.gz").write_bytes(b"".join(gz(r) for r in records))
    # 5. JSON Lines: a Persian news page and an English forum thread.
    lines = [
        {"url": "https://shiraz-news.example.ir/library", "html": read("jsonl-fa-news.html")},
        {"url": "https://forum.example.com/t/olive-oil", "html": read("jsonl-en-forum.html")},
    ]
    with open(OUT / "pages.jsonl", "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
