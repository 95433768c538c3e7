"""E-mail to a local folder (ADR 0013): each letter an .eml file, opened by any mail
program, and one log line that says who it is for, its subject and its file. The default
backend of a local run; production sets the SMTP backend (docs/deploy.md)."""

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django.utils.crypto import get_random_string

logger = logging.getLogger("nmo.mail")


class EmlFileBackend(BaseEmailBackend):
    """Writes every message to `EMAIL_FILE_PATH/<time>-<random>.eml`."""

    def __init__(self, *args: Any, file_path: str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)
        self._lock = threading.Lock()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            for message in email_messages:
                if not message.recipients():
                    continue
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
                path = self.directory / f"{stamp}-{get_random_string(6).lower()}.eml"
                try:
                    path.write_bytes(message.message().as_bytes(linesep="\n"))
                except OSError:
                    if not self.fail_silently:
                        raise
                    continue
                logger.info(
                    "Письмо для %s: «%s» — %s",
                    ", ".join(message.recipients()),
                    message.subject,
                    _shown(path),
                )
                sent += 1
        return sent


def _shown(path: Path) -> str:
    """The file's path from the current folder when it lies inside it (var/mail/…)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
