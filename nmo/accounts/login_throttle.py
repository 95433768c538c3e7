"""How wrong passwords are throttled, for the login form and the token endpoint alike
(ADR 0014).

Three counters of wrong passwords, read in one cache round trip before the password is
checked:

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

A success clears the account's count at the address (never the other two) and marks
the address known to the account.
"""

import time
from dataclasses import dataclass

from django.conf import settings

from nmo.core.exceptions import RateLimited
from nmo.core.russian import in_time
from nmo.core.throttle import (
    Counter,
    Standing,
    hashed,
    read_standing,
    register_failure,
    remember,
    reset_throttle,
)

SCOPE = "login"
_DAY = 24 * 60 * 60


def _refusal(seconds: int, *, address: bool = False) -> RateLimited:
    where = " с вашего адреса сети" if address else ""
    return RateLimited(
        seconds,
        f"Слишком много неудачных попыток входа{where}. Повторите попытку через "
        f"{in_time(seconds)}.",
    )


@dataclass(frozen=True)
class LoginAttempt:
    """One admitted attempt: report its outcome with `failed()` or `succeeded()`."""

    pair: Counter
    account: Counter
    address: Counter
    known_ident: str
    standing: Standing

    def failed(self) -> None:
        register_failure(scope=SCOPE, counters=[self.pair, self.account, self.address])

    def succeeded(self) -> None:
        if self.standing.count(self.pair):
            reset_throttle(scope=SCOPE, idents=[self.pair.ident])
        since = self.standing.known_since
        if since is None or since < time.time() - _DAY:  # refreshed at most once a day
            ttl = int(settings.THROTTLE_KNOWN_ADDRESS_DAYS) * _DAY
            remember(scope=SCOPE, ident=self.known_ident, ttl=ttl)


def admit_login(*, email: str, ip: str | None) -> LoginAttempt:
    """Read the counters for this e-mail (normalised) at this address; raise RateLimited
    with a Russian message that says when to retry if the password may not be checked
    now."""
    account_key = hashed(email)
    address = ip or "-"
    window = int(settings.THROTTLE_WINDOW_SECONDS)
    ceiling_window = int(settings.THROTTLE_CEILING_WINDOW_SECONDS)
    pair = Counter(f"pair:{account_key}@{address}", int(settings.THROTTLE_LOGIN_FAILURES), window)
    account = Counter(
        f"email:{account_key}", int(settings.THROTTLE_LOGIN_ACCOUNT_FAILURES), ceiling_window
    )
    address_counter = Counter(
        f"ip:{address}", int(settings.THROTTLE_ADDRESS_FAILURES), ceiling_window
    )
    known_ident = f"{account_key}@{address}"
    standing = read_standing(
        scope=SCOPE, counters=[pair, account, address_counter], known=known_ident
    )
    for counter in (pair, account):
        wait = standing.retry_after(counter)
        if wait is not None:
            raise _refusal(wait)
    wait = standing.retry_after(address_counter)
    over_allowance = standing.count(pair) >= int(settings.THROTTLE_ADDRESS_ALLOWANCE)
    if wait is not None and not standing.known and over_allowance:
        raise _refusal(min(wait, standing.left.get(pair.ident, pair.window)), address=True)
    return LoginAttempt(
        pair=pair,
        account=account,
        address=address_counter,
        known_ident=known_ident,
        standing=standing,
    )
