from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from nmo.accounts.models import User


class AppealsConfig(AppConfig):
    name = "nmo.appeals"
    verbose_name = "Апелляции"

    @property
    def navigation_counts(self) -> dict[str, Callable[[Any], int]]:
        """The menu's counts: "to_sign", how many appeal protocols await the person's
        signature («На подпись», ADR 0115; added to the attestation's count) — one query,
        and none for a person seated on no appeal commission."""
        from nmo.appeals.selectors import protocols_to_sign_count

        def to_sign(user: Any) -> int:
            if "appeal_commission" not in self.navigation_roles(user):
                return 0
            return protocols_to_sign_count(user)

        return {"to_sign": to_sign}

    def navigation_roles(self, user: User | AnonymousUser) -> set[str]:
        """Return {"appeal_commission"} for a person seated on an appeal commission and
        {"appellant"} for a learner with an appeal, so that the menu shows the appeals."""
        from nmo.appeals.selectors import navigation_roles_of

        cached: set[str] | None = getattr(user, "_appeal_roles", None)
        if cached is None:
            cached = navigation_roles_of(user)
            with contextlib.suppress(AttributeError):
                user._appeal_roles = cached  # type: ignore[union-attr]
        return cached
