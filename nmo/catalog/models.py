from django.db import models

from nmo.core.models import BaseModel


class SpecialtyLevel(models.TextChoices):
    HIGHER_MEDICAL = "higher_medical", "Высшее медицинское образование"
    HIGHER_PHARMACEUTICAL = "higher_pharmaceutical", "Высшее фармацевтическое образование"
    HIGHER_OTHER = "higher_other", "Иное высшее образование (специалисты в сфере здравоохранения)"
    SECONDARY_MEDICAL = "secondary_medical", "Среднее медицинское образование"
    SECONDARY_PHARMACEUTICAL = "secondary_pharmaceutical", "Среднее фармацевтическое образование"


class Specialty(BaseModel):
    """An entry of the nomenclature of specialties (order 700н and its successors)."""

    code = models.CharField("код", max_length=20, unique=True)
    name = models.CharField("наименование", max_length=300)
    level = models.CharField("уровень образования", max_length=30, choices=SpecialtyLevel.choices)
    is_active = models.BooleanField("действует", default=True)
    edited_by_admin = models.BooleanField(
        "изменено администратором",
        default=False,
        help_text="Повторная загрузка номенклатуры из файла не перезаписывает такую запись.",
    )

    class Meta:
        verbose_name = "специальность"
        verbose_name_plural = "номенклатура специальностей"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    EVENT = "event", "Учебное мероприятие"
    MODULE = "module", "Электронный учебный модуль"


class ActivityFormat(models.TextChoices):
    IN_PERSON = "in_person", "Очно (аудиторно)"
    ONLINE = "online", "Онлайн (дистанционно)"


class ActivityStatus(models.TextChoices):
    SUBMITTED = "submitted", "Подана на оценку"
    ACCREDITED = "accredited", "Аккредитована"
    REJECTED = "rejected", "Отклонена"


class Activity(BaseModel):
    """An event or e-module a provider submits for accreditation (заявка на оценку); once
    the commission accredits it with credits it is in the catalogue (faq-catalogue-providers)."""

    provider = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="провайдер",
        on_delete=models.PROTECT,
        related_name="activities",
    )
    submitted_by = models.ForeignKey(
        "accounts.User",
        verbose_name="подал",
        on_delete=models.PROTECT,
        related_name="submitted_activities",
    )
    kind = models.CharField("вид", max_length=10, choices=ActivityKind.choices)
    title = models.CharField("название", max_length=500)
    title_search = models.CharField(max_length=500, editable=False, db_index=False)
    description = models.TextField("описание", blank=True)
    specialties = models.ManyToManyField(
        Specialty, verbose_name="специальности", related_name="activities"
    )
    format = models.CharField("формат", max_length=10, choices=ActivityFormat.choices)
    starts_on = models.DateField("дата начала")
    ends_on = models.DateField("дата окончания")
    location = models.CharField("место проведения", max_length=500, blank=True)
    country = models.CharField("страна (ISO 3166)", max_length=2, default="RU")
    hours_requested = models.PositiveSmallIntegerField("запрошено часов (кредитов)")
    status = models.CharField(
        "статус", max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.SUBMITTED
    )
    credits = models.PositiveSmallIntegerField("кредиты", null=True, blank=True)
    decided_at = models.DateTimeField("решение принято", null=True, blank=True)

    class Meta:
        verbose_name = "мероприятие или модуль"
        verbose_name_plural = "мероприятия и модули"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["status", "starts_on"], name="activity_status_start_idx"),
            models.Index(fields=["status", "kind", "starts_on"], name="activity_status_kind_idx"),
            models.Index(fields=["provider", "status"], name="activity_provider_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="activity_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="accredited") | models.Q(credits__gt=0),
                name="activity_accredited_has_credits",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        from nmo.catalog.rules import search_key

        self.title_search = search_key(self.title)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "title_search"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AccreditationDecision(BaseModel):
    """One step in the history of an application: submission, edits, the commission's
    decision. Never changed after it is written."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Заявка подана"
        EDITED = "edited", "Заявка изменена"
        ACCREDITED = "accredited", "Аккредитовано"
        REJECTED = "rejected", "Отклонено"

    activity = models.ForeignKey(
        Activity, verbose_name="заявка", on_delete=models.CASCADE, related_name="history"
    )
    action = models.CharField("действие", max_length=12, choices=Action.choices)
    actor = models.ForeignKey(
        "accounts.User", verbose_name="кто", on_delete=models.PROTECT, related_name="+"
    )
    credits = models.PositiveSmallIntegerField("кредиты", null=True, blank=True)
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "шаг рассмотрения заявки"
        verbose_name_plural = "история рассмотрения заявок"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.activity}: {self.get_action_display()}"
