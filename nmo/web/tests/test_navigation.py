"""Menus and start pages by role (issue 10): each role lands on its own start page after
login (a safe `next` wins), its menu shows what it does — the calendar only to
administrators — and every list or queue page only that role can open is in its menu."""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from nmo.accounts.services import add_user
from nmo.attestation.tests.factories import PASSWORD, build
from nmo.web.navigation import MENU, START_PAGES, menu_for, start_page_for

pytestmark = pytest.mark.django_db

# Pages reached from another page, not from the menu: forms, files, actions, the account.
NOT_MENU_PAGES = {
    "web:home",  # the brand link
    "web:start",  # login's redirect
    "accounts:profile",  # the header's account link
    "web:jobs",  # the header's link to a person's background jobs
    "web:audit_integrity",  # linked from the audit log
    "appeals:letters",  # linked from the appeals register
    "appeals:commission_list",  # linked from the appeals register
    "appeals:book",  # linked from the appeals register
    "accounts:register",
    "accounts:login",
    "accounts:logout",
    "accounts:token_create",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "workcalendar:reset",
    "regulations:apply_preset",
    "cycles:cycle_enter",
    "documents:register_settings",  # a setting of the register, linked from it
    "programmes:special_conditions_list",  # linked from the cohorts' list (staff)
}


def _list_pages() -> list[str]:
    """URL names of the site's pages without arguments, less forms, files and actions."""
    names: list[str] = []

    def walk(resolver: URLResolver, namespace: str, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in {"admin"} or str(pattern.pattern).startswith("api/"):
                    continue
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                path = prefix + str(pattern.pattern)
                if "<" in path or path.endswith(("new/", ".xlsx")):
                    continue
                names.append(namespace + pattern.name)

    walk(get_resolver(), "", "")
    return [name for name in names if name not in NOT_MENU_PAGES]


@pytest.fixture
def people(specialist, provider, admin_user):
    setup = build("npc", schedule=True)
    expert = add_user(email="expert@example.ru", password=PASSWORD, role="accreditation_expert")
    learner = setup.enrolments[0].learner
    learner.set_password(PASSWORD)  # enrolment makes the account; the learner sets one
    learner.save(update_fields=["password"])
    org_name = setup.org.organisation.name
    org_admin = add_user(
        email="org-admin@example.ru",
        password=PASSWORD,
        role="organisation_admin",
        organisation_name=org_name,
    )
    invited_member = add_user(
        email="invited-member@example.ru",
        password=PASSWORD,
        role="commission_member",
        organisation_name=org_name,
    )
    return {
        "specialist": specialist,
        "provider": provider,
        "accreditation_expert": expert,
        "organisation_staff": setup.org.staff,
        "commission": setup.chair,
        "learner": learner,
        "admin": admin_user,
        "organisation_admin": org_admin,
        "commission_member": invited_member,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _menu_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="[^"]*main-nav[^"]*"[^>]*>(.*?)</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'href="([^"]+)"', nav.group(1))


START = {
    "specialist": "cycles:cabinet",
    "provider": "catalog:provider_activities",
    "accreditation_expert": "catalog:review_queue",
    "organisation_staff": "attestation:attestation_list",
    "commission": "attestation:attestation_list",
    "learner": "attestation:learner_home",
    "admin": "accounts:user_list",
    "organisation_admin": "accounts:organisation_admin",
    "commission_member": "attestation:attestation_list",
}


@pytest.mark.parametrize("role", list(START))
def test_each_role_lands_on_its_start_page_after_login(people, role):
    user = people[role]
    response = Client().post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD}, follow=True
    )
    # The organisation administrator's page goes on to their one organisation's page.
    assert reverse(START[role]) in [url for url, _ in response.redirect_chain]
    assert response.status_code == 200


