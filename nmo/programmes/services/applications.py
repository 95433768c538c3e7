"""A specialist's application for a cohort offered in the catalogue (заявка на обучение,
faq-join-steps steps 1–2, faq-portal-cycles; ADR 0117).

The specialist applies for a cohort, paying with an educational certificate or under a
contract with themselves or their employer; the organisation's staff accept or decline
it with a reason and record the contract. Acceptance enrols the same account as a learner
of the cohort — one person, never a second account.

Seats: a filed application holds one of the cohort's catalogue seats until it is decided
or withdrawn, and an accepted one keeps it. Filing and accepting lock the cohort's row
first (`select_for_update`), so concurrent applications for the last seat are serialised:
one wins, the others get NoSeatsLeft (409). Every step is audited and e-mailed after the
commit.
"""

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.access import require_login, require_role, require_staff_of
from nmo.accounts.models import Role, User
from nmo.accounts.selectors import staff_emails_for
from nmo.core.exceptions import NotFound
from nmo.core.links import absolute_url
from nmo.core.russian import by_sex, count, full_name_in
from nmo.core.services import record_audit, send_email_after_commit
from nmo.programmes.cabinet import forget_panel
from nmo.programmes.exceptions import (
    ApplicationExists,
    ApplicationInvalid,
    ApplicationNotOpen,
    CohortClosedForApplications,
    NoSeatsLeft,
)
from nmo.programmes.models import (
    APPLICATION_HOLDS_SEAT,
    ApplicationStatus,
    Cohort,
    Enrolment,
    EnrolmentStatus,
    PaymentBasis,
    ProgrammeApplication,
)
from nmo.programmes.rules import normalise_text
from nmo.programmes.selectors import seats_taken
from nmo.programmes.types import ApplicationRequest, ContractData, FundingSource

VOUCHER_MAX = 50
EMPLOYER_MAX = 500
COMMENT_MAX = 2000
REASON_MIN = 10
REASON_MAX = 2000
CONTRACT_NUMBER_MAX = 100
PAYER_MAX = 500
SEATS = ("место", "места", "мест")
_VOUCHER = re.compile(r"^[0-9A-Za-zА-Яа-яЁё][0-9A-Za-zА-Яа-яЁё\-/ ]*$")


# --- helpers -------------------------------------------------------------------------------


def _lock_cohort(cohort_id: int) -> Cohort:
    """Lock the cohort's row: every change of its seats goes through this lock."""
    return (
        Cohort.objects.select_for_update(of=("self",))
        .select_related("programme__organisation")
        .get(pk=cohort_id)
    )


def _lock_application(application_id: int) -> ProgrammeApplication:
    return (
        ProgrammeApplication.objects.select_for_update(of=("self",))
        .select_related("specialist")
        .get(pk=application_id)
    )


def _cohort_name(cohort: Cohort) -> str:
    return (
        f"«{cohort.programme.title}» ({cohort.programme.organisation}), "
        f"{cohort.starts_on:%d.%m.%Y}–{cohort.ends_on:%d.%m.%Y}"
    )


def _greeting(person: User) -> str:
    name = " ".join(part for part in (person.first_name, person.middle_name) if part)
    return f"{by_sex(person, 'Уважаемый', 'Уважаемая', 'Здравствуйте,')} {name or person.email}!"


def _email_specialist(application: ProgrammeApplication, subject: str, text: str) -> None:
    specialist = application.specialist
    if not specialist.email:
        return
    link = absolute_url(reverse("programmes:my_applications"))
    body = f"{_greeting(specialist)}\n\n{text}\n\nВаши заявки: {link}\n"
    send_email_after_commit(to=[specialist.email], subject=f"НМО: {subject}", body=body)


def _email_organisation(cohort: Cohort, subject: str, text: str) -> None:
    recipients = staff_emails_for(cohort.programme.organisation, Role.ORGANISATION_STAFF)
    if not recipients:
        return
    link = absolute_url(reverse("programmes:application_list") + f"?cohort={cohort.pk}")
    body = f"{text}\n\nЗаявки группы: {link}\n"
    send_email_after_commit(to=recipients, subject=f"НМО: {subject}", body=body)


