"""Russian in sentences: words with numbers (1 день, 2 дня, 5 дней), people's names in the
case a sentence needs (выдан Егорову Евгению Жоресовичу), verbs by the person's sex
(прошёл / прошла) and unit names inside a phrase (на кафедре кардиологии).

Names are declined by pytrovich (the rules of the petrovich project, made for Russian
anthroponyms); other words and number agreement by pymorphy3 with its Russian
dictionary (ADR 0028). Both load once per process, on first use.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Protocol

MALE = "male"
FEMALE = "female"

# The cases a sentence asks for, by pymorphy's names (and the Russian ones, for templates).
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_CASE_ALIASES = {
    "им": "nomn",
    "именительный": "nomn",
    "рд": "gent",
    "родительный": "gent",
    "дт": "datv",
    "дательный": "datv",
    "вн": "accs",
    "винительный": "accs",
    "тв": "ablt",
    "творительный": "ablt",
    "пр": "loct",
    "предложный": "loct",
}

# Words whose counting forms are not the dictionary's plural: «5 человек», «5 лет».
_COUNTING_FORMS: dict[str, tuple[str, str, str]] = {
    "человек": ("человек", "человека", "человек"),
    "год": ("год", "года", "лет"),
}


class Person(Protocol):
    last_name: str
    first_name: str
    middle_name: str


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """Pick the Russian form for the number: 1 день, 2 дня, 5 дней, 11 дней, 21 день."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if n % 10 in (2, 3, 4) and n % 100 not in (12, 13, 14):
        return forms[1]
    return forms[2]


def count(n: int, forms: tuple[str, str, str]) -> str:
    """The number with its word: count(2, ("день", "дня", "дней")) == "2 дня"."""
    return f"{n} {plural(n, forms)}"


def grouped(n: int) -> str:
    """A number as Russian prints it, thousands set apart by a no-break space: «10 000»."""
    return f"{n:,}".replace(",", "\u00a0")


