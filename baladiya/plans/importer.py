"""Import a plan from a CSV or XLSX sheet, all or nothing.

One row per item, in this column order (a header row is required; names are case-insensitive):

=============  ==================================================================================
code           unique in the sheet, e.g. ``1``, ``1.2``, ``1.2.3``
parent         code of the parent row (empty for an axis)
kind           ``axis``, ``programme``, ``project`` or ``milestone`` (French ``axe``,
               ``programme``, ``projet``, ``jalon`` accepted)
title_fr       French title (required)
title_ar       Arabic title (required)
title_en       English title (optional)
owner          the owner structure: a commune's ONS code (its APC, e.g. ``0301``), a commune's
               service as ``0301/civil-status`` (its code), or a structure path (``/mi/w03/…/``)
responsible    username of the responsible person (optional)
start          start date, ``YYYY-MM-DD`` or ``DD/MM/YYYY``
due            due date, same formats, not before the start
weight         a number ≥ 0 (optional, default 1)
public         ``yes``/``no`` (also ``oui``/``non``, ``1``/``0``; optional, default yes)
indicator_fr   optional: an indicator of the item, its French name …
indicator_ar   … its Arabic name,
unit           … its unit,
baseline       … its baseline and
target         … its target (numbers)
=============  ==================================================================================

Every row is checked before anything is written; the errors name the row (as numbered in the
sheet, the header being row 1) and the column. The plan and its items are then created in one
transaction, so a failing sheet leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from baladiya.organisation.models import Structure, StructureKind, User
from baladiya.organisation.scoping import Permission, Scope
from baladiya.plans.models import PARENT_KIND, Indicator, ItemKind, Plan, PlanItem

COLUMNS = [
    "code",
    "parent",
    "kind",
    "title_fr",
    "title_ar",
    "title_en",
    "owner",
    "responsible",
    "start",
    "due",
    "weight",
    "public",
    "indicator_fr",
    "indicator_ar",
    "unit",
    "baseline",
    "target",
]
REQUIRED = {"code", "kind", "title_fr", "title_ar", "owner", "start", "due"}
KIND_ALIASES = {
    "axis": ItemKind.AXIS,
    "axe": ItemKind.AXIS,
    "programme": ItemKind.PROGRAMME,
    "program": ItemKind.PROGRAMME,
    "project": ItemKind.PROJECT,
    "projet": ItemKind.PROJECT,
    "action": ItemKind.PROJECT,
    "milestone": ItemKind.MILESTONE,
    "jalon": ItemKind.MILESTONE,
}
TRUE = {"", "yes", "oui", "1", "true", "vrai", "y", "o"}
FALSE = {"no", "non", "0", "false", "faux", "n"}


class ImportFailed(Exception):
    """The sheet was refused; ``errors`` lists what is wrong, row by row."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Row:
    number: int
    values: dict[str, str]
    parsed: dict[str, Any] = field(default_factory=dict)


