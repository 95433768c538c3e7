"""Helpers shared by the appeals services."""

from nmo.appeals.models import Appeal
from nmo.core.services import send_email_after_commit
from nmo.regulations import selectors as regulation_selectors
from nmo.regulations.models import RegulationVersion


def cite(version: RegulationVersion, *paths: str) -> str:
    """Return " (п. 5.10 Положения НПЦ ДЗМ)" for the clauses the rules at `paths`
    reproduce, or "" when the regulation was not made from a preset."""
    clauses = regulation_selectors.clauses_of(version)
    found = list(dict.fromkeys(clauses[p] for p in paths if clauses.get(p)))
    return f" ({', '.join(found)})" if found else ""


def email_learner(appeal: Appeal, subject: str, body: str) -> None:
    """E-mail the appellant after commit."""
    learner = appeal.learner
    if not learner.email:
        return
    greeting = f"Здравствуйте, {learner.first_name} {learner.middle_name}".rstrip() + "!\n\n"
    send_email_after_commit(to=[learner.email], subject=subject, body=greeting + body)