def test_a_safe_next_wins_and_an_unsafe_one_is_ignored(people):
    user = people["organisation_staff"]
    login = reverse("accounts:login")
    wanted = reverse("programmes:cohort_list")
    response = Client().post(
        f"{login}?next={wanted}", {"username": user.email, "password": PASSWORD}
    )
    assert response["Location"] == wanted
    response = Client().post(
        f"{login}?next=https://evil.example/", {"username": user.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("web:start")


def test_nobody_without_a_role_lands_anywhere_but_home():
    assert start_page_for(set()) == reverse("web:home")


def test_an_invited_commission_member_not_seated_yet_is_told_so(people):
    """Invited by the organisation's administrator, not yet on a commission: the menu
    leads to the attestations, and the empty list says why it is empty."""
    page = _client(people["commission_member"]).get(reverse("attestation:attestation_list"))
    assert page.status_code == 200
    assert "вас ещё не включили в состав аттестационной комиссии" in page.content.decode()


def test_the_calendar_is_only_in_the_administrators_menu():
    calendar = reverse("workcalendar:year_current")
    for roles in ({"specialist"}, {"provider"}, {"organisation_staff"}, {"learner"}, set()):
        assert calendar not in dict(menu_for(roles=roles, signed_in=True)).values()
    assert calendar not in dict(menu_for(roles=set(), signed_in=False)).values()
    assert calendar in dict(menu_for(roles={"admin"}, signed_in=True)).values()


def test_staff_menu_is_short_enough_for_one_line():
    """Seven short labels (the desktop check is in tests/e2e/test_small_screens.py)."""
    labels = [label for label, _ in menu_for(roles={"organisation_staff"}, signed_in=True)]
    assert "Пересдачи" in labels
    assert sum(len(label) for label in labels) <= 80


def test_every_page_a_role_uses_is_in_its_menu(people, django_user_model):
    """Walks every list and queue page of the site as each role: a page the role can open
    and a signed-in person without roles cannot is in the role's menu; every menu link opens."""
    nobody = django_user_model.objects.create_user(email="nobody@example.ru", password=PASSWORD)
    pages = _list_pages()
    assert "attestation:retake_list" in pages
    open_to_all = {name for name in pages if _client(nobody).get(reverse(name)).status_code == 200}
    for role, user in people.items():
        client = _client(user)
        home = client.get(reverse("web:home")).content.decode()
        links = _menu_links(home)
        for link in links:
            assert client.get(link, follow=True).status_code == 200, (role, link)
        for name in pages:
            if name in open_to_all:
                continue
            if client.get(reverse(name)).status_code == 200:
                assert reverse(name) in links, f"{role} opens {name}, not in its menu"


def test_known_pages_are_in_their_roles_menus():
    expected = {
        "organisation_staff": ["attestation:retake_list", "attestation:attestation_list"],
        "learner": ["attestation:my_retakes", "documents:my_documents"],
        "specialist": ["cycles:cabinet", "codes:my_support_requests", "codes:activate"],
    }
    for role, names in expected.items():
        urls = dict(menu_for(roles={role}, signed_in=True)).values()
        for name in names:
            assert reverse(name) in urls, (role, name)


def test_each_menu_entry_and_start_page_names_an_existing_page():
    """The menu skips a URL name that does not resolve; a typo must not make a page
    silently vanish from it."""
    for entry in MENU:
        assert reverse(entry.url_name)
    for _role, url_name in START_PAGES:
        assert reverse(url_name)


INTERNAL = re.compile(r"(?<![\w.@-])(?:npc|rgmu)-(?:app)?\d|\b[\w-]+\.txt\b")


def test_no_page_shows_internal_clause_ids_or_file_names(people):
    """Issue 10: clause ids (rgmu-3.2, npc-2.9) and a file name (regulation-npc-dzm.txt)
    appeared on pages. Every page of every role's menu, and the pages of a programme, a
    cohort, an attestation, its retakes and the regulation, are in words."""
    staff = people["organisation_staff"]
    setup_pages = []
    client = _client(staff)
    for name in (
        "programmes:programme_list",
        "programmes:cohort_list",
        "regulations:regulation_list",
        "attestation:attestation_list",
    ):
        listing = client.get(reverse(name)).content.decode()
        setup_pages += [
            link
            for link in re.findall(r'href="(/[a-z]+/(?:[a-z]+/)?\d+/)"', listing)
            if link not in setup_pages
        ]
    assert any(page.startswith("/regulations/") for page in setup_pages), setup_pages
    assert any(page.startswith("/attestation/") for page in setup_pages), setup_pages
    for role, user in people.items():
        client = _client(user)
        links = _menu_links(client.get(reverse("web:home")).content.decode())
        pages = ["/", *links, *(setup_pages if role == "organisation_staff" else [])]
        for url in pages:
            if url.startswith("/admin/"):
                continue
            html = client.get(url).content.decode()
            found = INTERNAL.findall(html)
            assert not found, f"{role} sees {found} on {url}"
