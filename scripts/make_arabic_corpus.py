#!/usr/bin/env python3
"""Generate a large Arabic web corpus as WARC, deterministically, from the Arabic pages in
../shared/data (the arabic-dev pages and the seed pages), for end-to-end benchmarks.

Every generated page differs from every other, in text and in markup, so that no layer (page
cache, parser, extractor, tokenizer caches) sees the same bytes twice:
- text: in text runs that hold Arabic letters, about one word in five is replaced by a word drawn
  from the Arabic vocabulary of ../shared/data/ner/anercorp/train.txt (a seeded generator);
- markup: every class attribute gets a per-page suffix, and a few comments and empty spans with
  page-specific content are inserted between tags.
The same arguments give the same bytes. Standard library only.

Usage: make_arabic_corpus.py SHARED_DATA OUT.warc.gz [--pages N]
"""
import argparse
import gzip
import io
import pathlib
import random
import re

ARABIC_WORD = re.compile(r"[\u0621-\u064A\u0660-\u0669\u0671-\u06D3]+")
TEXT_RUN = re.compile(r">([^<>]*[\u0621-\u064A][^<>]*)<")
CLASS_ATTR = re.compile(r'class="([^"]*)"')
TAG_END = re.compile(r"</(p|div|li|span|a)>")


def base_pages(data: pathlib.Path) -> list:
    pages = []
    for p in sorted((data / "extraction" / "arabic-dev" / "html").glob("ar-*.html.gz")):
        pages.append(gzip.decompress(p.read_bytes()).decode("utf-8", "replace"))
    pages.append((data / "seed" / "article-utf8.html").read_text(encoding="utf-8"))
    return pages


def vocabulary(data: pathlib.Path) -> list:
    words = set()
    for line in (data / "ner" / "anercorp" / "train.txt").read_text(encoding="utf-8").splitlines():
        w = line.split(" ")[0] if line else ""
        if ARABIC_WORD.fullmatch(w):
            words.add(w)
    return sorted(words)


def vary(page: str, index: int, vocab: list) -> str:
    rng = random.Random(index)

    def swap_words(m):
        def one(w):
            return rng.choice(vocab) if rng.random() < 0.2 else w.group(0)
        return ">" + ARABIC_WORD.sub(one, m.group(1)) + "<"

    page = TEXT_RUN.sub(swap_words, page)
    page = CLASS_ATTR.sub(lambda m: f'class="{m.group(1)} v{index % 997}-{rng.randrange(10**6)}"', page)
    count = 0

    def insert(m):
        nonlocal count
        count += 1
        if count % 7 == 0:
            return m.group(0) + f'<!-- r{index}-{rng.randrange(10**9)} --><span data-n="{rng.randrange(10**6)}"></span>'
        return m.group(0)

    return TAG_END.sub(insert, page)


def record(index: int, html: bytes) -> bytes:
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            + f"Content-Length: {len(html)}\r\n\r\n".encode("ascii") + html)
    day = 1 + index % 28
    head = (f"WARC/1.0\r\nWARC-Type: response\r\n"
            f"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-{index:012d}>\r\n"
            f"WARC-Target-URI: https://news{index % 50}.example/2024/03/{day:02d}/article-{index}\r\n"
            f"WARC-Date: 2024-03-{day:02d}T12:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n")
    return head.encode("ascii") + http + b"\r\n\r\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("shared_data", type=pathlib.Path)
    ap.add_argument("out", type=pathlib.Path)
    ap.add_argument("--pages", type=int, default=20000)
    args = ap.parse_args()
    pages = base_pages(args.shared_data)
    vocab = vocabulary(args.shared_data)
    tmp = args.out.with_name("." + args.out.name + ".tmp")
    with open(tmp, "wb") as f:
        for i in range(args.pages):
            html = vary(pages[i % len(pages)], i, vocab).encode("utf-8")
            buf = io.BytesIO()
            with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=1) as g:
                g.write(record(i, html))
            f.write(buf.getvalue())
    tmp.rename(args.out)
    print(f"wrote {args.pages} pages from {len(pages)} base pages to {args.out}")


if __name__ == "__main__":
    main()
