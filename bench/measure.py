"""In-process timings: each page against the trivial page, same process, same run.

Run by bench/run.py with DATABASE_URL set. Prints one JSON line per page, then "RESULT {json}".
Statistics pages are measured with the cache disabled (every request reads the roll-ups of the
months still open; settled months come from the process's memo, ``transparency.settled``, since
they can no longer change): the worst case, since production caches them for two minutes. The
"cold" figure forgets that memo too before each request (a process's first page of a month).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "baladiya.settings")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from baladiya.cases.models import Case  # noqa: E402
from baladiya.concerns.models import Concern  # noqa: E402
from baladiya.organisation import services as org_services  # noqa: E402
from baladiya.organisation.models import Role, Structure, StructureKind, User  # noqa: E402
from baladiya.transparency import settled, supervision  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "41"))


def user(name: str, structure: Structure, role: str) -> User:
    person, created = User.objects.get_or_create(username=name)
    if created:
        org_services.grant_membership(actor=None, user=person, structure=structure, role=role)
    return person


def timed(pages: list[tuple[str, Client, str]]) -> dict[str, dict]:
    """Each page's uncached and as-served medians, its queries (uncached) and its size.

    Rounds are interleaved: each round requests every page once, so a burst of noise on this
    shared machine lands on all pages alike instead of on whichever page was being timed.
    """
    served: dict[str, list[float]] = {name: [] for name, _c, _u in pages}
    uncached: dict[str, list[float]] = {name: [] for name, _c, _u in pages}
    cold: dict[str, list[float]] = {name: [] for name, _c, _u in pages}
    sizes = {}
    for _name, client, url in pages:
        client.get(url)  # warm
    for _ in range(ROUNDS):  # as served: nothing emptied, the cache stays warm
        for name, client, url in pages:
            started = time.perf_counter()
            client.get(url)
            served[name].append(time.perf_counter() - started)
    for _ in range(ROUNDS):
        for name, client, url in pages:
            cache.clear()  # outside the timer: every request reads the roll-ups, uncached
            started = time.perf_counter()
            response = client.get(url)
            uncached[name].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
            sizes[name] = len(response.content)
    for _ in range(ROUNDS):
        for name, client, url in pages:
            cache.clear()
            settled.forget()  # outside the timer too: settled months read again,
            supervision.forget_rows()  # the dashboard's rows made again
            started = time.perf_counter()
            client.get(url)
            cold[name].append(time.perf_counter() - started)
    # The dashboard with none of its rows kept: as if every commune on it had an event since
    # the last view (the uncached figure keeps the rows whose figures did not change).
    remade: dict[str, list[float]] = {name: [] for name, _c, _u in pages if "supervisor" in name}
    for _ in range(ROUNDS):
        for name, client, url in pages:
            cache.clear()
            supervision.forget_rows()
            started = time.perf_counter()
            client.get(url)
            if name in remade:
                remade[name].append(time.perf_counter() - started)
    results = {}
    for name, client, url in pages:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[name] = {
            "url": url,
            "ms": statistics.median(uncached[name]) * 1000,
            "served_ms": statistics.median(served[name]) * 1000,
            "cold_ms": statistics.median(cold[name]) * 1000,
            "queries": len(queries.captured_queries),
            "bytes": sizes[name],
        }
        if name in remade:
            results[name]["remade_ms"] = statistics.median(remade[name]) * 1000
    return results


def main() -> None:
    # The busiest commune and its civil-status service: the agent's inbox there.
    busiest = (
        Case.objects.values("handling_structure_id", "commune_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    service = Structure.objects.get(pk=busiest["handling_structure_id"])
    agent = user("bench_agent", service, Role.AGENT)
    ministry = Structure.objects.get(kind=StructureKind.MINISTRY)
    supervisor = user("bench_supervisor", ministry, Role.SUPERVISOR)
    commune = busiest["commune_id"]
    anonymous, agent_client, supervisor_client = Client(), Client(), Client()
    agent_client.force_login(agent)
    supervisor_client.force_login(supervisor)
    pages = [
        ("trivial page", anonymous, "/trivial"),
        ("national statistics", anonymous, "/fr/statistics/"),
        ("commune statistics", anonymous, f"/fr/statistics/commune/{commune}/"),
        ("agent inbox", agent_client, "/fr/staff/cases/?tab=unassigned"),
        ("supervisor dashboard (ministry)", supervisor_client, "/fr/staff/supervision/"),
    ]
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        results = timed(pages)
    for name, result in results.items():
        print(json.dumps({name: result}), flush=True)
    # Concerns are cases too (one-to-one); the sizes the benchmark names are the procedures'.
    concerns = Concern.objects.count()
    results["_cases"] = Case.objects.count() - concerns
    results["_concerns"] = concerns
    print("RESULT " + json.dumps(results), flush=True)


if __name__ == "__main__":
    main()
