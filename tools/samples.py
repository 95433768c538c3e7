"""One sample of every printed form, rendered from the demo data (issue 12, point 8):
`tools/render_samples.py` loads the demo into a throwaway database, calls each entry of
`SAMPLES` and turns every PDF into PNG pages under `reports/forms/` for a person to look at.

Every file is fetched as a person downloads it — through the page's URL with the Django test
client, signed in as someone entitled to it — so the samples are the real files, named and
described as in production. Records still being signed in the demo are signed by the
remaining signatories first (in the throwaway database), so the frozen PDF/A with its
verification line is what is shown.

To add a form, append one line to `SAMPLES`, e.g.
    Sample("протокол-заседания", PresetCode.NPC_DZM, record("meeting_protocol")),
with a helper below (or a new one returning the file's bytes and extension).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nmo.accounts.models import User
from nmo.attestation import services as attestation_services
from nmo.attestation.exceptions import RecordNotSignable
from nmo.attestation.models import AttestationDocument
from nmo.attestation.selectors import required_signers
from nmo.codes.models import ConfirmationCode
from nmo.core.exceptions import DomainError
from nmo.cycles.models import CreditEntry, Cycle
from nmo.documents.models import QualificationDocument
from nmo.regulations.types import Post, PresetCode

Render = Callable[[PresetCode], tuple[bytes, str]]


@dataclass(frozen=True)
class Sample:
    """A form to render: `slug` names its files (`<preset>-<slug>.pdf`, `…-1.png`),
    `preset` the organisation's preset whose data it uses (None: a form of no preset)."""

    slug: str
    preset: PresetCode | None
    render: Render


def _get(user: User, url: str) -> tuple[bytes, str]:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    extension = "docx" if "wordprocessingml" in response["Content-Type"] else "pdf"
    return response.content, extension


def _records(preset: PresetCode, kind: str) -> list[AttestationDocument]:
    found = []
    for record in (
        AttestationDocument.objects.filter(kind=kind, superseded_by__isnull=True)
        .select_related("attestation__regulation_version__regulation")
        .order_by("pk")
    ):
        if record.attestation.regulation_version.regulation.preset_code == preset:
            found.append(record)
    return found


def _sign_remaining(record: AttestationDocument) -> AttestationDocument:
    for signer in required_signers(record.attestation):
        if record.is_frozen:
            break
        try:
            attestation_services.sign_record(actor=signer.seat.person, record=record)
        except RecordNotSignable:
            continue
        record.refresh_from_db()
    return record


def record(kind: str, *, docx: bool = False, signed: bool = True) -> Render:
    """The first record of `kind` of the preset's demo attestation, signed by everyone
    (frozen: PDF/A with its verification line) unless `signed` is False; `docx` for the
    editable form."""

    def render(preset: PresetCode) -> tuple[bytes, str]:
        records = _records(preset, kind)
        if not records:
            raise LookupError(f"no {kind} in the demo of {preset}")
        if signed:
            found = records[0]
            if not docx:
                found = _sign_remaining(found)
        else:
            # A draft: the last record nobody has finished signing (the first is signed
            # for the frozen sample).
            drafts = [r for r in records if not r.is_frozen]
            if not drafts:
                raise LookupError(f"every {kind} of {preset} is signed in the demo")
            found = drafts[-1]
        chair = required_signers(found.attestation)[0].seat.person
        suffix = "docx/" if docx else "pdf/"
        return _get(chair, found.get_absolute_url() + suffix)

    return render


def qualification_document(kind: str) -> Render:
    """The first issued document of `kind` at the preset's organisation, as its holder
    downloads it."""

    def render(preset: PresetCode) -> tuple[bytes, str]:
        for document in QualificationDocument.objects.filter(kind=kind, status="issued").order_by(
            "pk"
        ):
            if document.enrolment is None:
                continue
            cohort = document.enrolment.cohort
            if cohort.regulation_version.regulation.preset_code == preset:
                url = reverse("documents:document_pdf", args=[document.pk])
                return _get(document.enrolment.learner, url)
        raise LookupError(f"no {kind} in the demo of {preset}")

    return render


