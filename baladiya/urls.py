"""URL map. Pages carry a language prefix (/ar/, /fr/, /en/, /kab/); machine endpoints do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_page

from baladiya.api import api
from baladiya.core import views as core_views
from baladiya.core.sitemaps import SITEMAPS
from baladiya.notifications import views as notification_views
from baladiya.organisation import views as organisation_views

admin.site.site_header = admin.site.site_title = _("Baladiya administration")

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", core_views.robots_txt, name="robots"),
    path(
        "sitemap.xml",
        cache_page(3600)(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path("api/v1/", api.urls),
    # The SMS gateway's callbacks (authenticated by a shared token).
    path("sms/inbound/", notification_views.inbound_sms, name="sms-inbound"),
    path("sms/receipts/", notification_views.delivery_receipt, name="sms-receipt"),
    path("open311/v2/", include("baladiya.concerns.open311")),
    path("", include("baladiya.transparency.urls_data")),
]

urlpatterns += i18n_patterns(
    path("", include("baladiya.core.urls")),
    path("", include("baladiya.territory.urls")),
    path("procedures/", include("baladiya.catalogue.urls")),
    path("", include("baladiya.cases.urls")),
    path("", include("baladiya.plans.urls")),
    path("", include("baladiya.concerns.urls")),
    path("staff/", include("baladiya.organisation.urls")),
    path("", include("baladiya.notifications.urls")),
    path("", include("baladiya.transparency.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", organisation_views.signup, name="signup"),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
