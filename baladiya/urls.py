"""URL map. Pages carry a language prefix (/ar/, /fr/, /en/, /kab/); machine endpoints do not."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from baladiya.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", include("baladiya.core.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
