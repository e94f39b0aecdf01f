"""Writing to the outbox, delivering from it, and the citizen-facing flows built on it.

- :func:`outbox_rows_for_event` turns a case event into notifications (called by the receiver,
  inside the event's transaction; one INSERT, no read).
- :func:`deliver` sends one notification exactly once: it claims the row with a conditional
  UPDATE, sends, logs the attempt, and schedules a retry with exponential backoff on failure.
- :func:`sweep` writes reminders and overdue alerts for staff (idempotent: dedup keys).
- Phone sign-in (:func:`start_phone_sign_in`, :func:`verify_phone_code`) and the SMS status
  query (:func:`answer_inbound_sms`) are the citizen's SMS flows.
"""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from baladiya.notifications import sms
from baladiya.notifications.kinds import message_kind_for_event
from baladiya.notifications.models import (
    Channel,
    DeliveryAttempt,
    InboundMessage,
    Notification,
    NotificationStatus,
    PhoneChallenge,
)
from baladiya.notifications.rendering import email_html, render

logger = logging.getLogger(__name__)

Outcome = DeliveryAttempt.Outcome
SENSITIVE_KINDS = frozenset({"sign_in_code"})


# --- the outbox ----------------------------------------------------------------------------


def _citizen_channels(case: Any) -> list[tuple[str, str]]:
    """(channel, address) for a case's citizen: SMS and email where given, else paper for a
    walk-in citizen (an anonymous report made online, without contact, has nobody to tell)."""
    from baladiya.cases.models import Channel as FilingChannel

    channels: list[tuple[str, str]] = []
    if case.applicant_phone:
        channels.append((Channel.SMS, case.applicant_phone))
    if case.applicant_email:
        channels.append((Channel.EMAIL, case.applicant_email))
    if not channels and case.channel == FilingChannel.COUNTER:
        channels.append((Channel.PRINT, ""))
    return channels


def outbox_rows_for_event(event: Any, case: Any) -> list[Notification]:
    """The notifications a case event causes (unsaved). Reads nothing from the database, but
    for a concern's answer, whose duplicates' citizens are told too."""
    if not event.public or not case.reference:
        return []
    kind = message_kind_for_event(event.kind, getattr(case, "kind", "procedure"))
    if kind is None:
        return []
    payload = event.payload or {}
    context = {key: str(payload[key])[:300] for key in ("reason", "original") if payload.get(key)}
    if payload.get("body"):
        context["message"] = str(payload["body"])[:300]
    now = timezone.now()
    # The citizens of a concern's duplicates follow the original: they hear of its answers too.
    people = [(case, "")]
    if getattr(case, "kind", "procedure") == "concern" and kind in FOLLOWED_BY_DUPLICATES:
        people += [(duplicate, f":dup{duplicate.pk}") for duplicate in _duplicates_of(case)]
    return [
        Notification(
            dedup_key=f"event:{event.pk}:{channel}{suffix}",
            kind=kind,
            channel=channel,
            language=person.language or "ar",
            case_id=case.pk,
            event_id=event.pk,
            recipient_id=person.applicant_id,
            address=address,
            context=context,
            status=NotificationStatus.TO_PRINT if channel == Channel.PRINT else "pending",
            next_attempt_at=now,
        )
        for person, suffix in people
        for channel, address in _citizen_channels(person)
    ]


# What the original's citizens are told that its duplicates' citizens are told as well.
FOLLOWED_BY_DUPLICATES = frozenset(
    {"case_message", "concern_planned", "concern_resolved", "concern_not_our_responsibility"}
)


def _duplicates_of(case: Any) -> list[Any]:
    """The cases marked as duplicates of ``case`` (one query, only for a concern's answers)."""
    from baladiya.cases.models import Case

    return list(Case.objects.filter(concern__duplicate_of=case))


def save_to_outbox(rows: list[Notification], *, fresh: bool = False) -> None:
    """Insert ``rows`` and have them delivered after commit.

    ``fresh`` rows (those of an event just recorded) cannot exist yet: one INSERT returns their
    ids. Otherwise rows already in the outbox (same dedup key) are skipped.
    """
    if not rows:
        return
    if fresh:
        Notification.objects.bulk_create(rows)
        ids = [r.pk for r in rows if r.channel != Channel.PRINT and r.pk]
        if ids:
            transaction.on_commit(lambda: _enqueue_ids(ids))
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [r.dedup_key for r in rows if r.channel != Channel.PRINT]
    if keys:
        transaction.on_commit(lambda: _enqueue_keys(keys))


