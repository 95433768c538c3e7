from django.urls import path

from nmo.codes import views

app_name = "codes"

urlpatterns = [
    path("activate/", views.activate, name="activate"),
    path("verify/<str:code>/", views.verify, name="verify"),
    path("activities/<int:activity_id>/", views.activity_codes, name="activity_codes"),
    path("activities/<int:activity_id>/issue/", views.issue_codes, name="issue_codes"),
    path("activities/<int:activity_id>/roster/", views.import_roster, name="import_roster"),
    path(
        "activities/<int:activity_id>/certificates.pdf",
        views.certificates_pdf,
        name="certificates_pdf",
    ),
    path(
        "activities/<int:activity_id>/certificates.zip",
        views.certificates_archive,
        name="certificates_zip",
    ),
    path("activities/<int:activity_id>/codes.xlsx", views.codes_xlsx, name="codes_xlsx"),
    path(
        "activities/<int:activity_id>/codes/<int:code_id>/certificate.pdf",
        views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("support/", views.support_requests, name="support_requests"),
    path("support/new/", views.support_request_new, name="support_request_new"),
    path("support/mine/", views.my_support_requests, name="my_support_requests"),
    path("support/<int:request_id>/", views.support_request, name="support_request"),
    path(
        "support/<int:request_id>/resolve/",
        views.resolve_support_request,
        name="resolve_support_request",
    ),
    path(
        "support/<int:request_id>/refuse/",
        views.refuse_support_request,
        name="refuse_support_request",
    ),
    path(
        "support/<int:request_id>/route/",
        views.route_support_request,
        name="route_support_request",
    ),
]
