"""`manage.py create_api_token USERNAME NAME`: a token for a structure's system; shown once."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from baladiya.organisation.models import User
from baladiya.organisation.services import create_api_token


class Command(BaseCommand):
    help = "Create an API token acting as USERNAME (an agent); the token is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="What the token is for, e.g. 'Daïra de Bathia — GED'")

    def handle(self, *args: object, **options: str) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        key, _token = create_api_token(user=user, name=options["name"])
        self.stdout.write(key)
