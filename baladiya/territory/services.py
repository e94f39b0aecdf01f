"""Writes to the territory: read an official sheet and upsert wilayas, daïras and communes.

The national territory ships as two CSV files in ``data/`` (see ``data/LICENCES.md``):
``communes.csv`` (CC0) and ``ons_codes.csv`` (ODbL). A data migration loads them into every
database; ``manage.py import_territory`` applies a later official sheet with the same columns.
Rows are never deleted: communes are referenced by structures, cases and agents.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from baladiya.territory.models import Commune, Daira, Wilaya
from baladiya.territory.short_codes import assign_short_codes
from baladiya.territory.signals import territory_changed

DATA_DIR = Path(__file__).resolve().parent / "data"
WILAYA_COUNT = 69
# The wilayas created by the 2025 reform (59 Aflou … 69 Messaad) take up their powers then.
REFORM_2025_FIRST_WILAYA = 59
REFORM_2025_EFFECTIVE_FROM = datetime.date(2027, 1, 1)

REQUIRED_COLUMNS = (
    "wilaya_number",
    "wilaya_name_fr",
    "wilaya_name_ar",
    "daira_name_fr",
    "daira_name_ar",
    "commune_name_fr",
    "commune_name_ar",
)
OPTIONAL_COLUMNS = (
    "wilaya_name_en",
    "daira_name_en",
    "commune_name_en",
    "postal_code",
    "ons_code",
)


class TerritoryConflict(ValueError):
    """The sheet would give two communes the same name in a daïra or the same ONS code."""


@dataclass(frozen=True)
class TerritoryRow:
    """One commune (baladiya) of a sheet, with its daïra and wilaya. Empty optional values
    mean "not given": they never blank what the database already knows."""

    line: int
    wilaya_number: int
    wilaya_name_fr: str
    wilaya_name_ar: str
    daira_name_fr: str
    daira_name_ar: str
    commune_name_fr: str
    commune_name_ar: str
    wilaya_name_en: str = ""
    daira_name_en: str = ""
    commune_name_en: str = ""
    postal_code: str = ""
    ons_code: str = ""


@dataclass(frozen=True)
class Rejection:
    """A line of the sheet that cannot be imported, and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass
class TerritoryParseResult:
    rows: list[TerritoryRow] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ApplyReport:
    """What :func:`apply_territory` did, level by level."""

    wilayas: LevelCounts = field(default_factory=LevelCounts)
    dairas: LevelCounts = field(default_factory=LevelCounts)
    communes: LevelCounts = field(default_factory=LevelCounts)
    created_commune_ids: list[int] = field(default_factory=list)
    updated_commune_ids: list[int] = field(default_factory=list)
    # Communes of the sheet's wilayas that the sheet does not mention (kept, never deleted).
    unmentioned_communes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            counts.created or counts.updated
            for counts in (self.wilayas, self.dairas, self.communes)
        )


