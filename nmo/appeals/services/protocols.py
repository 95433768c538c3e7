"""The protocol of a hearing in the regulation's form (Appendix 3 НПЦ, npc-app3; Appendix 4
РостГМУ, rgmu-app4), signed by everyone present right after the hearing and then frozen
with its PDF's SHA-256 (npc-5.16), numbered per organisation and year and bound by year
into the archive book (npc-5.20); the application (Appendix 2 НПЦ, npc-app2; Appendix 3
РостГМУ) and the notice letter (npc-5.18) as PDFs."""

import hashlib
import io
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from nmo.accounts.models import User
from nmo.appeals.access import require_notice_poster, seat_on
from nmo.appeals.exceptions import AppealInvalid, AppealNotAllowed, ProtocolNotSignable
from nmo.appeals.models import (
    Appeal,
    AppealProtocol,
    AppealProtocolCounter,
    AppealProtocolSignature,
)
from nmo.appeals.printed import application_meta, book_meta, notice_meta, protocol_meta
from nmo.appeals.selectors import (
    appeal_documents,
    attendance_of,
    present_seats,
    rules_of_appeal,
    seats_of,
    votes_of,
)
from nmo.appeals.services._common import cite
from nmo.appeals.types import AppealResolution, AppealStatus, AppellantAttendance, ProtocolStatus
from nmo.core.exceptions import Conflict, PermissionDenied
from nmo.core.integrity import sha256_hex
from nmo.core.russian import at_unit, by_sex, full_name_in, person_from_full_name
from nmo.core.services import record_audit, report_tampering
from nmo.printing.office import setup_form_page, setup_form_styles
from nmo.printing.pdf import OFFICIAL_FORM, render_pdf_pages, render_print
from nmo.regulations.types import AppealDocument, Grade, VoteChoice

PRINT_DIR = Path(__file__).resolve().parents[1] / "templates" / "appeals" / "print"
STYLESHEET = (OFFICIAL_FORM, PRINT_DIR / "appeals.css")
YES, NO = "да", "нет"
ADDRESS_MIN = 10
ADDRESS_MAX = 500


def _next_number(organisation_id: int, year: int) -> int:
    counter, _ = AppealProtocolCounter.objects.get_or_create(
        organisation_id=organisation_id, year=year
    )
    counter = AppealProtocolCounter.objects.select_for_update().get(pk=counter.pk)
    number = counter.next_number
    counter.next_number = number + 1
    counter.save(update_fields=["next_number"])
    return number


def _grade(value: str) -> str:
    return Grade(value).label if value else ""


def application_content(appeal: Appeal) -> dict[str, Any]:
    """What the application says, in the Appendix 2 (НПЦ) / Appendix 3 (РостГМУ) form."""
    attestation = appeal.learner_result.attestation
    cohort = attestation.cohort
    unit = getattr(cohort, "unit", None)
    return {
        "addressed_to": appeal.addressed_to,
        "from": appeal.learner.full_name,
        # Declined with the stored sex, as «завершившего/завершившей» agrees with it.
        "from_genitive": full_name_in("gent", appeal.learner),
        "completed": by_sex(appeal.learner, "завершившего", "завершившей"),
        "programme": cohort.programme.title,
        "starts_on": f"{cohort.starts_on:%d.%m.%Y}",
        "ends_on": f"{cohort.ends_on:%d.%m.%Y}",
        "specialty": attestation.commission.specialty.name,
        "unit": unit.name if unit else "",
        "phone": appeal.phone,
        "postal_address": appeal.postal_address,
        "subject": appeal.subject_label,
        "text": appeal.text,
        "filed_on": f"{appeal.filed_on:%d.%m.%Y}",
        "proxy_name": appeal.proxy_name,
        "proxy_power_of_attorney": appeal.proxy_power_of_attorney,
    }


