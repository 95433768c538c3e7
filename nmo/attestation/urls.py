from django.urls import path

from nmo.attestation import views

app_name = "attestation"

urlpatterns = [
    path("", views.attestation_list, name="attestation_list"),
    path("my/", views.learner_home, name="learner_home"),
    path("to-sign/", views.pending_signatures, name="pending_signatures"),
    path("my/retakes/", views.my_retakes, name="my_retakes"),
    path("my/retakes/<int:result_pk>/apply/", views.retake_apply, name="retake_apply"),
    path("retakes/", views.retake_list, name="retake_list"),
    path("retakes/file/<int:result_pk>/", views.retake_file, name="retake_file"),
    path("retakes/<int:pk>/grant/", views.retake_grant, name="retake_grant"),
    path("retakes/<int:pk>/refuse/", views.retake_refuse, name="retake_refuse"),
    path("commissions/", views.commission_list, name="commission_list"),
    path("commissions/new/", views.commission_create, name="commission_create"),
    path("commissions/<int:pk>/", views.commission_edit, name="commission_edit"),
    path(
        "cohorts/<int:cohort_pk>/schedule/",
        views.attestation_schedule,
        name="attestation_schedule",
    ),
    path("<int:pk>/", views.attestation_detail, name="attestation_detail"),
    path("<int:pk>/sign-all/", views.attestation_sign_all, name="attestation_sign_all"),
    path("<int:pk>/members/", views.attestation_members, name="attestation_members"),
    path("<int:pk>/results/", views.attestation_results, name="attestation_results"),
    path("<int:pk>/votes/", views.attestation_votes, name="attestation_votes"),
    path("<int:pk>/remarks/", views.attestation_remarks, name="attestation_remarks"),
    path(
        "<int:pk>/videoconference/",
        views.attestation_videoconference,
        name="attestation_videoconference",
    ),
    path("<int:pk>/decide/", views.attestation_decide, name="attestation_decide"),
    path("<int:pk>/reopen/", views.attestation_reopen, name="attestation_reopen"),
    path(
        "<int:pk>/issue-documents/",
        views.attestation_issue_documents,
        name="issue_documents",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/",
        views.document_detail,
        name="document_detail",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/sign/",
        views.document_sign,
        name="document_sign",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/correct/",
        views.document_correct,
        name="document_correct",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/pdf/",
        views.document_pdf,
        name="document_pdf",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/docx/",
        views.document_docx,
        name="document_docx",
    ),
]
