"""Staff exports: the offer to prepare a large table, "My exports", and the download.

Thin: the tables, the background run and the rules are in ``transparency.exports``. An export
belongs to whoever asked for it: anybody else gets a 404, exactly as for a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from baladiya.core.params import whole_number
from baladiya.organisation.scoping import Scope
from baladiya.organisation.views import agent_required
from baladiya.transparency import exports, supervision
from baladiya.transparency.models import Export, ExportFormat, ExportKind, ExportStatus


def export_or_offer(
    request: HttpRequest, scope: Scope, *, kind: str, fmt: str, params: dict[str, Any]
) -> HttpResponse:
    """The file at once when the table is small; else a page offering to prepare it (a POST:
    following a link, or a prefetch, never starts work)."""
    content = exports.table(kind, scope, params)
    if content.count <= exports.inline_max_rows():
        return exports.download(fmt, exports.filename(kind, fmt, params), content)
    return render(
        request,
        "transparency/export_request.html",
        {
            "kind": kind,
            "format": fmt,
            "format_label": ExportFormat(fmt).label,
            "params": params,
            "count": content.count,
            "title": exports.title(kind, params),
        },
    )


def _params(request: HttpRequest, kind: str) -> dict[str, Any]:
    if kind == ExportKind.OVERDUE:
        commune = whole_number(request.POST.get("commune"))
        if commune is None:
            raise Http404
        return {"commune": commune}
    sort = request.POST.get("sort", "name")
    return {"sort": sort if sort.lstrip("-") in supervision.SORTS else "name"}


@require_POST
@agent_required
def export_request(request: HttpRequest, scope: Scope) -> HttpResponse:
    if not supervision.may_supervise(scope):
        raise PermissionDenied
    kind, fmt = request.POST.get("kind", ""), request.POST.get("format", "")
    if kind not in ExportKind.values or fmt not in ExportFormat.values:
        raise Http404
    params = _params(request, kind)
    if kind == ExportKind.OVERDUE and not (
        supervision.supervised_communes(scope).filter(pk=params["commune"]).exists()
    ):
        raise Http404
    exports.request_export(user=request.user, kind=kind, fmt=fmt, params=params)
    messages.success(
        request, _("Your export is being prepared. You will receive an email when it is ready.")
    )
    return redirect("transparency:exports")


@require_GET
@agent_required
def export_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    mine = list(Export.objects.filter(requested_by_id=request.user.pk)[:50])
    now = timezone.now()
    names = exports.commune_names(
        int(e.params.get("commune", 0)) for e in mine if e.kind == ExportKind.OVERDUE
    )
    for export in mine:
        export.title = exports.title(export.kind, export.params, names)  # type: ignore[attr-defined]
        export.error_text = _(export.error) if export.error else ""  # type: ignore[attr-defined]
        export.expired = bool(export.expires_at and export.expires_at <= now)  # type: ignore[attr-defined]
    waiting = any(e.status in (ExportStatus.PENDING, ExportStatus.RUNNING) for e in mine)
    return render(
        request,
        "transparency/export_list.html",
        {"exports": mine, "waiting": waiting, "Status": ExportStatus},
    )


@require_GET
@agent_required
def export_download(request: HttpRequest, scope: Scope, pk: int) -> HttpResponseBase:
    export = Export.objects.filter(pk=pk, requested_by_id=request.user.pk).first()
    # Someone else's export, one not ready, or a requester who lost the right since: a 404,
    # whatever the reason, so that nothing is learnt about exports that are not yours.
    if (
        export is None
        or export.status != ExportStatus.READY
        or not exports.still_allowed(export, scope)
    ):
        raise Http404
    if not export.file or (export.expires_at and export.expires_at <= timezone.now()):
        return render(request, "transparency/export_expired.html", {"export": export}, status=410)
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        return render(request, "transparency/export_expired.html", {"export": export}, status=410)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=exports.filename(
            export.kind,
            export.format,
            export.params,
            timezone.localtime(export.finished_at).date() if export.finished_at else None,
        ),
        content_type=exports.CONTENT_TYPES[ExportFormat(export.format)],
    )
    response["Cache-Control"] = "private, no-store"
    return response
