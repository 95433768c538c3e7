"""How wrong passwords are throttled, at every door that checks one — the login form, the
token endpoint, Django admin's login (ADR 0014, ADR 0021).

Three counters of wrong passwords; the attempt is counted on all three atomically
*before* the password is checked (`nmo.core.throttle.reserve`), so that however many
attempts arrive at once, at most the limit of them reach the password check:

- the account at this address: THROTTLE_LOGIN_FAILURES per THROTTLE_WINDOW_SECONDS, then
  this account waits at this address, even with the right password;
- the account from all addresses: THROTTLE_LOGIN_ACCOUNT_FAILURES per
  THROTTLE_CEILING_WINDOW_SECONDS (OWASP ASVS 2.2.1: at most 100 an hour), then the
  account waits everywhere;
- the address: THROTTLE_ADDRESS_FAILURES per THROTTLE_CEILING_WINDOW_SECONDS; past it,
  an account not known at the address (signed in from it within
  THROTTLE_KNOWN_ADDRESS_DAYS) gets THROTTLE_ADDRESS_ALLOWANCE tries of its own there,
  then waits. Others' failures never refuse an account's first tries, so a right password
  typed by a newcomer at a busy hospital still gets in (issue 10, point 5); a sprayer gets
  a few guesses per account, not ten.

A wrong password keeps its count on all three. A success gives its count back, clears
the account's count at the address (never the other two) and marks the address known to
the account. A refused attempt, or one that checked nothing, gives its count back.
"""

import time
from dataclasses import dataclass

from django.conf import settings

from nmo.core.exceptions import RateLimited
from nmo.core.russian import in_time
from nmo.core.throttle import (
    Counter,
    Reservation,
    hashed,
    is_known,
    remember,
    reserve,
    reset_throttle,
)

SCOPE = "login"
RESET_SCOPE = "reset"
_DAY = 24 * 60 * 60
_WHAT = {
    SCOPE: "неудачных попыток входа",
    RESET_SCOPE: "попыток открыть недействительную ссылку для смены пароля",
}


def _refusal(seconds: int, *, scope: str, address: bool = False) -> RateLimited:
    where = " с вашего адреса сети" if address else ""
    return RateLimited(
        seconds,
        f"Слишком много {_WHAT[scope]}{where}. Повторите попытку через {in_time(seconds)}.",
    )


@dataclass(frozen=True)
class LoginAttempt:
    """One admitted attempt, already counted: report its outcome with `failed()`,
    `succeeded()` or `checked_nothing()`."""

    pair: Counter
    account: Counter
    address: Counter
    known_ident: str
    reservation: Reservation

    def failed(self) -> None:
        """A wrong password: the count taken on admission stays as its failure."""

    def checked_nothing(self) -> None:
        self.reservation.refund()

    def succeeded(self) -> None:
        self.reservation.refund([self.account, self.address])
        if self.reservation.before(self.pair):
            self.reservation.clear([self.pair])
        else:
            self.reservation.refund([self.pair])
        since = is_known(scope=self.reservation.scope, ident=self.known_ident)
        if since is None or since < time.time() - _DAY:  # refreshed at most once a day
            ttl = int(settings.THROTTLE_KNOWN_ADDRESS_DAYS) * _DAY
            remember(scope=SCOPE, ident=self.known_ident, ttl=ttl)


def login_counters(*, email: str, ip: str | None) -> tuple[Counter, Counter, Counter]:
    """The counters of this e-mail (normalised) at this address: the pair, the account,
    the address."""
    account_key = hashed(email)
    address = ip or "-"
    window = int(settings.THROTTLE_WINDOW_SECONDS)
    ceiling_window = int(settings.THROTTLE_CEILING_WINDOW_SECONDS)
    return (
        Counter(f"pair:{account_key}@{address}", int(settings.THROTTLE_LOGIN_FAILURES), window),
        Counter(
            f"email:{account_key}", int(settings.THROTTLE_LOGIN_ACCOUNT_FAILURES), ceiling_window
        ),
        Counter(f"ip:{address}", int(settings.THROTTLE_ADDRESS_FAILURES), ceiling_window),
    )


def admit_login(*, email: str, ip: str | None, scope: str = SCOPE) -> LoginAttempt:
    """Count the attempt of this e-mail (normalised) at this address and admit it, or give
    the count back and raise RateLimited with a Russian message that says when to retry
    if the password may not be checked now. Raises ServiceUnavailable when the counters'
    store does not answer (nothing is checked then).

    `scope` RESET_SCOPE counts the password-reset links opened for an account, with the
    same counters and limits kept apart from the logins' (ADR 0021): a link that does not
    check is a failure; a locked login never bars the owner's valid link."""
    pair, account, address = login_counters(email=email, ip=ip)
    known_ident = f"{hashed(email)}@{ip or '-'}"
    reservation = reserve(scope=scope, counters=[pair, account, address])
    refusal: RateLimited | None = None
    for counter in (pair, account):
        wait = reservation.retry_after(counter)
        if wait is not None:
            refusal = _refusal(wait, scope=scope)
            break
    else:
        over_allowance = reservation.before(pair) >= int(settings.THROTTLE_ADDRESS_ALLOWANCE)
        if (
            reservation.reached(address)
            and over_allowance
            and is_known(scope=scope, ident=known_ident) is None
        ):
            wait = min(reservation.left(address), reservation.left(pair))
            refusal = _refusal(wait, scope=scope, address=True)
    if refusal is not None:
        reservation.refund()
        raise refusal
    return LoginAttempt(
        pair=pair,
        account=account,
        address=address,
        known_ident=known_ident,
        reservation=reservation,
    )


def clear_account_at_address(*, email: str, ip: str | None) -> None:
    """Forget the account's wrong passwords at this address (its owner has just proved
    the mailbox by setting a new password from the reset link)."""
    pair, _account, _address = login_counters(email=email, ip=ip)
    reset_throttle(scope=SCOPE, idents=[pair.ident])
