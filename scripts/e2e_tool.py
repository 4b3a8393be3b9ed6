#!/usr/bin/env python3
"""One Python yardstick of the end-to-end benchmark, run in its own process so that its peak
memory and CPU time can be measured from outside (`/usr/bin/time -v`).

Tools: `resiliparse` (main-content extraction) and `trafilatura+spacy`: trafilatura's
main-content extraction, then spaCy's rule tokenizer (`spacy.blank(LANG)`) on its text, page by
page, the combination a user would build. The two calls are timed separately, so one pass gives
three rows: trafilatura alone, the spaCy tokenizer alone, and both.

Pages are streamed one at a time from a folder of .html/.html.gz files or from a .warc.gz file,
so memory holds one page. Only the tool's own calls are timed (reading and decompressing the
input are not), which favours the yardsticks. Prints one JSON line: pages, bytes, seconds.

Usage: e2e_tool.py TOOL CORPUS LANG
"""
import gzip
import json
import pathlib
import sys
import time


def pages(corpus: pathlib.Path):
    if corpus.is_dir():
        for p in sorted(corpus.iterdir()):
            if p.name.endswith(".html.gz"):
                yield gzip.decompress(p.read_bytes())
            elif p.name.endswith(".html"):
                yield p.read_bytes()
        return
    from warcio.archiveiterator import ArchiveIterator

    with open(corpus, "rb") as f:
        for rec in ArchiveIterator(f):
            if rec.rec_type == "response":
                ct = rec.http_headers.get_header("Content-Type") if rec.http_headers else ""
                if ct and "html" in ct:
                    yield rec.content_stream().read()


def main() -> None:
    tool, corpus, lang = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    if tool == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
        from resiliparse.parse.html import HTMLTree
    elif tool == "trafilatura+spacy":
        import spacy
        import trafilatura

        nlp = spacy.blank(lang)
    else:
        sys.exit(f"unknown tool {tool}")
    n = nbytes = 0
    spent = {"extract": 0.0, "tokenize": 0.0}
    for html in pages(corpus):
        n += 1
        nbytes += len(html)
        t0 = time.perf_counter()
        if tool == "resiliparse":
            extract_plain_text(HTMLTree.parse(bytes_to_str(html, detect_encoding(html))), main_content=True)
            spent["extract"] += time.perf_counter() - t0
        else:
            text = trafilatura.extract(html, include_comments=False) or ""
            t1 = time.perf_counter()
            len(nlp.make_doc(text))
            t2 = time.perf_counter()
            spent["extract"] += t1 - t0
            spent["tokenize"] += t2 - t1
    print(json.dumps({"tool": tool, "pages": n, "bytes": nbytes, "extract_seconds": spent["extract"], "tokenize_seconds": spent["tokenize"]}))


if __name__ == "__main__":
    main()
