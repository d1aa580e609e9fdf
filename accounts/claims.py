"""Claims: a retailer asks to manage a listing registered without an owner."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.forms import ClaimForm
from core.permissions import retailer_required
from core.urls import site_url
from registry.models import Claim, Initiative
from registry.services.claims import (
    CLAIM_MAX_AGE,
    CLAIM_SALT,
    claimable,
    confirm_claim,
    start_claim,
)


def mask_email(address: str) -> str:
    """'jeanne@example.fr' → 'j***@example.fr': enough for its owner to recognise it."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# Claims ---------------------------------------------------------------------------------------


@retailer_required
def claim_search(request):
    query = request.GET.get("q", "").strip()
    results = []
    if len(query) >= 2:
        siret = "".join(query.split())
        # Only public listings: a draft or a submitted one must not leak its name or type.
        results = (
            Initiative.objects.validated()
            .filter(owners__isnull=True)
            .filter(Q(name__icontains=query) | Q(commune__name__icontains=query) | Q(siret=siret))
            .select_related("type", "commune")
            .order_by("name")[:30]
        )
    return render(request, "accounts/claim_search.html", {"query": query, "results": results})


@retailer_required
def claim_start(request, slug):
    # A listing that is not public answers like an unknown one.
    initiative = get_object_or_404(
        Initiative.objects.validated().select_related("commune"), slug=slug
    )
    if not claimable(initiative):
        messages.error(request, _("This listing already has an owner or is archived."))
        return redirect("accounts:claim-search")
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            start_claim(
                initiative=initiative,
                claimant=request.user,
                siret=form.cleaned_data["siret"],
                message=form.cleaned_data["message"],
                site_url=site_url(request),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "We sent a confirmation link to the listing's public address (%(email)s). "
                    "Once it is followed, an agent reviews your claim."
                )
                % {"email": mask_email(initiative.email)},
            )
            return redirect("accounts:my-initiatives")
    return render(
        request,
        "accounts/claim_form.html",
        {
            "form": form,
            "initiative": initiative,
            "masked_email": mask_email(initiative.email) if initiative.email else "",
        },
    )


def claim_confirm(request, token):
    """The person reading the listing's public mailbox confirms the claim (POST, so that
    mail scanners following links confirm nothing)."""
    if request.method == "POST":
        claim = confirm_claim(token=token)
        if claim is None:
            return render(request, "accounts/claim_confirm.html", {"invalid": True}, status=400)
        return render(request, "accounts/claim_confirm.html", {"claim": claim, "done": True})
    try:
        pk = signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_MAX_AGE)["claim"]
        claim = Claim.objects.select_related("initiative", "claimant").get(pk=pk)
    except (signing.BadSignature, KeyError, Claim.DoesNotExist):
        return render(request, "accounts/claim_confirm.html", {"invalid": True}, status=400)
    return render(request, "accounts/claim_confirm.html", {"claim": claim})
