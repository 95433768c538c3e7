"""The public catalogue with the organisations' programmes (issue 15 point 1, ADR 0116):
listed beside events and modules with the same search and filters, a programme's public
page, the staff's card page, and a page's fixed number of queries."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nmo.accounts.models import User
from nmo.catalog.models import Specialty
from nmo.catalog.services import load_specialties
from nmo.catalog.tests.factories import ActivityFactory
from nmo.programmes import services
from nmo.programmes.models import Cohort, PaymentBasis, Programme, ProgrammeApplication
from nmo.programmes.tests.conftest import PASSWORD, organisation_under
from nmo.programmes.tests.factories import make_cohort, make_programme
from nmo.programmes.types import CatalogueCardData
from nmo.regulations.types import ProgrammeKind

CATALOGUE = "/catalogue/"
TODAY = date(2026, 4, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def npc(db):
    return organisation_under("npc_dzm", name="ГБУЗ «НПЦ»", email="uo@npc.example.ru")


@pytest.fixture
def specialties(db):
    load_specialties()
    return {s.code: s for s in Specialty.objects.filter(code__in=["31.08.19", "31.08.36"])}


def publish(org, programme, *, seats=20, price=Decimal("12500"), **card):
    cohort = make_cohort(org, programme, study_form="part_time")
    services.update_catalogue_card(
        actor=org.staff,
        programme=programme,
        data=CatalogueCardData(
            summary=card.get("summary", "Неотложные состояния у детей: алгоритмы и практика."),
            price=price,
            by_certificate=card.get("by_certificate", False),
            seats={cohort.pk: seats},
        ),
    )
    services.publish_programme(actor=org.staff, programme=programme)
    return cohort


@pytest.fixture
def listed(npc, specialties):
    """A published ПК of paediatrics, 36 h, 20 seats from 4 May 2026, one applied for."""
    programme = make_programme(npc, specialty_ids=(specialties["31.08.19"].pk,))
    cohort = publish(npc, programme)
    specialist = User.objects.create_user(
        email="sidorova@example.ru", password=PASSWORD, last_name="Сидорова", first_name="Анна"
    )
    ProgrammeApplication.objects.create(  # a filed application holds its seat (ADR 0117)
        specialist=specialist, cohort=cohort, payment_basis=PaymentBasis.SPECIALIST_CONTRACT
    )
    return programme


@pytest.mark.clause("faq-join-steps")
def test_a_specialist_finds_a_programme_in_the_catalogue_and_opens_its_page(
    client, listed, specialties
):
    """faq-join-steps step 1, as a specialist would: the catalogue (no sign-in) lists the
    organisation's programme beside events and modules with its kind, hours, share of
    distance learning, specialties, form of study, price and the next cohort with the
    seats left; the «Программы ДПП» tab and the programme's page show the same facts and
    no learner's personal data."""
    ActivityFactory(
        title="Конгресс педиатров", accredited=True, specialties=[specialties["31.08.19"]]
    )

    everything = client.get(CATALOGUE).content.decode()
    tab = client.get(CATALOGUE, {"kind": "programme"}).content.decode()
    page = client.get(f"/catalogue/programmes/{listed.pk}/")
    html = page.content.decode()

    assert "Найдено: 2" in everything
    assert "Конгресс педиатров" in everything
    assert "Неотложная помощь детям" in everything
    assert ">Программы ДПП</a>" in everything
    assert "Неотложная помощь детям" in tab
    assert "Конгресс педиатров" not in tab
    assert 'aria-current="page">Программы ДПП</a>' in tab
    for text in (
        "Повышение квалификации, 36 ак. ч.",
        "Педиатрия",
        "ГБУЗ «НПЦ»",
        "04.05.2026",
        "очно-заочная форма",
        "свободно мест: 19 из 20",
        "12\u00a0500\u00a0руб.",
    ):
        assert text in tab, text
    assert page.status_code == 200
    for text in (
        "Неотложные состояния у детей",
        "Повышение квалификации",
        "36 ак. ч.",
        "Педиатрия (31.08.19)",
        "0%",
        "Очно-заочная",
        "19 из 20",
        "12\u00a0500\u00a0руб.",
    ):
        assert text in html, text
    cohort = listed.cohorts.get()
    assert f'href="/programmes/apply/{cohort.pk}/"' in html  # step 2 starts here
    assert "Сидорова" not in html
    assert "sidorova@" not in html
    assert "Сидорова" not in tab


