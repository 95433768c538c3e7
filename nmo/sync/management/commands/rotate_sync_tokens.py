"""`manage.py rotate_sync_tokens`: on the cycle portal, after a new key was put first in
NMO_SYNC_TOKEN_KEYS, encrypt every link's tokens with it at once (ADR 0502); the old key
may be removed when it reports no unreadable link. Exit status 1 when some link's tokens
no key opens (those specialists are asked to link again)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nmo.sync.services import rotate_tokens


class Command(BaseCommand):
    help = "Перешифровать токены связанных аккаунтов первым ключом NMO_SYNC_TOKEN_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        rotated, unreadable = rotate_tokens()
        self.stdout.write(f"Перешифровано связей: {rotated}.")
        if unreadable:
            raise CommandError(
                f"Не открываются ни одним ключом: {unreadable} — эти специалисты должны "
                "связать аккаунты заново.",
                returncode=1,
            )
