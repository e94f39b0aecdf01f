"""Supervision: the communes below a supervisor side by side, sorted, 100 a page.

Built to stay flat for 1,541 communes and millions of cases, without a cache of the figures:

- the communes (names, daïra, wilaya, the APC's path for scoping) are kept in this process's
  memory (:class:`_Territory`, through ``core.memo`` like the statistics' reference
  data: dropped on any save of a commune, daïra, wilaya or structure, and after a while), and
  which of them a set of grants reaches is worked out once per set with ``Scope.can``;
- this month's volumes, deadline compliance and satisfaction, and open, overdue and backlog
  age, come from one row per commune (``standing.py``), kept with every case event; the
  settled months from the monthly roll-ups, read once by the process (``settled``);
- only the figures the order needs are read for every commune (none when sorted by name); the
  rest only for the rows of the page shown.

So the page sorted by name costs the session plus one small query, whatever the country's
size (at 2M cases, 100 communes' rows in 0.3 ms where their per-day backlog and monthly rows
took ~2 ms).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from baladiya.cases.models import Case
from baladiya.cases.workflow import CLOCK_RUNNING
from baladiya.core import memo
from baladiya.core.html import escape
from baladiya.organisation.models import Structure, StructureKind
from baladiya.organisation.scoping import Permission, Scope
from baladiya.territory.models import Commune
from baladiya.transparency import backlog, rollups, settled, standing, suppression
from baladiya.transparency.backlog import Backlog

SORTS = (
    "name",
    "received",
    "decided",
    "open",
    "overdue",
    "backlog_days",
    "within_deadline_pct",
    "satisfaction",
)
_FROM_STATS = {"received", "decided", "within_deadline_pct", "satisfaction"}
_FROM_BACKLOG = {"open", "overdue", "backlog_days"}


@dataclass
class CommuneRow:
    """Plain values only (no model instances): cheap to cache and to unpickle."""

    commune_id: int
    name: str
    daira_name: str
    wilaya_name: str
    received: int = 0
    decided: int = 0
    open: int = 0
    overdue: int = 0
    backlog_days: int | None = None
    within_deadline_pct: float | None = None
    satisfaction: float | None = None  # mean rating of concerns, withheld under 5 ratings


# --- the communes, in memory -------------------------------------------------------------------


class Place(NamedTuple):
    """A supervised commune as the dashboard names it, in one language."""

    pk: int
    name: str
    daira_name: str
    wilaya_name: str


class _Territory:
    """Every commune with its APC (for scoping) and names, loaded in two queries."""

    def __init__(self) -> None:
        communes = {c.pk: c for c in Commune.objects.select_related("daira__wilaya")}
        apcs = Structure.objects.filter(kind=StructureKind.COMMUNE, commune__isnull=False).only(
            "pk", "path", "commune_id"
        )
        self.places: list[tuple[Structure, Commune]] = sorted(
            ((apc, communes[apc.commune_id]) for apc in apcs if apc.commune_id in communes),
            key=lambda place: (place[1].name_fr, place[1].pk),
        )
        # Per set of grants and language: the places it reaches, named and in name order. A
        # handful of sets exist at a time (the ministry, 69 wilayas, the daïras); bounded anyway.
        self.reached: dict[tuple, list[Place]] = {}

    def reached_by(self, scope: Scope, language: str) -> list[Place]:
        """Called with ``language`` active: names are read once here, not on every page."""
        key = (_grants_key(scope), language)
        found = self.reached.get(key)
        if found is None:
            found = [
                Place(c.pk, c.name, c.daira.name, str(c.daira.wilaya))
                for apc, c in self.places
                if scope.can(Permission.VIEW_SUPERVISION, apc)
            ]
            found.sort(key=lambda place: place.name)  # the reader's language
            if len(self.reached) > 1000:
                self.reached.clear()
            self.reached[key] = found
        return found


def _loaded_territory() -> _Territory:
    return memo.memoised(("supervision", "territory"), _Territory)


def _grants_key(scope: Scope) -> tuple:
    if scope.is_platform_admin:
        return ("all",)
    return tuple(
        sorted(
            (g.path, g.structure_id, g.role)
            for _r, g in scope._reaches(Permission.VIEW_SUPERVISION)
        )
    )


def supervised_communes(scope: Scope) -> QuerySet[Commune]:
    structures = scope.structures(Permission.VIEW_SUPERVISION).filter(kind=StructureKind.COMMUNE)
    return Commune.objects.filter(pk__in=structures.values("commune_id")).select_related(
        "daira__wilaya"
    )


def may_supervise(scope: Scope) -> bool:
    return scope.is_platform_admin or bool(scope._reaches(Permission.VIEW_SUPERVISION))


def reach(scope: Scope) -> list[str]:
    """The structure paths whose communes a supervisor's tables cover ("*": the platform's
    administrators, everything)."""
    if scope.is_platform_admin:
        return ["*"]
    return sorted({g.path for _r, g in scope._reaches(Permission.VIEW_SUPERVISION)})


def covers(scope: Scope, paths: list[str]) -> bool:
    """Whether ``scope`` still reaches everything a table made for ``paths`` (see :func:`reach`)
    showed: a supervisor moved to another wilaya no longer reads the first one's."""
    mine = reach(scope)
    if mine == ["*"]:
        return True
    return all(p != "*" and any(p.startswith(m) for m in mine) for p in paths)


