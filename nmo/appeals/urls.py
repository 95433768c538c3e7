from django.urls import path

from nmo.appeals import notice_views, views

app_name = "appeals"

urlpatterns = [
    path("", views.appeal_list, name="appeal_list"),
    path("letters/", views.letters, name="letters"),
    path("book/", views.book, name="book"),
    path("book/<int:year>.pdf", views.book_pdf, name="book_pdf"),
    path("commissions/", views.commission_list, name="commission_list"),
    path("results/<int:result_pk>/file/", views.appeal_file, name="appeal_file"),
    path("<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("<int:pk>/assign/", views.appeal_assign, name="appeal_assign"),
    path("<int:pk>/commission/", views.appeal_commission, name="appeal_commission"),
    path("<int:pk>/schedule/", views.appeal_schedule, name="appeal_schedule"),
    path("<int:pk>/hearing/", views.appeal_hearing, name="appeal_hearing"),
    path("<int:pk>/decide/", views.appeal_decide, name="appeal_decide"),
    path("<int:pk>/apply/", views.appeal_apply, name="appeal_apply"),
    path("<int:pk>/notice/", views.appeal_notice, name="appeal_notice"),
    path("<int:pk>/answers/", views.appeal_answers, name="appeal_answers"),
    path("<int:pk>/withdraw/", views.appeal_withdraw, name="appeal_withdraw"),
    path("<int:pk>/protocol/sign/", views.protocol_sign, name="protocol_sign"),
    path("<int:pk>/protocol.pdf", views.protocol_pdf, name="protocol_pdf"),
    path("<int:pk>/protocol.docx", views.protocol_docx, name="protocol_docx"),
    path("<int:pk>/application.pdf", views.application_pdf, name="application_pdf"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/notice/address/", notice_views.notice_address, name="notice_address"),
    path("<int:pk>/records/<int:record_pk>.pdf", views.record_pdf, name="record_pdf"),
    path(
        "<int:pk>/attempts/<int:attempt_pk>.pdf",
        views.attempt_protocol_pdf,
        name="attempt_protocol_pdf",
    ),
    path("<int:pk>/answers.scan", views.answers_scan, name="answers_scan"),
]
