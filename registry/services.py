"""Writes on initiatives that span models or must be recorded: status changes."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Initiative, Status, StatusChange


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