def read_rows(data: bytes, filename: str) -> list[Row]:
    """Rows of a CSV (UTF-8, comma or semicolon) or XLSX sheet, keyed by lower-case header."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise ImportFailed([_("This file is not a readable XLSX workbook.")]) from exc
        raw = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]  # type: ignore[union-attr]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFailed([_("The CSV file must be encoded in UTF-8.")]) from exc
        dialect = csv.excel
        with contextlib.suppress(csv.Error):
            dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")  # type: ignore[assignment]
        raw = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    if not raw:
        raise ImportFailed([_("The sheet is empty.")])
    header = [h.strip().lower() for h in raw[0]]
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise ImportFailed([_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}])
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        rows.append(
            Row(
                number,
                {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)},
            )
        )
    return rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _date(text: str) -> datetime.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _find_owner(text: str, cache: dict[str, Structure | None]) -> Structure | None:
    if text in cache:
        return cache[text]
    structure: Structure | None
    if text.startswith("/"):
        structure = Structure.objects.filter(
            path=text if text.endswith("/") else text + "/"
        ).first()
    else:
        ons, _sep, service = text.partition("/")
        apc = Structure.objects.filter(kind=StructureKind.COMMUNE, commune__ons_code=ons).first()
        structure = apc if not service or apc is None else apc.children.filter(code=service).first()
    cache[text] = structure
    return structure


def check(rows: list[Row], scope: Scope) -> list[str]:
    """Parse every row into ``row.parsed``; return the errors (empty when the sheet is sound)."""
    errors: list[str] = []
    kinds: dict[str, str] = {}
    owners: dict[str, Structure | None] = {}
    users: dict[str, User | None] = {}

    def fail(row: Row, column: str, message: str) -> None:
        errors.append(
            _("Row %(row)s, column “%(column)s”: %(message)s")
            % {"row": row.number, "column": column, "message": message}
        )

    for row in rows:
        v, p = row.values, row.parsed
        for column in sorted(REQUIRED):
            if not v.get(column):
                fail(row, column, _("a value is required."))
        code = v.get("code", "")
        if code in kinds:
            fail(row, "code", _("the code %(code)s appears twice.") % {"code": code})
        kind = KIND_ALIASES.get(v.get("kind", "").lower())
        if v.get("kind") and kind is None:
            fail(row, "kind", _("unknown kind (axis, programme, project or milestone)."))
        p["kind"] = kind
        if code:
            kinds[code] = kind or ""
        parent = v.get("parent", "")
        if kind is not None:
            expected = PARENT_KIND[kind]
            if expected is None and parent:
                fail(row, "parent", _("an axis has no parent."))
            elif expected is not None:
                if not parent:
                    fail(row, "parent", _("a parent is required for this kind."))
                elif parent not in kinds:
                    fail(
                        row, "parent", _("no earlier row has the code %(code)s.") % {"code": parent}
                    )
                elif kinds[parent] != expected:
                    fail(row, "parent", _("the parent of this kind must be of another kind."))
        start, due = _date(v.get("start", "")), _date(v.get("due", ""))
        if v.get("start") and start is None:
            fail(row, "start", _("not a date (YYYY-MM-DD or DD/MM/YYYY)."))
        if v.get("due") and due is None:
            fail(row, "due", _("not a date (YYYY-MM-DD or DD/MM/YYYY)."))
        if start and due and due < start:
            fail(row, "due", _("the due date is before the start date."))
        p["start"], p["due"] = start, due
        weight = _decimal(v.get("weight") or "1")
        if weight is None or weight < 0:
            fail(row, "weight", _("a number, zero or more, is expected."))
        p["weight"] = weight
        public = (v.get("public") or "").lower()
        if public not in TRUE | FALSE:
            fail(row, "public", _("yes or no is expected."))
        p["public"] = public not in FALSE
        owner_text = v.get("owner", "")
        owner = _find_owner(owner_text, owners) if owner_text else None
        if owner_text and owner is None:
            fail(row, "owner", _("no structure %(owner)s.") % {"owner": owner_text})
        elif owner is not None and not scope.can(Permission.MANAGE_PLANS, owner):
            fail(row, "owner", _("this structure is outside those you manage."))
        p["owner"] = owner
        username = v.get("responsible", "")
        if username:
            if username not in users:
                users[username] = User.objects.filter(username=username, is_active=True).first()
            if users[username] is None:
                fail(row, "responsible", _("no user %(name)s.") % {"name": username})
        p["responsible"] = users.get(username) if username else None
        if v.get("indicator_fr") or v.get("indicator_ar"):
            baseline, target = _decimal(v.get("baseline", "")), _decimal(v.get("target", ""))
            if not (v.get("indicator_fr") and v.get("indicator_ar")):
                fail(row, "indicator_ar", _("an indicator needs its French and Arabic names."))
            if baseline is None:
                fail(row, "baseline", _("a number is expected."))
            if target is None:
                fail(row, "target", _("a number is expected."))
            p["indicator"] = (baseline, target)
    return errors


def import_plan(
    *,
    actor: Any,
    data: bytes,
    filename: str,
    slug: str,
    title_fr: str,
    title_ar: str,
    title_en: str = "",
    owner: Structure,
    is_public: bool = False,
) -> Plan:
    """Create a plan from a sheet, or raise :class:`ImportFailed` having written nothing."""
    scope = Scope.of(actor)
    errors: list[str] = []
    if not scope.can(Permission.MANAGE_PLANS, owner):
        errors.append(_("You do not manage the plan's owner structure."))
    if Plan.objects.filter(slug=slug).exists():
        errors.append(_("A plan with this short name already exists."))
    rows = read_rows(data, filename)
    if not rows:
        errors.append(_("The sheet has no item."))
    errors += check(rows, scope)
    if errors:
        raise ImportFailed(errors)
    with transaction.atomic():
        plan = Plan.objects.create(
            slug=slug,
            title_fr=title_fr,
            title_ar=title_ar,
            title_en=title_en,
            owner_structure=owner,
            is_public=is_public,
            start_date=min(r.parsed["start"] for r in rows),
            due_date=max(r.parsed["due"] for r in rows),
        )
        by_code: dict[str, PlanItem] = {}
        for position, row in enumerate(rows):
            v, p = row.values, row.parsed
            item = PlanItem.objects.create(
                plan=plan,
                parent=by_code.get(v.get("parent", "")),
                kind=p["kind"],
                code=v["code"],
                position=position,
                title_fr=v["title_fr"],
                title_ar=v["title_ar"],
                title_en=v.get("title_en", ""),
                owner_structure=p["owner"],
                responsible=p["responsible"],
                start_date=p["start"],
                due_date=p["due"],
                weight=p["weight"],
                is_public=p["public"],
            )
            by_code[item.code] = item
            if "indicator" in p:
                baseline, target = p["indicator"]
                Indicator.objects.create(
                    item=item,
                    title_fr=v["indicator_fr"],
                    title_ar=v["indicator_ar"],
                    unit=v.get("unit", ""),
                    baseline=baseline,
                    target=target,
                )
    return plan


def template_csv() -> str:
    """An example sheet with every column (offered for download on the import page)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "1",
            "",
            "axis",
            "Guichet citoyen",
            "الشباك المواطن",
            "",
            "0301",
            "",
            "2025-01-01",
            "2026-12-31",
            "1",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    writer.writerow(
        [
            "1.1",
            "1",
            "programme",
            "Guichet unique",
            "الشباك الوحيد",
            "",
            "0301",
            "",
            "2025-01-01",
            "2026-12-31",
            "1",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    writer.writerow(
        [
            "1.1.1",
            "1.1",
            "project",
            "Procédures en ligne",
            "الإجراءات عبر الإنترنت",
            "",
            "0301",
            "",
            "2025-01-01",
            "2026-06-30",
            "2",
            "yes",
            "Procédures en ligne",
            "الإجراءات عبر الإنترنت",
            "",
            "4",
            "20",
        ]
    )
    return out.getvalue()


def read_upload(upload: IO[bytes]) -> bytes:
    upload.seek(0)
    return upload.read()
