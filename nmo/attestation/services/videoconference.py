"""The attestation by two-way videoconference (npc-6.1, rgmu-6.1): the conference room
offered by default, and the commission's record of each learner — that both sides saw and
heard each other, or the interruption and what the commission decided."""

import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nmo.accounts.models import User
from nmo.attestation.access import check_attestation_actor
from nmo.attestation.exceptions import ResultInvalid
from nmo.attestation.models import LearnerResult, VideoconferenceCheck
from nmo.attestation.services._common import cite
from nmo.attestation.services.attestations import check_editable
from nmo.attestation.types import ConnectionDecision, ConnectionOutcome, Place
from nmo.core.services import record_audit
from nmo.programmes.models import ProgrammeStage

NOTE_MAX = 2000
NOTE_MIN = 5


def new_conference_url() -> str:
    """Return a new videoconference room: a Jitsi Meet room under the configurable
    JITSI_BASE_URL (https://meet.jit.si by default) with an unguessable name (128 random
    bits). The department may replace it with any https link."""
    base = str(getattr(settings, "JITSI_BASE_URL", "https://meet.jit.si")).rstrip("/")
    return f"{base}/nmo-{secrets.token_hex(16)}"


@transaction.atomic
def record_videoconference_check(
    *,
    actor: User,
    learner_result: LearnerResult,
    outcome: ConnectionOutcome,
    decision: ConnectionDecision | None = None,
    stage: ProgrammeStage | None = None,
    note: str = "",
) -> VideoconferenceCheck:
    """Record for a learner of a videoconference attestation that the learner and the
    commission could see and hear each other (npc-6.1, rgmu-6.1), or that the connection
    was interrupted, what happened and what the commission decided: continue or
    reschedule. Only the organisation's staff and the commission's persons; on the day of
    the attestation, before the decision. Entries are appended, so the sheet keeps every
    interruption. Audited as "attestation.videoconference"."""
    result = (
        LearnerResult.objects.select_for_update()
        .select_related("attestation__commission", "attestation__regulation_version")
        .get(pk=learner_result.pk)
    )
    attestation = result.attestation
    check_attestation_actor(actor, attestation)
    check_editable(attestation, [result])
    outcome = ConnectionOutcome(outcome)
    errors: dict[str, list[str]] = {}
    if attestation.place != Place.REMOTE:
        errors["outcome"] = [
            "Аттестация проводится не по видеоконференции"
            f"{cite(attestation.regulation_version, 'conduct.remote_tools')}."
        ]
    text = " ".join(note.split())
    if len(text) > NOTE_MAX:
        errors["note"] = [f"Не более {NOTE_MAX} символов."]
    if outcome == ConnectionOutcome.INTERRUPTED:
        if decision is None:
            errors["decision"] = ["Укажите решение комиссии: продолжить или перенести аттестацию."]
        if len(text) < NOTE_MIN:
            errors["note"] = ["Опишите, что произошло со связью."]
    elif decision is not None:
        errors["decision"] = ["Решение указывается только при прерывании связи."]
    if stage is not None and stage.programme_id != attestation.cohort.programme_id:
        errors["stage"] = ["Этап не относится к программе этой аттестации."]
    if errors:
        raise ResultInvalid(errors=errors)
    check = VideoconferenceCheck.objects.create(
        learner_result=result,
        stage=stage,
        outcome=outcome.value,
        decision=ConnectionDecision(decision).value if decision else "",
        note=text,
        recorded_at=timezone.now(),
        recorded_by=actor,
    )
    record_audit(
        actor=actor,
        action="attestation.videoconference",
        target=result,
        changes={
            "outcome": outcome.value,
            "decision": check.decision,
            "stage": stage.order if stage else None,
            "note": text,
        },
    )
    return check
