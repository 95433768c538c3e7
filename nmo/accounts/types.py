from dataclasses import dataclass

from nmo.core.audit import AuditAction, AuditField


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued API token: `raw` is shown once and never stored."""

    id: int
    raw: str
    prefix: str


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
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "consent_version": "версия согласия на обработку персональных данных",
    "sex": "пол",
    "birth_date": "дата рождения",
    "tokens_revoked": "отозвано токенов API",
}
