"""Demo data for `make run`: the accounts of every role, the organisations of the two seed
regulations, providers and the accreditation commission, and the product at work — a
catalogue of some hundreds of accredited events and e-modules, a specialist mid-cycle, a
provider's codes and support requests, an expert's queue, and at НПЦ ДЗМ and РостГМУ
commissions, programmes, a cohort mid-way and an attestation decided today with its
documents.

Everything is made through the apps' services, as the people in each role would do it on
the pages. Loading is idempotent: each part is made once (an account that exists, a
provider that has applications, a specialist who has a cycle, an organisation that has
programmes is left as it is), all in one transaction. The e-mails the services send
while the demo loads go nowhere (`quiet_delivery`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from nmo.accounts.models import Organisation, OrganisationKind, Role, User
from nmo.accounts.selectors import has_role, user_for_email
from nmo.accounts.services import add_organisation, add_user
from nmo.catalog.models import Activity
from nmo.catalog.services import load_specialties
from nmo.demo import catalogue, cme, organisations
from nmo.demo.hashers import CHEAP_VARIANTS
from nmo.demo.people import Person, snils
from nmo.regulations.exceptions import RegulationNotFound
from nmo.regulations.selectors import current_version
from nmo.regulations.services import apply_preset, install_presets
from nmo.regulations.types import PresetCode

DEMO_PASSWORD = "demo-nmo-2026"  # noqa: S105 - printed for the demo on purpose

NPC = "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"
ROSTGMU = "ФГБОУ ВО РостГМУ Минздрава России"
PROVIDER = "Российское общество кардиологов"
ACADEMY = "АНО ДПО «Академия клинической медицины»"
PRIMARY_CARE = "Ассоциация врачей общей практики"
COMMISSION = "Координационный совет по развитию НМО"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    organisation: str | None
    last_name: str
    first_name: str
    middle_name: str
    title: str
    snils: str = ""
    password: str = DEMO_PASSWORD
    key: str = ""  # how the loader refers to it; empty for the six main accounts

    @property
    def person(self) -> Person:
        return Person(
            self.last_name,
            self.first_name,
            self.middle_name,
            female=self.middle_name.endswith("вна"),
        )


DEMO_ACCOUNTS = [
    DemoAccount(
        "admin@nmo.local",
        Role.ADMIN,
        None,
        "Администраторов",
        "Админ",
        "Админович",
        "администратор",
    ),
    DemoAccount(
        "specialist@nmo.local",
        Role.SPECIALIST,
        None,
        "Иванова",
        "Мария",
        "Петровна",
        "специалист (врач-кардиолог) в середине пятилетнего цикла",
        "112-233-445 95",
    ),
    DemoAccount(
        "provider@nmo.local", Role.PROVIDER, PROVIDER, "Смирнов", "Олег", "Игоревич", "провайдер"
    ),
    DemoAccount(
        "expert@nmo.local",
        Role.ACCREDITATION_EXPERT,
        COMMISSION,
        "Кузнецова",
        "Анна",
        "Сергеевна",
        "эксперт комиссии по НМО",
    ),
    DemoAccount(
        "npc-staff@nmo.local",
        Role.ORGANISATION_STAFF,
        NPC,
        "Попова",
        "Елена",
        "Викторовна",
        "учебный отдел НПЦ",
    ),
    DemoAccount(
        "rostgmu-staff@nmo.local",
        Role.ORGANISATION_STAFF,
        ROSTGMU,
        "Соколов",
        "Дмитрий",
        "Андреевич",
        "кафедра РостГМУ",
    ),
]

# The people the demo's story needs besides the six: the staff of two more providers, the
# commissions of НПЦ and РостГМУ, and two learners of each organisation with an account.
MORE_ACCOUNTS = [
    DemoAccount(
        "npc-admin@nmo.local",
        Role.ORGANISATION_ADMIN,
        NPC,
        "Федорова",
        "Ольга",
        "Алексеевна",
        "администратор организации НПЦ",
        key="npc-admin",
    ),
    DemoAccount(
        "rostgmu-admin@nmo.local",
        Role.ORGANISATION_ADMIN,
        ROSTGMU,
        "Волков",
        "Сергей",
        "Павлович",
        "администратор организации РостГМУ",
        key="rostgmu-admin",
    ),
    DemoAccount(
        "academy@nmo.local",
        Role.PROVIDER,
        ACADEMY,
        "Лебедева",
        "Ирина",
        "Олеговна",
        "провайдер «Академия клинической медицины»",
        key="academy",
    ),
    DemoAccount(
        "primary@nmo.local",
        Role.PROVIDER,
        PRIMARY_CARE,
        "Григорьев",
        "Павел",
        "Николаевич",
        "провайдер «Ассоциация врачей общей практики»",
        key="primary",
    ),
    DemoAccount(
        "npc-chair@nmo.local",
        Role.ORGANISATION_STAFF,
        NPC,
        "Орлова",
        "Татьяна",
        "Юрьевна",
        "председатель аттестационной комиссии НПЦ, начальник учебного отдела",
        key="npc-chair",
    ),
    DemoAccount(
        "npc-deputy@nmo.local",
        Role.SPECIALIST,
        None,
        "Морозов",
        "Андрей",
        "Викторович",
        "заместитель председателя комиссии НПЦ",
        snils(901),
        key="npc-deputy",
    ),
    DemoAccount(
        "npc-member@nmo.local",
        Role.SPECIALIST,
        None,
        "Захарова",
        "Наталья",
        "Сергеевна",
        "член комиссии НПЦ",
        snils(902),
        key="npc-member",
    ),
    DemoAccount(
        "npc-member2@nmo.local",
        Role.SPECIALIST,
        None,
        "Яковлев",
        "Игорь",
        "Павлович",
        "член комиссии НПЦ",
        snils(903),
        key="npc-member2",
    ),
    DemoAccount(
        "npc-secretary@nmo.local",
        Role.ORGANISATION_STAFF,
        NPC,
        "Никитина",
        "Марина",
        "Александровна",
        "секретарь комиссии НПЦ, методист учебного отдела",
        key="npc-secretary",
    ),
    DemoAccount(
        "rostgmu-chair@nmo.local",
        Role.SPECIALIST,
        None,
        "Романов",
        "Владимир",
        "Николаевич",
        "председатель аттестационной комиссии РостГМУ, заведующий кафедрой",
        snils(904),
        key="rostgmu-chair",
    ),
    DemoAccount(
        "rostgmu-member@nmo.local",
        Role.SPECIALIST,
        None,
        "Степанова",
        "Ольга",
        "Викторовна",
        "член комиссии РостГМУ",
        snils(905),
        key="rostgmu-member",
    ),
    DemoAccount(
        "rostgmu-member2@nmo.local",
        Role.SPECIALIST,
        None,
        "Макаров",
        "Кирилл",
        "Олегович",
        "член комиссии РостГМУ",
        snils(906),
        key="rostgmu-member2",
    ),
    DemoAccount(
        "rostgmu-secretary@nmo.local",
        Role.ORGANISATION_STAFF,
        ROSTGMU,
        "Павлова",
        "Екатерина",
        "Сергеевна",
        "секретарь комиссии РостГМУ",
        key="rostgmu-secretary",
    ),
    DemoAccount(
        "npc-learner@nmo.local",
        Role.SPECIALIST,
        None,
        "Белова",
        "Анна",
        "Дмитриевна",
        "слушатель НПЦ: аттестация пройдена, удостоверение выдано",
        snils(907),
        key="npc-passed",
    ),
    DemoAccount(
        "npc-retake@nmo.local",
        Role.SPECIALIST,
        None,
        "Гусев",
        "Евгений",
        "Алексеевич",
        "слушатель НПЦ: аттестация не пройдена, можно подать заявление на повторную",
        snils(908),
        key="npc-failed",
    ),
    DemoAccount(
        "rostgmu-learner@nmo.local",
        Role.SPECIALIST,
        None,
        "Комарова",
        "Елена",
        "Игоревна",
        "слушатель РостГМУ: экзамен сдан, диплом выдан",
        snils(909),
        key="rostgmu-passed",
    ),
    DemoAccount(
        "rostgmu-retake@nmo.local",
        Role.SPECIALIST,
        None,
        "Денисов",
        "Артём",
        "Сергеевич",
        "слушатель РостГМУ: экзамен не сдан, можно подать заявление на повторную",
        snils(910),
        key="rostgmu-failed",
    ),
]

ORGANISATION_KINDS = {
    NPC: OrganisationKind.EDUCATIONAL,
    ROSTGMU: OrganisationKind.EDUCATIONAL,
    PROVIDER: OrganisationKind.PROVIDER,
    ACADEMY: OrganisationKind.PROVIDER,
    PRIMARY_CARE: OrganisationKind.PROVIDER,
    COMMISSION: OrganisationKind.ACCREDITATION_COMMISSION,
}


# Loggers that write a line per task run or per PDF rendering step.
QUIET_LOGGERS = ("django_tasks", "weasyprint", "fontTools")


@dataclass
class DemoSummary:
    """What a load made; zeros on a second load."""

    accounts: int = 0
    activities: int = 0
    accredited: int = 0
    codes: int = 0
    credits: int = 0
    cohorts: int = 0
    learners: int = 0
    documents: int = 0
    seconds: float = 0.0


def _demo_hashers() -> list[str]:
    """The configured password hashers with a cheap variant of the first one in front, when
    the demo has one for its algorithm (`nmo.demo.hashers`)."""
    configured = list(settings.PASSWORD_HASHERS)
    first = import_string(configured[0])
    for base, cheap in CHEAP_VARIANTS:
        if first is base:
            return [cheap, *configured]
    return configured


@contextmanager
def quiet_delivery() -> Iterator[None]:
    """Run the tasks the services queue at once and send their e-mails nowhere: the
    notices of hundreds of accreditations, credits and decisions to demo addresses are
    not worth a line of log, nor a row in the task queue for the worker to send later.
    The demo password is hashed cheaply meanwhile (`_demo_hashers`), and the task runner's
    and the PDF renderer's progress lines are not logged."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        PASSWORD_HASHERS=_demo_hashers(),
    ):
        loggers = [logging.getLogger(name) for name in QUIET_LOGGERS]
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.setLevel(logging.WARNING)
        try:
            yield
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)