def test_only_published_programmes_with_an_open_cohort_are_public(client, npc, listed):
    """An unpublished programme and one whose cohorts have all started are not listed; an
    unpublished one's page is 404 for anyone, its own staff included."""
    hidden = make_programme(npc, title="Скрытая программа")
    make_cohort(npc, hidden)
    past = make_programme(
        npc,
        title="Прошедший набор",
        specialty_ids=listed.specialties.all()[:1].values_list("pk", flat=True),
    )
    cohort = publish(npc, past)
    Cohort.objects.filter(pk=cohort.pk).update(
        starts_on=TODAY - timedelta(days=1), attestation_date=TODAY + timedelta(days=10)
    )

    html = client.get(CATALOGUE, {"kind": "programme"}).content.decode()
    assert "Неотложная помощь детям" in html
    assert "Скрытая программа" not in html
    assert "Прошедший набор" not in html
    assert client.get(f"/catalogue/programmes/{hidden.pk}/").status_code == 404
    client.force_login(npc.staff)
    assert client.get(f"/catalogue/programmes/{hidden.pk}/").status_code == 404
    # A published programme without an open cohort keeps its page, saying so.
    assert (
        "набор в группы этой программы не объявлен"
        in client.get(f"/catalogue/programmes/{past.pk}/").content.decode()
    )


@pytest.mark.clause("faq-join-steps")
def test_the_catalogue_search_and_filters_apply_to_programmes(client, npc, listed, specialties):
    """The same search (title, any case, «ё» as «е») and filters (specialty, dates, format,
    kind) narrow the programmes; a programme kind picks programmes only; an event's tab
    shows no programme."""
    remote = make_programme(
        npc,
        title="Кардиология: всё о ЭКГ",
        remote_share_percent=100,
        specialty_ids=(specialties["31.08.36"].pk,),
    )
    cohort = publish(npc, remote, price=None, by_certificate=True)
    Cohort.objects.filter(pk=cohort.pk).update(
        starts_on=date(2026, 9, 1), ends_on=date(2026, 9, 30), attestation_date=date(2026, 9, 30)
    )

    def titles(**params):
        html = client.get(CATALOGUE, {"kind": "programme", **params}).content.decode()
        return {t for t in ("Неотложная помощь детям", "Кардиология: всё о ЭКГ") if t in html}

    assert titles() == {"Неотложная помощь детям", "Кардиология: всё о ЭКГ"}
    assert titles(q="НЕОТЛОЖНАЯ") == {"Неотложная помощь детям"}
    assert titles(q="все о экг") == {"Кардиология: всё о ЭКГ"}
    assert titles(specialty="31.08.36") == {"Кардиология: всё о ЭКГ"}
    assert titles(specialty="31.08.42") == set()
    assert titles(format="online") == {"Кардиология: всё о ЭКГ"}
    assert titles(format="in_person") == {"Неотложная помощь детям"}
    assert titles(date_from="01.08.2026") == {"Кардиология: всё о ЭКГ"}
    assert titles(date_to="10.05.2026") == {"Неотложная помощь детям"}
    assert titles(programme_kind=ProgrammeKind.PROFESSIONAL_RETRAINING) == set()
    only_kind = client.get(CATALOGUE, {"programme_kind": ProgrammeKind.QUALIFICATION_UPGRADE})
    assert 'aria-current="page">Программы ДПП</a>' in only_kind.content.decode()
    assert (
        "Неотложная помощь детям" not in client.get(CATALOGUE, {"kind": "event"}).content.decode()
    )
    assert (
        "по образовательному сертификату"
        in client.get(f"/catalogue/programmes/{remote.pk}/").content.decode()
    )


def test_bad_filters_get_a_russian_answer_not_an_error(client, listed):
    response = client.get(
        CATALOGUE,
        {"kind": "programme", "date_from": "31.02.2026", "date_to": "x", "page": "zz"},
    )
    assert response.status_code == 200
    assert "Неотложная помощь детям" in response.content.decode()
    far = client.get(CATALOGUE, {"kind": "programme", "page": "99"})
    assert far.status_code == 200
    assert "Неотложная помощь детям" in far.content.decode()


def _clone(programme: Programme, cohort: Cohort, n: int) -> None:
    """`n` more published programmes like `programme`, each with two open cohorts, made
    directly in the database (the services are proven elsewhere; this is volume)."""
    for i in range(n):
        copy = Programme.objects.create(
            organisation=programme.organisation,
            unit=programme.unit,
            kind=programme.kind,
            title=f"{programme.title} {i}",
            hours=programme.hours,
            attestation_form=programme.attestation_form,
            attestation_hours=programme.attestation_hours,
            published=True,
            price=Decimal(1000 + i),
        )
        copy.specialties.set(programme.specialties.all())
        for weeks in (2, 6):
            Cohort.objects.create(
                programme=copy,
                unit=cohort.unit,
                starts_on=TODAY + timedelta(weeks=weeks),
                ends_on=TODAY + timedelta(weeks=weeks + 1),
                attestation_date=TODAY + timedelta(weeks=weeks + 1),
                place=cohort.place,
                regulation_version=cohort.regulation_version,
                seats=10,
            )


