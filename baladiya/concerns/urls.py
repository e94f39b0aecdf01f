from django.urls import path

from baladiya.concerns import views
from baladiya.concerns import views_staff as staff

app_name = "concerns"

urlpatterns = [
    path("concerns/", views.public_list, name="list"),
    path("concerns/new/", views.new, name="new"),
    path("concerns/follow/<str:token>/", views.follow, name="follow"),
    path("concerns/photos/<int:pk>/", views.public_photo, name="public-photo"),
    path("concerns/<str:reference>/", views.public_detail, name="public-detail"),
    path("orientation/", views.orientation_view, name="orientation"),
    path("staff/concerns/", staff.inbox, name="inbox"),
    path("staff/concerns/escalated/", staff.escalated, name="escalated"),
    path("staff/concerns/new/", staff.counter, name="counter"),
    path("staff/concerns/<int:pk>/", staff.detail, name="staff-detail"),
    path("staff/concerns/<int:pk>/action/", staff.action, name="staff-action"),
    path("staff/concerns/<int:pk>/photos/<int:photo_id>/", staff.photo, name="staff-photo"),
]
