"""`manage.py import_plan SHEET --slug … --title-fr … --title-ar … --owner PATH --as USERNAME`.

Imports a plan from a CSV or XLSX sheet (columns in :mod:`baladiya.plans.importer`), all or
nothing, with the rights of the user named by ``--as``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baladiya.organisation.models import Structure, User
from baladiya.plans import importer


class Command(BaseCommand):
    help = "Import an action plan from a CSV or XLSX sheet (nothing is imported on any error)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sheet")
        parser.add_argument("--slug", required=True)
        parser.add_argument("--title-fr", required=True)
        parser.add_argument("--title-ar", required=True)
        parser.add_argument("--title-en", default="")
        parser.add_argument("--owner", required=True, help="structure path, e.g. /mi/")
        parser.add_argument("--as", dest="username", required=True, help="importing user")
        parser.add_argument("--public", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["sheet"]))
        if not path.is_file():
            raise CommandError(f"No file {path}")
        user = User.objects.filter(username=options["username"]).first()
        owner_path = str(options["owner"])
        owner = Structure.objects.filter(
            path=owner_path if owner_path.endswith("/") else owner_path + "/"
        ).first()
        if user is None or owner is None:
            raise CommandError("Unknown user or owner structure.")
        try:
            plan = importer.import_plan(
                actor=user,
                data=path.read_bytes(),
                filename=path.name,
                slug=str(options["slug"]),
                title_fr=str(options["title_fr"]),
                title_ar=str(options["title_ar"]),
                title_en=str(options["title_en"]),
                owner=owner,
                is_public=bool(options["public"]),
            )
        except importer.ImportFailed as exc:
            raise CommandError("Nothing imported:\n" + "\n".join(exc.errors)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Imported plan {plan.slug}: {plan.items.count()} items.")
        )
