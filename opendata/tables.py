"""The tables the open data publish as CSV, each column declared once: its name, type, meaning,
example and constraints. From these come the data dictionary of the open-data page and the
Table Schemas (frictionless format, in the style of schema.data.gouv.fr) served at
/donnees-ouvertes/schema-<table>.json.

The initiatives table is the API's CSV export (api.exports.CSV_COLUMNS: same names, same order,
same values) without the columns in WITHHELD_COLUMNS: the open data carry no personal contact,
not even the public e-mail and phone of a listing, which may be a person's own (a sole trader,
a volunteer of an association). The API and the site still show them while they are public.

Column names are a public contract, as the API's: add columns, never rename or remove one
without a new major version of the schema.
"""

from dataclasses import dataclass, field

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from assessment.models import CriterionKind, QuestionKind, Verdict
from recommendations.models import PUBLIC_MEASURE_STATUSES, SupportType
from registry.validators import LATITUDE_RANGE, LONGITUDE_RANGE

TABLE_SCHEMA_PROFILE = "https://frictionlessdata.io/schemas/table-schema.json"
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}
CONTRIBUTORS = [{"title": "Région Occitanie / Pyrénées-Méditerranée", "role": "author"}]
MISSING_VALUES = [""]  # an empty cell is a missing value; no other marker is used

# Columns of the API's CSV export that the open data leave out (see the module's docstring).
WITHHELD_COLUMNS = ("email", "telephone")

# Patterns of the codes. Codes are text: they keep their leading zeros ("09", "09100").
SLUG = r"^[-a-zA-Z0-9_]+$"
REFERENCE_CODES = r"^[A-Z0-9_]+(\|[A-Z0-9_]+)*$"  # one code or several, separated by |
POSTAL_CODE = r"^[0-9]{5}$"
INSEE_COMMUNE = r"^(2[AB]|[0-9]{2})[0-9]{3}$"
INSEE_DEPARTEMENT = r"^(2[AB]|97[1-6]|[0-9]{2})$"

# How the data dictionary names each Table Schema type.
TYPE_LABELS = {
    "string": _("text"),
    "integer": _("integer"),
    "number": _("decimal number"),
    "boolean": _("boolean (true or false)"),
    "datetime": _("date and time (ISO 8601)"),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, boolean, datetime
    title: Promise
    description: Promise
    example: str
    required: bool = False
    unique: bool = False
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    format: str | None = None  # "uri" for addresses
    # trueValues/falseValues of a boolean: the exports write true and false.
    extra: dict = field(default_factory=dict)

    @property
    def type_label(self):
        return TYPE_LABELS[self.type]

    def descriptor(self) -> dict:
        """The Table Schema field, with the texts in the active language."""
        constraints = {"required": self.required}
        if self.unique:
            constraints["unique"] = True
        for key in ("pattern", "enum", "minimum", "maximum"):
            value = getattr(self, key)
            if value is not None:
                constraints[key] = list(value) if key == "enum" else value
        descriptor = {
            "name": self.name,
            "title": str(self.title),
            "description": str(self.description),
            "type": self.type,
            "example": self.example,
            "constraints": constraints,
        }
        if self.format:
            descriptor["format"] = self.format
        return descriptor | self.extra


@dataclass(frozen=True)
class Table:
    slug: str  # file names and schema address: <slug>.csv, schema-<slug>.json
    schema_name: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]
    primary_key: str
    version: str  # of the schema, semantic versioning
    created: str
    last_modified: str
    keywords: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    def table_schema(self, *, homepage: str, path: str, resource: str) -> dict:
        """The Table Schema of the table, in French (the convention of schema.data.gouv.fr):
        `homepage` is the open-data page, `path` the schema's own address, `resource` the
        address of the CSV file it describes."""
        with translation.override("fr"):
            return {
                "$schema": TABLE_SCHEMA_PROFILE,
                "name": self.schema_name,
                "title": str(self.title),
                "description": str(self.description),
                "countryCode": "FR",
                "homepage": homepage,
                "path": path,
                "resources": [{"title": str(self.title), "path": resource}],
                "created": self.created,
                "lastModified": self.last_modified,
                "version": self.version,
                "contributors": CONTRIBUTORS,
                "licenses": [LICENCE],
                "keywords": list(self.keywords),
                "fields": [column.descriptor() for column in self.columns],
                "missingValues": MISSING_VALUES,
                "primaryKey": self.primary_key,
            }


BOOLEAN = {"trueValues": ["true"], "falseValues": ["false"]}


