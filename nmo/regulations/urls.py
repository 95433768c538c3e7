"""The URLs of the regulation pages (`/regulations/`)."""

from django.urls import path

from nmo.regulations import views

app_name = "regulations"

urlpatterns = [
    path("", views.regulation_list, name="regulation_list"),
    path("apply/", views.apply_preset, name="apply_preset"),
    path("<int:pk>/", views.regulation_detail, name="regulation_detail"),
    path("<int:pk>/amend/", views.regulation_amend_topics, name="regulation_amend_topics"),
    path("<int:pk>/amend/<slug:topic>/", views.regulation_amend, name="regulation_amend"),
]
