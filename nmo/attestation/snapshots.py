"""Print snapshots: what an attestation's record says, as JSON-ready data stored on the
record (`AttestationDocument.content`) and filled into its print and DOCX forms — the
statement (npc-app1), the retraining protocol of one learner (rgmu-app1) or the
commission's report (rgmu-app2). Private to the app: the record services
(`services/records.py`) draw records up from it."""

from datetime import date
from typing import Any

from django.db.models import prefetch_related_objects

from nmo.attestation.models import Attestation, LearnerResult, StageResult
from nmo.attestation.rules import order_number_only
from nmo.attestation.selectors import (
    Signer,
    active_seats,
    list_learner_results,
    member_attendance,
    required_signers,
)
from nmo.attestation.types import Outcome, Place, RecordKind
from nmo.core.russian import (
    at_unit,
    by_sex,
    full_name_in,
    number_with,
    person_from_full_name,
)
from nmo.regulations.types import CommissionRole, Grade, ProgrammeKind, StageKind

CYCLE_OF = {
    ProgrammeKind.QUALIFICATION_UPGRADE.value: "повышения квалификации",
    ProgrammeKind.PROFESSIONAL_RETRAINING.value: "профессиональной переподготовки",
}
"""«на цикле …» of the forms, by the programme's kind."""


