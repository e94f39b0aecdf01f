"""Staff pages of action plans: follow-up, a plan, its timeline, an item and its history, import.

Every list can be downloaded: add ``?format=csv`` or ``?format=xlsx`` to its address.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from baladiya.core.params import whole_number
from baladiya.organisation.scoping import Permission, Scope
from baladiya.organisation.views import agent_required
from baladiya.plans import charts, exports, importer, progress, selectors, services
from baladiya.plans.forms import ImportForm, MeasurementForm, UpdateForm
from baladiya.plans.models import Indicator, ItemKind


@require_GET
@agent_required
def follow_up(request: HttpRequest, scope: Scope) -> HttpResponse:
    """What is late, due soon, without news, below me; my reminders as an owner."""
    data = selectors.follow_up(scope)
    section = request.GET.get("list", "")
    lists = {
        "late": data.late,
        "due": data.due_soon,
        "stale": data.stale,
        "reminders": data.reminders,
    }
    if section in lists:
        response = exports.table_response(
            request.GET.get("format", ""), f"plans-{section}", lists[section]
        )
        if response is not None:
            return response
    return render(
        request,
        "plans/staff/follow_up.html",
        {
            "data": data,
            "plans": selectors.visible_plans(scope),
            "can_import": bool(
                scope.is_platform_admin or scope.structures(Permission.MANAGE_PLANS).exists()
            ),
        },
    )


@require_GET
@agent_required
def plan_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    plan = selectors.plan_for(scope, pk)
    tree = selectors.plan_tree(plan)
    nodes = tree.visible_to(scope)
    response = exports.table_response(request.GET.get("format", ""), f"plan-{plan.slug}", nodes)
    if response is not None:
        return response
    return render(
        request,
        "plans/staff/plan.html",
        {"plan": plan, "tree": tree, "nodes": nodes, "counts": tree.counts(nodes)},
    )


@require_GET
@agent_required
def timeline(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    plan = selectors.plan_for(scope, pk)
    tree = selectors.plan_tree(plan)
    nodes = tree.visible_to(scope)
    raw_root = request.GET.get("item", "")
    root = tree.by_pk.get(whole_number(raw_root, -1))
    if root is not None:  # the timeline of one programme (or any item) and what is below it
        below = {id(n) for n in progress.walk([root])}
        nodes = [n for n in nodes if id(n) in below]
    kind = request.GET.get("kind", "")
    if kind:
        nodes = [n for n in nodes if n.kind == kind]
    response = exports.table_response(request.GET.get("format", ""), f"timeline-{plan.slug}", nodes)
    if response is not None:
        return response
    return render(
        request,
        "plans/staff/timeline.html",
        {
            "plan": plan,
            "nodes": nodes,
            "kind": kind,
            "kinds": ItemKind.choices,
            "root": root if root is not None and any(n is root for n in nodes) else None,
            "gantt": charts.gantt(nodes, tree.today, rtl=get_language_bidi()),
        },
    )


@require_http_methods(["GET", "POST"])
@agent_required
def item_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """An item, its roll-up and its update history; its owner posts an update here."""
    item = selectors.item_for(scope, pk)
    can_report = scope.can(Permission.REPORT_PROGRESS, item.owner_structure)
    form = UpdateForm(initial={"reported_on": timezone.localdate()})
    measure_form = MeasurementForm(initial={"measured_on": timezone.localdate()})
    if request.method == "POST" and "indicator" in request.POST:
        if not can_report:
            raise PermissionDenied
        measure_form = MeasurementForm(request.POST)
        if measure_form.is_valid():
            indicator = get_object_or_404(
                Indicator, pk=measure_form.cleaned_data["indicator"], item=item
            )
            try:
                services.record_measurement(
                    indicator=indicator,
                    actor=request.user,
                    value=measure_form.cleaned_data["value"],
                    measured_on=measure_form.cleaned_data["measured_on"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    measure_form.add_error(field if field in measure_form.fields else None, errors)
            else:
                messages.success(request, _("The measurement is recorded."))
                return redirect("plans:staff-item", pk=item.pk)
    elif request.method == "POST":
        if not can_report:
            raise PermissionDenied
        form = UpdateForm(request.POST, request.FILES)
        if form.is_valid():
            files = [(f.name or "", f) for f in request.FILES.getlist("evidence")]
            try:
                services.post_update(
                    item=item,
                    actor=request.user,
                    progress=form.cleaned_data["progress"],
                    comment=form.cleaned_data["comment"],
                    reported_on=form.cleaned_data["reported_on"],
                    files=files,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Your update is recorded."))
                return redirect("plans:staff-item", pk=item.pk)
    tree = selectors.plan_tree(item.plan)
    node = tree.by_pk[item.pk]
    below = [n for n in tree.nodes if _is_below(n, node)]
    visible_below = [n for n in below if scope.can(Permission.VIEW_PLAN, n.item.owner_structure)]  # type: ignore[attr-defined]
    return render(
        request,
        "plans/staff/item.html",
        {
            "item": item,
            "node": node,
            "below": visible_below,
            "updates": selectors.history(item),
            "indicators": [
                charts.indicator_chart(i, rtl=get_language_bidi())
                for i in selectors.indicators_of([item.pk])
            ],
            "can_report": can_report and not node.children,
            "form": form,
            "measure_form": measure_form,
            "can_measure": can_report,
        },
        status=400 if request.method == "POST" else 200,
    )


def _is_below(candidate: object, ancestor: object) -> bool:
    node = candidate
    for child in getattr(ancestor, "children", []):
        if child is node or _is_below(node, child):
            return True
    return False


@require_GET
@agent_required
def evidence(request: HttpRequest, scope: Scope, pk: int) -> FileResponse:
    record = selectors.evidence_for(scope, pk)
    # as_attachment encodes the uploaded name safely (quotes, non-ASCII) in the header.
    return FileResponse(
        record.file.open("rb"),
        content_type=record.content_type,
        as_attachment=True,
        filename=record.label,
    )


@require_http_methods(["GET", "POST"])
@agent_required
def import_plan(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Import a plan from a sheet; a supervisor or administrator, for structures they manage."""
    owners = list(scope.structures(Permission.MANAGE_PLANS).order_by("path")[:500])
    form = ImportForm(request.POST or None, request.FILES or None)
    form.fields["owner"].choices = [(s.pk, s.name) for s in owners]  # type: ignore[attr-defined]
    errors: list[str] = []
    if request.method == "POST":
        if not owners:
            raise PermissionDenied
        if form.is_valid():
            upload = form.cleaned_data["file"]
            owner = next(s for s in owners if s.pk == form.cleaned_data["owner"])
            try:
                plan = importer.import_plan(
                    actor=request.user,
                    data=importer.read_upload(upload),
                    filename=upload.name,
                    slug=form.cleaned_data["slug"],
                    title_fr=form.cleaned_data["title_fr"],
                    title_ar=form.cleaned_data["title_ar"],
                    title_en=form.cleaned_data["title_en"],
                    owner=owner,
                    is_public=form.cleaned_data["is_public"],
                )
            except importer.ImportFailed as exc:
                errors = exc.errors
            else:
                messages.success(request, _("The plan is imported."))
                return redirect("plans:staff-plan", pk=plan.pk)
    if request.GET.get("format") == "template":
        response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="plan-template.csv"'
        return response
    return render(
        request,
        "plans/staff/import.html",
        {"form": form, "errors": errors, "columns": importer.COLUMNS, "may_import": bool(owners)},
        status=400 if errors or (request.method == "POST") else 200,
    )
