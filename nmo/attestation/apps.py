from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from nmo.accounts.models import User


class AttestationConfig(AppConfig):
    name = "nmo.attestation"
    verbose_name = "Итоговая аттестация"

    @property
    def navigation_counts(self) -> dict[str, Callable[[Any], int]]:
        """The menu's counts: "to_sign", how many record versions await the person's
        signature («На подпись», ADR 0115) — one query, and none for a person seated on
        no attestation commission (the roles the menu has already read)."""
        from nmo.attestation.selectors import pending_count

        def to_sign(user: Any) -> int:
            return pending_count(user) if "commission" in self.navigation_roles(user) else 0

        return {"to_sign": to_sign}

    def navigation_roles(self, user: User | AnonymousUser) -> set[str]:
        """Return {"commission"} for a person seated on any attestation commission, so that
        the menu shows the attestations entry."""
        from nmo.attestation.selectors import is_seated

        cached: set[str] | None = getattr(user, "_attestation_roles", None)
        if cached is None:
            cached = {"commission"} if is_seated(user) else set()
            with contextlib.suppress(AttributeError):  # AnonymousUser and the like
                user._attestation_roles = cached  # type: ignore[union-attr]
        return cached
