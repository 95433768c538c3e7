"""Activating a confirmation code (faq-ikp-activation, faq-ikp-normalize, faq-ikp-error,
faq-email-notice)."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from nmo.catalog.models import Activity, ActivityStatus
from nmo.codes.exceptions import CODE_NOT_ACTIVATED_MESSAGE, CodeAlreadyYours, CodeNotActivated
from nmo.codes.models import ConfirmationCode
from nmo.codes.services import activate_code
from nmo.codes.tests.factories import ConfirmationCodeFactory, accredited_event, issued_codes
from nmo.core.exceptions import NotAuthenticated, PermissionDenied, RateLimited
from nmo.core.models import AuditEntry
from nmo.cycles.models import CreditEntry

pytestmark = pytest.mark.django_db

IP = "198.51.100.7"


@pytest.fixture
def code(provider, event):
    return issued_codes(provider, event, 1)[0]


def activate(specialist, typed, ip=IP):
    return activate_code(specialist=specialist, typed_code=typed, ip=ip)


def typed_sloppily(value: str) -> str:
    """The code as a person might type it: lower case, spaces, "O" for zero."""
    return "  " + value.lower().replace("-", " ").replace("0", "o") + " "


@pytest.mark.clause("faq-ikp-activation", "faq-ikp-normalize", "faq-email-notice")
def test_activation_credits_the_event_once_and_emails_a_notice(
    specialist, event, code, django_capture_on_commit_callbacks
):
    """A code typed in any case, with spaces and "O" for zero, credits the event's 6
    credits once; the e-mail notice with event, credits and date goes out after commit;
    the activation is audited."""
    with django_capture_on_commit_callbacks(execute=True):
        activation = activate(specialist, typed_sloppily(code.value))
    assert activation.code == code.value
    assert activation.activity_id == event.pk
    assert activation.credits == 6
    code.refresh_from_db()
    assert code.activated_by == specialist
    assert code.activated_at == activation.activated_at
    entry = CreditEntry.objects.get(specialist=specialist, activity=event)
    assert entry.hours == 6
    assert entry.source == "code"
    assert entry.reference == code.value
    assert entry.occurred_on == event.ends_on
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == [specialist.email]
    assert event.title in letter.body
    assert "Начислено кредитов: 6" in letter.body
    assert activation.activated_at.astimezone().strftime("%d.%m.%Y") in letter.body
    audit = AuditEntry.objects.get(action="code.activate")
    assert audit.actor == specialist
    assert audit.object_id == str(code.pk)


def test_no_email_when_the_activation_fails(specialist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(CodeNotActivated):
        activate(specialist, "AAAA-AAAA0000")
    assert mail.outbox == []


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.clause("faq-email-notice")
@pytest.mark.django_db(transaction=True)  # the worker closes the connection when done
@override_settings(TASKS=DATABASE_QUEUE)
def test_with_the_production_queue_the_notice_is_queued_with_the_credit_and_sent(
    specialist, colleague, event, code
):
    """With the database queue of production the notice's task row is written with the
    credit (on PostgreSQL in the activation's one statement), a failed activation queues
    nothing, and the worker sends the letter with the event and the credits."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    activate(specialist, code.value)
    with pytest.raises(CodeNotActivated):
        activate(colleague, code.value)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "nmo.codes.tasks.send_activation_notice"
    assert queued.args_kwargs["kwargs"] == {"specialist_id": specialist.pk, "code": code.value}
    assert mail.outbox == []  # the worker sends it, not the request
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    [letter] = mail.outbox
    assert letter.to == [specialist.email]
    assert letter.subject == "Начислены кредиты НМО: 6"
    assert f"«{event.title}»" in letter.body
    assert code.value in letter.body


@pytest.mark.clause("faq-ikp-error")
def test_same_specialist_again_gets_a_friendly_distinct_answer(specialist, code):
    """Activating one's own code again is answered kindly with its date, credits nothing
    and is not counted as a failed attempt."""
    activate(specialist, code.value)
    with pytest.raises(CodeAlreadyYours) as caught:
        activate(specialist, code.value)
    assert caught.value.code == "code_already_yours"
    assert caught.value.status == 409
    assert caught.value.message.startswith("Этот код вы уже активировали ")
    assert "кредиты начислены" in caught.value.message
    assert CreditEntry.objects.filter(specialist=specialist).count() == 1


def test_a_refusal_is_the_one_message_of_the_faq():
    assert CODE_NOT_ACTIVATED_MESSAGE == (
        "Код не был активирован. Возможно код неверен или уже был активирован ранее"
    )


def assert_not_activated(specialist, typed):
    with pytest.raises(CodeNotActivated) as caught:
        activate(specialist, typed)
    assert caught.value.code == "code_not_activated"
    assert caught.value.status == 409
    assert caught.value.message == CODE_NOT_ACTIVATED_MESSAGE
    return caught.value


@pytest.mark.clause("faq-ikp-error")
def test_someone_elses_code_gets_the_faq_message_and_credits_nothing(specialist, colleague, code):
    """A code another specialist activated: the one message, no credit, the code stays
    theirs."""
    activate(colleague, code.value)
    assert_not_activated(specialist, code.value)
    assert not CreditEntry.objects.filter(specialist=specialist).exists()
    code.refresh_from_db()
    assert code.activated_by == colleague


@pytest.mark.clause("faq-ikp-error", "faq-ikp-normalize")
@pytest.mark.parametrize("typed", ["", "hello", "ABCD-EFGH12", "ZZZZ-ZZZZ9999", "Код 1234"])
def test_unknown_or_malformed_codes_get_the_faq_message(specialist, typed):
    assert_not_activated(specialist, typed)


@pytest.mark.clause("faq-ikp-error", "faq-only-listed")
def test_code_of_an_activity_no_longer_accredited_gets_the_faq_message(specialist, event, code):
    """Nothing is credited for an activity that is not (or no longer) accredited."""
    Activity.objects.filter(pk=event.pk).update(status=ActivityStatus.REJECTED, credits=None)
    assert_not_activated(specialist, code.value)
    code.refresh_from_db()
    assert code.activated_at is None


@pytest.mark.clause("faq-ikp-error")
def test_second_code_of_an_event_already_credited_stays_unused(provider, specialist, event):
    """Decision: a specialist already credited for the event (by another code or a
    support decision) gets the same one message for a second code of it; that code stays
    unused for its rightful holder and nothing is credited twice."""
    first, second = issued_codes(provider, event, 2)
    activate(specialist, first.value)
    assert_not_activated(specialist, second.value)
    second.refresh_from_db()
    assert second.activated_at is None
    assert CreditEntry.objects.filter(specialist=specialist, activity=event).count() == 1


def test_credit_from_the_ledger_blocks_the_code_and_rolls_the_claim_back(
    provider, specialist, event
):
    """If the ledger already holds the event (a support decision), the claim is rolled back."""
    from nmo.cycles.services import post_credit

    post_credit(specialist=specialist, activity=event, source="support", occurred_on=event.ends_on)
    code = issued_codes(provider, event, 1)[0]
    assert_not_activated(specialist, code.value)
    code.refresh_from_db()
    assert code.activated_at is None
    assert not AuditEntry.objects.filter(action="code.activate").exists()


@override_settings(THROTTLE_ACTIVATION_FAILURES=3)
def test_after_the_limit_even_a_valid_code_is_throttled_per_specialist(specialist, code):
    """After the limit of failures the specialist is refused with RateLimited, even for a
    valid code, from any address."""
    for n in range(3):
        assert_not_activated(specialist, f"AAAA-AAAA000{n}")
    with pytest.raises(RateLimited) as caught:
        activate(specialist, code.value, ip="203.0.113.99")
    assert caught.value.retry_after > 0
    code.refresh_from_db()
    assert code.activated_at is None


@override_settings(THROTTLE_ADDRESS_FAILURES=3)
def test_others_failures_at_a_busy_address_never_stop_a_correct_code(specialist, colleague, code):
    """An address over its ceiling (ADR 0014) still lets a specialist who has not failed
    there activate a correct code; the failures were somebody else's."""
    for n in range(3):
        assert_not_activated(specialist, f"AAAA-AAAA000{n}")  # the address is busy now
    assert_not_activated(colleague, "AAAA-AAAA0009")  # a slip of the colleague's own
    assert activate(colleague, code.value).code == code.value


@override_settings(THROTTLE_ADDRESS_FAILURES=3, THROTTLE_ADDRESS_ALLOWANCE=2)
def test_at_a_busy_address_a_specialist_who_keeps_failing_waits(provider, colleague, event):
    """Over the address's ceiling, a specialist's own failures beyond the allowance stop
    them at that address, well before their own limit; another address is not affected."""
    good = issued_codes(provider, event, 1)[0]
    for n in range(3):
        assert_not_activated(colleague, f"AAAA-AAAA000{n}")  # the address is busy now
    with pytest.raises(RateLimited) as caught:
        activate(colleague, good.value)
    assert "Повторите попытку через" in caught.value.message
    assert activate(colleague, good.value, ip="203.0.113.5").code == good.value


@override_settings(
    THROTTLE_ACTIVATION_FAILURES=3, THROTTLE_ADDRESS_FAILURES=4, THROTTLE_ADDRESS_ALLOWANCE=1
)
def test_success_clears_the_specialists_count_not_the_addresss(provider, specialist, event):
    """A success resets the specialist's failures (as the login does, ADR 0014); the
    address keeps its count."""
    good = issued_codes(provider, event, 1)[0]
    assert_not_activated(specialist, "AAAA-AAAA0001")
    assert_not_activated(specialist, "AAAA-AAAA0002")
    activate(specialist, good.value, ip="203.0.113.5")
    assert_not_activated(specialist, "AAAA-AAAA0003")
    assert_not_activated(specialist, "AAAA-AAAA0004")  # the specialist's count restarted
    with pytest.raises(RateLimited):  # the address's fourth failure: it is busy now
        activate(specialist, "AAAA-AAAA0005")


def test_a_failure_marks_the_account_and_the_mark_only_moves_forward(specialist):
    """ADR 0612: a failure leaves its time on the account (then the counters are read for
    the specialist on every node); a slower request's older time never replaces it."""
    from nmo.accounts.models import User

    before = timezone.now()
    assert_not_activated(specialist, "AAAA-AAAA0001")
    marked = User.objects.get(pk=specialist.pk).failed_activation_at
    assert marked is not None
    assert before <= marked <= timezone.now()
    later = timezone.now() + dt.timedelta(minutes=5)
    User.objects.filter(pk=specialist.pk).update(failed_activation_at=later)
    assert_not_activated(specialist, "AAAA-AAAA0002")  # its moment is earlier than `later`
    assert User.objects.get(pk=specialist.pk).failed_activation_at == later


@override_settings(THROTTLE_ACTIVATION_FAILURES=2)
def test_own_code_again_is_not_a_failure(specialist, code):
    activate(specialist, code.value)
    for _ in range(3):
        with pytest.raises(CodeAlreadyYours):
            activate(specialist, code.value)


def test_code_issued_directly_of_a_module_is_refused(provider, specialist):
    """A stray code of a module (modules are credited automatically) credits nothing."""
    module = accredited_event(submitted_by=provider, kind="module", title="Модуль")
    stray = ConfirmationCodeFactory(activity=module)
    assert_not_activated(specialist, stray.value)


@pytest.mark.clause("faq-ikp-activation")
def test_it_checks_access(provider, code, admin_user):
    """Only a specialist activates codes: others are refused before anything is done."""
    from django.contrib.auth.models import AnonymousUser

    for actor in (provider, admin_user):
        with pytest.raises(PermissionDenied):
            activate(actor, code.value)
    with pytest.raises(NotAuthenticated):
        activate(AnonymousUser(), code.value)
    assert not ConfirmationCode.objects.filter(activated_at__isnull=False).exists()


@pytest.mark.clause("faq-ikp-error")
def test_the_claim_filters_the_code_row_itself(specialist, code):
    """The claim's WHERE tests `activated_at IS NULL` on the updated row, never in a
    subquery over the codes table: with `id IN (SELECT … activated_at IS NULL)` (what
    Django writes for a filter through a join) PostgreSQL's re-check of a row updated
    concurrently keeps the stale subquery row, and 16 specialists racing for one code all
    "won" (see tests/concurrency/test_activation_race.py and ADR 0203)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        activate(specialist, code.value)
    claims = [q["sql"] for q in queries if 'UPDATE "codes_confirmationcode"' in q["sql"]]
    assert len(claims) == 1
    where = claims[0].partition(" WHERE ")[2]
    assert where.startswith("value = ")
    assert " AND activated_at IS NULL AND " in where
    assert 'FROM "codes_confirmationcode"' not in claims[0]


def test_one_activation_takes_few_queries(specialist, event, code, django_assert_max_num_queries):
    """On PostgreSQL (production) a successful activation through the service is one
    statement — the claim, the ledger entry, the cabinet's new version (and the notice's
    task row with the database queue) as data-modifying CTEs — and the audit line on the
    hash chain (ADR 0024): the append lock with the chain's end in one statement, the
    insert; here,
    inside the test's transaction, wrapped in one savepoint. Elsewhere (SQLite) it takes
    9: the savepoint, the claim and its activity (two statements), the specialties with
    the specialist's cycles, the ledger insert, the cabinet's new version, the audit line
    after reading the last one, the release. The roles came with the user (the
    API's token look-up) and are not read again, nor is the credit policy for a domestic
    event. It was 15 statements at first, besides two cache writes (ADR 0203)."""
    from django.db import connection

    from nmo.accounts.selectors import roles_of

    roles_of(specialist)  # read with the user, as the API's token look-up does
    one_statement = connection.vendor == "postgresql"
    with django_assert_max_num_queries(5 if one_statement else 9) as queries:
        activation = activate(specialist, code.value)
    assert activation.credits == 6
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum(s.startswith("SAVEPOINT") for s in sql) <= 1
    if one_statement:
        assert [s.split()[0] for s in sql] == [
            "SAVEPOINT",
            "WITH",
            "SELECT",  # core_audit_lock_head: deferred keys, the chain's lock, its end
            "INSERT",
            "RELEASE",
        ]
    else:
        assert not any("catalog_creditpolicy" in s for s in sql)
    audit = AuditEntry.objects.get(action="code.activate")
    entry = CreditEntry.objects.get(specialist=specialist, activity=event)
    assert audit.changes["credit_entry"] == entry.pk
    assert audit.changes["hours"] == 6
    assert audit.changes["specialty"] == entry.specialty_id
    assert not AuditEntry.objects.filter(action="credit.post").exists()


@pytest.mark.clause("faq-ikp-activation")
def test_the_cabinet_shows_the_credit_at_once_though_it_was_cached(client, specialist, event, code):
    """The cabinet's cached sections are left behind by the activation (the cabinet's new
    version is written with the credit): the very next visit lists the event."""
    client.force_login(specialist)
    assert event.title not in client.get("/cabinet/").content.decode()  # now cached
    activate(specialist, code.value)
    assert event.title in client.get("/cabinet/").content.decode()


@pytest.mark.clause("faq-ikp-activation")
def test_the_credit_is_booked_under_the_specialty_of_the_specialists_cycle(provider, specialist):
    """An event of two specialties credits the one whose five-year cycle includes the
    event, whichever path the database takes (one statement on PostgreSQL): a ledger
    entry of an event, with no remote hours and no staff author."""
    import datetime as dt

    from nmo.cycles.services import enter_cycle

    event = accredited_event(submitted_by=provider, specialty_codes=("31.08.36", "31.08.49"))
    enter_cycle(specialist=specialist, specialty_code="31.08.49", starts_on=dt.date(2025, 1, 1))
    code = issued_codes(provider, event, 1)[0]
    activate(specialist, code.value)
    entry = CreditEntry.objects.select_related("specialty").get(specialist=specialist)
    assert entry.specialty.code == "31.08.49"  # therapy: the cycle's, not cardiology
    assert (entry.kind, entry.remote_hours, entry.created_by_id) == ("event", None, None)
