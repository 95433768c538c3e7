"""Filing an appeal (npc-5.1, npc-5.10, npc-app2, rgmu-5.10): by the learner in the
cabinet, or by the study department from a paper application brought by the learner or a
proxy, no later than the next working day after the results were announced."""

from datetime import date

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.access import require_login, require_staff_of
from nmo.accounts.models import User
from nmo.appeals.exceptions import (
    AppealExists,
    AppealFinal,
    AppealInvalid,
    AppealLate,
    AppealNotAllowed,
)
from nmo.appeals.models import Appeal
from nmo.appeals.selectors import standing_commissions
from nmo.appeals.services._common import cite, email_learner
from nmo.appeals.types import AppealFiling, AppealStatus, AppealSubject
from nmo.attestation import selectors as attestation_selectors
from nmo.attestation.access import is_staff_of
from nmo.attestation.models import LearnerResult
from nmo.attestation.types import AttestationStatus
from nmo.core.exceptions import NotFound
from nmo.core.links import absolute_url
from nmo.core.services import record_audit
from nmo.core.uploads import check_scan_upload
from nmo.regulations import rules as regulation_rules
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.types import AppealAddressee, AppealFiler
from nmo.workcalendar import selectors as calendar

TEXT_MIN = 10
TEXT_MAX = 5000
PHONE_MAX = 40
ADDRESS_MAX = 500
NAME_MAX = 300


def results_announced_on(result: LearnerResult) -> date:
    """The day the results were announced: the day the attestation commission's decision
    was shown to the learners (npc-4.11: in the cabinet at once). See ADR 0401."""
    decided_at = result.attestation.decided_at
    if decided_at is None:
        raise AppealNotAllowed(
            "Решение аттестационной комиссии ещё не принято: апелляция подаётся после "
            "объявления результатов."
        )
    return timezone.localdate(decided_at)


def addressed_to(addressee: AppealAddressee, organisation_name: str) -> str:
    """«Председателю апелляционной комиссии ГБУЗ …» (npc-app2) or «Ректору …»
    (rgmu-app3)."""
    return f"{addressee.label[:1].upper()}{addressee.label[1:]} {organisation_name}"