def _clean(value: str | None) -> str:
    # NFC so that a name typed on another system compares equal; Excel leaves stray spaces.
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _has_arabic_letter(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" for ch in text)


def _delimiter(header_line: str) -> str:
    return max((",", ";", "\t"), key=header_line.count)


def parse_territory_csv(stream: IO[str] | IO[bytes]) -> TerritoryParseResult:
    """Read and check a territory sheet (one commune per row, UTF-8, ``,`` or ``;``).

    Every line that cannot be imported is returned as a :class:`Rejection` with its line number
    (the header is line 1) and a reason; the other rows are returned ready for
    :func:`apply_territory`. A UTF-8 byte-order mark and Excel's ``;`` delimiter are accepted.
    """
    result = TerritoryParseResult()
    content = stream.read()
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = content[: exc.start].count(b"\n") + 1
            result.rejections.append(
                Rejection(line, _("the file is not UTF-8 text (save it as “CSV UTF-8”)"))
            )
            return result
    else:
        text = content
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))

    header = [_clean(name).lower() for name in next(reader, [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    duplicated = sorted(name for name, count in Counter(header).items() if name and count > 1)
    if missing or duplicated:
        reasons = []
        if missing:
            reasons.append(_("missing required column(s): %s") % ", ".join(missing))
        if duplicated:
            reasons.append(_("column(s) given twice: %s") % ", ".join(duplicated))
        result.rejections.append(Rejection(1, "; ".join(reasons)))
        return result
    columns = {
        name: header.index(name)
        for name in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
        if name in header
    }

    checker = _ConsistencyChecker()
    line = reader.line_num + 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue  # blank lines and Excel's trailing ";;;;" rows
        values = {name: _clean(record[i]) if i < len(record) else "" for name, i in columns.items()}
        reasons = _row_problems(values)
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            reasons.append(
                _("%(found)d values but the header has %(expected)d columns")
                % {"found": len(record), "expected": len(header)}
            )
        if not reasons:
            row = TerritoryRow(line=start, wilaya_number=int(values.pop("wilaya_number")), **values)
            reasons = checker.problems(row)
            if not reasons:
                result.rows.append(row)
                continue
        result.rejections.append(Rejection(start, "; ".join(reasons)))
    return result


_NAME_LABELS = {
    "wilaya_name_fr": gettext_noop("French wilaya name"),
    "wilaya_name_ar": gettext_noop("Arabic wilaya name"),
    "daira_name_fr": gettext_noop("French daïra name"),
    "daira_name_ar": gettext_noop("Arabic daïra name"),
    "commune_name_fr": gettext_noop("French commune name"),
    "commune_name_ar": gettext_noop("Arabic commune name"),
}


def _row_problems(values: dict[str, str]) -> list[str]:
    problems = []
    number = values["wilaya_number"]
    if not (number.isascii() and number.isdigit() and 1 <= int(number) <= WILAYA_COUNT):
        problems.append(
            _("wilaya number %(value)r is not a number from 1 to %(max)d")
            % {"value": number, "max": WILAYA_COUNT}
        )
    for column, label in _NAME_LABELS.items():
        if not values[column]:
            problems.append(_("empty %s") % _(label))
        elif column.endswith("_ar") and not _has_arabic_letter(values[column]):
            problems.append(
                _("%(label)s %(value)r has no Arabic letter")
                % {"label": _(label), "value": values[column]}
            )
    postal = values.get("postal_code", "")
    if postal and not (postal.isascii() and postal.isdigit() and len(postal) == 5):
        problems.append(
            _("postal code %r is not 5 digits (format the column as text to keep leading zeros)")
            % postal
        )
    ons = values.get("ons_code", "")
    if ons and not (ons.isascii() and ons.isdigit() and len(ons) == 4):
        problems.append(
            _("ONS code %r is not 4 digits (format the column as text to keep leading zeros)") % ons
        )
    return problems


class _ConsistencyChecker:
    """Checks a row against the rows accepted before it in the same sheet."""

    def __init__(self) -> None:
        self.wilayas: dict[int, tuple[int, tuple[str, str, str]]] = {}
        self.dairas: dict[tuple[int, str], tuple[int, tuple[str, str]]] = {}
        self.communes: dict[tuple[int, str, str], int] = {}
        self.ons_codes: dict[str, tuple[int, str]] = {}

    def problems(self, row: TerritoryRow) -> list[str]:
        problems = []
        wilaya = (row.wilaya_name_fr, row.wilaya_name_ar, row.wilaya_name_en)
        first = self.wilayas.get(row.wilaya_number)
        if first and first[1] != wilaya:
            problems.append(
                _("wilaya %(number)02d is named %(here)s here but %(there)s on line %(line)d")
                % {
                    "number": row.wilaya_number,
                    "here": " / ".join(filter(None, wilaya)),
                    "there": " / ".join(filter(None, first[1])),
                    "line": first[0],
                }
            )
        daira_key = (row.wilaya_number, row.daira_name_fr.casefold())
        daira = (row.daira_name_ar, row.daira_name_en)
        first_daira = self.dairas.get(daira_key)
        if first_daira and first_daira[1] != daira:
            problems.append(
                _("daïra %(name)s is named %(here)s here but %(there)s on line %(line)d")
                % {
                    "name": row.daira_name_fr,
                    "here": " / ".join(filter(None, daira)),
                    "there": " / ".join(filter(None, first_daira[1])),
                    "line": first_daira[0],
                }
            )
        commune_key = (*daira_key, row.commune_name_fr.casefold())
        if commune_key in self.communes:
            problems.append(
                _("commune %(name)s of daïra %(daira)s already appears on line %(line)d")
                % {
                    "name": row.commune_name_fr,
                    "daira": row.daira_name_fr,
                    "line": self.communes[commune_key],
                }
            )
        if row.ons_code and row.ons_code in self.ons_codes:
            line, name = self.ons_codes[row.ons_code]
            problems.append(
                _("ONS code %(code)s is already given to %(name)s on line %(line)d")
                % {"code": row.ons_code, "name": name, "line": line}
            )
        if not problems:
            self.wilayas.setdefault(row.wilaya_number, (row.line, wilaya))
            self.dairas.setdefault(daira_key, (row.line, daira))
            self.communes[commune_key] = row.line
            if row.ons_code:
                self.ons_codes[row.ons_code] = (row.line, row.commune_name_fr)
        return problems


def _assign(obj: Any, values: dict[str, Any]) -> frozenset[str]:
    """Set ``values`` on ``obj``; return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return frozenset(changed)


def _bulk_update(model: Any, using: str, changes: dict[Any, frozenset[str]]) -> None:
    """Save the changed fields: one ``executemany`` UPDATE per set of changed fields.

    Not ``QuerySet.bulk_update``: building its CASE WHEN expressions costs Django a fraction of a
    millisecond per row and field, i.e. seconds when a new national sheet touches every commune.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    by_fields: dict[frozenset[str], list[Any]] = {}
    for obj, changed in changes.items():
        by_fields.setdefault(changed, []).append(obj)
    with connection.cursor() as cursor:
        for names, objs in by_fields.items():
            fields = [model._meta.get_field(name) for name in sorted(names)]
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            sql = (  # names come from the model's metadata, values are parameters
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
                f"WHERE {quote(model._meta.pk.column)} = %s"
            )
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                    + [obj.pk]
                    for obj in objs
                ],
            )


def _names(row: TerritoryRow, level: str) -> dict[str, str]:
    values = {
        "name_fr": getattr(row, f"{level}_name_fr"),
        "name_ar": getattr(row, f"{level}_name_ar"),
    }
    if english := getattr(row, f"{level}_name_en"):
        values["name_en"] = english
    return values


def apply_territory(
    rows: Sequence[TerritoryRow],
    *,
    wilaya_model: Any = Wilaya,
    daira_model: Any = Daira,
    commune_model: Any = Commune,
    using: str = DEFAULT_DB_ALIAS,
    notify: bool = True,
) -> ApplyReport:
    """Create or update the wilayas, daïras and communes (APC) of ``rows``, in one transaction.

    Idempotent. A wilaya is found by number, a daïra by (wilaya, French name), a commune by its
    ONS code when the row gives one that is already known (so a renamed or moved commune keeps
    its row), else by (daïra, French name). Nothing is deleted: communes of the sheet's wilayas
    that the sheet does not mention are listed in the report. Bulk queries keep the number of
    queries small whatever the number of rows.

    The model parameters let a data migration pass historical models; ``notify=False`` does not
    send :data:`~baladiya.territory.signals.territory_changed` (migrations, dry runs).
    Raises :class:`TerritoryConflict` (and changes nothing) when the result would break the
    uniqueness of communes' names within a daïra or of ONS codes.
    """
    report = ApplyReport()
    with transaction.atomic(using=using):
        wilayas = _upsert_wilayas(rows, wilaya_model, using, report.wilayas)
        dairas = _upsert_dairas(rows, wilayas, daira_model, using, report.dairas)
        _upsert_communes(rows, wilayas, dairas, commune_model, using, report)
        # Migration 0002's historical model predates short codes; 0003 assigns them there.
        if any(f.name == "short_code" for f in commune_model._meta.fields):
            assign_short_codes(commune_model, using)
    if notify and report.changed:
        territory_changed.send(sender=commune_model, report=report)
    return report


def _upsert_wilayas(
    rows: Sequence[TerritoryRow], model: Any, using: str, counts: LevelCounts
) -> dict[int, Any]:
    wanted: dict[int, TerritoryRow] = {}
    for row in rows:
        wanted.setdefault(row.wilaya_number, row)
    existing = {w.number: w for w in model.objects.using(using).filter(number__in=wanted)}
    to_create: list[Any] = []
    to_update: dict[Any, frozenset[str]] = {}
    for number, row in wanted.items():
        values = _names(row, "wilaya")
        wilaya = existing.get(number)
        if wilaya is None:
            # Only on creation: an administrator may later move the date (e.g. if postponed).
            effective = REFORM_2025_EFFECTIVE_FROM if number >= REFORM_2025_FIRST_WILAYA else None
            to_create.append(model(number=number, effective_from=effective, **values))
        elif changed := _assign(wilaya, values):
            to_update[wilaya] = changed
    _bulk_update(model, using, to_update)
    model.objects.using(using).bulk_create(to_create)
    if any(w.pk is None for w in to_create):  # backends that do not return ids
        to_create = list(
            model.objects.using(using).filter(number__in=[w.number for w in to_create])
        )
    existing.update({w.number: w for w in to_create})
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.unchanged += len(wanted) - len(to_create) - len(to_update)
    return existing


def _upsert_dairas(
    rows: Sequence[TerritoryRow],
    wilayas: dict[int, Any],
    model: Any,
    using: str,
    counts: LevelCounts,
) -> dict[tuple[int, str], Any]:
    wanted: dict[tuple[int, str], TerritoryRow] = {}
    for row in rows:
        wanted.setdefault((wilayas[row.wilaya_number].pk, row.daira_name_fr), row)
    existing = {
        (d.wilaya_id, d.name_fr): d
        for d in model.objects.using(using).filter(wilaya_id__in={k[0] for k in wanted})
    }
    to_create: list[Any] = []
    to_update: dict[Any, frozenset[str]] = {}
    for (wilaya_id, name_fr), row in wanted.items():
        values = _names(row, "daira")
        daira = existing.get((wilaya_id, name_fr))
        if daira is None:
            to_create.append(model(wilaya_id=wilaya_id, **values))
        elif changed := _assign(daira, values):
            to_update[daira] = changed
    _bulk_update(model, using, to_update)
    model.objects.using(using).bulk_create(to_create)
    if any(d.pk is None for d in to_create):
        created_keys = {(d.wilaya_id, d.name_fr) for d in to_create}
        to_create = [
            d
            for d in model.objects.using(using).filter(wilaya_id__in={k[0] for k in created_keys})
            if (d.wilaya_id, d.name_fr) in created_keys
        ]
    existing.update({(d.wilaya_id, d.name_fr): d for d in to_create})
    counts.created += len(to_create)
    counts.updated += len(to_update)
    counts.unchanged += len(wanted) - len(to_create) - len(to_update)
    return existing


def _upsert_communes(
    rows: Sequence[TerritoryRow],
    wilayas: dict[int, Any],
    dairas: dict[tuple[int, str], Any],
    model: Any,
    using: str,
    report: ApplyReport,
) -> None:
    # Loading every commune (≈1,541) is one cheap query, and finds communes that the reform
    # moved to another wilaya by their ONS code.
    existing = list(model.objects.using(using).select_related("daira__wilaya"))
    by_ons = {c.ons_code: c for c in existing if c.ons_code}
    by_name = {(c.daira_id, c.name_fr): c for c in existing}
    matched: dict[int, Any] = {}
    to_create: list[Any] = []
    to_update: dict[Any, frozenset[str]] = {}
    for row in rows:
        daira = dairas[(wilayas[row.wilaya_number].pk, row.daira_name_fr)]
        values: dict[str, Any] = {"daira_id": daira.pk, **_names(row, "commune")}
        if row.postal_code:
            values["postal_code"] = row.postal_code
        if row.ons_code:
            values["ons_code"] = row.ons_code
        commune = by_ons.get(row.ons_code) if row.ons_code else None
        if commune is None:
            commune = by_name.get((daira.pk, row.commune_name_fr))
        if commune is not None and commune.pk in matched:
            commune = None  # already claimed by another row through its ONS code
        if commune is None:
            to_create.append(model(**values))
            continue
        matched[commune.pk] = commune
        if changed := _assign(commune, values):
            to_update[commune] = changed

    _check_unique(existing, to_create)
    # Updates first: a renamed commune frees its old name before a new commune takes it.
    _bulk_update(model, using, to_update)
    model.objects.using(using).bulk_create(to_create)
    if any(c.pk is None for c in to_create):
        created_keys = {(c.daira_id, c.name_fr) for c in to_create}
        to_create = [
            c
            for c in model.objects.using(using).filter(daira_id__in={k[0] for k in created_keys})
            if (c.daira_id, c.name_fr) in created_keys
        ]

    counts = report.communes
    counts.created = len(to_create)
    counts.updated = len(to_update)
    counts.unchanged = len(matched) - len(to_update)
    report.created_commune_ids = [c.pk for c in to_create]
    report.updated_commune_ids = [c.pk for c in to_update]
    sheet_wilaya_ids = {w.pk for w in wilayas.values()}
    report.unmentioned_communes = [
        f"{c.daira.wilaya.number:02d} {c.daira.name_fr} / {c.name_fr}"
        + (f" ({c.ons_code})" if c.ons_code else "")
        for c in existing
        if c.pk not in matched and c.daira.wilaya_id in sheet_wilaya_ids
    ]


def _check_unique(existing: Iterable[Any], to_create: Iterable[Any]) -> None:
    """Refuse, before writing, a result that the database constraints would reject."""
    everything = [*existing, *to_create]
    names = Counter((c.daira_id, c.name_fr) for c in everything)
    codes = Counter(c.ons_code for c in everything if c.ons_code)
    clashes = [f"{name} (daïra #{daira_id})" for (daira_id, name), n in names.items() if n > 1]
    clashes += [_("ONS code %s") % code for code, n in codes.items() if n > 1]
    if clashes:
        raise TerritoryConflict(
            _("the sheet would give two communes the same name or code: %s") % ", ".join(clashes)
        )


def read_national_territory() -> list[TerritoryRow]:
    """The shipped national territory: ``communes.csv`` joined with ``ons_codes.csv``."""
    with (DATA_DIR / "communes.csv").open(encoding="utf-8", newline="") as handle:
        result = parse_territory_csv(handle)
    if result.rejections:
        raise ValueError(
            "data/communes.csv is invalid: " + "; ".join(map(str, result.rejections[:5]))
        )
    with (DATA_DIR / "ons_codes.csv").open(encoding="utf-8", newline="") as handle:
        codes = {
            (int(line["wilaya_number"]), line["commune_name_fr"]): line["ons_code"]
            for line in csv.DictReader(handle)
        }
    rows = [
        replace(row, ons_code=codes.pop((row.wilaya_number, row.commune_name_fr), ""))
        for row in result.rows
    ]
    if codes:
        raise ValueError(f"data/ons_codes.csv names unknown communes: {sorted(codes)[:5]}")
    return rows


def load_national_territory(
    *,
    wilaya_model: Any = Wilaya,
    daira_model: Any = Daira,
    commune_model: Any = Commune,
    using: str = DEFAULT_DB_ALIAS,
    notify: bool = True,
) -> ApplyReport:
    """Load (or refresh) the whole country — 69 wilayas, 591 daïras, 1,541 communes — from the
    CSV files shipped in ``data/``. Same parameters as :func:`apply_territory`."""
    return apply_territory(
        read_national_territory(),
        wilaya_model=wilaya_model,
        daira_model=daira_model,
        commune_model=commune_model,
        using=using,
        notify=notify,
    )
