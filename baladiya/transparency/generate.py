"""A synthetic country for load tests: structures, services, procedures, and N cases with their
events (valid hash chains) over two years, inserted in bulk (COPY on PostgreSQL).

Distributions: communes weighted by a Zipf-like law (a few big cities, many small communes);
procedures weighted by rank; submissions on working days in office hours; 30% of the cases of
procedures without a legal deadline are accepted at once; others are received, reviewed, 18% wait
for a correction (1–15 days), then decided after a log-normal time (85% accepted, 10% refused, 5%
closed without follow-up); 65% of decisions are closed (document delivered) a few days later.
Cases whose next step would be in the future stay open where they are. The roll-ups are rebuilt
at the end (``rollups.rebuild``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from baladiya.cases.models import CaseEvent
from baladiya.cases.references import ALPHABET, check_symbol
from baladiya.core.calendar import calendar, local_date

DAY = datetime.timedelta(days=1)
GENESIS = "0" * 64
CASE_COLUMNS = (
    "id",
    "reference",
    "procedure_id",
    "form_version_id",
    "status",
    "commune_id",
    "owner_structure_id",
    "handling_structure_id",
    "applicant_name",
    "applicant_phone",
    "applicant_email",
    "language",
    "channel",
    "claim_code_hash",
    "answers",
    "created_at",
    "submitted_at",
    "decided_at",
    "closed_at",
    "due_date",
    "paused_since",
    "decision_reason",
    "search_text",
    "updated_at",
    "kind",
)
EVENT_COLUMNS = (
    "case_id",
    "sequence",
    "kind",
    "actor_label",
    "from_status",
    "to_status",
    "from_structure_id",
    "to_structure_id",
    "payload",
    "public",
    "created_at",
    "previous_hash",
    "hash",
)


def prepare_country(log: Callable[[str], None] = print) -> dict[str, Any]:
    """Structures of every level, a civil-status service per commune, the demo procedures."""
    from baladiya.catalogue import demo as catalogue_demo
    from baladiya.catalogue.models import Procedure
    from baladiya.catalogue.selectors import current_form_version
    from baladiya.organisation import services as org_services
    from baladiya.organisation.models import ServiceType, Structure, StructureKind
    from baladiya.territory.models import Commune

    created = org_services.sync_territorial_structures()
    log(f"territorial structures created: {created}")
    apcs = Structure.objects.filter(kind=StructureKind.COMMUNE).select_related("parent")
    have = set(
        Structure.objects.filter(
            kind=StructureKind.SERVICE, service_type=ServiceType.CIVIL_STATUS
        ).values_list("parent_id", flat=True)
    )
    added = 0
    for apc in apcs:
        if apc.pk not in have:
            org_services.add_service(parent=apc, service_type=ServiceType.CIVIL_STATUS)
            added += 1
    log(f"civil-status services added: {added}")
    if not Procedure.objects.filter(is_published=True).exists():
        catalogue_demo.seed()
    procedures = []
    for p in Procedure.objects.filter(is_published=True).order_by("order", "pk"):
        version = current_form_version(p)
        if version is not None:
            procedures.append((p, version.pk))
    structures = list(
        Structure.objects.values("pk", "kind", "parent_id", "service_type", "commune_id")
    )
    by_parent: dict[tuple[int | None, str], int] = {
        (s["parent_id"], s["service_type"]): s["pk"]
        for s in structures
        if s["kind"] == StructureKind.SERVICE
    }
    parent_of = {s["pk"]: s["parent_id"] for s in structures}
    apc_of = {s["commune_id"]: s["pk"] for s in structures if s["kind"] == StructureKind.COMMUNE}
    communes = list(Commune.objects.values_list("pk", "short_code").order_by("pk"))
    return {
        "procedures": procedures,
        "by_parent": by_parent,
        "parent_of": parent_of,
        "apc_of": apc_of,
        "communes": communes,
    }


def handler(country: dict[str, Any], procedure: Any, commune_id: int) -> int:
    """The same rule as ``cases.services.resolve_handling_structure``, from memory."""
    apc = country["apc_of"][commune_id]
    level = {
        "commune": apc,
        "daira": country["parent_of"].get(apc),
        "wilaya": country["parent_of"].get(country["parent_of"].get(apc)),
    }.get(procedure.structure_kind, apc) or apc
    if procedure.service_type:
        return country["by_parent"].get((level, procedure.service_type), level)
    return level


def _hash(body: dict[str, Any]) -> str:
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _office_time(day: datetime.date, rng: random.Random) -> datetime.datetime:
    # 08:00–16:00 Algiers (UTC+1), as UTC.
    minutes = rng.randint(7 * 60, 15 * 60 - 1)
    return datetime.datetime(
        day.year, day.month, day.day, minutes // 60, minutes % 60, rng.randint(0, 59),
        rng.randint(0, 999_999), tzinfo=datetime.UTC,
    )  # fmt: skip


def _reference(code: str, year: int, n: int) -> str:
    # Deterministic and unique per (commune, year, n): n written in the alphabet, 7 symbols.
    body = ""
    for _ in range(7):
        body = ALPHABET[n % 31] + body
        n //= 31
    yy = f"{year % 100:02d}"
    full = body + check_symbol(code + yy + body)
    return f"{code}-{yy}-{full[:4]}-{full[4:]}"


class _Trail:
    """Appends one case's event rows with their hash chain (as ``CaseEvent.canonical``)."""

    def __init__(self, case_id: int, events: list[tuple]) -> None:
        self.case_id, self.events, self.prev, self.seq = case_id, events, GENESIS, 0

    def add(self, kind: str, at: datetime.datetime, frm: str, to: str, payload: dict,
            public: bool = True, to_structure: int | None = None,
            label: str = "") -> None:  # fmt: skip
        self.seq += 1
        body = {
            "case": self.case_id, "sequence": self.seq, "kind": kind, "actor": None,
            "actor_label": label, "from_status": frm, "to_status": to, "from_structure": None,
            "to_structure": to_structure, "payload": payload, "public": public,
            "created_at": at.isoformat(), "previous_hash": self.prev,
        }  # fmt: skip
        digest = _hash(body)
        self.events.append(
            (self.case_id, self.seq, kind, label, frm, to, None, to_structure,
             json.dumps(payload, ensure_ascii=False), public, at, self.prev, digest)
        )  # fmt: skip
        self.prev = digest


