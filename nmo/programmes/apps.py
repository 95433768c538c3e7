from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from nmo.accounts.models import User


class ProgrammesConfig(AppConfig):
    name = "nmo.programmes"
    verbose_name = "Программы ДПП и группы"

    def navigation_roles(self, user: User | AnonymousUser) -> set[str]:
        """Return {"learner"} for a person enrolled in any cohort, so that the menu shows
        the learner's entry ("Моя аттестация")."""
        from nmo.programmes.selectors import is_learner

        cached: set[str] | None = getattr(user, "_programmes_roles", None)
        if cached is None:
            cached = {"learner"} if is_learner(user) else set()
            with contextlib.suppress(AttributeError):  # AnonymousUser and the like
                user._programmes_roles = cached  # type: ignore[union-attr]
        return cached
