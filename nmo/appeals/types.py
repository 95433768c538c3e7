"""Choices and values of the appeals app, and the Russian words of its audit actions."""

from dataclasses import dataclass
from datetime import date

from django.db.models import TextChoices

from nmo.core.audit import AuditAction, AuditField, choices_of
from nmo.regulations.types import CommissionRole, Grade, Post

__all__ = [
    "AUDIT_ACTIONS",
    "AUDIT_FIELDS",
    "AppealCommissionData",
    "AppealFiling",
    "AppealResolution",
    "AppealSeatData",
    "AppealStatus",
    "AppealSubject",
    "AppellantAttendance",
    "HearingDocument",
    "ProtocolStatus",
    "ProxyData",
]


class AppealSubject(TextChoices):
    """What the application is about (npc-5.1, rgmu-5.1)."""

    PROCEDURE = "procedure", "о нарушении порядка проведения итоговой аттестации"
    GRADE = "grade", "о несогласии с результатами итоговой аттестации"
    BOTH = (
        "both",
        ("о нарушении порядка проведения итоговой аттестации и несогласии с её результатами"),
    )


class AppealStatus(TextChoices):
    FILED = "filed", "подана, ожидает назначения заседания"
    SCHEDULED = "scheduled", "назначено заседание апелляционной комиссии"
    HEARD = "heard", "заседание проведено, решение не принято"
    DECIDED = "decided", "решение апелляционной комиссии принято"
    WITHDRAWN = "withdrawn", "отозвана"


class AppealResolution(TextChoices):
    """The appeal commission's decision (npc-5.16, npc-5.17, npc-app3, rgmu-app4); the
    codes are those of the public API (`outcome`)."""

    REJECTED = "rejected", "отклонить апелляцию и сохранить результат итоговой аттестации"
    NEW_RESULT = "new_result", "удовлетворить апелляцию с новым результатом"
    RETAKE = (
        "retake",
        ("удовлетворить апелляцию с назначением повторного прохождения итоговой аттестации"),
    )


class AppellantAttendance(TextChoices):
    """Who of the appellant's side was at the hearing (npc-5.12, rgmu-5.12)."""

    APPELLANT = "appellant", "заявитель лично"
    PROXY = "proxy", "доверенное лицо заявителя"
    ABSENT = "absent", "ни заявитель, ни доверенное лицо не явились"


class ProtocolStatus(TextChoices):
    DRAFT = "draft", "составлен, не подписан"
    SIGNING = "signing", "на подписании"
    FROZEN = "frozen", "подписан всеми, сдан в архив"


@dataclass(frozen=True)
class ProxyData:
    """The proxy who filed the paper application: the name and the power of attorney."""

    full_name: str
    power_of_attorney: str


@dataclass(frozen=True)
class AppealFiling:
    """What an application says (Appendix 2 НПЦ / Appendix 3 РостГМУ)."""

    subject: str
    text: str
    phone: str = ""
    postal_address: str = ""
    filed_on: date | None = None
    proxy: ProxyData | None = None


@dataclass(frozen=True)
class AppealSeatData:
    person_id: int
    role: CommissionRole
    post: str = ""
    post_kind: Post | None = None
    """What the person is in the organisation (`Post`), checked against the posts the
    regulation appoints the seat from (npc-5.5, rgmu-5.5)."""


@dataclass(frozen=True)
class AppealCommissionData:
    """An appeal commission as its order approves it."""

    order_number: str
    order_date: date
    seats: tuple[AppealSeatData, ...]
    title: str = "Апелляционная комиссия"


@dataclass(frozen=True)
class HearingDocument:
    """One document the appeal commission works from (npc-5.13, npc-app3, rgmu-app4): its
    title, what it is, and where to open it (a URL, or "" for text shown on the page)."""

    kind: str
    title: str
    url: str = ""
    note: str = ""


_SEAT = "appeals.appealseat"
AUDIT_ACTIONS: dict[str, str | AuditAction] = {
    "appeal.file": "Подана апелляция",
    "appeal.withdraw": "Апелляция отозвана",
    "appeal.answers": "К апелляции приложены письменные ответы обучившегося",
    "appeal.commission.form": "Утверждён состав апелляционной комиссии",
    "appeal.commission.assign": "Апелляции назначена апелляционная комиссия",
    "appeal.schedule": "Назначено заседание апелляционной комиссии",
    "appeal.attendance": "Отмечено присутствие на заседании апелляционной комиссии",
    "appeal.vote": "Записаны голоса апелляционной комиссии",
    "appeal.decide": AuditAction("Принято решение апелляционной комиссии", subject="outcome"),
    "appeal.apply": "Решение апелляционной комиссии применено к результату",
    "appeal.protocol.sign": "Протокол апелляционной комиссии подписан",
    "appeal.protocol.freeze": "Протокол апелляционной комиссии подписан всеми и закреплён",
    "appeal.notice.post": "Уведомление о решении апелляционной комиссии отправлено",
    "appeal.address": "Указан почтовый адрес для уведомления о решении апелляционной комиссии",
}
AUDIT_FIELDS: dict[str, str | AuditField] = {
    "appeal_seat": AuditField("место в апелляционной комиссии", refers_to=_SEAT),
    "subject": AuditField("предмет апелляции", choices=choices_of(AppealSubject.choices)),
    "new_grade": AuditField("новая оценка", choices=choices_of(Grade.choices)),
    "resolution": AuditField("решение", choices=choices_of(AppealResolution.choices)),
    "hearing_on": "дата заседания",
    "hearing_due_on": "рассмотреть не позднее",
    "filing_deadline": "подать не позднее",
    "notice_due_on": "уведомить не позднее",
    "notice_posted_on": "уведомление отправлено",
    "proxy_name": "доверенное лицо",
    "post_kind": AuditField("кем является в организации", choices=choices_of(Post.choices)),
}
