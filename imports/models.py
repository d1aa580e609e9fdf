from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.constraints import CheckConstraint
from registry.models import Status


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Dry run done, awaiting confirmation")
    APPLIED = "applied", _("Imported")
    REFUSED = "refused", _("Refused: rows in error, nothing imported")
    FAILED = "failed", _("Failed while writing, nothing imported")


class Source(models.TextChoices):
    BACKOFFICE = "backoffice", _("Back-office")
    COMMAND = "command", _("Command line")


# What a new initiative of an import becomes: a draft (as a form would leave it), submitted to
# moderation, or validated at once by the agent who imports.
NEW_STATUSES = [Status.DRAFT, Status.SUBMITTED, Status.VALIDATED]


class ImportBatch(models.Model):
    """One file imported (or tried): who, when, which file, what each row did.

    The file itself is kept: the confirmation imports exactly the file that was previewed, and
    it stays the record of what was imported. Every initiative it creates or changes also has
    a version in its history naming this import.
    """

    file_name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source = models.CharField(_("from"), max_length=12, choices=Source)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus, default=BatchStatus.PREVIEWED
    )
    valid_only = models.BooleanField(
        _("valid rows only"),
        default=False,
        help_text=_("Rows in error are left out; otherwise one of them stops the whole import."),
    )
    new_status = models.CharField(
        _("status of new initiatives"),
        max_length=10,
        choices=[(status.value, status.label) for status in NEW_STATUSES],
        default=Status.DRAFT,
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)
    source_description = models.CharField(_("read as"), max_length=200, blank=True)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    warnings = models.PositiveIntegerField(_("with a warning"), default=0)
    # {"notes": [...], "errors": [...], "rows": [{line, action, name, slug, errors, …}]}
    report = models.JSONField(_("report"), default=dict)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        constraints = [
            CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="importbatch_status_known"
            ),
            CheckConstraint(
                condition=Q(new_status__in=[status.value for status in NEW_STATUSES]),
                name="importbatch_new_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("backoffice:import-detail", args=[self.pk])

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected
