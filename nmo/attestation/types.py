"""Values that cross the attestation app's boundary: the choices its models store (as
`TextChoices`, each declared once with its Russian label), the inputs of its services and
the results its selectors and rules return.

Grades, scales, stage kinds, places and commission roles are the regulation's own codes
(`nmo.regulations.types`); this module adds what only the attestation has: attendance,
outcomes, statuses, the kinds of its records (statement, protocol, commission report —
the regulation's result documents; "document" is the documents app's word) and the final
grade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.db.models import TextChoices

from nmo.core.audit import NO_BEFORE, AuditAction, AuditField, Lines, choices_of
from nmo.regulations.types import (
    AttestationPlace,
    CommissionRole,
    Grade,
    Post,
    ResultDocument,
    VoteChoice,
    VoteTally,
)

__all__ = [
    "RETAKE_HELD_OPEN",
    "Attendance",
    "AttestationData",
    "AttestationStatus",
    "CommissionData",
    "ConnectionDecision",
    "ConnectionOutcome",
    "FinalGrade",
    "LearnerOutcome",
    "Outcome",
    "Place",
    "RecordKind",
    "RecordStatus",
    "RetakeDeadlines",
    "RetakeKind",
    "RetakeStatus",
    "SeatData",
    "StageEntry",
    "ValidReasonDocument",
    "VoteTally",
]


class Attendance(TextChoices):
    """Whether a learner came to the attestation (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10)."""

    PRESENT = "present", "явился"
    ABSENT_NO_REASON = "absent_no_reason", "не явился без уважительной причины"
    ABSENT_VALID_REASON = "absent_valid_reason", "не явился по уважительной причине"


class Outcome(TextChoices):
    """The commission's decision on one learner."""

    PASSED = "passed", "итоговая аттестация пройдена"
    FAILED = "failed", "итоговая аттестация не пройдена"
    ABSENT_NO_REASON = "absent_no_reason", "не явился без уважительной причины"
    ABSENT_VALID_REASON = "absent_valid_reason", "не явился по уважительной причине"
    ANNULLED = (
        "annulled",
        ("решение аннулировано апелляционной комиссией, назначено повторное прохождение"),
    )


class ConnectionOutcome(TextChoices):
    """What the commission records for a learner of a videoconference (npc-6.1, rgmu-6.1):
    both sides see and hear each other, or the connection was interrupted."""

    CONFIRMED = "confirmed", "слушатель и комиссия видят и слышат друг друга"
    INTERRUPTED = "interrupted", "связь прервалась"


class ConnectionDecision(TextChoices):
    """What the commission decided after an interruption."""

    CONTINUE = "continue", "продолжить аттестацию"
    RESCHEDULE = "reschedule", "перенести аттестацию слушателя"


class AttestationStatus(TextChoices):
    PLANNED = "planned", "запланирована"
    HELD = "held", "проводится: вносятся результаты"
    DECIDED = "decided", "решение комиссии принято"


class Place(TextChoices):
    """Where the attestation is held: one of the regulation's places (`AttestationPlace`,
    npc-2.6, rgmu-2.4), with its code and label, or remotely by a two-way videoconference
    (npc-2.4, npc-6.1, rgmu-2.4, rgmu-6.1). Remote is not a place the regulation lists but
    a way of holding the attestation (`conduct.remote_modes_allowed`), so it is added here
    rather than to `AttestationPlace`, whose members a regulation may allow."""

    ORGANISATION = AttestationPlace.ORGANISATION.value, AttestationPlace.ORGANISATION.label
    UNIT = AttestationPlace.UNIT.value, AttestationPlace.UNIT.label
    CUSTOMER_PREMISES = (
        AttestationPlace.CUSTOMER_PREMISES.value,
        AttestationPlace.CUSTOMER_PREMISES.label,
    )
    REMOTE = "remote", "дистанционно, по видеоконференции (ДОТ и ЭО)"


class RecordKind(TextChoices):
    """The records of an attestation (glossary: attestation statement, attestation
    protocol, commission report), with the codes of the regulation's `ResultDocument`:
    the statement (npc-app1; at РостГМУ the exam statement of a qualification-upgrade
    cohort, rgmu-4.9), the retraining protocol (rgmu-app1), the commission report
    (rgmu-app2) and the protocol of the commission's meeting (npc-2.13, npc-4.9). The
    labels are the records' own titles, stored in their snapshots."""

    ATTESTATION_STATEMENT = (
        ResultDocument.ATTESTATION_STATEMENT.value,
        "ведомость итоговой аттестации",
    )
    RETRAINING_PROTOCOL = (
        ResultDocument.RETRAINING_PROTOCOL.value,
        "протокол итоговой аттестации (переподготовка)",
    )
    COMMISSION_REPORT = ResultDocument.COMMISSION_REPORT.value, "отчёт комиссии"
    MEETING_PROTOCOL = (
        ResultDocument.MEETING_PROTOCOL.value,
        "протокол заседания аттестационной комиссии",
    )


