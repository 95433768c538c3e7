"""Template filters for Russian in sentences (nmo.core.russian, ADR 0028).

{% load russian %}
Настоящий диплом выдан {{ learner|name_in:"datv" }}
{{ learner|by_sex:"прошёл,прошла" }} обучение
{{ credits }} {{ credits|agree:"зачётная единица" }}
{{ refused|number_with:"слушатель:datv" }}
{{ unit_name|at_unit }}  →  на кафедре кардиологии
"""

from typing import Any

from django import template

from nmo.core import russian

register = template.Library()


def _person(value: Any) -> Any:
    if isinstance(value, str):
        return russian.person_from_full_name(value)
    return value


@register.filter
def name_in(person: Any, case: str) -> str:
    """The person's full name (a user, a dict with the name's parts, or a name written
    whole) in the case: "gent", "datv", "accs", "ablt", "loct"."""
    if not person:
        return ""
    return russian.full_name_in(case, _person(person))


@register.filter
def by_sex(person: Any, forms: str) -> str:
    """ "male form,female form": the one that agrees with the person's sex."""
    male, _, female = forms.partition(",")
    return russian.by_sex(_person(person) or {}, male.strip(), female.strip())


def _phrase_and_case(arg: str) -> tuple[str, str]:
    phrase, _, case = arg.partition(":")
    return phrase.strip(), (case.strip() or "nomn")


@register.filter
def agree(number: Any, arg: str) -> str:
    """The word or phrase agreeing with the number ("слушатель:datv" for a case)."""
    phrase, case = _phrase_and_case(arg)
    try:
        value = int(number)
    except (TypeError, ValueError):
        return phrase
    return russian.agree(phrase, value, case)


@register.filter
def number_with(number: Any, arg: str) -> str:
    """The number and the phrase agreeing with it: 3|number_with:"человек" → «3 человека»."""
    phrase, case = _phrase_and_case(arg)
    try:
        value = int(number)
    except (TypeError, ValueError):
        return f"{number} {phrase}"
    return russian.number_with(value, phrase, case)


@register.filter
def unit_in(name: Any, case: str) -> str:
    """A unit's name as stored, put into the case: «кафедре кардиологии»."""
    return russian.unit_in(case, str(name)) if name else ""


@register.filter
def at_unit(name: Any) -> str:
    """«на кафедре кардиологии», «в учебном отделе»."""
    return russian.at_unit(str(name)) if name else ""


@register.filter
def by_gender(noun: Any, forms: str) -> str:
    """ "masculine,feminine[,neuter]" agreeing with the noun: "ведомость"|by_gender:"сдан,сдана"."""
    parts = [p.strip() for p in forms.split(",")]
    return russian.by_gender(str(noun), parts[0], parts[1], parts[2] if len(parts) > 2 else None)


@register.filter
def grouped(number: Any) -> str:
    """A count as Russian prints it: 116666|grouped → «116 666» (a no-break space)."""
    try:
        return russian.grouped(int(number))
    except (TypeError, ValueError):
        return str(number)
