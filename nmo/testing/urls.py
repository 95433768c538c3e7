from django.urls import path

from nmo.testing import views

app_name = "testing"

urlpatterns = [
    path("", views.testing_index, name="index"),
    path("my/", views.my_tests, name="my_tests"),
    path("stages/<int:stage_pk>/form/", views.form_edit, name="form_edit"),
    path("attestations/<int:pk>/", views.attestation_testing, name="attestation_testing"),
    path("attestations/<int:pk>/sessions/", views.session_open, name="session_open"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/progress/", views.session_progress, name="session_progress"),
    path("sessions/<int:pk>/start/", views.attempt_start, name="attempt_start"),
    path("attempts/<int:pk>/", views.attempt_take, name="attempt_take"),
    path(
        "attempts/<int:pk>/answers/<int:question_pk>/",
        views.attempt_answer,
        name="attempt_answer",
    ),
    path("attempts/<int:pk>/state/", views.attempt_state, name="attempt_state"),
    path("attempts/<int:pk>/submit/", views.attempt_submit, name="attempt_submit"),
    path("attempts/<int:pk>/annul/", views.attempt_annul, name="attempt_annul"),
    path("attempts/<int:pk>/grant/", views.attempt_grant, name="attempt_grant"),
    path("attempts/<int:pk>/protocol.pdf", views.attempt_protocol, name="attempt_protocol"),
]
