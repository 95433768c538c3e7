"""Demo data for `make run`: one account per role, the organisations of the two seed
regulations, a provider and the accreditation commission. Idempotent."""

from dataclasses import dataclass

from django.db import transaction

from nmo.accounts.models import OrganisationKind, Role
from nmo.accounts.services import add_organisation, add_user
from nmo.regulations.exceptions import RegulationNotFound
from nmo.regulations.selectors import current_version
from nmo.regulations.services import apply_preset, install_presets
from nmo.regulations.types import PresetCode

DEMO_PASSWORD = "demo-nmo-2026"  # noqa: S105 - printed for the demo on purpose

NPC = "ГБУЗ «НПЦ спец.мед.помощи детям ДЗМ»"
ROSTGMU = "ФГБОУ ВО РостГМУ Минздрава России"
PROVIDER = "Российское общество кардиологов"
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
        "специалист (врач)",
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

ORGANISATION_KINDS = {
    NPC: OrganisationKind.EDUCATIONAL,
    ROSTGMU: OrganisationKind.EDUCATIONAL,
    PROVIDER: OrganisationKind.PROVIDER,
    COMMISSION: OrganisationKind.ACCREDITATION_COMMISSION,
}


@transaction.atomic
def load_demo() -> None:
    organisations = {
        name: add_organisation(name=name, kind=kind) for name, kind in ORGANISATION_KINDS.items()
    }
    install_presets()
    admin = None
    for account in DEMO_ACCOUNTS:
        user = add_user(
            email=account.email,
            password=account.password,
            role=account.role,
            organisation_name=account.organisation,
            last_name=account.last_name,
            first_name=account.first_name,
            middle_name=account.middle_name,
            snils=account.snils,
        )
        if account.role == Role.ADMIN:
            admin = user
    # Each demo organisation works under its own seed regulation.
    for name, code in ((NPC, PresetCode.NPC_DZM), (ROSTGMU, PresetCode.ROSTGMU)):
        try:
            current_version(organisations[name])
        except RegulationNotFound:
            apply_preset(actor=admin, organisation=organisations[name], preset_code=code)
