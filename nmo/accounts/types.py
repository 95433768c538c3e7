from dataclasses import dataclass

from django.db import models

from nmo.core.audit import AuditAction, AuditField, choices_of


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued API token: `raw` is shown once and never stored."""

    id: int
    raw: str
    prefix: str


class LoginDoor(models.TextChoices):
    """Where a password is checked; every door is throttled and audited alike (ADR 0021)."""

    FORM = "form", "форма входа"
    API = "api", "API (выпуск токена)"
    ADMIN = "admin", "вход в администрирование"
    RESET = "reset", "ссылка для смены пароля"


_LOGIN_FIELDS: dict[str, str | AuditField] = {
    "door": AuditField("где", choices=choices_of(LoginDoor.choices)),
    "reason": AuditField(
        "причина",
        choices={
            "password": "неверный адрес электронной почты или пароль",
            "not_admin": "учётная запись не администратора",
        },
    ),
    "retry_after": "повторить через, секунд",
}

# The audit log's words for this app's actions (ADR 0018).
AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "account.register": "Зарегистрирован специалист",
    "account.register_attempt": "Попытка регистрации с данными существующей учётной записи",
    "account.password_reset_request": "Запрошено восстановление пароля",
    "account.password_reset_request_unknown": (
        "Запрошено восстановление пароля для адреса, которого нет среди учётных записей"
    ),
    "account.password_reset": "Пароль восстановлен по ссылке из письма",
    "account.password_change": "Изменён пароль",
    "account.create": AuditAction("Создана учётная запись", fields_of="accounts.membership"),
    "account.grant_role": AuditAction("Назначена роль", fields_of="accounts.membership"),
    "account.revoke_role": AuditAction("Снята роль", fields_of="accounts.membership"),
    "organisation.create": "Добавлена организация",
    "organisation.save": AuditAction("Изменены сведения об организации", pairs=True),
    "unit.save": AuditAction("Сохранено подразделение", pairs=True),
    "unit.delete": "Удалено подразделение",
    "unit.create": "Создано подразделение",
    "unit.rename": "Переименовано подразделение",
    "unit.remove": "Удалено подразделение",
    "invitation.send": "Отправлено приглашение",
    "invitation.resend": "Приглашение отправлено повторно",
    "invitation.cancel": "Приглашение отменено",
    "invitation.accept": "Приглашение принято",
    "token.issue": "Выпущен токен API",
    "token.revoke": "Отозван токен API",
    "account.personal_details": AuditAction("Изменены личные сведения", pairs=True),
    "token.revoke_all": "Отозваны все токены API после смены пароля",
    "account.login": AuditAction("Вход в систему", fields=_LOGIN_FIELDS),
    "account.admin_login": AuditAction("Вход в администрирование", fields=_LOGIN_FIELDS),
    "account.login_failed": AuditAction("Неудачная попытка входа", fields=_LOGIN_FIELDS),
    "account.login_throttled": AuditAction(
        "Попытка входа отклонена: слишком много неудачных попыток", fields=_LOGIN_FIELDS
    ),
    "account.reset_link_throttled": AuditAction(
        "Ссылка смены пароля отклонена: слишком много неудачных попыток",
        fields=_LOGIN_FIELDS,
    ),
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "consent_version": "версия согласия на обработку персональных данных",
    "sex": "пол",
    "birth_date": "дата рождения",
    "tokens_revoked": "отозвано токенов API",
}
