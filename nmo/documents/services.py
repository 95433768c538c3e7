"""State changes of the documents app: issue a document (numbered gap-free in its
register), record its handover, revoke it, configure a register.

Contract with the attestation app (which decides who passed; this app cannot know it):
call `issue_document` with the programme's qualification kind
(`rules.qualification_document_for(programme.kind)`) for a learner who passed the final
attestation (npc-2.8, rgmu-2.8), and `issue_training_record` for one who did not pass or
failed, including on the retake, or was withdrawn (npc-2.11, rgmu-2.11). Calling either
asserts that outcome; call them inside your own transaction and a failure of yours after
the call rolls the document and its number back, leaving no gap. When a record signed
before the document exists must print its entry (the retraining protocol's item 7), call
`reserve_register_entry` at the decision and `void_register_entry` when the learner no
longer passes; `issue_document` then takes the reserved entry (ADR 0110).
"""

import hashlib
import secrets
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import Organisation, User
from nmo.core.exceptions import Conflict
from nmo.core.services import record_audit
from nmo.cycles import services as cycle_services
from nmo.documents.blanks import calibration_pdf as calibration_pdf  # beside the layouts
from nmo.documents.blanks import configure_blank_layout as configure_blank_layout
from nmo.documents.blanks import configure_details as configure_details
from nmo.documents.blanks import print_on_blank as print_on_blank
from nmo.documents.exceptions import (
    DocumentAlreadyIssued,
    DocumentAlreadyRevoked,
    DocumentInvalid,
    DocumentKindNotAllowed,
    DocumentRevoked,
    HandoverAlreadyRecorded,
    HandoverInvalid,
    RegisterInvalid,
    RevocationInvalid,
)
from nmo.documents.frdo import check_frdo as check_frdo  # services kept beside the columns
from nmo.documents.frdo import export_frdo as export_frdo
from nmo.documents.frdo import frdo_export_needs_job as frdo_export_needs_job
from nmo.documents.frdo import frdo_export_size as frdo_export_size
from nmo.documents.frdo import frdo_file_name as frdo_file_name
from nmo.documents.frdo import start_frdo_export as start_frdo_export
from nmo.documents.integrity import FrozenView as FrozenView
from nmo.documents.integrity import checked_pdf as checked_pdf
from nmo.documents.integrity import frozen_view as frozen_view
from nmo.documents.integrity import seal_document
from nmo.documents.models import (
    DocumentHandover,
    DocumentRegister,
    QualificationDocument,
    RegisterReservation,
)
from nmo.documents.printing import render_document_pdf
from nmo.documents.rules import (
    DEFAULT_REGISTRATION_PREFIX,
    default_series,
    fold,
    handover_errors,
    kind_errors,
    normalise_tracking_number,
    padded_number,
    period_errors,
    registration_number,
    revocation_errors,
)
from nmo.documents.selectors import document_particulars
from nmo.documents.types import (
    QUALIFICATION_KINDS,
    AttestationFacts,
    DocumentKind,
    DocumentStatus,
    HandoverMode,
    RegisterEntry,
    ReservationStatus,
    RevocationGround,
)
from nmo.programmes.models import Cohort, Enrolment, EnrolmentStatus
from nmo.programmes.selectors import get_enrolment, lock_enrolment
from nmo.regulations.selectors import rules_of

TOKEN_BYTES = 32
"""Verification tokens carry 256 random bits: they cannot be guessed or enumerated."""

