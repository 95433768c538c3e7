"""The main menu and the start page, by role. Each app's pages are listed here under the URL
names they register; an entry whose URL does not exist (yet) is left out.

A menu shows what the role does: one line per page, in the order the role works (list
pages and queues, not forms — a form is reached from its list). Public pages are in the
menu of visitors and of the roles that use them. Add a page with one `NavEntry` line.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

PUBLIC = "public"  # everybody, signed in or not
ANONYMOUS = "anonymous"  # visitors who have not signed in
SIGNED_IN = "signed_in"  # everybody signed in

# Roles held outside memberships, added by their apps (see context_processors.extra_roles).
COMMISSION = "commission"
LEARNER = "learner"
APPEAL_COMMISSION = "appeal_commission"


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    audience: tuple[str, ...]  # role codes, or PUBLIC / ANONYMOUS / SIGNED_IN
    # The name of a count an app provides (`navigation_counts` of its AppConfig), shown
    # after the label when it is not zero: «На подпись (3)».
    count: str | None = None


@dataclass(frozen=True)
class MenuItem:
    """A menu line as the page shows it: the label, the URL and the count (0: none)."""

    label: str
    url: str
    count: int = 0

    @property
    def text(self) -> str:
        """What the link says, the count included: «На подпись (3)»."""
        return f"{self.label} ({self.count})" if self.count else self.label


MENU: tuple[NavEntry, ...] = (
    NavEntry("Главная", "web:home", (ANONYMOUS,)),
    NavEntry(
        "Каталог НМО",
        "catalog:catalogue",
        (ANONYMOUS, "specialist", "provider", "accreditation_expert"),
    ),
    # specialist
    NavEntry("Мой кабинет", "cycles:cabinet", ("specialist",)),
    NavEntry("Активировать код", "codes:activate", ("specialist",)),
    NavEntry("Мои обращения", "codes:my_support_requests", ("specialist",)),
    NavEntry("Заявки на ДПП", "programmes:my_applications", ("specialist",)),
    # provider and accreditation expert
    NavEntry("Мои мероприятия и модули", "catalog:provider_activities", ("provider",)),
    NavEntry("Заявки на оценку", "catalog:review_queue", ("accreditation_expert",)),
    NavEntry("Обращения по кодам", "codes:support_requests", ("provider", "admin")),
    # organisation staff and commission members
    NavEntry("Программы", "programmes:programme_list", ("organisation_staff",)),
    NavEntry("Группы", "programmes:cohort_list", ("organisation_staff",)),
    NavEntry("Заявки", "programmes:application_list", ("organisation_staff",)),
    NavEntry("Комиссии", "attestation:commission_list", ("organisation_staff",)),
    NavEntry(
        "Аттестации",
        "attestation:attestation_list",
        ("organisation_staff", COMMISSION, "commission_member"),
    ),
    NavEntry("На подпись", "web:to_sign", (COMMISSION, APPEAL_COMMISSION), count="to_sign"),
    NavEntry("Пересдачи", "attestation:retake_list", ("organisation_staff",)),
    NavEntry("Тесты", "testing:index", ("organisation_staff", COMMISSION, "commission_member")),
    NavEntry("Апелляции", "appeals:appeal_list", ("organisation_staff", APPEAL_COMMISSION)),
    NavEntry("Документы", "documents:register", ("organisation_staff",)),
    NavEntry("Положения", "regulations:regulation_list", ("organisation_staff", "admin")),
    # learner
    NavEntry("Моя аттестация", "attestation:learner_home", (LEARNER,)),
    NavEntry("Мои тесты", "testing:my_tests", (LEARNER,)),
    NavEntry("Мои пересдачи", "attestation:my_retakes", (LEARNER,)),
    NavEntry("Специальные условия", "programmes:my_special_conditions", (LEARNER,)),
    NavEntry("Мои апелляции", "appeals:appeal_list", (LEARNER,)),
    NavEntry("Мои документы", "documents:my_documents", (LEARNER,)),
    # organisation administrator
    NavEntry("Моя организация", "accounts:organisation_admin", ("organisation_admin",)),
    # administrator
    NavEntry("Пользователи и роли", "accounts:user_list", ("admin",)),
    NavEntry("Журнал аудита", "web:audit_log", ("admin",)),
    NavEntry("Производственный календарь", "workcalendar:year_current", ("admin",)),
    NavEntry("Специальности", "catalog:specialties", (ANONYMOUS, "specialist", "admin")),
    NavEntry("Справочники", "admin:index", ("admin",)),
)

# Where a person lands after signing in: the first line whose role the person holds.
# A URL that does not exist (yet) is skipped; nobody matched lands on the home page.
START_PAGES: tuple[tuple[str, str], ...] = (
    ("admin", "accounts:user_list"),
    ("organisation_admin", "accounts:organisation_admin"),
    ("organisation_staff", "attestation:attestation_list"),
    (COMMISSION, "attestation:attestation_list"),
    ("commission_member", "attestation:attestation_list"),
    (APPEAL_COMMISSION, "appeals:appeal_list"),
    ("accreditation_expert", "catalog:review_queue"),
    ("provider", "catalog:provider_activities"),
    ("specialist", "cycles:cabinet"),
    (LEARNER, "attestation:learner_home"),
)
HOME = "web:home"


def _visible(entry: NavEntry, roles: set[str], signed_in: bool) -> bool:
    audience = set(entry.audience)
    return (
        PUBLIC in audience
        or (not signed_in and ANONYMOUS in audience)
        or (signed_in and SIGNED_IN in audience)
        or (signed_in and bool(roles & audience))
    )


def _reverse(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def menu_items(
    *, roles: set[str], signed_in: bool, counts: Callable[[str], int] | None = None
) -> list[MenuItem]:
    """The menu entries the person may open, each URL once; an entry with a `count` asks
    `counts(name)` for its number — only for the entries shown."""
    items: list[MenuItem] = []
    seen: set[str] = set()
    for entry in MENU:
        if not _visible(entry, roles, signed_in):
            continue
        url = _reverse(entry.url_name)
        if url is None or url in seen:
            continue
        seen.add(url)
        number = counts(entry.count) if entry.count and counts is not None else 0
        items.append(MenuItem(entry.label, url, number))
    return items


def menu_for(*, roles: set[str], signed_in: bool) -> list[tuple[str, str]]:
    """(label, url) pairs of the menu entries the person may open, each URL once."""
    return [(i.label, i.url) for i in menu_items(roles=roles, signed_in=signed_in)]


def start_page_for(roles: Iterable[str]) -> str:
    """The URL a person holding `roles` lands on after signing in."""
    held = set(roles)
    for role, url_name in START_PAGES:
        if role in held:
            url = _reverse(url_name)
            if url is not None:
                return url
    return reverse(HOME)
