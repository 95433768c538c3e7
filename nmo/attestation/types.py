"""Values that cross the attestation app's boundary: the choices its models store (as
`StrEnum`s with their Russian labels), the inputs of its services and the results its
selectors and rules return.

Grades, scales, stage kinds, places and commission roles are the regulation's own codes
(`nmo.regulations.types`); this module adds what only the attestation has: attendance,
outcomes, statuses, the kinds of its documents and the final grade.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.core.files import File

from nmo.regulations.types import CommissionRole, Grade, Post, ResultDocument, VoteTally

__all__ = [
    "ATTENDANCE_LABELS",
    "DOCUMENT_KIND_LABELS",
    "DOCUMENT_STATUS_LABELS",
    "OUTCOME_LABELS",
    "PLACE_LABELS",
    "STATUS_LABELS",
    "Attendance",
    "AttestationData",
    "AttestationStatus",
    "CommissionData",
    "DocumentKind",
    "DocumentStatus",
    "FinalGrade",
    "LearnerOutcome",
    "Outcome",
    "Place",
    "SeatData",
    "StageEntry",
    "VoteTally",
]


class Attendance(StrEnum):
    """Whether a learner came to the attestation (npc-2.9, npc-2.10, rgmu-2.9, rgmu-2.10)."""

    PRESENT = "present"
    ABSENT_NO_REASON = "absent_no_reason"
    ABSENT_VALID_REASON = "absent_valid_reason"


ATTENDANCE_LABELS: dict[Attendance, str] = {
    Attendance.PRESENT: "явился",
    Attendance.ABSENT_NO_REASON: "не явился без уважительной причины",
    Attendance.ABSENT_VALID_REASON: "не явился по уважительной причине",
}


class Outcome(StrEnum):
    """The commission's decision on one learner."""

    PASSED = "passed"
    FAILED = "failed"
    ABSENT_NO_REASON = "absent_no_reason"
    ABSENT_VALID_REASON = "absent_valid_reason"


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.PASSED: "итоговая аттестация пройдена",
    Outcome.FAILED: "итоговая аттестация не пройдена",
    Outcome.ABSENT_NO_REASON: "не явился без уважительной причины",
    Outcome.ABSENT_VALID_REASON: "не явился по уважительной причине",
}


class AttestationStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    DECIDED = "decided"


STATUS_LABELS: dict[AttestationStatus, str] = {
    AttestationStatus.PLANNED: "запланирована",
    AttestationStatus.HELD: "проводится: вносятся результаты",
    AttestationStatus.DECIDED: "решение комиссии принято",
}


class Place(StrEnum):
    """Where the attestation is held: the regulation's places (npc-2.6, rgmu-2.4) or
    remotely by a two-way videoconference (npc-2.4, npc-6.1, rgmu-2.4, rgmu-6.1)."""

    ORGANISATION = "organisation"
    UNIT = "unit"
    CUSTOMER_PREMISES = "customer_premises"
    REMOTE = "remote"


PLACE_LABELS: dict[Place, str] = {
    Place.ORGANISATION: "в организации",
    Place.UNIT: "в структурном подразделении",
    Place.CUSTOMER_PREMISES: "на территории заказчика",
    Place.REMOTE: "дистанционно, по видеоконференции (ДОТ и ЭО)",
}


class DocumentKind(StrEnum):
    """The documents of an attestation, with the regulation's codes (`ResultDocument`):
    the statement (npc-app1), the retraining protocol (rgmu-app1), the commission report
    (rgmu-app2)."""

    ATTESTATION_STATEMENT = ResultDocument.ATTESTATION_STATEMENT.value
    RETRAINING_PROTOCOL = ResultDocument.RETRAINING_PROTOCOL.value
    COMMISSION_REPORT = ResultDocument.COMMISSION_REPORT.value


DOCUMENT_KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.ATTESTATION_STATEMENT: "ведомость итоговой аттестации",
    DocumentKind.RETRAINING_PROTOCOL: "протокол итоговой аттестации (переподготовка)",
    DocumentKind.COMMISSION_REPORT: "отчёт комиссии",
}


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    SIGNING = "signing"
    FROZEN = "frozen"


DOCUMENT_STATUS_LABELS: dict[DocumentStatus, str] = {
    DocumentStatus.DRAFT: "черновик: никто ещё не подписал",
    DocumentStatus.SIGNING: "на подписании",
    DocumentStatus.FROZEN: "подписан всеми, сдан в архив",
}


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


class RetakeKind(StrEnum):
    """Why the learner asks to sit the attestation again."""

    NO_VALID_REASON = "no_valid_reason"  # failed, or absent without a valid reason (x-2.9)
    VALID_REASON = "valid_reason"  # absent for a valid reason, with a document (x-2.10)


class RetakeStatus(StrEnum):
    FILED = "filed"
    GRANTED = "granted"
    REFUSED = "refused"
    REFERRED_TO_DISPUTE_COMMISSION = "referred_to_dispute_commission"


RETAKE_HELD_OPEN: frozenset[RetakeStatus] = frozenset(
    {RetakeStatus.FILED, RetakeStatus.REFERRED_TO_DISPUTE_COMMISSION, RetakeStatus.GRANTED}
)
"""An application in one of these keeps the learner's retake open: no second application,
no справка yet (ADR 0109). A refused one does not."""


RETAKE_KIND_LABELS: dict[RetakeKind, str] = {
    RetakeKind.NO_VALID_REASON: "повторная аттестация (неявка без уважительной причины "
    "или неудовлетворительный результат)",
    RetakeKind.VALID_REASON: "аттестация после пропуска по уважительной причине",
}

RETAKE_STATUS_LABELS: dict[RetakeStatus, str] = {
    RetakeStatus.FILED: "подано",
    RetakeStatus.GRANTED: "удовлетворено",
    RetakeStatus.REFUSED: "отказано",
    RetakeStatus.REFERRED_TO_DISPUTE_COMMISSION: "передано в комиссию по урегулированию споров",
}


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
    ) -> "ValidReasonDocument":
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
