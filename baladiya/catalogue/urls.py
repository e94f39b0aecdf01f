from django.urls import path

from baladiya.catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("<slug:slug>/", views.procedure_detail, name="detail"),
]