def training_record(preset: PresetCode) -> tuple[bytes, str]:
    """A справка об обучении issued (in the throwaway database) to the first learner of the
    preset's demo who may get one."""
    from nmo.documents.services import issue_training_record
    from nmo.programmes.models import Enrolment

    for enrolment in Enrolment.objects.select_related(
        "cohort__regulation_version__regulation"
    ).order_by("pk"):
        if enrolment.cohort.regulation_version.regulation.preset_code != preset:
            continue
        staff = enrolment.cohort.created_by
        if staff is None:
            continue
        try:
            document = issue_training_record(
                actor=staff, enrolment=enrolment, issued_on=enrolment.cohort.ends_on
            )
        except DomainError:
            continue
        return _get(enrolment.learner, reverse("documents:document_pdf", args=[document.pk]))
    raise LookupError(f"no learner of {preset} may get a training record")


def activity_report(_preset: PresetCode | None) -> tuple[bytes, str]:
    """The demo cardiologist's activity report for the cycle with the most entries."""
    cycles = sorted(
        Cycle.objects.all(),
        key=lambda c: -CreditEntry.objects.filter(specialist=c.specialist).count(),
    )
    if not cycles:
        raise LookupError("no cycle in the demo")
    cycle = cycles[0]
    return _get(cycle.specialist, reverse("cycles:cycle_report", args=[cycle.pk]))


def credit_notice(_preset: PresetCode | None) -> tuple[bytes, str]:
    entry = CreditEntry.objects.order_by("pk").first()
    if entry is None:
        raise LookupError("no ledger entry in the demo")
    return _get(entry.specialist, reverse("cycles:entry_notice", args=[entry.pk]))


def cme_certificate(_preset: PresetCode | None) -> tuple[bytes, str]:
    """A participant's certificate (свидетельство НМО), as the provider downloads it."""
    code = (
        ConfirmationCode.objects.filter(participant__isnull=False)
        .select_related("activity__provider")
        .order_by("pk")
        .first()
    )
    if code is None:
        raise LookupError("no activated code in the demo")
    staff = User.objects.filter(email="provider@nmo.local").first()
    if staff is None:
        raise LookupError("no provider account in the demo")
    url = reverse("codes:certificate_pdf", args=[code.activity_id, code.pk])
    return _get(staff, url)


# --- forms the demo does not reach: made in the throwaway database -------------------------


def _decided_attestation(preset: PresetCode):  # type: ignore[no-untyped-def]
    """The preset's demo attestation the commission decided today."""
    kind = "attestation_statement" if preset == PresetCode.NPC_DZM else "commission_report"
    records = _records(preset, kind)
    if not records:
        raise LookupError(f"no decided attestation in the demo of {preset}")
    return records[0].attestation


def _seat_people(commission) -> dict[str, list[User]]:  # type: ignore[no-untyped-def]
    from nmo.attestation.selectors import active_seats

    people: dict[str, list[User]] = {}
    for seat in active_seats(commission):
        people.setdefault(seat.role, []).append(seat.person)
    return people


TESTED_BY_SAMPLE = 8
"""Right answers of the sample's attempt, of the 10 questions of its ticket."""