# --- the figures -------------------------------------------------------------------------------


class _Stats(NamedTuple):
    """A commune's figures from the roll-ups (a tuple: 100 are built for each page)."""

    received: int = 0
    decided: int = 0
    within_deadline_pct: float | None = None
    satisfaction: float | None = None


_NO_STATS = _Stats()
_NO_BACKLOG = Backlog()

# Over this many communes, scanning the month range of all communes beats probing the ids.
WIDE = 100


def _live_sums(
    rows: dict[int, standing.Standing], bound: datetime.date, today: datetime.date
) -> dict[int, rollups.CommuneSums] | None:
    """This month's sums from the communes' standing rows, or None when they do not hold the
    months still open (the first hour of a month, when last month is still open too)."""
    if not _only_open_month(bound, today, (row.month for row in rows.values())):
        return None
    # A row of an earlier month has counted nothing this month yet.
    return {commune_id: row.sums for commune_id, row in rows.items() if row.month == bound}


def _only_open_month(
    bound: datetime.date, today: datetime.date, months: Iterable[datetime.date | None]
) -> bool:
    """Whether ``bound`` is this month and the only one still open, and no standing row (of
    these ``months``) has moved past it: then the rows hold what is not settled."""
    return bound == today.replace(day=1) and all(m is None or m <= bound for m in months)


def _stats(
    commune_ids: list[int] | None,
    months: int,
    today: datetime.date,
    rows: dict[int, standing.Standing],
) -> dict[int, _Stats]:
    """Volumes and deadline compliance (procedures) and satisfaction (concerns) per commune
    over ``months`` months: settled months from the roll-ups, this one from ``rows``.

    The settled months' sums of every commune are kept by the process (``settled``), read
    with the first page; later pages take this month from the communes' standing rows, read
    with their backlog (or, in the first hour of a month, the open months from the roll-ups).
    Plain SQL on purpose: built by the ORM (filtered aggregates, 100 ids) the same query cost
    twice its execution time in Python on a page whose whole budget is a few milliseconds.
    """
    since, bound = _window(months, today)
    key = ("supervision", since)
    old: dict[int, rollups.CommuneSums] | None
    old, generation = settled.lookup(key, bound)
    if old is None:
        old, live = rollups.commune_sums(None, since, bound)
        settled.keep(key, bound, old, generation)
    else:
        found = _live_sums(rows, bound, today)
        live = found if found is not None else rollups.commune_sums(commune_ids, bound, bound)[1]
    wanted = old.keys() | live.keys() if commune_ids is None else commune_ids
    out = {}
    for area_id in wanted:
        past, now = old.get(area_id), live.get(area_id)
        out[area_id] = _merged(past, now)
    return out


