from django.urls import path, re_path

from baladiya.plans import views_public as public
from baladiya.plans import views_staff as staff

app_name = "plans"

urlpatterns = [
    # The public
    path("plans/", public.plan_list, name="public-list"),
    path("plans/<slug:slug>/", public.plan_page, name="public-plan"),
    re_path(
        r"^plans/(?P<slug>[-\w]+)/data\.(?P<fmt>csv|xlsx|json)$",
        public.plan_data,
        name="public-data",
    ),
    # Agents
    path("staff/plans/", staff.follow_up, name="follow-up"),
    path("staff/plans/import/", staff.import_plan, name="import"),
    path("staff/plans/<int:pk>/", staff.plan_detail, name="staff-plan"),
    path("staff/plans/<int:pk>/timeline/", staff.timeline, name="timeline"),
    path("staff/plans/items/<int:pk>/", staff.item_detail, name="staff-item"),
    path("staff/plans/evidence/<int:pk>/", staff.evidence, name="evidence"),
]
