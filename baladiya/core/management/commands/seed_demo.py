"""`manage.py seed_demo`: load the demo data of every domain and print the demo accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from baladiya.cases import demo as cases_demo
from baladiya.catalogue import demo as catalogue_demo
from baladiya.concerns import demo as concerns_demo
from baladiya.organisation import demo as organisation_demo
from baladiya.plans import demo as plans_demo


class Command(BaseCommand):
    help = "Load the demo (pilot communes, services, accounts). Idempotent; refused in production."

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo is for development: production never has demo accounts.")
        with transaction.atomic():
            accounts = organisation_demo.seed()
            catalogue_demo.seed()
            cases_demo.seed()
            plans_demo.seed()
            concern_accounts = concerns_demo.seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded. Accounts (password for all: {organisation_demo.DEMO_PASSWORD}):"
            )
        )
        width = max(len(a.username) for a in accounts)
        for account in accounts:
            self.stdout.write(
                f"  {account.username.ljust(width)}  {account.role_label} — {account.structure}"
            )
        for username, who in concern_accounts:
            self.stdout.write(f"  {username.ljust(width)}  {who}")
        reporters = ", ".join(sorted(plans_demo.reporter_usernames()))
        self.stdout.write(f"  Action-plan reporters of the pilot communes: {reporters}")
        self.stdout.write(
            f"  Open311 development key: {concerns_demo.DEMO_OPEN311_KEY}"
            " (/open311/v2/, POST requests with api_key)"
        )
