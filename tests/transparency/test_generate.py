"""The synthetic country: valid trails, plausible statuses, and roll-ups equal to a recount."""

from __future__ import annotations

from django.core.management import call_command

from baladiya.cases.models import Case
from baladiya.cases.trail import verify_all
from baladiya.transparency import rollups
from baladiya.transparency.models import MonthlyStat


def test_a_small_synthetic_country_has_intact_trails_and_matching_statistics(db):
    call_command("generate_national_dataset", cases=300, verbosity=0)
    assert Case.objects.filter(kind="procedure").count() == 300
    assert Case.objects.filter(kind="concern").count() == 75  # a quarter as many concerns
    assert list(verify_all()) == []
    statuses = set(Case.objects.filter(kind="procedure").values_list("status", flat=True))
    assert {"accepted", "closed"} <= statuses
    concern_statuses = set(Case.objects.filter(kind="concern").values_list("status", flat=True))
    assert {"closed", "resolved"} <= concern_statuses
    from baladiya.concerns.models import Concern

    assert Concern.objects.filter(satisfaction__isnull=False).exists()
    assert Concern.objects.filter(reopen_count=1).exists()
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
    concerns = MonthlyStat.objects.filter(level=0, subject_kind="all_concerns")
    assert sum(r.received for r in concerns) == 75
    from baladiya.cases.models import CaseEvent

    assert sum(r.rated for r in concerns) == CaseEvent.objects.filter(kind="rated").count() > 0
    assert sum(r.reopened for r in concerns) == Concern.objects.filter(reopen_count=1).count()
