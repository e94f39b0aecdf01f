from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "baladiya.transparency"
    verbose_name = _("Transparency")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from baladiya.cases.signals import event_recorded
        from baladiya.catalogue.models import Procedure
        from baladiya.transparency import backlog, rollups

        event_recorded.connect(rollups.on_event_recorded, dispatch_uid="transparency-rollups")
        event_recorded.connect(backlog.on_event_recorded, dispatch_uid="transparency-backlog")
        post_save.connect(
            rollups.forget_legal_deadlines, sender=Procedure, dispatch_uid="transparency-legal"
        )
