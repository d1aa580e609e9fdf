from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.constraints import CheckConstraint
from core.i18n import english_active, in_active_language
from registry.models import Initiative, PacteAction, PacteOrientation

from . import engine, questions
from .fields import StoredJSONField


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class CriterionKind(models.TextChoices):
    ELIMINATORY = engine.ELIMINATORY, _("Eliminatory condition")
    WEIGHTED = engine.WEIGHTED, _("Weighted criterion")


class QuestionKind(models.TextChoices):
    YES_NO = questions.YES_NO, _("Yes / no")
    NUMBER = questions.NUMBER, _("Number (bands or threshold)")
    SINGLE_CHOICE = questions.SINGLE_CHOICE, _("Single choice")
    MULTIPLE_CHOICE = questions.MULTIPLE_CHOICE, _("Multiple choice")


class Verdict(models.TextChoices):
    ELIGIBLE = engine.ELIGIBLE, _("Eligible")
    NOT_ELIGIBLE = engine.NOT_ELIGIBLE, _("Not eligible")
    INCOMPLETE = engine.INCOMPLETE, _("Incomplete")


class PrefillSource(models.TextChoices):
    """Registry facts an answer can be pre-filled from (see prefill.PREFILLERS)."""

    IN_OCCITANIE = "in_occitanie", _("Commune's département is in Occitanie")
    LEGAL_ID = "legal_id", _("SIRET or RNA number given")
    REGIONAL_PURCHASE_SHARE = "regional_purchase_share", _("Local purchases (%)")
    SHORT_CIRCUIT_SHARE = "short_circuit_share", _("Short-circuit purchases (%)")
    ORGANIC_SHARE = "organic_share", _("Organic sales (%)")
    QUALITY_SHARE = "quality_share", _("Other quality labels (%)")
    PRODUCER_PRICE_SHARE = "producer_price_share", _("Producer's share of price (%)")
    PARTNER_PRODUCERS = "partner_producers", _("Partner producers")
    INTERMEDIARIES = "intermediaries", _("Intermediaries (none / one / mixed)")
    STAFF_FTE = "staff_fte", _("Staff (FTE)")
    WEEKLY_OPENING_HOURS = "weekly_opening_hours", _("Opening hours per week")
    STEP_FREE_ACCESS = "step_free_access", _("Step-free access")
    LEGAL_FORM_GOVERNANCE = (
        "legal_form_governance",
        _("Governance (declared, else from the legal form)"),
    )
    LABELS = "labels", _("Labels carried (label codes)")
    FOOD_RETAIL_MAIN_ACTIVITY = "food_retail_main_activity", _("Food retail is the main activity")
    COMPLIANCE_DECLARED = "compliance_declared", _("Compliance declared on honour")
    ENVIRONMENTAL_PRACTICES = "environmental_practices", _("Environmental practices (codes)")
    SOCIAL_ACCESS_SCHEMES = "social_access_schemes", _("Social access schemes (codes)")
    OUTREACH_EVENTS = "outreach_events_per_year", _("Outreach events per year")
    WORK_INTEGRATION_JOBS = "work_integration_jobs", _("Work-integration jobs")
    FOOD_POLICY_PARTNERSHIP = "food_policy_partnership", _("Link with local food policies")
    FINANCIAL_SITUATION = "financial_situation", _("Financial situation")
    COMMUNE_POPULATION = "commune_population", _("Territory from the commune's population")


class AnswerOrigin(models.TextChoices):
    """Where a criterion's answer comes from, as agents and curators are told."""

    REGISTRY = "registry", _("Registry fact (asked at registration)")
    DERIVED = "derived", _("Derived from registry data")
    AGENT = "agent", _("Agent's judgement")


# Pre-fill sources computed from other facts rather than answering the question themselves.
DERIVED_SOURCES = frozenset(
    {
        PrefillSource.IN_OCCITANIE,
        PrefillSource.LEGAL_ID,
        PrefillSource.LEGAL_FORM_GOVERNANCE,
        PrefillSource.COMMUNE_POPULATION,
    }
)


def answer_origin(prefill_source: str) -> AnswerOrigin:
    if not prefill_source:
        return AnswerOrigin.AGENT
    if prefill_source in DERIVED_SOURCES:
        return AnswerOrigin.DERIVED
    return AnswerOrigin.REGISTRY


class FrameworkQuerySet(models.QuerySet):
    def published(self):
        """The framework in force (at most one row)."""
        return self.filter(status=FrameworkStatus.PUBLISHED)


