"""Issuing confirmation codes for an accredited event: by count, or one per participant of
a roster (faq-certificate, faq-ikp-format)."""

import csv
import datetime as dt
import io
import random
import secrets
import zipfile
from collections.abc import Sequence
from functools import partial
from itertools import islice

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from nmo.accounts.models import User
from nmo.catalog.models import Activity, ActivityKind, ActivityStatus
from nmo.codes.access import check_provider_staff
from nmo.codes.exceptions import ActivityNotAccreditedEvent, CodeCountInvalid, RosterInvalid
from nmo.codes.models import ConfirmationCode, Participant
from nmo.codes.rules import (
    MAX_CODES_PER_ISSUE,
    MAX_ROSTER_ROWS,
    generate_code_value,
    is_roster_file_name,
    parse_roster,
)
from nmo.codes.types import IssuedCodes, RosterImport
from nmo.core.links import current_site_url
from nmo.core.services import record_audit
from nmo.core.unstorable import has_unstorable

#: Codes generated, checked and inserted together: one SELECT and one INSERT per batch.
CODE_BATCH = 1000
#: Inserts of one batch tried before giving up (a collision is astronomically rare).
MAX_INSERT_ATTEMPTS = 5
MAX_ROSTER_BYTES = 5 * 1024 * 1024
# Blank lines an XLSX may hold beyond the roster limit before we stop reading it.
_ROW_SLACK = 1000


def ensure_accredited_event(activity: Activity) -> None:
    """Only an accredited event gets codes and certificates (faq-certificate): a module
    is credited automatically (faq-module-auto) and an unaccredited activity carries no
    credits (faq-only-listed)."""
    if (
        activity.kind != ActivityKind.EVENT
        or activity.status != ActivityStatus.ACCREDITED
        or not activity.credits
    ):
        raise ActivityNotAccreditedEvent()


def _fresh_values(rng: random.Random, count: int, avoid: set[str]) -> list[str]:
    values: list[str] = []
    seen = set(avoid)
    while len(values) < count:
        value = generate_code_value(rng)
        if value not in seen:
            seen.add(value)
            values.append(value)
    return values


def _taken(values: Sequence[str]) -> set[str]:
    """Which of the values the system already holds: one query."""
    if connection.vendor == "postgresql":
        # One array parameter instead of a thousand placeholders.
        with connection.cursor() as cursor:
            cursor.execute(_SQL_TAKEN.format(table=_TABLE, value=_column("value")), [list(values)])
            return {row[0] for row in cursor.fetchall()}
    return set(ConfirmationCode.objects.filter(value__in=values).values_list("value", flat=True))


_TABLE = ConfirmationCode._meta.db_table
_SQL_TAKEN = 'SELECT "{value}" FROM "{table}" WHERE "{value}" = ANY(%s)'
_SQL_INSERT = (
    'INSERT INTO "{table}" ("{value}", "{activity}", "{participant}", "{issued_at}") '
    "SELECT * FROM unnest(%s::varchar[], %s::bigint[], %s::bigint[], %s::timestamptz[]) "
    'RETURNING "{id}", "{value}"'
)


def _column(field: str) -> str:
    column: str = getattr(ConfirmationCode._meta.get_field(field), "column")  # noqa: B009
    return column


def _insert(
    activity_id: int,
    participant_ids: Sequence[int | None],
    values: Sequence[str],
    issued_at: dt.datetime,
) -> list[tuple[int, str]]:
    """Insert the codes and return their (id, value). On PostgreSQL one INSERT … SELECT
    FROM unnest(arrays) per batch: four parameters instead of thousands, and no model
    instances — about three times faster than bulk_create (see bench/README.md). Elsewhere
    bulk_create."""
    if connection.vendor == "postgresql":
        sql = _SQL_INSERT.format(
            table=_TABLE,
            id=_column("id"),
            value=_column("value"),
            activity=_column("activity"),
            participant=_column("participant"),
            issued_at=_column("issued_at"),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                [
                    list(values),
                    [activity_id] * len(values),
                    list(participant_ids),
                    [issued_at] * len(values),
                ],
            )
            return [(int(pk), str(value)) for pk, value in cursor.fetchall()]
    created = ConfirmationCode.objects.bulk_create(
        [
            ConfirmationCode(
                value=value, activity_id=activity_id, participant_id=pid, issued_at=issued_at
            )
            for value, pid in zip(values, participant_ids, strict=True)
        ]
    )
    return [(int(code.pk), code.value) for code in created]


def _insert_batch(
    activity_id: int,
    participant_ids: Sequence[int | None],
    issued_at: dt.datetime,
    rng: random.Random,
) -> dict[str, int]:
    """Insert one code per participant slot; return {value: id} in slot order. Values
    already in the database are found with one query and only those are drawn again; a
    value taken by a concurrent issue between that check and the insert fails the insert
    inside a savepoint, and the batch is checked again."""
    values = _fresh_values(rng, len(participant_ids), set())
    for _attempt in range(MAX_INSERT_ATTEMPTS):
        taken = _taken(values)
        while taken:
            fresh = iter(_fresh_values(rng, len(taken), set(values)))
            replaced = {old: next(fresh) for old in taken}
            values = [replaced.get(v, v) for v in values]
            taken = _taken(list(replaced.values()))
        try:
            with transaction.atomic():
                ids = dict(
                    (value, pk)
                    for pk, value in _insert(activity_id, participant_ids, values, issued_at)
                )
            return {value: ids[value] for value in values}
        except IntegrityError:
            if not _taken(values):
                raise  # not a collision of values: a real error
    raise RuntimeError("Не удалось подобрать уникальные коды подтверждения.")