def _enqueue_ids(ids: list[int]) -> None:
    from baladiya.notifications.dispatch import enqueue

    enqueue(ids)


def _enqueue_keys(keys: list[str]) -> None:
    from baladiya.notifications.dispatch import enqueue

    ids = list(
        Notification.objects.filter(
            dedup_key__in=keys, status=NotificationStatus.PENDING
        ).values_list("pk", flat=True)
    )
    enqueue(ids)


# --- delivery ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    ok: bool
    provider_id: str = ""
    response: str = ""
    retry: bool = True


def _claim(notification_id: int, now: datetime.datetime) -> bool:
    """Take a pending, due notification for this worker; False if another has it or it is done."""
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        Notification.objects.filter(
            due, pk=notification_id, status=NotificationStatus.PENDING
        ).update(status=NotificationStatus.SENDING, attempts=F("attempts") + 1, updated_at=now)
    )


def _refusal_reason(notification: Notification) -> str:
    """Why this message must not go out at all ('' when it may)."""
    user = notification.recipient
    if notification.channel in (Channel.SMS, Channel.EMAIL) and not notification.address:
        return "no address"
    if user is not None:
        if notification.channel == Channel.SMS and not user.accepts_sms:
            return "the recipient turned SMS off"
        if notification.channel == Channel.EMAIL and not user.accepts_email:
            return "the recipient turned email off"
    return ""


def _send(notification: Notification) -> Delivery:
    words = render(notification)
    notification.subject, notification.body = words.subject, words.short_text
    if notification.channel == Channel.SMS:
        notification.segments = sms.count_segments(words.short_text).segments
        result = sms.get_gateway().send(
            to=notification.address, text=words.short_text, client_ref=f"bal-{notification.pk}"
        )
        return Delivery(result.ok, result.provider_id, result.response, result.retry)
    if notification.channel == Channel.EMAIL:
        text = words.short_text + (f"\n\n{words.long_text}" if words.long_text else "")
        message = EmailMultiAlternatives(
            subject=words.subject,
            body=text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[notification.address],
            headers={"X-Baladiya-Notification": str(notification.pk)},
            connection=get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT),
        )
        message.attach_alternative(email_html(notification, words), "text/html")
        try:
            message.send()
        except smtplib.SMTPRecipientsRefused as exc:
            return Delivery(False, response=f"refused: {exc.recipients}", retry=False)
        except (smtplib.SMTPException, OSError) as exc:
            return Delivery(False, response=f"{type(exc).__name__}: {exc}")
        return Delivery(True, response="accepted by the mail server")
    return Delivery(False, response="not a deliverable channel", retry=False)


def deliver(notification_id: int) -> str:
    """Send one notification, once. Returns its status afterwards.

    The claim (PENDING → SENDING) is a conditional UPDATE, so two workers given the same id —
    a retried task, a flush running beside the queue — never both send it.
    """
    now = timezone.now()
    if not _claim(notification_id, now):
        return "skipped"
    notification = Notification.objects.select_related(
        "recipient", "case__procedure", "case__handling_structure"
    ).get(pk=notification_id)
    refusal = _refusal_reason(notification)
    if refusal:
        result = Delivery(False, response=refusal, retry=False)
        status = NotificationStatus.CANCELLED
    else:
        try:
            result = _send(notification)
        except Exception as exc:  # a bug or an outage must not leave the row stuck in SENDING
            logger.exception("delivery of notification %s crashed", notification_id)
            result = Delivery(False, response=f"error: {type(exc).__name__}")
        status = NotificationStatus.SENT if result.ok else NotificationStatus.FAILED
    retry_at = None
    if (
        not result.ok
        and result.retry
        and notification.attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS
    ):
        status = NotificationStatus.PENDING
        delay = settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (notification.attempts - 1)
        retry_at = now + datetime.timedelta(seconds=delay)
    with transaction.atomic():
        Notification.objects.filter(pk=notification_id).update(
            status=status,
            subject=notification.subject,
            body=_loggable(notification),
            segments=notification.segments,
            provider_id=result.provider_id[:100],
            sent_at=timezone.now() if result.ok else None,
            next_attempt_at=retry_at,
            language=notification.language,
            updated_at=timezone.now(),
        )
        DeliveryAttempt.objects.create(
            notification_id=notification_id,
            outcome=Outcome.SENT if result.ok else Outcome.FAILED,
            provider_response=result.response[:2000],
        )
    if retry_at is not None:
        from baladiya.notifications.dispatch import enqueue

        transaction.on_commit(lambda: enqueue([notification_id], at=retry_at))
    logger.info(
        "notification %s (%s/%s): %s",
        notification_id,
        notification.kind,
        notification.channel,
        status,
    )
    return status


