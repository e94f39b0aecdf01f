from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "baladiya.transparency"
    verbose_name = _("Transparency")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from baladiya.cases.signals import event_recorded
        from baladiya.catalogue.models import Procedure
        from baladiya.transparency import rollups, standing

        # One receiver writes the commune's standing row, its per-day backlog and the monthly
        # roll-ups, in that order (standing.py says why the order matters).
        event_recorded.connect(standing.on_event_recorded, dispatch_uid="transparency-figures")
        post_save.connect(
            rollups.forget_legal_deadlines, sender=Procedure, dispatch_uid="transparency-legal"
        )
