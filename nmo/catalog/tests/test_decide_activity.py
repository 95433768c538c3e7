"""The accreditation commission decides on applications (decide_activity), and the
foreign-credits switch (set_credit_policy, faq-foreign)."""

import pytest

from nmo.accounts.services import add_user
from nmo.catalog.exceptions import (
    ActivityAlreadyDecided,
    ActivityInvalid,
    ConflictOfInterest,
    DecisionInvalid,
    ForeignCreditsNotCounted,
)
from nmo.catalog.models import AccreditationDecision, CreditPolicy
from nmo.catalog.selectors import get_credit_policy, list_catalogue
from nmo.catalog.services import decide_activity, set_credit_policy
from nmo.catalog.tests.factories import ActivityFactory
from nmo.catalog.types import ActivityStatus
from nmo.core.exceptions import PermissionDenied
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(provider_org, cardiology):
    """A submitted in-person event of «Общество кардиологов», 12 hours requested."""
    return ActivityFactory(
        provider=provider_org,
        title="Конференция «Кардиология 2026»",
        hours_requested=12,
        specialties=[cardiology],
    )


@pytest.fixture
def colleague(provider_org, password):
    """A second staff member of the same provider: both get the decision by e-mail."""
    return add_user(
        email="colleague@example.ru",
        password=password,
        role="provider",
        organisation_name="Общество кардиологов",
    )


@pytest.mark.clause("faq-catalogue-providers", "faq-only-listed")
def test_an_expert_accredits_an_application_and_it_enters_the_catalogue(
    expert, provider, colleague, application, django_capture_on_commit_callbacks, mailoutbox
):
    """Accrediting sets the credits and the decision time, writes the history step and the
    audit line, puts the activity in the catalogue (faq-only-listed) and e-mails each of
    the provider's staff after commit (faq-catalogue-providers)."""
    with django_capture_on_commit_callbacks(execute=True):
        decided = decide_activity(
            actor=expert, activity=application, decision="accredited", credits=10, comment=""
        )

    application.refresh_from_db()
    assert decided.status == application.status == ActivityStatus.ACCREDITED
    assert application.credits == 10
    assert application.decided_at is not None
    step = application.history.last()
    assert (step.action, step.actor, step.credits) == ("accredited", expert, 10)
    entry = AuditEntry.objects.get(action="activity.accredit")
    assert entry.actor == expert
    assert entry.changes["credits"] == 10
    assert application in list_catalogue()
    assert sorted(m.to[0] for m in mailoutbox) == ["colleague@example.ru", "provider@example.ru"]
    mail = mailoutbox[0]
    assert "аккредитована" in mail.subject
    assert "Конференция «Кардиология 2026»" in mail.body
    assert "Установлено кредитов (ЗЕТ): 10" in mail.body


def test_an_expert_rejects_an_application_with_the_reason(
    expert, provider, application, django_capture_on_commit_callbacks, mailoutbox
):
    """Rejecting needs the reason; the provider gets it by e-mail; the activity stays out
    of the catalogue and carries no credits (faq-only-listed)."""
    with django_capture_on_commit_callbacks(execute=True):
        decide_activity(
            actor=expert,
            activity=application,
            decision="rejected",
            credits=None,
            comment="  Программа не соответствует специальности.  ",
        )

    application.refresh_from_db()
    assert application.status == ActivityStatus.REJECTED
    assert application.credits is None
    step = application.history.last()
    assert (step.action, step.comment) == ("rejected", "Программа не соответствует специальности.")
    assert AuditEntry.objects.filter(action="activity.reject").count() == 1
    assert application not in list_catalogue()
    (mail,) = mailoutbox
    assert mail.to == ["provider@example.ru"]
    assert "отклонена" in mail.subject
    assert "Причина: Программа не соответствует специальности." in mail.body


