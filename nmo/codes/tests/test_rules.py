"""Pure rules of codes and rosters (no database)."""

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nmo.codes.rules import (
    CODE_ALPHABET,
    MAX_ROSTER_ROWS,
    generate_code_value,
    is_valid_code,
    normalise_code,
    parse_roster,
)

FORMAT = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{8}$")

codes = st.integers(min_value=0, max_value=2**64).map(
    lambda seed: generate_code_value(random.Random(seed))
)


@pytest.mark.clause("faq-ikp-format")
@given(seed=st.integers(min_value=0, max_value=2**64))
def test_generated_values_have_the_format_and_no_letter_o(seed):
    """Every generated code is 13 characters XXXX-XXXXXXXX of Latin capitals and digits,
    never the letter "O" (faq-ikp-format)."""
    value = generate_code_value(random.Random(seed))
    assert len(value) == 13
    assert FORMAT.match(value)
    assert "O" not in value
    assert is_valid_code(value)


@pytest.mark.clause("faq-ikp-format")
def test_generated_values_use_the_whole_alphabet():
    """All 35 symbols (25 letters without "O", 10 digits) occur: no symbol is lost."""
    rng = random.Random(7)
    seen = set("".join(generate_code_value(rng) for _ in range(2000)).replace("-", ""))
    assert seen == set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) == 35


@pytest.mark.clause("faq-ikp-normalize")
@given(
    code=codes,
    lower=st.booleans(),
    separator=st.sampled_from(["", " ", "  ", "-", ".", " - ", "_", "/"]),
    o_for_zero=st.sampled_from(["0", "O", "o", "О", "о"]),
    padding=st.sampled_from(["", " ", "\t", "«", "»", '"', "  \n"]),
)
def test_normalise_reads_the_code_however_typed(code, lower, separator, o_for_zero, padding):
    """Case, spaces, dashes, dots and other symbols are ignored and a letter "O" (Latin
    or Cyrillic) stands for zero: the typed code normalises to the code (faq-ikp-normalize)."""
    symbols = code.replace("-", "").replace("0", o_for_zero)
    typed = separator.join([symbols[:4], symbols[4:8], symbols[8:]])
    if lower:
        typed = typed.lower()
    assert normalise_code(padding + typed + padding) == code


@pytest.mark.clause("faq-ikp-normalize")
@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "ABCD",
        "ABCD-EFGH123",  # 11 symbols
        "ABCD-EFGH12345",  # 13 symbols
        "Код ABCD-EFGH1234",  # a word that is no part of the code
        "ABCD-EFGH12Ж4",
        "-------------",
        "A" * 500,
    ],
)
def test_normalise_refuses_what_cannot_be_a_code(typed):
    """Input with the wrong number of letters and digits, or letters no code has, is not
    a code (faq-ikp-normalize)."""
    assert normalise_code(typed) is None


@given(text=st.text(max_size=40))
def test_normalise_gives_a_valid_code_or_none(text):
    """Whatever is typed, the result is a code of the stored form or None."""
    value = normalise_code(text)
    assert value is None or is_valid_code(value)


def test_is_valid_code_refuses_lowercase_and_letter_o():
    assert is_valid_code("ABCD-EFGH1234")
    assert not is_valid_code("abcd-efgh1234")
    assert not is_valid_code("ABCD-EFGHO234")
    assert not is_valid_code("ABCDEFGH1234")


# Rosters --------------------------------------------------------------------------------


@pytest.mark.clause("faq-certificate")
def test_roster_reads_name_email_and_snils():
    """The header names the columns in Russian; rows become participants with their line
    numbers; e-mail and SNILS are normalised."""
    parsed = parse_roster(
        [
            ["ФИО", "Электронная почта", "СНИЛС"],
            ["Иванова Мария Петровна", " Ivanova@Example.RU ", "112-233-445 95"],
            ["", "", ""],
            ["Петров Пётр", "", None],
        ]
    )
    assert parsed.errors == ()
    assert [(p.row, p.full_name, p.email, p.snils) for p in parsed.participants] == [
        (2, "Иванова Мария Петровна", "ivanova@example.ru", "11223344595"),
        (4, "Петров Пётр", "", None),
    ]


def test_roster_accepts_separate_name_columns():
    parsed = parse_roster([["Фамилия", "Имя", "Отчество", "E-mail"], ["Иванова", "Мария", "", ""]])
    assert parsed.participants[0].full_name == "Иванова Мария"


def test_roster_lists_every_bad_row_in_russian():
    """Each bad row is reported with its line number; the roster yields no partial list."""
    parsed = parse_roster(
        [
            ["ФИО", "E-mail", "СНИЛС"],
            ["", "a@example.ru", ""],
            ["Петров Пётр", "not-an-email", ""],
            ["Сидоров Семён", "", "123"],
            ["Иванова Мария", "", "112-233-445 95"],
            ["Иванова Мария (дубль)", "", "11223344595"],
        ]
    )
    assert parsed.errors == (
        "Строка 2: не указаны фамилия, имя и отчество.",
        "Строка 3: неверный адрес электронной почты «not-an-email».",
        "Строка 4: СНИЛС «123» должен содержать 11 цифр.",
        "Строка 6: СНИЛС уже указан в строке 5.",
    )


def test_roster_without_a_name_column_is_refused():
    parsed = parse_roster([["Имя участника", "Почта"], ["Иванова", "a@example.ru"]])
    assert parsed.participants == ()
    assert "ФИО" in parsed.errors[0]


def test_empty_roster_is_refused():
    assert parse_roster([]).errors
    assert parse_roster([["ФИО"]]).errors


def test_roster_longer_than_the_limit_is_refused():
    rows = [["ФИО"]] + [[f"Участник {i}"] for i in range(MAX_ROSTER_ROWS + 1)]
    parsed = parse_roster(rows)
    assert any(str(MAX_ROSTER_ROWS) in e for e in parsed.errors)