@functools.cache
def _qualification_upgrade(preset: PresetCode) -> tuple[int, int]:
    """A qualification-upgrade cohort of the preset's demo organisation (РостГМУ's
    «Функциональная диагностика в кардиологии»), its attestation held today by the demo's
    commission: the first learner takes the online test (10 questions, 8 right, submitted),
    the others' results are typed into the sheet, the commission votes and decides, and
    everyone signs the ведомость. Returns the attestation's and the attempt's ids."""
    from nmo.attestation import selectors as attestation_selectors
    from nmo.attestation.types import AttestationData, Place, StageEntry, VoteTally
    from nmo.demo.organisations import _complete, _rows
    from nmo.demo.people import person, snils
    from nmo.programmes.models import Programme
    from nmo.programmes.selectors import list_enrolments, list_stages
    from nmo.programmes.services import (
        create_cohort,
        decide_admission,
        import_assessment_bank,
        import_learners,
    )
    from nmo.programmes.tests.factories import bank_file
    from nmo.programmes.types import CohortData
    from nmo.regulations.types import AttestationPlace, CommissionRole, StageKind, VoteChoice
    from nmo.testing import selectors as testing_selectors
    from nmo.testing import services as testing_services
    from nmo.testing.tests.factories import bank_rows
    from nmo.testing.types import TestFormData

    base = _decided_attestation(preset)
    organisation = base.cohort.programme.organisation
    staff = base.cohort.created_by
    today = base.held_on
    programme = (
        Programme.objects.filter(organisation=organisation, kind="qualification_upgrade")
        .order_by("pk")
        .first()
    )
    if programme is None:
        raise LookupError(f"no qualification-upgrade programme in the demo of {preset}")
    cohort = create_cohort(
        actor=staff,
        programme=programme,
        data=CohortData(
            title=f"{programme.title}: группа {today:%m}-{today.year % 100}/1",
            starts_on=today - timedelta(weeks=1),
            ends_on=today,
            attestation_date=today,
            place=AttestationPlace.ORGANISATION,
            address=base.address,
            study_form="part_time",
        ),
    )
    rows = [(person(90 + i), f"pk-sample-{i}@nmo.local", snils(90 + i)) for i in range(4)]
    import_learners(actor=staff, cohort=cohort, learners=_rows(rows))
    enrolments = list(list_enrolments(cohort))
    _complete(staff, enrolments)
    decide_admission(actor=staff, cohort=cohort, attempt=1)
    attestation = attestation_services.schedule_attestation(
        actor=staff,
        cohort=cohort,
        data=AttestationData(
            commission_id=base.commission_id,
            held_on=today,
            place=Place.ORGANISATION,
            address=base.address,
        ),
    )
    # The online test of the first learner: its individual protocol is a sample too.
    import_assessment_bank(
        actor=staff, programme=programme, file_name="ФОС.xlsx", content=bank_file(bank_rows())
    )
    stages = list(list_stages(programme))
    testing = next(s for s in stages if s.kind == StageKind.TESTING)
    testing_services.define_test_form(
        actor=staff,
        stage=testing,
        data=TestFormData(question_count=10, time_limit_minutes=30, attempts_allowed=1),
    )
    now = timezone.localtime()
    opens_at = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0, second=1))
    session = testing_services.open_test_session(
        actor=staff,
        attestation=attestation,
        opens_at=opens_at,
        closes_at=opens_at + timedelta(hours=2),
    )
    learner = enrolments[0].learner
    attempt, _ = testing_services.start_attempt(actor=learner, session=session)
    for index, question in enumerate(testing_selectors.ticket_of(attempt)):
        right = [o["id"] for o in question["options"] if o["correct"]]
        wrong = [next(o["id"] for o in question["options"] if not o["correct"])]
        testing_services.save_answer(
            actor=learner,
            attempt_id=attempt.pk,
            question_id=question["id"],
            options=right if index < TESTED_BY_SAMPLE else wrong,
        )
    testing_services.submit_attempt(actor=learner, attempt_id=attempt.pk)

    people = _seat_people(attestation.commission)
    secretary = people[CommissionRole.SECRETARY][0]
    chair = people[CommissionRole.CHAIR][0]
    attestation_services.record_member_attendance(
        actor=secretary,
        attestation=attestation,
        present_seat_ids=[s.pk for s in attestation_selectors.active_seats(attestation.commission)],
    )
    results = [
        r
        for r in attestation_selectors.list_learner_results(attestation)
        if r.enrolment.learner_id != learner.pk
    ]
    percents = [Decimal(92), Decimal(64), Decimal(48)]
    entries = [
        StageEntry(result.pk, stage.pk, percent=percents[i % len(percents)])
        for i, result in enumerate(results)
        for stage in stages
    ]
    attestation_services.record_results_sheet(
        actor=secretary, attestation=attestation, attendance={}, entries=entries
    )
    voting = sum(len(v) for k, v in people.items() if k != CommissionRole.SECRETARY)
    attestation_services.record_votes(
        actor=secretary,
        attestation=attestation,
        tally=VoteTally(
            votes_for=voting, votes_against=0, abstained=0, presiding_vote=VoteChoice.FOR
        ),
    )
    attestation_services.decide_attestation(actor=chair, attestation=attestation)
    return attestation.pk, attempt.pk


def qualification_upgrade_statement(preset: PresetCode) -> tuple[bytes, str]:
    """РостГМУ's ведомость of a qualification-upgrade cohort (rgmu-4.8, Appendix 4 item 2),
    signed by everyone (frozen PDF/A), as the chair downloads it."""
    attestation_id, _ = _qualification_upgrade(preset)
    record = AttestationDocument.objects.get(
        attestation_id=attestation_id, kind="attestation_statement", superseded_by__isnull=True
    )
    record = _sign_remaining(record)
    chair = required_signers(record.attestation)[0].seat.person
    return _get(chair, record.get_absolute_url() + "pdf/")