@pytest.mark.parametrize(
    ("decision", "credits", "comment", "field"),
    [
        ("accredited", None, "", "credits"),
        ("accredited", 0, "", "credits"),
        ("accredited", 13, "", "credits"),
        ("rejected", None, "", "comment"),
        ("rejected", None, "   ", "comment"),
        ("rejected", 5, "Нет программы", "credits"),
        ("postponed", None, "", "decision"),
    ],
)
def test_an_incomplete_decision_is_refused(
    expert, application, mailoutbox, decision, credits, comment, field
):
    """Accrediting needs whole credits from 1 to the hours requested (12 here: 13 is
    too many); rejecting needs the reason and awards no credits. Nothing changes and no
    one is e-mailed."""
    with pytest.raises(DecisionInvalid) as refused:
        decide_activity(
            actor=expert, activity=application, decision=decision, credits=credits, comment=comment
        )

    assert refused.value.status == 422
    assert field in refused.value.errors
    application.refresh_from_db()
    assert application.status == ActivityStatus.SUBMITTED
    assert application.history.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize("credits", [1, 12])
def test_credits_may_be_anything_from_1_to_the_hours_requested(expert, application, credits):
    """Both limits are accepted: 1 credit and exactly the 12 hours requested."""
    decided = decide_activity(
        actor=expert, activity=application, decision="accredited", credits=credits, comment=""
    )

    assert decided.credits == credits


@pytest.mark.parametrize("decision", ["accredited", "rejected"])
def test_a_decided_application_is_not_decided_again(expert, application, decision):
    """A decision is taken once: a second one, either way, is a conflict (409)."""
    decide_activity(
        actor=expert, activity=application, decision="accredited", credits=5, comment=""
    )

    with pytest.raises(ActivityAlreadyDecided) as refused:
        decide_activity(
            actor=expert, activity=application, decision=decision, credits=None, comment="Нет"
        )

    assert refused.value.code == "activity_already_decided"
    assert refused.value.status == 409
    application.refresh_from_db()
    assert application.credits == 5
    assert application.history.filter(action__in=["accredited", "rejected"]).count() == 1


@pytest.mark.clause("faq-catalogue-providers")
def test_it_checks_access(application, provider, specialist, admin_user):
    """Only the commission's experts decide: the provider itself, a specialist or an
    administrator may not accredit an activity (403)."""
    for actor in (provider, specialist, admin_user):
        with pytest.raises(PermissionDenied):
            decide_activity(
                actor=actor, activity=application, decision="accredited", credits=5, comment=""
            )
    application.refresh_from_db()
    assert application.status == ActivityStatus.SUBMITTED


def test_an_expert_does_not_decide_on_their_own_providers_application(expert, application):
    """An expert who is also staff of the applying provider has a conflict of interest."""
    add_user(
        email=expert.email, password=None, role="provider", organisation_name="Общество кардиологов"
    )

    with pytest.raises(ConflictOfInterest) as refused:
        decide_activity(
            actor=expert, activity=application, decision="accredited", credits=5, comment=""
        )

    assert refused.value.status == 403


# --- faq-foreign: credits for activities abroad ---------------------------------------


@pytest.fixture
def foreign_application(provider_org, cardiology):
    return ActivityFactory(
        provider=provider_org,
        title="European Society of Cardiology Congress",
        location="Amsterdam",
        country="NL",
        hours_requested=20,
        specialties=[cardiology],
    )


@pytest.mark.clause("faq-foreign")
def test_credits_abroad_are_refused_while_the_policy_does_not_count_them(
    expert, foreign_application, mailoutbox
):
    """By default credits from foreign CME systems are not counted: an activity held
    abroad cannot be accredited with credits, with a clear message (faq-foreign)."""
    assert get_credit_policy().foreign_credits_allowed is False

    with pytest.raises(ForeignCreditsNotCounted) as refused:
        decide_activity(
            actor=expert,
            activity=foreign_application,
            decision="accredited",
            credits=20,
            comment="",
        )

    assert refused.value.status == 409
    assert refused.value.code == "foreign_credits_not_counted"
    assert "за рубежом (страна NL)" in refused.value.message
    foreign_application.refresh_from_db()
    assert foreign_application.status == ActivityStatus.SUBMITTED
    assert foreign_application not in list_catalogue()


