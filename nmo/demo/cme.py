"""The specialist's side of the demo: the provider issues codes and a roster for its past
events, the specialist enters a five-year cycle in cardiology and earns credits of every
kind — a code activated, two e-modules completed, a support request resolved with credits,
a programme's hours recorded by РостГМУ — plans what comes next, and has one support
request still open at the provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from nmo.accounts.models import Organisation, User
from nmo.catalog.models import Activity
from nmo.codes.services import (
    activate_code,
    file_support_request,
    import_roster,
    issue_codes,
    resolve_support_request,
)
from nmo.cycles.models import Cycle
from nmo.cycles.selectors import list_cycles
from nmo.cycles.services import (
    add_plan_item,
    enter_cycle,
    record_completion,
    record_programme_hours,
)
from nmo.demo import catalogue
from nmo.demo.people import person, snils

#: The number of the РостГМУ certificate whose hours count in the specialist's cycle.
PROGRAMME_REFERENCE = "Удостоверение о повышении квалификации № 612400001871"


@dataclass(frozen=True)
class CmeCounts:
    codes: int
    credits: int


def _aware(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _roster(first: int) -> bytes:
    """A roster of participants (CSV, «;»), with SNILS and no e-mails, so no certificates go
    out while the demo loads."""
    lines = ["ФИО;E-mail;СНИЛС"]
    for n in range(first, first + 8):
        p = person(n)
        lines.append(f"{p.full_name};;{snils(n)}")
    return "\n".join(lines).encode("utf-8")


def has_cycle(specialist: User) -> bool:
    return list_cycles(specialist).exists()


def load_cme(
    *,
    today: date,
    specialist: User,
    provider_staff: User,
    organisation_staff: User,
    organisation: Organisation,
    activities: dict[str, Activity],
) -> CmeCounts:
    """Everything the specialist and the provider have done by today."""
    congress = activities[catalogue.CONGRESS]
    school = activities[catalogue.HYPERTENSION_SCHOOL]
    urgent = activities[catalogue.URGENT_CARDIOLOGY]
    heart_failure = activities[catalogue.HEART_FAILURE]

    # The provider issues codes for its past events and loads one event's roster.
    congress_codes = issue_codes(actor=provider_staff, activity=congress, count=120).codes
    school_codes = issue_codes(actor=provider_staff, activity=school, count=40).codes
    roster = import_roster(
        actor=provider_staff, activity=urgent, file_name="участники.csv", content=_roster(200)
    )

    # The specialist enters a cycle begun two years ago, so it is mid-way.
    cycle: Cycle = enter_cycle(
        specialist=specialist,
        specialty_code=catalogue.CARDIOLOGY,
        starts_on=date(today.year - 2, 1, 1),
    )
    # A code typed as printed on the certificate (with its spaces and dashes).
    activate_code(specialist=specialist, typed_code=congress_codes[0], ip=None)
    activate_code(specialist=specialist, typed_code=school_codes[0].lower(), ip=None)
    # Two e-modules reported completed by the provider's platform.
    for title, days_ago in ((catalogue.AF_MODULE, 21), (catalogue.ECG_MODULE, 6)):
        record_completion(
            actor=provider_staff,
            activity=activities[title],
            email=specialist.email,
            completed_at=_aware(today - timedelta(days=days_ago), 14),
        )
    # A code lost: the provider credits the specialist on a support request…
    solved = file_support_request(
        specialist=specialist,
        event_title=heart_failure.title,
        event_date=heart_failure.starts_on,
        place="онлайн, трансляция на сайте провайдера",
        typed_code="не сохранился",
        comment="Код подтверждения не пришёл на почту, участие подтверждает лист регистрации.",
    )
    resolve_support_request(actor=provider_staff, request=solved, participant_id=None)
    # …and another request, about a code that will not activate, waits for the provider.
    file_support_request(
        specialist=specialist,
        event_title=urgent.title,
        event_date=urgent.starts_on,
        place=urgent.location,
        typed_code="K7QM-2PXD-9RTA",
        comment="Код из свидетельства не активируется: «код не найден».",
    )
    # The hours of a ДПП completed at РостГМУ (the programme part of the cycle).
    cardiology = catalogue.specialty(catalogue.CARDIOLOGY)
    record_programme_hours(
        actor=organisation_staff,
        organisation=organisation,
        specialist=specialist,
        specialty=cardiology,
        hours=36,
        remote_hours=18,
        completed_on=today - timedelta(days=95),
        reference=PROGRAMME_REFERENCE,
    )
    # The plan: the congress attended, a module under way and two events ahead.
    for title in (
        catalogue.CONGRESS,
        catalogue.REHAB_MODULE,
        catalogue.LIPIDS_SCHOOL,
        catalogue.CARDIOLOGY_FORUM,
    ):
        add_plan_item(specialist=specialist, cycle=cycle, activity=activities[title])
    issued = len(congress_codes) + len(school_codes) + len(roster.codes)
    return CmeCounts(codes=issued, credits=6)
