"""POST/GET/PATCH /api/v1/activities and POST /api/v1/activities/{id}/decision (api.md:
Activities): providers' applications and the commission's decisions."""

import pytest

from nmo.accounts.services import add_user
from nmo.catalog.models import Activity
from nmo.catalog.tests import fixtures as catalog_fixtures
from nmo.catalog.tests.factories import ActivityFactory

# The catalog's fixtures (nmo/catalog/tests/fixtures.py), by name.
cardiology = catalog_fixtures.cardiology
expert = catalog_fixtures.expert
nomenclature = catalog_fixtures.nomenclature
other_provider = catalog_fixtures.other_provider
provider_org = catalog_fixtures.provider_org

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities"

BODY = {
    "kind": "event",
    "title": "Конференция «Сердечная недостаточность»",
    "specialties": ["31.08.36"],
    "format": "in_person",
    "starts_on": "2026-04-20",
    "ends_on": "2026-04-21",
    "location": "Санкт-Петербург",
    "country": "RU",
    "hours_requested": 12,
}


def post(api_client, url, body, headers):
    return api_client.post(url, body, content_type="application/json", **headers)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body


# --- Submitting --------------------------------------------------------------------------


@pytest.mark.clause("faq-catalogue-providers")
def test_a_provider_submits_an_application(api_client, token_for, provider, nomenclature):
    """201 with the id and status «submitted», and the application as saved."""
    response = post(api_client, URL, BODY, token_for(provider))

    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get()
    assert body["id"] == activity.pk
    assert body["status"] == "submitted"
    assert body["specialties"] == ["31.08.36"]
    assert body["provider"] == {"id": activity.provider_id, "name": "Общество кардиологов"}
    assert body["credits"] is None
    assert body["description"] == ""


def test_without_a_token_it_is_401(api_client, nomenclature):
    assert_error(
        api_client.post(URL, BODY, content_type="application/json"), 401, "not_authenticated"
    )


@pytest.mark.clause("faq-catalogue-providers")
def test_it_checks_access(api_client, token_for, specialist, expert, nomenclature):
    """Only providers submit: a specialist and an expert of the commission get 403
    (faq-catalogue-providers: the commission creates no activities)."""
    for user in (specialist, expert):
        assert_error(post(api_client, URL, BODY, token_for(user)), 403, "permission_denied")
    assert not Activity.objects.exists()


def test_an_unknown_specialty_is_422(api_client, token_for, provider, nomenclature):
    body = assert_error(
        post(
            api_client, URL, {**BODY, "specialties": ["31.08.36", "99.99.99"]}, token_for(provider)
        ),
        422,
        "activity_invalid",
    )
    assert body["errors"]["specialties"] == [
        "Нет такой действующей специальности в номенклатуре: 99.99.99."
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": "2026-04-19"}, "ends_on"),
        ({"hours_requested": 0}, "hours_requested"),
        ({"hours_requested": 1001}, "hours_requested"),
        ({"location": ""}, "location"),
        ({"country": "RUS"}, "country"),
        ({"specialties": []}, "specialties"),
    ],
)
def test_rules_of_an_application_are_422_per_field(
    api_client, token_for, provider, nomenclature, changes, field
):
    body = assert_error(
        post(api_client, URL, {**BODY, **changes}, token_for(provider)), 422, "activity_invalid"
    )
    assert field in body["errors"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "lecture"}, "kind"),
        ({"format": "hybrid"}, "format"),
        ({"starts_on": "20.04.2026"}, "starts_on"),
        ({"hours_requested": "много"}, "hours_requested"),
        ({"specialties": "31.08.36"}, "specialties"),
        ({"title": "Т" * 501}, "title"),
    ],
)
def test_malformed_input_is_422_validation_error(
    api_client, token_for, provider, nomenclature, changes, field
):
    body = assert_error(
        post(api_client, URL, {**BODY, **changes}, token_for(provider)), 422, "validation_error"
    )
    assert field in body["errors"]


def test_missing_fields_are_listed(api_client, token_for, provider):
    body = assert_error(post(api_client, URL, {}, token_for(provider)), 422, "validation_error")
    assert {"kind", "title", "specialties", "format", "starts_on", "ends_on"} <= set(body["errors"])


def test_staff_of_several_providers_name_the_provider(
    api_client, token_for, provider, provider_org, nomenclature
):
    """Without provider_id the choice is ambiguous (422 provider_required); with one of
    their providers it is accepted; another provider's id is refused."""
    add_user(
        email=provider.email,
        password=None,
        role="provider",
        organisation_name="Общество неврологов",
    )
    headers = token_for(provider)

    assert_error(post(api_client, URL, BODY, headers), 422, "provider_required")
    stranger = add_user(
        email="x@example.ru", password="pw-1234567890", role="provider", organisation_name="Чужие"
    )
    foreign_id = stranger.memberships.get().organisation_id
    assert_error(
        post(api_client, URL, {**BODY, "provider_id": foreign_id}, headers),
        422,
        "provider_required",
    )
    response = post(api_client, URL, {**BODY, "provider_id": provider_org.pk}, headers)
    assert response.status_code == 201
    assert response.json()["provider"]["name"] == "Общество кардиологов"


# --- Reading and editing -------------------------------------------------------------------


@pytest.fixture
def own(provider_org, cardiology):
    return ActivityFactory(
        provider=provider_org, title="Школа кардиолога", specialties=[cardiology]
    )


