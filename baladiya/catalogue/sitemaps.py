"""Sitemap entries of the catalogue: the list page and every published procedure's page."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from baladiya.catalogue.models import Procedure


class CatalogueSitemap(Sitemap):
    """The list of procedures, in every language."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["catalogue:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ProcedureSitemap(Sitemap):
    """Every published procedure's page, in every language, with hreflang alternates."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "monthly"

    def items(self) -> QuerySet[Procedure]:
        return (
            Procedure.objects.filter(is_published=True)
            .only("slug", "updated_at")
            .order_by("order", "pk")
        )

    def location(self, item: Procedure) -> str:
        return reverse("catalogue:detail", kwargs={"slug": item.slug})

    def lastmod(self, item: Procedure) -> datetime:
        return item.updated_at
