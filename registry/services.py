"""The one write path of the registry: initiatives (create, update with optimistic concurrency,
submit, moderate, status changes) and claims.

Each function takes keyword-only arguments, validates with `full_clean()` and sends its e-mails
through `transaction.on_commit`, so that a rolled-back write never leaves a stray message.
"""

import copy
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import dataversion, history
from core.mail import send_later

from .models import (
    SOURCING_FIELDS,
    Claim,
    ClaimStatus,
    Commune,
    Initiative,
    Status,
    StatusChange,
)
from .search import (
    SEARCHED_FIELDS,
    forget_commune_index,
    initiatives_referring_to,
    refresh_search_text,
)

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
    with history.unrecorded(initiative):
        initiative.save(update_fields=["status", "updated_at"])
    # The version is recorded from the row as saved: the caller's instance may be stale.
    history.record(Initiative.objects.get(pk=initiative.pk), by=by, reason=reason)
    return change


M2M_FIELDS = ("products", "labels", "needs")
SIRET_TAKEN_MESSAGE = gettext_lazy("Another initiative is registered with this SIRET.")

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
def create_initiative(
    *, initiative: Initiative, relations: dict, owner=None, by=None, reason: str = ""
) -> Initiative:
    """Save a new `initiative` (unsaved instance) as a draft, with a unique slug when it has
    none, its many-to-many `relations` ({"products": [...], ...}) and `owner` if given.

    Its history starts with one version, relations included, by `by` (else `owner`, else as
    core.history says) and with `reason` (an import names its file)."""
    initiative.status = Status.DRAFT
    if not initiative.slug:
        initiative.slug = unique_slug(initiative.name)
    initiative.full_clean()
    with history.unrecorded(initiative):
        initiative.save()
    for name, values in relations.items():
        getattr(initiative, name).set(values)
    if owner is not None:
        initiative.owners.add(owner)
    _refresh_search_text(initiative)
    history.record(initiative, by=by or owner, reason=reason, created=True)
    return initiative


# Checks of full_clean() that query the database, run once for a whole batch.
_CHECKED_FOR_THE_BATCH = ["type", "commune"]


@transaction.atomic
def create_initiatives(
    *, items: list[tuple[Initiative, dict]], by=None, reason: str = ""
) -> list[Initiative]:
    """create_initiative() for many new initiatives at once (an import): the same rules and the
    same results, in a number of queries that does not grow with each initiative.

    `items`: (unsaved initiative, relations) pairs. Each becomes a draft with a unique slug and
    is validated with full_clean(), except the checks that query the database, which run once
    for the batch: its type and commune exist, its slug and SIRET are not taken (nor by another
    item). The CHECK constraints that full_clean() would also query repeat rules of the fields'
    validators and clean(), and the database still enforces them. The first invalid item
    raises its ValidationError, with its position in `items` as `error.index`, and nothing is
    saved. Then: one INSERT per 500, the relations, the search texts, and one version each in
    the history, by `by` with `reason`.
    """
    initiatives = [initiative for initiative, _relations in items]
    _validate_batch(initiatives)
    dataversion.bump()  # bulk writes send no signal (core.dataversion)
    for initiative in initiatives:
        initiative.departement_id = initiative.commune.departement_id
    Initiative.objects.bulk_create(initiatives, batch_size=500)
    for name in M2M_FIELDS:
        through = getattr(Initiative, name).through
        target = getattr(Initiative, name).field.m2m_reverse_field_name()
        through.objects.bulk_create(
            [
                through(initiative_id=initiative.pk, **{f"{target}_id": item.pk})
                for initiative, relations in items
                for item in dict.fromkeys(relations.get(name) or ())
            ],
            batch_size=1000,
        )
    pks = [initiative.pk for initiative in initiatives]
    refresh_search_text(Initiative.objects.filter(pk__in=pks))
    texts = dict(Initiative.objects.filter(pk__in=pks).values_list("pk", "search_text"))
    for initiative, relations in items:
        initiative.search_text = texts[initiative.pk]
        # The relations as saved: the history's snapshot reads them without a query.
        initiative._prefetched_objects_cache = {
            name: list(dict.fromkeys(relations.get(name) or ())) for name in M2M_FIELDS
        }
    history.record_created(initiatives, by=by, reason=reason)
    return initiatives


