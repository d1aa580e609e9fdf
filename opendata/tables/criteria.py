"""The criteria table: the eligibility framework in force."""

from django.utils.translation import gettext_lazy as _

from assessment.models import CriterionKind, QuestionKind

from .schema import BOOLEAN, SLUG, Column, Table, text_column

CRITERIA = Table(
    slug="referentiel-criteres",
    schema_name="referentiel-eligibilite-circuits-courts-occitanie",
    title=_("Eligibility framework: criteria"),
    description=_(
        "The criteria of the eligibility framework in force: eliminatory conditions and "
        "weighted criteria, their points and thresholds. One row per criterion; the framework's "
        "version, minimum score and highest score are repeated on every row."
    ),
    primary_key="code",
    version="1.0.0",
    created="2026-11-30",
    last_modified="2026-11-30",
    keywords=("circuits courts", "éligibilité", "référentiel", "Occitanie"),
    columns=(
        Column(
            "version_referentiel",
            "integer",
            _("Framework version"),
            _("Version of the framework."),
            "1",
            required=True,
            minimum=1,
        ),
        Column(
            "score_minimum",
            "number",
            _("Minimum score"),
            _("Score an initiative needs to be eligible, once it meets every condition."),
            "50",
            required=True,
            minimum=0,
        ),
        Column(
            "score_max",
            "number",
            _("Highest score"),
            _("Sum of the points of the weighted criteria."),
            "100",
            required=True,
            minimum=0,
        ),
        Column(
            "date_publication",
            "datetime",
            _("Publication"),
            _("When this version came into force (ISO 8601)."),
            "2026-01-15T10:00:00+01:00",
        ),
        text_column(
            "code",
            _("Criterion code"),
            _("Stable code of the criterion: E… for a condition, C… for a weighted criterion."),
            "C4",
            required=True,
            unique=True,
            pattern=SLUG,
        ),
        Column("position", "integer", _("Position"), _("Order in the framework."), "40"),
        text_column("libelle", _("Label"), _("Label, in French."), "Circuit court", required=True),
        text_column(
            "libelle_en",
            _("Label (English)"),
            _("Label, in English; may be empty."),
            "Short circuit",
        ),
        text_column(
            "aide", _("Explanation"), _("What the criterion asks, in French."), "Part des achats…"
        ),
        text_column(
            "aide_en",
            _("Explanation (English)"),
            _("What the criterion asks, in English; may be empty."),
            "Share of purchases…",
        ),
        text_column(
            "nature",
            _("Kind"),
            _(
                "eliminatory: a condition every eligible initiative meets; weighted: a "
                "criterion that gives points."
            ),
            "weighted",
            required=True,
            enum=tuple(CriterionKind.values),
        ),
        text_column(
            "question",
            _("Question"),
            _("How it is answered: yes_no, number, single_choice or multiple_choice."),
            "number",
            required=True,
            enum=tuple(QuestionKind.values),
        ),
        Column(
            "points_max",
            "integer",
            _("Highest points"),
            _("Points the criterion gives at most; 0 for a condition."),
            "10",
            required=True,
            minimum=0,
        ),
        Column(
            "seuil",
            "number",
            _("Threshold"),
            _("For a number question with one threshold: the value to reach."),
            "50",
        ),
        text_column("unite", _("Unit"), _("Unit of a number question."), "%"),
        Column(
            "obligatoire",
            "boolean",
            _("Answer required"),
            _("true: without this answer the assessment is incomplete."),
            "true",
            required=True,
            extra=BOOLEAN,
        ),
        text_column(
            "orientation",
            _("Pacte orientation"),
            _("Orientation of the regional pact for sustainable food it serves (O1–O6)."),
            "O1",
            pattern=r"^O[0-9]+$",
        ),
        text_column(
            "action",
            _("Pacte action"),
            _("Action of the pact it serves (A1–A10)."),
            "A3",
            pattern=r"^A[0-9]+$",
        ),
        text_column(
            "bareme",
            _("Scoring rule"),
            _(
                "The whole rule as JSON: points for yes and no, bands of a number (from → "
                "points) or its threshold, options of a choice with their points, or, for a "
                "condition, the expected answer."
            ),
            '{"min": 0, "max": 100, "unit": "%", "bands": [{"from": 30, "points": 5}]}',
            required=True,
        ),
    ),
)
