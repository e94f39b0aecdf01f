"""Where the staff pages' time goes: each page against the trivial page, with the time spent in
its main parts (SQL, the session and its user, the figures, the rows, the template).

Run on the database ``make bench`` leaves, in production settings:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baladiya_bench \
    REDIS_URL=redis://127.0.0.1:6379/13 BALADIYA_ENV=production DEBUG=false \
    SECRET_KEY=... ALLOWED_HOSTS=testserver .venv/bin/python bench/segments.py
Medians of interleaved rounds, the cache emptied before each request (as bench/measure.py's
"uncached"). A part's time includes the parts it calls (``_build`` holds ``standing.read``).
"""

from __future__ import annotations

import functools
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.settings")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

import django.template.loader  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db.backends import utils as db_utils  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from measure import user  # noqa: E402

from baladiya.cases import selectors, views_staff  # noqa: E402
from baladiya.cases.models import Case  # noqa: E402
from baladiya.organisation import sessions  # noqa: E402
from baladiya.organisation.models import Role, Structure, StructureKind  # noqa: E402
from baladiya.transparency import standing, supervision  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "80"))
_spent: dict[str, float] = {}


def timed_part(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _spent[label] = _spent.get(label, 0.0) + time.perf_counter() - started

    setattr(owner, name, wrapper)


def main() -> None:
    busiest = (
        Case.objects.values("handling_structure_id").annotate(n=Count("pk")).order_by("-n").first()
    )
    agent = user(
        "bench_agent", Structure.objects.get(pk=busiest["handling_structure_id"]), Role.AGENT
    )
    ministry = Structure.objects.get(kind=StructureKind.MINISTRY)
    supervisor = user("bench_supervisor", ministry, Role.SUPERVISOR)
    for owner, name, label in [
        (db_utils.CursorWrapper, "execute", "sql"),
        (django.template.loader, "render_to_string", "template"),
        (sessions, "get_user", "session+user"),
        (selectors, "inbox_page", "inbox_page"),
        (views_staff, "_inbox_rows", "inbox rows"),
        (standing, "read", "standing.read"),
        (supervision, "_stats", "_stats"),
        (supervision.Rows, "_build", "_build"),
        (supervision.Rows, "html", "rows.html"),
        (supervision, "table_rows", "table_rows"),
    ]:
        timed_part(owner, name, label)
    anonymous, agent_client, supervisor_client = Client(), Client(), Client()
    agent_client.force_login(agent)
    supervisor_client.force_login(supervisor)
    pages = {
        "trivial page": (anonymous, "/trivial"),
        "agent inbox": (agent_client, "/fr/staff/cases/?tab=unassigned"),
        "supervision": (supervisor_client, "/fr/staff/supervision/"),
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    parts: dict[str, dict[str, list[float]]] = {name: {} for name in pages}
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for client, url in pages.values():
            client.get(url)
        for _ in range(ROUNDS):
            for name, (client, url) in pages.items():
                cache.clear()
                _spent.clear()
                started = time.perf_counter()
                client.get(url)
                times[name].append(time.perf_counter() - started)
                for label, seconds in _spent.items():
                    parts[name].setdefault(label, []).append(seconds)
    trivial = statistics.median(times["trivial page"])
    for name in pages:
        median = statistics.median(times[name])
        detail = "  ".join(
            f"{label} {statistics.median(v) * 1000:.2f}" for label, v in parts[name].items()
        )
        print(f"{name:13s} {median * 1000:6.2f} ms  ratio {median / trivial:4.2f}  | {detail}")


if __name__ == "__main__":
    main()
