from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "baladiya.transparency"
    verbose_name = _("Transparency")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from baladiya.cases.signals import event_recorded
        from baladiya.catalogue.models import Procedure
        from baladiya.organisation.models import Structure
        from baladiya.territory.models import Commune, Daira, Wilaya
        from baladiya.transparency import backlog, rollups, supervision

        event_recorded.connect(rollups.on_event_recorded, dispatch_uid="transparency-rollups")
        event_recorded.connect(backlog.on_event_recorded, dispatch_uid="transparency-backlog")
        # Supervision keeps the communes (names, daïra, wilaya, APC path) in memory: a change
        # of the territory or of a structure drops that copy in this process.
        for model in (Commune, Daira, Wilaya, Structure):
            for signal in (post_save, post_delete):
                signal.connect(
                    supervision.forget_territory,
                    sender=model,
                    dispatch_uid=f"transparency-territory-{signal is post_save}-{model.__name__}",
                )
        post_save.connect(
            rollups.forget_legal_deadlines, sender=Procedure, dispatch_uid="transparency-legal"
        )
