"""Applications for cohorts (заявки на обучение, ADR 0117): a specialist applies from the
cohort's page, the organisation accepts — enrolling the same account — or declines with a
reason and records the contract; the seats are never oversold; e-mail at each step."""

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.models import User
from nmo.accounts.services import Registration, register_specialist
from nmo.core.models import AuditEntry
from nmo.core.tests.test_email_smtp import smtp_server  # noqa: F401 - the real SMTP fixture
from nmo.programmes import services
from nmo.programmes.exceptions import (
    ApplicationExists,
    ApplicationInvalid,
    ApplicationNotOpen,
    CohortClosedForApplications,
    NoSeatsLeft,
)
from nmo.programmes.models import (
    ApplicationStatus,
    Cohort,
    Enrolment,
    Programme,
    ProgrammeApplication,
)
from nmo.programmes.selectors import seats_left, seats_taken
from nmo.programmes.tests.conftest import PASSWORD
from nmo.programmes.tests.factories import learner_row, make_cohort, make_programme, snils_number
from nmo.programmes.types import ApplicationRequest

pytestmark = pytest.mark.django_db

BY_CONTRACT = ApplicationRequest(payment_basis="specialist_contract")


def offered(org, *, seats: int | None = 2, by_certificate: bool = True) -> Cohort:
    """A published programme with a cohort starting in a month that offers `seats`."""
    programme = make_programme(org)
    Programme.objects.filter(pk=programme.pk).update(
        published=True, by_certificate=by_certificate, price=25000, summary="Для педиатров."
    )
    today = timezone.localdate()
    cohort = make_cohort(
        org,
        programme,
        starts_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=44),
        attestation_date=today + timedelta(days=44),
    )
    Cohort.objects.filter(pk=cohort.pk).update(seats=seats)
    cohort.refresh_from_db()
    return cohort


def another_specialist(n: int = 2) -> User:
    return register_specialist(
        data=Registration(
            email=f"spec{n}@example.ru",
            password=PASSWORD,
            last_name="Смирнов",
            first_name="Олег",
            middle_name="Ильич",
            snils=snils_number(),
            personal_data_consent=True,
        )
    )


def signed_in(user: User, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.login(username=user.email, password=password)
    return client


# --- through HTTP ------------------------------------------------------------------------


@pytest.mark.clause("faq-join-steps")
def test_a_specialist_applies_and_the_acceptance_enrols_the_same_account(
    npc, specialist, django_capture_on_commit_callbacks
):
    """faq-join-steps, steps 1–2: the specialist chooses a cohort of a programme and
    applies under a contract; the study department accepts it with the contract; the
    specialist — the same account, no second one — is a learner of the cohort, sees
    «принята» with the contract in the plan, and got a letter at each step."""
    cohort = offered(npc, seats=3)
    people = User.objects.count()
    me = signed_in(specialist, PASSWORD)
    page = me.get(reverse("programmes:apply", kwargs={"cohort_pk": cohort.pk}))
    assert page.status_code == 200
    assert "Неотложная помощь детям" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        filed = me.post(
            reverse("programmes:apply", kwargs={"cohort_pk": cohort.pk}),
            {"payment_basis": "specialist_contract", "comment": "Прошу зачислить."},
        )
    assert filed.status_code == 302
    application = ProgrammeApplication.objects.get(specialist=specialist)
    assert application.status == ApplicationStatus.FILED
    assert seats_left(cohort) == 2
    assert [m.to for m in mail.outbox] == [[specialist.email], [npc.staff.email]]
    assert "заявка на обучение подана" in mail.outbox[0].subject
    assert "Уважаемая Мария Петровна" in mail.outbox[0].body
    assert "от Ивановой Марии Петровны" in mail.outbox[1].body  # declined by the grammar
    assert "Свободно: 2 места" in mail.outbox[1].body
    mail.outbox.clear()

    staff = signed_in(npc.staff)
    listing = staff.get(reverse("programmes:application_list"), {"status": "filed"})
    assert listing.status_code == 200
    assert "Иванова Мария Петровна" in listing.content.decode()
    detail = reverse("programmes:application_detail", kwargs={"pk": application.pk})
    assert staff.get(detail).status_code == 200
    signed_on = timezone.localdate() - timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = staff.post(
            reverse("programmes:application_accept", kwargs={"pk": application.pk}),
            {"contract_number": "ДПП-17/2026", "contract_date": signed_on.strftime("%d.%m.%Y")},
        )
    assert accepted.status_code == 302
    assert "Иванова Мария Петровна зачислена в группу" in (staff.get(accepted.url).content.decode())
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED
    assert application.decided_by == npc.staff
    assert application.contract_payer == "Иванова Мария Петровна"
    enrolment = Enrolment.objects.get(cohort=cohort)
    assert enrolment.learner_id == specialist.pk  # one person
    assert enrolment.contract_number == "ДПП-17/2026"
    assert enrolment.contract_date == signed_on
    assert User.objects.count() == people
    assert [m.to for m in mail.outbox] == [[specialist.email]]
    assert "принята" in mail.outbox[0].subject
    assert "ДПП-17/2026" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="programme_application.accept").count() == 1

    mine = me.get(reverse("programmes:my_applications")).content.decode()
    assert "принята" in mine
    assert "ДПП-17/2026" in mine
    cabinet = me.get(reverse("cycles:cabinet")).content.decode()
    assert "Программы ДПП: мои заявки" in cabinet
    assert f"заявка № {application.pk} <strong>принята</strong>" in cabinet
    assert "вы слушатель группы" in cabinet