class Framework(models.Model):
    version = models.PositiveIntegerField(_("version"), unique=True)
    title = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description (French)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FrameworkStatus, default=FrameworkStatus.DRAFT
    )
    min_score = models.PositiveIntegerField(
        _("minimum score"), help_text=_("Score an initiative needs to be eligible.")
    )
    texts_reviewed = models.BooleanField(
        _("texts reviewed"),
        default=True,
        help_text=_(
            "Unticked on a draft duplicated from another version: its title and description "
            "were carried over and may speak of the previous version (points, minimum score). "
            "Tick once they are checked; publishing asks to confirm them otherwise."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        verbose_name = _("eligibility framework")
        verbose_name_plural = _("eligibility frameworks")
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status="published"),
                name="framework_one_published",
                violation_error_message=_("Another framework is already published."),
            ),
            CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="framework_status_known",
            ),
        ]

    def __str__(self):
        return f"v{self.version} — {self.display_title}"

    @property
    def display_title(self) -> str:
        """The title in the active language (French when no English one is given)."""
        return in_active_language(self.title, self.title_en)

    @property
    def display_description(self) -> str:
        return in_active_language(self.description, self.description_en)

    @property
    def is_editable(self) -> bool:
        return self.status == FrameworkStatus.DRAFT

    def stored_status(self) -> str | None:
        if not self.pk:
            return None
        return Framework.objects.filter(pk=self.pk).values_list("status", flat=True).first()

    def clean(self):
        if self.stored_status() not in (None, FrameworkStatus.DRAFT):
            raise ValidationError(LOCKED_MESSAGE, code="framework_locked")

    def weighted_points_total(self) -> int:
        """The most points the framework's weighted criteria can give together."""
        if not self.pk:
            return 0
        total = self.criteria.filter(kind=CriterionKind.WEIGHTED).aggregate(
            total=models.Sum("max_points")
        )["total"]
        return total or 0

    def min_score_error(self) -> str | None:
        """Why the minimum score cannot be reached, or None.

        Not part of `clean()`: a draft is saved before the criteria edited alongside it, and may
        be incomplete while being prepared. Publishing refuses a framework with this error and
        the admin warns about it after each save of a draft.
        """
        total = self.weighted_points_total()
        if self.min_score is None or self.min_score <= total:
            return None
        return gettext(
            "The minimum score (%(min_score)s) is above the %(total)s points the weighted "
            "criteria can give at most: no initiative could be eligible."
        ) % {"min_score": number_format(self.min_score), "total": number_format(total)}


LOCKED_MESSAGE = _(
    "A published or retired framework can no longer be changed. Use “Duplicate as new draft” "
    "to prepare a new version."
)


