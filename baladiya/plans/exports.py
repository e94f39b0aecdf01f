"""Tables of plan items as CSV, XLSX and JSON: every staff view and the public page export these.

A spreadsheet cell starting with ``=``, ``+``, ``-`` or ``@`` is prefixed with an apostrophe so
that an item title can never run as a formula in the reader's spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from baladiya.plans.progress import Node, Status

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def headers() -> list[str]:
    return [
        _("Code"),
        _("Kind"),
        _("Title"),
        _("Owner"),
        _("Start date"),
        _("Due date"),
        _("Weight"),
        _("Progress (%)"),
        _("Expected by now (%)"),
        _("Status"),
        _("Last update"),
    ]


def row_of(node: Node, *, public: bool = False) -> list[Any]:
    item: Any = node.item
    return [
        item.code,
        item.get_kind_display(),
        str(item.title),
        str(item.owner_structure.name),
        node.start_date.isoformat(),
        node.due_date.isoformat(),
        float(node.weight),
        node.progress_rounded,
        round(node.expected),
        str(Status(node.status).label),
        node.last_update.isoformat() if node.last_update else "",
    ]


def record_of(node: Node) -> dict[str, Any]:
    """A node for the JSON download and the API."""
    item: Any = node.item
    return {
        "id": item.pk,
        "code": item.code,
        "parent_id": item.parent_id,
        "kind": item.kind,
        "title": {"fr": item.title_fr, "ar": item.title_ar, "en": item.title_en},
        "owner": str(item.owner_structure.name),
        "start_date": node.start_date.isoformat(),
        "due_date": node.due_date.isoformat(),
        "weight": float(node.weight),
        "progress": round(node.progress, 1),
        "expected_progress": round(node.expected, 1),
        "status": node.status,
        "last_update": node.last_update.isoformat() if node.last_update else None,
    }


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


def csv_response(filename: str, head: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    out = io.StringIO()
    out.write("\ufeff")  # so that spreadsheet software reads UTF-8 (Arabic titles)
    writer = csv.writer(out)
    writer.writerow(head)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(filename: str, head: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    sheet.append(head)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def table_response(fmt: str, filename: str, nodes: list[Node]) -> HttpResponse | None:
    """The export in ``fmt`` ("csv" or "xlsx"), or None for another value (show the page)."""
    if fmt == "csv":
        return csv_response(filename, headers(), (row_of(n) for n in nodes))
    if fmt == "xlsx":
        return xlsx_response(filename, headers(), (row_of(n) for n in nodes))
    return None
