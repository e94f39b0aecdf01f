from django.urls import path

from baladiya.territory import views

app_name = "territory"

urlpatterns = [
    path("communes/", views.directory, name="directory"),
]
