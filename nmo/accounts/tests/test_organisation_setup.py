"""An organisation sets itself up without Django admin (ADR 0015): the platform
administrator creates it and invites its administrator, who adds departments, invites
staff and commission members by e-mail and manages their roles — all through the pages."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from nmo.accounts.models import Invitation, Membership, Organisation, OrganisationKind, Unit, User
from nmo.core.models import AuditEntry
from nmo.programmes.models import Programme

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-and-fresh-pass-42"
LINK = re.compile(r"https?://\S+/accounts/invitation/\S+/")


def link_in(mail) -> str:  # type: ignore[no-untyped-def]
    found = LINK.search(mail.body)
    assert found, mail.body
    return urlsplit(found.group(0)).path


def page(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def post(client, url, data, capture):  # type: ignore[no-untyped-def]
    """POST as a browser would and run what waits for the commit (the e-mail)."""
    with capture(execute=True):
        return client.post(url, data)


@pytest.fixture
def capture(django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    return django_capture_on_commit_callbacks


def set_up_organisation(client, admin_user, capture, mailoutbox) -> tuple[Organisation, str]:  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    response = post(
        client,
        "/accounts/organisations/new/",
        {
            "action": "new",
            "new-name": "ГАУЗ Городская больница № 5",
            "new-short_name": "ГБ № 5",
            "new-kind": "educational",
            "new-admin_email": "Head@GB5.example.ru",
            "new-last_name": "Орлова",
            "new-first_name": "Анна",
        },
        capture,
    )
    assert response.status_code == 302, page(response)
    organisation = Organisation.objects.get(name="ГАУЗ Городская больница № 5")
    letter = mailoutbox[-1]
    assert letter.to == ["head@gb5.example.ru"]
    assert "Администратор организации" in letter.body
    client.logout()
    return organisation, link_in(letter)


def accept(client, link: str, **fields: str):  # type: ignore[no-untyped-def]
    data = {"password": PASSWORD, "password_again": PASSWORD, **fields}
    return client.post(link, data)


def test_an_organisation_sets_itself_up_and_its_staff_create_a_programme(
    client, admin_user, capture, mailoutbox
):
    """The platform administrator creates an organisation and invites its administrator;
    the administrator sets a password from the link, adds a department, invites a staff
    member and a commission member; the staff member sets a password, logs in and creates
    a programme in the new department. Everything is in the audit log."""
    organisation, link = set_up_organisation(client, admin_user, capture, mailoutbox)

    # The administrator opens the link: the name is filled from the invitation.
    form = client.get(link)
    assert form.status_code == 200
    assert "Орлова" in page(form)
    weak = client.post(
        link,
        {"last_name": "Орлова", "first_name": "Анна", "password": "123", "password_again": "123"},
    )
    assert weak.status_code == 422
    assert "слишком короткий" in page(weak)
    assert not User.objects.filter(email="head@gb5.example.ru").exists()
    done = accept(client, link, last_name="Орлова", first_name="Анна")
    assert done.status_code == 302
    head = User.objects.get(email="head@gb5.example.ru")
    assert head.check_password(PASSWORD)

    start = client.get("/accounts/organisation/")
    assert start.status_code == 302
    home = client.get(start["Location"])
    assert home.status_code == 200
    assert "Подразделений пока нет" in page(home)
    assert "Моя организация" in page(home)  # the menu entry
    base = start["Location"]

    created = client.post(
        f"{base}units/new/", {"unit-name": "Кафедра педиатрии", "unit-kind": "department"}
    )
    assert created.status_code == 302
    unit = Unit.objects.get(organisation=organisation)
    assert unit.name == "Кафедра педиатрии"
    twice = client.post(
        f"{base}units/new/", {"unit-name": "кафедра  педиатрии", "unit-kind": "department"}
    )
    assert twice.status_code == 422
    assert "уже есть" in page(twice)

    invited = post(
        client,
        f"{base}invitations/new/",
        {"invite-email": "staff@gb5.example.ru", "invite-role": "organisation_staff"},
        capture,
    )
    assert invited.status_code == 302
    staff_link = link_in(mailoutbox[-1])
    post(
        client,
        f"{base}invitations/new/",
        {
            "invite-email": "member@gb5.example.ru",
            "invite-role": "commission_member",
            "invite-last_name": "Смирнов",
            "invite-first_name": "Олег",
        },
        capture,
    )
    member_link = link_in(mailoutbox[-1])
    listing = page(client.get(base))
    assert "staff@gb5.example.ru" in listing
    assert "Член аттестационной комиссии" in listing

    # The commission member accepts with the name the administrator typed.
    visitor = Client()
    assert accept(visitor, member_link, last_name="Смирнов", first_name="Олег").status_code == 302
    member = User.objects.get(email="member@gb5.example.ru")
    assert member.memberships.get().role == "commission_member"

    # The staff member sets a password, then logs in with it as anyone would.
    staff_client = Client()
    answered = accept(staff_client, staff_link, last_name="Попова", first_name="Елена")
    assert answered.status_code == 302
    staff_client.logout()
    login = staff_client.post(
        "/accounts/login/", {"username": "staff@gb5.example.ru", "password": PASSWORD}
    )
    assert login.status_code == 302
    applied = staff_client.post(
        "/regulations/apply/", {"organisation": organisation.pk, "preset_code": "npc_dzm"}
    )
    assert applied.status_code == 302, page(applied)
    programme_form = page(staff_client.get("/programmes/new/"))
    assert "Кафедра педиатрии" in programme_form
    programme = staff_client.post(
        "/programmes/new/",
        {
            "organisation": organisation.pk,
            "unit": unit.pk,
            "kind": "qualification_upgrade",
            "title": "Неотложная педиатрия",
            "hours": 36,
            "remote_share_percent": 0,
            "attestation_form": "credit_test",
            "attestation_hours": 2,
        },
    )
    assert programme.status_code == 302, page(programme)
    assert Programme.objects.get().unit == unit

    # A department in use is not removed.
    refused = client.post(f"{base}units/{unit.pk}/remove/", follow=True)
    assert "нельзя удалить" in page(refused)
    assert Unit.objects.filter(pk=unit.pk).exists()

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "organisation.create",
        "invitation.send",
        "invitation.accept",
        "account.create",
        "unit.create",
        "programme.create",
    } <= actions


def test_a_used_expired_or_superseded_link_is_refused_in_russian(
    client, admin_user, capture, mailoutbox
):
    """A link works once, within its days, and only from the latest letter."""
    _, link = set_up_organisation(client, admin_user, capture, mailoutbox)
    assert accept(client, link, last_name="Орлова", first_name="Анна").status_code == 302
    again = Client().get(link)
    assert again.status_code == 410
    assert "Приглашение уже принято" in page(again)

    base = client.get("/accounts/organisation/")["Location"]
    post(
        client,
        f"{base}invitations/new/",
        {"invite-email": "late@gb5.example.ru", "invite-role": "organisation_staff"},
        capture,
    )
    first_link = link_in(mailoutbox[-1])
    invitation = Invitation.objects.get(email="late@gb5.example.ru")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = Client().post(
        first_link,
        {"last_name": "П", "first_name": "Е", "password": PASSWORD, "password_again": PASSWORD},
    )
    assert expired.status_code == 410
    assert "Срок действия приглашения истёк" in page(expired)
    assert not User.objects.filter(email="late@gb5.example.ru").exists()

    resent = post(client, f"{base}invitations/{invitation.pk}/resend/", {}, capture)
    assert resent.status_code == 302
    new_link = link_in(mailoutbox[-1])
    old = Client().get(first_link)
    assert old.status_code == 410
    assert "отправлено повторно" in page(old)
    assert Client().get(new_link).status_code == 200
    broken = Client().get(new_link[:-6] + "x/")
    assert broken.status_code == 410
    assert "повреждена" in page(broken)

    client.post(f"{base}invitations/{invitation.pk}/cancel/")
    cancelled = Client().get(new_link)
    assert cancelled.status_code == 410
    assert "отменено" in page(cancelled)
    assert {"invitation.resend", "invitation.cancel"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )


def test_an_existing_account_just_gets_the_role(
    client, admin_user, specialist, password, capture, mailoutbox
):
    """Inviting the e-mail of an existing account adds the role; the password stays."""
    _, link = set_up_organisation(client, admin_user, capture, mailoutbox)
    accept(client, link, last_name="Орлова", first_name="Анна")
    base = client.get("/accounts/organisation/")["Location"]
    post(
        client,
        f"{base}invitations/new/",
        {"invite-email": specialist.email, "invite-role": "commission_member"},
        capture,
    )
    invitee = Client()
    shown = invitee.get(link_in(mailoutbox[-1]))
    assert "Учётная запись с этим адресом уже есть" in page(shown)
    assert invitee.post(link_in(mailoutbox[-1]), {}).status_code == 302
    specialist.refresh_from_db()
    assert specialist.check_password(password)
    assert set(specialist.memberships.values_list("role", flat=True)) == {
        "specialist",
        "commission_member",
    }
    people = page(client.get(base))
    assert specialist.full_name in people


def test_roles_are_managed_within_the_organisation_only(
    client, admin_user, specialist, capture, mailoutbox
):
    """The administrator gives and takes the organisation's roles; never the last
    administrator's, never to someone outside it."""
    organisation, link = set_up_organisation(client, admin_user, capture, mailoutbox)
    accept(client, link, last_name="Орлова", first_name="Анна")
    head = User.objects.get(email="head@gb5.example.ru")
    base = client.get("/accounts/organisation/")["Location"]

    own = head.memberships.get(role="organisation_admin")
    last = client.post(f"{base}roles/{own.pk}/remove/", follow=True)
    assert "последнего администратора организации" in page(last)
    assert Membership.objects.filter(pk=own.pk).exists()

    outside = client.post(f"{base}people/{specialist.pk}/roles/", {"role": "organisation_staff"})
    assert outside.status_code == 404
    assert not specialist.memberships.filter(organisation=organisation).exists()

    given = client.post(f"{base}people/{head.pk}/roles/", {"role": "organisation_staff"})
    assert given.status_code == 302
    staff_role = head.memberships.get(role="organisation_staff", organisation=organisation)
    client.post(f"{base}roles/{staff_role.pk}/remove/")
    assert not Membership.objects.filter(pk=staff_role.pk).exists()
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "account.grant_role" in actions
    assert "account.revoke_role" in actions


