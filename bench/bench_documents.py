"""Benchmark: the documents of a cohort's final attestation — the statement, the
retraining protocols, the commission's report and the qualification certificates — for
cohorts of 500 learners, against a floor measured in the same run.

Set-up (not timed), in a fresh SQLite database of its own (a temporary file, migrated):

- НПЦ (preset npc): a qualification-upgrade cohort of N learners with a decided
  attestation. `draw_up_records` draws up its statement (one record, N rows); the N
  certificates are the `QualificationDocument`s `issue_document` would build for the
  learners who passed (the same fields, each with its own verification token, so N
  different QR codes), left unsaved: `issue_document` renders before it inserts.
- РостГМУ (preset rgmu): a retraining cohort of N learners with a decided attestation.
  `draw_up_records` draws up N retraining protocols and the commission's report.

Both cohorts start from the attestation tests' factories (three learners through the
services: enrolment, admission, schedule, attendance, grades, votes, decision); the other
N − 3 learners are copied in with `bulk_create` (users, enrolments, admissions, results,
stage results) with the same grades and decision.

Measured: every document rendered to PDF through the real functions — the statement,
protocols and report with `nmo.attestation.services.records.render_record_pdf` (the
draft PDF of the document pages), the certificates with
`nmo.documents.printing.render_document_pdf` (what `issue_document` calls). 1 + 1 + N + N
documents. The floor: the same number of one-page plain-text PDFs made with WeasyPrint
plainly (`HTML(string="<p>…</p>").write_pdf()`), each the words of the matching document
(its HTML without markup, cut to 250 words so it fits one page). Measured and floor run
in this process, interleaved in blocks of 50, so that a busy machine slows both alike.
Target: documents/s ≥ 0.5 × floor documents/s. Pages/s is printed for information.

    .venv/bin/python bench/bench_documents.py [N]      # or BENCH_LEARNERS=N; default 500

Exit status 1 if a PDF is malformed, a certificate or a floor page is not one page, the
statement does not list N learners, or (with BENCH_STRICT=1) the target is missed.
BENCH_KEEP_DB=1 keeps the SQLite file.
"""

import io
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DB_DIR = tempfile.mkdtemp(prefix="nmo_bench_documents_")
os.environ["DATABASE_URL"] = f"sqlite:///{DB_DIR}/bench.sqlite3"
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DJANGO_DEBUG"] = "false"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("LOG_LEVEL", "WARNING")

N = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_LEARNERS", "500"))
BLOCK = 50
TARGET = 0.5
FLOOR_WORDS = 250

SURNAMES = [
    "Иванова",
    "Петров",
    "Смирнова",
    "Кузнецов",
    "Соколова",
    "Попов",
    "Лебедева",
    "Новиков",
    "Морозова",
    "Волков",
]
NAMES = [
    ("Мария", "Петровна"),
    ("Игорь", "Викторович"),
    ("Анна", "Сергеевна"),
    ("Олег", "Николаевич"),
    ("Елена", "Андреевна"),
]


def grow_cohort(setup, n: int) -> None:  # type: ignore[no-untyped-def]
    """Copy the first decided learner of `setup` until the cohort has n learners."""
    from django.contrib.auth.hashers import make_password

    from nmo.accounts.models import User
    from nmo.attestation.models import LearnerResult, StageResult
    from nmo.attestation.tests.factories import snils_number
    from nmo.programmes.models import Admission, Enrolment

    def clone(obj, **changes):  # type: ignore[no-untyped-def]
        copy = type(obj)(
            **{
                f.attname: getattr(obj, f.attname)
                for f in obj._meta.concrete_fields
                if not f.primary_key
            }
        )
        for name, value in changes.items():
            setattr(copy, name, value)
        return copy

    result = setup.results()[0]
    enrolment = result.enrolment
    admissions = list(Admission.objects.filter(enrolment=enrolment))
    stage_results = list(StageResult.objects.filter(learner_result=result))
    extra = n - len(setup.enrolments)
    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench-{setup.org.preset}-{i}@example.ru",
                password=unusable,
                last_name=SURNAMES[i % len(SURNAMES)],
                first_name=NAMES[i % len(NAMES)][0],
                middle_name=NAMES[i % len(NAMES)][1],
                snils=snils_number(),
            )
            for i in range(extra)
        ]
    )
    enrolments = Enrolment.objects.bulk_create([clone(enrolment, learner_id=u.pk) for u in users])
    Admission.objects.bulk_create(
        [clone(a, enrolment_id=e.pk) for e in enrolments for a in admissions]
    )
    results = LearnerResult.objects.bulk_create(
        [clone(result, enrolment_id=e.pk) for e in enrolments]
    )
    StageResult.objects.bulk_create(
        [clone(s, learner_result_id=r.pk) for r in results for s in stage_results]
    )


