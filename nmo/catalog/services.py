"""State changes of the nomenclature of specialties (npc-4.1: order 700н as amended)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from nmo.accounts.selectors import is_admin
from nmo.catalog.exceptions import SpecialtiesFileInvalid, SpecialtyInvalid
from nmo.catalog.models import Specialty, SpecialtyLevel
from nmo.catalog.rules import CODE_MAX_LENGTH, NAME_MAX_LENGTH, normalise_name, search_key
from nmo.catalog.selectors import is_specialty_name_taken
from nmo.core.exceptions import PermissionDenied
from nmo.core.services import record_audit

if TYPE_CHECKING:
    from nmo.accounts.models import User

FILE_COLUMNS = ("code", "name", "level")


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


@dataclass(frozen=True)
class _FileRow:
    line: int
    code: str
    name: str
    level: str


def default_specialties_path() -> Path:
    return Path(settings.BASE_DIR) / "data" / "specialties.csv"


def _read_specialties_file(path: Path) -> list[_FileRow]:
    """Parse and check the whole file before anything is written: one bad row refuses the
    load, so the directory never holds half a nomenclature."""
    problems: list[str] = []
    rows: list[_FileRow] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in FILE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SpecialtiesFileInvalid(
                errors={"file": [f"{path.name}: нет столбцов {', '.join(missing)}."]}
            )
        seen_codes: dict[str, int] = {}
        seen_names: dict[str, int] = {}
        for line, raw in enumerate(reader, start=2):
            code = (raw.get("code") or "").strip()
            name = normalise_name(raw.get("name") or "")
            level = (raw.get("level") or "").strip()
            where = f"{path.name}, строка {line}"
            if not code or not name:
                problems.append(f"{where}: пустой код или наименование.")
                continue
            if len(code) > CODE_MAX_LENGTH or len(name) > NAME_MAX_LENGTH:
                problems.append(f"{where}: слишком длинный код или наименование.")
            if level not in SpecialtyLevel.values:
                problems.append(f"{where}: неизвестный уровень образования «{level}».")
            if code in seen_codes:
                problems.append(f"{where}: код {code} уже был в строке {seen_codes[code]}.")
            if search_key(name) in seen_names:
                problems.append(
                    f"{where}: наименование «{name}» уже было в строке "
                    f"{seen_names[search_key(name)]}."
                )
            seen_codes.setdefault(code, line)
            seen_names.setdefault(search_key(name), line)
            rows.append(_FileRow(line=line, code=code, name=name, level=level))
    if problems:
        raise SpecialtiesFileInvalid(errors={"file": problems})
    return rows


@transaction.atomic
def load_specialties(*, path: Path | None = None) -> LoadResult:
    """Load the nomenclature of specialties from the project's data file (npc-4.1).

    A code not yet in the directory is created. A row whose name or level differs from
    the file is updated, unless an administrator edited it: then the administrator's
    version stands. A specialty missing from the file is kept (administrators deactivate,
    nothing is deleted), and `is_active` is never touched. Loading the same file again
    changes nothing. One audit line records what a load changed.
    """
    source = path or default_specialties_path()
    rows = _read_specialties_file(source)
    existing = {
        s.code: s
        for s in Specialty.objects.select_for_update().filter(code__in=[r.code for r in rows])
    }
    to_create: list[Specialty] = []
    updated: dict[str, dict[str, list[str]]] = {}
    kept: list[str] = []
    for row in rows:
        specialty = existing.get(row.code)
        if specialty is None:
            to_create.append(Specialty(code=row.code, name=row.name, level=row.level))
            continue
        changes = {
            field: [getattr(specialty, field), value]
            for field, value in (("name", row.name), ("level", row.level))
            if getattr(specialty, field) != value
        }
        if not changes:
            continue
        if specialty.edited_by_admin:
            kept.append(row.code)
            continue
        specialty.name = row.name
        specialty.level = row.level
        specialty.save(update_fields=["name", "level", "updated_at"])
        updated[row.code] = changes
    Specialty.objects.bulk_create(to_create)
    if to_create or updated:
        record_audit(
            actor=None,
            action="specialty.load",
            object_type=Specialty._meta.label_lower,
            object_repr="номенклатура специальностей",
            changes={
                "file": source.name,
                "created": [s.code for s in to_create],
                "updated": updated,
                "kept_admin_edits": kept,
            },
        )
    return LoadResult(created=len(to_create), updated=len(updated))


def _check_admin(actor: User) -> None:
    if not is_admin(actor):
        raise PermissionDenied()


def _checked_name(raw: str, *, exclude_pk: int | None = None) -> str:
    name = normalise_name(raw)
    if not name:
        raise SpecialtyInvalid(errors={"name": ["Укажите наименование специальности."]})
    if len(name) > NAME_MAX_LENGTH:
        raise SpecialtyInvalid(errors={"name": [f"Не более {NAME_MAX_LENGTH} символов."]})
    if is_specialty_name_taken(name=name, exclude_pk=exclude_pk):
        raise SpecialtyInvalid(errors={"name": ["Специальность с таким наименованием уже есть."]})
    return name


@transaction.atomic
def add_specialty(*, actor: User, code: str, name: str, level: str) -> Specialty:
    """Let an administrator add a specialty the data file does not (yet) list (npc-4.1).

    The row counts as edited by an administrator, so a later file row with the same code
    does not overwrite it.
    """
    _check_admin(actor)
    code = code.strip()
    errors: dict[str, list[str]] = {}
    if not code:
        errors["code"] = ["Укажите код специальности."]
    elif len(code) > CODE_MAX_LENGTH:
        errors["code"] = [f"Не более {CODE_MAX_LENGTH} символов."]
    elif Specialty.objects.filter(code=code).exists():
        errors["code"] = ["Специальность с таким кодом уже есть."]
    if level not in SpecialtyLevel.values:
        errors["level"] = ["Выберите уровень образования из списка."]
    if errors:
        raise SpecialtyInvalid(errors=errors)
    specialty = Specialty.objects.create(
        code=code, name=_checked_name(name), level=level, edited_by_admin=True
    )
    record_audit(
        actor=actor,
        action="specialty.create",
        target=specialty,
        changes={"code": code, "name": specialty.name, "level": level},
    )
    return specialty


@transaction.atomic
def update_specialty(*, actor: User, specialty: Specialty, name: str, is_active: bool) -> Specialty:
    """Let an administrator rename a specialty or withdraw (deactivate) it (npc-4.1).

    The row is then marked as edited by an administrator, so reloading the data file no
    longer overwrites it. Saving without a change is a no-op and writes no audit line.
    """
    _check_admin(actor)
    current = Specialty.objects.select_for_update().get(pk=specialty.pk)
    name = _checked_name(name, exclude_pk=current.pk)
    changes: dict[str, list[Any]] = {}
    if current.name != name:
        changes["name"] = [current.name, name]
    if current.is_active != is_active:
        changes["is_active"] = [current.is_active, is_active]
    if not changes:
        return current
    current.name = name
    current.is_active = is_active
    current.edited_by_admin = True
    current.save(update_fields=["name", "is_active", "edited_by_admin", "updated_at"])
    record_audit(actor=actor, action="specialty.update", target=current, changes=changes)
    return current
