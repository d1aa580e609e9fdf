"""Personal data in initiatives: erasing a public contact, releasing an owner whose account goes."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dataversion, history

from ..models import Initiative, Status
from .workflow import change_status

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
