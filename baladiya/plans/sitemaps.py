"""Sitemap entries of the accountability pages: the list of public plans and each one."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from baladiya.plans.models import Plan


class PublicPlansSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self) -> list[str]:
        return ["plans:public-list"]

    def location(self, item: str) -> str:
        return reverse(item)


class PublicPlanSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self) -> QuerySet[Plan]:
        return Plan.objects.filter(is_public=True).only("slug").order_by("slug")

    def location(self, item: Plan) -> str:
        return reverse("plans:public-plan", kwargs={"slug": item.slug})