def in_time(seconds: int) -> str:
    """How long from now, as said after «через»: «1 минуту», «12 минут», «2 часа».

    Rounded up to whole minutes (a person told «через 12 минут» who comes back then must
    not be refused again); whole hours from 90 minutes on."""
    minutes = max(1, -(-int(seconds) // 60))
    if minutes < 90:
        return f"{minutes} {plural(minutes, ('минуту', 'минуты', 'минут'))}"
    hours = -(-minutes // 60)
    return f"{hours} {plural(hours, ('час', 'часа', 'часов'))}"


def duration(seconds: int) -> str:
    """An exact span in the nominative, as after a colon: «25 минут 34 секунды»,
    «1 час 5 минут», «40 секунд», «0 секунд»."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} {plural(hours, ('час', 'часа', 'часов'))}")
    if minutes:
        parts.append(f"{minutes} {plural(minutes, ('минута', 'минуты', 'минут'))}")
    if secs or not parts:
        parts.append(f"{secs} {plural(secs, ('секунда', 'секунды', 'секунд'))}")
    return " ".join(parts)


# --- the libraries ---------------------------------------------------------------------


@cache
def _morph() -> Any:
    import logging

    import pymorphy3

    # It logs where it loads its dictionaries from at INFO, on every process start.
    logging.getLogger("pymorphy3").setLevel(logging.WARNING)
    return pymorphy3.MorphAnalyzer()


@cache
def _petrovich() -> tuple[Any, Any]:
    from pytrovich.detector import PetrovichGenderDetector
    from pytrovich.maker import PetrovichDeclinationMaker

    return PetrovichDeclinationMaker(), PetrovichGenderDetector()


def _case(case: str) -> str:
    key = _CASE_ALIASES.get(case.strip().lower(), case.strip().lower())
    if key not in CASES:
        raise ValueError(f"unknown case {case!r}")
    return key


def _match_capitals(source: str, word: str) -> str:
    if source.isupper() and len(source) > 1:
        return word.upper()
    if source[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _noun(parses: list[Any]) -> Any | None:
    for p in parses:
        if "NOUN" in p.tag:
            return p
    return None


# --- numbers -----------------------------------------------------------------------------


def _inflect(parse: Any, grammemes: set[str]) -> str | None:
    done = parse.inflect(grammemes)
    return done.word if done is not None else None


def _agreeing(parses: list[Any]) -> Any | None:
    """The noun reading of a word, else its adjective or participle reading."""
    noun = _noun(parses)
    if noun is not None:
        return noun
    for p in parses:
        if "ADJF" in p.tag or "PRTF" in p.tag:
            return p
    return None


def _head_noun(words: list[str]) -> int | None:
    """The place of a phrase's head noun: the first word read as a noun, unless it also
    reads as an adjective and an adjective or a noun follows («рабочий день», «скорой
    медицинской помощи»: they agree with the noun after them); None when the phrase has
    no noun."""
    morph = _morph()
    readings = [morph.parse(word.split("-")[-1].lower()) for word in words]
    for index, parses in enumerate(readings):
        adjective = any("ADJF" in p.tag or "PRTF" in p.tag for p in parses)
        if adjective and index + 1 < len(words):
            after = readings[index + 1]
            if _noun(after) is not None or any("ADJF" in p.tag for p in after):
                continue
        if _noun(parses) is not None:
            return index
    return None


def agree(phrase: str, number: int, case: str = "nomn") -> str:
    """The word or phrase (adjectives then a noun) in the form that goes after the number:
    agree("зачётная единица", 12) == "зачётных единиц", agree("слушатель", 1, "datv") ==
    "слушателю". In the nominative (and the accusative) the counting forms (1 час, 2 часа,
    5 часов, 2 зачётные единицы); in the other cases the noun takes the case, singular
    after a number ending in 1 (but not 11), plural otherwise (2 слушателям, 5 слушателей)."""
    case = _case(case)
    n = abs(int(number))
    one = n % 10 == 1 and n % 100 != 11
    morph = _morph()
    words = phrase.split()
    head = _head_noun(words)
    gender = ""
    if head is not None:
        noun = _noun(morph.parse(words[head].lower()))
        gender = str(noun.tag.gender or "") if noun is not None else ""
    out = []
    for index, word in enumerate(words):
        if head is not None and index > head:
            # The words after the head noun depend on it and keep their form: «2
            # протокола заседания», not «2 протокола заседаний».
            out.extend(words[index:])
            break
        lower = word.lower()
        counting = _COUNTING_FORMS.get(lower)
        if counting is not None and case in ("nomn", "accs"):
            out.append(_match_capitals(word, plural(n, counting)))
            continue
        parses = morph.parse(lower)
        target = _agreeing(parses)
        if head is not None and index < head:  # before the head noun: its adjective
            target = next((p for p in parses if "ADJF" in p.tag or "PRTF" in p.tag), target)
        if target is None:
            out.append(word)
            continue
        form: str | None
        if case in ("nomn", "accs"):
            agreed = target.make_agree_with_number(n)
            form = agreed.word if agreed is not None else None
        else:
            grammemes = {case, "sing" if one else "plur"}
            if one and "NOUN" not in target.tag and gender:
                grammemes.add(gender)
            form = _inflect(target, grammemes)
        out.append(_match_capitals(word, form) if form else word)
    return " ".join(out)


def number_with(number: int, phrase: str, case: str = "nomn") -> str:
    """The number and the agreeing phrase: number_with(21, "час") == "21 час"."""
    return f"{number} {agree(phrase, number, case)}"


def gender_of(noun: str) -> str:
    """The grammatical gender of a noun (the first noun of a phrase): "masc", "femn" or
    "neut"; "masc" when unknown."""
    for word in noun.split():
        parsed = _noun(_morph().parse(word.lower()))
        if parsed is not None and parsed.tag.gender in ("masc", "femn", "neut"):
            return str(parsed.tag.gender)
    return "masc"


def by_gender(noun: str, masc: str, femn: str, neut: str | None = None) -> str:
    """The form that agrees with the noun: by_gender("ведомость", "сдан", "сдана") ==
    "сдана"."""
    gender = gender_of(noun)
    if gender == "femn":
        return femn
    if gender == "neut" and neut is not None:
        return neut
    return masc


def inflect_phrase(phrase: str, case: str) -> str:
    """A name of a thing put into a case by its head noun: the words up to the first noun
    change (adjectives agreeing with it), the rest — its dependants — stay as they are.
    inflect_phrase("Кафедра кардиологии", "loct") == "Кафедре кардиологии". A phrase
    whose head is not found is returned unchanged."""
    case = _case(case)
    words = phrase.split()
    if case == "nomn" or not words:
        return phrase
    morph = _morph()
    head = None
    for index, word in enumerate(words):
        nominative = [p for p in morph.parse(word.lower()) if "nomn" in p.tag]
        noun = _noun(nominative)
        if noun is not None:
            head = (index, noun)
            break
        if not any("ADJF" in p.tag or "PRTF" in p.tag for p in nominative):
            return phrase
    if head is None:
        return phrase
    index, noun = head
    number = str(noun.tag.number or "sing")
    out = []
    for position, word in enumerate(words):
        if position > index:
            out.append(word)
            continue
        if position == index:
            form = _inflect(noun, {case, number})
        else:
            adjective = next(
                p
                for p in morph.parse(word.lower())
                if "nomn" in p.tag and ("ADJF" in p.tag or "PRTF" in p.tag)
            )
            grammemes = {case, number}
            if number == "sing" and noun.tag.gender:
                grammemes.add(str(noun.tag.gender))
            if case == "accs" and "anim" in noun.tag:
                grammemes.add("anim")
            form = _inflect(adjective, grammemes)
        out.append(_match_capitals(word, form) if form else word)
    return " ".join(out)


def nominative_of_genitive(phrase: str) -> str:
    """A phrase stored in the genitive, as it follows «в сфере …», put back into the
    nominative with a capital, for a register that wants the name of the thing itself:
    nominative_of_genitive("детской хирургии") == "Детская хирургия". The head noun and
    the adjectives before it change, its dependants stay; two single nouns joined by «и»
    both change («акушерства и гинекологии» → «Акушерство и гинекология»); a closing
    parenthesis is a name of its own («общей врачебной практики (семейной медицины)» →
    «Общая врачебная практика (семейная медицина)»). A phrase whose head is not found in
    the genitive is returned as stored."""
    main, bracket, rest = phrase.partition(" (")
    if bracket and rest.endswith(")"):
        inner = _nominative(rest[:-1])
        return f"{_capital(_nominative(main))} ({inner})"
    first, conjunction, second = phrase.partition(" и ")
    if conjunction and " " not in first:
        return _capital(f"{_nominative(first)} и {_nominative(second)}")
    return _capital(_nominative(phrase))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _nominative(phrase: str) -> str:
    words = phrase.split()
    head = _head_noun(words)
    if head is None:
        return phrase
    morph = _morph()
    noun = next(
        (
            p
            for p in morph.parse(words[head].split("-")[-1].lower())
            if "NOUN" in p.tag and "gent" in p.tag
        ),
        None,
    )
    if noun is None:
        return phrase
    number = str(noun.tag.number or "sing")
    out = []
    for index, word in enumerate(words):
        if index > head:
            out.append(word)
            continue
        parts = []
        changed = False
        for part in word.split("-"):
            parses = [p for p in morph.parse(part.lower()) if "gent" in p.tag]
            grammemes = {"nomn", number}
            if index == head:
                chosen = _noun(parses)
            else:
                chosen = next((p for p in parses if "ADJF" in p.tag or "PRTF" in p.tag), None)
                if number != "plur" and noun.tag.gender:
                    grammemes.add(str(noun.tag.gender))
            form = _inflect(chosen, grammemes) if chosen is not None else None
            parts.append(_match_capitals(part, form) if form else part)  # «медико-» stays
            changed = changed or form is not None
        if not changed:
            return phrase
        out.append("-".join(parts))
    return " ".join(out)


def unit_in(case: str, name: str) -> str:
    """A unit's name as stored, inside a sentence: unit_in("loct", "Кафедра кардиологии")
    == "кафедре кардиологии" (the kind of unit written small, as in running text);
    a name that cannot be declined is returned as stored."""
    declined = inflect_phrase(name, case)
    if declined == name and _case(case) != "nomn":
        return name
    first, _, rest = declined.partition(" ")
    if first[:1].isupper() and not first.isupper() and first[1:].islower():
        first = first[:1].lower() + first[1:]
    return f"{first} {rest}".strip()


# --- people ------------------------------------------------------------------------------


def _parts(person: Any) -> tuple[str, str, str, str]:
    def get(key: str) -> str:
        value = person.get(key, "") if isinstance(person, dict) else getattr(person, key, "")
        return str(value or "")

    return get("last_name"), get("first_name"), get("middle_name"), get("sex")


def infer_sex(last_name: str = "", first_name: str = "", middle_name: str = "") -> str:
    """The sex the name suggests, or "" when it does not say: the patronymic decides
    (…вич, …оглы, …улы → male; …вна, …чна, …кызы, …гызы → female), else the first name
    and the surname together, by the petrovich rules."""
    middle = middle_name.strip().lower()
    if middle:
        if middle.endswith(("вич", "ич", "оглы", "оглу", "улы", "уулу")):
            return MALE
        if middle.endswith(("вна", "чна", "шна", "кызы", "гызы", "қызы")):
            return FEMALE
    from pytrovich.enums import Gender

    _, detector = _petrovich()
    try:
        gender = detector.detect(
            firstname=first_name.strip() or None,
            middlename=middle_name.strip() or None,
            lastname=last_name.strip() or None,
        )
    except Exception:
        return ""
    if gender == Gender.MALE:
        return MALE
    if gender == Gender.FEMALE:
        return FEMALE
    return ""


def sex_of(person: Any) -> str:
    """The person's stored sex, or the one the name suggests, or ""."""
    last, first, middle, sex = _parts(person)
    if sex in (MALE, FEMALE):
        return sex
    return infer_sex(last, first, middle)


_PETROVICH_CASES = {
    "gent": "GENITIVE",
    "datv": "DATIVE",
    "accs": "ACCUSATIVE",
    "ablt": "INSTRUMENTAL",
    "loct": "PREPOSITIONAL",
}


def name_in(case: str, last_name: str, first_name: str, middle_name: str, sex: str) -> str:
    """The full name in the case, by the petrovich rules; parts left as they are when the
    rules do not know them (a foreign surname stays as written)."""
    case = _case(case)
    parts = (last_name, first_name, middle_name)
    if case == "nomn":
        return " ".join(p for p in parts if p)
    from pytrovich.enums import Case, Gender, NamePart

    maker, _ = _petrovich()
    if sex == MALE:
        gender, known = Gender.MALE, True
    elif sex == FEMALE:
        gender, known = Gender.FEMALE, True
    else:
        gender, known = Gender.ANDROGYNOUS, False
    target = getattr(Case, _PETROVICH_CASES[case])
    out = []
    name_parts = (NamePart.LASTNAME, NamePart.FIRSTNAME, NamePart.MIDDLENAME)
    for part, value in zip(name_parts, parts, strict=True):
        if not value:
            continue
        try:
            declined = maker.make(part, gender, target, value, known_gender=known)
        except Exception:
            declined = value
        out.append(declined or value)
    return " ".join(out)


def full_name_in(case: str, person: Any) -> str:
    """The person's full name (surname, first name, patronymic) in the case:
    full_name_in("datv", egorov) == "Егорову Евгению Жоресовичу". `person` is a user, or
    any object or dict with last_name, first_name, middle_name and optionally sex."""
    last, first, middle, _ = _parts(person)
    return name_in(case, last, first, middle, sex_of(person))


def by_sex(person: Any, male: str, female: str, unknown: str | None = None) -> str:
    """The form for the person's sex: by_sex(user, "прошёл", "прошла"). When the sex is
    neither stored nor told by the name, `unknown` (default: the male form, as Russian
    official forms do)."""
    sex = sex_of(person)
    if sex == FEMALE:
        return female
    if sex == MALE:
        return male
    return male if unknown is None else unknown


def person_from_full_name(full_name: str, sex: str = "") -> dict[str, str]:
    """A person from a name written whole («Мамедова Арзу Лутфияр кызы»): the surname, the
    first name and the rest as the patronymic, for `full_name_in` and `by_sex`."""
    parts = full_name.split()
    return {
        "last_name": parts[0] if parts else "",
        "first_name": parts[1] if len(parts) > 1 else "",
        "middle_name": " ".join(parts[2:]),
        "sex": sex,
    }


def at_unit(name: str) -> str:
    """Where something happens, by a unit's name as stored: «на кафедре кардиологии» from
    «Кафедра кардиологии», «в учебном отделе» from «Учебный отдел»; a name whose head
    cannot be declined is quoted: «в подразделении «ЦНМО»»."""
    declined = unit_in("loct", name)
    if declined == name:
        return f"в подразделении «{name}»"
    head = _head_word(name)
    preposition = "на" if head in ("кафедра", "факультет", "курс", "станция", "база") else "в"
    if (
        preposition == "в"
        and declined[:1].lower() in "вф"
        and declined[1:2].lower() not in "аеёиоуыэюя"
    ):
        preposition = "во"
    return f"{preposition} {declined}"


def _head_word(phrase: str) -> str:
    morph = _morph()
    for word in phrase.split():
        noun = _noun([p for p in morph.parse(word.lower()) if "nomn" in p.tag])
        if noun is not None:
            return str(noun.normal_form)
    return ""
