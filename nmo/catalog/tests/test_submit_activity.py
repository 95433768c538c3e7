"""Providers submit and edit applications (заявки на оценку): submit_activity,
update_activity and the choice of provider (access_provider)."""

import datetime

import pytest

from nmo.accounts.models import Organisation
from nmo.accounts.services import add_user
from nmo.catalog.access import access_provider
from nmo.catalog.exceptions import (
    ActivityInvalid,
    ActivityNotEditable,
    CommissionSubmitsNothing,
    ProviderRequired,
)
from nmo.catalog.models import AccreditationDecision, Activity
from nmo.catalog.selectors import list_catalogue
from nmo.catalog.services import submit_activity, update_activity
from nmo.catalog.tests.factories import ActivityFactory
from nmo.catalog.types import ActivityData, ActivityStatus
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def application(**changes) -> ActivityData:
    values = {
        "kind": "event",
        "title": "  Школа   по кардиологии ",
        "specialties": ("31.08.36", "31.08.49"),
        "format": "in_person",
        "starts_on": datetime.date(2026, 5, 12),
        "ends_on": datetime.date(2026, 5, 13),
        "location": "Москва, Ленинский проспект, 8",
        "country": "RU",
        "hours_requested": 12,
        "description": "Два дня лекций и разборов.",
    }
    values.update(changes)
    return ActivityData(**values)


@pytest.mark.clause("faq-catalogue-providers", "faq-only-listed")
def test_a_provider_submits_an_application_that_waits_for_the_commission(
    provider, provider_org, nomenclature
):
    """A provider's staff member submits an event: it is saved as «submitted» with its
    specialties, history and audit line, and is not in the catalogue until the commission
    accredits it (faq-catalogue-providers, faq-only-listed)."""
    activity = submit_activity(actor=provider, provider=provider_org, data=application())

    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED
    assert activity.credits is None
    assert activity.provider == provider_org
    assert activity.submitted_by == provider
    assert activity.title == "Школа по кардиологии"
    assert activity.title_search == "школа по кардиологии"
    assert sorted(activity.specialties.values_list("code", flat=True)) == ["31.08.36", "31.08.49"]
    step = AccreditationDecision.objects.get(activity=activity)
    assert (step.action, step.actor) == ("submitted", provider)
    entry = AuditEntry.objects.get(action="activity.submit")
    assert entry.actor == provider
    assert entry.object_id == str(activity.pk)
    assert entry.changes["specialties"] == ["31.08.36", "31.08.49"]
    assert activity not in list_catalogue()


def test_an_online_module_needs_no_location_and_the_country_is_normalised(
    provider, provider_org, nomenclature
):
    """An e-module is studied online, so no place is needed; «ru » is stored as «RU»."""
    activity = submit_activity(
        actor=provider,
        provider=provider_org,
        data=application(kind="module", format="online", location="", country=" ru "),
    )

    assert (activity.kind, activity.format, activity.location, activity.country) == (
        "module",
        "online",
        "",
        "RU",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": datetime.date(2026, 5, 11)}, "ends_on"),
        ({"specialties": ()}, "specialties"),
        ({"specialties": ("  ",)}, "specialties"),
        ({"specialties": ("31.08.36", "99.99.999")}, "specialties"),
        ({"hours_requested": 0}, "hours_requested"),
        ({"hours_requested": 1001}, "hours_requested"),
        ({"location": "  "}, "location"),
        ({"country": "XX"}, "country"),
        ({"country": "RUS"}, "country"),
        ({"country": ""}, "country"),
        ({"title": "   "}, "title"),
        ({"title": "Т" * 501}, "title"),
        ({"kind": "lecture"}, "kind"),
        ({"format": "hybrid"}, "format"),
        ({"kind": "module", "format": "in_person"}, "format"),
    ],
)
def test_an_application_breaking_a_rule_is_refused_field_by_field(
    provider, provider_org, nomenclature, changes, field
):
    """Dates in order, at least one active specialty of the nomenclature, 1–1000 hours,
    a place for an in-person event, an ISO 3166-1 alpha-2 country, a title: each broken
    rule is reported in Russian under its field, and nothing is saved."""
    with pytest.raises(ActivityInvalid) as refused:
        submit_activity(actor=provider, provider=provider_org, data=application(**changes))

    assert refused.value.code == "activity_invalid"
    assert field in refused.value.errors
    assert all(message for message in refused.value.errors[field])
    assert not Activity.objects.exists()


