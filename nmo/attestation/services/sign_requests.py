"""Letters asking the signers of an attestation's records to sign (ADR 0115): one letter
per person and attestation, listing every record version that awaits them there — not
one per record. A service that makes several records at once (drawing up, a new version
of each changed record) opens `collecting_requests()`; `ask_to_sign` inside it only
notes who is to be asked, and the block's end writes the letters, still inside the
service's transaction: they leave only after commit (ADR 0005, 0203)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.urls import reverse

from nmo.accounts.models import User
from nmo.attestation.models import Attestation, AttestationDocument
from nmo.attestation.selectors import required_signers
from nmo.attestation.types import AttestationStatus, RecordStatus
from nmo.core.links import absolute_url
from nmo.core.russian import by_sex, full_name_in, number_with, plural
from nmo.core.services import send_email_after_commit
from nmo.regulations.types import CommissionRole

EVERY_SIGNER = 0  # no person has id 0
WAIT = ("ждёт", "ждут", "ждут")
SUBJECT = "Документы итоговой аттестации ждут вашей подписи"

_batch: ContextVar[dict[int, set[int]] | None] = ContextVar(
    "attestation_sign_requests", default=None
)


@contextmanager
def collecting_requests() -> Iterator[None]:
    """Gather the requests made inside the block and send each person one letter per
    attestation at its end (nested blocks join the outermost). Nothing is sent when the
    block raises: its transaction is rolled back anyway."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set({})
    try:
        yield
        batch = _batch.get() or {}
    finally:
        _batch.reset(token)
    for attestation_id, person_ids in batch.items():
        _send(attestation_id, person_ids)


def ask_to_sign(attestation: Attestation | int, persons: Sequence[User | int] | None) -> None:
    """Ask the persons (None: every signer) to sign what awaits them in the attestation:
    one letter each, listing every record version awaiting their signature there (nobody
    with nothing to sign is written to)."""
    attestation_id = attestation if isinstance(attestation, int) else attestation.pk
    ids = (
        {EVERY_SIGNER} if persons is None else {p if isinstance(p, int) else p.pk for p in persons}
    )
    batch = _batch.get()
    if batch is None:
        _send(attestation_id, ids)
    else:
        batch.setdefault(attestation_id, set()).update(ids)


def _send(attestation_id: int, person_ids: set[int]) -> None:
    """Write the letters: the signers (`required_signers`) among the persons, each with the
    current unfrozen versions they have not signed — read once for the attestation, not
    once per person."""
    attestation = Attestation.objects.select_related(
        "cohort__programme", "commission", "presiding_seat", "regulation_version"
    ).get(pk=attestation_id)
    if attestation.status != AttestationStatus.DECIDED:
        return
    signers = [
        s
        for s in required_signers(attestation)
        if EVERY_SIGNER in person_ids or s.seat.person_id in person_ids
    ]
    if not signers:
        return
    records = list(
        AttestationDocument.objects.filter(attestation=attestation, superseded_by__isnull=True)
        .exclude(status=RecordStatus.FROZEN)
        .select_related("learner_result__enrolment__learner")
        .prefetch_related("signatures")
        .order_by("kind", "learner_result__enrolment__learner__last_name", "pk")
    )
    for signer in signers:
        person = signer.seat.person
        awaiting = [
            r for r in records if signer.seat.pk not in {s.seat_id for s in r.signatures.all()}
        ]
        if person.email and awaiting:
            send_email_after_commit(
                to=[person.email],
                subject=SUBJECT,
                body=letter(person, signer.seat.role, attestation, awaiting),
            )


def record_title(record: AttestationDocument) -> str:
    """«Протокол итоговой аттестации (…): Антонова Алла Борисовна, версия 2» as lists show it."""
    title = record.kind_label[:1].upper() + record.kind_label[1:]
    if record.learner_result is not None:
        title += f": {record.learner_result.enrolment.learner.full_name}"
    if record.version > 1:
        title += f", версия {record.version} (причина: {record.correction_reason})"
    return title


#: Whom the letter is to, in the dative: «Кому: Членовой Марии Андреевне, члену …».
ROLE_DATIVE = {
    CommissionRole.CHAIR: "председателю",
    CommissionRole.DEPUTY_CHAIR: "заместителю председателя",
    CommissionRole.MEMBER: "члену",
    CommissionRole.SECRETARY: "секретарю",
}


def letter(
    person: User, role: str, attestation: Attestation, records: list[AttestationDocument]
) -> str:
    """The text of the letter to one signer (holding `role` in the commission): addressed
    in the dative, greeted by sex."""
    dear = by_sex(person, "Уважаемый", "Уважаемая")
    name = f"{person.first_name} {person.middle_name}".strip()
    to = (
        f"{full_name_in('datv', person)}, {ROLE_DATIVE[CommissionRole(role)]} "
        "итоговой аттестационной комиссии"
    )
    lines = [
        f"Кому: {to}",
        "",
        f"{dear} {name}!",
        "",
        f"Вашей подписи {plural(len(records), WAIT)} {number_with(len(records), 'документ')} "
        f"итоговой аттестации {attestation.held_on:%d.%m.%Y} по программе "
        f"«{attestation.cohort.programme.title}»:",
        "",
        *(f"— {record_title(r)}: {absolute_url(r.get_absolute_url())}" for r in records),
        "",
        "Прочитать и подписать их можно на странице «На подпись» — все сразу одним действием:",
        absolute_url(reverse("web:to_sign")),
        "",
        "Страница аттестации:",
        absolute_url(reverse("attestation:attestation_detail", args=[attestation.pk])),
        "",
    ]
    return "\n".join(lines)
