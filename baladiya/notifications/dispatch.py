"""Handing notifications to whoever delivers them: Celery workers, or this process.

With a broker (``CELERY_BROKER_URL``, Redis in production), each id becomes a task. When the
broker is down the call fails fast and is only logged: the rows stay in the outbox, and the
periodic flush (or the worker's start) sends them when it returns. Without a broker (the
embedded default), delivery happens in this process right after the transaction commits, and
``manage.py deliver_outbox --loop`` takes care of retries.
"""

from __future__ import annotations

import datetime
import logging
import time
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

# After the broker refused us, requests stop trying it for a while: each try costs the citizen
# a connection timeout, and the outbox keeps the messages anyway.
BROKER_PAUSE_SECONDS = 30.0
_broker_down_until = 0.0


def uses_celery() -> bool:
    return settings.NOTIFICATIONS_DELIVERY == "celery"


def enqueue(ids: list[int], at: datetime.datetime | None = None) -> None:
    if not ids:
        return
    if not uses_celery():
        if at is None:
            from baladiya.notifications.services import deliver

            for pk in ids:
                deliver(pk)
        return  # a later attempt: the deliver_outbox loop picks it up when due
    from baladiya.notifications.tasks import deliver_notification

    for pk in ids:
        if not submit(deliver_notification, pk, eta=at):
            return  # the outbox keeps the rest; the flush sends them when the broker is back


def submit(task: Any, *args: Any, eta: datetime.datetime | None = None) -> bool:
    """Queue ``task(*args)`` on the broker, unless it refused us recently. False when the work
    was not queued: the caller's row stays where its sweep finds it (outbox, pending export)."""
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False
    try:
        task.apply_async(args=list(args), eta=eta, retry=False)
    except Exception as exc:  # the broker is down: the database keeps the work
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("broker unavailable, %s%s waits for the sweep: %s", task.name, args, exc)
        return False
    return True


def broker_is_back() -> None:
    """Forget a recent broker failure (the worker's start, tests)."""
    global _broker_down_until
    _broker_down_until = 0.0
