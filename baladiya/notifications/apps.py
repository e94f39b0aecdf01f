from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "baladiya.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from baladiya.cases.signals import event_recorded
        from baladiya.notifications import receivers

        event_recorded.connect(receivers.on_case_event, dispatch_uid="notifications.outbox")
        post_migrate.connect(receivers.ensure_templates, sender=self)
