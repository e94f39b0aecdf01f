"""The synthetic country: valid trails, plausible statuses, and roll-ups equal to a recount."""

from __future__ import annotations

from django.core.management import call_command

from baladiya.cases.models import Case
from baladiya.cases.trail import verify_all
from baladiya.transparency import rollups
from baladiya.transparency.models import MonthlyStat


def test_a_small_synthetic_country_has_intact_trails_and_matching_statistics(db):
    call_command("generate_national_dataset", cases=300, verbosity=0)
    assert Case.objects.count() == 300
    assert list(verify_all()) == []
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {"accepted", "closed"} <= statuses
    stored = {
        (r.level, r.area_id, r.subject_kind, r.subject_id, r.month, r.days): {
            c: getattr(r, c) for c in rollups.ALL_COUNTERS
        }
        for r in MonthlyStat.objects.all()
    }
    assert stored == {k: dict(v) for k, v in rollups.compute_from_raw().items()}
    # Independent recount: cases submitted per month in the nation, straight from the cases.
    received = sum(r.received for r in MonthlyStat.objects.filter(level=0, subject_kind="all"))
    assert received == 300
