from django.urls import path

from nmo.cycles import views

app_name = "cycles"

urlpatterns = [
    path("", views.cabinet, name="cabinet"),
    path("cycles/new/", views.cycle_enter, name="cycle_enter"),
    path("cycles/<int:cycle_id>/plan/", views.plan, name="plan"),
    path("cycles/<int:cycle_id>/report.pdf", views.cycle_report, name="cycle_report"),
    path("plan/<int:item_id>/remove/", views.plan_remove, name="plan_remove"),
    path("entries/<int:entry_id>/notice.pdf", views.entry_notice, name="entry_notice"),
    path("verify/<str:token>/", views.verify_entry, name="verify_entry"),
    path("ledger/<int:entry_id>/reverse/", views.entry_reverse, name="entry_reverse"),
]
