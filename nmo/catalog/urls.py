from django.urls import path

from nmo.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("specialties/", views.specialty_list, name="specialties"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("my/", views.provider_activities, name="provider_activities"),
    path("my/new/", views.activity_submit, name="activity_submit"),
    path("my/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review_activity, name="review_activity"),
]
