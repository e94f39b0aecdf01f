"""The citizen's side: apply online (draft, resume, submit), my cases, receipts, follow-up.

Every page works without JavaScript. Public pages (status look-up, document verification)
reveal nothing without the reference and a second factor.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from baladiya.cases import selectors, services
from baladiya.cases.models import Case, CaseDocument
from baladiya.cases.workflow import Kind, Status, TransitionNotAllowed
from baladiya.catalogue.form_engine import answers_for_display, build_form
from baladiya.catalogue.selectors import current_form_version, procedure_by_slug
from baladiya.core import pagecache
from baladiya.core.params import whole_number
from baladiya.territory.models import Commune
from baladiya.territory.selectors import pilot_communes

STATUS_SIGNER = "baladiya.cases.status"
LOOKUP_LIMIT = 10  # attempts per client per 10 minutes
LOOKUP_WINDOW = 600


def status_token(case: Case) -> str:
    """What the receipt's QR code carries: a signed reference, so scanning needs no typing."""
    return signing.dumps(case.reference, salt=STATUS_SIGNER, compress=True)


def status_url(case: Case) -> str:
    return reverse("cases:status-token", kwargs={"token": status_token(case)})


def _commune_choice(request: HttpRequest) -> Commune | None:
    raw = request.POST.get("commune") or request.GET.get("commune") or ""
    return (
        Commune.objects.filter(pk=whole_number(raw, 0)).select_related("daira__wilaya").first()
        if whole_number(raw) is not None
        else None
    )


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    """Start (or resume, with ?draft=) a case online; save as draft or submit."""
    procedure = procedure_by_slug(slug)
    if not procedure.available_online:
        raise Http404
    draft: Case | None = None
    draft_id = request.GET.get("draft") or request.POST.get("draft")
    if whole_number(draft_id) is not None:
        draft = get_object_or_404(Case, pk=draft_id, applicant=request.user, status=Status.DRAFT)
    version = draft.form_version if draft else _form_version_of(procedure)
    commune = _commune_choice(request) or (draft.commune if draft else None)
    initial = draft.answers if draft else None
    form = build_form(version, request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and not form.is_layout_change:
        if commune is None:
            messages.error(request, _("Choose the commune where you file this request."))
        elif "save_draft" in request.POST:
            answers = form.draft_answers()
            if draft is None:
                draft = _start_draft(request, procedure, version, commune, answers)
            else:
                services.save_draft(case=draft, actor=request.user, answers=answers)
            messages.success(
                request, _("Your draft is saved. You can finish it later from “My cases”.")
            )
            return redirect("cases:my-cases")
        elif form.is_valid():
            if draft is None:
                draft = _start_draft(request, procedure, version, commune, {})
            case, _code = services.submit(
                case=draft, actor=request.user, answers=form.cleaned_answers()
            )
            services.attach_files(case=case, actor=request.user, files=form.cleaned_files())
            services.after_submission(case=case)
            return redirect("cases:receipt", reference=case.reference)
    return render(
        request,
        "cases/apply.html",
        {
            "procedure": procedure,
            "form": form,
            "draft": draft,
            "commune": commune,
            "communes": pilot_communes(),
        },
    )


def _start_draft(
    request: HttpRequest, procedure: Any, version: Any, commune: Commune, answers: dict
) -> Case:
    """A citizen's new case, with their contact details from their account."""
    user = _user(request)
    return services.create_draft(
        procedure=procedure,
        form_version=version,
        commune_id=commune.pk,
        applicant=user,
        applicant_name=user.get_full_name() or user.get_username(),
        applicant_phone=getattr(user, "phone", ""),
        applicant_email=user.email,
        language=get_language() or "ar",
        answers=answers,
    )


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    return render(
        request, "cases/my_cases.html", {"cases": selectors.citizen_cases(request.user)[:100]}
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.citizen_case(request.user, pk)
    if case.kind == Kind.CONCERN:  # a concern is followed on its own page
        from baladiya.concerns.views import follow_url

        return redirect(follow_url(case))
    if case.status == Status.DRAFT:
        return redirect(
            f"{reverse('cases:apply', kwargs={'slug': case.procedure.slug})}?draft={case.pk}"
        )
    if request.method == "POST":
        try:
            if "respond" in request.POST:
                files = [
                    (f"reply_{i}", f) for i, f in enumerate(request.FILES.getlist("documents"))
                ]
                services.attach_files(case=case, actor=request.user, files=files)
                if request.POST.get("message", "").strip():
                    services.post_message(
                        case=case, actor=request.user, body=request.POST["message"]
                    )
                services.fire(case=case, name="respond", actor=request.user)
                messages.success(request, _("Your answer was sent to the service."))
            elif request.POST.get("message", "").strip():
                services.post_message(case=case, actor=request.user, body=request.POST["message"])
                messages.success(request, _("Your message was sent."))
        except (ValidationError, PermissionDenied, TransitionNotAllowed) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("cases:my-case", pk=case.pk)
    return render(
        request,
        "cases/my_case.html",
        {
            "case": case,
            "answers": answers_for_display(case.form_version, case.answers),
            "events": selectors.trail(case, public_only=True),
            "documents": case.documents.order_by("created_at"),
        },
    )


@login_required
@require_GET
def my_document(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    from baladiya.cases.views_staff import _file_response

    case = selectors.citizen_case(request.user, pk)
    return _file_response(get_object_or_404(CaseDocument, pk=document_id, case=case))


@never_cache
@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The receipt (récépissé) page right after submission, for its applicant or filing agent."""
    case = get_object_or_404(
        Case.objects.select_related("procedure", "handling_structure", "commune"),
        reference=reference,
    )
    _require_applicant_or_filer(request, case)
    return render(
        request,
        "cases/receipt.html",
        {
            "case": case,
            "documents": case.documents.filter(kind=CaseDocument.Kind.SUPPORTING),
            "claim_code": request.session.pop(f"claim_code_{case.pk}", None),
            "status_link": request.build_absolute_uri(status_url(case)),
        },
    )


@require_GET
def receipt_pdf(request: HttpRequest, reference: str) -> HttpResponse:
    from baladiya.cases.documents import receipt_pdf as render_receipt

    case = get_object_or_404(
        Case.objects.select_related("procedure", "handling_structure", "commune"),
        reference=reference,
    )
    _require_applicant_or_filer(request, case)
    pdf = render_receipt(case, status_link=request.build_absolute_uri(status_url(case)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="recepisse-{case.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _require_applicant_or_filer(request: HttpRequest, case: Case) -> None:
    user = request.user
    if not user.is_authenticated:
        raise Http404
    if case.applicant_id == user.pk or case.filed_by_id == user.pk:
        return
    if services.may_work_on(case, user):
        return
    raise Http404


def _client_key(request: HttpRequest) -> str:
    return f"status-lookup:{request.META.get('REMOTE_ADDR', '')}"


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """Follow a case: reference + last four digits of the phone. Rate limited per client."""
    context: dict = {"reference": "", "error": ""}
    status = 200
    if request.method == "POST":
        key = _client_key(request)
        attempts = cache.get(key, 0)
        if attempts >= LOOKUP_LIMIT:
            context["error"] = _("Too many attempts. Wait ten minutes, then try again.")
            return render(request, "cases/follow.html", context, status=429)
        cache.set(key, attempts + 1, LOOKUP_WINDOW)
        context["reference"] = request.POST.get("reference", "")[:40]
        found = selectors.public_lookup(
            context["reference"], request.POST.get("phone_last4", "")[:10]
        )
        if found.case is not None:
            return _status_page(request, found.case)
        if found.reason == "malformed":
            context["error"] = _(
                "This reference is not valid. Check it on your receipt: "
                "it looks like LGT-26-7K3F-9Q2M."
            )
        else:
            context["error"] = _("No case matches this reference and these digits.")
        status = 400
    return render(request, "cases/follow.html", context, status=status)


@never_cache
@require_GET
def status_by_token(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reference = signing.loads(token, salt=STATUS_SIGNER)
    except signing.BadSignature as exc:
        raise Http404 from exc

    def render_page() -> HttpResponse:
        case = selectors.status_page_case(reference)
        return _status_page(request, case)

    # Kept for visitors until the case's next event (see cases.receivers).
    return pagecache.serve(request, pagecache.case_tag(reference), render_page)


def _status_page(request: HttpRequest, case: Case) -> HttpResponse:
    if case.kind == Kind.CONCERN:  # a concern has its own follow-up page (answer, rating)
        return redirect("concerns:follow", token=status_token(case))
    return render(
        request,
        "cases/status.html",
        {
            "case": case,
            "events": selectors.public_status_events(case),
        },
    )


@login_required
@require_POST
def claim(request: HttpRequest) -> HttpResponse:
    """Attach a case filed at the counter to my account with the code from the receipt."""
    try:
        case = services.claim(
            user=request.user,
            reference=request.POST.get("reference", "").strip().upper(),
            claim_code=request.POST.get("code", ""),
        )
    except ValidationError:
        messages.error(request, _("Unknown reference or wrong code."))
        return redirect("cases:my-cases")
    messages.success(
        request, _("The case %(reference)s is now in your space.") % {"reference": case.reference}
    )
    return redirect("cases:my-case", pk=case.pk)


@require_GET
def verify_document(request: HttpRequest, code: str) -> HttpResponse:
    """Is this document genuine? Reference, date and issuing structure — nothing more."""
    document = (
        CaseDocument.objects.filter(verification_code=code, kind=CaseDocument.Kind.ISSUED)
        .select_related("case__handling_structure", "case__procedure")
        .first()
    )
    return render(
        request,
        "cases/verify.html",
        {"document": document, "code": code[:40]},
        status=200 if document else 404,
    )


def _form_version_of(procedure: Any) -> Any:
    """The procedure's published form, or a 404 when it has none (yet)."""
    version = current_form_version(procedure)
    if version is None:
        raise Http404
    return version


def _user(request: HttpRequest) -> Any:
    """The signed-in user (the views calling this require sign-in)."""
    return request.user
