import contextlib

from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "nmo.programmes"
    verbose_name = "Программы ДПП и группы"

    def navigation_roles(self, user: object) -> set[str]:
        """Return {"learner"} for a person enrolled in any cohort, so that the menu shows
        the learner's entry ("Моя аттестация")."""
        from nmo.programmes.selectors import is_learner

        cached: set[str] | None = getattr(user, "_programmes_roles", None)
        if cached is None:
            cached = {"learner"} if is_learner(user) else set()
            with contextlib.suppress(AttributeError):  # AnonymousUser and the like
                user._programmes_roles = cached  # type: ignore[attr-defined]
        return cached