def test_only_the_organisations_administrator_may_act(
    client, admin_user, specialist, capture, mailoutbox
):
    """Someone without the role gets 403; another organisation's administrator gets 404
    for this organisation's pages and objects."""
    organisation, link = set_up_organisation(client, admin_user, capture, mailoutbox)
    accept(client, link, last_name="Орлова", first_name="Анна")
    base = client.get("/accounts/organisation/")["Location"]
    unit = Unit.objects.create(organisation=organisation, name="Учебный отдел")

    other = Organisation.objects.create(name="Другой центр", kind=OrganisationKind.EDUCATIONAL)
    stranger = User.objects.create_user("head@other.example.ru", PASSWORD, last_name="Чужой")
    Membership.objects.create(user=stranger, role="organisation_admin", organisation=other)
    foreign = Client()
    foreign.force_login(stranger)
    assert foreign.get(base).status_code == 404
    created = foreign.post(f"{base}units/new/", {"unit-name": "X", "unit-kind": "unit"})
    assert created.status_code == 404
    assert foreign.post(f"{base}units/{unit.pk}/remove/").status_code == 404
    foreign_base = foreign.get("/accounts/organisation/")["Location"]
    # This organisation's unit through the other organisation's address: not found.
    assert foreign.post(f"{foreign_base}units/{unit.pk}/remove/").status_code == 404
    assert Unit.objects.filter(pk=unit.pk).exists()

    outsider = Client()
    outsider.force_login(specialist)
    assert outsider.get("/accounts/organisation/").status_code == 403
    assert outsider.get(base).status_code == 403
    assert outsider.post(f"{base}units/{unit.pk}/remove/").status_code == 403
    assert outsider.get("/accounts/organisations/new/").status_code == 403
