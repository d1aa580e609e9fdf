"""Support measures of the Région (the study's book of 40+ proposals) and their follow-up.

The Pacte orientations and actions, the needs and the initiative types are registry reference
data; measures link to them. Criteria belong to versioned frameworks (assessment app), so a
measure refers to criteria by their stable code ("C1", "E4"), which survives new versions.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessment.models import Criterion
from core.constraints import CheckConstraint
from core.i18n import in_active_language
from registry.models import Initiative, InitiativeType, Need, PacteAction

from .text import render_markdown

# The criteria of framework v1 (brief §5). Codes added by curators in later framework versions
# are accepted too: see known_criterion_codes().
DEFAULT_CRITERION_CODES = frozenset(
    [f"E{n}" for n in range(1, 7)] + [f"C{n}" for n in range(1, 16)] + ["C9B", "C14B"]
)


def known_criterion_codes() -> frozenset[str]:
    """Every criterion code of any framework version, plus those of framework v1."""
    return DEFAULT_CRITERION_CODES | frozenset(
        Criterion.objects.values_list("code", flat=True).distinct()
    )


def validate_criterion_codes(value):
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_('Give a list of criterion codes, e.g. ["C1", "E4"].'))
    if unknown := sorted(set(value) - known_criterion_codes()):
        raise ValidationError(
            _("Unknown criterion codes: %(codes)s."), params={"codes": ", ".join(unknown)}
        )


class SupportType(models.TextChoices):
    FINANCIAL_AID = "financial_aid", _("Financial aid")
    LOGISTICS = "logistics", _("Logistics")
    SUPPLY = "supply", _("Supply")
    PREMISES = "premises", _("Premises")
    TRAINING = "training", _("Training")
    COACHING = "coaching", _("Coaching and advice")
    COMMUNICATION = "communication", _("Communication")
    DIGITAL = "digital", _("Digital")
    PROCUREMENT = "procurement", _("Public procurement")
    SOLIDARITY = "solidarity", _("Food solidarity")
    NETWORKING = "networking", _("Networking")
    REGULATION = "regulation", _("Regulation")
    OBSERVATION = "observation", _("Observation")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ADOPTED = "adopted", _("Adopted")
    IN_PLACE = "in_place", _("In place")
    ABANDONED = "abandoned", _("Abandoned")


PUBLIC_MEASURE_STATUSES = (MeasureStatus.ADOPTED, MeasureStatus.IN_PLACE)


class MeasureQuerySet(models.QuerySet):
    def public(self):
        """Measures the public may see: adopted or in place."""
        return self.filter(status__in=PUBLIC_MEASURE_STATUSES)

    def suggestible(self):
        """Measures that may be suggested to an initiative: every one not abandoned."""
        return self.exclude(status=MeasureStatus.ABANDONED)

    def with_references(self):
        """Load what list pages show, in a constant number of queries."""
        return self.prefetch_related("pacte_actions", "needs", "target_types")


class Measure(models.Model):
    code = models.CharField(
        _("code"), max_length=10, primary_key=True, help_text=_("Stable identifier, e.g. FIN1.")
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=400, help_text=_("One or two sentences."))
    summary_en = models.CharField(_("summary (English)"), max_length=400, blank=True)
    rationale = models.TextField(
        _("rationale"), help_text=_("Why the measure exists. Markdown; HTML is removed.")
    )
    rationale_en = models.TextField(_("rationale (English)"), blank=True)
    means = models.TextField(
        _("means of implementation"),
        help_text=_("How: tools, partners, budget lines. Markdown; HTML is removed."),
    )
    means_en = models.TextField(_("means of implementation (English)"), blank=True)
    pacte_actions = models.ManyToManyField(
        PacteAction, related_name="measures", verbose_name=_("Pacte actions served")
    )
    needs = models.ManyToManyField(
        Need, related_name="measures", verbose_name=_("needs and obstacles addressed")
    )
    criterion_codes = models.JSONField(
        _("criteria it helps improve"),
        default=list,
        blank=True,
        validators=[validate_criterion_codes],
        help_text=_('Stable criterion codes of the eligibility framework, e.g. ["C1", "E4"].'),
    )
    support_type = models.CharField(_("type of support"), max_length=20, choices=SupportType)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 = highest, 3 = lowest."),
    )
    lead_service = models.CharField(_("lead service"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MeasureStatus,
        default=MeasureStatus.PROPOSED,
        db_index=True,
    )
    target_types = models.ManyToManyField(
        InitiativeType,
        blank=True,
        related_name="measures",
        verbose_name=_("target initiative types"),
        help_text=_("Leave empty when the measure suits every type."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("support measure")
        verbose_name_plural = _("support measures")
        constraints = [
            CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=3), name="measure_priority_1_to_3"
            ),
            CheckConstraint(
                condition=Q(status__in=MeasureStatus.values), name="measure_status_known"
            ),
            CheckConstraint(
                condition=Q(support_type__in=SupportType.values),
                name="measure_support_type_known",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.display_title}"

    def get_absolute_url(self):
        return reverse("catalogue:measure-detail", args=[self.code])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_MEASURE_STATUSES

    # The texts in the active language; French where no English text is given.
    @property
    def display_title(self) -> str:
        return in_active_language(self.title, self.title_en)

    @property
    def display_summary(self) -> str:
        return in_active_language(self.summary, self.summary_en)

    @property
    def rationale_html(self) -> str:
        return render_markdown(in_active_language(self.rationale, self.rationale_en))

    @property
    def means_html(self) -> str:
        return render_markdown(in_active_language(self.means, self.means_en))

    def clean_fields(self, exclude=None):
        # Tidy before the field validators run, so "c1" is checked as "C1".
        self.tidy_criterion_codes()
        super().clean_fields(exclude=exclude)

    def tidy_criterion_codes(self):
        if isinstance(self.criterion_codes, list):
            # Tidy "c1 " into "C1" and drop duplicates, keeping the curator's order.
            tidy = [str(code).strip().upper() for code in self.criterion_codes]
            self.criterion_codes = list(dict.fromkeys(code for code in tidy if code))


class FollowUpState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


# Which state may follow which: done and declined are final.
FOLLOWUP_TRANSITIONS: dict[str, frozenset[str]] = {
    FollowUpState.PROPOSED: frozenset(
        {FollowUpState.IN_PROGRESS, FollowUpState.DONE, FollowUpState.DECLINED}
    ),
    FollowUpState.IN_PROGRESS: frozenset({FollowUpState.DONE, FollowUpState.DECLINED}),
    FollowUpState.DONE: frozenset(),
    FollowUpState.DECLINED: frozenset(),
}
OPEN_FOLLOWUP_STATES = (FollowUpState.PROPOSED, FollowUpState.IN_PROGRESS)
# Follow-ups through which an initiative benefits from a measure.
BENEFIT_FOLLOWUP_STATES = (FollowUpState.IN_PROGRESS, FollowUpState.DONE)


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        """Follow-ups still proposed or in progress."""
        return self.filter(state__in=OPEN_FOLLOWUP_STATES)

    def benefiting(self):
        """Follow-ups through which the initiative benefits (in progress or done)."""
        return self.filter(state__in=BENEFIT_FOLLOWUP_STATES)


class FollowUp(models.Model):
    """A measure proposed to an initiative, followed until done or declined."""

    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="measure_followups",
        verbose_name=_("initiative"),
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="followups", verbose_name=_("measure")
    )
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=FollowUpState,
        default=FollowUpState.PROPOSED,
        db_index=True,
    )
    proposed_on = models.DateField(_("proposed on"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True, help_text=_("When it was done or declined.")
    )
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    # The effect of the measure: the initiative's assessment before and after it was done.
    score_before = models.DecimalField(
        _("score before"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    max_score_before = models.DecimalField(
        _("maximum score before"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    verdict_before = models.CharField(_("verdict before"), max_length=20, blank=True)
    score_after = models.DecimalField(
        _("score after"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    max_score_after = models.DecimalField(
        _("maximum score after"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    verdict_after = models.CharField(_("verdict after"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_on", "-id"]
        verbose_name = _("measure follow-up")
        verbose_name_plural = _("measure follow-ups")
        constraints = [
            CheckConstraint(
                condition=Q(state__in=FollowUpState.values), name="followup_state_known"
            ),
            # One open follow-up of a measure per initiative at a time.
            models.UniqueConstraint(
                fields=["initiative", "measure"],
                condition=Q(state__in=OPEN_FOLLOWUP_STATES),
                name="followup_one_open_per_initiative_and_measure",
                violation_error_message=_(
                    "This measure is already being followed for this initiative."
                ),
            ),
            CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("proposed_on")),
                name="followup_closes_after_proposal",
            ),
        ]

    def __str__(self):
        return f"{self.initiative} · {self.measure_id} ({self.get_state_display()})"

    def can_move_to(self, state: str) -> bool:
        return state in FOLLOWUP_TRANSITIONS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_FOLLOWUP_STATES

    @property
    def score_change(self):
        if self.score_before is None or self.score_after is None:
            return None
        return self.score_after - self.score_before


class FollowUpEvent(models.Model):
    """One step of a follow-up's history: who moved it to which state, when and why."""

    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="events", verbose_name=_("follow-up")
    )
    state = models.CharField(_("state"), max_length=12, choices=FollowUpState)
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up step")
        verbose_name_plural = _("follow-up steps")

    def __str__(self):
        return f"{self.followup_id}: {self.get_state_display()}"
