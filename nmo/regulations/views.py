"""The regulation pages: the list, applying a preset, a version's rules, amending by topic."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from nmo.accounts.access import SignedInRequest, require_login, signed_in
from nmo.accounts.models import Organisation, OrganisationKind, Role, User
from nmo.accounts.selectors import is_admin, list_organisations, organisations_for
from nmo.core.exceptions import NotFound, PermissionDenied, ValidationFailed
from nmo.core.forms import show_refusal
from nmo.regulations import codec, services
from nmo.regulations.access import access_regulation, can_amend_regulation
from nmo.regulations.display import describe, format_stored, label_of_path
from nmo.regulations.forms import (
    ApplyPresetForm,
    attach_errors,
    build_amendment_form,
    changes_from,
)
from nmo.regulations.presets import get_preset
from nmo.regulations.schema import RegulationRules
from nmo.regulations.selectors import (
    clauses_of,
    get_version,
    latest_version,
    list_regulations,
    rules_of,
    version_history,
)


def _manageable_organisations(user: User) -> QuerySet[Organisation]:
    if is_admin(user):
        return list_organisations(kind=OrganisationKind.EDUCATIONAL)
    own = organisations_for(user, Role.ORGANISATION_STAFF)
    return list_organisations(kind=OrganisationKind.EDUCATIONAL, within=own)


@signed_in
def regulation_list(request: SignedInRequest) -> HttpResponse:
    """The regulations the user may see, and the choice of a preset for an organisation."""
    require_login(request.user)
    user = request.user
    organisations = _manageable_organisations(user)
    form = ApplyPresetForm(organisations=organisations) if organisations.exists() else None
    return render(
        request,
        "regulations/regulation_list.html",
        {"regulations": list_regulations(user), "apply_form": form},
    )


@require_POST
@signed_in
def apply_preset(request: SignedInRequest) -> HttpResponse:
    """Make an organisation work under a preset (its staff or an administrator)."""
    require_login(request.user)
    user = request.user
    organisations = _manageable_organisations(user)
    form = ApplyPresetForm(request.POST, organisations=organisations)
    if form.is_valid():
        try:
            regulation = services.apply_preset(
                actor=user,
                organisation=form.cleaned_data["organisation"],
                preset_code=form.cleaned_data["preset_code"],
            )
        except ValidationFailed as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, "Положение организации создано из пресета (версия 1).")
            return redirect("regulations:regulation_detail", pk=regulation.pk)
    return render(
        request,
        "regulations/regulation_list.html",
        {"regulations": list_regulations(user), "apply_form": form},
        status=422,
    )


def regulation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The rules of a version (the latest by default) in plain Russian, and the history."""
    require_login(request.user)
    regulation = access_regulation(request.user, pk)
    latest = latest_version(regulation)
    number = request.GET.get("version")
    if number is None:
        version = latest
    elif number.isdigit():
        version = get_version(regulation, int(number))
    else:
        raise NotFound()
    preset = get_preset(regulation.preset_code)
    topics = describe(
        rules_of(version), clauses_of(version), preset.rules if preset is not None else None
    )
    history = [
        {
            "entry": entry,
            "changes": [
                (
                    label_of_path(path),
                    format_stored(path, change["old"]),
                    format_stored(path, change["new"]),
                )
                for path, change in entry.changes.items()
            ],
        }
        for entry in version_history(regulation)
    ]
    return render(
        request,
        "regulations/regulation_detail.html",
        {
            "regulation": regulation,
            "version": version,
            "is_latest": version.pk == latest.pk,
            "topics": topics,
            "history": history,
            "preset": preset,
            "can_amend": regulation.is_active and can_amend_regulation(request.user, regulation),
        },
    )


def _topic_label(topic: str) -> str:
    labels = dict(codec.topics(RegulationRules))
    if topic not in labels:
        raise NotFound()
    return labels[topic]


def regulation_amend_topics(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose which topic of the regulation to amend."""
    require_login(request.user)
    regulation = access_regulation(request.user, pk)
    if not can_amend_regulation(request.user, regulation):
        raise PermissionDenied()
    return render(
        request,
        "regulations/regulation_amend_topics.html",
        {"regulation": regulation, "topics": codec.topics(RegulationRules)},
    )


@signed_in
def regulation_amend(request: SignedInRequest, pk: int, topic: str) -> HttpResponse:
    """Amend the rules of one topic, giving the reason: the service writes a new version."""
    require_login(request.user)
    regulation = access_regulation(request.user, pk)
    if not can_amend_regulation(request.user, regulation):
        raise PermissionDenied()
    topic_label = _topic_label(topic)
    latest = latest_version(regulation)
    rules = rules_of(latest)
    data = request.POST if request.method == "POST" else None
    form = build_amendment_form(rules, topic, clauses_of(latest), data)
    if data is not None and form.is_valid():
        changes = changes_from(form, topic, rules)
        if not changes:
            form.add_error(None, "Изменений нет: значения совпадают с действующей версией.")
        else:
            try:
                version = services.amend_regulation(
                    actor=request.user,
                    regulation=regulation,
                    changes=changes,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationFailed as exc:
                labels = {i.path: label_of_path(i.path) for i in codec.iter_fields(RegulationRules)}
                attach_errors(form, exc.errors or {"__all__": [exc.message]}, labels)
            else:
                messages.success(request, f"Изменения внесены: действует версия {version.number}.")
                return redirect("regulations:regulation_detail", pk=regulation.pk)
    return render(
        request,
        "regulations/regulation_amend.html",
        {"regulation": regulation, "form": form, "topic": topic, "topic_label": topic_label},
        status=422 if form.errors else 200,
    )
