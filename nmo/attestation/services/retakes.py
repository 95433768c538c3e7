"""Retakes: the learner's personal application to sit the final attestation again and the
organisation's decision on it (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10).

Every window comes from the attestation's regulation version and the work calendar
(`nmo.regulations.rules`), never from a literal: the application within 10 (НПЦ) / 5
(РостГМУ) working days of the attestation, or of presenting the supporting document for a
valid reason; the retake no later than 3 months after the attestation; at РостГМУ the
document within 3 working days of the end of the valid reason (a later one goes to the
dispute commission) and the attestation within 12 months.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from nmo.accounts.access import require_login
from nmo.accounts.models import User
from nmo.attestation.access import check_commission_staff, is_staff_of
from nmo.attestation.exceptions import RetakeApplicationLate, RetakeInvalid, RetakeNotAllowed
from nmo.attestation.models import Attestation, LearnerResult, RetakeApplication
from nmo.attestation.selectors import retake_left, rules_of_attestation
from nmo.attestation.services._common import cite
from nmo.attestation.types import (
    RETAKE_HELD_OPEN,
    AttestationStatus,
    Outcome,
    RetakeKind,
    RetakeStatus,
    ValidReasonDocument,
)
from nmo.core.exceptions import NotFound
from nmo.core.services import record_audit, send_email_after_commit
from nmo.programmes import services as programme_services
from nmo.regulations import rules as regulation_rules
from nmo.workcalendar import selectors as calendar

REASON_MIN = 10
REASON_MAX = 2000
DESCRIPTION_MAX = 500
ORDER_NUMBER_MAX = 50
SCHEDULE_MAX = 2000

_OUTCOMES_OF = {
    RetakeKind.NO_VALID_REASON: (Outcome.FAILED, Outcome.ABSENT_NO_REASON),
    RetakeKind.VALID_REASON: (Outcome.ABSENT_VALID_REASON,),
}


def working_days_phrase(n: int) -> str:
    """Return "1 рабочий день", "3 рабочих дня", "10 рабочих дней"."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} рабочий день"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} рабочих дня"
    return f"{n} рабочих дней"


def months_phrase(n: int) -> str:
    """Return "1 месяц", "3 месяца", "12 месяцев"."""
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} месяц"
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return f"{n} месяца"
    return f"{n} месяцев"


def _email_learner(application: RetakeApplication, subject: str, body: str) -> None:
    email = application.enrolment.learner.email
    if email:
        send_email_after_commit(to=[email], subject=subject, body=body)


def _locked_result(learner_result: LearnerResult) -> LearnerResult:
    return (
        LearnerResult.objects.select_for_update()
        .select_related(
            "attestation__commission__organisation",
            "attestation__regulation_version__regulation",
            "enrolment__learner",
        )
        .get(pk=learner_result.pk)
    )


def _check_applicant(actor: User, result: LearnerResult) -> bool:
    """Return True when staff file on the learner's behalf; NotFound for anyone else."""
    require_login(actor)
    if result.enrolment.learner_id == actor.pk:
        return False
    if is_staff_of(actor, result.attestation.commission.organisation_id):
        return True
    raise NotFound()


def _check_may_apply(result: LearnerResult, kind: RetakeKind) -> None:
    attestation = result.attestation
    version = attestation.regulation_version
    reg = rules_of_attestation(attestation)
    if attestation.status != AttestationStatus.DECIDED or not result.outcome:
        raise RetakeNotAllowed(
            "Решение комиссии по итоговой аттестации ещё не принято: заявление подаётся после него."
        )
    if not retake_left(attestation):
        record = ""
        if reg.documents.training_record_on_failed_retake:
            record = (
                ": не прошедшему повторную аттестацию выдаётся справка об обучении или о "
                f"периоде обучения{cite(version, 'documents.training_record_on_failed_retake')}"
            )
        raise RetakeNotAllowed(
            "Повторно пройти итоговую аттестацию можно только однократно"
            f"{cite(version, 'retake.max_retakes')}; повторная аттестация уже пройдена"
            f"{record}."
        )
    later = LearnerResult.objects.filter(
        enrolment_id=result.enrolment_id, attestation__attempt__gt=attestation.attempt
    )
    if later.exists():
        raise RetakeNotAllowed("Слушатель уже включён в повторную итоговую аттестацию.")
    if Outcome(result.outcome) not in _OUTCOMES_OF[kind]:
        if kind == RetakeKind.NO_VALID_REASON:
            raise RetakeNotAllowed(
                "Повторная аттестация по этому основанию — для не явившихся без уважительной "
                "причины или получивших неудовлетворительный результат"
                f"{cite(version, 'retake.application_working_days')}."
            )
        raise RetakeNotAllowed(
            "Аттестация после пропуска по уважительной причине — для не явившихся по "
            "уважительной причине, подтверждённой документом"
            f"{cite(version, 'valid_reason.application_working_days')}."
        )
    pending = RetakeApplication.objects.filter(learner_result=result, status__in=RETAKE_HELD_OPEN)
    if pending.exists():
        raise RetakeNotAllowed("Заявление по этой аттестации уже подано.")