class RecordStatus(TextChoices):
    DRAFT = "draft", "черновик: никто ещё не подписал"
    SIGNING = "signing", "на подписании"
    FROZEN = "frozen", "подписан всеми, сдан в архив"


@dataclass(frozen=True)
class SeatData:
    """One seat of a commission as the order appoints it: the person, the role, the post
    as written in the order and, optionally, what the person is in the organisation (for
    the appointment rules npc-4.6, npc-4.9, rgmu-4.6, rgmu-4.9)."""

    person_id: int
    role: CommissionRole
    post: str = ""
    posts: tuple[Post, ...] = ()


@dataclass(frozen=True)
class CommissionData:
    """What the study department fills in for a commission (npc-4.1, npc-4.3, rgmu-4.4)."""

    specialty_id: int
    title: str
    order_number: str
    order_date: date
    valid_from: date
    seats: tuple[SeatData, ...]
    valid_to: date | None = None
    unit_id: int | None = None


@dataclass(frozen=True)
class AttestationData:
    """What the study department fills in to schedule an attestation of a cohort."""

    commission_id: int
    held_on: date
    place: Place
    address: str = ""
    videoconference_url: str = ""
    attempt: int = 1


@dataclass(frozen=True)
class StageEntry:
    """One result typed on the grading page: the percentage of a testing stage, or the
    grade of any other stage."""

    learner_result_id: int
    stage_id: int
    percent: Decimal | None = None
    grade: Grade | None = None


@dataclass(frozen=True)
class FinalGrade:
    """The final grade of a learner from the stage grades (ADR 0104): the grade, the mean
    of the points it was rounded from (None on the two-point scale) and the reason in
    Russian."""

    grade: Grade
    mean: Decimal | None
    reason: str

    @property
    def positive(self) -> bool:
        return self.grade not in (Grade.UNSATISFACTORY, Grade.FAILED)


@dataclass(frozen=True)
class LearnerOutcome:
    """A learner's decided result, for the documents app (certificates, diplomas, training
    records) and the learner's cabinet."""

    enrolment_id: int
    learner_result_id: int
    attestation_id: int
    attempt: int
    held_on: date
    outcome: Outcome
    final_grade: Grade | None
    stage_grades: tuple[tuple[str, str], ...] = field(default_factory=tuple)


# --- retakes (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10) -----------------------------------


class RetakeKind(TextChoices):
    """Why the learner asks to sit the attestation again."""

    # failed, or absent without a valid reason (x-2.9)
    NO_VALID_REASON = (
        "no_valid_reason",
        "повторная аттестация (неявка без уважительной причины или неудовлетворительный результат)",
    )
    # absent for a valid reason, with a document (x-2.10)
    VALID_REASON = "valid_reason", "аттестация после пропуска по уважительной причине"
    # the appeal commission annulled the decision and set a retake (npc-5.16, rgmu-app4;
    # ADR 0403): granted by the decision itself, never filed by the learner
    APPEAL = "appeal", "повторное прохождение по решению апелляционной комиссии"


class RetakeStatus(TextChoices):
    FILED = "filed", "подано"
    GRANTED = "granted", "удовлетворено"
    REFUSED = "refused", "отказано"
    REFERRED_TO_DISPUTE_COMMISSION = (
        "referred_to_dispute_commission",
        "передано в комиссию по урегулированию споров",
    )


RETAKE_HELD_OPEN: frozenset[RetakeStatus] = frozenset(
    {RetakeStatus.FILED, RetakeStatus.REFERRED_TO_DISPUTE_COMMISSION, RetakeStatus.GRANTED}
)
"""An application in one of these keeps the learner's retake open: no second application,
no справка yet (ADR 0109). A refused one does not."""


@dataclass(frozen=True)
class ValidReasonDocument:
    """The document confirming a valid reason for missing the attestation (npc-2.10,
    rgmu-2.10): what it is, the day the learner presented it and the day the reason
    ended; `file` is an optional upload (a Django `File`)."""

    description: str
    presented_on: date
    reason_ended_on: date
    file: File[bytes] | None = None

    @classmethod
    def given(
        cls,
        *,
        description: str,
        presented_on: date,
        reason_ended_on: date | None = None,
        file: File[bytes] | None = None,
    ) -> ValidReasonDocument:
        """The document as a form or the API gives it: without a day the reason ended,
        it ended by the day the document was presented."""
        return cls(description, presented_on, reason_ended_on or presented_on, file)


@dataclass(frozen=True)
class RetakeDeadlines:
    """The learner's retake dates computed from the regulation and the work calendar."""

    kind: RetakeKind
    application_deadline: date | None
    latest_attestation_date: date | None
    clause: str


