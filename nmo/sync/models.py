"""The link between a specialist's accounts on the cycle portal and the credit portal
(glossary: «Синхронизация аккаунтов»; faq-sync-why, faq-sync-once; ADR 0501)."""

from django.db import models
from django.db.models import Q

from nmo.core.models import BaseModel
from nmo.sync.sealed import SealedTextField

__all__ = ["AccountLink", "LinkState"]


class LinkState(models.TextChoices):
    RUNNING = "running", "синхронизация идёт"
    DONE = "done", "синхронизация завершена"
    FAILED = "failed", "ошибка синхронизации"
    REVOKED = "revoked", "доступ отозван"
    UNLINKED = "unlinked", "связь разорвана"


class AccountLink(BaseModel):
    """Kept on the cycle portal: the credit portal's OAuth 2.0 tokens for the specialist's
    account there (encrypted at rest), the cursor of its credit feed and the state the
    cabinet shows. An unlinked link stays, so what it brought over stays explained."""

    specialist = models.ForeignKey(
        "accounts.User",
        verbose_name="специалист",
        on_delete=models.PROTECT,
        related_name="account_links",
    )
    portal_url = models.CharField("портал учёта кредитов", max_length=200)
    remote_account = models.CharField("аккаунт на портале учёта кредитов", max_length=300)
    # Encrypted in the column (ADR 0502); read back decrypted, or `Unreadable`.
    access_token = SealedTextField("токен доступа", blank=True)
    refresh_token = SealedTextField("токен обновления", blank=True)
    token_expires_at = models.DateTimeField("токен действует до", null=True, blank=True)
    # The last source id taken over: every record up to it is here (saved with them).
    cursor = models.BigIntegerField("курсор ленты", default=0)
    synced_count = models.PositiveIntegerField("перенесено записей", default=0)
    remote_total = models.PositiveIntegerField("записей на портале учёта кредитов", default=0)
    remote_remaining = models.PositiveIntegerField("осталось перенести", default=0)
    state = models.CharField(
        "состояние", max_length=10, choices=LinkState.choices, default=LinkState.RUNNING
    )
    error = models.TextField("ошибка", blank=True)
    attempts = models.PositiveSmallIntegerField("неудачных попыток подряд", default=0)
    next_attempt_at = models.DateTimeField("следующая попытка", null=True, blank=True)
    heartbeat_at = models.DateTimeField("последний шаг синхронизации", null=True, blank=True)
    finished_at = models.DateTimeField("синхронизация завершена", null=True, blank=True)
    unlinked_at = models.DateTimeField("связь разорвана", null=True, blank=True)

    class Meta:
        verbose_name = "связь аккаунтов"
        verbose_name_plural = "связи аккаунтов"
        constraints = [
            # Linked once: one live link per specialist (faq-sync-once).
            models.UniqueConstraint(
                fields=["specialist"],
                condition=Q(unlinked_at__isnull=True),
                name="account_link_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.specialist} ↔ {self.remote_account} ({self.portal_url})"

    @property
    def is_live(self) -> bool:
        return self.unlinked_at is None
