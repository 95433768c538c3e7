from django.urls import path

from nmo.web import signing, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("to-sign/", signing.to_sign, name="to_sign"),
    path(
        "to-sign/appeals/<int:pk>/protocol/",
        signing.sign_appeal_protocol,
        name="sign_appeal_protocol",
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export/", views.audit_export, name="audit_export"),
    path("audit/integrity/", views.audit_integrity, name="audit_integrity"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
]
