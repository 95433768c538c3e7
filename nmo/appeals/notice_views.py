"""The notice letter's address (npc-5.18, rgmu-5.18): whoever may post the notice — the
study department, from the list of letters to send, or the commission's secretary, from
the appeal's page (npc-5.9) — gives or corrects the postal address before preparing the
letter.
Kept apart from `views` so the appeal pages stay one module per topic."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from nmo.accounts.access import SignedInRequest, signed_in
from nmo.appeals import services
from nmo.appeals.access import access_appeal_for_notice, can_manage
from nmo.appeals.forms import NoticeAddressForm
from nmo.core.exceptions import DomainError, ValidationFailed


@require_POST
@signed_in
def notice_address(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record the postal address the notice letter goes to; back to the letters (the
    study department) or to the appeal's page (the secretary). 403 for who may not post
    the notice, 404 for another organisation's appeal."""
    appeal = access_appeal_for_notice(request.user, pk)
    back = (
        redirect("appeals:letters")
        if can_manage(request.user, appeal)
        else redirect("appeals:appeal_detail", pk=appeal.pk)
    )
    form = NoticeAddressForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите почтовый адрес заявителя.")
        return back
    try:
        services.set_notice_address(
            actor=request.user, appeal=appeal, postal_address=form.cleaned_data["postal_address"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        if isinstance(exc, ValidationFailed):
            for problems in exc.errors.values():
                for problem in problems:
                    messages.error(request, problem)
        return back
    messages.success(request, "Почтовый адрес записан: письмо можно готовить.")
    return back