def _codes(name, title, description, example):
    return Column(name, "string", title, description, example, pattern=REFERENCE_CODES)


def _text(name, title, description, example, **kwargs):
    return Column(name, "string", title, description, example, **kwargs)


def _updated(description):
    return Column(
        "date_maj", "datetime", _("Last change"), description, "2026-03-02T09:30:00+01:00"
    )


INITIATIVES = Table(
    slug="initiatives",
    schema_name="initiatives-circuits-courts-occitanie",
    title=_("Local food retailers of the Région Occitanie"),
    description=_(
        "Validated initiatives of the registry of new local food-distribution networks "
        "(producers' shops, AMAPs, markets, local and solidarity grocers…) with the verdict of "
        "their current eligibility assessment. One row per initiative. UTF-8 with a byte-order "
        "mark, comma-separated, decimal point. No personal contact: neither e-mail nor phone."
    ),
    primary_key="id",
    version="1.0.0",
    created="2026-11-30",
    last_modified="2026-11-30",
    keywords=("circuits courts", "alimentation", "vente directe", "Occitanie", "commerce"),
    columns=(
        _text(
            "id",
            _("Identifier"),
            _(
                "Stable identifier of the initiative: the end of its page's address and its key in the API."
            ),
            "epicerie-du-lac-foix",
            required=True,
            unique=True,
            pattern=SLUG,
        ),
        _text("nom", _("Name"), _("Name of the initiative."), "Épicerie du Lac", required=True),
        _text(
            "type_code",
            _("Distribution type (code)"),
            _("Code of the distribution type: see /api/v1/types/."),
            "MAG_PROD",
            required=True,
            pattern=r"^[A-Z0-9_]+$",
        ),
        _text(
            "type_libelle",
            _("Distribution type"),
            _("Name of the distribution type, in French."),
            "Magasin de producteurs",
            required=True,
        ),
        _text("adresse", _("Address"), _("Street address of the outlet."), "2 place de la Halle"),
        _text(
            "code_postal",
            _("Postal code"),
            _("Five digits, written as text: keep the leading zero (09100)."),
            "09000",
            required=True,
            pattern=POSTAL_CODE,
        ),
        _text(
            "code_insee",
            _("Commune (INSEE code)"),
            _("INSEE code of the commune, five characters written as text (09122, 2A004)."),
            "09122",
            required=True,
            pattern=INSEE_COMMUNE,
        ),
        _text("commune", _("Commune"), _("Name of the commune."), "Foix", required=True),
        _text(
            "departement",
            _("Département (INSEE code)"),
            _("INSEE code of the département, written as text: keep the leading zero (09)."),
            "09",
            required=True,
            pattern=INSEE_DEPARTEMENT,
        ),
        Column(
            "latitude",
            "number",
            _("Latitude"),
            _(
                "WGS 84 decimal degrees; the commune's point when the outlet has none of its own "
                "(see precision_localisation); empty when unknown."
            ),
            "42.9653",
            minimum=LATITUDE_RANGE[0],
            maximum=LATITUDE_RANGE[1],
        ),
        Column(
            "longitude",
            "number",
            _("Longitude"),
            _("WGS 84 decimal degrees, as latitude."),
            "1.6069",
            minimum=LONGITUDE_RANGE[0],
            maximum=LONGITUDE_RANGE[1],
        ),
        _codes(
            "familles_produits",
            _("Product families"),
            _("Codes of the product families sold, separated by |."),
            "FRUITS_LEGUMES|CREMERIE",
        ),
        _codes(
            "labels",
            _("Labels"),
            _("Codes of the quality labels of the products sold, separated by |."),
            "AB|HVE",
        ),
        _text(
            "horaires",
            _("Opening hours"),
            _("Free text, possibly on several lines."),
            "Mardi-samedi 9h-19h",
        ),
        _text(
            "site_web",
            _("Website"),
            _("Address of the initiative's website."),
            "https://www.epicerie-du-lac.fr/",
            format="uri",
        ),
        Column(
            "eligible",
            "boolean",
            _("Eligible"),
            _(
                "true when the current assessment is eligible, false when it is not eligible "
                "or incomplete; empty when the initiative was never assessed."
            ),
            "true",
            extra=BOOLEAN,
        ),
        _text(
            "verdict",
            _("Verdict"),
            _(
                "Verdict of the current assessment: eligible, not_eligible or incomplete (an "
                "answer is missing); empty when never assessed."
            ),
            "eligible",
            enum=tuple(Verdict.values),
        ),
        Column(
            "score",
            "number",
            _("Score"),
            _("Points of the current assessment."),
            "62.5",
            minimum=0,
        ),
        Column(
            "score_max",
            "number",
            _("Highest score"),
            _("Highest possible score under the framework of the assessment."),
            "100",
            minimum=0,
        ),
        Column(
            "version_referentiel",
            "integer",
            _("Framework version"),
            _("Version of the eligibility framework of the current assessment (referentiel.json)."),
            "1",
            minimum=1,
        ),
        _text(
            "url",
            _("Page"),
            _("Address of the initiative's page on the site."),
            "https://example.org/initiatives/epicerie-du-lac-foix/",
            required=True,
            format="uri",
        ),
        _updated(_("When the listing or its assessment last changed (ISO 8601, with the offset).")),
        _text(
            "precision_localisation",
            _("Position precision"),
            _(
                "address: latitude and longitude are the outlet's own point; commune: they are "
                "its commune's; empty when unknown."
            ),
            "address",
            enum=("address", "commune"),
        ),
    ),
)

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
        _text(
            "code",
            _("Criterion code"),
            _("Stable code of the criterion: E… for a condition, C… for a weighted criterion."),
            "C4",
            required=True,
            unique=True,
            pattern=SLUG,
        ),
        Column("position", "integer", _("Position"), _("Order in the framework."), "40"),
        _text("libelle", _("Label"), _("Label, in French."), "Circuit court", required=True),
        _text(
            "libelle_en",
            _("Label (English)"),
            _("Label, in English; may be empty."),
            "Short circuit",
        ),
        _text(
            "aide", _("Explanation"), _("What the criterion asks, in French."), "Part des achats…"
        ),
        _text(
            "aide_en",
            _("Explanation (English)"),
            _("What the criterion asks, in English; may be empty."),
            "Share of purchases…",
        ),
        _text(
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
        _text(
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
        _text("unite", _("Unit"), _("Unit of a number question."), "%"),
        Column(
            "obligatoire",
            "boolean",
            _("Answer required"),
            _("true: without this answer the assessment is incomplete."),
            "true",
            required=True,
            extra=BOOLEAN,
        ),
        _text(
            "orientation",
            _("Pacte orientation"),
            _("Orientation of the regional pact for sustainable food it serves (O1–O6)."),
            "O1",
            pattern=r"^O[0-9]+$",
        ),
        _text(
            "action",
            _("Pacte action"),
            _("Action of the pact it serves (A1–A10)."),
            "A3",
            pattern=r"^A[0-9]+$",
        ),
        _text(
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
        _text(
            "code",
            _("Code"),
            _("Stable code of the measure."),
            "LOG1",
            required=True,
            unique=True,
            pattern=r"^[A-Za-z0-9_-]+$",
        ),
        _text(
            "titre", _("Title"), _("Title, in French."), "Mutualiser la logistique", required=True
        ),
        _text(
            "titre_en",
            _("Title (English)"),
            _("Title, in English; may be empty."),
            "Shared logistics",
        ),
        _text("resume", _("Summary"), _("One or two sentences, in French."), "…", required=True),
        _text("resume_en", _("Summary (English)"), _("In English; may be empty."), "…"),
        _text("justification", _("Rationale"), _("Why, in French (Markdown)."), "…"),
        _text("justification_en", _("Rationale (English)"), _("In English; may be empty."), "…"),
        _text("moyens", _("Means"), _("How it is implemented, in French (Markdown)."), "…"),
        _text("moyens_en", _("Means (English)"), _("In English; may be empty."), "…"),
        _text(
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
        _text(
            "statut",
            _("Status"),
            _("adopted or in_place."),
            "in_place",
            required=True,
            enum=tuple(str(status) for status in PUBLIC_MEASURE_STATUSES),
        ),
        _text("service_pilote", _("Lead service"), _("Service of the Région in charge."), "…"),
        _codes(
            "actions_pacte",
            _("Pacte actions"),
            _("Codes of the actions of the pact it serves, separated by |."),
            "A3|A5",
        ),
        _codes(
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
        _codes(
            "types_cibles",
            _("Target types"),
            _("Codes of the distribution types it suits, separated by |; empty: every type."),
            "AMAP|PANIERS",
        ),
        _text(
            "url",
            _("Page"),
            _("Address of the measure's page on the site."),
            "https://example.org/mesures/LOG1/",
            format="uri",
        ),
        _updated(_("When the measure last changed (ISO 8601).")),
    ),
)

TABLES = {table.slug: table for table in (INITIATIVES, CRITERIA, MEASURES)}
