from django.urls import path

from nmo.programmes import application_views, special_conditions_views, views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("new/", views.programme_create, name="programme_create"),
    path("bank-template.xlsx", views.bank_template, name="bank_template"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("<int:pk>/catalogue/", views.programme_catalogue, name="programme_catalogue"),
    path("<int:pk>/catalogue/publish/", views.programme_publish, name="programme_publish"),
    path("<int:pk>/catalogue/unpublish/", views.programme_unpublish, name="programme_unpublish"),
    path("<int:pk>/stages/", views.stage_add, name="stage_add"),
    path("<int:pk>/curriculum/", views.programme_curriculum, name="programme_curriculum"),
    path("<int:pk>/stages/<int:stage_pk>/edit/", views.stage_edit, name="stage_edit"),
    path("<int:pk>/stages/<int:stage_pk>/remove/", views.stage_remove, name="stage_remove"),
    path("<int:pk>/bank/", views.bank_import, name="bank_import"),
    path("cohorts/", views.cohort_list, name="cohort_list"),
    path("cohorts/new/", views.cohort_create, name="cohort_create"),
    path("cohorts/learners-template.xlsx", views.learners_template, name="learners_template"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/learners/new/", views.enrolment_create, name="enrolment_create"),
    path("cohorts/<int:pk>/learners/import/", views.learners_import, name="learners_import"),
    path(
        "cohorts/<int:pk>/learners/completed/",
        views.learners_complete,
        name="learners_complete",
    ),
    path(
        "cohorts/<int:pk>/learners/<int:enrolment_pk>/",
        views.enrolment_detail,
        name="enrolment_detail",
    ),
    path(
        "cohorts/<int:pk>/learners/<int:enrolment_pk>/results/",
        views.result_add,
        name="result_add",
    ),
    path("cohorts/<int:pk>/learners/<int:enrolment_pk>/debts/", views.debt_add, name="debt_add"),
    path(
        "cohorts/<int:pk>/learners/<int:enrolment_pk>/debts/<int:debt_pk>/clear/",
        views.debt_clear,
        name="debt_clear",
    ),
    path("cohorts/<int:pk>/admission/", views.admission_decide, name="admission_decide"),
    path(
        "cohorts/<int:pk>/admission/<int:admission_pk>/override/",
        views.admission_override,
        name="admission_override",
    ),
    path(
        "cohorts/<int:pk>/notices/<int:notice_pk>/retry/",
        views.notice_retry,
        name="notice_retry",
    ),
]

urlpatterns += [
    path(
        "my/special-conditions/",
        special_conditions_views.my_special_conditions,
        name="my_special_conditions",
    ),
    path(
        "my/special-conditions/<int:enrolment_pk>/apply/",
        special_conditions_views.special_conditions_apply,
        name="special_conditions_apply",
    ),
    path(
        "special-conditions/",
        special_conditions_views.special_conditions_list,
        name="special_conditions_list",
    ),
    path(
        "special-conditions/<int:pk>/grant/",
        special_conditions_views.special_conditions_grant,
        name="special_conditions_grant",
    ),
    path(
        "special-conditions/<int:pk>/refuse/",
        special_conditions_views.special_conditions_refuse,
        name="special_conditions_refuse",
    ),
    path(
        "special-conditions/<int:pk>/documents/<int:document_pk>/",
        special_conditions_views.special_conditions_document,
        name="special_conditions_document",
    ),
    path(
        "cohorts/<int:pk>/learners/<int:enrolment_pk>/special-conditions/",
        special_conditions_views.special_conditions_file,
        name="special_conditions_file",
    ),
]

# Applications for cohorts (заявки на обучение, ADR 0117).
urlpatterns += [
    path("apply/<int:cohort_pk>/", application_views.apply, name="apply"),
    path("my/applications/", application_views.my_applications, name="my_applications"),
    path(
        "my/applications/<int:pk>/withdraw/",
        application_views.application_withdraw,
        name="application_withdraw",
    ),
    path("applications/", application_views.application_list, name="application_list"),
    path("applications/<int:pk>/", application_views.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/accept/",
        application_views.application_accept,
        name="application_accept",
    ),
    path(
        "applications/<int:pk>/decline/",
        application_views.application_decline,
        name="application_decline",
    ),
    path(
        "applications/<int:pk>/contract/",
        application_views.application_contract,
        name="application_contract",
    ),
]