def _window(months: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first day of the ``months`` months to today (12: this one and 11), and the first
    day not settled yet within them."""
    year, month = divmod(today.year * 12 + today.month - 1 - (months - 1), 12)
    since = datetime.date(year, month + 1, 1)
    return since, max(settled.boundary(), since)


def _merged(past: rollups.CommuneSums | None, now: rollups.CommuneSums | None) -> _Stats:
    """A commune's figures from its settled months' sums and this month's (the defaults when
    it has neither: no roll-up row)."""
    if past is None and now is None:
        return _NO_STATS
    past, now = past or rollups.NO_SUMS, now or rollups.NO_SUMS
    # (received, decided, with the deadline, within it, rated, score sum), unrolled.
    rated = past[4] + now[4]
    return _Stats(
        past[0] + now[0],
        past[1] + now[1],
        suppression.share(past[3] + now[3], past[2] + now[2]),
        suppression.statistic(round((past[5] + now[5]) / rated, 1) if rated else None, rated),
    )


class Rows(Sequence[CommuneRow]):
    """The supervised communes in the asked order, figures read lazily.

    ``len()`` needs no query; a slice (a page) reads the figures of its rows only, except those
    the order itself needs, read once for every commune. Iterating gives every row (exports).
    """

    def __init__(self, places: list[Place], *, months: int, sort: str) -> None:
        self.places = places
        self.months = months
        self.sort = sort
        self.today = timezone.localdate()
        self._stats: dict[int, _Stats] | None = None
        self._backlog: dict[int, backlog.Backlog] | None = None
        self._order: list[Place] | None = None

    def _figures(
        self, ids: list[int] | None, rows: dict[int, standing.Standing] | None = None
    ) -> tuple[dict[int, _Stats], dict[int, Backlog]]:
        """The figures of these communes (all for ``None``): their standing rows (one query,
        unless given), and the settled months (kept by the process)."""
        if rows is None:
            rows = standing.read(ids, self.today)
        stats = _stats(ids, self.months, self.today, rows)
        return stats, {commune_id: row.backlog for commune_id, row in rows.items()}

    def __len__(self) -> int:
        return len(self.places)

    @overload
    def __getitem__(self, index: int) -> CommuneRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[CommuneRow]: ...
    def __getitem__(self, index: int | slice) -> CommuneRow | list[CommuneRow]:
        order = self.order()
        if isinstance(index, slice):
            return self._build(order[index])
        return self._build([order[index]])[0]

    def __iter__(self) -> Iterator[CommuneRow]:
        return iter(self._build(self.order()))

    def _all_ids(self) -> list[int] | None:
        return None if len(self.places) > WIDE else [p.pk for p in self.places]

    def order(self) -> list[Place]:
        if self._order is None:
            communes = list(self.places)  # already in name order
            field = self.sort.lstrip("-")
            descending = self.sort.startswith("-")
            if field in _FROM_STATS or field in _FROM_BACKLOG:
                self._stats, self._backlog = self._figures(self._all_ids())
            if field in _FROM_STATS:
                stats = self._stats or {}

                def value(c: Place) -> Any:
                    return getattr(stats.get(c.pk) or _NO_STATS, field)

            elif field in _FROM_BACKLOG:
                found = self._backlog or {}

                def value(c: Place) -> Any:
                    b = found.get(c.pk) or _NO_BACKLOG
                    return b.age_on(self.today) if field == "backlog_days" else getattr(b, field)

            elif field == "name" and descending:
                communes.reverse()
                value = None  # type: ignore[assignment]
            else:
                value = None  # type: ignore[assignment]
            if value is not None:
                # Communes without the figure (withheld, none yet) last either way; ties stay
                # in name order (sorts are stable, ``reverse`` included).
                known = [c for c in communes if value(c) is not None]
                known.sort(key=value, reverse=descending)
                communes = known + [c for c in communes if value(c) is None]
            self._order = communes
        return self._order

    def _build(
        self, communes: list[Place], rows: dict[int, standing.Standing] | None = None
    ) -> list[CommuneRow]:
        if not communes:
            return []
        whole = len(communes) == len(self.places)
        ids = None if whole and len(communes) > WIDE else [c.pk for c in communes]
        if self._stats is not None and self._backlog is not None:
            stats, open_ = self._stats, self._backlog
        else:
            stats, open_ = self._figures(ids, rows)
        today = self.today
        return [
            _row(c, stats.get(c.pk) or _NO_STATS, open_.get(c.pk) or _NO_BACKLOG, today)
            for c in communes
        ]

    def html(self, communes: Iterable[Place]) -> SafeString:
        """The ``<tr>`` of these communes (a page of the dashboard), as :func:`table_rows`.

        A row's HTML is kept by the process with what it was made from (the commune's names,
        the day, its standing row and its settled months' sums): the standing rows are read
        for every page, and only the rows whose figures changed since they were last shown
        are made again. At 2M cases over two years a commune has about one event per working
        hour, and a dashboard is looked at more often; made again, a row costs ~5 µs.
        """
        communes = list(communes)
        if self._stats is not None or not communes or len(communes) > WIDE:
            return table_rows(self._build(communes))  # the order's figures are read already
        since, bound = _window(self.months, self.today)
        old, _generation = settled.lookup(("supervision", since), bound)
        if old is None:  # a process's first page: it reads the settled months
            return table_rows(self._build(communes))
        found = {r[0]: r for r in standing.read_rows([c.pk for c in communes], self.today)}
        if not _only_open_month(bound, self.today, (r[4] for r in found.values())):
            # A month's first hour: last month is still open.
            parsed = {pk: standing.parse(r) for pk, r in found.items()}
            return table_rows(self._build(communes, parsed))
        before, after = _drill_link()  # in the reader's language: it keys the kept rows too
        out = []
        for commune in communes:
            raw, past = found.get(commune.pk), old.get(commune.pk)
            made_from = (commune, self.today, raw, past)
            key = (before, self.months, commune.pk)
            kept = _KEPT_ROWS.get(key)
            if kept is None or kept[0] != made_from:
                row = standing.parse(raw) if raw is not None else None
                now = row.sums if row is not None and row.month == bound else None
                open_ = row.backlog if row is not None else _NO_BACKLOG
                made = _row(commune, _merged(past, now), open_, self.today)
                kept = (made_from, _row_html(made, before, after))
                if len(_KEPT_ROWS) > MAX_KEPT_ROWS:
                    _KEPT_ROWS.clear()
                _KEPT_ROWS[key] = kept
            out.append(kept[1])
        return mark_safe("\n".join(out))  # noqa: S308 - made by _row_html, which escapes


# (drill-down URL's start, months, commune) → (what the row was made from, its HTML).
_KEPT_ROWS: dict[tuple[str, int, int], tuple[tuple, str]] = {}
MAX_KEPT_ROWS = 4 * 2000  # 1,541 communes in four languages


def forget_rows() -> None:
    """Drop the rows' HTML kept by :meth:`Rows.html` (the benchmark's "cold" page)."""
    _KEPT_ROWS.clear()


def _row(place: Place, s: _Stats, b: Backlog, today: datetime.date) -> CommuneRow:
    return CommuneRow(
        commune_id=place.pk,
        name=place.name,
        daira_name=place.daira_name,
        wilaya_name=place.wilaya_name,
        received=s.received,
        decided=s.decided,
        open=b.open,
        overdue=b.overdue,
        backlog_days=b.age_on(today),
        within_deadline_pct=s.within_deadline_pct,
        satisfaction=s.satisfaction,
    )


def rows(scope: Scope, *, months: int = 12, sort: str = "name") -> Rows:
    """The communes ``scope`` supervises, in ``sort`` order (a field of :class:`CommuneRow`,
    ``-`` for descending; unknown: by name). No query until a row or the order is read."""
    places = _loaded_territory().reached_by(scope, get_language() or "fr")
    return Rows(places, months=months, sort=sort if sort.lstrip("-") in SORTS else "name")


_NO_PK = 987654321  # stands for the commune in the reversed drill-down URL


def table_rows(page: Sequence[CommuneRow]) -> SafeString:
    """The ``<tr>`` of a page of the dashboard (see supervision.html).

    Built by one join rather than a template loop: 100 rows x 9 cells cost ~4 ms through the
    template engine (on a page whose budget is a few ms), ~0.3 ms here. Names are escaped;
    the other cells are numbers. The drill-down URL is reversed once for the page.
    """
    before, after = _drill_link()
    return mark_safe("\n".join(_row_html(r, before, after) for r in page))  # noqa: S308


def _drill_link() -> tuple[str, str]:
    """The drill-down URL in the active language, around the commune's id."""
    drill = reverse("transparency:supervision-overdue", kwargs={"pk": _NO_PK})
    before, after = drill.split(str(_NO_PK))
    return before, after


