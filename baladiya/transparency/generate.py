"""A synthetic country for load tests: structures, services, procedures, and N cases with their
events (valid hash chains) over two years, inserted in bulk (COPY on PostgreSQL).

Distributions: communes weighted by a Zipf-like law (a few big cities, many small communes);
procedures weighted by rank; submissions on working days in office hours; 30% of the cases of
procedures without a legal deadline are accepted at once; others are received, reviewed, 18% wait
for a correction (1–15 days), then decided after a log-normal time (85% accepted, 10% refused, 5%
closed without follow-up); 65% of decisions are closed (document delivered) a few days later.
Cases whose next step would be in the future stay open where they are.

Concerns (a quarter as many as cases by default), handled by the APC (what ``concerns.services
.route`` finds without a routing row or a sector body): submitted any day 07:00–22:00, categories
weighted by rank, received within two working days; 7% "not our responsibility"; of the others
85% resolved after a log-normal time around the category's deadline (some planned first); 55% of
the resolved are rated (mostly 4–5 when solved, 1–2 when not); "not solved" reopens the concern
once, the second time it goes to the supervisor; "solved" closes it; unrated answers are closed
by an agent. The roll-ups are rebuilt at the end (``rollups.rebuild``).
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


CONCERN_COLUMNS = (
    "case_id",
    "category_id",
    "initial_category_id",
    "description",
    "address",
    "extra_answers",
    "public_answer",
    "late_date",
    "satisfaction",
    "satisfaction_comment",
    "solved",
    "reopen_count",
    "referred_to_supervisor",
    "open311_token",
)
# Scores given when the citizen says solved / not solved.
SCORES = (1, 2, 3, 4, 5)
SOLVED_WEIGHTS = (2, 5, 18, 40, 35)
UNSOLVED_WEIGHTS = (40, 30, 18, 8, 4)


def concern_categories() -> list[tuple[int, int, str]]:
    """(id, response days, code) of the active categories, the demo ones seeded if none."""
    from baladiya.concerns import demo as concerns_demo
    from baladiya.concerns.models import Category

    if not Category.objects.exists():
        concerns_demo.seed_categories()
    rows = Category.objects.filter(is_active=True).order_by("position", "code")
    return list(rows.values_list("pk", "response_days", "code"))


def concerns(
    country: dict[str, Any], n: int, first_id: int, seed: int, now: datetime.datetime
) -> Iterator[tuple[tuple, tuple, list[tuple]]]:
    """(case row, concern row, event rows) for ``n`` concerns, ids from ``first_id``."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
    cal = calendar()
    communes = country["communes"]
    weights = [1 / (i + 1) ** 0.8 for i in range(len(communes))]
    rng.shuffle(weights)
    categories = country["categories"]
    c_weights = [1 / (i + 1) ** 0.7 for i in range(len(categories))]
    today = local_date(now)
    start = today - 730 * DAY
    picked_communes = rng.choices(communes, weights=weights, k=n)
    picked_categories = rng.choices(categories, weights=c_weights, k=n)

    def office(day: datetime.date) -> datetime.datetime:
        return _office_time(day, rng)

    for i in range(n):
        case_id = first_id + i
        commune_id, short_code = picked_communes[i]
        category_id, response_days, code = picked_categories[i]
        apc = country["apc_of"][commune_id]
        day = start + rng.randrange(730) * DAY
        minutes = rng.randint(6 * 60, 21 * 60 - 1)  # 07:00–22:00 Algiers, as UTC
        submitted = datetime.datetime(
            day.year, day.month, day.day, minutes // 60, minutes % 60, rng.randint(0, 59),
            tzinfo=datetime.UTC,
        )  # fmt: skip
        submitted_on = local_date(submitted)
        reference = _reference(short_code or "XXX", submitted.year, case_id)
        events: list[tuple] = []
        add = _Trail(case_id, events).add
        add("submitted", submitted, "draft", "submitted",
            {"reference": reference, "channel": "online", "category": code},
            to_structure=apc)  # fmt: skip
        status, at, closed_at = "submitted", submitted, None
        answer, score, solved, reopened, referred = "", None, None, 0, False

        def step(kind: str, frm: str, to: str, gap: int, payload: dict | None = None,
                 label: str = "", add: Callable[..., None] = add) -> bool:  # fmt: skip
            """Record the step ``gap`` working days after the last one, unless in the future."""
            nonlocal status, at
            moment = office(cal.add_working_days(local_date(at), gap))
            if moment <= at:
                moment = at + datetime.timedelta(minutes=5)
            if moment > now:
                return False
            at = moment
            add(kind, at, frm, to, payload or {}, label=label)
            if to:
                status = to
            return True

        roll = rng.random()
        if step("received", "submitted", "received", rng.randint(0, 2)):
            if roll < 0.07:
                step("not_our_responsibility", "received", "not_ours", rng.randint(0, 3),
                     {"public": True, "reason": "Relève de l'opérateur"})  # fmt: skip
                answer = "Relève de l'opérateur"
            elif roll < 0.92:
                for attempt in range(2):
                    frm = status
                    if attempt == 0 and rng.random() < 0.6:
                        step("work_started", "received", "in_progress", rng.randint(0, 3))
                        frm = status
                    if attempt == 0 and rng.random() < 0.2 and status != "received":
                        step("planned", frm, "planned", rng.randint(1, 5),
                             {"public": True, "reason": "Travaux programmés"})  # fmt: skip
                        frm = status
                    days = max(1, int(rng.lognormvariate(math.log(response_days * 0.7), 0.7)))
                    if status not in ("received", "in_progress", "planned") or not step(
                        "resolved", frm, "resolved", days,
                        {"public": True, "reason": "Problème réglé"},
                    ):  # fmt: skip
                        break
                    answer = "Problème réglé"
                    if rng.random() >= 0.55:  # not rated: an agent closes it later
                        if step("closed", "resolved", "closed", rng.randint(5, 15)):
                            closed_at = at
                        break
                    solved = rng.random() < 0.7
                    score = rng.choices(
                        SCORES, weights=SOLVED_WEIGHTS if solved else UNSOLVED_WEIGHTS
                    )[0]
                    if not step("rated", "", "", rng.randint(0, 7),
                                {"score": score, "solved": solved}, label="citizen"):  # fmt: skip
                        score = solved = None
                        break
                    if solved:
                        add("closed", at, "resolved", "closed", {}, label="Baladiya")
                        status, closed_at = "closed", at
                        break
                    if reopened:
                        add("referred_to_supervisor", at, "", "", {}, label="citizen")
                        referred = True
                        break
                    reopened = 1
                    add("reopened", at, "resolved", "in_progress", {"by": "citizen"},
                        label="Baladiya")  # fmt: skip
                    status = "in_progress"
        description = f"Signalement synthétique {case_id}"
        row = (
            case_id, reference, None, None, status, commune_id, apc, apc,
            "", "", "", "ar", "online", "", json.dumps({"description": description}),
            submitted, submitted, None, closed_at,
            cal.add_working_days(submitted_on, response_days), None, "", description, at,
            "concern",
        )  # fmt: skip
        concern = (
            case_id, category_id, category_id, description, f"Rue synthétique {case_id}", "{}",
            answer, cal.add_working_days(submitted_on, 3 * response_days), score, "", solved,
            reopened, referred, f"{rng.getrandbits(128):032x}",
        )  # fmt: skip
        yield row, concern, events


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
    concern_share: float = 0.25, log: Callable[[str], None] = print,
) -> dict[str, float]:  # fmt: skip
    """Add ``n`` synthetic cases and ``n * concern_share`` concerns (and their events), then
    rebuild the roll-ups."""
    from baladiya.cases.models import Case
    from baladiya.concerns.models import Concern
    from baladiya.transparency import backlog, rollups, standing

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
    timings["cases"] = time.perf_counter() - t0
    n_concerns = int(n * concern_share)
    if n_concerns:
        t2 = time.perf_counter()
        country["categories"] = concern_categories()
        first = first + done
        made = 0
        stream = concerns(country, n_concerns, first, seed + first, now)
        while made < n_concerns:
            case_rows, concern_rows, event_rows = [], [], []
            for row, concern, events in stream:
                case_rows.append(row)
                concern_rows.append(concern)
                event_rows += events
                if len(case_rows) >= batch:
                    break
            if not case_rows:
                break
            with transaction.atomic():
                _write(Case._meta.db_table, CASE_COLUMNS, case_rows)
                _write(Concern._meta.db_table, CONCERN_COLUMNS, concern_rows)
                _write(CaseEvent._meta.db_table, EVENT_COLUMNS, event_rows)
            made += len(case_rows)
            log(f"  {made}/{n_concerns} concerns ({made / (time.perf_counter() - t2):.0f}/s)")
        timings["concerns"] = time.perf_counter() - t2
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (Case._meta.db_table, CaseEvent._meta.db_table):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                    f" (SELECT MAX(id) FROM {table}))"
                )
        rollups.refresh_planner(
            Case._meta.db_table, CaseEvent._meta.db_table, Concern._meta.db_table
        )
    if rebuild:
        t1 = time.perf_counter()
        rows = rollups.rebuild()
        rows += backlog.rebuild()  # supervision's open backlog, from the same cases
        rows += standing.rebuild()  # each commune's row, from the two above
        timings["rebuild"] = time.perf_counter() - t1
        log(f"roll-ups rebuilt: {rows} rows in {timings['rebuild']:.0f}s")
    timings["total"] = time.perf_counter() - started
    return timings
