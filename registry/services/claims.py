"""Claims: a retailer asks to own a listing registered without an owner, confirms by e-mail, and
an agent decides."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.mail import send_later

from ..models import Claim, ClaimStatus, Initiative, Status

CLAIM_SALT = "registry.claims.confirm"
CLAIM_MAX_AGE = 7 * 24 * 3600


def claimable(initiative: Initiative) -> bool:
    """A listing can be claimed when it is public (validated) and nobody owns it."""
    return initiative.status == Status.VALIDATED and not initiative.owners.exists()


@transaction.atomic
def start_claim(
    *, initiative: Initiative, claimant, siret: str, message: str = "", site_url: str
) -> Claim:
    """Record a claim and e-mail a confirmation link to the listing's public address."""
    siret = "".join(siret.split())
    if not claimable(initiative):
        raise ValidationError(_("This listing already has an owner."), code="owned")
    if not initiative.siret or siret != initiative.siret:
        raise ValidationError(
            {"siret": _("This SIRET does not match the listing's.")}, code="siret_mismatch"
        )
    if not initiative.email:
        raise ValidationError(
            _(
                "This listing has no public e-mail address to confirm the claim: please "
                "contact the Région's agents."
            ),
            code="no_email",
        )
    if Claim.objects.open().filter(initiative=initiative, claimant=claimant).exists():
        raise ValidationError(_("You already have a claim in progress for this listing."))
    claim = Claim(
        initiative=initiative,
        claimant=claimant,
        siret=siret,
        message=message,
        email_sent_to=initiative.email,
    )
    claim.full_clean()
    claim.save()
    token = signing.dumps({"claim": claim.pk}, salt=CLAIM_SALT)
    send_later(
        template="accounts/email/claim_confirm",
        context={
            "claim": claim,
            "initiative": initiative,
            "confirm_url": site_url + reverse("accounts:claim-confirm", args=[token]),
            "days": CLAIM_MAX_AGE // 86400,
        },
        to=[initiative.email],
    )
    return claim


@transaction.atomic
def confirm_claim(*, token: str) -> Claim | None:
    """Mark the claim a link names as confirmed by e-mail; None when the link is bad or old."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=CLAIM_MAX_AGE)
    except signing.BadSignature:
        return None
    claim = Claim.objects.select_for_update().filter(pk=data.get("claim")).first()
    if claim is None:
        return None
    if claim.status == ClaimStatus.AWAITING_EMAIL:
        claim.status = ClaimStatus.AWAITING_REVIEW
        claim.email_confirmed_at = timezone.now()
        claim.save(update_fields=["status", "email_confirmed_at"])
    return claim


@transaction.atomic
def decide_claim(*, claim: Claim, approve: bool, by, reason: str = "", site_url: str) -> Claim:
    """An agent approves (the claimant becomes an owner) or rejects a confirmed claim."""
    claim = (
        Claim.objects.select_for_update().select_related("initiative", "claimant").get(pk=claim.pk)
    )
    if claim.status != ClaimStatus.AWAITING_REVIEW:
        raise ValidationError(
            _("This claim cannot be decided now (status: %(status)s).")
            % {"status": ClaimStatus(claim.status).label},
            code="not_awaiting_review",
        )
    if not approve and not reason.strip():
        raise ValidationError(
            {"reason": _("Say why the claim is rejected: the claimant will read it.")}
        )
    claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REJECTED
    claim.decided_by = by
    claim.decided_at = timezone.now()
    claim.decision_reason = reason.strip()
    claim.full_clean()
    claim.save()
    if approve:
        claim.initiative.owners.add(claim.claimant)
    send_later(
        template="accounts/email/claim_decided",
        context={
            "claim": claim,
            "approved": approve,
            "space_url": site_url + reverse("accounts:my-initiatives"),
        },
        to=[claim.claimant.email],
    )
    return claim
