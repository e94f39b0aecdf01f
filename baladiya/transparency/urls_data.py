"""Machine endpoints (no language prefix): stable open data, and the benchmark's trivial page."""

from django.urls import path

from baladiya.transparency import views

app_name = "opendata"

urlpatterns = [
    path("open-data/v1/monthly.csv", views.monthly_csv, name="monthly-csv"),
    path("open-data/v1/monthly.json", views.monthly_json, name="monthly-json"),
    path("trivial", views.trivial, name="trivial"),
]
