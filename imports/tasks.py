"""Background task of the imports app (core.background): carrying out a previewed import
(imports.services.apply_import: one transaction, all or nothing or valid rows only) outside
the agent's request. The back-office's confirmation queues it; the batch's page says it runs."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from core.background import Outcome, start, tracked
from core.models import TaskRun, TaskRunStatus

from .models import BatchStatus, ImportBatch
from .services import apply_import as apply


@tracked
def apply_import(progress, *, batch_id: int, valid_only=None, new_status=None) -> Outcome:
    batch = ImportBatch.objects.get(pk=batch_id)
    batch = apply(
        batch=batch,
        by=progress.run.requested_by,
        valid_only=valid_only,
        new_status=new_status,
        progress=progress,
    )
    counts = {"created": batch.created, "updated": batch.updated, "rejected": batch.rejected}
    if batch.status != BatchStatus.APPLIED:
        # Refused or failed: nothing was written; the batch's report says why.
        raise ValidationError(
            gettext("Nothing was imported: %(status)s. See the rows in error.")
            % {"status": batch.get_status_display()}
        )
    return Outcome(
        gettext("Imported: %(created)s created, %(updated)s updated, %(rejected)s left out.")
        % counts,
        {"batch": batch.pk, "status": batch.status, **counts},
    )


def start_import(batch: ImportBatch, *, by, valid_only=None, new_status=None) -> TaskRun:
    """Queue the import of a previewed batch; returns the TaskRun."""
    return start(
        apply_import,
        label=gettext("Import no. %(number)s (%(file)s)")
        % {"number": batch.pk, "file": batch.file_name},
        by=by,
        batch_id=batch.pk,
        valid_only=valid_only,
        new_status=new_status,
    )


def pending_run(batch: ImportBatch) -> TaskRun | None:
    """The queued or running import of `batch`, if any."""
    return (
        TaskRun.objects.filter(
            task_path=apply_import.module_path,
            arguments__batch_id=batch.pk,
            status__in=[TaskRunStatus.QUEUED, TaskRunStatus.RUNNING],
        )
        .order_by("-pk")
        .first()
    )
