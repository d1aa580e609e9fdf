"""The one write path of the registry: initiatives (create, update with optimistic concurrency,
submit, moderate, status changes) and claims.

Each function takes keyword-only arguments, validates with `full_clean()` and sends its e-mails
through `transaction.on_commit`, so that a rolled-back write never leaves a stray message.
"""

from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.mail import send_later

from .models import SOURCING_FIELDS, Claim, ClaimStatus, Initiative, Status, StatusChange

# What moderation vouches for. When the owner of a VALIDATED initiative changes one of these
# fields, the initiative goes back to moderation (validated → submitted, recorded as a status
# change) and leaves the catalogue, map and exports until an agent validates it again; agents'
# corrections never do. One rule for the site's edit form and the API: both save through
# services.update_initiative, and the form lists the fields before saving.

# Facts the eligibility assessment reads.
ELIGIBILITY_FIELDS = (
    "type",
    "legal_form",
    "siret",
    "rna",
    "founded_on",
    "commune",
    "postal_code",
    "labels",
    *SOURCING_FIELDS,
)

# Fields by which the public identifies the listing and finds the place: its name and
# distribution type, where it is (address, postal code, commune, map position), its website, and
# its legal identity (SIRET, RNA), which agents checked and claims rely on. Changing them could
# turn a vetted listing into another business or send visitors elsewhere. Free texts (summary,
# description), e-mail, phone, opening hours, products and needs are published straight away:
# they describe the same place and change often.
PUBLIC_IDENTITY_FIELDS = (
    "name",
    "type",
    "address",
    "postal_code",
    "commune",
    "latitude",
    "longitude",
    "website",
    "siret",
    "rna",
)

RE_MODERATION_FIELDS = tuple(dict.fromkeys((*PUBLIC_IDENTITY_FIELDS, *ELIGIBILITY_FIELDS)))


@transaction.atomic
def change_status(*, initiative: Initiative, to_status: str, by, reason: str = "") -> StatusChange:
    """Move `initiative` to `to_status` if the workflow allows it, recording who, when and why."""
    # Lock the row so that two moderators cannot both move the same initiative.
    initiative.status = (
        Initiative.objects.select_for_update()
        .values_list("status", flat=True)
        .get(pk=initiative.pk)
    )
    if to_status not in Status.values or not initiative.can_move_to(to_status):
        raise ValidationError(
            _("An initiative cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": Status(initiative.status).label,
                "to": Status(to_status).label if to_status in Status.values else to_status,
            },
            code="forbidden_transition",
        )
    change = StatusChange(
        initiative=initiative,
        from_status=initiative.status,
        to_status=to_status,
        changed_by=by,
        reason=reason,
    )
    change.full_clean()
    change.save()
    initiative.status = to_status
    initiative.save(update_fields=["status", "updated_at"])
    return change


M2M_FIELDS = ("products", "labels", "needs")

CLAIM_SALT = "registry.claims.confirm"
CLAIM_MAX_AGE = 7 * 24 * 3600


# Initiatives: drafts, edits with optimistic concurrency, submission ---------------------------


@dataclass
class Change:
    field: str
    label: str
    theirs: str
    yours: str


class ConcurrencyConflict(Exception):
    """Someone saved the initiative since the editor loaded it."""

    def __init__(self, current: Initiative, changes: list[Change]):
        super().__init__("conflict")
        self.current = current
        self.changes = changes


def _display(initiative: Initiative, name: str, value) -> str:
    field = Initiative._meta.get_field(name)
    if name in M2M_FIELDS:
        return ", ".join(sorted(str(item) for item in value)) or "—"
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _current_value(initiative: Initiative, name: str):
    if name in M2M_FIELDS:
        return list(getattr(initiative, name).all())
    return getattr(initiative, name)


def _same(a, b, name: str) -> bool:
    if name in M2M_FIELDS:
        return {item.pk for item in a} == {item.pk for item in b}
    return a == b


def unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "initiative"
    slug, n = base, 2
    while Initiative.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def create_initiative(*, initiative: Initiative, relations: dict, owner=None) -> Initiative:
    """Save a new `initiative` (unsaved instance) as a draft, with a unique slug when it has
    none, its many-to-many `relations` ({"products": [...], ...}) and `owner` if given."""
    initiative.status = Status.DRAFT
    if not initiative.slug:
        initiative.slug = unique_slug(initiative.name)
    initiative.full_clean()
    initiative.save()
    for name, values in relations.items():
        getattr(initiative, name).set(values)
    if owner is not None:
        initiative.owners.add(owner)
    return initiative


