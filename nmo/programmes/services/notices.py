"""Notices to a cohort's learners on the dates the regulation gives: the form, conditions
and date of the attestation on the first day of training (npc-2.2, rgmu-2.2), the technical
requirements of a videoconference attestation (npc-6.2, rgmu-6.3).

`plan_notices` keeps a cohort's notices in step with its dates. `send_due_notices` (run
daily by cron through the management command, and right after learners are enrolled in a
cohort whose notice is already due) e-mails every due notice to each enrolled learner who
has not had it. A notice is claimed with a conditional UPDATE before sending, so two runs,
however concurrent, never send it twice; each learner's copy is recorded
(`NoticeDelivery`, unique per notice and learner), so a learner enrolled later still gets it
and nobody gets it twice.

`send_due_notices` is not one transaction: each notice is claimed, sent and recorded on its
own, so one failing mail server does not undo the notices already sent.
"""

from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import User
from nmo.accounts.selectors import study_department_for
from nmo.core.services import record_audit
from nmo.programmes.exceptions import NoticeNotRetryable
from nmo.programmes.models import (
    Cohort,
    CohortNotice,
    NoticeDelivery,
    NoticeKind,
    NoticeStatus,
)
from nmo.programmes.rules import notice_plans
from nmo.programmes.selectors import (
    grade_criteria,
    list_stages,
    notices_with_pending_recipients,
    pending_recipients,
    regulation_of_cohort,
)
from nmo.programmes.types import NoticeRun, RegulationInForce
from nmo.regulations.types import AdmissionRequirement, Notifier
from nmo.workcalendar import selectors as calendar

CLAIM_TIMEOUT = timedelta(hours=1)
"""A claim older than this is a run that died mid-way: the notice is marked failed."""

SUBJECTS = {
    NoticeKind.FIRST_DAY: "Итоговая аттестация: форма, условия и дата",
    NoticeKind.VIDEOCONFERENCE: "Итоговая аттестация по видеоконференции: технические требования",
}
TEMPLATES = {
    NoticeKind.FIRST_DAY: "programmes/email/first_day_notice.txt",
    NoticeKind.VIDEOCONFERENCE: "programmes/email/videoconference_notice.txt",
}


def sender_of(cohort: Cohort, notified_by: Notifier | None) -> str:
    """Return who informs the learners, as the regulation says: the study department (УО,
    npc-2.2) or the department running the programme (rgmu-2.2, rgmu-6.3); the
    organisation itself when the regulation names nobody (npc-6.2)."""
    organisation = cohort.programme.organisation
    if notified_by == Notifier.DEPARTMENT:
        return cohort.unit.name
    if notified_by == Notifier.STUDY_DEPARTMENT:
        study = study_department_for(organisation)
        return study.name if study is not None else f"Учебный отдел — {organisation}"
    return str(organisation)


def _reactivated(notice: CohortNotice) -> str:
    return NoticeStatus.SENT if notice.deliveries.exists() else NoticeStatus.PLANNED


@transaction.atomic
def plan_notices(*, cohort: Cohort) -> list[CohortNotice]:
    """Create or move the cohort's notices to the dates its regulation gives, counted with
    the work calendar: the first-day notice on the first day of training (npc-2.2,
    rgmu-2.2); the videoconference notice, for a videoconference attestation only, 10
    working days before the end of training at НПЦ (npc-6.2) and on the first day at
    РостГМУ (rgmu-6.3). A notice no longer needed is cancelled (deleted if nobody got it).

    A date already past is due at once: a cohort created after its start has its first-day
    notice sent as soon as learners are enrolled (and by the next daily run at the latest).
    """
    cohort = Cohort.objects.select_related("programme__organisation", "unit").get(pk=cohort.pk)
    reg = regulation_of_cohort(cohort)
    plans = notice_plans(
        reg,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        uses_videoconference=cohort.uses_videoconference,
        cal=calendar,
    )
    existing = {n.kind: n for n in CohortNotice.objects.select_for_update().filter(cohort=cohort)}
    notices: list[CohortNotice] = []
    for plan in plans:
        sender = sender_of(cohort, plan.notified_by)
        notice = existing.pop(plan.kind, None)
        if notice is None:
            notice = CohortNotice.objects.create(
                cohort=cohort, kind=plan.kind, due_on=plan.due_on, sender=sender
            )
        else:
            fields = []
            if notice.status == NoticeStatus.CANCELLED:
                notice.status = _reactivated(notice)
                fields.append("status")
            if (notice.due_on, notice.sender) != (plan.due_on, sender):
                notice.due_on, notice.sender = plan.due_on, sender
                fields += ["due_on", "sender"]
            if fields:
                notice.save(update_fields=[*fields, "updated_at"])
        notices.append(notice)
    for notice in existing.values():
        if notice.status == NoticeStatus.CANCELLED:
            continue
        if notice.deliveries.exists():
            notice.status = NoticeStatus.CANCELLED
            notice.save(update_fields=["status", "updated_at"])
        else:
            notice.delete()
    if any(n.due_on <= timezone.localdate() for n in notices):
        send_soon(cohort_id=cohort.pk)
    return notices


def send_soon(*, cohort_id: int) -> None:
    """Enqueue sending the cohort's due notices once the transaction commits."""
    from nmo.programmes.tasks import send_due_notices as task

    transaction.on_commit(partial(task.enqueue, cohort_id=cohort_id))


