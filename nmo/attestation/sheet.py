"""What the commission's sheet adds to the grading page (npc-6.1, rgmu-6.1, rgmu-7.2,
rgmu-7.4): each learner's special conditions, and the videoconference record with its
form. Private to the app's views."""

from typing import Any

from django import forms
from django.http import HttpRequest

from nmo.attestation import selectors
from nmo.attestation.models import Attestation, LearnerResult
from nmo.attestation.types import ConnectionDecision, ConnectionOutcome, Place
from nmo.core.forms import AccessibleForm
from nmo.programmes.models import ProgrammeStage


class VideoconferenceForm(AccessibleForm):
    learner = forms.ChoiceField(label="Слушатель")
    stage = forms.ChoiceField(label="Этап", required=False)
    outcome = forms.ChoiceField(label="Связь", choices=ConnectionOutcome.choices)
    decision = forms.ChoiceField(
        label="Решение комиссии при прерывании связи",
        required=False,
        choices=[("", "— связь не прерывалась —"), *ConnectionDecision.choices],
    )
    note = forms.CharField(
        label="Что произошло",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Обязательно при прерывании связи: когда, сколько длилось, что сделано.",
    )

    def __init__(
        self,
        *args: Any,
        results: list[LearnerResult],
        stages: list[ProgrammeStage],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "vc")
        super().__init__(*args, **kwargs)
        self.fields["learner"].choices = [  # type: ignore[attr-defined]
            (str(r.pk), r.enrolment.learner.full_name) for r in results if r.is_present
        ]
        self.fields["stage"].choices = [  # type: ignore[attr-defined]
            ("", "— вся аттестация —"),
            *((str(s.pk), f"{s.order}. {s.get_kind_display()}") for s in stages),
        ]


def sheet_extras(
    request: HttpRequest,
    attestation: Attestation,
    results: list[LearnerResult],
    stages: list[ProgrammeStage],
    form: VideoconferenceForm | None = None,
) -> dict[str, Any]:
    """The context the sheet adds for special conditions and the videoconference."""
    is_remote = attestation.place == Place.REMOTE
    log = selectors.videoconference_log(attestation) if is_remote else {}
    return {
        "special_conditions": selectors.special_conditions_on_sheet(results, stages),
        "is_videoconference": is_remote,
        "videoconference_rows": [(r, log.get(r.pk, [])) for r in results if r.is_present],
        "videoconference_form": (
            form or VideoconferenceForm(results=results, stages=stages) if is_remote else None
        ),
    }
