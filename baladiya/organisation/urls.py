from django.urls import path

from baladiya.organisation import views

app_name = "organisation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("structures/", views.structure_list, name="structure-list"),
    path("structures/<int:pk>/", views.structure_detail, name="structure-detail"),
]
