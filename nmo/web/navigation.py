"""The main menu, by role. Each app's pages are listed here under the URL names they
register; an entry whose URL does not exist (yet) is left out."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

PUBLIC = "public"
SIGNED_IN = "signed_in"


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    audience: tuple[str, ...]  # role codes, or PUBLIC / SIGNED_IN


MENU: tuple[NavEntry, ...] = (
    NavEntry("Главная", "web:home", (PUBLIC,)),
    NavEntry("Каталог НМО", "catalog:catalogue", (PUBLIC,)),
    NavEntry("Мой кабинет", "cycles:cabinet", ("specialist",)),
    NavEntry("Активировать код", "codes:activate", ("specialist",)),
    NavEntry("Мои мероприятия и модули", "catalog:provider_activities", ("provider",)),
    NavEntry("Заявки на оценку", "catalog:review_queue", ("accreditation_expert",)),
    NavEntry("Обращения по кодам", "codes:support_requests", ("provider", "admin")),
    NavEntry("Мои обращения", "codes:my_support_requests", ("specialist",)),
    NavEntry("Программы", "programmes:programme_list", ("organisation_staff",)),
    NavEntry("Группы", "programmes:cohort_list", ("organisation_staff",)),
    NavEntry("Комиссии", "attestation:commission_list", ("organisation_staff",)),
    NavEntry("Аттестации", "attestation:attestation_list", ("organisation_staff", "commission")),
    NavEntry("Моя аттестация", "attestation:learner_home", ("learner",)),
    NavEntry("Документы об обучении", "documents:register", ("organisation_staff",)),
    NavEntry("Мои документы", "documents:my_documents", ("learner",)),
    NavEntry("Положения", "regulations:regulation_list", ("organisation_staff", "admin")),
    NavEntry("Производственный календарь", "workcalendar:year_current", (SIGNED_IN,)),
    NavEntry("Специальности", "catalog:specialties", (PUBLIC,)),
    NavEntry("Моя организация", "accounts:organisation_admin", ("organisation_admin",)),
    NavEntry("Пользователи и роли", "accounts:user_list", ("admin",)),
    NavEntry("Журнал аудита", "web:audit_log", ("admin",)),
    NavEntry("Справочники", "admin:index", ("admin",)),
)


def menu_for(*, roles: set[str], signed_in: bool) -> list[tuple[str, str]]:
    """(label, url) pairs of the menu entries the person may open."""
    items: list[tuple[str, str]] = []
    for entry in MENU:
        visible = (
            PUBLIC in entry.audience
            or (signed_in and SIGNED_IN in entry.audience)
            or bool(roles.intersection(entry.audience))
        )
        if not visible:
            continue
        try:
            items.append((entry.label, reverse(entry.url_name)))
        except NoReverseMatch:
            continue
    return items