def _request_errors(cohort: Cohort, request: ApplicationRequest) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if request.payment_basis not in PaymentBasis.values:
        errors["payment_basis"] = [
            "Выберите основание обучения: образовательный сертификат, договор со специалистом "
            "или договор с работодателем."
        ]
        return errors
    voucher = normalise_text(request.voucher_number)
    employer = normalise_text(request.employer_name)
    if request.payment_basis == PaymentBasis.EDUCATION_VOUCHER:
        if not cohort.programme.by_certificate:
            errors["payment_basis"] = [
                "По образовательному сертификату эта программа не проводится: выберите "
                "договор со специалистом или с работодателем."
            ]
        elif not voucher:
            errors["voucher_number"] = ["Укажите номер образовательного сертификата."]
        elif len(voucher) > VOUCHER_MAX or not _VOUCHER.match(voucher):
            errors["voucher_number"] = [
                f"Номер сертификата — буквы, цифры, дефис и косая черта, не более "
                f"{VOUCHER_MAX} символов."
            ]
    if request.payment_basis == PaymentBasis.EMPLOYER_CONTRACT:
        if not employer:
            errors["employer_name"] = ["Укажите наименование работодателя."]
        elif len(employer) > EMPLOYER_MAX:
            errors["employer_name"] = [f"Не более {EMPLOYER_MAX} символов."]
    if len(request.comment.strip()) > COMMENT_MAX:
        errors["comment"] = [f"Не более {COMMENT_MAX} символов."]
    return errors


def _default_payer(application: ProgrammeApplication) -> str:
    if application.payment_basis == PaymentBasis.EMPLOYER_CONTRACT:
        return application.employer_name
    if application.payment_basis == PaymentBasis.SPECIALIST_CONTRACT:
        return application.specialist.full_name
    return f"образовательный сертификат № {application.voucher_number}"


def _contract_values(
    application: ProgrammeApplication, contract: ContractData
) -> tuple[dict[str, str | date | None], dict[str, list[str]]]:
    """The contract's cleaned values and the problems; an entirely empty contract is
    allowed at acceptance (recorded later) and returns no values."""
    number = normalise_text(contract.number)
    payer = normalise_text(contract.payer)
    errors: dict[str, list[str]] = {}
    if not number and contract.concluded_on is None and not payer:
        return {}, {}
    if not number:
        errors["contract_number"] = ["Укажите номер договора."]
    elif len(number) > CONTRACT_NUMBER_MAX:
        errors["contract_number"] = [f"Не более {CONTRACT_NUMBER_MAX} символов."]
    if contract.concluded_on is None:
        errors["contract_date"] = ["Укажите дату договора."]
    elif contract.concluded_on > timezone.localdate():
        errors["contract_date"] = ["Дата договора не может быть позже сегодняшнего дня."]
    if len(payer) > PAYER_MAX:
        errors["contract_payer"] = [f"Не более {PAYER_MAX} символов."]
    values: dict[str, str | date | None] = {
        "contract_number": number,
        "contract_date": contract.concluded_on,
        "contract_payer": payer or _default_payer(application),
    }
    return values, errors


# --- the specialist ----------------------------------------------------------------------


@transaction.atomic
def apply_for_cohort(
    *, actor: User, cohort: Cohort, request: ApplicationRequest
) -> ProgrammeApplication:
    """File the specialist's application for a cohort (faq-join-steps, steps 1–2;
    faq-portal-cycles: with an educational certificate where the programme allows it).

    Only a specialist (PermissionDenied otherwise). The cohort must be of a published
    programme, offer seats and not have started (CohortClosedForApplications); one active
    application per specialist and cohort (ApplicationExists), none for a cohort the
    specialist is already a learner of; a free seat, counted under the cohort's lock
    (NoSeatsLeft). Audited as "programme_application.file"; the specialist and the
    organisation's staff get e-mails after the commit."""
    specialist = require_role(actor, Role.SPECIALIST)
    cohort = _lock_cohort(cohort.pk)
    if (
        not cohort.programme.published
        or cohort.seats is None
        or cohort.starts_on <= timezone.localdate()
    ):
        raise CohortClosedForApplications(
            "Группа не принимает заявок: запись через каталог закрыта или обучение уже началось."
        )
    errors = _request_errors(cohort, request)
    if errors:
        raise ApplicationInvalid(errors=errors)
    if ProgrammeApplication.objects.filter(
        specialist=specialist, cohort=cohort, status__in=APPLICATION_HOLDS_SEAT
    ).exists():
        raise ApplicationExists()
    if Enrolment.objects.filter(cohort=cohort, learner=specialist).exists():
        raise ApplicationExists("Вы уже зачислены в эту группу слушателем.")
    if seats_taken(cohort) >= cohort.seats:
        raise NoSeatsLeft()
    basis = request.payment_basis
    try:
        with transaction.atomic():
            application = ProgrammeApplication.objects.create(
                specialist=specialist,
                cohort=cohort,
                payment_basis=basis,
                voucher_number=(
                    normalise_text(request.voucher_number)
                    if basis == PaymentBasis.EDUCATION_VOUCHER
                    else ""
                ),
                employer_name=(
                    normalise_text(request.employer_name)
                    if basis == PaymentBasis.EMPLOYER_CONTRACT
                    else ""
                ),
                comment=request.comment.strip(),
            )
            forget_panel(application.specialist_id)
    except IntegrityError as exc:  # the unique constraint, should the lock be bypassed
        raise ApplicationExists() from exc
    record_audit(
        actor=specialist,
        action="programme_application.file",
        target=application,
        changes={
            "cohort": cohort.pk,
            "payment_basis": PaymentBasis(basis).label,
            "voucher_number": application.voucher_number,
            "employer_name": application.employer_name,
        },
    )
    left = cohort.seats - seats_taken(cohort)
    _email_specialist(
        application,
        "заявка на обучение подана",
        f"Ваша заявка № {application.pk} на обучение по программе {_cohort_name(cohort)} "
        f"подана. Основание: {PaymentBasis(basis).label}. Место в группе за вами, пока "
        f"организация не примет решение; о решении мы сообщим письмом.",
    )
    _email_organisation(
        cohort,
        "новая заявка на обучение",
        f"Поступила заявка № {application.pk} от {full_name_in('gent', specialist)} на "
        f"обучение по программе {_cohort_name(cohort)}. Основание: "
        f"{PaymentBasis(basis).label}. Свободно: {count(left, SEATS)}.",
    )
    return application