@pytest.mark.clause("faq-portal-cycles")
def test_a_programme_is_chosen_with_an_educational_certificate(npc, specialist):
    """faq-portal-cycles: a programme that may be paid with an educational certificate is
    applied for with the certificate's number; without the number the answer is a Russian
    422 and nothing is written; a programme not paid by certificate does not offer it."""
    cohort = offered(npc)
    me = signed_in(specialist)
    url = reverse("programmes:apply", kwargs={"cohort_pk": cohort.pk})
    missing = me.post(url, {"payment_basis": "education_voucher", "voucher_number": " "})
    assert missing.status_code == 422
    assert "Укажите номер образовательного сертификата." in missing.content.decode()
    assert not ProgrammeApplication.objects.exists()
    assert me.post(url, {"payment_basis": "education_voucher", "voucher_number": "ОС-77 001"})[
        "Location"
    ]
    application = ProgrammeApplication.objects.get()
    assert (application.payment_basis, application.voucher_number) == (
        "education_voucher",
        "ОС-77 001",
    )

    paid_only = offered(npc, by_certificate=False)
    page = me.get(reverse("programmes:apply", kwargs={"cohort_pk": paid_only.pk}))
    assert "образовательный сертификат</option>" not in page.content.decode()
    with pytest.raises(ApplicationInvalid) as refused:
        services.apply_for_cohort(
            actor=specialist,
            cohort=paid_only,
            request=ApplicationRequest(payment_basis="education_voucher", voucher_number="1"),
        )
    assert "По образовательному сертификату эта программа не проводится" in str(
        refused.value.errors
    )


@pytest.mark.clause("faq-join-steps")
def test_a_decline_needs_a_reason_which_the_specialist_receives(
    npc, specialist, django_capture_on_commit_callbacks
):
    """Declining with no reason is a Russian 422 and changes nothing; with the reason the
    application is declined, the seat is freed and the specialist gets the reason."""
    cohort = offered(npc, seats=1)
    application = services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    staff = signed_in(npc.staff)
    url = reverse("programmes:application_decline", kwargs={"pk": application.pk})
    empty = staff.post(url, {"reason": ""})
    assert empty.status_code == 422
    assert "Укажите причину отказа." in empty.content.decode()
    short = staff.post(url, {"reason": "нет"})
    assert short.status_code == 422
    assert "от 10 до 2000 символов" in short.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FILED
    assert seats_left(cohort) == 0
    with django_capture_on_commit_callbacks(execute=True):
        done = staff.post(url, {"reason": "Нет сертификата специалиста по педиатрии."})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert seats_left(cohort) == 1
    assert [m.to for m in mail.outbox] == [[specialist.email]]
    assert "отклонена" in mail.outbox[0].subject
    assert "Причина: Нет сертификата специалиста по педиатрии." in mail.outbox[0].body
    page = signed_in(specialist).get(reverse("programmes:my_applications")).content.decode()
    assert "отклонена" in page
    assert "Нет сертификата специалиста по педиатрии." in page
    # Declined, the specialist may apply again.
    services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)


