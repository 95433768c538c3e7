"""Letters asking the participants of a hearing to sign its protocol (ADR 0115, npc-5.16):
when the protocol is drawn up, each person present with an e-mail gets one letter listing
every appeal protocol awaiting their signature — this one and any still unsigned — with
a link to each hearing and to «На подпись». Queued with `send_email_after_commit`: they
leave only if the decision commits."""

from django.urls import reverse

from nmo.accounts.models import User
from nmo.appeals.models import AppealProtocol
from nmo.appeals.selectors import ProtocolToSign, present_seats, protocols_to_sign
from nmo.core.links import absolute_url
from nmo.core.russian import by_sex, full_name_in, number_with, plural
from nmo.core.services import send_email_after_commit
from nmo.regulations.types import CommissionRole

SUBJECT = "Протокол заседания апелляционной комиссии ждёт вашей подписи"
WAIT = ("ждёт", "ждут", "ждут")

#: Whom the letter is to, in the dative: «Кому: Членовой Дарье Юрьевне, члену …».
ROLE_DATIVE = {
    CommissionRole.CHAIR: "председателю",
    CommissionRole.DEPUTY_CHAIR: "заместителю председателя",
    CommissionRole.MEMBER: "члену",
    CommissionRole.SECRETARY: "секретарю",
}


def protocol_title(item: ProtocolToSign) -> str:
    """«Протокол № 1 заседания апелляционной комиссии от 31.10.2025: апелляция
    Антоновой Аллы Борисовны» as the letter and the page show it."""
    return f"{item.protocol}: апелляция {full_name_in('gent', item.appeal.learner)}"


def ask_to_sign_protocol(protocol: AppealProtocol) -> None:
    """Write to everyone present at the hearing (they sign the protocol): one letter each
    listing what awaits them among the appeal protocols."""
    for seat in present_seats(protocol.appeal):
        person = seat.person
        if not person.email:
            continue
        awaiting = protocols_to_sign(person)
        if awaiting:
            send_email_after_commit(
                to=[person.email], subject=SUBJECT, body=letter(person, seat.role, awaiting)
            )


def letter(person: User, role: str, awaiting: list[ProtocolToSign]) -> str:
    """The letter to one participant holding `role`: addressed in the dative, greeted by
    sex, each protocol with its hearing's page."""
    dear = by_sex(person, "Уважаемый", "Уважаемая")
    name = f"{person.first_name} {person.middle_name}".strip()
    count = len(awaiting)
    lines = [
        f"Кому: {full_name_in('datv', person)}, {ROLE_DATIVE[CommissionRole(role)]} "
        "апелляционной комиссии",
        "",
        f"{dear} {name}!",
        "",
        f"Вашей подписи {plural(count, WAIT)} {number_with(count, 'протокол заседания')} "
        "апелляционной комиссии. Протокол подписывают все участники заседания; "
        "после последней подписи он сдаётся в архив и больше не изменяется.",
        "",
        *(
            f"— {protocol_title(item)}: {absolute_url(item.appeal.get_absolute_url())}"
            for item in awaiting
        ),
        "",
        "Прочитать и подписать можно на странице «На подпись»:",
        absolute_url(reverse("web:to_sign")),
        "",
    ]
    return "\n".join(lines)
