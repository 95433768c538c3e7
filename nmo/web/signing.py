"""«На подпись» (ADR 0115): every document awaiting the person's signature, whichever app
keeps it — the records of decided attestations (`nmo.attestation.selectors`) and the
protocols of appeal hearings (`nmo.appeals.selectors`) — with who else has signed. The
attestation's records are signed all at once by `attestation:attestation_sign_all`; an
appeal protocol one at a time here, by `nmo.appeals.services.sign_protocol`."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from nmo.accounts.access import SignedInRequest, signed_in
from nmo.appeals import selectors as appeal_selectors
from nmo.appeals import services as appeal_services
from nmo.appeals.access import access_protocol
from nmo.attestation import selectors as attestation_selectors
from nmo.core.exceptions import DomainError


@signed_in
def to_sign(request: SignedInRequest) -> HttpResponse:
    """The records of each attestation (one button per attestation) and the appeal
    protocols (one button each) awaiting the person, with who has signed and who not."""
    context = {
        "groups": attestation_selectors.pending_signatures(request.user),
        "protocols": appeal_selectors.protocols_to_sign(request.user),
    }
    return render(request, "web/to_sign.html", context)


@require_POST
@signed_in
def sign_appeal_protocol(request: SignedInRequest, pk: int) -> HttpResponse:
    """Sign the protocol of the appeal's hearing as one of its participants; back to
    «На подпись». Someone who may not see the appeal gets 404, a person who sees it but
    does not sign (the staff, an absent member) 403."""
    protocol = access_protocol(request.user, pk)
    try:
        signed = appeal_services.sign_protocol(actor=request.user, protocol=protocol)
    except DomainError as exc:
        if exc.status == 403:
            raise
        messages.error(request, exc.message)
        return redirect("web:to_sign")
    text = f"Ваша подпись поставлена: {signed}."
    if signed.is_frozen:
        text += " Протокол подписан всеми участниками заседания и сдан в архив."
    messages.success(request, text)
    return redirect("web:to_sign")
