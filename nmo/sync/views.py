"""Pages of the link between the two portals: start it from «Личные сведения», come back
from the credit portal's consent, synchronise now, unlink (faq-sync-once). Thin: the
work is in nmo.sync.services; every refusal is shown in Russian on the profile page."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from nmo.accounts.access import SignedInRequest, require_role, signed_in
from nmo.accounts.models import Role
from nmo.core import portal
from nmo.core.exceptions import DomainError, NotFound
from nmo.sync import services

SESSION_KEY = "sync_link_consent"
PROFILE = "accounts:profile"


def _back() -> HttpResponse:
    return redirect(reverse(PROFILE) + "#sync")


def _callback_uri(request: SignedInRequest) -> str:
    return request.build_absolute_uri(reverse("sync:callback"))


def _cycle_portal_only() -> None:
    if not portal.links_to_credit_portal():
        raise NotFound()  # the link is the cycle portal's, to a credit portal elsewhere


@require_POST
@signed_in
def link_start(request: SignedInRequest) -> HttpResponse:
    """Send the browser to the credit portal to sign in there and consent."""
    require_role(request.user, Role.SPECIALIST)
    _cycle_portal_only()
    try:
        consent = services.start_linking(
            specialist=request.user, redirect_uri=_callback_uri(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back()
    request.session[SESSION_KEY] = {"state": consent.state, "verifier": consent.verifier}
    return redirect(consent.url)


@require_GET
@signed_in
def link_callback(request: SignedInRequest) -> HttpResponse:
    """The way back from the consent. The state and verifier are used once: a reloaded or
    replayed callback finds none and is refused."""
    require_role(request.user, Role.SPECIALIST)
    _cycle_portal_only()
    kept = request.session.pop(SESSION_KEY, None) or {}
    if request.GET.get("error"):
        messages.error(
            request,
            "Вы не дали согласия на портале учёта кредитов: аккаунты не связаны. "
            "Связать их можно в любое время из этого раздела.",
        )
        return _back()
    try:
        link = services.finish_linking(
            specialist=request.user,
            redirect_uri=_callback_uri(request),
            expected_state=str(kept.get("state", "")),
            verifier=str(kept.get("verifier", "")),
            callback_url=request.build_absolute_uri(),
            state=request.GET.get("state", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back()
    messages.success(
        request,
        f"Аккаунты связаны с «{link.remote_account}». Синхронизация идёт в фоне: записи "
        "о кредитах появятся в кабинете по мере переноса.",
    )
    return _back()


@require_POST
@signed_in
def sync_now(request: SignedInRequest) -> HttpResponse:
    require_role(request.user, Role.SPECIALIST)
    _cycle_portal_only()
    try:
        services.synchronise_now(specialist=request.user)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Синхронизация запущена.")
    return _back()


@require_POST
@signed_in
def unlink(request: SignedInRequest) -> HttpResponse:
    require_role(request.user, Role.SPECIALIST)
    _cycle_portal_only()
    link = services.unlink(specialist=request.user)
    messages.success(
        request,
        f"Связь разорвана. Перенесённые записи ({link.synced_count}) остались в кабинете "
        "с отметкой о происхождении.",
    )
    return _back()
