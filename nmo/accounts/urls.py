from django.contrib.auth import views as auth_views
from django.urls import path

from nmo.accounts import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path(
        "users/<int:user_id>/roles/<int:membership_id>/revoke/",
        views.role_revoke,
        name="role_revoke",
    ),
    path("organisation/", views.organisation_admin, name="organisation_admin"),
    path(
        "organisation/<int:organisation_id>/",
        views.organisation_home,
        name="organisation_home",
    ),
    path(
        "organisation/<int:organisation_id>/units/new/",
        views.unit_create,
        name="unit_create",
    ),
    path(
        "organisation/<int:organisation_id>/units/<int:unit_id>/rename/",
        views.unit_rename,
        name="unit_rename",
    ),
    path(
        "organisation/<int:organisation_id>/units/<int:unit_id>/remove/",
        views.unit_remove,
        name="unit_remove",
    ),
    path(
        "organisation/<int:organisation_id>/invitations/new/",
        views.invitation_create,
        name="invitation_create",
    ),
    path(
        "organisation/<int:organisation_id>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "organisation/<int:organisation_id>/invitations/<int:invitation_id>/cancel/",
        views.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "organisation/<int:organisation_id>/people/<int:user_id>/roles/",
        views.member_role_add,
        name="member_role_add",
    ),
    path(
        "organisation/<int:organisation_id>/roles/<int:membership_id>/remove/",
        views.member_role_remove,
        name="member_role_remove",
    ),
    path("organisations/new/", views.organisation_set_up, name="organisation_set_up"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
