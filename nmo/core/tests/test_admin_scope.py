import pytest
from django.contrib import admin

pytestmark = pytest.mark.django_db


def test_admin_holds_directories_and_the_calendar_only():
    """Django admin registers the directories (specialties, organisations) and the work
    calendar; users, roles, tokens, audit and task results are not edited there."""
    registered = {model._meta.label for model in admin.site._registry}
    assert {"catalog.Specialty", "accounts.Organisation", "workcalendar.CalendarDay"} <= registered
    forbidden = {
        "accounts.User",
        "accounts.Membership",
        "accounts.ApiToken",
        "auth.Group",
        "core.AuditEntry",
        "django_tasks_db.DBTaskResult",
    }
    assert registered.isdisjoint(forbidden)


def test_admin_index_opens_for_administrators_only(client, admin_user, specialist):
    """Administrators open the admin; a visitor is sent to its login; a signed-in
    specialist is answered as if there were no admin at all (404, ADR 0021)."""
    assert client.get("/admin/").status_code == 302
    client.force_login(specialist)
    assert client.get("/admin/").status_code == 404
    client.force_login(admin_user)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Справочники и производственный календарь" in page.content.decode()
