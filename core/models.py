"""Background work as people see it: one TaskRun per job started from the site or the admin
(publishing a framework, recomputing coverage, an import, a whole-region export), with its
progress and outcome, whatever task backend runs it (core.background)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constraints import CheckConstraint


class TaskRunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")


class TaskRun(models.Model):
    label = models.CharField(_("task"), max_length=200)
    task_path = models.CharField(_("task function"), max_length=200, editable=False)
    arguments = models.JSONField(_("arguments"), default=dict, blank=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TaskRunStatus,
        default=TaskRunStatus.QUEUED,
        db_index=True,
    )
    progress_done = models.PositiveIntegerField(_("done"), default=0)
    progress_total = models.PositiveIntegerField(_("to do"), null=True, blank=True)
    message = models.TextField(_("outcome"), blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    backend_id = models.CharField(_("task backend's id"), max_length=64, blank=True)
    # The language of whoever started it: the outcome is written in it.
    language = models.CharField(_("language"), max_length=10, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="retries",
        verbose_name=_("retry of"),
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("background task")
        verbose_name_plural = _("background tasks")
        constraints = [
            CheckConstraint(
                condition=models.Q(status__in=TaskRunStatus.values), name="taskrun_status_known"
            )
        ]

    def __str__(self):
        return f"{self.label} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (TaskRunStatus.SUCCEEDED, TaskRunStatus.FAILED)
