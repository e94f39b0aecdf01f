"""Celery tasks: deliver one notification, flush the backlog, sweep reminders."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready


@shared_task(name="notifications.deliver", ignore_result=True)
def deliver_notification(notification_id: int) -> str:
    from baladiya.notifications.services import deliver

    return deliver(notification_id)


@shared_task(name="notifications.flush_outbox", ignore_result=True)
def flush_outbox() -> int:
    """Queue every due notification (what piled up while the broker was away)."""
    from baladiya.notifications.services import due_notification_ids, release_interrupted

    release_interrupted()
    ids = due_notification_ids()
    for pk in ids:
        deliver_notification.delay(pk)
    return len(ids)


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep_reminders() -> int:
    from baladiya.notifications.services import sweep

    return sweep()


@worker_ready.connect
def _flush_on_start(**kwargs: object) -> None:
    flush_outbox.delay()
