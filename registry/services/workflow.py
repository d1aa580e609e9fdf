"""Status changes of an initiative: the workflow's transitions, submission and moderation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import history
from core.mail import send_later

from ..models import Initiative, Status, StatusChange


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


@transaction.atomic
def submit_initiative(*, initiative: Initiative, by) -> Initiative:
    """Send a draft (or a rejected initiative, corrected) to the moderation queue."""
    if initiative.status == Status.REJECTED:
        change_status(initiative=initiative, to_status=Status.DRAFT, by=by)
    initiative.full_clean()
    change_status(initiative=initiative, to_status=Status.SUBMITTED, by=by)
    return initiative


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