def _errors(
    filing: AppealFiling, on_behalf: bool, filed_on: date, announced: date
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if filing.subject not in AppealSubject.values:
        errors["subject"] = [
            "Укажите предмет апелляции: нарушение порядка проведения итоговой аттестации "
            "и (или) несогласие с её результатами."
        ]
    text = filing.text.strip()
    if not TEXT_MIN <= len(text) <= TEXT_MAX:
        errors["text"] = [f"Изложите содержание претензии: от {TEXT_MIN} до {TEXT_MAX} символов."]
    if len(filing.phone.strip()) > PHONE_MAX:
        errors["phone"] = [f"Не более {PHONE_MAX} символов."]
    if len(filing.postal_address.strip()) > ADDRESS_MAX:
        errors["postal_address"] = [f"Не более {ADDRESS_MAX} символов."]
    if filing.proxy is not None:
        if not on_behalf:
            errors["proxy"] = [
                "Заявление доверенного лица принимает учебный отдел: в личном кабинете "
                "слушатель подаёт апелляцию сам."
            ]
        else:
            if not filing.proxy.full_name.strip() or len(filing.proxy.full_name) > NAME_MAX:
                errors["proxy_name"] = ["Укажите фамилию, имя и отчество доверенного лица."]
            if (
                not filing.proxy.power_of_attorney.strip()
                or len(filing.proxy.power_of_attorney) > NAME_MAX
            ):
                errors["proxy_power_of_attorney"] = [
                    "Укажите доверенность: номер, дату и кем удостоверена."
                ]
    if filed_on > timezone.localdate():
        errors["filed_on"] = ["Дата поступления заявления не может быть в будущем."]
    elif filed_on < announced:
        errors["filed_on"] = [
            f"Апелляция подаётся после объявления результатов ({announced:%d.%m.%Y})."
        ]
    return errors


@transaction.atomic
def file_appeal(*, actor: User, learner_result: LearnerResult, filing: AppealFiling) -> Appeal:
    """File an appeal against a decided result and return it.

    The learner files their own (dated today); the organisation's staff record a paper
    application with the day it arrived (`filing.filed_on`) and, when a proxy brought it,
    the proxy's name and power of attorney (npc-5.10, rgmu-5.10) — anyone else gets
    NotFound. The subject is a breach of the procedure and/or disagreement with the grade
    (npc-5.1); the application is addressed to the chair of the appeal commission at НПЦ
    (npc-app2) or to the rector at РостГМУ (rgmu-app3), as the regulation says.

    Filed later than the next working day after the results were announced (the work
    calendar), it is refused with AppealLate (422 `appeal_late`) naming the rule and the
    last day. One appeal per result (each attempt is its own result): a second is
    AppealExists (409), an appeal against a result already changed or kept by an appeal
    decision is AppealFinal (409, npc-5.19). The hearing's last day (npc-5.11, rgmu-5.11)
    and, for a commission formed per appeal, the order's last day (rgmu-5.3) are computed
    now and kept. A standing commission in office is assigned at once (npc-5.3). Audited
    as "appeal.file"; the learner is e-mailed after commit."""
    require_login(actor)
    found = attestation_selectors.results_for_appeal(learner_result.pk)
    if found is None:
        raise NotFound()
    result = found
    attestation = result.attestation
    organisation = attestation.commission.organisation
    if result.enrolment.learner_id == actor.pk:
        on_behalf = False
    elif is_staff_of(actor, organisation.pk):
        on_behalf = True
    else:
        raise NotFound()
    if attestation.status != AttestationStatus.DECIDED or not result.outcome:
        raise AppealNotAllowed(
            "Решение аттестационной комиссии ещё не принято: апелляция подаётся после "
            "объявления результатов."
        )
    decided = Appeal.objects.filter(learner_result=result, status=AppealStatus.DECIDED)
    version = attestation.regulation_version
    if decided.exists():
        raise AppealFinal(
            "Решение апелляционной комиссии по этому результату уже принято; оно является "
            f"окончательным и обжалованию не подлежит{cite(version, 'appeal.decision_final')}."
        )
    if Appeal.objects.filter(learner_result=result).exclude(status=AppealStatus.WITHDRAWN).exists():
        raise AppealExists()
    reg = regulation_selectors.rules_of(version)
    announced = results_announced_on(result)
    today = timezone.localdate()
    filed_on = (filing.filed_on or today) if on_behalf else today
    errors = _errors(filing, on_behalf, filed_on, announced)
    if errors:
        raise AppealInvalid(errors=errors)
    if filing.proxy is not None and AppealFiler.PROXY not in reg.appeal.filed_by:
        raise AppealInvalid(
            errors={"proxy": ["Положение не предусматривает подачу апелляции доверенным лицом."]}
        )
    deadline = regulation_rules.appeal_filing_deadline(reg, announced, calendar)
    if filed_on > deadline:
        raise AppealLate(
            "Срок подачи апелляции истёк: заявление подаётся не позднее следующего рабочего "
            f"дня после объявления результатов итоговой аттестации"
            f"{cite(version, 'appeal.filing_working_days')}. Результаты объявлены "
            f"{announced:%d.%m.%Y}, последний день подачи — {deadline:%d.%m.%Y}.",
            errors={"filed_on": [f"Последний день подачи — {deadline:%d.%m.%Y}."]},
        )
    hearing_due = regulation_rules.appeal_hearing_deadline(reg, filed_on, calendar)
    commission_due = regulation_rules.appeal_commission_deadline(reg, filed_on, calendar)
    standing = None
    if commission_due is None:
        standing = (
            standing_commissions(organisation.pk)
            .filter(order_date__lte=filed_on, valid_to__gte=filed_on)
            .first()
        )
    proxy = filing.proxy
    appeal = Appeal(
        organisation=organisation,
        learner_result=result,
        learner=result.enrolment.learner,
        regulation_version=version,
        subject=filing.subject,
        text=filing.text.strip(),
        phone=filing.phone.strip(),
        postal_address=filing.postal_address.strip(),
        addressed_to=addressed_to(reg.appeal.addressed_to, organisation.name),
        filed_on=filed_on,
        filed_by=actor,
        on_behalf=on_behalf,
        proxy_name=" ".join(proxy.full_name.split()) if proxy else "",
        proxy_power_of_attorney=proxy.power_of_attorney.strip() if proxy else "",
        results_announced_on=announced,
        filing_deadline=deadline,
        hearing_due_on=hearing_due,
        commission_due_on=commission_due,
        status=AppealStatus.FILED,
    )
    try:
        with transaction.atomic():
            appeal.save()
    except IntegrityError as exc:  # a concurrent filing of the same result won
        raise AppealExists() from exc
    if standing is not None:
        from nmo.appeals.services.commissions import assign_if_eligible

        assign_if_eligible(actor=actor, appeal=appeal, commission=standing)
    record_audit(
        actor=actor,
        action="appeal.file",
        target=appeal,
        changes={
            "learner_result": result.pk,
            "subject": appeal.subject,
            "filed_on": filed_on,
            "on_behalf": on_behalf,
            "proxy_name": appeal.proxy_name,
            "filing_deadline": deadline,
            "hearing_due_on": hearing_due,
            "commission_due_on": commission_due,
        },
    )
    email_learner(
        appeal,
        "Апелляция принята",
        f"Апелляция на результат итоговой аттестации {attestation.held_on:%d.%m.%Y} по "
        f"программе «{attestation.cohort.programme.title}» принята {filed_on:%d.%m.%Y}.\n"
        f"Апелляционная комиссия рассматривает её не позднее {hearing_due:%d.%m.%Y}. "
        "О дате заседания мы сообщим: вы или ваше доверенное лицо вправе присутствовать.\n"
        f"Состояние апелляции: {absolute_url(reverse('appeals:appeal_detail', args=[appeal.pk]))}",
    )
    return appeal


@transaction.atomic
def withdraw_appeal(*, actor: User, appeal: Appeal) -> Appeal:
    """Withdraw an appeal not yet heard (the appellant or the staff). Audited as
    "appeal.withdraw"."""
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if not (appeal.learner_id == actor.pk or is_staff_of(actor, appeal.organisation_id)):
        raise NotFound()
    if appeal.status not in (AppealStatus.FILED, AppealStatus.SCHEDULED):
        raise AppealNotAllowed("Апелляцию можно отозвать только до заседания комиссии.")
    before = appeal.status
    appeal.status = AppealStatus.WITHDRAWN
    appeal.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=actor,
        action="appeal.withdraw",
        target=appeal,
        changes={"before": before, "after": appeal.status},
    )
    return appeal


@transaction.atomic
def attach_answers_scan(*, actor: User, appeal: Appeal, scan: UploadedFile[bytes]) -> Appeal:
    """Attach the scan of the learner's written answers for the commission to work from
    (npc-5.13, npc-app3); checked as a scan (PDF, JPEG or PNG, at most 10 MB). Staff of
    the organisation only, before the decision. Audited as "appeal.answers"."""
    appeal = Appeal.objects.select_for_update().select_related("organisation").get(pk=appeal.pk)
    require_staff_of(actor, appeal.organisation)
    if appeal.status in (AppealStatus.DECIDED, AppealStatus.WITHDRAWN):
        raise AppealNotAllowed("Документы к апелляции добавляются до решения комиссии.")
    check_scan_upload(scan)
    appeal.answers_scan = scan
    appeal.save(update_fields=["answers_scan", "updated_at"])
    record_audit(
        actor=actor,
        action="appeal.answers",
        target=appeal,
        changes={"answers_scan": appeal.answers_scan.name},
    )
    return appeal