_SERIES_CHARS = set("0123456789 -АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _locked_register(organisation: Organisation, kind: DocumentKind) -> DocumentRegister:
    # get_or_create runs its INSERT in a savepoint and falls back to a read when another
    # transaction created the row first, so the first issues of an organisation may race.
    register, _ = DocumentRegister.objects.get_or_create(
        organisation=organisation,
        kind=kind.value,
        defaults={"registration_prefix": DEFAULT_REGISTRATION_PREFIX[kind]},
    )
    return DocumentRegister.objects.select_for_update().get(pk=register.pk)


def _allowed_kind(cohort: Cohort, kind: str) -> DocumentKind:
    """Return the kind asked for, if it fits the programme and the cohort's regulation
    names it (npc-2.8, rgmu-2.8); else DocumentKindNotAllowed."""
    document_rules = rules_of(cohort.regulation_version).documents
    problems = kind_errors(
        kind=kind,
        programme_kind=cohort.programme.kind,
        qualification_documents=document_rules.qualification_documents,
        failed_document=document_rules.failed_document,
    )
    if problems:
        raise DocumentKindNotAllowed(problems[0], errors={"kind": problems})
    return DocumentKind(kind)


def _check_not_withdrawn(enrolment: Enrolment) -> None:
    """Refuse a qualification document to a withdrawn learner (npc-2.11, rgmu-2.11)."""
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise DocumentInvalid(
            errors={
                "enrolment": [
                    "Слушатель отчислен: ему выдаётся справка об обучении (о периоде "
                    "обучения), а не документ о квалификации."
                ]
            }
        )


def _training_period(
    cohort: Cohort,
    *,
    is_record: bool,
    issued_on: date,
    period_from: date | None,
    period_to: date | None,
) -> tuple[date, date]:
    """Return the period the document states — the cohort's dates by default; for a
    training record the period studied, ending at the issue date at the latest — after
    checking it and the issue date (DocumentInvalid)."""
    start = period_from or cohort.starts_on
    end = period_to or (min(cohort.ends_on, issued_on) if is_record else cohort.ends_on)
    errors = period_errors(
        period_from=start,
        period_to=end,
        issued_on=issued_on,
        cohort_starts_on=cohort.starts_on,
        studied=is_record,
    )
    if issued_on > timezone.localdate():
        errors.setdefault("issued_on", []).append("Дата выдачи не может быть в будущем.")
    if errors:
        raise DocumentInvalid(errors=errors)
    return start, end


def _check_no_live_document(
    live: QuerySet[QualificationDocument], wanted: DocumentKind, *, is_record: bool
) -> None:
    """Refuse a second live document of a kind, and a справка next to a live qualification
    document (DocumentAlreadyIssued)."""
    if live.filter(kind=wanted.value).exists():
        raise DocumentAlreadyIssued()
    if is_record and live.filter(kind__in=[k.value for k in QUALIFICATION_KINDS]).exists():
        raise DocumentAlreadyIssued(
            "Слушателю выдан документ о квалификации: справка об обучении ему не выдаётся."
        )


def _replaced_document(enrolment: Enrolment, wanted: DocumentKind) -> QualificationDocument | None:
    """Return the last revoked document of the kind, which a new one replaces."""
    return (
        QualificationDocument.objects.defer("pdf")
        .filter(enrolment=enrolment, kind=wanted.value, status=DocumentStatus.REVOKED)
        .order_by("-revoked_at", "-id")
        .first()
    )


def _allocate_number(
    organisation: Organisation, wanted: DocumentKind
) -> tuple[DocumentRegister, int]:
    """Take the register's next number; its row stays locked until commit (ADR 0106)."""
    register = _locked_register(organisation, wanted)
    number = register.next_number
    register.next_number = number + 1
    register.save(update_fields=["next_number", "updated_at"])
    return register, number


def _series_for(register: DocumentRegister, organisation: Organisation, year: int) -> str:
    """The series printed on the register's next document: the configured one, or for a
    qualification document of a register nobody configured the default of ADR 0110."""
    if register.series or DocumentKind(register.kind) not in QUALIFICATION_KINDS:
        return register.series
    return default_series(
        prefix=register.registration_prefix,
        organisation_code=organisation.inn or str(organisation.pk),
        year=year,
    )


def _live_reservation(enrolment: Enrolment, wanted: DocumentKind) -> RegisterReservation | None:
    # Only the reservation's row: the model's ordering joins the register and the
    # organisation, which a bare FOR UPDATE would lock too — and every ledger entry or
    # document of the organisation checks its key at commit, so that lock deadlocked
    # with the audit chain's lock under concurrent issues and API reports (ADR 0118).
    return (
        RegisterReservation.objects.select_for_update(of=("self",))
        .filter(enrolment=enrolment, kind=wanted.value, status=ReservationStatus.RESERVED)
        .order_by("pk")
        .first()
    )


def _new_document(
    *,
    actor: User,
    enrolment: Enrolment,
    register: DocumentRegister,
    number: int,
    series: str,
    specialty: str,
    period: tuple[date, date],
    is_record: bool,
    issued_on: date,
    replaces: QualificationDocument | None,
    facts: AttestationFacts | None = None,
) -> QualificationDocument:
    """Return the document (not yet saved) with what it prints and its PDF, rendered with
    the QR code of its verification page. A training record states the cohort's dates and
    the period actually studied."""
    cohort = enrolment.cohort
    programme = cohort.programme
    organisation = programme.organisation
    learner = enrolment.learner
    start, end = period
    document = QualificationDocument(
        organisation=organisation,
        register=register,
        kind=register.kind,
        series=series,
        number=number,
        registration_number=registration_number(register.registration_prefix, number),
        enrolment=enrolment,
        organisation_name=organisation.name,
        holder_name=learner.full_name,
        holder_search=fold(learner.full_name),
        programme_title=programme.title,
        programme_kind=programme.kind,
        hours=programme.hours,
        specialty=specialty,
        period_from=cohort.starts_on if is_record else start,
        period_to=cohort.ends_on if is_record else end,
        studied_from=start if is_record else None,
        studied_to=end if is_record else None,
        issued_on=issued_on,
        issued_by=actor,
        replaces=replaces,
        status=DocumentStatus.ISSUED.value,
        verification_token=secrets.token_urlsafe(TOKEN_BYTES),
        particulars=document_particulars(enrolment=enrolment, kind=register.kind, facts=facts),
    )
    pdf = render_document_pdf(document)
    document.pdf = pdf
    document.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    seal_document(document)
    return document


def _save_document(
    document: QualificationDocument, live: QuerySet[QualificationDocument], wanted: DocumentKind
) -> None:
    """Insert the document; the constraints are the backstops (number once, one live
    document per kind)."""
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError as exc:
        if live.filter(kind=wanted.value).exists():
            raise DocumentAlreadyIssued() from exc
        raise Conflict(
            "Номер документа не удалось присвоить. Повторите действие.",
            code="document_number_taken",
        ) from exc


def _audit_issue(
    actor: User, document: QualificationDocument, replaces: QualificationDocument | None
) -> None:
    record_audit(
        actor=actor,
        action="document.issue",
        target=document,
        changes={
            "kind": document.kind,
            "series": document.series,
            "number": document.number,
            "registration_number": document.registration_number,
            "enrolment": document.enrolment_id,
            "issued_on": document.issued_on,
            "replaces": replaces.pk if replaces else None,
            "pdf_sha256": document.pdf_sha256,
        },
    )


@transaction.atomic
def issue_document(
    *,
    actor: User,
    enrolment: Enrolment,
    kind: str,
    issued_on: date,
    period_from: date | None = None,
    period_to: date | None = None,
    facts: AttestationFacts | None = None,
) -> QualificationDocument:
    """Issue a document to the learner of `enrolment`, numbered next in its register.

    `kind` must fit the programme: an удостоверение о повышении квалификации for a
    qualification upgrade, a диплом о профессиональной переподготовке for a retraining, and
    the organisation's regulation must name it (npc-2.8: the НПЦ issues only the
    удостоверение; rgmu-2.8: both); else DocumentKindNotAllowed (422). `training_record`
    is accepted too and means `issue_training_record` (npc-2.11, rgmu-2.11). Calling this
    for a qualification document asserts the learner passed the final attestation.

    The training period defaults to the cohort's dates; for a training record
    `period_from`/`period_to` are the period actually studied (default: from the cohort's
    start to its end or the issue date, whichever is first). Bad dates or a withdrawn
    learner for a qualification document: DocumentInvalid (422).

    When the commission's decision reserved a register entry for the learner
    (`reserve_register_entry`, ADR 0110), the document takes that entry — its series,
    number and date, which a signed protocol already prints — instead of the next number,
    and the reservation is marked used. A register without a configured series prints the
    default series of the organisation and year on qualification documents (ADR 0110).

    Only organisation staff of the programme's organisation may issue (PermissionDenied
    without the role, NotFound for another organisation's staff). An enrolment holds one
    live document of a kind (DocumentAlreadyIssued, 409); a re-issue follows a revocation
    and records which document it replaces.

    The number is allocated under a row lock on the register inside this transaction and
    the PDF (with the QR code of the verification page) is rendered before the row is
    written: any failure rolls the number back, so numbers stay gap-free (ADR 0106).
    Audited as "document.issue".

    What it prints beyond its columns is kept with it (`particulars`): the organisation's
    details and signatories, and for a diploma the programme's qualification wording, the
    commission's protocol and final grade (`facts`, from the attestation app) and the
    supplement's disciplines with hours and grades (`selectors.document_particulars`).
    """
    owner = get_enrolment(enrolment.pk)
    require_staff_of(actor, owner.cohort.programme.organisation)
    # Locking the enrolment serialises every issue for one learner, across kinds and
    # registers (a training record must see a qualification document issued a moment ago).
    enrolment = lock_enrolment(enrolment.pk)
    cohort = enrolment.cohort
    programme = cohort.programme
    organisation = programme.organisation

    wanted = _allowed_kind(cohort, kind)
    is_record = wanted == DocumentKind.TRAINING_RECORD
    if not is_record:
        _check_not_withdrawn(enrolment)
    start, end = _training_period(
        cohort,
        is_record=is_record,
        issued_on=issued_on,
        period_from=period_from,
        period_to=period_to,
    )
    live = QualificationDocument.objects.filter(enrolment=enrolment, status=DocumentStatus.ISSUED)
    _check_no_live_document(live, wanted, is_record=is_record)
    replaces = _replaced_document(enrolment, wanted)
    specialty = "; ".join(s.name for s in programme.specialties.order_by("name"))

    reservation = None if is_record else _live_reservation(enrolment, wanted)
    if reservation is not None:
        # The entry the signed protocol prints (ADR 0110): its number, series and date.
        register, number, series = reservation.register, reservation.number, reservation.series
        issued_on = reservation.issued_on
    else:
        # Everything above may refuse; from here the register row is locked until commit.
        register, number = _allocate_number(organisation, wanted)
        series = _series_for(register, organisation, issued_on.year)
    document = _new_document(
        actor=actor,
        enrolment=enrolment,
        register=register,
        number=number,
        series=series,
        specialty=specialty,
        period=(start, end),
        is_record=is_record,
        issued_on=issued_on,
        replaces=replaces,
        facts=facts,
    )
    _save_document(document, live, wanted)
    if not is_record:
        _book_hours(actor, document, enrolment)
    if reservation is not None:
        reservation.status = ReservationStatus.USED.value
        reservation.document = document
        reservation.save(update_fields=["status", "document", "updated_at"])
    _audit_issue(actor, document, replaces)
    return document


def _first_issued_on(document: QualificationDocument) -> date:
    """The date of the first document of a replacement chain: a duplicate or an exchanged
    document attests the same training, so its hours keep the original's date."""
    issued_on, replaces_id = document.issued_on, document.replaces_id
    seen: set[int] = set()
    while replaces_id is not None and replaces_id not in seen:
        seen.add(replaces_id)
        issued_on, replaces_id = QualificationDocument.objects.values_list(
            "issued_on", "replaces_id"
        ).get(pk=replaces_id)
    return issued_on


def _book_hours(actor: User, document: QualificationDocument, enrolment: Enrolment) -> None:
    """The programme's hours reach the learner's cycle (issue 15, ADR 0118): booked in
    the ledger in the issuing transaction, so the document and its hours commit or roll
    back together; once per document, whatever retries or API reports come."""
    programme = enrolment.cohort.programme
    cycle_services.book_document_hours(
        actor=actor,
        specialist=enrolment.learner,
        organisation=document.organisation,
        specialty_ids=list(programme.specialties.values_list("pk", flat=True)),
        programme_title=document.programme_title,
        hours=document.hours,
        remote_share_percent=programme.remote_share_percent,
        completed_on=_first_issued_on(document),
        document_number=document.display_number,
        document_id=document.pk,
        document_url=reverse("documents:verify", kwargs={"token": document.verification_token}),
    )


def _entry_of(document: QualificationDocument | RegisterReservation) -> RegisterEntry:
    return RegisterEntry(
        series=document.series,
        number=padded_number(document.number),
        issued_on=document.issued_on,
        reservation_id=document.pk if isinstance(document, RegisterReservation) else None,
    )


@transaction.atomic
def reserve_register_entry(
    *, actor: User | None, enrolment: Enrolment, kind: str, issued_on: date
) -> RegisterEntry:
    """Reserve the register entry of the qualification document a learner will be issued,
    when the attestation commission decides that the learner passed, so that a record
    signed before the document exists (the retraining protocol's item 7, rgmu-app1)
    prints the series, number and date the document will carry (ADR 0110).

    Called by the attestation app after its own access check, inside the decision's
    transaction: a rollback there releases the number, as for an issue (ADR 0106). The
    number is the register's next, taken under its row lock; the series is the
    configured one or the default of the organisation and year; the date is `issued_on`
    (the decision's date). Idempotent: a learner who holds a live reservation or a live
    document of the kind gets that entry back. `kind` must be a qualification document
    the regulation names (DocumentKindNotAllowed). Audited as "document_register.reserve".
    """
    enrolment = lock_enrolment(enrolment.pk)
    cohort = enrolment.cohort
    wanted = _allowed_kind(cohort, kind)
    if wanted not in QUALIFICATION_KINDS:
        raise DocumentKindNotAllowed("Резервируется номер только документа о квалификации.")
    existing = _live_reservation(enrolment, wanted)
    if existing is not None:
        return _entry_of(existing)
    issued = (
        QualificationDocument.objects.defer("pdf")
        .filter(enrolment=enrolment, kind=wanted.value, status=DocumentStatus.ISSUED)
        .first()
    )
    if issued is not None:
        return _entry_of(issued)
    organisation = cohort.programme.organisation
    register, number = _allocate_number(organisation, wanted)
    reservation = RegisterReservation.objects.create(
        register=register,
        kind=wanted.value,
        series=_series_for(register, organisation, issued_on.year),
        number=number,
        registration_number=registration_number(register.registration_prefix, number),
        issued_on=issued_on,
        enrolment=enrolment,
        reserved_by=actor,
    )
    record_audit(
        actor=actor,
        action="document_register.reserve",
        target=reservation,
        changes={
            "kind": wanted.value,
            "series": reservation.series,
            "number": number,
            "enrolment": enrolment.pk,
            "issued_on": issued_on,
        },
    )
    return _entry_of(reservation)


@transaction.atomic
def void_register_entry(
    *, actor: User | None, enrolment: Enrolment, kind: str, reason: str
) -> RegisterReservation | None:
    """Make void the live reservation of a learner whose result no longer entitles them to
    the document (the decision was reopened and changed, or annulled), with the reason.
    Its number stays taken and is never reused, like a revoked document's (ADR 0106,
    ADR 0110); a document already issued from it is revoked by `revoke_document`, not
    here. Return the reservation made void, or None when there was none. Audited as
    "document_register.void"."""
    reservation = _live_reservation(enrolment, DocumentKind(kind))
    if reservation is None:
        return None
    text = reason.strip() or "Решение комиссии изменено."
    reservation.status = ReservationStatus.VOID.value
    reservation.voided_at = timezone.now()
    reservation.void_reason = text
    reservation.save(update_fields=["status", "voided_at", "void_reason", "updated_at"])
    record_audit(
        actor=actor,
        action="document_register.void",
        target=reservation,
        changes={"number": reservation.number, "reason": text},
    )
    return reservation


def issue_training_record(
    *,
    actor: User,
    enrolment: Enrolment,
    issued_on: date,
    period_from: date | None = None,
    period_to: date | None = None,
) -> QualificationDocument:
    """Issue a справка об обучении / о периоде обучения to a learner who did not pass the
    final attestation, failed it (including on the retake) or was withdrawn (npc-2.11,
    rgmu-2.11): `issue_document` with kind `training_record`. `period_from`/`period_to`
    are the period actually studied. Refused (DocumentAlreadyIssued) while the learner
    holds a live qualification document."""
    return issue_document(
        actor=actor,
        enrolment=enrolment,
        kind=DocumentKind.TRAINING_RECORD,
        issued_on=issued_on,
        period_from=period_from,
        period_to=period_to,
    )


@transaction.atomic
def record_handover(
    *,
    actor: User,
    document: QualificationDocument,
    mode: str,
    handed_on: date,
    recipient_name: str | None = None,
    power_of_attorney_number: str | None = None,
    power_of_attorney_date: date | None = None,
    tracking_number: str | None = None,
) -> DocumentHandover:
    """Record how the document reached its holder (npc-2.14, rgmu-2.14): `in_person`;
    `proxy` — to another person (`recipient_name`) by a certified power of attorney
    (`power_of_attorney_number`, `power_of_attorney_date` required); `registered_mail` —
    by registered mail with acknowledgement of receipt (`tracking_number` required).

    The mode must be one the organisation's regulation allows; details that do not belong
    to the mode are not stored. Missing details: HandoverInvalid (422, Russian messages by
    field). A revoked document is not handed over (DocumentRevoked, 409); a document is
    handed over once (HandoverAlreadyRecorded, 409). Organisation staff only. Audited as
    "document.handover".
    """
    require_staff_of(actor, document.organisation)
    locked = (
        QualificationDocument.objects.select_for_update(of=("self",))
        .select_related("enrolment__cohort__regulation_version")
        .defer("pdf")
        .get(pk=document.pk)
    )
    if locked.status == DocumentStatus.REVOKED:
        raise DocumentRevoked("Документ аннулирован: его выдача не записывается.")
    if DocumentHandover.objects.filter(document=locked).exists():
        raise HandoverAlreadyRecorded()
    document_rules = rules_of(locked.enrolment.cohort.regulation_version).documents
    errors = handover_errors(
        mode=mode,
        handed_on=handed_on,
        issued_on=locked.issued_on,
        today=timezone.localdate(),
        allowed_modes=document_rules.handover_modes,
        recipient_name=recipient_name or "",
        power_of_attorney_number=power_of_attorney_number or "",
        power_of_attorney_date=power_of_attorney_date,
        tracking_number=tracking_number or "",
    )
    if errors:
        raise HandoverInvalid(errors=errors)
    chosen = HandoverMode(mode)
    is_proxy = chosen == HandoverMode.PROXY
    is_mail = chosen == HandoverMode.REGISTERED_MAIL
    handover = DocumentHandover(
        document=locked,
        mode=chosen.value,
        handed_on=handed_on,
        recipient_name=(recipient_name or "").strip() if is_proxy else locked.holder_name,
        power_of_attorney_number=(power_of_attorney_number or "").strip() if is_proxy else "",
        power_of_attorney_date=power_of_attorney_date if is_proxy else None,
        tracking_number=normalise_tracking_number(tracking_number or "") if is_mail else "",
        recorded_by=actor,
    )
    try:
        with transaction.atomic():
            handover.save()
    except IntegrityError as exc:
        raise HandoverAlreadyRecorded() from exc
    changes: dict[str, Any] = {"mode": handover.mode, "handed_on": handed_on}
    if is_proxy:
        changes |= {
            "recipient_name": handover.recipient_name,
            "power_of_attorney_number": handover.power_of_attorney_number,
            "power_of_attorney_date": handover.power_of_attorney_date,
        }
    if is_mail:
        changes["tracking_number"] = handover.tracking_number
    record_audit(actor=actor, action="document.handover", target=locked, changes=changes)
    return handover


@transaction.atomic
def revoke_document(
    *, actor: User, document: QualificationDocument, reason: str, ground: str = ""
) -> QualificationDocument:
    """Revoke (аннулировать) an issued document with a reason, which its public
    verification page then shows with the date, and the ground the ФИС ФРДО template
    records (`RevocationGround`: lost, exchanged, destroyed; "" leaves it for the FRDO
    check to ask, ADR 0114). The number stays taken: it is never reused (ADR 0106). A
    reason of fewer than 10 characters or an unknown ground: RevocationInvalid (422); a
    document already revoked: DocumentAlreadyRevoked (409). Organisation staff only.
    Audited as "document.revoke"."""
    require_staff_of(actor, document.organisation)
    errors = revocation_errors(reason)
    if ground and ground not in RevocationGround.values:
        errors["ground"] = ["Выберите основание: утрата, обмен или уничтожение."]
    if errors:
        raise RevocationInvalid(errors=errors)
    now = timezone.now()
    text = reason.strip()
    claimed = QualificationDocument.objects.filter(
        pk=document.pk, status=DocumentStatus.ISSUED
    ).update(
        status=DocumentStatus.REVOKED.value,
        revoked_at=now,
        revoked_by=actor,
        revocation_reason=text,
        revocation_ground=ground,
        updated_at=now,
    )
    if claimed != 1:
        raise DocumentAlreadyRevoked()
    document.status = DocumentStatus.REVOKED.value
    document.revoked_at = now
    document.revoked_by = actor
    document.revocation_reason = text
    document.revocation_ground = ground
    if DocumentKind(document.kind) in QUALIFICATION_KINDS:
        # Its hours leave the cycle with it; a duplicate or exchange books them again.
        cycle_services.reverse_document_hours(
            actor=actor,
            specialist=document.enrolment.learner,
            organisation=document.organisation,
            document_number=document.display_number,
            document_id=document.pk,
            reason=f"Документ {document.display_number} аннулирован: {text}",
        )
    record_audit(
        actor=actor,
        action="document.revoke",
        target=document,
        changes={
            "status": [DocumentStatus.ISSUED.value, DocumentStatus.REVOKED.value],
            "reason": text,
            "ground": ground,
        },
    )
    return document


@transaction.atomic
def set_revocation_ground(
    *, actor: User, document: QualificationDocument, ground: str
) -> QualificationDocument:
    """Record the ground of a document revoked before grounds were asked (ADR 0114): once,
    for ФИС ФРДО's confirmation columns. An unknown ground: RevocationInvalid (422); a
    document not revoked or with its ground recorded: DocumentAlreadyRevoked (409).
    Organisation staff only. Audited as "document.revocation_ground"."""
    require_staff_of(actor, document.organisation)
    if ground not in RevocationGround.values:
        raise RevocationInvalid(
            errors={"ground": ["Выберите основание: утрата, обмен или уничтожение."]}
        )
    claimed = QualificationDocument.objects.filter(
        pk=document.pk, status=DocumentStatus.REVOKED, revocation_ground=""
    ).update(revocation_ground=ground, updated_at=timezone.now())
    if claimed != 1:
        raise DocumentAlreadyRevoked(
            "Основание можно указать только у аннулированного документа, и только один раз."
        )
    document.revocation_ground = ground
    record_audit(
        actor=actor,
        action="document.revocation_ground",
        target=document,
        changes={"ground": ground},
    )
    return document


@transaction.atomic
def configure_register(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    series: str,
    registration_prefix: str | None = None,
) -> DocumentRegister:
    """Set the series printed on the organisation's documents of `kind` (for diplomas, the
    series of the blanks in use) and, optionally, the prefix of registration numbers. The
    next number is never edited: numbering goes on without gaps (ADR 0106). Documents
    already issued keep their series. Organisation staff only. Audited as
    "document_register.configure"."""
    require_staff_of(actor, organisation)
    errors: dict[str, list[str]] = {}
    try:
        wanted = DocumentKind(kind)
    except ValueError:
        errors["kind"] = ["Выберите вид документа."]
    series = " ".join((series or "").upper().split())
    if len(series) > 20:
        errors.setdefault("series", []).append("Серия — не более 20 символов.")
    elif not set(series) <= _SERIES_CHARS:
        errors.setdefault("series", []).append(
            "Серия состоит из цифр, заглавных букв, пробелов и дефисов."
        )
    prefix = None if registration_prefix is None else registration_prefix.strip().upper()
    if prefix is not None and (len(prefix) > 10 or not set(prefix) <= _SERIES_CHARS - {" "}):
        errors.setdefault("registration_prefix", []).append(
            "Префикс — до 10 цифр, заглавных букв и дефисов."
        )
    if errors:
        raise RegisterInvalid(errors=errors)
    register = _locked_register(organisation, wanted)
    before = {"series": register.series, "registration_prefix": register.registration_prefix}
    register.series = series
    if prefix is not None:
        register.registration_prefix = prefix
    register.save(update_fields=["series", "registration_prefix", "updated_at"])
    record_audit(
        actor=actor,
        action="document_register.configure",
        target=register,
        changes={
            "before": before,
            "after": {
                "series": register.series,
                "registration_prefix": register.registration_prefix,
            },
        },
    )
    return register
