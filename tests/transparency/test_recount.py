"""The independent recount: a journalist takes a commune's statistics page and its CSV, recounts
every number from the raw cases and their events with their own query (nothing of the roll-ups'
code), and finds the same figures, small counts withheld the same way. And no statistics page or
file, at any level and in any language, shows a count under 5 or anyone's personal data."""

from __future__ import annotations

import csv
import datetime
import html as html_lib
import io
import json
import random
import re
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache

from baladiya.cases import services
from baladiya.cases.models import Case, CaseEvent
from baladiya.core.calendar import calendar
from baladiya.territory.models import Commune
from tests.cases.helpers import make_case, simple_procedure

ALGIERS = ZoneInfo("Africa/Algiers")
DECISIONS = {"accepted", "refused", "no_follow_up"}
OPEN = {"submitted", "received", "in_review", "waiting_citizen"}
NAME, PHONE, EMAIL, ADDRESS = "Karim Benali", "0550123456", "karim.benali@example.dz", "Rue Zabana"
# What make_case writes for every applicant.
CASE_NAME, CASE_PHONE = "Amina Khelifi", "+213661234567"


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """Office hours, and now and then just before midnight UTC: already tomorrow in Algiers."""
    if rng.random() < 0.1:
        return datetime.datetime(day.year, day.month, day.day, 23, 30, tzinfo=datetime.UTC)
    return datetime.datetime(
        day.year, day.month, day.day, 8 + rng.randint(0, 7), rng.randint(0, 59), tzinfo=datetime.UTC
    )


def _history(pilots, rng: random.Random, ons_code: str, n_cases: int, n_concerns: int) -> None:
    """Cases and concerns the way people make them: through the services, day after day."""
    from baladiya.concerns import services as concern_services
    from baladiya.concerns.models import Category
    from tests.concerns.helpers import categories

    admin, citizen = pilots.people["platform_admin"], pilots.people["citizen"]
    with_deadline = simple_procedure(slug="with-deadline", legal_deadline_days=10)
    without = simple_procedure(slug="without-deadline", legal_deadline_days=None)
    first_day = datetime.date(2026, 1, 4)
    for _ in range(n_cases):
        moment = _at(first_day + datetime.timedelta(days=rng.randint(0, 100)), rng)
        procedure = with_deadline if rng.random() < 0.7 else without
        with time_machine.travel(moment, tick=False):
            case = make_case(procedure, ons_code=ons_code, applicant=citizen)

        def step(name: str, gap: int, case=None, actor=admin) -> Case:
            nonlocal moment
            moment = _at((moment + datetime.timedelta(days=gap)).date(), rng)
            with time_machine.travel(moment, tick=False):
                return services.fire(case=case, name=name, actor=actor, reason="Motif")

        if procedure is without and rng.random() < 0.2:
            step("accept_instantly", 0, case, actor=None)
            continue
        if rng.random() < 0.1:
            continue  # still waiting to be received
        case = step("receive", rng.randint(0, 1), case)
        case = step("start_review", rng.randint(0, 2), case)
        while rng.random() < 0.3:
            case = step("request_correction", rng.randint(0, 3), case)
            case = step("respond", rng.randint(1, 12), case, actor=citizen)
        if rng.random() < 0.1:
            continue  # still in review
        for _attempt in range(2):
            roll = rng.random()
            outcome = (
                "accept" if roll < 0.7 else "refuse" if roll < 0.9 else "close_without_follow_up"
            )
            case = step(outcome, rng.randint(1, 20), case)
            if rng.random() < 0.5:
                case = step("close", rng.randint(1, 3), case)
            if case.status == "accepted" or rng.random() > 0.2:
                break
            case = step("reopen", rng.randint(2, 9), case)
    codes = sorted(categories())
    for _ in range(n_concerns):
        moment = _at(first_day + datetime.timedelta(days=rng.randint(0, 100)), rng)
        with time_machine.travel(moment, tick=False):
            case = concern_services.submit_concern(
                category=Category.objects.get(code=rng.choice(codes[:3])),
                commune=Commune.objects.get(ons_code=ons_code),
                description="Fuite d'eau devant l'école",
                address=ADDRESS,
                name=NAME,
                phone=PHONE,
                email=EMAIL,
            ).case

        def later(gap: int) -> time_machine.travel:
            nonlocal moment
            moment = _at((moment + datetime.timedelta(days=gap)).date(), rng)
            return time_machine.travel(moment, tick=False)

        if rng.random() < 0.15:
            continue
        with later(rng.randint(0, 2)):
            case = services.fire(case=case, name="receive", actor=admin)
        for _round in range(2):
            if rng.random() < 0.2:
                break
            with later(rng.randint(1, 15)):
                case = concern_services.answer(
                    case=case, actor=admin, transition="resolve", public_answer="Réparé"
                )
            if rng.random() < 0.2:
                break
            with later(rng.randint(0, 5)):
                case = concern_services.rate(
                    case=case, score=rng.randint(1, 5), solved=rng.random() < 0.6
                )
            if case.status != "in_progress":
                break


