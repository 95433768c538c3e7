"""Pure rules of accounts: SNILS normalisation and checksum, e-mail normalisation."""

import re
import unicodedata
from datetime import date

from nmo.core.russian import infer_sex

SNILS_LENGTH = 11
# Numbers up to 001-001-998 were issued before the check number existed.
SNILS_CHECKED_FROM = 1_001_998


def snils_check_number(first_nine: str) -> int:
    """The two-digit check number of a SNILS from its first nine digits."""
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(9, 0, -1), strict=True)
    )
    if total < 100:
        return total
    if total in (100, 101):
        return 0
    remainder = total % 101
    return 0 if remainder == 100 else remainder


def normalise_snils(raw: str) -> str:
    """Keep the digits only: «112-233-445 95» becomes «11223344595»."""
    return re.sub(r"\D", "", raw or "")


def snils_error(raw: str) -> str | None:
    """Why a SNILS is not valid, in Russian, or None when it is."""
    digits = normalise_snils(raw)
    if len(digits) != SNILS_LENGTH:
        return "СНИЛС должен содержать 11 цифр."
    if int(digits[:9]) > SNILS_CHECKED_FROM and snils_check_number(digits[:9]) != int(digits[9:]):
        return "СНИЛС указан с ошибкой: не сходится контрольное число."
    return None


def format_snils(digits: str) -> str:
    """Show a SNILS the way it is printed on the card: 112-233-445 95."""
    if len(digits) != SNILS_LENGTH:
        return digits
    return f"{digits[0:3]}-{digits[3:6]}-{digits[6:9]} {digits[9:11]}"


def normalise_email(raw: str) -> str:
    """An e-mail address as it is stored and looked up (ADR 0022): Unicode NFKC, case
    folded, spaces around removed — «ſpecialist@NMO.local » and «specialist@nmo.local»
    are one address, so one account."""
    folded = unicodedata.normalize("NFKC", (raw or "").strip()).casefold()
    return unicodedata.normalize("NFKC", folded).strip()


# --- an organisation sets itself up (ADR 0015) --------------------------------------------

INVITATION_VALID_DAYS = 7
"""How long an invitation's link works after it was (re)sent."""

ORGANISATION_ADMIN = "organisation_admin"
_ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    "educational": ("organisation_staff", "commission_member", ORGANISATION_ADMIN),
    "provider": ("provider", ORGANISATION_ADMIN),
    "accreditation_commission": ("accreditation_expert", ORGANISATION_ADMIN),
}


def roles_assignable_in(kind: str) -> tuple[str, ...]:
    """The role codes an organisation of this kind gives its own people (by invitation or
    assignment): what its work needs, and its own administrator."""
    return _ROLES_BY_KIND.get(kind, (ORGANISATION_ADMIN,))


def leaves_no_administrator(*, administrators: int, removing_administrator: bool) -> bool:
    """Whether taking the role away would leave the organisation without an administrator."""
    return removing_administrator and administrators <= 1


SEXES = ("male", "female")
BIRTH_YEAR_MIN = 1900


def person_sex(sex: str, last_name: str, first_name: str, middle_name: str) -> tuple[str, bool]:
    """The sex to store and whether it was inferred: the one the person gave, else the one
    the patronymic (or the name) suggests, kept as a default the person can change
    (ADR 0028); ("", False) when neither says."""
    if sex in SEXES:
        return sex, False
    inferred = infer_sex(last_name, first_name, middle_name)
    return inferred, bool(inferred)


def sex_error(sex: str) -> str | None:
    """Why a sex value is not accepted, in Russian, or None (empty means «not given»)."""
    if sex in ("", *SEXES):
        return None
    return "Пол: «мужской» (male) или «женский» (female)."


def birth_date_error(value: date | None, today: date) -> str | None:
    """Why a date of birth cannot be right, in Russian, or None (None means «not given»)."""
    if value is None:
        return None
    if value > today:
        return "Дата рождения не может быть в будущем."
    if value.year < BIRTH_YEAR_MIN:
        return f"Дата рождения не ранее {BIRTH_YEAR_MIN} года."
    return None
