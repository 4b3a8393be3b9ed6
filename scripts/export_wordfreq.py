#!/usr/bin/env python3
"""Export the top of wordfreq's "large" word lists to plain TSV files in data/wordfreq/.

Usage (needs the `wordfreq` package, e.g. in a scratch virtualenv):
    python scripts/export_wordfreq.py ar 100000 data/wordfreq/ar.tsv

Each output line is `word<TAB>frequency per billion words` (an integer, >= 1), most frequent
first. wordfreq's data are CC BY-SA 4.0 (Robyn Speer et al., https://github.com/rspeer/wordfreq);
the exported files keep that licence and attribution (see data/wordfreq/SOURCE.md).
"""
import sys

import wordfreq


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    lang, limit, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"# wordfreq {lang} large list, top {limit}, frequency per 1e9 words. CC BY-SA 4.0.\n")
        n = 0
        for word in wordfreq.iter_wordlist(lang, "large"):
            if "\t" in word or "\n" in word:
                continue
            per_billion = round(wordfreq.word_frequency(word, lang, "large") * 1e9)
            if per_billion < 1:
                break
            out.write(f"{word}\t{per_billion}\n")
            n += 1
            if n >= limit:
                break


if __name__ == "__main__":
    main()
