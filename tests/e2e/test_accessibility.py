"""The pages pass axe-core's WCAG 2.0/2.1 level A and AA rules: contrast, labels, landmarks…

The spec (README, «Pages») asks for WCAG 2.1 AA; axe is installed from tests/e2e/package-lock.json.
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from nmo.accounts.services import Registration, add_user, register_specialist
from nmo.catalog.selectors import providers_for
from nmo.catalog.services import decide_activity, load_specialties, submit_activity
from nmo.catalog.types import ActivityData, ActivityFormat, ActivityKind, Decision
from nmo.codes.services import activate_code, issue_codes
from nmo.cycles.services import enter_cycle
from tests.e2e.helpers import ensure_default_cycle_rule, sign_in, valid_snils

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
}"""


def _violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    # Evaluated over the DevTools protocol, which the page's Content-Security-Policy
    # (no inline scripts, ADR 0027) does not govern, unlike an injected <script>.
    page.evaluate(axe_source)
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def _describe(violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} WCAG violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Непрерывное медицинское образование и итоговая аттестация"),
        ("/accounts/register/", "Регистрация специалиста"),
        ("/accounts/login/", "Вход"),
        ("/accounts/password-reset/", "Восстановление пароля"),
    ],
    ids=["home", "register", "login", "password-reset"],
)
def test_public_page_has_no_wcag_a_or_aa_violations(
    page: Page, axe_source: str, path: str, heading: str
) -> None:
    """Each public page, as a visitor first sees it, breaks no WCAG 2.1 A/AA rule axe checks."""
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)


def test_registration_errors_have_no_wcag_a_or_aa_violations(page: Page, axe_source: str) -> None:
    """The registration form showing its errors (summary, red text, invalid fields) stays A/AA."""
    page.goto("/accounts/register/")
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("Фамилия"))

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)


# --- The CME pages: the catalogue, the cabinet, the activation form, a provider's codes ----

PASSWORD = "Kardio-Vesna-2026"
CARDIOLOGY = "31.08.36"


@dataclass(frozen=True)
class CmeWorld:
    """An accredited event with codes, one of them activated into a specialist's cycle."""

    provider_email: str
    specialist_email: str
    activity_id: int


@pytest.fixture
def cme_world() -> CmeWorld:
    """Made through the services, so that each page is checked with content in it: the
    catalogue lists the event, the cabinet shows a cycle's bars and a credit, the provider's
    page lists codes."""
    load_specialties()
    ensure_default_cycle_rule()
    provider = add_user(
        email="provider@scardio.example.ru",
        password=PASSWORD,
        role="provider",
        organisation_name="Российское общество кардиологов",
    )
    expert = add_user(
        email="expert@nmo.example.ru",
        password=PASSWORD,
        role="accreditation_expert",
        organisation_name="Координационный совет по НМО",
    )
    specialist = register_specialist(
        data=Registration(
            email="o.smirnova@example.org",
            password=PASSWORD,
            last_name="Смирнова",
            first_name="Ольга",
            middle_name="Викторовна",
            snils=valid_snils("123456789"),
            personal_data_consent=True,
        )
    )
    activity = submit_activity(
        actor=provider,
        provider=providers_for(provider).get(),
        data=ActivityData(
            kind=ActivityKind.EVENT,
            title="Актуальные вопросы кардиологии 2026",
            specialties=(CARDIOLOGY,),
            format=ActivityFormat.IN_PERSON,
            starts_on=date(2026, 3, 12),
            ends_on=date(2026, 3, 13),
            hours_requested=6,
            location="Москва, Краснопресненская наб., 12",
        ),
    )
    activity = decide_activity(
        actor=expert, activity=activity, decision=Decision.ACCREDITED, credits=6, comment=""
    )
    codes = issue_codes(actor=provider, activity=activity, count=3).codes
    enter_cycle(specialist=specialist, specialty_code=CARDIOLOGY, starts_on=date(2026, 1, 1))
    activate_code(specialist=specialist, typed_code=codes[0], ip="192.0.2.1")
    return CmeWorld(provider.email, specialist.email, activity.pk)


