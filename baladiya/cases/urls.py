from django.urls import path

from baladiya.cases import views_citizen as citizen
from baladiya.cases import views_staff as staff

app_name = "cases"

urlpatterns = [
    # Citizens
    path("procedures/<slug:slug>/apply/", citizen.apply, name="apply"),
    path("my/cases/", citizen.my_cases, name="my-cases"),
    path("my/cases/claim/", citizen.claim, name="claim"),
    path("my/cases/<int:pk>/", citizen.my_case, name="my-case"),
    path(
        "my/cases/<int:pk>/documents/<int:document_id>/",
        citizen.my_document,
        name="my-document",
    ),
    path("receipts/<str:reference>/", citizen.receipt, name="receipt"),
    path("receipts/<str:reference>/pdf/", citizen.receipt_pdf, name="receipt-pdf"),
    path("follow/", citizen.follow, name="follow"),
    path("follow/<str:token>/", citizen.status_by_token, name="status-token"),
    path("verify/<str:code>/", citizen.verify_document, name="verify"),
    # Agents
    path("staff/cases/", staff.inbox, name="inbox"),
    path("staff/cases/bulk/", staff.bulk_action, name="bulk"),
    path("staff/cases/new/", staff.counter_new, name="counter-new"),
    path("staff/cases/new/<slug:slug>/", staff.counter_form, name="counter-form"),
    path("staff/cases/<int:pk>/", staff.case_detail, name="staff-case"),
    path("staff/cases/<int:pk>/action/", staff.case_action, name="staff-action"),
    path(
        "staff/cases/<int:pk>/documents/<int:document_id>/",
        staff.staff_document,
        name="staff-document",
    ),
    path("staff/opinions/", staff.opinions, name="opinions"),
    path("staff/opinions/<int:pk>/answer/", staff.answer_opinion, name="answer-opinion"),
]
