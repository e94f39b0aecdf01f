"""The back office: an agent's inbox, the case page, counter filing, opinions.

Views parse input and call services and selectors; what an agent may see is the scoping
layer's answer, and what they may do is the state machine's.
"""

from __future__ import annotations

import datetime
import functools
from html import escape as _escape
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from baladiya.cases import selectors, services
from baladiya.cases.models import Case, CaseDocument, Channel, OpinionRequest
from baladiya.cases.workflow import (
    OPEN_STATUSES,
    PROCEDURE_STATUSES,
    TRANSITIONS,
    Status,
    TransitionNotAllowed,
)
from baladiya.catalogue.form_engine import answers_for_display, build_form
from baladiya.catalogue.models import Procedure
from baladiya.catalogue.selectors import (
    current_form_version,
    kept_published_procedures,
    published_procedures,
)
from baladiya.catalogue.text import LANGUAGES
from baladiya.core import html, memo, pickers
from baladiya.core.params import whole_number
from baladiya.organisation.models import Structure, StructureKind
from baladiya.organisation.scoping import Permission, Scope
from baladiya.organisation.views import agent_required
from baladiya.territory.selectors import pilot_communes


@require_GET
@agent_required
def inbox(request: HttpRequest, scope: Scope) -> HttpResponse:
    tab = request.GET.get("tab", selectors.Tab.MINE)
    if tab not in selectors.Tab.CHOICES:
        tab = selectors.Tab.MINE
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    search = request.GET.get("q", "").strip()[:100]
    raw_procedure = request.GET.get("procedure", "")
    procedure_id = whole_number(raw_procedure)
    page = selectors.inbox_page(
        scope,
        tab=tab,
        status=status,
        procedure_id=procedure_id,
        search=search,
        page=request.GET.get("page"),
    )
    return render(
        request,
        "cases/staff/inbox.html",
        {
            "page": page,
            "tab": tab,
            "query": search,
            "status_options": _status_options(status),
            "procedure_options": _procedure_options(procedure_id),
            "rows": _inbox_rows(page.object_list),
            "tab_links": _tab_links(tab, page.tab_counts),
        },
    )


def _tab_links(current: str, counts: dict[str, selectors.BoundedCount]) -> SafeString:
    """The inbox's tabs, the current one marked; "mine" and "unassigned" show their count."""
    tabs = [
        (selectors.Tab.MINE, _("Assigned to me"), f" ({counts[selectors.Tab.MINE]})"),
        (
            selectors.Tab.UNASSIGNED,
            _("Unassigned in my structures"),
            f" ({counts[selectors.Tab.UNASSIGNED]})",
        ),
        (selectors.Tab.WAITING, _("Waiting on others"), ""),
        (selectors.Tab.ALL, _("All"), ""),
    ]
    return mark_safe(  # noqa: S308 - each link built by format_html
        "".join(
            html.format_html(
                '\n    <li><a href="?tab={}"{}>{}{}</a></li>',
                value,
                _CURRENT if value == current else "",
                label,
                count,
            )
            for value, label, count in tabs
        )
    )


def _status_options(selected: str) -> SafeString:
    """The status filter's ``<option>`` elements (a case's statuses, the selected one marked):
    the same for every page with this language and choice, so built once for them."""
    return _status_options_in(get_language(), selected)


@functools.lru_cache(maxsize=256)
def _status_options_in(language: str | None, selected: str) -> SafeString:
    return mark_safe(  # noqa: S308 - each option built by format_html
        "".join(
            html.format_html(
                '<option value="{}"{}>{}</option>',
                value,
                _SELECTED if value == selected else "",
                label,
            )
            for value, label in Status.choices
            if value in PROCEDURE_STATUSES
        )
    )


_CURRENT = mark_safe(' aria-current="page"')
_SELECTED = mark_safe(" selected")


