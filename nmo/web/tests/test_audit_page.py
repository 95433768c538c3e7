import pytest

from nmo.core.services import record_audit

pytestmark = pytest.mark.django_db


def test_admin_searches_the_audit_log(client, admin_user, specialist):
    """Administrators find entries by person or object, action and date."""
    record_audit(actor=admin_user, action="calendar.mark_day", object_repr="01.05.2026")
    record_audit(actor=specialist, action="code.activate", object_repr="ABCD-EFGH1234")
    client.force_login(admin_user)
    page = client.get("/audit/", {"action": "code."})
    assert page.status_code == 200
    html = page.content.decode()
    assert "ABCD-EFGH1234" in html
    assert "01.05.2026" not in html
    by_person = client.get("/audit/", {"text": "Иванова"}).content.decode()
    assert "code.activate" in by_person
    assert "calendar.mark_day" not in by_person


def test_it_checks_access(client, specialist):
    """Anonymous visitors are sent to log in; other roles get 403."""
    anonymous = client.get("/audit/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    client.force_login(specialist)
    assert client.get("/audit/").status_code == 403


def test_bad_filter_input_is_not_a_500(client, admin_user):
    """A malformed date in the filter shows the form error, not a crash."""
    client.force_login(admin_user)
    response = client.get("/audit/", {"date_from": "31.31.2026"})
    assert response.status_code == 200
    assert "Введите дату в формате ДД.ММ.ГГГГ" in response.content.decode()