@pytest.mark.clause("faq-foreign")
def test_a_foreign_application_can_still_be_rejected(expert, foreign_application):
    """Refusing credits abroad does not block the commission from closing the case."""
    decided = decide_activity(
        actor=expert,
        activity=foreign_application,
        decision="rejected",
        credits=None,
        comment="Баллы зарубежных систем НМО не учитываются.",
    )

    assert decided.status == ActivityStatus.REJECTED


@pytest.mark.clause("faq-foreign")
def test_after_harmonisation_the_switch_allows_credits_abroad(
    expert, admin_user, foreign_application
):
    """The rule is a switch held as data, read at decision time: once an administrator
    turns it on (with the basis, audited), a foreign activity may be accredited; turned
    off again, the next one is refused (faq-foreign)."""
    set_credit_policy(
        actor=admin_user,
        foreign_credits_allowed=True,
        basis="Соглашение о гармонизации систем НМО РФ и ЕС",
    )

    decided = decide_activity(
        actor=expert,
        activity=foreign_application,
        decision="accredited",
        credits=20,
        comment="",
    )

    assert decided.status == ActivityStatus.ACCREDITED
    assert decided.credits == 20
    entry = AuditEntry.objects.get(action="credit_policy.update")
    assert entry.actor == admin_user
    assert entry.changes["foreign_credits_allowed"] == [False, True]

    set_credit_policy(actor=admin_user, foreign_credits_allowed=False, basis="Отмена соглашения")
    another = ActivityFactory(
        provider=foreign_application.provider, country="DE", location="Berlin"
    )
    with pytest.raises(ForeignCreditsNotCounted):
        decide_activity(
            actor=expert, activity=another, decision="accredited", credits=5, comment=""
        )


@pytest.mark.clause("faq-foreign")
def test_only_an_administrator_switches_the_policy_and_only_with_a_basis(
    admin_user, expert, provider
):
    """The switch is an administrator's act with its documentary basis."""
    for actor in (expert, provider):
        with pytest.raises(PermissionDenied):
            set_credit_policy(actor=actor, foreign_credits_allowed=True, basis="Приказ № 1")
    with pytest.raises(ActivityInvalid) as refused:
        set_credit_policy(actor=admin_user, foreign_credits_allowed=True, basis="  ")
    assert "basis" in refused.value.errors
    assert not CreditPolicy.objects.exists()


def test_domestic_activities_are_unaffected_by_the_switch(expert, application):
    """Russian activities are accredited whatever the foreign-credits policy says."""
    assert application.country == "RU"

    decided = decide_activity(
        actor=expert, activity=application, decision="accredited", credits=12, comment=""
    )

    assert decided.status == ActivityStatus.ACCREDITED
    assert AccreditationDecision.objects.filter(activity=application).count() == 1


@pytest.mark.clause("faq-foreign")
def test_an_administrator_switches_the_policy_in_admin(client, admin_user):
    """The switch lives in Django admin («Правило учёта кредитов»); saving goes through
    set_credit_policy, so it needs the basis and is audited."""
    client.force_login(admin_user)
    url = "/admin/catalog/creditpolicy/add/"

    without_basis = client.post(url, {"foreign_credits_allowed": "on", "basis": ""})
    assert without_basis.status_code == 200  # the form again, with the error
    assert not CreditPolicy.objects.exists()

    saved = client.post(url, {"foreign_credits_allowed": "on", "basis": "Соглашение РФ–ЕС"})

    assert saved.status_code == 302
    assert get_credit_policy().foreign_credits_allowed is True
    assert AuditEntry.objects.get(action="credit_policy.update").actor == admin_user
    assert client.get("/admin/catalog/creditpolicy/add/").status_code == 403
