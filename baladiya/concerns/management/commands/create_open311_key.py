"""`manage.py create_open311_key NAME [--commune ONS ...]`: a new Open311 api_key, shown once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baladiya.concerns.models import Open311Key
from baladiya.territory.models import Commune


class Command(BaseCommand):
    help = "Create an Open311 api_key (stored hashed; printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--commune", action="append", default=[], help="ONS code; repeat")

    def handle(self, *args: object, **options: object) -> None:
        codes = list(options["commune"])  # type: ignore[call-overload]
        communes = list(Commune.objects.filter(ons_code__in=codes))
        if len(communes) != len(set(codes)):
            raise CommandError("Unknown commune code.")
        key, raw = Open311Key.issue(str(options["name"]))
        key.communes.set(communes)
        self.stdout.write(raw)