def _filing_date(on_behalf: bool, filed_on: date | None, attestation: Attestation) -> date:
    today = timezone.localdate()
    if filed_on is None or not on_behalf:
        # A learner files in the system today; staff may record a paper application with
        # the day it was received.
        filed_on = today
    if filed_on > today:
        raise RetakeInvalid(errors={"filed_on": ["Дата подачи не может быть в будущем."]})
    if filed_on < attestation.held_on:
        raise RetakeInvalid(
            errors={
                "filed_on": [
                    f"Заявление подаётся после итоговой аттестации "
                    f"({attestation.held_on:%d.%m.%Y})."
                ]
            }
        )
    return filed_on


def _document_errors(
    document: ValidReasonDocument | None, filed_on: date, held_on: date
) -> dict[str, list[str]]:
    if document is None:
        return {
            "document": ["Приложите медицинское заключение или другой оправдательный документ."]
        }
    errors: dict[str, list[str]] = {}
    description = " ".join(document.description.split())
    if not description:
        errors["document_description"] = ["Укажите, какой документ подтверждает причину."]
    elif len(description) > DESCRIPTION_MAX:
        errors["document_description"] = [f"Не более {DESCRIPTION_MAX} символов."]
    if document.presented_on > filed_on:
        errors["document_presented_on"] = ["Документ предъявляется не позже подачи заявления."]
    if document.reason_ended_on < held_on:
        errors["reason_ended_on"] = [
            f"Уважительная причина должна охватывать день аттестации ({held_on:%d.%m.%Y})."
        ]
    elif document.reason_ended_on > document.presented_on:
        errors["reason_ended_on"] = [
            "Документ, предъявленный до окончания причины, — укажите дату её окончания не "
            "позже даты предъявления."
        ]
    return errors