def test_the_specialist_withdraws_before_the_decision_only(
    npc, specialist, django_capture_on_commit_callbacks
):
    """The organisation is told who withdrew, the verb agreeing with her sex."""
    cohort = offered(npc, seats=1)
    application = services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    other = another_specialist()
    url = reverse("programmes:application_withdraw", kwargs={"pk": application.pk})
    assert signed_in(other).post(url).status_code == 404
    me = signed_in(specialist)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert me.post(url).status_code == 302
    [letter] = [m for m in mail.outbox if "отозвана" in m.subject]
    assert "Иванова Мария Петровна отозвала заявку" in letter.body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    assert application.withdrawn_at is not None
    assert seats_left(cohort) == 1
    again = me.post(url, follow=True)
    assert "решение уже принято или она отозвана" in again.content.decode()
    with pytest.raises(ApplicationNotOpen):
        services.accept_application(actor=npc.staff, application=application)


def test_staff_record_the_contract_after_acceptance(npc, specialist):
    cohort = offered(npc)
    application = services.apply_for_cohort(
        actor=specialist,
        cohort=cohort,
        request=ApplicationRequest(
            payment_basis="employer_contract", employer_name="ГБУЗ «ДГП № 7 ДЗМ»"
        ),
    )
    services.accept_application(actor=npc.staff, application=application)
    staff = signed_in(npc.staff)
    url = reverse("programmes:application_contract", kwargs={"pk": application.pk})
    future = (timezone.localdate() + timedelta(days=3)).strftime("%d.%m.%Y")
    bad = staff.post(url, {"contract_number": "", "contract_date": future})
    assert bad.status_code == 422
    body = bad.content.decode()
    assert "Укажите номер договора." in body
    assert "Дата договора не может быть позже сегодняшнего дня." in body
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert staff.post(url, {"contract_number": "Д-5", "contract_date": today}).status_code == 302
    application.refresh_from_db()
    assert (application.contract_number, application.contract_payer) == (
        "Д-5",
        "ГБУЗ «ДГП № 7 ДЗМ»",
    )
    assert application.enrolment.contract_number == "Д-5"
    assert AuditEntry.objects.filter(action="programme_application.contract").exists()


# --- who may do what ---------------------------------------------------------------------


def test_pages_check_who_acts(npc, rgmu, specialist, client):
    cohort = offered(npc)
    application = services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    detail = reverse("programmes:application_detail", kwargs={"pk": application.pk})
    accept = reverse("programmes:application_accept", kwargs={"pk": application.pk})
    apply_url = reverse("programmes:apply", kwargs={"cohort_pk": cohort.pk})
    # Anonymous: to the login form.
    assert client.get(apply_url).status_code in (302, 401)
    # Another organisation's staff: it does not exist for them.
    other = signed_in(rgmu.staff)
    assert other.get(detail).status_code == 404
    assert other.post(accept).status_code == 404
    assert "Иванова" not in other.get(reverse("programmes:application_list")).content.decode()
    # A specialist may not open the staff's pages; staff may not apply.
    me = signed_in(specialist)
    assert me.get(reverse("programmes:application_list")).status_code == 403
    assert me.get(detail).status_code == 403
    assert signed_in(npc.staff).get(apply_url).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.FILED
    # A cohort that offers no seats, or has started, takes no applications.
    closed = offered(npc, seats=None)
    assert me.get(reverse("programmes:apply", kwargs={"cohort_pk": closed.pk})).status_code == 404
    with pytest.raises(CohortClosedForApplications):
        services.apply_for_cohort(actor=specialist, cohort=closed, request=BY_CONTRACT)


def test_the_staff_list_filters_by_state_cohort_and_name(npc, specialist):
    first, second = offered(npc), offered(npc)
    services.apply_for_cohort(actor=specialist, cohort=first, request=BY_CONTRACT)
    declined = services.apply_for_cohort(
        actor=another_specialist(), cohort=second, request=BY_CONTRACT
    )
    services.decline_application(
        actor=npc.staff, application=declined, reason="Группа для педиатров."
    )
    staff = signed_in(npc.staff)
    url = reverse("programmes:application_list")
    assert "Смирнов" not in staff.get(url, {"status": "filed"}).content.decode()
    assert "Иванова" not in staff.get(url, {"cohort": second.pk}).content.decode()
    assert "Иванова" in staff.get(url, {"q": "Иванова"}).content.decode()
    assert staff.get(url, {"status": "nonsense"}).status_code == 422