def _validate_batch(initiatives: list[Initiative]) -> None:
    slugs, sirets = set(), set()
    for index, initiative in enumerate(initiatives):
        initiative.status = Status.DRAFT
        if not initiative.slug:
            initiative.slug = unique_slug(initiative.name)
        errors = {}
        try:
            initiative.full_clean(
                exclude=[*_CHECKED_FOR_THE_BATCH, "departement"],  # the commune's, derived
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if initiative.slug in slugs:
            errors.setdefault("slug", []).append(_("Another initiative has this slug."))
        if initiative.siret and initiative.siret in sirets:
            errors.setdefault("siret", []).append(SIRET_TAKEN_MESSAGE)
        slugs.add(initiative.slug)
        sirets.add(initiative.siret)
        if errors:
            _raise_for(index, errors)
    sirets.discard("")
    taken_slugs = set(Initiative.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    taken_sirets = set(Initiative.objects.filter(siret__in=sirets).values_list("siret", flat=True))
    known = {
        name: set(
            Initiative._meta.get_field(name)
            .related_model.objects.filter(pk__in={getattr(i, f"{name}_id") for i in initiatives})
            .values_list("pk", flat=True)
        )
        for name in _CHECKED_FOR_THE_BATCH
    }
    for index, initiative in enumerate(initiatives):
        errors = {}
        if initiative.slug in taken_slugs:
            errors["slug"] = [_("Another initiative has this slug.")]
        if initiative.siret in taken_sirets:
            errors["siret"] = [SIRET_TAKEN_MESSAGE]
        for name in _CHECKED_FOR_THE_BATCH:
            if getattr(initiative, f"{name}_id") not in known[name]:
                errors[name] = [_("This value does not exist.")]
        if errors:
            _raise_for(index, errors)


def _raise_for(index: int, errors: dict):
    error = ValidationError(errors)
    error.index = index
    raise error


def _refresh_search_text(initiative: Initiative) -> None:
    """The search text of `initiative`, in the database and on the instance."""
    refresh_search_text(Initiative.objects.filter(pk=initiative.pk))
    initiative.refresh_from_db(fields=["search_text"])


@transaction.atomic
def update_initiative(
    *,
    initiative: Initiative,
    changes: dict,
    expected_version: int,
    by,
    moderated: bool = True,
    reason: str = "",
) -> tuple[Initiative, list[str]]:
    """Apply `changes` ({field: value}) if nobody saved the initiative since `expected_version`.

    The write is a conditional UPDATE … WHERE version = expected_version that increments the
    version; when it matches no row, ConcurrencyConflict lists each field whose saved value
    differs from the editor's. When `moderated` (an owner's edit), a validated initiative one
    of whose services.RE_MODERATION_FIELDS changes goes back to moderation. Returns the saved
    initiative and those of its RE_MODERATION_FIELDS that changed. The new version goes into the
    initiative's history by `by`, with `reason` when given (an import, a restore).
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
    dataversion.bump()  # a conditional UPDATE sends no signal (core.dataversion)
    for name in M2M_FIELDS:
        if name in changes:
            getattr(candidate, name).set(changes[name])
    if SEARCHED_FIELDS.intersection(changes):
        refresh_search_text(Initiative.objects.filter(pk=current.pk))

    saved = Initiative.objects.get(pk=current.pk)
    history.record(saved, by=by, reason=reason)
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


@transaction.atomic
def update_initiatives(
    *, edits: list[tuple[Initiative, dict, int]], by, reason: str = ""
) -> list[Initiative]:
    """update_initiative() for many initiatives at once (an import), as agents' corrections
    (moderated=False): the same rules and results, in a number of queries that does not grow
    with each initiative.

    `edits`: (initiative, changes, expected_version) triples. The rows are locked and each
    version compared (ConcurrencyConflict otherwise); each initiative with its changes is
    validated with full_clean(), the checks that query the database once for the batch (as
    create_initiatives). The first problem raises, with its position in `edits` as
    `error.index`, and nothing is saved. Then: the versions go up, the relations and search
    texts follow, and each initiative gets one version in the history, by `by` with `reason`.
    """
    pks = [initiative.pk for initiative, _changes, _version in edits]
    current = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("commune")
        .defer("commune__outline")
        .in_bulk(pks)
    )
    candidates = []
    for index, (initiative, changes, expected_version) in enumerate(edits):
        row = current[initiative.pk]
        if row.version != expected_version:
            conflict = _conflict(row, changes)
            conflict.index = index
            raise conflict
        candidate = copy.copy(row)
        for name, value in changes.items():
            if name not in M2M_FIELDS:
                setattr(candidate, name, value)
        candidates.append(candidate)
    _validate_changed(candidates, [changes for _i, changes, _v in edits])
    dataversion.bump()  # bulk writes send no signal (core.dataversion)
    now = timezone.now()
    for index, (candidate, (_i, changes, version)) in enumerate(
        zip(candidates, edits, strict=True)
    ):
        # One conditional UPDATE each, as update_initiative (bulk_update's CASE per field and
        # row costs more than it saves).
        scalars = {name: getattr(candidate, name) for name in changes if name not in M2M_FIELDS}
        updated = Initiative.objects.filter(pk=candidate.pk, version=version).update(
            **scalars,
            departement_id=candidate.commune.departement_id,
            version=F("version") + 1,
            updated_at=now,
        )
        if not updated:
            conflict = _conflict(Initiative.objects.get(pk=candidate.pk), changes)
            conflict.index = index
            raise conflict
    for name in M2M_FIELDS:
        changed = [(i.pk, changes[name]) for i, changes, _v in edits if name in changes]
        if not changed:
            continue
        through = getattr(Initiative, name).through
        target = getattr(Initiative, name).field.m2m_reverse_field_name()
        through.objects.filter(initiative_id__in=[pk for pk, _items in changed]).delete()
        through.objects.bulk_create(
            [
                through(initiative_id=pk, **{f"{target}_id": item.pk})
                for pk, items in changed
                for item in dict.fromkeys(items)
            ],
            batch_size=1000,
        )
    searched = [i.pk for i, changes, _v in edits if SEARCHED_FIELDS.intersection(changes)]
    if searched:
        refresh_search_text(Initiative.objects.filter(pk__in=searched))
    saved = list(Initiative.objects.filter(pk__in=pks).prefetch_related(*M2M_FIELDS))
    history.record_all(saved, by=by, reason=reason)
    by_pk = {initiative.pk: initiative for initiative in saved}
    return [by_pk[pk] for pk in pks]


def _validate_changed(candidates: list[Initiative], changes: list[dict]) -> None:
    """full_clean() of edited initiatives, the checks that query the database once for all."""
    sirets: dict[str, int] = {}
    for index, candidate in enumerate(candidates):
        errors = {}
        try:
            candidate.full_clean(
                exclude=[*_CHECKED_FOR_THE_BATCH, "departement"],  # the commune's, derived
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if candidate.siret and sirets.setdefault(candidate.siret, candidate.pk) != candidate.pk:
            errors.setdefault("siret", []).append(SIRET_TAKEN_MESSAGE)
        if errors:
            _raise_for(index, errors)
    edited_sirets = {
        c.siret: c.pk for c, changed in zip(candidates, changes, strict=True) if "siret" in changed
    }
    edited_sirets.pop("", None)
    taken = dict(Initiative.objects.filter(siret__in=edited_sirets).values_list("siret", "pk"))
    known = {
        name: set(
            Initiative._meta.get_field(name)
            .related_model.objects.filter(pk__in={getattr(c, f"{name}_id") for c in candidates})
            .values_list("pk", flat=True)
        )
        for name in _CHECKED_FOR_THE_BATCH
    }
    for index, candidate in enumerate(candidates):
        errors = {}
        if candidate.siret in taken and taken[candidate.siret] != candidate.pk:
            errors["siret"] = [SIRET_TAKEN_MESSAGE]
        for name in _CHECKED_FOR_THE_BATCH:
            if getattr(candidate, f"{name}_id") not in known[name]:
                errors[name] = [_("This value does not exist.")]
        if errors:
            _raise_for(index, errors)


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


# Reference data -------------------------------------------------------------------------------

NAME_FIELDS = ("name", "name_en")


@transaction.atomic
def save_reference(*, item, changed_fields=None) -> int:
    """Save a reference row (distribution type, product family, label, need, commune,
    département…) and, when one of its names changed (`changed_fields`; None: maybe), the search
    text of the initiatives that refer to it. Returns how many search texts changed.

    The admin saves reference rows through here: a curator who renames a label makes the
    initiatives carrying it findable by the new name at once.
    """
    item.save()
    if isinstance(item, Commune):
        forget_commune_index()
    if changed_fields is not None and not set(NAME_FIELDS).intersection(changed_fields):
        return 0
    return refresh_search_text(initiatives_referring_to([item]))


@transaction.atomic
def delete_references(*, items) -> None:
    """Delete reference rows (a queryset or a list of one model) and refresh the search text of
    the initiatives that carried them (deleting a label takes it off every initiative)."""
    rows = list(items)
    affected = list(initiatives_referring_to(rows).values_list("pk", flat=True))
    if hasattr(items, "delete"):  # a queryset: one query, as the admin does
        items.delete()
    else:
        for item in rows:
            item.delete()
    if rows and isinstance(rows[0], Commune):
        forget_commune_index()
    refresh_search_text(Initiative.objects.filter(pk__in=affected))


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
    where it is in the workflow. The contact is erased from the initiative's past versions
    too, and the erasure is recorded as a version of its own.
    """
    current = Initiative.objects.select_for_update().get(pk=initiative.pk)
    Initiative.objects.filter(pk=current.pk).update(
        **dict.fromkeys(CONTACT_FIELDS, ""),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    dataversion.bump()  # the e-mail and phone are public: cached answers must go
    current.refresh_from_db()
    history.erase(current, fields=CONTACT_FIELDS)
    history.record(current, by=by, reason=_("Public e-mail and phone erased on request."))
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
