"""Writes the personal-name words of arabnamer's English -> Arabic name dictionary.

Usage: python export_names.py ar|en OUT.tsv

`ar`: the Arabic-script words of the dictionary's Arabic names (multi-word names split at
spaces, diacritics removed, two letters or more). `en`: the words of its romanised names (split
at spaces and hyphens, apostrophes at the ends removed, only a-z, two letters or more). One word
a line, sorted, without repeats. Needs the `arabnamer` package (its dictionary is CC BY 4.0; see
SOURCE.md beside this script).
"""

import json
import re
import sys
from importlib import metadata, util
from pathlib import Path

ARABIC_WORD = re.compile(r"^[\u0621-\u064a\u0671]{2,}$")
DIACRITICS = re.compile(r"[\u064b-\u0652\u0670\u0640]")
LATIN_WORD = re.compile(r"[a-z]{2,}")


def words(lang, dictionary):
    out = set()
    if lang == "ar":
        for arabic in dictionary.values():
            for word in DIACRITICS.sub("", arabic).split():
                if ARABIC_WORD.match(word):
                    out.add(word)
    else:
        for romanised in dictionary:
            for word in re.split(r"[\s\-]+", romanised):
                word = word.strip("'")
                if LATIN_WORD.fullmatch(word):
                    out.add(word)
    return out


def main() -> None:
    lang, out_path = sys.argv[1], sys.argv[2]
    if lang not in ("ar", "en"):
        sys.exit("language must be ar or en")
    # Located without importing the package (its import needs numpy and xgboost).
    spec = util.find_spec("arabnamer")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("the arabnamer package is not installed")
    package_dir = Path(list(spec.submodule_search_locations)[0])
    data = (package_dir / "data" / "dict_FINAL.json").read_text(encoding="utf-8")
    found = words(lang, json.loads(data))
    version = metadata.version("arabnamer")
    with open(out_path, "w", encoding="utf-8") as out:
        out.write(f"# words of personal names ({lang}), from arabnamer {version} data/dict_FINAL.json (CC BY 4.0)\n")
        for word in sorted(found):
            out.write(word + "\n")
    print(f"{out_path}: {len(found)} words")


if __name__ == "__main__":
    main()
