"""Russian in sentences (nmo.core.russian, ADR 0028): numbers agree with their words for
every number a document may print, names decline by the person's sex, unit names go into
a phrase by their head noun."""

import pytest
from django.template import Context, Template
from hypothesis import given, settings
from hypothesis import strategies as st

from nmo.core import russian

# (word, its forms after 1 / 2–4 / 5–20): what a grammar book says, written out by hand.
COUNTING = [
    ("час", ("час", "часа", "часов")),
    ("день", ("день", "дня", "дней")),
    ("человек", ("человек", "человека", "человек")),
    ("слушатель", ("слушатель", "слушателя", "слушателей")),
    ("зачётная единица", ("зачётная единица", "зачётные единицы", "зачётных единиц")),
    ("академический час", ("академический час", "академических часа", "академических часов")),
    ("этап", ("этап", "этапа", "этапов")),
    ("документ", ("документ", "документа", "документов")),
    # A head noun with a word depending on it: only the head agrees.
    ("протокол заседания", ("протокол заседания", "протокола заседания", "протоколов заседания")),
    (
        "документ на подпись",
        ("документ на подпись", "документа на подпись", "документов на подпись"),
    ),
    # An adjective that also reads as a noun («рабочий») agrees with the noun after it.
    ("рабочий день", ("рабочий день", "рабочих дня", "рабочих дней")),
]


def form_for(n: int, forms: tuple[str, str, str]) -> str:
    last_two, last = n % 100, n % 10
    if 11 <= last_two <= 14:
        return forms[2]
    if last == 1:
        return forms[0]
    if 2 <= last <= 4:
        return forms[1]
    return forms[2]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=1000), st.sampled_from(COUNTING))
def test_every_number_from_0_to_1000_agrees_with_its_word(n, case):
    word, forms = case
    assert russian.number_with(n, word) == f"{n} {form_for(n, forms)}"


def test_all_numbers_0_to_1000_for_hours_and_credits():
    """The whole range, not a sample: «1 час, 2 часа, 5 часов, 11 часов, 21 час, 101
    зачётная единица, 112 зачётных единиц», and a phrase of two nouns («2 протокола
    заседания», not «2 протокола заседаний»)."""
    two_nouns = dict(COUNTING)["протокол заседания"]
    for n in range(0, 1001):
        assert russian.agree("час", n) == form_for(n, COUNTING[0][1]), n
        assert russian.agree("зачётная единица", n) == form_for(n, COUNTING[4][1]), n
        assert russian.agree("протокол заседания", n) == form_for(n, two_nouns), n


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 час"),
        (2, "2 часа"),
        (5, "5 часов"),
        (11, "11 часов"),
        (21, "21 час"),
        (111, "111 часов"),
        (1000, "1000 часов"),
    ],
)
def test_hours_as_the_issue_lists_them(n, expected):
    assert russian.number_with(n, "час") == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=1000))
def test_oblique_cases_agree(n):
    """«отказывает 1 слушателю, 2 слушателям»; «аттестацию 1 слушателя, 5 слушателей»;
    «не менее 1 этапа, 2 этапов»."""
    one = n % 10 == 1 and n % 100 != 11
    assert russian.agree("слушатель", n, "datv") == ("слушателю" if one else "слушателям")
    assert russian.agree("слушатель", n, "gent") == ("слушателя" if one else "слушателей")
    assert russian.agree("этап", n, "gent") == ("этапа" if one else "этапов")
    assert russian.agree("академический час", n, "gent") == (
        "академического часа" if one else "академических часов"
    )


# fmt: off
PEOPLE = [
    # surname, name, patronymic, sex given, dative, genitive
    ("Жукова", "Мария", "Петровна", "", "Жуковой Марии Петровне", "Жуковой Марии Петровны"),
    ("Егоров", "Евгений", "Жоресович", "", "Егорову Евгению Жоресовичу", "Егорова Евгения Жоресовича"),  # noqa: E501
    ("Кириллова", "Наталья", "Сергеевна", "", "Кирилловой Наталье Сергеевне", "Кирилловой Натальи Сергеевны"),  # noqa: E501
    ("Антонова", "Алла", "Борисовна", "", "Антоновой Алле Борисовне", "Антоновой Аллы Борисовны"),
    ("Шевчук", "Ольга", "Ивановна", "", "Шевчук Ольге Ивановне", "Шевчук Ольги Ивановны"),
    ("Шевчук", "Олег", "Иванович", "", "Шевчуку Олегу Ивановичу", "Шевчука Олега Ивановича"),
    ("Ли", "Анна", "", "female", "Ли Анне", "Ли Анны"),
    ("Ли", "Виктор", "", "male", "Ли Виктору", "Ли Виктора"),
]
# fmt: on