class Criterion(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("framework")
    )
    code = models.SlugField(
        _("code"),
        max_length=20,
        allow_unicode=False,
        help_text=_("Stable identifier (E1, C4…): answers carry over between versions by code."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label = models.CharField(_("label (French)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200, blank=True)
    help_text = models.TextField(_("help text (French)"), blank=True)
    help_text_en = models.TextField(_("help text (English)"), blank=True)
    orientation = models.ForeignKey(
        PacteOrientation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria",
        verbose_name=_("Pacte orientation"),
    )
    action = models.ForeignKey(
        PacteAction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="criteria",
        verbose_name=_("Pacte action"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=CriterionKind)
    question = models.CharField(_("question"), max_length=16, choices=QuestionKind)
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), default=0, help_text=_("0 for an eliminatory condition.")
    )
    required = models.BooleanField(
        _("answer required"),
        default=True,
        help_text=_("Without an answer the assessment is incomplete (always on for conditions)."),
    )
    config = models.JSONField(
        _("scoring configuration"),
        default=dict,
        blank=True,
        help_text=_(
            'Yes/no: {"yes": 4, "no": 0} or, for a condition, {"expected": true}. '
            'Number: {"min": 0, "max": 100, "unit": "%", "bands": [{"from": 30, "points": 5}]} '
            'or {"threshold": 50, "points": 4}. Choices: {"options": [{"value": "coop", '
            '"label": "Coopérative", "label_en": "Co-operative", "points": 6}]} '
            '(for a condition, "pass": true/false instead of points).'
        ),
    )
    prefill_source = models.CharField(
        _("pre-fill from"),
        max_length=30,
        choices=PrefillSource,
        blank=True,
        help_text=_(
            "Registry fact that pre-fills the answer, so agents do not type it twice. Empty: "
            "the agent answers from their own judgement."
        ),
    )
    actionable = models.BooleanField(
        _("actionable"),
        default=True,
        help_text=_(
            "The initiative can change its answer (its practices, sourcing…). Untick for facts "
            "it cannot reasonably change, such as where the shop is: “what would make it "
            "eligible” and action plans then never propose changing it."
        ),
    )

    class Meta:
        ordering = ["framework", "position", "code"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_unique"),
            CheckConstraint(
                condition=Q(kind__in=CriterionKind.values), name="criterion_kind_known"
            ),
            CheckConstraint(
                condition=Q(question__in=QuestionKind.values), name="criterion_question_known"
            ),
            CheckConstraint(
                condition=~Q(kind="eliminatory") | Q(max_points=0),
                name="criterion_condition_has_no_points",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.label}"

    @property
    def display_label(self) -> str:
        return in_active_language(self.label, self.label_en)

    @property
    def display_help(self) -> str:
        return in_active_language(self.help_text, self.help_text_en)

    @property
    def answer_origin(self) -> AnswerOrigin:
        """Where the answer comes from: a registry fact, derived data or the agent."""
        return answer_origin(self.prefill_source)

    @property
    def answer_origin_text(self) -> str:
        """The origin in words, naming the fact when there is one."""
        origin = self.answer_origin
        if origin == AnswerOrigin.AGENT:
            return str(origin.label)
        return gettext("%(origin)s: %(fact)s") % {
            "origin": origin.label,
            "fact": self.get_prefill_source_display(),
        }

    def definition(self) -> engine.CriterionDef:
        return engine.parse_criterion(
            code=self.code,
            label=self.label,
            label_en=self.label_en,
            question=self.question,
            kind=self.kind,
            config=self.config,
            max_points=self.max_points,
            required=self.required,
            orientation=self.orientation_id or "",
            actionable=self.actionable,
        )

    def clean(self):
        if self.framework_id and not self._framework_is_draft():
            raise ValidationError(LOCKED_MESSAGE, code="framework_locked")
        if self.pk:
            stored = Criterion.objects.filter(pk=self.pk).values_list("framework_id", flat=True)
            if stored and stored[0] != self.framework_id:
                raise ValidationError(
                    _("A criterion cannot move to another framework."), code="framework_locked"
                )
        if self.kind == CriterionKind.ELIMINATORY and self.max_points:
            raise ValidationError(
                {"max_points": _("An eliminatory condition gives no points: set 0.")}
            )
        if self.kind == CriterionKind.WEIGHTED and not self.max_points:
            raise ValidationError(
                {"max_points": _("A weighted criterion needs a maximum above 0.")}
            )

    def clean_fields(self, exclude=None):
        """Field checks, then the engine's check of the scoring configuration, unless a form
        left it out (it failed there already) or a field it depends on is in error."""
        exclude = set(exclude or ())
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if not (exclude | set(errors)) & {"config", "kind", "question", "max_points"}:
            try:
                self._check_config()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _check_config(self):
        try:
            self.definition()
        except engine.ConfigError as error:
            english = english_active()
            raise ValidationError(
                {"config": [en if english else fr for fr, en in error.messages]}
            ) from None

    def _framework_is_draft(self) -> bool:
        status = Framework.objects.filter(pk=self.framework_id).values_list("status", flat=True)
        if self.pk:
            old = Criterion.objects.filter(pk=self.pk).values_list("framework__status", flat=True)
            if old and old[0] != FrameworkStatus.DRAFT:
                return False
        return not status or status[0] == FrameworkStatus.DRAFT


class AssessmentQuerySet(models.QuerySet):
    def current(self):
        """The assessments in force: the latest of each initiative under the published framework."""
        return self.filter(is_current=True)


class Assessment(models.Model):
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("initiative"),
    )
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("framework"),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2)
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict)
    explanation = StoredJSONField(
        _("explanation"), default=list, blank=True, encoder=engine.PreEncodedJSONEncoder
    )
    suggestions = StoredJSONField(_("what would change the result"), default=list, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assessed by"),
        db_index=False,  # never filtered on; one index less to maintain in bulk re-scoring
    )
    assessed_at = models.DateTimeField(_("assessed at"))
    is_current = models.BooleanField(_("current"), default=False)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative"],
                condition=Q(is_current=True),
                name="assessment_one_current_per_initiative",
            ),
            CheckConstraint(
                condition=Q(verdict__in=["eligible", "not_eligible", "incomplete"]),
                name="assessment_verdict_known",
            ),
        ]
        indexes = [
            # Lists read each initiative's current verdict and score from this index alone: the
            # rows themselves carry kilobytes of answers and explanation (issue 16).
            models.Index(
                fields=[
                    "initiative",
                    "verdict",
                    "score",
                    "max_score",
                    "framework",
                    "assessed_at",
                    "is_current",
                ],
                condition=Q(is_current=True),
                name="assessment_current_result",
            ),
        ]

    def __str__(self):
        return f"{self.initiative} — v{self.framework.version} — {self.get_verdict_display()}"