# --- the rules ---------------------------------------------------------------------------


def test_one_active_application_per_specialist_and_cohort(npc, specialist):
    cohort = offered(npc)
    services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    with pytest.raises(ApplicationExists):
        services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    assert ProgrammeApplication.objects.count() == 1


def test_no_seat_left_is_a_clear_refusal(npc, specialist):
    cohort = offered(npc, seats=1)
    services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    with pytest.raises(NoSeatsLeft) as refused:
        services.apply_for_cohort(actor=another_specialist(), cohort=cohort, request=BY_CONTRACT)
    assert refused.value.status == 409
    assert "Свободных мест в группе не осталось" in refused.value.message
    assert seats_taken(cohort) == 1


def test_acceptance_respects_seats_reduced_after_filing(npc, specialist):
    cohort = offered(npc, seats=2)
    first = services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    second = services.apply_for_cohort(
        actor=another_specialist(), cohort=cohort, request=BY_CONTRACT
    )
    services.accept_application(actor=npc.staff, application=first)
    Cohort.objects.filter(pk=cohort.pk).update(seats=1)
    with pytest.raises(NoSeatsLeft):
        services.accept_application(actor=npc.staff, application=second)
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


def test_an_imported_learner_with_the_specialists_snils_is_the_same_person(npc, specialist):
    """The organisation imports its learners: a row with the specialist's SNILS (written
    differently, another e-mail) is the specialist's own account, not a second one; the
    specialist then cannot apply for the cohort they already study in."""
    cohort = offered(npc)
    people = User.objects.count()
    enrolment = services.enrol_learner(
        actor=npc.staff,
        cohort=cohort,
        learner=learner_row(
            last_name="Иванова",
            first_name="Мария",
            middle_name="Петровна",
            snils="11223344595",
            email="m.ivanova@hospital.example.ru",
        ),
    )
    assert enrolment.learner_id == specialist.pk
    assert User.objects.count() == people
    with pytest.raises(ApplicationExists) as refused:
        services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    assert "уже зачислены" in refused.value.message


def test_an_accepted_specialist_is_then_the_learner_of_the_imported_row(npc, specialist):
    """Accepted first, imported afterwards: the import finds the same enrolment."""
    cohort = offered(npc)
    application = services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    services.accept_application(actor=npc.staff, application=application)
    result = services.import_learners(
        actor=npc.staff,
        cohort=cohort,
        learners=[learner_row(snils=specialist.snils, email="other@example.ru")],
    )
    assert (result.enrolled, result.already_enrolled) == (0, 1)
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


# --- e-mail through a real SMTP server --------------------------------------------------


def _subject(letter) -> str:
    return str(make_header(decode_header(letter["Subject"])))


def test_each_step_is_mailed_through_smtp_after_the_commit(
    npc,
    specialist,
    smtp_server,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
):
    """The letters go through a real SMTP server (aiosmtpd) and only after the commit:
    filed → the specialist and the organisation's staff; declined with the reason, then
    filed again and accepted → the specialist."""
    cohort = offered(npc)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
    assert smtp_server.messages == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_application(
            actor=npc.staff, application=first, reason="Не приложен диплом о ВО."
        )
        second = services.apply_for_cohort(actor=specialist, cohort=cohort, request=BY_CONTRACT)
        services.accept_application(actor=npc.staff, application=second)
    letters = [(letter["To"], _subject(letter)) for letter in smtp_server.messages]
    assert letters == [
        (specialist.email, "НМО: заявка на обучение подана"),
        (npc.staff.email, "НМО: новая заявка на обучение"),
        (specialist.email, "НМО: заявка на обучение отклонена"),
        (specialist.email, "НМО: заявка на обучение подана"),
        (npc.staff.email, "НМО: новая заявка на обучение"),
        (specialist.email, "НМО: заявка на обучение принята"),
    ]