@transaction.atomic
def apply_for_retake(
    *,
    actor: User,
    learner_result: LearnerResult,
    kind: RetakeKind,
    filed_on: date | None = None,
    document: ValidReasonDocument | None = None,
) -> RetakeApplication:
    """File the learner's personal application to sit the attestation again.

    Only the learner or the organisation's staff on their behalf (recorded as
    `on_behalf`; only staff may give a past `filed_on`, the day a paper application
    arrived) — anyone else gets NotFound. Once only: after the retake no application is
    possible, the learner gets a training record instead (npc-2.9, npc-2.11, rgmu-2.9,
    rgmu-2.11). `no_valid_reason` needs the outcome failed or absent without a valid
    reason and is filed within the regulation's working days of the attestation (npc-2.9:
    10, rgmu-2.9: 5); `valid_reason` needs the outcome absent for a valid reason, a
    document, and is filed within the working days of presenting it (npc-2.10: 10,
    rgmu-2.10: 5). A late application is refused (RetakeApplicationLate, naming the rule,
    the clause and the date). At РостГМУ a document presented later than 3 working days
    after the reason ended is referred to the dispute commission (rgmu-2.10). The
    deadlines are stored with the application. Audited as "retake.apply"."""
    result = _locked_result(learner_result)
    on_behalf = _check_applicant(actor, result)
    kind = RetakeKind(kind)
    _check_may_apply(result, kind)
    attestation = result.attestation
    version = attestation.regulation_version
    reg = rules_of_attestation(attestation)
    filed = _filing_date(on_behalf, filed_on, attestation)
    status = RetakeStatus.FILED
    status_reason = ""
    document_deadline: date | None = None
    if kind == RetakeKind.NO_VALID_REASON:
        deadline = regulation_rules.retake_application_deadline(reg, attestation.held_on, calendar)
        latest: date | None = regulation_rules.retake_latest_date(reg, attestation.held_on)
        if filed > deadline:
            raise RetakeApplicationLate(
                "Заявление подано после срока: "
                f"{working_days_phrase(reg.retake.application_working_days)} с даты итоговой "
                f"аттестации истекли {deadline:%d.%m.%Y}"
                f"{cite(version, 'retake.application_working_days')}."
            )
    else:
        errors = _document_errors(document, filed, attestation.held_on)
        if errors or document is None:
            raise RetakeInvalid(errors=errors)
        deadline = regulation_rules.valid_reason_application_deadline(
            reg, document.presented_on, calendar
        )
        latest = regulation_rules.valid_reason_attestation_latest(reg, attestation.held_on)
        if filed > deadline:
            raise RetakeApplicationLate(
                "Заявление подано после срока: "
                f"{working_days_phrase(reg.valid_reason.application_working_days)} с даты "
                f"предъявления оправдательного документа ({document.presented_on:%d.%m.%Y}) "
                f"истекли {deadline:%d.%m.%Y}"
                f"{cite(version, 'valid_reason.application_working_days')}."
            )
        document_deadline = regulation_rules.valid_reason_document_deadline(
            reg, document.reason_ended_on, calendar
        )
        days = reg.valid_reason.document_deadline_working_days
        if (
            document_deadline is not None
            and days is not None
            and document.presented_on > document_deadline
        ):
            late = (
                f"Оправдательный документ представлен {document.presented_on:%d.%m.%Y}, "
                f"позже {working_days_phrase(days)} после окончания уважительной причины "
                f"(срок истёк {document_deadline:%d.%m.%Y})"
                f"{cite(version, 'valid_reason.document_deadline_working_days')}"
            )
            if reg.valid_reason.late_documents_to is None:
                raise RetakeApplicationLate(f"{late}.")
            status = RetakeStatus.REFERRED_TO_DISPUTE_COMMISSION
            status_reason = (
                f"{late}: заявление рассматривает в индивидуальном порядке "
                f"{reg.valid_reason.late_documents_to.label}"
                f"{cite(version, 'valid_reason.late_documents_to')}."
            )
    application = RetakeApplication.objects.create(
        enrolment=result.enrolment,
        attestation=attestation,
        learner_result=result,
        kind=kind.value,
        filed_on=filed,
        filed_by=actor,
        on_behalf=on_behalf,
        document_description=" ".join(document.description.split()) if document else "",
        document_presented_on=document.presented_on if document else None,
        reason_ended_on=document.reason_ended_on if document else None,
        document_file=document.file if document and document.file else "",
        status=status.value,
        status_reason=status_reason,
        application_deadline=deadline,
        document_deadline=document_deadline,
        latest_attestation_date=latest,
    )
    record_audit(
        actor=actor,
        action="retake.apply",
        target=application,
        changes={
            "learner_result": result.pk,
            "kind": kind.value,
            "filed_on": filed,
            "on_behalf": on_behalf,
            "status": status.value,
            "application_deadline": deadline,
            "document_deadline": document_deadline,
            "latest_attestation_date": latest,
        },
    )
    if status == RetakeStatus.REFERRED_TO_DISPUTE_COMMISSION:
        _email_learner(
            application,
            "Заявление о прохождении итоговой аттестации передано в комиссию",
            f"{status_reason}\nО решении сообщим дополнительно.",
        )
    return application


def _locked_application(application: RetakeApplication) -> RetakeApplication:
    return (
        RetakeApplication.objects.select_for_update()
        .select_related(
            "attestation__commission__organisation",
            "attestation__regulation_version__regulation",
            "attestation__cohort__programme",
            "enrolment__learner",
        )
        .get(pk=application.pk)
    )


def _check_open(application: RetakeApplication) -> None:
    if not application.is_open:
        raise RetakeNotAllowed(f"Решение по заявлению уже принято: {application.status_label}.")


def _limit_message(application: RetakeApplication, latest: date) -> str:
    version = application.attestation.regulation_version
    reg = rules_of_attestation(application.attestation)
    if application.kind == RetakeKind.NO_VALID_REASON:
        months = months_phrase(reg.retake.latest_months)
        path = "retake.latest_months"
    else:
        months = months_phrase(reg.valid_reason.attestation_within_months or 0)
        path = "valid_reason.attestation_within_months"
    return (
        f"Аттестация проводится не позднее {latest:%d.%m.%Y}: {months} с даты итоговой "
        f"аттестации{cite(version, path)}."
    )


