from django.urls import path

from nmo.workcalendar import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.year_current, name="year_current"),
    path("year/<int:year>/", views.year, name="year"),
    path("reset/", views.reset, name="reset"),
]
