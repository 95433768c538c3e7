"""State changes of the catalog: the nomenclature of specialties (npc-4.1), providers'
applications (заявки на оценку) and the accreditation commission's decisions
(faq-catalogue-providers, faq-only-listed, faq-foreign)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nmo.accounts.models import Organisation, OrganisationKind, Role
from nmo.accounts.selectors import has_role, is_admin
from nmo.catalog.exceptions import (
    ActivityAlreadyDecided,
    ActivityInvalid,
    ActivityNotEditable,
    CommissionSubmitsNothing,
    ConflictOfInterest,
    DecisionInvalid,
    ForeignCreditsNotCounted,
    SpecialtiesFileInvalid,
    SpecialtyInvalid,
)
from nmo.catalog.models import (
    AccreditationDecision,
    Activity,
    CreditPolicy,
    Specialty,
    SpecialtyLevel,
)
from nmo.catalog.rules import (
    CODE_MAX_LENGTH,
    NAME_MAX_LENGTH,
    SPECIALTIES_MAX,
    activity_errors,
    decision_errors,
    is_foreign,
    normalise_country,
    normalise_name,
    search_key,
)
from nmo.catalog.selectors import (
    active_specialties_by_code,
    get_credit_policy,
    is_specialty_name_taken,
    provider_staff_emails,
)
from nmo.catalog.types import ActivityData, ActivityStatus, Decision
from nmo.core.exceptions import NotFound, PermissionDenied
from nmo.core.services import record_audit, send_email_after_commit

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


# --- Applications (заявки на оценку) -----------------------------------------------------

_APPLICATION_FIELDS = (
    "kind",
    "title",
    "format",
    "starts_on",
    "ends_on",
    "location",
    "country",
    "hours_requested",
    "description",
)


def _checked_application(
    data: ActivityData, *, kept: tuple[Specialty, ...] = ()
) -> tuple[dict[str, Any], list[Specialty]]:
    """Normalise the provider's input and check every rule; one refusal lists every
    problem, field by field. Specialties must be active entries of the nomenclature,
    except those in `kept` (already on the application when it is edited: a specialty
    withdrawn since then does not block an unrelated correction)."""
    values: dict[str, Any] = {
        "kind": data.kind,
        "title": normalise_name(data.title),
        "format": data.format,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "location": normalise_name(data.location),
        "country": normalise_country(data.country),
        "hours_requested": data.hours_requested,
        "description": (data.description or "").strip(),
    }
    errors = activity_errors(**values)
    codes = list(dict.fromkeys(code.strip() for code in data.specialties if code.strip()))
    specialties: list[Specialty] = []
    if not codes:
        errors["specialties"] = ["Укажите хотя бы одну специальность из номенклатуры."]
    elif len(codes) > SPECIALTIES_MAX:
        errors["specialties"] = [f"Не более {SPECIALTIES_MAX} специальностей."]
    else:
        found = {s.code: s for s in kept} | active_specialties_by_code(codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            errors["specialties"] = [
                f"Нет такой действующей специальности в номенклатуре: {code}." for code in unknown
            ]
        specialties = [found[code] for code in codes if code in found]
    if errors:
        raise ActivityInvalid(errors=errors)
    return values, specialties


def _check_provider_staff(actor: User, provider: Organisation) -> None:
    if provider.kind == OrganisationKind.ACCREDITATION_COMMISSION:
        raise CommissionSubmitsNothing()
    if not has_role(actor, Role.PROVIDER, provider):
        raise PermissionDenied()


@transaction.atomic
def submit_activity(*, actor: User, provider: Organisation, data: ActivityData) -> Activity:
    """Submit an event or e-module of `provider` for accreditation (заявка на оценку).

    Only the provider's staff (role «provider» in that organisation) submit; the commission
    creates no activities of its own (faq-catalogue-providers). The application starts as
    «submitted», out of the catalogue until the commission accredits it (faq-only-listed).
    Writes the first history step and the audit line.
    """
    _check_provider_staff(actor, provider)
    values, specialties = _checked_application(data)
    activity = Activity(provider=provider, submitted_by=actor, **values)
    activity.save()
    activity.specialties.set(specialties)
    AccreditationDecision.objects.create(
        activity=activity, action=AccreditationDecision.Action.SUBMITTED, actor=actor
    )
    record_audit(
        actor=actor,
        action="activity.submit",
        target=activity,
        changes={
            **{field: values[field] for field in _APPLICATION_FIELDS},
            "provider": provider.name,
            "specialties": [s.code for s in specialties],
        },
    )
    return activity


@transaction.atomic
def update_activity(*, actor: User, activity: Activity, data: ActivityData) -> Activity:
    """Change an application while the commission has not decided on it.

    Only the staff of the activity's provider may; to anyone else it does not exist
    (NotFound). A decided application is refused with ActivityNotEditable. Saving without a
    change writes nothing; otherwise an «edited» history step and the audit line record
    what changed.
    """
    if not has_role(actor, Role.PROVIDER, activity.provider):
        raise NotFound()
    current = Activity.objects.select_for_update().get(pk=activity.pk)
    if current.status != ActivityStatus.SUBMITTED:
        raise ActivityNotEditable()
    values, specialties = _checked_application(data, kept=tuple(current.specialties.all()))
    changes: dict[str, list[Any]] = {
        field: [getattr(current, field), value]
        for field, value in values.items()
        if getattr(current, field) != value
    }
    old_codes = sorted(current.specialties.values_list("code", flat=True))
    new_codes = sorted(s.code for s in specialties)
    if old_codes != new_codes:
        changes["specialties"] = [old_codes, new_codes]
    if not changes:
        return current
    for field, value in values.items():
        setattr(current, field, value)
    current.save(update_fields=[*_APPLICATION_FIELDS, "updated_at"])
    if "specialties" in changes:
        current.specialties.set(specialties)
    AccreditationDecision.objects.create(
        activity=current, action=AccreditationDecision.Action.EDITED, actor=actor
    )
    record_audit(actor=actor, action="activity.update", target=current, changes=changes)
    return current


# --- The commission's decision -----------------------------------------------------------


def _notify_provider(activity: Activity, comment: str) -> None:
    """Tell the provider's staff the decision by e-mail, once the decision is committed."""
    if activity.status == ActivityStatus.ACCREDITED:
        subject = f"Заявка аккредитована: {activity.title}"[:200]
        outcome = (
            f"Комиссия по оценке аккредитовала заявку. Установлено кредитов (ЗЕТ): "
            f"{activity.credits}. Мероприятие опубликовано в каталоге НМО."
        )
        if comment:
            outcome += f"\n\nКомментарий комиссии: {comment}"
    else:
        subject = f"Заявка отклонена: {activity.title}"[:200]
        outcome = f"Комиссия по оценке отклонила заявку.\n\nПричина: {comment}"
    body = (
        f"Здравствуйте!\n\n"
        f"{activity.get_kind_display()} «{activity.title}» "
        f"({activity.starts_on:%d.%m.%Y}–{activity.ends_on:%d.%m.%Y}), "
        f"заявка № {activity.pk} провайдера «{activity.provider.name}».\n\n"
        f"{outcome}\n"
    )
    for email in provider_staff_emails(activity.provider):
        send_email_after_commit(to=[email], subject=subject, body=body)


