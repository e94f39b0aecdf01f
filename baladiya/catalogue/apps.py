from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "baladiya.catalogue"
    verbose_name = _("Procedure catalogue")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from baladiya.catalogue.receivers import forget_catalogue_pages

        for model in self.get_models():
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_catalogue_pages, sender=model, dispatch_uid=f"pagecache-{model.__name__}"
                )
