#!/usr/bin/env python3
"""Learn the clitic model of nahr's Arabic segmenter (src/tokenize/segment.rs) from unlabelled text.

Usage:
    python3 scripts/learn_arabic_clitics.py data/wordfreq/ar.tsv ANERCORP_TRAIN OUT.tsv

Inputs, all unlabelled word counts (no segmentation gold is read):
  * data/wordfreq/ar.tsv: the top of wordfreq's Arabic list (word, frequency per 1e9 words);
  * ANERcorp's training text (`token tag` lines): only the tokens are read, the tags are ignored.
    Arabic words of ANERcorp missing from the wordfreq list join the lexicon with
    count = (ANERcorp count) x (half the smallest wordfreq count), and are written to OUT as `word`
    lines so that the segmenter knows them too.

Words are keyed by their letters with diacritics and tatweel removed (no letter folding).

Model: a clitic X (a proclitic sequence of segment.rs's PROCLITICS or an enclitic of its ENCLITICS)
has an attachment rate: how often a word is written with X attached compared with alone. It is
estimated as the median of c(X+s) / c(s) (or c(s+X) / c(s)) over the 5,000 most frequent words s
that do not start with the article and whose clitic form is in the lexicon. Clitics seen with
fewer than 30 such words get the floor rate 1e-4 (too rare to trust). The score written for X is
log(SLACK * rate), SLACK = 30: a clitic form may be up to 30 times as frequent, relative to its stem,
as the median word before the split is rejected as a lexicalised whole word. At run time an analysis
P + s + E scores score(P) + score(E) + log f(s) against log f(w) for the whole word (f = relative
frequency), so that words whose would-be stem is rare (وزير/زير, كتاب/تاب) stay whole, while
cliticised forms of common words split. OUT also gives the score of a word missing from the
lexicon, log(min f / 10): an unlisted word is rarer than the rarest listed one.
"""
import math
import sys
from collections import defaultdict

PROCLITICS = ["و", "ف", "ب", "ل", "ك", "س", "وب", "ول", "وك", "وس", "فب", "فل", "فك", "فس"]
ENCLITICS = ["هما", "كما", "ها", "هم", "هن", "كم", "كن", "ني", "نا", "ه", "ك"]
TOP_STEMS = 5000
MIN_SUPPORT = 30
FLOOR_RATE = 1e-4
SLACK = 30.0
MARKS = set(chr(c) for c in list(range(0x0610, 0x061B)) + list(range(0x064B, 0x0660)) + [0x0670]
            + list(range(0x06D6, 0x06DD)) + list(range(0x06DF, 0x06E5)) + [0x06E7, 0x06E8]
            + list(range(0x06EA, 0x06EE)) + [0x0640])


def key(word):
    return "".join(c for c in word if c not in MARKS)


def is_arabic_word(word):
    return bool(word) and all("\u0620" <= c <= "\u064A" or "\u0671" <= c <= "\u06D3" for c in word)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    wf_path, aner_path, out_path = sys.argv[1:]
    counts = defaultdict(float)
    with open(wf_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            word, c = line.rstrip("\n").split("\t")
            counts[key(word)] += float(c)
    min_count = min(counts.values())
    aner = defaultdict(int)
    with open(aner_path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts and is_arabic_word(key(parts[0])):
                aner[key(parts[0])] += 1
    extra = {w: k * min_count / 2 for w, k in aner.items() if w not in counts}
    for w, c in extra.items():
        counts[w] += c
    total = sum(counts.values())

    stems = sorted((w for w in counts if len(w) >= 2 and not w.startswith("ال")), key=lambda w: -counts[w])[:TOP_STEMS]
    ratios = defaultdict(list)
    for s in stems:
        for pre in PROCLITICS:
            if pre[-1] == "س" and s[0] not in "يتنأ":
                continue
            c = counts.get(pre + s)
            if c:
                ratios[("prefix", pre)].append(c / counts[s])
        for suf in ENCLITICS:
            c = counts.get(s + suf)
            if c:
                ratios[("suffix", suf)].append(c / counts[s])
    rates = {}
    for k in [("prefix", p) for p in PROCLITICS] + [("suffix", e) for e in ENCLITICS]:
        r = sorted(ratios.get(k, []))
        rates[k] = r[len(r) // 2] if len(r) >= MIN_SUPPORT else FLOOR_RATE
    print("attachment rates (median, number of stems):", file=sys.stderr)
    for k in sorted(rates, key=lambda k: -rates[k]):
        print(f"  {k[0]} {k[1]}: {rates[k]:.4f} ({len(ratios.get(k, []))})", file=sys.stderr)

    unknown = math.log(min(counts.values()) / total / 10)
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("# Clitic model of nahr's Arabic segmenter, made by scripts/learn_arabic_clitics.py from\n")
        out.write("# data/wordfreq/ar.tsv and the tokens of ANERcorp train.txt (see SOURCE.md).\n")
        out.write(f"# kind<TAB>key<TAB>value. prefix/suffix: log({SLACK:g} x median attachment rate);\n")
        out.write("# unknown: score of a word missing from the lexicon; word: an ANERcorp word missing\n")
        out.write("# from the wordfreq list, with its scaled count (per 1e9 words).\n")
        for k in sorted(rates, key=lambda k: (k[0], -rates[k])):
            out.write(f"{k[0]}\t{k[1]}\t{math.log(SLACK * rates[k]):.4f}\n")
        out.write(f"unknown\t\t{unknown:.4f}\n")
        for w in sorted(extra):
            out.write(f"word\t{w}\t{extra[w]:.1f}\n")


if __name__ == "__main__":
    main()