# One inbox row, every text escaped (see _inbox_rows), rather than a template loop: for 25 rows
# the loop cost more than the query that found them, and escaping the numbers and the constant
# parts too was most of what was left.
_ROW = (
    '<tr{}><td><input type="checkbox" name="case" value="{}" id="select-{}" aria-label="{}"></td>'
    '<td><a href="{}" dir="ltr">{}</a></td><td>{}</td><td>{}</td>'
    '<td><span class="status status-{}">{}</span>{}</td><td>{}</td><td>{}</td></tr>\n'
)
_OVERDUE_ROW = mark_safe(' class="overdue"')


def _inbox_rows(cases: list[selectors.InboxRow]) -> SafeString:
    """The inbox's table rows (cases/staff/inbox.html shows the columns' headings).

    One reverse() and one table of status labels serve every row."""
    # The links differ only by pk: "/fr/staff/cases/0/" → "/fr/staff/cases/".
    prefix = reverse("cases:staff-case", kwargs={"pk": 0})[:-2]
    # get_status_display() rebuilds and translates the whole choices table at every call.
    labels = {value: html.escape(label) for value, label in Status.choices}
    overdue = format_html(' <span class="badge badge-late">{}</span>', _("Overdue"))
    due_soon = format_html(' <span class="badge badge-soon">{}</span>', _("Due soon"))
    select = _("Select %(reference)s")
    names = procedure_names()
    language = get_language()
    link = html.escape(prefix)
    rows = []
    for case in cases:
        late = case.is_overdue
        badge = overdue if late else due_soon if case.is_due_soon else ""
        # Every text escaped; the pk is an integer, the status one of Status's values (its
        # label was found), the badge safe HTML built above.
        rows.append(
            _ROW.format(
                _OVERDUE_ROW if late else "",
                int(case.pk),
                int(case.pk),
                _escape(select % {"reference": case.reference}),
                f"{link}{int(case.pk)}/",
                _escape(case.reference),
                _escape(names.get(case.procedure_id or 0, "")),
                _escape(case.applicant_name),
                case.status,
                labels[case.status],
                badge,
                _escape(_short_date(language, case.due_date)) if case.due_date else "—",
                _escape(case.assignee or "—"),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every text in each row escaped above


@functools.lru_cache(maxsize=4096)
def _short_date(language: str | None, day: datetime.date) -> str:
    """A due date as the reader's language writes it, for ``language`` (the active one).

    ``date_format`` costs ~10 µs a call, most of the inbox's row building; the days due across
    the inboxes of a process are few."""
    return date_format(day, "SHORT_DATE_FORMAT")


def _procedure_options(selected: int | None) -> SafeString:
    """The procedure filter's ``<option>`` elements, ``selected`` marked."""
    procedures = kept_published_procedures()
    current = next((p for p in procedures if p.pk == selected), None)
    return pickers.options("procedures", procedures, current)


def procedure_names() -> dict[int, str]:
    """Every procedure's name in the reader's language (an inbox still lists the cases of a
    withdrawn procedure), kept like the other reference data: a page never joins the catalogue
    for a name."""
    fields = [f"name_{code}" for code in LANGUAGES]
    return memo.memoised(  # type: ignore[no-any-return]
        ("cases", "procedure-names", get_language()),
        lambda: {p.pk: str(p.name) for p in Procedure.objects.only(*fields)},
    )


@require_POST
@agent_required
def bulk_action(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Claim or receive several cases at once; each goes through the same services."""
    action = request.POST.get("action")
    ids = [n for i in request.POST.getlist("case") if (n := whole_number(i)) is not None][:100]
    done = 0
    for case in (
        selectors.visible_cases(scope).filter(pk__in=ids).select_related("handling_structure")
    ):
        try:
            if action == "claim":
                services.assign(case=case, actor=request.user, assignee=request.user)
            elif action == "receive":
                services.fire(case=case, name="receive", actor=request.user)
            else:
                break
            done += 1
        except (PermissionDenied, TransitionNotAllowed, ValidationError):
            continue
    messages.success(
        request, _("%(done)d of %(total)d cases updated.") % {"done": done, "total": len(ids)}
    )
    return redirect(request.POST.get("next") or "cases:inbox")


def _case_context(request: HttpRequest, scope: Scope, case: Case) -> dict:
    transitions = services.allowed_transitions(case, request.user)
    can_work = services.may_work_on(case, request.user)
    transfer_targets = (
        transfer_destinations(case) if can_work and case.status in OPEN_STATUSES else []
    )
    return {
        "case": case,
        "answers": answers_for_display(case.form_version, case.answers),
        "documents": list(case.documents.order_by("created_at")),
        "events": list(selectors.trail(case, public_only=False)),
        "opinions": list(case.opinions.select_related("to_structure", "answered_by")),
        "transitions": transitions,
        "transfer_targets": transfer_targets,
        "can_work": can_work,
    }


def transfer_destinations(case: Case) -> list[Structure]:
    """Where a case may go: up the chain (daïra, wilaya, ministry) or to another sector's body."""
    handling = case.handling_structure
    parts = handling.path.strip("/").split("/")
    ancestors = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    commune_structure = case.owner_structure
    return list(
        Structure.objects.filter(
            Q(
                path__in=ancestors,
                kind__in=[StructureKind.DAIRA, StructureKind.WILAYA, StructureKind.MINISTRY],
            )
            | Q(
                parent__path__in=ancestors,
                kind__in=[StructureKind.SERVICE, StructureKind.SECTOR_BODY],
            )
        )
        .exclude(pk__in=[handling.pk, commune_structure.pk])
        .order_by("depth", "name_fr")[:40]
    )


@require_GET
@agent_required
def case_detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    case = selectors.case_for(scope, pk)
    return render(request, "cases/staff/case_detail.html", _case_context(request, scope, case))


@require_POST
@agent_required
def case_action(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    case = selectors.case_for(scope, pk)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    try:
        if action in TRANSITIONS:
            services.fire(case=case, name=action, actor=request.user, reason=reason)
            messages.success(
                request, _("Done: %(action)s.") % {"action": TRANSITIONS[action].label}
            )
        elif action == "claim":
            services.assign(case=case, actor=request.user, assignee=request.user)
            messages.success(request, _("The case is assigned to you."))
        elif action == "transfer":
            target = get_object_or_404(Structure, pk=request.POST.get("to_structure") or 0)
            if target not in transfer_destinations(case):
                raise ValidationError(_("This structure cannot receive the case."))
            services.transfer(case=case, actor=request.user, to_structure=target, reason=reason)
            messages.success(request, _("The case was transferred."))
            if not Scope.of(request.user).can_any(
                Permission.VIEW_CASE, (target, case.owner_structure)
            ):
                return redirect("cases:inbox")
        elif action == "opinion":
            target = get_object_or_404(Structure, pk=request.POST.get("to_structure") or 0)
            services.request_opinion(
                case=case, actor=request.user, to_structure=target, question=reason
            )
            messages.success(request, _("The opinion was requested."))
        elif action in {"message", "note"}:
            services.post_message(
                case=case, actor=request.user, body=reason, internal=action == "note"
            )
            messages.success(request, _("Message recorded."))
        elif action == "issue_document":
            from baladiya.cases.documents import issue_attestation

            issue_attestation(case=case, actor=request.user)
            messages.success(request, _("The document was issued."))
        else:
            raise ValidationError(_("Unknown action."))
    except PermissionDenied:
        messages.error(request, _("Your role does not allow this action on this case."))
    except TransitionNotAllowed:
        messages.error(request, _("This action is not possible in the case's current state."))
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    return redirect("cases:staff-case", pk=case.pk)


@require_GET
@agent_required
def staff_document(request: HttpRequest, scope: Scope, pk: int, document_id: int) -> FileResponse:
    case = selectors.case_for(scope, pk)
    document = get_object_or_404(CaseDocument, pk=document_id, case=case)
    return _file_response(document)


def _file_response(document: CaseDocument) -> FileResponse:
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{document.case.reference}-{document.pk}"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@agent_required
def counter_new(request: HttpRequest, scope: Scope) -> HttpResponse:
    """File a case at the counter for a walk-in citizen: first pick the procedure."""
    procedures = published_procedures()
    communes = pilot_communes()
    if request.method == "POST":
        slug = request.POST.get("procedure", "")
        commune = request.POST.get("commune", "")
        if slug and whole_number(commune) is not None:
            return redirect(f"{request.path}{slug}/?commune={commune}")
        messages.error(request, _("Choose a procedure and a commune."))
    return render(
        request, "cases/staff/counter_new.html", {"procedures": procedures, "communes": communes}
    )


@agent_required
def counter_form(request: HttpRequest, scope: Scope, slug: str) -> HttpResponse:
    """The procedure's form, filled by the agent with the citizen, then submitted at once."""
    from baladiya.catalogue.selectors import procedure_by_slug
    from baladiya.territory.models import Commune

    procedure = procedure_by_slug(slug)
    version = _form_version_of(procedure)
    commune = get_object_or_404(
        Commune, pk=request.GET.get("commune") or request.POST.get("commune") or 0
    )
    form = build_form(version, request.POST or None, request.FILES or None)
    contact_errors: dict[str, str] = {}
    if request.method == "POST" and not form.is_layout_change:
        name = request.POST.get("applicant_name", "").strip()
        phone = request.POST.get("applicant_phone", "").strip()
        if not name:
            contact_errors["applicant_name"] = _("Enter the citizen's name.")
        normalised_phone = services.normalise_phone(phone) if phone else ""
        if phone and not normalised_phone:
            contact_errors["applicant_phone"] = _(
                "Enter an Algerian phone number, e.g. 0661 23 45 67."
            )
        if form.is_valid() and not contact_errors:
            case = services.create_draft(
                procedure=procedure,
                form_version=version,
                commune_id=commune.pk,
                applicant=None,
                applicant_name=name,
                applicant_phone=normalised_phone,
                language=request.POST.get("language", "ar")[:8],
                channel=Channel.COUNTER,
                filed_by=request.user,
                answers=form.cleaned_answers(),
            )
            case, claim_code = services.submit(case=case, actor=request.user)
            services.attach_files(case=case, actor=request.user, files=form.cleaned_files())
            services.after_submission(case=case)
            request.session[f"claim_code_{case.pk}"] = claim_code
            return redirect("cases:receipt", reference=case.reference)
    return render(
        request,
        "cases/staff/counter_form.html",
        {
            "procedure": procedure,
            "form": form,
            "commune": commune,
            "contact_errors": contact_errors,
            "values": request.POST,
        },
    )


@require_GET
@agent_required
def opinions(request: HttpRequest, scope: Scope) -> HttpResponse:
    """Opinions (avis) other structures asked of mine."""
    pending = scope.filter(
        OpinionRequest.objects.filter(answered_at__isnull=True),
        Permission.VIEW_STRUCTURE,
        "to_structure",
    ).select_related("case", "case__procedure", "from_structure", "to_structure")
    return render(
        request, "cases/staff/opinions.html", {"opinions": pending.order_by("due_date")[:100]}
    )


@require_POST
@agent_required
def answer_opinion(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    opinion = scope.get_or_404(
        OpinionRequest.objects.select_related("case"),
        Permission.VIEW_STRUCTURE,
        "to_structure",
        pk=pk,
    )
    try:
        services.answer_opinion(
            opinion=opinion,
            actor=request.user,
            answer=request.POST.get("answer", ""),
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, _("Your opinion was sent."))
    except ValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.messages))
    return redirect("cases:opinions")


def _form_version_of(procedure: Any) -> Any:
    """The procedure's published form, or a 404 when it has none (yet)."""
    version = current_form_version(procedure)
    if version is None:
        raise Http404
    return version
