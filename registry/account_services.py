"""Writes behind accounts, self-registration, claims and moderation.

Each function takes keyword-only arguments, validates with `full_clean()` and sends its e-mails
through `transaction.on_commit`, so that a rolled-back write never leaves a stray message.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import SOURCING_FIELDS, Claim, ClaimStatus, Initiative, Status
from .roles import RETAILER, ensure_roles
from .services import change_status

# Facts that matter for eligibility. When the owner of a VALIDATED initiative changes one of
# them, the initiative goes back to moderation (validated → submitted). Other edits (texts,
# contact, opening hours, products, needs) are published straight away.
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
M2M_FIELDS = ("products", "labels", "needs")

VERIFY_SALT = "registry.accounts.verify"
VERIFY_MAX_AGE = 3 * 24 * 3600  # seconds
CLAIM_SALT = "registry.claims.confirm"
CLAIM_MAX_AGE = 7 * 24 * 3600


# E-mail ---------------------------------------------------------------------------------------


def _send_later(*, template: str, context: dict, to: list[str]) -> None:
    """Render `template`_subject.txt / .txt now and send once the transaction commits."""
    to = [address for address in to if address]
    if not to:
        return
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, to))


# Accounts -------------------------------------------------------------------------------------


def register_account(
    *, email: str, password: str, first_name: str = "", last_name: str = "", site_url: str
):
    """Create an inactive retailer account and e-mail it a verification link.

    When the address already has an account, nothing is created: its owner gets an e-mail
    saying so, and the caller shows the same answer either way (no account enumeration).
    Returns the new user, or None when the address was taken.
    """
    User = get_user_model()
    email = User.objects.normalize_email(email).strip().lower()
    existing = User.objects.filter(email__iexact=email).first() or (
        User.objects.filter(username__iexact=email).first()
    )
    if existing:
        _send_later(
            template="accounts/email/already_registered",
            context={
                "user": existing,
                "login_url": site_url + reverse("login"),
                "reset_url": site_url + reverse("password_reset"),
            },
            to=[existing.email or email],
        )
        return None
    user = User(
        username=email, email=email, first_name=first_name, last_name=last_name, is_active=False
    )
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        try:
            user.save()
        except IntegrityError:  # the same address signed up twice at the same moment
            return None
        retailer = next(group for group in ensure_roles() if group.name == RETAILER)
        user.groups.add(retailer)
        token = signing.dumps({"user": user.pk}, salt=VERIFY_SALT)
        _send_later(
            template="accounts/email/verify",
            context={
                "user": user,
                "verify_url": site_url + reverse("accounts:verify", args=[token]),
                "days": VERIFY_MAX_AGE // 86400,
            },
            to=[email],
        )
    return user


def verify_account(*, token: str):
    """Activate the account a verification token names; None when the token is bad or old."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:
        return None
    User = get_user_model()
    user = User.objects.filter(pk=data.get("user")).first()
    if user is None:
        return None
    if not user.is_active and user.last_login is None:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user if user.is_active else None


def too_many_attempts(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one attempt for `key` in a fixed window of `period` seconds (cache-based).

    True once more than `limit` attempts were made in the window.
    """
    cache_key = f"ratelimit:{scope}:{key}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count > limit


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
def create_draft(*, data: dict, owner) -> Initiative:
    """Save a new initiative as a draft owned by `owner` (many-to-many values included)."""
    scalars = {k: v for k, v in data.items() if k not in M2M_FIELDS}
    initiative = Initiative(**scalars, status=Status.DRAFT, slug=unique_slug(data["name"]))
    initiative.full_clean()
    initiative.save()
    for name in M2M_FIELDS:
        if name in data:
            getattr(initiative, name).set(data[name])
    initiative.owners.add(owner)
    return initiative


@transaction.atomic
def update_initiative(
    *, initiative: Initiative, changes: dict, expected_version: int, by, moderated: bool = True
) -> tuple[Initiative, list[str]]:
    """Apply `changes` ({field: value}) if nobody saved the initiative since `expected_version`.

    The write is a conditional UPDATE … WHERE version = expected_version that increments the
    version; when it matches no row, ConcurrencyConflict lists each field whose saved value
    differs from the editor's. When `moderated` (an owner's edit), a validated initiative whose
    eligibility facts change goes back to moderation. Returns the saved initiative and the
    eligibility fields that changed.
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
        for name in ELIGIBILITY_FIELDS
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
            reason=_("Eligibility facts changed: %(fields)s.") % {"fields": labels},
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
    _send_later(
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
    """A listing can be claimed when nobody owns it and it is not archived."""
    return initiative.status != Status.ARCHIVED and not initiative.owners.exists()


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
    _send_later(
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
    _send_later(
        template="accounts/email/claim_decided",
        context={
            "claim": claim,
            "approved": approve,
            "space_url": site_url + reverse("accounts:my-initiatives"),
        },
        to=[claim.claimant.email],
    )
    return claim