def _release_stale_claims(now: datetime) -> None:
    CohortNotice.objects.filter(
        status=NoticeStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    ).update(
        status=NoticeStatus.FAILED,
        error="Отправка прервалась. Проверьте, кто получил уведомление, и отправьте повторно.",
        updated_at=now,
    )


def send_due_notices(*, today: date | None = None, cohort_id: int | None = None) -> NoticeRun:
    """E-mail every notice due by `today` (default: today) to each enrolled learner with an
    e-mail who has not received it yet (npc-2.2, rgmu-2.2, npc-6.2, rgmu-6.3), optionally
    for one cohort. Idempotent: run twice, or by two machines at once, it sends each notice
    to each learner once. Return how many notices were sent, learners reached and notices
    that failed."""
    now = timezone.now()
    today = today or timezone.localdate()
    _release_stale_claims(now)
    run = NoticeRun()
    ids = list(
        notices_with_pending_recipients(today, cohort_id=cohort_id).values_list("pk", flat=True)
    )
    for notice_id in ids:
        outcome = _send_notice(notice_id, today)
        if outcome is None:
            continue
        delivered, failed = outcome
        run = NoticeRun(
            notices=run.notices + 1,
            delivered=run.delivered + delivered,
            failed=run.failed + (1 if failed else 0),
        )
    return run


def _claim(notice_id: int, today: date) -> bool:
    """Take the notice for this run: exactly one of any concurrent runs gets it."""
    claimed = CohortNotice.objects.filter(
        pk=notice_id,
        status__in=[NoticeStatus.PLANNED, NoticeStatus.SENT],
        due_on__lte=today,
    ).update(status=NoticeStatus.SENDING, claimed_at=timezone.now(), updated_at=timezone.now())
    return claimed == 1


def _send_notice(notice_id: int, today: date) -> tuple[int, bool] | None:
    if not _claim(notice_id, today):
        return None
    notice = CohortNotice.objects.select_related(
        "cohort", "cohort__programme", "cohort__programme__organisation", "cohort__unit"
    ).get(pk=notice_id)
    context = notice_context(notice)
    connection = get_connection()
    delivered = 0
    failures: list[str] = []
    for enrolment in pending_recipients(notice):
        learner = enrolment.learner
        message = EmailMessage(
            subject=SUBJECTS[NoticeKind(notice.kind)],
            body=render_to_string(
                TEMPLATES[NoticeKind(notice.kind)], {**context, "learner": learner}
            ),
            to=[learner.email],
            connection=connection,
        )
        try:
            message.send()
        except Exception as exc:  # any mail error: record it, go on with the others
            failures.append(f"{learner.email}: {exc.__class__.__name__}")
            continue
        try:
            with transaction.atomic():
                NoticeDelivery.objects.create(
                    notice=notice, enrolment=enrolment, email=learner.email
                )
        except IntegrityError:  # already recorded: cannot happen while the claim holds
            continue
        delivered += 1
    total = NoticeDelivery.objects.filter(notice=notice).aggregate(n=Count("id"))["n"]
    with transaction.atomic():
        if failures:
            notice.status = NoticeStatus.FAILED
        else:  # nobody left to send to (withdrawn meanwhile) and nobody reached: still planned
            notice.status = NoticeStatus.SENT if total else NoticeStatus.PLANNED
        notice.recipients_count = total
        notice.error = (
            f"Не отправлено {len(failures)}: " + "; ".join(failures[:20]) if failures else ""
        )[:5000]
        if delivered and notice.sent_at is None:
            notice.sent_at = timezone.now()
        notice.claimed_at = None
        notice.save(
            update_fields=[
                "status", "recipients_count", "error", "sent_at", "claimed_at", "updated_at"
            ]
        )  # fmt: skip
        record_audit(
            actor=None,
            action="programmes.send_notice",
            target=notice,
            changes={"delivered": delivered, "failed": len(failures), "recipients": total},
        )
    return delivered, bool(failures)


def notice_context(notice: CohortNotice) -> dict[str, Any]:
    """Return what a notice tells the learners: the programme, the form, stages and date of
    the attestation, the admission conditions, the place and remote mode, and who informs
    them."""
    cohort = notice.cohort
    reg: RegulationInForce = regulation_of_cohort(cohort)
    programme = cohort.programme
    requirements = [AdmissionRequirement(r).label for r in reg.rules.admission.requirements]
    return {
        "notice": notice,
        "cohort": cohort,
        "programme": programme,
        "stages": list(list_stages(programme)),
        "criteria": grade_criteria(programme),
        "requirements": requirements,
        "organisation": programme.organisation,
        "sender": notice.sender or str(programme.organisation),
    }


@transaction.atomic
def retry_notice(*, actor: User, notice: CohortNotice) -> CohortNotice:
    """Send a notice that failed again, to the learners who have not got it yet. Audited
    as "programmes.retry_notice"."""
    cohort = Cohort.objects.select_related("programme__organisation").get(pk=notice.cohort_id)
    require_staff_of(actor, cohort.programme.organisation)
    reopened = CohortNotice.objects.filter(pk=notice.pk, status=NoticeStatus.FAILED).update(
        status=NoticeStatus.PLANNED, updated_at=timezone.now()
    )
    if reopened != 1:
        raise NoticeNotRetryable()
    notice.refresh_from_db()
    record_audit(actor=actor, action="programmes.retry_notice", target=notice)
    if notice.due_on <= timezone.localdate():
        send_soon(cohort_id=cohort.pk)
    return notice
