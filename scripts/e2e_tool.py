#!/usr/bin/env python3
"""One Python yardstick of the end-to-end benchmark, run in its own process so that its peak
memory and CPU time can be measured from outside (`/usr/bin/time -v`).

Tools: `trafilatura` (main-content extraction), `resiliparse` (main-content extraction),
`spacy` (spaCy's rule tokenizer, `spacy.blank(LANG)`, on trafilatura's text; only the tokenizer
is timed), `trafilatura+spacy` (both, per page: the combination a user would build).

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
    calls = []
    if "trafilatura" in tool:
        import trafilatura

        def extract(html: bytes) -> str:
            return trafilatura.extract(html, include_comments=False) or ""
    if tool == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.encoding import bytes_to_str, detect_encoding
        from resiliparse.parse.html import HTMLTree

        def resili(html: bytes) -> str:
            tree = HTMLTree.parse(bytes_to_str(html, detect_encoding(html)))
            return extract_plain_text(tree, main_content=True)

        calls.append(resili)
    if "spacy" in tool:
        import spacy

        nlp = spacy.blank(lang)
    n = nbytes = 0
    spent = 0.0
    for html in pages(corpus):
        n += 1
        nbytes += len(html)
        if tool == "resiliparse":
            t = time.perf_counter()
            resili(html)
            spent += time.perf_counter() - t
        elif tool == "trafilatura":
            t = time.perf_counter()
            extract(html)
            spent += time.perf_counter() - t
        elif tool == "spacy":
            text = extract(html)  # not timed: spaCy's tokenizer alone is measured
            t = time.perf_counter()
            len(nlp.make_doc(text))
            spent += time.perf_counter() - t
        elif tool == "trafilatura+spacy":
            t = time.perf_counter()
            len(nlp.make_doc(extract(html)))
            spent += time.perf_counter() - t
        else:
            sys.exit(f"unknown tool {tool}")
    print(json.dumps({"tool": tool, "pages": n, "bytes": nbytes, "seconds": spent}))


if __name__ == "__main__":
    main()
