#!/usr/bin/env python3
"""Learn the clitic model of nahr's Arabic segmenter (src/tokenize/segment.rs) from unlabelled text.

Usage:
    python3 scripts/learn_arabic_clitics.py data/wordfreq/ar.tsv ANERCORP_TRAIN OUT.tsv

Inputs, all unlabelled word counts (no segmentation gold is used):
  * data/wordfreq/ar.tsv: the top of wordfreq's Arabic list (word, frequency per 1e9 words);
  * ANERcorp's training text (`token tag` lines): only the tokens are read, the tags are ignored.
    Arabic words of ANERcorp that are not in the wordfreq list are added to the lexicon with
    count = (ANERcorp count) x (half the smallest wordfreq count), and written to OUT as `word` lines.

Model: a clitic is described by its attachment rate, how often a word is written with that clitic
attached compared with the word alone: for every proclitic sequence P (and every enclitic E) the
ratios c(P+s) / c(s) are collected over the 5,000 most frequent stems s that do not start with the
article (both forms must be in the lexicon), and the rate is their 90th percentile. A high
percentile rather than the mean keeps the estimate robust to accidental pairs (وزير/زير) in the
lower tail and still lets frequent fixed combinations through. At run time an analysis P + s + E
scores log rate(P) + log rate(E) + log f(s) against log f(w) for the whole word, f being
relative frequency (see segment.rs). OUT lists these log rates and the score of an unknown whole
word, log(min f / 10): a word absent from the list is rarer than the rarest listed word.
"""
import math
import sys
from collections import defaultdict

PROCLITICS = ["و", "ف", "ب", "ل", "ك", "س", "وب", "ول", "وك", "وس", "فب", "فل", "فك", "فس"]
ENCLITICS = ["هما", "كما", "ها", "هم", "هن", "كم", "كن", "ني", "نا", "ه", "ك"]
MIN_STEM = 2
MARKS = set(chr(c) for c in list(range(0x0610, 0x061B)) + list(range(0x064B, 0x0660)) + [0x0670]
            + list(range(0x06D6, 0x06DD)) + list(range(0x06DF, 0x06E5)) + [0x06E7, 0x06E8]
            + list(range(0x06EA, 0x06EE)) + [0x0640])
FOLD = {"\u0622": "ا", "\u0623": "ا", "\u0625": "ا", "\u0671": "ا", "\u0649": "ي", "\u06CC": "ي", "\u06A9": "ك"}


def fold(word):
    return "".join(FOLD.get(c, c) for c in word if c not in MARKS)


def is_arabic_word(word):
    return word and all("\u0620" <= c <= "\u064A" or "\u0671" <= c <= "\u06D3" for c in word)


def analyses(w, freq):
    """Split analyses (P, E, stem frequency) of folded word w, as segment.rs enumerates them."""
    n = len(w)
    out = []
    for p in range(0, min(2, n - MIN_STEM) + 1):
        pre = w[:p]
        if p and pre not in PROCLITICS:
            continue
        if p and pre[-1] == "س" and w[p] not in "يتنا":
            continue
        for e in range(0, min(3, n - p - MIN_STEM) + 1):
            if p == 0 and e == 0:
                continue
            suf = w[n - e:]
            if e and suf not in ENCLITICS:
                continue
            stem = w[p:n - e]
            f = freq.get(stem)
            if p and pre[-1] == "ل" and stem.startswith("ل"):
                r = freq.get("ا" + stem)
                if r is not None:
                    f = r if f is None else max(f, r)
            if f is not None:
                out.append((pre, suf, f))
    return out


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    wf_path, aner_path, out_path = sys.argv[1:]
    counts = defaultdict(float)
    min_count = None
    with open(wf_path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            word, c = line.rstrip("\n").split("\t")
            c = float(c)
            counts[fold(word)] += c
            min_count = c if min_count is None else min(min_count, c)
    aner = defaultdict(int)
    with open(aner_path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 1 and is_arabic_word(fold(parts[0])):
                aner[parts[0]] += 1
    extra = {}
    for word, k in aner.items():
        key = fold(word)
        if key not in counts:
            extra[word] = k * min_count / 2
    for word, c in extra.items():
        counts[fold(word)] += c
    total = sum(counts.values())
    freq = {w: c / total for w, c in counts.items()}

    top = sorted((w for w in counts if len(w) >= MIN_STEM and not w.startswith("ال")), key=lambda w: -counts[w])[:5000]
    ratios = defaultdict(list)
    for s in top:
        for pre in PROCLITICS:
            if pre[-1] == "س" and s[0] not in "يتنا":
                continue
            c = counts.get(pre + s)
            if c:
                ratios[("prefix", pre)].append(c / counts[s])
        for suf in ENCLITICS:
            c = counts.get(s + suf)
            if c:
                ratios[("suffix", suf)].append(c / counts[s])
    rates = {}
    for key in [("prefix", p) for p in PROCLITICS] + [("suffix", e) for e in ENCLITICS]:
        r = sorted(ratios.get(key, []))
        # clitics seen with fewer than 20 frequent stems get the rarest rate seen (1e-4 floor)
        rates[key] = r[int(0.9 * (len(r) - 1))] if len(r) >= 20 else None
    floor = min([v for v in rates.values() if v] + [1e-4])
    rates = {k: (v or floor) for k, v in rates.items()}
    p_pre = {"": 1.0, **{p: rates[("prefix", p)] for p in PROCLITICS}}
    p_suf = {"": 1.0, **{e: rates[("suffix", e)] for e in ENCLITICS}}
    support = {k: len(v) for k, v in ratios.items()}
    print("attachment rates (90th percentile, number of stems):", file=sys.stderr)
    for k in sorted(rates, key=lambda k: -rates[k]):
        print(f"  {k[0]} {k[1]}: {rates[k]:.4f} ({support.get(k, 0)})", file=sys.stderr)

    unknown = math.log(min(freq.values()) / 10)
    with open(out_path, "w", encoding="utf-8") as out:
        out.write("# Clitic model of nahr's Arabic segmenter, learned by scripts/learn_arabic_clitics.py\n")
        out.write("# from data/wordfreq/ar.tsv and the tokens of ANERcorp train.txt (see SOURCE.md).\n")
        out.write("# kind\tkey\tvalue: prefix/suffix = log probability, unknown = score of an unknown word,\n")
        out.write("# word = an ANERcorp word missing from the wordfreq list, with its scaled count.\n")
        for p, v in sorted(p_pre.items(), key=lambda kv: -kv[1]):
            out.write(f"prefix\t{p}\t{math.log(v):.4f}\n")
        for e, v in sorted(p_suf.items(), key=lambda kv: -kv[1]):
            out.write(f"suffix\t{e}\t{math.log(v):.4f}\n")
        out.write(f"unknown\t\t{unknown:.4f}\n")
        for word in sorted(extra):
            out.write(f"word\t{word}\t{extra[word]:.1f}\n")


if __name__ == "__main__":
    main()
