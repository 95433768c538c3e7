"""The programme's assessment bank (ФОС, npc-2.7), loaded from an XLSX file."""

from django.db import transaction
from django.db.models import Max
from django.db.models.deletion import ProtectedError

from nmo.accounts.access import require_staff_of
from nmo.accounts.models import User
from nmo.core.exceptions import Conflict
from nmo.core.services import record_audit
from nmo.programmes.exceptions import AssessmentBankFileInvalid
from nmo.programmes.models import AssessmentItem, AssessmentItemKind, Programme
from nmo.programmes.types import BankImport
from nmo.programmes.xlsx import MAX_BANK_ROWS, SheetError, parse_bank, read_sheet
from nmo.regulations.types import StageKind

ITEM_KIND_OF_STAGE: dict[str, str] = {
    StageKind.TESTING: AssessmentItemKind.TEST_QUESTION,
    StageKind.CASE_TASKS: AssessmentItemKind.CASE_TASK,
    StageKind.PRACTICAL_SKILLS: AssessmentItemKind.SKILL,
    StageKind.INTERVIEW: AssessmentItemKind.INTERVIEW_QUESTION,
    StageKind.DEFENCE: AssessmentItemKind.ESSAY_TOPIC,
}
"""Which bank items serve which stage."""


@transaction.atomic
def import_assessment_bank(
    *, actor: User, programme: Programme, file_name: str, content: bytes, replace: bool = False
) -> BankImport:
    """Load assessment-bank items (test questions with options and answers, case tasks,
    skills, interview questions, essay topics — npc-2.7) from an XLSX file, appended after
    the items there are, or instead of them with `replace`.

    All or nothing: a file with any bad row is refused with every problem listed by row
    number (AssessmentBankFileInvalid, errors under "file"), and nothing is written. A row
    may name the stage (by its number) its item serves; the stage must exist and be of the
    matching kind. Audited as "programme.import_assessment_bank"."""
    require_staff_of(actor, programme.organisation)
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not file_name.lower().endswith(".xlsx"):
        raise AssessmentBankFileInvalid(
            errors={"file": ["Загрузите файл XLSX (файлы XLS сохраните как XLSX)."]}
        )
    try:
        rows = read_sheet(content, max_rows=MAX_BANK_ROWS)
    except SheetError as exc:
        raise AssessmentBankFileInvalid(errors={"file": [str(exc)]}) from exc
    items, errors = parse_bank(rows)
    stages = {stage.order: stage for stage in programme.stages.all()}
    for item in items:
        if item.stage_order is None:
            continue
        stage = stages.get(item.stage_order)
        if stage is None:
            errors.append(f"Строка {item.row}: у программы нет этапа {item.stage_order}.")
        elif ITEM_KIND_OF_STAGE[stage.kind] != item.kind:
            errors.append(
                f"Строка {item.row}: этап {stage.order} — «{stage.get_kind_display()}», для "
                f"него не подходит «{AssessmentItemKind(item.kind).label}»."
            )
    if errors:
        errors.sort(key=_row_number)
        raise AssessmentBankFileInvalid(errors={"file": errors})
    replaced = 0
    if replace:
        try:
            replaced = AssessmentItem.objects.filter(programme=programme).delete()[0]
        except ProtectedError as exc:
            raise Conflict(
                "ФОС нельзя заменить: его задания уже использованы в аттестации. Добавьте "
                "новые задания, не заменяя прежние.",
                code="assessment_bank_in_use",
            ) from exc
    start = programme.assessment_items.aggregate(last=Max("number"))["last"] or 0
    created = AssessmentItem.objects.bulk_create(
        [
            AssessmentItem(
                programme=programme,
                number=start + position,
                kind=item.kind,
                text=item.text,
                options=list(item.options),
                correct_answers=list(item.correct_answers),
                stage=stages.get(item.stage_order) if item.stage_order else None,
            )
            for position, item in enumerate(items, start=1)
        ]
    )
    record_audit(
        actor=actor,
        action="programme.import_assessment_bank",
        target=programme,
        changes={"file": file_name[:200], "created": len(created), "replaced": replaced},
    )
    return BankImport(programme_id=programme.pk, created=len(created), replaced=replaced)


def _row_number(message: str) -> int:
    parts = message.split(":", 1)[0].split()
    return int(parts[1]) if len(parts) == 2 and parts[1].isdigit() else 0
