from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from nmo.accounts.models import User


class AppealsConfig(AppConfig):
    name = "nmo.appeals"
    verbose_name = "Апелляции"

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