def test_every_problem_is_reported_at_once(provider, provider_org, nomenclature):
    """One refusal lists every broken rule, so the provider fixes them in one go."""
    with pytest.raises(ActivityInvalid) as refused:
        submit_activity(
            actor=provider,
            provider=provider_org,
            data=application(specialties=("00.00.00",), hours_requested=0, country="ZZ"),
        )

    assert set(refused.value.errors) == {"specialties", "hours_requested", "country"}
    assert refused.value.errors["specialties"] == [
        "Нет такой действующей специальности в номенклатуре: 00.00.00."
    ]


@pytest.mark.parametrize(
    ("hours", "accepted"), [(0, False), (1, True), (1000, True), (1001, False)]
)
def test_hours_requested_are_between_1_and_1000(
    provider, provider_org, nomenclature, hours, accepted
):
    """The hours requested are checked at both limits: 1 and 1000 pass, 0 and 1001 don't."""
    data = application(hours_requested=hours)
    if accepted:
        assert submit_activity(actor=provider, provider=provider_org, data=data).pk
    else:
        with pytest.raises(ActivityInvalid):
            submit_activity(actor=provider, provider=provider_org, data=data)


def test_a_withdrawn_specialty_is_refused(provider, provider_org, cardiology):
    """Only active entries of the nomenclature may be chosen."""
    cardiology.is_active = False
    cardiology.save(update_fields=["is_active"])

    with pytest.raises(ActivityInvalid) as refused:
        submit_activity(
            actor=provider, provider=provider_org, data=application(specialties=("31.08.36",))
        )

    assert "specialties" in refused.value.errors


@pytest.mark.clause("faq-catalogue-providers")
def test_it_checks_access(provider_org, nomenclature, specialist, expert, other_provider):
    """Only the provider's own staff submit for it: a specialist, an expert of the
    commission and another provider's staff are refused (faq-catalogue-providers: the
    commission creates no activities)."""
    for actor in (specialist, expert, other_provider):
        with pytest.raises(PermissionDenied):
            submit_activity(actor=actor, provider=provider_org, data=application())
    assert not Activity.objects.exists()


@pytest.mark.clause("faq-catalogue-providers")
def test_the_commission_cannot_apply_even_with_the_provider_role(expert, nomenclature):
    """Even if someone gave the commission's organisation the provider role, it creates no
    modules and holds no events: the application is refused (faq-catalogue-providers)."""
    commission_member = add_user(
        email="council-provider@example.ru",
        password="pw-1234567890",
        role="provider",
        organisation_name="Координационный совет",
    )
    council = Organisation.objects.get(name="Координационный совет")

    with pytest.raises(CommissionSubmitsNothing) as refused:
        submit_activity(actor=commission_member, provider=council, data=application())

    assert refused.value.status == 403
    assert not Activity.objects.exists()


# --- Choosing the provider -----------------------------------------------------------


def test_staff_of_one_provider_applies_for_it_without_saying_so(provider, provider_org):
    """One provider: no need to name it."""
    assert access_provider(provider, None) == provider_org