def test_the_provider_and_experts_read_an_application(api_client, token_for, provider, expert, own):
    for user in (provider, expert):
        response = api_client.get(f"{URL}/{own.pk}", **token_for(user))
        assert response.status_code == 200
        assert response.json()["title"] == "Школа кардиолога"


def test_it_checks_access_when_reading(api_client, token_for, own, other_provider, specialist):
    """Another provider's or a specialist's request is answered 404, like a missing id."""
    for user in (other_provider, specialist):
        assert_error(api_client.get(f"{URL}/{own.pk}", **token_for(user)), 404, "not_found")
    assert_error(api_client.get(f"{URL}/999999", **token_for(other_provider)), 404, "not_found")


def test_the_provider_patches_a_submitted_application(api_client, token_for, provider, own):
    """Only the fields sent change."""
    response = api_client.patch(
        f"{URL}/{own.pk}",
        {"title": "Школа кардиолога 2.0", "hours_requested": 8},
        content_type="application/json",
        **token_for(provider),
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["title"], body["hours_requested"], body["location"]) == (
        "Школа кардиолога 2.0",
        8,
        own.location,
    )
    assert body["status"] == "submitted"


def test_patching_is_checked_like_submitting(api_client, token_for, provider, own):
    body = assert_error(
        api_client.patch(
            f"{URL}/{own.pk}",
            {"ends_on": "2000-01-01"},
            content_type="application/json",
            **token_for(provider),
        ),
        422,
        "activity_invalid",
    )
    assert "ends_on" in body["errors"]


def test_a_decided_application_cannot_be_patched(api_client, token_for, provider, provider_org):
    decided = ActivityFactory(provider=provider_org, accredited=True)

    assert_error(
        api_client.patch(
            f"{URL}/{decided.pk}",
            {"title": "Новое"},
            content_type="application/json",
            **token_for(provider),
        ),
        409,
        "activity_not_editable",
    )


def test_it_checks_access_when_patching(api_client, token_for, own, other_provider, expert):
    """Another provider's application is 404; experts read but do not edit (404)."""
    for user in (other_provider, expert):
        assert_error(
            api_client.patch(
                f"{URL}/{own.pk}",
                {"title": "Чужая"},
                content_type="application/json",
                **token_for(user),
            ),
            404,
            "not_found",
        )


# --- The decision --------------------------------------------------------------------------


def decide(api_client, activity, body, headers):
    return post(api_client, f"{URL}/{activity.pk}/decision", body, headers)


@pytest.mark.clause("faq-catalogue-providers", "faq-only-listed")
def test_an_expert_accredits(api_client, token_for, expert, own):
    """200 with exactly {"id", "status", "credits"}; the activity is then in the public
    catalogue."""
    response = decide(
        api_client, own, {"decision": "accredited", "credits": 10, "comment": ""}, token_for(expert)
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"id": own.pk, "status": "accredited", "credits": 10}
    assert api_client.get("/api/v1/catalogue").json()["total"] == 1


def test_an_expert_rejects_with_a_reason(api_client, token_for, expert, own):
    response = decide(
        api_client, own, {"decision": "rejected", "comment": "Нет программы"}, token_for(expert)
    )

    assert response.json() == {"id": own.pk, "status": "rejected", "credits": None}


def test_accrediting_without_credits_is_422(api_client, token_for, expert, own):
    body = assert_error(
        decide(api_client, own, {"decision": "accredited"}, token_for(expert)),
        422,
        "decision_invalid",
    )
    assert "credits" in body["errors"]


def test_rejecting_without_a_reason_is_422(api_client, token_for, expert, own):
    body = assert_error(
        decide(api_client, own, {"decision": "rejected"}, token_for(expert)),
        422,
        "decision_invalid",
    )
    assert "comment" in body["errors"]


def test_an_unknown_decision_is_422(api_client, token_for, expert, own):
    assert_error(
        decide(api_client, own, {"decision": "maybe"}, token_for(expert)), 422, "validation_error"
    )


def test_a_second_decision_is_409(api_client, token_for, expert, own):
    headers = token_for(expert)
    decide(api_client, own, {"decision": "accredited", "credits": 5}, headers)

    assert_error(
        decide(api_client, own, {"decision": "rejected", "comment": "Передумали"}, headers),
        409,
        "activity_already_decided",
    )


def test_it_checks_access_for_decisions(api_client, token_for, own, provider, specialist):
    """Only experts decide: the provider and a specialist get 403."""
    for user in (provider, specialist):
        assert_error(
            decide(api_client, own, {"decision": "accredited", "credits": 5}, token_for(user)),
            403,
            "permission_denied",
        )
    own.refresh_from_db()
    assert own.status == "submitted"


def test_a_decision_on_an_unknown_application_is_404(api_client, token_for, expert):
    response = post(
        api_client,
        f"{URL}/999999/decision",
        {"decision": "rejected", "comment": "x"},
        token_for(expert),
    )

    assert_error(response, 404, "not_found")


@pytest.mark.clause("faq-foreign")
def test_credits_abroad_are_409_while_not_counted(api_client, token_for, expert, provider_org):
    """An activity held abroad cannot be accredited with credits while the credit policy
    does not count foreign credits (faq-foreign)."""
    abroad = ActivityFactory(provider=provider_org, country="FR", location="Paris")

    body = assert_error(
        decide(api_client, abroad, {"decision": "accredited", "credits": 5}, token_for(expert)),
        409,
        "foreign_credits_not_counted",
    )
    assert "за рубежом" in body["detail"]
