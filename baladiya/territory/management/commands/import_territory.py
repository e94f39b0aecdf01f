"""``manage.py import_territory FILE.csv [--dry-run]``: update the territory from an official
sheet. All or nothing: if any row is rejected, nothing is imported."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from baladiya.territory.services import (
    ApplyReport,
    TerritoryConflict,
    apply_territory,
    parse_territory_csv,
)


class Command(BaseCommand):
    help = (
        "Create or update wilayas, daïras and communes from a CSV sheet (UTF-8, ',' or ';'), "
        "one commune per row. Nothing is imported if any row is rejected."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the sheet and show what would change, without saving",
        )

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            with file.open("rb") as handle:
                parsed = parse_territory_csv(handle)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror or exc}
            ) from exc

        for rejection in parsed.rejections:
            self.stderr.write(str(rejection))
        if parsed.rejections:
            count = len(parsed.rejections)
            raise CommandError(
                ngettext(
                    "%(count)d line rejected: nothing was imported. Fix it and run again.",
                    "%(count)d lines rejected: nothing was imported. Fix them and run again.",
                    count,
                )
                % {"count": count}
            )
        if not parsed.rows:
            raise CommandError(_("The sheet has no commune rows: nothing was imported."))

        try:
            if dry_run:
                with transaction.atomic():
                    report = apply_territory(parsed.rows, notify=False)
                    transaction.set_rollback(True)
            else:
                report = apply_territory(parsed.rows)
        except TerritoryConflict as exc:
            raise CommandError(_("Nothing was imported: %s") % exc) from exc
        self._print_report(report, rows=len(parsed.rows), dry_run=dry_run)

    def _print_report(self, report: ApplyReport, *, rows: int, dry_run: bool) -> None:
        for label, counts in (
            (_("Wilayas"), report.wilayas),
            (_("Daïras"), report.dairas),
            (_("Communes"), report.communes),
        ):
            self.stdout.write(
                _("%(level)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {
                    "level": label,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
        if report.unmentioned_communes:
            self.stdout.write(
                _(
                    "%(count)d communes of these wilayas are in the database but not in the "
                    "sheet (kept):"
                )
                % {"count": len(report.unmentioned_communes)}
            )
            for label in report.unmentioned_communes:
                self.stdout.write(f"  {label}")
        if dry_run:
            self.stdout.write(
                self.style.WARNING(
                    _("Dry run: %(rows)d rows checked, nothing saved.") % {"rows": rows}
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(_("%(rows)d rows imported.") % {"rows": rows}))
