from django.core.management import call_command

from nmo.core.russian import count, plural

DAY = ("день", "дня", "дней")


def test_the_word_agrees_with_the_number():
    said = [count(n, DAY) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 101, 111)]
    assert said == [
        "0 дней", "1 день", "2 дня", "4 дня", "5 дней", "11 дней", "12 дней", "14 дней",
        "21 день", "22 дня", "25 дней", "101 день", "111 дней",
    ]  # fmt: skip
    assert plural(3, ("положение", "положения", "положений")) == "положения"


def test_load_directories_says_its_counts_in_proper_russian(db, capsys):
    """«2 пресетов добавлено» was what a newcomer read on the first `make run`."""
    call_command("load_directories")
    said = capsys.readouterr().out
    assert "пресетов" not in said
    assert "добавлено 2 положения об итоговой аттестации" in said
    call_command("load_directories")
    again = capsys.readouterr().out
    assert "добавлено 0 положений об итоговой аттестации" in again
    assert len(again.strip().splitlines()) == 1
