"""Refusals of the link between the two portals, each with a Russian message the page
shows as is (faq-sync-once)."""

from nmo.core.exceptions import Conflict, ValidationFailed

__all__ = [
    "AccessRevoked",
    "AlreadyLinked",
    "LinkNotConfigured",
    "LinkRefused",
    "OtherPortalDown",
    "TokenUnreadable",
]


class LinkNotConfigured(Conflict):
    code = "sync_not_configured"
    default_message = (
        "Связь с порталом учёта кредитов не настроена на этом портале; обратитесь к администратору."
    )


class AlreadyLinked(Conflict):
    code = "already_linked"
    default_message = (
        "Аккаунты уже связаны: синхронизация настраивается один раз. Чтобы связать другой "
        "аккаунт, сначала разорвите текущую связь."
    )


class LinkRefused(ValidationFailed):
    """The consent round trip came back unusable: a forged or stale state, a code used
    already or expired, a refusal on the other side. Nothing was linked."""

    code = "link_refused"
    default_message = (
        "Не удалось связать аккаунты: ответ портала учёта кредитов не подтверждён. "
        "Ничего не изменено; начните связывание заново из раздела «Личные сведения»."
    )


class OtherPortalDown(Conflict):
    code = "other_portal_down"
    status = 503
    default_message = (
        "Портал учёта кредитов сейчас не отвечает. Ничего не потеряно; попробуйте позже."
    )


class AccessRevoked(Conflict):
    code = "access_revoked"
    default_message = (
        "Доступ к порталу учёта кредитов отозван. Перенесённые записи сохранены; чтобы "
        "синхронизация продолжилась, свяжите аккаунты заново."
    )


class TokenUnreadable(AccessRevoked):
    """The link's stored tokens cannot be decrypted: the key they were encrypted with is
    no longer among NMO_SYNC_TOKEN_KEYS (ADR 0502). Like a revoked grant, only linking
    again helps."""

    code = "token_unreadable"
    default_message = (
        "Сохранённый доступ к порталу учёта кредитов не удаётся прочитать: на этом портале "
        "сменился ключ шифрования. Перенесённые записи сохранены; чтобы синхронизация "
        "продолжилась, разорвите связь и свяжите аккаунты заново в разделе «Личные сведения»."
    )
