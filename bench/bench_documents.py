"""Benchmark: rendering 500 qualification certificates with the documents app's PDF
function, against a floor measured in the same run.

The measured path is `nmo.documents.printing.render_document_pdf` — what `issue_document`
calls inside its transaction — on 500 different certificates (different holders,
programmes, numbers and verification tokens, so 500 different QR codes). The floor is
WeasyPrint used plainly: 500 one-page plain-text PDFs, each the same words as the
matching certificate (its text without markup, styles or image) in one paragraph, made
with `HTML(string=...).write_pdf()`. Both run in this process, interleaved in blocks of
50 so that a busy machine slows both alike. Target: certificates/s ≥ 0.5 × floor/s.

No database is needed: the certificates are unsaved model instances (the function reads
only the document's own fields).

    .venv/bin/python bench/bench_documents.py [N]

Exit status 1 if the target is missed or a PDF is not a one-page PDF.
"""

import io
import os
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("LOG_LEVEL", "WARNING")

N = int(sys.argv[1]) if len(sys.argv) > 1 else 500
BLOCK = 50
TARGET = 0.5

SURNAMES = ["Иванова", "Петров", "Смирнова", "Кузнецов", "Соколова", "Попов", "Лебедева"]
NAMES = ["Мария Петровна", "Игорь Викторович", "Анна Сергеевна", "Олег Николаевич"]
TITLES = [
    "Неотложная помощь детям",
    "Педиатрия: актуальные вопросы диагностики и лечения",
    "Детская кардиология",
    "Организация здравоохранения и общественное здоровье",
]


def certificates(n: int) -> list:  # type: ignore[type-arg]
    import secrets

    from nmo.documents.models import QualificationDocument

    start = date(2026, 3, 2)
    return [
        QualificationDocument(
            kind="qualification_certificate",
            series="7724",
            number=i + 1,
            registration_number=f"ПК-{i + 1}",
            organisation_name="ФГБОУ ВО РостГМУ Минздрава России",
            holder_name=f"{SURNAMES[i % len(SURNAMES)]} {NAMES[i % len(NAMES)]}",
            programme_title=TITLES[i % len(TITLES)],
            programme_kind="qualification_upgrade",
            hours=(36, 72, 144)[i % 3],
            specialty="Педиатрия",
            period_from=start,
            period_to=start + timedelta(days=11),
            issued_on=start + timedelta(days=11),
            verification_token=secrets.token_urlsafe(32),
        )
        for i in range(n)
    ]


def plain_pages(documents: list) -> list[str]:  # type: ignore[type-arg]
    """The floor's pages: each certificate's words as one plain paragraph."""
    from django.template.loader import render_to_string

    from nmo.documents.printing import TEMPLATES, document_context

    pages = []
    for document in documents:
        html = render_to_string(TEMPLATES[document.kind], document_context(document))
        body = re.search(r"<body[^>]*>(.*)</body>", html, re.S)
        text = re.sub(r"<[^>]+>", " ", body.group(1) if body else html)
        pages.append(f"<p>{' '.join(text.split())}</p>")
    return pages


def main() -> int:
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    from pypdf import PdfReader
    from weasyprint import HTML

    from nmo.documents.printing import render_document_pdf

    documents = certificates(N)
    pages = plain_pages(documents)
    # Warm both paths (imports, font caches, the parsed stylesheet).
    render_document_pdf(documents[0])
    HTML(string=pages[0]).write_pdf()

    ours = floor = 0.0
    outputs: list[bytes] = []
    for start in range(0, N, BLOCK):
        t0 = time.perf_counter()
        for page in pages[start : start + BLOCK]:
            HTML(string=page).write_pdf()
        floor += time.perf_counter() - t0
        t0 = time.perf_counter()
        for document in documents[start : start + BLOCK]:
            outputs.append(render_document_pdf(document))
        ours += time.perf_counter() - t0

    bad = [
        i
        for i in range(0, N, max(1, N // 20))
        if not outputs[i].startswith(b"%PDF") or len(PdfReader(io.BytesIO(outputs[i])).pages) != 1
    ]
    ours_rate, floor_rate = N / ours, N / floor
    ratio = ours_rate / floor_rate
    verdict = "PASS" if ratio >= TARGET and not bad else "FAIL"
    print(f"certificates (render_document_pdf): {N} in {ours:.2f} s = {ours_rate:.1f} docs/s")
    print(f"floor (plain-text one-page PDFs):   {N} in {floor:.2f} s = {floor_rate:.1f} docs/s")
    print(f"ratio {ratio:.2f} (target >= {TARGET}) {verdict}")
    if bad:
        print(f"not a one-page PDF: documents {bad}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
