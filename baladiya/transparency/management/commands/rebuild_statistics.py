"""Recompute every statistics roll-up from the raw cases and events (same numbers as live)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from baladiya.transparency import backlog, rollups, standing


class Command(BaseCommand):
    help = "Rebuild the monthly statistics from cases and their events."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        rows = rollups.rebuild()
        rows += backlog.rebuild()  # supervision's open backlog (open, overdue, oldest)
        rows += standing.rebuild()  # each commune's row, from the two above
        self.stdout.write(f"{rows} rows rebuilt in {time.perf_counter() - started:.1f}s")