def test_staff_of_several_providers_must_name_one_of_theirs(provider, provider_org, other_provider):
    """Staff of two providers must say for which one they apply, and only theirs."""
    add_user(
        email=provider.email,
        password=None,
        role="provider",
        organisation_name="Общество неврологов",
    )
    neurologists = Organisation.objects.get(name="Общество неврологов")
    somebody_else = Organisation.objects.create(name="Общество хирургов", kind="provider")

    with pytest.raises(ProviderRequired) as refused:
        access_provider(provider, None)
    assert "provider_id" in refused.value.errors
    assert access_provider(provider, neurologists.pk) == neurologists
    with pytest.raises(ProviderRequired):
        access_provider(provider, somebody_else.pk)


def test_a_user_without_the_provider_role_may_not_apply(specialist, expert):
    """No provider role, no application (403)."""
    for actor in (specialist, expert):
        with pytest.raises(PermissionDenied):
            access_provider(actor, None)


# --- Editing -------------------------------------------------------------------------


@pytest.fixture
def submitted(provider, provider_org, nomenclature):
    return submit_activity(actor=provider, provider=provider_org, data=application())


def test_the_provider_edits_a_submitted_application(provider, submitted):
    """While the commission has not decided, the provider may change the application;
    the change is in the history and the audit log with the old and new values."""
    updated = update_activity(
        actor=provider,
        activity=submitted,
        data=application(title="Школа кардиолога", specialties=("31.08.36",), hours_requested=8),
    )

    updated.refresh_from_db()
    assert updated.title == "Школа кардиолога"
    assert updated.title_search == "школа кардиолога"
    assert updated.hours_requested == 8
    assert list(updated.specialties.values_list("code", flat=True)) == ["31.08.36"]
    assert list(updated.history.values_list("action", flat=True)) == ["submitted", "edited"]
    changes = AuditEntry.objects.get(action="activity.update").changes
    assert changes["title"] == ["Школа по кардиологии", "Школа кардиолога"]
    assert changes["hours_requested"] == [12, 8]
    assert changes["specialties"] == [["31.08.36", "31.08.49"], ["31.08.36"]]


def test_saving_an_unchanged_application_writes_nothing(provider, submitted):
    """No change, no history step and no audit line."""
    update_activity(actor=provider, activity=submitted, data=application())

    assert submitted.history.count() == 1
    assert not AuditEntry.objects.filter(action="activity.update").exists()


def test_an_edit_is_checked_like_a_submission(provider, submitted):
    """The same rules hold when editing; a refused edit changes nothing."""
    with pytest.raises(ActivityInvalid):
        update_activity(actor=provider, activity=submitted, data=application(hours_requested=0))

    submitted.refresh_from_db()
    assert submitted.hours_requested == 12


def test_a_specialty_withdrawn_since_submission_does_not_block_an_edit(
    provider, submitted, cardiology
):
    """A specialty already on the application stays acceptable after it is withdrawn."""
    cardiology.is_active = False
    cardiology.save(update_fields=["is_active"])

    updated = update_activity(
        actor=provider, activity=submitted, data=application(title="Школа по кардиологии 2")
    )

    assert updated.title == "Школа по кардиологии 2"


@pytest.mark.parametrize("trait", ["accredited", "rejected"])
def test_a_decided_application_can_no_longer_be_edited(provider, provider_org, trait):
    """Once the commission has decided, the application is closed (409)."""
    activity = ActivityFactory(provider=provider_org, **{trait: True})

    with pytest.raises(ActivityNotEditable) as refused:
        update_activity(actor=provider, activity=activity, data=application())

    assert refused.value.status == 409
    assert refused.value.code == "activity_not_editable"


def test_it_checks_access_when_editing(submitted, other_provider, specialist, expert):
    """Another provider's staff, a specialist or an expert cannot edit: to them the
    application does not exist (NotFound, 404)."""
    for actor in (other_provider, specialist, expert):
        with pytest.raises(NotFound):
            update_activity(actor=actor, activity=submitted, data=application(title="Чужая"))
    submitted.refresh_from_db()
    assert submitted.title == "Школа по кардиологии"
