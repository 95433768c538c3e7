"""CME credits, end to end (issue «CME credits», point 12): a provider submits an event, the
commission accredits it, the provider issues confirmation codes and certificates, and a new
specialist activates a code, typed carelessly, into the cycle they entered.

Black-box: after the accounts are made in Python, everything happens in the browser; elements
are found by role and label, as a person (or a screen reader) finds them.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from nmo.accounts.services import add_user
from nmo.catalog.services import load_specialties
from nmo.codes.documents import INSTANT_CERTIFICATES
from tests.e2e.helpers import ensure_default_cycle_rule, main_menu, sign_in, sign_out, valid_snils

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Kardio-Vesna-2026"
PROVIDER_EMAIL = "provider@scardio.example.ru"
PROVIDER_ORG = "Российское общество кардиологов"
EXPERT_EMAIL = "expert@nmo.example.ru"
EXPERT_ORG = "Координационный совет по НМО"

TITLE = "Актуальные вопросы кардиологии 2026"
SPECIALTY = "Кардиология"
SPECIALTY_OPTION = "Кардиология (31.08.36)"
STARTS_ON, ENDS_ON = "2026-03-12", "2026-03-13"
LOCATION = "Москва, Краснопресненская наб., 12"
CREDITS = 6
EVENTS_REQUIRED = 16  # the default rule: 16 h of events in a 144-h cycle (faq-cycle-hours)
CYCLE_STARTS_ON = "2026-01-01"

LAST, FIRST, MIDDLE = "Смирнова", "Ольга", "Викторовна"
SPECIALIST_EMAIL = "o.smirnova@example.org"
SPECIALIST_SNILS = valid_snils("123456789")

CODE = re.compile(r"(?<![A-Z0-9])[A-NP-Z0-9]{4}-[A-NP-Z0-9]{8}(?![A-Z0-9])")
ISSUE_BATCH = 3
# A code has a zero in about 29% of cases; more batches are issued (up to this many in all)
# until one has, so that typing «o» for zero is always exercised.
MAX_BATCHES = 12
MADE_UP_CODE = "ZZZZ-ZZZZZZZZ"
NOT_ACTIVATED = "Код не был активирован. Возможно код неверен или уже был активирован ранее"
EVENTS_BAR = "Учебные мероприятия"


def _messy(code: str) -> str:
    """The code as a hurried person types it: lower case, two spaces instead of the dash, a
    stray dot, and every digit 0 typed as the letter «o» (faq-ikp-normalize)."""
    head, tail = code.lower().split("-")
    return f" {head}  {tail[:3]}.{tail[3:]} ".replace("0", "o")


def _codes_in_pdf(path: Path) -> list[str]:
    """The codes printed in the PDF, each once, in the order of the certificates. A page
    prints its code twice: in the box and in the verification address."""
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return list(dict.fromkeys(CODE.findall(text)))


@pytest.fixture
def cme_staff() -> None:
    """The provider's employee and the commission's expert, and the reference data."""
    load_specialties()
    ensure_default_cycle_rule()
    add_user(
        email=PROVIDER_EMAIL,
        password=PASSWORD,
        role="provider",
        organisation_name=PROVIDER_ORG,
        last_name="Кузнецов",
        first_name="Андрей",
    )
    add_user(
        email=EXPERT_EMAIL,
        password=PASSWORD,
        role="accreditation_expert",
        organisation_name=EXPERT_ORG,
        last_name="Орлова",
        first_name="Елена",
    )


def _provider_submits_the_event(page: Page) -> None:
    sign_in(page, PROVIDER_EMAIL, PASSWORD)
    main_menu(page).get_by_role("link", name="Мои мероприятия и модули").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Мои мероприятия и модули")
    page.get_by_role("main").get_by_role("link", name="Подать заявку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Заявка на оценку мероприятия или модуля"
    )

    form = page.get_by_role("form", name="Заявка на оценку")
    form.get_by_role("combobox", name="Вид", exact=True).select_option(label="Учебное мероприятие")
    form.get_by_role("textbox", name="Название", exact=True).fill(TITLE)
    form.get_by_role("listbox", name="Специальности").select_option(label=SPECIALTY_OPTION)
    form.get_by_role("combobox", name="Формат", exact=True).select_option(label="Очно (аудиторно)")
    form.get_by_label("Дата начала").fill(STARTS_ON)
    form.get_by_label("Дата окончания").fill(ENDS_ON)
    form.get_by_role("textbox", name="Место проведения", exact=True).fill(LOCATION)
    expect(form.get_by_role("textbox", name="Страна", exact=True)).to_have_value("RU")
    form.get_by_role("spinbutton", name="Запрошено часов (кредитов)").fill(str(CREDITS))
    form.get_by_role("button", name="Подать заявку").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_contain_text("подана на оценку")
    # Not in the catalogue yet (faq-catalogue-providers): the page says so.
    expect(page.get_by_role("note")).to_contain_text("нет в каталоге")
    main_menu(page).get_by_role("link", name="Мои мероприятия и модули").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("Подана на оценку")
    sign_out(page)


def _expert_accredits_it(page: Page) -> None:
    sign_in(page, EXPERT_EMAIL, PASSWORD)
    main_menu(page).get_by_role("link", name="Заявки на оценку").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Заявки на оценку")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_role("main")).to_contain_text(PROVIDER_ORG)

    decision = page.get_by_role("form", name="Решение комиссии")
    decision.get_by_role("radio", name="Аккредитовать").check()
    decision.get_by_label("Кредиты (ЗЕТ)").fill(str(CREDITS))
    decision.get_by_role("button", name="Принять решение").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Заявки на оценку")
    expect(page.get_by_role("status")).to_contain_text("принято: аккредитована")
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)

    # Accredited, the event is in the public catalogue (faq-catalogue-providers).
    main_menu(page).get_by_role("link", name="Каталог НМО").click()
    expect(page.get_by_role("main").get_by_role("link", name=TITLE)).to_be_visible()
    sign_out(page)


def _provider_issues_codes_and_certificates(page: Page) -> str:
    """Return a code read from the certificates' PDF, with a zero in it."""
    sign_in(page, PROVIDER_EMAIL, PASSWORD)
    main_menu(page).get_by_role("link", name="Мои мероприятия и модули").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("Аккредитована")
    row.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("note")).to_have_count(0)
    page.get_by_role("link", name="Коды подтверждения и свидетельства").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Коды подтверждения и свидетельства НМО"
    )

    codes_table = page.get_by_role("table", name=re.compile("^Коды мероприятия"))
    issue = page.get_by_role("form", name="Выпустить коды без списка")
    on_page: list[str] = []
    for batch in range(1, MAX_BATCHES + 1):
        issue.get_by_label("Сколько кодов выпустить").fill(str(ISSUE_BATCH))
        issue.get_by_role("button", name="Выпустить коды").click()
        expect(page.get_by_role("status")).to_have_text(f"Готово: Выпущено кодов: {ISSUE_BATCH}.")
        issued = batch * ISSUE_BATCH
        expect(codes_table).to_have_accessible_name(f"Коды мероприятия (всего: {issued})")
        # Each code shows twice in its row: in the code cell and in its PDF link's name.
        on_page = list(dict.fromkeys(CODE.findall(codes_table.inner_text())))
        assert len(on_page) == issued
        # More certificates than a download renders at once, so that the background job
        # prepares the file (ADR 0017), and a code with a zero to type.
        if issued > INSTANT_CERTIFICATES and any("0" in code for code in on_page):
            break

    page.get_by_role("button", name=re.compile("^Подготовить PDF")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Свидетельства НМО")
    expect(page.get_by_text("Готово.")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Скачать результат").click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    in_pdf = _codes_in_pdf(Path(download.path()))
    # A certificate for each code the page lists, and no other, one page each.
    assert sorted(in_pdf) == sorted(on_page)
    assert len(PdfReader(download.path()).pages) == len(on_page)
    with_zero = [c for c in in_pdf if "0" in c]
    assert with_zero, f"no code with a zero in {len(in_pdf)} codes"
    sign_out(page)
    return with_zero[0]


def _specialist_registers_and_enters_a_cycle(page: Page) -> None:
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="Регистрация").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Регистрация специалиста")
    for label, value in (
        ("Фамилия", LAST),
        ("Имя", FIRST),
        ("Отчество", MIDDLE),
        ("Электронная почта", SPECIALIST_EMAIL),
        ("СНИЛС", SPECIALIST_SNILS),
        ("Пароль", PASSWORD),
    ):
        page.get_by_role("textbox", name=label, exact=True).fill(value)
    page.get_by_label(re.compile("^Я даю согласие")).check()
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.get_by_role("status")).to_contain_text("Регистрация завершена")

    main_menu(page).get_by_role("link", name="Мой кабинет").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Мой кабинет: план обучения")
    enter = page.get_by_role("form", name="Вступить в пятилетний цикл")
    enter.get_by_label("Специальность").select_option(label=SPECIALTY)
    enter.get_by_label("Дата начала цикла").fill(CYCLE_STARTS_ON)
    enter.get_by_role("button", name="Вступить в цикл").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"Вы вступили в пятилетний цикл по специальности «{SPECIALTY}» (01.01.2026–31.12.2030)"
    )
    cycle = page.get_by_role("region", name=SPECIALTY)
    events = cycle.get_by_role("progressbar", name=EVENTS_BAR)
    expect(events).to_have_attribute("aria-valuenow", "0")
    expect(events).to_have_attribute("aria-valuemax", str(EVENTS_REQUIRED))
    expect(cycle.get_by_text(f"0 из {EVENTS_REQUIRED} ч")).to_be_visible()
    history = page.get_by_role("table", name="Журнал начисленных кредитов")
    expect(history).to_contain_text("Кредитов пока нет")


