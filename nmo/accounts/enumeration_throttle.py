"""Throttles of the two anonymous doors that could tell who is registered: registration
and the password-reset request (ADR 0022). The counters live in `nmo.core.throttle`
(Django's cache, Redis in production); this module is their policy.

- Registration: a refusal because the e-mail or the SNILS is taken counts against the
  address, THROTTLE_REGISTRATION_FAILURES per THROTTLE_REGISTRATION_WINDOW_SECONDS; at the
  limit every registration from the address waits for the window's end, so that whether
  a SNILS is taken cannot be learnt faster than that. Other mistakes (a weak password, a
  bad checksum) reveal nothing about anyone and do not count.
- Password-reset request: every request counts, per e-mail (the letters one mailbox can
  receive: THROTTLE_RESET_ACCOUNT_REQUESTS) and per address
  (THROTTLE_RESET_ADDRESS_REQUESTS), both per THROTTLE_RESET_WINDOW_SECONDS. The e-mail
  is keyed by its hash whether or not an account has it: the same steps for both.
- The owner of taken data is told at most once per window (`owner_notice_due`).
"""

from django.conf import settings

from nmo.core.exceptions import RateLimited
from nmo.core.russian import in_time
from nmo.core.throttle import Counter, hashed, read_standing, register_failure, reserve

REGISTRATION_SCOPE = "registration"
RESET_SCOPE = "password_reset"
NOTICE_SCOPE = "registration_notice"

REGISTRATION_REFUSED = (
    "Регистрация с этими данными невозможна. Если у вас уже есть учётная запись, "
    "восстановите пароль."
)


def _address(ip: str | None) -> str:
    return ip or "-"


def _registration_counter(ip: str | None) -> Counter:
    return Counter(
        f"ip:{_address(ip)}",
        int(settings.THROTTLE_REGISTRATION_FAILURES),
        int(settings.THROTTLE_REGISTRATION_WINDOW_SECONDS),
    )


def admit_registration(*, ip: str | None) -> None:
    """Raise RateLimited (Russian, with when to retry) while the address is at its limit of
    refused registrations; before anything of the registration is looked at."""
    counter = _registration_counter(ip)
    wait = read_standing(scope=REGISTRATION_SCOPE, counters=[counter]).retry_after(counter)
    if wait is not None:
        raise RateLimited(
            wait,
            "Слишком много неудачных попыток регистрации с вашего адреса сети. Повторите "
            f"попытку через {in_time(wait)}. Если у вас уже есть учётная запись, "
            "восстановите пароль.",
        )


def registration_refused(*, ip: str | None) -> None:
    """Count a registration refused because its data are taken."""
    register_failure(scope=REGISTRATION_SCOPE, counters=[_registration_counter(ip)])


def owner_notice_due(*, user_id: int) -> bool:
    """Whether the owner of taken data is to be told of this attempt: once per
    registration window, so a stream of attempts is one letter, not a flood."""
    counter = Counter(f"user:{user_id}", 1, int(settings.THROTTLE_REGISTRATION_WINDOW_SECONDS))
    reservation = reserve(scope=NOTICE_SCOPE, counters=[counter])
    if reservation.reached(counter):
        reservation.refund()
        return False
    return True


def admit_reset_request(*, email: str, ip: str | None) -> None:
    """Count one password-reset request for this (normalised) e-mail from this address, or
    raise RateLimited if either has reached its limit. Known and unknown e-mails take the
    same steps: nothing here asks whether an account has the address."""
    window = int(settings.THROTTLE_RESET_WINDOW_SECONDS)
    account = Counter(
        f"email:{hashed(email)}", int(settings.THROTTLE_RESET_ACCOUNT_REQUESTS), window
    )
    address = Counter(f"ip:{_address(ip)}", int(settings.THROTTLE_RESET_ADDRESS_REQUESTS), window)
    # Counted atomically before the decision (`reserve`, ADR 0021): simultaneous requests
    # see each other, and a refused one gives its count back.
    reservation = reserve(scope=RESET_SCOPE, counters=[account, address])
    for counter, where in (
        (account, "для этого адреса электронной почты"),
        (address, "с вашего адреса сети"),
    ):
        wait = reservation.retry_after(counter)
        if wait is not None:
            reservation.refund()
            raise RateLimited(
                wait,
                f"Слишком много запросов на восстановление пароля {where}. Повторите "
                f"попытку через {in_time(wait)}.",
            )
