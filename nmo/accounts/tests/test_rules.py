from hypothesis import given
from hypothesis import strategies as st

from nmo.accounts.rules import format_snils, normalise_snils, snils_check_number, snils_error


def test_known_snils_is_valid():
    """A SNILS with the right check number is accepted in any printed form."""
    assert snils_error("112-233-445 95") is None
    assert snils_error("11223344595") is None
    assert snils_error(" 112 233 445-95 ") is None


def test_wrong_check_number_is_refused():
    """A SNILS whose check number does not match is refused with the reason."""
    assert snils_error("112-233-445 96") == "СНИЛС указан с ошибкой: не сходится контрольное число."


def test_wrong_length_is_refused():
    """Ten or twelve digits are not a SNILS."""
    assert snils_error("1122334459") == "СНИЛС должен содержать 11 цифр."
    assert snils_error("112233445951") == "СНИЛС должен содержать 11 цифр."
    assert snils_error("") == "СНИЛС должен содержать 11 цифр."


def test_check_number_wraps_at_100_and_101():
    """Sums below 100 are the check number; 100 and 101 give 00; larger sums are taken
    modulo 101 (a remainder of 100 again gives 00)."""
    assert snils_check_number("112233445") == 95  # weighted sum 95
    assert snils_check_number("920000003") == 0  # 81 + 16 + 3 = 100
    assert snils_check_number("920000004") == 0  # 81 + 16 + 4 = 101
    assert snils_check_number("920000005") == 1  # 102 % 101
    assert snils_check_number("999999999") == 1  # 405 % 101


@given(st.integers(min_value=1_001_999, max_value=999_999_999))
def test_every_number_with_its_check_number_is_valid(number):
    """For any number past 001-001-998, appending its check number gives a valid SNILS,
    and changing the check number makes it invalid."""
    nine = f"{number:09d}"
    check = snils_check_number(nine)
    assert snils_error(f"{nine}{check:02d}") is None
    assert snils_error(f"{nine}{(check + 1) % 100:02d}") is not None


@given(st.text(alphabet="0123456789 -", max_size=30))
def test_normalise_keeps_only_digits(raw):
    """Normalisation strips every separator and keeps the digits in order."""
    assert normalise_snils(raw) == "".join(c for c in raw if c.isdigit())


def test_format_snils_prints_the_card_form():
    """The stored digits are shown as on the insurance card."""
    assert format_snils("11223344595") == "112-233-445 95"