@transaction.atomic
def withdraw_application(*, actor: User, application: ProgrammeApplication) -> ProgrammeApplication:
    """The specialist withdraws their own application before the decision; the seat is
    freed. Someone else's application is NotFound; a decided one ApplicationNotOpen.
    Audited as "programme_application.withdraw"; the organisation's staff are told."""
    person = require_login(actor)
    cohort = _lock_cohort(application.cohort_id)
    application = _lock_application(application.pk)
    if application.specialist_id != person.pk:
        raise NotFound()
    if application.status != ApplicationStatus.FILED:
        raise ApplicationNotOpen()
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at", "updated_at"])
    forget_panel(application.specialist_id)
    record_audit(
        actor=person,
        action="programme_application.withdraw",
        target=application,
        changes={"cohort": cohort.pk},
    )
    _email_organisation(
        cohort,
        "заявка на обучение отозвана",
        f"{person.full_name} {by_sex(person, 'отозвал', 'отозвала')} заявку "
        f"№ {application.pk} на обучение по программе {_cohort_name(cohort)}; место "
        f"освободилось.",
    )
    return application


# --- the organisation's staff ------------------------------------------------------------


@transaction.atomic
def accept_application(
    *,
    actor: User,
    application: ProgrammeApplication,
    contract: ContractData | None = None,
) -> ProgrammeApplication:
    """Accept a filed application and enrol the specialist — the same account — as a
    learner of the cohort (faq-join-steps, step 2), with the contract if given (number,
    date, payer; the payer defaults to the specialist or the employer).

    Only the staff of the cohort's organisation (403 without the role, 404 for another
    organisation). Under the cohort's lock the accepted applications may not exceed the
    seats (NoSeatsLeft, should the seats have been reduced). Audited as
    "programme_application.accept"; the specialist gets an e-mail after the commit."""
    cohort = _lock_cohort(application.cohort_id)
    staff = require_staff_of(actor, cohort.programme.organisation)
    application = _lock_application(application.pk)
    if application.status != ApplicationStatus.FILED:
        raise ApplicationNotOpen()
    values, errors = _contract_values(application, contract or ContractData("", None))
    if errors:
        raise ApplicationInvalid(errors=errors)
    accepted = ProgrammeApplication.objects.filter(
        cohort=cohort, status=ApplicationStatus.ACCEPTED
    ).count()
    if cohort.seats is None or accepted >= cohort.seats:
        raise NoSeatsLeft(
            "Все места группы, предложенные в каталоге, уже заняты принятыми заявками: "
            "увеличьте число мест группы или отклоните заявку."
        )
    specialist = application.specialist
    voucher = application.payment_basis == PaymentBasis.EDUCATION_VOUCHER
    funding = "" if voucher else str(FundingSource.CONTRACT)
    enrolment, made = Enrolment.objects.get_or_create(
        cohort=cohort,
        learner=specialist,
        defaults={
            "contract_number": str(values.get("contract_number") or ""),
            "contract_date": values.get("contract_date"),
            "funding_source": funding,
        },
    )
    if not made and enrolment.status == EnrolmentStatus.WITHDRAWN:
        # The organisation accepts the person back into the cohort they left.
        enrolment.status = EnrolmentStatus.ENROLLED
        enrolment.save(update_fields=["status", "updated_at"])
    if not made and values:
        enrolment.contract_number = str(values["contract_number"])
        enrolment.contract_date = values["contract_date"]  # type: ignore[assignment]
        enrolment.save(update_fields=["contract_number", "contract_date", "updated_at"])
    application.status = ApplicationStatus.ACCEPTED
    application.decided_at = timezone.now()
    application.decided_by = staff
    application.enrolment = enrolment
    for field, value in values.items():
        setattr(application, field, value)
    application.save(
        update_fields=["status", "decided_at", "decided_by", "enrolment", *values, "updated_at"]
    )
    forget_panel(application.specialist_id)
    record_audit(
        actor=staff,
        action="programme_application.accept",
        target=application,
        changes={"cohort": cohort.pk, "enrolment": enrolment.pk, **values},
    )
    contract_line = (
        f" Договор № {values['contract_number']} от {values['contract_date']:%d.%m.%Y}."  # type: ignore[str-format]
        if values
        else ""
    )
    _email_specialist(
        application,
        "заявка на обучение принята",
        f"Ваша заявка № {application.pk} принята: вы зачислены слушателем программы "
        f"{_cohort_name(cohort)}.{contract_line} Программа видна в личном кабинете.",
    )
    return application


