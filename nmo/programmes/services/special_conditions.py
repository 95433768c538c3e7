"""Special conditions of the final attestation for disabled learners (rgmu-7.2, rgmu-7.4,
rgmu-7.6; where the regulation is silent, the law: ADR 0305).

A learner files a written application for one enrolment (staff record a paper one on the
learner's behalf, with the day it arrived): for each stage of the attestation whether an
assistant and extra time are needed (rgmu-7.7), technical means, accessible premises, the
individual features and supporting documents. The regulation's deadline (3 months before the
attestation at РостГМУ, month arithmetic of ADR 0103) is computed when it is filed; a late
application is kept and marked late, and staff may grant it only with a written reason. The
granted conditions attach to the enrolment: the testing system and the commission's sheet
read them through `selectors.special_conditions_for`.
"""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from nmo.accounts.access import require_login, require_staff_of
from nmo.accounts.models import Role, User
from nmo.accounts.selectors import has_role
from nmo.core.exceptions import NotFound
from nmo.core.russian import count
from nmo.core.services import record_audit, send_email_after_commit
from nmo.core.uploads import UploadRefused, check_scan_upload
from nmo.programmes.exceptions import SpecialConditionsInvalid, SpecialConditionsNotOpen
from nmo.programmes.models import (
    Enrolment,
    EnrolmentStatus,
    ProgrammeStage,
    SpecialConditionsApplication,
    SpecialConditionsDocument,
    SpecialConditionsStatus,
    StageMode,
)
from nmo.programmes.rules import cite
from nmo.programmes.selectors import regulation_of_cohort
from nmo.programmes.types import SpecialConditionsGrant, SpecialConditionsRequest
from nmo.regulations import rules as regulation_rules

MEANS_MAX = 2000
FEATURES_MAX = 5000
REASON_MIN = 10
LATE_REASON_MIN = 20
MAX_DOCUMENTS = 5
MONTHS = ("месяц", "месяца", "месяцев")


def _locked_enrolment(enrolment: Enrolment) -> Enrolment:
    return (
        Enrolment.objects.select_for_update()
        .select_related("cohort__programme__organisation", "learner")
        .get(pk=enrolment.pk)
    )


def _check_applicant(actor: User, enrolment: Enrolment) -> bool:
    """Return True when staff file on the learner's behalf; NotFound for anyone else."""
    require_login(actor)
    if enrolment.learner_id == actor.pk:
        return False
    if has_role(actor, Role.ORGANISATION_STAFF, enrolment.cohort.programme.organisation):
        return True
    raise NotFound()


def _text_errors(request: SpecialConditionsRequest) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(request.technical_means.strip()) > MEANS_MAX:
        errors["technical_means"] = [f"Не более {MEANS_MAX} символов."]
    if len(request.individual_features.strip()) > FEATURES_MAX:
        errors["individual_features"] = [f"Не более {FEATURES_MAX} символов."]
    asked = (
        request.needs_assistant
        or request.extra_time_written
        or request.extra_time_oral
        or request.assistant_stage_ids
        or request.extra_time_stage_ids
        or request.technical_means.strip()
        or request.accessible_premises
    )
    if not asked:
        errors["__all__"] = [
            "Отметьте, какие специальные условия нужны: ассистент, дополнительное время, "
            "технические средства или доступная аудитория."
        ]
    return errors


def _asked_stages(
    enrolment: Enrolment, request: SpecialConditionsRequest
) -> tuple[
    list[ProgrammeStage], list[ProgrammeStage], tuple[bool, bool, bool], dict[str, list[str]]
]:
    """The programme's stages the learner asks an assistant and extra time for (rgmu-7.7:
    for each attestation stage), and the yes/no flags per kind of stage (assistant, written,
    oral) kept with them. A request naming stages sets the flags from them; one naming none
    (a programme without stages yet) keeps its flags, which then apply to every stage of
    the kind, including stages added later (ADR 0305)."""
    stages = list(ProgrammeStage.objects.filter(programme_id=enrolment.cohort.programme_id))
    by_id = {stage.pk: stage for stage in stages}
    errors: dict[str, list[str]] = {}
    if request.assistant_stage_ids or request.extra_time_stage_ids:
        unknown = set(request.assistant_stage_ids) | set(request.extra_time_stage_ids)
        if unknown - by_id.keys():
            errors["extra_time_stages"] = ["Выберите этапы итоговой аттестации этой программы."]
        assistant = [by_id[i] for i in sorted(set(request.assistant_stage_ids)) if i in by_id]
        extra = [by_id[i] for i in sorted(set(request.extra_time_stage_ids)) if i in by_id]
        flags = (
            bool(assistant),
            any(stage.mode != StageMode.ORAL for stage in extra),
            any(stage.mode == StageMode.ORAL for stage in extra),
        )
        return assistant, extra, flags, errors
    assistant = stages if request.needs_assistant else []
    extra = [
        stage
        for stage in stages
        if (request.extra_time_oral if stage.mode == StageMode.ORAL else request.extra_time_written)
    ]
    flags = (request.needs_assistant, request.extra_time_written, request.extra_time_oral)
    return assistant, extra, flags, errors


