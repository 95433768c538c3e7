from django.urls import path

from nmo.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("audit/", views.audit_log, name="audit_log"),
]
