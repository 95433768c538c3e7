from django.db import models
from django.db.models import Q

from nmo.codes.rules import CODE_LENGTH, CODE_PATTERN
from nmo.core.models import BaseModel


class Participant(BaseModel):
    """A participant of an event as listed in the provider's roster; each gets one
    confirmation code and one CME certificate (faq-certificate)."""

    activity = models.ForeignKey(
        "catalog.Activity",
        verbose_name="мероприятие",
        on_delete=models.PROTECT,
        related_name="participants",
    )
    full_name = models.CharField("фамилия, имя, отчество", max_length=300)
    email = models.EmailField("электронная почта", max_length=254, blank=True)
    snils = models.CharField("СНИЛС", max_length=11, null=True, blank=True)

    class Meta:
        verbose_name = "участник мероприятия"
        verbose_name_plural = "участники мероприятий"
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "snils"],
                condition=Q(snils__isnull=False),
                name="participant_snils_once_per_activity",
            ),
            models.CheckConstraint(
                condition=Q(snils__isnull=True) | Q(snils__regex=r"^[0-9]{11}$"),
                name="participant_snils_11_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class ConfirmationCode(models.Model):
    """An individual confirmation code (ИКП) of an accredited event, printed on a CME
    certificate and activated by a specialist exactly once (faq-ikp-format,
    faq-ikp-activation). The value is stored normalised (XXXX-XXXXXXXX) and unique across
    the system; activation is a conditional UPDATE of `activated_by`/`activated_at`."""

    # Unique by the constraint below, not `unique=True`: that would add a second index,
    # for LIKE, which no query uses and every activation writes (ADR 0610).
    value = models.CharField("код", max_length=CODE_LENGTH)
    activity = models.ForeignKey(
        "catalog.Activity",
        verbose_name="мероприятие",
        on_delete=models.PROTECT,
        related_name="confirmation_codes",
    )
    participant = models.OneToOneField(
        Participant,
        verbose_name="участник",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="code",
    )
    issued_at = models.DateTimeField("выпущен")
    activated_by = models.ForeignKey(
        "accounts.User",
        verbose_name="активировал",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activated_codes",
    )
    activated_at = models.DateTimeField("активирован", null=True, blank=True)

    class Meta:
        verbose_name = "код подтверждения (ИКП)"
        verbose_name_plural = "коды подтверждения (ИКП)"
        ordering = ["activity", "id"]
        constraints = [
            # `value` is unique, which gives it its one index: codes are found by equality.
            models.UniqueConstraint(fields=["value"], name="code_value_once"),
            models.CheckConstraint(
                condition=Q(activated_by__isnull=True, activated_at__isnull=True)
                | Q(activated_by__isnull=False, activated_at__isnull=False),
                name="code_activation_complete",
            ),
            models.CheckConstraint(
                condition=Q(value__regex=CODE_PATTERN), name="code_value_format"
            ),
            # One code per specialist and event: a second code of an event the specialist
            # already activated stays unused, whatever the ledger says (faq-ikp-error).
            models.UniqueConstraint(
                fields=["activity", "activated_by"],
                condition=Q(activated_by__isnull=False),
                name="code_once_per_specialist_and_activity",
            ),
        ]

    def __str__(self) -> str:
        return self.value

    @property
    def is_activated(self) -> bool:
        return self.activated_at is not None


class SupportRoute(models.TextChoices):
    CODE = "code", "По коду: мероприятие провайдера"
    TITLE = "title", "По названию и дате мероприятия"
    UNMATCHED = "unmatched", "Не сопоставлено (рассматривает администратор)"
    ADMIN = "admin", "Направлено администратором"


class SupportStatus(models.TextChoices):
    OPEN = "open", "На рассмотрении"
    RESOLVED = "resolved", "Кредиты начислены"
    REFUSED = "refused", "Отказано"


class SupportRequest(BaseModel):
    """A specialist's request when a code will not activate: event name, date, place and
    the code (faq-ikp-support), routed to the event's provider, who resolves it
    (faq-cert-from-provider)."""

    specialist = models.ForeignKey(
        "accounts.User",
        verbose_name="специалист",
        on_delete=models.PROTECT,
        related_name="code_support_requests",
    )
    event_title = models.CharField("название мероприятия", max_length=500)
    event_date = models.DateField("дата проведения")
    place = models.CharField("место проведения", max_length=500)
    typed_code = models.CharField("код, как введён", max_length=100)
    code_value = models.CharField("код (нормализованный)", max_length=CODE_LENGTH, blank=True)
    comment = models.TextField("комментарий", blank=True)
    route = models.CharField("как направлено", max_length=10, choices=SupportRoute.choices)
    activity = models.ForeignKey(
        "catalog.Activity",
        verbose_name="мероприятие",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="code_support_requests",
    )
    routed_to = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="провайдер",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="code_support_requests",
    )
    status = models.CharField(
        "статус", max_length=10, choices=SupportStatus.choices, default=SupportStatus.OPEN
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name="рассмотрел",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("рассмотрено", null=True, blank=True)
    answer = models.TextField("ответ специалисту", blank=True)
    participant = models.ForeignKey(
        Participant,
        verbose_name="участник из списка",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "обращение по коду"
        verbose_name_plural = "обращения по кодам"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["routed_to", "status"], name="support_routed_idx"),
            models.Index(fields=["specialist", "-created_at"], name="support_specialist_idx"),
            models.Index(fields=["route", "status"], name="support_route_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", decided_at__isnull=True)
                | (~Q(status="open") & Q(decided_at__isnull=False)),
                name="support_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Обращение № {self.pk}: {self.event_title}"