def _cell(value: object, suffix: str = "") -> str:
    return "<td>—</td>" if value is None else f"<td>{value}{suffix}</td>"


def _row_html(r: CommuneRow, before: str, after: str) -> str:
    """A row of the dashboard: its names escaped (``_heading``), the other cells numbers."""
    overdue = f'<a href="{before}{r.commune_id}{after}">{r.overdue}</a>' if r.overdue else "0"
    return (
        f"<tr>{_heading(r.name, r.daira_name)}<td>{r.received}</td><td>{r.decided}</td>"
        f"<td>{r.open}</td><td>{overdue}</td>{_cell(r.backlog_days)}"
        f"{_cell(r.within_deadline_pct, ' %')}{_cell(r.satisfaction)}</tr>"
    )


@functools.lru_cache(maxsize=8192)  # 1,541 communes in 4 languages
def _heading(name: str, daira_name: str) -> str:
    """A row's heading cell, its names escaped: the same text on every page, escaped once."""
    return f'<th scope="row">{escape(name)} <span class="muted">({escape(daira_name)})</span></th>'


def overdue_cases(scope: Scope, commune_id: int) -> QuerySet[Case]:
    """The overdue cases of a commune that this supervisor may open (scoped like the inbox)."""
    from baladiya.cases import selectors as case_selectors

    overdue = Q(status__in=CLOCK_RUNNING, due_date__lt=timezone.localdate())
    return (
        case_selectors.with_deadline_flags(
            case_selectors.visible_cases(scope).filter(overdue, commune_id=commune_id)
        )
        .select_related("procedure", "handling_structure")
        .order_by("due_date", "pk")
    )
