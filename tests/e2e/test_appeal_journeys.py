"""Browser journeys of an appeal, one per preset (chapter 5 of both regulations): the
learner files in the cabinet, the study department gives the appeal its commission and
schedules the hearing, the commission's chair records the attendance and its secretary
the vote and the decision, the study department applies it to the result (ADR 0402),
everyone present signs the protocol on the page, the protocol PDF says what was decided,
and the learner sees the new grade and the new document of its kind."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from nmo.appeals import services
from nmo.appeals.models import Appeal, AppealProtocol
from nmo.appeals.tests.factories import appeal_setup
from nmo.attestation.tests.factories import PASSWORD
from tests.e2e.helpers import main_menu, open_pdf, sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)


def _learner_files(page: Page, s) -> Appeal:
    learner = s.learner
    learner.set_password(PASSWORD)
    learner.save(update_fields=["password"])
    sign_in(page, learner.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Мои апелляции").click()
    page.get_by_role("link", name=re.compile("^Подать апелляцию")).click()
    page.get_by_label("о несогласии с результатами итоговой аттестации").check()
    page.get_by_label("Содержание претензии").fill(
        "Не согласна с оценкой за тестирование: вопросы 4 и 7 засчитаны неверно."
    )
    page.get_by_label("Контактный телефон").fill("+7 900 123-45-67")
    page.get_by_label("Почтовый адрес для уведомления о решении").fill("г. Москва, ул. Тверская, 1")
    page.get_by_role("button", name="Подать апелляцию").click()
    expect(page.locator("#appeal-status")).to_have_text("Подана, ожидает назначения заседания")
    sign_out(page)
    return Appeal.objects.get(learner=learner)


def _staff_schedules(page: Page, s, appeal: Appeal, per_appeal: bool) -> None:
    """The study department gives the appeal its commission and schedules the hearing."""
    today = timezone.localdate().strftime("%d.%m.%Y")
    sign_in(page, s.staff.email, PASSWORD)
    page.goto(appeal.get_absolute_url())
    if per_appeal:
        form = page.locator("form[action$='/commission/']")
        form.get_by_label("Номер приказа").fill("45-р")
        form.get_by_label("Дата приказа").fill(today)
        academic = "научно-педагогический работник"  # rgmu-5.5
        form.get_by_label("Председатель: e-mail сотрудника").fill(s.chair.email)
        form.get_by_label("Председатель: кем является в организации").select_option(label=academic)
        form.get_by_label("Заместитель председателя: e-mail").fill(s.deputy.email)
        form.get_by_label("Заместитель председателя: кем является в организации").select_option(
            label=academic
        )
        form.locator("#c_members").fill("\n".join(f"{m.email}; доцент" for m in s.members))
        form.get_by_label("Члены комиссии: кем являются в организации").select_option(
            label=academic
        )
        form.get_by_label("Секретарь: e-mail").fill(s.secretary.email)
        form.get_by_role("button", name="Утвердить состав").click()
    else:
        page.get_by_label("Постоянная апелляционная комиссия").select_option(index=1)
        page.get_by_role("button", name="Назначить комиссию").click()
    expect(page.get_by_role("definition").filter(has_text="(приказ № ")).to_be_visible()
    page.get_by_label("Дата заседания").fill(today)
    page.get_by_label("Место заседания").fill("ауд. 5")
    page.get_by_role("button", name="Назначить заседание").click()
    expect(page.locator("#appeal-status")).to_have_text(
        "Назначено заседание апелляционной комиссии"
    )
    sign_out(page)


def _commission_hears_and_decides(page: Page, s, appeal: Appeal, grade_label: str) -> None:
    """The chair records who attended; the secretary records the open vote and the
    decision (npc-5.7, npc-5.9) — the commission's own accounts, on the appeal's page."""
    sign_in(page, s.chair.email, PASSWORD)
    page.goto(appeal.get_absolute_url())
    hearing = page.locator("form[action$='/hearing/']")
    for box in hearing.get_by_role("checkbox").all():
        box.check()
    hearing.get_by_label("заявитель лично").check()
    hearing.get_by_label("Содержание обсуждения").fill("Ответы на вопросы 4 и 7 верны.")
    hearing.get_by_role("button", name="Отметить присутствие").click()
    expect(page.get_by_text("Присутствие отмечено.")).to_be_visible()
    sign_out(page)
    sign_in(page, s.secretary.email, PASSWORD)
    page.goto(appeal.get_absolute_url())
    decision = page.locator("form[action$='/decide/']")
    decision.get_by_label("удовлетворить апелляцию с новым результатом").check()
    decision.get_by_label("Новый результат (при удовлетворении с результатом)").select_option(
        label=grade_label
    )
    for vote in decision.locator("input[type=radio][value=for]").all():
        vote.check()
    decision.get_by_role("button", name="Принять решение").click()
    expect(page.locator("#appeal-outcome")).to_contain_text(f"«{grade_label}»")
    sign_out(page)


def _staff_applies(page: Page, s, appeal: Appeal) -> None:
    """The study department applies the decision to the result: the new grade and the
    qualification document (ADR 0402)."""
    sign_in(page, s.staff.email, PASSWORD)
    page.goto(appeal.get_absolute_url())
    # Issuing the qualification document renders its PDF: give it time.
    page.get_by_role("button", name="Применить решение к результату").click(timeout=90_000)
    expect(
        page.get_by_text("Решение апелляционной комиссии применено к результату.")
    ).to_be_visible(timeout=90_000)
    sign_out(page)


def _everyone_present_signs(page: Page, s, appeal: Appeal) -> None:
    """Each person present signs the protocol on the appeal's page (npc-5.16)."""
    for person in (s.chair, s.deputy, *s.members, s.secretary):
        sign_in(page, person.email, PASSWORD)
        page.goto(appeal.get_absolute_url())
        page.get_by_role("button", name="Подписать протокол").click()
        expect(page.get_by_text("Протокол подписан.")).to_be_visible()
        sign_out(page)


