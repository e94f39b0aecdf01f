"""Working days: Friday–Saturday weekend, public holidays, corrections, deadlines, pauses."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from baladiya.core import calendar as calendar_module
from baladiya.core.calendar import ALGIERS, WorkingCalendar, calendar, clear_calendar_cache
from baladiya.core.models import CalendarException

DAY_OFF = CalendarException.Kind.DAY_OFF
WORKING_DAY = CalendarException.Kind.WORKING_DAY

# Package holidays only: no exception, so no database.
PACKAGE = WorkingCalendar(years=range(2025, 2030), exceptions=[])
# With corrections like an administrator's: an extra day off on a Tuesday, a worked Saturday,
# and the estimated Awal Muharram 2026 moved one day later.
CORRECTED = WorkingCalendar(
    years=range(2025, 2030),
    exceptions=[
        CalendarException(date=date(2026, 2, 10), kind=DAY_OFF, name_fr="Pont", name_ar="جسر"),
        CalendarException(date=date(2027, 3, 6), kind=WORKING_DAY, name_fr="Rattrapage"),
        CalendarException(date=date(2026, 6, 16), kind=WORKING_DAY, name_fr="Déplacé"),
        CalendarException(date=date(2026, 6, 17), kind=DAY_OFF, name_fr="Awal Moharram"),
    ],
)
CALENDARS = st.sampled_from([PACKAGE, CORRECTED])


def at(day: date, hour: int = 10) -> datetime:
    """An aware datetime in Algiers."""
    return datetime.combine(day, time(hour), tzinfo=ALGIERS)


def naive_is_working(cal: WorkingCalendar, day: date) -> bool:
    """The definition, read literally."""
    exceptions = cal._exceptions
    if day in exceptions:
        return exceptions[day].kind == WORKING_DAY
    package = holidays.country_holidays("DZ", years=day.year)
    return day.weekday() not in (4, 5) and day not in package


@pytest.fixture(autouse=True)
def _no_shared_calendar():
    clear_calendar_cache()
    yield
    clear_calendar_cache()


# The usual calendar


def test_friday_and_saturday_are_off_sunday_to_thursday_are_worked():
    week = [date(2026, 2, 8) + timedelta(days=i) for i in range(7)]  # Sunday 8 to Saturday 14
    assert [d.strftime("%a") for d in week] == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    assert [PACKAGE.is_working_day(d) for d in week] == [True] * 5 + [False] * 2
    assert PACKAGE.holiday_name(date(2026, 2, 13)) is None  # the weekend is no holiday


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028])
@pytest.mark.parametrize(
    ("month", "day", "english"),
    [
        (1, 1, "New Year's Day"),
        (1, 12, "Amazigh New Year"),
        (5, 1, "Labor Day"),
        (7, 5, "Independence Day"),
        (11, 1, "Revolution Day"),
    ],
)
def test_fixed_holidays_are_off(year, month, day, english):
    holiday = date(year, month, day)
    assert not PACKAGE.is_working_day(holiday)
    with translation.override("en"):
        # Two holidays on one day are joined: 5 July 2025 was also Ashura (estimated).
        assert english in (PACKAGE.holiday_name(holiday) or "").split("; ")


def test_1_november_2026_is_a_sunday_and_a_holiday_named_in_each_language():
    revolution = date(2026, 11, 1)
    assert revolution.weekday() == 6
    assert not PACKAGE.is_working_day(revolution)
    assert PACKAGE.is_working_day(date(2026, 11, 2))
    names = {}
    for language in ["ar", "fr", "en", "kab"]:
        with translation.override(language):
            names[language] = PACKAGE.holiday_name(revolution)
    assert names == {
        "ar": "عيد الثورة",
        "fr": "Fête de la Révolution",
        "en": "Revolution Day",
        "kab": names["kab"],
    }
    assert names["kab"]


def test_the_eids_of_2026_estimated_by_the_package_are_off():
    package = holidays.country_holidays("DZ", years=2026, language="en_US")
    eids = sorted(d for d, name in package.items() if name.startswith("Eid"))
    assert len(eids) >= 4  # Eid al-Fitr and Eid al-Adha, several days each
    assert {d.month for d in eids} == {3, 5}
    for day in eids:
        assert not PACKAGE.is_working_day(day), day
        with translation.override("en"):
            assert "(estimated)" in (PACKAGE.holiday_name(day) or "")


def test_other_islamic_holidays_of_2026_are_off():
    package = holidays.country_holidays("DZ", years=2026, language="en_US")
    names = {name.removesuffix(" (estimated)") for name in package.values()}
    assert {"Islamic New Year", "Ashura", "Prophet's Birthday"} <= names
    for day, name in package.items():
        assert not PACKAGE.is_working_day(day), (day, name)


# Administrators' exceptions


@pytest.mark.django_db
def test_a_day_off_on_a_tuesday_and_a_worked_holiday():
    tuesday, eid_estimated, eid_confirmed = date(2026, 2, 10), date(2026, 6, 16), date(2026, 6, 17)
    assert calendar().is_working_day(tuesday)
    assert not calendar().is_working_day(eid_estimated)
    assert calendar().is_working_day(eid_confirmed)

    CalendarException.objects.create(
        date=tuesday, kind=DAY_OFF, name_fr="Journée exceptionnelle", name_ar="يوم استثنائي"
    )
    CalendarException.objects.create(date=eid_estimated, kind=WORKING_DAY, name_fr="Déplacé")
    CalendarException.objects.create(
        date=eid_confirmed, kind=DAY_OFF, name_fr="Awal Moharram", name_ar="أول محرم"
    )

    cal = calendar()
    assert not cal.is_working_day(tuesday)
    assert cal.is_working_day(eid_estimated)
    assert not cal.is_working_day(eid_confirmed)
    assert cal.holiday_name(eid_estimated) is None
    with translation.override("ar"):
        assert cal.holiday_name(eid_confirmed) == "أول محرم"
    with translation.override("en"):  # no English name: French
        assert cal.holiday_name(tuesday) == "Journée exceptionnelle"
    # The deadline arithmetic follows: Monday 9 + 1 skips Tuesday 10.
    assert cal.add_working_days(date(2026, 2, 9), 1) == date(2026, 2, 11)


@pytest.mark.django_db
def test_a_worked_saturday():
    saturday = date(2026, 2, 14)
    CalendarException.objects.create(date=saturday, kind=WORKING_DAY, name_fr="Rattrapage")
    assert calendar().is_working_day(saturday)
    assert calendar().add_working_days(date(2026, 2, 12), 1) == saturday


@pytest.mark.django_db
def test_the_shared_calendar_is_reused_and_sees_a_new_exception_at_once():
    tuesday = date(2026, 2, 10)
    shared = calendar()
    assert shared.is_working_day(tuesday)
    assert calendar() is shared

    exception = CalendarException.objects.create(date=tuesday, kind=DAY_OFF, name_fr="Pont")
    assert not calendar().is_working_day(tuesday)

    exception.kind = WORKING_DAY
    exception.save()
    assert calendar().is_working_day(tuesday)

    exception.kind = DAY_OFF
    exception.save()
    exception.delete()
    assert calendar().is_working_day(tuesday)


@pytest.mark.django_db
def test_the_writer_sees_its_change_others_see_it_at_commit(django_capture_on_commit_callbacks):
    tuesday = date(2026, 2, 10)
    shared = calendar()
    assert shared.is_working_day(tuesday)
    with django_capture_on_commit_callbacks(execute=True):
        CalendarException.objects.create(date=tuesday, kind=DAY_OFF, name_fr="Pont")
        # Before commit the shared copy stays (others must not see uncommitted rows) ...
        assert calendar_module._shared is not None and calendar_module._shared[1] is shared
        # ... and this transaction gets its own, which sees its write.
        assert calendar() is not shared
        assert not calendar().is_working_day(tuesday)
    # At commit the shared copy is dropped.
    assert calendar_module._shared is None


@pytest.mark.django_db
def test_a_rolled_back_exception_leaves_nothing_behind():
    tuesday = date(2026, 2, 10)
    shared = calendar()
    with pytest.raises(RuntimeError), transaction.atomic():
        CalendarException.objects.create(date=tuesday, kind=DAY_OFF, name_fr="Pont")
        assert not calendar().is_working_day(tuesday)
        raise RuntimeError
    assert calendar() is shared
    assert calendar().is_working_day(tuesday)


@pytest.mark.django_db
def test_the_shared_calendar_expires(monkeypatch):
    first = calendar()
    monkeypatch.setattr(calendar_module, "CACHE_SECONDS", 0.0)
    clear_calendar_cache()
    assert calendar() is not first
    assert calendar() is not calendar()


@pytest.mark.django_db
def test_one_query_for_the_exceptions_of_the_years_covered(django_assert_num_queries):
    CalendarException.objects.create(date=date(2026, 2, 10), kind=DAY_OFF, name_fr="Pont")
    CalendarException.objects.create(date=date(2030, 2, 12), kind=DAY_OFF, name_fr="Plus tard")
    cal = WorkingCalendar(years=range(2025, 2029))
    with django_assert_num_queries(1):
        assert cal.working_days_between(date(2025, 1, 1), date(2028, 12, 31)) > 900
        assert not cal.is_working_day(date(2026, 2, 10))
        assert cal.holiday_name(date(2026, 2, 10)) == "Pont"
        assert cal.add_working_days(date(2028, 12, 1), 5) == date(2028, 12, 10)
    with django_assert_num_queries(1):  # 2029 and 2030, beyond the span, in one more query
        assert not cal.is_working_day(date(2030, 2, 12))
        assert cal.is_working_day(date(2029, 2, 13))
    with django_assert_num_queries(0):
        cal.working_days_between(date(2025, 1, 1), date(2030, 12, 31))


@pytest.mark.django_db
def test_the_admin_lists_filters_and_searches_exceptions(admin_client):
    CalendarException.objects.create(date=date(2026, 6, 17), kind=DAY_OFF, name_fr="Awal Moharram")
    CalendarException.objects.create(date=date(2026, 6, 16), kind=WORKING_DAY, name_fr="Déplacé")
    url = reverse("admin:core_calendarexception_changelist")
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Awal Moharram" in response.text and "Déplacé" in response.text

    # The rows listed, not the page's text: in French the "usual holiday" column of 16 June
    # reads "Awal Moharram (estimé)" (the package's estimate), whatever the filter.
    def listed(**query: str) -> set[str]:
        return {e.name_fr for e in admin_client.get(url, query).context["cl"].result_list}

    assert listed(kind__exact="working_day") == {"Déplacé"}
    assert listed(q="moharram") == {"Awal Moharram"}
    add = admin_client.get(reverse("admin:core_calendarexception_add"))
    assert add.status_code == 200


# Adding and counting working days


def test_thursday_29_october_2026_plus_two_working_days_is_tuesday_3_november():
    thursday = date(2026, 10, 29)
    assert PACKAGE.add_working_days(thursday, 0) == thursday
    assert PACKAGE.add_working_days(thursday, 1) == date(2026, 11, 2)  # Fri, Sat, 1 Nov skipped
    assert PACKAGE.add_working_days(thursday, 2) == date(2026, 11, 3)
    assert PACKAGE.working_days_between(thursday, date(2026, 11, 3)) == 2


def test_day_0_of_a_day_off_is_the_next_working_day():
    friday = date(2026, 10, 30)
    assert PACKAGE.add_working_days(friday, 0) == date(2026, 11, 2)
    assert PACKAGE.add_working_days(friday, 2) == date(2026, 11, 4)
    assert PACKAGE.add_working_days(date(2026, 11, 1), 0) == date(2026, 11, 2)


def test_counting_is_half_open_and_zero_backwards():
    monday = date(2026, 11, 2)
    assert PACKAGE.working_days_between(monday, monday) == 0
    assert PACKAGE.working_days_between(monday, date(2026, 10, 1)) == 0
    assert PACKAGE.working_days_between(date(2026, 10, 29), monday) == 1
    assert PACKAGE.working_days_between(date(2026, 10, 30), date(2026, 11, 1)) == 0


def test_counting_over_the_new_year():
    # Wed 31 Dec 2025 → Sun 4 Jan 2026: Thu 1 Jan holiday, Fri–Sat weekend, Sun worked.
    assert PACKAGE.working_days_between(date(2025, 12, 31), date(2026, 1, 4)) == 1
    assert PACKAGE.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)
    assert PACKAGE.working_days_between(date(2025, 1, 1), date(2026, 1, 1)) == sum(
        naive_is_working(PACKAGE, date(2025, 1, 2) + timedelta(days=i)) for i in range(365)
    )


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        PACKAGE.add_working_days(date(2026, 11, 2), -1)
    with pytest.raises(ValueError):
        PACKAGE.due_date(at(date(2026, 11, 2)), -1)


# Due dates and pauses


def test_due_date_counts_from_the_submission_date_in_algiers():
    # 23:30 UTC on Wednesday 28 October is 00:30 on Thursday 29 in Algiers (UTC+1).
    late = datetime(2026, 10, 28, 23, 30, tzinfo=UTC)
    assert PACKAGE.due_date(late, 2) == date(2026, 11, 3)
    assert PACKAGE.due_date(late, 0) == date(2026, 10, 29)
    with pytest.raises(ValueError):
        PACKAGE.due_date(datetime(2026, 10, 29, 10), 2)  # naive


def test_a_pause_extends_the_due_date_by_the_working_days_paused():
    start = at(date(2026, 2, 8))  # Sunday
    base = PACKAGE.due_date(start, 10)
    assert base == date(2026, 2, 22)
    # Stopped Tuesday 10, restarted Sunday 15: Wed 11, Thu 12 and Sun 15 are paused.
    pause = (at(date(2026, 2, 10), 9), at(date(2026, 2, 15), 14))
    assert PACKAGE.working_days_between(date(2026, 2, 10), date(2026, 2, 15)) == 3
    assert PACKAGE.due_date(start, 10, [pause]) == date(2026, 2, 25)
    assert PACKAGE.due_date(start, 10, [pause]) == PACKAGE.add_working_days(base, 3)
    # Two pauses add up; the same pause twice, or overlapping ones, count once.
    second = (at(date(2026, 2, 17)), at(date(2026, 2, 18)))
    assert PACKAGE.due_date(start, 10, [second, pause]) == date(2026, 2, 26)
    assert PACKAGE.due_date(start, 10, [pause, pause]) == date(2026, 2, 25)
    overlapping = (at(date(2026, 2, 11)), at(date(2026, 2, 16)))
    assert PACKAGE.due_date(start, 10, [pause, overlapping]) == date(2026, 2, 26)


def test_pauses_outside_the_running_delay_change_nothing():
    start = at(date(2026, 2, 8))
    before = (at(date(2026, 1, 20)), at(date(2026, 2, 8), 9))
    same_day = (at(date(2026, 2, 10), 9), at(date(2026, 2, 10), 16))
    after = (at(date(2026, 2, 23)), at(date(2026, 3, 10)))
    assert PACKAGE.due_date(start, 10, [before, same_day, after]) == date(2026, 2, 22)
    with pytest.raises(ValueError):
        PACKAGE.due_date(start, 10, [(at(date(2026, 2, 12)), at(date(2026, 2, 11)))])


def test_an_open_pause_is_taken_to_end_today(time_machine):
    start = at(date(2026, 2, 8))
    open_pause = (at(date(2026, 2, 10)), None)
    # Today Thursday 12: Wed 11 and Thu 12 paused.
    assert PACKAGE.due_date(start, 10, [open_pause], now=at(date(2026, 2, 12))) == date(2026, 2, 24)
    time_machine.move_to(at(date(2026, 2, 15), 12))  # Sunday: Wed, Thu and Sun paused
    assert PACKAGE.due_date(start, 10, [open_pause]) == date(2026, 2, 25)


# Properties, over 2025–2028, with and without administrators' exceptions

any_days = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))
counts = st.integers(min_value=0, max_value=200)


@given(CALENDARS, any_days)
def test_is_working_day_is_the_definition(cal, day):
    assert cal.is_working_day(day) == naive_is_working(cal, day)


@given(CALENDARS, any_days, counts)
def test_the_result_is_a_working_day(cal, start, n):
    assert cal.is_working_day(cal.add_working_days(start, n))


@given(CALENDARS, any_days, counts, counts)
def test_adding_is_increasing_in_n(cal, start, a, b):
    a, b = sorted((a, b))
    if a < b:
        assert cal.add_working_days(start, a) < cal.add_working_days(start, b)
    assert cal.add_working_days(start, a) <= cal.add_working_days(start, b)


@given(CALENDARS, any_days, counts)
def test_counting_undoes_adding(cal, start, n):
    if cal.is_working_day(start):
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n
    else:  # day 0 is the next working day, which the count includes
        assert cal.working_days_between(start, cal.add_working_days(start, n)) == n + 1


@given(CALENDARS, any_days, counts, counts)
def test_adding_composes(cal, start, a, b):
    start = cal.add_working_days(start, 0)  # a working day
    assert cal.add_working_days(start, a + b) == cal.add_working_days(
        cal.add_working_days(start, a), b
    )


@given(CALENDARS, any_days, any_days)
def test_counting_is_the_day_by_day_count(cal, start, end):
    expected = sum(
        cal.is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )
    assert cal.working_days_between(start, end) == expected


pause_spans = st.tuples(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    st.integers(min_value=0, max_value=40),
)


@given(
    CALENDARS,
    st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    st.integers(min_value=0, max_value=60),
    st.lists(pause_spans, max_size=4),
)
def test_due_date_is_the_day_the_running_working_days_reach_the_delay(cal, start, n, spans):
    pauses = [(at(a), at(a + timedelta(days=length))) for a, length in spans]

    def paused(day: date) -> bool:
        return any(a < day <= a + timedelta(days=length) for a, length in spans)

    # Walk day by day from day 0, counting working days that are not paused.
    due, running = cal.add_working_days(start, 0), 0
    while running < n:
        due += timedelta(days=1)
        running += cal.is_working_day(due) and not paused(due)
    assert cal.due_date(at(start), n, pauses) == due