def _activate(page: Page, typed: str) -> None:
    main_menu(page).get_by_role("link", name="Активировать код").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Активировать код подтверждения (ИКП)"
    )
    field = page.get_by_label("Индивидуальный код подтверждения (ИКП)")
    expect(field).to_be_focused()
    field.fill(typed)
    page.get_by_role("button", name="Активировать").click()


@pytest.mark.clause(
    "faq-catalogue-providers",
    "faq-certificate",
    "faq-ikp-activation",
    "faq-ikp-normalize",
    "faq-cycle-hours",
)
def test_provider_event_becomes_credits_in_a_specialists_cycle(cme_staff: None, page: Page) -> None:
    """A provider submits an event and it stays out of the catalogue until an expert of the
    commission accredits it with 6 credits; then it is listed (faq-catalogue-providers). The
    provider — not the commission — issues the codes and downloads the certificates in one
    PDF, a certificate for each code (faq-certificate). A new specialist enters a five-year cycle in
    cardiology, events part 0 of 16 h (faq-cycle-hours), and activates a code typed in lower
    case, with spaces, a dot and «o» for zero (faq-ikp-normalize): the event and its 6 credits
    appear in the plan — the events bar now reads 6 of 16 h and the credit history lists it
    (faq-ikp-activation). The same code again is «already yours», a made-up one is refused
    with the one message that reveals nothing, and neither adds credits."""
    _provider_submits_the_event(page)
    _expert_accredits_it(page)
    code = _provider_issues_codes_and_certificates(page)
    _specialist_registers_and_enters_a_cycle(page)

    # The code, typed carelessly, is read as meant.
    typed = _messy(code)
    assert "-" not in typed
    assert "0" not in typed
    assert "o" in typed
    _activate(page, typed)
    success = page.get_by_role("status")
    expect(success).to_contain_text(f"Код {code} активирован.")
    expect(success).to_contain_text(f"Мероприятие «{TITLE}»: начислено кредитов — {CREDITS}.")
    expect(page.get_by_label("Индивидуальный код подтверждения (ИКП)")).to_have_value("")

    # The cabinet: the events part has moved, the history lists the event.
    main_menu(page).get_by_role("link", name="Мой кабинет").click()
    cycle = page.get_by_role("region", name=SPECIALTY)
    events = cycle.get_by_role("progressbar", name=EVENTS_BAR)
    expect(events).to_have_attribute("aria-valuenow", str(CREDITS))
    expect(events).to_have_attribute("aria-valuetext", f"{CREDITS} из {EVENTS_REQUIRED} ч")
    remaining = EVENTS_REQUIRED - CREDITS
    expect(
        cycle.get_by_text(f"{CREDITS} из {EVENTS_REQUIRED} ч — осталось {remaining} ч")
    ).to_be_visible()
    total = cycle.get_by_role("progressbar", name="Всего")
    expect(total).to_have_attribute("aria-valuenow", str(CREDITS))
    history = page.get_by_role("table", name="Журнал начисленных кредитов")
    entry = history.get_by_role("row").filter(has_text=TITLE)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("13.03.2026")
    expect(entry).to_contain_text(PROVIDER_ORG)
    expect(entry).to_contain_text("Активация ИКП")
    expect(entry.get_by_role("cell", name=str(CREDITS), exact=True)).to_be_visible()
    expect(entry).to_contain_text(SPECIALTY)

    # The same code again: friendly, nothing more credited.
    _activate(page, code)
    expect(page.get_by_role("status")).to_contain_text("Этот код вы уже активировали")
    expect(page.get_by_role("alert")).to_have_count(0)

    # A made-up code: the one message that tells nothing about the code.
    _activate(page, MADE_UP_CODE)
    refusal = page.get_by_role("alert")
    expect(refusal.get_by_text(NOT_ACTIVATED, exact=True)).to_be_visible()
    expect(refusal.get_by_role("link", name=re.compile("Направьте обращение"))).to_be_visible()

    main_menu(page).get_by_role("link", name="Мой кабинет").click()
    events = page.get_by_role("region", name=SPECIALTY).get_by_role("progressbar", name=EVENTS_BAR)
    expect(events).to_have_attribute("aria-valuenow", str(CREDITS))
    expect(history.get_by_role("row").filter(has_text=TITLE)).to_have_count(1)
