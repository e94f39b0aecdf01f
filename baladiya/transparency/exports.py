"""Spreadsheet exports of the supervision dashboard, and where they run.

``xlsx`` builds the file (openpyxl, write-only: constant memory). ``in_background`` is THE one
place that would hand a large export to Celery once ``baladiya/celery.py`` is merged; on this
branch no broker is wired, so exports run inline (they read roll-ups, a few thousand rows).
"""

from __future__ import annotations

import io

from django.conf import settings


def xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Baladiya")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def in_background() -> bool:
    """Whether exports go to a Celery worker (a broker is configured) or run inline."""
    return bool(getattr(settings, "CELERY_BROKER_URL", ""))