def _content(appeal: Appeal, number: int) -> dict[str, Any]:
    reg = rules_of_appeal(appeal)
    seats = seats_of(appeal.commission)
    attended = attendance_of(appeal)
    votes = votes_of(appeal)
    present = [s for s in seats if attended.get(s.pk)]
    considered = set(reg.appeal.documents_considered)
    kinds_here = {d.kind for d in appeal_documents(appeal)}
    documents = [
        {"title": str(kind.label), "submitted": kind.value in kinds_here}
        for kind in AppealDocument
        if kind in considered
    ]
    outcome = appeal.outcome
    grades = ", ".join(g.label for g in reg.appeal.result_grades)
    if appeal.hearing_on is None:
        raise AppealNotAllowed("Заседание апелляционной комиссии не назначено.")
    application = application_content(appeal)
    presiding = appeal.presiding_seat
    return {
        "organisation": appeal.organisation.name,
        "number": number,
        "held_on": f"{appeal.hearing_on:%d.%m.%Y}",
        "commission": str(appeal.commission),
        "present": [
            {
                "role": s.role_label,
                "name": s.person.full_name,
                "post": s.post,
                "vote": VoteChoice(votes[s.pk]).label if s.pk in votes else "",
                "presiding": presiding is not None and presiding.pk == s.pk,
            }
            for s in present
        ],
        "absent": [
            {"role": s.role_label, "name": s.person.full_name} for s in seats if s not in present
        ],
        "appellant": appeal.learner.full_name,
        "appellant_genitive": application["from_genitive"],
        "appellant_attendance": (
            AppellantAttendance(appeal.appellant_attendance).label
            if appeal.appellant_attendance
            else ""
        ),
        "proxy_name": appeal.proxy_name,
        "subject": appeal.subject_label,
        "programme": application["programme"],
        "specialty": application["specialty"],
        "starts_on": application["starts_on"],
        "ends_on": application["ends_on"],
        "unit": application["unit"],
        "documents": documents,
        "discussion": appeal.discussion,
        "claim": appeal.text,
        "decisions": [
            {
                "text": AppealResolution.REJECTED.label,
                "answer": YES if outcome == AppealResolution.REJECTED else NO,
            },
            {
                "text": f"удовлетворить апелляцию с результатом ({grades})",
                "answer": _grade(appeal.new_grade) if appeal.new_grade else NO,
            },
            {
                "text": AppealResolution.RETAKE.label,
                "answer": YES if outcome == AppealResolution.RETAKE else NO,
            },
        ],
        "decision": appeal.outcome_label,
        "previous_grade": _grade(appeal.previous_grade),
        "new_grade": _grade(appeal.new_grade),
        "retake_on": f"{appeal.retake_on:%d.%m.%Y}" if appeal.retake_on else "",
        "votes_for": sum(1 for v in votes.values() if v == VoteChoice.FOR),
        "votes_against": sum(1 for v in votes.values() if v == VoteChoice.AGAINST),
        "abstained": sum(1 for v in votes.values() if v == VoteChoice.ABSTAIN),
        "decision_note": appeal.decision_note,
        "signers": [
            {"role": s.role_label, "name": s.person.full_name, "signed_at": ""} for s in present
        ],
        "acquainted": by_sex(
            appeal.learner,
            "С решением апелляционной комиссии ознакомлен",
            "С решением апелляционной комиссии ознакомлена",
        ),
    }


@transaction.atomic
def draw_up_protocol(*, actor: User, appeal: Appeal) -> AppealProtocol:
    """Draw up the protocol of a decided hearing with the next number of the organisation
    in the hearing's year (a counter row locked FOR UPDATE), for everyone present to
    sign. Called by `decide_appeal`; audited with it."""
    if appeal.hearing_on is None:
        raise AppealNotAllowed("Заседание апелляционной комиссии не назначено.")
    existing = AppealProtocol.objects.filter(appeal=appeal).first()
    if existing is not None:
        raise Conflict("Протокол этого заседания уже составлен.", code="protocol_exists")
    year = appeal.hearing_on.year
    number = _next_number(appeal.organisation_id, year)
    return AppealProtocol.objects.create(
        appeal=appeal,
        organisation_id=appeal.organisation_id,
        year=year,
        number=number,
        held_on=appeal.hearing_on,
        content=_content(appeal, number),
    )