@transaction.atomic
def decide_activity(
    *,
    actor: User,
    activity: Activity,
    decision: str,
    credits: int | None,
    comment: str,
) -> Activity:
    """Record the accreditation commission's decision on a submitted application.

    Only an accreditation expert decides, and not on an application of a provider they are
    staff of. A decision is taken once (ActivityAlreadyDecided). Accrediting sets whole
    credits from 1 up to the hours requested and puts the activity in the public catalogue
    (faq-only-listed); credits for an activity held abroad are refused while the credit
    policy does not count them (faq-foreign). Rejecting needs the reason. Writes the
    history step and the audit line; the provider's staff are e-mailed after commit.
    """
    if not has_role(actor, Role.ACCREDITATION_EXPERT):
        raise PermissionDenied()
    current = Activity.objects.select_for_update().select_related("provider").get(pk=activity.pk)
    if current.status != ActivityStatus.SUBMITTED:
        raise ActivityAlreadyDecided(
            f"По этой заявке решение уже принято: «{current.get_status_display()}»."
        )
    if has_role(actor, Role.PROVIDER, current.provider):
        raise ConflictOfInterest()
    comment = (comment or "").strip()
    errors = decision_errors(
        decision=decision,
        credits=credits,
        comment=comment,
        hours_requested=current.hours_requested,
    )
    if errors:
        raise DecisionInvalid(errors=errors)
    if (
        decision == Decision.ACCREDITED
        and is_foreign(current.country)
        and not get_credit_policy().foreign_credits_allowed
    ):
        raise ForeignCreditsNotCounted(
            f"Мероприятие проводится за рубежом (страна {current.country}): баллы "
            "зарубежных систем непрерывного образования в системе НМО Российской Федерации "
            "не учитываются. Такую заявку можно только отклонить."
        )
    now = timezone.now()
    status = (
        ActivityStatus.ACCREDITED if decision == Decision.ACCREDITED else ActivityStatus.REJECTED
    )
    # The row is locked above; the status condition is the backstop on databases that
    # do not lock (SQLite): a second decision updates nothing and is refused.
    updated = Activity.objects.filter(pk=current.pk, status=ActivityStatus.SUBMITTED).update(
        status=status, credits=credits, decided_at=now, updated_at=now
    )
    if updated != 1:
        raise ActivityAlreadyDecided()
    current.status, current.credits, current.decided_at = status, credits, now
    AccreditationDecision.objects.create(
        activity=current,
        action=(
            AccreditationDecision.Action.ACCREDITED
            if status == ActivityStatus.ACCREDITED
            else AccreditationDecision.Action.REJECTED
        ),
        actor=actor,
        credits=credits,
        comment=comment,
    )
    record_audit(
        actor=actor,
        action="activity.accredit" if status == ActivityStatus.ACCREDITED else "activity.reject",
        target=current,
        changes={"status": ["submitted", status], "credits": credits, "comment": comment},
    )
    _notify_provider(current, comment)
    return current