def _create_codes(activity: Activity, participant_ids: Sequence[int | None]) -> dict[str, int]:
    """Issue one code per slot (a participant's id or None); {value: id} in slot order."""
    rng = secrets.SystemRandom()
    issued_at = timezone.now()
    created: dict[str, int] = {}
    for start in range(0, len(participant_ids), CODE_BATCH):
        batch = participant_ids[start : start + CODE_BATCH]
        created.update(_insert_batch(activity.pk, batch, issued_at, rng))
    return created


@transaction.atomic
def issue_codes(*, actor: User, activity: Activity, count: int) -> IssuedCodes:
    """Issue `count` new confirmation codes for an accredited event, each unique across
    the system and drawn from the operating system's cryptographic source
    (faq-ikp-format). Only the event's provider issues them (faq-cert-from-provider);
    1 to MAX_CODES_PER_ISSUE per call."""
    check_provider_staff(actor, activity)
    if (
        isinstance(count, bool)
        or not isinstance(count, int)
        or not 1 <= count <= MAX_CODES_PER_ISSUE
    ):
        raise CodeCountInvalid(
            errors={"count": [f"Можно выпустить от 1 до {MAX_CODES_PER_ISSUE} кодов за раз."]}
        )
    ensure_accredited_event(activity)
    values = list(_create_codes(activity, [None] * count))
    record_audit(
        actor=actor,
        action="codes.issue",
        target=activity,
        changes={"count": count, "first": values[0], "last": values[-1]},
    )
    return IssuedCodes(activity_id=activity.pk, codes=tuple(values))


def _xlsx_rows(content: bytes) -> list[tuple[object, ...]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise RosterInvalid(
            errors={"file": ["Файл XLSX повреждён или не является книгой Excel."]}
        ) from exc
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        return list(islice(rows, MAX_ROSTER_ROWS + _ROW_SLACK))
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterInvalid(
            errors={"file": ["Не удалось прочитать CSV: сохраните его в кодировке UTF-8."]}
        )
    if has_unstorable(text):
        raise RosterInvalid(
            errors={"file": ["В файле CSV есть нулевой байт: это не текст таблицы."]}
        )
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        return list(
            islice(csv.reader(io.StringIO(text), delimiter=delimiter), MAX_ROSTER_ROWS + _ROW_SLACK)
        )
    except csv.Error as exc:
        raise RosterInvalid(errors={"file": [f"Файл CSV повреждён: {exc}."]}) from exc


def read_roster_file(file_name: str, content: bytes) -> list[Sequence[object]]:
    """The rows of a roster file: XLSX (first sheet) or CSV (UTF-8 or Windows-1251,
    separated by «;», «,» or tabs)."""
    if not is_roster_file_name(file_name):
        raise RosterInvalid(
            errors={"file": ["Загрузите файл XLSX или CSV (файлы XLS сохраните как XLSX)."]}
        )
    if not content:
        raise RosterInvalid(errors={"file": ["Файл пуст."]})
    if len(content) > MAX_ROSTER_BYTES:
        raise RosterInvalid(
            errors={"file": [f"Файл больше {MAX_ROSTER_BYTES // (1024 * 1024)} МБ."]}
        )
    if file_name.lower().endswith(".xlsx"):
        return list(_xlsx_rows(content))
    return list(_csv_rows(content))


def _email_certificates_after_commit(code_ids: Sequence[int]) -> None:
    from nmo.codes.tasks import send_certificate

    site_url = current_site_url()  # the worker has no request: the QR codes' address
    for code_id in code_ids:
        transaction.on_commit(partial(send_certificate.enqueue, code_id=code_id, site_url=site_url))


@transaction.atomic
def import_roster(
    *, actor: User, activity: Activity, file_name: str, content: bytes
) -> RosterImport:
    """Load an event's participant roster (XLSX or CSV: «ФИО», «E-mail», «СНИЛС») and
    issue one code per participant; those with an e-mail get their CME certificate by
    e-mail after commit (faq-certificate). All or nothing: a file with any bad row is
    refused with every problem listed by row number, and nothing is written."""
    check_provider_staff(actor, activity)
    ensure_accredited_event(activity)
    parsed = parse_roster(read_roster_file(file_name, content))
    errors = list(parsed.errors)
    listed = {row.snils: row.row for row in parsed.participants if row.snils}
    if listed and not errors:
        already = Participant.objects.filter(activity=activity, snils__in=list(listed))
        for snils in sorted(already.values_list("snils", flat=True), key=lambda s: listed[s or ""]):
            errors.append(
                f"Строка {listed[snils or '']}: участник с этим СНИЛС уже есть в списке "
                "мероприятия."
            )
    if errors:
        raise RosterInvalid(errors={"file": errors})
    participants = Participant.objects.bulk_create(
        [
            Participant(
                activity=activity, full_name=row.full_name, email=row.email, snils=row.snils
            )
            for row in parsed.participants
        ]
    )
    codes = _create_codes(activity, [p.pk for p in participants])
    with_email = [
        code_id for code_id, p in zip(codes.values(), participants, strict=True) if p.email
    ]
    _email_certificates_after_commit(with_email)
    emailed = len(with_email)
    record_audit(
        actor=actor,
        action="codes.import_roster",
        target=activity,
        changes={"file": file_name[:200], "participants": len(participants), "emailed": emailed},
    )
    return RosterImport(
        activity_id=activity.pk,
        participant_ids=tuple(p.pk for p in participants),
        codes=tuple(codes),
        emailed=emailed,
    )