def _date(value: date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _tally_text(result: LearnerResult) -> str:
    if result.votes_for is None:
        return ""
    text = f"за — {result.votes_for}, против — {result.votes_against}"
    if result.abstained:
        text += f", воздержались — {result.abstained}"
    return text


def casting_line(attestation: Attestation) -> str:
    """The sentence a record adds when the votes were split equally and the person
    presiding decided (npc-4.10, rgmu-4.10): «При равном числе голосов решение принято
    решающим голосом председателя комиссии Председателевой Ольги Ивановны»."""
    seat = attestation.presiding_seat
    if seat is None:
        return ""
    who = (
        "председателя комиссии"
        if seat.role == CommissionRole.CHAIR
        else f"председательствующего ({CommissionRole(seat.role).label})"
    )
    return (
        "При равном числе голосов решение принято решающим голосом "
        f"{who} {full_name_in('gent', seat.person)}"
    )


def _grade_text(result: LearnerResult) -> str:
    if not result.is_present:
        return result.attendance_label
    return Grade(result.final_grade).label if result.final_grade else ""


def heading(attestation: Attestation) -> dict[str, Any]:
    """The part every record of the attestation shares: the heading of the appendix form
    (programme, dates, specialty, department, date), the commission's composition and the
    signature lines. Read once when a cohort's records are drawn up together."""
    cohort = attestation.cohort
    programme = cohort.programme
    commission = attestation.commission
    seats = active_seats(commission)

    def names(role: CommissionRole) -> list[str]:
        return [s.person.full_name for s in seats if s.role == role]

    presiding = attestation.presiding_seat
    place = Place(attestation.place).label
    return {
        "organisation": str(commission.organisation.name),
        "programme": programme.title,
        "programme_kind": programme.get_kind_display(),
        "cycle": CYCLE_OF.get(programme.kind, ""),
        "hours": programme.hours,
        "specialties": ", ".join(s.name for s in programme.specialties.order_by("name")),
        "specialty_list": [s.name for s in programme.specialties.order_by("name")],
        "specialty": commission.specialty.name,
        "starts_on": _date(cohort.starts_on),
        "ends_on": _date(cohort.ends_on),
        "held_on": _date(attestation.held_on),
        "attempt": attestation.attempt,
        "department": cohort.unit.name,
        "place": place,
        "address": attestation.address,
        "videoconference_url": attestation.videoconference_url,
        "commission": commission.title,
        "order": (
            f"{commission.approved_by} № {order_number_only(commission.order_number)} "
            f"от {_date(commission.order_date)}"
        ),
        "chair": ", ".join(names(CommissionRole.CHAIR)),
        "deputy": ", ".join(names(CommissionRole.DEPUTY_CHAIR)),
        "secretary": ", ".join(names(CommissionRole.SECRETARY)),
        "members": names(CommissionRole.MEMBER),
        "members_text": ", ".join(names(CommissionRole.MEMBER)),
        "presiding": presiding.person.full_name if presiding else "",
        "presiding_note": (
            f"В отсутствие председателя заседание "
            f"{by_sex(presiding.person, 'вёл', 'вела')} {presiding.person.full_name} "
            f"({CommissionRole(presiding.role).label})."
            if presiding is not None and presiding.role != CommissionRole.CHAIR
            else ""
        ),
        "regulation": (
            f"{attestation.regulation_version.regulation.title}, "
            f"редакция {attestation.regulation_version.number}"
        ),
        "signers": signer_lines(attestation),
    }


def snapshot(
    attestation: Attestation,
    kind: RecordKind,
    learner_result: LearnerResult | None = None,
    *,
    number: int | None = None,
    version: int = 1,
    header: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return what a record says, as JSON-ready data: the shared heading
    (`heading`, passed in when drawing up many), the learners with their final
    grades and the votes — the statement (npc-app1), the retraining protocol of one
    learner (rgmu-app1) or the commission's report (rgmu-app2). The snapshot is stored on
    the record, so a later change of a name or a title does not change what was
    signed."""
    content: dict[str, Any] = {
        "kind": kind.value,
        "title": kind.label,
        "number": number,
        "version": version,
        **(header if header is not None else heading(attestation)),
    }
    if kind == RecordKind.RETRAINING_PROTOCOL:
        if learner_result is None:
            raise ValueError("a retraining protocol is drawn up per learner")
        content.update(_protocol_content(learner_result, attestation))
        if learner_result.casting_vote:
            content["casting_line"] = casting_line(attestation)
    else:
        # Only the cohort-wide records read the whole cohort; a protocol reads its own
        # learner (drawing up 500 protocols used to read the cohort 500 times).
        results = list(list_learner_results(attestation))
        rows = []
        for index, result in enumerate(results, start=1):
            rows.append(
                {
                    "n": index,
                    "name": result.enrolment.learner.full_name,
                    "grade": _grade_text(result),
                    "outcome": result.outcome_label,
                    "votes": _tally_text(result),
                    "casting": bool(result.casting_vote),
                }
            )
        content["learners"] = rows
        decided_by_casting = [
            r["name"] for r, res in zip(rows, results, strict=True) if res.casting_vote
        ]
        content["casting_names"] = decided_by_casting
        content["casting_line"] = casting_line(attestation) if decided_by_casting else ""
        if kind == RecordKind.MEETING_PROTOCOL:
            content.update(_meeting_content(attestation, results))
        content["passed_count"] = sum(1 for r in results if r.outcome == Outcome.PASSED)
        content["refused_count"] = sum(1 for r in results if r.outcome == Outcome.FAILED)
        content["absent_count"] = sum(1 for r in results if not r.is_present)
        tallies = {
            (r.votes_for, r.votes_against, r.abstained or 0)
            for r in results
            if r.is_present and r.votes_for is not None
        }
        if len(tallies) == 1:
            votes_for, votes_against, abstained = tallies.pop()
            content["votes"] = {"for": votes_for, "against": votes_against, "abstained": abstained}
            content["votes_for_text"] = str(votes_for)
            content["votes_against_text"] = str(votes_against)
            content["abstained_text"] = str(abstained)
        else:
            content["votes"] = None
            per_learner = "по каждому слушателю — в таблице" if tallies else "—"
            content["votes_for_text"] = content["votes_against_text"] = per_learner
            content["abstained_text"] = per_learner
    return content


def _meeting_content(attestation: Attestation, results: list[LearnerResult]) -> dict[str, Any]:
    """What the protocol of the commission's meeting adds to the cohort's data (npc-2.13,
    npc-4.9): who of the commission was present and who was absent, the admitted learners
    and the lists of those who passed, did not pass and did not appear."""
    attended = member_attendance(attestation)
    seats = active_seats(attestation.commission)

    def names(role: CommissionRole, present: bool) -> list[str]:
        return [
            s.person.full_name
            for s in seats
            if s.role == role and attended.get(s.pk, False) == present
        ]

    titles = {
        CommissionRole.CHAIR: "Председатель аттестационной комиссии",
        CommissionRole.DEPUTY_CHAIR: "Заместитель председателя аттестационной комиссии",
        CommissionRole.MEMBER: "Члены аттестационной комиссии",
        CommissionRole.SECRETARY: "Секретарь аттестационной комиссии",
    }
    return {
        "present_by_role": [
            {"role": title, "names": ", ".join(names(role, True))}
            for role, title in titles.items()
            if names(role, True)
        ],
        "absent_members": ", ".join(
            f"{s.person.full_name} ({CommissionRole(s.role).label})"
            for s in seats
            if not attended.get(s.pk, False)
        ),
        "admitted_count": len(results),
        "passed_names": ", ".join(
            r.enrolment.learner.full_name for r in results if r.outcome == Outcome.PASSED
        ),
        "failed_names": ", ".join(
            r.enrolment.learner.full_name for r in results if r.outcome == Outcome.FAILED
        ),
        "absent_names": ", ".join(
            f"{r.enrolment.learner.full_name} ({r.outcome_label or r.attendance_label})"
            for r in results
            if not r.is_present
        ),
    }


def _protocol_content(result: LearnerResult, attestation: Attestation) -> dict[str, Any]:
    # A no-op when the caller prefetched them (drawing up a cohort's protocols).
    prefetch_related_objects([result], "stage_results__stage")
    stages: dict[str, list[StageResult]] = {}
    for stage_result in sorted(result.stage_results.all(), key=lambda r: (r.stage.order, r.pk)):
        stages.setdefault(stage_result.stage.kind, []).append(stage_result)

    def first(kind: str) -> StageResult | None:
        found = stages.get(kind) or []
        return found[0] if found else None

    testing = first(StageKind.TESTING)
    skills = first(StageKind.PRACTICAL_SKILLS)
    interview = first(StageKind.INTERVIEW)
    shown = {r.pk for r in (testing, skills, interview) if r is not None}
    others = [
        {"title": r.stage.get_kind_display(), "grade": Grade(r.grade).label}
        for group in stages.values()
        for r in group
        if r.pk not in shown
    ]
    passed = result.outcome == Outcome.PASSED
    specialty = attestation.commission.specialty.name
    percent = (
        f"{testing.percent.normalize():f}"
        if testing is not None and testing.percent is not None
        else ""
    )
    learner = result.enrolment.learner
    return {
        "learner": learner.full_name,
        "learner_person": {
            "last_name": learner.last_name,
            "first_name": learner.first_name,
            "middle_name": learner.middle_name,
            "sex": learner.sex,
        },
        "attendance": result.attendance_label,
        "testing": (
            {"percent": percent, "grade": Grade(testing.grade).label}
            if testing is not None
            else None
        ),
        "testing_text": (
            f"{percent}% правильных ответов — {Grade(testing.grade).label}"
            if testing is not None
            else "не предусмотрен программой"
        ),
        "other_text": "; ".join(f"{o['title']}: {o['grade']}" for o in others),
        "skills": Grade(skills.grade).label if skills is not None else "не предусмотрена",
        "interview": (
            Grade(interview.grade).label if interview is not None else "не предусмотрено"
        ),
        "other_stages": others,
        "overall": Grade(result.final_grade).label if result.final_grade else "",
        "outcome": result.outcome_label,
        "outcome_code": result.outcome,
        "present": result.is_present,
        "passed": passed,
        "decision": (
            f"5.1. Итоговая аттестационная комиссия удостоверяет право на ведение "
            f"профессиональной деятельности в сфере «{specialty}»."
            if passed
            else f"5.2. Итоговая аттестационная комиссия отказывает в праве ведения "
            f"профессиональной деятельности в сфере «{specialty}»."
            if result.is_present
            else f"не принималось — {result.outcome_label}."
        ),
        "votes_for": result.votes_for,
        "votes_against": result.votes_against,
        "abstained": result.abstained or 0,
        "remarks": result.remarks,
        "diploma_series": result.diploma_series,
        "diploma_number": result.diploma_number,
        "diploma_date": _date(result.diploma_issued_on),
    }


def phrases(content: dict[str, Any]) -> dict[str, str]:
    """The sentences of a record that put a person, a unit or a number into Russian
    grammar (ADR 0028), derived from its snapshot — old snapshots included — for the
    print and the DOCX forms alike: «на кафедре кардиологии», «Специалисту Егорову
    Евгению Жоресовичу», «за 3 человека», «1 слушателю»."""
    out: dict[str, str] = {}
    names = content.get("specialty_list")
    if names is None:
        joined = str(content.get("specialties") or content.get("specialty") or "")
        names = [n.strip() for n in joined.split(", ") if n.strip()]
    if names:
        quoted = ", ".join(f"«{name}»" for name in names)
        out["specialties_text"] = (
            f"по специальности {quoted}" if len(names) == 1 else f"по специальностям {quoted}"
        )
    if content.get("department"):
        out["department_at"] = at_unit(str(content["department"]))
    if content.get("learner"):
        person = content.get("learner_person") or person_from_full_name(str(content["learner"]))
        out["learner_datv"] = full_name_in("datv", person)
    if content.get("kind") == RecordKind.RETRAINING_PROTOCOL.value and content.get("learner"):
        out["diploma_line"] = _diploma_line(content)
    if "votes_for" in content and content.get("votes_for") is not None:
        text = (
            f"за {number_with(int(content['votes_for']), 'человек')}, "
            f"против {number_with(int(content.get('votes_against') or 0), 'человек')}"
        )
        if content.get("abstained"):
            text += f", воздержались {number_with(int(content['abstained']), 'человек')}"
        out["votes_text"] = text
    for key, case in (("passed_count", "gent"), ("refused_count", "datv")):
        if key in content:
            out[key.replace("_count", "_text")] = number_with(
                int(content[key] or 0), "слушатель", case
            )
    if "admitted_count" in content:
        out["admitted_text"] = number_with(int(content["admitted_count"] or 0), "слушатель", "gent")
    if content.get("absent_count"):
        out["absent_text"] = number_with(int(content["absent_count"]), "слушатель")
    return out


DIPLOMA_WITHHELD = {
    # Why item 7 of the protocol names no diploma (rgmu-app1; rgmu-2.9–2.11): the learner
    # did not pass (the male and the female form), or did not appear.
    Outcome.FAILED.value: (
        "получил на итоговой аттестации неудовлетворительный результат: итоговая "
        "аттестация не пройдена",
        "получила на итоговой аттестации неудовлетворительный результат: итоговая "
        "аттестация не пройдена",
    ),
    Outcome.ABSENT_NO_REASON.value: (
        "не явился на итоговую аттестацию без уважительной причины",
        "не явилась на итоговую аттестацию без уважительной причины",
    ),
    Outcome.ABSENT_VALID_REASON.value: (
        "не явился на итоговую аттестацию по уважительной причине",
        "не явилась на итоговую аттестацию по уважительной причине",
    ),
}


def _diploma_line(content: dict[str, Any]) -> str:
    """Item 7 of the retraining protocol (rgmu-app1), by the outcome: the diploma's
    series, number and date for a learner who passed (reserved in the register when the
    commission decided, ADR 0110); what happened instead for one who did not."""
    person = content.get("learner_person") or person_from_full_name(str(content["learner"]))
    code = content.get("outcome_code") or (Outcome.PASSED.value if content.get("passed") else "")
    if code == Outcome.PASSED.value:
        series = content.get("diploma_series") or "______"
        number = content.get("diploma_number") or "______"
        when = content.get("diploma_date") or "«___» ________ 20__ г."
        return (
            f"7. Специалисту {full_name_in('datv', person)} выдан диплом о профессиональной "
            f"переподготовке по специальности «{content.get('specialty', '')}» серия {series} "
            f"№ {number} от {when}"
        )
    male, female = DIPLOMA_WITHHELD.get(code, DIPLOMA_WITHHELD[Outcome.FAILED.value])
    return (
        f"7. Диплом о профессиональной переподготовке не выдаётся: {content['learner']} "
        f"{by_sex(person, male, female)}."
    )


def printable(content: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with its `phrases`, as the print and DOCX forms read it."""
    return {**content, **phrases(content)}


_FORM_ORDER = {
    CommissionRole.DEPUTY_CHAIR.value: 1,
    CommissionRole.SECRETARY.value: 2,
    CommissionRole.MEMBER.value: 3,
}


def in_form_order(signers: list[Signer]) -> list[Signer]:
    """The signatories in the order of the forms' «Подписи:» (npc-app1: председатель,
    зам. председателя, секретарь, члены; rgmu-app1, rgmu-app2: председатель, секретарь,
    члены): the person presiding first, then the deputy, the secretary, the members."""
    if not signers:
        return []
    first, rest = signers[0], signers[1:]
    return [first, *sorted(rest, key=lambda s: _FORM_ORDER.get(s.seat.role, 3))]


def signer_lines(attestation: Attestation) -> list[dict[str, str]]:
    """Return the signature lines of the attestation's records, in the forms' order: the
    line and the name."""
    return [
        {"line": s.line, "name": s.seat.person.full_name}
        for s in in_form_order(required_signers(attestation))
    ]