def cases(
    country: dict[str, Any], n: int, first_id: int, seed: int, now: datetime.datetime
) -> Iterator[tuple[tuple, list[tuple]]]:
    """(case row, event rows) for ``n`` cases, ids from ``first_id``."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    cal = calendar()
    communes = country["communes"]
    weights = [1 / (i + 1) ** 0.8 for i in range(len(communes))]
    rng.shuffle(weights)
    procedures = country["procedures"]
    p_weights = [1 / (i + 1) for i in range(len(procedures))]
    today = local_date(now)
    start = today - 730 * DAY
    working_days = [start + i * DAY for i in range(730) if cal.is_working_day(start + i * DAY)]
    picked_communes = rng.choices(communes, weights=weights, k=n)
    picked_procedures = rng.choices(procedures, weights=p_weights, k=n)
    for i in range(n):
        case_id = first_id + i
        commune_id, short_code = picked_communes[i]
        procedure, version_id = picked_procedures[i]
        handling = handler(country, procedure, commune_id)
        submitted = _office_time(rng.choice(working_days), rng)
        legal = procedure.legal_deadline_days
        submitted_on = local_date(submitted)
        due = cal.add_working_days(submitted_on, legal) if legal else None
        reference = _reference(short_code or "XXX", submitted.year, case_id)
        events: list[tuple] = []
        add = _Trail(case_id, events).add
        add("draft_created", submitted - datetime.timedelta(minutes=7), "", "", {}, public=False)
        add("submitted", submitted, "draft", "submitted",
            {"reference": reference, "channel": "online"}, to_structure=handling)  # fmt: skip
        status, decided_at, closed_at, paused_since = "submitted", None, None, None
        at = submitted
        if not legal and rng.random() < 0.3:
            at = submitted + datetime.timedelta(seconds=2)
            add("accepted_instantly", at, "submitted", "accepted", {}, label="Baladiya")
            status, decided_at = "accepted", at
        else:
            target_days = max(1, int(rng.lognormvariate(math.log((legal or 8) * 0.6), 0.6)))
            steps: list[tuple[str, str, str, int]] = [
                ("received", "submitted", "received", rng.randint(0, 1)),
                ("review_started", "received", "in_review", rng.randint(0, 2)),
            ]
            wait = 0
            if rng.random() < 0.18:
                wait = rng.randint(1, 15)
                steps.append(("correction_requested", "in_review", "waiting_citizen", 1))
                steps.append(("citizen_responded", "waiting_citizen", "in_review", wait))
            roll = rng.random()
            outcome = ("accepted", "accepted") if roll < 0.85 else (
                ("refused", "refused") if roll < 0.95
                else ("closed_without_follow_up", "no_follow_up"))  # fmt: skip
            steps.append((outcome[0], "in_review", outcome[1], target_days))
            if rng.random() < 0.65:
                steps.append(("closed", outcome[1], "closed", rng.randint(1, 5)))
            day = submitted_on
            for kind, frm, to, gap in steps:
                day = cal.add_working_days(day, gap)
                moment = _office_time(day, rng)
                if moment <= at:
                    moment = at + datetime.timedelta(minutes=5)
                if moment > now:
                    break
                at = moment
                payload = (
                    {"reason": "Motif"}
                    if to in ("waiting_citizen", "refused", "no_follow_up")
                    else {}
                )
                add(kind, at, frm, to, payload)
                if to == "waiting_citizen":
                    paused_since = at
                if frm == "waiting_citizen" and paused_since is not None:
                    # The same rule as cases.services._apply.
                    p_on = local_date(paused_since)
                    paused = cal.working_days_between(p_on, local_date(at))
                    if due is not None and paused and p_on <= due:
                        due = cal.add_working_days(due, paused)
                    paused_since = None
                if to in ("accepted", "refused", "no_follow_up"):
                    decided_at = at
                if to == "closed":
                    closed_at = at
                status = to
        row = (
            case_id, reference, procedure.pk, version_id, status, commune_id, handling, handling,
            f"Citoyen synthétique {case_id}", "", "", "ar", "online", "", "{}",
            submitted - datetime.timedelta(minutes=7), submitted, decided_at, closed_at, due,
            paused_since, "Motif" if status in ("refused", "no_follow_up") else "",
            f"Citoyen synthétique {case_id}", at,
        )  # fmt: skip
        yield row, events


def _write(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:  # the psycopg cursor under Django's
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("%s" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                [tuple(_sqlite(v) for v in r) for r in rows],
            )


def _sqlite(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def generate(
    n: int, *, seed: int = 7, batch: int = 20000, rebuild: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, float]:  # fmt: skip
    """Add ``n`` synthetic cases (and their events), then rebuild the roll-ups."""
    from baladiya.cases.models import Case
    from baladiya.transparency import backlog, rollups

    timings: dict[str, float] = {}
    started = time.perf_counter()
    country = prepare_country(log)
    timings["prepare"] = time.perf_counter() - started
    first = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    now = timezone.now()
    done = 0
    t0 = time.perf_counter()
    generator = cases(country, n, first, seed + first, now)
    while done < n:
        case_rows, event_rows = [], []
        for row, events in generator:
            case_rows.append((*row, "procedure"))
            event_rows += events
            if len(case_rows) >= batch:
                break
        with transaction.atomic():
            _write(Case._meta.db_table, CASE_COLUMNS, case_rows)
            _write(CaseEvent._meta.db_table, EVENT_COLUMNS, event_rows)
        done += len(case_rows)
        rate = done / (time.perf_counter() - t0)
        log(f"  {done}/{n} cases ({rate:.0f}/s)")
        if not case_rows:
            break
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (Case._meta.db_table, CaseEvent._meta.db_table):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                    f" (SELECT MAX(id) FROM {table}))"
                )
            cursor.execute(f"ANALYZE {Case._meta.db_table}")
            cursor.execute(f"ANALYZE {CaseEvent._meta.db_table}")
    timings["cases"] = time.perf_counter() - t0
    if rebuild:
        t1 = time.perf_counter()
        rows = rollups.rebuild()
        rows += backlog.rebuild()  # supervision's open backlog, from the same cases
        timings["rebuild"] = time.perf_counter() - t1
        log(f"roll-ups rebuilt: {rows} rows in {timings['rebuild']:.0f}s")
    timings["total"] = time.perf_counter() - started
    return timings
