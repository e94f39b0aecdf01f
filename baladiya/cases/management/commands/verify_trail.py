"""`manage.py verify_trail`: check every case's hash-chained trail; exit 1 on any tampering."""

from django.core.management.base import BaseCommand, CommandError

from baladiya.cases.trail import verify_all


class Command(BaseCommand):
    help = "Verify that no case event was changed, removed or reordered after the fact."

    def handle(self, *args: object, **options: object) -> None:
        breaks = 0
        for problem in verify_all():
            breaks += 1
            self.stderr.write(
                f"case {problem.reference or problem.case_id}, event {problem.sequence}: "
                f"{problem.problem}"
            )
        if breaks:
            raise CommandError(f"{breaks} break(s) in the trail: it was tampered with.")
        self.stdout.write(self.style.SUCCESS("Every trail is intact."))
