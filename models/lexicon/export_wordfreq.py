"""Exports the most frequent words of a language from the `wordfreq` package (data CC BY-SA 4.0)
as `word<TAB>zipf*10` lines, most frequent first. Run by `make ner-wordfreq`; see models/README.md.

usage: export_wordfreq.py LANG COUNT OUT
"""

import sys

import wordfreq


def main():
    lang, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"# top {count} words of `{lang}` from the wordfreq package (data CC BY-SA 4.0): word<TAB>round(10*zipf)\n")
        for word in wordfreq.top_n_list(lang, count, wordlist="large"):
            if "\t" in word or "\n" in word:
                continue
            zipf = wordfreq.zipf_frequency(word, lang, wordlist="large")
            f.write(f"{word}\t{round(zipf * 10)}\n")


if __name__ == "__main__":
    main()
