import hashlib
from datetime import datetime, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from nmo.accounts.rules import format_snils, normalise_email
from nmo.core.models import BaseModel


class Role(models.TextChoices):
    """Roles held per organisation. The commission roles (chair, deputy chair, member,
    secretary) are held per commission by the attestation app, not here."""

    SPECIALIST = "specialist", "Специалист"
    PROVIDER = "provider", "Провайдер"
    ACCREDITATION_EXPERT = "accreditation_expert", "Эксперт комиссии по НМО"
    ORGANISATION_STAFF = "organisation_staff", "Сотрудник образовательной организации"
    ORGANISATION_ADMIN = "organisation_admin", "Администратор организации"
    COMMISSION_MEMBER = "commission_member", "Член аттестационной комиссии"
    ADMIN = "admin", "Администратор"


class Sex(models.TextChoices):
    """A person's sex, as documents and the FRDO need it (words agree with it)."""

    MALE = "male", "мужской"
    FEMALE = "female", "женский"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> "User":
        # E-mail is stored lower-case, so a login typed in any case finds the account.
        return self.get(email=normalise_email(username or ""))

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save()
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: specialist, learner, provider's or organisation's staff, expert or admin.
    Logs in by e-mail."""

    email = models.EmailField("электронная почта", max_length=254, unique=True)
    last_name = models.CharField("фамилия", max_length=150)
    first_name = models.CharField("имя", max_length=150)
    middle_name = models.CharField("отчество", max_length=150, blank=True)
    snils = models.CharField(
        "СНИЛС",
        max_length=11,
        null=True,
        blank=True,
        unique=True,
        help_text="11 цифр без разделителей",
    )
    phone = models.CharField("телефон", max_length=30, blank=True)
    sex = models.CharField("пол", max_length=6, choices=Sex.choices, blank=True)
    sex_inferred = models.BooleanField(
        "пол определён по имени",
        default=False,
        help_text="Пол не указан человеком, а определён по отчеству или имени; его можно "
        "исправить в личных сведениях.",
    )
    birth_date = models.DateField("дата рождения", null=True, blank=True)
    personal_data_consent_at = models.DateTimeField(
        "согласие на обработку персональных данных", null=True, blank=True
    )
    personal_data_consent_version = models.CharField(
        "версия текста согласия", max_length=20, blank=True
    )
    is_active = models.BooleanField("активен", default=True)
    is_staff = models.BooleanField("доступ к администрированию справочников", default=False)
    date_joined = models.DateTimeField("дата регистрации", default=timezone.now)
    # Read with the account on every request, so an activation by someone who has not
    # failed lately needs no read of the throttle's counters (ADR 0612).
    failed_activation_at = models.DateTimeField(
        "последняя неудачная активация кода", null=True, blank=True, editable=False
    )

    objects: ClassVar[UserManager] = UserManager()
    # How many API tokens the last `save` revoked because the password changed (not a field).
    tokens_revoked: int = 0
    # The role codes held, cached on the instance by `selectors.roles_of` (not a field).
    _role_cache: set[str]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["last_name", "first_name"]

    class Meta:
        verbose_name = "пользователь"
        verbose_name_plural = "пользователи"
        ordering = ["last_name", "first_name", "middle_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(snils__isnull=True) | Q(snils__regex=r"^[0-9]{11}$"),
                name="user_snils_11_digits",
            ),
            # The address is stored normalised (`save`); this keeps two rows that differ in
            # case only out even when written around the model (ADR 0022).
            models.UniqueConstraint(Lower("email"), name="user_email_lower_unique"),
        ]
        # The administrators' list of users in its order (`search_users`): its first page
        # of 2M accounts is read from the index, not sorted (ADR 0616).
        indexes = [
            models.Index(fields=["last_name", "first_name", "id"], name="user_name_order_idx")
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Store the e-mail normalised (NFKC, case folded) whatever path wrote it; a new
        password of an existing account revokes all its API tokens (ADR 0022): the count
        revoked is left in `tokens_revoked` for the caller's audit line. Django's re-hash
        of a password at login is not a change (it clears `_password` first)."""
        self.email = normalise_email(self.email)
        new_password = getattr(self, "_password", None)  # set by set_password until saved
        password_changed = new_password is not None and not self._state.adding
        super().save(*args, **kwargs)
        self.tokens_revoked = 0
        if password_changed:
            self.tokens_revoked = ApiToken.objects.filter(
                user=self, revoked_at__isnull=True
            ).update(revoked_at=timezone.now())

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        initials = "".join(f"{p[0]}." for p in (self.first_name, self.middle_name) if p)
        return f"{self.last_name} {initials}".strip()

    @property
    def snils_display(self) -> str:
        return format_snils(self.snils) if self.snils else ""

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.short_name