@pytest.mark.parametrize(
    ("who", "page_name", "heading"),
    [
        (None, "catalogue", "Каталог НМО: мероприятия, электронные модули и программы ДПП"),
        ("specialist", "cabinet", "Мой кабинет: план обучения"),
        ("specialist", "activation", "Активировать код подтверждения (ИКП)"),
        ("provider", "activity_codes", "Коды подтверждения и свидетельства НМО"),
    ],
    ids=["catalogue", "cabinet", "activation", "provider-codes"],
)
def test_cme_page_has_no_wcag_a_or_aa_violations(
    page: Page, axe_source: str, cme_world: CmeWorld, who: str | None, page_name: str, heading: str
) -> None:
    """The catalogue with an accredited event, the specialist's cabinet with a cycle and a
    credit, the activation form and the provider's codes page break no WCAG 2.1 A/AA rule
    axe checks."""
    if who is not None:
        email = cme_world.specialist_email if who == "specialist" else cme_world.provider_email
        sign_in(page, email, PASSWORD)
    path = {
        "catalogue": reverse("catalog:catalogue"),
        "cabinet": reverse("cycles:cabinet"),
        "activation": reverse("codes:activate"),
        "activity_codes": reverse("codes:activity_codes", args=[cme_world.activity_id]),
    }[page_name]
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)


def test_activation_refusal_has_no_wcag_a_or_aa_violations(
    page: Page, axe_source: str, cme_world: CmeWorld
) -> None:
    """The activation form refusing a code (the alert and its link to a support request)
    stays A/AA."""
    sign_in(page, cme_world.specialist_email, PASSWORD)
    page.goto(reverse("codes:activate"))
    page.get_by_label("Индивидуальный код подтверждения (ИКП)").fill("ZZZZ-ZZZZZZZZ")
    page.get_by_role("button", name="Активировать").click()
    expect(page.get_by_role("alert")).to_contain_text("Код не был активирован")

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)


# --- The study department's retake pages and the register --------------------------------


@pytest.mark.parametrize(
    ("page_name", "heading"),
    [
        ("retake_list", "Заявления о повторной итоговой аттестации"),
        ("retake_file", "Подать заявление за слушателя"),
        ("retake_file_refused", "Подать заявление за слушателя"),
        ("register", "Реестр выданных документов"),
        ("frdo_check", "Проверка сведений для ФИС ФРДО за 2026 год"),
    ],
    ids=["retake-list", "retake-file", "retake-file-refused", "register", "frdo-check"],
)
def test_staff_retake_and_register_pages_have_no_wcag_a_or_aa_violations(
    page: Page, axe_source: str, page_name: str, heading: str
) -> None:
    """The retake list with learners staff may file for, the form for filing a paper
    application (also showing a late application's refusal), the documents register and
    the check before the FRDO export (ADR 0114) break no WCAG 2.1 A/AA rule axe checks."""
    from nmo.attestation.tests.factories import PASSWORD as STAFF_PASSWORD
    from nmo.attestation.tests.test_retakes import retake_setup

    setup, failed, _, _ = retake_setup("npc")
    if page_name == "frdo_check":  # one document whose learner lacks the FRDO details
        from nmo.documents.tests.factories import enrol, issue, make_cohort, make_learner

        issue(setup.org, enrol(make_cohort(setup.org), make_learner(last_name="Жукова")))
    sign_in(page, setup.org.staff.email, STAFF_PASSWORD)
    file_path = reverse("attestation:retake_file", kwargs={"result_pk": failed.pk})
    page.goto(
        {
            "retake_list": reverse("attestation:retake_list"),
            "retake_file": file_path,
            "retake_file_refused": file_path,
            "register": reverse("documents:register"),
            "frdo_check": reverse("documents:frdo_check") + "?year=2026",
        }[page_name]
    )
    if page_name == "retake_file_refused":
        # Today is months after the window of the attestation of 30.04.2026.
        page.get_by_role("button", name=re.compile("Записать|Подать")).click()
        expect(page.get_by_role("alert")).to_contain_text("после срока")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)


