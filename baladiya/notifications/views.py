"""Pages and webhooks of the notifications: phone sign-in, preferences, the delivery log,
printable notices, and the SMS gateway's callbacks."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from baladiya.notifications import selectors, services
from baladiya.notifications.forms import (
    PhoneCodeForm,
    PhoneSignInForm,
    PreferencesForm,
    normalise_mobile,
)
from baladiya.notifications.models import Channel, NotificationStatus
from baladiya.notifications.rendering import render as render_words
from baladiya.organisation.scoping import Scope
from baladiya.organisation.views import agent_required

SESSION_KEY = "phone_challenge"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("cases:my-cases")  # the citizen's space: their cases, across communes


@never_cache
@require_http_methods(["GET", "POST"])
def phone_sign_in(request: HttpRequest) -> HttpResponse:
    """Step 1: the citizen gives a mobile number; a code goes out by SMS."""
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = PhoneSignInForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                challenge = services.start_phone_sign_in(
                    phone=form.cleaned_data["phone"],
                    client_ip=request.META.get("REMOTE_ADDR"),
                    language=(get_language() or "ar")[:8],
                )
            except services.SignInRefused as refusal:
                form.add_error(None, refusal.message)
                status = 429 if refusal.code.startswith("too_many") else 503
            else:
                request.session[SESSION_KEY] = challenge.pk
                code_url = reverse("notifications:phone-code")
                next_url = request.POST.get("next", "")
                return redirect(
                    code_url + (f"?{urlencode({'next': next_url})}" if next_url else "")
                )
        else:
            status = 400
    return render(
        request,
        "notifications/phone_sign_in.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def phone_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the citizen types the code; right, they are signed in (an account is made)."""
    challenge_id = request.session.get(SESSION_KEY)
    if challenge_id is None:
        return redirect("notifications:phone-sign-in")
    form = PhoneCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.verify_phone_code(
                    challenge_id=challenge_id, code=form.cleaned_data["code"]
                )
            except services.SignInRefused as refusal:
                form.add_error("code", refusal.message)
                status = 429 if refusal.code == "too_many_attempts" else 400
            else:
                request.session.pop(SESSION_KEY, None)
                login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
                return redirect(_next_url(request))
        else:
            status = 400
    return render(
        request,
        "notifications/phone_code.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The citizen's details and how they want to hear about their cases."""
    user: Any = request.user
    fields = [
        "first_name",
        "last_name",
        "email",
        "accepts_sms",
        "accepts_email",
        "preferred_language",
    ]
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "accepts_sms": user.accepts_sms,
        "accepts_email": user.accepts_email,
        "preferred_language": user.preferred_language,
    }
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        for field in fields:
            setattr(user, field, form.cleaned_data[field])
        user.save(update_fields=fields)
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "phone": user.phone, "email": user.email},
        status=400 if form.errors else 200,
    )


# --- staff ---------------------------------------------------------------------------------


@agent_required
@require_http_methods(["GET"])
def delivery_log(request: HttpRequest, scope: Scope) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in NotificationStatus.values:
        status = ""
    page = Paginator(selectors.delivery_log(scope, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/staff/log.html",
        {"page": page, "status": status, "statuses": NotificationStatus.choices},
    )


@agent_required
@require_POST
def resend(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    notification = selectors.notification_for(scope, pk)
    try:
        services.resend(notification=notification, actor=request.user)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The message is sent again."))
    return redirect(_back(request, notification))


def _back(request: HttpRequest, notification: Any) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}):
        return candidate
    return reverse("cases:staff-case", kwargs={"pk": notification.case_id})


@agent_required
@require_http_methods(["GET", "POST"])
def notice(request: HttpRequest, scope: Scope, pk: int) -> HttpResponse:
    """A notice printed at the counter for a citizen who has neither phone nor email."""
    notification = selectors.notification_for(scope, pk)
    if notification.channel != Channel.PRINT:
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.mark_printed(notification=notification, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The notice is marked as handed over."))
        return redirect(_back(request, notification))
    words = render_words(notification)
    return render(
        request,
        "notifications/staff/notice.html",
        {"notification": notification, "words": words, "case": notification.case},
    )


# --- the SMS gateway's callbacks -----------------------------------------------------------


def _authenticated(request: HttpRequest) -> bool:
    expected = settings.SMS_WEBHOOK_TOKEN
    given = request.headers.get("X-Baladiya-Token") or request.GET.get("token", "")
    return bool(expected) and constant_time_compare(given, expected)


def _fields(request: HttpRequest) -> dict[str, str]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {}
        return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    source = request.POST if request.method == "POST" else request.GET
    return {k: source.get(k, "") for k in source}


def _refuse(status: int, code: str, description: str) -> JsonResponse:
    return JsonResponse({"ok": False, "error": code, "description": description}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def inbound_sms(request: HttpRequest) -> JsonResponse:
    """A citizen's SMS, forwarded by the gateway: answered with the status of the case named."""
    if not _authenticated(request):
        return _refuse(403, "forbidden", "Missing or wrong token.")
    names = settings.SMS_INBOUND_FIELDS
    data = _fields(request)
    sender, text = data.get(names["from"], "").strip(), data.get(names["text"], "")
    if not sender or not text.strip():
        return _refuse(400, "malformed", f"Fields {names['from']!r} and {names['text']!r} needed.")
    try:
        phone = normalise_mobile(sender)
    except ValidationError:
        return _refuse(400, "bad_sender", "The sender is not an Algerian mobile number.")
    inbound = services.answer_inbound_sms(
        phone=phone, text=text[:480], provider_id=data.get(names["id"], "")
    )
    return JsonResponse({"ok": True, "answered": inbound.reply_id is not None})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def delivery_receipt(request: HttpRequest) -> JsonResponse:
    """The gateway reports that an SMS was delivered (or not)."""
    if not _authenticated(request):
        return _refuse(403, "forbidden", "Missing or wrong token.")
    names = settings.SMS_RECEIPT_FIELDS
    data = _fields(request)
    provider_id, state = data.get(names["id"], "").strip(), data.get(names["status"], "").strip()
    if not provider_id or not state:
        return _refuse(400, "malformed", f"Fields {names['id']!r} and {names['status']!r} needed.")
    delivered = state in settings.SMS_DELIVERED_STATUSES
    known = services.record_receipt(
        provider_id=provider_id, delivered=delivered, response=f"receipt: {state}"[:200]
    )
    if not known:
        return _refuse(404, "unknown_message", "No message has this id.")
    return JsonResponse({"ok": True})