def attempt_protocol(preset: PresetCode) -> tuple[bytes, str]:
    """The testing system's individual protocol of an attempt (rgmu-app4), as the
    commission's chair downloads it."""
    from nmo.testing.models import Attempt

    _, attempt_id = _qualification_upgrade(preset)
    attempt = Attempt.objects.get(pk=attempt_id)
    chair = required_signers(attempt.session.attestation)[0].seat.person
    return _get(chair, reverse("testing:attempt_protocol", args=[attempt_id]))


APPEAL_COMMISSION = (
    (
        "CHAIR",
        "Апелляционная",
        "Вера",
        "Павловна",
        "Заместитель директора по учебной работе",
        Post.ACADEMIC_STAFF,
    ),
    ("DEPUTY_CHAIR", "Заместителева", "Ирина", "Олеговна", "Доцент", Post.ACADEMIC_STAFF),
    ("MEMBER", "Шевчук", "Антон", "Ильич", "Доцент кафедры", Post.TEACHING_STAFF),
    ("MEMBER", "Кириллова", "Дарья", "Юрьевна", "Профессор кафедры", Post.TEACHING_STAFF),
    (
        "SECRETARY",
        "Ли",
        "Олег",
        "Петрович",
        "Методист учебного отдела",
        Post.STUDY_DEPARTMENT_STAFF,
    ),
)
"""The appeal commission of the samples: the organisation's staff who sit on no
attestation commission, appointed from the posts the regulation names (ADR 0402)."""


@functools.cache
def _appeal(preset: PresetCode) -> int:
    """The appeal of the learner who failed the preset's demo attestation, filed in the
    cabinet today, heard today by the appeal commission (НПЦ: the standing one by the
    director's order; РостГМУ: one formed by the rector's order for this appeal), decided
    (НПЦ: rejected; РостГМУ: satisfied with «хорошо»), and its protocol signed by everyone
    present. Returns the appeal's id."""
    from nmo.accounts.models import Membership, Role
    from nmo.appeals import services as appeal_services
    from nmo.appeals.models import AppealProtocol
    from nmo.appeals.types import AppealCommissionData, AppealFiling, AppealSeatData
    from nmo.attestation.selectors import list_learner_results
    from nmo.regulations.types import CommissionRole

    attestation = _decided_attestation(preset)
    organisation = attestation.cohort.programme.organisation
    staff = attestation.cohort.created_by
    today = attestation.held_on
    failed = next(
        r
        for r in list_learner_results(attestation)
        if r.outcome == "failed" and r.enrolment.learner.has_usable_password()
    )
    learner = failed.enrolment.learner
    appeal = appeal_services.file_appeal(
        actor=learner,
        learner_result=failed,
        filing=AppealFiling(
            subject="grade",
            text=(
                "Не согласен с оценкой за тестирование: ответы на вопросы 4 и 7 засчитаны "
                "неверно, прошу пересмотреть результат."
            ),
            phone="+7 900 123-45-67",
            postal_address=(
                "123001, г. Москва, ул. Садовая-Кудринская, д. 5, кв. 12"
                if preset == PresetCode.NPC_DZM
                else "344022, г. Ростов-на-Дону, пер. Нахичеванский, д. 29, кв. 1"
            ),
        ),
    )
    seats = []
    for n, (role, last, first, middle, post, kind) in enumerate(APPEAL_COMMISSION):
        user = User.objects.create_user(
            email=f"appeal-{preset.value}-{n}@nmo.local",
            last_name=last,
            first_name=first,
            middle_name=middle,
        )
        Membership.objects.create(user=user, role=Role.COMMISSION_MEMBER, organisation=organisation)
        seats.append(AppealSeatData(user.pk, CommissionRole[role], post, kind))
    if preset == PresetCode.NPC_DZM:
        commission = appeal_services.form_appeal_commission(
            actor=staff,
            organisation=organisation,
            data=AppealCommissionData(
                order_number="15-о", order_date=today - timedelta(days=30), seats=tuple(seats)
            ),
        )
        appeal_services.assign_appeal_commission(actor=staff, appeal=appeal, commission=commission)
    else:
        appeal_services.form_appeal_commission(
            actor=staff,
            organisation=organisation,
            data=AppealCommissionData(order_number="2041", order_date=today, seats=tuple(seats)),
            appeal=appeal,
        )
    appeal.refresh_from_db()
    appeal_services.schedule_hearing(
        actor=staff, appeal=appeal, hearing_on=today, place=attestation.address
    )
    present = list(appeal.commission.seats.all())
    appeal = appeal_services.record_hearing(
        actor=staff,
        appeal=appeal,
        present_seat_ids=[s.pk for s in present],
        appellant_attendance="appellant",
        discussion=(
            "Комиссия проверила индивидуальный протокол тестирования и ведомость, заслушала "
            "заявителя; ответы на вопросы 4 и 7 оценены верно."
        ),
    )
    votes = {s.pk: "for" for s in present if s.role != CommissionRole.SECRETARY}
    if preset == PresetCode.NPC_DZM:
        appeal = appeal_services.decide_appeal(
            actor=staff, appeal=appeal, resolution="rejected", votes=votes
        )
    else:
        appeal = appeal_services.decide_appeal(
            actor=staff, appeal=appeal, resolution="new_result", votes=votes, new_grade="good"
        )
    protocol = AppealProtocol.objects.get(appeal=appeal)
    for seat in present:
        protocol = appeal_services.sign_protocol(actor=seat.person, protocol=protocol)
    return appeal.pk