def _journey(page: Page, key: str, grade_label: str, document_kind: str) -> None:
    s = appeal_setup(key, decided_on=timezone.localdate())
    if key == "npc":
        services.form_appeal_commission(
            actor=s.staff, organisation=s.org.organisation,
            data=s.commission_data(timezone.localdate()),
        )  # fmt: skip
    appeal = _learner_files(page, s)
    _staff_schedules(page, s, appeal, per_appeal=key == "rgmu")
    _commission_hears_and_decides(page, s, appeal, grade_label)
    _staff_applies(page, s, appeal)
    _everyone_present_signs(page, s, appeal)
    protocol = AppealProtocol.objects.get(appeal=appeal)
    assert protocol.is_frozen
    sign_in(page, s.chair.email, PASSWORD)
    page.goto(appeal.get_absolute_url())
    text = open_pdf(page, page.get_by_role("link", name="PDF", exact=True))
    assert f"Протокол № {protocol.number}" in text
    assert "удовлетворить апелляцию с результатом" in text
    assert f": {grade_label}" in text
    assert "подписано в системе" in text
    assert s.learner.full_name in text
    sign_out(page)
    sign_in(page, s.learner.email, PASSWORD)
    main_menu(page).get_by_role("link", name="Моя аттестация").click()
    expect(page.get_by_text(f"Итоговая оценка: {grade_label}.")).to_be_visible()
    expect(page.get_by_text("итоговая аттестация пройдена").first).to_be_visible()
    main_menu(page).get_by_role("link", name="Мои документы").click()
    issued = page.get_by_role("table", name="Выданные документы, сначала последние")
    row = issued.get_by_role("row").filter(has_text=s.attestation.programme.title)
    expect(row).to_have_count(1)
    expect(row.get_by_role("rowheader")).to_contain_text(document_kind)
    expect(row).to_contain_text("действителен")


def test_npc_learner_appeals_and_gets_zachteno_and_the_certificate(page: Page) -> None:
    """npc-5.10, npc-5.16, npc-app3: a learner files in the cabinet, the standing
    commission (its chair and secretary) hears and satisfies the appeal with «зачтено», the
    protocol is signed by everyone present, and the learner sees «зачтено» and the
    удостоверение."""
    _journey(page, "npc", "зачтено", "Удостоверение о повышении квалификации")


def test_rgmu_learner_appeals_and_gets_a_new_grade_and_the_diploma(page: Page) -> None:
    """rgmu-5.3, rgmu-app4: the commission is formed for the appeal by the rector's order,
    satisfies it with «хорошо» (its chair and secretary on the pages), the protocol is
    signed by everyone present, and the learner sees «хорошо» and the diploma."""
    _journey(page, "rgmu", "хорошо", "Диплом о профессиональной переподготовке")
