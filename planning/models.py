"""Action plans: support measures aimed at chosen initiatives over a period, with the effect
expected of each, and the record of every change made to them.

Coverage and reach are computed, not stored (`planning.queries`).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessment.models import Verdict
from core.constraints import CheckConstraint
from recommendations.models import Measure
from registry.models import Departement, Initiative, InitiativeType, Need


class PlanState(models.TextChoices):
    # Words of their own: "Adopted" and "Abandoned" are a measure's (feminine in French).
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("In force")
    CLOSED = "closed", _("Closed")
    ABANDONED = "abandoned", _("Withdrawn")


class PlanMeasureState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


# Target filter on the current verdict; "none": no current assessment.
NOT_ASSESSED = "none"
TARGET_VERDICTS = [*Verdict.choices, (NOT_ASSESSED, _("Not assessed yet"))]


class Plan(models.Model):
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    budget = models.DecimalField(
        _("budget (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    lead = models.CharField(
        _("lead"), max_length=200, blank=True, help_text=_("The person or service in charge.")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PlanState, default=PlanState.DRAFT, db_index=True
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-period_start", "title", "pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plan_ends_after_it_starts",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            CheckConstraint(condition=Q(state__in=PlanState.values), name="plan_state_known"),
            CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0), name="plan_budget_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("backoffice:plan-detail", args=[self.pk])


class PlanMeasure(models.Model):
    """A support measure in a plan: whom it targets and what it is expected to change.

    Targets are the hand-picked initiatives when there are any, otherwise the validated
    initiatives that match every filter given (none given: every validated initiative).
    """

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="plan_items", verbose_name=_("measure")
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target département"),
    )
    initiative_type = models.ForeignKey(
        InitiativeType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target type"),
    )
    need = models.ForeignKey(
        Need,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target need"),
    )
    verdict = models.CharField(
        _("target verdict"), max_length=12, choices=TARGET_VERDICTS, blank=True
    )
    initiatives = models.ManyToManyField(
        Initiative,
        blank=True,
        related_name="+",
        verbose_name=_("hand-picked initiatives"),
        help_text=_("When given, the measure targets these initiatives only."),
    )
    expected_effect = models.JSONField(
        _("expected effect"),
        default=dict,
        blank=True,
        help_text=_("The answers the measure moves and to what: {criterion code: answer}."),
    )
    lead = models.CharField(_("lead"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=PlanMeasureState, default=PlanMeasureState.PLANNED
    )

    class Meta:
        ordering = ["plan", "measure"]
        verbose_name = _("measure of a plan")
        verbose_name_plural = _("measures of a plan")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "measure"],
                name="planmeasure_once_per_plan",
                violation_error_message=_("This measure is already in the plan."),
            ),
            CheckConstraint(
                condition=Q(state__in=PlanMeasureState.values), name="planmeasure_state_known"
            ),
            CheckConstraint(
                condition=Q(verdict="") | Q(verdict__in=[value for value, _l in TARGET_VERDICTS]),
                name="planmeasure_verdict_known",
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.measure_id}"


class PlanChangeKind(models.TextChoices):
    CREATED = "created", _("Plan created")
    EDITED = "edited", _("Plan edited")
    MEASURE_ADDED = "measure_added", _("Measure added")
    MEASURE_EDITED = "measure_edited", _("Measure edited")
    MEASURE_REMOVED = "measure_removed", _("Measure removed")


class PlanChange(models.Model):
    """Who changed a plan, when and what: {field: [before, after]} in stored values (codes,
    ISO dates), so that the record reads the same in every language."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="changes", verbose_name=_("plan")
    )
    kind = models.CharField(_("change"), max_length=16, choices=PlanChangeKind)
    measure_code = models.CharField(_("measure"), max_length=10, blank=True)
    changes = models.JSONField(_("what changed"), default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("change to a plan")
        verbose_name_plural = _("changes to plans")
        constraints = [
            CheckConstraint(
                condition=Q(kind__in=PlanChangeKind.values), name="planchange_kind_known"
            )
        ]

    def __str__(self):
        return f"{self.plan}: {self.get_kind_display()}"
