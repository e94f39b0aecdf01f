from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "baladiya.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from baladiya.cases.receivers import forget_status_page
        from baladiya.cases.signals import event_recorded

        event_recorded.connect(forget_status_page, dispatch_uid="cases-status-page")