def _explain_reopening(changes: Mapping[str, Any]) -> Lines:
    """A reopened decision: the reason and each learner's outcome that was withdrawn."""
    outcomes = dict(Outcome.choices)
    lines: Lines = [("основание", NO_BEFORE, changes.get("reason") or "")]
    for before in changes["before"].values():
        lines.append(("решение комиссии", outcomes.get(before, before), None))
    return lines


# The audit log's words for this app's actions (ADR 0018).
_SEAT = "attestation.commissionseat"
_COMMISSION_FIELDS: dict[str, str | AuditField] = {
    "role": AuditField("роль в комиссии", choices=choices_of(CommissionRole.choices)),
}
AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "attestation.schedule": "Назначена итоговая аттестация",
    "attestation.grade": AuditAction(
        "Выставлена оценка за этап",
        fields_of="attestation.stageresult",
        fields={"stage": "номер этапа"},
    ),
    "attestation.grade_from_test": AuditAction(
        "Результат тестирования в АС ДПО перенесён в результаты этапа",
        fields_of="attestation.stageresult",
        fields={"stage": "номер этапа", "attempt": "попытка тестирования", "reason": "причина"},
    ),
    "attestation.attendance": AuditAction("Отмечена явка слушателя", subject="attendance"),
    "attestation.remarks": AuditAction("Записаны замечания комиссии", subject="remarks"),
    "attestation.members": AuditAction(
        "Отмечено присутствие членов комиссии",
        fields={
            "present": AuditField("присутствовали", refers_to=_SEAT),
            "presiding": AuditField("председательствующий", refers_to=_SEAT),
        },
    ),
    "attestation.votes": AuditAction(
        "Записаны итоги голосования",
        fields={
            "for": "за",
            "against": "против",
            "abstained": "воздержались",
            "presiding": AuditField(
                "голос председательствующего", choices=choices_of(VoteChoice.choices)
            ),
        },
    ),
    "attestation.decide": AuditAction(
        "Принято решение комиссии",
        subject="outcome",
        fields={"presiding": AuditField("председательствующий", refers_to=_SEAT)},
    ),
    "attestation.reopen": AuditAction(
        "Решение комиссии открыто для исправления", explain=_explain_reopening
    ),
    "attestation.diploma": AuditAction(
        "Внесены сведения о выданном дипломе",
        fields={
            "series": "серия диплома",
            "number": "номер диплома",
            "issued_on": "дата выдачи диплома",
        },
    ),
    "commission.form": AuditAction(
        "Сформирована аттестационная комиссия", fields=_COMMISSION_FIELDS
    ),
    "commission.update": AuditAction("Изменена аттестационная комиссия", fields=_COMMISSION_FIELDS),
    "document.draw_up": "Составлен документ итоговой аттестации",
    "document.new_version": "Выпущена новая версия документа",
    "document.sign": AuditAction(
        "Документ подписан",
        fields={"role": AuditField("роль в комиссии", choices=choices_of(CommissionRole.choices))},
    ),
    "document.freeze": "Документ подписан всеми и закреплён",
    "document.correct": "Выпущено исправление документа",
    "attestation.videoconference": AuditAction(
        "Записано состояние видеоконференции со слушателем",
        fields={
            "outcome": AuditField("связь", choices=choices_of(ConnectionOutcome.choices)),
            "decision": AuditField(
                "решение комиссии", choices=choices_of(ConnectionDecision.choices)
            ),
            "note": "что произошло",
        },
    ),
    "retake.apply": "Подано заявление о повторной итоговой аттестации",
    "attestation.appeal_result": AuditAction(
        "Результат итоговой аттестации изменён решением апелляционной комиссии"
    ),
    "attestation.appeal_documents": "Документы об обучении приведены в соответствие с апелляцией",
    "retake.grant": "Назначена повторная итоговая аттестация",
    "retake.refuse": AuditAction("В повторной итоговой аттестации отказано", subject="status"),
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "learner_result": AuditField("слушатель", refers_to="attestation.learnerresult"),
    "learners": AuditField("слушатели", refers_to="programmes.enrolment"),
    "outcome": AuditField("решение комиссии", choices=choices_of(Outcome.choices)),
    "outcomes": "решения",
    "final_grade": AuditField("итоговая оценка", choices=choices_of(Grade.choices)),
    "announced_on_attestation_day": "объявлено в день аттестации",
    "votes_cleared": "голоса сброшены",
    "seat": AuditField("место в комиссии", refers_to=_SEAT),
    "signatures_kept": AuditField("подписи сохранены", refers_to=_SEAT),
    "seats": "состав комиссии",
    "person": AuditField("член комиссии", refers_to="accounts.user"),
    "post": "должность",
    "posts": AuditField("должности", choices=choices_of(Post.choices)),
    "sha256": "SHA-256 файла PDF",
    "commission": AuditField("комиссия", refers_to="attestation.commission"),
    "stage": "номер этапа",
    "grade": AuditField("оценка", choices=choices_of(Grade.choices)),
    "percent": "процент",
}
