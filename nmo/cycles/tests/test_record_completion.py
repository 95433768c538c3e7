"""record_completion: a provider's platform reports that a specialist completed an
e-module; the credit follows automatically, once, with an e-mail."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry
from nmo.cycles.exceptions import ModuleCompletionInvalid, ModuleNotInCatalogue, SpecialistNotFound
from nmo.cycles.models import CreditEntry, ModuleCompletion
from nmo.cycles.services import record_completion
from nmo.cycles.tests import factories
from nmo.cycles.tests.factories import set_foreign_credits

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
DONE = datetime(2026, 6, 1, 0, 30, tzinfo=MOSCOW)


@pytest.fixture
def module(provider, cardiology):
    return factories.module(credits=4)


def _report(provider, module, **kwargs):
    kwargs.setdefault("completed_at", DONE)
    if "email" not in kwargs and "snils" not in kwargs:
        kwargs["snils"] = "112-233-445 95"
    return record_completion(actor=provider, activity=module, **kwargs)


@pytest.mark.clause("faq-module-auto", "faq-email-notice")
def test_a_completion_credits_the_module_and_mails_the_specialist(
    provider, module, specialist, mailoutbox, django_capture_on_commit_callbacks
):
    """The first report adds the module's credits with no code, dated on the day of
    completion in Moscow (faq-module-auto), and e-mails the address given at registration
    after commit (faq-email-notice)."""
    with django_capture_on_commit_callbacks(execute=True):
        result = _report(provider, module)
    assert result.created
    entry = result.entry
    assert (entry.specialist, entry.activity, entry.hours, entry.source) == (
        specialist,
        module,
        4,
        "module",
    )
    assert entry.occurred_on == DONE.date()
    completion = ModuleCompletion.objects.get()
    assert (completion.reported_by, completion.credit_entry) == (provider, entry)
    assert AuditEntry.objects.filter(action="module.complete").exists()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ivanova@example.ru"]
    assert "Вам начислено 4 кредита (4 академических часа) за" in mail.body
    assert module.title in mail.body
    assert f"/cabinet/entries/{entry.pk}/notice.pdf" in mail.body


@pytest.mark.clause("faq-email-notice")
def test_no_mail_leaves_when_the_transaction_rolls_back(
    provider, module, specialist, mailoutbox, django_capture_on_commit_callbacks
):
    """The e-mail is scheduled on commit: a report that is rolled back sends nothing."""
    from django.db import transaction

    @transaction.atomic
    def report_then_fail():
        _report(provider, module)
        raise RuntimeError("rollback")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        report_then_fail()
    assert mailoutbox == []
    assert not CreditEntry.objects.exists()


@pytest.mark.clause("faq-module-auto")
def test_a_repeated_report_is_idempotent(
    provider, module, specialist, mailoutbox, django_capture_on_commit_callbacks
):
    """One credit per specialist and module: the repeat (even by e-mail, even with
    another time) returns the first completion and entry and mails nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        first = _report(provider, module)
        again = _report(
            provider, module, email="IVANOVA@example.ru ", completed_at=DONE + timedelta(days=3)
        )
    assert not again.created
    assert (again.completion, again.entry) == (first.completion, first.entry)
    assert again.completion.completed_at == DONE
    assert CreditEntry.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_specialist_is_found_by_email(provider, module, specialist):
    assert _report(provider, module, email="Ivanova@Example.ru").entry.specialist == specialist


@pytest.mark.clause("faq-only-listed")
@pytest.mark.parametrize(
    "change",
    [
        {"kind": "event"},
        {"status": "submitted", "credits": None},
        {"status": "rejected", "credits": None},
    ],
)
def test_only_an_accredited_module_is_credited(provider, specialist, cardiology, change):
    """An event, or a module not (yet) in the catalogue: 409 `module_not_in_catalogue`."""
    activity = factories.module(**change)
    with pytest.raises(ModuleNotInCatalogue) as caught:
        _report(provider, activity)
    assert caught.value.code == "module_not_in_catalogue"
    assert not CreditEntry.objects.exists()


@pytest.mark.clause("faq-foreign")
def test_a_foreign_module_is_not_credited(provider, specialist, cardiology, settings):
    set_foreign_credits(allowed=False)
    with pytest.raises(ModuleNotInCatalogue) as caught:
        _report(provider, factories.module(country="US"))
    assert caught.value.code == "foreign_credits_not_counted"


def test_an_unknown_person_is_not_found(provider, module, specialist, admin_user):
    """No such SNILS or e-mail, or a user who is not a specialist: 404."""
    with pytest.raises(SpecialistNotFound):
        _report(provider, module, snils="123-456-789 64")
    with pytest.raises(SpecialistNotFound):
        _report(provider, module, email="nobody@example.ru")
    with pytest.raises(SpecialistNotFound):
        _report(provider, module, email=admin_user.email)


@pytest.mark.parametrize(
    "identifiers", [{"snils": None, "email": None}, {"snils": "11223344595", "email": "a@b.ru"}]
)
def test_exactly_one_identifier_is_required(provider, module, specialist, identifiers):
    with pytest.raises(ModuleCompletionInvalid) as caught:
        record_completion(actor=provider, activity=module, completed_at=DONE, **identifiers)
    assert set(caught.value.errors) == {"snils", "email"}


@pytest.mark.parametrize(
    "completed_at",
    [
        datetime(2026, 6, 16, 0, 1, tzinfo=MOSCOW),  # tomorrow in Moscow
        datetime(2024, 12, 31, 23, 0, tzinfo=MOSCOW),  # before the module was listed
        datetime(2026, 6, 1, 10, 0),  # naive
    ],
)
def test_a_bad_completion_time_is_refused(provider, module, specialist, completed_at):
    with pytest.raises(ModuleCompletionInvalid) as caught:
        _report(provider, module, completed_at=completed_at)
    assert "completed_at" in caught.value.errors
    assert not CreditEntry.objects.exists()


def test_it_checks_access(provider, module, specialist, admin_user):
    """A user without the provider role gets 403; staff of another provider 404, the
    same as a module that does not exist."""
    from nmo.accounts.services import add_user

    with pytest.raises(PermissionDenied):
        _report(specialist, module)
    with pytest.raises(PermissionDenied):
        _report(admin_user, module)
    stranger = add_user(
        email="other-provider@example.ru",
        password="pw-1234567890",
        role="provider",
        organisation_name="Общество неврологов",
    )
    with pytest.raises(NotFound):
        _report(stranger, module)
    assert not CreditEntry.objects.exists()