def _loggable(notification: Notification) -> str:
    return "" if notification.kind in SENSITIVE_KINDS else notification.body


def due_notification_ids(now: datetime.datetime | None = None, limit: int = 500) -> list[int]:
    """Pending notifications whose time has come (the backlog after a broker outage)."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(status=NotificationStatus.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def deliver_due(now: datetime.datetime | None = None) -> int:
    """Deliver every due notification in this process. Returns how many were attempted."""
    release_interrupted(now)
    count = 0
    for pk in due_notification_ids(now):
        deliver(pk)
        count += 1
    return count


def release_interrupted(now: datetime.datetime | None = None) -> int:
    """A row left SENDING by a crashed worker may or may not have gone out: it is marked failed
    (for an agent to check and resend), never sent again on its own."""
    cutoff = (now or timezone.now()) - datetime.timedelta(minutes=10)
    stuck = list(
        Notification.objects.filter(
            status=NotificationStatus.SENDING, updated_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
    for pk in stuck:
        with transaction.atomic():
            if Notification.objects.filter(pk=pk, status=NotificationStatus.SENDING).update(
                status=NotificationStatus.FAILED, updated_at=timezone.now()
            ):
                DeliveryAttempt.objects.create(
                    notification_id=pk,
                    outcome=Outcome.FAILED,
                    provider_response="interrupted while sending: check before resending",
                )
    return len(stuck)


def record_receipt(*, provider_id: str, delivered: bool, response: str) -> bool:
    """A delivery receipt from the SMS gateway. Returns whether the message was known."""
    notification = Notification.objects.filter(provider_id=provider_id).first()
    if notification is None or not provider_id:
        return False
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.DELIVERED if delivered else NotificationStatus.FAILED,
            updated_at=timezone.now(),
        )
        DeliveryAttempt.objects.create(
            notification=notification,
            outcome=Outcome.DELIVERED if delivered else Outcome.FAILED,
            provider_response=response[:2000],
        )
    return True


@transaction.atomic
def resend(*, notification: Notification, actor: Any) -> Notification:
    """An agent sends a failed message again (same row, logged as a new attempt)."""
    from baladiya.cases.services import may_work_on

    if notification.case is None or not may_work_on(notification.case, actor):
        raise PermissionDenied
    if notification.status not in (NotificationStatus.FAILED, NotificationStatus.CANCELLED):
        raise ValidationError("Only a failed message can be sent again.")
    if notification.kind in SENSITIVE_KINDS:
        raise ValidationError("A sign-in code is never sent again; the citizen asks for a new one.")
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.PENDING, next_attempt_at=timezone.now(), updated_at=timezone.now()
    )
    DeliveryAttempt.objects.create(
        notification=notification,
        outcome=Outcome.QUEUED,
        provider_response=f"sent again by {actor.get_full_name() or actor.get_username()}",
    )
    from baladiya.notifications.dispatch import enqueue

    transaction.on_commit(lambda: enqueue([notification.pk]))
    notification.refresh_from_db()
    return notification


@transaction.atomic
def mark_printed(*, notification: Notification, actor: Any) -> Notification:
    """The counter printed the notice and handed it to the citizen."""
    from baladiya.cases.services import may_work_on

    if notification.case is None or not may_work_on(notification.case, actor):
        raise PermissionDenied
    if notification.channel != Channel.PRINT:
        raise ValidationError("Only a notice for the counter can be printed.")
    words = render(notification)
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.PRINTED,
        subject=words.subject,
        body=words.short_text,
        sent_at=timezone.now(),
        updated_at=timezone.now(),
    )
    DeliveryAttempt.objects.create(
        notification=notification,
        outcome=Outcome.DELIVERED,
        provider_response=f"printed by {actor.get_full_name() or actor.get_username()}",
    )
    notification.refresh_from_db()
    return notification


# --- reminders and alerts for staff --------------------------------------------------------


def _staff_channels(user: Any) -> list[tuple[str, str]]:
    channels: list[tuple[str, str]] = []
    if user.email and user.accepts_email:
        channels.append((Channel.EMAIL, user.email))
    if user.phone and user.accepts_sms:
        channels.append((Channel.SMS, user.phone))
    return channels


def staff_rows(
    *, kind: str, key: str, users: list[Any], case: Any = None, context: dict | None = None
) -> list[Notification]:
    """Notifications of ``kind`` to staff ``users``; ``key`` makes them once-only."""
    now = timezone.now()
    return [
        Notification(
            dedup_key=f"{key}:{user.pk}:{channel}"[:120],
            kind=kind,
            channel=channel,
            language=user.preferred_language if user.preferred_language != "kab" else "fr",
            case_id=getattr(case, "pk", None),
            recipient_id=user.pk,
            address=address,
            context=context or {},
            next_attempt_at=now,
        )
        for user in users
        for channel, address in _staff_channels(user)
    ]


def sweep(now: datetime.datetime | None = None) -> int:
    """Reminders before due dates and alerts for overdue cases. Safe to run any number of times:
    each (case, due date, person, channel) is written once. Returns how many rows were new."""
    from baladiya.notifications import reminders

    now = now or timezone.now()
    rows = (
        reminders.case_reminders(now)
        + reminders.concern_escalations(now)
        + reminders.plan_reminders(now)
    )
    if not rows:
        return 0
    keys = [r.dedup_key for r in rows]
    with transaction.atomic():
        known = set(
            Notification.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True)
        )
        new_rows = [r for r in rows if r.dedup_key not in known]
        save_to_outbox(new_rows)
    return len(new_rows)


# --- phone sign-in -------------------------------------------------------------------------


class SignInRefused(Exception):
    """A refusal the citizen is told about (code wrong, expired, too many requests)."""

    def __init__(self, message: Any, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def _code_hash(challenge_id: int, phone: str, code: str) -> str:
    return salted_hmac(
        "baladiya.notifications.phone-code", f"{challenge_id}:{phone}:{code}"
    ).hexdigest()


def start_phone_sign_in(*, phone: str, client_ip: str | None, language: str) -> PhoneChallenge:
    """Send a one-time code to ``phone`` (E.164). Refused when asked too often."""
    from django.utils.translation import gettext as _

    now = timezone.now()
    window = now - datetime.timedelta(minutes=15)
    recent_for_phone = PhoneChallenge.objects.filter(phone=phone, created_at__gte=window).count()
    if recent_for_phone >= settings.PHONE_CODES_PER_15_MINUTES:
        raise SignInRefused(
            _("Too many codes were asked for this number. Wait 15 minutes and try again."),
            "too_many_codes",
        )
    if client_ip:
        hour = now - datetime.timedelta(hours=1)
        if (
            PhoneChallenge.objects.filter(client_ip=client_ip, created_at__gte=hour).count()
            >= settings.PHONE_CODES_PER_IP_HOUR
        ):
            raise SignInRefused(
                _("Too many codes were asked from this connection. Try again in an hour."),
                "too_many_from_ip",
            )
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        challenge = PhoneChallenge.objects.create(
            phone=phone,
            code_hash="",
            expires_at=now + datetime.timedelta(minutes=settings.PHONE_CODE_MINUTES),
            client_ip=client_ip,
        )
        challenge.code_hash = _code_hash(challenge.pk, phone, code)
        challenge.save(update_fields=["code_hash"])
        notification = Notification.objects.create(
            dedup_key=f"challenge:{challenge.pk}",
            kind="sign_in_code",
            channel=Channel.SMS,
            language=language,
            address=phone,
            status=NotificationStatus.SENDING,
            attempts=1,
        )
    # Sent now, not through the queue: the citizen is waiting for it, and the code must never
    # be stored in clear, not even in the outbox.
    notification.context = {"code": code, "minutes": settings.PHONE_CODE_MINUTES}
    try:
        result = _send(notification)
    except Exception as exc:
        logger.exception("sign-in code to …%s not sent", phone[-4:])
        result = Delivery(False, response=f"error: {type(exc).__name__}")
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENT if result.ok else NotificationStatus.FAILED,
            body="",
            segments=notification.segments,
            provider_id=result.provider_id[:100],
            sent_at=timezone.now() if result.ok else None,
        )
        DeliveryAttempt.objects.create(
            notification=notification,
            outcome=Outcome.SENT if result.ok else Outcome.FAILED,
            provider_response=result.response.replace(code, "••••••")[:2000],
        )
    if not result.ok:
        raise SignInRefused(
            _("The code could not be sent. Try again in a few minutes."), "not_sent"
        )
    return challenge


def verify_phone_code(*, challenge_id: int, code: str) -> Any:
    """The user whose phone received ``code`` (created on first sign-in), or SignInRefused."""
    from django.utils.translation import gettext as _

    code = "".join(ch for ch in code if ch.isdigit())
    now = timezone.now()
    refusal: SignInRefused | None = None
    with transaction.atomic():  # the failed attempt is counted even though we refuse
        challenge = PhoneChallenge.objects.select_for_update().filter(pk=challenge_id).first()
        if challenge is None or challenge.used_at is not None:
            refusal = SignInRefused(_("This code is no longer valid. Ask for a new one."), "used")
        elif challenge.expires_at <= now:
            refusal = SignInRefused(_("This code has expired. Ask for a new one."), "expired")
        elif challenge.failed_attempts >= settings.PHONE_CODE_MAX_ATTEMPTS:
            refusal = SignInRefused(
                _("Too many wrong codes. Ask for a new one."), "too_many_attempts"
            )
        elif not constant_time_compare(
            _code_hash(challenge.pk, challenge.phone, code), challenge.code_hash
        ):
            challenge.failed_attempts += 1
            challenge.save(update_fields=["failed_attempts"])
            left = settings.PHONE_CODE_MAX_ATTEMPTS - challenge.failed_attempts
            refusal = (
                SignInRefused(_("Too many wrong codes. Ask for a new one."), "too_many_attempts")
                if left <= 0
                else SignInRefused(
                    _("This code is wrong. %(left)d attempts left.") % {"left": left}, "wrong"
                )
            )
        else:
            challenge.used_at = now
            challenge.save(update_fields=["used_at"])
    if refusal is not None:
        raise refusal
    assert challenge is not None
    return _user_for_phone(challenge.phone)


def _user_for_phone(phone: str) -> Any:
    User = get_user_model()
    user = User.objects.filter(phone=phone).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = User(username=phone, phone=phone)
            user.set_unusable_password()
            user.save()
    except IntegrityError:  # created meanwhile by a parallel sign-in
        user = User.objects.get(phone=phone)
    return user


# --- SMS status queries --------------------------------------------------------------------


def answer_inbound_sms(*, phone: str, text: str, provider_id: str = "") -> InboundMessage:
    """A citizen texted the platform: answer with the status of the case they named.

    Nobody learns anything about a case unless the reference AND the sending phone match it;
    an unknown reference and a known one from another phone get the same answer.
    """
    from baladiya.cases import references
    from baladiya.cases.models import Case

    with transaction.atomic():
        inbound = InboundMessage.objects.create(
            phone=phone, text=text[:480], provider_id=provider_id[:100]
        )
        hour = timezone.now() - datetime.timedelta(hours=1)
        if (
            InboundMessage.objects.filter(phone=phone, created_at__gte=hour).count()
            > settings.SMS_QUERIES_PER_HOUR
        ):
            return inbound  # a flood: kept, not answered (every answer costs a segment)
        reference = _find_reference(text, references)
        case = None
        if reference is not None:
            case = (
                Case.objects.select_related("applicant")
                .filter(reference=reference)
                .filter(Q(applicant_phone=phone) | Q(applicant__phone=phone))
                .first()
            )
        if reference is None:
            kind, context, language = "status_help", {}, _guess_language(text)
        elif case is None:
            kind, context, language = "status_unknown", {"reference": reference}, "ar"
            language = _guess_language(text)
        else:
            kind, context, language = "status_reply", {}, case.language or "ar"
        reply = Notification.objects.create(
            dedup_key=f"inbound:{inbound.pk}",
            kind=kind,
            channel=Channel.SMS,
            language=language,
            case=case,
            address=phone,
            context=context,
            next_attempt_at=timezone.now(),
        )
        inbound.reply = reply
        inbound.save(update_fields=["reply"])
        transaction.on_commit(lambda: _enqueue_ids([reply.pk]))
    return inbound


def _find_reference(text: str, references: Any) -> str | None:
    """The first word (or pair of words) of ``text`` that is a well-formed reference."""
    words = text.replace("\u200f", " ").replace("\u200e", " ").split()
    candidates = [*words, "".join(words)]
    for candidate in candidates:
        normal = references.normalise(candidate)
        if normal is not None:
            return normal
    return None


def _guess_language(text: str) -> str:
    """Arabic script in the question → answer in Arabic; else French (Latin script)."""
    return "ar" if any("\u0600" <= ch <= "\u06ff" for ch in text) else "fr"
