"""The notice letter's address (npc-5.18, rgmu-5.18): the study department gives or
corrects the postal address from the list of letters to send before preparing the letter.
Kept apart from `views` so the appeal pages stay one module per topic."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from nmo.accounts.access import SignedInRequest, signed_in
from nmo.appeals import services
from nmo.appeals.access import access_appeal_for_staff
from nmo.appeals.forms import NoticeAddressForm
from nmo.core.exceptions import DomainError, ValidationFailed


@require_POST
@signed_in
def notice_address(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record the postal address the notice letter goes to; back to the letters."""
    appeal = access_appeal_for_staff(request.user, pk)
    form = NoticeAddressForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Укажите почтовый адрес заявителя.")
        return redirect("appeals:letters")
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
        return redirect("appeals:letters")
    messages.success(request, "Почтовый адрес записан: письмо можно готовить.")
    return redirect("appeals:letters")
