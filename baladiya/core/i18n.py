"""Names kept in several languages, shown in the reader's.

Official place and structure names exist in French and Arabic (English where known). Kabyle pages
are written in Latin script, so they fall back to the French name.
"""

from django.db import models
from django.utils.translation import get_language


def pick_language_field(obj: object, stem: str) -> str:
    """Return ``obj.<stem>_<lang>`` for the active language, falling back to French."""
    lang = (get_language() or "fr").split("-")[0]
    if lang not in {"ar", "en"}:
        lang = "fr"
    value = getattr(obj, f"{stem}_{lang}", "") or ""
    return value or getattr(obj, f"{stem}_fr", "") or ""


class MultilingualName(models.Model):
    """Abstract: an official name in French and Arabic, with English where known."""

    name_fr = models.CharField("nom (fr)", max_length=200)
    name_ar = models.CharField("الاسم (ar)", max_length=200)
    name_en = models.CharField("name (en)", max_length=200, blank=True)

    NAME_FIELDS = ("name_fr", "name_ar", "name_en")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language_field(self, "name")