def _account(account: DemoAccount, summary: DemoSummary) -> User:
    """The demo account, created (or given its role) only when missing: a second load
    neither re-hashes the password nor writes an audit line."""
    user = user_for_email(account.email)
    organisation = None
    if account.organisation:
        organisation = add_organisation(
            name=account.organisation, kind=ORGANISATION_KINDS[account.organisation]
        )
    if user is not None and has_role(user, account.role, organisation):
        return user
    summary.accounts += user is None
    return add_user(
        email=account.email,
        password=account.password if user is None else None,
        role=account.role,
        organisation_name=account.organisation,
        last_name=account.last_name,
        first_name=account.first_name,
        middle_name=account.middle_name,
        snils=account.snils,
    )


def _catalogue(today: date, users: dict[str, User], summary: DemoSummary) -> dict[str, Activity]:
    """The providers' applications and the commission's decisions; returns the cardiology
    provider's activities by title (empty when the catalogue was loaded before)."""
    expert = users["expert@nmo.local"]
    codes, names = catalogue.specialties_for_generation()
    providers = (
        (PROVIDER, users["provider@nmo.local"]),
        (ACADEMY, users["academy@nmo.local"]),
        (PRIMARY_CARE, users["primary@nmo.local"]),
    )
    mine: dict[str, Activity] = {}
    for index, (name, staff) in enumerate(providers):
        if catalogue.has_applications(staff):
            continue
        applications = catalogue.generated_applications(
            today, codes[index :: len(providers)], names, offset=index * 50
        )
        if name == PROVIDER:
            applications = catalogue.cardiology_applications(today) + applications
        provider = add_organisation(name=name, kind=OrganisationKind.PROVIDER)
        made = catalogue.apply_and_decide(
            provider=provider, staff=staff, expert=expert, applications=applications
        )
        summary.activities += len(made)
        summary.accredited += sum(1 for a in made if a.is_in_catalogue)
        if name == PROVIDER:
            mine = {a.title: a for a in made}
    return mine


