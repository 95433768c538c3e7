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

from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse

from nmo.accounts.models import User
from nmo.attestation import services as attestation_services
from nmo.attestation.exceptions import RecordNotSignable
from nmo.attestation.models import AttestationDocument
from nmo.attestation.selectors import required_signers
from nmo.codes.models import ConfirmationCode
from nmo.core.exceptions import DomainError
from nmo.cycles.models import CreditEntry, Cycle
from nmo.documents.models import QualificationDocument
from nmo.regulations.types import PresetCode

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
    Sample("отчёт-об-активности", None, activity_report),
    Sample("уведомление-о-кредитах", None, credit_notice),
    Sample("свидетельство-НМО", None, cme_certificate),
]
"""Every printed form, one line each (nmo/printing/README.md: «Samples of the forms»)."""
