"""`/sitemap.xml`: every public page, in every language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from baladiya.catalogue.sitemaps import CatalogueSitemap, ProcedureSitemap
from baladiya.plans.sitemaps import PublicPlanSitemap, PublicPlansSitemap


class PublicPagesSitemap(Sitemap):
    """Public pages of the shell. Later domains add their own sitemap classes to SITEMAPS."""

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "core:home",
            "territory:directory",
            "cases:follow",
            "concerns:new",
            "concerns:list",
            "core:privacy",
            "core:accessibility",
            "login",
            "signup",
            "notifications:phone-sign-in",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS: dict[str, type[Sitemap]] = {
    "pages": PublicPagesSitemap,
    "catalogue": CatalogueSitemap,
    "procedures": ProcedureSitemap,
    "plans": PublicPlansSitemap,
    "plan": PublicPlanSitemap,
}
