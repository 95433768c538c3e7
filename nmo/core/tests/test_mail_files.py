"""A local run writes each letter to a folder as an .eml file and says so in one log line
(ADR 0013): no whole letters, no base64 attachments in the log."""

import email
import logging

from django.core.mail import EmailMessage, get_connection

PDF = b"%PDF-1.7 " + bytes(range(256)) * 40


def test_each_letter_is_an_eml_file_and_one_log_line(tmp_path, caplog):
    connection = get_connection("nmo.core.mail.EmlFileBackend", file_path=tmp_path)
    letters = [
        EmailMessage("Свидетельство НМО", "Здравствуйте!", to=["ivanova@example.ru"]),
        EmailMessage("Начислены кредиты НМО: 6", "Кредиты начислены.", to=["petrov@example.ru"]),
    ]
    letters[0].attach("svidetelstvo.pdf", PDF, "application/pdf")
    with caplog.at_level(logging.INFO, logger="nmo.mail"):
        assert connection.send_messages(letters) == 2

    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    parsed = [email.message_from_bytes(path.read_bytes()) for path in files]
    by_subject = {
        str(email.header.make_header(email.header.decode_header(m["Subject"]))): m for m in parsed
    }
    certificate = by_subject["Свидетельство НМО"]
    assert certificate["To"] == "ivanova@example.ru"
    [attachment] = [part for part in certificate.walk() if part.get_filename()]
    assert attachment.get_payload(decode=True) == PDF

    lines = [record.getMessage() for record in caplog.records if record.name == "nmo.mail"]
    assert len(lines) == 2
    first = next(line for line in lines if "ivanova@example.ru" in line)
    assert "«Свидетельство НМО»" in first
    assert any(str(path.name) in first for path in files)
    assert all(len(line) < 300 and "base64" not in line for line in lines)


def test_libraries_say_only_warnings(caplog):
    """WeasyPrint's «Step 1 … 7» and the task worker's bookkeeping stay out of the log."""
    from nmo.core.logs import QuietLibraries

    quiet = QuietLibraries()

    def record(name: str, level: int) -> logging.LogRecord:
        return logging.LogRecord(name, level, __file__, 1, "Step 1 - Fetching", None, None)

    assert not quiet.filter(record("weasyprint.progress", logging.INFO))
    assert not quiet.filter(record("fontTools.subset", logging.INFO))
    assert not quiet.filter(record("django_tasks", logging.INFO))
    assert quiet.filter(record("django_tasks_db", logging.ERROR))
    assert quiet.filter(record("nmo.mail", logging.INFO))
    assert logging.getLogger("weasyprint").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("fontTools").getEffectiveLevel() >= logging.WARNING