# --- Credit policy (faq-foreign) ---------------------------------------------------------


@transaction.atomic
def set_credit_policy(
    *, actor: User, foreign_credits_allowed: bool, basis: str = ""
) -> CreditPolicy:
    """Let an administrator switch whether credits may be awarded for activities held
    abroad (faq-foreign: not counted today; a harmonisation with the EU may allow it).
    Switching needs the basis (the document); the change is audited."""
    _check_admin(actor)
    basis = normalise_name(basis)
    current = get_credit_policy()
    if current.foreign_credits_allowed == foreign_credits_allowed and current.basis == basis:
        return current
    if not basis:
        raise ActivityInvalid(
            "Укажите основание изменения правила.",
            errors={
                "basis": ["Укажите реквизиты документа, на основании которого меняется правило."]
            },
        )
    policy, _ = CreditPolicy.objects.select_for_update().get_or_create(pk=1)
    changes = {
        "foreign_credits_allowed": [policy.foreign_credits_allowed, foreign_credits_allowed],
        "basis": [policy.basis, basis],
    }
    policy.foreign_credits_allowed = foreign_credits_allowed
    policy.basis = basis
    policy.save(update_fields=["foreign_credits_allowed", "basis", "updated_at"])
    record_audit(actor=actor, action="credit_policy.update", target=policy, changes=changes)
    return policy
