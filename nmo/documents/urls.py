from django.urls import path

from nmo.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.register, name="register"),
    path("register/frdo.xlsx", views.frdo_export, name="frdo_export"),
    path("register/frdo-check/", views.frdo_check, name="frdo_check"),
    path("registers/", views.register_settings, name="register_settings"),
    path("my/", views.my_documents, name="my_documents"),
    path(
        "organisations/<int:organisation_id>/details/",
        views.organisation_details,
        name="organisation_details",
    ),
    path(
        "organisations/<int:organisation_id>/blanks/<str:blank>/",
        views.blank_layout,
        name="blank_layout",
    ),
    path(
        "organisations/<int:organisation_id>/blanks/<str:blank>/calibration.pdf",
        views.blank_calibration,
        name="blank_calibration",
    ),
    path("<int:document_id>/print/", views.document_print, name="document_print"),
    path("verify/<str:token>/", views.verify, name="verify"),
    path("<int:document_id>/", views.document_detail, name="document_detail"),
    path("<int:document_id>/pdf/", views.document_pdf, name="document_pdf"),
    path("<int:document_id>/handover/", views.record_handover, name="record_handover"),
    path("<int:document_id>/revoke/", views.revoke, name="revoke"),
    path("<int:document_id>/ground/", views.revocation_ground, name="revocation_ground"),
]