def _render(protocol: AppealProtocol, content: dict[str, Any], *, draft: bool) -> bytes:
    """The protocol's PDF from `content` (ADR 0029): a frozen one PDF/A-3b with its archive
    number and signing marks in the metadata and on the verification line at the foot of
    each page, never in the form's body; a draft plain, its foot line saying «ПРОЕКТ»."""
    return render_print(
        "appeals/print/protocol.html",
        {"doc": content, "draft": draft},
        stylesheet=STYLESHEET,
        meta=protocol_meta(protocol, content, draft=draft),
    )


def _freeze(actor: User, protocol: AppealProtocol) -> None:
    signed = {
        s.seat_id: s
        for s in AppealProtocolSignature.objects.filter(protocol=protocol).select_related(
            "seat__person"
        )
    }
    content = dict(protocol.content)
    content["signers"] = [
        {
            "role": s.seat.role_label,
            "name": s.seat.person.full_name,
            "signed_at": timezone.localtime(s.signed_at).strftime("%d.%m.%Y %H:%M"),
        }
        for s in sorted(signed.values(), key=lambda s: s.signed_at)
    ]
    pdf = _render(protocol, content, draft=False)
    protocol.content = content
    protocol.pdf = pdf
    protocol.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    protocol.status = ProtocolStatus.FROZEN
    protocol.frozen_at = timezone.now()
    protocol.save(
        update_fields=["content", "pdf", "pdf_sha256", "status", "frozen_at", "updated_at"]
    )
    record_audit(
        actor=actor,
        action="appeal.protocol.freeze",
        target=protocol,
        changes={"number": protocol.number, "year": protocol.year, "sha256": protocol.pdf_sha256},
    )


@transaction.atomic
def sign_protocol(*, actor: User, protocol: AppealProtocol) -> AppealProtocol:
    """Sign the protocol in the system as one of the participants of the hearing: the
    chair (or the deputy chair presiding), each member present and the secretary
    (npc-5.16: signed by all participants right after the hearing). When the last one has
    signed, the protocol is frozen: its PDF stored with the SHA-256 and never changed.
    Audited as "appeal.protocol.sign" (and "appeal.protocol.freeze")."""
    protocol = AppealProtocol.objects.select_for_update().get(pk=protocol.pk)
    appeal = Appeal.objects.select_related("commission").get(pk=protocol.appeal_id)
    seat = seat_on(actor, appeal.commission_id)
    if seat is None:
        raise PermissionDenied(
            "Протокол подписывают участники заседания: председатель, члены и секретарь "
            "апелляционной комиссии."
        )
    if protocol.is_frozen:
        raise ProtocolNotSignable("Протокол уже подписан всеми и сдан в архив.")
    present = {s.pk for s in present_seats(appeal)}
    if seat.pk not in present:
        raise ProtocolNotSignable(
            "Протокол подписывают участники заседания: вы не присутствовали на нём."
        )
    if AppealProtocolSignature.objects.filter(protocol=protocol, seat=seat).exists():
        raise ProtocolNotSignable("Вы уже подписали протокол.", code="already_signed")
    AppealProtocolSignature.objects.create(
        protocol=protocol, seat=seat, signed_by=actor, signed_at=timezone.now()
    )
    if protocol.status == ProtocolStatus.DRAFT:
        protocol.status = ProtocolStatus.SIGNING
        protocol.save(update_fields=["status", "updated_at"])
    record_audit(
        actor=actor,
        action="appeal.protocol.sign",
        target=protocol,
        changes={"appeal_seat": seat.pk, "role": seat.role},
    )
    signed = set(
        AppealProtocolSignature.objects.filter(protocol=protocol).values_list("seat_id", flat=True)
    )
    if present <= signed:
        _freeze(actor, protocol)
    return protocol