def test_a_background_jobs_page_has_no_wcag_a_or_aa_violations(
    page: Page, axe_source: str, cme_world: CmeWorld
) -> None:
    """A job's status page while it runs (the progress bar, the polling status block)
    and after it failed (the alert with the reasons) stays A/AA (ADR 0017)."""
    from nmo.accounts.models import User
    from nmo.core.models import BackgroundJob, JobStatus

    owner = User.objects.get(email=cme_world.provider_email)
    running = BackgroundJob.objects.create(
        owner=owner, kind="codes.certificates", title="Свидетельства НМО (10)",
        status=JobStatus.RUNNING, total=10, done=4,
    )  # fmt: skip
    failed = BackgroundJob.objects.create(
        owner=owner, kind="codes.roster", title="Список участников",
        status=JobStatus.FAILED, errors=["Строка 3: неверный адрес электронной почты «x»."],
    )  # fmt: skip
    sign_in(page, cme_world.provider_email, PASSWORD)
    for job, text in ((running, "готово 4 из 10"), (failed, "Строка 3")):
        page.goto(reverse("web:job", args=[job.pk]))
        expect(page.get_by_text(text)).to_be_visible()
        violations = _violations(page, axe_source)
        assert violations == [], _describe(violations)


# --- Appeals (chapter 5 of both regulations) ---------------------------------------------


@pytest.mark.parametrize(
    ("who", "page_name", "heading"),
    [
        ("learner", "file", "Заявление о подаче апелляции"),
        ("learner", "detail", "Апелляция"),
        ("staff", "list", "Апелляции"),
        ("staff", "detail", "Апелляция"),
        ("staff", "commissions", "Апелляционные комиссии"),
        ("staff", "letters", "Уведомления"),
        ("staff", "book", "Книга протоколов"),
        ("member", "detail", "Апелляция"),
    ],
    ids=[
        "learner-file",
        "learner-appeal",
        "staff-register",
        "staff-hearing",
        "staff-commissions",
        "staff-letters",
        "staff-book",
        "member-hearing",
    ],
)
def test_appeal_pages_have_no_wcag_a_or_aa_violations(
    page: Page, axe_source: str, who: str, page_name: str, heading: str
) -> None:
    """The learner's application form and appeal page, the study department's register,
    the hearing page with its forms and documents, the commissions' orders, the letters
    to post and the book of protocols, and the hearing page as a member of the appeal
    commission sees it, break no WCAG 2.1 A/AA rule axe checks: the regulations' own
    learners with disabilities file appeals too (npc-5.10, rgmu-5.10)."""
    from django.utils import timezone

    from nmo.appeals.tests.factories import appeal_setup, file_as_learner, with_commission
    from nmo.attestation.tests.factories import PASSWORD as STAFF_PASSWORD

    today = timezone.localdate()
    s = appeal_setup("rgmu", decided_on=today)
    user = {"learner": s.learner, "staff": s.staff, "member": s.members[0]}[who]
    user.set_password(STAFF_PASSWORD)
    user.save(update_fields=["password"])
    url = reverse("appeals:appeal_file", kwargs={"result_pk": s.failed.pk})
    if page_name != "file":
        appeal = with_commission(s, file_as_learner(s, today), order_date=today)
        url = {
            "detail": appeal.get_absolute_url(),
            "list": reverse("appeals:appeal_list"),
            "commissions": reverse("appeals:commission_list"),
            "letters": reverse("appeals:letters"),
            "book": reverse("appeals:book"),
        }[page_name]
    sign_in(page, user.email, STAFF_PASSWORD)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)

    violations = _violations(page, axe_source)

    assert violations == [], _describe(violations)
