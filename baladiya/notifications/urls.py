from django.urls import path

from baladiya.notifications import views

app_name = "notifications"

urlpatterns = [
    path("accounts/phone/", views.phone_sign_in, name="phone-sign-in"),
    path("accounts/phone/code/", views.phone_code, name="phone-code"),
    path("my/messages/", views.preferences, name="preferences"),
    path("staff/messages/", views.delivery_log, name="log"),
    path("staff/messages/<int:pk>/resend/", views.resend, name="resend"),
    path("staff/messages/<int:pk>/notice/", views.notice, name="notice"),
]
