"""The learning plan: catalogue items planned per cycle, planned vs done."""

from datetime import date

import pytest

from nmo.core.exceptions import NotFound
from nmo.cycles.exceptions import PlanItemDone, PlanItemInvalid
from nmo.cycles.models import PlanItem
from nmo.cycles.selectors import cabinet_for
from nmo.cycles.services import add_plan_item, enter_cycle, post_credit, remove_plan_item
from nmo.cycles.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(specialist, cardiology):
    return enter_cycle(
        specialist=specialist, specialty_code=factories.CARDIOLOGY, starts_on=date(2025, 3, 1)
    )


@pytest.mark.clause("faq-join-steps")
def test_a_planned_item_is_done_once_the_ledger_credits_it(specialist, cycle):
    """Steps 3–4: the specialist picks an event and a module from the catalogue into the
    plan; an item is done when the ledger holds its credits (faq-join-steps)."""
    event = factories.event()
    module = factories.module()
    add_plan_item(specialist=specialist, cycle=cycle, activity=event)
    add_plan_item(specialist=specialist, cycle=cycle, activity=module)
    [card] = cabinet_for(specialist)
    assert (card.planned_count, card.done_count) == (2, 0)
    post_credit(specialist=specialist, activity=event, source="code", occurred_on=date(2025, 10, 1))
    [card] = cabinet_for(specialist)
    assert (card.planned_count, card.done_count) == (2, 1)
    assert {line.item.activity: line.is_done for line in card.plan} == {event: True, module: False}


@pytest.mark.clause("faq-join-steps")
def test_a_planned_item_can_be_removed_a_done_one_stays(specialist, cycle):
    planned = add_plan_item(specialist=specialist, cycle=cycle, activity=factories.module())
    remove_plan_item(specialist=specialist, item=planned)
    assert not PlanItem.objects.exists()
    event = factories.event()
    done = add_plan_item(specialist=specialist, cycle=cycle, activity=event)
    post_credit(specialist=specialist, activity=event, source="code", occurred_on=date(2025, 10, 1))
    with pytest.raises(PlanItemDone):
        remove_plan_item(specialist=specialist, item=done)


@pytest.mark.clause("faq-only-listed", "faq-join-steps")
@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"status": "submitted", "credits": None}, "activity_not_in_catalogue"),
        ({"country": "FR"}, "foreign_credits_not_counted"),
        ({"specialties": [factories.THERAPY]}, "activity_other_specialty"),
        ({"starts_on": date(2024, 1, 1), "ends_on": date(2025, 2, 28)}, "activity_outside_cycle"),
    ],
)
def test_only_fitting_catalogue_items_are_planned(specialist, cycle, therapy, change, code):
    """Only catalogue items of the cycle's specialty within its dates go into its plan."""
    with pytest.raises(PlanItemInvalid) as caught:
        add_plan_item(specialist=specialist, cycle=cycle, activity=factories.event(**change))
    assert caught.value.code == code
    assert not PlanItem.objects.exists()


def test_an_item_is_planned_once(specialist, cycle):
    module = factories.module()
    add_plan_item(specialist=specialist, cycle=cycle, activity=module)
    with pytest.raises(PlanItemInvalid) as caught:
        add_plan_item(specialist=specialist, cycle=cycle, activity=module)
    assert caught.value.code == "already_planned"


def test_it_checks_access(specialist, other_specialist, cycle):
    """Someone else's cycle or plan item is not found (404)."""
    item = add_plan_item(specialist=specialist, cycle=cycle, activity=factories.module())
    with pytest.raises(NotFound):
        add_plan_item(specialist=other_specialist, cycle=cycle, activity=factories.module())
    with pytest.raises(NotFound):
        remove_plan_item(specialist=other_specialist, item=item)
    assert PlanItem.objects.count() == 1


@pytest.mark.clause("faq-join-steps")
def test_the_plan_page_lists_catalogue_items_and_adds_one(client, specialist, cycle, therapy):
    """The plan page offers the catalogue items of the cycle's specialty and adds the
    chosen one; items of other specialties, or not accredited, are not offered."""
    fitting = factories.module(title="Артериальная гипертензия")
    factories.module(title="Пневмония", specialties=[factories.THERAPY])
    factories.module(title="На рассмотрении", status="submitted", credits=None)
    client.force_login(specialist)
    url = f"/cabinet/cycles/{cycle.pk}/plan/"
    html = client.get(url).content.decode()
    assert "Артериальная гипертензия" in html
    assert "Пневмония" not in html
    assert "На рассмотрении" not in html
    assert "Артериальная" not in client.get(url, {"q": "пневм"}).content.decode()
    response = client.post(url, {"activity": fitting.pk})
    assert response.status_code == 302
    assert PlanItem.objects.filter(cycle=cycle, activity=fitting).exists()
    item = PlanItem.objects.get()
    assert client.post(f"/cabinet/plan/{item.pk}/remove/").status_code == 302
    assert not PlanItem.objects.exists()


def test_the_plan_pages_check_access(client, specialist, other_specialist, provider, cycle):
    """Another specialist gets 404 for the plan page and for a plan item; a provider 403;
    a visitor is sent to log in."""
    item = add_plan_item(specialist=specialist, cycle=cycle, activity=factories.module())
    url = f"/cabinet/cycles/{cycle.pk}/plan/"
    assert client.get(url).status_code == 302
    client.force_login(provider)
    assert client.get(url).status_code == 403
    client.force_login(other_specialist)
    assert client.get(url).status_code == 404
    assert client.post(f"/cabinet/plan/{item.pk}/remove/").status_code == 404
    assert PlanItem.objects.count() == 1


def test_the_plan_search_ignores_case_and_reads_only_one_page(
    client, specialist, cycle, django_assert_max_num_queries
):
    """The plan search finds a title typed in any case (Cyrillic included), and a page
    costs the same few queries however many catalogue items fit the cycle."""
    for n in range(30):
        factories.module(title=f"Артериальная гипертензия, часть {n}")
    client.force_login(specialist)
    url = f"/cabinet/cycles/{cycle.pk}/plan/"
    assert "часть 0" in client.get(url, {"q": "АРТЕРИАЛЬНАЯ"}).content.decode()
    with django_assert_max_num_queries(12):
        client.get(url, {"q": "артериальная"})