@transaction.atomic
def decline_application(
    *, actor: User, application: ProgrammeApplication, reason: str
) -> ProgrammeApplication:
    """Decline a filed application with a written reason (at least 10 characters); the
    seat is freed. Only the staff of the cohort's organisation. Audited as
    "programme_application.decline"; the specialist gets the reason by e-mail."""
    cohort = _lock_cohort(application.cohort_id)
    staff = require_staff_of(actor, cohort.programme.organisation)
    application = _lock_application(application.pk)
    if application.status != ApplicationStatus.FILED:
        raise ApplicationNotOpen()
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN or len(reason) > REASON_MAX:
        raise ApplicationInvalid(
            errors={
                "reason": [
                    f"Укажите причину отказа: от {REASON_MIN} до {REASON_MAX} символов — "
                    f"специалист получит её в письме."
                ]
            }
        )
    application.status = ApplicationStatus.DECLINED
    application.decision_reason = reason
    application.decided_at = timezone.now()
    application.decided_by = staff
    application.save(
        update_fields=["status", "decision_reason", "decided_at", "decided_by", "updated_at"]
    )
    forget_panel(application.specialist_id)
    record_audit(
        actor=staff,
        action="programme_application.decline",
        target=application,
        changes={"cohort": cohort.pk, "decision_reason": reason},
    )
    _email_specialist(
        application,
        "заявка на обучение отклонена",
        f"Ваша заявка № {application.pk} на обучение по программе {_cohort_name(cohort)} "
        f"отклонена.\nПричина: {reason}",
    )
    return application


@transaction.atomic
def record_contract(
    *, actor: User, application: ProgrammeApplication, contract: ContractData
) -> ProgrammeApplication:
    """Record (or correct) the contract of an accepted application: number, date and payer;
    the learner's enrolment gets the same number and date. Only the staff of the cohort's
    organisation; audited as "programme_application.contract" with the values before and
    after."""
    cohort = _lock_cohort(application.cohort_id)
    staff = require_staff_of(actor, cohort.programme.organisation)
    application = _lock_application(application.pk)
    if application.status != ApplicationStatus.ACCEPTED or application.enrolment_id is None:
        raise ApplicationNotOpen("Договор записывается по принятой заявке.")
    values, errors = _contract_values(application, contract)
    if not values and not errors:
        errors = {"contract_number": ["Укажите номер договора."]}
    if errors:
        raise ApplicationInvalid(errors=errors)
    before = {field: getattr(application, field) for field in values}
    for field, value in values.items():
        setattr(application, field, value)
    application.save(update_fields=[*values, "updated_at"])
    forget_panel(application.specialist_id)
    Enrolment.objects.filter(pk=application.enrolment_id).update(
        contract_number=values["contract_number"],
        contract_date=values["contract_date"],
        updated_at=timezone.now(),
    )
    changed = {f: {"before": before[f], "after": v} for f, v in values.items() if before[f] != v}
    if changed:
        record_audit(
            actor=staff,
            action="programme_application.contract",
            target=application,
            changes=changed,
        )
    return application
