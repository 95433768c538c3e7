from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest

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

    def cabinet_panel(self, request: HttpRequest, specialty_ids: Sequence[int]) -> str:
        """The cabinet's section «Программы ДПП» (ADR 0117): the specialist's applications
        with their states, the cohorts they are enrolled in through them, and open cohorts
        of programmes for the specialties of their cycles, each with «Подать заявку»."""
        from django.template.loader import render_to_string

        from nmo.programmes.cabinet import cached_panel
        from nmo.programmes.selectors import applications_of_specialist, suggested_cohorts

        def build() -> str:
            applications = list(applications_of_specialist(request.user)[:20])  # type: ignore[arg-type]
            applied = {a.cohort_id for a in applications if a.status in ("filed", "accepted")}
            suggestions = [
                c for c in suggested_cohorts(specialty_ids) if c.cohort_id not in applied
            ]
            # Rendered without the request: the section has no form, and the request
            # would run every context processor (the menu's queries) again for one visit.
            return render_to_string(
                "programmes/_cabinet_applications.html",
                {"applications": applications, "suggestions": suggestions},
            )

        return cached_panel(request.user.pk, specialty_ids, build)