class OrganisationKind(models.TextChoices):
    EDUCATIONAL = "educational", "Образовательная организация"
    PROVIDER = "provider", "Провайдер (организатор) НМО"
    ACCREDITATION_COMMISSION = (
        "accreditation_commission",
        "Комиссия по оценке (Координационный совет по НМО)",
    )


class Organisation(BaseModel):
    """An educational organisation, a provider of CME activities, or the accreditation
    commission. An educational organisation may also act as a provider."""

    name = models.CharField("полное наименование", max_length=500, unique=True)
    short_name = models.CharField("краткое наименование", max_length=200, blank=True)
    kind = models.CharField("вид", max_length=30, choices=OrganisationKind.choices)
    inn = models.CharField("ИНН", max_length=12, blank=True)
    address = models.CharField("адрес", max_length=500, blank=True)
    is_active = models.BooleanField("действует", default=True)

    class Meta:
        verbose_name = "организация"
        verbose_name_plural = "организации"
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="organisation_kind_idx")]

    def __str__(self) -> str:
        return self.short_name or self.name


class UnitKind(models.TextChoices):
    STUDY_DEPARTMENT = "study_department", "Учебный отдел"
    DEPARTMENT = "department", "Кафедра"
    UNIT = "unit", "Структурное подразделение"


class Unit(BaseModel):
    """A study department, department (кафедра) or other unit of an organisation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="организация", on_delete=models.CASCADE, related_name="units"
    )
    name = models.CharField("наименование", max_length=300)
    kind = models.CharField("вид", max_length=30, choices=UnitKind.choices, default=UnitKind.UNIT)
    head = models.ForeignKey(
        User,
        verbose_name="руководитель",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )

    class Meta:
        verbose_name = "подразделение"
        verbose_name_plural = "подразделения"
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Membership(BaseModel):
    """A role a user holds, in an organisation where the role is organisational."""

    user = models.ForeignKey(
        User, verbose_name="пользователь", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("роль", max_length=40, choices=Role.choices, db_index=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="организация",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    class Meta:
        verbose_name = "роль пользователя"
        verbose_name_plural = "роли пользователей"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="membership_unique_in_organisation",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(organisation__isnull=True),
                name="membership_unique_without_organisation",
            ),
        ]

    def __str__(self) -> str:
        where = f" — {self.organisation}" if self.organisation_id else ""
        return f"{self.get_role_display()}{where}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(BaseModel):
    """A bearer token for the API. Only its SHA-256 hash is stored; the token itself is
    shown once, when issued."""

    user = models.ForeignKey(
        User, verbose_name="пользователь", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("название", max_length=100, blank=True)
    prefix = models.CharField("начало токена", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField("последнее использование", null=True, blank=True)
    revoked_at = models.DateTimeField("отозван", null=True, blank=True)

    class Meta:
        verbose_name = "токен API"
        verbose_name_plural = "токены API"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def expires_at(self) -> datetime:
        """When the token stops working unless used before: API_TOKEN_IDLE_DAYS after its
        last use (or its issue), ADR 0022."""
        since = self.last_used_at or self.created_at
        return since + timedelta(days=int(settings.API_TOKEN_IDLE_DAYS))

    @property
    def is_expired(self) -> bool:
        return self.revoked_at is None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class Invitation(BaseModel):
    """An invitation by e-mail to hold a role in an organisation, sent by the organisation's
    administrator (or, for the first administrator, by the platform administrator). The
    link carries a signed token naming this row and its `nonce`; re-sending draws a new
    nonce, so only the latest letter's link works. Accepted or cancelled, it is closed."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name="организация",
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField("электронная почта", max_length=254)
    role = models.CharField("роль", max_length=40, choices=Role.choices)
    last_name = models.CharField("фамилия", max_length=150, blank=True)
    first_name = models.CharField("имя", max_length=150, blank=True)
    middle_name = models.CharField("отчество", max_length=150, blank=True)
    invited_by = models.ForeignKey(
        User,
        verbose_name="кто пригласил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    nonce = models.CharField(max_length=32)
    sent_at = models.DateTimeField("отправлено")
    expires_at = models.DateTimeField("действует до")
    accepted_at = models.DateTimeField("принято", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        verbose_name="кто принял",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accepted_invitations",
    )
    cancelled_at = models.DateTimeField("отменено", null=True, blank=True)

    class Meta:
        verbose_name = "приглашение"
        verbose_name_plural = "приглашения"
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email", "role"],
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="invitation_pending_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} ({self.organisation})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None
