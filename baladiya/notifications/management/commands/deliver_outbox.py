"""Deliver what waits in the outbox, once or in a loop (the embedded default's worker, and its
Celery beat: reminders, exports and the communes' standing rows moved to today)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from baladiya.notifications.services import deliver_due, sweep
from baladiya.transparency.exports import sweep as sweep_exports
from baladiya.transparency.standing import advance as advance_standing


class Command(BaseCommand):
    help = "Deliver due notifications (and write reminders); --loop keeps going."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Run until interrupted.")
        parser.add_argument("--interval", type=float, default=15.0, help="Seconds between runs.")

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        last_sweep = 0.0
        while True:
            if time.monotonic() - last_sweep > 900:
                written = sweep()
                # Supervision's overdue counts are exact without it; it keeps their reading small.
                advance_standing()
                last_sweep = time.monotonic()
                if written:
                    self.stdout.write(f"{written} reminder(s) written")
            # Exports wait in their own table; without a broker this loop is their worker too.
            sweep_exports()
            sent = deliver_due()
            if sent:
                self.stdout.write(f"{sent} notification(s) attempted")
            if not loop:
                return
            time.sleep(interval)