def render_protocol_pdf(protocol: AppealProtocol) -> bytes:
    """Return the protocol's PDF: the stored file once frozen, after checking it against
    its SHA-256 (Conflict `protocol_tampered` when it differs), else a marked draft."""
    if protocol.is_frozen and protocol.pdf is not None:
        content = bytes(protocol.pdf)
        if sha256_hex(content) != protocol.pdf_sha256:
            report_tampering(
                target=protocol,
                bytes_changed=True,
                changes={"stored_sha256": protocol.pdf_sha256},
            )
            raise Conflict(
                "Файл протокола не совпадает с подписанным: обратитесь к администратору.",
                code="protocol_tampered",
            )
        return content
    return _render(protocol, protocol.content, draft=True)


def _appellant_genitive(doc: dict[str, Any]) -> str:
    """The appellant's name in the genitive as the protocol stored it (with the stored
    sex); a protocol drawn up before it was stored declines the name as written."""
    stored = doc.get("appellant_genitive")
    if stored:
        return str(stored)
    return full_name_in("gent", person_from_full_name(doc["appellant"]))


def render_protocol_docx(protocol: AppealProtocol) -> bytes:
    """Return the protocol as an editable DOCX in the form of the appendix, on A4."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = protocol.content
    document = Document()
    # A4 with the archive form's margins and Times New Roman 12 pt (ADR 0029): python-docx's
    # blank document is US Letter.
    setup_form_page(document)
    setup_form_styles(document)

    def centre(text: str, *, bold: bool = False) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = bold

    centre(f"Протокол № {doc['number']}", bold=True)
    centre(f"заседания апелляционной комиссии от {doc['held_on']}")
    document.add_paragraph(doc["organisation"])
    document.add_paragraph("Присутствовали:")
    for person in doc["present"]:
        document.add_paragraph(f"{person['role'].capitalize()} — {person['name']}")
    document.add_paragraph("Повестка заседания:")
    document.add_paragraph(
        # As the PDF words it: the appellant in the genitive, the unit inside the phrase.
        f"Рассмотрение апелляции {doc['subject']} после завершения обучения "
        f"{_appellant_genitive(doc)} на цикле по "
        f"специальности «{doc['specialty']}»"
        + (f" «{doc['programme']}»" if doc["programme"] != doc["specialty"] else "")
        + f" с {doc['starts_on']} по {doc['ends_on']}"
        + (f", {at_unit(doc['unit'])}" if doc.get("unit") else "")
        + "."
    )
    document.add_paragraph("В апелляционную комиссию представлены:")
    for index, item in enumerate(doc["documents"], start=1):
        mark = "представлен" if item["submitted"] else "не представлен"
        document.add_paragraph(f"{index}. {item['title']} — {mark}")
    document.add_paragraph(f"Содержание обсуждения: {doc['discussion']}")
    document.add_paragraph("Решение апелляционной комиссии:")
    for item in doc["decisions"]:
        document.add_paragraph(f"— {item['text']}: {item['answer']}")
    document.add_paragraph(
        f"Голосование: за — {doc['votes_for']}, против — {doc['votes_against']}, "
        f"воздержались — {doc['abstained']}. {doc['decision_note']}"
    )
    # Who signed in the system and when is in the frozen PDF's metadata and foot line
    # (ADR 0029), not in the form's body.
    for signer in doc["signers"]:
        document.add_paragraph(f"{signer['role'].capitalize()} ________ / {signer['name']}")
    document.add_paragraph(f"{doc['acquainted']} ________ / {doc['appellant']}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_book_pdf(protocols: list[AppealProtocol]) -> bytes:
    """Return one PDF binding the year's frozen protocols in number order (npc-5.20):
    each rendered from its frozen content, the same text its stored file holds, with its
    own verification line at the foot of its pages; the book is kept in the archive
    (PDF/A-3b, its title, year and protocol numbers in the metadata)."""
    if not protocols:
        return b""
    organisations = dict.fromkeys(str(p.content.get("organisation", "")) for p in protocols)
    return render_pdf_pages(
        "appeals/print/protocol.html",
        [{"doc": p.content, "draft": False} for p in protocols],
        stylesheet=STYLESHEET,
        meta=book_meta("; ".join(o for o in organisations if o), protocols[0].year, protocols),
        footers=[protocol_meta(p, p.content, draft=False).footer for p in protocols],
    )


def render_application_pdf(appeal: Appeal) -> bytes:
    """Return the application in the regulation's form (npc-app2; rgmu App. 3)."""
    content = application_content(appeal)
    return render_print(
        "appeals/print/application.html",
        {"doc": content},
        stylesheet=STYLESHEET,
        meta=application_meta(appeal, content),
    )


