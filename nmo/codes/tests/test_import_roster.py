"""Loading a participant roster: one code per participant, certificates by e-mail, all or
nothing (faq-certificate, faq-cert-from-provider)."""

import io

import pytest
from django.core import mail
from openpyxl import Workbook

from nmo.codes.exceptions import ActivityNotAccreditedEvent, RosterInvalid
from nmo.codes.models import ConfirmationCode, Participant
from nmo.codes.services import import_roster
from nmo.codes.tests.factories import accredited_event
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.models import AuditEntry

pytestmark = pytest.mark.django_db

ROWS = [
    ["ФИО", "E-mail", "СНИЛС"],
    ["Иванова Мария Петровна", "ivanova@example.ru", "112-233-445 95"],
    ["Петров Пётр Петрович", "", ""],
    ["Сидорова Анна", "sidorova@example.ru", None],
]


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding, delimiter=";"):
    text = "\r\n".join(delimiter.join("" if c is None else str(c) for c in row) for row in rows)
    return text.encode(encoding)


@pytest.mark.clause("faq-certificate")
def test_xlsx_roster_gives_each_participant_a_code_and_emails_certificates(
    provider, event, django_capture_on_commit_callbacks
):
    """Every participant of the XLSX roster gets one code; those with an e-mail receive
    their certificate (PDF attached) after commit; the import is audited."""
    with django_capture_on_commit_callbacks(execute=True):
        result = import_roster(
            actor=provider, activity=event, file_name="участники.xlsx", content=xlsx(ROWS)
        )
    participants = list(Participant.objects.filter(activity=event).order_by("id"))
    assert [p.full_name for p in participants] == [
        "Иванова Мария Петровна",
        "Петров Пётр Петрович",
        "Сидорова Анна",
    ]
    assert participants[0].snils == "11223344595"
    assert participants[1].email == ""
    codes = ConfirmationCode.objects.filter(activity=event)
    assert codes.count() == 3
    assert {c.participant_id for c in codes} == {p.pk for p in participants}
    assert result.codes == tuple(
        ConfirmationCode.objects.get(participant=p).value for p in participants
    )
    assert result.emailed == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ivanova@example.ru", "sidorova@example.ru"]
    letter = next(m for m in mail.outbox if m.to == ["ivanova@example.ru"])
    name, content, mimetype = letter.attachments[0]
    assert mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert result.codes[0] in name
    assert result.codes[0] in letter.body
    assert AuditEntry.objects.filter(action="codes.import_roster", actor=provider).exists()


def test_no_email_before_commit(provider, event, django_capture_on_commit_callbacks):
    """Certificates leave only after the roster's transaction commits."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        import_roster(actor=provider, activity=event, file_name="r.xlsx", content=xlsx(ROWS))
    assert mail.outbox == []
    assert len(callbacks) == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_roster_in_utf8_or_cp1251(provider, event, encoding, delimiter):
    """A CSV in UTF-8 (with or without BOM) or Windows-1251, separated by «;» or «,»."""
    rows = [["ФИО", "Электронная почта"], ["Ёлкина Алёна", "elkina@example.ru"]]
    import_roster(
        actor=provider,
        activity=event,
        file_name="roster.CSV",
        content=csv_bytes(rows, encoding, delimiter),
    )
    participant = Participant.objects.get(activity=event)
    assert participant.full_name == "Ёлкина Алёна"
    assert participant.email == "elkina@example.ru"
    assert ConfirmationCode.objects.filter(participant=participant).exists()


def test_bad_rows_refuse_the_whole_roster(provider, event):
    """One bad row refuses the file: every problem is listed with its row number in
    Russian and nothing is written."""
    rows = [*ROWS, ["", "x@example.ru", ""], ["Кузнецов", "not-an-email", "123"]]
    with pytest.raises(RosterInvalid) as caught:
        import_roster(actor=provider, activity=event, file_name="r.xlsx", content=xlsx(rows))
    assert caught.value.status == 422
    assert caught.value.errors["file"] == [
        "Строка 5: не указаны фамилия, имя и отчество.",
        "Строка 6: неверный адрес электронной почты «not-an-email»; "
        "СНИЛС «123» должен содержать 11 цифр.",
    ]
    assert not Participant.objects.exists()
    assert not ConfirmationCode.objects.exists()
    assert not AuditEntry.objects.filter(action="codes.import_roster").exists()


def test_a_participant_already_listed_is_refused(provider, event):
    """Loading a SNILS the event's list already has is refused with its row number."""
    import_roster(actor=provider, activity=event, file_name="r.xlsx", content=xlsx(ROWS))
    with pytest.raises(RosterInvalid) as caught:
        import_roster(actor=provider, activity=event, file_name="r2.xlsx", content=xlsx(ROWS))
    assert caught.value.errors["file"] == [
        "Строка 2: участник с этим СНИЛС уже есть в списке мероприятия."
    ]
    assert Participant.objects.count() == 3


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        ("roster.xls", b"\xd0\xcf\x11\xe0", "XLSX или CSV"),
        ("roster.xlsx", b"not a zip", "повреждён"),
        ("roster.csv", b"", "пуст"),
        ("roster.csv", "Номер;Почта\n1;a@b.ru".encode(), "ФИО"),
        ("roster.csv", b"\x98\x98\x98", "UTF-8"),
    ],
)
def test_unreadable_files_get_a_clear_answer(provider, event, file_name, content, message):
    with pytest.raises(RosterInvalid) as caught:
        import_roster(actor=provider, activity=event, file_name=file_name, content=content)
    assert message in " ".join(caught.value.errors["file"])
    assert not Participant.objects.exists()


def test_only_an_accredited_event_takes_a_roster(provider):
    module = accredited_event(submitted_by=provider, kind="module")
    with pytest.raises(ActivityNotAccreditedEvent):
        import_roster(actor=provider, activity=module, file_name="r.xlsx", content=xlsx(ROWS))


@pytest.mark.clause("faq-cert-from-provider")
def test_it_checks_access(event, other_provider, specialist):
    """Another provider does not see the event; a specialist may not load rosters."""
    with pytest.raises(NotFound):
        import_roster(actor=other_provider, activity=event, file_name="r.xlsx", content=xlsx(ROWS))
    with pytest.raises(PermissionDenied):
        import_roster(actor=specialist, activity=event, file_name="r.xlsx", content=xlsx(ROWS))
    assert not Participant.objects.exists()