def test_a_catalogue_page_costs_the_same_queries_for_1_or_20_programmes(
    client, npc, listed, django_assert_max_num_queries
):
    """No query per row: the programmes' tab, the «Все» tab and a programme's page cost a
    fixed number of queries whatever the number of programmes and cohorts."""
    cohort = listed.cohorts.get()

    def cost(**params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(CATALOGUE, params).status_code == 200
        return len(queries)

    one_tab, one_all = cost(kind="programme"), cost()
    _clone(listed, cohort, 24)
    many_tab, many_all = cost(kind="programme"), cost()
    with_specialty = cost(kind="programme", specialty="31.08.19")

    assert "Найдено: 25" in client.get(CATALOGUE, {"kind": "programme"}).content.decode()
    assert many_tab == one_tab
    assert many_all == one_all
    assert with_specialty <= one_tab + 1
    with django_assert_max_num_queries(8):
        client.get(CATALOGUE, {"kind": "programme"})
    with django_assert_max_num_queries(4):
        client.get(f"/catalogue/programmes/{listed.pk}/")


# --- The staff's card page ---------------------------------------------------------------


def test_the_staff_publish_from_the_programmes_page(client, npc, specialties):
    """From the programme's page the staff open its card, are told in Russian what is
    missing, fill it in and publish; the programme then appears in the catalogue."""
    programme = make_programme(npc, specialty_ids=(specialties["31.08.19"].pk,))
    cohort = make_cohort(npc, programme)
    url = f"/programmes/{programme.pk}/catalogue/"
    client.force_login(npc.staff)

    detail = client.get(f"/programmes/{programme.pk}/").content.decode()
    refused = client.post(f"{url}publish/")
    bad = client.post(url, {"summary": "", "price": "дорого", f"seats_{cohort.pk}": "0"})
    saved = client.post(
        url, {"summary": "Для педиатров.", "price": "12 500,50", f"seats_{cohort.pk}": "15"}
    )
    published = client.post(f"{url}publish/")

    assert url in detail
    assert refused.status_code == 422
    assert "Добавьте описание" in refused.content.decode()
    assert "число мест" in refused.content.decode()
    assert bad.status_code == 422
    assert "Введите стоимость числом" in bad.content.decode()
    assert 'aria-invalid="true"' in bad.content.decode()
    assert saved.status_code == 302
    assert published.status_code == 302
    programme.refresh_from_db()
    assert programme.published
    assert programme.price == Decimal("12500.50")
    assert "Неотложная помощь детям" in client.get(CATALOGUE).content.decode()
    assert "опубликована" in client.get(url).content.decode()
    assert client.post(f"{url}unpublish/").status_code == 302
    assert not Programme.objects.get(pk=programme.pk).published


def test_the_card_page_checks_who_acts(client, npc, listed, specialist):
    """Not signed in → to the login; another organisation's staff → 404; a specialist →
    403; publishing by them changes nothing."""
    outsider = organisation_under("rostgmu", name="Другой вуз", email="staff@other.example.ru")
    url = f"/programmes/{listed.pk}/catalogue/"

    assert client.get(url).status_code == 302
    client.login(email=outsider.staff.email, password=PASSWORD)
    assert client.get(url).status_code == 404
    assert client.post(f"{url}unpublish/").status_code == 404
    client.force_login(specialist)
    assert client.get(url).status_code == 403
    assert client.post(f"{url}unpublish/").status_code == 403
    assert Programme.objects.get(pk=listed.pk).published


def test_the_tabs_leave_the_programme_kind_behind(client, listed):
    """With «Вид программы ДПП» chosen, the «Все», «Мероприятия» and «Модули» tabs drop it
    (it would show programmes only); the «Программы ДПП» tab keeps it."""
    html = client.get(
        CATALOGUE, {"programme_kind": ProgrammeKind.QUALIFICATION_UPGRADE, "q": "помощь"}
    ).content.decode()

    assert 'href="?q=%D0%BF%D0%BE%D0%BC%D0%BE%D1%89%D1%8C&amp;kind="' in html
    tabs = re.findall(r'<li><a href="\?([^"]*)"[^>]*>([^<]+)</a></li>', html)
    assert "programme_kind" in dict((label, q) for q, label in tabs)["Программы ДПП"]
    assert all("programme_kind" not in q for q, label in tabs if label != "Программы ДПП")
