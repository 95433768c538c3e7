"""Who may see and act in the testing system.

- Forms, sessions, live progress and annulment: the organisation's staff.
- Scores and protocols: the staff and the persons seated on the attestation's commission.
- An attempt: its learner; the learner reads the protocol after the decision.

Anything else is NotFound (404)."""

from django.contrib.auth.models import AnonymousUser

from nmo.accounts.access import require_login, require_staff_of
from nmo.accounts.models import User
from nmo.attestation.access import check_attestation_actor
from nmo.core.exceptions import NotFound
from nmo.testing import selectors
from nmo.testing.models import Attempt, TestSession


def access_session(actor: User | AnonymousUser, session_id: int) -> TestSession:
    """A session for the staff of the organisation (live progress)."""
    try:
        session = selectors.get_session(session_id)
    except TestSession.DoesNotExist:
        raise NotFound() from None
    require_staff_of(actor, session.attestation.cohort.programme.organisation)
    return session


def access_session_for_learner(actor: User | AnonymousUser, session_id: int) -> TestSession:
    """A session of an attestation the learner is admitted to."""
    user = require_login(actor)
    try:
        session = selectors.get_session(session_id)
    except TestSession.DoesNotExist:
        raise NotFound() from None
    if not any(t.session.pk == session.pk for t in selectors.tests_for_learner(user)):
        raise NotFound()
    return session


def access_own_attempt(actor: User | AnonymousUser, attempt_id: int) -> Attempt:
    user = require_login(actor)
    try:
        attempt = selectors.get_attempt(attempt_id)
    except Attempt.DoesNotExist:
        raise NotFound() from None
    if attempt.learner_id != user.pk:
        raise NotFound()
    return attempt


def access_attempt_protocol(actor: User | AnonymousUser, attempt_id: int) -> Attempt:
    """The protocol of a finished attempt: for the staff and the commission; for the
    learner after the commission's decision."""
    user = require_login(actor)
    try:
        attempt = selectors.get_attempt(attempt_id)
    except Attempt.DoesNotExist:
        raise NotFound() from None
    if attempt.is_open:
        raise NotFound()
    if attempt.learner_id == user.pk:
        if not attempt.session.attestation.is_decided:
            raise NotFound()
        return attempt
    check_attestation_actor(user, attempt.session.attestation)
    return attempt


def access_attempt_for_staff(actor: User | AnonymousUser, attempt_id: int) -> Attempt:
    try:
        attempt = selectors.get_attempt(attempt_id)
    except Attempt.DoesNotExist:
        raise NotFound() from None
    require_staff_of(actor, attempt.session.attestation.cohort.programme.organisation)
    return attempt


def access_attempt_state(actor: User | AnonymousUser, attempt_id: int) -> Attempt:
    """An attempt's state: for its learner, the organisation's staff and the commission."""
    user = require_login(actor)
    try:
        attempt = selectors.get_attempt(attempt_id)
    except Attempt.DoesNotExist:
        raise NotFound() from None
    if attempt.learner_id != user.pk:
        check_attestation_actor(user, attempt.session.attestation)
    return attempt
