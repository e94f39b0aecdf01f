"""Agents' pages for concerns: inbox, one concern, actions, escalations, counter intake.

Every action calls the case engine's services (``fire``, ``transfer``, ``post_message``) or this
app's; scoping is the case engine's (``Permission.VIEW_CASE`` through ``Scope``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baladiya.cases import selectors as case_selectors
from baladiya.cases import services as case_services
from baladiya.cases.models import Case, Channel
from baladiya.cases.workflow import TRANSITIONS, Kind, Status, TransitionNotAllowed
from baladiya.concerns import selectors, services, suggest
from baladiya.concerns.forms import ConcernForm
from baladiya.concerns.models import Category, Photo
from baladiya.concerns.views import follow_url
from baladiya.organisation.models import Structure
from baladiya.organisation.scoping import Permission, Scope
from baladiya.organisation.views import agent_required


@agent_required
@require_GET
def inbox(request: HttpRequest, scope: Scope) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Status.values:
        status = ""
    rows = selectors.concern_inbox(scope, status=status)[:200]
    return render(
        request,
        "concerns/staff/inbox.html",
        {
            "rows": rows,
            "status": status,
            "statuses": [(s, Status(s).label) for s in selectors.PUBLIC_STATUSES],
        },
    )


@agent_required
@require_GET
def escalated(request: HttpRequest, scope: Scope) -> HttpResponse:
    rows = selectors.escalated_concerns(scope)
    return render(request, "concerns/staff/escalated.html", {"rows": rows})


@agent_required
@require_GET
def detail(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    case = selectors.concern_for(scope, pk)
    can_work = case_services.may_work_on(case, request.user)
    concern = case.concern
    return render(
        request,
        "concerns/staff/detail.html",
        {
            "case": case,
            "concern": concern,
            "can_work": can_work,
            "transitions": case_services.allowed_transitions(case, request.user),
            "events": case_selectors.trail(case, public_only=False),
            "photos": list(concern.photos.all()),
            "categories": list(selectors.categories()),
            "suggestions": suggest.top3(concern.description) if can_work else [],
            "escalation": selectors.escalation_level(case),
            "follow_link": request.build_absolute_uri(follow_url(case)),
            "transfer_targets": _transfer_targets(case) if can_work else [],
        },
    )


def _transfer_targets(case: Case) -> list[Structure]:
    """Structures of the commune and the sector bodies around it."""
    from baladiya.cases.views_staff import transfer_destinations

    return list(transfer_destinations(case))


@agent_required
@require_POST
def action(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    case = selectors.concern_for(scope, pk)
    name = request.POST.get("action", "")
    text = request.POST.get("reason", "")
    try:
        if name in services.ANSWERS:
            services.answer(case=case, actor=request.user, transition=name, public_answer=text)
        elif name in TRANSITIONS and Kind.CONCERN in TRANSITIONS[name].kinds:
            case_services.fire(case=case, name=name, actor=request.user, reason=text)
        elif name == "claim":
            case_services.assign(case=case, actor=request.user, assignee=request.user)
        elif name == "recategorise":
            category = get_object_or_404(Category, pk=request.POST.get("category") or 0)
            services.recategorise(case=case, actor=request.user, category=category)
        elif name == "duplicate":
            original = (
                selectors.concerns()
                .filter(reference=(request.POST.get("original") or "").strip().upper())
                .first()
            )
            if original is None:
                raise ValidationError(_("No concern has this reference."))
            services.merge_duplicate(case=case, original=original, actor=request.user)
        elif name == "transfer":
            target = get_object_or_404(Structure, pk=request.POST.get("to_structure") or 0)
            case_services.transfer(case=case, actor=request.user, to_structure=target, reason=text)
        elif name in {"message", "note"}:
            case_services.post_message(
                case=case, actor=request.user, body=text, internal=name == "note"
            )
        elif name in {"approve_photo", "withdraw_photo"}:
            photo = get_object_or_404(
                Photo, pk=request.POST.get("photo") or 0, concern=case.concern
            )
            services.approve_photo(
                photo=photo, actor=request.user, approved=name == "approve_photo"
            )
        else:
            raise ValidationError(_("Unknown action."))
    except PermissionDenied:
        messages.error(request, _("You may not do this on this concern."))
    except (TransitionNotAllowed, ValidationError) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Done."))
    return redirect("concerns:staff-detail", pk=case.pk)


@agent_required
@require_GET
def photo(request: HttpRequest, scope: Scope, pk: int, photo_id: int) -> FileResponse:
    case = selectors.concern_for(scope, pk)
    item = get_object_or_404(Photo, pk=photo_id, concern=case.concern)
    return FileResponse(item.file.open("rb"), content_type=item.content_type)


@agent_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest, scope: Scope) -> HttpResponse:
    """An agent records a walk-in citizen's concern at the counter."""
    form = ConcernForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            intake = form.submit(actor=request.user, channel=Channel.COUNTER)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Concern %(ref)s recorded. Give the citizen the reference and this link: %(url)s")
                % {
                    "ref": intake.case.reference,
                    "url": request.build_absolute_uri(follow_url(intake.case)),
                },
            )
            if scope.can(Permission.VIEW_CASE, intake.case.handling_structure):
                return redirect("concerns:staff-detail", pk=intake.case.pk)
            return redirect("concerns:counter")
    return render(request, "concerns/staff/counter.html", {"form": form})
