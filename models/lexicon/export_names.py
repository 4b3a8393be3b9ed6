"""Writes the Arabic-script words of arabnamer's English -> Arabic personal-name dictionary.

Usage: python export_names.py OUT.tsv

Each output line is one word of a name, as written in the dictionary (multi-word names are
split at spaces), sorted and without repeats. Needs the `arabnamer` package (its dictionary is
CC BY 4.0; see SOURCE.md beside this script).
"""

import json
import re
import sys
from importlib import metadata, util
from pathlib import Path

ARABIC_WORD = re.compile(r"^[\u0621-\u064a\u0671]{2,}$")
DIACRITICS = re.compile(r"[\u064b-\u0652\u0670\u0640]")


def main() -> None:
    out_path = sys.argv[1]
    # Located without importing the package (its import needs numpy and xgboost).
    spec = util.find_spec("arabnamer")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("the arabnamer package is not installed")
    package_dir = Path(list(spec.submodule_search_locations)[0])
    data = (package_dir / "data" / "dict_FINAL.json").read_text(encoding="utf-8")
    words = set()
    for arabic in json.loads(data).values():
        for word in DIACRITICS.sub("", arabic).split():
            if ARABIC_WORD.match(word):
                words.add(word)
    version = metadata.version("arabnamer")
    with open(out_path, "w", encoding="utf-8") as out:
        out.write(f"# words of personal names, from arabnamer {version} data/dict_FINAL.json (CC BY 4.0)\n")
        for word in sorted(words):
            out.write(word + "\n")
    print(f"{out_path}: {len(words)} words")


if __name__ == "__main__":
    main()