# --- the independent recount -------------------------------------------------------------------


def _day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(ALGIERS).date()


def _month(moment: datetime.datetime) -> str:
    return _day(moment).strftime("%Y-%m")


def _shown(n: int) -> int | None:
    return n if n >= 5 else None


def _rank(values: list[int], tenths: int) -> int | None:
    """Nearest rank: the ceil(tenths/10 * n)-th smallest value, in integers."""
    if len(values) < 5:
        return None
    return sorted(values)[(tenths * len(values) + 9) // 10 - 1]


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole >= 5 else None


def recount(commune: Commune) -> tuple[dict[str, dict], dict[str, object]]:
    """Month -> every published figure, and the whole-period summary, from cases and events."""
    cal = calendar()
    facts = {
        pk: (_day(submitted), legal, due)
        for pk, submitted, legal, due in Case.objects.filter(
            commune=commune, kind="procedure", submitted_at__isnull=False
        ).values_list("pk", "submitted_at", "procedure__legal_deadline_days", "due_date")
    }
    events = CaseEvent.objects.filter(case_id__in=facts).order_by("case_id", "sequence")
    month = defaultdict(lambda: defaultdict(int))
    days_of = defaultdict(list)
    all_days: list[int] = []
    changes: dict[int, list[tuple[datetime.date, str]]] = defaultdict(list)
    totals: dict[str, int] = defaultdict(int)
    due_now: dict[int, datetime.date | None] = {}
    paused_on: dict[int, datetime.date] = {}
    for e in events.values_list("case_id", "kind", "from_status", "to_status", "created_at"):
        case_id, kind, frm, to, at = e
        submitted_on, legal, _final_due = facts[case_id]
        on, m = _day(at), _month(at)
        if case_id not in due_now:
            due_now[case_id] = cal.add_working_days(submitted_on, legal) if legal else None
        if to:
            changes[case_id].append((on, to))
        # The law's clock: a pause (waiting for the citizen) that began by the due date moves
        # it back by its working days.
        if to == "waiting_citizen":
            paused_on[case_id] = on
        if frm == "waiting_citizen" and case_id in paused_on:
            start = paused_on.pop(case_id)
            paused = cal.working_days_between(start, on)
            if due_now[case_id] is not None and paused and start <= due_now[case_id]:
                due_now[case_id] = cal.add_working_days(due_now[case_id], paused)
        if kind == "submitted":
            month[m]["received"] += 1
        elif kind == "reopened":
            month[m]["reopened"] += 1
        elif to in DECISIONS and frm not in DECISIONS:
            month[m]["decided"] += 1
            month[m][to] += 1
            due = due_now[case_id]
            days = cal.working_days_between(submitted_on, on)
            if due is not None:
                month[m]["with"] += 1
                month[m]["within"] += int(on <= due)
                days -= cal.working_days_between(cal.add_working_days(submitted_on, legal), due)
            days_of[m].append(max(days, 0))
            all_days.append(max(days, 0))
    # The engine's stored due date is the one our replay ends with.
    assert {pk: due_now.get(pk) for pk in facts} == {pk: f[2] for pk, f in facts.items()}
    concern_month = defaultdict(lambda: defaultdict(int))
    for kind, at, payload in CaseEvent.objects.filter(
        case__commune=commune,
        case__kind="concern",
        kind__in=["submitted", "resolved", "reopened", "rated"],
    ).values_list("kind", "created_at", "payload"):
        bucket = concern_month[_month(at)]
        bucket[kind] += 1
        if kind == "rated":
            bucket["score"] += payload["score"]
            bucket["solved"] += int(payload["solved"])
    months = sorted(set(month) | set(concern_month))
    out = {}
    for m in months:
        year, mm = map(int, m.split("-"))
        end = (datetime.date(year + mm // 12, mm % 12 + 1, 1)) - datetime.timedelta(days=1)
        # Open at the month's end: cases whose last status by then is an open one.
        still_open = 0
        for trail in changes.values():
            status = None
            for on, to in trail:
                if on <= end:
                    status = to
            still_open += status in OPEN
        c, k = month[m], concern_month[m]
        out[m] = {
            "received": _shown(c["received"]),
            "decided": _shown(c["decided"]),
            "open": _shown(still_open),
            "accepted": _shown(c["accepted"]),
            "refused": _shown(c["refused"]),
            "no_follow_up": _shown(c["no_follow_up"]),
            "reopened": _shown(c["reopened"]),
            "median_days": _rank(days_of[m], 5),
            "p90_days": _rank(days_of[m], 9),
            "within_deadline_pct": _pct(c["within"], c["with"]),
            "concerns_received": _shown(k["submitted"]),
            "concerns_resolved": _shown(k["resolved"]),
            "concerns_reopened": _shown(k["reopened"]),
            "concerns_rated": _shown(k["rated"]),
            "satisfaction": round(k["score"] / k["rated"], 1) if k["rated"] >= 5 else None,
            "solved_pct": _pct(k["solved"], k["rated"]),
        }
        for name in ("received", "decided", "with", "within"):
            totals[name] += c[name]
        for name in ("submitted", "resolved", "reopened", "rated", "score", "solved"):
            totals["c_" + name] += k[name]
    now_open = sum(trail[-1][1] in OPEN for trail in changes.values())
    summary = {
        "Cases received": _shown(totals["received"]),
        "Decisions": _shown(totals["decided"]),
        "Open now": _shown(now_open),
        "Median processing time (working days)": _rank(all_days, 5),
        "90% of cases decided within (working days)": _rank(all_days, 9),
        "Decided within the legal deadline": _pct(totals["within"], totals["with"]),
        "Concerns received": _shown(totals["c_submitted"]),
        "Concerns resolved": _shown(totals["c_resolved"]),
        "Concerns reopened (not solved)": _shown(totals["c_reopened"]),
        "Satisfaction (mean rating out of 5)": (
            round(totals["c_score"] / totals["c_rated"], 1) if totals["c_rated"] >= 5 else None
        ),
        "Citizens who say it is solved": _pct(totals["c_solved"], totals["c_rated"]),
    }
    return out, summary


# --- reading what is published -----------------------------------------------------------------

CSV_NAMES = (
    "received", "decided", "open", "accepted", "refused", "no_follow_up", "reopened",
    "median_days", "p90_days", "within_deadline_pct", "concerns_received", "concerns_resolved",
    "concerns_reopened", "concerns_rated", "satisfaction", "solved_pct",
)  # fmt: skip
TABLE_NAMES = (
    "received", "decided", "open", "accepted", "refused", "no_follow_up", "median_days",
    "p90_days", "within_deadline_pct", "concerns_received", "concerns_resolved",
    "concerns_reopened", "satisfaction", "solved_pct",
)  # fmt: skip
PERCENT = {"within_deadline_pct", "solved_pct"}
DASHED = {"within_deadline_pct", "satisfaction", "solved_pct"}  # shown "—" when withheld


def _csv_value(text: str) -> float | int | None:
    if text == "":
        return None
    return float(text) if "." in text else int(text)


def _cell(name: str, value: object) -> str:
    """How the page writes a figure (English page)."""
    if value is None:
        return "—" if name in DASHED else "<5"
    return f"{value} %" if name in PERCENT else str(value)


def _summary_text(label: str, value: object) -> str:
    if value is None:
        counts = {"Cases received", "Decisions", "Open now"} | {
            k for k in ("Concerns received", "Concerns resolved", "Concerns reopened (not solved)")
        }
        if label in counts:
            return "fewer than 5"
        if label in ("Satisfaction (mean rating out of 5)", "Citizens who say it is solved"):
            return "not shown (fewer than 5 ratings)"
        return "not shown (fewer than 5 cases)"
    if label == "Satisfaction (mean rating out of 5)":
        return f"{value} / 5"
    if label in ("Decided within the legal deadline", "Citizens who say it is solved"):
        return f"{value} %"
    return str(value)


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


@pytest.fixture
def laghouat_history(pilots):
    cache.clear()
    _history(pilots, random.Random(2026), "0301", n_cases=90, n_concerns=40)
    _history(pilots, random.Random(7), "0920", n_cases=8, n_concerns=4)  # elsewhere: not counted
    return Commune.objects.get(ons_code="0301")


def test_every_number_of_a_communes_page_and_csv_equals_an_independent_recount(
    client, laghouat_history
):
    commune = laghouat_history
    expected, summary = recount(commune)
    assert len(expected) >= 4
    # The recount is not trivially empty: figures shown and figures withheld both occur.
    flat = [v for row in expected.values() for v in row.values()]
    assert any(v is None for v in flat) and sum(isinstance(v, int) for v in flat) > 20

    text = client.get(f"/open-data/v1/monthly.csv?level=commune&area={commune.pk}").text
    published = {
        row["month"]: {name: _csv_value(row[name]) for name in CSV_NAMES}
        for row in csv.DictReader(io.StringIO(text))
    }
    assert published == expected

    page = client.get(f"/en/statistics/commune/{commune.pk}/").content.decode()
    rows = re.findall(r'<tr>\s*<th scope="row">(\d{4}-\d{2})</th>(.*?)</tr>', page, re.S)
    table = {
        m: [_text(td) for td in re.findall(r"<td>(.*?)</td>", cells, re.S)] for m, cells in rows
    }
    assert table == {
        m: [_cell(name, figures[name]) for name in TABLE_NAMES] for m, figures in expected.items()
    }
    shown = dict(
        (_text(dt), _text(dd)) for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", page, re.S)
    )
    assert {label: shown[label] for label in summary} == {
        label: _summary_text(label, value) for label, value in summary.items()
    }


COUNT_COLUMNS = {
    "received", "decided", "open", "accepted", "refused", "no_follow_up", "reopened",
    "concerns_received", "concerns_resolved", "concerns_reopened", "concerns_rated",
}  # fmt: skip


def test_no_statistics_page_or_file_shows_a_count_under_five_or_personal_data(
    client, laghouat_history
):
    commune = Commune.objects.select_related("daira").get(pk=laghouat_history.pk)
    places = [
        ("nation", 0),
        ("wilaya", commune.daira.wilaya_id),
        ("daira", commune.daira_id),
        ("commune", commune.pk),
    ]
    personal = [NAME, "Benali", PHONE, "550123456", EMAIL, ADDRESS, CASE_NAME, "Khelifi"]
    personal += [CASE_PHONE, "661234567", "Fuite d'eau devant"]
    personal += [c.reference for c in Case.objects.all()]
    for level, pk in places:
        query = f"level={level}&area={pk}"
        text = client.get(f"/open-data/v1/monthly.csv?{query}").text
        for row in csv.DictReader(io.StringIO(text)):
            for name in COUNT_COLUMNS:
                assert row[name] == "" or int(row[name]) >= 5, (level, row["month"], name)
        data = json.loads(client.get(f"/open-data/v1/monthly.json?{query}").content)
        for month in data["months"]:
            for name in COUNT_COLUMNS:
                assert month[name] is None or month[name] >= 5, (level, month["month"], name)
        published = text + json.dumps(data, ensure_ascii=False)
        for language in ("ar", "fr", "en"):
            url = f"/{language}/statistics/" + ("" if level == "nation" else f"{level}/{pk}/")
            page = client.get(url).content.decode()
            published += page
            for cells in re.findall(r'<th scope="row">\d{4}-\d{2}</th>(.*?)</tr>', page, re.S):
                values = dict(zip(TABLE_NAMES, re.findall(r"<td>(.*?)</td>", cells), strict=True))
                for name in COUNT_COLUMNS & set(values):
                    assert values[name] == "&lt;5" or int(values[name]) >= 5, (language, level)
        for secret in personal:
            assert secret not in published, (level, secret)