@pytest.mark.parametrize(("last", "first", "middle", "sex", "dative", "genitive"), PEOPLE)
def test_names_decline_by_the_persons_sex(last, first, middle, sex, dative, genitive):
    person = {"last_name": last, "first_name": first, "middle_name": middle, "sex": sex}
    assert russian.full_name_in("datv", person) == dative
    assert russian.full_name_in("gent", person) == genitive
    assert russian.full_name_in("nomn", person) == " ".join(p for p in (last, first, middle) if p)


def test_the_stored_sex_wins_over_the_name():
    """A woman with a surname that looks male keeps it undeclined («Шевчук»), by her sex."""
    person = {"last_name": "Шевчук", "first_name": "Саша", "middle_name": "", "sex": "female"}
    assert russian.full_name_in("datv", person) == "Шевчук Саше"
    person["sex"] = "male"
    assert russian.full_name_in("datv", person) == "Шевчуку Саше"


@pytest.mark.parametrize(
    ("middle", "sex"),
    [
        ("Жоресович", "male"),
        ("Ильич", "male"),
        ("Борисовна", "female"),
        ("Ильинична", "female"),
        ("Лутфияр кызы", "female"),
        ("Ахмед оглы", "male"),
    ],
)
def test_sex_is_inferred_from_the_patronymic(middle, sex):
    assert russian.infer_sex("Мамедов", "Саша", middle) == sex


def test_sex_unknown_when_nothing_tells():
    assert russian.infer_sex("Ли", "Саша", "") == ""


def test_verbs_by_sex():
    woman = {"last_name": "Антонова", "first_name": "Алла", "middle_name": "Борисовна"}
    man = {"last_name": "Егоров", "first_name": "Евгений", "middle_name": "Жоресович"}
    assert russian.by_sex(woman, "прошёл", "прошла") == "прошла"
    assert russian.by_sex(man, "прошёл", "прошла") == "прошёл"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Кафедра кардиологии", "на кафедре кардиологии"),
        ("Кафедра педиатрии", "на кафедре педиатрии"),
        ("Учебный отдел", "в учебном отделе"),
        ("Отдел ДПО", "в отделе ДПО"),
        ("ЦНМО", "в подразделении «ЦНМО»"),
    ],
)
def test_unit_names_go_into_the_sentence_as_stored(name, expected):
    assert russian.at_unit(name) == expected


def test_gender_of_a_document_kind():
    assert russian.by_gender("ведомость итоговой аттестации", "сдан", "сдана") == "сдана"
    assert russian.by_gender("протокол", "сдан", "сдана") == "сдан"


def test_template_filters():
    template = Template(
        "{% load russian %}Выдан {{ p|name_in:'datv' }}; {{ p|by_sex:'прошёл,прошла' }}; "
        "{{ n|number_with:'зачётная единица' }}; {{ k|number_with:'слушатель:datv' }}; "
        "{{ unit|at_unit }}"
    )
    text = template.render(
        Context(
            {
                "p": "Антонова Алла Борисовна",
                "n": 12,
                "k": 1,
                "unit": "Кафедра кардиологии",
            }
        )
    )
    assert text == (
        "Выдан Антоновой Алле Борисовне; прошла; 12 зачётных единиц; 1 слушателю; "
        "на кафедре кардиологии"
    )


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("кардиологии", "Кардиология"),
        ("лечебного дела", "Лечебное дело"),
        ("клинической лабораторной диагностики", "Клиническая лабораторная диагностика"),
        (
            "организации здравоохранения и общественного здоровья",
            "Организация здравоохранения и общественного здоровья",
        ),
        ("Кардиология", "Кардиология"),  # already the name itself
        ("детской хирургии", "Детская хирургия"),  # «детская» also reads as a noun
        ("скорой медицинской помощи", "Скорая медицинская помощь"),
        ("медико-социальной экспертизы", "Медико-социальная экспертиза"),
        ("акушерства и гинекологии", "Акушерство и гинекология"),
        ("детской урологии-андрологии", "Детская урология-андрология"),
        (
            "общей врачебной практики (семейной медицины)",
            "Общая врачебная практика (семейная медицина)",
        ),
    ],
)
def test_a_sphere_stored_after_v_sfere_is_named_in_the_nominative(stored, expected):
    """The FRDO file names a diploma's sphere of activity by itself, while the diploma
    prints it after «в сфере …» (ADR 0114)."""
    assert russian.nominative_of_genitive(stored) == expected