def _filing_date(on_behalf: bool, filed_on: date | None) -> date:
    today = timezone.localdate()
    if filed_on is None or not on_behalf:
        return today  # a learner files today; staff record a paper application's day
    if filed_on > today:
        raise SpecialConditionsInvalid(
            errors={"filed_on": ["Дата подачи не может быть в будущем."]}
        )
    return filed_on


def _document_errors(documents: Sequence[Any]) -> dict[str, list[str]]:
    if len(documents) > MAX_DOCUMENTS:
        return {"documents": [f"Не более {MAX_DOCUMENTS} файлов."]}
    problems: list[str] = []
    for upload in documents:
        try:
            check_scan_upload(upload)
        except UploadRefused as exc:
            problems.append(f"{upload.name}: {exc.message}")
    return {"documents": problems} if problems else {}


def _content_type(upload: File[bytes]) -> str:
    """The type by the file's first bytes (already checked to be a scan), never the one
    the browser claimed: the file is served back with it."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    return "image/jpeg"


@transaction.atomic
def file_special_conditions(
    *,
    actor: User,
    enrolment: Enrolment,
    request: SpecialConditionsRequest,
    filed_on: date | None = None,
    documents: Sequence[Any] = (),
) -> SpecialConditionsApplication:
    """File the learner's written application for special conditions at the final
    attestation of the enrolment (rgmu-7.6, rgmu-7.7).

    Only the learner or the organisation's staff on the learner's behalf (recorded as
    `on_behalf`; only staff may give a past `filed_on`, the day a paper application
    arrived); anyone else gets NotFound. One open or granted application per enrolment. The
    assistant and extra time are asked for each stage of the programme's attestation
    (rgmu-7.7); stages of another programme are refused. Supporting documents are PDF, JPEG
    or PNG scans. The deadline is the regulation's: at РостГМУ 3 months before the planned
    attestation date by ADR 0103's month arithmetic (rgmu-7.6); none where the regulation is
    silent (НПЦ, ADR 0305). A later application is accepted for the decision and marked
    late: staff grant it only with a reason. Audited as "special_conditions.file"."""
    enrolment = _locked_enrolment(enrolment)
    on_behalf = _check_applicant(actor, enrolment)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise SpecialConditionsInvalid("Слушатель отчислен: заявление не принимается.")
    assistant_stages, extra_stages, flags, stage_errors = _asked_stages(enrolment, request)
    errors = {**_text_errors(request), **stage_errors, **_document_errors(documents)}
    if errors:
        raise SpecialConditionsInvalid(errors=errors)
    if SpecialConditionsApplication.objects.filter(
        enrolment=enrolment,
        status__in=[SpecialConditionsStatus.FILED, SpecialConditionsStatus.GRANTED],
    ).exists():
        raise SpecialConditionsInvalid(
            "Заявление о специальных условиях по этой программе уже подано: дождитесь решения."
        )
    filed = _filing_date(on_behalf, filed_on)
    cohort = enrolment.cohort
    reg = regulation_of_cohort(cohort)
    deadline = regulation_rules.special_conditions_application_deadline(
        reg.rules, cohort.attestation_date
    )
    application = SpecialConditionsApplication.objects.create(
        enrolment=enrolment,
        filed_on=filed,
        filed_by=actor,
        on_behalf=on_behalf,
        needs_assistant=flags[0],
        extra_time_written=flags[1],
        extra_time_oral=flags[2],
        technical_means=request.technical_means.strip(),
        accessible_premises=request.accessible_premises,
        individual_features=request.individual_features.strip(),
        deadline=deadline,
        is_late=deadline is not None and filed > deadline,
    )
    application.assistant_stages.set(assistant_stages)
    application.extra_time_stages.set(extra_stages)
    for upload in documents:
        SpecialConditionsDocument.objects.create(
            application=application,
            file=upload,
            original_name=str(upload.name)[:255],
            content_type=_content_type(upload),
            size=upload.size,
            uploaded_by=actor,
        )
    record_audit(
        actor=actor,
        action="special_conditions.file",
        target=application,
        changes={
            "enrolment": enrolment.pk,
            "filed_on": filed,
            "on_behalf": on_behalf,
            "assistant_stages": [stage.order for stage in assistant_stages],
            "extra_time_stages": [stage.order for stage in extra_stages],
            "needs_assistant": flags[0],
            "extra_time_written": flags[1],
            "extra_time_oral": flags[2],
            "accessible_premises": request.accessible_premises,
            "deadline": deadline,
            "is_late": application.is_late,
            "supporting_documents": len(documents),
        },
    )
    return application


def late_message(application: SpecialConditionsApplication) -> str:
    """Say why an application is late, with the rule (rgmu-7.6)."""
    if not application.is_late or application.deadline is None:
        return ""
    reg = regulation_of_cohort(application.enrolment.cohort)
    months = reg.rules.accessibility.application_months_before
    return (
        f"Заявление подано {application.filed_on:%d.%m.%Y}, позже срока: не позднее чем за "
        f"{count(months or 0, MONTHS)} до итоговой аттестации, то есть до "
        f"{application.deadline:%d.%m.%Y}"
        f"{cite(reg, 'accessibility.application_months_before')}."
    )


def _locked_application(application: SpecialConditionsApplication) -> SpecialConditionsApplication:
    locked = (
        SpecialConditionsApplication.objects.select_for_update()
        .select_related("enrolment__cohort__programme__organisation", "enrolment__learner")
        .get(pk=application.pk)
    )
    return locked


def _email_learner(application: SpecialConditionsApplication, subject: str, body: str) -> None:
    email = application.enrolment.learner.email
    if email:
        send_email_after_commit(to=[email], subject=subject, body=body)


def _grant_errors(
    application: SpecialConditionsApplication, grant: SpecialConditionsGrant
) -> dict[str, list[str]]:
    reg = regulation_of_cohort(application.enrolment.cohort)
    limits = regulation_rules.accessibility_in_force(reg.rules)
    errors: dict[str, list[str]] = {}
    checks = (
        (
            "written_minutes",
            grant.written_minutes,
            limits.written_exam_extra_minutes,
            application.extra_time_written,
            "письменного экзамена (тестирования)",
            "accessibility.written_exam_extra_minutes",
        ),
        (
            "oral_minutes",
            grant.oral_minutes,
            limits.oral_preparation_extra_minutes,
            application.extra_time_oral,
            "подготовки к устному ответу",
            "accessibility.oral_preparation_extra_minutes",
        ),
    )
    for field, minutes, limit, asked, what, path in checks:
        if minutes < 0:
            errors[field] = ["Укажите число минут не меньше нуля."]
        elif minutes and not asked:
            errors[field] = ["Слушатель не просил увеличить это время."]
        elif limit is not None and minutes > limit:
            errors[field] = [
                f"Продолжительность {what} увеличивается не более чем на {limit} минут"
                f"{cite(reg, path)}."
            ]
    if grant.assistant and not limits.assistant_allowed:
        errors["assistant"] = ["Положение не предусматривает ассистента."]
    if len(grant.technical_means.strip()) > MEANS_MAX:
        errors["technical_means"] = [f"Не более {MEANS_MAX} символов."]
    return errors


@transaction.atomic
def grant_special_conditions(
    *,
    actor: User,
    application: SpecialConditionsApplication,
    grant: SpecialConditionsGrant,
    late_acceptance_reason: str = "",
) -> SpecialConditionsApplication:
    """Grant special conditions on the application (rgmu-7.2, rgmu-7.4, rgmu-7.8): an
    assistant, extra minutes within the regulation's ceilings (a written exam or test by
    at most 90, preparation for an oral answer by at most 20; where the regulation is
    silent, the same statutory ceilings, ADR 0305) and only for what the learner asked,
    technical means, accessible premises. A late application (rgmu-7.6) is granted only
    with a written reason (at least 20 characters) why it is accepted. Only the
    organisation's staff; audited as "special_conditions.grant"; the learner gets an
    e-mail."""
    application = _locked_application(application)
    require_staff_of(actor, application.enrolment.cohort.programme.organisation)
    if application.status != SpecialConditionsStatus.FILED:
        raise SpecialConditionsNotOpen()
    errors = _grant_errors(application, grant)
    reason = " ".join(late_acceptance_reason.split())
    if application.is_late and len(reason) < LATE_REASON_MIN:
        errors["late_acceptance_reason"] = [
            f"{late_message(application)} Принять его можно только решением, в котором "
            f"записано, почему (не короче {LATE_REASON_MIN} символов)."
        ]
    if errors:
        raise SpecialConditionsInvalid(errors=errors)
    application.status = SpecialConditionsStatus.GRANTED
    application.granted_assistant = grant.assistant
    application.granted_written_minutes = grant.written_minutes
    application.granted_oral_minutes = grant.oral_minutes
    application.granted_technical_means = grant.technical_means.strip()
    application.granted_accessible_premises = grant.accessible_premises
    application.late_acceptance_reason = reason if application.is_late else ""
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save(
        update_fields=[
            "status",
            "granted_assistant",
            "granted_written_minutes",
            "granted_oral_minutes",
            "granted_technical_means",
            "granted_accessible_premises",
            "late_acceptance_reason",
            "decided_at",
            "decided_by",
            "updated_at",
        ]
    )
    record_audit(
        actor=actor,
        action="special_conditions.grant",
        target=application,
        changes={
            "enrolment": application.enrolment_id,
            "granted_assistant": grant.assistant,
            "granted_written_minutes": grant.written_minutes,
            "granted_oral_minutes": grant.oral_minutes,
            "granted_technical_means": application.granted_technical_means,
            "granted_accessible_premises": grant.accessible_premises,
            "late_acceptance_reason": application.late_acceptance_reason,
        },
    )
    lines = ["На итоговой аттестации вам предоставлены специальные условия:"]
    if grant.assistant:
        lines.append("— присутствие ассистента;")
    if grant.written_minutes:
        lines.append(
            f"— дополнительно {grant.written_minutes} мин. на письменные испытания и тестирование;"
        )
    if grant.oral_minutes:
        lines.append(f"— дополнительно {grant.oral_minutes} мин. на подготовку к устному ответу;")
    if application.granted_technical_means:
        lines.append(f"— технические средства: {application.granted_technical_means};")
    if grant.accessible_premises:
        lines.append("— доступная аудитория;")
    lines.append(f"Программа: {application.enrolment.cohort.programme.title}.")
    _email_learner(
        application, "Специальные условия итоговой аттестации предоставлены", "\n".join(lines)
    )
    return application


@transaction.atomic
def refuse_special_conditions(
    *, actor: User, application: SpecialConditionsApplication, reason: str
) -> SpecialConditionsApplication:
    """Refuse the application with a written reason (at least 10 characters). Only the
    organisation's staff; audited as "special_conditions.refuse"; the learner gets an
    e-mail with the reason and may file again."""
    application = _locked_application(application)
    require_staff_of(actor, application.enrolment.cohort.programme.organisation)
    if application.status != SpecialConditionsStatus.FILED:
        raise SpecialConditionsNotOpen()
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN:
        raise SpecialConditionsInvalid(
            errors={"reason": [f"Укажите основание отказа (не короче {REASON_MIN} символов)."]}
        )
    application.status = SpecialConditionsStatus.REFUSED
    application.decision_reason = reason
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.save(
        update_fields=["status", "decision_reason", "decided_at", "decided_by", "updated_at"]
    )
    record_audit(
        actor=actor,
        action="special_conditions.refuse",
        target=application,
        changes={"enrolment": application.enrolment_id, "decision_reason": reason},
    )
    _email_learner(
        application,
        "Специальные условия итоговой аттестации: отказ",
        f"В предоставлении специальных условий отказано.\nОснование: {reason}\n"
        f"Программа: {application.enrolment.cohort.programme.title}.",
    )
    return application
