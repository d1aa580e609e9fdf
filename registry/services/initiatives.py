"""Initiatives: drafts and edits with optimistic concurrency, and the fields whose change sends a
validated initiative back to moderation."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import dataversion, history

from ..models import SOURCING_FIELDS, Initiative, Status
from ..search import SEARCHED_FIELDS, refresh_search_text
from .workflow import change_status

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

M2M_FIELDS = ("products", "labels", "needs")
SIRET_TAKEN_MESSAGE = gettext_lazy("Another initiative is registered with this SIRET.")


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


def _refresh_search_text(initiative: Initiative) -> None:
    """The search text of `initiative`, in the database and on the instance."""
    refresh_search_text(Initiative.objects.filter(pk=initiative.pk))
    initiative.refresh_from_db(fields=["search_text", "search_name"])


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
        raise concurrency_conflict(current, changes)

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
        raise concurrency_conflict(Initiative.objects.get(pk=current.pk), changes)
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


def concurrency_conflict(current: Initiative, changes: dict) -> ConcurrencyConflict:
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