def build_documents(n: int):  # type: ignore[no-untyped-def]
    """The two decided cohorts; return (statement, report, protocols, certificates)."""
    from django.utils import timezone

    from nmo.attestation.services import draw_up_records
    from nmo.attestation.tests.factories import decided
    from nmo.documents.models import QualificationDocument
    from nmo.documents.rules import qualification_document_for

    documents: dict[str, list] = {}  # type: ignore[type-arg]
    for key in ("npc", "rgmu"):
        setup = decided(key)
        grow_cohort(setup, n)
        for document in draw_up_records(actor=setup.org.staff, attestation=setup.attestation):
            documents.setdefault(document.kind, []).append(document)
        if key == "npc":
            npc = setup

    programme = npc.programme
    cohort = npc.cohort
    organisation = npc.org.organisation
    specialty = "; ".join(s.name for s in programme.specialties.order_by("name"))
    kind = qualification_document_for(programme.kind).value
    today = timezone.localdate()
    certificates = [
        QualificationDocument(
            organisation=organisation,
            kind=kind,
            series="7724",
            number=i,
            registration_number=f"ПК-{i}",
            enrolment=result.enrolment,
            organisation_name=organisation.name,
            holder_name=result.enrolment.learner.full_name,
            programme_title=programme.title,
            programme_kind=programme.kind,
            hours=programme.hours,
            specialty=specialty,
            period_from=cohort.starts_on,
            period_to=cohort.ends_on,
            issued_on=today,
            issued_by=npc.org.staff,
            status="issued",
            verification_token=secrets.token_urlsafe(32),
        )
        for i, result in enumerate(npc.results(), start=1)
        if result.outcome == "passed"
    ]
    (statement,) = documents["attestation_statement"]
    (report,) = documents["commission_report"]
    return statement, report, documents["retraining_protocol"], certificates


def plain_page(html: str) -> str:
    """A floor page: the document's words as one plain paragraph, at most FLOOR_WORDS."""
    body = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
    text = re.sub(r"<style.*?</style>", " ", body.group(1) if body else html, flags=re.S)
    words = re.sub(r"<[^>]+>", " ", text).split()
    return f"<p>{' '.join(words[:FLOOR_WORDS])}</p>"


def main() -> int:
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.template.loader import render_to_string
    from pypdf import PdfReader
    from weasyprint import HTML

    from nmo.attestation.services.records import render_record_pdf as render_attestation
    from nmo.documents.printing import TEMPLATES, document_context
    from nmo.documents.printing import render_document_pdf as render_certificate

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    statement, report, protocols, certificates = build_documents(N)
    setup_seconds = time.perf_counter() - t0

    # (label, render function, document, floor page) in rendering order.
    jobs = []
    for document in [statement, report, *protocols]:
        html = render_to_string(
            f"attestation/print/{document.kind}.html", {"doc": document.content, "draft": True}
        )
        jobs.append((document.kind, render_attestation, document, plain_page(html)))
    for document in certificates:
        html = render_to_string(TEMPLATES[document.kind], document_context(document))
        jobs.append(("qualification_certificate", render_certificate, document, plain_page(html)))
    total = len(jobs)

    # Warm both paths (imports, font caches, parsed stylesheets, templates).
    render_attestation(protocols[0])
    render_certificate(certificates[0])
    HTML(string=jobs[0][3]).write_pdf()

    ours = floor = 0.0
    by_kind: dict[str, float] = {}
    outputs: list[bytes] = []
    floor_samples: list[bytes] = []
    for start in range(0, total, BLOCK):
        block = jobs[start : start + BLOCK]
        t0 = time.perf_counter()
        for i, (_, _, _, page) in enumerate(block):
            pdf = HTML(string=page).write_pdf()
            if i == 0:
                floor_samples.append(pdf)
        floor += time.perf_counter() - t0
        for label, render, document, _ in block:
            t0 = time.perf_counter()
            outputs.append(render(document))
            spent = time.perf_counter() - t0
            ours += spent
            by_kind[label] = by_kind.get(label, 0.0) + spent

    # Checks (after the clock): every PDF parses; certificates and floor pages are one page.
    problems = []
    pages: dict[str, int] = {}
    for (label, _, document, _), pdf in zip(jobs, outputs, strict=True):
        if not pdf.startswith(b"%PDF"):
            problems.append(f"{label} {document.pk}: not a PDF")
            continue
        count = len(PdfReader(io.BytesIO(pdf)).pages)
        pages[label] = pages.get(label, 0) + count
        if label == "qualification_certificate" and count != 1:
            problems.append(f"certificate {document.number}: {count} pages")
    for pdf in floor_samples:
        if len(PdfReader(io.BytesIO(pdf)).pages) != 1:
            problems.append("a floor page is not one page")
    if len(statement.content["learners"]) != N:
        problems.append(f"statement lists {len(statement.content['learners'])} learners, not {N}")
    if len(protocols) != N or len(certificates) != N:
        problems.append(f"{len(protocols)} protocols and {len(certificates)} certificates")

    counts = {label: sum(1 for j in jobs if j[0] == label) for label in by_kind}
    total_pages = sum(pages.values())
    ours_rate, floor_rate = total / ours, total / floor
    ratio = ours_rate / floor_rate
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"learners per cohort: {N}; set-up (not timed) {setup_seconds:.1f} s")
    for label, seconds in by_kind.items():
        print(
            f"  {label:<26} {counts[label]:>4} docs {pages.get(label, 0):>5} pages "
            f"in {seconds:7.2f} s = {counts[label] / seconds:6.1f} docs/s"
        )
    print(
        f"documents (real renderers):         {total} in {ours:.2f} s = {ours_rate:.1f} docs/s"
        f"  ({total_pages} pages = {total_pages / ours:.1f} pages/s)"
    )
    print(f"floor (plain-text one-page PDFs):   {total} in {floor:.2f} s = {floor_rate:.1f} docs/s")
    print(f"ratio {ratio:.2f} (target >= {TARGET}) {verdict}")
    for problem in problems:
        print(f"problem: {problem}")
    if problems:
        return 1
    if verdict == "FAIL" and os.environ.get("BENCH_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    try:
        status = main()
    finally:
        if os.environ.get("BENCH_KEEP_DB") == "1":
            print(f"database kept: {DB_DIR}/bench.sqlite3")
        else:
            shutil.rmtree(DB_DIR, ignore_errors=True)
    sys.exit(status)