@transaction.atomic
def _load(summary: DemoSummary) -> None:
    today = timezone.localdate()
    load_specialties()
    install_presets()
    organisations_by_name: dict[str, Organisation] = {
        name: add_organisation(name=name, kind=kind) for name, kind in ORGANISATION_KINDS.items()
    }
    users = {a.email: _account(a, summary) for a in DEMO_ACCOUNTS + MORE_ACCOUNTS}
    by_key = {a.key: users[a.email] for a in MORE_ACCOUNTS}
    admin = users["admin@nmo.local"]
    # Each demo organisation works under its own seed regulation.
    for name, code in ((NPC, PresetCode.NPC_DZM), (ROSTGMU, PresetCode.ROSTGMU)):
        try:
            current_version(organisations_by_name[name])
        except RegulationNotFound:
            apply_preset(actor=admin, organisation=organisations_by_name[name], preset_code=code)

    activities = _catalogue(today, users, summary)

    specialist = users["specialist@nmo.local"]
    if activities and not cme.has_cycle(specialist):
        counts = cme.load_cme(
            today=today,
            specialist=specialist,
            provider_staff=users["provider@nmo.local"],
            organisation_staff=users["rostgmu-staff@nmo.local"],
            organisation=organisations_by_name[ROSTGMU],
            activities=activities,
        )
        summary.codes += counts.codes
        summary.credits += counts.credits

    learner_accounts = {
        a.key: (a.person, a.email) for a in MORE_ACCOUNTS if a.key.endswith(("-passed", "-failed"))
    }
    for plan in organisations.plans(learner_accounts):
        staff = users[f"{plan.key}-staff@nmo.local"]
        if organisations.has_programmes(staff):
            continue
        counts = organisations.load_organisation(
            plan,
            staff=staff,
            organisation=organisations_by_name[plan.name],
            accounts=by_key,
            today=today,
        )
        summary.cohorts += counts.cohorts
        summary.learners += counts.learners
        summary.documents += counts.documents
    organisations.apply_from_the_catalogue(specialist)


def load_demo() -> DemoSummary:
    """Load the demo (see the module's docstring) and say what was made."""
    summary = DemoSummary()
    started = time.monotonic()
    with quiet_delivery():
        _load(summary)
    summary.seconds = time.monotonic() - started
    return summary