@transaction.atomic
def update_initiative(
    *, initiative: Initiative, changes: dict, expected_version: int, by, moderated: bool = True
) -> tuple[Initiative, list[str]]:
    """Apply `changes` ({field: value}) if nobody saved the initiative since `expected_version`.

    The write is a conditional UPDATE … WHERE version = expected_version that increments the
    version; when it matches no row, ConcurrencyConflict lists each field whose saved value
    differs from the editor's. When `moderated` (an owner's edit), a validated initiative one
    of whose services.RE_MODERATION_FIELDS changes goes back to moderation. Returns the saved
    initiative and those of its RE_MODERATION_FIELDS that changed.
    """
    current = Initiative.objects.get(pk=initiative.pk)
    if current.version != expected_version:
        raise _conflict(current, changes)

    candidate = Initiative.objects.get(pk=initiative.pk)
    scalars = {k: v for k, v in changes.items() if k not in M2M_FIELDS}
    for name, value in scalars.items():
        setattr(candidate, name, value)
    candidate.full_clean()
    if candidate.commune_id:
        scalars["departement_id"] = candidate.commune.departement_id

    changed = [
        name
        for name in RE_MODERATION_FIELDS
        if name in changes and not _same(_current_value(current, name), changes[name], name)
    ]
    updated = Initiative.objects.filter(pk=current.pk, version=expected_version).update(
        **scalars, version=F("version") + 1, updated_at=timezone.now()
    )
    if not updated:
        raise _conflict(Initiative.objects.get(pk=current.pk), changes)
    for name in M2M_FIELDS:
        if name in changes:
            getattr(candidate, name).set(changes[name])

    saved = Initiative.objects.get(pk=current.pk)
    if moderated and changed and saved.status == Status.VALIDATED:
        labels = ", ".join(str(Initiative._meta.get_field(name).verbose_name) for name in changed)
        change_status(
            initiative=saved,
            to_status=Status.SUBMITTED,
            by=by,
            reason=_("Changed by an owner, to be checked again: %(fields)s.") % {"fields": labels},
        )
        saved.refresh_from_db()
    return saved, changed


def _conflict(current: Initiative, changes: dict) -> ConcurrencyConflict:
    differences = []
    for name, yours in changes.items():
        theirs = _current_value(current, name)
        if not _same(theirs, yours, name):
            differences.append(
                Change(
                    field=name,
                    label=str(Initiative._meta.get_field(name).verbose_name),
                    theirs=_display(current, name, theirs),
                    yours=_display(current, name, yours),
                )
            )
    return ConcurrencyConflict(current, differences)


@transaction.atomic
def submit_initiative(*, initiative: Initiative, by) -> Initiative:
    """Send a draft (or a rejected initiative, corrected) to the moderation queue."""
    if initiative.status == Status.REJECTED:
        change_status(initiative=initiative, to_status=Status.DRAFT, by=by)
    initiative.full_clean()
    change_status(initiative=initiative, to_status=Status.SUBMITTED, by=by)
    return initiative


# Moderation -----------------------------------------------------------------------------------


@transaction.atomic
def moderate_initiative(
    *, initiative: Initiative, decision: str, by, reason: str = "", site_url: str
):
    """Validate or reject a submitted initiative and tell its owners by e-mail."""
    if decision not in (Status.VALIDATED, Status.REJECTED):
        raise ValidationError(_("Unknown decision."), code="unknown_decision")
    reason = reason.strip()
    if decision == Status.REJECTED and not reason:
        raise ValidationError(
            {"reason": _("Say why the initiative is rejected: its owners will read it.")},
            code="reason_required",
        )
    if initiative.status != Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted initiative can be moderated; this one is “%(status)s”.")
            % {"status": Status(initiative.status).label},
            code="not_submitted",
        )
    change = change_status(initiative=initiative, to_status=decision, by=by, reason=reason)
    owners = list(initiative.owners.filter(is_active=True))
    send_later(
        template="accounts/email/moderated",
        context={
            "initiative": initiative,
            "validated": decision == Status.VALIDATED,
            "reason": reason,
            "space_url": site_url + reverse("accounts:my-initiatives"),
        },
        to=[owner.email for owner in owners],
    )
    return change


# Claims ---------------------------------------------------------------------------------------


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


# Personal data --------------------------------------------------------------------------------

# The public contact fields that may be a person's own address and number.
CONTACT_FIELDS = ("email", "phone")


@transaction.atomic
def anonymise_contact(*, initiative: Initiative, by) -> Initiative:
    """Blank the public e-mail and phone of `initiative`: a person's contact details, erased at
    their request or when the only owner of the initiative deletes their account.

    An UPDATE under a row lock, without update_initiative's full_clean(): a blank contact is
    always valid, and an erasure must not wait for unrelated fields to be corrected. As with
    every edit, the version goes up, so an edit form opened before is refused rather than
    writing the old contact back, and `updated_at` moves, which refreshes the API's caches.
    `by` (who asked) is for the callers' traces (the admin's history); the initiative stays
    where it is in the workflow.
    """
    current = Initiative.objects.select_for_update().get(pk=initiative.pk)
    Initiative.objects.filter(pk=current.pk).update(
        **dict.fromkeys(CONTACT_FIELDS, ""),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    current.refresh_from_db()
    return current


@dataclass
class Release:
    archived: list[Initiative]  # owned by them alone: archived, contact blanked
    left: list[Initiative]  # run with other owners, who keep them as they are


@transaction.atomic
def release_owner(*, owner, by, reason: str) -> Release:
    """Take `owner` off every initiative they own, before their account is deleted.

    An initiative they alone own is archived (recorded with `reason`; a submitted one goes back
    to draft first, as the workflow allows no shortcut) and its public e-mail and phone, likely
    theirs, are blanked: nobody would be left to answer them or to keep them up to date. An
    initiative with other owners only loses this one.
    """
    release = Release(archived=[], left=[])
    initiatives = Initiative.objects.owned_by(owner).select_for_update(of=("self",)).order_by("pk")
    for initiative in initiatives:
        if initiative.owners.exclude(pk=owner.pk).exists():
            release.left.append(initiative)
        else:
            initiative = anonymise_contact(initiative=initiative, by=by)
            if initiative.status == Status.SUBMITTED:
                change_status(initiative=initiative, to_status=Status.DRAFT, by=by, reason=reason)
            if initiative.status != Status.ARCHIVED:
                change_status(
                    initiative=initiative, to_status=Status.ARCHIVED, by=by, reason=reason
                )
            release.archived.append(initiative)
        initiative.owners.remove(owner)
    return release
