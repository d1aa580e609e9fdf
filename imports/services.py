"""Importing initiatives from a file: the dry run, then the import itself, through the registry's
one write path (registry.services.initiatives.create_initiative and update_initiative,
registry.services.workflow.change_status).

    batch = preview_import(content=..., file_name=..., by=agent, source=Source.BACKOFFICE)
    batch = apply_import(batch=batch, by=agent)            # after the agent confirmed

The import reads the file again and checks every row again when it is confirmed (the registry
may have changed since the dry run). Then, in one transaction:

- all or nothing (the default): a single row in error, found before writing or while writing,
  and nothing is imported (the batch says which row and why);
- valid rows only (`valid_only`): rows in error are left out, each written row in a savepoint.

Every initiative created or changed gets a version in its history by the importing agent, with
the reason "Imported from “file” (import no. N)"; the batch keeps the file and the report.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import history
from registry.models import Initiative, Status
from registry.services.batch import create_initiatives, update_initiatives
from registry.services.initiatives import ConcurrencyConflict
from registry.services.workflow import change_status

from .analysis import Analysis, validation_messages
from .analysis import analyse as analyse_table
from .models import NEW_STATUSES, BatchStatus, ImportBatch, Source
from .plans import CREATE, UPDATE, RowPlan
from .reading import read_table
from .snapshot import Registry

Progress = Callable[[int, int], None]


class _Abort(Exception):
    """A row failed while writing, in an all-or-nothing import: roll everything back."""


def analyse_file(*, content: bytes, file_name: str) -> Analysis:
    """The dry run of a file: what each row would do. Writes nothing (UnreadableFile when the
    file is not a table)."""
    return analyse_table(read_table(content, file_name))


def _store(batch: ImportBatch, analysis: Analysis) -> None:
    counts = analysis.counts
    batch.source_description = analysis.source[:200]
    batch.created = counts["create"]
    batch.updated = counts["update"]
    batch.unchanged = counts["unchanged"]
    batch.rejected = counts["reject"]
    batch.warnings = counts["warnings"]
    batch.report = {
        "notes": analysis.notes,
        "errors": analysis.errors,
        "rows": [row.as_json() for row in analysis.rows],
    }


def preview_import(
    *,
    content: bytes,
    file_name: str,
    by,
    source: str = Source.BACKOFFICE,
    valid_only: bool = False,
    new_status: str = Status.DRAFT,
) -> ImportBatch:
    """Read and check `content`, and record the dry run (file and report) for the agent to
    confirm; the registry is not touched."""
    return _preview(
        content=content,
        file_name=file_name,
        by=by,
        source=source,
        valid_only=valid_only,
        new_status=new_status,
    )[0]


def _preview(*, content, file_name, by, source, valid_only, new_status):
    analysis = analyse_file(content=content, file_name=file_name)
    batch = ImportBatch(
        file_name=file_name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        source=source,
        uploaded_by=by,
        valid_only=valid_only,
        new_status=new_status,
    )
    _store(batch, analysis)
    batch.full_clean()
    batch.save()
    return batch, analysis


def import_reason(batch: ImportBatch) -> str:
    return _("Imported from “%(file)s” (import no. %(number)s).") % {
        "file": batch.file_name,
        "number": batch.pk,
    }


def apply_import(
    *,
    batch: ImportBatch,
    by,
    valid_only: bool | None = None,
    new_status: str | None = None,
    progress: Progress | None = None,
    analysis: Analysis | None = None,
) -> ImportBatch:
    """Import a previewed batch (see the module's docstring). Returns it with its status
    (applied, refused, failed) and its report as it went. `analysis`: the dry run just made
    of the batch's file, when nothing can have changed since (the command)."""
    if batch.status != BatchStatus.PREVIEWED:
        raise ValidationError(_("This import was already carried out."), code="not_previewed")
    if valid_only is not None:
        batch.valid_only = valid_only
    if new_status is not None:
        batch.new_status = new_status
    if batch.new_status not in NEW_STATUSES:
        raise ValidationError(_("Unknown status for new initiatives."), code="status")
    if analysis is None:  # read again: the registry may have changed since the dry run
        analysis = analyse_table(read_table(bytes(batch.content), batch.file_name))
    registry = analysis.registry
    if analysis.errors or (analysis.rejected and not batch.valid_only):
        batch.status = BatchStatus.REFUSED
        _finish(batch, analysis, by)
        return batch
    rows = analysis.valid_rows
    writer = _Writer(registry, by=by, reason=import_reason(batch), valid_only=batch.valid_only)
    try:
        with transaction.atomic(), history.acting(user=by, reason=writer.reason):
            writer.write(rows, status=batch.new_status, progress=progress)
    except _Abort:
        plan, message = writer.failure
        plan.reject(message)
        for row in rows:
            row.created_slug = ""  # rolled back
        batch.status = BatchStatus.FAILED
        _finish(batch, analysis, by)
        return batch
    batch.status = BatchStatus.APPLIED
    _finish(batch, analysis, by)
    return batch


class _Writer:
    """Writes the valid rows of an analysis by batches of CHUNK, through
    registry.services.batch.create_initiatives and update_initiatives (rows without a change were
    left out by the analysis). A row refused while writing is left out (valid rows only) or
    stops the import (all or nothing); the batch is written again without it."""

    CHUNK = 500
    ERRORS = (ValidationError, ConcurrencyConflict, DatabaseError)

    def __init__(self, registry: Registry, *, by, reason: str, valid_only: bool):
        self.registry = registry
        self.by = by
        self.reason = reason
        self.valid_only = valid_only
        self.failure: tuple[RowPlan, str] | None = None

    def fail(self, plan: RowPlan, error: Exception) -> None:
        """A row that cannot be written: left out, or the end of an all-or-nothing import."""
        if self.valid_only:
            plan.reject(_explain(error))
            plan.created_slug = ""
            return
        self.failure = (plan, _explain(error))
        raise _Abort from error

    def write(self, rows: list[RowPlan], *, status: str, progress: Progress | None) -> None:
        creations = [plan for plan in rows if plan.action == CREATE]
        updates = [plan for plan in rows if plan.action == UPDATE]
        for plan in creations:
            plan.created_slug = self.registry.unique_slug(plan.values["name"])
        done = 0
        for start in range(0, len(creations), self.CHUNK):
            chunk = creations[start : start + self.CHUNK]
            self.create(chunk, status=status)
            done += len(chunk)
            if progress:
                progress(done, len(rows))
        for start in range(0, len(updates), self.CHUNK):
            chunk = updates[start : start + self.CHUNK]
            self.update(chunk)
            done += len(chunk)
            if progress:
                progress(done, len(rows))

    def update(self, chunk: list[RowPlan]) -> None:
        pending = list(chunk)
        while pending:
            edits = [(plan.target, plan.changes, plan.target.version) for plan in pending]
            try:
                with transaction.atomic():
                    update_initiatives(edits=edits, by=self.by, reason=self.reason)
            except (ValidationError, ConcurrencyConflict) as error:
                if getattr(error, "index", None) is None:
                    raise
                self.fail(pending.pop(error.index), error)
            except DatabaseError as error:
                if len(pending) == 1:
                    self.fail(pending[0], error)
                    return
                for plan in pending:
                    self.update([plan])
                return
            else:
                return

    def create(self, chunk: list[RowPlan], *, status: str) -> None:
        pending = list(chunk)
        while pending:
            items = [
                (
                    Initiative(**plan.values, slug=plan.created_slug),
                    {name: values for name, values in plan.relations.items() if values},
                )
                for plan in pending
            ]
            try:
                with transaction.atomic():
                    created = create_initiatives(items=items, by=self.by, reason=self.reason)
                    self.move(created, status)
            except ValidationError as error:
                if getattr(error, "index", None) is None:
                    raise
                self.fail(pending.pop(error.index), error)
            except DatabaseError as error:
                # A constraint of the database refused the batch: find the row, one by one.
                if len(pending) == 1:
                    self.fail(pending[0], error)
                    return
                for plan in pending:
                    self.create([plan], status=status)
                return
            else:
                return

    def move(self, created: list[Initiative], status: str) -> None:
        """Submitted or validated at once, through the workflow (a draft stays as it is)."""
        if status not in (Status.SUBMITTED, Status.VALIDATED):
            return
        for initiative in created:
            change_status(
                initiative=initiative, to_status=Status.SUBMITTED, by=self.by, reason=self.reason
            )
            if status == Status.VALIDATED:
                change_status(
                    initiative=initiative,
                    to_status=Status.VALIDATED,
                    by=self.by,
                    reason=self.reason,
                )


def import_file(
    *,
    content: bytes,
    file_name: str,
    by,
    source: str = Source.COMMAND,
    valid_only: bool = False,
    new_status: str = Status.DRAFT,
    progress: Progress | None = None,
) -> ImportBatch:
    """Dry run and import in one go (the management command)."""
    batch, analysis = _preview(
        content=content,
        file_name=file_name,
        by=by,
        source=source,
        valid_only=valid_only,
        new_status=new_status,
    )
    return apply_import(batch=batch, by=by, progress=progress, analysis=analysis)


def _finish(batch: ImportBatch, analysis: Analysis, by) -> None:
    _store(batch, analysis)
    if batch.status == BatchStatus.APPLIED:
        batch.applied_by = by
        batch.applied_at = timezone.now()
    batch.save()


def _explain(error: Exception) -> str:
    """Why writing a row failed, for the agent."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return " ".join(validation_messages(error))
        return " ".join(error.messages)
    if isinstance(error, ConcurrencyConflict):
        return _("someone changed this initiative during the import: import the file again.")
    return _("the database refused the row (%(error)s).") % {"error": error}
