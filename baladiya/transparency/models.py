"""Monthly roll-ups of cases (and, after the concerns merge, of concerns), for public statistics.

One row per (area level, area, subject, month, bucket). Every event that changes a count
upserts the rows of its commune, daïra, wilaya and the nation, for its procedure and for "all
procedures", in ONE statement (see ``rollups.py``). Pages read a handful of these rows and never
scan cases. ``days = -1`` rows hold the totals; ``days >= 0`` rows are the histogram of
processing times (working days, waiting for the citizen excluded), their count in ``decided``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    NATION = 0, _("Nation")
    WILAYA = 1, _("Wilaya")
    DAIRA = 2, _("Daïra")
    COMMUNE = 3, _("Commune")


class SubjectKind(models.TextChoices):
    ALL = "all", _("All procedures")
    PROCEDURE = "procedure", _("Procedure")
    # Filled once concerns (cases.Case.kind == "concern") are merged; see docs/transparency.md.
    CONCERN_CATEGORY = "concern_category", _("Concern category")
    ALL_CONCERNS = "all_concerns", _("All concerns")


TOTALS = -1  # the ``days`` of a totals row


class MonthlyStat(models.Model):
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    area_id = models.IntegerField(help_text="Commune, daïra or wilaya id; 0 for the nation.")
    subject_kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    subject_id = models.IntegerField(help_text="Procedure (or concern category) id; 0 for all.")
    month = models.DateField(help_text="First day of the month (Algiers time).")
    days = models.SmallIntegerField(
        default=TOTALS, help_text="-1: totals; n >= 0: cases decided in n working days."
    )
    received = models.IntegerField(default=0, db_default=0)
    decided = models.IntegerField(default=0, db_default=0)
    accepted = models.IntegerField(default=0, db_default=0)
    refused = models.IntegerField(default=0, db_default=0)
    no_follow_up = models.IntegerField(default=0, db_default=0)
    with_deadline = models.IntegerField(default=0, db_default=0)
    within_deadline = models.IntegerField(default=0, db_default=0)
    reopened = models.IntegerField(default=0, db_default=0)
    # Concerns only (NULL on procedure rows): resolved, ratings and their sum, "solved" answers.
    resolved = models.IntegerField(null=True, blank=True)
    rated = models.IntegerField(null=True, blank=True)
    score_sum = models.IntegerField(null=True, blank=True)
    solved = models.IntegerField(null=True, blank=True)
    # Set by every upsert: the open data's update time is the newest national row's.
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name = _("monthly statistic")
        verbose_name_plural = _("monthly statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["level", "area_id", "subject_kind", "subject_id", "month", "days"],
                name="monthlystat_key",
            )
        ]
        indexes = [
            # Supervision reads one month range of totals for many communes at once.
            models.Index(
                fields=["level", "subject_kind", "subject_id", "days", "month", "area_id"],
                name="monthlystat_by_month",
            ),
            # The percentiles read an area's whole histogram (one row per month and number of
            # days): with ``decided`` in the index that is an index-only scan, flat as the
            # nation's histogram grows (1,580 rows: 10 ms from the table, 0.7 ms from here).
            models.Index(
                fields=["level", "area_id", "subject_kind", "subject_id", "month", "days"],
                include=["decided"],
                condition=models.Q(days__gte=0),
                name="monthlystat_histogram",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.area_id} {self.subject_kind}/{self.subject_id} {self.month}"


class OpenBacklog(models.Model):
    """Open cases of a commune counted per day, for supervision (see ``backlog.py``).

    Two series per commune: open cases by the Algiers date of their submission
    (``kind = SUBMITTED_ON``) and cases whose legal clock runs by their due date
    (``kind = DUE_ON``). Nothing here says "overdue": that is read as the sum of the DUE_ON rows
    before today, and the backlog age as the oldest SUBMITTED_ON day still counting a case, so
    both follow the calendar without any job. Each case event moves a count by one, in the
    same transaction; a count back to zero stays as a row (the partial index skips it).
    """

    SUBMITTED_ON = 0
    DUE_ON = 1

    commune_id = models.IntegerField()
    kind = models.PositiveSmallIntegerField(
        choices=[(SUBMITTED_ON, "submitted on"), (DUE_ON, "due on")]
    )
    day = models.DateField()
    cases = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("open backlog")
        verbose_name_plural = _("open backlog")
        constraints = [
            models.UniqueConstraint(fields=["commune_id", "kind", "day"], name="openbacklog_key")
        ]
        # Reads only look at days that still count cases: zeros left by closed cases cost
        # nothing however long the history. The count is in the index too, so supervision
        # reads the index alone (at 2M cases, 7,600 rows for a page of 100 communes: 3.2 ms
        # through the table, 1.4 ms from the index).
        indexes = [
            models.Index(
                fields=["commune_id", "kind", "day"],
                include=["cases"],
                condition=models.Q(cases__gt=0),
                name="openbacklog_covering",
            )
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.kind} {self.day}: {self.cases}"


class CommuneStanding(models.Model):
    """One commune as supervision shows it today: its open backlog and this month's totals.

    One row per commune, moved in the same transaction as every case event that changes a
    status or counts (``standing.py``), so that the dashboard reads its 100 communes as one
    small scan instead of their per-day backlog (``OpenBacklog``) and monthly rows. Overdue
    follows the calendar without a job: ``overdue_before`` counts the clock-running cases due
    before ``due_from``, and a read adds the ``OpenBacklog`` due days from there to yesterday.
    """

    commune_id = models.IntegerField(primary_key=True)
    open_cases = models.IntegerField(default=0)
    oldest_open = models.DateField(null=True, blank=True)  # the oldest open case's submission day
    overdue_before = models.IntegerField(default=0)
    due_from = models.DateField()
    # This month's commune totals (all procedures; ratings of all concerns); None: no event yet.
    month = models.DateField(null=True, blank=True)
    received = models.IntegerField(default=0)
    decided = models.IntegerField(default=0)
    with_deadline = models.IntegerField(default=0)
    within_deadline = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    score_sum = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("commune standing")
        verbose_name_plural = _("commune standings")

    def __str__(self) -> str:
        return f"{self.commune_id}: {self.open_cases} open"


# --- exports (supervision tables prepared in the background) -----------------------------------


class ExportKind(models.TextChoices):
    SUPERVISION = "supervision", _("Supervision: communes side by side")
    OVERDUE = "overdue", _("Overdue cases of a commune")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (XLSX)"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Export(models.Model):
    """A spreadsheet a staff member asked for, prepared by a worker (``exports.run``).

    Only the requester may download it. ``params`` says what to build (sort, commune), never
    the rows: the worker recomputes them with the requester's rights at run time. The file is
    in the default storage (private), under an unguessable name, until ``expires_at``.
    """

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports"
    )
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="fr")
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    file = models.FileField(max_length=255, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # "My exports", newest first; the sweep's look-ups of pending and running rows.
            models.Index(fields=["requested_by", "-created_at"], name="export_by_requester"),
            models.Index(fields=["status", "created_at"], name="export_by_status"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.format} ({self.status})"
