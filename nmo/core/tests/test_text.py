"""Russian numerals in messages."""

import pytest

from nmo.core.russian import in_time, plural


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "день"), (2, "дня"), (5, "дней"), (11, "дней"), (12, "дней"), (21, "день"), (22, "дня")],
)
def test_plural_agrees_with_the_number(n, word):
    assert plural(n, ("день", "дня", "дней")) == word


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (1, "1 минуту"),
        (60, "1 минуту"),
        (61, "2 минуты"),
        (12 * 60, "12 минут"),
        (21 * 60, "21 минуту"),
        (14 * 60 + 1, "15 минут"),
        (60 * 60, "60 минут"),
        (90 * 60, "2 часа"),
        (5 * 3600, "5 часов"),
    ],
)
def test_retry_time_is_rounded_up_and_agrees(seconds, said):
    """«Повторите попытку через …»: never earlier than the lock ends, in the right case."""
    assert in_time(seconds) == said
