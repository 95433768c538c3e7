"""The people of the demo: Russian names with the surname, first name and patronymic of
the person's sex, and valid SNILS numbers, all fixed so that every load gives the same."""

from dataclasses import dataclass

from nmo.accounts.rules import format_snils, snils_check_number

# (male, female) forms of a surname stem.
_SURNAMES = (
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Васильев", "Васильева"),
    ("Петров", "Петрова"),
    ("Соколов", "Соколова"),
    ("Михайлов", "Михайлова"),
    ("Новиков", "Новикова"),
    ("Фёдоров", "Фёдорова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Алексеев", "Алексеева"),
    ("Лебедев", "Лебедева"),
    ("Семёнов", "Семёнова"),
    ("Егоров", "Егорова"),
    ("Павлов", "Павлова"),
    ("Козлов", "Козлова"),
    ("Степанов", "Степанова"),
    ("Николаев", "Николаева"),
    ("Орлов", "Орлова"),
    ("Андреев", "Андреева"),
    ("Макаров", "Макарова"),
    ("Никитин", "Никитина"),
    ("Захаров", "Захарова"),
    ("Зайцев", "Зайцева"),
    ("Соловьёв", "Соловьёва"),
    ("Борисов", "Борисова"),
    ("Яковлев", "Яковлева"),
    ("Григорьев", "Григорьева"),
    ("Романов", "Романова"),
)
_MALE_NAMES = ("Алексей", "Андрей", "Артём", "Владимир", "Дмитрий", "Евгений", "Игорь", "Кирилл")
_FEMALE_NAMES = ("Анна", "Екатерина", "Елена", "Ирина", "Марина", "Наталья", "Ольга", "Татьяна")
# (male, female) patronymics from the father's name.
_PATRONYMICS = (
    ("Александрович", "Александровна"),
    ("Викторович", "Викторовна"),
    ("Сергеевич", "Сергеевна"),
    ("Николаевич", "Николаевна"),
    ("Павлович", "Павловна"),
    ("Юрьевич", "Юрьевна"),
    ("Олегович", "Олеговна"),
)


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    middle_name: str
    female: bool

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name} {self.middle_name}"


def person(n: int) -> Person:
    """The n-th person of the demo (n from 0): women and men alternate, and the surname,
    first name and patronymic all take the person's sex."""
    female = n % 2 == 0
    sex = 1 if female else 0
    surname = _SURNAMES[(n * 7) % len(_SURNAMES)][sex]
    names = _FEMALE_NAMES if female else _MALE_NAMES
    first = names[(n // 2) % len(names)]
    patronymic = _PATRONYMICS[(n * 3) % len(_PATRONYMICS)][sex]
    return Person(surname, first, patronymic, female)


def snils(n: int) -> str:
    """A valid SNILS, the n-th of a block no real test fixture uses (printed form)."""
    first_nine = f"{170_000_000 + n * 1_013:09d}"
    digits = f"{first_nine}{snils_check_number(first_nine):02d}"
    return format_snils(digits)