def appeal_file(name: str) -> Render:
    """A file of the preset's sample appeal (`protocol_pdf`, `protocol_docx`, `notice_pdf`,
    `application_pdf`), as the commission's chair, the study department or the learner
    downloads it."""

    def render(preset: PresetCode) -> tuple[bytes, str]:
        from nmo.appeals.models import Appeal

        appeal = Appeal.objects.select_related("commission").get(pk=_appeal(preset))
        if name == "application_pdf":
            who = appeal.learner
        elif name == "notice_pdf":
            who = appeal.learner_result.attestation.cohort.created_by
        else:
            who = appeal.commission.seats.order_by("pk").first().person
        return _get(who, reverse(f"appeals:{name}", args=[appeal.pk]))

    return render


def appeal_book(preset: PresetCode) -> tuple[bytes, str]:
    """The year's book of the preset's signed appeal protocols (npc-5.20), as the study
    department downloads it."""
    from nmo.appeals.models import Appeal

    appeal = Appeal.objects.get(pk=_appeal(preset))
    staff = appeal.learner_result.attestation.cohort.created_by
    return _get(staff, reverse("appeals:book_pdf", args=[appeal.hearing_on.year]))


NPC = PresetCode.NPC_DZM
RGMU = PresetCode.ROSTGMU

SAMPLES: list[Sample] = [
    Sample("ведомость-ИА", NPC, record("attestation_statement")),
    Sample("ведомость-ИА", NPC, record("attestation_statement", docx=True)),
    Sample("протокол-заседания", NPC, record("meeting_protocol")),
    Sample("протокол-заседания", NPC, record("meeting_protocol", docx=True)),
    Sample("протокол-ИА", RGMU, record("retraining_protocol")),
    Sample("протокол-ИА-проект", RGMU, record("retraining_protocol", signed=False)),
    Sample("протокол-ИА", RGMU, record("retraining_protocol", docx=True)),
    Sample("отчёт-комиссии", RGMU, record("commission_report")),
    Sample("отчёт-комиссии", RGMU, record("commission_report", docx=True)),
    Sample("удостоверение-ПК", NPC, qualification_document("qualification_certificate")),
    Sample("диплом-ПП", RGMU, qualification_document("retraining_diploma")),
    Sample("справка-об-обучении", NPC, training_record),
    Sample("справка-об-обучении", RGMU, training_record),
    Sample("ведомость-ИА-ПК", RGMU, qualification_upgrade_statement),
    Sample("протокол-тестирования", RGMU, attempt_protocol),
    Sample("протокол-апелляционной-комиссии", NPC, appeal_file("protocol_pdf")),
    Sample("протокол-апелляционной-комиссии", RGMU, appeal_file("protocol_pdf")),
    Sample("протокол-апелляционной-комиссии", RGMU, appeal_file("protocol_docx")),
    Sample("книга-протоколов-апелляционной-комиссии", RGMU, appeal_book),
    Sample("уведомление-о-решении-апелляции", NPC, appeal_file("notice_pdf")),
    Sample("заявление-об-апелляции", NPC, appeal_file("application_pdf")),
    Sample("заявление-об-апелляции", RGMU, appeal_file("application_pdf")),
    Sample("отчёт-об-активности", None, activity_report),
    Sample("уведомление-о-кредитах", None, credit_notice),
    Sample("свидетельство-НМО", None, cme_certificate),
]
"""Every printed form, one line each (nmo/printing/README.md: «Samples of the forms»)."""
