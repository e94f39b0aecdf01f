"""Spreadsheet exports of supervision tables: built at once when small, else in the background.

A small table (at most ``EXPORTS_INLINE_MAX_ROWS`` rows) is downloaded at once. A larger one
becomes an :class:`~baladiya.transparency.models.Export` row (:func:`request_export`, one
transaction); after commit it goes to a Celery worker through the notifications' dispatcher
(same inline/celery switch, same broker circuit breaker), or runs in this process when there
is no broker. :func:`run` claims the row (``UPDATE … WHERE status='pending'``: one runner),
recomputes the rows with the requester's rights *now* (a right revoked meanwhile does not
leak), writes the file to the default storage, marks it ready and writes an "export ready"
email to the outbox in the same transaction. :func:`sweep` (Celery beat, and the
``deliver_outbox --loop`` of ``make run``) queues what a broker outage left pending, fails rows
stuck running, and deletes expired files.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from baladiya.organisation.scoping import Scope
from baladiya.plans.exports import _safe as neutralise  # THE formula-injection rule
from baladiya.transparency import supervision
from baladiya.transparency.models import Export, ExportFormat, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {ExportFormat.CSV: "text/csv; charset=utf-8", ExportFormat.XLSX: XLSX_TYPE}


def inline_max_rows() -> int:
    return int(getattr(settings, "EXPORTS_INLINE_MAX_ROWS", 200))


def keep_days() -> int:
    """How long a prepared file stays downloadable."""
    return int(getattr(settings, "EXPORTS_KEEP_DAYS", 7))


def running_timeout() -> datetime.timedelta:
    """A row running longer than this was left by a dead worker (exports take seconds)."""
    return datetime.timedelta(minutes=int(getattr(settings, "EXPORTS_RUNNING_TIMEOUT_MINUTES", 30)))


# --- the tables ----------------------------------------------------------------------------

SUPERVISION_COLUMNS = (
    ("wilaya", "Wilaya"),
    ("daira", "Daïra"),
    ("commune", "Commune"),
    ("received", "Received (12 months)"),
    ("decided", "Decided (12 months)"),
    ("open", "Open now"),
    ("overdue", "Overdue now"),
    ("backlog_days", "Oldest open case (days)"),
    ("within_deadline_pct", "Decided within the deadline (%)"),
    ("satisfaction", "Satisfaction (with concerns)"),
)

# No personal data: what a case is and where it stands, never who asked.
OVERDUE_COLUMNS = (
    ("reference", "Reference"),
    ("procedure", "Procedure"),
    ("handled_by", "Handled by"),
    ("submitted", "Submitted on"),
    ("due_date", "Due date"),
    ("days_late", "Days past the due date"),
    ("status", "Status"),
)


def supervision_values(rows: Iterable[supervision.CommuneRow]) -> Iterator[list[object]]:
    for r in rows:
        yield [
            r.wilaya_name,
            r.daira_name,
            r.name,
            r.received,
            r.decided,
            r.open,
            r.overdue,
            r.backlog_days,
            r.within_deadline_pct,
            r.satisfaction,
        ]


def _overdue_values(cases: Iterable[Any]) -> Iterator[list[object]]:
    today = timezone.localdate()
    for case in cases:
        yield [
            case.reference,
            str(case.procedure.name) if case.procedure_id else "",
            str(case.handling_structure.name) if case.handling_structure_id else "",
            timezone.localtime(case.submitted_at).date().isoformat() if case.submitted_at else "",
            case.due_date.isoformat() if case.due_date else "",
            (today - case.due_date).days if case.due_date else "",
            str(case.get_status_display()),
        ]


class Table:
    """What an export contains, computed for one scope: header, row count, rows (lazily)."""

    def __init__(self, header: list[str], count: int, rows: Iterable[list[object]]) -> None:
        self.header, self.count, self.rows = header, count, rows


def table(kind: str, scope: Scope, params: dict[str, Any]) -> Table:
    """The table of ``kind`` as ``scope`` may see it; PermissionDenied or Http404 otherwise."""
    if not supervision.may_supervise(scope):
        raise PermissionDenied
    if kind == ExportKind.SUPERVISION:
        communes = supervision.rows(scope, sort=str(params.get("sort", "name")))
        header = [label for _key, label in SUPERVISION_COLUMNS]
        return Table(header, len(communes), supervision_values(communes))
    if kind == ExportKind.OVERDUE:
        commune_id = int(params.get("commune", 0))
        if not supervision.supervised_communes(scope).filter(pk=commune_id).exists():
            raise Http404
        cases = supervision.overdue_cases(scope, commune_id)
        header = [label for _key, label in OVERDUE_COLUMNS]
        # iterator(): a wilaya's backlog is streamed to the file, never held in memory.
        return Table(header, cases.count(), _overdue_values(cases.iterator(chunk_size=2000)))
    raise Http404


def title(kind: str, params: dict[str, Any], names: dict[int, str] | None = None) -> str:
    """The export's name in the list and the email (active language). ``names``: commune
    names already read (a list of exports reads them in one query)."""
    if kind == ExportKind.OVERDUE:
        commune_id = int(params.get("commune", 0))
        if names is None:
            names = commune_names([commune_id])
        return _("Overdue cases — %(commune)s") % {"commune": names.get(commune_id, "?")}
    return _("Supervision: communes side by side")


def commune_names(ids: Iterable[int]) -> dict[int, str]:
    from baladiya.territory.models import Commune

    return {c.pk: c.name for c in Commune.objects.filter(pk__in=set(ids))}


def still_allowed(export: Export, scope: Scope) -> bool:
    """Whether the requester may still see what the file holds (checked at each download)."""
    if not supervision.may_supervise(scope):
        return False
    if export.kind == ExportKind.OVERDUE:
        commune_id = int(export.params.get("commune", 0))
        return supervision.supervised_communes(scope).filter(pk=commune_id).exists()
    made_for = export.params.get("reach")  # recorded by run(); absent from older files
    return made_for is None or supervision.covers(scope, made_for)


def filename(kind: str, fmt: str, params: dict[str, Any], day: datetime.date | None = None) -> str:
    """ASCII only: safe in a Content-Disposition header and on every file system."""
    stem = f"overdue-{int(params.get('commune', 0))}" if kind == ExportKind.OVERDUE else kind
    return f"baladiya-{stem}-{day or timezone.localdate():%Y%m%d}.{fmt}"


# --- writing files -------------------------------------------------------------------------


def write(fmt: str, header: list[str], rows: Iterable[list[object]], out: IO[bytes]) -> int:
    """Write the table to ``out`` (CSV: UTF-8 with a BOM, as plans exports, for spreadsheet
    software to read Arabic; XLSX: write-only, constant memory). Returns the number of rows."""
    count = 0
    if fmt == ExportFormat.CSV:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralise(v) for v in row])
            count += 1
        text.flush()
        text.detach()  # leave ``out`` open for the caller
        return count
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Baladiya")
    sheet.append(header)
    for row in rows:
        sheet.append([neutralise(v) for v in row])
        count += 1
    book.save(out)
    return count


def xlsx(header: list[str], rows: Iterable[list[object]]) -> bytes:
    buffer = io.BytesIO()
    write(ExportFormat.XLSX, header, rows, buffer)
    return buffer.getvalue()


def download(fmt: str, name: str, content: Table) -> HttpResponse:
    """A small table, downloaded at once."""
    buffer = io.BytesIO()
    write(fmt, content.header, content.rows, buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES[ExportFormat(fmt)])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the background path -------------------------------------------------------------------


def request_export(*, user: Any, kind: str, fmt: str, params: dict[str, Any]) -> Export:
    """Record the request and hand it to a worker after commit. Asking twice for the same table
    while the first is still waiting returns the first (a double click is one export)."""
    if kind not in ExportKind.values or fmt not in ExportFormat.values:
        raise ValueError(f"unknown export {kind}.{fmt}")
    with transaction.atomic():
        waiting = Export.objects.filter(
            requested_by=user,
            kind=kind,
            format=fmt,
            params=params,
            status__in=[ExportStatus.PENDING, ExportStatus.RUNNING],
        ).first()
        if waiting is not None:
            return waiting
        export = Export.objects.create(
            requested_by=user,
            kind=kind,
            format=fmt,
            params=params,
            language=_staff_language(translation.get_language() or "fr"),
        )
        transaction.on_commit(lambda: enqueue(export.pk))
    return export


def _staff_language(language: str) -> str:
    # Staff pages are offered in ar, fr and en; Kabyle readers get French (as staff messages).
    return language if language in ("ar", "fr", "en") else "fr"


def enqueue(export_id: int) -> None:
    """To a Celery worker when there is a broker; else in this process, now. If the broker is
    down the row stays pending and the sweep queues it later: nothing is lost."""
    from baladiya.notifications import dispatch

    if dispatch.uses_celery():
        from baladiya.transparency.tasks import run_export

        dispatch.submit(run_export, export_id)
    else:
        run(export_id)


# Stored in English (the msgid) and translated when shown: the row outlives the language of
# the moment, and the log keeps the technical detail.
ERRORS = {
    "refused": gettext_noop("You may no longer see this table."),
    "crashed": gettext_noop("The export could not be prepared. Ask for it again later."),
    "interrupted": gettext_noop("Interrupted while being prepared: ask for it again."),
}


def _claim(export_id: int) -> bool:
    now = timezone.now()
    return bool(
        Export.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
            status=ExportStatus.RUNNING, started_at=now
        )
    )


def run(export_id: int) -> str:
    """Build one export, once. Returns its status afterwards ("skipped" if not ours to run)."""
    if not _claim(export_id):
        return "skipped"
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    user = export.requested_by
    name = ""
    try:
        if not user.is_active:
            raise PermissionDenied
        # A fresh scope from the database: the rights of now, not of the request; names and
        # statuses in the language the file was asked in (a worker's own is Arabic).
        with (
            translation.override(export.language or settings.LANGUAGE_CODE),
            tempfile.TemporaryFile() as out,
        ):
            scope = Scope(user)
            content = table(export.kind, scope, export.params)
            count = write(export.format, content.header, content.rows, out)
            out.seek(0)
            stored = (
                f"exports/{uuid.uuid4().hex}/{filename(export.kind, export.format, export.params)}"
            )
            name = default_storage.save(stored, File(out))
    except (PermissionDenied, Http404):
        return _fail(export, ERRORS["refused"])
    except Exception:  # a bug or a storage outage: say so, the user may ask again
        logger.exception("export %s failed", export_id)
        return _fail(export, ERRORS["crashed"])
    now = timezone.now()
    with transaction.atomic():
        params = {**export.params, "reach": supervision.reach(scope)}
        done = Export.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(
            status=ExportStatus.READY,
            params=params,
            file=name,
            row_count=count,
            finished_at=now,
            expires_at=now + datetime.timedelta(days=keep_days()),
            error="",
        )
        if not done:  # the sweep judged us dead meanwhile: keep its verdict, drop the file
            transaction.on_commit(lambda: default_storage.delete(name))
            return "failed"
        # The row as just written (the requester is already loaded: no re-read).
        export.status, export.file.name, export.row_count = ExportStatus.READY, name, count
        export.params = params
        export.finished_at, export.expires_at = now, now + datetime.timedelta(days=keep_days())
        _notify(export)
    return ExportStatus.READY


def _fail(export: Export, error: str) -> str:
    """Mark the export failed with ``error`` (a gettext_noop of ERRORS) and tell the requester,
    unless the sweep already did."""
    with transaction.atomic():
        failed = Export.objects.filter(pk=export.pk, status=ExportStatus.RUNNING).update(
            status=ExportStatus.FAILED, error=error[:300], finished_at=timezone.now()
        )
        if failed:
            _notify(export, error=error)
    return ExportStatus.FAILED


def _notify(export: Export, error: str = "") -> None:
    """An email to the requester, through the outbox (written in this transaction): the file
    is ready, or (``error``) it could not be prepared and why."""
    from baladiya.notifications.models import Channel
    from baladiya.notifications.services import save_to_outbox, staff_rows

    user = export.requested_by
    base = settings.BALADIYA_PUBLIC_URL.rstrip("/")
    with translation.override(export.language):
        context = {"export": title(export.kind, export.params)[:120], "days": str(keep_days())}
        if error:
            kind, key = "export_failed", f"export-failed:{export.pk}"
            context["link"] = base + reverse("transparency:exports")
            context["reason"] = translation.gettext(error)
        else:
            kind, key = "export_ready", f"export:{export.pk}"
            context["link"] = base + reverse(
                "transparency:export-download", kwargs={"pk": export.pk}
            )
    rows = [
        row
        for row in staff_rows(kind=kind, key=key, users=[user], context=context)
        if row.channel == Channel.EMAIL  # a link is for a screen, not an SMS
    ]
    for row in rows:
        row.language = export.language
    save_to_outbox(rows)


def sweep(now: datetime.datetime | None = None) -> int:
    """Repair what outages left behind. Safe to run anywhere, any number of times.

    - rows pending for more than a minute (a broker outage, a crash before the hand-over) are
      queued again, or run here without a broker;
    - rows running past the timeout are failed with a clear error and an email (the user asks
      again), a hundred a sweep;
    - files past their expiry are deleted (the row stays, saying it expired).
    Returns how many pending rows were handed on.
    """
    now = now or timezone.now()
    stuck = list(
        Export.objects.filter(
            status=ExportStatus.RUNNING, started_at__lt=now - running_timeout()
        ).select_related("requested_by")[:100]
    )
    for export in stuck:
        _fail(export, ERRORS["interrupted"])
    if stuck:
        logger.warning("%s export(s) interrupted while running, marked failed", len(stuck))
    for export in Export.objects.filter(status=ExportStatus.READY, expires_at__lt=now).exclude(
        file=""
    ):
        default_storage.delete(export.file.name)
        Export.objects.filter(pk=export.pk).update(file="")
    waiting = list(
        Export.objects.filter(
            status=ExportStatus.PENDING, created_at__lt=now - datetime.timedelta(minutes=1)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:100]
    )
    for pk in waiting:
        enqueue(pk)
    return len(waiting)
