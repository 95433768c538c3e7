"""Refusals of the link between the two portals, each with a Russian message the page
shows as is (faq-sync-once)."""

from nmo.core.exceptions import Conflict, ValidationFailed

__all__ = [
    "AccessRevoked",
    "AlreadyLinked",
    "LinkNotConfigured",
    "LinkRefused",
    "OtherPortalDown",
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
