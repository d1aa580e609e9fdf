"""The measures table: the support measures the public catalogue shows."""

from django.utils.translation import gettext_lazy as _

from recommendations.models import PUBLIC_MEASURE_STATUSES, SupportType

from .schema import Column, Table, codes_column, text_column, updated_column

MEASURES = Table(
    slug="mesures",
    schema_name="mesures-soutien-circuits-courts-occitanie",
    title=_("Support measures"),
    description=_(
        "The Région's support measures for new local food-distribution networks that are "
        "adopted or in place. One row per measure; Markdown in the long texts."
    ),
    primary_key="code",
    version="1.0.0",
    created="2026-11-30",
    last_modified="2026-11-30",
    keywords=("circuits courts", "aides", "Occitanie"),
    columns=(
        text_column(
            "code",
            _("Code"),
            _("Stable code of the measure."),
            "LOG1",
            required=True,
            unique=True,
            pattern=r"^[A-Za-z0-9_-]+$",
        ),
        text_column(
            "titre", _("Title"), _("Title, in French."), "Mutualiser la logistique", required=True
        ),
        text_column(
            "titre_en",
            _("Title (English)"),
            _("Title, in English; may be empty."),
            "Shared logistics",
        ),
        text_column(
            "resume", _("Summary"), _("One or two sentences, in French."), "…", required=True
        ),
        text_column("resume_en", _("Summary (English)"), _("In English; may be empty."), "…"),
        text_column("justification", _("Rationale"), _("Why, in French (Markdown)."), "…"),
        text_column(
            "justification_en", _("Rationale (English)"), _("In English; may be empty."), "…"
        ),
        text_column("moyens", _("Means"), _("How it is implemented, in French (Markdown)."), "…"),
        text_column("moyens_en", _("Means (English)"), _("In English; may be empty."), "…"),
        text_column(
            "type_soutien",
            _("Type of support"),
            _("Code of the type of support."),
            "logistics",
            required=True,
            enum=tuple(SupportType.values),
        ),
        Column(
            "priorite",
            "integer",
            _("Priority"),
            _("Priority given by the Région: 1 (highest) to 3 (lowest)."),
            "1",
            minimum=1,
            maximum=3,
        ),
        text_column(
            "statut",
            _("Status"),
            _("adopted or in_place."),
            "in_place",
            required=True,
            enum=tuple(str(status) for status in PUBLIC_MEASURE_STATUSES),
        ),
        text_column(
            "service_pilote", _("Lead service"), _("Service of the Région in charge."), "…"
        ),
        codes_column(
            "actions_pacte",
            _("Pacte actions"),
            _("Codes of the actions of the pact it serves, separated by |."),
            "A3|A5",
        ),
        codes_column(
            "besoins",
            _("Needs"),
            _("Codes of the needs and obstacles it answers, separated by |."),
            "K_LOG",
        ),
        Column(
            "criteres",
            "string",
            _("Criteria"),
            _("Codes of the framework's criteria it helps improve, separated by |."),
            "C4|E4",
            pattern=r"^[-a-zA-Z0-9_]+(\|[-a-zA-Z0-9_]+)*$",
        ),
        codes_column(
            "types_cibles",
            _("Target types"),
            _("Codes of the distribution types it suits, separated by |; empty: every type."),
            "AMAP|PANIERS",
        ),
        text_column(
            "url",
            _("Page"),
            _("Address of the measure's page on the site."),
            "https://example.org/mesures/LOG1/",
            format="uri",
        ),
        updated_column(_("When the measure last changed (ISO 8601).")),
    ),
)
