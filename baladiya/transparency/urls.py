"""Public statistics and the open data catalogue (language-prefixed pages)."""

from django.urls import path

from baladiya.transparency import views, views_exports

app_name = "transparency"

urlpatterns = [
    path("statistics/", views.statistics, name="nation"),
    path("statistics/<slug:level>/<int:pk>/", views.statistics, name="area"),
    path("open-data/", views.catalogue, name="open-data"),
    path("staff/supervision/", views.supervision_dashboard, name="supervision"),
    path(
        "staff/supervision/commune/<int:pk>/overdue/",
        views.supervision_overdue,
        name="supervision-overdue",
    ),
    path("staff/exports/", views_exports.export_list, name="exports"),
    path("staff/exports/new/", views_exports.export_request, name="export-request"),
    path(
        "staff/exports/<int:pk>/download/",
        views_exports.export_download,
        name="export-download",
    ),
]
