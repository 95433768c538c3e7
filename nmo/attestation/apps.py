import contextlib

from django.apps import AppConfig


class AttestationConfig(AppConfig):
    name = "nmo.attestation"
    verbose_name = "Итоговая аттестация"

    def navigation_roles(self, user: object) -> set[str]:
        """Return {"commission"} for a person seated on any attestation commission, so that
        the menu shows the attestations entry."""
        from nmo.attestation.selectors import is_seated

        cached: set[str] | None = getattr(user, "_attestation_roles", None)
        if cached is None:
            cached = {"commission"} if is_seated(user) else set()
            with contextlib.suppress(AttributeError):  # AnonymousUser and the like
                user._attestation_roles = cached  # type: ignore[attr-defined]
        return cached