def _no_address(appeal: Appeal) -> AppealNotAllowed:
    return AppealNotAllowed(
        "Не указан почтовый адрес заявителя: уведомление о решении апелляционной комиссии "
        f"направляется почтой{cite(appeal.regulation_version, 'appeal.notice_channel')}. "
        "Укажите адрес в списке уведомлений к отправке, затем подготовьте письмо.",
        code="notice_no_address",
    )


@transaction.atomic
def set_notice_address(*, actor: User, appeal: Appeal, postal_address: str) -> Appeal:
    """Record or correct the appellant's postal address the notice letter goes to
    (npc-5.18, rgmu-5.18), until the posting is recorded. Whoever may post the notice:
    the study department or the commission's secretary (npc-5.9, `require_notice_poster`).
    Audited as "appeal.address" with the address before and after."""
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=appeal.pk)
    )
    require_notice_poster(actor, appeal)
    if appeal.status == AppealStatus.WITHDRAWN:
        raise AppealNotAllowed("Апелляция отозвана: уведомление не направляется.")
    if appeal.notice_posted_on is not None:
        raise AppealNotAllowed(
            f"Уведомление уже отправлено {appeal.notice_posted_on:%d.%m.%Y}.", code="notice_posted"
        )
    address = " ".join(postal_address.split())
    if not ADDRESS_MIN <= len(address) <= ADDRESS_MAX:
        raise AppealInvalid(
            errors={
                "postal_address": [
                    f"Укажите почтовый адрес с индексом: от {ADDRESS_MIN} до {ADDRESS_MAX} "
                    "символов."
                ]
            }
        )
    before = appeal.postal_address
    appeal.postal_address = address
    appeal.save(update_fields=["postal_address", "updated_at"])
    record_audit(
        actor=actor,
        action="appeal.address",
        target=appeal,
        changes={"before": before, "after": address},
    )
    return appeal


def render_notice_pdf(appeal: Appeal) -> bytes:
    """Return the notice letter of the decision to post to the appellant, with the
    address (npc-5.18, rgmu-5.18). Without a postal address the letter is refused
    (AppealNotAllowed `notice_no_address`, saying where to give it)."""
    protocol = AppealProtocol.objects.filter(appeal=appeal).first()
    if appeal.hearing_on is None:
        raise AppealNotAllowed("Заседание апелляционной комиссии не назначено.")
    if not appeal.postal_address.strip():
        raise _no_address(appeal)
    organisation = appeal.organisation.name
    return render_print(
        "appeals/print/notice.html",
        {
            "appeal": appeal,
            "organisation": organisation,
            "protocol": protocol,
            "due": appeal.notice_due_on,
        },
        stylesheet=STYLESHEET,
        meta=notice_meta(appeal, organisation, protocol),
    )