@transaction.atomic
def grant_retake(
    *,
    actor: User,
    application: RetakeApplication,
    date: date,
    individual_schedule: str = "",
    schedule_order_number: str = "",
    schedule_order_date: date | None = None,
) -> RetakeApplication:
    """Grant the application and set the day of the attestation (the organisation's
    staff; NotFound for another organisation). The day is after the missed attestation
    and no later than 3 months after it for a failure or an absence without a valid
    reason (npc-2.9, rgmu-2.9), or 12 months for a valid reason at РостГМУ (rgmu-2.10);
    НПЦ sets no limit for a valid reason (npc-2.10) and none is invented. Where the
    regulation sets an individual schedule by order (rgmu-2.10: the vice-rector's
    order) its number and date are required. An attestation of the next attempt already
    scheduled on that day is linked. Audited as "retake.grant"; the learner is e-mailed
    after commit. The learner is admitted to the retake (attempt 2, `admit_to_retake`)."""
    application = _locked_application(application)
    check_commission_staff(actor, application.attestation.commission.organisation)
    _check_open(application)
    attestation = application.attestation
    version = attestation.regulation_version
    reg = rules_of_attestation(attestation)
    errors: dict[str, list[str]] = {}
    if date <= attestation.held_on:
        errors["date"] = [f"Аттестация — позже пропущенной ({attestation.held_on:%d.%m.%Y})."]
    elif date < application.filed_on:
        errors["date"] = [
            f"Аттестация — не раньше подачи заявления ({application.filed_on:%d.%m.%Y})."
        ]
    latest = application.latest_attestation_date
    if not errors and latest is not None and date > latest:
        errors["date"] = [_limit_message(application, latest)]
    number = " ".join(schedule_order_number.split())
    schedule = individual_schedule.strip()
    authority = reg.valid_reason.individual_schedule_by
    if (
        application.kind == RetakeKind.VALID_REASON
        and authority is not None
        and (not number or schedule_order_date is None)
    ):
        errors["schedule_order_number"] = [
            f"Индивидуальный график устанавливается: {authority.label}"
            f"{cite(version, 'valid_reason.individual_schedule_by')} — укажите номер и "
            "дату."
        ]
    if len(number) > ORDER_NUMBER_MAX:
        errors["schedule_order_number"] = [f"Не более {ORDER_NUMBER_MAX} символов."]
    if len(schedule) > SCHEDULE_MAX:
        errors["individual_schedule"] = [f"Не более {SCHEDULE_MAX} символов."]
    if errors:
        raise RetakeInvalid(errors=errors)
    before = {"status": application.status, "retake_on": application.retake_on}
    application.status = RetakeStatus.GRANTED
    application.retake_on = date
    application.retake_attestation = (
        Attestation.objects.filter(
            cohort_id=attestation.cohort_id, attempt=attestation.attempt + 1, held_on=date
        )
        .order_by("pk")
        .first()
    )
    application.individual_schedule = schedule
    application.schedule_order_number = number
    application.schedule_order_date = schedule_order_date
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save(
        update_fields=[
            "status", "retake_on", "retake_attestation", "individual_schedule",
            "schedule_order_number", "schedule_order_date", "decided_at", "decided_by",
            "updated_at",
        ]
    )  # fmt: skip
    programme_services.admit_to_retake(
        actor=actor,
        enrolment=application.enrolment,
        justification=(
            f"Заявление о повторной итоговой аттестации удовлетворено, аттестация "
            f"назначена на {date:%d.%m.%Y}{cite(version, 'retake.max_retakes')}."
        ),
    )
    record_audit(
        actor=actor,
        action="retake.grant",
        target=application,
        changes={
            "before": before,
            "after": {
                "status": application.status,
                "retake_on": date,
                "retake_attestation": application.retake_attestation_id,
                "schedule_order_number": number,
                "schedule_order_date": schedule_order_date,
            },
        },
    )
    order = ""
    if number and schedule_order_date is not None:
        order = (
            f"\nИндивидуальный график: распоряжение № {number} от {schedule_order_date:%d.%m.%Y}."
        )
    _email_learner(
        application,
        "Заявление о повторной итоговой аттестации удовлетворено",
        f"Итоговая аттестация по программе «{attestation.cohort.programme.title}» назначена "
        f"на {date:%d.%m.%Y}.{order}\n{schedule}".rstrip(),
    )
    return application


@transaction.atomic
def refuse_retake(*, actor: User, application: RetakeApplication, reason: str) -> RetakeApplication:
    """Refuse the application with a written reason (the organisation's staff; NotFound for
    another organisation). Audited as "retake.refuse"; the learner is e-mailed after
    commit."""
    application = _locked_application(application)
    check_commission_staff(actor, application.attestation.commission.organisation)
    _check_open(application)
    reason = reason.strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise RetakeInvalid(
            errors={
                "reason": [f"Укажите причину отказа: от {REASON_MIN} до {REASON_MAX} символов."]
            }
        )
    before = application.status
    application.status = RetakeStatus.REFUSED
    application.status_reason = reason
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save(
        update_fields=["status", "status_reason", "decided_at", "decided_by", "updated_at"]
    )
    record_audit(
        actor=actor,
        action="retake.refuse",
        target=application,
        changes={"before": before, "after": application.status, "reason": reason},
    )
    _email_learner(
        application,
        "В повторной итоговой аттестации отказано",
        f"По заявлению от {application.filed_on:%d.%m.%Y} принято решение об отказе.\n"
        f"Причина: {reason}",
    )
    return application
