from django.urls import path

from nmo.catalog import views

app_name = "catalog"

# The catalogue page itself ("", name "catalogue") and a programme's public page are
# nmo.web.catalogue's, joined to these under the namespace by config/urls.py (ADR 0116).
urlpatterns = [
    path("specialties/", views.specialty_list, name="specialties"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("my/", views.provider_activities, name="provider_activities"),
    path("my/new/", views.activity_submit, name="activity_submit"),
    path("my/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:pk>/", views.review_activity, name="review_activity"),
]
