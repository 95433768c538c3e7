"""Russian words with numbers: 1 день, 2 дня, 5 дней."""


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """Pick the Russian form for the number: 1 день, 2 дня, 5 дней, 11 дней, 21 день."""
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return forms[1]
    return forms[2]


def count(n: int, forms: tuple[str, str, str]) -> str:
    """The number with its word: count(2, ("день", "дня", "дней")) == "2 дня"."""
    return f"{n} {plural(n, forms)}"


def in_time(seconds: int) -> str:
    """How long from now, as said after «через»: «1 минуту», «12 минут», «2 часа».

    Rounded up to whole minutes (a person told «через 12 минут» who comes back then must
    not be refused again); whole hours from 90 minutes on."""
    minutes = max(1, -(-int(seconds) // 60))
    if minutes < 90:
        return f"{minutes} {plural(minutes, ('минуту', 'минуты', 'минут'))}"
    hours = -(-minutes // 60)
    return f"{hours} {plural(hours, ('час', 'часа', 'часов'))}"
