from django.urls import path

from nmo.catalog import views

app_name = "catalog"

urlpatterns = [
    path("specialties/", views.specialty_list, name="specialties"),
]
